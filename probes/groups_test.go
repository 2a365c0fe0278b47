package probes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkGroup lists the parts a fact group lacks: a name, a refresh class,
// a field of Facts whose JSON key is the group's name, a gather function,
// a merge and a JSON writer.
func checkGroup(g *factGroup) []string {
	var out []string
	bad := func(format string, args ...any) {
		out = append(out, fmt.Sprintf("group %q: ", g.name)+fmt.Sprintf(format, args...))
	}
	if g.name == "" {
		bad("no name")
	}
	if g.refresh != RefreshFast && g.refresh != RefreshSlow {
		bad("no refresh class (RefreshFast or RefreshSlow): the dashboard cannot tell when to re-read it")
	}
	if g.field == nil {
		bad("no field in Facts to hold its facts")
	} else if key, ok := fieldKey(g); !ok {
		bad("its field is not a field of Facts")
	} else if key != string(g.name) {
		bad("its facts are stored in the Facts field with JSON key %q, not %q: probe --json would write them under another group's name", key, g.name)
	}
	if g.gather == nil {
		bad("no gather function: Gather would read nothing")
	}
	if g.merge == nil {
		bad("no merge: the dashboard would never refresh it")
	}
	if g.writeJSON == nil {
		bad("no JSON writer: it would vanish from probe --json")
	}
	return out
}

// fieldKey returns the JSON key of the field of Facts the group stores its
// facts in.
func fieldKey(g *factGroup) (string, bool) {
	var f Facts
	p := reflect.ValueOf(g.field(&f))
	rv := reflect.ValueOf(&f).Elem()
	for i := range rv.NumField() {
		if a := rv.Field(i).Addr(); p.Kind() == reflect.Pointer && a.Pointer() == p.Pointer() && a.Type() == p.Type() {
			return factsFields[i].key, true
		}
	}
	return "", false
}

// checkGroups lists what the registry lacks: each group's parts, a name
// used once, and a group for every group field of Facts.
func checkGroups(gs []*factGroup) []string {
	var out []string
	seen := map[Group]bool{}
	for _, g := range gs {
		out = append(out, checkGroup(g)...)
		if seen[g.name] {
			out = append(out, fmt.Sprintf("group %q is registered twice", g.name))
		}
		seen[g.name] = true
	}
	for _, fld := range factsFields {
		switch fld.key {
		case "collected", "took", "target", "gathered", "unavailable":
			continue // not a group's
		}
		if !seen[Group(fld.key)] {
			out = append(out, fmt.Sprintf("the Facts field %q has no registered group: Gather, Merge and probe --json would skip it", fld.key))
		}
	}
	return out
}

// Every group has every part, under its own name, and every group field
// of Facts has its group.
func TestGroupRegistry(t *testing.T) {
	for _, p := range checkGroups(factGroups) {
		t.Error(p)
	}
	if !slices.Equal(AllGroups, groupNames(factGroups)) {
		t.Errorf("AllGroups = %v, the registry holds %v", AllGroups, groupNames(factGroups))
	}
	// The dashboard re-reads on every poll what moves by itself.
	var fast []Group
	for _, g := range AllGroups {
		if g.Refresh() == RefreshFast {
			fast = append(fast, g)
		}
	}
	if want := []Group{GroupFDs, GroupMemory, GroupNet}; !slices.Equal(fast, want) {
		t.Errorf("fast groups = %v, want %v", fast, want)
	}
	if Group("nonesuch").Refresh() != 0 {
		t.Error("a name that is no group has a refresh class")
	}
}

