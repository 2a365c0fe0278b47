package ui

import (
	"fmt"
	"regexp"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
)

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
	detail := m.causeDetail(r, detailW)
	lines := strings.Split(detail, "\n")
	avail := h - strings.Count(head, "\n")
	m.detailTop = max(0, min(m.detailTop, len(lines)-avail))
	body := head + strings.Join(lines[m.detailTop:min(len(lines), m.detailTop+avail)], "\n")
	if m.detailTop+avail < len(lines) {
		body = fit(body, detailW, h-1) + "\n" + st.Dim.Render(fmt.Sprintf("↓ %d more lines (pgdown)", len(lines)-m.detailTop-avail))
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
		b.WriteString(st.Dim.Render(wrap(noFixes(r.Status), w)) + "\n")
	}
	for i, f := range r.Fixes {
		can, why := fix.CanApply(f, m.opt.Env)
		marker := "  "
		if i == m.fixSel {
			marker = "▸ "
		}
		how := st.Key.Render("[f]")
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
