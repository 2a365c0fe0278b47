package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

var causeCapNetAdmin = &Cause{
	ID:      "cap-net-admin",
	Checks:  "the examined process's capability sets: CAP_NET_ADMIN effective, permitted, bounding, ambient; file capabilities of its program",
	Needs:   []probes.Group{probes.GroupIdentity, probes.GroupContainer},
	Require: Requirement{probes.GroupIdentity, "identity"},
	Eval:    evalCapNetAdmin,
	Fixes:   fixesCapNetAdmin,
	Answers: fix.Answers(nil, symptom.EPERM, symptom.EACCES),
	Next:    "With permission granted, the same command usually fails next with \"File exists\" when an earlier attempt or another tool already created the object.",
}

func hasCap(mask uint64, c int) bool { return c < 64 && mask&(1<<uint(c)) != 0 }

// needsNetAdmin: the symptom's operation is one CAP_NET_ADMIN governs.
func needsNetAdmin(s symptom.Symptom) bool {
	if s.Operation == symptom.OpTunOpen && (s.Errno == symptom.EACCES || s.Path == probes.VhostNetNode.Path) {
		// Opening a device node is the file's mode (EACCES, fs/namei.c
		// may_open), and /dev/vhost-net asks for no capability at all;
		// only TUNSETIFF's create needs CAP_NET_ADMIN, with EPERM (review).
		return false
	}
	switch s.Operation {
	case symptom.OpLinkAdd, symptom.OpLinkSet, symptom.OpLinkDel, symptom.OpTuntapAdd, symptom.OpAddrAdd, symptom.OpAddrDel, symptom.OpRouteAdd, symptom.OpRouteDel, symptom.OpNeighAdd, symptom.OpTunOpen, "":
		return true
	}
	return false
}

func evalCapNetAdmin(c *Context) Verdict {
	var v Verdict
	id := &c.Facts.Identity
	if id.Caps == nil {
		r, _ := id.Gaps.Reason("status")
		if r == "" {
			r, _ = id.Gaps.Reason("caps")
		}
		v.unknown("capabilities of %s unavailable: %s", c.who(), r)
		return v
	}
	caps := id.Caps
	who := c.who()
	if c.Symptom.Source == "libpcap" {
		// A capture opens a packet socket: CAP_NET_RAW
		// (net/packet/af_packet.c packet_create), not CAP_NET_ADMIN.
		raw := hasCap(caps.EffMask, unix.CAP_NET_RAW)
		switch {
		case c.examinesSelf():
			v.unknown("the capturing process is unknown: only rtnl-doctor itself was examined; a capture needs CAP_NET_RAW for its packet socket (net/packet/af_packet.c packet_create): run it as root, or give the binary the capability (setcap cap_net_raw,cap_net_admin=eip on tcpdump or dumpcap)")
		case !raw:
			v.fail("CapEff of %s lacks cap_net_raw: a capture's packet socket needs it (net/packet/af_packet.c packet_create)", who)
		default:
			v.ok("CapEff of %s has cap_net_raw (the capture's packet socket is allowed)", who)
		}
		return v
	}
	eff := hasCap(caps.EffMask, unix.CAP_NET_ADMIN)
	bnd := hasCap(caps.BndMask, unix.CAP_NET_ADMIN)
	prm := hasCap(caps.PrmMask, unix.CAP_NET_ADMIN)
	amb := hasCap(caps.AmbMask, unix.CAP_NET_ADMIN)
	if eff {
		if c.examinesSelf() && (c.Symptom.Errno == symptom.EPERM || c.Symptom.Errno == symptom.EACCES) {
			v.unknown("the failing process is unknown: only rtnl-doctor itself was examined (it has cap_net_admin); pass --pid of the failing process, or --exec for its program")
			return v
		}
		v.ok("CapEff of %s has cap_net_admin (uid %d)", who, id.EUID)
		return v
	}
	st := Warn
	if needsNetAdmin(c.Symptom) && (c.Symptom.Errno == symptom.EPERM || c.Symptom.Errno == symptom.EACCES) {
		st = Fail
	}
	msg := fmt.Sprintf("CapEff of %s lacks cap_net_admin (uid %d", who, id.EUID)
	if id.EUID == 0 {
		msg += ": root, but root's power is its capabilities"
	}
	msg += ")"
	switch {
	case !bnd:
		msg += "; the bounding set lacks it too: it was started without it (a container without --cap-add NET_ADMIN, capsh/setpriv --bounding-set, or systemd CapabilityBoundingSet=), and nothing it runs can regain it"
	case prm:
		msg += "; it is permitted but not effective: the program could raise it itself (or run with AmbientCapabilities)"
	case amb:
		msg += "; it is ambient but not effective"
	default:
		msg += "; the bounding set allows it: a file capability or starting it with the capability would give it"
	}
	v.add(st, "%s", msg)
	if id.NoNewPrivs {
		v.Evidence = append(v.Evidence, "NoNewPrivs=1: setuid bits and file capabilities are ignored for the programs it executes")
	}
	if fc := id.FileCaps; fc != nil {
		switch {
		case fc.Reason != "":
			v.Evidence = append(v.Evidence, fmt.Sprintf("file capabilities of %s: unavailable (%s)", fc.Path, fc.Reason))
		case fc.Text == "":
			v.Evidence = append(v.Evidence, fmt.Sprintf("%s has no file capabilities", fc.Path))
		default:
			v.Evidence = append(v.Evidence, fmt.Sprintf("%s has file capabilities %s", fc.Path, fc.Text))
		}
	}
	return v
}

