package cli_test

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// undo --dry-run said "the object is as the fix left it" for an object put
// back by hand, which the real undo then only marks undone without a
// change: the dry run now says that.
func TestUndoDryRunSaysWhatUndoWillDo(t *testing.T) {
	ns := testns.New(t)
	if out, err := ns.Exec("sysctl", "-qw", "net.ipv6.conf.lo.disable_ipv6=1"); err != nil {
		t.Skipf("cannot disable IPv6 in the test namespace: %v %s", err, out)
	}
	symptom := "$ ip -6 addr add 2001:db8::1/64 dev lo\nRTNETLINK answers: Permission denied"
	j := t.TempDir()
	code, o, e := runCLI(t, "fix", "sysctl/enable-ipv6", "--yes", "--netns", ns.Name, "--symptom", symptom, "--journal", j)
	if code != 0 {
		t.Fatalf("apply: %d\n%s%s", code, o, e)
	}
	// As the fix left it (the verified entry's note is not the dry run's).
	code, o, e = runCLI(t, "undo", "--dry-run", "--journal", j)
	if code != 0 || !strings.Contains(o, "would undo") || !strings.Contains(o, "as the fix left it") {
		t.Fatalf("undo --dry-run: %d\n%s%s", code, o, e)
	}
	ns.Exec("sysctl", "-qw", "net.ipv6.conf.lo.disable_ipv6=1") // put back by hand
	code, o, e = runCLI(t, "undo", "--dry-run", "--journal", j)
	if code != 0 || strings.Contains(o, "as the fix left it") || !strings.Contains(o, "already as before the fix") {
		t.Fatalf("undo --dry-run of an object put back by hand: %d\n%s%s", code, o, e)
	}
	// Changed since, with --force: the dry run says it would restore over
	// the difference.
	ns.IP("link", "add", "d0", "type", "veth", "peer", "name", "d1")
	ns.IP("link", "set", "d0", "up")
	ns.IP("addr", "add", "10.9.0.2/24", "dev", "d0")
	ns.IP("route", "add", "10.8.0.0/16", "via", "10.9.0.1")
	symptom = "$ ip route add 10.8.0.0/16 via 10.9.0.5\nRTNETLINK answers: File exists"
	if code, o, e = runCLI(t, "fix", "already-exists/replace-route", "--yes", "--netns", ns.Name, "--symptom", symptom, "--journal", j); code != 0 {
		t.Fatalf("apply: %d\n%s%s", code, o, e)
	}
	ns.IP("route", "change", "10.8.0.0/16", "via", "10.9.0.7")
	code, o, e = runCLI(t, "undo", "--dry-run", "--force", "--journal", j)
	if code != 0 || strings.Contains(o, "is as the fix left it") || !strings.Contains(o, "would restore anyway") || !strings.Contains(o, "10.9.0.7") {
		t.Fatalf("undo --dry-run --force of a changed route: %d\n%s%s", code, o, e)
	}
}
