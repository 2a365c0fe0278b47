package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

func ipForward(t *testing.T, ns *testns.NS) string {
	t.Helper()
	out, err := ns.Exec("/bin/cat", "/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatalf("read ip_forward: %v %s", err, out)
	}
	return strings.TrimSpace(out)
}

func setIPForward(t *testing.T, ns *testns.NS, v string) {
	t.Helper()
	if out, err := ns.Exec("/bin/sh", "-c", "echo "+v+" > /proc/sys/net/ipv4/ip_forward"); err != nil {
		t.Fatalf("set ip_forward: %v %s", err, out)
	}
}

// Finding 2: a fix applied under `ip netns exec A` (no --netns: the entry
// names no namespace) is undone in A, whether undo runs from the host or
// from namespace B.
func TestUndoEntersTheRecordedNamespace(t *testing.T) {
	a, b := testns.New(t), testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	f := Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "0")}
	for _, from := range []string{"host", "B"} {
		setIPForward(t, a, "1")
		var e Entry
		err := netns.Do(a.Path(), func() error { // as under `ip netns exec A`
			var err error
			e, err = ApplyFix(ctx, env, f)
			return err
		})
		if err != nil || ipForward(t, a) != "0" {
			t.Fatalf("apply in A: %v", err)
		}
		if e.Object == nil || e.Object.NetNS == nil || e.Object.NetNS.Cookie == 0 {
			t.Fatalf("the entry does not identify its namespace: %+v", e.Object)
		}
		undo := func() error { _, err := UndoFix(ctx, env, e.ID); return err }
		if from == "B" {
			err = netns.Do(b.Path(), undo)
		} else {
			err = undo()
		}
		if err != nil {
			t.Fatalf("undo from %s: %v", from, err)
		}
		if ipForward(t, a) != "1" || ipForward(t, b) != "0" {
			t.Fatalf("undo from %s: A=%s B=%s, want A=1 B=0", from, ipForward(t, a), ipForward(t, b))
		}
	}
}

