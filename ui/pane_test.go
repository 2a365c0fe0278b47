package ui

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// keyMapBindings is every binding of the key map, by field name.
func keyMapBindings(k KeyMap) map[string]key.Binding {
	out := map[string]key.Binding{}
	v := reflect.ValueOf(k)
	for i := range v.NumField() {
		switch x := v.Field(i).Interface().(type) {
		case key.Binding:
			out[v.Type().Field(i).Name] = x
		case []key.Binding:
			for j, b := range x {
				out[fmt.Sprintf("%s[%d]", v.Type().Field(i).Name, j)] = b
			}
		}
	}
	return out
}

// inKeyMap: the binding is one of the key map's (same keys, same help).
func inKeyMap(k KeyMap, b key.Binding) bool {
	for _, x := range keyMapBindings(k) {
		if slices.Equal(x.Keys(), b.Keys()) && x.Help() == b.Help() {
			return true
		}
	}
	return false
}

// checkPane lists what a pane lacks: a title and tab label, keys and a
// footer from the key map each with its help, rows, a view, and its row in
// the registry.
func checkPane(t *testing.T, p paneSpec, registry []func() paneSpec) []string {
	t.Helper()
	k := DefaultKeys()
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 100, 30)
	var miss []string
	if p.title() == "" {
		miss = append(miss, "title")
	}
	if s := p.short(); s == "" || len(s) > 6 {
		miss = append(miss, "short tab label (1 to 6 characters)")
	}
	for _, part := range []struct {
		name string
		keys []key.Binding
	}{{"keys", p.keys(k)}, {"footer", p.footer(m, k)}} {
		if len(part.keys) == 0 {
			miss = append(miss, part.name)
		}
		for _, b := range part.keys {
			if h := b.Help(); h.Key == "" || h.Desc == "" || len(b.Keys()) == 0 {
				miss = append(miss, fmt.Sprintf("help of %s key %q", part.name, b.Keys()))
			} else if !inKeyMap(k, b) {
				miss = append(miss, fmt.Sprintf("%s key %q is not in the key map", part.name, h.Key))
			}
		}
	}
	if !slices.ContainsFunc(p.footer(m, k), func(b key.Binding) bool { return inKeyMap(k, b) && b.Help() == k.Help.Help() }) {
		miss = append(miss, "footer without "+name(k.Help))
	}
	if n := p.rows(m); n < 0 {
		miss = append(miss, "rows")
	}
	if strings.TrimSpace(p.view(m, 100, 20)) == "" {
		miss = append(miss, "view")
	}
	m.panes = append(m.panes, p)
	m.pane = pane(len(m.panes) - 1)
	for _, b := range p.keys(k) { // its keys are safe to press
		m.paneKey(tea.KeyPressMsg{Code: []rune(b.Keys()[0])[0], Text: b.Keys()[0]})
	}
	if !slices.ContainsFunc(registry, func(f func() paneSpec) bool { return reflect.TypeOf(f()) == reflect.TypeOf(p) }) {
		miss = append(miss, "registration (a row in paneRegistry)")
	}
	return miss
}

// testPane is a throwaway pane, built as a new pane would be.
type testPane struct {
	tablePane
	noKeys, noHelp, noTitle bool
}

func (p *testPane) title() string {
	if p.noTitle {
		return ""
	}
	return "Test"
}
func (p *testPane) short() string   { return "Test" }
func (p *testPane) rows(*Model) int { return 3 }
func (p *testPane) keys(k KeyMap) []key.Binding {
	switch {
	case p.noKeys:
		return nil
	case p.noHelp:
		return []key.Binding{key.NewBinding(key.WithKeys(k.Up.Keys()...))}
	}
	return p.tablePane.keys(k)
}
func (p *testPane) footer(m *Model, k KeyMap) []key.Binding          { return tableFooter(m, p, k) }
func (p *testPane) view(*Model, int, int) string                     { return "a\nb\nc" }
func (p *testPane) key(m *Model, msg tea.KeyPressMsg) tea.Cmd        { return tableKey(m, p, msg) }
func (p *testPane) detail(*Model) string                             { return "row" }
func (p *testPane) withFooter(f func(KeyMap) []key.Binding) paneSpec { return footerPane{p, f} }

// footerPane replaces a pane's footer.
type footerPane struct {
	*testPane
	f func(KeyMap) []key.Binding
}

func (p footerPane) footer(_ *Model, k KeyMap) []key.Binding { return p.f(k) }

// TestPanesComplete: every registered pane has every part; a throwaway pane
// passes once registered, and fails for each part it lacks.
func TestPanesComplete(t *testing.T) {
	titles := map[string]bool{}
	for _, f := range paneRegistry {
		p := f()
		if miss := checkPane(t, p, paneRegistry); len(miss) > 0 {
			t.Errorf("pane %T lacks: %s", p, strings.Join(miss, "; "))
		}
		if titles[p.title()] {
			t.Errorf("two panes are called %q", p.title())
		}
		titles[p.title()] = true
	}
	with := append(slices.Clone(paneRegistry), func() paneSpec { return &testPane{} })
	if miss := checkPane(t, &testPane{}, with); len(miss) > 0 {
		t.Errorf("a complete throwaway pane lacks: %v", miss)
	}
	m := New(Options{NoPoll: true})
	m.panes = append(m.panes, &testPane{})
	m.Update(tea.WindowSizeMsg{Width: 200, Height: 30})
	if v := m.View().Content; !strings.Contains(v, "9 Test") {
		t.Errorf("the added pane has no tab:\n%s", v)
	}
	for _, c := range []struct {
		p    paneSpec
		reg  []func() paneSpec
		want string
	}{
		{&testPane{}, paneRegistry, "registration"},
		{&testPane{noKeys: true}, with, "keys"},
		{&testPane{noHelp: true}, with, "help of keys"},
		{&testPane{noTitle: true}, with, "title"},
		{(&testPane{}).withFooter(func(KeyMap) []key.Binding { return nil }), nil, "footer"},
		{(&testPane{}).withFooter(func(k KeyMap) []key.Binding {
			return []key.Binding{k.Help, key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "not mapped"))}
		}), nil, "is not in the key map"},
	} {
		miss := strings.Join(checkPane(t, c.p, c.reg), "; ")
		if !strings.Contains(miss, c.want) {
			t.Errorf("a pane without %s passes: %q", c.want, miss)
		}
	}
}

