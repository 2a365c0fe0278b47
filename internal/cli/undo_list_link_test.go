package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// undo --list names the link an MTU fix changed by name and ifindex; a name
// carrying a terminal escape is shown without it. An entry whose recorded
// link is not the one its action names is refused with the reason.
func TestUndoListShowsTheLink(t *testing.T) {
	dir := t.TempDir()
	obj := `"object":{"boot_id":"b","netns":{"cookie":7,"dev":4,"ino":4026532000},"link":{"name":"e\u001b[2Jx","ifindex":3}}`
	lines := []string{
		`{"id":"20260101-000000-000001","phase":"begin","fix":"mtu/raise-lower","title":"raise","action":{"kind":"link-mtu","params":{"name":"e\u001b[2Jx","mtu":"9000"}},` + obj + `,"old":{"ifindex":"3","mtu":"1500"}}`,
		`{"id":"20260101-000000-000001","phase":"done","fix":"mtu/raise-lower","new":{"ifindex":"3","mtu":"9000"}}`,
		`{"id":"20260101-000000-000002","phase":"begin","fix":"mtu/raise-lower","title":"forged","action":{"kind":"link-mtu","params":{"name":"eth1","mtu":"9000"}},` + obj + `}`,
	}
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "undo", "--list", "--journal", dir)
	if code != 2 || !strings.Contains(out, "[link e") || !strings.Contains(out, "ifindex 3]") || strings.Contains(out, "\x1b") ||
		strings.Contains(out, "forged") || !strings.Contains(errs, "is not the link the action link-mtu names") {
		t.Fatalf("undo --list: %d\n%q\n%s", code, out, errs)
	}
}
