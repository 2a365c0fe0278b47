package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// RunOptions are the run command's settings.
type RunOptions struct {
	Argv   []string
	Source watch.Options
	JSON   bool
	// Base is the target the diagnosis starts from (timeout).
	Base probes.Target
	// Stdin, Stdout, Stderr are the command's; Out and Err rtnl-doctor's.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Out, Err       io.Writer
	// Dashboard, when set, shows the diagnosis in the dashboard (on a
	// terminal) and returns when it is closed.
	Dashboard func(symptom string, t probes.Target) int
	// Environ is the caller's original environment ("" = read from
	// /proc/self/environ, which rtnl-doctor's own PATH changes never touch).
	Environ []string
}

// RunResult is what run found.
type RunResult struct {
	Path     string          `json:"path"`
	Argv     []string        `json:"argv"`
	Exit     int             `json:"exit_status"`
	Stderr   string          `json:"stderr"`
	Backend  string          `json:"backend,omitempty"`
	Findings []*live.Finding `json:"kernel_findings"`
	Lost     uint64          `json:"lost,omitempty"`
	// Symptom is the text the diagnosis was given.
	Symptom string `json:"symptom"`
}

// OriginalEnviron is the environment this process was started with, read
// from /proc/self/environ: whatever rtnl-doctor did to its own PATH since,
// the caller's command runs with the caller's environment.
func OriginalEnviron() []string {
	b, err := os.ReadFile("/proc/self/environ")
	if err != nil {
		return os.Environ()
	}
	var env []string
	for _, kv := range strings.Split(string(b), "\x00") {
		if kv != "" {
			env = append(env, kv)
		}
	}
	return env
}

// LookPathIn finds a program like a shell does with the PATH of env; the
// result is absolute.
func LookPathIn(name string, env []string) (string, error) {
	if strings.Contains(name, "/") {
		p, err := filepath.Abs(name)
		if err != nil {
			return "", err
		}
		if err := executable(p); err != nil {
			return "", err
		}
		return p, nil
	}
	path := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			path = v
		}
	}
	if path == "" {
		path = "/usr/local/bin:/usr/bin:/bin"
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		p, err := filepath.Abs(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		if executable(p) == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: not found in PATH=%s", name, path)
}

func executable(p string) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%s: not an executable file", p)
	}
	return nil
}

