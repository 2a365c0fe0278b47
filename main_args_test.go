package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

func runArgs(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// A --root, --pid or --netns that names nothing is a usage error (exit 2,
// "no such ..."), not a report on nothing.
func TestNonexistentTarget(t *testing.T) {
	ns := fmt.Sprintf("rtnl-doctor-absent-%d", os.Getpid())
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report", "--netns", ns}, "no such namespace"},
		{[]string{"report", "--netns", "/run/netns/" + ns}, "no such namespace"},
		{[]string{"probe", "--pid", "2147483647"}, "no such process"},
		{[]string{"report", "--pid", "-3"}, "no such process"},
		{[]string{"capture", "--pid", "2147483647", "-o", "-"}, "no such process"},
		{[]string{"fix", "--list", "--netns", ns}, "no such namespace"},
		{[]string{"report", "--root", "/nonexistent/rtnl-doctor-" + ns}, "no such directory"},
		{[]string{"--netns", ns}, "no such namespace"},
	} {
		code, out, errs := runArgs(tc.args...)
		if code != 2 || !strings.Contains(errs, tc.want) || out != "" {
			t.Errorf("%v: exit %d, stderr %q, stdout %.80q; want exit 2 and %q", tc.args, code, errs, out, tc.want)
		}
	}
	// This process exists: the check lets it through.
	if code, _, errs := runArgs("probe", "--group", "identity", "--pid", fmt.Sprint(os.Getpid())); code != 0 {
		t.Errorf("--pid self: exit %d %s", code, errs)
	}
}

// Every subcommand's --help prints the usage on stdout and exits 0; a bad
// flag still exits 2.
func TestSubcommandHelp(t *testing.T) {
	for _, cmd := range []string{"probe", "report", "fix", "undo", "capture"} {
		for _, h := range []string{"--help", "-h"} {
			code, out, _ := runArgs(cmd, h)
			if code != 0 || !strings.Contains(out, "Usage") {
				t.Errorf("%s %s: exit %d, stdout %.60q", cmd, h, code, out)
			}
		}
		if code, _, _ := runArgs(cmd, "--no-such-flag"); code != 2 {
			t.Errorf("%s --no-such-flag: exit %d", cmd, code)
		}
	}
	if code, out, _ := runArgs("--help"); code != 0 || !strings.Contains(out, "Usage") {
		t.Errorf("--help: exit %d", code)
	}
	if code, out, _ := runArgs("--version"); code != 0 || !strings.HasPrefix(out, "rtnl-doctor ") {
		t.Errorf("--version: exit %d %q", code, out)
	}
}

// TERM=dumb cannot show the dashboard's selection: refuse with a hint to
// report, before anything else is tried.
func TestDumbTerminalRefused(t *testing.T) {
	t.Setenv("TERM", "dumb")
	code, _, errs := runArgs("--read-only")
	if code != 2 || !strings.Contains(errs, "TERM=dumb") || !strings.Contains(errs, "rtnl-doctor report") {
		t.Fatalf("exit %d: %q", code, errs)
	}
}
