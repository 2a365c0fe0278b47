package ui

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// troubleshootPane is the walk-through of the causes, one at a time, with
// their evidence and fixes.
type troubleshootPane struct{}

func (p *troubleshootPane) title() string { return "Troubleshoot" }
func (p *troubleshootPane) short() string { return "Fix" }

func (p *troubleshootPane) keys(k KeyMap) []key.Binding {
	return []key.Binding{k.NextCause, k.PrevCause, k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom,
		k.Apply, k.Edit, k.Verify, k.Undo, k.Reproduce, k.CopyFix}
}

func (p *troubleshootPane) footer(_ *Model, k KeyMap) []key.Binding {
	return []key.Binding{k.Help, k.NextCause, k.Apply, k.Verify, k.Undo, k.Symptom, k.Reproduce, k.Edit, k.CopyFix, k.CopyReport, k.Quit}
}

func (p *troubleshootPane) rows(m *Model) int {
	if m.diag == nil {
		return 0
	}
	return len(m.diag.Results)
}

func (p *troubleshootPane) view(m *Model, w, h int) string { return m.troubleshoot(w, h) }

func (p *troubleshootPane) key(m *Model, msg tea.KeyPressMsg) tea.Cmd { return m.walkKey(msg) }

// troubleshoot is the walk-through: one cause per step in ranked order,
// with what is checked, the live evidence and verdict, the explanation and
// the fixes.
func (m *Model) troubleshoot(w, h int) string {
	st := m.styles
	if m.diag == nil {
		return st.Dim.Render("diagnosing…")
	}
	r := m.currentResult()
	if r == nil {
		return st.Dim.Render("no causes")
	}
	listW := 0
	if w >= wide {
		listW = 30
	}
	detailW := w
	if listW > 0 {
		detailW = w - listW - 2
	}
	var head string
	if listW == 0 {
		// Narrow: a strip of every step's status, the current one marked.
		var strip []string
		for i, x := range m.diag.Results {
			s := x.Status.Symbol()
			if i == m.step {
				s = "[" + s + "]"
			}
			strip = append(strip, st.Status(x.Status).Render(s))
		}
		head = fmt.Sprintf("cause %d/%d  ", m.step+1, len(m.diag.Results)) + strings.Join(strip, " ") + "\n"
	}
	lines := strings.Split(m.causeDetail(r, detailW), "\n")
	avail := h - strings.Count(head, "\n")
	top := max(0, min(m.detailTop, len(lines)-avail)) // Update clamps detailTop; View only reads it
	body := head + strings.Join(lines[top:min(len(lines), top+avail)], "\n")
	if top+avail < len(lines) {
		body = fit(body, detailW, h-1) + "\n" + st.Dim.Render(fmt.Sprintf("↓ %d more lines (%s)", len(lines)-top-avail, name(m.keys.PageDown)))
	}
	if listW == 0 {
		return body
	}
	var list strings.Builder
	list.WriteString(st.Section.Render("Steps"))
	for i, x := range m.diag.Results {
		line := fmt.Sprintf("%2d %s %s", i+1, x.Status.Symbol(), x.ID)
		line = pad(line, listW)
		if i == m.step {
			line = st.Selected.Render(line)
		} else {
			line = st.Status(x.Status).Render(line)
		}
		list.WriteString("\n" + line)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, fit(list.String(), listW, h), "  ", fit(body, detailW, h))
}

// walkLayout is the width of the cause's detail and the lines above it.
func (m *Model) walkLayout(w int) (detailW, headLines int) {
	if w >= wide {
		return w - 30 - 2, 0
	}
	return w, 1
}

// clampDetailTop keeps the walk-through's scroll within its text (in
// Update, after a key moved it).
func (m *Model) clampDetailTop() {
	r := m.currentResult()
	if r == nil {
		m.detailTop = 0
		return
	}
	w, head := m.walkLayout(m.width)
	n := strings.Count(m.causeDetail(r, w), "\n") + 1
	m.detailTop = max(0, min(m.detailTop, n-(m.bodyHeight()-head)))
}

// noFixes says why a cause offers no fix: only a ruled-out cause needs none.
func noFixes(s diagnose.Status) string {
	switch s {
	case diagnose.OK:
		return "none needed: ruled out"
	case diagnose.Warn:
		return "none offered: a warning, not a proven cause; the evidence says what to watch"
	case diagnose.Unknown:
		return "none yet: the facts to decide are missing (see the evidence)"
	}
	return "none that rtnl-doctor applies: the explanation below says what to change"
}

