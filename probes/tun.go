package probes

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"syscall"

	"github.com/prometheus/procfs"
	"golang.org/x/sys/unix"
)

// TunFacts describe /dev/net/tun as the target process sees it (through
// /proc/PID/root, so inside its container), and whether it may open it.
// VhostNet describes /dev/vhost-net the same way: QEMU and the runtimes
// that start VMs (Kata, libvirt, LXD) open it beside /dev/net/tun for a
// tap's in-kernel virtio backend.
type TunFacts struct {
	// Path is where the node was looked for.
	Path    string `json:"path"`
	Exists  bool   `json:"exists"`
	CharDev bool   `json:"char_dev"`
	Major   uint32 `json:"major,omitempty"`
	Minor   uint32 `json:"minor,omitempty"`
	Mode    string `json:"mode,omitempty"` // as ls prints it: crw-rw-rw-
	Perm    uint32 `json:"perm,omitempty"` // 0666
	UID     uint32 `json:"uid"`
	GID     uint32 `json:"gid"`
	// TargetCanOpen is whether the target's credentials pass the node's
	// permission bits (a device cgroup or LSM can still refuse: those are
	// separate causes).
	TargetCanOpen *bool `json:"target_can_open,omitempty"`
	// Mount is the mount holding the node, as the target sees it
	// ("/dev (tmpfs, rw,nosuid,nodev)"); NoDev is true when it is mounted
	// nodev: the kernel then refuses to open any device node on it with
	// EACCES, whatever the node's mode (may_open in fs/namei.c).
	Mount      string `json:"mount,omitempty"`
	MountPoint string `json:"mount_point,omitempty"`
	NoDev      bool   `json:"nodev,omitempty"`
	Why        string `json:"why,omitempty"`
	Gaps       Gaps   `json:"unavailable,omitempty"`
	// VhostNet is /dev/vhost-net (nil inside VhostNet itself).
	VhostNet *TunFacts `json:"vhost_net,omitempty"`
}

// DevNode is a character device a tun or tap user opens: its path and the
// misc device numbers the kernel gives it (include/linux/miscdevice.h:
// TUN_MINOR 200, VHOST_NET_MINOR 238), and the module that provides it.
type DevNode struct {
	Path         string
	Major, Minor uint32
	Module       string
}

// TunNode and VhostNetNode are the nodes TunFacts describe.
var (
	TunNode      = DevNode{"/dev/net/tun", 10, 200, "tun"}
	VhostNetNode = DevNode{"/dev/vhost-net", 10, 238, "vhost_net"}
)

// DeviceModules are the modules behind those nodes, for a symptom that
// names one (drivers/vhost/Kconfig, drivers/net/Kconfig).
var DeviceModules = []LinkKind{
	{"vhost-net device", "vhost_net", "CONFIG_VHOST_NET"},
}

// IsNode reports whether the node is n's real device.
func (t TunFacts) IsNode(n DevNode) bool {
	return t.Exists && t.CharDev && t.Major == n.Major && t.Minor == n.Minor
}

// IsTunNode reports whether the node is the real tun device, char 10:200.
func (t TunFacts) IsTunNode() bool { return t.IsNode(TunNode) }

// GroupTun is the fact group of the /dev/net/tun node.
const GroupTun Group = "tun"

var tunGroup = newGroup(GroupTun, RefreshSlow, func(f *Facts) *TunFacts { return &f.Tun },
	func(_ context.Context, e *env) TunFacts { return gatherTun(e) })

func gatherTun(e *env) TunFacts {
	t := gatherNode(e, TunNode.Path)
	v := gatherNode(e, VhostNetNode.Path)
	t.VhostNet = &v
	return t
}

