package probes

import (
	"bufio"
	"bytes"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
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

// NetlinkSocket is one row of /proc/net/netlink (net/netlink/af_netlink.c
// netlink_seq_show): the socket's port id, protocol, subscribed groups, the
// bytes queued for it, and Drops, the messages the kernel could not queue
// because its receive buffer was full (netlink_overrun: the reader then gets
// ENOBUFS from its next recvmsg).
type NetlinkSocket struct {
	Port     int64  `json:"port"`
	Protocol int    `json:"protocol"` // 0 NETLINK_ROUTE, 4 SOCK_DIAG, 15 KOBJECT_UEVENT...
	Groups   string `json:"groups"`
	Rmem     uint64 `json:"rmem"`
	Drops    uint64 `json:"drops"`
	Inode    uint64 `json:"inode"`
	// Target is true when the examined process holds the socket; Owner
	// names the process whose PID equals the port id (the kernel gives a
	// process's first netlink socket its PID as port id).
	Target bool   `json:"target,omitempty"`
	Owner  string `json:"owner,omitempty"`
}

// parseNetlinkTable parses /proc/net/netlink. Lines that do not parse are
// skipped.
func parseNetlinkTable(data []byte) []NetlinkSocket {
	var out []NetlinkSocket
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] == "sk" {
			continue
		}
		proto, err1 := strconv.Atoi(f[1])
		port, err2 := strconv.ParseInt(f[2], 10, 64)
		rmem, err3 := strconv.ParseUint(f[4], 10, 64)
		drops, err4 := strconv.ParseUint(f[8], 10, 64)
		ino, err5 := strconv.ParseUint(f[9], 10, 64)
		if err1 != nil || err2 != nil || err3 != nil || err4 != nil || err5 != nil {
			continue
		}
		out = append(out, NetlinkSocket{Port: port, Protocol: proto, Groups: clip(f[3], 16), Rmem: rmem, Drops: drops, Inode: ino})
	}
	return out
}

// NetlinkFacts are the netlink sockets of the examined network namespace
// that dropped messages, and the receive-buffer limits.
type NetlinkFacts struct {
	Sockets int `json:"sockets"`
	// Dropping are the sockets with drops, most first (at most 32).
	Dropping []NetlinkSocket `json:"dropping,omitempty"`
	// TargetDrops are the drops on the examined process's own sockets.
	TargetDrops uint64 `json:"target_drops"`
	// RmemMax and RmemDefault are net.core.rmem_max (the most SO_RCVBUF
	// may ask, doubled by the kernel) and net.core.rmem_default (what a
	// socket that does not ask gets).
	RmemMax     int64 `json:"rmem_max,omitempty"`
	RmemDefault int64 `json:"rmem_default,omitempty"`
	Gaps        Gaps  `json:"unavailable,omitempty"`
}

// gatherNetlink reads /proc/net/netlink of the examined network namespace.
func gatherNetlink(e *env, targetSocks map[uint64]bool) NetlinkFacts {
	var n NetlinkFacts
	for _, k := range []struct {
		key string
		dst *int64
	}{{"/proc/sys/net/core/rmem_max", &n.RmemMax}, {"/proc/sys/net/core/rmem_default", &n.RmemDefault}} {
		if v, err := e.root.ReadInt(k.key); err == nil {
			*k.dst = v
		} else {
			n.Gaps.Add(strings.TrimPrefix(k.key, "/proc/sys/net/core/"), err)
		}
	}
	var b []byte
	var err error
	switch {
	case e.netnsErr != nil:
		err = e.netnsErr
	case e.netnsPath == "" && e.self && e.root.Live():
		b, err = readBounded(e.netProc()+"/net/netlink", MaxFileSize)
	case e.netnsPath == "" || !e.root.Live():
		b, err = e.root.ReadFile(e.proc + "/net/netlink")
	default:
		err = netns.Do(e.netnsPath, func() error {
			var rerr error
			b, rerr = readBounded("/proc/thread-self/net/netlink", MaxFileSize)
			return rerr
		})
	}
	if err != nil {
		if os.IsNotExist(err) && !e.root.Live() {
			n.Gaps.AddReason("netlink", e.proc+"/net/netlink is not in the captured tree")
		} else {
			n.Gaps.Add("netlink", err)
		}
		return n
	}
	rows := parseNetlinkTable(b)
	n.Sockets = len(rows)
	for _, r := range rows {
		r.Target = targetSocks[r.Inode]
		if r.Target {
			n.TargetDrops += r.Drops
		}
		if r.Drops == 0 {
			continue
		}
		if r.Port > 0 && e.root.Live() {
			if c, err := e.root.ReadString("/proc/" + strconv.FormatInt(r.Port, 10) + "/comm"); err == nil {
				r.Owner = clip(c, 40)
			}
		}
		n.Dropping = append(n.Dropping, r)
	}
	sort.SliceStable(n.Dropping, func(i, j int) bool { return n.Dropping[i].Drops > n.Dropping[j].Drops })
	if len(n.Dropping) > 32 {
		n.Dropping = n.Dropping[:32]
	}
	return n
}
