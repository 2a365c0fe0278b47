package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// scrollState is a table's cursor and first visible row.
type scrollState struct {
	cursor, offset int
}

// clamp keeps the cursor in [0, n) and visible in a window of h rows.
func (s *scrollState) clamp(n, h int) {
	if n <= 0 {
		s.cursor, s.offset = 0, 0
		return
	}
	s.cursor = max(0, min(s.cursor, n-1))
	if h <= 0 {
		h = 1
	}
	if s.cursor < s.offset {
		s.offset = s.cursor
	}
	if s.cursor >= s.offset+h {
		s.offset = s.cursor - h + 1
	}
	s.offset = max(0, min(s.offset, max(0, n-h)))
}

func (s *scrollState) move(d, n, h int) {
	s.cursor += d
	s.clamp(n, h)
}

// column is a table column: a title and a width (0: take the rest).
type column struct {
	title string
	width int
}

// table renders rows[offset:offset+h] only: a 20,000-row table costs what a
// screenful does. Cells are plain (already sanitised) text; style colours a
// whole cell.
type table struct {
	cols   []column
	rows   int
	cell   func(row, col int) (text string, style func(...string) string)
	state  *scrollState
	width  int
	height int // rows of data, the header excluded
}

func (t table) render(st Styles, focused bool) string {
	widths := make([]int, len(t.cols))
	rest := t.width
	flex := -1
	for i, c := range t.cols {
		if c.width == 0 {
			flex = i
			continue
		}
		widths[i] = c.width
		rest -= c.width + 1
	}
	if flex >= 0 {
		widths[flex] = max(4, rest-1)
	}
	var b strings.Builder
	hdr := make([]string, len(t.cols))
	for i, c := range t.cols {
		hdr[i] = pad(c.title, widths[i])
	}
	b.WriteString(st.Bold.Render(ansi.Truncate(strings.Join(hdr, " "), t.width, "")))
	s := *t.state // View never changes the model: Update clamps the cursor
	s.clamp(t.rows, t.height)
	end := min(t.rows, s.offset+t.height)
	for r := s.offset; r < end; r++ {
		b.WriteByte('\n')
		cells := make([]string, len(t.cols))
		for c := range t.cols {
			text, style := t.cell(r, c)
			text = pad(text, widths[c])
			if style != nil {
				text = style(text)
			}
			cells[c] = text
		}
		line := strings.Join(cells, " ")
		if r == s.cursor && focused {
			line = st.Selected.Render(ansi.Strip(line))
		}
		b.WriteString(line)
	}
	if t.rows == 0 {
		b.WriteString("\n" + st.Dim.Render("(nothing)"))
	}
	return b.String()
}

// pad cuts or pads plain text to exactly w cells.
func pad(s string, w int) string {
	if w <= 0 {
		return ""
	}
	s = ansi.Truncate(s, w, "…")
	if n := ansi.StringWidth(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// tableKey moves the cursor of the focused table pane.
func (m *Model) tableKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	s, n := m.paneTable()
	if s == nil {
		return nil
	}
	h := m.bodyHeight() - 2
	switch {
	case key.Matches(msg, k.Down):
		s.move(1, n, h)
	case key.Matches(msg, k.Up):
		s.move(-1, n, h)
	case key.Matches(msg, k.PageDown):
		s.move(h, n, h)
	case key.Matches(msg, k.PageUp):
		s.move(-h, n, h)
	case key.Matches(msg, k.Top):
		s.move(-n, n, h)
	case key.Matches(msg, k.Bottom):
		s.move(n, n, h)
	case key.Matches(msg, k.Filter) && m.pane == paneLinks:
		m.filtering = true
	case key.Matches(msg, k.Back) && m.pane == paneLinks && m.linkFilter != "":
		m.linkFilter = ""
		m.links = scrollState{}
	case key.Matches(msg, k.Enter) && m.pane == paneLive:
		return m.openFinding()
	case key.Matches(msg, k.Enter):
		if d := m.rowDetail(); d != "" {
			m.detail, m.detailOff, m.dialog = d, 0, dialogDetail
		}
	default:
		return nil
	}
	m.cache.invalidate()
	return nil
}

// filterKey edits the links filter.
func (m *Model) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		m.filtering, m.linkFilter = false, ""
	case "enter":
		m.filtering = false
	case "backspace":
		if r := []rune(m.linkFilter); len(r) > 0 {
			m.linkFilter = string(r[:len(r)-1])
		}
	default:
		if t := msg.Text; t != "" && len(m.linkFilter) < 64 {
			m.linkFilter += t
		}
	}
	m.links = scrollState{}
	m.cache.invalidate()
	return nil
}
