package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// paneSpec is one tab of the dashboard. Each pane lives in its own file
// (pane_<name>.go) and owns its state, its keys, its rows and its help; the
// root model draws the frame, the dialogs and the keys that work everywhere.
type paneSpec interface {
	// title names the tab, its number key and its help group.
	title() string
	// short is the tab's label below 100 columns.
	short() string
	// keys are every key the pane answers to: its group in the ? overlay.
	keys(k KeyMap) []key.Binding
	// footer is the short help under the pane: only keys that do
	// something in it now (no arrow over fewer than two rows or over text
	// that fits, no "enter" without a detail to open).
	footer(m *Model, k KeyMap) []key.Binding
	// rows is how many rows it shows now (what its cursor moves over, or
	// the lines a text pane scrolls over).
	rows(m *Model) int
	// view draws it in w×h cells; it reads the model and changes nothing.
	// A table pane's view runs once facts are there.
	view(m *Model, w, h int) string
}

// keyed is a pane with keys of its own beyond its table's (or instead of
// one): it handles every key none of the global ones took.
type keyed interface {
	key(m *Model, msg tea.KeyPressMsg) tea.Cmd
}

// paneKey hands a key to the focused pane: its own handler, else its table.
func (m *Model) paneKey(msg tea.KeyPressMsg) tea.Cmd {
	switch p := m.current().(type) {
	case keyed:
		return p.key(m, msg)
	case tabled:
		return tableKey(m, p, msg)
	case scrolled:
		return textKey(m, p, msg)
	}
	return nil
}

// waitsForFacts: the pane draws facts, so until the first arrive the body
// says it is gathering.
func waitsForFacts(p paneSpec) bool {
	w, ok := p.(interface{ needsFacts() bool })
	return ok && w.needsFacts()
}

// paneRegistry is every pane, in tab order: adding a pane is its file plus
// one row here (TestPanesComplete checks every pane_*.go type is listed).
var paneRegistry = []func() paneSpec{
	func() paneSpec { return &troubleshootPane{} },
	func() paneSpec { return &resourcesPane{} },
	func() paneSpec { return newLinksPane() },
	func() paneSpec { return &modulesPane{} },
	func() paneSpec { return &capsPane{} },
	func() paneSpec { return &denialsPane{} },
	func() paneSpec { return &configPane{} },
	func() paneSpec { return &livePane{} },
}

// pane is an index into the registry.
type pane int

// paneTroubleshoot is the walk-through, the pane a new symptom opens.
const paneTroubleshoot pane = 0

func newPanes() []paneSpec {
	out := make([]paneSpec, len(paneRegistry))
	for i, p := range paneRegistry {
		out[i] = p()
	}
	return out
}

// current is the focused pane.
func (m *Model) current() paneSpec { return m.panes[m.pane] }

// paneOf finds the pane of type T (and its index).
func paneOf[T paneSpec](m *Model) (T, pane) {
	for i, p := range m.panes {
		if t, ok := p.(T); ok {
			return t, pane(i)
		}
	}
	var zero T
	return zero, -1
}

// tabled is a pane with a table component (cursor and filter) and a
// detail for its selected row.
type tabled interface {
	paneSpec
	table() *tableView
	detail(m *Model) string
}

// tablePane is the part every table pane shares: its table component and
// its default keys and footer.
type tablePane struct{ tbl tableView }

func (p *tablePane) table() *tableView { return &p.tbl }

// needsFacts: a table pane shows facts (the Live pane does not).
func (p *tablePane) needsFacts() bool { return true }

// detail: no detail dialog unless the pane gives one.
func (p *tablePane) detail(*Model) string { return "" }

// keys: a table pane moves its cursor and opens the selected row's
// detail (every table pane has one, or declares its own keys).
func (p *tablePane) keys(k KeyMap) []key.Binding { return append(p.tbl.keys(k), k.Enter) }

