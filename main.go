// Command rtnl-doctor diagnoses RTNETLINK failures on a live Linux system (or
// a captured tree): it reads the facts, names the cause with its evidence,
// and walks the operator through the fixes.
//
// This file is flags and wiring only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/cli"
	"github.com/rtnl-doctor/rtnl-doctor/internal/version"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/ui"
	"golang.org/x/sys/unix"
)

const usage = `rtnl-doctor: find out why an RTNETLINK operation failed, and fix it.

Usage:
  rtnl-doctor [--symptom TEXT|-] [--interval 2s] [--read-only] [--dry-run] [--journal DIR] [--no-watch] [target flags]
                       the dashboard (needs a terminal: over SSH use ssh -t); as root its Live pane
                       catches failures as they happen
  rtnl-doctor report [--json | --markdown | --format text|json|markdown|prometheus] [--textfile DIR]
                     [--symptom TEXT|-] [--no-reproduce] [target flags]
                       rank the causes of a failure (or check every cause) with their evidence and fixes;
                       exit 0 when no cause is proven, 1 when one is, 2 for a usage error.
                       prometheus (and --textfile DIR, which writes DIR/rtnl_doctor.prom atomically for
                       node_exporter's textfile collector) exits 0 once the metrics are written
  rtnl-doctor --version  print the version
  rtnl-doctor fix [--list] [FIX-ID] [--symptom TEXT|-] [--yes] [--dry-run] [--read-only] [--journal DIR] [target flags]
                       list the fixes for the diagnosis, or preview, confirm, apply and verify one
  rtnl-doctor undo [--list] [--dry-run] [--force] [--journal DIR] [JOURNAL-ID]
                       revert the last applied fix (or the one named) from the journal, if the object
                       is still as the fix left it (--force: anyway, journaled)
                       (default /var/lib/rtnl-doctor as root, else $XDG_STATE_HOME/rtnl-doctor)
  rtnl-doctor capture [-o FILE.tar.gz|-] [--max-size BYTES] [target flags]
                       write the facts the diagnosis reads (files, log tails, the namespace's links,
                       addresses, routes and rules) to an archive a colleague reads with --root FILE.tar.gz;
                       secrets in network configuration are left out
  rtnl-doctor probe [--json] [--group net,memory,...] [target flags]
                       print the facts the diagnosis uses, as JSON
  rtnl-doctor watch [--json] [--for DURATION] [--pid PID] [--comm NAME] [--cgroup TEXT] [--syscalls]
                    [--backend bpf|tracefs|logs] [--buffer-kb N] [--no-diagnose]
                       catch netlink and capability failures of any process as they happen (root),
                       each with its diagnosis; SIGINT stops and removes what watch set up
  rtnl-doctor run [--syscalls] [--json] [--no-dashboard] -- CMD ARGS...
                       run CMD as you would, catch the kernel's answer to it and diagnose its failure

Target flags (the dashboard, report, fix, capture and probe; watch and run take --timeout):
  --root DIR      read a captured tree instead of the live system: a directory, a capture
                  (FILE.tar.gz, or unpacked), or an unpacked sosreport/supportconfig
  --pid PID       examine this process (credentials, limits, fds, namespaces)
  --netns NAME    examine this network namespace (a name under /run/netns, or a path)
  --exec PATH     read the file capabilities of this executable
  --iface IF,...  also read per-interface sysctls of these interfaces
  --timeout D     bound each group of facts (default 3s)
`

// systemPATH is the only PATH rtnl-doctor runs with as root.
const systemPATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// callerPATH is the PATH rtnl-doctor was started with, kept for a command
// that runs the user's own program (never used to find a helper).
var callerPATH string

// securePATH sets PATH to the fixed system directories when running as
// root (euid 0), before any library runs a program: charmbracelet's
// colorprofile runs `tmux info` through PATH when $TMUX is set, and a
// `tmux` earlier in the caller's PATH would run as root. The caller's PATH
// is kept in callerPATH.
func securePATH(euid int) {
	callerPATH = os.Getenv("PATH")
	if euid == 0 {
		os.Setenv("PATH", systemPATH)
	}
}

