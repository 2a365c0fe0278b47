package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// The tool's own refusals, as posted (host5-019, host3-013, frm8-002 in the
// corpus), judged against the iproute2 a system has: older than the word,
// as new as it (another tool printed it), BusyBox's applet, or unknown.
func TestToolVersion(t *testing.T) {
	old := probes.IPRoute2{Version: "4.9.0-1+deb9u1", Package: "iproute2", Source: "/var/lib/dpkg/status"}
	cur := probes.IPRoute2{Version: "6.1.0-3", Package: "iproute2", Source: "/var/lib/dpkg/status"}
	cake := "tc qdisc add dev pppoe-wan root cake bandwidth 716kbit besteffort triple-isolate\nUnknown qdisc \"cake\", hence option \"bandwidth\" is unparsable"
	xdp := "root@machine:~/p4c/p4c# ip link set dev ens1f0 xdp obj xdp16.o verb\nError: either \"dev\" is duplicate, or \"xdp\" is a garbage."
	bb := "iex(3)> :os.cmd('ip link set can0 up type can bitrate 1000000')\n~c\"ip: either \\\"dev\\\" is duplicated or \\\"type\\\" is garbage\\n\""
	for _, tc := range []struct {
		name, text string
		ip         probes.IPRoute2
		status     Status
		ev, fix    string
	}{
		{"cake, old tc", cake, old, Fail, "older than 4.19", "tool-version/upgrade-iproute2"},
		{"cake, current iproute2 here", cake, cur, Warn, "another one", "tool-version/use-installed"},
		{"cake, version unknown", cake, probes.IPRoute2{}, Fail, "tc has no parser", "tool-version/upgrade-iproute2"},
		{"xdp, old ip", xdp, old, Fail, "older than 4.10", "tool-version/upgrade-iproute2"},
		{"busybox wording", bb, probes.IPRoute2{}, Fail, "BusyBox", "tool-version/install-iproute2"},
		{"BusyBox's own wording", "ip link set can0 up type can bitrate 1000000\nip: either \"dev\" is duplicate, or \"type\" is garbage", probes.IPRoute2{}, Fail, "BusyBox", "tool-version/install-iproute2"},
		{"iproute2 6.13 wording, old ip", "ip link set dev ens1f0 xdp obj x.o\nError: either \"dev\" is duplicate, or \"xdp\" is garbage.", old, Fail, "older than 4.10", "tool-version/upgrade-iproute2"},
		{"BusyBox as posted, without its prefix", "either \"dev\" is duplicated or \"type\" is garbage", probes.IPRoute2{}, Fail, "BusyBox", "tool-version/install-iproute2"},
		{"BusyBox's words on a host whose ip is iproute2's", "ip link set can0 up type can bitrate 1000000\nip: either \"dev\" is duplicate, or \"type\" is garbage", cur, Warn, "another system's", "tool-version/install-iproute2"},
		{"garbage from BusyBox's ip by the facts", "ip route add 0.0.0.0/0 dev wg0 table 51820\nError: either \"dev\" is duplicate, or \"table\" is a garbage.", probes.IPRoute2{BusyBox: true}, Fail, "BusyBox", "tool-version/install-iproute2"},
		{"a typing error", "ip link set dev eth0 mtux 1400\nError: either \"dev\" is duplicate, or \"mtux\" is a garbage.", cur, Warn, "a typing error", "tool-version/upgrade-iproute2"},
		{"not the tool", "ip link add veth0 type veth\nRTNETLINK answers: File exists", cur, OK, "no refusal by the tool", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := symptom.ParseSymptom(tc.text)
			c := &Context{Facts: &probes.Facts{Host: probes.HostFacts{IPRoute2: tc.ip}}, Symptom: s}
			v := evalToolVersion(c)
			if v.Status == "" {
				v.Status = OK
			}
			if v.Status != tc.status || !strings.Contains(strings.Join(v.Evidence, "\n"), tc.ev) {
				t.Fatalf("%s %q, want %s %q", v.Status, v.Evidence, tc.status, tc.ev)
			}
			f := fixesToolVersion(c, v)
			if tc.fix == "" && len(f) != 0 || tc.fix != "" && (len(f) == 0 || f[0].ID != tc.fix) {
				t.Fatalf("fixes %v, want %q", f, tc.fix)
			}
			// A proven refusal is not also a typing error.
			if tc.status == Fail {
				if iv := evalInvalidRequest(c); iv.Status == Fail && strings.Contains(strings.Join(iv.Evidence, " "), "refused the command line") {
					t.Errorf("invalid-request also fails: %q", iv.Evidence)
				}
			}
		})
	}
}

// Another tool's refusal (ipset, iptables, nft, netplan) is judged and
// fixed as that tool's, never as iproute2's: an option later releases
// added fails with the tool's own package; a word no list knows is a
// warning with no upgrade (a typing error is as likely).
func TestOtherToolRefusal(t *testing.T) {
	for _, tc := range []struct {
		text   string
		status Status
		fix    string
	}{
		// coreos/bugs#1048
		{"ipset v6.20.1: Unknown argument: `forceadd'", Fail, "tool-version/upgrade-tool"},
		{`iptables v1.4.21: unknown option "--dport"`, Warn, ""},
		{"Error: syntax error, unexpected end of file", Warn, ""},
	} {
		c := &Context{Facts: &probes.Facts{}, Symptom: symptom.ParseSymptom(tc.text)}
		v := evalToolVersion(c)
		if v.Status != tc.status || strings.Contains(strings.Join(v.Evidence, " "), "iproute2") {
			t.Errorf("%q: %s %q", tc.text, v.Status, v.Evidence)
		}
		fixes := fixesToolVersion(c, v)
		switch {
		case tc.fix == "" && len(fixes) > 0:
			t.Errorf("%q: fixes %v", tc.text, fixes)
		case tc.fix != "" && (len(fixes) == 0 || fixes[0].ID != tc.fix || strings.Contains(fixes[0].Command, "iproute2")):
			t.Errorf("%q: fixes %v, want %s", tc.text, fixes, tc.fix)
		}
	}
}