// causeDetail renders one cause for the walk-through.
func (m *Model) causeDetail(r *diagnose.Result, w int) string {
	st := m.styles
	var b strings.Builder
	title := fmt.Sprintf("%s %s  %s", r.Status.Symbol(), strings.ToUpper(string(r.Status)), r.Title)
	b.WriteString(st.Status(r.Status).Render(title) + "\n")
	b.WriteString(st.Dim.Render(wrap(r.ID+": checks "+r.Cause.Checks, w)) + "\n")
	if m.verifyOf == r.ID {
		b.WriteString(st.Notice.Render("verifying…") + "\n")
	}
	b.WriteString("\n" + st.Section.Render("Evidence") + "\n")
	for _, e := range r.Evidence {
		b.WriteString(hang("• ", clean(e), w) + "\n")
	}
	b.WriteString("\n" + st.Section.Render("Fixes") + "\n")
	if len(r.Fixes) == 0 {
		why := noFixes(r.Status)
		if r.Status == diagnose.OK && m.lastFix != "" && strings.HasPrefix(m.lastEntry.Fix, r.ID+"/") {
			why = fmt.Sprintf("none needed now: ruled out since this session's fix %s (journal %s; %s undoes it)", m.lastEntry.Fix, m.lastFix, name(m.keys.Undo))
		}
		b.WriteString(st.Dim.Render(wrap(why, w)) + "\n")
	}
	for i, f := range r.Fixes {
		why, byHand := m.byHand[f.ID]
		can := !byHand
		marker := "  "
		if i == m.fixSel {
			marker = "▸ "
		}
		how := st.Key.Render("[" + name(m.keys.Apply) + "]")
		if !can {
			how = st.Dim.Render("[by hand]")
		}
		line := hang(fmt.Sprintf("%s%s ", marker, how), clean(f.Title), w)
		if i == m.fixSel {
			line = st.Bold.Render(line)
		}
		b.WriteString(line + "\n")
		if i == m.fixSel {
			for _, c := range fix.PromptLines(f.PlanCommand()) {
				b.WriteString(st.Code.Render(fit("    "+clean(c), w, 1)) + "\n")
			}
			if !can {
				b.WriteString(st.Dim.Render(hang("    why by hand: ", clean(why), w)) + "\n")
			}
			if f.Risk != "" {
				b.WriteString(st.Level(1).Render(hang("    cost: ", clean(f.Risk), w)) + "\n")
			}
		}
	}
	if rp := m.repro; rp != nil {
		b.WriteString("\n" + st.Section.Render("Reproduced in a throwaway network namespace") + "\n")
		b.WriteString(st.Code.Render(wrap("$ "+clean(rp.Tried), w)) + "\n" + wrap(clean(rp.Conclusion), w) + "\n")
	}
	if r.Status == diagnose.OK && r.Cause.Next != "" && m.lastFix != "" {
		b.WriteString("\n" + st.Notice.Render(wrap("Next: "+r.Cause.Next, w)) + "\n")
	}
	b.WriteString("\n" + st.Section.Render("Why") + "\n")
	b.WriteString(wrap(plainMarkdown(r.Cause.Explanation()), w))
	return b.String()
}

// boldRE and italicRE are Markdown emphasis, **words** and *word*, the stars
// touching the words they wrap (so "net.*" or "a * b" are left alone).
var (
	boldRE   = regexp.MustCompile(`\*\*([^\s*](?:[^*]*[^\s*])?)\*\*`)
	italicRE = regexp.MustCompile(`\*([^\s*](?:[^*]*[^\s*])?)\*`)
)