// Finding 2: a namespace that is gone (or whose nsfs inode was reused by
// another one: the cookie differs) is refused; nothing is written.
func TestUndoRefusesAGoneNamespace(t *testing.T) {
	testns.Require(t)
	name := fmt.Sprintf("rtnldoc-gone-%d", os.Getpid())
	if out, err := exec.Command(testns.IP, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	defer exec.Command(testns.IP, "netns", "del", name).Run()
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", "/run/netns/"+name)})
	if err != nil {
		t.Fatal(err)
	}
	// Same name again, a new namespace (it may even get the same inode).
	exec.Command(testns.IP, "netns", "del", name).Run()
	if out, err := exec.Command(testns.IP, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	_, err = UndoFix(ctx, env, e.ID)
	if err == nil || !strings.Contains(err.Error(), "no longer exists") {
		t.Fatalf("undo in a namespace that is gone: %v", err)
	}
	// A forged identity with the right inode but another cookie.
	id, _ := netnsIdentity("/run/netns/" + name)
	forged := *id
	forged.Cookie++
	if _, err := findNetns(&forged); err == nil {
		t.Fatal("an nsfs inode with another cookie was accepted")
	}
}

// Finding 2: PID reuse, forced with ns_last_pid in a private PID
// namespace: undo must not touch the process that now has the PID.
func TestUndoRefusesAReusedPID(t *testing.T) {
	jdir := t.TempDir()
	inPrivatePIDNamespace(t, "REFUSED-REUSED-PID-NETNS", "RTNL_DOCTOR_PIDNS_CHILD="+jdir)
}

// pidReuseChild runs as PID 1 of a new PID namespace (and a private mount
// namespace for its /proc).
func pidReuseChild(jdir string) int {
	fail := func(f string, a ...any) int { fmt.Printf(f+"\n", a...); return failOrRetry() }
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fail("private: %v", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", 0, ""); err != nil {
		return fail("mount proc: %v", err)
	}
	first := exec.Command(testns.Sleep, "60")
	if err := first.Start(); err != nil {
		return fail("start: %v", err)
	}
	pid := first.Process.Pid
	time.Sleep(50 * time.Millisecond)
	j, err := OpenJournal(jdir)
	if err != nil {
		return fail("journal: %v", err)
	}
	env := &ActionEnv{Journal: j}
	cur, _ := getNofile(pid)
	e, err := ApplyFix(context.Background(), env, Fix{ID: "t/nofile", Action: Act("prlimit", "pid", strconv.Itoa(pid), "soft", "333", "hard", rlimText(cur.Max))})
	if err != nil {
		return fail("apply: %v", err)
	}
	first.Process.Kill()
	first.Wait()
	// The next PID handed out is pid again.
	if err := os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0); err != nil {
		return fail("ns_last_pid: %v", err)
	}
	second := exec.Command(testns.Sleep, "61")
	if err := second.Start(); err != nil {
		return fail("start: %v", err)
	}
	defer func() { second.Process.Kill(); second.Wait() }()
	if second.Process.Pid != pid {
		notReused(fmt.Errorf("got %d, wanted %d", second.Process.Pid, pid))
		return fail("PID not reused")
	}
	time.Sleep(50 * time.Millisecond)
	before, _ := getNofile(pid)
	// A process the fix did not change is not touched: the apply of a
	// preview made for the old process is refused ...
	if _, err := ApplyPreviewed(context.Background(), env, Fix{ID: "t/nofile", Action: e.Action}, Preview{Old: e.Old, Object: e.Object}); err == nil || !strings.Contains(err.Error(), "another process") {
		return fail("apply after PID reuse: %v", err)
	}
	// ... and undo reverts nothing: the limits it set went with the old
	// process.
	u, err := UndoFix(context.Background(), env, e.ID)
	after, _ := getNofile(pid)
	if err != nil || !strings.Contains(u.Note, "another process") || !strings.Contains(u.Note, "not touched") {
		return fail("undo after PID reuse: %v %q", err, u.Note)
	}
	if before != after {
		return fail("the new process's limits changed: %v → %v", before, after)
	}
	fmt.Println("REFUSED-REUSED-PID:", u.Note)

	// The same with a namespace named by PID (--pid: /proc/PID/ns/net):
	// the process's own network namespace goes with it; the next process
	// with that PID, in another namespace, is not written to.
	second.Process.Kill()
	second.Wait()
	os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0)
	// Each process says when it is in its new namespace.
	ready := func(name string) string { return filepath.Join(jdir, name) }
	waitFor := func(p string) bool {
		for i := 0; i < 500; i++ {
			if _, err := os.Stat(p); err == nil {
				return true
			}
			time.Sleep(10 * time.Millisecond)
		}
		return false
	}
	third := exec.Command("/usr/bin/unshare", "-n", "--", "/bin/sh", "-c", "touch "+ready("third")+" && exec "+testns.Sleep+" 62")
	if err := third.Start(); err != nil || third.Process.Pid != pid {
		return fail("start in a new netns: %v", err)
	}
	defer func() { third.Process.Kill(); third.Wait() }()
	nsPath := "/proc/" + strconv.Itoa(pid) + "/ns/net"
	readFwd := func() string { return ipForwardIn(nsPath) }
	if !waitFor(ready("third")) || readLink(nsPath) == readLink("/proc/self/ns/net") {
		return fail("the third process is not in a namespace of its own")
	}
	n, err := ApplyFix(context.Background(), env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", nsPath)})
	if err != nil {
		return fail("apply in the process's netns: %v", err)
	}
	third.Process.Kill()
	third.Wait()
	os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0)
	fourth := exec.Command("/usr/bin/unshare", "-n", "--", "/bin/sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward && touch "+ready("fourth")+" && exec "+testns.Sleep+" 63")
	if err := fourth.Start(); err != nil || fourth.Process.Pid != pid {
		return fail("start the fourth: %v", err)
	}
	defer func() { fourth.Process.Kill(); fourth.Wait() }()
	if !waitFor(ready("fourth")) {
		return fail("the fourth process did not start")
	}
	nu, err := UndoFix(context.Background(), env, n.ID)
	if err == nil || !strings.Contains(err.Error(), "no longer exists") || readFwd() != "1" {
		return fail("undo in a reused PID's namespace: %v (ip_forward there %s) %s", err, readFwd(), nu.Note)
	}
	fmt.Println("REFUSED-REUSED-PID-NETNS:", err)
	return 0
}

