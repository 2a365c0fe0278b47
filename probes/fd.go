package probes

import (
	"context"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// maxFDsClassified bounds how many of a process's fds are examined one by
// one (readlink, and getxattr for sockets). The count itself is exact.
const maxFDsClassified = 65536

// FDFacts are the file-descriptor facts: the system-wide file table and the
// target process's own descriptors against its RLIMIT_NOFILE.
//
// A network interface does not use a file descriptor. What does: each netlink
// socket (every `ip` command, every daemon that talks rtnetlink), and each
// queue of a tun/tap device (an open /dev/net/tun).
type FDFacts struct {
	FileNR  *FileNR `json:"file_nr,omitempty"`
	FileMax int64   `json:"file_max,omitempty"`
	// NrOpen is fs.nr_open: no process may raise RLIMIT_NOFILE above it.
	NrOpen int64 `json:"nr_open,omitempty"`
	// Limit is the target's RLIMIT_NOFILE.
	Limit *Limit `json:"limit_nofile,omitempty"`
	// Open is how many descriptors the target holds; of those, Sockets are
	// sockets, Netlink netlink sockets, Tun open /dev/net/tun queues.
	Open    int `json:"open"`
	Sockets int `json:"sockets"`
	Netlink int `json:"netlink"`
	Tun     int `json:"tun"`
	// Classified is how many fds were examined for their kind (bounded).
	Classified int `json:"classified"`
	// NetlinkSockets are the examined namespace's netlink sockets that
	// dropped messages (receive-buffer overruns).
	NetlinkSockets NetlinkFacts `json:"netlink_sockets"`
	Gaps           Gaps         `json:"unavailable,omitempty"`
}

// GroupFDs is the fact group of file descriptors: the process's and the
// system's counts and limits, netlink sockets.
const GroupFDs Group = "fds"

var fdsGroup = newGroup(GroupFDs, RefreshFast, func(f *Facts) *FDFacts { return &f.FDs },
	func(_ context.Context, e *env) FDFacts { return gatherFDs(e) })

func gatherFDs(e *env) FDFacts {
	var f FDFacts
	if b, err := e.root.ReadFile("/proc/sys/fs/file-nr"); err != nil {
		f.Gaps.Add("file_nr", err)
	} else if nr, err := parseFileNR(b); err != nil {
		f.Gaps.Add("file_nr", err)
	} else {
		f.FileNR = &nr
	}
	if v, err := e.root.ReadInt("/proc/sys/fs/file-max"); err != nil {
		f.Gaps.Add("file_max", err)
	} else {
		f.FileMax = v
	}
	if v, err := e.root.ReadInt("/proc/sys/fs/nr_open"); err != nil {
		f.Gaps.Add("nr_open", err)
	} else {
		f.NrOpen = v
	}
	if b, err := e.root.ReadFile(e.proc + "/limits"); err != nil {
		f.Gaps.Add("limit_nofile", err)
	} else if lim, err := parseLimits(b); err != nil && len(lim) == 0 {
		f.Gaps.Add("limit_nofile", err)
	} else if l, ok := lim["Max open files"]; ok {
		f.Limit = &l
	} else {
		f.Gaps.AddReason("limit_nofile", "no \"Max open files\" line in "+e.root.Path(e.proc+"/limits"))
	}
	socks := f.countFDs(e)
	f.NetlinkSockets = gatherNetlink(e, socks)
	return f
}

// countFDs counts the target's descriptors by kind and returns the inodes
// of its sockets.
func (f *FDFacts) countFDs(e *env) map[uint64]bool {
	socks := map[uint64]bool{}
	dir := e.root.Path(e.proc + "/fd")
	d, err := os.Open(dir)
	if err != nil {
		f.Gaps.Add("open_fds", err)
		return socks
	}
	defer d.Close()
	var netlinkInodes map[uint64]bool
	if b, err := e.root.ReadFile(e.proc + "/net/netlink"); err == nil {
		netlinkInodes = parseNetlinkSockets(b)
	}
	for {
		names, err := d.Readdirnames(4096)
		for _, n := range names {
			f.Open++
			if f.Classified >= maxFDsClassified {
				continue
			}
			f.Classified++
			p := dir + "/" + n
			target, err := os.Readlink(p)
			if err != nil {
				continue
			}
			switch {
			case target == "/dev/net/tun":
				f.Tun++
			case strings.HasPrefix(target, "socket:["):
				f.Sockets++
				ino, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]"), 10, 64)
				socks[ino] = true
				if netlinkInodes[ino] || (e.root.Live() && sockProto(p) == "NETLINK") {
					f.Netlink++
				}
			}
		}
		if err != nil || len(names) == 0 {
			break
		}
	}
	return socks
}

// sockProto asks sockfs for a socket's protocol name ("NETLINK", "TCP", ...):
// it finds netlink sockets that live in another network namespace than the
// process's (so are missing from its /proc/PID/net/netlink).
func sockProto(fdPath string) string {
	var buf [32]byte
	n, err := unix.Getxattr(fdPath, "system.sockprotoname", buf[:])
	if err != nil || n <= 0 {
		return ""
	}
	return strings.TrimRight(string(buf[:n]), "\x00")
}
