package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
)

// KeyMap is every key the dashboard answers to: the help overlay (?) and
// the footer are generated from it.
type KeyMap struct {
	Help, Quit, NextPane, PrevPane, Refresh, Faster, Slower, Symptom, Back key.Binding
	Panes                                                                  []key.Binding

	Up, Down, PageUp, PageDown, Top, Bottom, Enter, Filter key.Binding

	NextCause, PrevCause, Apply, Verify, Undo, Reproduce, Edit, CopyFix, CopyReport key.Binding

	Confirm, Cancel key.Binding
}

// DefaultKeys is the key map.
func DefaultKeys() KeyMap {
	k := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], help))
	}
	km := KeyMap{
		Help:     k("help", "?"),
		Quit:     key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		NextPane: k("next pane", "tab"),
		PrevPane: k("previous pane", "shift+tab"),
		Refresh:  k("refresh now", "r"),
		Faster:   key.NewBinding(key.WithKeys("+", "="), key.WithHelp("+/-", "poll faster/slower")),
		Slower:   key.NewBinding(key.WithKeys("-", "_"), key.WithHelp("-", "poll slower")),
		Symptom:  k("paste the error", "s"),
		Back:     k("close, back", "esc"),

		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   k("page up", "pgup"),
		PageDown: k("page down", "pgdown"),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "bottom")),
		Enter:    k("details", "enter"),
		Filter:   k("filter", "/"),

		NextCause:  key.NewBinding(key.WithKeys("n", "right"), key.WithHelp("n/→", "next cause")),
		PrevCause:  key.NewBinding(key.WithKeys("p", "left"), key.WithHelp("p/←", "previous cause")),
		Apply:      k("apply the selected fix", "f"),
		Verify:     k("verify (re-probe)", "v"),
		Undo:       k("undo this session's fix", "u"),
		Reproduce:  k("reproduce in a throwaway netns", "t"),
		Edit:       k("edit the config file", "e"),
		CopyFix:    k("copy the fix's commands", "y"),
		CopyReport: k("copy the report (Markdown)", "c"),

		Confirm: key.NewBinding(key.WithKeys("y", "enter"), key.WithHelp("y/enter", "confirm")),
		Cancel:  key.NewBinding(key.WithKeys("n", "esc"), key.WithHelp("n/esc", "cancel")),
	}
	for i, name := range paneNames {
		d := string(rune('1' + i))
		km.Panes = append(km.Panes, key.NewBinding(key.WithKeys(d), key.WithHelp(d, name)))
	}
	return km
}

// helpGroup is one titled column of the ? overlay.
type helpGroup struct {
	title string
	keys  []key.Binding
}

// groups lists every key for the ? overlay, by where it works. Keys that
// come in pairs share a line (display-only bindings).
func (k KeyMap) groups() []helpGroup {
	show := func(keys, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(keys, desc))
	}
	return []helpGroup{
		{"Everywhere", []key.Binding{k.Help, k.Quit, k.Back, show("tab/⇧tab", "next/previous pane"),
			show(fmt.Sprintf("1…%d", len(k.Panes)), "pane by number"), k.Refresh, k.Faster, k.Symptom}},
		{"Troubleshoot (pane 1)", []key.Binding{k.NextCause, k.PrevCause, show("↑↓/jk", "select a fix, scroll"),
			k.Apply, k.Edit, k.Verify, k.Undo, k.Reproduce, k.CopyFix, k.CopyReport}},
		{"Tables (panes 2–7)", []key.Binding{show("↑↓/jk", "move"), show("pgup/pgdn", "page"), show("g/G", "top/bottom"), k.Enter, k.Filter}},
	}
}
