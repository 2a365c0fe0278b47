package fix

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

// Finding 2 (object identity), the window after the check: undo found the
// recorded namespace through /proc/PID/ns/net and checked its cookie, then
// opened that path again to make the change. A process that ends in
// between and whose PID is reused by a process in another namespace got
// the write. Undo now holds the namespace it checked (a descriptor) and
// makes the change through it.
func TestUndoActsInTheNamespaceItChecked(t *testing.T) {
	jdir := t.TempDir()
	inPrivatePIDNamespace(t, "UNDONE-IN-THE-CHECKED-NETNS", "RTNL_DOCTOR_PINRACE_CHILD="+jdir)
}

// pinRaceChild runs as PID 1 of a new PID namespace with its own /proc.
func pinRaceChild(jdir string) int {
	fail := func(f string, a ...any) int { fmt.Printf(f+"\n", a...); return failOrRetry() }
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return fail("private: %v", err)
	}
	if err := unix.Mount("proc", "/proc", "proc", 0, ""); err != nil {
		return fail("mount proc: %v", err)
	}
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
	if os.Getenv("RTNL_DOCTOR_PINRACE_DEV") != "" {
		return pinRaceDev(jdir, ready, waitFor)
	}
	first := exec.Command("/usr/bin/unshare", "-n", "--", "/bin/sh", "-c", "touch "+ready("first")+" && exec "+testns.Sleep+" 60")
	if err := first.Start(); err != nil {
		return fail("start: %v", err)
	}
	pid := first.Process.Pid
	if !waitFor(ready("first")) {
		return fail("the first process did not start")
	}
	nsPath := "/proc/" + strconv.Itoa(pid) + "/ns/net"
	j, err := OpenJournal(jdir)
	if err != nil {
		return fail("journal: %v", err)
	}
	env := &ActionEnv{Journal: j}
	if os.Getenv("RTNL_DOCTOR_PINRACE_APPLY") != "" {
		return pinRaceApply(pid, nsPath, first, env, ready, waitFor)
	}
	e, err := ApplyFix(context.Background(), env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", nsPath)})
	if err != nil {
		return fail("apply: %v", err)
	}
	// Between the check and the change, the process ends and its PID goes
	// to a process in another namespace where ip_forward is 1.
	var second *exec.Cmd
	faultHook = func(step string) {
		if step != "located" || second != nil {
			return
		}
		first.Process.Kill()
		first.Wait()
		os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0)
		second = exec.Command("/usr/bin/unshare", "-n", "--", "/bin/sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward && touch "+ready("second")+" && exec "+testns.Sleep+" 61")
		if err := second.Start(); err != nil || second.Process.Pid != pid {
			notReused(err)
		}
		waitFor(ready("second"))
	}
	u, err := UndoFix(context.Background(), env, e.ID)
	faultHook = nil
	if second == nil {
		return fail("the undo never reached the step after locating the namespace: %v", err)
	}
	defer func() { second.Process.Kill(); second.Wait() }()
	fwd := ipForwardIn(nsPath)
	if fwd != "1" {
		return fail("the undo wrote ip_forward=%s into the namespace of the process that reused PID %d (undo: %v %s)", fwd, pid, err, u.Phase)
	}
	if err != nil || u.Phase != PhaseUndone {
		return fail("undo in the namespace it checked (still held): %v %s", err, u.Phase)
	}
	fmt.Println("UNDONE-IN-THE-CHECKED-NETNS")
	return 0
}

// TestApplyActsInTheNamespaceItChecked: the same window at apply, between
// the second reading of the object (under the lock) and the change.
func TestApplyActsInTheNamespaceItChecked(t *testing.T) {
	jdir := t.TempDir()
	inPrivatePIDNamespace(t, "APPLIED-IN-THE-CHECKED-NETNS", "RTNL_DOCTOR_PINRACE_CHILD="+jdir, "RTNL_DOCTOR_PINRACE_APPLY=1")
}

// pinRaceApply: the process named by nsPath ends right after the intent is
// journaled and its PID goes to a process in another namespace, where
// ip_forward is 0; the fix sets 1.
func pinRaceApply(pid int, nsPath string, first *exec.Cmd, env *ActionEnv, ready func(string) string, waitFor func(string) bool) int {
	fail := func(f string, a ...any) int { fmt.Printf(f+"\n", a...); return failOrRetry() }
	var second *exec.Cmd
	faultHook = func(step string) {
		if step != "intent" || second != nil {
			return
		}
		first.Process.Kill()
		first.Wait()
		os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0)
		second = exec.Command("/usr/bin/unshare", "-n", "--", "/bin/sh", "-c", "echo 0 > /proc/sys/net/ipv4/ip_forward && touch "+ready("second")+" && exec "+testns.Sleep+" 61")
		if err := second.Start(); err != nil || second.Process.Pid != pid {
			notReused(err)
		}
		waitFor(ready("second"))
	}
	e, err := ApplyFix(context.Background(), env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", nsPath)})
	faultHook = nil
	if second == nil {
		return fail("the apply never journaled its intent: %v", err)
	}
	defer func() { second.Process.Kill(); second.Wait() }()
	fwd := ipForwardIn(nsPath)
	if fwd != "0" {
		return fail("the fix wrote ip_forward=%s into the namespace of the process that reused PID %d (apply: %v %s)", fwd, pid, err, e.Phase)
	}
	if err != nil || e.Phase != PhaseDone {
		return fail("apply in the namespace it checked (still held): %v %s", err, e.Phase)
	}
	fmt.Println("APPLIED-IN-THE-CHECKED-NETNS")
	return 0
}

