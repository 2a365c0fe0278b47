package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeNetnsReference = &Cause{
	ID: "netns-reference",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.EINVAL, symptom.ENOENT, symptom.ESRCH),
	Checks:  "the names under /run/netns as the process sees them: each must be an nsfs mount in its mount namespace",
	Needs:   []probes.Group{probes.GroupHost},
	Require: Requirement{probes.GroupHost, "host facts"},
	Eval:    evalNetnsReference,
	Fixes:   fixesNetnsReference,
	Next:    "With the name mounted again, run the command again; a namespace re-created empty needs its links, addresses and routes again.",
}

// netnsNamed is the namespace name the symptom refers to ("" if none).
func netnsNamed(s symptom.Symptom) string {
	for _, n := range []string{s.PeerNetns, s.Netns} {
		if n != "" && !strings.ContainsAny(n, "/\x00") {
			return n
		}
	}
	return ""
}

// netnsSymptom reports whether the symptom is one a broken name gives.
func netnsSymptom(s symptom.Symptom) bool {
	ext := strings.ToLower(s.ExtAck)
	msg := strings.ToLower(s.Message + " " + s.Raw)
	return strings.Contains(ext, "peer netns reference is invalid") ||
		strings.Contains(msg, "cannot open network namespace") || strings.Contains(msg, "setting the network namespace") ||
		s.Operation == symptom.OpNetnsEnter || netnsNamed(s) != "" && (s.Errno == symptom.EINVAL || s.Errno == symptom.ENOENT)
}

func evalNetnsReference(c *Context) Verdict {
	var v Verdict
	n := &c.Facts.Host.Netns
	if r, gap := n.Gaps.Reason("names"); gap {
		v.unknown("/run/netns unavailable: %s", r)
		return v
	}
	relevant := netnsSymptom(c.Symptom)
	st := Warn
	if relevant {
		st = Fail
	}
	where := "in the mount namespace of " + c.who()
	var broken []probes.NetnsName
	for _, x := range n.Names {
		if !x.Usable() {
			broken = append(broken, x)
		}
	}
	name := netnsNamed(c.Symptom)
	if name != "" {
		x, ok := n.Name(name)
		switch {
		case !ok:
			names := make([]string, 0, len(n.Names))
			for _, y := range n.Names {
				names = append(names, sanitize.Line(y.Name))
			}
			list := "none"
			if len(names) > 0 {
				list = strings.Join(names, ", ")
			}
			v.add(st, "no network namespace named %q %s: /run/netns/%s does not exist (names there: %s)", name, where, sanitize.Line(name), list)
		case x.Usable():
			v.ok("/run/netns/%s is an nsfs mount %s: the name refers to a network namespace", sanitize.Line(name), where)
		default:
			v.add(st, "%s", brokenWords(x, where))
		}
	}
	for _, x := range broken {
		if x.Name == name {
			continue
		}
		s := Warn
		if relevant && name == "" {
			s = st // "ip netns list" prints the error once per broken name
		}
		v.add(s, "%s", brokenWords(x, where))
	}
	if len(n.Names) > 0 && n.DirMount != "" {
		v.Evidence = append(v.Evidence, fmt.Sprintf("/run/netns is on %s, propagation %s", n.DirMount, n.Propagation))
	}
	if v.Status == "" {
		if len(n.Names) == 0 {
			v.ok("no names under /run/netns %s", where)
		} else {
			v.ok("all %s under /run/netns are nsfs mounts %s", Plural(len(n.Names), "name", "names"), where)
		}
	}
	return v
}