// plainMarkdown drops the Markdown emphasis and the code-span backticks of
// the explanations (a code span's text is kept as written, stars and all)
// and joins each paragraph's lines, so that it reflows to the pane's width.
func plainMarkdown(s string) string {
	parts := strings.Split(s, "`")
	for i := 0; i < len(parts); i += 2 { // even parts are outside code spans
		parts[i] = italicRE.ReplaceAllString(boldRE.ReplaceAllString(parts[i], "$1"), "$1")
	}
	s = strings.Join(parts, "")
	paras := strings.Split(s, "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	return strings.Join(paras, "\n\n")
}

// walkKey handles the walk-through's keys.
func (m *Model) walkKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	r := m.currentResult()
	switch {
	case key.Matches(msg, k.NextCause):
		if m.diag != nil && m.step < len(m.diag.Results)-1 {
			m.step++
			m.fixSel, m.detailTop = 0, 0
		}
	case key.Matches(msg, k.PrevCause):
		if m.step > 0 {
			m.step--
			m.fixSel, m.detailTop = 0, 0
		}
	case key.Matches(msg, k.Down):
		if n := len(m.currentFixes()); m.fixSel < n-1 {
			m.fixSel++
		} else {
			m.detailTop++
		}
	case key.Matches(msg, k.Up):
		if m.fixSel > 0 {
			m.fixSel--
		} else if m.detailTop > 0 {
			m.detailTop--
		}
	case key.Matches(msg, k.PageDown):
		m.detailTop += max(1, m.bodyHeight()-4)
	case key.Matches(msg, k.PageUp):
		m.detailTop = max(0, m.detailTop-max(1, m.bodyHeight()-4))
	case key.Matches(msg, k.Top):
		m.detailTop = 0
	case key.Matches(msg, k.Bottom):
		m.detailTop = math.MaxInt // clampDetailTop brings it to the last page
	case key.Matches(msg, k.Apply):
		return m.startApply(false)
	case key.Matches(msg, k.Edit):
		return m.startApply(true)
	case key.Matches(msg, k.Verify):
		if r == nil {
			return nil
		}
		m.verifyOf = r.ID
		m.setStatus(false, "verifying %s…", r.ID)
		return verifyCmd(m.opt.Env, m.opt.Target, r.Cause, m.symptom, m.appliedFor(r.ID))
	case key.Matches(msg, k.Undo):
		if m.opt.Env == nil || m.opt.Env.Journal == nil {
			m.setStatus(true, "undo: no journal (read-only or dry-run mode)")
			return nil
		}
		if m.lastFix == "" {
			m.setStatus(true, "undo: no fix was applied in this session (earlier ones: %s)", fix.UndoCommand(m.opt.Env.Journal, "--list"))
			return nil
		}
		e := m.lastEntry
		if ok, why := fix.CanUndo(e); !ok {
			m.setStatus(true, "%s cannot be undone: %s", e.Title, why)
			return nil
		}
		m.confirm = &confirmState{undo: &e, openedAt: m.opt.Now()}
		m.dialog = dialogConfirm
		m.cache.invalidate()
		return tea.Tick(confirmGrace, func(time.Time) tea.Msg { return graceMsg{} })
	case key.Matches(msg, k.Reproduce):
		if m.opt.ReadOnly {
			m.setStatus(true, "cannot reproduce in read-only mode: it creates (and deletes) a network namespace")
			return nil
		}
		if m.facts == nil || !reproduce.CanReproduce(m.symptom, m.facts) {
			m.setStatus(true, "cannot reproduce: %s", reproWhy(m.symptom, m.facts))
			return nil
		}
		m.setStatus(false, "reproducing in a throwaway network namespace…")
		return reproCmd(m.symptom)
	case key.Matches(msg, k.CopyFix):
		fixes := m.currentFixes()
		if len(fixes) == 0 {
			m.setStatus(true, "this cause has no fix to copy")
			return nil
		}
		f := fixes[min(m.fixSel, len(fixes)-1)]
		m.setStatus(false, "copied the commands of %s to the clipboard (OSC 52)", f.ID)
		return tea.SetClipboard(sanitize.Text(f.PlanCommand()))
	default:
		return nil
	}
	m.clampDetailTop()
	m.cache.invalidate()
	return nil
}

func reproWhy(s symptom.Symptom, f *probes.Facts) string {
	switch {
	case f == nil:
		return "no facts yet"
	case !f.Target.Live:
		return "the facts come from a captured tree"
	case !f.Host.Tool.SysAdmin:
		return "creating a throwaway network namespace needs CAP_SYS_ADMIN: run as root"
	}
	return "the symptom names no link kind to create (paste the command line, e.g. `ip link add x type veth`)"
}

// startApply opens the confirmation for the selected fix (or the cause's
// edit fix with e), after previewing it in a command.
func (m *Model) startApply(edit bool) tea.Cmd {
	r := m.currentResult()
	if r == nil || len(r.Fixes) == 0 {
		if edit {
			m.setStatus(true, "%s opens a configuration file in $EDITOR, and this cause has no fix, so none to edit", name(m.keys.Edit))
		} else {
			m.setStatus(true, "this cause has no fix")
		}
		return nil
	}
	f := r.Fixes[min(m.fixSel, len(r.Fixes)-1)]
	isEdit := func(x fix.Fix) bool { return x.Action != nil && x.Action.Kind == "edit" }
	if edit && !isEdit(f) {
		// The selected fix is not an edit: take the cause's first one.
		found := false
		for _, x := range r.Fixes {
			if isEdit(x) {
				f, found = x, true
				break
			}
		}
		if !found {
			m.setStatus(true, "%s opens a configuration file in $EDITOR, and no fix of %s edits one: %s applies the selected fix", name(m.keys.Edit), r.ID, name(m.keys.Apply))
			return nil
		}
	}
	if why, byHand := m.byHand[f.ID]; byHand {
		m.setStatus(true, "%s: instructions only: %s (%s copies the commands)", f.ID, why, name(m.keys.CopyFix))
		return nil
	}
	m.setStatus(false, "previewing %s…", f.ID)
	return previewCmd(m.opt.Env, f, r.ID)
}
