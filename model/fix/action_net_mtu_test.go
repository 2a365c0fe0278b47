package fix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// link-mtu's parameters: an interface name as the other link kinds take,
// a namespace path, and an MTU in plain decimal; anything else is refused
// (by the constructor's validation and by the journal alike).
func TestLinkMTUParams(t *testing.T) {
	for _, a := range []*Action{
		LinkMTUAct("", "eth0", 1500),
		LinkMTUAct("/run/netns/blue", "eth0.100", 9000),
		LinkMTUAct("/proc/42/ns/net", "veth-a_b", 68),
		LinkMTUAct("", "lo", 65536), // the range is checked against the device at preview
	} {
		if err := ValidateAction(a); err != nil {
			t.Errorf("%v: %v", a.Params, err)
		}
	}
	bad := []*Action{
		Act("link-mtu", "name", "eth0"),                            // no MTU
		Act("link-mtu", "mtu", "1500"),                             // no link
		Act("link-mtu", "name", "eth0/x", "mtu", "1500"),           // a path in a name
		Act("link-mtu", "name", "eth0 x", "mtu", "1500"),           // a space
		Act("link-mtu", "name", "eth0:1", "mtu", "1500"),           // an alias label
		Act("link-mtu", "name", "sixteen-chars-xx", "mtu", "1500"), // longer than IFNAMSIZ-1
		Act("link-mtu", "name", "eth0", "mtu", "0"),
		Act("link-mtu", "name", "eth0", "mtu", "-1500"),
		Act("link-mtu", "name", "eth0", "mtu", "+1500"),
		Act("link-mtu", "name", "eth0", "mtu", "01500"),
		Act("link-mtu", "name", "eth0", "mtu", " 1500"),
		Act("link-mtu", "name", "eth0", "mtu", "1500\n"),
		Act("link-mtu", "name", "eth0", "mtu", "1e3"),
		Act("link-mtu", "name", "eth0", "mtu", "0x5dc"),
		Act("link-mtu", "name", "eth0", "mtu", "2147483648"),
		Act("link-mtu", "name", "eth0", "mtu", "1500", "netns", "/etc/passwd"),
		Act("link-mtu", "name", "eth0", "mtu", "1500", "dev", "eth1"),   // a parameter link-mtu does not take
		Act("link-mtu", "name", "eth0", "mtu", "1500", "state", "down"), // another net kind's parameter
		Act("link-set", "name", "eth0", "state", "up", "mtu", "1500"),   // no other kind takes an mtu
		Act("route-add", "dst", "10.0.0.0/8", "mtu", "1500"),
	}
	for _, a := range bad {
		if err := ValidateAction(a); err == nil {
			t.Errorf("%s %q accepted", a.Kind, a.Params)
		}
	}
}

// The range the preview enforces: the device's own min_mtu/max_mtu when it
// reports a maximum, else 68..65535.
func TestMTURange(t *testing.T) {
	for _, c := range []struct {
		mtu, min, max uint32
		ok            bool
	}{
		{1500, 68, 1500, true}, {1501, 68, 1500, false}, {67, 68, 65535, false}, {68, 68, 65535, true},
		{9216, 68, 9216, true}, {40, 0, 65535, true}, // a device that takes less than IPv4's minimum
		{65536, 0, 0, false}, {67, 0, 0, false}, {65535, 0, 0, true}, {1280, 1280, 65535, true}, {1279, 1280, 65535, false},
	} {
		why := MTUOutside("eth0", c.mtu, c.min, c.max)
		if (why == "") != c.ok {
			t.Errorf("mtu %d in %d-%d: %q", c.mtu, c.min, c.max, why)
		}
	}
}

