package cli

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

// exitedPID returns the PID of a process that has exited and been reaped.
func exitedPID(t *testing.T) int {
	c := exec.Command("/bin/true")
	if err := c.Run(); err != nil {
		t.Skip("cannot run /bin/true:", err)
	}
	return c.Process.Pid
}

// TestReportCommandExitedProcess: the "more:" command of a finding names
// what can still be examined. A short-lived ip has exited by the time the
// finding is printed: its PID is not offered (report would refuse it, or
// read another process after PID reuse); its live parent is, and the named
// namespace it acted in is given as --netns.
func TestReportCommandExitedProcess(t *testing.T) {
	sym := symptom.Symptom{Raw: "Error: Nexthop has invalid gateway."}
	gone := exitedPID(t)

	f := &live.Finding{Proc: watch.Process{PID: gone, PPID: os.Getpid(), Comm: "ip"}, Symptom: sym}
	cmd := ReportCommand(f)
	// The parent in another namespace than the one the process acted in,
	// which went with it: no command, rather than one reading the parent's.
	if c := ReportCommand(&live.Finding{Proc: watch.Process{PID: gone, PPID: os.Getpid(), Comm: "ip", NetNS: 1}, Symptom: sym}); c != "" {
		t.Errorf("ReportCommand for a namespace gone with its process = %s, want none", c)
	}
	if strings.Contains(cmd, "--pid "+strconv.Itoa(gone)) {
		t.Errorf("ReportCommand offers the exited PID %d: %s", gone, cmd)
	}
	if !strings.Contains(cmd, "--pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("ReportCommand = %s, want its live parent as --pid", cmd)
	}

	f = &live.Finding{Proc: watch.Process{PID: os.Getpid(), Comm: "self"}, Symptom: sym}
	if cmd := ReportCommand(f); !strings.Contains(cmd, "--pid "+strconv.Itoa(os.Getpid())) {
		t.Errorf("ReportCommand = %s, want the live process as --pid", cmd)
	}

	// A symptom that starts with the process's command line keeps the
	// kernel's error line with it.
	f = &live.Finding{Proc: watch.Process{PID: gone}, Symptom: symptom.Symptom{Raw: "$ ip route add 10.3.0.0/24 via 10.9.0.2 dev d1\nError: Nexthop has invalid gateway.\nmore"}}
	if cmd := ReportCommand(f); !strings.Contains(cmd, `--symptom $'$ ip route add 10.3.0.0/24 via 10.9.0.2 dev d1\x0aError: Nexthop has invalid gateway.'`) {
		t.Errorf("ReportCommand = %s, want the command line and the error line", cmd)
	}

	testns.Require(t)
	n := testns.New(t)
	var st syscall.Stat_t
	if err := syscall.Stat(n.Path(), &st); err != nil {
		t.Fatal(err)
	}
	f = &live.Finding{Proc: watch.Process{PID: gone, Comm: "ip", NetNS: st.Ino}, Symptom: sym}
	cmd = ReportCommand(f)
	if strings.Contains(cmd, "--pid") || !strings.Contains(cmd, "--netns "+n.Name) {
		t.Errorf("ReportCommand = %s, want --netns %s and no --pid", cmd, n.Name)
	}
}
