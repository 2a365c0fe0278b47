package diagnose

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// Live faults for the causes netns-reference, mtu, device-busy, seccomp and
// netlink-buffer, each in namespaces the test creates and removes.

func evidenceOf(d *Diagnosis, id string) (Result, string) {
	r, _ := d.Result(id)
	return r, strings.Join(r.Evidence, "\n")
}

func fixIDs(r Result) []string {
	var ids []string
	for _, f := range r.Fixes {
		ids = append(ids, f.ID)
	}
	return ids
}

// A name under /run/netns left as a plain file (its mount gone), seen by a
// process in a private mount namespace whose /run/netns is a tmpfs.
func TestLiveNetnsStalePlaceholder(t *testing.T) {
	testns.Require(t)
	cmd := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mkdir -p /run/netns && mount -t tmpfs -o mode=0755 tmpfs /run/netns && : > /run/netns/stale && exec "+testns.Sleep+" 60")
	pid := strconv.Itoa(cmd.Process.Pid)
	out := mustFail(t, "/usr/bin/nsenter", "--target", pid, "--mount", testns.IP, "netns", "exec", "stale", "/bin/true")
	if !strings.Contains(out, `setting the network namespace "stale" failed: Invalid argument`) {
		t.Fatalf("ip netns exec on a placeholder: %q", out)
	}
	d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip netns exec stale /bin/true", out)
	expectFirst(t, d, "netns-reference")
	r, ev := evidenceOf(d, "netns-reference")
	if !strings.Contains(ev, "/run/netns/stale is a plain file") || len(r.Fixes) == 0 || r.Fixes[0].ID != "netns-reference/remove-stale" ||
		!strings.Contains(r.Fixes[0].Command, "nsenter --target "+pid+" --mount ip netns delete stale") {
		t.Fatalf("evidence %q fixes %+v", ev, r.Fixes)
	}
	// The same through the kernel's own message: ip netns list.
	b, _ := exec.Command("/usr/bin/nsenter", "--target", pid, "--mount", testns.IP, "netns", "list").CombinedOutput()
	if !strings.Contains(string(b), "Error: Peer netns reference is invalid.") {
		t.Fatalf("ip netns list: %q", b)
	}
	d = diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip netns list", string(b))
	expectFirst(t, d, "netns-reference")
}

// A namespace added after a process's mount namespace was made private:
// the placeholder file is shared, its nsfs mount did not propagate.
func TestLiveNetnsNotPropagated(t *testing.T) {
	testns.Require(t)
	if _, err := os.Stat("/run/netns"); err != nil {
		if out, err := exec.Command(testns.IP, "netns", "add", fmt.Sprintf("rtnldoc-mk-%d", os.Getpid())).CombinedOutput(); err != nil {
			t.Skipf("cannot create /run/netns: %s", out)
		}
		exec.Command(testns.IP, "netns", "del", fmt.Sprintf("rtnldoc-mk-%d", os.Getpid())).Run()
	}
	cmd := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", testns.Sleep, "60")
	ns := testns.New(t)
	pid := strconv.Itoa(cmd.Process.Pid)
	out := mustFail(t, "/usr/bin/nsenter", "--target", pid, "--mount", testns.IP, "netns", "exec", ns.Name, "/bin/true")
	d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip netns exec "+ns.Name+" /bin/true", out)
	expectFirst(t, d, "netns-reference")
	r, ev := evidenceOf(d, "netns-reference")
	if !strings.Contains(ev, "did not propagate") || len(r.Fixes) == 0 || r.Fixes[0].ID != "netns-reference/propagate" {
		t.Fatalf("output %q evidence %q fixes %v", out, ev, fixIDs(r))
	}
}