// brokenWords says what is wrong with a name and what the kernel answers.
func brokenWords(x probes.NetnsName, where string) string {
	x.Name = sanitize.Line(x.Name) // a name is any bytes a file name may hold
	what := "is not a namespace"
	switch x.Type {
	case "file":
		what = fmt.Sprintf("is a plain file (%d bytes) with no nsfs mount on it", x.Size)
	case "dir":
		what = "is a directory"
	case "symlink":
		what = "is a symbolic link"
	}
	s := fmt.Sprintf("/run/netns/%s %s %s: setns() and IFLA_NET_NS_FD refuse it with EINVAL, the kernel answers \"Peer netns reference is invalid\"", x.Name, what, where)
	if x.MountedForTool != nil && *x.MountedForTool {
		s += "; in rtnl-doctor's own mount namespace the name is mounted: the mount did not propagate into the process's (a private /run/netns, PrivateMounts=, a container)"
	} else if x.Type == "file" {
		s += "; the placeholder `ip netns add` creates is left without its mount (unmounted, or a crash between the two steps): the namespace it named is gone unless a process still holds it"
	}
	return s
}

func fixesNetnsReference(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	n := &c.Facts.Host.Netns
	var fixes []fix.Fix
	seen := map[string]bool{}
	consider := []probes.NetnsName{}
	if name := netnsNamed(c.Symptom); name != "" {
		if x, ok := n.Name(name); ok && !x.Usable() {
			consider = append(consider, x)
		} else if !ok {
			fixes = append(fixes, fix.Fix{ID: "netns-reference/create", Title: fmt.Sprintf("Create the namespace %q, or use a name that exists (answers ENOENT from \"Cannot open network namespace\")", name),
				Command: fix.Lines("ip netns list", fix.Argv("ip", "netns", "add", name)), NeedsRoot: true, Manual: true,
				Why: "a new namespace is empty: only you know whether the program expected one made by another (a container runtime, a CNI plugin) that is gone"})
		}
	}
	for _, x := range n.Names {
		if !x.Usable() {
			consider = append(consider, x)
		}
	}
	for _, x := range consider {
		if seen[x.Name] {
			continue
		}
		seen[x.Name] = true
		if x.MountedForTool != nil && *x.MountedForTool {
			fixes = append(fixes, fix.Fix{ID: "netns-reference/propagate",
				Title:     fmt.Sprintf("Run the command where /run/netns/%s is mounted, or share /run/netns with the process's mount namespace (answers EINVAL from setns, \"Peer netns reference is invalid\")", sanitize.Line(x.Name)),
				Command:   fix.Lines(fix.Argv("nsenter", "--mount=/proc/1/ns/mnt", "ip", "netns", "exec", x.Name, "COMMAND"), "# systemd unit: PrivateMounts=no (PrivateNetwork= and ProtectSystem= imply private mounts), or BindPaths=/run/netns:/run/netns with the host's /run/netns made shared:", fix.Argv("mount", "--make-shared", "/run/netns"), "# container: -v /run/netns:/run/netns:rshared"),
				NeedsRoot: true, Manual: true,
				Why: "the mount exists; what is missing is propagation into another mount namespace, which is set where the process is started"})
			continue
		}
		fixes = append(fixes, fix.Fix{ID: "netns-reference/remove-stale",
			Title:     fmt.Sprintf("Remove the stale name %s and re-attach or re-create it (answers EINVAL, \"Peer netns reference is invalid\")", sanitize.Line(x.Name)),
			Command:   fix.Lines(fix.Argv(mntArgv(c, "ip", "netns", "delete", x.Name)...), "# if a process still runs in the namespace the name referred to, attach its namespace again:", fix.Argv(mntArgv(c, "ip", "netns", "attach", x.Name, "PID")...), "# otherwise re-create it empty (then re-add its links and addresses):", fix.Argv(mntArgv(c, "ip", "netns", "add", x.Name)...)),
			NeedsRoot: true, Manual: true,
			Why: "whether a process still holds the namespace, and which one, is for you to tell (ip netns identify PID, lsns -t net): rtnl-doctor does not guess"})
	}
	return fixes
}

// mntArgv runs a command in the examined process's mount namespace when it
// is another process.
func mntArgv(c *Context, args ...string) []string {
	t := c.Facts.Target
	if c.examinesSelf() || t.PID <= 0 || !t.Live {
		return args
	}
	return append([]string{"nsenter", "--target", fmt.Sprint(t.PID), "--mount"}, args...)
}