func readLink(p string) string { s, _ := os.Readlink(p); return s }

// Finding 3: a route replaced again since the fix is not restored over;
// the difference is shown; --force overrides and is journaled.
func TestUndoComparesRoute(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "d0", "type", "veth", "peer", "name", "d1")
	ns.IP("link", "set", "d0", "up")
	ns.IP("addr", "add", "10.9.0.1/24", "dev", "d0")
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/route", Action: Act("route-add", "netns", ns.Path(), "dst", "10.99.0.0/24", "via", "10.9.0.2", "dev", "d0", "family", "inet")})
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("route", "replace", "10.99.0.0/24", "via", "10.9.0.3")
	_, err = UndoFix(ctx, env, e.ID)
	if err == nil || !strings.Contains(err.Error(), "no longer as the fix left it") || !strings.Contains(err.Error(), "10.9.0.3") {
		t.Fatalf("undo over a changed route: %v", err)
	}
	if !strings.Contains(ns.IP("route", "show", "10.99.0.0/24"), "10.9.0.3") {
		t.Fatal("the admin's route was touched")
	}
	// addRoute applies the fix's route to dst; forcedUndo undoes it with
	// --force and checks nothing is left to dst (the state before the fix).
	addRoute := func(id, dst string) Entry {
		t.Helper()
		e, err := ApplyFix(ctx, env, Fix{ID: id, Action: Act("route-add", "netns", ns.Path(), "dst", dst, "via", "10.9.0.2", "dev", "d0", "family", "inet")})
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	forcedUndo := func(e Entry, dst, what string) {
		t.Helper()
		env.Force = true
		defer func() { env.Force = false }()
		if u, err := UndoFix(ctx, env, e.ID); err != nil || !u.Forced || strings.TrimSpace(ns.IP("route", "show", dst)) != "" {
			t.Fatalf("forced undo %s: %v %+v; left %q", what, err, u, ns.IP("route", "show", dst))
		}
	}
	// --force restores the state before the fix over the changed route:
	// no route to the destination (not ESRCH for the gateway it had).
	forcedUndo(e, "10.99.0.0/24", "of a re-replaced route")
	// The same route put back by a daemon under its own protocol (a DHCP
	// client, networkd) is the daemon's now: undo leaves it.
	e = addRoute("t/route2", "10.98.0.0/24")
	ns.IP("route", "replace", "10.98.0.0/24", "via", "10.9.0.2", "dev", "d0", "proto", "dhcp")
	_, err = UndoFix(ctx, env, e.ID)
	if err == nil || !strings.Contains(err.Error(), "proto is dhcp (the fix left boot)") {
		t.Fatalf("undo over the same route under another protocol: %v", err)
	}
	if !strings.Contains(ns.IP("route", "show", "10.98.0.0/24"), "proto dhcp") {
		t.Fatal("the daemon's route was touched")
	}
	// Forced, undo removes the daemon's route too (the state before the
	// fix had none), and says it was forced.
	forcedUndo(e, "10.98.0.0/24", "over a route of another protocol")
	// Put back as the fix left it (proto boot): undo removes it.
	e = addRoute("t/route3", "10.98.0.0/24")
	ns.IP("route", "replace", "10.98.0.0/24", "via", "10.9.0.2", "dev", "d0", "proto", "boot")
	if _, err = UndoFix(ctx, env, e.ID); err != nil || strings.TrimSpace(ns.IP("route", "show", "10.98.0.0/24")) != "" {
		t.Fatalf("undo of the route as the fix left it: %v", err)
	}
	// --force restores the old state over a change made since, and the
	// journal says so.
	s, err := ApplyFix(ctx, env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", ns.Path())})
	if err != nil {
		t.Fatal(err)
	}
	setIPForward(t, ns, "0")
	setIPForward(t, ns, "1") // changed and back: still as the fix left it
	if _, err := UndoFix(ctx, env, s.ID); err != nil {
		t.Fatalf("undo of an unchanged sysctl: %v", err)
	}
	s, _ = ApplyFix(ctx, env, Fix{ID: "t/somaxconn", Action: Act("sysctl", "key", "net.core.somaxconn", "value", "5000", "netns", ns.Path())})
	ns.Exec("/bin/sh", "-c", "echo 6000 > /proc/sys/net/core/somaxconn")
	if _, err := UndoFix(ctx, env, s.ID); err == nil || !strings.Contains(err.Error(), "value is 6000 (the fix left 5000)") {
		t.Fatalf("undo over a changed sysctl: %v", err)
	}
	env.Force = true
	u, err := UndoFix(ctx, env, s.ID)
	if err != nil || !u.Forced || !strings.Contains(u.Note, "forced") {
		t.Fatalf("forced undo: %v %+v", err, u)
	}
	acts, _ := env.Journal.Actions()
	if !acts[len(acts)-1].Forced {
		t.Fatal("the journal does not record the forced undo")
	}
	if out, _ := ns.Exec("/bin/cat", "/proc/sys/net/core/somaxconn"); strings.TrimSpace(out) == "5000" || strings.TrimSpace(out) == "6000" {
		t.Fatalf("somaxconn after the forced undo: %s", out)
	}
}

// Finding 3: persistent settings are edited line by line: a line the
// admin appended since survives undo, the file is never deleted, and two
// fixes of one key are undone last-in-first-out.
func TestUndoPersistLineByLine(t *testing.T) {
	root := t.TempDir()
	env := testEnv(t, root)
	ctx := context.Background()
	conf := filepath.Join(root, "etc/sysctl.d/90-rtnl-doctor.conf")
	os.MkdirAll(filepath.Dir(conf), 0o755)
	e, err := ApplyFix(ctx, env, PersistFix("t/p", "fs.file-max", "400000"))
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(conf, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("vm.swappiness = 5\n")
	f.Close()
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(conf)
	if err != nil || strings.Contains(string(b), "fs.file-max") || !strings.Contains(string(b), "vm.swappiness = 5") {
		t.Fatalf("after undo: %q %v", b, err)
	}
	// Two fixes of one key: the older cannot be undone first.
	e1, _ := ApplyFix(ctx, env, PersistFix("t/p1", "fs.file-max", "100"))
	e2, _ := ApplyFix(ctx, env, PersistFix("t/p2", "fs.file-max", "200"))
	if _, err := UndoFix(ctx, env, e1.ID); err == nil || !strings.Contains(err.Error(), e2.ID) {
		t.Fatalf("out-of-order undo: %v", err)
	}
	for i := 0; i < 2; i++ {
		if _, err := UndoFix(ctx, env, ""); err != nil {
			t.Fatalf("undo %d: %v", i, err)
		}
	}
	if b2, _ := os.ReadFile(conf); string(b2) != string(b) {
		t.Fatalf("after both undos %q, want %q", b2, b)
	}
}

// Finding 4: an apply interrupted after the change (kill -9 before "done")
// is what plain undo reverts, from the live state, not an older action.
func TestPlainUndoTakesTheInterruptedApply(t *testing.T) {
	root := t.TempDir()
	env := testEnv(t, root)
	ctx := context.Background()
	os.MkdirAll(filepath.Join(root, "etc/sysctl.d"), 0o755)
	older, err := ApplyFix(ctx, env, Fix{ID: "t/old", Action: Act("write-file", "path", "/etc/modules-load.d/a.conf", "content", "a\n")})
	if err != nil {
		t.Fatal(err)
	}
	func() {
		defer func() { recover() }()
		faultHook = func(s string) {
			if s == "changed" {
				panic("killed")
			}
		}
		defer func() { faultHook = nil }()
		ApplyFix(ctx, env, PersistFix("t/new", "fs.file-max", "400000"))
	}()
	acts, _ := env.Journal.Actions()
	if len(acts) != 2 || !acts[1].Interrupted() {
		t.Fatalf("journal: %+v", acts)
	}
	u, err := UndoFix(ctx, env, "")
	if err != nil || u.ID == older.ID {
		t.Fatalf("plain undo took %s: %v", u.ID, err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/sysctl.d/90-rtnl-doctor.conf")); strings.Contains(string(b), "fs.file-max") {
		t.Fatalf("the interrupted change is still there: %q", b)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/modules-load.d/a.conf")); err != nil {
		t.Fatal("the older action was undone")
	}
}

// Finding 4: two concurrent undos of one action undo it once (flock).
func TestConcurrentUndosUndoOnce(t *testing.T) {
	root := t.TempDir()
	dir := t.TempDir()
	ctx := context.Background()
	j1, _ := OpenJournal(dir)
	e, err := ApplyFix(ctx, &ActionEnv{Root: root, Journal: j1}, Fix{ID: "t/w", Action: Act("write-file", "path", "/etc/modules-load.d/a.conf", "content", "a\n")})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			j, _ := OpenJournal(dir) // as a separate process would
			_, errs[i] = UndoFix(ctx, &ActionEnv{Root: root, Journal: j}, e.ID)
		}(i)
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
		} else if !strings.Contains(err.Error(), "already undone") {
			t.Fatalf("concurrent undo: %v", err)
		}
	}
	es, _ := j1.Entries()
	undone := 0
	for _, x := range es {
		if x.Phase == PhaseUndone {
			undone++
		}
	}
	if ok != 1 || undone != 1 {
		t.Fatalf("%d undos succeeded, %d undone entries", ok, undone)
	}
}

