package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// undo --list shows why a failed action failed (a reconciled interrupted
// fix says whether its change is in place), as it does for a forced one.
func TestUndoListShowsWhyItFailed(t *testing.T) {
	dir := t.TempDir()
	obj := `"object":{"boot_id":"b","netns":{"cookie":7,"dev":4,"ino":4026532000},"link":{"name":"eth1","ifindex":3}}`
	lines := []string{
		`{"id":"20260101-000000-000001","phase":"begin","fix":"mtu/raise-lower","title":"raise","action":{"kind":"link-mtu","params":{"name":"eth1","mtu":"9000"}},` + obj + `,"old":{"ifindex":"3","mtu":"1500"}}`,
		`{"id":"20260101-000000-000001","phase":"failed","fix":"mtu/raise-lower","note":"interrupted; the change is not in place\u001b[2J"}`,
	}
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "undo", "--list", "--journal", dir)
	if code != 0 || !strings.Contains(out, "failed") || !strings.Contains(out, "the change is not in place") || strings.Contains(out, "\x1b") {
		t.Fatalf("undo --list: %d\n%q\n%s", code, out, errs)
	}
}
