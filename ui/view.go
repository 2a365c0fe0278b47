package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
)

// clean is the one place where text from the system or the user is made
// safe for the terminal before it is styled and drawn.
func clean(s string) string { return sanitize.Line(s) }

// renderCache keeps the last frame: View runs after every message, even
// ignored ones, and most do not change what is shown.
type renderCache struct {
	frame string
	valid bool
}

func (c *renderCache) invalidate()     { c.valid = false }
func (c *renderCache) invalidateData() { c.valid = false }

// wide is the layout breakpoint: side panels appear from this width.
const wide = 120

func (m *Model) bodyHeight() int { return max(1, m.height-4-len(m.statusLines())) }

// statusLines is the status message wrapped to at most two lines (a
// verification's evidence is worth reading whole).
func (m *Model) statusLines() []string {
	if m.status == "" || m.width <= 0 {
		return []string{"ready"}
	}
	lines := strings.Split(wrap(m.status, m.width), "\n")
	if len(lines) > 2 {
		lines = []string{lines[0], ansi.Truncate(strings.Join(lines[1:], " "), m.width, "…")}
	}
	return lines
}

// View draws the screen.
func (m *Model) View() tea.View {
	v := tea.NewView(m.frame())
	v.AltScreen = true
	v.WindowTitle = "rtnl-doctor"
	if m.dialog == dialogSymptom {
		v.Cursor = nil
	}
	return v
}

func (m *Model) frame() string {
	if m.cache.valid {
		return m.cache.frame
	}
	var out string
	switch {
	case m.width == 0:
		out = "rtnl-doctor: starting…"
	case m.tooSmall():
		out = fmt.Sprintf("%dx%d is too small:\nneeds %dx%d.\nq quits.\n`rtnl-doctor report`\nprints the diagnosis.",
			m.width, m.height, minWidth, minHeight)
		out = ansi.Truncate(out, max(1, m.width*m.height), "")
		out = clipLines(out, m.width, m.height)
	default:
		body := m.body()
		parts := []string{m.header(), m.tabs(), body, m.statusLine(), m.footer()}
		out = strings.Join(parts, "\n")
		out = m.overlay(out)
		out = clipLines(out, m.width, m.height)
	}
	m.cache.frame, m.cache.valid = out, true
	return out
}

