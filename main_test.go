package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/colorprofile"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testtmux"
)

// TestSecurePATHKeepsAFakeTmuxFromRunning: colorprofile runs `tmux info`
// through PATH when $TMUX is set; as root, PATH is the fixed system
// directories before any library runs, so a tmux earlier in the caller's
// PATH does not run (issue 10, finding 7). The caller's PATH is kept.
func TestSecurePATHKeepsAFakeTmuxFromRunning(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	fake := filepath.Join(dir, "tmux")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\ntouch "+marker+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	hostile := dir + ":" + os.Getenv("PATH")
	t.Setenv("PATH", hostile)
	t.Setenv("TMUX", "/tmp/tmux-0/default,1,0")
	colorprofile.Tmux(os.Environ())
	if _, err := os.Stat(marker); err != nil {
		t.Fatalf("the test does not reach the library's tmux call: %v", err)
	}
	os.Remove(marker)

	securePATH(1000)
	if os.Getenv("PATH") != hostile {
		t.Fatalf("a non-root run must keep its PATH, got %q", os.Getenv("PATH"))
	}
	securePATH(0)
	if got := os.Getenv("PATH"); got != systemPATH {
		t.Fatalf("PATH = %q, want %q", got, systemPATH)
	}
	if callerPATH != hostile {
		t.Fatalf("callerPATH = %q, want the caller's %q", callerPATH, hostile)
	}
	colorprofile.Tmux(os.Environ())
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the fake tmux from the caller's PATH ran as root")
	}
}

// TestMain lets the test binary run as rtnl-doctor itself (for the
// terminal test below).
func TestMain(m *testing.M) {
	if os.Getenv("RTNL_DOCTOR_TEST_MAIN") == "1" {
		securePATH(os.Geteuid())
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestHangupRestoresTheTerminal: SIGHUP quits the dashboard like q, so the
// terminal leaves the alternate screen (issue 10, finding 7). Run in a
// private tmux server.
func TestHangupRestoresTheTerminal(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux not installed")
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sock := testtmux.Socket(t, "tmux")
	tmux := func(args ...string) string {
		out, _ := exec.Command("tmux", append([]string{"-S", sock}, args...)...).CombinedOutput()
		return strings.TrimSpace(string(out))
	}
	// The program's argv is given word by word, so tmux runs it directly,
	// not through the user's shell (which may be nologin, or a shell that
	// stays as the pane's process and takes the signal itself).
	tmux("new-session", "-d", "-x", "120", "-y", "40", "-s", "hup",
		"env", "RTNL_DOCTOR_TEST_MAIN=1", self, "--read-only", "--interval", "1h", "--journal", t.TempDir())
	tmux("set-option", "-t", "hup", "remain-on-exit", "on")
	wait := func(what string, ok func() bool) {
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen:\n%s", what, tmux("capture-pane", "-p", "-t", "hup"))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	wait("the alternate screen", func() bool { return tmux("display-message", "-p", "-t", "hup", "#{alternate_on}") == "1" })
	pid := tmux("display-message", "-p", "-t", "hup", "#{pane_pid}")
	if err := exec.Command("kill", "-HUP", pid).Run(); err != nil {
		t.Fatalf("kill -HUP %s: %v", pid, err)
	}
	wait("the program to end", func() bool { return tmux("display-message", "-p", "-t", "hup", "#{pane_dead}") == "1" })
	if got := tmux("display-message", "-p", "-t", "hup", "#{alternate_on}"); got != "0" {
		t.Fatalf("after SIGHUP the terminal is still in the alternate screen (alternate_on=%s)", got)
	}
}
