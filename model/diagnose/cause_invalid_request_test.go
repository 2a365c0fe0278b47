package diagnose

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Requests the kernel refuses whatever the system, made for real in a
// private namespace.
func TestLiveInvalidRequest(t *testing.T) {
	for _, tc := range []struct {
		name     string
		setup    [][]string
		cmd      []string
		evidence string
		fix      string // a word of the first fix's command
	}{
		{"multicast MAC", nil, []string{"link", "set", "dev", "v0", "address", "01:00:5e:00:00:01"},
			"01:00:5e:00:00:01 is multicast", "02:00:5e:00:00:01"},
		{"zero MAC", nil, []string{"link", "set", "dev", "v0", "address", "00:00:00:00:00:00"},
			"is all zero", "02:"},
		{"master is a veth", nil, []string{"link", "set", "dev", "v1", "master", "v0"},
			"v0 is a veth, not a bridge or bond", "type bridge"},
		{"IPv6 gateway is local", [][]string{{"link", "set", "v0", "up"}, {"-6", "addr", "add", "2001:db8::1/64", "dev", "v0", "nodad"}},
			[]string{"-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8::1", "dev", "v0"},
			"the gateway 2001:db8::1 is a local address", "ip -n"},
		{"neighbour without lladdr", nil, []string{"neigh", "add", "192.0.2.7", "dev", "v0"},
			"no link-layer address", "lladdr LLADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ns := testns.New(t)
			ns.IP("link", "add", "v0", "type", "veth", "peer", "name", "v1")
			for _, a := range tc.setup {
				ns.IP(a...)
			}
			out, err := ns.TryIP(tc.cmd...)
			if err == nil {
				t.Fatalf("ip %s succeeded: the fault was not made", strings.Join(tc.cmd, " "))
			}
			d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip "+strings.Join(tc.cmd, " "), out)
			expectFirst(t, d, "invalid-request")
			r := evidenceHas(t, d, "invalid-request", tc.evidence)
			if len(r.Fixes) == 0 || !r.Fixes[0].Manual || !strings.Contains(r.Fixes[0].Command, tc.fix) || r.Fixes[0].Action != nil {
				t.Fatalf("first fix %+v, want a corrected command (shown, not applied) with %q", r.Fixes, tc.fix)
			}
		})
	}
}