// Finding 4: SIGTERM during undo is held until the undo is complete and
// journaled.
func TestSignalDuringUndo(t *testing.T) {
	if dir := os.Getenv("RTNL_DOCTOR_UNDO_SIGNAL_CHILD"); dir != "" {
		root := os.Getenv("RTNL_DOCTOR_UNDO_SIGNAL_ROOT")
		j, _ := OpenJournal(dir)
		slow := func(ctx context.Context, to time.Duration, name string, args ...string) (sysexec.Result, error) {
			os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
			time.Sleep(time.Second)
			return fakeRunner(root)(ctx, to, name, args...)
		}
		e, err := UndoFix(context.Background(), &ActionEnv{Root: root, Journal: j, Run: slow}, "")
		if err == nil && e.Signal != "" {
			os.Exit(7)
		}
		fmt.Println(err)
		os.Exit(3)
	}
	testns.Require(t)
	dir, root := t.TempDir(), t.TempDir()
	fixture.Write(t, root, map[string]string{"sys/fs/selinux/enforce": "1\n"})
	j, _ := OpenJournal(dir)
	if _, err := ApplyFix(context.Background(), &ActionEnv{Root: root, Journal: j, Run: fakeRunner(root)}, Fix{ID: "t/se", Action: Act("helper", "op", "selinux-permissive")}); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestSignalDuringUndo$")
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_UNDO_SIGNAL_CHILD="+dir, "RTNL_DOCTOR_UNDO_SIGNAL_ROOT="+root)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 7 {
		t.Fatalf("the undo was cut off by SIGTERM: %v", err)
	}
	acts, _ := j.Actions()
	if acts[0].Phase != PhaseUndone || acts[0].Signal == "" || !strings.Contains(acts[0].Note, "not verified on a live system") {
		t.Fatalf("journal: %+v", acts[0])
	}
	if b, _ := os.ReadFile(filepath.Join(root, "sys/fs/selinux/enforce")); string(b) != "1\n" {
		t.Fatalf("enforce %q", b)
	}
}

