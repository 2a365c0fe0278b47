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

// tableView is the table component a pane owns: its cursor, its first
// visible row and, for a pane that allows it, its filter. The pane gives the
// rows; the component answers the keys that move over them.
type tableView struct {
	scrollState
	canFilter bool
	filter    string
	filtering bool // the filter is being typed: every key goes to it
}

// keys are the keys the component answers.
func (t *tableView) keys(k KeyMap) []key.Binding {
	b := []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
	if t.canFilter {
		b = append(b, k.Filter)
	}
	return b
}

// update handles a key over rows() rows shown h at a time, and says
// whether it was the component's.
func (t *tableView) update(msg tea.KeyPressMsg, k KeyMap, rows func() int, h int) bool {
	if t.filtering {
		t.filterKey(msg, k)
		return true
	}
	n := rows()
	switch {
	case key.Matches(msg, k.Down):
		t.move(1, n, h)
	case key.Matches(msg, k.Up):
		t.move(-1, n, h)
	case key.Matches(msg, k.PageDown):
		t.move(h, n, h)
	case key.Matches(msg, k.PageUp):
		t.move(-h, n, h)
	case key.Matches(msg, k.Top):
		t.move(-n, n, h)
	case key.Matches(msg, k.Bottom):
		t.move(n, n, h)
	case key.Matches(msg, k.Filter) && t.canFilter:
		t.filtering = true
	case key.Matches(msg, k.Back) && t.filter != "":
		t.filter, t.scrollState = "", scrollState{}
	default:
		return false
	}
	return true
}

// filterKey edits the filter.
func (t *tableView) filterKey(msg tea.KeyPressMsg, k KeyMap) {
	switch {
	case key.Matches(msg, k.FilterClear):
		t.filtering, t.filter = false, ""
	case key.Matches(msg, k.FilterKeep):
		t.filtering = false
	case key.Matches(msg, k.FilterDelete):
		if r := []rune(t.filter); len(r) > 0 {
			t.filter = string(r[:len(r)-1])
		}
	default:
		if s := msg.Text; s != "" && len(t.filter) < 64 {
			t.filter += s
		}
	}
	t.scrollState = scrollState{}
}