// A fix in a namespace that has since been deleted blocked plain undo for
// good: undo refused (right: the namespace cannot be found) but said no way
// past it, and --force did nothing, so an older fix could only be undone
// by its id. Now the refusal says how to close the entry, and
// undo --force ID closes it (journaled, nothing changed); plain undo then
// reaches the older fix.
func TestGoneNamespaceEntryCanBeClosed(t *testing.T) {
	testns.Require(t)
	older := testns.New(t)
	name := fmt.Sprintf("rtnldoc-closed-%d", os.Getpid())
	if out, err := exec.Command(testns.IP, "netns", "add", name).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	defer exec.Command(testns.IP, "netns", "del", name).Run()
	env := testEnv(t, "")
	ctx := context.Background()
	first, err := ApplyFix(ctx, env, Fix{ID: "t/fwd-older", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", older.Path())})
	if err != nil {
		t.Fatal(err)
	}
	e, err := ApplyFix(ctx, env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", "/run/netns/"+name)})
	if err != nil {
		t.Fatal(err)
	}
	exec.Command(testns.IP, "netns", "del", name).Run()
	_, err = UndoFix(ctx, env, "")
	if err == nil || !strings.Contains(err.Error(), "no longer exists") || !strings.Contains(err.Error(), "--force "+e.ID) {
		t.Fatalf("plain undo of a fix whose namespace is gone: %v", err)
	}
	// --force without the id closes nothing.
	env.Force = true
	if _, err := UndoFix(ctx, env, ""); err == nil {
		t.Fatal("plain undo --force closed an entry it did not name")
	}
	u, err := UndoFix(ctx, env, e.ID)
	if err != nil || u.Phase != PhaseUndone || !u.Forced || !strings.Contains(u.Note, "went with") {
		t.Fatalf("undo --force ID of a fix whose namespace is gone: %v %s %q", err, u.Phase, u.Note)
	}
	env.Force = false
	u, err = UndoFix(ctx, env, "")
	if err != nil || u.ID != first.ID {
		t.Fatalf("plain undo after closing: %v %s", err, u.ID)
	}
	if v, _ := older.Exec("cat", "/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(v) != "0" {
		t.Fatalf("the older fix was not undone: ip_forward %s", v)
	}
}

// The same after a reboot: every namespace and process of an older boot is
// gone, and plain undo must not be blocked by the entry for good.
func TestEntryOfAnotherBootCanBeClosed(t *testing.T) {
	testns.Require(t)
	ns := testns.New(t)
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/fwd", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", ns.Path())})
	if err != nil {
		t.Fatal(err)
	}
	// The journal as a previous boot left it.
	p := env.Journal.Path()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(strings.ReplaceAll(string(b), bootID(), "00000000-0000-0000-0000-000000000000")), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = UndoFix(ctx, env, "")
	if err == nil || !strings.Contains(err.Error(), "rebooted") || !strings.Contains(err.Error(), "--force "+e.ID) {
		t.Fatalf("plain undo of a fix of another boot: %v", err)
	}
	env.Force = true
	u, err := UndoFix(ctx, env, e.ID)
	if err != nil || u.Phase != PhaseUndone || !u.Forced {
		t.Fatalf("undo --force ID of a fix of another boot: %v %s %q", err, u.Phase, u.Note)
	}
	if v, _ := ns.Exec("cat", "/proc/sys/net/ipv4/ip_forward"); strings.TrimSpace(v) != "1" {
		t.Fatalf("closing the entry changed the namespace: ip_forward %s", v)
	}
}

// TestDevFixActsInTheProcessItChecked: a /dev fix acts below
// /proc/PID/root (the target's mount namespace). The process was checked
// (PID and start time), then /proc/PID/root opened again for the change: a
// process that ended in between and whose PID went to a process with
// another mount namespace got the change. The root is now checked after it
// is opened: the change is refused, the other process's node untouched.
func TestDevFixActsInTheProcessItChecked(t *testing.T) {
	jdir := t.TempDir()
	inPrivatePIDNamespace(t, "DEV-FIX-REFUSED-FOR-THE-REUSED-PID", "RTNL_DOCTOR_PINRACE_CHILD="+jdir, "RTNL_DOCTOR_PINRACE_DEV=1")
}