// TestOneFilePerPane: each pane_*.go declares one pane, and it is registered.
func TestOneFilePerPane(t *testing.T) {
	registered := map[string]bool{}
	for _, f := range paneRegistry {
		registered[reflect.TypeOf(f()).Elem().Name()] = true
	}
	files, _ := filepath.Glob("pane_*.go")
	declared := map[string]string{}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Recv == nil || fn.Name.Name != "view" {
				continue
			}
			typ := fn.Recv.List[0].Type
			if s, ok := typ.(*ast.StarExpr); ok {
				typ = s.X
			}
			tn := typ.(*ast.Ident).Name
			if other, ok := declared[tn]; ok && other != name {
				t.Errorf("%s is in two files", tn)
			}
			if len(slices.Collect(func(yield func(string) bool) {
				for k, v := range declared {
					if v == name && k != tn && !yield(k) {
						return
					}
				}
			})) > 0 {
				t.Errorf("%s declares more than one pane", name)
			}
			declared[tn] = name
			if !registered[tn] {
				t.Errorf("%s (%s) is not in paneRegistry", tn, name)
			}
		}
	}
	for tn := range registered {
		if _, ok := declared[tn]; !ok {
			t.Errorf("registered pane %s has no pane_*.go file", tn)
		}
	}
}

// keyWordRE finds a key named in prose: "press f", "[f]", "esc: cancel",
// "ctrl+d", "(pgdown)", "s to paste".
var keyWordRE = regexp.MustCompile(`\bpress [^%\s]|\[[a-z?]\]|\b(ctrl|shift|alt)\+|\b(esc|pgdown|pgup|backspace)\b|(^|[ (])[a-z?] (to|copies|opens|applies|undoes|quits)\b|\b(enter|tab|esc):`)

// TestNoKeyLiteralOutsideKeyMap: only keys.go names keys; every other file
// takes them from the key map (key.Matches, the bindings' help).
func TestNoKeyLiteralOutsideKeyMap(t *testing.T) {
	var keys []string
	for _, b := range keyMapBindings(DefaultKeys()) {
		keys = append(keys, b.Keys()...)
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, name := range files {
		if name == "keys.go" || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "key" && strings.HasPrefix(n.Sel.Name, "With") {
					t.Errorf("%s: a binding made outside the key map (key.%s)", fset.Position(n.Pos()), n.Sel.Name)
				}
				if n.Sel.Name == "String" {
					if id, ok := n.X.(*ast.Ident); ok && id.Name == "msg" {
						t.Errorf("%s: a key press compared as text (msg.String()): use key.Matches", fset.Position(n.Pos()))
					}
				}
			case *ast.BasicLit:
				if n.Kind != token.STRING {
					return true
				}
				s, _ := strconv.Unquote(n.Value)
				if len(s) > 1 && slices.Contains(keys, s) || keyWordRE.MatchString(s) {
					t.Errorf("%s: key literal %q outside the key map", fset.Position(n.Pos()), s)
				}
			}
			return true
		})
	}
}

// TestHelpOverlayScrolls: at 80x24 the ? overlay does not hold every key; it
// scrolls to the last, and any other key closes it.
func TestHelpOverlayScrolls(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), "", 80, 24)
	press(m, "?")
	lines := m.helpLines()
	if len(lines) <= m.helpRoom() {
		t.Skipf("the help fits in %d lines", m.helpRoom())
	}
	last := strings.TrimSpace(strings.Split(strings.TrimSpace(ansi.Strip(lines[len(lines)-1])), "  ")[0])
	if strings.Contains(ansi.Strip(content(m)), last) {
		t.Fatalf("the last line %q is already shown", last)
	}
	press(m, "pgdown", "pgdown", "pgdown")
	if m.dialog != dialogHelp || !strings.Contains(ansi.Strip(content(m)), last) {
		t.Fatalf("after pgdown the overlay does not show its last line %q:\n%s", last, ansi.Strip(content(m)))
	}
	checkFrame(t, content(m), 80, 24)
	press(m, "x")
	if m.dialog != dialogNone {
		t.Fatal("x did not close the help")
	}
}

// TestViewChangesNothing: drawing twice after keys that push scroll
// positions past their ends leaves the model as it was.
func TestViewChangesNothing(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 80, 24)
	for range 200 {
		press(m, "down")
	}
	top := m.detailTop
	m.View()
	if m.detailTop != top {
		t.Fatalf("View moved the walk-through from %d to %d", top, m.detailTop)
	}
	press(m, "3", "enter")
	for range 200 {
		press(m, "down")
	}
	off := m.detailOff
	m.cache.invalidate()
	m.View()
	if m.detailOff != off {
		t.Fatalf("View moved the detail from %d to %d", off, m.detailOff)
	}
	for range 3 {
		press(m, "up")
	}
	if m.detailOff != max(0, off-3) {
		t.Fatalf("up after the end took more than one press per line: %d → %d", off, m.detailOff)
	}
}