func TestLiveMTUAboveDeviceMaximum(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	out, _ := ns.TryIP("link", "set", "veth0", "mtu", "70000")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set veth0 mtu 70000", out)
	expectFirst(t, d, "mtu")
	r, ev := evidenceOf(d, "mtu")
	if !strings.Contains(ev, "max_mtu is 65535") || len(r.Fixes) == 0 || !strings.Contains(r.Fixes[0].Command, "mtu 65535") {
		t.Fatalf("output %q evidence %q fixes %+v", out, ev, r.Fixes)
	}
}

func TestLiveMTUAboveLowerDevice(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	// Created with its MTU clamped to 1450; only a change is refused.
	ns.IP("link", "add", "vx0", "type", "vxlan", "id", "42", "dev", "veth0", "dstport", "4789")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"link", "add", "link", "veth0", "mv0", "mtu", "9000", "type", "macvlan"}, "macvlan_change_mtu"},
		{[]string{"link", "set", "vx0", "mtu", "1500"}, "minus the 50-byte encapsulation"},
	} {
		out, err := ns.TryIP(tc.args...)
		if err == nil {
			t.Fatalf("ip %v succeeded", tc.args)
		}
		d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip "+strings.Join(tc.args, " "), out)
		expectFirst(t, d, "mtu")
		r, ev := evidenceOf(d, "mtu")
		if !strings.Contains(ev, tc.want) || len(r.Fixes) < 2 || r.Fixes[1].ID != "mtu/raise-lower" {
			t.Fatalf("%v: evidence %q fixes %v", tc.args, ev, fixIDs(r))
		}
		// Asking for less changes the user's own command: shown, with why.
		if w := r.Fixes[0]; w.ID != "mtu/within-limit" || w.Action != nil || !w.Manual || !strings.Contains(w.Why, "changes your own command") {
			t.Fatalf("%v: within-limit %+v", tc.args, w)
		}
	}
}

// The lower device raised by the fix's action: previewed old → new,
// applied, verified by the cause turning ok and by the read-back, the
// command that failed then works; undo puts the lower device's MTU back.
func TestLiveMTURaiseLowerApplied(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	cmdline := "ip link add link veth0 mv0 mtu 9000 type macvlan"
	out, err := ns.TryIP("link", "add", "link", "veth0", "mv0", "mtu", "9000", "type", "macvlan")
	if err == nil {
		t.Fatal("the fault was not created")
	}
	tgt := probes.Target{NetNS: ns.Name}
	d := diagnoseLive(t, tgt, cmdline, out)
	f, res, ok := d.FindFix("mtu/raise-lower")
	if !ok || f.Action == nil || f.Manual || f.Action.Kind != "link-mtu" || f.Action.Param("name") != "veth0" || f.Action.Param("mtu") != "9000" ||
		!strings.Contains(f.Title, "affects all traffic on veth0") || !strings.Contains(f.Command, "ip -n "+ns.Name+" link set dev veth0 mtu 9000") {
		t.Fatalf("raise-lower: %+v\n%s", f, dump(d))
	}
	env := testEnv(t, "")
	ctx := context.Background()
	p, err := fix.PreviewFix(ctx, env, f)
	if err != nil || !strings.Contains(strings.Join(p.Changes, " "), "veth0 in the network namespace /run/netns/"+ns.Name) ||
		!strings.Contains(strings.Join(p.Changes, " "), "MTU 1500 → 9000") {
		t.Fatalf("preview: %v %q", err, p.Changes)
	}
	e, err := fix.ApplyPreviewed(ctx, env, f, p)
	if err != nil {
		t.Fatal(err)
	}
	s := symptom.ParseSymptom("$ " + cmdline + "\n" + out)
	if r := Verify(ctx, tgt, res.Cause, s, &e); r.Status != OK || !strings.Contains(first(r.Evidence), "veth0 in the network namespace") || !strings.Contains(first(r.Evidence), "has MTU 9000") {
		t.Fatalf("verify: %s %q", r.Status, r.Evidence)
	}
	ns.IP("link", "add", "link", "veth0", "mv0", "mtu", "9000", "type", "macvlan")
	ns.IP("link", "del", "mv0")
	if _, err := fix.UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := ns.IP("-o", "link", "show", "veth0"); !strings.Contains(got, "mtu 1500 ") {
		t.Fatalf("after undo: %s", got)
	}
}

