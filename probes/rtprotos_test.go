package probes

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"golang.org/x/sys/unix"
)

// "proto 12" is bird, as `ip route` prints it (iproute2's built-in table).
func TestRouteProtocolBuiltin(t *testing.T) {
	for id, want := range map[uint8]string{12: "bird", 42: "babel", 18: "keepalived", 187: "isis", 192: "eigrp", 3: "boot", 16: "dhcp"} {
		r := make([]byte, rtnl.SizeofRtmsg)
		r[0], r[4], r[5], r[7] = unix.AF_INET, unix.RT_TABLE_MAIN, id, unix.RTN_UNICAST
		r = rtnl.Attr(r, unix.RTA_OIF, rtnl.U32(2))
		rt, err := rtnl.DecodeRoute(r, nil)
		if err != nil || rt.Protocol != want {
			t.Errorf("proto %d = %q (%v), want %q", id, rt.Protocol, err, want)
		}
	}
}

// Names beyond the built-in list come from rt_protos and rt_protos.d/*.conf,
// /etc overriding /usr as iproute2 does; a number nobody names stays a number.
func TestRouteProtocolFiles(t *testing.T) {
	usr, etc := t.TempDir(), t.TempDir()
	write := func(p, s string) {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(usr, "rt_protos"), "# reserved\n99\topenr\n200 usr-main\n")
	write(filepath.Join(usr, "rt_protos.d", "a.conf"), "201 usr-a\n202 usr-only\n")
	write(filepath.Join(etc, "rt_protos.d", "a.conf"), "0xc9 etc-a # hex id\n")
	write(filepath.Join(etc, "rt_protos.d", "ignored.txt"), "203 not-conf\n")
	write(filepath.Join(etc, "rt_protos.d", "b.conf"), "garbage line\n300 too-big\n204\tfrr\x1b[2J\n")
	got := readRouteProtocols([]string{usr, etc})
	want := map[uint8]string{99: "openr", 200: "usr-main", 201: "etc-a", 204: `frr\x1b[2J`}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%d = %q, want %q", id, got[id], w)
		}
	}
	for _, id := range []uint8{202, 203} {
		if n, ok := got[id]; ok {
			t.Errorf("%d named %q: a replaced or non-.conf file was read", id, n)
		}
	}
	if len(got) != len(want) {
		t.Errorf("names = %v", got)
	}
	if n := rtnl.RouteProtocolName(250, localRouteProtocol); n != "250" && localRouteProtocols()[250] == "" {
		t.Errorf("unnamed 250 = %q", n)
	}
}
