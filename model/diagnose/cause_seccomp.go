package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

var causeSeccomp = &Cause{
	ID: "seccomp",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.EPERM, symptom.EACCES, symptom.EAFNOSUPPORT, symptom.ENOSYS),
	Checks:  "the process's seccomp mode (Seccomp: in /proc/PID/status) and where the filter comes from, against what capabilities and security modules explain",
	Needs:   []probes.Group{probes.GroupIdentity, probes.GroupDenials, probes.GroupContainer},
	Require: Requirement{probes.GroupIdentity, "identity"},
	Eval:    evalSeccomp,
	Fixes:   fixesSeccomp,
	Next:    "With the call allowed, the operation still needs CAP_NET_ADMIN for changes (opening a netlink socket needs none).",
}

// seccompErrno reports whether an errno is one a seccomp filter returns
// for a refused call: EPERM (docker's and systemd's default action), EACCES,
// EAFNOSUPPORT (systemd's RestrictAddressFamilies=).
func seccompErrno(e symptom.Errno) bool {
	return e == symptom.EPERM || e == symptom.EACCES || e == symptom.EAFNOSUPPORT
}

// knownLaunchers name the programs that install seccomp filters.
var knownLaunchers = map[string]string{
	"firejail": "firejail (its profile's seccomp and protocol options)", "bwrap": "bubblewrap (--seccomp)",
	"containerd-shim": "a container runtime (containerd's runc)", "containerd-shim-runc-v2": "a container runtime (containerd's runc)",
	"conmon": "podman/CRI-O (the container's seccomp profile)", "runc": "runc (the container's seccomp profile)", "crun": "crun (the container's seccomp profile)",
	"snap-confine": "snapd (the snap's seccomp profile)", "flatpak-session-helper": "flatpak", "docker-init": "docker (the container's seccomp profile)",
}

func evalSeccomp(c *Context) Verdict {
	var v Verdict
	id := &c.Facts.Identity
	s := c.Symptom
	relevant := seccompErrno(s.Errno) && (needsNetAdmin(s) || s.Operation == symptom.OpNetlink || s.Operation == symptom.OpTunOpen)
	switch id.Seccomp {
	case "":
		r, _ := id.Gaps.Reason("status")
		v.unknown("seccomp mode of %s unavailable: %s", c.who(), fix.OrName(r, "no Seccomp: line in its status"))
		return v
	case "disabled":
		if c.examinesSelf() && relevant {
			// Filters are per process: rtnl-doctor's own says nothing of
			// the program that failed.
			v.unknown("the failing process is unknown: only rtnl-doctor itself was examined (it runs without seccomp); pass --pid of the failing process, or --exec for its program")
			return v
		}
		v.ok("%s runs without seccomp (Seccomp: 0 in its status)", c.who())
		return v
	case "strict":
		st := Warn
		if relevant {
			st = Fail
		}
		v.add(st, "%s runs in seccomp strict mode (Seccomp: 1): only read, write, exit and sigreturn are allowed", c.who())
		return v
	}
	desc := fmt.Sprintf("%s runs under %s (Seccomp: 2 in its status)", c.who(), Plural(id.SeccompFilters, "seccomp filter", "seccomp filters"))
	origin := seccompOriginWords(c)
	if !relevant {
		v.ok("%s%s; the symptom is not an errno a filter returns for a networking call", desc, origin)
		return v
	}
	// What else would explain the errno.
	var explained []string
	if caps := id.Caps; caps != nil && needsNetAdmin(s) && s.Operation != symptom.OpNetlink {
		if !hasCap(caps.EffMask, unix.CAP_NET_ADMIN) {
			explained = append(explained, "it lacks CAP_NET_ADMIN (see cap-net-admin)")
		} else if id.CapsApplyToNetNS != nil && !*id.CapsApplyToNetNS {
			explained = append(explained, "its capabilities do not count in this network namespace (see userns-remap)")
		}
	}
	if c.gathered(probes.GroupDenials) && c.Facts.Denials.Relevant > 0 {
		explained = append(explained, fmt.Sprintf("security modules logged %s (see mac-denial)", Plural(c.Facts.Denials.Relevant, "networking denial", "networking denials")))
	}
	if len(explained) > 0 {
		v.warn("%s%s, but %s: that explains %s first", desc, origin, strings.Join(explained, " and "), s.Errno)
		return v
	}
	what := "the call"
	if s.Operation == symptom.OpNetlink {
		what = "socket(AF_NETLINK), which needs no capability,"
	}
	v.fail("%s%s; %s failed with %s although no capability is missing and no security module logged a denial: the filter refused it", desc, origin, what, s.Errno)
	return v
}

