package probes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

const hidepidChild = "RTNL_DOCTOR_HIDEPID_CHILD"

// Under hidepid=2 another user's /proc/PID is missing, yet the process
// exists: the target says it is hidden, not that it does not exist, and
// CheckTarget lets it through. Runs in a child process with a private
// mount namespace and its own /proc mount (hidepid=2), as uid 65534; the
// host's /proc is not touched.
func TestHiddenProcess(t *testing.T) {
	if os.Getenv(hidepidChild) == "1" {
		hiddenProcessChild(t)
		return
	}
	testns.Require(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHiddenProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), hidepidChild+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS} // Go makes / private in it
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "hidepid checked") {
		t.Fatalf("the child did not run the check:\n%s", out)
	}
}

func hiddenProcessChild(t *testing.T) {
	if err := unix.Mount("proc", "/proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "hidepid=2"); err != nil {
		t.Fatalf("mount proc hidepid=2: %v", err)
	}
	if err := syscall.Setgid(65534); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Setuid(65534); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat("/proc/1"); err == nil {
		t.Fatal("/proc/1 is visible to uid 65534 under hidepid=2")
	}
	if st := processState(1); st != processHidden {
		t.Fatalf("PID 1: state %d, want hidden", st)
	}
	if err := CheckTarget(Target{PID: 1}); err != nil {
		t.Fatalf("CheckTarget(PID 1) = %v, want nil (it exists, hidden)", err)
	}
	f := Gather(context.Background(), Target{PID: 1}, GroupIdentity)
	if r, _ := f.Target.Gaps.Reason("process"); !strings.Contains(r, "hides it") || strings.Contains(r, "does not exist") {
		t.Fatalf("process gap = %q, want it hidden", r)
	}
	if st := processState(1 << 30); st != processAbsent {
		t.Fatalf("PID 2^30: state %d, want absent", st)
	}
	if err := CheckTarget(Target{PID: 1 << 30}); err == nil || !strings.Contains(err.Error(), "no such process") {
		t.Fatalf("CheckTarget(absent) = %v", err)
	}
	fmt.Println("hidepid checked")
}