func main() {
	securePATH(os.Geteuid())
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status: 0 success, 1 a
// cause was found (report), 2 a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	defer probes.CloseArchives() // the --root archives unpacked
	if root := rootArg(args); root != "" {
		if err := probes.CheckRoot(root); err != nil {
			fmt.Fprintf(stderr, "rtnl-doctor: --root %s: %v\n", root, err)
			return 2
		}
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "--version" && args[0] != "-version" {
		return cmdDashboard(ctx, args, stdout, stderr)
	}
	switch args[0] {
	case "probe":
		return cmdProbe(ctx, args[1:], stdout, stderr)
	case "report":
		return cmdReport(ctx, args[1:], os.Stdin, stdout, stderr)
	case "fix":
		return cmdFix(ctx, args[1:], os.Stdin, stdout, stderr)
	case "undo":
		return cmdUndo(ctx, args[1:], stdout, stderr)
	case "capture":
		return cmdCapture(ctx, args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "rtnl-doctor", version.String())
		return 0
	case "watch":
		return cmdWatch(ctx, args[1:], stdout, stderr)
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
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

func parse(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) error {
	_, err := parseN(fs, args, 0, stdout, stderr)
	return err
}

// parseExit is the exit status after parse failed: 0 for --help (the usage
// was printed on stdout), 2 for a usage error.
func parseExit(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// badTarget says, on stderr, when --root, --pid or --netns names nothing
// (the caller exits 2 instead of reporting on nothing).
func badTarget(fs *flag.FlagSet, t probes.Target, stderr io.Writer) bool {
	if err := probes.CheckTarget(t); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmdName(fs), err)
		return true
	}
	return false
}

func cmdName(fs *flag.FlagSet) string {
	if fs.Name() == "rtnl-doctor" {
		return "rtnl-doctor"
	}
	return "rtnl-doctor " + fs.Name()
}

// parseN parses flags anywhere on the line (flag stops at the first
// argument, so the rest is parsed again) and allows n positional arguments.
func parseN(fs *flag.FlagSet, args []string, n int, stdout, stderr io.Writer) ([]string, error) {
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	var pos []string
	for {
		if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return nil, err
		} else if err != nil {
			fmt.Fprint(stderr, usage)
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(pos) > n {
		fmt.Fprintf(stderr, "rtnl-doctor %s: unexpected argument %q\n", fs.Name(), pos[n])
		return nil, errors.New("usage")
	}
	return pos, nil
}

func cmdProbe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.Bool("json", true, "print the facts as JSON (the only format: the report is the readable one)")
	only := fs.String("group", "", "comma-separated fact groups to read (default all): "+groupNames())
	target := targetFlags(fs)
	if err := parse(fs, args, stdout, stderr); err != nil {
		return parseExit(err)
	}
	if badTarget(fs, target(), stderr) {
		return 2
	}
	var groups []probes.Group
	for _, g := range strings.Split(*only, ",") {
		if g = strings.TrimSpace(g); g == "" {
			continue
		}
		if !validGroup(g) {
			fmt.Fprintf(stderr, "rtnl-doctor probe: unknown group %q (groups: %s)\n", g, groupNames())
			return 2
		}
		groups = append(groups, probes.Group(g))
	}
	if err := probes.Gather(ctx, target(), groups...).WriteJSON(stdout); err != nil {
		fmt.Fprintln(stderr, "rtnl-doctor:", err)
		return 1
	}
	fmt.Fprintln(stdout)
	return 0
}

// readSymptom takes the symptom text from --symptom, "-" meaning stdin.
func readSymptom(arg string, stdin io.Reader) (string, error) {
	if arg != "-" {
		return arg, nil
	}
	// Read well beyond what is parsed: the parser cuts a long text to 64
	// KiB itself, keeping the lines that carry an error and saying so.
	b, err := io.ReadAll(io.LimitReader(stdin, 16<<20))
	return string(b), err
}

func cmdReport(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON (the documented shape)")
	asMD := fs.Bool("markdown", false, "print Markdown, for a ticket")
	symptomArg := fs.String("symptom", "", "what failed: the command and its output, or a log line; - reads stdin")
	noRepro := fs.Bool("no-reproduce", false, "do not try the operation in a throwaway network namespace")
	format := fs.String("format", "", "text, json, markdown or prometheus")
	textfile := fs.String("textfile", "", "write the prometheus metrics to DIR/rtnl_doctor.prom (atomically)")
	target := targetFlags(fs)
	if err := parse(fs, args, stdout, stderr); err != nil {
		return parseExit(err)
	}
	if badTarget(fs, target(), stderr) {
		return 2
	}
	if *asJSON && *asMD {
		fmt.Fprintln(stderr, "rtnl-doctor report: --json and --markdown exclude each other")
		return 2
	}
	switch {
	case *format == "" && *asJSON:
		*format = "json"
	case *format == "" && *asMD:
		*format = "markdown"
	case *format == "" && *textfile != "":
		*format = "prometheus"
	case *format == "":
		*format = "text"
	case *asJSON || *asMD:
		fmt.Fprintln(stderr, "rtnl-doctor report: --format excludes --json and --markdown")
		return 2
	}
	switch *format {
	case "text", "json", "markdown":
	case "prometheus":
		*noRepro = true // a periodic check never creates namespaces
	default:
		fmt.Fprintf(stderr, "rtnl-doctor report: unknown --format %q (text, json, markdown or prometheus)\n", *format)
		return 2
	}
	if *textfile != "" && *format != "prometheus" {
		fmt.Fprintln(stderr, "rtnl-doctor report: --textfile writes prometheus metrics: it excludes --format "+*format)
		return 2
	}
	text, err := readSymptom(*symptomArg, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "rtnl-doctor report: reading the symptom:", err)
		return 2
	}
	sym := symptom.ParseSymptom(text)
	t, note := symptom.TargetFor(sym, target())
	facts := probes.Gather(ctx, t)
	var repro *reproduce.Reproduction
	if !*noRepro && reproduce.CanReproduce(sym, facts) {
		repro = reproduce.Reproduce(sym, "")
	}
	d := diagnose.Diagnose(facts, sym, repro)
	d.Note = note
	switch *format {
	case "json":
		err = d.WriteJSON(stdout)
	case "markdown":
		err = d.WriteMarkdown(stdout)
	case "prometheus":
		if err = cli.Metrics(d, *textfile, stdout, stderr); err == nil {
			return 0
		}
	default:
		err = d.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintln(stderr, "rtnl-doctor report:", err)
		return 2
	}
	if d.Failed() {
		return 1
	}
	return 0
}

func cmdFix(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("fix", flag.ContinueOnError)
	list := fs.Bool("list", false, "list the fixes and whether each can be applied here")
	yes := fs.Bool("yes", false, "apply without asking")
	dry := fs.Bool("dry-run", false, "preview only; change and journal nothing")
	ro := fs.Bool("read-only", false, "change nothing (fixes are shown as instructions)")
	journal := fs.String("journal", "", "journal directory (default /var/lib/rtnl-doctor, or $XDG_STATE_HOME/rtnl-doctor)")
	symptomArg := fs.String("symptom", "", "what failed; - reads stdin")
	target := targetFlags(fs)
	positional, err := parseN(fs, args, 1, stdout, stderr)
	if err != nil {
		return parseExit(err)
	}
	if badTarget(fs, target(), stderr) {
		return 2
	}
	text, err := readSymptom(*symptomArg, stdin)
	if err != nil {
		fmt.Fprintln(stderr, "rtnl-doctor fix: reading the symptom:", err)
		return 2
	}
	sym := symptom.ParseSymptom(text)
	t, _ := symptom.TargetFor(sym, target())
	o := cli.FixOptions{Target: t, Symptom: sym, List: *list, Yes: *yes, DryRun: *dry, ReadOnly: *ro,
		JournalDir: *journal, In: stdin, Out: stdout, Err: stderr}
	if len(positional) == 1 {
		o.FixID = positional[0]
	}
	if *symptomArg == "-" && !*yes && !*list && !*dry {
		// stdin held the symptom: ask on the terminal instead.
		tty, err := os.Open("/dev/tty")
		if err != nil {
			fmt.Fprintln(stderr, "rtnl-doctor fix: the symptom came from stdin and there is no terminal to confirm on: add --yes (or --dry-run)")
			return 2
		}
		defer tty.Close()
		o.In = tty
	}
	return cli.Fix(ctx, o)
}

func cmdUndo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("undo", flag.ContinueOnError)
	list := fs.Bool("list", false, "list the journal")
	dry := fs.Bool("dry-run", false, "say what would be undone")
	journal := fs.String("journal", "", "journal directory")
	force := fs.Bool("force", false, "undo although the object changed since the fix (journaled); never another object")
	positional, err := parseN(fs, args, 1, stdout, stderr)
	if err != nil {
		return parseExit(err)
	}
	id := ""
	if len(positional) == 1 {
		id = positional[0]
	}
	return cli.Undo(ctx, cli.UndoOptions{JournalDir: *journal, ID: id, List: *list, DryRun: *dry, Force: *force, Out: stdout, Err: stderr})
}

