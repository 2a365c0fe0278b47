package diagnose

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// These tests cause real faults inside private network (and mount)
// namespaces, run the real failing command, feed its exact output to the
// symptom parser and check the cause named first. They need root with
// CAP_NET_ADMIN and CAP_SYS_ADMIN and skip otherwise.

// diagnoseLive gathers facts for the target, parses the command's output
// with the command line in front of it, and diagnoses with a reproduction.
func diagnoseLive(t *testing.T, tgt probes.Target, cmdline, output string) *Diagnosis {
	t.Helper()
	s := symptom.ParseSymptom("$ " + cmdline + "\n" + output)
	tgt.Interfaces = append(tgt.Interfaces, s.Interfaces()...)
	f := probes.Gather(context.Background(), tgt)
	var repro *reproduce.Reproduction
	if reproduce.CanReproduce(s, f) {
		repro = reproduce.Reproduce(s, "")
	}
	return Diagnose(f, s, repro)
}

func expectFirst(t *testing.T, d *Diagnosis, want string) {
	t.Helper()
	if got := firstFail(d); got != want {
		t.Fatalf("first fail = %q, want %q\nsymptom: %+v\n%s", got, want, d.Symptom, dump(d))
	}
}

// mustFail runs a command that is meant to fail and returns its output.
func mustFail(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err == nil {
		t.Fatalf("%v succeeded; the fault was not created", argv)
	}
	return string(out)
}

func TestLiveNameTaken(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	out, _ := ns.TryIP("link", "add", "veth0", "type", "veth", "peer", "name", "veth9")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link add veth0 type veth peer name veth9", out)
	expectFirst(t, d, "name-conflict")
	r, _ := d.Result("name-conflict")
	if !strings.Contains(strings.Join(r.Evidence, " "), "peer veth1") || len(r.Fixes) == 0 {
		t.Fatalf("evidence %q fixes %+v", r.Evidence, r.Fixes)
	}
}

func TestLiveNameTooLong(t *testing.T) {
	ns := testns.New(t)
	out, _ := ns.TryIP("link", "add", "veth-aaaaaaaaaaaaaaa", "type", "veth")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link add veth-aaaaaaaaaaaaaaa type veth", out)
	expectFirst(t, d, "name-conflict")
}

// unsupportedKind finds a kind this kernel cannot create (this machine's
// kernel has no dummy, vlan or wireguard), by asking it.
func unsupportedKind(t *testing.T, ns *testns.NS) (string, string) {
	for _, k := range []string{"dummy", "vlan", "wireguard", "nlmon", "hsr", "vcan", "team"} {
		args := []string{"link", "add", "x0", "type", k}
		if k == "vlan" {
			args = []string{"link", "add", "link", "lo", "x0", "type", "vlan", "id", "5"}
		}
		out, err := ns.TryIP(args...)
		if err != nil && strings.Contains(out, "Unknown device type") {
			return k, "ip " + strings.Join(args, " ") + "\n" + out
		}
		ns.TryIP("link", "del", "x0")
	}
	t.Skip("this kernel supports every kind tried")
	return "", ""
}

func TestLiveUnsupportedKind(t *testing.T) {
	ns := testns.New(t)
	kind, paste := unsupportedKind(t, ns)
	lines := strings.SplitN(paste, "\n", 2)
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, lines[0], lines[1])
	expectFirst(t, d, "module-missing")
	if d.Repro == nil || d.Repro.Errno != symptom.EOPNOTSUPP || d.Repro.Kind != kind {
		t.Fatalf("reproduction = %+v", d.Repro)
	}
}

func TestLiveMacvlanWithoutLower(t *testing.T) {
	ns := testns.New(t)
	if ks := probes.Gather(context.Background(), probes.Target{}, probes.GroupModules).Modules; true {
		if k, _ := ks.Kind("macvlan"); k.State == probes.ModMissing {
			t.Skip("no macvlan in this kernel")
		}
	}
	out, _ := ns.TryIP("link", "add", "mv0", "type", "macvlan")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link add mv0 type macvlan", out)
	expectFirst(t, d, "link-state")
	if d.Repro == nil || d.Repro.Errno != "" {
		t.Fatalf("with a lower device the kernel creates it: %+v", d.Repro)
	}
}

