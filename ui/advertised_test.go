package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

// keyPress is the key press a binding's key name stands for.
func keyPress(s string) tea.KeyPressMsg {
	named := map[string]rune{"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd, "enter": tea.KeyEnter,
		"tab": tea.KeyTab, "esc": tea.KeyEscape, "backspace": tea.KeyBackspace, "space": tea.KeySpace}
	var mod tea.KeyMod
	if m, rest, ok := strings.Cut(s, "+"); ok && rest != "" {
		switch m {
		case "ctrl":
			mod = tea.ModCtrl
		case "shift":
			mod = tea.ModShift
		case "alt":
			mod = tea.ModAlt
		}
		s = rest
	}
	if c, ok := named[s]; ok {
		return tea.KeyPressMsg{Code: c, Mod: mod}
	}
	r := []rune(s)[0]
	if mod != 0 {
		return tea.KeyPressMsg{Code: r, Mod: mod}
	}
	return tea.KeyPressMsg{Code: r, Text: s}
}

// advertData is what the panes show: rows enough in every table to move
// over and open (or none at all), and findings for the Live pane.
type advertData struct {
	name     string
	facts    *probes.Facts
	findings []*live.Finding
	watching bool
}

func liveFindings(n int) []*live.Finding {
	g := live.NewGrouper("tracefs", live.Filter{})
	at := time.Unix(1000, 0)
	msgs := []string{"Unknown device type", "Device for nexthop is not up", "File exists", "Operation not permitted"}
	for i := range n {
		g.Add(watch.Event{Time: at.Add(time.Duration(i) * time.Second), Kind: watch.KindExtAck, TID: 100 + i, PID: 100 + i, Comm: "ip",
			Msg: msgs[i%len(msgs)], Proc: watch.Process{PID: 100 + i, Comm: "ip", Gone: true}})
	}
	return g.Flush(at.Add(time.Hour), true)
}

func advertisedData(t *testing.T) []advertData {
	full := fixtureFacts(t)
	for i := range 3 {
		full.Denials.Denials = append(full.Denials.Denials, probes.Denial{Time: clock.Add(-time.Duration(i) * time.Minute), Source: "/var/log/kern.log",
			Kind: "apparmor", PID: 4242 + i, Comm: "ip", Operation: "create", Class: "net", Family: "netlink", Profile: "docker-default", Raw: fmt.Sprintf("denial %d", i)})
	}
	if len(full.Modules.Kinds) < 2 || len(full.Net.Links) < 2 {
		t.Fatal("the fixture has too few modules or links to move over")
	}
	empty := fixtureFacts(t)
	empty.Denials.Denials = nil
	empty.NetConfig = netconfig.Facts{}
	empty.Net = syntheticNet(0)
	empty.Net.Links = empty.Net.Links[:1]
	return []advertData{
		{name: "rows", facts: full, findings: liveFindings(3), watching: true},
		{name: "empty", facts: empty, watching: true},
		{name: "no-watcher", facts: empty},
	}
}

// advertModel is a dashboard on d's facts, on pane i.
func advertModel(t *testing.T, d advertData, w, h, i int) *Model {
	m := newTestModel(t, d.facts, veth0Exists, w, h)
	if d.watching {
		m.opt.Live, m.opt.LiveInfo = make(chan *live.Finding), "Live via tracefs"
	}
	for _, f := range d.findings {
		m.Update(liveMsg{f: f})
	}
	m.Update(keyPress(firstKey(m.keys.Panes[i])))
	if m.pane != pane(i) {
		t.Fatalf("pane %d after its number key", m.pane)
	}
	return m
}

// doesSomething: pressing s in pane i, from the state prefix leads to,
// changes the screen or returns a command (quit, copy, gather, open).
// ok is false when the prefix leaves the pane or opens a dialog or a
// filter: no start for the key to be judged from.
func doesSomething(t *testing.T, d advertData, w, h, i int, prefix []string, s string) (did, ok bool) {
	m := advertModel(t, d, w, h, i)
	for _, p := range prefix {
		m.Update(keyPress(p))
	}
	if tb, isTable := m.current().(tabled); m.pane != pane(i) || m.dialog != dialogNone || isTable && tb.table().filtering {
		return false, false
	}
	before := m.View().Content
	_, cmd := m.Update(keyPress(s))
	return cmd != nil || m.View().Content != before, true
}