// Texts of this cause (the corpus's tuning rows and synthetic forms; no
// held-out row) against the facts their threads describe.
func TestInvalidRequestCorpusForms(t *testing.T) {
	eth := probes.Link{Index: 2, Name: "eno1", Flags: up, HWAddr: "52:54:00:12:34:56"}
	for _, tc := range []struct {
		name, text string
		links      []probes.Link
		status     Status
		evidence   string
		fix        string
	}{
		{"canonical/lxd#8162 VF with a zero MAC",
			"# lxc network attach internet test eth1\nError: Failed to start device \"eth1\": Failed to bring up the interface: Failed to run: ip link set dev eno1v1 up: RTNETLINK answers: Cannot assign requested address",
			[]probes.Link{eth, {Index: 7, Name: "eno1v1", HWAddr: "00:00:00:00:00:00"}}, Fail, "eno1v1's own MAC address 00:00:00:00:00:00 is all zero", "address 02:"},
		{"netblue30/firejail#3784 MAC not shown",
			"Parent pid 962, child pid 967\nError ioctl: interface.c:302 net_if_mac: Cannot assign requested address\nError: failed to run /run/firejail/lib/fnet",
			[]probes.Link{eth}, Warn, "does not show the address", "first octet"},
		{"rust-netlink/rtnetlink#67 iproute2 form",
			"# ip neigh add 10.17.31.55 dev eth0\nError: No link layer address given.",
			[]probes.Link{eth}, Fail, "no link-layer address", "10.17.31.55 lladdr LLADDR dev eth0"},
		{"an extra word (synthetic)",
			"$ ip addr add 10.0.0.1/24 dev eth0 eth1\nError: either \"dev\" is duplicate, or \"eth1\" is a garbage.",
			[]probes.Link{eth}, Fail, "iproute2 refused the command line", "ip addr add 10.0.0.1/24 dev eth0"},
		{"a shell trace's command (synthetic)",
			"+ /sbin/ip link set dev tap0 up extra\nError: either \"dev\" is duplicate, or \"extra\" is a garbage.",
			[]probes.Link{eth}, Fail, "iproute2 refused the command line", "ip link set dev tap0 up"},
		{"cockpit-project/cockpit#14486 NIC as a bridge",
			"Unable to add bridge enp3s0 port vnet0: Operation not supported",
			[]probes.Link{{Index: 2, Name: "enp3s0", Flags: up}, {Index: 9, Name: "vnet0", Kind: "tun"}}, Fail, "enp3s0 is a physical (or driver-only) device", "type bridge"},
		{"hibiki31/virty#17 OVS bridge",
			"Unable to add bridge ovs-br0 port vnet0: Operation not supported",
			[]probes.Link{eth, {Index: 4, Name: "ovs-br0", Kind: "openvswitch"}}, Fail, "Open vSwitch bridge", "ovs-vsctl add-port ovs-br0 vnet0"},
		{"a real bridge is not this cause",
			"Unable to add bridge br0 port vnet0: Operation not supported",
			[]probes.Link{eth, {Index: 4, Name: "br0", Kind: "bridge"}}, OK, "br0 is a bridge", ""},
		{"a valid MAC is not this cause",
			"$ ip link set dev eno1 address 02:00:00:00:00:01\nRTNETLINK answers: Operation not permitted",
			[]probes.Link{eth}, OK, "nothing in the request itself", ""},
		{"an invalid MAC behind another errno is said, not blamed",
			"$ ip link set dev eno1 address 01:00:00:00:00:01\nRTNETLINK answers: Operation not permitted",
			[]probes.Link{eth}, OK, "it gives EADDRNOTAVAIL, not this EPERM", ""},
		{"pasted ip link output is no request",
			"$ ip link set dev eno1 up\nRTNETLINK answers: Cannot assign requested address\n2: eno1: <BROADCAST,MULTICAST> mtu 1500\n    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff",
			[]probes.Link{eth}, OK, "nothing in the request itself", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := symptom.ParseSymptom(tc.text)
			d := Diagnose(netFacts(tc.links), s, nil)
			r, _ := d.Result("invalid-request")
			if r.Status != tc.status || !strings.Contains(strings.Join(r.Evidence, "\n"), tc.evidence) {
				t.Fatalf("%s %q, want %s with %q\nsymptom %+v", r.Status, r.Evidence, tc.status, tc.evidence, s)
			}
			if tc.fix == "" {
				if len(r.Fixes) > 0 {
					t.Fatalf("fixes offered for a request that is not at fault: %+v", r.Fixes)
				}
				return
			}
			if len(r.Fixes) == 0 || !strings.Contains(r.Fixes[0].Command, tc.fix) || !r.Fixes[0].Manual {
				t.Fatalf("fixes %+v, want a shown command with %q", r.Fixes, tc.fix)
			}
			if tc.status == Fail && d.Results[0].ID != "invalid-request" {
				t.Fatalf("first is %s, want invalid-request\n%s", d.Results[0].ID, dump(d))
			}
		})
	}
}

// Offline (a captured tree: no links) the master's kind and a device's MAC
// are unknown, never proof either way.
func TestInvalidRequestWithoutLinks(t *testing.T) {
	f := &probes.Facts{Gathered: []probes.Group{probes.GroupNet}}
	f.Net.Gaps.AddReason("links", "offline root /tmp/x: links come from the live kernel")
	for _, text := range []string{
		"Unable to add bridge enp3s0 port vnet0: Operation not supported",
		"$ ip link set dev eno1v1 up\nRTNETLINK answers: Cannot assign requested address",
	} {
		r, _ := Diagnose(f, symptom.ParseSymptom(text), nil).Result("invalid-request")
		if r.Status != Unknown || len(r.Fixes) != 0 {
			t.Errorf("%q: %s %q fixes %d, want unknown without fixes", text, r.Status, r.Evidence, len(r.Fixes))
		}
	}
}

