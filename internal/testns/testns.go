// Package testns gives privileged tests real faults to look at, confined to
// network (and mount) namespaces they create and always delete: nothing here
// touches the host's namespace or a global sysctl.
package testns

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Require skips the test, with a one-line reason, unless the process is
// root with CAP_NET_ADMIN and CAP_SYS_ADMIN and iproute2 is installed.
func Require(t testing.TB) {
	t.Helper()
	if reason := Missing(); reason != "" {
		t.Skip("privileged test skipped: " + reason)
	}
}

// Missing says what is missing to run privileged tests ("" when nothing).
func Missing() string {
	if os.Geteuid() != 0 {
		return "not root (run as root to create network namespaces)"
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "cannot read /proc/self/status"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			var mask uint64
			fmt.Sscanf(strings.TrimSpace(v), "%x", &mask)
			if mask&(1<<unix.CAP_NET_ADMIN) == 0 || mask&(1<<unix.CAP_SYS_ADMIN) == 0 {
				return "no CAP_NET_ADMIN and CAP_SYS_ADMIN"
			}
		}
	}
	if _, err := os.Stat(IP); err != nil {
		return "iproute2 (" + IP + ") is not installed"
	}
	return ""
}

// IP is iproute2's ip.
var IP = findIP()

func findIP() string {
	for _, p := range []string{"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/usr/sbin/ip"
}

var seq atomic.Int64

// NS is a named network namespace under /run/netns, deleted when the test
// ends (even when it fails).
type NS struct {
	Name string
	t    testing.TB
}

// New creates a network namespace with loopback up.
func New(t testing.TB) *NS {
	t.Helper()
	Require(t)
	name := fmt.Sprintf("rtnldoc-%d-%d", os.Getpid(), seq.Add(1))
	if out, err := exec.Command(IP, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add %s: %v: %s", name, err, out)
	}
	ns := &NS{Name: name, t: t}
	t.Cleanup(func() {
		if out, err := exec.Command(IP, "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v: %s", name, err, out)
		}
	})
	ns.IP("link", "set", "lo", "up")
	return ns
}

// Path is the namespace's nsfs file.
func (n *NS) Path() string { return "/run/netns/" + n.Name }

// IP runs `ip -n NAME args...` and fails the test if it fails.
func (n *NS) IP(args ...string) string {
	n.t.Helper()
	out, err := n.TryIP(args...)
	if err != nil {
		n.t.Fatalf("ip -n %s %s: %v: %s", n.Name, strings.Join(args, " "), err, out)
	}
	return out
}

// TryIP runs `ip -n NAME args...` and returns its combined output, for
// commands that are meant to fail.
func (n *NS) TryIP(args ...string) (string, error) {
	out, err := exec.Command(IP, append([]string{"-n", n.Name}, args...)...).CombinedOutput()
	return string(out), err
}

// Exec runs argv inside the namespace (ip netns exec) and returns its
// combined output and error.
func (n *NS) Exec(argv ...string) (string, error) {
	out, err := exec.Command(IP, append([]string{"netns", "exec", n.Name}, argv...)...).CombinedOutput()
	return string(out), err
}

// Start starts argv (inside the namespace when n is not nil) and kills it
// when the test ends. It waits until the process has exec'd the last
// program of the chain (its comm equals want) so callers can inspect it.
func Start(t testing.TB, n *NS, want string, argv ...string) *exec.Cmd {
	t.Helper()
	if n != nil {
		argv = append([]string{IP, "netns", "exec", n.Name}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	// No Pdeathsig: it fires when the OS thread that forked the child exits,
	// and netns.Do discards threads, so a child could die mid-test.
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %v: %v", argv, err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid))
		if strings.TrimSpace(string(b)) == want {
			return cmd
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%v did not become %q in time", argv, want)
	return nil
}

// Sleep is the absolute path of sleep, for long-lived test processes.
var Sleep = func() string {
	for _, p := range []string{"/usr/bin/sleep", "/bin/sleep"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return "/bin/sleep"
}()
