package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func root(t *testing.T, overlays ...string) string {
	dirs := []string{filepath.Join("probes", "testdata", "roots", "base")}
	for _, o := range overlays {
		dirs = append(dirs, filepath.Join("probes", "testdata", "roots", o))
	}
	return fixture.Root(t, dirs...)
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{}, {"nonsense"}, {"report", "--bogus"}, {"report", "--json", "--markdown"}, {"report", "extra"},
		{"probe", "--pid", "x"}, {"fix", "a", "b"}, {"undo", "a", "b"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
}

func TestReportExitStatus(t *testing.T) {
	r := root(t, "netconfig-clean")
	if code, out, _ := runCLI(t, "report", "--root", r); code != 0 || !strings.Contains(out, "health check") {
		t.Fatalf("healthy: exit %d\n%s", code, out)
	}
	r = root(t, "fd-exhaustion")
	code, out, _ := runCLI(t, "report", "--json", "--root", r, "--symptom", "Cannot open netlink socket: Too many open files in system")
	if code != 1 {
		t.Fatalf("proven cause: exit %d", code)
	}
	var d struct {
		Causes []struct{ ID, Status string } `json:"causes"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil || d.Causes[0].ID != "fd-exhaustion" || d.Causes[0].Status != "fail" {
		t.Fatalf("json: %v %+v", err, d.Causes[:1])
	}
	if code, out, _ := runCLI(t, "report", "--markdown", "--root", root(t, "netconfig-clean")); code != 0 || !strings.Contains(out, "## rtnl-doctor report") {
		t.Fatalf("markdown: %d %s", code, out)
	}
}

func TestFixAndUndoCommands(t *testing.T) {
	r := root(t, "fd-exhaustion")
	j := t.TempDir()
	code, out, _ := runCLI(t, "fix", "--list", "--root", r, "--journal", j, "--symptom", "Cannot open netlink socket: Too many open files in system")
	if code != 0 || !strings.Contains(out, "fd-exhaustion/raise-file-max") {
		t.Fatalf("list: %d\n%s", code, out)
	}
	// A captured tree describes another system: its fixes are instructions.
	code, out, _ = runCLI(t, "fix", "fd-exhaustion/raise-file-max", "--root", r, "--symptom", "Cannot open netlink socket: Too many open files in system")
	if code != 1 || !strings.Contains(out, "captured tree") || !strings.Contains(out, "sysctl -w fs.file-max=400000") {
		t.Fatalf("offline fix: %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "fix", "no-such/fix", "--root", r); code != 2 || !strings.Contains(errs, "--list") {
		t.Fatalf("unknown fix: %d %s", code, errs)
	}
	if code, _, errs := runCLI(t, "undo", "--journal", j); code != 1 || !strings.Contains(errs, "nothing to undo") {
		t.Fatalf("empty journal: %d %s", code, errs)
	}
	if code, out, _ := runCLI(t, "undo", "--list", "--journal", j); code != 0 || !strings.Contains(out, "empty") {
		t.Fatalf("undo --list: %d %s", code, out)
	}
}

func TestLiveFixCommand(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	out, _ := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	symptom := "ip route add 10.9.0.0/16 via 10.0.0.254\n" + out
	j := t.TempDir()
	code, o, e := runCLI(t, "fix", "link-state/link-up", "--dry-run", "--netns", ns.Name, "--symptom", symptom, "--journal", j)
	if code != 0 || !strings.Contains(o, "down → up") || strings.Contains(ns.IP("link", "show", "veth0"), ",UP") {
		t.Fatalf("dry run: %d\n%s%s", code, o, e)
	}
	code, o, e = runCLI(t, "fix", "link-state/link-up", "--yes", "--netns", ns.Name, "--symptom", symptom, "--journal", j)
	if code != 0 || !strings.Contains(o, "Verified: link-state is now ok") || !strings.Contains(ns.IP("link", "show", "veth0"), ",UP") {
		t.Fatalf("apply: %d\n%s%s", code, o, e)
	}
	code, o, e = runCLI(t, "undo", "--journal", j)
	if code != 0 || strings.Contains(ns.IP("link", "show", "veth0"), ",UP") {
		t.Fatalf("undo: %d\n%s%s", code, o, e)
	}
}
