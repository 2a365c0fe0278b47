package diagnose

import (
	"fmt"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

var causeContainerRestricted = &Cause{
	ID:      "container-restricted",
	Checks:  "whether the process runs in a container, and what the runtime withheld: NET_ADMIN, a writable /proc/sys, /dev/net/tun, SYS_ADMIN for a systemd unit's PrivateNetwork=",
	Needs:   []probes.Group{probes.GroupContainer, probes.GroupIdentity, probes.GroupSysctls},
	Require: Requirement{probes.GroupContainer, "container facts"},
	Eval:    evalContainerRestricted,
	Fixes:   fixesContainerRestricted,
	Answers: fix.Answers(nil, symptom.EPERM, symptom.EACCES, symptom.EROFS, symptom.EOPNOTSUPP, symptom.EPROTONOSUPPORT, symptom.ENOENT, symptom.ENODEV),
	Next:    "Re-create the container with the option; inside, the command then needs the same addresses and routes as on a host.",
}

func evalContainerRestricted(c *Context) Verdict {
	var v Verdict
	ct := &c.Facts.Container
	if !ct.InContainer {
		if r, gap := ct.Gaps.Reason("cgroup"); gap {
			v.unknown("cannot tell whether %s runs in a container: %s", c.who(), r)
			return v
		}
		hints := ""
		if len(ct.Hints) > 0 {
			hints = "; hints only, which prove nothing alone: " + strings.Join(ct.Hints, "; ")
		}
		if ct.PIDNamespace == "" {
			// Without the PID namespace nothing rules a container out: one
			// with a cgroup namespace shows the cgroup "0::/" and may set no
			// container= variable (review).
			v.unknown("cannot tell whether %s runs in a container: no proof found, but its PID namespace is unavailable (a container with its own cgroup namespace shows the cgroup 0::/ like a host)%s", c.who(), hints)
		} else {
			env := "no container= variable"
			for _, u := range ct.Unknown {
				if strings.HasPrefix(u, "container= in ") {
					env = "no container= variable where the environment was readable"
				}
			}
			v.ok("%s does not run in a container: no runtime cgroup, no /run/systemd/container or /run/host/container-manager, %s, %s%s",
				c.who(), env, pidNSWords(ct.PIDNamespace), hints)
		}
		if len(ct.Unknown) > 0 {
			v.Evidence = append(v.Evidence, "not checked: "+strings.Join(ct.Unknown, "; "))
		}
		if h := c.Symptom.ContainerHint; h != "" && c.examinesSelf() {
			// The examined process is this one; the paste says the one
			// that failed ran in a container.
			v.warn("the paste says the failing program ran in a container (%s), which this host's facts cannot show: run rtnl-doctor inside it, or pass --pid of its process", sanitize.Clip(h, 120))
		}
		return v
	}
	rt := ct.Runtime
	desc := rt + " container"
	if ct.ID != "" {
		desc += " " + shortID(ct.ID)
	}
	v.Evidence = append(v.Evidence, fmt.Sprintf("%s runs in a %s (%s)", c.who(), desc, strings.Join(ct.Evidence, "; ")))
	if len(ct.Hints) > 0 {
		v.Evidence = append(v.Evidence, "also: "+strings.Join(ct.Hints, "; "))
	}
	s := c.Symptom
	if caps := c.Facts.Identity.Caps; caps != nil {
		switch {
		case !hasCap(caps.BndMask, unix.CAP_NET_ADMIN) && ct.WithTool && c.Facts.Host.Tool.BoundingNetAdmin && !c.examinesSelf():
			v.ok("the container allows NET_ADMIN (rtnl-doctor runs in the same container with it in its bounding set): %s dropped it itself, see cap-net-admin", c.who())
		case !hasCap(caps.BndMask, unix.CAP_NET_ADMIN):
			st := Warn
			if s.Recognised && needsNetAdmin(s) && (s.Errno == symptom.EPERM || s.Errno == symptom.EACCES || s.Errno == "") {
				st = Fail
			}
			v.add(st, "its bounding set lacks cap_net_admin: the container was started without NET_ADMIN, and nothing inside can gain it")
		default:
			v.ok("its bounding set has cap_net_admin")
		}
	}
	if ro := c.Facts.Sysctls.ProcSysReadOnly; ro != nil && *ro {
		st := Warn
		if s.Operation == symptom.OpSysctl || s.Errno == symptom.EROFS {
			st = Fail
		}
		v.add(st, "/proc/sys is mounted read-only inside (%s): sysctl writes fail with \"Read-only file system\"", c.Facts.Sysctls.ProcSysMount)
	}
	if s.Operation == symptom.OpModprobe {
		v.fail("modprobe inside a container cannot work: modules belong to the host's kernel")
	}
	if privateNetworkRefused(c) {
		v.fail("systemd's PrivateNetwork= makes a network namespace, which needs CAP_SYS_ADMIN (unshare(CLONE_NEWNET), checked in the container's user namespace), and the container's bounding set lacks cap_sys_admin")
	}
	if t, n := devNode(c); (s.Operation == symptom.OpTuntapAdd || s.Operation == symptom.OpTunOpen) && !t.Exists && c.gathered(probes.GroupTun) {
		v.fail("%s is not in the container: it was started without --device %s", n.Path, n.Path)
	}
	if c.Facts.Identity.Seccomp == "filter" {
		v.Evidence = append(v.Evidence, fmt.Sprintf("a seccomp filter is active (%d filters): the runtime's default profile", c.Facts.Identity.SeccompFilters))
	}
	if v.Status == "" {
		v.Status = OK
	}
	return v
}

// privateNetworkRefused: systemd could not make a unit's network namespace
// (PrivateNetwork=) with EPERM in a container whose bounding set lacks
// CAP_SYS_ADMIN, which creating a network namespace needs.
func privateNetworkRefused(c *Context) bool {
	s, caps := c.Symptom, c.Facts.Identity.Caps
	return c.Facts.Container.InContainer && s.Source == "systemd" && s.Operation == symptom.OpNetnsEnter &&
		s.Errno == symptom.EPERM && caps != nil && !hasCap(caps.BndMask, unix.CAP_SYS_ADMIN)
}

// privateNetworkFixes: a drop-in for the one unit (narrowest), run where
// the unit is (inside the container: through the runtime when rtnl-doctor
// examines the container's process from the host), then SYS_ADMIN for the
// whole container with its cost.
func privateNetworkFixes(c *Context) []fix.Fix {
	ct := &c.Facts.Container
	unit := c.Symptom.Unit
	if unit == "" || strings.HasPrefix(unit, "-") {
		unit = "UNIT"
	}
	var in []string // the runtime's exec into the container, when not examining itself
	note := ""
	if !c.examinesSelf() && !ct.WithTool {
		// Examined from the host: the commands go into the container.
		switch {
		case ct.Runtime == "docker" && ct.ID != "":
			in = []string{"docker", "exec", "-it", shortID(ct.ID)}
		case ct.Runtime == "podman" && ct.ID != "":
			// A rootless container is reached as its owner.
			note = "# as the container's owner (rootless podman runs per user):"
			in = []string{"podman", "exec", "-it", shortID(ct.ID)}
		default:
			note = "# run these inside the container (its own systemd), not on the host:"
		}
	}
	cmd := func(a ...string) string { return fix.Argv(append(append([]string{}, in...), a...)...) }
	lines := []string{}
	if note != "" {
		lines = append(lines, note)
	}
	lines = append(lines, cmd("systemctl", "edit", "--", unit), "# in the editor, add these two lines and save:", "#   [Service]", "#   PrivateNetwork=no",
		cmd("systemctl", "restart", "--", unit))
	wide := "# give the container CAP_SYS_ADMIN in its runtime's configuration (docker/podman: --cap-add SYS_ADMIN)"
	switch ct.Runtime {
	case "docker":
		wide = "# docker run --cap-add SYS_ADMIN ... IMAGE (or cap_add: [SYS_ADMIN] in compose.yaml)"
	case "podman":
		wide = "# podman run --cap-add SYS_ADMIN ... IMAGE"
	case "kubernetes":
		wide = fix.Lines("# in the pod spec, under the container:", "#   securityContext:", "#     capabilities:", "#       add: [\"SYS_ADMIN\"]")
	case "systemd-nspawn":
		wide = "# systemd-nspawn --capability=CAP_SYS_ADMIN ... (or Capability=CAP_SYS_ADMIN in the .nspawn file)"
	case "lxc":
		wide = "# remove sys_admin from lxc.cap.drop in the container's configuration"
	}
	return []fix.Fix{{ID: "container-restricted/unit-private-network", Title: "Let the unit run without a network namespace of its own (a drop-in, in the container)",
		Command: fix.Lines(lines...),
		Manual:  true, Why: "the unit asks for its own network namespace, which a container without CAP_SYS_ADMIN cannot make; the container's own network namespace still separates it from the host's, unless the container shares the host's network (--network host). The drop-in lives in the container's writable layer: put it in the image to keep it when the container is re-created",
		Risk: "the unit then shares the container's network namespace; its other sandboxing stays"},
		{ID: "container-restricted/cap-sys-admin", Title: "Or re-create the container with SYS_ADMIN (wide)",
			Command: wide, Manual: true,
			Why:  "listed for its cost: the narrow fix above changes one unit",
			Risk: "CAP_SYS_ADMIN allows mounts, namespaces and many administrative calls: with it a process in the container comes close to root on the host"}}
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func fixesContainerRestricted(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	if privateNetworkRefused(c) {
		// NET_ADMIN or a sysctl would not help: the unit's namespace
		// needs CAP_SYS_ADMIN.
		return privateNetworkFixes(c)
	}
	ct := &c.Facts.Container
	why := "a running container cannot be changed from outside: it must be re-created with the option"
	name := "CONTAINER"
	if ct.ID != "" {
		name = shortID(ct.ID)
	}
	var fixes []fix.Fix
	caps := c.Facts.Identity.Caps
	if caps != nil && !hasCap(caps.BndMask, unix.CAP_NET_ADMIN) && !(ct.WithTool && c.Facts.Host.Tool.BoundingNetAdmin) {
		switch ct.Runtime {
		case "kubernetes":
			fixes = append(fixes, fix.Fix{ID: "container-restricted/k8s-cap-add", Title: "Add NET_ADMIN to the pod's container securityContext",
				Command: fix.Lines("# in the pod spec, under the container:", "#   securityContext:", "#     capabilities:", "#       add: [\"NET_ADMIN\"]",
					"kubectl apply -f POD.yaml"), Manual: true, Why: why})
		default:
			tool := "docker"
			if ct.Runtime == "podman" {
				tool = "podman"
			}
			fixes = append(fixes, fix.Fix{ID: "container-restricted/cap-add", Title: "Re-create the container with NET_ADMIN (only that capability)",
				Command: fix.Lines(fix.Argv(tool, "inspect", "--format", "{{.Config.Image}}", name), tool+" run --cap-add NET_ADMIN ... IMAGE"), Manual: true, Why: why}, fix.Fix{ID: "container-restricted/compose-cap-add", Title: "With docker compose: add cap_add to the service",
				Command: fix.Lines("# in compose.yaml, under the service:", "#   cap_add:", "#     - NET_ADMIN", "docker compose up -d --force-recreate SERVICE"), Manual: true, Why: why,
				Risk: "docker stack deploy ignored cap_add before Docker 20.10"})
		}
	}
	if ro := c.Facts.Sysctls.ProcSysReadOnly; ro != nil && *ro {
		key := c.Symptom.SysctlKey
		if key == "" {
			key = "net.ipv4.ip_forward"
		}
		fixes = append(fixes, fix.Fix{ID: "container-restricted/sysctl", Title: "Set the namespaced sysctl when the container starts",
			Command: fix.Lines(fix.Argv("docker", "run", "--sysctl", key+"=1", "IMAGE"), "# or in compose.yaml, under the service, the same setting in a sysctls: list"), Manual: true, Why: why})
	}
	if t, n := devNode(c); (c.Symptom.Operation == symptom.OpTuntapAdd || c.Symptom.Operation == symptom.OpTunOpen) && !t.Exists {
		id := "container-restricted/device-tun"
		if n == probes.VhostNetNode {
			id = "container-restricted/device-vhost-net"
		}
		fixes = append(fixes, fix.Fix{ID: id, Title: "Give the container " + n.Path,
			Command: fix.Lines("docker run --device "+n.Path+" --cap-add NET_ADMIN ... IMAGE", "# or in compose.yaml, under the service:", "#   devices:", "#     - "+n.Path), Manual: true, Why: why})
	}
	if len(fixes) > 0 {
		fixes = append(fixes, fix.Fix{ID: "container-restricted/not-privileged", Title: "Avoid --privileged",
			Command: "# do not use: docker run --privileged", Manual: true,
			Why:  "listed for its cost only",
			Risk: "--privileged grants every capability and device and removes seccomp and LSM confinement: the container becomes root on the host"})
	}
	return fixes
}

// pidNSWords describes the PID namespace checked for a container.
func pidNSWords(ns string) string {
	if ns == "" {
		return "PID namespace unread"
	}
	return "the initial PID namespace (" + ns + ")"
}