func TestLiveIPv6BelowMinimumMTU(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "mtu", "1200")
	out, _ := ns.TryIP("-6", "addr", "add", "2001:db8::1/64", "dev", "veth0")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip -6 addr add 2001:db8::1/64 dev veth0", out)
	expectFirst(t, d, "mtu")
	r, _ := d.Result("mtu")
	if len(r.Fixes) != 1 || r.Fixes[0].ID != "mtu/ipv6-minimum" {
		t.Fatalf("fixes %v", fixIDs(r))
	}
	// Raised to 1280 by the action; the address add is the user's own
	// command, run again afterwards.
	f := r.Fixes[0]
	if f.Action == nil || f.Action.Kind != "link-mtu" || f.Action.Param("mtu") != "1280" || f.Manual ||
		!strings.HasPrefix(f.Command, "ip -n "+ns.Name+" link set dev veth0 mtu 1280\n") {
		t.Fatalf("ipv6-minimum: %+v", f)
	}
	env := testEnv(t, "")
	ctx := context.Background()
	e, err := fix.ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	s := symptom.ParseSymptom("$ ip -6 addr add 2001:db8::1/64 dev veth0\n" + out)
	if v := Verify(ctx, probes.Target{NetNS: ns.Name}, causeMTU, s, &e); v.Status != OK {
		t.Fatalf("verify: %s %q", v.Status, v.Evidence)
	}
	ns.IP("-6", "addr", "add", "2001:db8::1/64", "dev", "veth0")
	// Undo would take the address added since with it: refused, then
	// forced.
	if _, err := fix.UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "2001:db8::1/64") {
		t.Fatalf("undo over an IPv6 address added since: %v", err)
	}
	env.Force = true
	if _, err := fix.UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := ns.IP("-o", "link", "show", "veth0"); !strings.Contains(got, "mtu 1200 ") {
		t.Fatalf("after undo: %s", got)
	}
}

// macvlan on a bridge port, and a macvlan's lower device into a bridge:
// the rx handler is taken (EBUSY).
func TestLiveDeviceBusy(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "add", "veth2", "type", "veth", "peer", "name", "veth3")
	ns.IP("link", "add", "br0", "type", "bridge")
	ns.IP("link", "set", "veth1", "master", "br0")
	ns.IP("link", "add", "link", "veth2", "mv2", "type", "macvlan")
	for _, tc := range []struct {
		args     []string
		evidence string
		fix      string
	}{
		{[]string{"link", "add", "link", "veth1", "mv1", "type", "macvlan"}, "veth1 is a bridge port of br0", "device-busy/on-the-bridge"},
		{[]string{"link", "set", "veth2", "master", "br0"}, "veth2 is the lower device of mv2 (macvlan)", "device-busy/release-uppers"},
	} {
		out, _ := ns.TryIP(tc.args...)
		if !strings.Contains(out, "Device or resource busy") {
			t.Fatalf("ip %v: %q", tc.args, out)
		}
		d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip "+strings.Join(tc.args, " "), out)
		expectFirst(t, d, "device-busy")
		r, ev := evidenceOf(d, "device-busy")
		if !strings.Contains(ev, tc.evidence) || len(r.Fixes) == 0 || r.Fixes[0].ID != tc.fix {
			t.Fatalf("%v: evidence %q fixes %v", tc.args, ev, fixIDs(r))
		}
	}
	// A vxlan's VNI cannot change.
	ns.IP("link", "add", "vx1", "type", "vxlan", "id", "44", "dstport", "4789")
	out, _ := ns.TryIP("link", "set", "vx1", "type", "vxlan", "id", "45")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set vx1 type vxlan id 45", out)
	expectFirst(t, d, "device-busy")
}

