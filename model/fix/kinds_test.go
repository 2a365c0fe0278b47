package fix

import (
	"context"
	"sort"
	"strings"
	"testing"
)

// kindProblems lists what an action kind lacks: every kind declares its
// parameters, previews and applies; a kind that can be undone also reads
// its object's live state, says what state it leaves (compare before undo)
// and names its object (last-in-first-out undo).
func kindProblems(name string, k actionKind) []string {
	var p []string
	if k.params == nil {
		p = append(p, name+": no parameter declarations (entries of it would be refused on read)")
	}
	for _, r := range k.required {
		if _, ok := k.params[r]; !ok {
			p = append(p, name+": required parameter "+r+" is not declared")
		}
	}
	if k.stateKeys == nil {
		p = append(p, name+": no state declarations (its journaled old and new states would be refused on read)")
	}
	for _, id := range k.identity {
		if _, ok := k.stateKeys[id]; !ok {
			p = append(p, name+": identity key "+id+" is not a declared state key")
		}
	}
	if k.preview == nil {
		p = append(p, name+": no preview (nothing would show what it changes)")
	}
	if k.apply == nil {
		p = append(p, name+": no apply")
	}
	if k.undo != nil {
		if k.state == nil {
			p = append(p, name+": undoable but cannot read its object's live state (undo could not compare)")
		}
		if k.expect == nil && k.reversible == nil {
			p = append(p, name+": undoable but does not say what state it leaves (undo could not compare)")
		}
		if k.object == nil {
			p = append(p, name+": undoable but names no object (no last-in-first-out order)")
		}
	}
	return p
}

// Every registered action kind has every part it needs.
func TestActionKindsComplete(t *testing.T) {
	names := make([]string, 0, len(actionKinds))
	for n := range actionKinds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, p := range kindProblems(n, actionKinds[n]) {
			t.Error(p)
		}
	}
	if len(names) < 19 {
		t.Errorf("only %d action kinds registered: %v", len(names), names)
	}
}

// A throwaway kind shows that a kind missing a part fails the check, not
// an operator at undo time.
func TestThrowawayActionKindMissingAPart(t *testing.T) {
	full := actionKind{
		params:    map[string]paramCheck{"name": checkIfname},
		required:  []string{"name"},
		stateKeys: map[string]paramCheck{"ino": checkU64},
		identity:  []string{"ino"},
		preview:   func(context.Context, *ActionEnv, *Action) (Preview, error) { return Preview{}, nil },
		apply: func(context.Context, *ActionEnv, *Action, map[string]string) (map[string]string, error) {
			return nil, nil
		},
		undo:   func(context.Context, *ActionEnv, *Action, map[string]string, map[string]string) error { return nil },
		state:  func(context.Context, *ActionEnv, *Action) (map[string]string, error) { return nil, nil },
		expect: func(*Action, map[string]string, map[string]string) map[string]string { return nil },
		object: func(*Action) string { return "x" },
	}
	if p := kindProblems("throwaway", full); len(p) != 0 {
		t.Fatalf("a complete kind fails: %v", p)
	}
	for _, c := range []struct {
		part  string
		strip func(*actionKind)
	}{
		{"parameter declarations", func(k *actionKind) { k.params = nil }},
		{"state declarations", func(k *actionKind) { k.stateKeys = nil }},
		{"identity key declared", func(k *actionKind) { k.identity = []string{"dev"} }},
		{"required parameter", func(k *actionKind) { k.required = []string{"other"} }},
		{"preview", func(k *actionKind) { k.preview = nil }},
		{"apply", func(k *actionKind) { k.apply = nil }},
		{"live state", func(k *actionKind) { k.state = nil }},
		{"state it leaves", func(k *actionKind) { k.expect = nil }},
		{"object", func(k *actionKind) { k.object = nil }},
	} {
		k := full
		c.strip(&k)
		p := kindProblems("throwaway", k)
		if len(p) == 0 {
			t.Errorf("a kind without its %s passes the check", c.part)
		} else if !strings.HasPrefix(p[0], "throwaway: ") {
			t.Errorf("problem %q does not name the kind", p[0])
		}
	}
}
