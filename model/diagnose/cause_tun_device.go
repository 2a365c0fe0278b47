package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeTunDevice = &Cause{
	ID:      "tun-device",
	Checks:  "/dev/net/tun (or /dev/vhost-net when the symptom names it) as the process sees it: present, character device 10:200 (10:238), not on a nodev mount, its mode against the process's ids; the tun (vhost_net) driver",
	Needs:   []probes.Group{probes.GroupTun, probes.GroupModules, probes.GroupIdentity, probes.GroupContainer},
	Require: Requirement{probes.GroupTun, "tun facts"},
	Eval:    evalTunDevice,
	Fixes:   fixesTunDevice,
	Answers: fix.Answers(nil, symptom.ENOENT, symptom.EACCES, symptom.ENODEV, symptom.EPERM, symptom.EBUSY),
	Next:    "With the device node in place, creating the tun/tap interface still needs CAP_NET_ADMIN (or a persistent device owned by the user).",
}

func tunOp(s symptom.Symptom) bool {
	return s.Operation == symptom.OpTuntapAdd || s.Operation == symptom.OpTunOpen || s.Path == "/dev/net/tun" || s.Path == probes.VhostNetNode.Path
}

// devNode is the node the symptom's program opened: /dev/vhost-net when
// the text says so (QEMU's "open vhost char device failed"), else
// /dev/net/tun.
func devNode(c *Context) (*probes.TunFacts, probes.DevNode) {
	if c.Symptom.Path == probes.VhostNetNode.Path && c.Facts.Tun.VhostNet != nil {
		return c.Facts.Tun.VhostNet, probes.VhostNetNode
	}
	return &c.Facts.Tun, probes.TunNode
}

// driver is the support of the module behind node n: the tun link kind,
// or vhost_net as the symptom named it.
func driver(c *Context, n probes.DevNode) (probes.KindSupport, bool) {
	if n == probes.VhostNetNode {
		return c.Facts.Modules.NamedModule(n.Module)
	}
	return c.Facts.Modules.Kind("tun")
}

func nodeName(n probes.DevNode) string {
	if n == probes.VhostNetNode {
		return "the vhost-net device"
	}
	return "the tun device"
}

func evalTunDevice(c *Context) Verdict {
	var v Verdict
	t, n := devNode(c)
	if r, gap := t.Gaps.Reason("node"); gap {
		v.unknown("cannot examine %s: %s", t.Path, r)
		return v
	}
	relevant := tunOp(c.Symptom)
	st := Warn
	if relevant {
		st = Fail
	}
	if ks, ok := driver(c, n); ok && ks.State == probes.ModMissing {
		v.add(st, "the %s driver is missing: %s", n.Module, strings.Join(ks.Evidence, "; "))
	}
	where := t.Path
	switch {
	case !t.Exists:
		if !c.Facts.Target.Live {
			v.unknown("%s unavailable: not in the captured tree (captures leave device nodes out, so its absence proves nothing)", where)
		} else {
			v.add(st, "%s does not exist (as %s sees it)", where, c.who())
		}
	case !t.CharDev:
		v.add(st, "%s is not a character device (%s): something replaced the node", where, t.Mode)
	case t.Major != n.Major || t.Minor != n.Minor:
		v.add(st, "%s is char %d:%d, not %s %d:%d", where, t.Major, t.Minor, nodeName(n), n.Major, n.Minor)
	case t.NoDev:
		v.add(st, "%s is on %s, mounted nodev: the kernel refuses to open any device node there with EACCES (Permission denied), whatever its mode and the caller's capabilities", where, t.Mount)
	case t.TargetCanOpen != nil && !*t.TargetCanOpen:
		v.add(st, "%s is %s uid %d gid %d: %s", where, t.Mode, t.UID, t.GID, t.Why)
	case relevant && c.examinesSelf():
		// rtnl-doctor's own /dev and rights say nothing of the failing
		// process's: a container started without --device sees no node
		// (review).
		v.unknown("the failing process is unknown: %s is %s (char %d:%d, %s) as rtnl-doctor itself sees it, but the failing process may see another /dev (a container started without --device %s); pass --pid of the failing process",
			where, nodeName(n), n.Major, n.Minor, t.Mode, n.Path)
	default:
		msg := fmt.Sprintf("%s is %s (char %d:%d, %s)", where, nodeName(n), n.Major, n.Minor, t.Mode)
		if t.TargetCanOpen != nil {
			msg += "; " + t.Why
		}
		v.ok("%s", msg)
	}
	if v.Status == "" {
		v.Status = OK
	}
	return v
}

// minStatus lowers a to b when b is less alarming.
func minStatus(a, b Status) Status {
	if b.rank() < a.rank() {
		return b
	}
	return a
}

