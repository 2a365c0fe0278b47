package diagnose

import (
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// needKind skips the test when this kernel cannot create the kind.
func needKind(t *testing.T, ns *testns.NS, kind string, args ...string) {
	t.Helper()
	if out, err := ns.TryIP(args...); err != nil {
		if strings.Contains(out, "Unknown device type") || strings.Contains(out, "not supported") {
			t.Skipf("this kernel has no %s: %s", kind, strings.TrimSpace(out))
		}
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func evidenceHas(t *testing.T, d *Diagnosis, id string, words ...string) Result {
	t.Helper()
	r, _ := d.Result(id)
	ev := strings.Join(r.Evidence, "\n")
	for _, w := range words {
		if !strings.Contains(ev, w) {
			t.Errorf("%s evidence lacks %q:\n%s", id, w, ev)
		}
	}
	return r
}

// Cilium's external vxlan is up on 4789; a plain vxlan on the same port
// cannot be brought up (vxlan_sock_add: flags differ, bind EADDRINUSE).
func TestLiveVxlanPortHeldByVxlan(t *testing.T) {
	ns := testns.New(t)
	needKind(t, ns, "vxlan", "link", "add", "vxext", "type", "vxlan", "dstport", "4789", "external")
	ns.IP("link", "set", "vxext", "up")
	ns.IP("link", "add", "vxplain", "type", "vxlan", "id", "20", "dstport", "4789", "dev", "lo")
	out, err := ns.TryIP("link", "set", "vxplain", "up")
	if err == nil || !strings.Contains(out, "Address already in use") {
		t.Fatalf("bringing vxplain up: %v %q: the port conflict was not made", err, out)
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set vxplain up", out)
	expectFirst(t, d, "address-in-use")
	r := evidenceHas(t, d, "address-in-use", "vxext", "4789", "external")
	if ids := strings.Join(fixIDs(r), " "); !strings.Contains(ids, "address-in-use/vxlan-other-port") || !strings.Contains(ids, "address-in-use/delete-vxlan-holder") {
		t.Fatalf("fixes %s", ids)
	}
	for _, f := range r.Fixes {
		if f.ID == "address-in-use/delete-vxlan-holder" && (f.Action == nil || f.Action.Params["name"] != "vxext") {
			t.Fatalf("the deletion acts on %+v, want vxext", f.Action)
		}
		if !strings.Contains(f.Title, "answers EADDRINUSE") {
			t.Errorf("fix %s does not say what it answers: %q", f.ID, f.Title)
		}
	}
}

// A program's UDP socket holds the vxlan port.
func TestLiveVxlanPortHeldBySocket(t *testing.T) {
	ns := testns.New(t)
	needKind(t, ns, "vxlan", "link", "add", "vxc", "type", "vxlan", "id", "30", "dstport", "8472", "dev", "lo")
	var conn net.PacketConn
	if err := netns.Do(ns.Path(), func() (err error) {
		conn, err = net.ListenPacket("udp4", "0.0.0.0:8472")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	out, err := ns.TryIP("link", "set", "vxc", "up")
	if err == nil {
		t.Fatalf("vxc came up although 8472 is bound: %q", out)
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set vxc up", out)
	expectFirst(t, d, "address-in-use")
	r := evidenceHas(t, d, "address-in-use", "a program holds UDP port 8472", "socket inode")
	if ids := strings.Join(fixIDs(r), " "); !strings.Contains(ids, "address-in-use/stop-port-holder") {
		t.Fatalf("fixes %s", ids)
	}
	// With the socket closed the port is free and the cause is ruled out.
	conn.Close()
	d = diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set vxc up", out)
	if r, _ := d.Result("address-in-use"); r.Status != OK {
		t.Fatalf("after closing the socket: %s %q", r.Status, r.Evidence)
	}
}

// Two macvlans on one lower device cannot share a MAC (macvlan_addr_busy).
func TestLiveMacvlanMACInUse(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "low0", "type", "veth", "peer", "name", "low0p")
	needKind(t, ns, "macvlan", "link", "add", "link", "low0", "mvold", "address", "02:11:22:33:44:55", "type", "macvlan")
	ns.IP("link", "set", "mvold", "up")
	ns.IP("link", "add", "link", "low0", "mvnew", "type", "macvlan")
	out, err := ns.TryIP("link", "set", "dev", "mvnew", "address", "02:11:22:33:44:55")
	if err == nil {
		// Older kernels let a down macvlan take the address and refuse
		// only when it comes up (EBUSY).
		out, err = ns.TryIP("link", "set", "dev", "mvnew", "up")
		if err == nil {
			t.Skip("this kernel let two macvlans share a MAC")
		}
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip link set dev mvnew address 02:11:22:33:44:55", out)
	expectFirst(t, d, "address-in-use")
	r := evidenceHas(t, d, "address-in-use", "mvold", "low0", "02:11:22:33:44:55")
	if ids := strings.Join(fixIDs(r), " "); !strings.Contains(ids, "address-in-use/macvlan-other-mac") || !strings.Contains(ids, "address-in-use/delete-macvlan-holder") {
		t.Fatalf("fixes %s", ids)
	}
	if !strings.HasPrefix(r.Fixes[0].ID, "address-in-use/macvlan-other-mac") || strings.Contains(r.Fixes[0].Command, "02:11:22:33:44:55") {
		t.Fatalf("narrowest fix first with a free MAC: %+v", r.Fixes[0])
	}
}

// Facts for the fixture tests: one namespace's links, as rtnetlink gives them.
func netFacts(links []probes.Link, udp ...probes.UDPSocket) *probes.Facts {
	f := &probes.Facts{Gathered: []probes.Group{probes.GroupNet}}
	f.Net.Links, f.Net.UDP = links, udp
	f.Net.Index()
	return f
}

const up = unix.IFF_UP | unix.IFF_LOWER_UP

// Texts of this cause (the corpus's tuning rows and synthetic forms; no
// held-out row) against the facts their threads describe.
func TestAddressInUseCorpusForms(t *testing.T) {
	cilium := probes.Link{Index: 5, Name: "cilium_vxlan", Kind: "vxlan", Flags: up, Vxlan: &probes.VxlanInfo{Port: 8472, External: true}}
	flannel := probes.Link{Index: 6, Name: "flannel.1", Kind: "vxlan", Vxlan: &probes.VxlanInfo{VNI: 1, Port: 8472, Link: 2}}
	eth := probes.Link{Index: 2, Name: "eth0", Flags: up, HWAddr: "52:54:00:12:34:56"}
	for _, tc := range []struct {
		name, text string
		facts      *probes.Facts
		status     Status
		evidence   string
	}{
		{"flannel.1 after Cilium (synthetic, the form of the field's reports)",
			"$ ip link set flannel.1 up\nRTNETLINK answers: Address already in use",
			netFacts([]probes.Link{eth, cilium, flannel}), Fail, "cilium_vxlan (up, VNI 0, external) holds UDP port 8472"},
		{"cilium/cilium#38581 cilium after a plain vxlan",
			"failed to setup vxlan tunnel device: setting up vxlan device: creating vxlan device cilium_vxlan: setting up device cilium_vxlan: address already in use",
			netFacts([]probes.Link{eth, {Index: 5, Name: "cilium_vxlan", Kind: "vxlan", Vxlan: &probes.VxlanInfo{Port: 8472, External: true}},
				{Index: 7, Name: "vxlan0", Kind: "vxlan", Flags: up, Vxlan: &probes.VxlanInfo{VNI: 42, Port: 8472}}}), Fail, "vxlan0 (up, VNI 42, plain)"},
		{"device not named in the error (synthetic)",
			"RTNETLINK answers: Address already in use",
			netFacts([]probes.Link{eth, {Index: 5, Name: "cilium_vxlan", Kind: "vxlan", Vxlan: &probes.VxlanInfo{Port: 8472, External: true}},
				{Index: 6, Name: "flannel.1", Kind: "vxlan", Flags: up, Vxlan: &probes.VxlanInfo{VNI: 1, Port: 8472}}}), Warn, "cilium_vxlan (down, port 8472, external) cannot come up while vxlan flannel.1"},
		{"canonical/lxd#11053 macvlan MAC taken",
			"Error: Failed to start device \"eth0\": Failed to set the MAC address: Failed to run: ip link set dev mac6289d050 address aa:00:00:c2:48:94: exit status 2 (RTNETLINK answers: Address already in use)",
			netFacts([]probes.Link{eth, {Index: 9, Name: "macold", Kind: "macvlan", Parent: 2, Flags: up, HWAddr: "aa:00:00:c2:48:94"},
				{Index: 10, Name: "mac6289d050", Kind: "macvlan", Parent: 2, HWAddr: "fe:11:22:33:44:55"}}), Fail, "macvlan macold (up) on the same lower device eth0 already uses aa:00:00:c2:48:94"},
		{"the lower device's own MAC",
			"$ ip link set dev mv0 address 52:54:00:12:34:56\nRTNETLINK answers: Address already in use",
			netFacts([]probes.Link{eth, {Index: 10, Name: "mv0", Kind: "macvlan", Parent: 2, HWAddr: "fe:11:22:33:44:55"}}), Fail, "the MAC address of eth0 itself"},
		{"nothing holds the port any more",
			"$ ip link set flannel.1 up\nRTNETLINK answers: Address already in use",
			netFacts([]probes.Link{eth, flannel}), OK, "nothing holds UDP port 8472"},
		{"another errno", "$ ip link set flannel.1 up\nRTNETLINK answers: Operation not permitted",
			netFacts([]probes.Link{eth, cilium, flannel}), OK, "not EADDRINUSE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := symptom.ParseSymptom(tc.text)
			d := Diagnose(tc.facts, s, nil)
			r, _ := d.Result("address-in-use")
			if r.Status != tc.status || !strings.Contains(strings.Join(r.Evidence, "\n"), tc.evidence) {
				t.Fatalf("%s %q, want %s with %q", r.Status, r.Evidence, tc.status, tc.evidence)
			}
			if tc.status == Fail && d.Results[0].ID != "address-in-use" {
				t.Fatalf("first is %s, want address-in-use\n%s", d.Results[0].ID, dump(d))
			}
			if tc.status != Fail && len(r.Fixes) > 0 {
				t.Fatalf("fixes offered without proof: %+v", r.Fixes)
			}
		})
	}
}

// Evaluating address-in-use on 20,000 links with a 64 KiB symptom (every
// word of the text is looked up as a link name).
func BenchmarkAddressInUse20k(b *testing.B) {
	links := make([]probes.Link, 20000)
	for i := range links {
		links[i] = probes.Link{Index: int32(i + 1), Name: "veth" + strconv.Itoa(i), Kind: "veth", HWAddr: "02:00:00:00:00:01"}
	}
	links[100] = probes.Link{Index: 101, Name: "vxa", Kind: "vxlan", Flags: up, Vxlan: &probes.VxlanInfo{Port: 8472, External: true}}
	links[200] = probes.Link{Index: 201, Name: "vxb", Kind: "vxlan", Vxlan: &probes.VxlanInfo{Port: 8472}}
	f := netFacts(links)
	text := strings.Repeat("level=info msg=\"setting up veth17 and friends\" subsys=daemon\n", 1000) + "$ ip link set vxb up\nRTNETLINK answers: Address already in use"
	c := &Context{Facts: f, Symptom: symptom.ParseSymptom(text)}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if v := evalAddressInUse(c); v.Status != Fail {
			b.Fatalf("%s %q", v.Status, v.Evidence)
		}
	}
}

// Two ipvlans of one lower device cannot carry the same address (kernels
// without ipvlan exist, this machine's among them: a fixture).
func TestAddressInUseIpvlanAddress(t *testing.T) {
	eth := probes.Link{Index: 2, Name: "eth0", Flags: up}
	f := netFacts([]probes.Link{eth,
		{Index: 3, Name: "ipv1", Kind: "ipvlan", Parent: 2, Flags: up},
		{Index: 4, Name: "ipv2", Kind: "ipvlan", Parent: 2, Flags: up}})
	f.Net.Addrs = []probes.Addr{{Index: 3, Family: "inet", Prefix: netip.MustParsePrefix("10.9.0.5/24")}}
	s := symptom.ParseSymptom("$ ip addr add 10.9.0.5/24 dev ipv2\nError: Address already assigned to an ipvlan device.")
	if s.Errno != symptom.EADDRINUSE {
		t.Fatalf("parsed %s", s.Errno)
	}
	d := Diagnose(f, s, nil)
	r, _ := d.Result("address-in-use")
	if d.Results[0].ID != "address-in-use" || r.Status != Fail || !strings.Contains(strings.Join(r.Evidence, " "), "ipvlan ipv1 on the same lower device eth0 already has 10.9.0.5") {
		t.Fatalf("%s first; address-in-use %s %q", d.Results[0].ID, r.Status, r.Evidence)
	}
	if len(r.Fixes) != 1 || r.Fixes[0].ID != "address-in-use/ipvlan-other-address" {
		t.Fatalf("fixes %+v", r.Fixes)
	}
	// The holder may be in a container's namespace: not visible, not proof.
	f.Net.Addrs = nil
	if r, _ := Diagnose(f, s, nil).Result("address-in-use"); r.Status != Warn {
		t.Fatalf("without a visible holder: %s %q", r.Status, r.Evidence)
	}
}
