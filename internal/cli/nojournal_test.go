package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// `fix NAME` opened (and so created) the journal before it knew whether
// the fix exists or can be applied here: an unknown fix, or a captured
// tree's fix (instructions only), created the journal directory — without
// --journal, /var/lib/rtnl-doctor on the host, from a test. Now only a fix
// rtnl-doctor will apply opens it.
func TestFixThatAppliesNothingCreatesNoJournal(t *testing.T) {
	r := root(t, "fd-exhaustion")
	j := filepath.Join(t.TempDir(), "never")
	symptom := "Cannot open netlink socket: Too many open files in system"
	if code, _, errs := runCLI(t, "fix", "no-such/fix", "--root", r, "--journal", j, "--symptom", symptom); code != 2 || !strings.Contains(errs, "--list") {
		t.Fatalf("unknown fix: %d %s", code, errs)
	}
	if _, err := os.Stat(j); !os.IsNotExist(err) {
		t.Fatalf("an unknown fix created the journal %s: %v", j, err)
	}
	code, out, errs := runCLI(t, "fix", "fd-exhaustion/raise-file-max", "--root", r, "--journal", j, "--symptom", symptom)
	if code != 1 || !strings.Contains(out, "captured tree") {
		t.Fatalf("offline fix: %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(j); !os.IsNotExist(err) {
		t.Fatalf("a captured tree's fix (instructions only) created the journal %s: %v", j, err)
	}
}
