package watch

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Lines as this kernel (6.18) printed them with record-tgid.
func TestParseTraceLine(t *testing.T) {
	tr := &Tracefs{self: -1}
	pr := newProcReader("/nonexistent")
	pending := map[int]time.Time{}
	cases := []struct {
		line  string
		ok    bool
		check func(Event) bool
	}{
		{`              ip-12029   (  12029) [000] .....   310.440400: netlink_extack: msg=Unknown device type`, true,
			func(e Event) bool {
				return e.Kind == KindExtAck && e.Msg == "Unknown device type" && e.PID == 12029 && e.Comm == "ip"
			}},
		{`              ip-12031   (  12031) [000] .....   310.448201: cap_capable: cred 00000000a55706ef, target_ns 00000000a0862fbf, capable_ns 0000000000000000, cap 12, ret -1`, true,
			func(e Event) bool { return e.Kind == KindCap && e.Cap == 12 && e.Errno == 1 }},
		{`            bash-12012   (  12012) [000] .....   310.432427: sched_process_fork: comm=bash pid=12012 child_comm=bash child_pid=12028`, false, nil},
		{`             cat-12032   (  12032) [000] .....   310.453015: sys_openat(dfd: 0xffffff9c, filename: 0x7ffd467d2aca, flags: 0, mode: 0)`, false, nil},
		{`             cat-12032   (  12032) [000] .....   310.453020: sys_openat -> 0xfffffffffffffff3`, true,
			func(e Event) bool { return e.Kind == KindTunOpen && e.Errno == 13 && e.Path == "/dev/net/tun" }},
		{`             cat-12040   (  12040) [000] .....   310.453020: sys_openat -> 0xfffffffffffffff3`, false, nil}, // no enter: unrelated
		{`     my prog-x-7   (      7) [001] d..1.   311.000001: sys_socket -> 0xffffffffffffffe8`, true,
			func(e Event) bool {
				return e.Kind == KindSyscall && e.Syscall == "socket" && e.Errno == 24 && e.Comm == "my prog-x"
			}},
		{`         unshare-9   (      9) [001] .....   311.000001: sys_unshare -> 0xffffffffffffffff`, true,
			func(e Event) bool { return e.Syscall == "unshare" && e.Errno == 1 }},
		{`             cat-3000   (   3000) [000] .....   311.000000: sched_process_exec: filename=/usr/bin/cat pid=3000 old_pid=3000`, false, nil},
		// The comm printed is stale (the name before exec): the exec record wins.
		{`              sh-3000   (   3000) [000] .....   311.000100: netlink_extack: msg=x`, true,
			func(e Event) bool { return e.Comm == "cat" && e.Proc.Comm == "cat" }},
		{`CPU:1 [LOST 1234 EVENTS]`, false, nil},
	}
	for _, c := range cases {
		ev, ok := tr.parse(c.line, pr, pending)
		if ok != c.ok {
			t.Errorf("parse(%q) ok=%v, want %v", c.line, ok, c.ok)
			continue
		}
		if ok && !c.check(ev) {
			t.Errorf("parse(%q) = %+v", c.line, ev)
		}
	}
	if f := pr.parents[12028]; f.ppid != 12012 || f.comm != "bash" {
		t.Errorf("fork not recorded: %+v", f)
	}
}

func TestCgroupPath(t *testing.T) {
	for in, want := range map[string]string{
		"0::/system.slice/docker-3f2a.scope\n":                              "/system.slice/docker-3f2a.scope",
		"12:devices:/x\n1:name=systemd:/system.slice/nm.service\n0::/\n":    "/system.slice/nm.service",
		"4:cpu:/docker/abc\n":                                               "/docker/abc",
		"1:name=systemd:/user.slice/user-0.slice/session-3.scope\n0::/ok\n": "/ok",
	} {
		if got := CgroupPath(in); got != want {
			t.Errorf("CgroupPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("privileged test skipped: not root (tracefs needs root)")
	}
}

// openTracefs opens the back end or skips with the reason, and always
// closes it.
func openTracefs(t *testing.T, o Options) *Tracefs {
	t.Helper()
	requireRoot(t)
	tr, err := OpenTracefs(o)
	if err != nil {
		t.Skip("tracefs back end unavailable here: " + err.Error())
	}
	t.Cleanup(func() { tr.Close() })
	return tr
}

// A stale instance of a dead rtnl-doctor (killed with SIGKILL) is removed
// at the next start; ours is removed on Close.
func TestTracefsStaleAndClose(t *testing.T) {
	requireRoot(t)
	// A PID that is surely gone: a child that has exited and been reaped.
	c := exec.Command("/bin/true")
	if err := c.Run(); err != nil {
		t.Skip("cannot run /bin/true: " + err.Error())
	}
	dead := c.Process.Pid
	tr := openTracefs(t, Options{})
	stale := filepath.Join(tr.root, "instances", InstancePrefix+strconv.Itoa(dead)+"-1")
	if pidAlive(dead) {
		t.Skip("the PID was reused at once")
	}
	if err := os.Mkdir(stale, 0o700); err != nil {
		t.Fatalf("making a stale instance: %v", err)
	}
	t.Cleanup(func() { removeInstance(stale) })
	// A live one of another (our own) PID is kept.
	tr2 := openTracefs(t, Options{})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale instance %s survived the next start", stale)
	}
	if _, err := os.Stat(tr.inst); err != nil {
		t.Errorf("a live instance was removed: %v", err)
	}
	inst, mnt := tr2.inst, tr2.mounted
	if err := tr2.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(inst); !os.IsNotExist(err) && mnt == "" {
		t.Errorf("instance %s remains after Close", inst)
	}
	if mnt != "" {
		if b, _ := os.ReadFile("/proc/self/mountinfo"); strings.Contains(string(b), " "+mnt+" ") {
			t.Errorf("our tracefs mount %s remains after Close", mnt)
		}
	}
}

// The BPF back end's programs, maps and perf events go with Close.
func TestBPFClose(t *testing.T) {
	requireRoot(t)
	b, err := OpenBPF(Options{})
	if err != nil {
		t.Skip("BPF back end unavailable here: " + err.Error())
	}
	t.Cleanup(func() { b.Close() })
	if left := bpfLeftovers(os.Getpid()); len(left) == 0 {
		t.Fatal("no BPF object of ours while open: the leftover check proves nothing")
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if left := Leftovers(os.Getpid()); len(left) > 0 {
		t.Errorf("after Close: %v", left)
	}
}