// A link-mtu entry, with the link's identity, survives the journal as
// written; forged variants are refused on reading.
func TestLinkMTUJournalRoundTrip(t *testing.T) {
	j, err := OpenJournal(filepath.Join(t.TempDir(), "state"))
	if err != nil {
		t.Fatal(err)
	}
	obj := &Identity{BootID: "b", NetNS: &NetnsID{Cookie: 7, Dev: 4, Ino: 4026532000, Named: "/run/netns/blue"}, Link: &LinkID{Name: "eth0", Index: 3}}
	begin := Entry{ID: "20260101-000000-aaaaaa", Phase: PhaseBegin, Fix: "mtu/raise-lower", Title: "raise",
		Action: LinkMTUAct("/run/netns/blue", "eth0", 9000), Command: "ip -n blue link set dev eth0 mtu 9000",
		Object: obj, Old: map[string]string{"ifindex": "3", "mtu": "1500"}}
	done := Entry{ID: begin.ID, Phase: PhaseDone, Fix: begin.Fix, New: map[string]string{"ifindex": "3", "mtu": "9000"}}
	for _, e := range []Entry{begin, done} {
		if err := j.Append(e); err != nil {
			t.Fatal(err)
		}
	}
	acts, err := j.Actions()
	if err != nil || len(acts) != 1 {
		t.Fatalf("%v %+v", err, acts)
	}
	got := acts[0]
	if got.Phase != PhaseDone || !reflect.DeepEqual(got.Action, begin.Action) || !reflect.DeepEqual(got.Object, obj) ||
		!reflect.DeepEqual(got.Old, begin.Old) || !reflect.DeepEqual(got.New, done.New) {
		t.Fatalf("read back %+v %+v", got, got.Object)
	}
	if k := objectKey(got); k != "MTU of link eth0 netns 7" {
		t.Fatalf("object key %q", k)
	}
	// Forged lines: each is refused with its reason, the valid one is kept.
	line := func(mod func(m map[string]any)) string {
		b, _ := json.Marshal(begin)
		var m map[string]any
		json.Unmarshal(b, &m)
		m["id"] = "20260101-000001-bbbbbb"
		mod(m)
		b, _ = json.Marshal(m)
		return string(b)
	}
	act := func(m map[string]any) map[string]any { return m["action"].(map[string]any)["params"].(map[string]any) }
	link := func(m map[string]any) map[string]any { return m["object"].(map[string]any)["link"].(map[string]any) }
	for name, forged := range map[string]string{
		"mtu 0":               line(func(m map[string]any) { act(m)["mtu"] = "0" }),
		"mtu with a sign":     line(func(m map[string]any) { act(m)["mtu"] = "-1" }),
		"a hostile name":      line(func(m map[string]any) { act(m)["name"] = "$(id)" + "/x" }),
		"an unknown param":    line(func(m map[string]any) { act(m)["argv"] = "/bin/sh" }),
		"a link of another":   line(func(m map[string]any) { link(m)["name"] = "eth1" }),
		"ifindex 0":           line(func(m map[string]any) { link(m)["ifindex"] = 0 }),
		"an unknown id field": line(func(m map[string]any) { link(m)["path"] = "/etc/passwd" }),
	} {
		jdir := t.TempDir()
		j2, err := OpenJournal(jdir)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(begin)
		os.WriteFile(filepath.Join(jdir, journalName), []byte(forged+"\n"+string(b)+"\n"), 0o600)
		log, _ := j2.Read()
		if len(log.Entries) != 1 || log.Entries[0].ID != begin.ID || len(log.Problems) != 1 {
			t.Errorf("%s: entries %d refused %+v", name, len(log.Entries), log.Problems)
		}
	}
}

