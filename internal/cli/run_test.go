package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
)

// The command is found in the caller's PATH, not rtnl-doctor's.
func TestLookPathIn(t *testing.T) {
	dir := t.TempDir()
	prog := filepath.Join(dir, "mytool")
	if err := os.WriteFile(prog, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := LookPathIn("mytool", []string{"HOME=/x", "PATH=/nonexistent:" + dir})
	if err != nil || got != prog {
		t.Fatalf("LookPathIn = %q, %v; want %q", got, err, prog)
	}
	if _, err := LookPathIn("mytool", []string{"PATH=/usr/bin"}); err == nil {
		t.Error("found mytool outside the caller's PATH")
	}
	if env := OriginalEnviron(); len(env) == 0 {
		t.Error("no original environment")
	}
}

// run catches the kernel's answer for its command and diagnoses it.
func TestRunCatchesTheKernelsAnswer(t *testing.T) {
	testns.Require(t)
	if src, _, err := watch.Open(watch.Options{Backend: "tracefs"}); err != nil {
		t.Skipf("tracefs back end unavailable here: %v", err)
	} else {
		src.Close()
	}
	ns := testns.New(t)
	var out, errb, cstdout, cstderr bytes.Buffer
	res, code := Run(t.Context(), RunOptions{Argv: []string{"ip", "-n", ns.Name, "link", "add", "rdr0", "type", "nosuchkind"},
		Environ: []string{"PATH=/nonexistent:" + filepath.Dir(testns.IP)}, Stdout: &cstdout, Stderr: &cstderr, Out: &out, Err: &errb})
	if code != 2 || res.Exit != 2 {
		t.Errorf("exit %d (%d), want ip's 2; %s", code, res.Exit, errb.String())
	}
	if res.Path != testns.IP || !strings.Contains(errb.String(), "running "+testns.IP) {
		t.Errorf("ran %q; stderr %s", res.Path, errb.String())
	}
	if len(res.Findings) == 0 || !strings.Contains(res.Findings[0].What, "Unknown device type") {
		t.Fatalf("no kernel finding for the command: %+v\n%s", res.Findings, errb.String())
	}
	if !strings.Contains(cstderr.String(), "Unknown device type") || !strings.Contains(res.Stderr, "Unknown device type") {
		t.Errorf("the command's stderr was not passed through: %q, kept %q", cstderr.String(), res.Stderr)
	}
	if !strings.Contains(out.String(), "module-missing") || !strings.Contains(out.String(), "link add (nosuchkind)") {
		t.Errorf("report:\n%s", out.String())
	}
}

// TestRunNamesItsNamespaceNotTheStandIn: under ip netns exec NAME, the
// fixes run shows enter NAME (ip -n NAME ...), never the stand-in process
// it kills when the report ends (nsenter --net=/proc/PID/ns/net).
func TestRunNamesItsNamespaceNotTheStandIn(t *testing.T) {
	testns.Require(t)
	bin := watchBinary(t)
	ns := testns.New(t)
	ns.IP("link", "add", "rdn0", "type", "veth", "peer", "name", "rdn1")
	out, _ := exec.Command(testns.IP, "netns", "exec", ns.Name, bin, "run", "--no-dashboard", "--",
		testns.IP, "link", "add", "rdn0", "type", "veth", "peer", "name", "rdn9").CombinedOutput()
	if !strings.Contains(string(out), "name-conflict") {
		t.Fatalf("no name-conflict diagnosis:\n%s", out)
	}
	if strings.Contains(string(out), "nsenter --net=/proc/") {
		t.Errorf("a command enters the stand-in process's namespace by PID:\n%s", out)
	}
	if !strings.Contains(string(out), "ip -n "+ns.Name+" link del") {
		t.Errorf("the delete fix does not name the namespace %s:\n%s", ns.Name, out)
	}
}
