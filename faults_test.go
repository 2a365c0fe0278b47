package main

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

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// Fault injection against the real binary: each fault leaves the rest of
// the report (and the dashboard) working, with a clear message where a fact
// is missing.

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

func binary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rtnl-doctor-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "rtnl-doctor")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
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

func runBin(t *testing.T, argv ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(argv[0], argv[1:]...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%v: %v", argv, err)
	}
	return code, out.String()
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
	sock := fmt.Sprintf("rtnldoc-faults-%d", os.Getpid())
	raw := filepath.Join(t.TempDir(), "raw")
	tm := func(a ...string) string {
		o, _ := exec.Command(tmuxBin, append([]string{"-L", sock}, a...)...).CombinedOutput()
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
		noCrash(t, code, out)
	}
	code, out := runBin(t, bin, "report", "--pid", "999999999")
	noCrash(t, code, out)
	if !strings.Contains(out, "does not exist") {
		t.Fatalf("a missing PID is not explained:\n%s", out)
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