func fixesTunDevice(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	t, n := devNode(c)
	if n == probes.VhostNetNode {
		return fixesVhostNet(c, t)
	}
	if c.Facts.Container.InContainer && !t.Exists {
		return nil // container-restricted gives --device /dev/net/tun
	}
	var fixes []fix.Fix
	if ks, ok := c.Facts.Modules.Kind("tun"); ok && ks.State == probes.ModLoadable {
		fixes = append(fixes, fix.Fix{ID: "tun-device/modprobe", Title: "Load the tun driver (devtmpfs then creates the node)", Command: fix.Argv("modprobe", "tun"), NeedsRoot: true,
			Action: fix.Act("modprobe", "module", "tun")})
	}
	if ks, ok := driver(c, probes.TunNode); ok && ks.State == probes.ModMissing {
		return fixes // a node without its driver opens with ENODEV: module-missing answers
	}
	if !t.Exists || !t.IsTunNode() {
		fixes = append(fixes, fix.Fix{ID: "tun-device/mknod", Title: "Create /dev/net/tun (char 10:200, mode 0666 as distributions ship it)",
			Command: fix.Lines(fix.Argv(devArgv(c, "mkdir", "-p", "-m", "0755", "/dev/net")...), fix.Argv(devArgv(c, "mknod", "-m", "0666", "/dev/net/tun", "c", "10", "200")...)), NeedsRoot: true,
			Risk: "mode 0666 lets every local user open the node; creating an interface still needs CAP_NET_ADMIN, so this is the distribution default"})
		if a := tunDevAction(c, fix.MknodTunAct(0o666, mountPIDParam(c))); a != nil {
			fixes[len(fixes)-1].Action = a
		} else {
			fixes[len(fixes)-1].Manual, fixes[len(fixes)-1].Why = true, otherDevWhy
		}
	} else if t.NoDev {
		fixes = append(fixes, remountDevFixes(c, t, n)...)
	} else if t.TargetCanOpen != nil && !*t.TargetCanOpen {
		uid := c.Facts.Identity.EUID
		mode := tunMode(c.Symptom.Kind)
		why := "a persistent device outlives the program: rtnl-doctor leaves creating it to you (it is removed with ip tuntap del)"
		if c.Symptom.Device == "" {
			why = "the symptom names no device: use the name the program expects"
		}
		fixes = append(fixes, fix.Fix{ID: "tun-device/persistent-tap", Title: fmt.Sprintf("Create a persistent %s owned by uid %d (narrowest: that user may attach to it, nothing else changes)", mode, uid),
			Command: ipCmd(c, "tuntap", "add", "dev", fix.OrName(c.Symptom.Device, mode+"0"), "mode", mode, "user", fmt.Sprint(uid)), NeedsRoot: true, Manual: true,
			Why: why}, fix.Fix{ID: "tun-device/chmod", Title: "Or give /dev/net/tun the distribution default mode 0666",
			Command: fix.Argv(devArgv(c, "chmod", "0666", "/dev/net/tun")...), NeedsRoot: true,
			Risk: "every local user may open /dev/net/tun and attach to persistent tun/tap devices they own; creating devices still needs CAP_NET_ADMIN"})
		if a := tunDevAction(c, fix.ChmodAct("/dev/net/tun", 0o666, -1, -1, mountPIDParam(c))); a != nil {
			fixes[len(fixes)-1].Action = a
		} else {
			fixes[len(fixes)-1].Manual, fixes[len(fixes)-1].Why = true, otherDevWhy
		}
	}
	return fixes
}

