package ui

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// paneTitles are the registered panes' titles, in tab order.
func paneTitles() []string {
	var out []string
	for _, p := range paneRegistry {
		out = append(out, p().title())
	}
	return out
}

func TestMain(m *testing.M) {
	time.Local = time.UTC // goldens must not depend on the machine's zone
	os.Exit(m.Run())
}

var clock = time.Date(2026, 11, 22, 6, 30, 0, 0, time.UTC)

// fixtureFacts gathers a captured tree with faults of every pane's kind, and
// adds links (a captured tree has none: they come from netlink), one with a
// hostile name and alias.
func fixtureFacts(t testing.TB) *probes.Facts {
	roots := filepath.Join("..", "probes", "testdata", "roots")
	dir := fixture.Root(t, filepath.Join(roots, "base"), filepath.Join(roots, "apparmor-denial"),
		filepath.Join(roots, "memory-fragmented"), filepath.Join(roots, "netconfig-networkd"))
	f := probes.Gather(context.Background(), probes.Target{Root: dir, Interfaces: []string{"veth0"}})
	f.Collected = clock
	f.Target.Root = "/captured"
	f.Host.Tool = probes.ToolPrivileges{UID: 0, NetAdmin: true, SysAdmin: true, BoundingNetAdmin: true} // not the test runner's
	f.Net = syntheticNet(4)
	return f
}

// syntheticNet builds n veth pairs on a bridge, plus lo, eth0 and a link
// whose name and alias hold escape sequences.
func syntheticNet(pairs int) probes.NetFacts {
	up := uint32(unix.IFF_UP | unix.IFF_LOWER_UP | unix.IFF_BROADCAST)
	n := probes.NetFacts{Links: []probes.Link{
		{Index: 1, Name: "lo", Flags: unix.IFF_UP | unix.IFF_LOWER_UP | unix.IFF_LOOPBACK, OperState: "unknown", MTU: 65536},
		{Index: 2, Name: "eth0", Flags: up, OperState: "up", MTU: 1500, AltNames: []string{"enp0s3"}},
		{Index: 3, Name: "docker0", Kind: "bridge", Flags: up, OperState: "up", MTU: 1500},
		{Index: 4, Name: "\x1b[2Jevil", Kind: "dummy", Flags: 0, OperState: "down", MTU: 1500, Alias: "\x1b]52;c;ZWNobyBoaQ==\x07"},
	}}
	n.Addrs = []probes.Addr{
		{Index: 1, Family: "inet", Prefix: netip.MustParsePrefix("127.0.0.1/8"), Scope: "host"},
		{Index: 2, Family: "inet", Prefix: netip.MustParsePrefix("192.0.2.2/24"), Scope: "global"},
		{Index: 3, Family: "inet", Prefix: netip.MustParsePrefix("172.17.0.1/16"), Scope: "global"},
	}
	n.Routes = []probes.Route{{Family: "inet", Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.0.2.1"), OutIndex: 2, Table: 254, Protocol: "boot", Type: "unicast", Scope: "global"}}
	idx := int32(10)
	for i := 0; i < pairs; i++ {
		a := probes.Link{Index: idx, Name: fmt.Sprintf("veth%d", i), Kind: "veth", Flags: up, OperState: "up", MTU: 1500, Master: 3, Parent: idx + 1}
		b := probes.Link{Index: idx + 1, Name: fmt.Sprintf("vethp%d", i), Kind: "veth", Flags: up, OperState: "up", MTU: 1500, Parent: idx}
		n.Links = append(n.Links, a, b)
		idx += 2
	}
	n.Index()
	return n
}

// newTestModel builds a dashboard on fixed facts, sized w×h, diagnosed.
func newTestModel(t testing.TB, f *probes.Facts, symptom string, w, h int) *Model {
	t.Helper()
	m := New(Options{Symptom: symptom, NoPoll: true, Now: func() time.Time { return clock },
		Env:    &fix.ActionEnv{ReadOnly: true},
		Gather: func(context.Context, probes.Target, ...probes.Group) *probes.Facts { return f }})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	feed(m, factsMsg{facts: f, full: true})
	return m
}

// feed sends a message and runs the commands it returns (and theirs), as
// the program would, except ticks, clipboard and terminal round trips.
func feed(m *Model, msg tea.Msg) {
	_, cmd := m.Update(msg)
	run(m, cmd, 0)
}

func run(m *Model, cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 5 {
		return
	}
	msg := cmd()
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			run(m, c, depth+1)
		}
	case diagMsg, factsMsg, previewMsg, verifiedMsg, reproMsg, statusMsg:
		_, next := m.Update(msg)
		run(m, next, depth+1)
	}
}

