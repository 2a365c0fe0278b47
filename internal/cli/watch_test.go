package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"golang.org/x/sys/unix"
)

// helperEnv makes the test binary act as a failing program (see TestMain).
const helperEnv = "RTNL_DOCTOR_WATCH_HELPER"

// TestMain runs the helper programs the watch tests need, and checks that
// no test left a tracing instance, mount, BPF program or map behind.
func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
	case "emfile":
		// Every descriptor in use, like a daemon that leaks them: socket()
		// fails with EMFILE. It stays alive to be examined (raw syscalls
		// only: the Go runtime's poller would need a descriptor too).
		unix.Setrlimit(unix.RLIMIT_NOFILE, &unix.Rlimit{Cur: 16, Max: 1024})
		for i := 0; i < 64; i++ {
			if _, err := unix.Open("/dev/null", unix.O_RDONLY, 0); err != nil {
				break
			}
		}
		_, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		unix.Write(2, []byte("Cannot open netlink socket: "+err.Error()+"\n"))
		ts := unix.NsecToTimespec(int64(5 * time.Second))
		unix.Nanosleep(&ts, nil)
		os.Exit(1)
	default:
		os.Exit(2)
	}
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	for _, d := range removeAfter {
		os.RemoveAll(d)
	}
	if left := watch.Leftovers(os.Getpid()); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: left behind: %v\n", left)
		code = 1
	}
	os.Exit(code)
}

// removeAfter are directories TestMain removes when the tests end.
var removeAfter []string

// RemoveAfterTests names a directory to remove when the tests end: the
// external tests (package cli_test, which cannot have a TestMain of its
// own beside this one) build their binary into one.
func RemoveAfterTests(dir string) { removeAfter = append(removeAfter, dir) }

var (
	binDir   string
	binBuild sync.Once
	binBuilt string
	binErr   error
)

