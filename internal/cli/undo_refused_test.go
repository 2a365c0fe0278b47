package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Review item 4: a journal whose only line is refused is not "empty", and
// the entry sought is not simply missing: undo --list, undo and undo
// --force ID say that a line was refused, with its reason, and exit 2.
func TestUndoSaysLinesWereRefused(t *testing.T) {
	dir := t.TempDir()
	line := `{"id":"20260101-000000-000001","phase":"begin","fix":"t/x","title":"x","action":{"kind":"exec","params":{"cmd":"true"}}}`
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "undo", "--list", "--journal", dir)
	if code != 2 || strings.Contains(out, "is empty") || !strings.Contains(out, "no valid entry: 1 line(s) refused") || !strings.Contains(errs, `unknown action kind "exec"`) {
		t.Fatalf("undo --list: %d\n%s%s", code, out, errs)
	}
	for _, args := range [][]string{{"undo"}, {"undo", "--force", "20260101-000000-000001"}} {
		code, out, errs := runCLI(t, append(args, "--journal", dir)...)
		if code != 2 || !strings.Contains(errs, "1 journal line was refused") || !strings.Contains(errs, `unknown action kind "exec"`) ||
			strings.Contains(errs, "no applied fix in the journal") || strings.Contains(errs, "no journal entry") {
			t.Fatalf("%v: %d\n%s%s", args, code, out, errs)
		}
	}
}
