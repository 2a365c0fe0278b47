package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeUsernsRemap = &Cause{
	ID: "userns-remap",
	Checks: "the process's user namespace against the network namespace it acts on; limits on creating user namespaces; " +
		"docker's userns-remap and its /etc/subuid, /etc/subgid ranges",
	Needs:   []probes.Group{probes.GroupIdentity, probes.GroupSysctls, probes.GroupContainer, probes.GroupSecurity},
	Eval:    evalUsernsRemap,
	Fixes:   fixesUsernsRemap,
	Answers: fix.Answers(nil, symptom.EPERM, symptom.EACCES, symptom.ENOSPC, symptom.EINVAL),
	Next:    "Once the namespaces line up, the operation needs CAP_NET_ADMIN in the owning namespace, which its root has.",
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
	case *id.InitialUserNS && c.examinesSelf() && (s.Errno == symptom.EPERM || s.Errno == symptom.EACCES):
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
			if s.Errno == symptom.EPERM || s.Errno == symptom.EACCES {
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
	if s.Operation == symptom.OpUserns || s.Errno == symptom.ENOSPC {
		if n, ok := sysctlInt(c, "user.max_user_namespaces"); ok && n == 0 {
			v.fail("user.max_user_namespaces=0: no user namespace can be created")
		}
		nonRoot := id.EUID != 0
		if n, ok := sysctlInt(c, "kernel.unprivileged_userns_clone"); ok && n == 0 && nonRoot {
			v.fail("kernel.unprivileged_userns_clone=0: unprivileged users may not create user namespaces")
		}
		if n, ok := sysctlInt(c, "kernel.apparmor_restrict_unprivileged_userns"); ok && n == 1 && nonRoot {
			// A security module's restriction (the userns_create hook)
			// and its denial records: mac-denial judges them.
			v.Evidence = append(v.Evidence, "kernel.apparmor_restrict_unprivileged_userns=1: AppArmor restricts unprivileged user namespaces; mac-denial judges it")
		}
	}
	if s.DockerRefusesHostNetns() {
		// dockerd's own words: it names userns-remap as the reason.
		v.fail("dockerd refused: it does not share the host's (or another container's) network namespace while user namespaces are enabled (userns-remap)")
	}
	if s.DockerRefusesPrivileged() {
		v.fail("dockerd refused: a privileged container cannot run inside the remapped user namespace while user namespaces are enabled (userns-remap)")
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

func fixesUsernsRemap(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	var fixes []fix.Fix
	if c.Symptom.DockerRefusesPrivileged() {
		fixes = append(fixes, fix.Fix{ID: "userns-remap/userns-host-privileged", Title: "Run this one privileged container with --userns=host (narrowest: only it leaves the remapping)",
			Command: "docker run --userns=host --privileged IMAGE   # Nomad: userns_mode = \"host\" in the task's config", Manual: true,
			Why: "the container then runs with the host's user ids: root in it is root on the host, which --privileged already implies; the other containers stay remapped"})
	}
	if c.Symptom.DockerRefusesHostNetns() {
		fixes = append(fixes, fix.Fix{ID: "userns-remap/userns-host", Title: "Run this one container with --userns=host (narrowest: only it leaves the remapping)",
			Command: "docker run --userns=host --network=host IMAGE", Manual: true,
			Why: "the container then runs with the host's user ids: root in it is root on the host; the other containers stay remapped"})
	}
	if d := c.Facts.Container.Docker; d != nil && d.RemapUser != "" && (len(c.Facts.Container.SubUID) == 0 || len(c.Facts.Container.SubGID) == 0) {
		// A range no user has in /etc/subuid or /etc/subgid: an overlap
		// would let two users' containers share ids.
		rng, why := "START-END", "restarting dockerd stops every container"
		if r, gap := c.Facts.Container.Gaps.Reason("subuid"); gap {
			why += "; /etc/subuid could not be read (" + r + "): choose a range no other user has"
		} else if r, gap := c.Facts.Container.Gaps.Reason("subgid"); gap {
			why += "; /etc/subgid could not be read (" + r + "): choose a range no other user has"
		} else if start, ok := freeSubIDRange(c.Facts.Container.SubIDTaken, 65536); ok {
			rng = fmt.Sprintf("%d-%d", start, start+65536-1)
			why += fmt.Sprintf("; %s overlaps none of the %s in /etc/subuid and /etc/subgid", rng, Plural(len(c.Facts.Container.SubIDTaken), "range", "ranges"))
		} else {
			why += "; no free range of 65536 ids is left below 2^32"
		}
		fixes = append(fixes, fix.Fix{ID: "userns-remap/subid-ranges", Title: "Give " + d.RemapUser + " subordinate id ranges (narrowest: keeps remapping on)",
			Command:   fix.Lines(fix.Argv("usermod", "--add-subuids", rng, "--add-subgids", rng, d.RemapUser), "systemctl restart docker"),
			NeedsRoot: true, Manual: true, Why: why}, fix.Fix{ID: "userns-remap/disable", Title: "Or remove userns-remap from " + d.Path,
			Command: "# delete the \"userns-remap\" line, then: systemctl restart docker", NeedsRoot: true, Manual: true,
			Why:  "listed for its cost",
			Risk: "without remapping, root in every container is root on the host: a container escape becomes a host compromise"})
	}
	id := &c.Facts.Identity
	if id.CapsApplyToNetNS != nil && !*id.CapsApplyToNetNS {
		fixes = append(fixes, fix.Fix{ID: "userns-remap/own-netns", Title: "Configure the network from a namespace its user namespace owns (or from the host)",
			Command: fix.Lines("# inside the user namespace: create the network namespace there", "unshare --user --map-root-user --net COMMAND",
				"# or configure the host side from the host, as root"), Manual: true, Why: "which namespace should do the work is a design choice"})
	}
	if n, ok := sysctlInt(c, "user.max_user_namespaces"); ok && n == 0 && (c.Symptom.Operation == symptom.OpUserns || c.Symptom.Errno == symptom.ENOSPC) {
		fixes = append(fixes, fix.Fix{ID: "userns-remap/max-user-namespaces", Title: "Allow user namespaces again",
			Command: fix.Argv("sysctl", "-w", "user.max_user_namespaces=15000"), NeedsRoot: true,
			Risk:   "user namespaces let unprivileged users reach more kernel code; the limit was set to 0 on purpose on some hardened systems",
			Action: fix.Act("sysctl", "key", "user.max_user_namespaces", "value", "15000")}, fix.PersistFix("userns-remap/persist-max-user-namespaces", "user.max_user_namespaces", "15000"))
	}
	return fixes
}

// aaPath writes a program path for an AppArmor profile header: quoted when
// it holds a space (AppArmor's own quoting). A path AppArmor would read as
// a pattern (* ? [ ] { } ^, a variable @{...}, a quote, a backslash) or
// one that is not absolute would attach the profile to other programs
// than the failing one: ok is false and the caller shows a placeholder.
func aaPath(p string) (string, bool) {
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "*?[]{}^@#\"\\\n\r\t,") || strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return "", false
	}
	if strings.Contains(p, " ") {
		return `"` + p + `"`, true
	}
	return p, true
}

// freeSubIDRange finds the lowest start (from 100000, on a 65536 boundary
// above it) of count ids that overlaps none of the taken ranges.
func freeSubIDRange(taken []probes.SubIDRange, count uint64) (uint64, bool) {
	const first, limit = 100000, 1 << 32
	start := uint64(first)
	for start+count <= limit {
		moved := false
		for _, r := range taken {
			if start < r.Start+r.Count && r.Start < start+count {
				// Past this range, on the next 65536 boundary after 100000.
				end := r.Start + r.Count
				start = first + (end-first+65535)/65536*65536
				if end <= first {
					start = first
				}
				moved = true
			}
		}
		if !moved {
			return start, true
		}
	}
	return 0, false
}
