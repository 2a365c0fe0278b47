package ui

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// maxLive bounds the findings the Live pane keeps (the count goes on).
const maxLive = 1000

// livePane lists the failures a watcher caught since start, newest first;
// enter walks through the selected one.
type livePane struct {
	tablePane
	findings []*live.Finding
	caught   int
	closed   bool
	// base is the target the dashboard started with: each finding's
	// target starts from it, not from the previous finding's.
	base *probes.Target
}

func (p *livePane) title() string   { return "Live" }
func (p *livePane) short() string   { return "Live" }
func (p *livePane) rows(*Model) int { return len(p.findings) }

func (p *livePane) keys(k KeyMap) []key.Binding {
	return append(p.tbl.keys(k), k.OpenFinding)
}

// footer: a cursor key once two findings are listed, enter once one is.
func (p *livePane) footer(m *Model, k KeyMap) []key.Binding {
	b := []key.Binding{k.Help, k.NextPane}
	if m.facts != nil && len(p.findings) > 0 {
		b = append(append(b, arrow(k, p.tbl.cursor, len(p.findings)-1)...), k.OpenFinding)
	}
	return append(b, k.Refresh, k.Symptom, k.Quit)
}

func (p *livePane) key(m *Model, msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.OpenFinding) {
		return m.openFinding(p)
	}
	return tableKey(m, p, msg)
}

// detail: enter walks through the finding instead.

// liveMsg carries one finding from the watcher (closed: it stopped).
type liveMsg struct {
	f      *live.Finding
	closed bool
}

// waitLiveCmd waits for the next finding.
func waitLiveCmd(ch <-chan *live.Finding) tea.Cmd {
	return func() tea.Msg {
		f, ok := <-ch
		return liveMsg{f: f, closed: !ok}
	}
}

// findingTargetMsg is a finding with the target its walk-through examines.
type findingTargetMsg struct {
	f         *live.Finding
	t         probes.Target
	note      string
	sameNetNS bool
}

// findingTargetCmd works out (reading /proc) what a finding's walk-through
// examines: its process while it lives, else its parent.
func findingTargetCmd(f *live.Finding, base probes.Target) tea.Cmd {
	return func() tea.Msg {
		w := base.Watcher
		base.Watcher = nil
		// The link watcher follows the namespace the dashboard started in.
		startedHere := base.NetNS == "" && base.PID == 0
		t, note := f.Target(base)
		same := startedHere && t.NetNS == "" && sameNetNS(t.PID)
		if same {
			t.Watcher = w
		}
		return findingTargetMsg{f: f, t: t, note: note, sameNetNS: same}
	}
}

// sameNetNS: the process is in this process's network namespace.
func sameNetNS(pid int) bool {
	if pid == 0 {
		return true
	}
	a, err1 := os.Readlink("/proc/self/ns/net")
	b, err2 := os.Readlink("/proc/" + strconv.Itoa(pid) + "/ns/net")
	return err1 == nil && err2 == nil && a == b
}

// closeWatcherCmd closes a link watcher no longer used.
func closeWatcherCmd(w *probes.NetWatcher) tea.Cmd {
	if w == nil {
		return nil
	}
	return func() tea.Msg {
		w.Close()
		return nil
	}
}

