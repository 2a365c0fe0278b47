package probes

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
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
	hs, err := scanTunHolders(e.root, want)
	if err != nil {
		n.Gaps.AddReason("tun_holders", Reason(err))
		return
	}
	n.TunHolders = hs
}

// scanTunHolders reads every process's descriptors (bounded by maxFDScan
// processes) for files of /dev/net/tun attached to a device in want.
func scanTunHolders(r Root, want map[string]bool) ([]TunHolder, error) {
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
			info, err := os.ReadFile(r.Path("/proc/" + p + "/fdinfo/" + f.Name()))
			if err != nil {
				continue
			}
			dev := tunIff(info)
			if !want[dev] {
				continue
			}
			fd, _ := strconv.Atoi(f.Name())
			comm, _ := r.ReadString("/proc/" + p + "/comm")
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