// Each group, read alone, is merged into older facts and written by
// WriteJSON under its name, alone; all of them written together are what
// encoding/json writes for Facts, in the same order.
func TestGroupsMergeAndWriteJSON(t *testing.T) {
	full := gatherFixture(t, Target{Interfaces: []string{"eth0"}})
	for _, g := range factGroups {
		newer := &Facts{Gathered: []Group{g.name}}
		reflect.ValueOf(g.field(newer)).Elem().Set(reflect.ValueOf(g.field(full)).Elem())
		merged := (&Facts{Gathered: []Group{}}).Merge(newer)
		if !reflect.DeepEqual(g.field(merged), g.field(full)) {
			t.Errorf("%s: Merge did not carry the newer read", g.name)
		}
		if !slices.Contains(merged.Gathered, g.name) {
			t.Errorf("%s: merged facts do not list it as gathered", g.name)
		}
		var b bytes.Buffer
		if err := newer.WriteJSON(&b); err != nil {
			t.Fatalf("%s: %v", g.name, err)
		}
		var doc map[string]json.RawMessage
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatalf("%s: WriteJSON wrote invalid JSON: %v", g.name, err)
		}
		for _, other := range AllGroups {
			if _, ok := doc[string(other)]; ok != (other == g.name) {
				t.Errorf("%s read alone: key %q present = %v", g.name, other, ok)
			}
		}
	}
	var streamed bytes.Buffer
	if err := full.WriteJSON(&streamed); err != nil {
		t.Fatal(err)
	}
	marshalled, err := json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := topKeys(t, streamed.Bytes()), topKeys(t, marshalled); !slices.Equal(a, b) {
		t.Errorf("WriteJSON keys %v, encoding/json %v", a, b)
	}
	var a, b any
	json.Unmarshal(streamed.Bytes(), &a)
	json.Unmarshal(marshalled, &b)
	if !reflect.DeepEqual(a, b) {
		t.Error("WriteJSON and encoding/json disagree on the facts")
	}
}

func topKeys(t *testing.T, doc []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.Token()
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// A throwaway group declared as a new group is (one newGroup value, here
// borrowing tun's field: a group's field in Facts is checked by the
// compiler) passes the checks whole and fails them with any part missing,
// so a forgotten part fails a test, not a user. Registered, the one value
// drives Gather, Merge, probe --json and the dashboard's refresh.
func TestThrowawayGroupMissingAPart(t *testing.T) {
	field := func(f *Facts) *TunFacts { return &f.Tun }
	read := func(context.Context, *env) TunFacts { return TunFacts{Path: "/throwaway"} }
	whole := func() *factGroup { return newGroup(GroupTun, RefreshFast, field, read) }
	if p := checkGroup(whole()); len(p) > 0 {
		t.Fatalf("the whole throwaway group fails the checks: %v", p)
	}
	for _, c := range []struct {
		missing string
		g       *factGroup
		want    string
	}{
		{"gather function", newGroup(GroupTun, RefreshFast, field, nil), "no gather function"},
		{"refresh class", newGroup(GroupTun, 0, field, read), "no refresh class"},
		{"field", newGroup[TunFacts](GroupTun, RefreshFast, nil, read), "no field in Facts"},
		{"its own field", newGroup("throwaway", RefreshFast, field, read), `JSON key "tun", not "throwaway"`},
		{"merge", whole().mergedBy(nil), "no merge"},
		{"JSON writer", whole().writtenBy(nil), "no JSON writer"},
		{"name", newGroup("", RefreshFast, field, read), "no name"},
	} {
		if p := strings.Join(checkGroup(c.g), "\n"); !strings.Contains(p, c.want) {
			t.Errorf("a group without its %s passes: %q", c.missing, p)
		}
	}
	// The registry: the group left out (its Facts field then has none), or
	// registered twice.
	without := slices.DeleteFunc(slices.Clone(factGroups), func(g *factGroup) bool { return g.name == GroupTun })
	if p := strings.Join(checkGroups(without), "\n"); !strings.Contains(p, `Facts field "tun" has no registered group`) {
		t.Errorf("a group left out of the registry passes: %q", p)
	}
	if p := strings.Join(checkGroups(append(slices.Clone(factGroups), whole())), "\n"); !strings.Contains(p, "registered twice") {
		t.Errorf("a group registered twice passes: %q", p)
	}

	// Registered in place of tun, the one value is read, merged, written
	// and refreshed.
	saved := factGroups
	t.Cleanup(func() { factGroups = saved })
	factGroups = slices.Clone(saved)
	factGroups[slices.Index(AllGroups, GroupTun)] = whole()
	f := Gather(context.Background(), Target{Root: t.TempDir()}, GroupTun)
	if f.Tun.Path != "/throwaway" {
		t.Fatalf("Gather did not use the registered group: %+v", f.Tun)
	}
	if m := (&Facts{}).Merge(f); m.Tun.Path != "/throwaway" {
		t.Fatalf("Merge did not use the registered group: %+v", m.Tun)
	}
	var b bytes.Buffer
	f.WriteJSON(&b)
	if !strings.Contains(b.String(), `"tun":{"path":"/throwaway"`) {
		t.Fatalf("WriteJSON did not use the registered group: %s", b.String())
	}
	if GroupTun.Refresh() != RefreshFast {
		t.Fatal("the refresh class is not the registered group's")
	}
}