// seccompChild installs a filter refusing socket(AF_NETLINK, ...) with
// EPERM, then runs ip (which cannot open its netlink socket) and sleeps
// under the inherited filter.
func seccompChild() {
	const (
		offNr   = 0
		offArch = 4
		offArg0 = 16
	)
	arch := uint32(unix.AUDIT_ARCH_X86_64)
	if runtime.GOARCH == "arm64" {
		arch = unix.AUDIT_ARCH_AARCH64
	}
	prog := []unix.SockFilter{
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offArch},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 0, Jf: 4, K: arch},
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offNr},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 0, Jf: 2, K: uint32(unix.SYS_SOCKET)},
		{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: offArg0},
		{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: 1, Jf: 0, K: unix.AF_NETLINK},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW},
		{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)},
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		fmt.Println("prctl:", err)
		os.Exit(3)
	}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		fmt.Println("seccomp:", e)
		os.Exit(3)
	}
	err := syscall.Exec("/bin/sh", []string{"sh", "-c", testns.IP + " link show 2>&1; echo done; exec " + testns.Sleep + " 60"}, os.Environ())
	fmt.Println("exec:", err)
	os.Exit(3)
}

func TestLiveSeccompRefusesNetlink(t *testing.T) {
	if os.Getenv("RTNL_DOCTOR_SECCOMP_CHILD") == "1" {
		seccompChild()
	}
	testns.Require(t)
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(os.Args[0], "-test.run", "^TestLiveSeccompRefusesNetlink$")
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_SECCOMP_CHILD=1")
	cmd.Stdout, cmd.Stderr = w, w
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	var out strings.Builder
	sc := bufio.NewScanner(r)
	for sc.Scan() && sc.Text() != "done" {
		out.WriteString(sc.Text() + "\n")
	}
	if !strings.Contains(out.String(), "Cannot open netlink socket: Operation not permitted") {
		t.Fatalf("ip under the filter: %q", out.String())
	}
	for i := 0; i < 500; i++ { // until sleep sleeps (its comm changes before its loader is done)
		if b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/wchan", cmd.Process.Pid)); strings.Contains(string(b), "nanosleep") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip link show", out.String())
	expectFirst(t, d, "seccomp")
	res, ev := evidenceOf(d, "seccomp")
	if !strings.Contains(ev, "Seccomp: 2") || !strings.Contains(ev, "needs no capability") || len(res.Fixes) == 0 {
		t.Fatalf("evidence %q fixes %v", ev, fixIDs(res))
	}
}

// A NETLINK_ROUTE listener with the smallest buffer, subscribed to link
// notifications in a test namespace, falls behind 20 veth pairs: the kernel
// drops notifications (netlink_overrun) and recvmsg returns ENOBUFS.
func TestLiveNetlinkOverrun(t *testing.T) {
	ns := testns.New(t)
	var fd int
	err := netns.Do(ns.Path(), func() error {
		var err error
		fd, err = unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
		if err != nil {
			return err
		}
		_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1024)
		return unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK, Groups: unix.RTMGRP_LINK})
	})
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	for i := 0; i < 20; i++ {
		ns.IP("link", "add", fmt.Sprintf("v%d", i), "type", "veth", "peer", "name", fmt.Sprintf("p%d", i))
	}
	buf := make([]byte, 65536)
	_, _, rerr := unix.Recvfrom(fd, buf, unix.MSG_DONTWAIT)
	if rerr != unix.ENOBUFS {
		t.Fatalf("recvfrom after the burst: %v, want ENOBUFS", rerr)
	}
	// The kernel keeps the drop count; the error was reported once.
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip monitor link", "netlink receive: "+rerr.Error())
	expectFirst(t, d, "netlink-buffer")
	r, ev := evidenceOf(d, "netlink-buffer")
	if !strings.Contains(ev, "dropped") || len(r.Fixes) == 0 || r.Fixes[0].ID != "netlink-buffer/program-buffer" {
		t.Fatalf("evidence %q fixes %v", ev, fixIDs(r))
	}
}