func TestLiveTunMissing(t *testing.T) {
	testns.Require(t)
	// A process in a private mount namespace where /dev/net is an empty tmpfs.
	cmd := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mount -t tmpfs tmpfs /dev/net && exec "+testns.Sleep+" 60")
	pid := strconv.Itoa(cmd.Process.Pid)
	out := mustFail(t, "/usr/bin/nsenter", "--target", pid, "--mount", testns.IP, "tuntap", "add", "dev", "tap9", "mode", "tap")
	d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip tuntap add dev tap9 mode tap", out)
	expectFirst(t, d, "tun-device")
}

func TestLiveNoCapNetAdmin(t *testing.T) {
	for _, c := range []struct {
		name string
		priv []string
	}{
		{"nobody without capabilities", []string{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"}},
		{"root without net_admin in its bounding set", []string{"/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-net_admin"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			ns := testns.New(t)
			argv := append(append([]string{testns.IP, "netns", "exec", ns.Name}, c.priv...), testns.IP, "link", "add", "x0", "type", "veth")
			out := mustFail(t, argv...)
			sleeper := testns.Start(t, ns, "sleep", append(c.priv, testns.Sleep, "60")...)
			d := diagnoseLive(t, probes.Target{PID: sleeper.Process.Pid}, "ip link add x0 type veth", out)
			expectFirst(t, d, "cap-net-admin")
		})
	}
}

func TestLiveUsernsOnForeignNetns(t *testing.T) {
	ns := testns.New(t)
	// A root of a fresh user namespace acts on a network namespace that the
	// initial user namespace owns (the test's, never the host's).
	out := mustFail(t, testns.IP, "netns", "exec", ns.Name, "/usr/bin/unshare", "-Ur", testns.IP, "link", "add", "x0", "type", "veth")
	sleeper := testns.Start(t, ns, "sleep", "/usr/bin/unshare", "-Ur", testns.Sleep, "60")
	d := diagnoseLive(t, probes.Target{PID: sleeper.Process.Pid}, "ip link add x0 type veth", out)
	expectFirst(t, d, "userns-remap")
}

func TestLiveFDsExhausted(t *testing.T) {
	testns.Require(t)
	// A process whose three standard descriptors fill RLIMIT_NOFILE=3 (set
	// after it started: its dynamic loader needs a spare descriptor).
	sleeper := testns.Start(t, nil, "sleep", testns.Sleep, "60")
	// Its comm changes at execve, before the dynamic loader has opened its
	// libraries: lowering the limit then makes sleep exit with 127. Wait
	// until it sleeps.
	for i := 0; i < 500; i++ {
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(sleeper.Process.Pid) + "/wchan"); strings.Contains(string(b), "nanosleep") {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if out, err := exec.Command("/usr/bin/prlimit", "--pid", strconv.Itoa(sleeper.Process.Pid), "--nofile=3:3").CombinedOutput(); err != nil {
		t.Fatalf("prlimit: %v %s", err, out)
	}
	// The same limit on ip: it cannot even load its libraries.
	out := mustFail(t, "/usr/bin/prlimit", "--nofile=3:3", testns.IP, "link", "show")
	d := diagnoseLive(t, probes.Target{PID: sleeper.Process.Pid}, "ip link show", out)
	expectFirst(t, d, "fd-exhaustion")
}

func TestLiveIPv6Disabled(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	if out, err := ns.Exec("/usr/sbin/sysctl", "-qw", "net.ipv6.conf.veth0.disable_ipv6=1"); err != nil {
		t.Skipf("sysctl in the namespace: %v %s", err, out)
	}
	out, err := ns.TryIP("-6", "addr", "add", "2001:db8::1/64", "dev", "veth0")
	if err == nil {
		t.Fatal("adding an IPv6 address with IPv6 disabled succeeded")
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip -6 addr add 2001:db8::1/64 dev veth0", out)
	expectFirst(t, d, "sysctl")
}

func TestLiveRouteViaDownLink(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	out, err := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	if err == nil {
		t.Fatal("route via a down link succeeded")
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip route add 10.9.0.0/16 via 10.0.0.254", out)
	expectFirst(t, d, "link-state")
	if fx := d.Results[0].Fixes; len(fx) == 0 || !strings.Contains(fx[0].Command, "link set dev veth0 up") {
		t.Fatalf("fixes = %+v", fx)
	}
}

func TestLiveAddedTwice(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	out, _ := ns.TryIP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip addr add 10.0.0.1/24 dev veth0", out)
	expectFirst(t, d, "already-exists")

	ns.IP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	out, _ = ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip route add 10.9.0.0/16 via 10.0.0.254", out)
	expectFirst(t, d, "already-exists")
	r, _ := d.Result("already-exists")
	if !strings.Contains(strings.Join(r.Evidence, " "), "10.9.0.0/16 via 10.0.0.254 dev veth0") {
		t.Fatalf("evidence = %q", r.Evidence)
	}
}

// TestLiveHealthCheck: without a symptom, this machine's report exits 0.
func TestLiveHealthCheck(t *testing.T) {
	f := probes.Gather(context.Background(), probes.Target{})
	d := Diagnose(f, symptom.ParseSymptom(""), nil)
	for _, r := range d.Results {
		if r.Status == Fail {
			t.Errorf("%s fails on this machine: %q", r.ID, r.Evidence)
		}
	}
	if os.Geteuid() != 0 {
		if len(Unavailable(f)) == 0 {
			t.Error("as a user, something must be unreadable and said so")
		}
	}
}

// TestLiveVerifyReadsTheFixBack: after "File exists", a replace leaves the
// object in place, so the cause's condition holds; verification reads the
// change back and says the command's goal is met.
func TestLiveVerifyReadsTheFixBack(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	ns.IP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	cmdline := "ip route add 10.9.0.0/16 via 10.0.0.253"
	out, _ := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.253")
	tgt := probes.Target{NetNS: ns.Name}
	d := diagnoseLive(t, tgt, cmdline, out)
	f, res, ok := d.FindFix("already-exists/replace-route")
	if !ok {
		t.Fatalf("no replace fix:\n%s", dump(d))
	}
	env := testEnv(t, "")
	p, err := fix.PreviewFix(context.Background(), env, f)
	if err != nil || !strings.Contains(strings.Join(p.Changes, " "), "via 10.0.0.254 dev veth0 → 10.9.0.0/16 via 10.0.0.253") {
		t.Fatalf("preview: %v %q", err, p.Changes)
	}
	e, err := fix.ApplyFix(context.Background(), env, f)
	if err != nil {
		t.Fatal(err)
	}
	s := symptom.ParseSymptom("$ " + cmdline + "\n" + out)
	if r := Verify(context.Background(), tgt, res.Cause, s, nil); r.Status == OK {
		t.Fatalf("without the fix read back, the route still exists and the cause still fails: %+v", r)
	}
	r := Verify(context.Background(), tgt, res.Cause, s, &e)
	if r.Status != OK || !strings.Contains(first(r.Evidence), "the route is 10.9.0.0/16 via 10.0.0.253 dev veth0") {
		t.Fatalf("verify with the fix read back: %s %q", r.Status, r.Evidence)
	}
	// ip route replace sets proto boot (which ip does not print), not static.
	if got := ns.IP("route", "show", "10.9.0.0/16"); strings.Contains(got, "proto static") {
		t.Fatalf("the replace used proto static, unlike ip route replace: %s", got)
	}
	// The same replace again changes nothing, and says so.
	p, err = fix.PreviewFix(context.Background(), env, f)
	if err != nil || !strings.Contains(strings.Join(p.Changes, " "), "already as asked: no change") {
		t.Fatalf("second preview: %v %q", err, p.Changes)
	}
	// A link the fix did not bring up is named.
	e2 := fix.Entry{ID: "x", Fix: "already-exists/replace-route", Action: fix.Act("link-set", "netns", ns.Path(), "name", "veth0", "state", "down")}
	r = Verify(context.Background(), tgt, res.Cause, s, &e2)
	if r.Status == OK || !strings.Contains(first(r.Evidence), "not in place: veth0") {
		t.Fatalf("a change not in place: %s %q", r.Status, r.Evidence)
	}
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// TestLiveLinkUpThenRoute: a route through a down link fails; the walk
// brings the link up, then adds the route the command asked for, reads it
// back, and undoes it.
func TestLiveLinkUpThenRoute(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	cmdline := "ip route add 10.9.0.0/16 via 10.0.0.254"
	out, err := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	if err == nil {
		t.Fatal("route via a down link succeeded")
	}
	tgt := probes.Target{NetNS: ns.Name}
	d := diagnoseLive(t, tgt, cmdline, out)
	up, res, ok := d.FindFix("link-state/link-up")
	add, _, ok2 := d.FindFix("link-state/add-route")
	if !ok || !ok2 {
		t.Fatalf("fixes:\n%s", dump(d))
	}
	// One plan: the route is the link-up's next step, and copying the fix
	// copies both commands.
	if up.Then == nil || up.Then.ID != add.ID || !strings.Contains(up.PlanCommand(), "link set dev veth0 up\nip -n "+ns.Name+" route add 10.9.0.0/16 via 10.0.0.254") {
		t.Fatalf("the link-up is not a plan ending with the route: %+v\n%s", up.Then, up.PlanCommand())
	}
	env := testEnv(t, "")
	if _, err := fix.ApplyFix(context.Background(), env, up); err != nil {
		t.Fatal(err)
	}
	e, err := fix.ApplyFix(context.Background(), env, add)
	if err != nil {
		t.Fatal(err)
	}
	s := symptom.ParseSymptom("$ " + cmdline + "\n" + out)
	if r := Verify(context.Background(), tgt, res.Cause, s, &e); r.Status != OK || !strings.Contains(first(r.Evidence), "the route is 10.9.0.0/16 via 10.0.0.254 dev veth0") {
		t.Fatalf("verify: %s %q", r.Status, r.Evidence)
	}
	// Adding it again is refused before anything changes.
	if _, err := fix.PreviewFix(context.Background(), env, add); err == nil || !strings.Contains(err.Error(), "already there") {
		t.Fatalf("second preview: %v", err)
	}
	if _, err := fix.UndoFix(context.Background(), env, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := ns.IP("route", "show", "10.9.0.0/16"); strings.TrimSpace(got) != "" {
		t.Fatalf("undo left the route: %s", got)
	}
}

// A qdisc this kernel lacks (this machine's has no netem), asked for in a
// namespace the test makes: module-missing fails on the qdisc's module.
func TestLiveQdiscMissing(t *testing.T) {
	ns := testns.New(t)
	tc, err := exec.LookPath("tc")
	if err != nil {
		t.Skip("no tc(8) on this machine")
	}
	mods := probes.Gather(context.Background(), probes.Target{}, probes.GroupModules).Modules
	for _, k := range mods.TCKinds {
		object, kind, _ := strings.Cut(k.Kind, " ")
		if k.State != probes.ModMissing || object != "qdisc" || kind == "ingress" || kind == "clsact" {
			continue
		}
		argv := []string{tc, "qdisc", "add", "dev", "lo", "root", kind}
		out, err := ns.Exec(argv...)
		if err == nil {
			t.Fatalf("%v succeeded although the probes say qdisc %s is missing", argv, kind)
		}
		d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "tc qdisc add dev lo root "+kind, out)
		expectFirst(t, d, "module-missing")
		if _, ev := evidenceOf(d, "module-missing"); !strings.Contains(ev, "qdisc "+kind) {
			t.Fatalf("evidence %q", ev)
		}
		return
	}
	t.Skip("this kernel has every qdisc rtnl-doctor knows")
}

// A filter whose action the running kernel lacks: on an ingress qdisc in
// a private namespace, a u32 filter with the first action the probes call
// missing is refused with "Failed to load TC action module", and
// module-missing names the action.
func TestLiveTCActionMissing(t *testing.T) {
	ns := testns.New(t)
	tc, err := exec.LookPath("tc")
	if err != nil {
		t.Skip("no tc(8) on this machine")
	}
	mods := probes.Gather(context.Background(), probes.Target{}, probes.GroupModules).Modules
	ingress, _ := mods.TCKind("qdisc ingress")
	u32, _ := mods.TCKind("filter u32")
	if ingress.State == probes.ModMissing || u32.State == probes.ModMissing {
		t.Skip("this kernel lacks the ingress qdisc or the u32 classifier the test needs")
	}
	if out, err := ns.Exec(tc, "qdisc", "add", "dev", "lo", "ingress"); err != nil {
		t.Fatalf("tc qdisc add dev lo ingress: %v\n%s", err, out)
	}
	for _, k := range mods.TCKinds {
		object, kind, _ := strings.Cut(k.Kind, " ")
		if k.State != probes.ModMissing || object != "action" || kind != "gact" && kind != "police" && kind != "mirred" {
			continue
		}
		args := map[string]string{"gact": "action drop", "police": "police rate 1mbit burst 10k drop", "mirred": "action mirred egress mirror dev lo"}[kind]
		cmd := "tc filter add dev lo parent ffff: protocol ip prio 1 u32 match u32 0 0 " + args
		out, err := ns.Exec(append([]string{tc}, strings.Fields(cmd)[1:]...)...)
		if err == nil {
			t.Fatalf("%s succeeded although the probes say action %s is missing", cmd, kind)
		}
		d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, cmd, out)
		expectFirst(t, d, "module-missing")
		if _, ev := evidenceOf(d, "module-missing"); !strings.Contains(ev, "action "+kind) {
			t.Fatalf("evidence %q (tc said %q)", ev, out)
		}
		return
	}
	t.Skip("this kernel has the gact, police and mirred actions")
}
