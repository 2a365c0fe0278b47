package model

import (
	"fmt"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeUsernsRemap = &Cause{
	ID: "userns-remap",
	Checks: "the process's user namespace against the network namespace it acts on; limits on creating user namespaces; " +
		"docker's userns-remap and its /etc/subuid, /etc/subgid ranges",
	Needs: []probes.Group{probes.GroupIdentity, probes.GroupSysctls, probes.GroupContainer, probes.GroupSecurity},
	Eval:  evalUsernsRemap,
	Fixes: fixesUsernsRemap,
	Next:  "Once the namespaces line up, the operation needs CAP_NET_ADMIN in the owning namespace, which its root has.",
}

func sysctlInt(c *Context, key string) (int, bool) {
	v, ok := c.Facts.Sysctls.Get(key)
	if !ok {
		return 0, false
	}
	var n int
	if _, err := fmt.Sscan(v, &n); err != nil {
		return 0, false
	}
	return n, true
}

func evalUsernsRemap(c *Context) Verdict {
	var v Verdict
	id := &c.Facts.Identity
	s := c.Symptom
	who := c.who()
	switch {
	case id.InitialUserNS == nil:
		r, _ := id.Gaps.Reason("uid_map")
		v.unknown("user namespace of %s unknown: %s", who, r)
	case *id.InitialUserNS && c.examinesSelf() && (s.Errno == EPERM || s.Errno == EACCES):
		v.unknown("the failing process is unknown: only rtnl-doctor itself was examined (it runs in the initial user namespace); pass --pid of the failing process")
	case *id.InitialUserNS:
		v.ok("%s runs in the initial user namespace (uid_map 0 0 4294967295)", who)
	default:
		m := id.UIDMap
		mapDesc := "empty uid_map"
		if len(m) > 0 {
			mapDesc = fmt.Sprintf("uid_map %d %d %d", m[0].Inside, m[0].Outside, m[0].Count)
		}
		switch {
		case id.CapsApplyToNetNS != nil && !*id.CapsApplyToNetNS:
			st := Warn
			if s.Errno == EPERM || s.Errno == EACCES {
				st = Fail
			}
			v.add(st, "%s runs in a user namespace (%s) that does not own the network namespace it acts on (%s): its capabilities count only in namespaces its user namespace owns",
				who, mapDesc, c.Facts.Target.NetNS)
		case id.CapsApplyToNetNS != nil:
			v.ok("%s runs in a user namespace (%s) that owns (or is an ancestor of the owner of) the network namespace it acts on", who, mapDesc)
		default:
			v.warn("%s runs in a user namespace (%s); whether it owns the network namespace could not be checked", who, mapDesc)
		}
	}
	if s.Operation == OpUserns || s.Errno == ENOSPC {
		if n, ok := sysctlInt(c, "user.max_user_namespaces"); ok && n == 0 {
			v.fail("user.max_user_namespaces=0: no user namespace can be created")
		}
		nonRoot := id.EUID != 0
		if n, ok := sysctlInt(c, "kernel.unprivileged_userns_clone"); ok && n == 0 && nonRoot {
			v.fail("kernel.unprivileged_userns_clone=0: unprivileged users may not create user namespaces")
		}
		aa := c.Facts.Security.AppArmor
		if n, ok := sysctlInt(c, "kernel.apparmor_restrict_unprivileged_userns"); ok && n == 1 && nonRoot {
			if aa.Profile == "" || aa.Profile == "unconfined" {
				v.fail("kernel.apparmor_restrict_unprivileged_userns=1 and %s is unconfined: AppArmor refuses it a user namespace with full capabilities", who)
			} else {
				v.warn("kernel.apparmor_restrict_unprivileged_userns=1: only profiles that allow userns may create them (profile %s)", aa.Profile)
			}
		}
		for _, d := range c.Facts.Denials.Denials {
			if d.Operation == "userns_create" || d.Class == "user_namespace" {
				v.fail("%s denied creating a user namespace to %s (pid %d) at %s", d.Kind, d.Comm, d.PID, d.Time.Format("15:04:05"))
				break
			}
		}
	}
	if s.dockerRefusesHostNetns() {
		// dockerd's own words: it names userns-remap as the reason.
		v.fail("dockerd refused: it does not share the host's (or another container's) network namespace while user namespaces are enabled (userns-remap)")
	}
	if d := c.Facts.Container.Docker; d != nil && d.UsernsRemap != "" {
		ct := &c.Facts.Container
		if len(ct.SubUID) == 0 || len(ct.SubGID) == 0 {
			missing := []string{}
			if len(ct.SubUID) == 0 {
				missing = append(missing, "/etc/subuid")
			}
			if len(ct.SubGID) == 0 {
				missing = append(missing, "/etc/subgid")
			}
			v.fail("%s sets userns-remap=%q (user %s) but %s has no range for %s: dockerd cannot map container ids", d.Path, d.UsernsRemap, d.RemapUser, quoteList(missing), d.RemapUser)
		} else {
			v.ok("docker userns-remap=%q: %s has %s in /etc/subuid (from %d) and /etc/subgid", d.UsernsRemap, d.RemapUser,
				Plural(len(ct.SubUID), "range", "ranges"), ct.SubUID[0].Start)
		}
	}
	if v.Status == "" {
		v.Status = OK
	}
	return v
}

func fixesUsernsRemap(c *Context, v Verdict) []Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	var fixes []Fix
	if c.Symptom.dockerRefusesHostNetns() {
		fixes = append(fixes, Fix{ID: "userns-remap/userns-host", Title: "Run this one container with --userns=host (narrowest: only it leaves the remapping)",
			Command: "docker run --userns=host --network=host IMAGE", Manual: true,
			Why: "the container then runs with the host's user ids: root in it is root on the host; the other containers stay remapped"})
	}
	if d := c.Facts.Container.Docker; d != nil && d.RemapUser != "" && (len(c.Facts.Container.SubUID) == 0 || len(c.Facts.Container.SubGID) == 0) {
		fixes = append(fixes, Fix{ID: "userns-remap/subid-ranges", Title: "Give " + d.RemapUser + " subordinate id ranges (narrowest: keeps remapping on)",
			Command:   lines(argv("usermod", "--add-subuids", "100000-165535", "--add-subgids", "100000-165535", d.RemapUser), "systemctl restart docker"),
			NeedsRoot: true, Manual: true, Why: "restarting dockerd stops every container; choose ranges that do not overlap other users' (see /etc/subuid)"},
			Fix{ID: "userns-remap/disable", Title: "Or remove userns-remap from " + d.Path,
				Command: "# delete the \"userns-remap\" line, then: systemctl restart docker", NeedsRoot: true, Manual: true,
				Why:  "listed for its cost",
				Risk: "without remapping, root in every container is root on the host: a container escape becomes a host compromise"})
	}
	id := &c.Facts.Identity
	if id.CapsApplyToNetNS != nil && !*id.CapsApplyToNetNS {
		fixes = append(fixes, Fix{ID: "userns-remap/own-netns", Title: "Configure the network from a namespace its user namespace owns (or from the host)",
			Command: lines("# inside the user namespace: create the network namespace there", "unshare --user --map-root-user --net COMMAND",
				"# or configure the host side from the host, as root"), Manual: true, Why: "which namespace should do the work is a design choice"})
	}
	if n, ok := sysctlInt(c, "user.max_user_namespaces"); ok && n == 0 && (c.Symptom.Operation == OpUserns || c.Symptom.Errno == ENOSPC) {
		fixes = append(fixes, Fix{ID: "userns-remap/max-user-namespaces", Title: "Allow user namespaces again",
			Command: argv("sysctl", "-w", "user.max_user_namespaces=15000"), NeedsRoot: true,
			Risk:   "user namespaces let unprivileged users reach more kernel code; the limit was set to 0 on purpose on some hardened systems",
			Action: act("sysctl", "key", "user.max_user_namespaces", "value", "15000")},
			persistFix("userns-remap/persist-max-user-namespaces", "user.max_user_namespaces", "15000"))
	}
	if n, ok := sysctlInt(c, "kernel.apparmor_restrict_unprivileged_userns"); ok && n == 1 && c.Symptom.Operation == OpUserns {
		prog := failingProgram(c)
		fixes = append(fixes, Fix{ID: "userns-remap/apparmor-profile", Title: "Allow user namespaces for " + prog + " only, with an AppArmor profile",
			Command: lines("cat > /etc/apparmor.d/rtnl-doctor-userns <<'EOF'", "abi <abi/4.0>,", "include <tunables/global>", "profile rtnl-doctor-userns "+prog+" flags=(unconfined) {", "  userns,", "}", "EOF",
				argv("apparmor_parser", "-r", "/etc/apparmor.d/rtnl-doctor-userns")), NeedsRoot: true, Manual: true, Why: "a profile for a program is a policy decision: review it"},
			Fix{ID: "userns-remap/apparmor-sysctl", Title: "Or lift the restriction for every program",
				Command: argv("sysctl", "-w", "kernel.apparmor_restrict_unprivileged_userns=0"), NeedsRoot: true,
				Risk:   "every unprivileged program may create user namespaces again, the attack surface Ubuntu closed in 23.10",
				Action: act("sysctl", "key", "kernel.apparmor_restrict_unprivileged_userns", "value", "0")})
	}
	return fixes
}

// dockerRefusesHostNetns: dockerd's message that it will not share the
// host's network namespace under userns-remap.
func (s Symptom) dockerRefusesHostNetns() bool {
	for _, r := range s.Matched {
		if r == "op:docker-userns-host-network" {
			return true
		}
	}
	return false
}
