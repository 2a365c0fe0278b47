package probes

import (
	"bufio"
	"bytes"
	"strconv"
	"strings"
)

// parseNetlinkSockets parses /proc/PID/net/netlink and returns the inodes of
// the netlink sockets it lists (the last column). Lines that do not parse are
// skipped: a partial set only means fewer sockets are recognised as netlink.
func parseNetlinkSockets(data []byte) map[uint64]bool {
	set := map[uint64]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] == "sk" {
			continue
		}
		if ino, err := strconv.ParseUint(f[len(f)-1], 10, 64); err == nil && ino != 0 {
			set[ino] = true
		}
	}
	return set
}