// pinRaceDev: each process has its own mount namespace with a tmpfs on
// /dev/net holding a tun node of mode 0600.
func pinRaceDev(jdir string, ready func(string) string, waitFor func(string) bool) int {
	fail := func(f string, a ...any) int { fmt.Printf(f+"\n", a...); return failOrRetry() }
	start := func(name string) *exec.Cmd {
		c := exec.Command("/usr/bin/unshare", "-m", "--propagation", "private", "--", "/bin/sh", "-c",
			"mount -t tmpfs rtnldoc /dev/net && mknod -m 0600 /dev/net/tun c 10 200 && touch "+ready(name)+" && exec "+testns.Sleep+" 60")
		if err := c.Start(); err != nil {
			fmt.Printf("start %s: %v\n", name, err)
			return nil
		}
		if !waitFor(ready(name)) {
			fmt.Printf("%s did not start\n", name)
		}
		return c
	}
	modeIn := func(pid int) string {
		var st unix.Stat_t
		if err := unix.Stat("/proc/"+strconv.Itoa(pid)+"/root/dev/net/tun", &st); err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%04o", st.Mode&0o7777)
	}
	first := start("first")
	if first == nil {
		return fail("no first process")
	}
	pid := first.Process.Pid
	j, err := OpenJournal(jdir)
	if err != nil {
		return fail("journal: %v", err)
	}
	env := &ActionEnv{Journal: j}
	var second *exec.Cmd
	reuse := func(at string) func(string) {
		return func(step string) {
			if step != at || second != nil {
				return
			}
			first.Process.Kill()
			first.Wait()
			os.WriteFile("/proc/sys/kernel/ns_last_pid", []byte(strconv.Itoa(pid-1)), 0)
			second = start("second-" + at)
			if second == nil || second.Process.Pid != pid {
				notReused(nil)
			}
		}
	}
	// Apply: the process ends right after the intent is journaled.
	faultHook = reuse("intent")
	_, err = ApplyFix(context.Background(), env, Fix{ID: "t/chmod", Action: ChmodAct("/dev/net/tun", 0o666, -1, -1, strconv.Itoa(pid))})
	faultHook = nil
	if second == nil {
		return fail("the apply never journaled its intent: %v", err)
	}
	defer func() { second.Process.Kill(); second.Wait() }()
	if m := modeIn(pid); m != "0600" || err == nil || !strings.Contains(err.Error(), "another process") {
		return fail("apply: the node of the process that reused PID %d is %s (apply: %v)", pid, m, err)
	}
	// Undo: a fix applied to the second process; it ends after undo has
	// checked it and its PID goes to a third.
	e, err := ApplyFix(context.Background(), env, Fix{ID: "t/chmod", Action: ChmodAct("/dev/net/tun", 0o666, -1, -1, strconv.Itoa(pid))})
	if err != nil || modeIn(pid) != "0666" {
		return fail("apply to the second process: %v", err)
	}
	first, second = second, nil
	faultHook = reuse("located")
	_, err = UndoFix(context.Background(), env, e.ID)
	faultHook = nil
	if second == nil {
		return fail("the undo never reached the step after locating: %v", err)
	}
	if m := modeIn(pid); m != "0600" || err == nil || !strings.Contains(err.Error(), "another process") {
		return fail("undo: the node of the process that reused PID %d is %s (undo: %v)", pid, m, err)
	}
	fmt.Println("DEV-FIX-REFUSED-FOR-THE-REUSED-PID")
	return 0
}

// Before Linux 5.14 a namespace has no cookie (0): apply's check that the
// namespace is still the one previewed compared only cookies, so any two
// namespaces were "the same". The nsfs device and inode (and NS_GET_ID)
// are compared too.
func TestSameIdentityWithoutCookies(t *testing.T) {
	rec := &Identity{NetNS: &NetnsID{Dev: 4, Ino: 4026532100}}
	other := &Identity{NetNS: &NetnsID{Dev: 4, Ino: 4026532200}}
	if d := sameIdentity(rec, other); d == "" {
		t.Fatal("two namespaces without cookies, with different inodes, were taken for one")
	}
	if d := sameIdentity(rec, &Identity{NetNS: &NetnsID{Dev: 4, Ino: 4026532100}}); d != "" {
		t.Fatalf("the same namespace: %s", d)
	}
	withID := &Identity{NetNS: &NetnsID{Dev: 4, Ino: 4026532100, ID: 7}}
	if d := sameIdentity(withID, &Identity{NetNS: &NetnsID{Dev: 4, Ino: 4026532100, ID: 8}}); d == "" {
		t.Fatal("another NS_GET_ID was taken for the same namespace")
	}
}