// TestLiveBridgeFull fills a bridge with the 1023 ports it can number and
// adds one more: EXFULL, proved from the namespace's links.
func TestLiveBridgeFull(t *testing.T) {
	ns := testns.New(t)
	var b strings.Builder
	b.WriteString("link add br0 type bridge\n")
	for i := 1; i <= bridgeMaxPorts+1; i++ {
		// veth, not dummy: kernels without the dummy driver exist (this
		// one). Their peers stay down, as a leaked veth's do.
		fmt.Fprintf(&b, "link add d%d type veth peer name p%d\n", i, i)
		if i <= bridgeMaxPorts {
			fmt.Fprintf(&b, "link set d%d master br0\n", i)
		}
	}
	batch := filepath.Join(t.TempDir(), "batch")
	if err := os.WriteFile(batch, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ns.IP("-batch", batch)
	args := []string{"link", "set", "d1024", "master", "br0"}
	out, _ := ns.TryIP(args...)
	if !strings.Contains(out, "Exchange full") {
		t.Fatalf("ip %v: %q (want EXFULL: a bridge numbers at most %d ports)", args, out, bridgeMaxPorts)
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip "+strings.Join(args, " "), out)
	expectFirst(t, d, "bridge-port-limit")
	r, ev := evidenceOf(d, "bridge-port-limit")
	if r.Status != Fail || !strings.Contains(ev, "bridge br0 has 1023 ports") || !strings.Contains(ev, "ports are down") {
		t.Fatalf("status %s evidence %q", r.Status, ev)
	}
	if ids := fixIDs(r); len(ids) != 2 || ids[0] != "bridge-port-limit/remove-stale-ports" {
		t.Fatalf("fixes %v", ids)
	}
	// Docker's words name the bridge: one that is not in this namespace is
	// unknown, never the full br0 (review finding).
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "", "docker: Error response from daemon: failed to create endpoint x on network bridge: adding interface veth123 to bridge docker0 failed: exchange full.")
	if r, ev := evidenceOf(d, "bridge-port-limit"); r.Status != Unknown || !strings.Contains(ev, `"docker0"`) || len(r.Fixes) != 0 {
		t.Fatalf("docker0 named, br0 full: %s %q %v", r.Status, ev, fixIDs(r))
	}
	// One port fewer: the same command works, and the cause is ruled out.
	ns.IP("link", "del", "d1")
	ns.IP(args...)
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set d1025 master br0", "RTNETLINK answers: Exchange full")
	if r, ev := evidenceOf(d, "bridge-port-limit"); r.Status != Fail || !strings.Contains(ev, "1023 ports") {
		t.Fatalf("full again after d1024 joined: status %s evidence %q", r.Status, ev)
	}
}

// attachTap opens /dev/net/tun and attaches a single-queue tap named name
// in the namespace at nsPath, returning the open file (the holder).
func attachTap(nsPath, name string) (*os.File, error) {
	var f *os.File
	err := netns.Do(nsPath, func() error {
		fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		ifr, err := unix.NewIfreq(name)
		if err != nil {
			unix.Close(fd)
			return err
		}
		ifr.SetUint16(unix.IFF_TAP | unix.IFF_NO_PI)
		if err := unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr); err != nil {
			unix.Close(fd)
			return err
		}
		f = os.NewFile(uintptr(fd), "/dev/net/tun")
		return nil
	})
	return f, err
}

