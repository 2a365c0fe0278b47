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

func TestParseNetlinkTable(t *testing.T) {
	for _, tc := range []struct {
		sample      string
		rows        int
		dropping    int
		port        int64
		drops, rmem uint64
		groups      string
	}{
		// A NETLINK_ROUTE listener with a 2304-byte buffer after 20 veth
		// pairs were created: 39 notifications dropped.
		{"netlink-overrun", 9, 1, 11493, 39, 2304, "00000001"},
		{"netlink-quiet", 10, 0, 0, 0, 0, ""},
		{"netlink-daemon", 4, 0, 0, 0, 0, ""},
	} {
		rows := parseNetlinkTable(sample(t, tc.sample))
		var dropping []NetlinkSocket
		for _, r := range rows {
			if r.Drops > 0 {
				dropping = append(dropping, r)
			}
		}
		if len(rows) != tc.rows || len(dropping) != tc.dropping {
			t.Errorf("%s: %d rows, %d dropping", tc.sample, len(rows), len(dropping))
			continue
		}
		if tc.dropping > 0 {
			d := dropping[0]
			if d.Port != tc.port || d.Drops != tc.drops || d.Rmem != tc.rmem || d.Groups != tc.groups || d.Protocol != 0 {
				t.Errorf("%s: %+v", tc.sample, d)
			}
		}
	}
}

func FuzzParseNetlinkTable(f *testing.F) {
	seedSamples(f, "netlink-overrun")
	f.Fuzz(func(t *testing.T, b []byte) { _ = parseNetlinkTable(b) })
}