// Section 5: /dev fixes act in the target's mount namespace, never in
// rtnl-doctor's own /dev, and never through a symlinked /dev/net.
func TestTunFixesInTargetMountNamespace(t *testing.T) {
	testns.Require(t)
	var hostBefore unix.Stat_t
	hostErr := unix.Lstat("/dev/net/tun", &hostBefore)
	target := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mount -t tmpfs -o mode=0755 tmpfs /dev/net && exec "+testns.Sleep+" 60")
	pid := strconv.Itoa(target.Process.Pid)
	inTarget := "/proc/" + pid + "/root/dev/net/tun"
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/mknod", Action: Act("mknod-tun", "path", "/dev/net/tun", "mode", "0600", "pid", pid)})
	if err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(inTarget, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Mode&0o777 != 0o600 {
		t.Fatalf("node in the target: %v %o", err, st.Mode)
	}
	c, err := ApplyFix(ctx, env, Fix{ID: "t/chmod", Action: Act("chmod", "path", "/dev/net/tun", "mode", "0666", "pid", pid)})
	if err != nil {
		t.Fatal(err)
	}
	unix.Lstat(inTarget, &st)
	if st.Mode&0o777 != 0o666 {
		t.Fatalf("mode in the target %o", st.Mode&0o777)
	}
	var hostAfter unix.Stat_t
	if err := unix.Lstat("/dev/net/tun", &hostAfter); (err == nil) != (hostErr == nil) || hostAfter.Ino != hostBefore.Ino || hostAfter.Mode != hostBefore.Mode {
		t.Fatalf("the host's /dev/net/tun changed: %v %o → %o", err, hostBefore.Mode, hostAfter.Mode)
	}
	if _, err := UndoFix(ctx, env, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	if err := unix.Lstat(inTarget, &st); err == nil {
		t.Fatal("undo left the node in the target")
	}

	// A target whose /dev/net is a symlink: refused, nothing created.
	evil := t.TempDir()
	sym := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mount -t tmpfs tmpfs /dev && ln -s "+evil+" /dev/net && exec "+testns.Sleep+" 60")
	spid := strconv.Itoa(sym.Process.Pid)
	for _, a := range []*Action{Act("mknod-tun", "path", "/dev/net/tun", "mode", "0666", "pid", spid), Act("chmod", "path", "/dev/net/tun", "mode", "0666", "pid", spid)} {
		if _, err := ApplyFix(ctx, env, Fix{ID: "t/" + a.Kind, Action: a}); err == nil || !strings.Contains(err.Error(), "symlink") {
			t.Fatalf("%s through a symlinked /dev/net: %v", a.Kind, err)
		}
	}
	if ents, _ := os.ReadDir(evil); len(ents) != 0 {
		t.Fatalf("something was created through the symlink: %v", ents)
	}
}

// Section 5: setcap undo does not follow a symlink swapped in since, nor
// change another file put in its place.
func TestSetcapUndoChecksTheFile(t *testing.T) {
	testns.Require(t)
	root := t.TempDir()
	p := filepath.Join(root, setcapTestProg)
	other := filepath.Join(filepath.Dir(p), "other")
	writeProg(t, p)
	writeProg(t, other)
	env := testEnv(t, root)
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/setcap", Action: Act("setcap", "path", setcapTestProg, "caps", "cap_net_admin+ep")})
	if err != nil {
		t.Fatal(err)
	}
	otherSet, _ := fileCapText(other)
	// Swap a symlink in.
	os.Rename(p, p+".orig")
	os.Symlink(other, p)
	env.Force = true
	if _, err := UndoFix(ctx, env, e.ID); err == nil {
		t.Fatal("undo through a swapped-in symlink succeeded")
	}
	// Swap another file in (a new inode, same content).
	os.Remove(p)
	b, _ := os.ReadFile(other)
	os.WriteFile(p, b, 0o755)
	// --force ID closes the entry without touching the other file.
	if u, err := UndoFix(ctx, env, e.ID); err != nil || !u.Forced || !strings.Contains(u.Note, "not the object the fix changed") {
		t.Fatalf("undo on another file: %v %+v", err, u)
	}
	if c, _ := fileCapText(other); c != otherSet {
		t.Fatalf("the other file's capabilities changed: %q", c)
	}
}

// Section 5: a config edit whose reload failed is journaled as partial
// and can be undone; "Undo with:" is offered only for undoable changes.
func TestEditWithFailedReloadIsUndoable(t *testing.T) {
	root := t.TempDir()
	fixture.Write(t, root, map[string]string{"etc/systemd/network/10-a.network": "[Match]\nName=a\n"})
	env := testEnv(t, root)
	fail := true
	env.Run = func(ctx context.Context, to time.Duration, name string, args ...string) (sysexec.Result, error) {
		if fail {
			return sysexec.Result{Exit: 1}, errors.New("networkctl: exit status 1")
		}
		return sysexec.Result{}, nil
	}
	env.Edit = func(path string, _ int) error { return os.WriteFile(path, []byte("[Match]\nName=b\n"), 0o644) }
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/edit", Action: Act("edit", "path", "/etc/systemd/network/10-a.network", "reload", "networkd")})
	if err == nil || e.Phase != PhasePartial {
		t.Fatalf("apply: %v, phase %s", err, e.Phase)
	}
	if ok, why := CanUndo(e); !ok {
		t.Fatalf("a saved edit whose reload failed cannot be undone: %s", why)
	}
	fail = false
	if _, err := UndoFix(ctx, env, ""); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "etc/systemd/network/10-a.network")); string(b) != "[Match]\nName=a\n" {
		t.Fatalf("after undo %q", b)
	}
	for _, c := range []struct {
		a  *Action
		ok bool
	}{
		{Act("helper", "op", "networkd-reload"), false},
		{Act("helper", "op", "nm-reload"), false},
		{Act("compact-memory"), false},
		{Act("link-delete", "name", "x"), false},
		{Act("helper", "op", "selinux-permissive"), true},
		{Act("sysctl", "key", "fs.file-max", "value", "1"), true},
	} {
		if ok, _ := CanUndo(Entry{Phase: PhaseDone, Action: c.a}); ok != c.ok {
			t.Errorf("CanUndo(%s %v) = %v", c.a.Kind, c.a.Params, ok)
		}
	}
	failed := Entry{Phase: PhaseFailed, Action: Act("sysctl", "key", "fs.file-max", "value", "1")}
	if ok, _ := CanUndo(failed); ok {
		t.Error("a failed change offers undo")
	}
}

