package probes

import "testing"

func TestParseNetlinkSockets(t *testing.T) {
	set := parseNetlinkSockets(sample(t, "netlink-daemon"))
	for _, ino := range []uint64{41230, 41231, 41232, 17890} {
		if !set[ino] {
			t.Errorf("inode %d missing", ino)
		}
	}
	if len(set) != 4 {
		t.Errorf("set = %v (the short and garbage lines must be skipped)", set)
	}
	if len(parseNetlinkSockets(sample(t, "netlink"))) == 0 {
		t.Error("this machine's sample has sockets")
	}
}

func FuzzParseNetlinkSockets(f *testing.F) {
	seedSamples(f, "netlink")
	f.Fuzz(func(t *testing.T, b []byte) { _ = parseNetlinkSockets(b) })
}
