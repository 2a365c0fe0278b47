package rtnl

import (
	"encoding/hex"
	"os"
	"strings"
	"testing"
)

// readHexDump reads a sample written by encoding/hex.Dump (hexdump -C
// layout): real RTM_NEWLINK bodies captured from the kernel.
func readHexDump(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, line := range strings.Split(string(b), "\n") {
		if len(line) < 10 {
			continue
		}
		hexPart := line[10:]
		if i := strings.IndexByte(hexPart, '|'); i >= 0 {
			hexPart = hexPart[:i]
		}
		d, err := hex.DecodeString(strings.ReplaceAll(hexPart, " ", ""))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, d...)
	}
	return out
}

// Real RTM_NEWLINK messages of vxlan devices (captured from kernel 6.18 in a
// private namespace: `ip link add vxa type vxlan dstport 4789 external`,
// `ip link add vxb type vxlan id 20 dstport 8472 local 192.0.2.10 dev lo gbp`).
func TestDecodeVxlanInfo(t *testing.T) {
	for _, tc := range []struct {
		sample string
		want   VxlanInfo
		flags  string
	}{
		{"rtm-newlink-vxlan-external", VxlanInfo{Port: 4789, External: true}, "external"},
		{"rtm-newlink-vxlan-gbp", VxlanInfo{VNI: 20, Port: 8472, Local: "192.0.2.10", Link: 1, GBP: true}, "gbp"},
	} {
		l, err := DecodeLink(readHexDump(t, "testdata/samples/"+tc.sample))
		if err != nil {
			t.Fatal(err)
		}
		if l.Kind != "vxlan" || l.Vxlan == nil || *l.Vxlan != tc.want {
			t.Errorf("%s: decoded %+v vxlan %+v, want %+v", tc.sample, l, l.Vxlan, tc.want)
			continue
		}
		if got := l.Vxlan.RecvFlags(); got != tc.flags {
			t.Errorf("%s: flags %q, want %q", tc.sample, got, tc.flags)
		}
	}
	// A veth carries no vxlan data.
	if l, _ := DecodeLink(vethMsg()); l.Vxlan != nil {
		t.Errorf("veth decoded with vxlan info %+v", l.Vxlan)
	}
	// Truncated attributes are skipped, not trusted.
	if v := decodeVxlanInfo([]byte{6, 0, 15, 0, 0x12}); v.Port != 0 {
		t.Errorf("short port decoded as %d", v.Port)
	}
}
