package fix

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// inPrivatePIDNamespace runs this test binary again as PID 1 of new PID,
// mount and network namespaces, with env added (TestMain dispatches on it),
// and fails the test unless the child prints marker: whatever the child
// does (PID reuse through ns_last_pid, sysctls) stays in those namespaces.
func inPrivatePIDNamespace(t *testing.T, marker string, env ...string) {
	t.Helper()
	testns.Require(t)
	// A run whose staged PID reuse did not happen (a fork in between took
	// the number: exit status retryStatus) proves nothing either way: it is
	// run again, a few times.
	for try := 1; ; try++ {
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET}
		out, err := cmd.CombinedOutput()
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == retryStatus && try < 5 {
			t.Logf("try %d: the PID was not reused, running again:\n%s", try, out)
			continue
		}
		if err != nil || !strings.Contains(string(out), marker) {
			t.Fatalf("in a private PID namespace: %v\n%s", err, out)
		}
		t.Logf("%s", out)
		return
	}
}

// retryStatus is the exit status of a child whose staged PID reuse did not
// happen.
const retryStatus = 4

var pidNotReused bool

// notReused records that the PID the test meant to hand to a new process
// went elsewhere.
func notReused(err error) {
	pidNotReused = true
	fmt.Printf("PID not reused: %v\n", err)
}

// failOrRetry is a child's exit status on failure: retryStatus when the
// staged reuse did not happen (the failure says nothing), else 3.
func failOrRetry() int {
	if pidNotReused {
		return retryStatus
	}
	return 3
}

// ipForwardIn reads net.ipv4.ip_forward in the network namespace at path.
func ipForwardIn(path string) string {
	var v string
	netns.Do(path, func() error {
		b, _ := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
		v = strings.TrimSpace(string(b))
		return nil
	})
	return v
}

// foreignProcChild runs as PID 1 of a new PID namespace whose /proc is
// still the parent's (no remount): a PID read there names another process
// than prlimit reaches, so the identity is refused.
func foreignProcChild() int {
	if _, err := procIdentity(1); err == nil || !strings.Contains(err.Error(), "another PID namespace") {
		fmt.Printf("procIdentity(1) with a foreign /proc: %v\n", err)
		return 3
	}
	fmt.Println("FOREIGN-PROC-REFUSED")
	return 0
}

// A process whose /proc belongs to another PID namespace records and
// checks no process identity (attacker review: prlimit reached another
// process than the one /proc described).
func TestForeignProcRefused(t *testing.T) {
	testns.Require(t)
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_FOREIGN_PROC_CHILD=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "FOREIGN-PROC-REFUSED") {
		t.Fatalf("%v\n%s", err, out)
	}
}