// Finding 4: an interrupted apply whose outcome cannot be read back is
// shown as such; plain undo does not skip it for an older fix; after a
// check by hand, undo --force ID closes it without changing anything.
func TestInterruptedUnknownIsNotSkipped(t *testing.T) {
	root := t.TempDir()
	fixture.Write(t, root, map[string]string{"etc/systemd/network/10-a.network": "[Match]\nName=a\n"})
	env := testEnv(t, root)
	ctx := context.Background()
	older, err := ApplyFix(ctx, env, Fix{ID: "t/old", Action: Act("write-file", "path", "/etc/modules-load.d/a.conf", "content", "a\n")})
	if err != nil {
		t.Fatal(err)
	}
	// An edit interrupted after the intent, its backup made unreadable.
	func() {
		defer func() { recover() }()
		faultHook = func(s string) {
			if s == "intent" {
				panic("killed")
			}
		}
		defer func() { faultHook = nil }()
		env.Edit = func(string, int) error { return nil }
		ApplyFix(ctx, env, Fix{ID: "t/edit", Action: Act("edit", "path", "/etc/systemd/network/10-a.network")})
	}()
	os.Remove(filepath.Join(root, "etc/systemd/network/10-a.network"))
	os.Mkdir(filepath.Join(root, "etc/systemd/network/10-a.network"), 0o755) // unreadable as a file
	_, err = UndoFix(ctx, env, "")
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("plain undo: %v", err)
	}
	if _, err := os.Stat(filepath.Join(root, "etc/modules-load.d/a.conf")); err != nil {
		t.Fatal("plain undo skipped the interrupted entry and undid an older fix")
	}
	acts, _ := env.Journal.Actions()
	env.Force = true
	if _, err := UndoFix(ctx, env, acts[1].ID); err != nil {
		t.Fatalf("closing it with --force: %v", err)
	}
	env.Force = false
	if u, err := UndoFix(ctx, env, ""); err != nil || u.ID != older.ID {
		t.Fatalf("plain undo after closing: %v %s", err, u.ID)
	}
}

