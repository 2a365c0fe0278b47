package probes

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// TunHolder is a process with a tun/tap device attached to one of its
// open files: the kernel's fdinfo for a /dev/net/tun file names the device
// ("iff:\ttap0", drivers/net/tun.c tun_chr_show_fdinfo). A single-queue
// device takes one file; TUNSETIFF from a second process gets EBUSY.
type TunHolder struct {
	Device string `json:"device"`
	PID    int    `json:"pid"`
	Comm   string `json:"comm"`
	FD     int    `json:"fd"`
}

// readTunHolders finds the processes holding the tun/tap devices the
// symptom names (e.ifaces) that exist in the namespace: only those, so a
// host pays the scan of every process's descriptors only when a named tun
// device is there. A gap named "tun_holders" says why it could not be read.
func readTunHolders(e *env, n *NetFacts) {
	want := map[string]bool{}
	for _, name := range e.ifaces {
		if l, ok := n.LinkByName(name); ok && l.Kind == "tun" {
			want[l.Name] = true
		}
	}
	if len(want) == 0 {
		return
	}
	if !e.root.Live() {
		n.Gaps.AddReason("tun_holders", "offline root "+e.root.Dir+": the processes holding tun devices are read only on a live system")
		return
	}
	nsPath := e.netnsPath
	if nsPath == "" {
		nsPath = "/proc/thread-self/ns/net"
	}
	var st unix.Stat_t
	if err := unix.Stat(nsPath, &st); err != nil {
		n.Gaps.AddReason("tun_holders", "the examined namespace: "+Reason(err))
		return
	}
	hs, err := scanTunHolders(e.root, want, nsID{st.Dev, st.Ino})
	if err != nil {
		n.Gaps.AddReason("tun_holders", Reason(err))
		return
	}
	n.TunHolders = hs
}

// nsID is an nsfs file's identity.
type nsID struct{ dev, ino uint64 }

// tunGetDevNetns is TUNGETDEVNETNS (_IO('T', 227), Linux 5.2): an fd of
// the network namespace of the device a tun file is attached to.
const tunGetDevNetns = 0x54e3

// tunFileNetns is the namespace of the device attached to fd of pid: the
// file is taken with pidfd_getfd (5.6) and asked with TUNGETDEVNETNS.
func tunFileNetns(pid, fd int) (nsID, error) {
	pfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nsID{}, err
	}
	defer unix.Close(pfd)
	dup, err := unix.PidfdGetfd(pfd, fd, 0)
	if err != nil {
		return nsID{}, err
	}
	defer unix.Close(dup)
	nsfd, _, errno := unix.Syscall(unix.SYS_IOCTL, uintptr(dup), tunGetDevNetns, 0)
	if errno != 0 {
		return nsID{}, errno
	}
	defer unix.Close(int(nsfd))
	var st unix.Stat_t
	if err := unix.Fstat(int(nsfd), &st); err != nil {
		return nsID{}, err
	}
	return nsID{st.Dev, st.Ino}, nil
}

// scanTunHolders reads every process's descriptors (bounded by maxFDScan
// processes) for files of /dev/net/tun attached to a device in want, in
// the namespace ns: a device of the same name in another namespace is
// another device. The device's namespace comes from the file itself
// (tunFileNetns); on kernels that cannot tell, from the process's own
// namespace, which is where a program creates its tap.
func scanTunHolders(r Root, want map[string]bool, ns nsID) ([]TunHolder, error) {
	d, err := os.Open(r.Path("/proc"))
	if err != nil {
		return nil, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return nil, err
	}
	var out []TunHolder
	scanned := 0
	for _, p := range names {
		pid, err := strconv.Atoi(p)
		if err != nil || pid <= 0 {
			continue
		}
		if scanned++; scanned > maxFDScan {
			break
		}
		fdDir := r.Path("/proc/" + p + "/fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue // exited, or not ours to read
		}
		for _, f := range fds {
			if l, err := os.Readlink(fdDir + "/" + f.Name()); err != nil || l != "/dev/net/tun" {
				continue
			}
			comm, _ := r.ReadString("/proc/" + p + "/comm")
			info, err := os.ReadFile(r.Path("/proc/" + p + "/fdinfo/" + f.Name()))
			if err != nil {
				continue
			}
			dev := tunIff(info)
			if !want[dev] {
				continue
			}
			fd, _ := strconv.Atoi(f.Name())
			got, err := tunFileNetns(pid, fd)
			if err != nil {
				var st unix.Stat_t
				if unix.Stat(r.Path("/proc/"+p+"/ns/net"), &st) != nil {
					continue
				}
				got = nsID{st.Dev, st.Ino}
			}
			if got != ns {
				continue // a device of that name in another namespace
			}
			out = append(out, TunHolder{Device: dev, PID: pid, Comm: comm, FD: fd})
		}
	}
	return out, nil
}

// tunIff is the device a tun file is attached to, from its fdinfo.
func tunIff(info []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(info))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "iff:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func (h TunHolder) String() string {
	return fmt.Sprintf("PID %d (%s) holds %s on fd %d", h.PID, h.Comm, h.Device, h.FD)
}