// clipLines bounds a frame to the window: at most h lines of w cells.
func clipLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// fit makes a block exactly h lines of at most w cells.
func fit(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

func (m *Model) header() string {
	st := m.styles
	f := m.facts
	host, kernel, target, priv, when := "…", "…", "…", "", "gathering…"
	if f != nil {
		host = fix.OrName(clean(f.Host.Hostname), "host name unknown")
		kernel = fix.OrName(clean(f.Host.KernelRelease), "kernel unknown")
		switch {
		case f.Target.Self && f.Target.Live:
			target = "this process"
		case f.Target.PID > 0:
			target = fmt.Sprintf("PID %d (%s)", f.Target.PID, clean(f.Target.Comm))
		default:
			target = "captured " + clean(f.Target.Root)
		}
		if m.width < 100 && f.Target.Self && f.Target.Live {
			target = "netns " + clean(f.Target.NetNS) // rtnl-doctor's own: the namespace is what matters
		} else {
			target += " · netns " + clean(f.Target.NetNS)
		}
		t := f.Host.Tool
		switch {
		case t.UID == 0 && t.NetAdmin:
			priv = "root"
		case t.NetAdmin:
			priv = "CAP_NET_ADMIN"
		default:
			priv = fmt.Sprintf("uid %d, no CAP_NET_ADMIN", t.UID)
		}
		if m.opt.ReadOnly || m.opt.Env == nil || m.opt.Env.ReadOnly {
			priv += ", read-only"
		} else if m.opt.DryRun {
			priv += ", dry-run"
		} else if !t.NetAdmin {
			priv += " (fixes shown as instructions)"
		}
		when = fmt.Sprintf("%s every %s", m.lastRefresh.Format("15:04:05"), m.interval)
		if m.width < 100 {
			when = m.lastRefresh.Format("15:04:05") // room for the namespace
		}
		if m.gathering {
			when += " ↻"
		}
	}
	line1 := st.Header.Render("rtnl-doctor") + m.liveHeader() + " " + st.HeaderDim.Render(fmt.Sprintf("%s · %s · %s · %s · %s", host, priv, target, when, kernel))
	sym := "no symptom: health check of every cause (" + name(m.keys.Symptom) + " to paste the error)"
	if strings.TrimSpace(m.symptom.Raw) != "" {
		sym = "symptom: " + clean(m.symptom.SymptomLine())
	}
	line2 := st.Dim.Render(sym)
	if m.diag != nil {
		line2 = m.counts() + "  " + line2
	}
	return ansi.Truncate(line1, m.width, "…") + "\n" + ansi.Truncate(line2, m.width, "…")
}

// counts summarises the verdicts: everything visible at a glance.
func (m *Model) counts() string {
	n := map[diagnose.Status]int{}
	for _, r := range m.diag.Results {
		n[r.Status]++
	}
	var parts []string
	for _, s := range []diagnose.Status{diagnose.Fail, diagnose.Warn, diagnose.Unknown, diagnose.OK} {
		parts = append(parts, m.styles.Status(s).Render(fmt.Sprintf("%s%d", s.Symbol(), n[s])))
	}
	return strings.Join(parts, " ")
}

func (m *Model) tabs() string {
	var parts []string
	for i, p := range m.panes {
		label := fmt.Sprintf("%d %s", i+1, p.title())
		if m.width < 100 {
			label = fmt.Sprintf("%d %s", i+1, p.short())
		}
		if pane(i) == m.pane {
			parts = append(parts, m.styles.TabActive.Render(label))
		} else {
			parts = append(parts, m.styles.Tab.Render(label))
		}
	}
	return ansi.Truncate(strings.Join(parts, ""), m.width, "")
}

func (m *Model) statusLine() string {
	style := m.styles.Notice
	switch {
	case m.status == "":
		style = m.styles.Dim
	case m.statusErr:
		style = m.styles.Error
	}
	lines := m.statusLines()
	for i, l := range lines {
		lines[i] = style.Render(ansi.Truncate(l, m.width, ""))
	}
	return strings.Join(lines, "\n")
}

// footer shows the keys that matter here, from the key map.
func (m *Model) footer() string {
	k := m.keys
	var b []key.Binding
	switch {
	case m.dialog == dialogSymptom:
		b = []key.Binding{k.SubmitBlank, k.Submit, k.Back}
	case m.dialog == dialogConfirm:
		b = []key.Binding{k.Confirm, k.Cancel}
	default:
		if t, ok := m.current().(tabled); ok && t.table().filtering {
			b = []key.Binding{k.FilterKeep, k.FilterClear}
		} else {
			b = m.current().footer(m, k)
		}
	}
	return m.help.ShortHelpView(b)
}

// body draws the focused pane, with the causes column on wide screens.
func (m *Model) body() string {
	h := m.bodyHeight()
	w := m.width
	side := ""
	if w >= wide && m.pane != paneTroubleshoot {
		side = m.causesColumn(h)
		w -= lipgloss.Width(side) + 1
	}
	main := m.styles.Dim.Render("gathering…")
	if m.facts != nil || !waitsForFacts(m.current()) {
		main = m.current().view(m, w, h)
	}
	main = fit(main, w, h)
	if side == "" {
		return main
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, main, " ", fit(side, lipgloss.Width(side), h))
}

// causesColumn lists every cause with its status.
func (m *Model) causesColumn(h int) string {
	var b strings.Builder
	b.WriteString(m.styles.Section.Render("Causes"))
	if m.diag == nil {
		b.WriteString("\n" + m.styles.Dim.Render("diagnosing…"))
		return b.String()
	}
	for _, r := range m.diag.Results {
		b.WriteString("\n" + m.styles.Status(r.Status).Render(r.Status.Symbol()+" "+pad(r.ID, 22)))
	}
	return b.String()
}

// overlay draws the open dialog over the frame.
func (m *Model) overlay(frame string) string {
	var box string
	switch m.dialog {
	case dialogSymptom:
		box = m.symptomDialog()
	case dialogConfirm:
		box = m.confirmDialog()
	case dialogHelp:
		box = m.helpDialog()
	case dialogDetail:
		box = m.detailDialog()
	default:
		return frame
	}
	x := max(0, (m.width-lipgloss.Width(box))/2)
	y := max(0, (m.height-lipgloss.Height(box))/2)
	c := lipgloss.NewCompositor(lipgloss.NewLayer(frame), lipgloss.NewLayer(box).X(x).Y(y).Z(1))
	return c.Render()
}

// dialogWidth is a dialog's width, its border and padding included.
func (m *Model) dialogWidth() int { return min(m.width-4, 100) }

// dialogInner is the width of a dialog's content: dialogWidth less the
// Dialog style's border and padding (lipgloss's Width includes them).
func (m *Model) dialogInner() int {
	return m.dialogWidth() - m.styles.Dialog.GetHorizontalFrameSize()
}

func (m *Model) symptomDialog() string {
	st := m.styles
	w := m.dialogWidth()
	body := st.Title.Render("What failed?") + "\n" +
		st.Dim.Render("Paste the command and its output, or a log line (docker, CNI, networkd, NetworkManager, audit…).") + "\n\n" +
		m.input.View()
	return st.Dialog.Width(w).Render(body)
}

func (m *Model) confirmDialog() string {
	st := m.styles
	c := m.confirm
	w := m.dialogWidth()
	inner := m.dialogInner()
	var b strings.Builder
	if c.undo != nil {
		return st.Dialog.Width(w).Render(m.undoDialogBody(inner))
	}
	b.WriteString(st.Title.Render("Apply this fix?") + "\n")
	b.WriteString(wrap(clean(c.fix.Title), inner) + "\n\n")
	b.WriteString(st.Bold.Render("Will change:") + "\n")
	for _, ch := range c.preview.Changes {
		for _, line := range strings.Split(ch, "\n") {
			b.WriteString(hang("  ", sanitize.Line(line), inner) + "\n")
		}
	}
	b.WriteString(st.Bold.Render("Equivalent commands:") + "\n")
	for _, line := range fix.PromptLines(c.fix.Command) {
		b.WriteString(st.Code.Render(ansi.Truncate("  "+clean(line), inner, "…")) + "\n")
	}
	if c.fix.Risk != "" {
		b.WriteString(st.Error.Render(hang("Cost: ", clean(c.fix.Risk), inner)) + "\n")
	}
	b.WriteString(st.Dim.Render(hang("Undo: ", clean(c.preview.Undo), inner)) + "\n")
	if c.preview.Traffic != "" {
		b.WriteString(st.Error.Render(hang("Carries traffic now: ", clean(c.preview.Traffic), inner)) + "\n")
		if c.again {
			b.WriteString(st.Error.Render(hang("", "This cuts traffic that flows now: press "+firstKey(m.keys.Confirm)+" again to apply it anyway.", inner)) + "\n")
		}
	}
	b.WriteString("\n")
	m.confirmKeys(&b, "apply")
	body := fit(b.String(), inner, min(strings.Count(b.String(), "\n")+1, m.height-4))
	return st.Dialog.Width(w).Render(body)
}

// confirmKeys ends a confirmation: its keys, once the grace period is over.
func (m *Model) confirmKeys(b *strings.Builder, verb string) {
	st := m.styles
	if m.opt.Now().Sub(m.confirm.openedAt) < confirmGrace {
		b.WriteString(st.Dim.Render("(keys are ignored for a moment)"))
	} else {
		b.WriteString(st.Key.Render(firstKey(m.keys.Confirm)) + " " + verb + "   " + st.Key.Render(firstKey(m.keys.Cancel)) + " cancel")
	}
}

// undoDialogBody asks before undoing the fix applied in this session.
func (m *Model) undoDialogBody(inner int) string {
	st := m.styles
	e := m.confirm.undo
	var b strings.Builder
	b.WriteString(st.Title.Render("Undo this fix?") + "\n")
	b.WriteString(wrap(clean(e.Title), inner) + "\n")
	b.WriteString(st.Dim.Render(wrap("journal "+e.ID+", applied "+e.Time.Local().Format("15:04:05"), inner)) + "\n\n")
	if e.Command != "" {
		b.WriteString(st.Bold.Render("It ran:") + "\n")
		for _, line := range fix.PromptLines(e.Command) {
			b.WriteString(st.Code.Render(ansi.Truncate("  "+clean(line), inner, "…")) + "\n")
		}
	}
	if len(e.Old) > 0 {
		b.WriteString(st.Bold.Render("Undo restores:") + "\n")
		keys := make([]string, 0, len(e.Old))
		for k := range e.Old {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		// The journal's record, a line a key, as much as leaves the keys
		// below visible (addr-delete keeps several per address; review).
		room := max(2, m.height-4-strings.Count(b.String(), "\n")-6)
		for i, k := range keys {
			if i == room-1 && len(keys) > room {
				b.WriteString(st.Dim.Render(fmt.Sprintf("  … and %d more (rtnl-doctor undo --list shows the entry)", len(keys)-i)) + "\n")
				break
			}
			b.WriteString(hang("  ", clean(k)+": "+clean(e.Old[k]), inner) + "\n")
		}
	}
	b.WriteString("\n")
	m.confirmKeys(&b, "undo")
	return fit(b.String(), inner, min(strings.Count(b.String(), "\n")+1, m.height-4))
}

// helpLines is the ? overlay's text: each group of the key map is one
// bubbles/help column under its title; the groups fill rows as wide as the
// dialog, so none is cut at 80 columns.
func (m *Model) helpLines() []string {
	st := m.styles
	h := m.help
	h.ShowAll = true
	inner := m.dialogInner()
	var rows, row []string
	rowW := 0
	for _, g := range m.keys.groups(m.panes) {
		col := st.Bold.Render(g.title) + "\n" + h.FullHelpView([][]key.Binding{g.keys})
		w := lipgloss.Width(col)
		if len(row) > 0 && rowW+3+w > inner {
			rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
			row, rowW = nil, 0
		}
		if len(row) > 0 {
			row = append(row, "   ")
			rowW += 3
		}
		row = append(row, col)
		rowW += w
	}
	rows = append(rows, lipgloss.JoinHorizontal(lipgloss.Top, row...))
	return strings.Split(strings.Join(rows, "\n\n"), "\n")
}

// helpRoom is how many lines of keys the overlay shows at once.
func (m *Model) helpRoom() int { return max(1, m.height-5) }

func (m *Model) helpDialog() string {
	st := m.styles
	k := m.keys
	inner := m.dialogInner()
	lines := m.helpLines()
	room := m.helpRoom()
	off := max(0, min(m.helpOff, len(lines)-room))
	head := st.Title.Render("Keys") + "  " + st.Dim.Render("(any other key closes)")
	if len(lines) > room {
		head = st.Title.Render("Keys") + "  " + st.Dim.Render(fmt.Sprintf("lines %d–%d of %d · %s/%s/%s scroll · any other key closes",
			off+1, off+room, len(lines), name(k.Down), name(k.Up), name(k.PageDown)))
		lines = lines[off : off+room]
	}
	body := head + "\n" + strings.Join(lines, "\n")
	return st.Dialog.Width(m.dialogWidth()).Render(fit(body, inner, len(lines)+1))
}

func (m *Model) detailDialog() string {
	st := m.styles
	w := m.dialogWidth()
	inner := m.dialogInner()
	lines := strings.Split(wrap(m.detail, inner), "\n")
	h := m.detailRows()
	off := min(m.detailOff, max(0, len(lines)-h))
	lines = lines[off:min(len(lines), off+h)]
	return st.Dialog.Width(w).Render(strings.Join(lines, "\n") + "\n" + m.help.ShortHelpView([]key.Binding{m.keys.Up, m.keys.Down, m.keys.PageDown}) + st.Dim.Render(" · any other key closes"))
}

// detailRows is how many lines of text the detail dialog shows.
func (m *Model) detailRows() int { return m.height - 6 }

// clampDetailOff keeps the detail dialog's scroll within its text (in
// Update).
func (m *Model) clampDetailOff() {
	n := strings.Count(wrap(m.detail, m.dialogInner()), "\n") + 1
	m.detailOff = max(0, min(m.detailOff, n-m.detailRows()))
}

// hang wraps s to w cells after prefix, indenting the continuation lines
// under the text, not the prefix.
func hang(prefix, s string, w int) string {
	pw := ansi.StringWidth(prefix)
	body := wrap(s, max(10, w-pw))
	return prefix + strings.ReplaceAll(body, "\n", "\n"+strings.Repeat(" ", pw))
}

// wrap wraps plain text to w cells. ansi.Wordwrap always breaks at a
// hyphen, which cuts paths, unit and interface names ("/etc/systemd/
// system/systemd-" / "networkd.service"): a word that fits on a line keeps
// its hyphens (they are swapped for U+2011, a non-breaking hyphen one cell
// wide, while wrapping); a longer word still breaks at them.
func wrap(s string, w int) string {
	if w <= 0 {
		return s
	}
	if !strings.Contains(s, "-") || strings.ContainsRune(s, nbHyphen) {
		return ansi.Hardwrap(ansi.Wordwrap(s, w, ""), w, true)
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && s[j] != ' ' && s[j] != '\n' && s[j] != '\t' {
			j++
		}
		if wd := s[i:j]; strings.Contains(wd, "-") && ansi.StringWidth(wd) <= w {
			b.WriteString(strings.ReplaceAll(wd, "-", string(nbHyphen)))
		} else {
			b.WriteString(wd)
		}
		for j < len(s) && (s[j] == ' ' || s[j] == '\n' || s[j] == '\t') {
			b.WriteByte(s[j])
			j++
		}
		i = j
	}
	out := ansi.Hardwrap(ansi.Wordwrap(b.String(), w, ""), w, true)
	return strings.ReplaceAll(out, string(nbHyphen), "-")
}

const nbHyphen = '\u2011'