// seccompOriginWords says where the filter comes from.
func seccompOriginWords(c *Context) string {
	o := c.Facts.Identity.SeccompOrigin
	if o == nil {
		return ""
	}
	var b strings.Builder
	if o.PID == c.Facts.Target.PID {
		b.WriteString("; the filter was installed by the process itself or at its start")
	} else {
		fmt.Fprintf(&b, "; the filter is inherited from PID %d (%s)", o.PID, o.Name)
	}
	switch {
	case o.Parent == 1 && c.Facts.Target.Unit != "":
		fmt.Fprintf(&b, ", started by systemd for %s: the unit's SystemCallFilter=, RestrictAddressFamilies= or a sandboxing option that implies them", c.Facts.Target.Unit)
	case o.ParentName != "":
		l := knownLaunchers[o.ParentName]
		if l == "" {
			l = knownLaunchers[o.Name]
		}
		if l != "" {
			fmt.Fprintf(&b, ", launched by %s: %s", o.ParentName, l)
		} else {
			fmt.Fprintf(&b, ", launched by PID %d (%s), which runs without one", o.Parent, o.ParentName)
		}
	case c.Facts.Container.InContainer:
		fmt.Fprintf(&b, ": the %s container's seccomp profile", c.Facts.Container.Runtime)
	}
	return b.String()
}

func fixesSeccomp(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	s := c.Symptom
	o := c.Facts.Identity.SeccompOrigin
	answers := fmt.Sprintf("answers %s on %s", s.Errno, fix.OrName(s.Operation, "the call"))
	why := "a seccomp filter is fixed for the life of the process and set by what starts it: the change is made there"
	var fixes []fix.Fix
	launcher := ""
	if o != nil {
		launcher = o.ParentName
	}
	switch {
	case o != nil && o.Parent == 1 && c.Facts.Target.Unit != "":
		u := c.Facts.Target.Unit
		fixes = append(fixes, fix.Fix{ID: "seccomp/unit-allow", Title: fmt.Sprintf("Allow the one address family or call in %s (%s)", u, answers),
			Command:   fix.Lines(fix.Argv("systemctl", "cat", u), "# in the drop-in systemctl edit opens, under [Service]:", "#   RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK", "#   (or drop the SystemCallFilter= group that lists the refused call)", fix.Argv("systemctl", "edit", u), fix.Argv("systemctl", "restart", u)),
			NeedsRoot: true, Manual: true, Why: why})
	case launcher == "firejail" || o != nil && o.Name == "firejail":
		fixes = append(fixes, fix.Fix{ID: "seccomp/firejail-protocol", Title: "Let firejail allow netlink sockets (" + answers + ")",
			Command: fix.Lines("# firejail --protocol=unix,inet,inet6,netlink PROGRAM", "# or in the program's profile (~/.config/firejail/PROGRAM.local):", "#   protocol unix,inet,inet6,netlink"),
			Manual:  true, Why: why})
	case c.Facts.Container.InContainer || knownLaunchers[launcher] != "":
		fixes = append(fixes, fix.Fix{ID: "seccomp/container-profile", Title: "Re-create the container with a seccomp profile that allows the call (" + answers + ")",
			Command: fix.Lines("# copy the runtime's default profile, add the refused syscall to an SCMP_ACT_ALLOW rule, then:", "docker run --security-opt seccomp=/etc/docker/seccomp-netlink.json ... IMAGE"),
			Manual:  true, Why: why}, fix.Fix{ID: "seccomp/unconfined", Title: "Widest: run the container without seccomp (" + answers + ")",
			Command: "# docker run --security-opt seccomp=unconfined ... IMAGE", Manual: true, Why: "listed for its cost only",
			Risk: "every syscall the kernel has becomes reachable from the container, including those with a history of privilege escalation"})
	default:
		fixes = append(fixes, fix.Fix{ID: "seccomp/launcher", Title: "Start the program with a filter that allows the call (" + answers + ")",
			Command: "# the filter comes from " + fix.OrName(launcher, "the program's launcher") + ": allow the refused syscall or address family in its configuration",
			Manual:  true, Why: why})
	}
	return fixes
}
