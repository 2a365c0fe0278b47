package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key the dashboard answers to: the help overlay (?), the
// footers and every key named on the screen come from it. No other file
// names a key (TestNoKeyLiteralOutsideKeyMap).
type KeyMap struct {
	Help, Quit, Interrupt, NextPane, PrevPane, Refresh, Faster, Slower, Symptom, Back key.Binding
	Panes                                                                             []key.Binding

	Up, Down, PageUp, PageDown, Top, Bottom, Enter, Filter, OpenFinding key.Binding
	// While the filter is typed.
	FilterKeep, FilterClear, FilterDelete key.Binding

	NextCause, PrevCause, Apply, Verify, Undo, Reproduce, Edit, CopyFix, CopyReport key.Binding

	Confirm, Cancel key.Binding
	// In the symptom dialog.
	SubmitBlank, Submit key.Binding
}

// DefaultKeys is the key map.
func DefaultKeys() KeyMap {
	k := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	kh := func(shown, help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(shown, help))
	}
	km := KeyMap{
		Help:      k("help", "?"),
		Quit:      kh("q", "quit", "q", "ctrl+c"),
		Interrupt: kh("ctrl+c", "quit", "ctrl+c"),
		NextPane:  k("next pane", "tab"),
		PrevPane:  k("previous pane", "shift+tab"),
		Refresh:   k("refresh now", "r"),
		Faster:    kh("+/-", "poll faster/slower", "+", "="),
		Slower:    kh("-", "poll slower", "-", "_"),
		Symptom:   k("paste the error", "s"),
		Back:      k("close, back", "esc"),

		Up:       kh("↑/k", "up", "up", "k"),
		Down:     kh("↓/j", "down", "down", "j"),
		PageUp:   k("page up", "pgup"),
		PageDown: k("page down", "pgdown"),
		Top:      kh("g/home", "top", "home", "g"),
		Bottom:   kh("G/end", "bottom", "end", "G"),
		Enter:    k("details", "enter"),
		Filter:   k("filter", "/"),
		// The Live pane's enter.
		OpenFinding: k("walk through the finding", "enter"),

		FilterKeep:   k("keep", "enter"),
		FilterClear:  k("clear", "esc"),
		FilterDelete: k("delete a character", "backspace"),

		NextCause:  kh("n/→", "next cause", "n", "right"),
		PrevCause:  kh("p/←", "previous cause", "p", "left"),
		Apply:      k("apply the selected fix", "f"),
		Verify:     k("verify (re-probe)", "v"),
		Undo:       k("undo this session's fix", "u"),
		Reproduce:  k("reproduce in a throwaway netns", "t"),
		Edit:       k("edit the config file", "e"),
		CopyFix:    k("copy the fix's commands", "y"),
		CopyReport: k("copy the report (Markdown)", "c"),

		Confirm: kh("y/enter", "confirm", "y", "enter"),
		Cancel:  kh("n/esc", "cancel", "n", "esc"),

		SubmitBlank: kh("enter on an empty line", "diagnose", "enter"),
		Submit:      k("diagnose", "ctrl+d"),
	}
	for i, p := range paneRegistry {
		d := string(rune('1' + i))
		km.Panes = append(km.Panes, key.NewBinding(key.WithKeys(d), key.WithHelp(d, p().title())))
	}
	return km
}

// firstKey is the first key of a binding, for a screen that names one key.
func firstKey(b key.Binding) string {
	if ks := b.Keys(); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

// name is how a binding is shown (its help key).
func name(b key.Binding) string { return b.Help().Key }

// helpGroup is one titled column of the ? overlay.
type helpGroup struct {
	title string
	keys  []key.Binding
}

// groups lists every key for the ? overlay, by where it works, as crush
// does: the keys that work everywhere, then each pane's own keys (panes
// with the same keys share a group).
func (k KeyMap) groups(panes []paneSpec) []helpGroup {
	out := []helpGroup{{"Everywhere", []key.Binding{k.Help, k.Quit, k.Interrupt, k.Back, k.NextPane, k.PrevPane,
		key.NewBinding(key.WithKeys(keyNames(k.Panes)...), key.WithHelp(fmt.Sprintf("1…%d", len(k.Panes)), "pane by number")),
		k.Refresh, k.Faster, k.Symptom, k.CopyReport}}}
	seen := map[string]int{}
	var members [][]int
	for i, p := range panes {
		keys := p.keys(k)
		sig := ""
		for _, b := range keys {
			sig += fmt.Sprintf("%q %q ", b.Help().Key, b.Help().Desc)
		}
		if j, ok := seen[sig]; ok {
			members[j] = append(members[j], i)
			continue
		}
		seen[sig] = len(members)
		members = append(members, []int{i})
		out = append(out, helpGroup{keys: keys})
	}
	for j, is := range members {
		if len(is) == 1 {
			out[j+1].title = fmt.Sprintf("%s (pane %d)", panes[is[0]].title(), is[0]+1)
			continue
		}
		nums := make([]string, len(is))
		for n, i := range is {
			nums[n] = fmt.Sprint(i + 1)
		}
		out[j+1].title = "Panes " + strings.Join(nums, ", ")
	}
	// The keys of the modes a pane opens: typing a filter, a confirmation
	// dialog, the symptom dialog.
	return append(out,
		helpGroup{"While filtering", []key.Binding{k.FilterKeep, k.FilterClear, k.FilterDelete}},
		helpGroup{"In a dialog", []key.Binding{k.Confirm, k.Cancel}},
		helpGroup{"Pasting the error", []key.Binding{k.Back, k.SubmitBlank, k.Submit}})
}

func keyNames(bs []key.Binding) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Keys()...)
	}
	return out
}