// watchBinary builds rtnl-doctor once; TestMain removes it.
func watchBinary(t *testing.T) string {
	t.Helper()
	binBuild.Do(func() {
		binDir, binErr = os.MkdirTemp("", "rtnl-doctor-watch-bin")
		if binErr != nil {
			return
		}
		binBuilt = binDir + "/rtnl-doctor"
		if out, err := exec.Command("go", "build", "-o", binBuilt, "../..").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binBuilt
}

// fault is one real failure made inside namespaces the test creates.
type fault struct {
	name string
	// argv is run with the namespace's name as %s.
	argv []string
	env  []string
	// seen says which back ends can see it, and why not the others.
	unseen map[string]string
	// comm is the failing program; what is in the finding (per back end:
	// "" for all); cause the first cause expected.
	comm  string
	what  map[string]string
	cause string
}

func faults(self string) []fault {
	sh := "/bin/sh"
	logsSee := "the logs back end sees only SELinux/AppArmor denials"
	tracefsOnlyNames := map[string]string{"logs": logsSee}
	noSyscalls := map[string]string{"logs": logsSee, "bpf": "the BPF back end reads netlink replies and capability checks; failing syscalls need the tracefs back end's --syscalls"}
	all := func(w string) map[string]string { return map[string]string{"": w} }
	return []fault{
		{name: "extack", argv: []string{testns.IP, "-n", "%s", "link", "add", "rdx0", "type", "nosuchkind"},
			unseen: tracefsOnlyNames, comm: "ip", what: map[string]string{"tracefs": `"Unknown device type"`, "bpf": `RTM_NEWLINK failed: EOPNOTSUPP && "Unknown device type"`, "auto": `"Unknown device type" && RTM_NEWLINK failed: EOPNOTSUPP`}, cause: "module-missing"},
		{name: "capability", argv: []string{"setpriv", "--bounding-set=-net_admin", "--inh-caps=-all", sh, "-c", testns.IP + " -n %s link add rdd0 type dummy; read -r hold"},
			unseen: tracefsOnlyNames, comm: "ip", what: all("CAP_NET_ADMIN"), cause: "cap-net-admin"},
		{name: "userns", argv: []string{testns.IP, "netns", "exec", "%s", "unshare", "-Ur", sh, "-c", testns.IP + " link add rdu0 type dummy; read -r hold"},
			unseen: tracefsOnlyNames, comm: "ip", what: all("CAP_NET_ADMIN"), cause: "userns-remap"},
		{name: "emfile", argv: []string{testns.IP, "netns", "exec", "%s", self}, env: []string{helperEnv + "=emfile"},
			unseen: noSyscalls, comm: "cli.test", what: all("socket(): EMFILE"), cause: "fd-exhaustion"},
		{name: "tun-eacces", argv: []string{"unshare", "-m", sh, "-c",
			"mount -t tmpfs rdtun /dev/net && mknod -m 600 /dev/net/tun c 10 200 && exec setpriv --reuid=65534 --regid=65534 --clear-groups " + sh + " -c 'true </dev/net/tun; read -r hold'"},
			// The shell opens the node itself (a redirection; true is no
			// special built-in, so the shell goes on) and stays until its
			// finding is diagnosed: a program that exits at once (cat) can
			// be gone before the event is read, its parent unknown.
			unseen: noSyscalls, comm: "sh", what: all("open /dev/net/tun: EACCES"), cause: "tun-device"},
		{name: "eexist", argv: []string{sh, "-c", testns.IP + " -n %s route add 10.99.0.0/24 dev lo; " + testns.IP + " -n %s route add 10.99.0.0/24 dev lo"},
			unseen: map[string]string{"logs": tracefsOnlyNames["logs"], "tracefs": "tracefs cannot see plain-errno failures (EEXIST without extack): BPF only"},
			comm:   "ip", what: all("RTM_NEWROUTE failed: EEXIST"), cause: "already-exists"},
	}
}

type caught struct {
	f *live.Finding
	d *diagnose.Diagnosis
}

// TestWatchAcceptance makes each failure for real and checks the finding
// and its first cause, for each back end this kernel allows.
func TestWatchAcceptance(t *testing.T) {
	testns.Require(t)
	// "auto" is what users get: BPF with a tracefs instance alongside.
	for _, name := range append([]string{"auto"}, watch.Backends...) {
		b := name
		if b == "auto" {
			b = ""
		}
		t.Run(name, func(t *testing.T) {
			probe, _, err := watch.Open(watch.Options{Backend: b, Syscalls: true})
			if err != nil {
				t.Skipf("back end %s unavailable here: %v", b, err)
			}
			if name == "auto" && probe.Name() != "bpf+tracefs" {
				probe.Close()
				t.Skipf("auto chose %s here: the back ends are tested one by one", probe.Name())
			}
			probe.Close()
			runFaults(t, b, name)
		})
	}
}

func runFaults(t *testing.T, backend, name string) {
	ns := testns.New(t)
	ns.IP("link", "set", "lo", "up")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	fs := faults(self)
	pids := make([]int, len(fs))
	var (
		mu  sync.Mutex
		got []caught
		// release ends a fault's wait ("read -r hold" on a pipe): the
		// failing program's parent stays alive until its finding has been
		// diagnosed (the diagnosis reads its mount namespace and
		// credentials), however loaded the machine is, and no longer.
		release = make([]func(), len(fs))
	)
	whatFor := func(fl fault) string {
		if w, ok := fl.what[name]; ok {
			return w
		}
		return fl.what[""]
	}
	stop := make(chan struct{})
	var out, errb bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		Watch(t.Context(), WatchOptions{Source: watch.Options{Backend: backend, Syscalls: true}, Out: &out, Err: &errb, Stop: stop,
			OnFinding: func(f *live.Finding, d *diagnose.Diagnosis) {
				mu.Lock()
				got = append(got, caught{f, d})
				var done []func()
				for i, fl := range fs {
					if release[i] != nil && (f.Proc.PID == pids[i] || contains(f.Proc.Ancestors, pids[i]) || ancestorOf(f, pids[i])) &&
						containsAll(f.What, strings.Split(whatFor(fl), " && ")) {
						done = append(done, release[i])
					}
				}
				mu.Unlock()
				for _, r := range done {
					r()
				}
			},
			Ready: func(watch.Source) {
				go func() {
					defer close(stop)
					var wg sync.WaitGroup
					for i, fl := range fs {
						argv := make([]string, len(fl.argv))
						for j, a := range fl.argv {
							argv[j] = strings.ReplaceAll(a, "%s", ns.Name)
						}
						cmd := exec.Command(argv[0], argv[1:]...)
						cmd.Env = append(os.Environ(), fl.env...)
						r, w, err := os.Pipe()
						if err != nil {
							t.Errorf("%s: pipe: %v", fl.name, err)
							continue
						}
						cmd.Stdin = r
						err = cmd.Start()
						r.Close()
						if err != nil {
							w.Close()
							t.Errorf("%s: start %v: %v", fl.name, argv, err)
							continue
						}
						var once sync.Once
						free := func() { once.Do(func() { w.Close() }) }
						mu.Lock()
						pids[i] = cmd.Process.Pid
						release[i] = free
						mu.Unlock()
						if _, unseen := fl.unseen[name]; unseen {
							free() // no finding will come: nothing to wait for
						} else {
							time.AfterFunc(20*time.Second, free) // its finding never came: the test says so
						}
						wg.Add(1)
						go func() { defer wg.Done(); cmd.Wait() }()
						time.Sleep(100 * time.Millisecond)
					}
					wg.Wait()
					time.Sleep(300 * time.Millisecond)
				}()
			}})
	}()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("watch did not stop")
	}
	t.Logf("watch output:\n%s\n%s", errb.String(), out.String())
	for i, fl := range fs {
		t.Run(fl.name, func(t *testing.T) {
			if why, ok := fl.unseen[name]; ok {
				t.Skipf("%s cannot see this: %s", name, why)
			}
			what, ok := fl.what[name]
			if !ok {
				what = fl.what[""]
			}
			var match *caught
			mu.Lock()
			for j := range got {
				c := &got[j]
				if c.f.Proc.PID == pids[i] || contains(c.f.Proc.Ancestors, pids[i]) || ancestorOf(c.f, pids[i]) {
					if containsAll(c.f.What, strings.Split(what, " && ")) {
						match = c
						break
					}
				}
			}
			mu.Unlock()
			if match == nil {
				t.Fatalf("no finding with %q for PID %d's tree", what, pids[i])
			}
			if match.f.Proc.Comm != fl.comm {
				t.Errorf("finding names %q, want %q", match.f.Proc.Comm, fl.comm)
			}
			if match.d == nil || len(match.d.Results) == 0 {
				t.Fatalf("finding %q was not diagnosed", match.f.What)
			}
			// The first cause the evidence does not rule out: the ranking
			// table may list a cause first that the facts then rule out (a
			// tun open's EACCES names a security module first; none
			// confines anything here).
			r := match.d.Results[0]
			for _, x := range match.d.Results {
				if x.Status != diagnose.OK {
					r = x
					break
				}
			}
			if r.ID != fl.cause {
				t.Errorf("first cause %s (%s: %v), want %s; symptom %s; examined %s", r.ID, r.Status, r.Evidence, fl.cause,
					match.f.Symptom.SymptomLine(), match.d.Note)
			}
		})
	}
}