func cmdCapture(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("capture", flag.ContinueOnError)
	out := fs.String("o", "", "the archive to write (default rtnl-doctor-capture-HOST-TIME.tar.gz; - for stdout)")
	max := fs.Int64("max-size", probes.DefaultCaptureMax, "bound the unpacked size (bytes)")
	target := targetFlags(fs)
	if err := parse(fs, args, stdout, stderr); err != nil {
		return parseExit(err)
	}
	if badTarget(fs, target(), stderr) {
		return 2
	}
	return cli.Capture(ctx, cli.CaptureOptions{Target: target(), Out: *out, MaxBytes: *max, Stdout: stdout, Stderr: stderr})
}

// watchFlags registers the flags watch and run share.
func watchFlags(fs *flag.FlagSet) func() watch.Options {
	sys := fs.Bool("syscalls", false, "also catch failing syscalls: EMFILE on socket, /dev/net opens, unshare/setns (~15 ns per syscall machine-wide)")
	backend := fs.String("backend", "", "use this back end only: bpf, tracefs or logs (default: the first that works)")
	kb := fs.Int("buffer-kb", 0, "kernel buffer per CPU in KiB (default 8192)")
	return func() watch.Options { return watch.Options{Syscalls: *sys, Backend: *backend, BufferKB: *kb} }
}

func cmdWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("watch", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print one JSON object per finding")
	dur := fs.Duration("for", 0, "stop after this long (default: until SIGINT)")
	pid := fs.Int("pid", 0, "only this process and its descendants")
	comm := fs.String("comm", "", "only processes whose name (or parent's) starts with this")
	cg := fs.String("cgroup", "", "only processes whose cgroup path or container contains this")
	noDiag := fs.Bool("no-diagnose", false, "print findings without diagnosing them")
	timeout := fs.Duration("timeout", probes.DefaultTimeout, "bound each group of facts of a diagnosis")
	src := watchFlags(fs)
	if err := parse(fs, args, stdout, stderr); err != nil {
		return parseExit(err)
	}
	_, code := cli.Watch(ctx, cli.WatchOptions{Source: src(), Filter: live.Filter{PID: *pid, Comm: *comm, Cgroup: *cg},
		For: *dur, JSON: *asJSON, NoDiagnose: *noDiag, Base: probes.Target{Timeout: *timeout}, Out: stdout, Err: stderr})
	return code
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print the run and its diagnosis as JSON")
	noDash := fs.Bool("no-dashboard", false, "print the report even on a terminal")
	timeout := fs.Duration("timeout", probes.DefaultTimeout, "bound each group of facts")
	src := watchFlags(fs)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	// Not parse(): everything after CMD (or after --) is CMD's own.
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return 0
		}
		fmt.Fprintln(stderr, "usage: rtnl-doctor run [--syscalls] [--json] -- CMD ARGS... (rtnl-doctor --help lists every command)")
		return 2
	}
	o := cli.RunOptions{Argv: fs.Args(), Source: src(), JSON: *asJSON, Base: probes.Target{Timeout: *timeout},
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Out: stdout, Err: stderr}
	if !*noDash && !*asJSON && isTerminal(os.Stdout) && isTerminal(os.Stdin) {
		o.Dashboard = func(symptom string, t probes.Target) int {
			return cmdDashboard(ctx, []string{"--symptom", symptom, "--pid", strconv.Itoa(t.PID), "--exec", t.Exec}, stdout, stderr)
		}
	}
	_, code := cli.Run(ctx, o)
	return code
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