// TestAdvertisedKeysDoSomething: every key a pane advertises, in its footer
// (in the state the pane opens in, at every size, with rows and without)
// or in its group of the ? overlay (with rows, at the smallest size, where
// text overflows), changes something in that pane, from its opening state
// or after one other advertised key. A pane advertises no key it does not
// have (review finding: Resources and Capabilities listed "↑/k up • enter
// details" and the ? overlay "enter details" for them, with no cursor and
// no details; empty tables listed keys with nothing to move over or open).
func TestAdvertisedKeysDoSomething(t *testing.T) {
	k := DefaultKeys()
	data := advertisedData(t)
	sizes := [][2]int{{minWidth, minHeight}, {80, 24}, {160, 48}}
	for _, d := range data {
		for _, size := range sizes {
			w, h := size[0], size[1]
			for i := range paneRegistry {
				m := advertModel(t, d, w, h, i)
				p := m.current()
				type ad struct {
					b     key.Binding
					where string
				}
				var ads []ad
				for _, b := range p.footer(m, k) {
					ads = append(ads, ad{b, "footer"})
				}
				if d.name == "rows" && size == sizes[0] {
					for _, b := range p.keys(k) {
						ads = append(ads, ad{b, "? overlay"})
					}
				}
				var starts [][]string
				starts = append(starts, nil)
				for _, a := range ads {
					starts = append(starts, []string{a.b.Keys()[0]})
				}
				t.Run(fmt.Sprintf("%s_%s_%dx%d", d.name, strings.ToLower(p.title()), w, h), func(t *testing.T) {
					for _, a := range ads {
						for _, s := range a.b.Keys() {
							if !key.Matches(keyPress(s), a.b) {
								t.Fatalf("the test's key press for %q does not match its binding", s)
							}
							did, judged := false, false
							for _, start := range starts {
								yes, ok := doesSomething(t, d, w, h, i, start, s)
								judged = judged || ok
								if did = ok && yes; did {
									break
								}
							}
							if !judged {
								t.Fatalf("no start to press %q from", s)
							}
							if !did {
								t.Errorf("%s (pane %d) advertises %q (%s %s) in its %s, and it changes nothing there",
									p.title(), i+1, s, a.b.Help().Key, a.b.Help().Desc, a.where)
							}
						}
					}
				})
			}
		}
	}
}

// The text panes (Resources, Capabilities) have no cursor and nothing to
// open: enter is neither in their footer nor in their group of the ?
// overlay, and their arrows scroll the text, one line a press.
func TestTextPanesScroll(t *testing.T) {
	k := DefaultKeys()
	for _, i := range []int{1, 4} {
		m := advertModel(t, advertisedData(t)[0], minWidth, minHeight, i)
		p := m.current()
		if _, ok := p.(scrolled); !ok {
			t.Fatalf("%s is not a text pane", p.title())
		}
		for _, b := range append(p.keys(k), p.footer(m, k)...) {
			if b.Help() == k.Enter.Help() {
				t.Errorf("%s advertises %s %s", p.title(), k.Enter.Help().Key, k.Enter.Help().Desc)
			}
		}
		lines := p.(scrolled).lines(m, m.width)
		for j, l := range lines {
			lines[j] = fit(l, m.width, 1) // as the body shows it
		}
		if len(lines) <= m.bodyHeight() {
			t.Fatalf("%s: %d lines fit in %d: nothing to scroll", p.title(), len(lines), m.bodyHeight())
		}
		firstLine := func() string { return strings.Split(m.View().Content, "\n")[3] }
		if got := firstLine(); got != lines[0] {
			t.Fatalf("%s opens on %q, not its first line %q", p.title(), got, lines[0])
		}
		m.Update(keyPress("down"))
		if got := firstLine(); got != lines[1] {
			t.Errorf("%s: after ↓ the first line is %q, want %q", p.title(), got, lines[1])
		}
		m.Update(keyPress("end"))
		last := strings.Split(m.View().Content, "\n")[2+m.bodyHeight()]
		if last != lines[len(lines)-1] {
			t.Errorf("%s: after end the last line is %q, want %q", p.title(), last, lines[len(lines)-1])
		}
		m.Update(keyPress("end"))
		m.Update(keyPress("up"))
		if got := firstLine(); got != lines[len(lines)-m.bodyHeight()-1] {
			t.Errorf("%s: ↑ after end took more than one line: %q", p.title(), got)
		}
	}
}
