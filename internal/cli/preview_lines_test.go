package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The CLI's preview and journal list lay out multi-line text (a file's
// new content, an undo note) on lines of their own: the layout's newlines
// were escaped as \x0a, so the operator could not read what a fix writes.
// Each line is still sanitised (no control sequence reaches the terminal).
// (The preview's layout: TestPreviewLinesAreLaidOut in lines_test.go.)
func TestUndoListShowsNotesOnTheirOwnLine(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "j")
	os.Mkdir(dir, 0o700)
	lines := []string{
		`{"id":"20260101-000000-000001","time":"2026-01-01T00:00:00Z","phase":"begin","fix":"sysctl/x","title":"T","action":{"kind":"sysctl","params":{"key":"net.ipv4.ip_forward","value":"1"}},"old":{"value":"0"}}`,
		`{"id":"20260101-000000-000001","time":"2026-01-01T00:00:01Z","phase":"undone","fix":"sysctl/x","forced":true,"note":"forced: the object changed\u001b[2J\nFAKE LINE"}`,
	}
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, "undo", "--list", "--journal", dir)
	if code != 0 || !strings.Contains(out, "\n    forced: the object changed") || strings.Contains(out, `\x0a    forced`) {
		t.Fatalf("undo --list: %d\n%s%s", code, out, errs)
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, "\nFAKE LINE") {
		t.Fatalf("a note's own newline or escape reached the terminal:\n%q", out)
	}
}
