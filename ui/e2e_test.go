package ui

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testtmux"
)

// tmux drives the real binary as a person would: a detached session of a
// fixed size, send-keys, capture-pane.
type tmux struct {
	t      *testing.T
	socket string
	bin    string
}

func newTmux(t *testing.T) *tmux {
	bin, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (.ci/run installs it)")
	}
	return &tmux{t: t, socket: testtmux.Socket(t, bin), bin: bin}
}

func (x *tmux) run(args ...string) string {
	out, err := exec.Command(x.bin, append([]string{"-S", x.socket}, args...)...).CombinedOutput()
	if err != nil && !strings.Contains(strings.Join(args, " "), "kill") {
		x.t.Fatalf("tmux %v: %v: %s", args, err, out)
	}
	return string(out)
}

func (x *tmux) capture() string {
	out, _ := exec.Command(x.bin, "-S", x.socket, "capture-pane", "-p", "-t", "e2e").CombinedOutput()
	return string(out)
}

// waitFor polls the screen until it contains all of want.
func (x *tmux) waitFor(d time.Duration, want ...string) string {
	x.t.Helper()
	deadline := time.Now().Add(d)
	var screen string
	for time.Now().Before(deadline) {
		screen = x.capture()
		ok := true
		for _, w := range want {
			ok = ok && strings.Contains(screen, w)
		}
		if ok {
			return screen
		}
		time.Sleep(100 * time.Millisecond)
	}
	x.t.Fatalf("the screen never showed %q:\n%s", want, screen)
	return ""
}

// buildBinary builds rtnl-doctor once for the end-to-end tests.
func buildBinary(t *testing.T) string {
	goBin, err := exec.LookPath("go") // go test puts its own GOROOT/bin first in PATH
	if err != nil {
		t.Fatalf("go build: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "rtnl-doctor")
	out, err := exec.Command(goBin, "build", "-o", bin, "..").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestEndToEndTmux(t *testing.T) {
	testns.Require(t)
	x := newTmux(t)
	bin := buildBinary(t)
	ns := testns.New(t)
	// The fault: a route through a gateway on a link that is down.
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	out, err := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	if err == nil {
		t.Fatal("the fault was not created")
	}
	journal := t.TempDir()
	t.Cleanup(func() { x.run("kill-server") })
	x.run("new-session", "-d", "-s", "e2e", "-x", "80", "-y", "24",
		testns.IP+" netns exec "+ns.Name+" "+bin+" --journal "+journal)
	x.waitFor(10*time.Second, "rtnl-doctor", "health check")

	// Paste the symptom.
	x.run("send-keys", "-t", "e2e", "s")
	x.waitFor(5*time.Second, "What failed?")
	x.run("send-keys", "-t", "e2e", "-l", "ip route add 10.9.0.0/16 via 10.0.0.254")
	x.run("send-keys", "-t", "e2e", "Enter")
	x.run("send-keys", "-t", "e2e", "-l", strings.TrimSpace(out))
	x.run("send-keys", "-t", "e2e", "C-d")
	screen := x.waitFor(10*time.Second, "✗ FAIL", "missing, down, or cannot reach the gateway", "Bring veth0 up")

	// Apply the fix: the confirmation ignores keys for a moment.
	x.run("send-keys", "-t", "e2e", "f")
	x.waitFor(5*time.Second, "Apply this fix?", "down → up")
	time.Sleep(confirmGrace + 200*time.Millisecond)
	x.run("send-keys", "-t", "e2e", "y")
	// One plan: once the link is verified up, its next step (the route the
	// command asked for) is previewed and confirmed in turn.
	x.waitFor(10*time.Second, "Apply this fix?", "Then add the route", "none → 10.9.0.0/16 via 10.0.0.254")
	if !strings.Contains(ns.IP("link", "show", "veth0"), ",UP") {
		t.Fatal("the fix did not bring veth0 up")
	}
	time.Sleep(confirmGrace + 200*time.Millisecond)
	x.run("send-keys", "-t", "e2e", "y")
	x.waitFor(10*time.Second, "verified: link-state is now ok")
	if !strings.Contains(ns.IP("route", "show", "10.9.0.0/16"), "via 10.0.0.254") {
		t.Fatal("the plan's second step did not add the route")
	}

	// Undo the last step: the route.
	x.run("send-keys", "-t", "e2e", "u")
	x.waitFor(5*time.Second, "Undo this fix?", "Then add the route")
	time.Sleep(confirmGrace + 200*time.Millisecond)
	x.run("send-keys", "-t", "e2e", "y")
	x.waitFor(10*time.Second, "undone: Then add the route")
	if strings.TrimSpace(ns.IP("route", "show", "10.9.0.0/16")) != "" {
		t.Fatal("undo left the route")
	}

	x.run("send-keys", "-t", "e2e", "q")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if out, err := exec.Command(x.bin, "-S", x.socket, "has-session", "-t", "e2e").CombinedOutput(); err != nil {
			_ = out
			return // the program quit and the session ended
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("q did not quit:\n%s\n(first screen:\n%s)", x.capture(), screen)
}
