package diagnose

import (
	"context"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Fixtures for the forms that need drivers this kernel may lack (bond, VLAN,
// Open vSwitch, Wi-Fi): a captured tree for every group but the links,
// which are written as rtnetlink would report them.

func diagnoseLinks(t *testing.T, text string, links ...probes.Link) *Diagnosis {
	t.Helper()
	s := symptom.ParseSymptom(text)
	f := probes.Gather(context.Background(), probes.Target{Root: fixtureRoot(t), Interfaces: s.Interfaces()})
	f.Net = probes.NetFacts{Links: links}
	f.Net.Index()
	return Diagnose(f, s, nil)
}

func TestNewCauseFixtures(t *testing.T) {
	eth := func(i int32, name string, mtu, max uint32) probes.Link {
		return probes.Link{Index: i, Name: name, MTU: mtu, MinMTU: 68, MaxMTU: max, OperState: "up", Flags: 0x11043}
	}
	port := func(l probes.Link, master int32, kind string) probes.Link {
		l.Master, l.SlaveKind = master, kind
		return l
	}
	upper := func(i int32, name, kind string, parent int32, mtu uint32) probes.Link {
		return probes.Link{Index: i, Name: name, Kind: kind, Parent: parent, MTU: mtu, MinMTU: 68, MaxMTU: 65535, OperState: "up", Flags: 0x11043}
	}
	bond := probes.Link{Index: 4, Name: "bond0", Kind: "bond", MTU: 1500, MinMTU: 68, MaxMTU: 65535, Flags: 0x11043}
	ovs := probes.Link{Index: 3, Name: "ovs-system", Kind: "openvswitch", MTU: 1500, Flags: 0x1002}
	br := probes.Link{Index: 5, Name: "br0", Kind: "bridge", MTU: 1500, MinMTU: 68, MaxMTU: 65535, Flags: 0x11043}
	for _, tc := range []struct {
		name, symptom string
		links         []probes.Link
		first         string
		status        Status
		evidence, fix string
	}{
		{"VLAN above its lower device (ERANGE)", "$ ip link set dev eth0.6 mtu 1508\nRTNETLINK answers: Numerical result out of range",
			[]probes.Link{eth(2, "eth0", 1500, 1500), upper(6, "eth0.6", "vlan", 2, 1500)}, "mtu", Fail, "a VLAN's MTU cannot exceed its lower device eth0's MTU 1500", "mtu/within-limit"},
		// sonic-net/sonic-buildimage#12223 (the message as posted; the
		// command reconstructed from the log's "ip link set dev Ethernet1 mtu 40").
		{"below min_mtu", "$ ip link set dev Ethernet1 mtu 40\nError: mtu less than device minimum.",
			[]probes.Link{eth(2, "Ethernet1", 9100, 9216)}, "mtu", Fail, "below Ethernet1's min_mtu 68", ""},
		{"bond port refuses", "$ ip link set bond0 mtu 9000\nRTNETLINK answers: Invalid argument",
			[]probes.Link{eth(2, "eth0", 1500, 1500), port(eth(3, "eth1", 1500, 9216), 4, "bond"), bond, port(eth(7, "eth2", 1500, 1500), 4, "bond")}, "mtu", Fail, "port eth2 of bond bond0 has max_mtu 1500", "mtu/within-limit"},
		{"macvlan on an OVS port", "$ ip link add link eth1 mv0 type macvlan mode bridge\nRTNETLINK answers: Device or resource busy",
			[]probes.Link{ovs, port(eth(2, "eth1", 1500, 9000), 3, "openvswitch")}, "device-busy", Fail, "eth1 is a port of the Open vSwitch datapath ovs-system", "device-busy/release"},
		// vdsm/virtual-dsm#405: the parent was a port of an OVS bond.
		{"docker macvlan, parent not named", "Error response from daemon: failed to create the macvlan port: device or resource busy",
			[]probes.Link{ovs, port(eth(2, "eth0", 1500, 9000), 3, "openvswitch")}, "device-busy", Warn, "eth0 is a port of the Open vSwitch datapath ovs-system", ""},
		{"bond port into a bridge", "$ ip link set eth1 master br0\nRTNETLINK answers: Device or resource busy",
			[]probes.Link{br, upper(2, "eth1", "", 0, 1500), upper(8, "mvl0", "macvlan", 2, 1500)}, "device-busy", Fail, "eth1 is the lower device of mvl0 (macvlan)", "device-busy/release-uppers"},
		// oblique/create_ap#420.
		{"Wi-Fi into a bridge (iproute2)", "Create a bridge interface... Error: Device does not allow enslaving to a bridge.",
			[]probes.Link{br}, "device-busy", Fail, "4-address mode", ""},
		// morrownr/USB-WiFi#153.
		{"Wi-Fi into a bridge (networkd)", "systemd-networkd[433]: comfastWLAN: Failed to set master interface: Device does not allow enslaving to a bridge. Operation not supported",
			[]probes.Link{br}, "device-busy", Fail, "IFF_DONT_BRIDGE", ""},
		// A sysfs write on a bond with ports (the form bond_options.c
		// answers with ENOTEMPTY; kernel log line as in siderolabs/talos#1638).
		{"bond mode with ports", "$ echo 802.3ad > /sys/class/net/bond0/bonding/mode\n-bash: echo: write error: Directory not empty\nbond0: option mode: unable to set because the bond device has slaves",
			[]probes.Link{bond, port(eth(3, "eth1", 1500, 9216), 4, "bond")}, "device-busy", Fail, "can change only while it has no ports", "device-busy/bond-empty"},
		{"macvlan passthru toggle", "$ ip link set mv0 type macvlan mode passthru\nRTNETLINK answers: Invalid argument",
			[]probes.Link{eth(2, "eth0", 1500, 9000), upper(9, "mv0", "macvlan", 2, 1500)}, "device-busy", Fail, "passthru", "device-busy/recreate-macvlan"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnoseLinks(t, tc.symptom, tc.links...)
			if d.Results[0].ID != tc.first || d.Results[0].Status != tc.status {
				t.Fatalf("first = %s %s, want %s %s\nsymptom %+v\n%s", d.Results[0].ID, d.Results[0].Status, tc.first, tc.status, d.Symptom, dump(d))
			}
			r := d.Results[0]
			ev := strings.Join(r.Evidence, "\n")
			if !strings.Contains(ev, tc.evidence) {
				t.Fatalf("evidence %q lacks %q", ev, tc.evidence)
			}
			if tc.fix != "" && (len(r.Fixes) == 0 || r.Fixes[0].ID != tc.fix) {
				t.Fatalf("fixes %v, want %s first", fixIDs(r), tc.fix)
			}
			for _, f := range r.Fixes {
				if f.Action != nil || !f.Manual || f.Why == "" {
					t.Errorf("fix %s: a captured tree gives instructions with a reason: %+v", f.ID, f)
				}
			}
		})
	}
}

// Seccomp from a captured status: a filter, full capabilities, no denial.
func TestSeccompFixture(t *testing.T) {
	d := diagnoseFixture(t, "Cannot open netlink socket: Operation not permitted", "seccomp-firejail")
	r := d.Results[0]
	ev := strings.Join(r.Evidence, "\n")
	if r.ID != "seccomp" || r.Status != Fail || !strings.Contains(ev, "inherited from PID 4241 (sh)") || !strings.Contains(ev, "launched by firejail") ||
		len(r.Fixes) == 0 || r.Fixes[0].ID != "seccomp/firejail-protocol" {
		t.Fatalf("%s %s %q %v\n%s", r.ID, r.Status, ev, fixIDs(r), dump(d))
	}
	// The same process, the symptom of a missing capability: not seccomp.
	d = diagnoseFixture(t, "$ ip link add br0 type bridge\nRTNETLINK answers: Operation not permitted", "seccomp-firejail", "seccomp-firejail-nocap")
	if r, _ := d.Result("seccomp"); r.Status != Warn || !strings.Contains(strings.Join(r.Evidence, " "), "lacks CAP_NET_ADMIN") {
		t.Fatalf("seccomp with the capability missing: %s %q", r.Status, r.Evidence)
	}
}

// ip netns list on a host with a stale name (the kernel's message, once per
// broken name, as in the iproute2 netdev thread on "ns.mounted" names).
func TestNetnsReferenceFixture(t *testing.T) {
	d := diagnoseFixture(t, "# ip netns list\nError: Peer netns reference is invalid.\nError: Peer netns reference is invalid.\ntest.mounted\ntest", "netns-stale")
	r := d.Results[0]
	ev := strings.Join(r.Evidence, "\n")
	if r.ID != "netns-reference" || r.Status != Fail || !strings.Contains(ev, "/run/netns/stale is a plain file") || strings.Contains(ev, "rtnldoc-sample is") ||
		len(r.Fixes) != 1 || r.Fixes[0].ID != "netns-reference/remove-stale" {
		t.Fatalf("%s %s %q %v\n%s", r.ID, r.Status, ev, fixIDs(r), dump(d))
	}
}

// The MTU asked for, in the command forms that set one.
func TestSymptomMTU(t *testing.T) {
	for text, want := range map[string]int{
		"$ ip link set dev eth0 mtu 9000\nError: mtu greater than device maximum.":                             9000,
		"$ ip link add link eth2 name eth2.100 mtu 2000 type vlan id 100\nRTNETLINK answers: Invalid argument": 2000,
		"$ ifconfig eth0 mtu 9000\nSIOCSIFMTU: Invalid argument":                                               9000,
		"$ ip link set eth0 up\nRTNETLINK answers: Invalid argument":                                           0,
	} {
		if s := symptom.ParseSymptom(text); s.MTU != want {
			t.Errorf("%q: mtu %d, want %d", text, s.MTU, want)
		}
	}
}
