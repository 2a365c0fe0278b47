package diagnose

import (
	"fmt"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeTunDevice = &Cause{
	ID:      "tun-device",
	Checks:  "/dev/net/tun as the process sees it: present, character device 10:200, its mode against the process's ids; the tun driver",
	Needs:   []probes.Group{probes.GroupTun, probes.GroupModules, probes.GroupIdentity, probes.GroupContainer},
	Require: Requirement{probes.GroupTun, "tun facts"},
	Eval:    evalTunDevice,
	Fixes:   fixesTunDevice,
	Answers: fix.Answers(nil, symptom.ENOENT, symptom.EACCES, symptom.ENODEV, symptom.EPERM, symptom.EBUSY),
	Next:    "With the device node in place, creating the tun/tap interface still needs CAP_NET_ADMIN (or a persistent device owned by the user).",
}

func tunOp(s symptom.Symptom) bool {
	return s.Operation == symptom.OpTuntapAdd || s.Operation == symptom.OpTunOpen || s.Path == "/dev/net/tun"
}

func evalTunDevice(c *Context) Verdict {
	var v Verdict
	t := &c.Facts.Tun
	if r, gap := t.Gaps.Reason("node"); gap {
		v.unknown("cannot examine %s: %s", t.Path, r)
		return v
	}
	relevant := tunOp(c.Symptom)
	st := Warn
	if relevant {
		st = Fail
	}
	if ks, ok := c.Facts.Modules.Kind("tun"); ok && ks.State == probes.ModMissing {
		v.add(st, "the tun driver is missing: %s", ks.Evidence[0])
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
	case t.Major != 10 || t.Minor != 200:
		v.add(st, "%s is char %d:%d, not the tun device 10:200", where, t.Major, t.Minor)
	case t.NoDev:
		v.add(st, "%s is on %s, mounted nodev: the kernel refuses to open any device node there with EACCES (Permission denied), whatever its mode and the caller's capabilities", where, t.Mount)
	case t.TargetCanOpen != nil && !*t.TargetCanOpen:
		v.add(st, "%s is %s uid %d gid %d: %s", where, t.Mode, t.UID, t.GID, t.Why)
	default:
		msg := fmt.Sprintf("%s is the tun device (char 10:200, %s)", where, t.Mode)
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
	t := &c.Facts.Tun
	if c.Facts.Container.InContainer && !t.Exists {
		return nil // container-restricted gives --device /dev/net/tun
	}
	var fixes []fix.Fix
	if ks, ok := c.Facts.Modules.Kind("tun"); ok && ks.State == probes.ModLoadable {
		fixes = append(fixes, fix.Fix{ID: "tun-device/modprobe", Title: "Load the tun driver (devtmpfs then creates the node)", Command: fix.Argv("modprobe", "tun"), NeedsRoot: true,
			Action: fix.Act("modprobe", "module", "tun")})
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
		who := c.Facts.Target.PID
		remount := fix.Argv("mount", "-o", "remount,dev", t.MountPoint)
		if !c.examinesSelf() && who > 0 {
			remount = fix.Argv("nsenter", "--target", fmt.Sprint(who), "--mount", "mount", "-o", "remount,dev", t.MountPoint)
		}
		fixes = append(fixes, fix.Fix{ID: "tun-device/remount-dev", Title: "Remount " + t.MountPoint + " without nodev where the process runs (answers EACCES on opening /dev/net/tun)",
			Command: remount, NeedsRoot: true, Manual: true,
			Why:  "a remount changes every device node on " + t.MountPoint + " for every process of that mount namespace, and a mount made nodev on purpose (a sandbox) should be changed where it is defined: rtnl-doctor shows the command and leaves it to you",
			Risk: "device nodes on " + t.MountPoint + " become openable again by whoever their modes allow"}, fix.Fix{ID: "tun-device/container-device", Title: "In a container or sandbox, pass the device in instead (the runtime's /dev is not nodev)",
			Command: fix.Lines("docker run --device /dev/net/tun --cap-add NET_ADMIN ... IMAGE", "# systemd unit: PrivateDevices=no, or DeviceAllow=/dev/net/tun rw with a /dev that is not nodev"), Manual: true,
			Why: "a container's devices are fixed when it is created: it must be re-created with the option"})
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
// rtnl-doctor, or shares its root), so an action on /dev/net/tun acts on
// the node the process opens.
func sameDev(c *Context) bool {
	return c.examinesSelf() || c.Facts.Container.WithTool || c.Facts.Target.PID <= 0
}

// devArgv runs a command on /dev in the examined process's mount
// namespace when it is not rtnl-doctor's.
func devArgv(c *Context, args ...string) []string {
	if sameDev(c) {
		return args
	}
	return append([]string{"nsenter", "-t", fmt.Sprint(c.Facts.Target.PID), "-m", "--"}, args...)
}
