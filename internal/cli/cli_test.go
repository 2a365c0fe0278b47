package cli_test

// End-to-end tests of the rtnl-doctor binary: exit codes, usage errors, the
// report and fix commands, and fault injection. Each fault leaves the rest
// of the report (and the dashboard) working, with a clear message where a
// fact is missing.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/cli"
	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testtmux"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// binary builds rtnl-doctor once for all the tests of this file.
func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rtnl-doctor-bin")
		if err != nil {
			binErr = err
			return
		}
		cli.RemoveAfterTests(dir) // nothing is left in /tmp
		binPath = filepath.Join(dir, "rtnl-doctor")
		out, err := exec.Command("go", "build", "-o", binPath, "../..").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v: %s", err, out)
		}
		os.Chmod(dir, 0o755)
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runCLI runs the binary with args and returns its exit code, stdout and
// stderr.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runArgv(t, append([]string{binary(t)}, args...)...)
}

func runArgv(t *testing.T, argv ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return code, out.String(), errb.String()
}

// runBin runs argv with stdout and stderr together.
func runBin(t *testing.T, argv ...string) (int, string) {
	t.Helper()
	code, out, errs := runArgv(t, argv...)
	return code, out + errs
}

func root(t *testing.T, overlays ...string) string {
	dirs := []string{filepath.Join("..", "..", "probes", "testdata", "roots", "base")}
	for _, o := range overlays {
		dirs = append(dirs, filepath.Join("..", "..", "probes", "testdata", "roots", o))
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
	// fix --list opened no journal: there is none to list.
	if code, out, _ := runCLI(t, "undo", "--list", "--journal", j); code != 0 || !strings.Contains(out, "no fix has been applied") {
		t.Fatalf("undo --list: %d %s", code, out)
	}
	// Neither undo nor its list creates a journal that does not exist.
	none := filepath.Join(t.TempDir(), "never")
	if code, out, _ := runCLI(t, "undo", "--list", "--journal", none); code != 0 || !strings.Contains(out, "no fix has been applied") {
		t.Fatalf("undo --list without a journal: %d %s", code, out)
	}
	if code, _, errs := runCLI(t, "undo", "--journal", none); code != 1 || !strings.Contains(errs, "nothing to undo") {
		t.Fatalf("undo without a journal: %d %s", code, errs)
	}
	if _, err := os.Stat(none); !os.IsNotExist(err) {
		t.Fatalf("undo created %s: %v", none, err)
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
	// One plan: after the link is verified up, the route the command asked
	// for is added and verified too (issue 10: the chain broke after step 1).
	if !strings.Contains(o, "Next step of this plan") || !strings.Contains(ns.IP("route", "show", "10.9.0.0/16"), "via 10.0.0.254") {
		t.Fatalf("the plan stopped after its first step: %d\n%s%s", code, o, e)
	}
	code, o, e = runCLI(t, "undo", "--list", "--journal", j)
	if code != 0 || !strings.Contains(o, "verified") || !strings.Contains(o, "link-state/link-up [netns "+ns.Name+"]") {
		t.Fatalf("undo --list after a verified fix: %d\n%s%s", code, o, e)
	}
	// Undo goes back step by step: the route, then the link.
	code, o, e = runCLI(t, "undo", "--journal", j)
	if code != 0 || strings.TrimSpace(ns.IP("route", "show", "10.9.0.0/16")) != "" {
		t.Fatalf("undo of the route: %d\n%s%s", code, o, e)
	}
	code, o, e = runCLI(t, "undo", "--journal", j)
	if code != 0 || strings.Contains(ns.IP("link", "show", "veth0"), ",UP") {
		t.Fatalf("undo: %d\n%s%s", code, o, e)
	}
}

// noCrash: a report that ran to the end, exit 0 or 1, no Go panic.
func noCrash(t *testing.T, code int, out string) {
	t.Helper()
	if code > 1 || strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") || !strings.Contains(out, "rtnl-doctor report") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestHostileNamesNeverReachTheTerminal creates, in a private namespace, a
// link whose name holds \x1b[2J and whose alias holds an OSC 52 clipboard
// write, and checks the report (text, Markdown, JSON) and the dashboard.
func TestHostileNamesNeverReachTheTerminal(t *testing.T) {
	ns := testns.New(t)
	bin := binary(t)
	evil := "\x1b[2Jx"
	osc := "\x1b]52;c;aGFja2Vk\x07"
	ns.IP("link", "add", evil, "type", "veth", "peer", "name", "peer0")
	ns.IP("link", "set", "dev", evil, "alias", osc)
	symptom := "ip link add " + evil + " type veth\nRTNETLINK answers: File exists"
	for _, format := range []string{"", "--markdown"} {
		args := []string{bin, "report", "--netns", ns.Name, "--symptom", symptom}
		if format != "" {
			args = append(args, format)
		}
		code, out := runBin(t, args...)
		noCrash(t, code, out)
		if strings.ContainsAny(out, "\x1b\x07") {
			t.Fatalf("report %s: a control character reached the output:\n%q", format, out)
		}
	}
	_, out := runBin(t, bin, "report", "--json", "--netns", ns.Name)
	if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\u001b[2Jx`) || !strings.Contains(out, `\u001b]52;c;aGFja2Vk\u0007`) {
		t.Fatalf("JSON must escape by encoding: %s", out[:min(len(out), 400)])
	}
	var v map[string]any
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("JSON does not parse: %v", err)
	}

	// The dashboard in tmux: record the raw byte stream with pipe-pane.
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed")
	}
	sock := testtmux.Socket(t, tmuxBin)
	raw := filepath.Join(t.TempDir(), "raw")
	tm := func(a ...string) string {
		o, _ := exec.Command(tmuxBin, append([]string{"-S", sock}, a...)...).CombinedOutput()
		return string(o)
	}
	t.Cleanup(func() { tm("kill-server") })
	tm("new-session", "-d", "-s", "f", "-x", "120", "-y", "30", "sleep 1; "+testns.IP+" netns exec "+ns.Name+" "+bin+" --read-only")
	tm("pipe-pane", "-t", "f", "-o", "cat >> "+raw)
	deadline := time.Now().Add(10 * time.Second)
	var screen string
	for time.Now().Before(deadline) {
		tm("send-keys", "-t", "f", "3")
		screen = tm("capture-pane", "-p", "-t", "f")
		if strings.Contains(screen, `\x1b[2Jx`) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if !strings.Contains(screen, `\x1b[2Jx`) {
		t.Fatalf("the hostile name is not shown escaped on the Links pane:\n%s", screen)
	}
	tm("send-keys", "-t", "f", "q")
	time.Sleep(300 * time.Millisecond)
	b, _ := os.ReadFile(raw)
	if bytes.Contains(b, []byte("]52;c;aGFja2Vk")) {
		t.Fatal("the OSC 52 alias reached the terminal")
	}
	if bytes.Contains(b, []byte("\x1b[2Jx")) {
		t.Fatal("the hostile name reached the terminal raw")
	}
}

// TestUnprivilegedUser: as nobody the report still runs and says what it
// could not see.
func TestUnprivilegedUser(t *testing.T) {
	testns.Require(t)
	bin := binary(t)
	code, out := runBin(t, "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
		bin, "report")
	noCrash(t, code, out)
	if !strings.Contains(out, "Could not see") || !strings.Contains(out, "permission denied") {
		t.Fatalf("unprivileged report does not say what it could not see:\n%s", out)
	}
	// fix --list as nobody: every action is instructions, with the reason.
	code, out = runBin(t, "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all",
		bin, "fix", "--list", "--journal", t.TempDir(), "--symptom", "RTNETLINK answers: Operation not permitted")
	if code != 0 || strings.Contains(out, "applies with rtnl-doctor fix") {
		t.Fatalf("as nobody every fix is instructions: %d\n%s", code, out)
	}
}

// TestNoFileDescriptors: started under ulimit -n 8 the tool cannot open its
// netlink socket (or much else) and says so, diagnosing its own exhaustion.
func TestNoFileDescriptors(t *testing.T) {
	testns.Require(t)
	bin := binary(t)
	for range 3 {
		code, out := runBin(t, "/usr/bin/prlimit", "--nofile=8:8", bin, "report")
		noCrash(t, code, out)
		if !strings.Contains(out, "too many open files") {
			t.Fatalf("no message about the missing descriptors:\n%s", out)
		}
	}
}

// TestTargetExitsMidRead: a target that exits while (or before) it is read
// leaves gaps that say so.
func TestTargetExitsMidRead(t *testing.T) {
	bin := binary(t)
	for range 10 {
		c := exec.Command("/bin/sleep", "0.02")
		c.Start()
		pid := c.Process.Pid
		go c.Wait()
		code, out := runBin(t, bin, "report", "--pid", fmt.Sprint(pid), "--no-reproduce")
		if code == 2 && strings.Contains(out, "no such process") {
			continue // it was gone before the report started: refused, and said so
		}
		noCrash(t, code, out)
	}
	// A PID that names nothing is refused (exit 2), not reported on; the
	// report of a target that exits while it is read says "does not exist"
	// and judges no tun node (model: TestMissingTargetJudgesNoTunNode).
	code, out := runBin(t, bin, "report", "--pid", "999999999")
	if code != 2 || !strings.Contains(out, "no such process") || strings.Contains(out, "panic:") {
		t.Fatalf("a missing PID is not refused:\n%s", out)
	}
}

// TestHugeAndBinaryLogs: a 1 GiB audit log (sparse) and a log of binary
// garbage with a 100 KB line, under a captured root.
func TestHugeAndBinaryLogs(t *testing.T) {
	bin := binary(t)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "var/log/audit"), 0o755)
	f, _ := os.Create(filepath.Join(root, "var/log/audit/audit.log"))
	f.Truncate(1 << 30)
	f.Seek(1<<30, 0)
	f.WriteString("\ntype=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm=\"ip\" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0\n")
	f.Close()
	garbage := make([]byte, 0, 200<<10)
	for i := range 100 << 10 {
		garbage = append(garbage, byte(i*7))
	}
	garbage = append(garbage, '\n')
	garbage = append(garbage, bytes.Repeat([]byte("A"), 100<<10)...)
	os.WriteFile(filepath.Join(root, "var/log/kern.log"), garbage, 0o644)
	start := time.Now()
	code, out := runBin(t, bin, "report", "--root", root)
	noCrash(t, code, out)
	if time.Since(start) > 10*time.Second {
		t.Fatalf("a 1 GiB log took %s", time.Since(start))
	}
}