func press(m *Model, keys ...string) {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "esc":
			msg = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "pgdown":
			msg = tea.KeyPressMsg{Code: tea.KeyPgDown}
		case "ctrl+d":
			msg = tea.KeyPressMsg{Code: 'd', Mod: tea.ModCtrl}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		feed(m, msg)
	}
}

var yearRE = regexp.MustCompile(`\b20\d\d-\d\d-\d\d\b`)

// content is the frame, with what varies between machines normalised.
func content(m *Model) string {
	s := m.View().Content
	return yearRE.ReplaceAllString(s, "YYYY-MM-DD")
}

const veth0Exists = "$ ip link add veth0 type veth peer name vethp0\nRTNETLINK answers: File exists"

func TestGolden(t *testing.T) {
	f := fixtureFacts(t)
	for _, size := range [][2]int{{80, 24}, {160, 48}} {
		w, h := size[0], size[1]
		for i, name := range paneTitles() {
			t.Run(fmt.Sprintf("%s_%dx%d", strings.ToLower(name), w, h), func(t *testing.T) {
				m := newTestModel(t, f, veth0Exists, w, h)
				press(m, fmt.Sprint(i+1))
				out := content(m)
				checkFrame(t, out, w, h)
				golden.RequireEqual(t, out)
			})
		}
		t.Run(fmt.Sprintf("walkthrough_%dx%d", w, h), func(t *testing.T) {
			m := newTestModel(t, f, veth0Exists, w, h)
			press(m, "n", "p", "down") // back on the first cause, second fix selected
			out := content(m)
			checkFrame(t, out, w, h)
			golden.RequireEqual(t, out)
		})
		t.Run(fmt.Sprintf("help_%dx%d", w, h), func(t *testing.T) {
			m := newTestModel(t, f, "", w, h)
			press(m, "?")
			golden.RequireEqual(t, content(m))
		})
	}
}

// checkFrame: the frame fits the window and no escape sequence from the
// system reached it (the only ESC bytes are lipgloss's SGR styling).
func checkFrame(t *testing.T, out string, w, h int) {
	t.Helper()
	lines := strings.Split(out, "\n")
	if len(lines) > h {
		t.Errorf("%d lines for a %d-line window", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Errorf("line %d is %d cells wide (window %d): %q", i, n, w, ansi.Strip(l))
		}
	}
	plain := ansi.Strip(out)
	if strings.ContainsAny(plain, "\x1b\x07\u009b") {
		t.Fatalf("a control sequence from the system reached the frame: %q", plain)
	}
	if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "\x1b]52") {
		t.Fatal("a hostile sequence reached the frame")
	}
}

func TestWalkThroughFirstCause(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 80, 24)
	plain := ansi.Strip(content(m))
	if !strings.Contains(plain, "✗ FAIL") || !strings.Contains(plain, `a link named "veth0" already exists`) {
		t.Fatalf("the first step is not the proven name clash:\n%s", plain)
	}
	press(m, "n")
	if m.step != 1 {
		t.Fatalf("n did not move to the next cause: %d", m.step)
	}
}

func TestSmallAndResize(t *testing.T) {
	f := fixtureFacts(t)
	m := newTestModel(t, f, "", 20, 5)
	out := ansi.Strip(content(m))
	if !strings.Contains(out, "too small") || len(strings.Split(out, "\n")) > 5 {
		t.Fatalf("20x5:\n%s", out)
	}
	// Nothing is visible, so no key but q acts.
	before := m.pane
	press(m, "2")
	press(m, "s")
	if m.pane != before || m.dialog != dialogNone {
		t.Fatalf("a key acted on an invisible dashboard: pane %v dialog %v", m.pane, m.dialog)
	}
	feed(m, tea.WindowSizeMsg{Width: 80, Height: 24})
	checkFrame(t, content(m), 80, 24)
	if !strings.Contains(ansi.Strip(content(m)), "rtnl-doctor") {
		t.Fatal("back to 80x24 does not draw the dashboard")
	}
}