// The MTU fix, live in a private namespace: preview shows old → new,
// apply sets it through rtnetlink, the read-back verifies it, undo puts the
// old MTU back. Undo refuses when someone changed the MTU since (--force
// restores anyway) and when the link was deleted and made again under the
// same name (another ifindex: never touched, even with --force).
func TestLiveLinkMTU(t *testing.T) {
	ns := testns.New(t)
	kind := []string{"type", "dummy"}
	if _, err := ns.TryIP(append([]string{"link", "add", "d0"}, kind...)...); err != nil {
		kind = []string{"type", "veth", "peer", "name", "d0p"} // no dummy driver here
		ns.IP(append([]string{"link", "add", "d0"}, kind...)...)
	}
	ns.IP("link", "set", "d0", "mtu", "1500")
	mtu := func() string {
		f := strings.Fields(ns.IP("-o", "link", "show", "d0"))
		for i := range f {
			if f[i] == "mtu" && i+1 < len(f) {
				return f[i+1]
			}
		}
		t.Fatalf("no mtu in %v", f)
		return ""
	}
	env := testEnv(t, "")
	ctx := context.Background()
	f := Fix{ID: "t/mtu", Title: "mtu", Action: LinkMTUAct(ns.Path(), "d0", 9000)}
	p, err := PreviewFix(ctx, env, f)
	if err != nil || len(p.Changes) == 0 || !strings.Contains(p.Changes[0], "MTU 1500 → 9000") || !p.Reversible ||
		p.Object == nil || p.Object.Link == nil || p.Object.Link.Name != "d0" || p.Old["mtu"] != "1500" {
		t.Fatalf("preview: %v %+v", err, p)
	}
	e, err := ApplyPreviewed(ctx, env, f, p)
	if err != nil || mtu() != "9000" || e.Old["ifindex"] == "" || e.Object.Link.Index == 0 {
		t.Fatalf("apply: %v, mtu %s, %+v", err, mtu(), e)
	}
	if ev, ok, _, known, err := ReadBack(f.Action); !known || !ok || err != nil || !strings.Contains(ev, "has MTU 9000") {
		t.Fatalf("read back: %q %v %v %v", ev, ok, known, err)
	}
	if _, err := UndoFix(ctx, env, e.ID); err != nil || mtu() != "1500" {
		t.Fatalf("undo: %v, mtu %s", err, mtu())
	}

	// Beyond the device's limits (or 68..65535 when it reports none, as a
	// dummy): refused at preview, nothing applied.
	for _, m := range []uint32{70000, 40} {
		_, err := ApplyFix(ctx, env, Fix{ID: "t/range", Action: LinkMTUAct(ns.Path(), "d0", m)})
		if err == nil || !strings.Contains(err.Error(), "is outside") || mtu() != "1500" {
			t.Fatalf("MTU %d: %v, mtu %s", m, err, mtu())
		}
		t.Logf("MTU %d: %v", m, err)
	}

	// Someone changed the MTU since: refused, with the difference; --force
	// restores the old MTU and the journal says it was forced.
	e, err = ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "set", "d0", "mtu", "1400")
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "mtu is 1400 (the fix left 9000)") || mtu() != "1400" {
		t.Fatalf("undo over a changed MTU: %v, mtu %s", err, mtu())
	} else {
		t.Log(err)
	}
	env.Force = true
	if u, err := UndoFix(ctx, env, e.ID); err != nil || !u.Forced || mtu() != "1500" {
		t.Fatalf("forced undo: %v %+v, mtu %s", err, u, mtu())
	}
	env.Force = false

	// The link deleted and made again under its name: another ifindex.
	// Undo refuses (also with --force: it never sets another link's MTU);
	// --force with the id closes the entry, changing nothing.
	e, err = ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "del", "d0")
	ns.IP(append([]string{"link", "add", "d0"}, kind...)...)
	ns.IP("link", "set", "d0", "mtu", "9000") // even as the fix left it
	_, err = UndoFix(ctx, env, e.ID)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("d0 (ifindex %d), is gone", e.Object.Link.Index)) ||
		!strings.Contains(err.Error(), "another link") || mtu() != "9000" {
		t.Fatalf("undo on a recreated link: %v, mtu %s", err, mtu())
	}
	t.Log(err)
	env.Force = true
	if _, err := UndoFix(ctx, env, ""); err == nil || mtu() != "9000" {
		t.Fatalf("plain undo --force on a recreated link: %v, mtu %s", err, mtu())
	}
	u, err := UndoFix(ctx, env, e.ID)
	if err != nil || u.Phase != PhaseUndone || !u.Forced || !strings.Contains(u.Note, "went with the link") || mtu() != "9000" {
		t.Fatalf("undo --force ID on a recreated link: %v %+v, mtu %s", err, u, mtu())
	}
	env.Force = false

	// Made again between the preview and the apply: refused.
	ns.IP("link", "set", "d0", "mtu", "1500")
	p, err = PreviewFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "del", "d0")
	ns.IP(append([]string{"link", "add", "d0"}, kind...)...)
	ns.IP("link", "set", "d0", "mtu", "1500")
	if _, err := ApplyPreviewed(ctx, env, f, p); err == nil || !strings.Contains(err.Error(), "d0 is another link now") || mtu() != "1500" {
		t.Fatalf("apply on a link made again since the preview: %v, mtu %s", err, mtu())
	} else {
		t.Log(err)
	}

	// Renamed: the link the fix changed is still there under another name;
	// undo refuses and touches neither link.
	e, err = ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "set", "d0", "name", "d9")
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), `is now named "d9"`) || !strings.Contains(err.Error(), "ip link set dev d9 name d0") {
		t.Fatalf("undo of a renamed link (with the command that names it back): %v", err)
	} else {
		t.Log(err)
	}
	ns.IP("link", "set", "d9", "name", "d0")
	if _, err := UndoFix(ctx, env, e.ID); err != nil || mtu() != "1500" {
		t.Fatalf("undo once the name is back: %v, mtu %s", err, mtu())
	}
}

