package diagnose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A new user's review (session 9) found causes ruled out on facts that were
// never read. Each case: the cause is unknown with the reason, not ok.
func TestNoRuledOutWithoutFacts(t *testing.T) {
	// A captured tree that holds only a stray /.dockerenv.
	bare := t.TempDir()
	if err := os.WriteFile(filepath.Join(bare, ".dockerenv"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	// A tree with PID 1's status and the cgroup "0::/" (what a container
	// with its own cgroup namespace shows), and nothing else.
	cg := t.TempDir()
	os.MkdirAll(filepath.Join(cg, "proc/1"), 0o755)
	os.WriteFile(filepath.Join(cg, "proc/1/status"), []byte("Name:\tinit\nPid:\t1\n"), 0o644)
	os.WriteFile(filepath.Join(cg, "proc/1/cgroup"), []byte("0::/\n"), 0o644)
	os.Symlink("1", filepath.Join(cg, "proc/self"))

	for _, c := range []struct {
		root, text, cause, want string
	}{
		{bare, "# ip link add wg0 type wireguard\nRTNETLINK answers: Operation not supported", "mac-denial", "security modules unavailable"},
		{bare, "# ip link add wg0 type wireguard\nRTNETLINK answers: Operation not supported", "kernel-memory", "free memory unavailable"},
		{bare, "# ip link add wg0 type wireguard\nRTNETLINK answers: Operation not supported", "container-restricted", "cannot tell"},
		{cg, "RTNETLINK answers: Operation not permitted", "container-restricted", "PID namespace is unavailable"},
	} {
		s := symptom.ParseSymptom(c.text)
		d := Diagnose(probes.Gather(context.Background(), probes.Target{Root: c.root}), s, nil)
		r, _ := d.Result(c.cause)
		if r.Status != Unknown || !strings.Contains(strings.Join(r.Evidence, " "), c.want) {
			t.Errorf("%s on %s: %s %q, want unknown saying %q", c.cause, c.root, r.Status, r.Evidence, c.want)
		}
	}
}

// Review findings on what a text says: networkd's MTU error is an MTU
// error; a device named with "No such device" is looked for; ENODEV
// naming none rules nothing out; EINVAL for a device absent here is no
// proof (the kernel says ENODEV for a missing one); a missing kind under
// EINVAL is no proof either.
func TestReviewTexts(t *testing.T) {
	s := symptom.ParseSymptom("Dec 03 10:12:44 host systemd-networkd[512]: eth0: Could not set MTU to 9000: Invalid argument")
	if s.MTU != 9000 || !mtuSymptom(s) {
		t.Errorf("networkd MTU: MTU %d, mtu symptom %v", s.MTU, mtuSymptom(s))
	}
	if s := symptom.ParseSymptom("Dec 03 10:12:44 host systemd-networkd[512]: eth0: Could not set MTU: Invalid argument"); !mtuSymptom(s) {
		t.Errorf("networkd MTU without a number is no MTU error: %+v", s)
	}
	links := probes.NetFacts{Links: []probes.Link{{Index: 1, Name: "lo", Flags: 0x9}, {Index: 2, Name: "eth0", Flags: 0x11043}}}
	yes := true
	for _, c := range []struct {
		text   string
		status Status
		want   string
	}{
		{"ip: can't find device 'eth1'", Fail, `no link named "eth1"`},
		{"pyroute2.netlink.exceptions.NetlinkError: (19, 'No such device')", Unknown, "names no device"},
		{"# ip link set dev nosuch0 mtu 9000\nRTNETLINK answers: Invalid argument", Warn, "not EINVAL"},
	} {
		f := &probes.Facts{Net: links, Target: probes.TargetFacts{Live: true, HostNetNS: &yes}}
		v := evalLinkState(&Context{Facts: f, Symptom: symptom.ParseSymptom(c.text)})
		if v.Status != c.status || !strings.Contains(strings.Join(v.Evidence, " "), c.want) {
			t.Errorf("%q: link-state %s %q, want %s saying %q", c.text, v.Status, v.Evidence, c.status, c.want)
		}
	}
	no := false
	m := probes.ModulesFacts{Supported: &yes, Disabled: &no, KernelRelease: "6.8.0", ModDirExists: true,
		Kinds: []probes.KindSupport{{LinkKind: probes.LinkKind{Kind: "vlan", Module: "8021q"}, State: probes.ModMissing, Evidence: []string{"test"}}}}
	v := evalModuleMissing(&Context{Facts: &probes.Facts{Modules: m}, Symptom: symptom.ParseSymptom("# ip link add link eth0 name eth0.100 type vlan id 100\nip: RTNETLINK answers: Invalid argument")})
	if v.Status != Warn || !strings.Contains(strings.Join(v.Evidence, " "), "not EINVAL") {
		t.Errorf("a missing kind under EINVAL: %s %q", v.Status, v.Evidence)
	}
}

// An evaluation that found nothing to check is unknown, not ok.
func TestOKNeedsEvidence(t *testing.T) {
	k := &Cause{ID: "throwaway", Eval: func(*Context) Verdict { return Verdict{} }}
	r := Evaluate(k, &Context{Facts: &probes.Facts{}}, nil)
	if r.Status != Unknown || len(r.Evidence) == 0 {
		t.Fatalf("empty verdict: %s %q", r.Status, r.Evidence)
	}
}

// Opening a device node asks for no capability (EACCES is its mode;
// /dev/vhost-net needs none at all); TUNSETIFF's create does (EPERM).
func TestTunOpenNeedsNoCapability(t *testing.T) {
	for text, want := range map[string]bool{
		"qemu-system-x86_64: -netdev tap,id=net0,vhost=on: tap: open vhost char device failed: Permission denied": false,
		"ERROR: Cannot open TUN/TAP dev /dev/net/tun: Permission denied (errno=13)":                               false,
		"ERROR: Cannot ioctl TUNSETIFF tun0: Operation not permitted (errno=1)":                                   true,
	} {
		if got := needsNetAdmin(symptom.ParseSymptom(text)); got != want {
			t.Errorf("%q: needsNetAdmin %v, want %v", text, got, want)
		}
	}
}

// The free-name command keeps the peer and runs in the namespace examined
// (review: it dropped "peer name foo" for a hostile name, and -n NS).
func TestFreeNameCommand(t *testing.T) {
	links := probes.NetFacts{Links: []probes.Link{{Index: 1, Name: "lo", Flags: 0x9}, {Index: 2, Name: "veth0", Kind: "veth", Flags: 0x1003}}}
	for _, text := range []string{"$ ip link add veth0 type veth peer name foo\nRTNETLINK answers: File exists", "RTNETLINK answers: File exists"} {
		f := &probes.Facts{Net: links, Target: probes.TargetFacts{Live: true, NetNS: `named "rv2"`}, Gathered: []probes.Group{probes.GroupNet}}
		s := symptom.ParseSymptom(text)
		if s.Device == "" {
			s.Device, s.Peer, s.Kind, s.Operation = "veth0", "foo", "veth", symptom.OpLinkAdd
		}
		c := &Context{Facts: f, Symptom: s}
		found := false
		for _, x := range causeNameConflict.Fixes(c, Verdict{Status: Fail}) {
			if x.ID == "name-conflict/use-free-name" {
				found = true
				if !strings.HasPrefix(x.Command, "ip -n rv2 link add ") || !strings.Contains(x.Command, "peer name foo") {
					t.Errorf("%q: %s", text, x.Command)
				}
			}
		}
		if !found {
			t.Errorf("%q: no free-name fix", text)
		}
	}
}

// Third review: no setcap for a device node's open; a link created under a
// name the text does not hold is unknown to name-conflict, not ok.
func TestThirdReviewVerdicts(t *testing.T) {
	s := symptom.ParseSymptom("open /dev/net/tun: Permission denied")
	f := &probes.Facts{Identity: probes.IdentityFacts{Caps: &probes.CapSets{}}, Target: probes.TargetFacts{Live: true, PID: 42}}
	if fx := fixesCapNetAdmin(&Context{Facts: f, Symptom: s}, Verdict{Status: Warn}); len(fx) != 0 {
		t.Errorf("cap-net-admin offers fixes for a device node's EACCES: %v", fx)
	}
	s = symptom.Symptom{Operation: symptom.OpLinkAdd, Errno: symptom.EINVAL, Source: "watch"}
	v := evalNameConflict(&Context{Facts: &probes.Facts{}, Symptom: s})
	if v.Status != Unknown {
		t.Errorf("name-conflict without a name: %s %q", v.Status, v.Evidence)
	}
}
