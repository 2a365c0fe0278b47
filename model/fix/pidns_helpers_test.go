package fix

import (
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
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID | syscall.CLONE_NEWNS | syscall.CLONE_NEWNET}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), marker) {
		t.Fatalf("in a private PID namespace: %v\n%s", err, out)
	}
	t.Logf("%s", out)
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