// TestLiveTapHeld attaches a tap in a private namespace, then attaches it
// again: EBUSY, proved by the process that holds it (this test) from the
// tun files' fdinfo.
func TestLiveTapHeld(t *testing.T) {
	ns := testns.New(t)
	first, err := attachTap(ns.Path(), "tapheld0")
	if err != nil {
		t.Skipf("cannot attach a tap here: %v", err)
	}
	defer first.Close()
	second, err := attachTap(ns.Path(), "tapheld0")
	if second != nil {
		second.Close()
	}
	if !errors.Is(err, unix.EBUSY) {
		t.Fatalf("second TUNSETIFF on a held tap: %v, want EBUSY", err)
	}
	text := "qemu-system-x86_64: -netdev tap,id=n0,ifname=tapheld0,script=no: could not configure /dev/net/tun (tapheld0): Device or resource busy"
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "", text)
	expectFirst(t, d, "device-busy")
	r, ev := evidenceOf(d, "device-busy")
	want := fmt.Sprintf("PID %d (", os.Getpid())
	if r.Status != Fail || !strings.Contains(ev, want) || !strings.Contains(ev, "holds tapheld0") {
		t.Fatalf("status %s evidence %q (want %q)", r.Status, ev, want)
	}
	if ids := fixIDs(r); len(ids) != 1 || ids[0] != "device-busy/own-tap" {
		t.Fatalf("fixes %v", ids)
	}
	// Released: the same text no longer proves a holder.
	first.Close()
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "", text)
	if r, ev := evidenceOf(d, "device-busy"); r.Status == Fail {
		t.Fatalf("after release: %s %q", r.Status, ev)
	}
	// A tap of the same name held in another namespace is another device:
	// its holder proves nothing here (attacker review).
	ns.IP("tuntap", "add", "dev", "tapheld0", "mode", "tap")
	other := testns.New(t)
	held, err := attachTap(other.Path(), "tapheld0")
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "", text)
	if r, ev := evidenceOf(d, "device-busy"); r.Status == Fail || strings.Contains(ev, "holds tapheld0") {
		t.Fatalf("a holder in another namespace taken as proof: %s %q", r.Status, ev)
	}
}

// A macvlan on a layer-3 lower device (a tun device, link/none): the
// kernel's macvlan_port_create refuses it with EINVAL and no message; the
// lower device's hardware type proves unsupported-feature.
func TestLiveMacvlanOnTun(t *testing.T) {
	ns := testns.New(t)
	ns.IP("tuntap", "add", "dev", "tun0", "mode", "tun")
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	out, err := ns.TryIP("link", "add", "link", "tun0", "mv0", "type", "macvlan")
	if err == nil {
		t.Fatal("a macvlan on a tun device was created")
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link add link tun0 mv0 type macvlan", out)
	expectFirst(t, d, "unsupported-feature")
	r, ev := evidenceOf(d, "unsupported-feature")
	if !strings.Contains(ev, "tun0 is tun of type none (link/none)") || !strings.Contains(ev, "macvlan_port_create") ||
		len(r.Fixes) == 0 || r.Fixes[0].ID != "unsupported-feature/ethernet-lower" || r.Fixes[0].Action != nil {
		t.Fatalf("output %q evidence %q fixes %v", out, ev, fixIDs(r))
	}
	// The driver of a named device, read in the examined namespace.
	if dr, ok := d.Facts.Net.DriverOf("tun0"); !ok || dr.Driver != "tun" {
		t.Errorf("driver of tun0: %+v %v (drivers %+v)", dr, ok, d.Facts.Net.Drivers)
	}
	// On an Ethernet lower device the same kind is created: ruled out.
	ns.IP("link", "add", "link", "veth0", "mv1", "type", "macvlan")
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link add link veth0 mv1 type macvlan", "RTNETLINK answers: Invalid argument")
	if r, ev := evidenceOf(d, "unsupported-feature"); r.Status != OK || !strings.Contains(ev, "veth0 is an Ethernet device") {
		t.Fatalf("ethernet lower: %s %q", r.Status, ev)
	}
}