// The kernel's own refusal of a request (an extended ACK whose table row
// names invalid-request) proves the cause whatever the facts; a message
// naming another cause leaves that cause's ok to the facts when the
// command names objects (a verification can turn it ok), is added to an
// unknown one, and makes an ok that checked nothing unknown.
func TestKernelWordsAsEvidence(t *testing.T) {
	f := &probes.Facts{Gathered: []probes.Group{probes.GroupNet}}
	f.Net.Gaps.AddReason("links", "offline root /tmp/x: links come from the live kernel")
	d := Diagnose(f, symptom.ParseSymptom("$ ip route add 10.0.0.0/8 via 192.0.2.1 src 10.9.9.9\nError: Invalid prefsrc address."), nil)
	r, _ := d.Result("invalid-request")
	if r.Status != Fail || !strings.Contains(strings.Join(r.Evidence, "\n"), `"Invalid prefsrc address" (net/ipv4/fib_semantics.c`) || d.Results[0].ID != "invalid-request" {
		t.Fatalf("invalid-request %s %q (first %s)", r.Status, r.Evidence, d.Results[0].ID)
	}
	c := &Context{Facts: &probes.Facts{}, Symptom: symptom.ParseSymptom("$ ip route add 10.0.0.0/8 via 192.0.2.1\nError: Nexthop device is not up.")}
	v := Verdict{Status: OK, Evidence: []string{"gateway 192.0.2.1 is on the subnet of eth0, which is up"}}
	kernelSaid(causeLinkState, c, &v)
	if v.Status != OK || len(v.Evidence) != 1 {
		t.Fatalf("link-state checked against the command's objects: %s %q, want the facts' ok alone", v.Status, v.Evidence)
	}
	v = Verdict{Status: Unknown, Evidence: []string{"the gateway's link unavailable"}}
	kernelSaid(causeLinkState, c, &v)
	if v.Status != Unknown || !strings.Contains(strings.Join(v.Evidence, "\n"), `the kernel answered "Nexthop device is not up"`) {
		t.Fatalf("link-state unknown: %s %q", v.Status, v.Evidence)
	}
	// The message alone: nothing was checked, so not ok but unknown.
	c.Symptom = symptom.ParseSymptom("Error: Nexthop device is not up.")
	v = Verdict{Status: OK, Evidence: []string{"no route in the symptom"}}
	kernelSaid(causeLinkState, c, &v)
	if v.Status != Unknown || !strings.Contains(strings.Join(v.Evidence, "\n"), "paste the command too") {
		t.Fatalf("link-state from the message alone: %s %q", v.Status, v.Evidence)
	}
}

// "Invalid prefsrc address": the src the command names is checked against
// the namespace's addresses, and an unproven cause the kernel did not name
// offers no fix for it (review finding).
func TestInvalidPrefsrc(t *testing.T) {
	f := &probes.Facts{Gathered: []probes.Group{probes.GroupNet}}
	f.Net.Links = []probes.Link{{Index: 2, Name: "a0", OperState: "up", Flags: 0x11043}}
	f.Net.Addrs = []probes.Addr{{Index: 2, Prefix: netip.MustParsePrefix("10.1.0.1/24")}}
	f.Net.Index()
	d := Diagnose(f, symptom.ParseSymptom("# ip route add 10.5.0.0/24 dev a0 src 10.99.99.99\nError: Invalid prefsrc address."), nil)
	r, _ := d.Result("invalid-request")
	if r.Status != Fail || !strings.Contains(strings.Join(r.Evidence, "\n"), "src 10.99.99.99 is not an address of this host") || len(r.Fixes) == 0 || r.Fixes[0].ID != "invalid-request/route-src" {
		t.Fatalf("invalid-request: %s %q %v", r.Status, r.Evidence, r.Fixes)
	}
	for _, x := range d.Results {
		if x.ID != "invalid-request" && x.Status != Fail && len(x.Fixes) > 0 {
			t.Errorf("%s (%s) offers %s for an error the kernel put on invalid-request", x.ID, x.Status, x.Fixes[0].ID)
		}
	}
}

// A bare EINVAL names no request: the cause cannot say "nothing is
// refused" of values it never saw.
func TestInvalidRequestBareErrnoIsUnknown(t *testing.T) {
	for _, c := range []struct {
		text string
		want Status
	}{
		{"RTNETLINK answers: Invalid argument", Unknown},
		{"Received a netlink error message Numerical result out of range (os error 34)", Unknown},
		{"ip link set eth0 address 02:00:00:00:00:01\nRTNETLINK answers: Invalid argument", OK},
	} {
		ctx := &Context{Facts: &probes.Facts{}, Symptom: symptom.ParseSymptom(c.text)}
		v := evalInvalidRequest(ctx)
		if v.Status == "" {
			v.Status = OK // as Evaluate reads a verdict without one
		}
		if v.Status != c.want {
			t.Errorf("%q: %s %v, want %s", c.text, v.Status, v.Evidence, c.want)
		}
	}
}

// tc qdisc del of a root qdisc never set: the kernel's "Cannot delete
// qdisc with handle of zero" is a harmless no-op, a warning with no fix,
// not a request to correct.
func TestInvalidRequestTCDeleteNothing(t *testing.T) {
	s := symptom.ParseSymptom("$ tc qdisc del dev eth0 root\nError: Cannot delete qdisc with handle of zero.")
	c := &Context{Facts: &probes.Facts{}, Symptom: s}
	v := evalInvalidRequest(c)
	if v.Status != Warn || !strings.Contains(strings.Join(v.Evidence, " "), "already as the del would leave it") {
		t.Fatalf("%s %q", v.Status, v.Evidence)
	}
	if f := fixesInvalidRequest(c, v); len(f) != 0 {
		t.Fatalf("fixes %v", f)
	}
}