func TestSymptomDialogAndPaste(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), "", 80, 24)
	press(m, "s")
	if m.dialog != dialogSymptom {
		t.Fatal("s did not open the symptom input")
	}
	feed(m, tea.PasteMsg{Content: veth0Exists + "\n"})
	press(m, "ctrl+d")
	if m.dialog != dialogNone || m.symptom.Errno != symptom.EEXIST || m.pane != paneTroubleshoot {
		t.Fatalf("after paste: dialog %v symptom %+v", m.dialog, m.symptom)
	}
	if r := m.currentResult(); r == nil || r.ID != "name-conflict" {
		t.Fatalf("first step %+v", r)
	}
}

func TestConfirmGrace(t *testing.T) {
	f := fixtureFacts(t)
	now := clock
	m := newTestModel(t, f, veth0Exists, 80, 24)
	m.opt.Now = func() time.Time { return now }
	m.opt.Env = &fix.ActionEnv{DryRun: true}
	fx := fix.Fix{ID: "t/x", Title: "test", Command: "true", Action: &fix.Action{Kind: "compact-memory"}}
	feed(m, previewMsg{fix: fx, cause: "kernel-memory", preview: fix.Preview{Changes: []string{"nothing"}}})
	if m.dialog != dialogConfirm {
		t.Fatal("no confirmation dialog")
	}
	press(m, "y") // type-ahead inside the grace period
	if m.dialog != dialogConfirm {
		t.Fatal("a key inside the grace period confirmed the fix")
	}
	now = now.Add(confirmGrace + time.Millisecond)
	press(m, "n")
	if m.dialog != dialogNone || !strings.Contains(m.status, "not applied") {
		t.Fatalf("n after the grace period: %v %q", m.dialog, m.status)
	}
}

func TestLinksFilterAndDetail(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), "", 80, 24)
	press(m, "3", "/", "v", "e", "t", "h", "p", "enter")
	lp, _ := paneOf[*linksPane](m)
	if got := len(lp.filtered(m)); got != 4 {
		t.Fatalf("filter vethp matched %d links", got)
	}
	press(m, "enter")
	if m.dialog != dialogDetail || !strings.Contains(m.detail, "link/peer: veth") {
		t.Fatalf("detail: %v %q", m.dialog, m.detail)
	}
	press(m, "x")
	if m.dialog != dialogNone {
		t.Fatal("any key closes the detail")
	}
}

func BenchmarkRenderPanes(b *testing.B) {
	f := fixtureFacts(b)
	f.Net = syntheticNet(10000) // 20,000 links
	for _, size := range [][2]int{{80, 24}, {200, 60}} {
		for i, name := range paneTitles() {
			b.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(b *testing.B) {
				m := newTestModel(b, f, veth0Exists, size[0], size[1])
				press(m, fmt.Sprint(i+1))
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					m.cache.invalidate()
					_ = m.View()
				}
			})
		}
	}
}

func TestUndoOnlyThisSessionAndAsks(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 100, 30)
	j, err := fix.OpenJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m.opt.Env = &fix.ActionEnv{Journal: j}
	press(m, "u")
	if m.dialog != dialogNone || !strings.Contains(m.status, "no fix was applied in this session") {
		t.Fatalf("u with nothing applied: dialog %v, status %q", m.dialog, m.status)
	}
	m.lastFix = "20261122-101500-abcdef"
	m.lastEntry = fix.Entry{ID: m.lastFix, Fix: "link-state-up-veth0", Title: "Bring veth0 up", Command: "ip link set veth0 up",
		Old: map[string]string{"up": "false"}, Time: clock, Action: &fix.Action{Kind: "link-set", Params: map[string]string{"name": "veth0", "state": "up"}}}
	press(m, "u")
	if m.dialog != dialogConfirm || m.confirm == nil || m.confirm.undo == nil {
		t.Fatalf("u after a fix did not ask: dialog %v", m.dialog)
	}
	plain := ansi.Strip(content(m))
	for _, want := range []string{"Undo this fix?", "Bring veth0 up", "$ ip link set veth0 up", "up: false"} {
		if !strings.Contains(plain, want) {
			t.Fatalf("the undo confirmation lacks %q:\n%s", want, plain)
		}
	}
	m.confirm.openedAt = clock.Add(-time.Second)
	press(m, "n")
	if m.dialog != dialogNone || m.status != "not undone" || m.lastFix == "" {
		t.Fatalf("n did not cancel the undo: dialog %v status %q", m.dialog, m.status)
	}
	// A deleted link cannot come back: u says so instead of asking.
	m.lastEntry.Action = &fix.Action{Kind: "link-delete", Params: map[string]string{"name": "veth0"}}
	m.lastEntry.Old = map[string]string{"attached": "peer veth1"}
	press(m, "u")
	if m.dialog != dialogNone || !strings.Contains(m.status, "cannot be undone: a deleted link is gone; it was: peer veth1") {
		t.Fatalf("u after a delete: dialog %v status %q", m.dialog, m.status)
	}
}

