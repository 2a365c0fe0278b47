package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// forge writes a journal whose entries would run marker-creating programs
// or restore /etc/passwd if undo trusted them.
func forge(t *testing.T, dir, marker string) {
	t.Helper()
	lines := []string{
		`{"id":"20260101-000000-000001","phase":"begin","fix":"x","action":{"kind":"exec","params":{"argv":"[\"/usr/bin/touch\",\"` + marker + `\"]","undo_argv":"[\"/usr/bin/touch\",\"` + marker + `\"]"}}}`,
		`{"id":"20260101-000000-000001","phase":"done","fix":"x"}`,
		`{"id":"20260101-000000-000002","phase":"begin","fix":"x","action":{"kind":"write-file","params":{"path":"/etc/passwd","content":"x"}},"old":{"existed":"false"}}`,
		`{"id":"20260101-000000-000002","phase":"done","fix":"x"}`,
	}
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Finding 1, the journal attack: a directory another user owns is refused
// (exit 2) before anything is read or run; in a directory of our own, the
// forged entries are refused with the reason and nothing runs.
func TestJournalAttackRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	marker := filepath.Join(t.TempDir(), "pwned")
	foreign := filepath.Join(t.TempDir(), "j")
	os.Mkdir(foreign, 0o700)
	forge(t, foreign, marker)
	os.Chown(filepath.Join(foreign, "journal.jsonl"), 65534, 65534)
	os.Chown(foreign, 65534, 65534)
	for _, args := range [][]string{{"undo"}, {"undo", "--list"}, {"undo", "--dry-run"}, {"undo", "20260101-000000-000001"}} {
		code, out, errs := runCLI(t, append(args, "--journal", foreign)...)
		if code != 2 || !strings.Contains(errs, "uid 65534") {
			t.Fatalf("%v on a foreign journal: %d\n%s%s", args, code, out, errs)
		}
	}
	if st, _ := os.Stat(foreign); st.Mode().Perm() != 0o700 {
		t.Fatalf("the foreign directory was changed: %v", st.Mode())
	}
	// Group/world-writable: refused, never chmod-ed.
	loose := filepath.Join(t.TempDir(), "loose")
	os.Mkdir(loose, 0o700)
	forge(t, loose, marker)
	os.Chmod(loose, 0o777)
	if code, _, errs := runCLI(t, "undo", "--journal", loose); code != 2 || !strings.Contains(errs, "writable") {
		t.Fatalf("world-writable journal: %d %s", code, errs)
	}
	if st, _ := os.Stat(loose); st.Mode().Perm() != 0o777 {
		t.Fatalf("the directory was chmod-ed: %v", st.Mode())
	}
	// Our own directory, forged entries: refused one by one, nothing runs.
	mine := t.TempDir()
	forge(t, mine, marker)
	code, out, errs := runCLI(t, "undo", "--list", "--journal", mine)
	if code != 2 || !strings.Contains(errs, `unknown action kind "exec"`) || !strings.Contains(errs, "not a file this action writes") {
		t.Fatalf("undo --list of forged entries: %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCLI(t, "undo", "--journal", mine); code != 2 || !strings.Contains(errs, "nothing to undo") || !strings.Contains(errs, "2 journal lines were refused") {
		t.Fatalf("undo of forged entries: %d %s", code, errs)
	}
	if code, _, _ := runCLI(t, "undo", "20260101-000000-000001", "--journal", mine); code != 2 {
		t.Fatalf("undo ID of a forged entry: %d", code)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("a forged entry was executed")
	}
	if b, _ := os.ReadFile("/etc/passwd"); len(b) < 10 {
		t.Fatal("/etc/passwd")
	}
}

// Finding 1: listing and dry runs create and chmod nothing (no lock file,
// no mode change).
func TestUndoListAndDryRunChangeNothing(t *testing.T) {
	j := t.TempDir()
	forge(t, j, filepath.Join(t.TempDir(), "m"))
	os.Chmod(filepath.Join(j, "journal.jsonl"), 0o640)
	os.Chmod(j, 0o750)
	runCLI(t, "undo", "--list", "--journal", j)
	runCLI(t, "undo", "--dry-run", "--journal", j)
	ents, _ := os.ReadDir(j)
	st, _ := os.Stat(j)
	fst, _ := os.Stat(filepath.Join(j, "journal.jsonl"))
	if len(ents) != 1 || st.Mode().Perm() != 0o750 || fst.Mode().Perm() != 0o640 {
		t.Fatalf("after --list and --dry-run: %d files, modes %v %v", len(ents), st.Mode(), fst.Mode())
	}
}

// Finding 1: fix --list creates no journal.
func TestFixListCreatesNoJournal(t *testing.T) {
	none := filepath.Join(t.TempDir(), "never")
	runCLI(t, "fix", "--list", "--journal", none, "--symptom", "RTNETLINK answers: File exists")
	runCLI(t, "fix", "--journal", none, "--symptom", "RTNETLINK answers: File exists")
	if _, err := os.Stat(none); !os.IsNotExist(err) {
		t.Fatalf("fix --list created %s: %v", none, err)
	}
}

// Finding 1: fix refuses (exit 2) to apply with a journal another user
// owns, and changes nothing.
func TestFixRefusesForeignJournal(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	out, _ := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	symptom := "ip route add 10.9.0.0/16 via 10.0.0.254\n" + out
	j := filepath.Join(t.TempDir(), "j")
	os.Mkdir(j, 0o700)
	os.Chown(j, 65534, 65534)
	code, o, e := runCLI(t, "fix", "link-state/link-up", "--yes", "--netns", ns.Name, "--symptom", symptom, "--journal", j)
	if code != 2 || !strings.Contains(e, "uid 65534") || strings.Contains(ns.IP("link", "show", "veth0"), ",UP") {
		t.Fatalf("fix with a foreign journal: %d\n%s%s", code, o, e)
	}
}