// The named helper operations build their argv from validated parameters:
// an argument cannot become an option or leave its directory.
func TestHelperArgvIsBuilt(t *testing.T) {
	for _, c := range []struct {
		a  *Action
		ok bool
	}{
		{Act("helper", "op", "apparmor-reload", "arg", "/etc/apparmor.d/usr.bin.foo"), true},
		{Act("helper", "op", "apparmor-reload", "arg", "/etc/apparmor.d/../shadow"), false},
		{Act("helper", "op", "apparmor-reload", "arg", "/tmp/x"), false},
		{Act("helper", "op", "apparmor-complain", "arg", "-r"), false},
		{Act("helper", "op", "selinux-permissive-domain", "arg", "svirt_t;id"), false},
		{Act("helper", "op", "networkd-reload", "arg", "x"), false},
		{Act("helper", "op", "rm"), false},
	} {
		err := ValidateAction(c.a)
		if err == nil {
			err = checkHelperArg(c.a)
		}
		if (err == nil) != c.ok {
			t.Errorf("%v: %v", c.a.Params, err)
		}
	}
}

// The typed constructors build actions their kinds accept; the journal
// validation refuses the same kinds with a wrong parameter.
func TestTypedConstructorsValidate(t *testing.T) {
	for _, a := range []*Action{
		sysctlAct("net.ipv6.conf.eth0.100.disable_ipv6", "0", "/run/netns/x", "eth0.100"),
		sysctlPersistAct("/etc/sysctl.d/90-rtnl-doctor.conf", "fs.file-max", "400000"),
		writeFileAct("/etc/security/limits.d/90-rtnl-doctor.conf", "*  soft  nofile  65536\n", 0o644),
		EditAct("/etc/systemd/network/10-a.network", 3, ReloadNetworkd),
		setcapAct("/usr/local/bin/prog", "cap_net_admin+ep"),
		prlimitAct(42, "65536", "unlimited"),
		modprobeAct("tun"),
		compactAct(),
		MknodTunAct(0o666, "42"),
		ChmodAct("/etc/NetworkManager/system-connections/a.nmconnection", 0o600, 0, 0, ""),
		HelperAct(opNetworkdReload, ""),
		HelperAct(opNMReload, ""),
		HelperAct(opSystemdDaemonReload, ""),
		HelperAct(opApparmorReload, "/etc/apparmor.d/usr.bin.foo"),
		HelperAct(OpSELinuxPermissiveDomain, "svirt_t"),
		HelperAct(OpSELinuxPermissive, ""),
		HelperAct(OpApparmorComplain, "/usr/bin/foo"),
	} {
		if err := ValidateAction(a); err != nil {
			t.Errorf("%s %v: %v", a.Kind, a.Params, err)
		}
	}
	for _, a := range []*Action{
		sysctlPersistAct("/etc/sysctl.conf", "fs.file-max", "1"),
		writeFileAct("/etc/passwd", "x", 0o644),
		EditAct("/etc/shadow", 1, ""),
		ChmodAct("/etc/shadow", 0o666, -1, -1, ""),
		sysctlAct("kernel.core_pattern", "|/tmp/x", "", ""),
		sysctlAct("kernel.modprobe", "/tmp/x", "", ""),
		setcapAct("relative/path", "cap_net_admin+ep"),
	} {
		if err := ValidateAction(a); err == nil {
			t.Errorf("%s %v accepted", a.Kind, a.Params)
		}
	}
}