// failingProgram is the executable to grant a file capability to.
func failingProgram(c *Context) string {
	if fc := c.Facts.Identity.FileCaps; fc != nil && strings.HasPrefix(fc.Path, "/") && !strings.HasPrefix(fc.Path, "/proc/") {
		return fc.Path
	}
	if c.Facts.Target.Exe != "" {
		return c.Facts.Target.Exe
	}
	return "/path/to/program"
}

func fixesCapNetAdmin(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	if s := c.Symptom; s.Operation == symptom.OpTunOpen && !needsNetAdmin(s) {
		// Opening a device node is its mode's business (tun-device): no
		// capability answers it, so none is offered (review).
		return nil
	}
	caps := c.Facts.Identity.Caps
	ct := &c.Facts.Container
	if caps != nil && !hasCap(caps.BndMask, unix.CAP_NET_ADMIN) && ct.InContainer && !(ct.WithTool && c.Facts.Host.Tool.BoundingNetAdmin) {
		// Only a re-created container helps: container-restricted says how.
		return nil
	}
	prog := failingProgram(c)
	unit, unitWhy := c.Facts.Target.Unit, "restarting the service is yours to decide: it interrupts what it serves"
	if unit == "" {
		unit, unitWhy = "UNIT.service", "rtnl-doctor does not know which unit starts the program (it runs in none)"
	}
	dropIn := "/etc/systemd/system/" + unit + ".d"
	// A capability outside the bounding set cannot be made ambient: when
	// the unit's CapabilityBoundingSet= left it out, add it back (repeated
	// lines add to the set; in an unrestricted unit the line would shrink
	// it, so it is written only when needed).
	bounding := ""
	if caps != nil && !hasCap(caps.BndMask, unix.CAP_NET_ADMIN) {
		bounding = "CapabilityBoundingSet=CAP_NET_ADMIN"
	}
	// As root, setpriv switches to the program's user keeping only this
	// capability (ambient, so it survives the exec of a program without
	// file capabilities).
	setpriv := []string{"setpriv"}
	if id := c.Facts.Identity; id.UID != 0 {
		// The process's own supplementary groups, not --init-groups: that
		// needs a passwd entry, which a DynamicUser= or mapped uid lacks.
		groups := "--clear-groups"
		if len(id.Groups) > 0 {
			gs := make([]string, len(id.Groups))
			for i, g := range id.Groups {
				gs[i] = fmt.Sprint(g)
			}
			groups = "--groups=" + strings.Join(gs, ",")
		}
		setpriv = append(setpriv, fmt.Sprintf("--reuid=%d", id.UID), fmt.Sprintf("--regid=%d", id.GID), groups)
	}
	setpriv = append(setpriv, "--inh-caps=+net_admin", "--ambient-caps=+net_admin", prog)
	setprivTitle := "Or start the program with the capability in its inheritable and ambient sets"
	if isIproute2(prog) {
		setprivTitle += " (iproute2's ip keeps CAP_NET_ADMIN only when it is inheritable)"
	}
	fixes := []fix.Fix{
		{ID: "cap-net-admin/systemd-ambient", Title: "Run the service " + unit + " with CAP_NET_ADMIN only (narrowest: one service, one capability)",
			Command: fix.Lines(fix.Argv("mkdir", "-p", dropIn), "cat > "+fix.Argv(dropIn+"/50-net-admin.conf")+" <<'EOF'", "[Service]", "AmbientCapabilities=CAP_NET_ADMIN", bounding, "EOF",
				"systemctl daemon-reload", fix.Argv("systemctl", "restart", unit)),
			NeedsRoot: true, Manual: true, Why: unitWhy},
		{ID: "cap-net-admin/setpriv", Title: setprivTitle,
			Command:   fix.Argv(setpriv...),
			NeedsRoot: true, Manual: true, Why: "the program has to be restarted by whoever runs it"},
	}
	// A file capability cannot work for iproute2's ip: for a non-root uid
	// its drop_cap() clears every capability unless CAP_NET_ADMIN is in
	// the inheritable set. Nor outside the bounding set: file capabilities
	// are masked by it at exec.
	if isIproute2(prog) || caps != nil && !hasCap(caps.BndMask, unix.CAP_NET_ADMIN) {
		return fixes
	}
	setcap := fix.Fix{ID: "cap-net-admin/setcap", Title: "Or grant cap_net_admin+ep to " + prog + " (every user who can run it gets the capability)",
		Command: fix.Argv("setcap", "cap_net_admin+ep", prog), NeedsRoot: true,
		Risk: "a file capability applies to every user allowed to execute the file: restrict its mode or group first; never on a shell, an interpreter or a container runtime"}
	switch {
	case prog == "/path/to/program":
		setcap.Manual, setcap.Why = true, "the failing program is not known: pass --exec PATH"
	case isShellOrRuntime(prog):
		setcap.Manual, setcap.Why = true, prog+" is a shell, interpreter or container runtime: a file capability there is root for everyone who runs it"
	case c.Facts.Identity.FileCaps != nil && c.Facts.Identity.FileCaps.ElsewhereHere:
		// The process runs prog from another mount namespace: here that
		// path is another file (review). Its own is reached through
		// /proc/PID/root; shown, not applied.
		if pid := c.Facts.Target.PID; pid > 0 {
			setcap.Command = fix.Argv("setcap", "cap_net_admin+ep", fmt.Sprintf("/proc/%d/root%s", pid, prog))
		}
		setcap.Manual, setcap.Why = true, prog+" is run from another mount namespace (a container, a service's private mounts): in rtnl-doctor's, that path is another file; the command reaches the process's own through /proc/PID/root (in a container, change the image instead)"
	default:
		setcap.Action = fix.Act("setcap", "path", prog, "caps", "cap_net_admin+ep")
	}
	if c.Facts.Identity.NoNewPrivs {
		setcap.Risk += "; and this process runs with NoNewPrivs=1, which ignores file capabilities"
	}
	return append(fixes, setcap)
}

// isIproute2 reports whether p is iproute2's ip (or one of its tools that
// share drop_cap()).
func isIproute2(p string) bool {
	switch p[strings.LastIndexByte(p, '/')+1:] {
	case "ip", "tc", "bridge", "ss", "rtmon":
		return true
	}
	return false
}

// isShellOrRuntime refuses the programs a file capability must never go on
// (the list is fix's: the setcap action refuses them too).
func isShellOrRuntime(p string) bool { return fix.IsShellOrRuntime(p) }