// updateLive handles the Live pane's messages.
func (m *Model) updateLive(msg tea.Msg) (tea.Cmd, bool) {
	lp, idx := paneOf[*livePane](m)
	switch msg := msg.(type) {
	case liveMsg:
		if msg.closed {
			lp.closed = true
			m.cache.invalidate()
			return nil, true
		}
		lp.caught++
		lp.findings = append([]*live.Finding{msg.f}, lp.findings...)
		if len(lp.findings) > maxLive {
			lp.findings = lp.findings[:maxLive]
		}
		if m.pane == idx && lp.tbl.cursor > 0 {
			lp.tbl.cursor++ // stay on the finding selected
		}
		m.cache.invalidate()
		return waitLiveCmd(m.opt.Live), true
	case findingTargetMsg:
		old := m.opt.Target.Watcher
		m.opt.Target = msg.t
		m.symptom = msg.f.Symptom
		m.repro = nil
		m.reproPending = false
		m.appliedSymptom = ""
		m.pane = paneTroubleshoot
		m.step, m.fixSel, m.detailTop = 0, 0, 0
		m.toTop = true
		m.diagGen++
		m.gathering = false
		m.setStatus(false, "finding #%d: %s", msg.f.Seq, msg.note)
		cmds := []tea.Cmd{m.refreshAll()}
		if !msg.sameNetNS {
			cmds = append(cmds, closeWatcherCmd(old))
		}
		return tea.Batch(cmds...), true
	}
	return nil, false
}

// openFinding starts the walk-through of the selected finding.
func (m *Model) openFinding(p *livePane) tea.Cmd {
	if p.tbl.cursor >= len(p.findings) {
		return nil
	}
	f := p.findings[p.tbl.cursor]
	if p.base == nil {
		b := m.opt.Target
		p.base = &b
	}
	base := *p.base
	base.Watcher = m.opt.Target.Watcher
	m.setStatus(false, "opening finding #%d…", f.Seq)
	return findingTargetCmd(f, base)
}

// liveHeader is the header's count of failures caught ("" without a
// watcher).
func (m *Model) liveHeader() string {
	if m.opt.Live == nil {
		return ""
	}
	lp, _ := paneOf[*livePane](m)
	s := fmt.Sprintf(" ⚡%s caught", diagnose.Plural(lp.caught, "failure", "failures"))
	if m.width < 100 {
		s = fmt.Sprintf(" ⚡%d caught", lp.caught) // room for the namespace
	}
	if lp.closed {
		s += " (watch stopped)"
	}
	if lp.caught > 0 {
		return m.styles.Level(2).Render(s)
	}
	return m.styles.HeaderDim.Render(s)
}

// view lists the findings, newest first.
func (p *livePane) view(m *Model, w, h int) string {
	st := m.styles
	if m.opt.Live == nil {
		why := m.opt.LiveInfo
		if why == "" {
			why = "watching is off (the dashboard watches as root, unless --no-watch)"
		}
		return st.Dim.Render(wrap(clean(why), w))
	}
	head := clean(m.opt.LiveInfo)
	fs := p.findings
	t := table{
		cols:  []column{{"TIME", 13}, {"PROCESS", 16}, {"PID", 8}, {"WHERE", 26}, {"FAILED", 0}},
		rows:  len(fs),
		state: &p.tbl.scrollState, width: w, height: h - 2,
		cell: func(r, c int) (string, func(...string) string) {
			f := fs[r]
			switch c {
			case 0:
				return f.Time.Local().Format("15:04:05.000"), nil
			case 1:
				return clean(f.Proc.Comm), nil
			case 2:
				s := strconv.Itoa(f.Proc.PID)
				if f.Proc.Gone {
					s += "†"
				}
				return s, nil
			case 3:
				where := f.Container
				if where == "" {
					where = f.Proc.Cgroup
				}
				if f.Proc.NetNS != 0 {
					where = strings.TrimSpace(where + " net:" + strconv.FormatUint(f.Proc.NetNS, 10))
				}
				return clean(where), st.Dim.Render
			default:
				s := f.What
				if f.Count > 1 {
					s += fmt.Sprintf(" ×%d", f.Count)
				}
				return clean(s), st.Level(2).Render
			}
		},
	}
	if len(fs) == 0 {
		return fit(st.Dim.Render(head), w, 2) + "\n" + st.Dim.Render("no failure caught yet: findings appear here as the kernel refuses something")
	}
	return fit(st.Dim.Render(head+" · "+name(m.keys.OpenFinding)+": walk through the selected finding"), w, 1) + "\n" + t.render(st, true)
}
