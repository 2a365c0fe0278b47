package diagnose

import (
	"fmt"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeFDExhaustion = &Cause{
	ID:      "fd-exhaustion",
	Checks:  "the system file table (fs.file-nr against fs.file-max) and the process's open descriptors against its RLIMIT_NOFILE, netlink sockets and tun queues among them",
	Needs:   []probes.Group{probes.GroupFDs},
	Require: Requirement{probes.GroupFDs, "fd facts"},
	Eval:    evalFDExhaustion,
	Fixes:   fixesFDExhaustion,
	Answers: fix.Answers(nil, symptom.EMFILE, symptom.ENFILE, symptom.ENOBUFS, symptom.ENOMEM),
	Next:    "If one daemon keeps growing its netlink sockets, raising limits only buys time: restart it and report the leak.",
}

func pct(a, b uint64) float64 {
	if b == 0 {
		return 0
	}
	return 100 * float64(a) / float64(b)
}

func fdSymptom(s symptom.Symptom) bool {
	return s.Errno == symptom.EMFILE || s.Errno == symptom.ENFILE || s.Operation == symptom.OpNetlink
}

func evalFDExhaustion(c *Context) Verdict {
	var v Verdict
	f := &c.Facts.FDs
	strong := fdSymptom(c.Symptom)
	if nr := f.FileNR; nr != nil {
		used := nr.InUse()
		p := pct(used, nr.Max)
		switch {
		case p >= 99 || (strong && c.Symptom.Errno == symptom.ENFILE && p >= 90):
			v.fail("file-nr %d of %d allocated (%.1f%%): the system file table is full", used, nr.Max, p)
		case p >= 90:
			v.warn("file-nr %d of %d allocated (%.1f%%): the system file table is nearly full", used, nr.Max, p)
		default:
			v.ok("file-nr %d of %d allocated (%.2f%%)", used, nr.Max, p)
		}
	} else if r, gap := f.Gaps.Reason("file_nr"); gap {
		v.unknown("file-nr unavailable: %s", r)
	}
	who := c.who()
	switch {
	case strong && c.examinesSelf() && c.Symptom.Errno != symptom.ENFILE:
		v.unknown("the failing process is unknown: only rtnl-doctor itself was examined (%d of %s fds); pass --pid of the process that printed the error", f.Open, limitStrOf(f.Limit))
	case f.Limit == nil:
		r, _ := f.Gaps.Reason("limit_nofile")
		v.unknown("RLIMIT_NOFILE of %s unavailable: %s", who, r)
	case f.Limit.Soft == probes.Unlimited:
		v.ok("%s has no RLIMIT_NOFILE soft limit", who)
	default:
		soft := uint64(f.Limit.Soft)
		open := uint64(f.Open)
		p := pct(open, soft)
		detail := fmt.Sprintf("%s holds %d fds, its RLIMIT_NOFILE soft limit is %d (hard %s)", who, f.Open, f.Limit.Soft, limitText(f.Limit.Hard))
		if f.Netlink > 0 || f.Tun > 0 {
			detail += fmt.Sprintf("; of those %s and %s", Plural(f.Netlink, "netlink socket", "netlink sockets"), Plural(f.Tun, "tun queue", "tun queues"))
		}
		switch {
		case open >= soft || (strong && c.Symptom.Errno == symptom.EMFILE && p >= 90):
			v.fail("%s: no descriptor is left", detail)
		case p >= 90:
			v.warn("%s (%.0f%% used)", detail, p)
		default:
			v.ok("%s", detail)
		}
		if f.Netlink > 256 {
			v.warn("%d netlink sockets in one process: a leak (each `ip` command opens one and closes it)", f.Netlink)
		}
	}
	return v
}

func limitStrOf(l *probes.Limit) string {
	if l == nil {
		return "unknown"
	}
	return limitText(l.Soft)
}

func limitText(n int64) string {
	if n == probes.Unlimited {
		return "unlimited"
	}
	return fmt.Sprint(n)
}

// persistNofileMin is the least soft limit written for every login: below
// it, limits.d would lower the limit of users whose default is higher.
const persistNofileMin = 65536

func fixesFDExhaustion(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	f := &c.Facts.FDs
	var fixes []fix.Fix
	if f.Limit != nil && f.Limit.Soft != probes.Unlimited && !c.examinesSelf() && c.Facts.Target.PID > 0 {
		newSoft := f.Limit.Soft * 4
		if newSoft < 65536 {
			newSoft = 65536
		}
		if f.NrOpen > 0 && newSoft > f.NrOpen {
			newSoft = f.NrOpen
		}
		hard := f.Limit.Hard
		pid := fmt.Sprint(c.Facts.Target.PID)
		if hard != probes.Unlimited && newSoft > hard {
			if c.Facts.Host.Tool.SysResource {
				hard = newSoft
			} else if hard > f.Limit.Soft {
				// Without CAP_SYS_RESOURCE only the soft limit can rise, up
				// to the hard one.
				newSoft = hard
			} else {
				// The soft limit is already the hard one: only root raises it.
				fixes = append(fixes, fix.Fix{ID: "fd-exhaustion/raise-nofile",
					Title:     fmt.Sprintf("Raise RLIMIT_NOFILE of %s to %d, soft and hard (as root)", c.who(), newSoft),
					Command:   fix.Argv("prlimit", "--pid", pid, fmt.Sprintf("--nofile=%d:%d", newSoft, newSoft)),
					NeedsRoot: true, Manual: true,
					Why: fmt.Sprintf("the soft limit already equals the hard limit (%d), and raising a hard limit needs CAP_SYS_RESOURCE, which rtnl-doctor does not have: run the command as root, or restart the program with a higher LimitNOFILE=", hard)})
				newSoft = f.Limit.Soft
			}
		}
		if newSoft <= f.Limit.Soft {
			return append(fixes, fileMaxFixes(f)...)
		}
		fixes = append(fixes, fix.Fix{ID: "fd-exhaustion/raise-nofile", Title: fmt.Sprintf("Raise RLIMIT_NOFILE of %s to %d now (no restart)", c.who(), newSoft),
			Command: fix.Argv("prlimit", "--pid", pid, fmt.Sprintf("--nofile=%d:%s", newSoft, limitText(hard))), NeedsRoot: true,
			Action: fix.Act("prlimit", "pid", pid, "soft", fmt.Sprint(newSoft), "hard", limitText(hard))})
		if newSoft < persistNofileMin {
			// Clamped to a low hard limit: written for every login it would
			// lower most users' limit (distributions default to 1024 or more,
			// often far more), so it is not offered.
			return append(fixes, fileMaxFixes(f)...)
		}
		fixes = append(fixes, fix.Fix{ID: "fd-exhaustion/persist-nofile", Title: "Keep the higher limit for login sessions (limits.d)",
			Command:   fmt.Sprintf("printf '*  soft  nofile  %d\\n' > /etc/security/limits.d/90-rtnl-doctor.conf", newSoft),
			NeedsRoot: true,
			Risk:      "applies to every user's new login sessions; a systemd service needs LimitNOFILE= in its unit instead (systemctl edit UNIT)",
			Action:    fix.Act("write-file", "path", "/etc/security/limits.d/90-rtnl-doctor.conf", "content", fmt.Sprintf("# Written by rtnl-doctor\n*  soft  nofile  %d\n", newSoft), "mode", "0644")})
	}
	return append(fixes, fileMaxFixes(f)...)
}

// fileMaxFixes raise the system-wide limit when it is nearly reached.
func fileMaxFixes(f *probes.FDFacts) []fix.Fix {
	nr := f.FileNR
	if nr == nil || pct(nr.InUse(), nr.Max) < 90 {
		return nil
	}
	max := nr.Max * 2
	return []fix.Fix{{ID: "fd-exhaustion/raise-file-max", Title: fmt.Sprintf("Raise fs.file-max from %d to %d", nr.Max, max),
		Command: fix.Argv("sysctl", "-w", fmt.Sprintf("fs.file-max=%d", max)), NeedsRoot: true,
		Risk:   "each open file costs kernel memory (about 1 KiB): a leak can then use more before it is stopped",
		Action: fix.Act("sysctl", "key", "fs.file-max", "value", fmt.Sprint(max))}, fix.PersistFix("fd-exhaustion/persist-file-max", "fs.file-max", fmt.Sprint(max))}
}