// containsAll: every part is in s (the order of a finding's parts follows
// the order its events arrived in).
func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// ancestorOf: the finding's parent chain reaches pid (through exec'd
// wrappers, whose PID stays the same).
func ancestorOf(f *live.Finding, pid int) bool { return f.Proc.PPID == pid }

// waitFor polls cond for up to d.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

// SIGINT stops watch cleanly and removes its instance; after SIGKILL, the
// next start removes the dead watcher's instance (and mount).
func TestWatchSignals(t *testing.T) {
	testns.Require(t)
	if src, _, err := watch.Open(watch.Options{Backend: "tracefs"}); err != nil {
		t.Skipf("tracefs back end unavailable here: %v", err)
	} else {
		src.Close()
	}
	bin := watchBinary(t)
	t.Cleanup(func() { watch.CleanStale() })
	start := func() *exec.Cmd {
		cmd := exec.Command(bin, "watch", "--backend", "tracefs", "--for", "60s")
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		if !waitFor(10*time.Second, func() bool { return len(watch.Leftovers(cmd.Process.Pid)) > 0 }) {
			t.Fatalf("watch made no tracing instance: %s", errb.String())
		}
		return cmd
	}
	cmd := start()
	cmd.Process.Signal(os.Interrupt)
	if err := cmd.Wait(); err != nil {
		t.Errorf("watch after SIGINT: %v", err)
	}
	if left := watch.Leftovers(cmd.Process.Pid); len(left) > 0 {
		t.Errorf("after SIGINT, left behind: %v", left)
	}
	killed := start()
	killed.Process.Kill()
	killed.Wait()
	if len(watch.Leftovers(killed.Process.Pid)) == 0 {
		t.Fatal("SIGKILL left nothing: the stale-instance check proves nothing")
	}
	if out, err := exec.Command(bin, "watch", "--backend", "tracefs", "--for", "100ms", "--no-diagnose").CombinedOutput(); err != nil {
		t.Fatalf("watch --for: %v: %s", err, out)
	}
	if left := watch.Leftovers(killed.Process.Pid); len(left) > 0 {
		t.Errorf("the next start did not remove what a SIGKILLed watcher left: %v", left)
	}
}