// tailBuffer keeps the last max bytes written.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > t.max {
		t.buf = append([]byte{}, t.buf[len(t.buf)-t.max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// Run runs the command as the caller would (same credentials, namespaces,
// original environment and PATH) while watching the kernel's answer to its
// process tree, then diagnoses the failure. It returns the command's exit
// status (127 when it could not be started, 2 for usage errors).
func Run(ctx context.Context, o RunOptions) (RunResult, int) {
	res := RunResult{Argv: o.Argv}
	if len(o.Argv) == 0 {
		p(o.Err, "rtnl-doctor run: no command: rtnl-doctor run -- CMD ARGS...\n")
		return res, 2
	}
	env := o.Environ
	if env == nil {
		env = OriginalEnviron()
	}
	path, err := LookPathIn(o.Argv[0], env)
	if err != nil {
		p(o.Err, "rtnl-doctor run: %v\n", err)
		return res, 127
	}
	res.Path = path
	p(o.Err, "rtnl-doctor run: running %s\n", sysexec.Quote(append([]string{path}, o.Argv[1:]...)...))

	stderr := &tailBuffer{max: 64 << 10}
	var (
		mu       sync.Mutex
		findings []*live.Finding
		child    int
		runErr   error
		started  = make(chan struct{})
	)
	stop := make(chan struct{})
	cmd := exec.Command(path, o.Argv[1:]...)
	cmd.Args[0] = o.Argv[0]
	cmd.Env = env
	cmd.Stdin, cmd.Stdout = o.Stdin, o.Stdout
	cmd.Stderr = io.MultiWriter(o.Stderr, stderr)
	var once sync.Once
	startCmd := func() {
		once.Do(func() {
			defer close(started)
			if err := cmd.Start(); err != nil {
				runErr = err
				close(stop)
				return
			}
			mu.Lock()
			child = cmd.Process.Pid
			mu.Unlock()
			go func() {
				runErr = cmd.Wait()
				// The kernel's last events reach the buffer within the window.
				time.Sleep(live.Settle)
				close(stop)
			}()
		})
	}
	wres, code := Watch(ctx, WatchOptions{Source: o.Source, Out: io.Discard, Err: o.Err, Stop: stop, NoDiagnose: true, Quiet: true,
		Ready: func(watch.Source) { startCmd() },
		OnFinding: func(f *live.Finding, _ *diagnose.Diagnosis) {
			mu.Lock()
			defer mu.Unlock()
			if inTree(f, child) {
				findings = append(findings, f)
			}
		}})
	res.Backend, res.Lost = wres.Backend, wres.Lost
	if code != 0 && wres.Backend == "" {
		// No watcher: run the command anyway; the diagnosis has its output.
		p(o.Err, "rtnl-doctor run: the kernel's answer cannot be caught here; diagnosing from the command's output alone\n")
	}
	startCmd() // (when the watcher never started it)
	<-started
	<-stop
	res.Findings = findings
	res.Stderr = stderr.String()
	res.Exit = exitStatus(runErr)
	if runErr != nil && res.Exit < 0 {
		p(o.Err, "rtnl-doctor run: %s: %v\n", path, runErr)
		return res, 127
	}
	res.Symptom = RunSymptom(o.Argv, res.Stderr, findings)
	caughtNote := diagnose.Plural(len(findings), "kernel finding", "kernel findings") + " for its process tree"
	if res.Backend == "" {
		caughtNote = "the kernel's answer was not watched"
	}
	p(o.Err, "rtnl-doctor run: %s exited with status %d; %s\n", filepath.Base(path), res.Exit, caughtNote)
	for _, f := range findings {
		p(o.Err, "  kernel: %s — %s\n", sanitize.Line(f.Where()), sanitize.Line(f.What))
	}
	if res.Exit == 0 && len(findings) == 0 {
		p(o.Err, "rtnl-doctor run: the command succeeded and the kernel refused nothing: nothing to diagnose\n")
		return res, 0
	}
	// The command's credentials: a process started the way it was, kept
	// alive while the diagnosis reads it (the command itself has exited).
	t := o.Base
	t.Exec = path
	if twin, err := startTwin(env); err == nil {
		defer func() {
			twin.Process.Kill()
			twin.Wait()
		}()
		t.PID = twin.Process.Pid
	}
	sym := symptom.ParseSymptom(res.Symptom)
	t, _ = symptom.TargetFor(sym, t)
	var notes []string
	if t.NetNS == "" {
		for _, f := range findings {
			if name := live.NetnsName(f.Proc.NetNS); name != "" && f.Proc.NetNS != selfNetNS() {
				t.NetNS = name
				notes = append(notes, "network namespace "+strconv.Quote(name)+" where the kernel refused it")
				break
			}
		}
	}
	if t.NetNS == "" && t.PID != 0 {
		// The stand-in is killed when the diagnosis ends: the commands
		// shown must not enter its namespace by PID (nsenter
		// --net=/proc/PID/ns/net names nothing, or another process, once
		// it is gone). It shares rtnl-doctor's namespace: name that one
		// when it has a name (ip netns exec NAME rtnl-doctor run ...).
		if name := live.NetnsName(selfNetNS()); name != "" {
			t.NetNS = name
		}
	}
	for _, f := range findings {
		if strings.Contains(f.What, "capability check") && f.Proc.HaveCaps {
			notes = append(notes, fmt.Sprintf("the kernel's own check, at the time: %s (a wrapper such as setpriv, sudo or capsh may have started it with fewer rights than the process examined)", f.What))
			break
		}
	}
	if o.Dashboard != nil && !o.JSON {
		o.Dashboard(res.Symptom, t)
		return res, res.Exit
	}
	facts := probes.Gather(ctx, t)
	d := diagnose.Diagnose(facts, sym, nil)
	if t.PID != 0 {
		notes = append([]string{fmt.Sprintf("the command's credentials and namespaces, from PID %d started the same way; file capabilities of %s", t.PID, path)}, notes...)
	}
	d.Note = strings.Join(notes, "; ")
	if o.JSON {
		err = writeRunJSON(o.Out, res, d)
	} else {
		err = d.WriteText(o.Out)
	}
	if err != nil {
		p(o.Err, "rtnl-doctor run: %v\n", err)
	}
	return res, res.Exit
}

// startTwin starts a sleeper the way the command was started (same
// credentials after exec, namespaces, environment), so the diagnosis reads
// a live process in its place.
func startTwin(env []string) (*exec.Cmd, error) {
	for _, p := range []string{"/usr/bin/sleep", "/bin/sleep"} {
		if executable(p) == nil {
			c := exec.Command(p, "60")
			c.Env = env
			if err := c.Start(); err != nil {
				return nil, err
			}
			return c, nil
		}
	}
	return nil, errors.New("no sleep program")
}

func selfNetNS() uint64 {
	var st unix.Stat_t
	if unix.Stat("/proc/self/ns/net", &st) != nil {
		return 0
	}
	return st.Ino
}

func inTree(f *live.Finding, root int) bool {
	if root == 0 {
		return false
	}
	if f.Proc.PID == root || f.Proc.PPID == root {
		return true
	}
	for _, a := range f.Proc.Ancestors {
		if a == root {
			return true
		}
	}
	return false
}

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() >= 0 {
			return ee.ExitCode()
		}
		return 128 + 9 // killed by a signal
	}
	return -1
}

// RunSymptom builds the symptom text from the command line, what it printed
// on stderr, and the kernel's answer (the extended-ACK text or errno the
// command may not have printed).
func RunSymptom(argv []string, stderr string, findings []*live.Finding) string {
	var b strings.Builder
	b.WriteString("$ " + sysexec.Quote(argv...) + "\n")
	// Behind a wrapper (setpriv, sudo, env, nsenter, capsh), the command
	// the parser knows.
	for i := 1; i < len(argv); i++ {
		if filepath.Base(argv[i]) == "ip" && i > 0 {
			b.WriteString("$ " + sysexec.Quote(argv[i:]...) + "\n")
			break
		}
	}
	b.WriteString(strings.TrimRight(stderr, "\n") + "\n")
	for _, f := range findings {
		for _, line := range strings.Split(f.Symptom.Raw, "\n") {
			if line != "" && !strings.Contains(stderr, line) {
				b.WriteString(line + "\n")
			}
		}
	}
	return b.String()
}

func writeRunJSON(w io.Writer, res RunResult, d *diagnose.Diagnosis) error {
	var buf bytes.Buffer
	if err := d.WriteJSON(&buf); err != nil {
		return err
	}
	head := fmt.Sprintf(`{"run":%s,"diagnosis":`, mustJSON(res))
	_, err := io.WriteString(w, head+strings.TrimSpace(buf.String())+"}\n")
	return err
}

func mustJSON(v any) string {
	b, err := jsonMarshal(v)
	if err != nil {
		return strconv.Quote(err.Error())
	}
	return string(b)
}
