package ui

import (
	"strings"
)

// unavailable renders a group's gap.
func (m *Model) unavailable(what, reason string) string {
	return m.styles.Dim.Render(what+": unavailable: ") + m.styles.Error.Render(clean(reason))
}

// scrollLines shows h lines of a list from the state's offset (View reads
// the state, it never changes it).
func scrollLines(lines []string, s *scrollState, h int) string {
	off := max(0, min(s.offset, len(lines)-h))
	return strings.Join(lines[off:min(len(lines), off+h)], "\n")
}