// Undo that lowers an MTU refuses, naming them, to take what was made
// since: IPv6 addresses (below 1280 the kernel drops them) and the MTU of
// devices stacked on the link; --force does it anyway.
func TestLiveLinkMTUUndoLosses(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "lo0", "type", "veth", "peer", "name", "lo0p")
	ns.IP("link", "set", "lo0", "mtu", "1200")
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/mtu6", Action: LinkMTUAct(ns.Path(), "lo0", 1280)})
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "set", "lo0", "up")
	ns.IP("addr", "add", "2001:db8::1/64", "dev", "lo0", "nodad")
	env.DryRun = true
	if _, err := UndoFix(ctx, env, e.ID); err == nil || errors.Is(err, ErrDryRun) || !strings.Contains(err.Error(), "2001:db8::1/64") {
		t.Fatalf("dry run of an undo that would drop IPv6: %v", err)
	}
	env.DryRun = false
	_, err = UndoFix(ctx, env, e.ID)
	if err == nil || !strings.Contains(err.Error(), "2001:db8::1/64") || !strings.Contains(ns.IP("-6", "addr", "show", "dev", "lo0"), "2001:db8::1") {
		t.Fatalf("undo that would drop IPv6: %v", err)
	}
	env.Force = true
	if _, err := UndoFix(ctx, env, e.ID); err != nil || !strings.Contains(ns.IP("-o", "link", "show", "lo0"), "mtu 1200") {
		t.Fatalf("forced undo: %v", err)
	}
	env.Force = false
	// A macvlan raised on the lower device after the fix.
	if _, err := ns.TryIP("link", "add", "link", "lo0", "mv0", "type", "macvlan"); err != nil {
		t.Skipf("no macvlan here: %v", err)
	}
	e, err = ApplyFix(ctx, env, Fix{ID: "t/mtu-lower", Action: LinkMTUAct(ns.Path(), "lo0", 9000)})
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "set", "mv0", "mtu", "9000")
	_, err = UndoFix(ctx, env, e.ID)
	if err == nil || !strings.Contains(err.Error(), "lower mv0, stacked on lo0, from MTU 9000 to 1200") {
		t.Fatalf("undo that would lower a stacked device: %v", err)
	}
}

// A bridge whose port's MTU the undo lowers follows it down: named and
// refused without --force (attacker review).
func TestLiveLinkMTUUndoBridge(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "f0", "type", "veth", "peer", "name", "f0p")
	ns.IP("link", "set", "f0", "mtu", "1500")
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/mtu-br", Action: LinkMTUAct(ns.Path(), "f0", 9000)})
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("link", "add", "br0", "type", "bridge")
	ns.IP("link", "set", "f0", "master", "br0")
	if !strings.Contains(ns.IP("-o", "link", "show", "br0"), "mtu 9000") {
		t.Skip("this kernel's bridge did not follow its port's MTU")
	}
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "lower the bridge br0") {
		t.Fatalf("undo that would lower the bridge: %v", err)
	}
}
