package ui

import (
	"strings"
)

// unavailable renders a group's gap.
func (m *Model) unavailable(what, reason string) string {
	return m.styles.Dim.Render(what+": unavailable: ") + m.styles.Error.Render(clean(reason))
}

// scrollLines shows h lines of a list from line top (kept within the
// lines).
func scrollLines(lines []string, top, h int) string {
	off := max(0, min(top, len(lines)-h))
	return strings.Join(lines[off:min(len(lines), off+h)], "\n")
}
