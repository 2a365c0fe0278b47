package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

func TestUnsupportedFeature(t *testing.T) {
	links := []probes.Link{
		{Index: 1, Name: "eth0", LinkType: "ether", Flags: 0x1003},
		{Index: 2, Name: "wg0", Kind: "wireguard", LinkType: "none", Flags: 0x91},
		{Index: 3, Name: "lo", LinkType: "loopback", Flags: 0x9},
		{Index: 4, Name: "old0", Flags: 0x1003}, // from a capture without link types
	}
	for _, tc := range []struct {
		name, text, release string
		want                Status
		evidence            string
	}{
		{"macvlan on wireguard", "$ ip link add link wg0 mv0 type macvlan\nRTNETLINK answers: Invalid argument", "6.8.0", Fail, "wg0 is wireguard of type none (link/none), not Ethernet"},
		{"macvlan on loopback", "$ ip link add link lo mv0 type macvlan\nRTNETLINK answers: Invalid argument", "6.8.0", Fail, "lo is a device of type loopback"},
		{"macvlan on ethernet", "$ ip link add link eth0 mv0 type macvlan\nRTNETLINK answers: Invalid argument", "6.8.0", OK, "eth0 is an Ethernet device"},
		{"strict check on 4.19", "netavark: failed to set NETLINK_GET_STRICT_CHK: Protocol not available (os error 92)", "4.19.90-52.22.v2207.ky10.x86_64", Fail, "the running kernel is 4.19.90-52.22.v2207.ky10.x86_64, older"},
		{"strict check on 6.1", "netavark: failed to set NETLINK_GET_STRICT_CHK: Protocol not available (os error 92)", "6.1.0-13-amd64", OK, "has it"},
		{"altname, release unknown", "$ ip link property add dev eth0 altname uplink\nRTNETLINK answers: Operation not supported", "", Unknown, "release is unavailable"},
		{"native XDP, kernel's words", "$ ip link set dev eth0 xdpdrv obj x.o\nError: Underlying driver does not support XDP in native mode.", "6.8.0", Fail, "dev_xdp_attach"},
		{"native XDP, no words", "libxdp: Error attaching XDP program to eth0: Operation not supported", "6.8.0", Unknown, "not read here"},
		{"lower type not recorded", "$ ip link add link old0 mv0 type macvlan\nRTNETLINK answers: Invalid argument", "6.8.0", Unknown, "hardware type was not recorded"},
		// Forms the ranking sends here whose driver capability is not
		// read: unknown with how to read it, never a silent ok.
		{"iw phy netns", "$ iw phy phy0 set netns name foo\ncommand failed: Operation not supported (-95)", "6.8.0", Unknown, "set_wiphy_netns"},
		{"iw interface add", "$ iw wlp1s0 interface add p2p0 type managed\ncommand failed: No such device (-19)", "6.8.0", Unknown, "supported interface modes"},
		{"VF setting", "failed to set vf 2 vlan: operation not supported", "6.8.0", Unknown, "do_setvfinfo"},
		{"CAN bitrate", "$ ip link set can0 type can bitrate 500000\nRTNETLINK answers: Operation not supported", "6.8.0", Unknown, "can_changelink"},
		{"program's own probe", `level=warning msg="kernel does not support IFLA_NETKIT_SCRUB, some features may not work with netkit"`, "6.6.0", Warn, "the running kernel is 6.6.0"},
		{"another errno", "$ ip link add link wg0 mv0 type macvlan\nRTNETLINK answers: File exists", "6.8.0", OK, "not what a kernel or driver"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &probes.Facts{Gathered: []probes.Group{probes.GroupNet, probes.GroupHost}}
			f.Host.KernelRelease = tc.release
			f.Net.Links = append([]rtnl.Link(nil), links...)
			f.Net.Index()
			c := &Context{Facts: f, Symptom: symptom.ParseSymptom(tc.text)}
			v := evalUnsupportedFeature(c)
			if v.Status == "" {
				v.Status = OK // as Evaluate does
			}
			ev := strings.Join(v.Evidence, "\n")
			if v.Status != tc.want || !strings.Contains(ev, tc.evidence) {
				t.Fatalf("status %s evidence %q, want %s with %q (symptom %+v)", v.Status, ev, tc.want, tc.evidence, c.Symptom)
			}
			if fx := fixesUnsupportedFeature(c, v); v.Status == Fail && len(fx) == 0 {
				t.Fatal("a proven cause offers nothing to do")
			} else {
				for _, x := range fx {
					if x.Action != nil || !x.Manual || x.Why == "" {
						t.Fatalf("fix %s: nothing on this kernel can be applied, it must be manual with why: %+v", x.ID, x)
					}
				}
			}
		})
	}
}

// The ranking puts the cause first for the forms the field shows.
func TestUnsupportedFeatureRanked(t *testing.T) {
	for _, text := range []string{
		"Error: Underlying driver does not support XDP in native mode.",
		"libbpf: Kernel error message: Underlying driver does not support XDP in native mode\nxdp-loader: Couldn't attach XDP program on iface 'ens33': Operation not supported(-95)",
		"$ ip link set can0 type can bitrate 500000\nRTNETLINK answers: Operation not supported",
		"Error: failed to set NETLINK_GET_STRICT_CHK: Protocol not available (os error 92)",
		"Error: 8021q: VLANs not supported on device.",
	} {
		ks, _ := rankedCauses(symptom.ParseSymptom(text))
		if len(ks) == 0 || ks[0].ID != "unsupported-feature" {
			var ids []string
			for _, k := range ks {
				ids = append(ids, k.ID)
			}
			t.Errorf("%q ranked %v, want unsupported-feature first", text, ids)
		}
	}
}