func TestEditKeyExplainsWhenNoEdit(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 100, 30)
	press(m, "e")
	if !strings.Contains(m.status, "no fix of name-conflict edits one") {
		t.Fatalf("e on a cause without an edit fix: %q", m.status)
	}
}

func TestLinkFilterMatchesAddresses(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), "", 100, 30)
	lp, _ := paneOf[*linksPane](m)
	lp.tbl.filter = "172.17."
	got := lp.filtered(m)
	if len(got) != 1 || got[0].Index != 3 {
		t.Fatalf("filter by address: %+v", got)
	}
}

// TestLateResultsDoNotLand: a reproduction of a replaced symptom, or a
// preview finishing while another dialog is open, changes nothing.
func TestLateResultsDoNotLand(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 100, 30)
	feed(m, reproMsg{repro: &reproduce.Reproduction{Ran: true, Conclusion: "old"}, symptom: "ip link add other type dummy"})
	if m.repro != nil {
		t.Fatal("a reproduction of another symptom was kept")
	}
	m.dialog = dialogHelp
	feed(m, previewMsg{fix: fix.Fix{ID: "x/y"}, cause: "name-conflict"})
	if m.dialog != dialogHelp || m.confirm != nil {
		t.Fatalf("a late preview replaced the open dialog: %v", m.dialog)
	}
}

// BenchmarkIdlePoll20k is one unchanged poll of the dashboard with 20,000
// links, as it costs in Update: merging the facts, diagnosing them, and
// drawing the frame.
func BenchmarkIdlePoll20k(b *testing.B) {
	f := fixtureFacts(b)
	f.Net = syntheticNet(10000)
	m := newTestModel(b, f, "", 80, 24)
	b.ReportAllocs()
	for b.Loop() {
		feed(m, factsMsg{facts: f})
		_ = m.View()
	}
}

// An entry that records many keys (addr-delete: several per address) still
// leaves the confirm keys visible at 80x24 (third review).
func TestUndoDialogFitsManyKeys(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 80, 24)
	j, err := fix.OpenJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m.opt.Env = &fix.ActionEnv{Journal: j}
	old := map[string]string{"present": "true", "addrs": "3"}
	for i := 0; i < 3; i++ {
		for _, k := range []string{"", "_flags", "_scope", "_valid_until", "_preferred_until"} {
			old[fmt.Sprintf("addr%d%s", i, k)] = "x"
		}
	}
	m.lastFix = "20261122-101500-abcdef"
	m.lastEntry = fix.Entry{ID: m.lastFix, Fix: "already-exists/delete-address", Title: "Delete 10.9.0.1/24 from d0", Command: "ip address del 10.9.0.1/24 dev d0",
		Old: old, Time: clock, Action: &fix.Action{Kind: "addr-delete", Params: map[string]string{"dev": "d0", "prefix": "10.9.0.1/24"}}}
	press(m, "u")
	m.confirm.openedAt = clock.Add(-time.Second)
	m.cache.invalidate()
	plain := ansi.Strip(content(m))
	if !strings.Contains(plain, "cancel") || !strings.Contains(plain, "more (rtnl-doctor undo --list") {
		t.Fatalf("the undo confirmation at 80x24 hides its keys:\n%s", plain)
	}
}