// arrow is the footer's cursor key at position at of 0..last: ↓ while
// there is a row (or line) below, else ↑ while there is one above, else
// none (one row: the arrows move nothing).
func arrow(k KeyMap, at, last int) []key.Binding {
	switch {
	case last <= 0:
		return nil
	case at < last:
		return []key.Binding{k.Down}
	}
	return []key.Binding{k.Up}
}

// tableFooter is a table pane's footer: a cursor key once there are two
// rows to move over, enter once the selected row has a detail, the filter
// where the pane has one.
func tableFooter(m *Model, p tabled, k KeyMap) []key.Binding {
	b := []key.Binding{k.Help, k.NextPane}
	if m.facts != nil {
		b = append(b, arrow(k, p.table().cursor, p.rows(m)-1)...)
		if p.detail(m) != "" {
			b = append(b, k.Enter)
		}
		if p.table().canFilter {
			b = append(b, k.Filter)
		}
	}
	return append(b, k.Refresh, k.Symptom, k.Quit)
}

// tableKey is a table pane's key handling: the table moves its cursor or
// edits its filter; enter opens the selected row's detail.
func tableKey(m *Model, p tabled, msg tea.KeyPressMsg) tea.Cmd {
	if m.facts == nil {
		return nil
	}
	t := p.table()
	if key.Matches(msg, m.keys.Enter) && !t.filtering {
		if d := p.detail(m); d != "" {
			m.detail, m.detailOff, m.dialog = d, 0, dialogDetail
			m.cache.invalidate()
		}
		return nil
	}
	if t.update(msg, m.keys, func() int { return p.rows(m) }, m.bodyHeight()-2) {
		m.cache.invalidate()
	}
	return nil
}

// textPane is the part every pane of text lines shares (Resources,
// Capabilities): it has no cursor and no row to open, so its only keys
// scroll its lines, and its footer names them only when the lines are more
// than the pane shows.
type textPane struct {
	top int // first line shown
}

// scrolled is a pane of text lines.
type scrolled interface {
	paneSpec
	text() *textPane
	// lines are all of its lines, one per fact (never wrapped: their
	// number does not depend on the width).
	lines(m *Model, w int) []string
}

func (p *textPane) text() *textPane { return p }

// needsFacts: a text pane shows facts.
func (p *textPane) needsFacts() bool { return true }

func (p *textPane) keys(k KeyMap) []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// textRows is how many lines a text pane has.
func textRows(m *Model, p scrolled) int {
	if m.facts == nil {
		return 0
	}
	return len(p.lines(m, m.width))
}

// textFooter is a text pane's footer: a scroll key only when there is
// something to scroll.
func textFooter(m *Model, p scrolled, k KeyMap) []key.Binding {
	b := []key.Binding{k.Help, k.NextPane}
	b = append(b, arrow(k, p.text().top, p.rows(m)-m.bodyHeight())...)
	return append(b, k.Refresh, k.Symptom, k.Quit)
}

// textView shows the pane's lines from its first line shown (View reads
// it, never changes it).
func textView(m *Model, p scrolled, w, h int) string {
	return scrollLines(p.lines(m, w), p.text().top, h)
}

// textKey scrolls a text pane's lines, a line or a page at a time, within
// its lines.
func textKey(m *Model, p scrolled, msg tea.KeyPressMsg) tea.Cmd {
	if m.facts == nil {
		return nil
	}
	k, t := m.keys, p.text()
	n, h := p.rows(m), m.bodyHeight()
	top := t.top
	switch {
	case key.Matches(msg, k.Down):
		top++
	case key.Matches(msg, k.Up):
		top--
	case key.Matches(msg, k.PageDown):
		top += h
	case key.Matches(msg, k.PageUp):
		top -= h
	case key.Matches(msg, k.Top):
		top = 0
	case key.Matches(msg, k.Bottom):
		top = n
	default:
		return nil
	}
	top = max(0, min(top, n-h))
	if top != t.top {
		t.top = top
		m.cache.invalidate()
	}
	return nil
}