// gatherNode describes one device node as the target sees it.
func gatherNode(e *env, node string) TunFacts {
	t := TunFacts{Path: node}
	p := e.root.Path(node)
	if e.root.Live() && !e.self && e.pid > 0 {
		// The target's own view of /dev, inside its mount namespace.
		p = e.root.Path(e.proc + "/root" + node)
		t.Path = e.proc + "/root" + node
	}
	st, err := lstatNode(e, p, t.Path)
	if err != nil {
		if os.IsNotExist(err) && e.root.Live() && !e.self && e.pid > 0 && !e.root.Exists(e.proc) {
			// Not a missing node: the process is gone, its root with it.
			t.Gaps.AddReason("node", fmt.Sprintf("process %d does not exist (it exited, or the PID is wrong)", e.pid))
			return t
		}
		if os.IsNotExist(err) {
			return t
		}
		t.Gaps.Add("node", err)
		return t
	}
	t.Exists = true
	t.Mode = lsMode(st.Mode())
	t.Perm = uint32(st.Mode().Perm())
	if sys, ok := st.Sys().(*syscall.Stat_t); ok {
		t.UID, t.GID = sys.Uid, sys.Gid
		if st.Mode()&fs.ModeCharDevice != 0 {
			t.CharDev = true
			t.Major, t.Minor = unix.Major(uint64(sys.Rdev)), unix.Minor(uint64(sys.Rdev))
		}
	}
	t.mount(e, node)
	b, err := e.root.ReadFile(e.proc + "/status")
	if err != nil {
		t.Gaps.Add("target_can_open", err)
		return t
	}
	s, err := parseStatus(b)
	if err != nil {
		t.Gaps.Add("target_can_open", err)
		return t
	}
	ok, why := mayOpenRW(s, t)
	t.TargetCanOpen, t.Why = &ok, why
	return t
}

// mayOpenRW applies the kernel's DAC check for a read-write open: owner,
// group or other bits by the filesystem uid and groups, or
// CAP_DAC_OVERRIDE.
func mayOpenRW(s Status, t TunFacts) (bool, string) {
	fsuid, fsgid := s.UID[3], s.GID[3]
	if s.CapEff&(1<<unix.CAP_DAC_OVERRIDE) != 0 {
		return true, "the process has CAP_DAC_OVERRIDE"
	}
	var bits uint32
	var class string
	switch {
	case fsuid == t.UID:
		bits, class = (t.Perm>>6)&7, fmt.Sprintf("owner (uid %d)", fsuid)
	case fsgid == t.GID || containsGID(s.Groups, t.GID):
		bits, class = (t.Perm>>3)&7, fmt.Sprintf("group (gid %d)", t.GID)
	default:
		bits, class = t.Perm&7, "other"
	}
	if bits&6 == 6 {
		return true, fmt.Sprintf("mode %04o grants read-write to the process as %s", t.Perm, class)
	}
	return false, fmt.Sprintf("mode %04o denies read-write to uid %d as %s, and the process lacks CAP_DAC_OVERRIDE", t.Perm, fsuid, class)
}

func containsGID(gs []uint32, g uint32) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// lsMode renders a file mode as ls -l does ("crw-rw-rw-").
func lsMode(m fs.FileMode) string {
	kind := byte('-')
	switch {
	case m&fs.ModeCharDevice != 0:
		kind = 'c'
	case m&fs.ModeDevice != 0:
		kind = 'b'
	case m.IsDir():
		kind = 'd'
	case m&fs.ModeSymlink != 0:
		kind = 'l'
	case m&fs.ModeNamedPipe != 0:
		kind = 'p'
	case m&fs.ModeSocket != 0:
		kind = 's'
	}
	return string(kind) + m.Perm().String()[1:]
}

// mount finds the mount that holds node in the target's mount namespace
// (the last mount on the longest mount point that is a prefix of the path)
// and whether it is mounted nodev.
func (t *TunFacts) mount(e *env, node string) {
	mounts, err := targetMounts(e)
	if err != nil {
		t.Gaps.Add("mount", err)
		return
	}
	var best *procfs.MountInfo
	for _, m := range mounts {
		mp := m.MountPoint
		if mp == node || mp == "/" || strings.HasPrefix(node, strings.TrimSuffix(mp, "/")+"/") {
			if best == nil || len(mp) >= len(best.MountPoint) {
				best = m
			}
		}
	}
	if best == nil {
		t.Gaps.AddReason("mount", "no mount in the target's mountinfo holds "+node)
		return
	}
	_, t.NoDev = best.Options["nodev"]
	t.MountPoint = best.MountPoint
	t.Mount = clip(best.MountPoint, 200) + " (" + clip(best.FSType, 40) + ", " + clip(mountOptions(best.Options), 120) + ")"
}

// mountOptions renders per-mount options in the kernel's order of
// importance: rw/ro first, then the rest sorted.
func mountOptions(o map[string]string) string {
	var first, rest []string
	for k, v := range o {
		if v != "" {
			k += "=" + v
		}
		if k == "rw" || k == "ro" {
			first = append(first, k)
		} else {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return strings.Join(append(first, rest...), ",")
}