// fixesVhostNet answers /dev/vhost-net: the node is the misc device
// 10:238 of the vhost_net module; systemd's udev rules give it GROUP=kvm and
// MODE=0666 (50-udev-default.rules: DEV_KVM_MODE, 0666 unless the
// distribution built systemd with 0660).
func fixesVhostNet(c *Context, t *probes.TunFacts) []fix.Fix {
	n := probes.VhostNetNode
	if c.Facts.Container.InContainer && !t.Exists {
		return nil // container-restricted gives --device /dev/vhost-net
	}
	var fixes []fix.Fix
	if ks, ok := driver(c, n); ok && ks.State == probes.ModLoadable {
		fixes = append(fixes, fix.Fix{ID: "tun-device/modprobe-vhost-net", Title: "Load the vhost_net driver (devtmpfs then creates /dev/vhost-net)", Command: fix.Argv("modprobe", "vhost_net"), NeedsRoot: true,
			Action: fix.Act("modprobe", "module", "vhost_net")})
	}
	if ks, ok := driver(c, n); ok && ks.State == probes.ModMissing {
		return fixes // a node without its driver opens with ENODEV: module-missing answers
	}
	switch {
	case !t.Exists || !t.IsNode(n):
		fixes = append(fixes, fix.Fix{ID: "tun-device/mknod-vhost-net", Title: "Create /dev/vhost-net (char 10:238, mode 0666 as systemd's udev rules make it)",
			Command: fix.Argv(devArgv(c, "mknod", "-m", "0666", n.Path, "c", "10", "238")...), NeedsRoot: true,
			Risk: "mode 0666 lets every local user open the node and run an in-kernel virtio backend for a tap they can already open; systemd builds configured with 0660 leave it to group kvm"})
		if a := tunDevAction(c, fix.MknodNodeAct(n.Path, 0o666, mountPIDParam(c))); a != nil {
			fixes[len(fixes)-1].Action = a
		} else {
			fixes[len(fixes)-1].Manual, fixes[len(fixes)-1].Why = true, otherDevWhy
		}
	case t.NoDev:
		fixes = append(fixes, remountDevFixes(c, t, n)...)
	case t.TargetCanOpen != nil && !*t.TargetCanOpen:
		fixes = append(fixes, fix.Fix{ID: "tun-device/chmod-vhost-net", Title: "Give /dev/vhost-net systemd's default mode 0666",
			Command: fix.Argv(devArgv(c, "chmod", "0666", n.Path)...), NeedsRoot: true,
			Risk: fmt.Sprintf("every local user may open /dev/vhost-net; narrower: add the program's user (uid %d) to the node's group (gid %d) and give the group read-write (0660)", c.Facts.Identity.EUID, t.GID)})
		if a := tunDevAction(c, fix.ChmodAct(n.Path, 0o666, -1, -1, mountPIDParam(c))); a != nil {
			fixes[len(fixes)-1].Action = a
		} else {
			fixes[len(fixes)-1].Manual, fixes[len(fixes)-1].Why = true, otherDevWhy
		}
	}
	return fixes
}

// remountDevFixes answer a node on a nodev mount: remount it (shown, not
// applied), or pass the node into the container instead.
func remountDevFixes(c *Context, t *probes.TunFacts, n probes.DevNode) []fix.Fix {
	who := c.Facts.Target.PID
	remount := fix.Argv("mount", "-o", "remount,dev", t.MountPoint)
	if !c.examinesSelf() && who > 0 {
		remount = fix.Argv("nsenter", "--target", fmt.Sprint(who), "--mount", "mount", "-o", "remount,dev", t.MountPoint)
	}
	return []fix.Fix{{ID: "tun-device/remount-dev", Title: "Remount " + t.MountPoint + " without nodev where the process runs (answers EACCES on opening " + n.Path + ")",
		Command: remount, NeedsRoot: true, Manual: true,
		Why:  "a remount changes every device node on " + t.MountPoint + " for every process of that mount namespace, and a mount made nodev on purpose (a sandbox) should be changed where it is defined: rtnl-doctor shows the command and leaves it to you",
		Risk: "device nodes on " + t.MountPoint + " become openable again by whoever their modes allow"}, {ID: "tun-device/container-device", Title: "In a container or sandbox, pass the device in instead (the runtime's /dev is not nodev)",
		Command: fix.Lines("docker run --device "+n.Path+" --cap-add NET_ADMIN ... IMAGE", "# systemd unit: PrivateDevices=no, or DeviceAllow="+n.Path+" rw with a /dev that is not nodev"), Manual: true,
		Why: "a container's devices are fixed when it is created: it must be re-created with the option"}}
}

func tunMode(kind string) string {
	if kind == "tap" {
		return "tap"
	}
	return "tun"
}

// otherDevWhy: rtnl-doctor's own /dev is not the examined process's.
const otherDevWhy = "the process sees another /dev than rtnl-doctor (another mount namespace): rtnl-doctor would change its own; the commands run in the process's mount namespace"

// tunDevAction is a /dev action when it acts on the node the examined
// process opens: rtnl-doctor's own /dev when they share it, or the
// process's mount namespace through /proc/PID/root (the action checks the
// process's identity); nil when neither can be reached (the commands are
// then instructions).
func tunDevAction(c *Context, a *fix.Action) *fix.Action {
	if sameDev(c) || a.Param("pid") != "" {
		return a
	}
	return nil
}

// sameDev: the examined process sees rtnl-doctor's /dev (it is
// rtnl-doctor, or shares its mount namespace: the same root is not enough,
// PrivateDevices= gives another /dev under it), so an action on
// /dev/net/tun acts on the node the process opens.
func sameDev(c *Context) bool {
	return c.examinesSelf() || c.Facts.Container.SameMounts || c.Facts.Target.PID <= 0
}

// devArgv runs a command on /dev in the examined process's mount
// namespace when it is not rtnl-doctor's.
func devArgv(c *Context, args ...string) []string {
	if sameDev(c) {
		return args
	}
	return append([]string{"nsenter", "-t", fmt.Sprint(c.Facts.Target.PID), "-m", "--"}, args...)
}