// An IPv6 route the fix added without a metric has metric 1024: undo, plain
// or forced, deletes that route and never another route to the same
// destination with a lower metric (a delete with metric 0 would match the
// lowest; attacker review).
func TestUndoIPv6RouteKeepsOtherMetrics(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "d0", "type", "veth", "peer", "name", "d1")
	ns.IP("link", "set", "d0", "up")
	ns.IP("link", "set", "d1", "up")
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/route6", Action: Act("route-add", "netns", ns.Path(), "dst", "2001:db8:9::/64", "via", "fe80::2", "dev", "d0", "family", "inet6")})
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("-6", "route", "add", "2001:db8:9::/64", "via", "fe80::2", "dev", "d0", "metric", "10")
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	got := ns.IP("-6", "route", "show", "2001:db8:9::/64")
	if !strings.Contains(got, "metric 10 ") || strings.Contains(got, "metric 1024") {
		t.Fatalf("after undo: %q (want the admin's metric 10 kept, the fix's 1024 gone)", got)
	}
	// Forced, after the fix's route changed gateway: the key (metric 1024)
	// is deleted, never the metric 10 route.
	e, err = ApplyFix(ctx, env, Fix{ID: "t/route6b", Action: Act("route-add", "netns", ns.Path(), "dst", "2001:db8:9::/64", "via", "fe80::2", "dev", "d0", "family", "inet6")})
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("-6", "route", "replace", "2001:db8:9::/64", "via", "fe80::3", "dev", "d0", "metric", "1024")
	env.Force = true
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	got = ns.IP("-6", "route", "show", "2001:db8:9::/64")
	if !strings.Contains(got, "metric 10 ") || strings.Contains(got, "metric 1024") {
		t.Fatalf("after forced undo: %q", got)
	}
}
