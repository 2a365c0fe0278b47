// Command rtnl-doctor diagnoses RTNETLINK failures on a live Linux system (or
// a captured tree): it reads the facts, names the cause with its evidence,
// and walks the operator through the fixes.
//
// This file is flags and wiring only.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

const usage = `rtnl-doctor: find out why an RTNETLINK operation failed, and fix it.

Usage:
  rtnl-doctor probe [--json] [target flags]   print the facts the diagnosis uses, as JSON

Target flags (every command):
  --root DIR      read a captured tree instead of the live system (offline: no netlink)
  --pid PID       examine this process (credentials, limits, fds, namespaces)
  --netns NAME    examine this network namespace (a name under /run/netns, or a path)
  --exec PATH     read the file capabilities of this executable
  --timeout D     bound each group of facts (default 3s)
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status: 0 success, 1 a
// cause was found (report), 2 a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "probe":
		return cmdProbe(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "rtnl-doctor: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// targetFlags registers the flags that choose what is examined.
func targetFlags(fs *flag.FlagSet) func() probes.Target {
	root := fs.String("root", "", "read a captured tree instead of the live system")
	pid := fs.Int("pid", 0, "examine this process")
	netns := fs.String("netns", "", "examine this network namespace")
	exe := fs.String("exec", "", "read the file capabilities of this executable")
	timeout := fs.Duration("timeout", probes.DefaultTimeout, "bound each group of facts")
	iface := fs.String("iface", "", "comma-separated interfaces whose per-interface sysctls to read")
	return func() probes.Target {
		t := probes.Target{Root: *root, PID: *pid, NetNS: *netns, Exec: *exe, Timeout: *timeout}
		if *iface != "" {
			t.Interfaces = strings.Split(*iface, ",")
		}
		return t
	}
}

func parse(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "rtnl-doctor %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return errors.New("usage")
	}
	return nil
}

func cmdProbe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.Bool("json", true, "print the facts as JSON (the only format: the report is the readable one)")
	target := targetFlags(fs)
	if err := parse(fs, args, stderr); err != nil {
		return 2
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(probes.Gather(ctx, target())); err != nil {
		fmt.Fprintln(stderr, "rtnl-doctor:", err)
		return 1
	}
	return 0
}