func cmdDashboard(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rtnl-doctor", flag.ContinueOnError)
	symptomArg := fs.String("symptom", "", "what failed; - reads stdin")
	interval := fs.Duration("interval", 2*time.Second, "how often to refresh")
	ro := fs.Bool("read-only", false, "change nothing (fixes are shown as instructions)")
	dry := fs.Bool("dry-run", false, "preview fixes, apply none")
	journal := fs.String("journal", "", "journal directory")
	noWatch := fs.Bool("no-watch", false, "do not catch failures live (the Live pane)")
	target := targetFlags(fs)
	if err := parse(fs, args, stdout, stderr); err != nil {
		return parseExit(err)
	}
	if badTarget(fs, target(), stderr) {
		return 2
	}
	text, err := readSymptom(*symptomArg, os.Stdin)
	if err != nil {
		fmt.Fprintln(stderr, "rtnl-doctor: reading the symptom:", err)
		return 2
	}
	// A dumb terminal (TERM=dumb: Emacs shell, some serial consoles) moves
	// no cursor and shows no highlight, so the selection would be invisible.
	if os.Getenv("TERM") == "dumb" {
		fmt.Fprintln(stderr, "rtnl-doctor: TERM=dumb cannot draw the dashboard (no cursor movement, no highlight). Use `rtnl-doctor report` (add --symptom TEXT), or run in a terminal that sets TERM, such as TERM=xterm-256color.")
		return 2
	}
	// The dashboard needs a terminal: on stdout, and for keys on stdin or
	// /dev/tty (ssh without -t has neither).
	tty, ttyErr := os.Open("/dev/tty")
	if ttyErr == nil {
		tty.Close()
	}
	if !isTerminal(os.Stdout) || (!isTerminal(os.Stdin) && ttyErr != nil) || *symptomArg == "-" && ttyErr != nil {
		fmt.Fprintln(stderr, "rtnl-doctor: no terminal here. Over SSH, use `ssh -t host rtnl-doctor`; in a script or pipe, use `rtnl-doctor report`.")
		return 2
	}
	env, code := cli.DashboardEnv(ctx, *journal, *dry, *ro, stderr)
	if code != 0 {
		return code
	}
	*ro = env.ReadOnly
	opt := ui.Options{Target: target(), Symptom: text, Interval: *interval, ReadOnly: *ro, DryRun: *dry, Env: env, AutoReproduce: true}
	if !*noWatch && opt.Target.Root == "" {
		// A hangup (quitOnHangup) or TERM (Bubble Tea) quits the program
		// like q, so the terminal is restored and stop removes the
		// watcher's instance (SIGKILL leaves it to the next start). A
		// context cancelled by the signal would kill the program instead,
		// leaving the terminal in the alternate screen.
		var stop func()
		opt.Live, opt.LiveInfo, stop = cli.StartLive(ctx, watch.Options{})
		defer stop()
	}
	m := ui.New(opt)
	// The frame ticker wakes the process at this rate even when nothing
	// changes: measured idle with 20,000 links, 30 FPS cost 0.80% of a core,
	// 15 FPS 0.52-0.57%, 10 FPS 0.40-0.42% (the target is under 0.5%). A key
	// shows its effect within 100 ms.
	opts := []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(10)}
	if *symptomArg == "-" {
		// stdin held the symptom: read keys from the terminal.
		if in, err := os.Open("/dev/tty"); err == nil {
			defer in.Close()
			opts = append(opts, tea.WithInput(in))
		}
	}
	prog := tea.NewProgram(m, opts...)
	// SIGHUP (the SSH connection or the terminal closed, or kill -HUP):
	// quit like q does, so the terminal leaves the alternate screen and
	// raw mode. Bubble Tea itself handles only SIGINT and SIGTERM.
	stopHUP := quitOnHangup(prog)
	defer stopHUP()
	_, err = prog.Run()
	// A fix being applied finishes (and is journaled) before the process ends.
	if !fix.WaitApplying(30 * time.Second) {
		fmt.Fprintf(stderr, "rtnl-doctor: a fix was still being applied after 30 s: check the journal (%s)\n", fix.UndoCommand(env.Journal, "--list"))
	}
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
		fmt.Fprintln(stderr, "rtnl-doctor:", err)
		return 1
	}
	return 0
}

// quitOnHangup makes SIGHUP quit the program (restoring the terminal);
// the returned function stops listening.
func quitOnHangup(p interface{ Quit() }) func() {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-hup:
			p.Quit()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}

// rootArg finds the value of --root on a command line.
func rootArg(args []string) string {
	for i, a := range args {
		for _, f := range []string{"--root", "-root"} {
			if a == f && i+1 < len(args) {
				return args[i+1]
			}
			if v, ok := strings.CutPrefix(a, f+"="); ok {
				return v
			}
		}
	}
	return ""
}

func groupNames() string {
	var n []string
	for _, g := range probes.AllGroups {
		n = append(n, string(g))
	}
	return strings.Join(n, ",")
}

func validGroup(g string) bool {
	for _, x := range probes.AllGroups {
		if string(x) == g {
			return true
		}
	}
	return false
}
