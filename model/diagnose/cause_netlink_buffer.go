package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeNetlinkBuffer = &Cause{
	ID: "netlink-buffer",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.ENOBUFS),
	Checks:  "drops counted on the netlink sockets of the namespace (/proc/net/netlink), the process's own, and net.core.rmem_max/rmem_default",
	Needs:   []probes.Group{probes.GroupFDs, probes.GroupMemory},
	Require: Requirement{probes.GroupFDs, "netlink socket facts"},
	Eval:    evalNetlinkBuffer,
	Fixes:   fixesNetlinkBuffer,
	Next:    "A listener that got ENOBUFS has lost notifications: it must dump the state again, not just read on.",
}

// netlinkBufferTarget is the receive buffer proposed: 8 MiB holds a burst
// of thousands of link notifications (each well under 2 KiB).
const netlinkBufferTarget = 8 << 20

func evalNetlinkBuffer(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	// "RTNETLINK answers: No buffer space available" is the operation's
	// own answer (a full neighbour table, an allocation), not an overrun of
	// the socket that reads it.
	relevant := s.Errno == symptom.ENOBUFS && !strings.Contains(strings.ToLower(s.Message), "rtnetlink answers")
	nl := &c.Facts.FDs.NetlinkSockets
	if r, gap := nl.Gaps.Reason("netlink"); gap {
		v.unknown("/proc/net/netlink unavailable: %s", r)
		return v
	}
	if nl.RmemMax > 0 {
		v.Evidence = append(v.Evidence, fmt.Sprintf("net.core.rmem_max=%d (the most a socket may ask with SO_RCVBUF, doubled), net.core.rmem_default=%d (what a socket that does not ask gets)", nl.RmemMax, nl.RmemDefault))
	}
	st := Warn
	if relevant {
		st = Fail
	}
	if nl.TargetDrops > 0 {
		v.add(st, "%s's netlink sockets dropped %d messages: their receive buffer overflowed (netlink_overrun), and the next read returned ENOBUFS", c.who(), nl.TargetDrops)
	}
	var others []string
	for _, d := range nl.Dropping {
		if d.Target {
			continue
		}
		owner := ""
		if d.Owner != "" {
			owner = fmt.Sprintf(", likely PID %d (%s)", d.Port, d.Owner)
		}
		others = append(others, fmt.Sprintf("port %d (protocol %d, groups %s%s): %d dropped, %d bytes queued", d.Port, d.Protocol, d.Groups, owner, d.Drops, d.Rmem))
		if relevant && s.Program != "" && d.Owner != "" && strings.HasPrefix(d.Owner, s.Program) {
			v.fail("the netlink socket of %s (port %d) dropped %d messages: its receive buffer overflowed (netlink_overrun: ENOBUFS on the next read)", d.Owner, d.Port, d.Drops)
		}
	}
	if len(others) > 0 {
		v.add(minStatus(st, Warn), "netlink sockets in the namespace that dropped messages: %s", strings.Join(others, "; "))
	}
	if relevant {
		if n := len(c.Facts.Memory.AllocFailures); n > 0 {
			v.Evidence = append(v.Evidence, fmt.Sprintf("the kernel log also has %s: ENOBUFS can be kernel memory pressure too (see kernel-memory)", Plural(n, "page allocation failure", "page allocation failures")))
		}
	}
	if v.Status == "" {
		switch {
		case relevant && c.examinesSelf():
			v.unknown("the failing program's sockets unavailable: rtnl-doctor examined itself, and no socket in the namespace has drops (a program that exited took its count along; pass --pid for a running one)")
		default:
			v.ok("none of the %s netlink sockets in the namespace has dropped a message", fmt.Sprint(nl.Sockets))
		}
	}
	return v
}

func fixesNetlinkBuffer(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	nl := &c.Facts.FDs.NetlinkSockets
	fixes := []fix.Fix{{ID: "netlink-buffer/program-buffer", Title: "Have the listener ask for a larger receive buffer and re-dump after ENOBUFS (narrowest: only that socket; answers ENOBUFS on recvmsg)",
		Command: fix.Lines("# in the program: setsockopt(fd, SOL_SOCKET, SO_RCVBUF, 8 MiB) (as root SO_RCVBUFFORCE ignores rmem_max);",
			"# Go vishvananda/netlink: SubscribeOptions{ReceiveBufferSize: 8 << 20, ReceiveBufferForceSize: true};",
			"# pyroute2: IPRoute(rcvbuf=8 << 20); iproute2's ip monitor asks for 1 MiB by itself;",
			"# then, on ENOBUFS: dump the state again (lost notifications are not re-sent)"),
		Manual: true, Why: "a program's own code or configuration"}}
	if nl.RmemMax > 0 && nl.RmemMax < netlinkBufferTarget {
		val := fmt.Sprint(netlinkBufferTarget)
		fixes = append(fixes, fix.Fix{ID: "netlink-buffer/rmem-max", Title: fmt.Sprintf("Raise net.core.rmem_max from %d to %s so that a socket that asks gets the buffer (iproute2 asks for 1 MiB; answers ENOBUFS on recvmsg)", nl.RmemMax, val),
			Command: fix.Argv("sysctl", "-w", "net.core.rmem_max="+val), NeedsRoot: true,
			Risk:   "system-wide: any socket may then pin up to twice this much kernel memory when it asks for it",
			Action: fix.Act("sysctl", "key", "net.core.rmem_max", "value", val)}, fix.PersistFix("netlink-buffer/persist-rmem-max", "net.core.rmem_max", val))
	}
	if nl.RmemDefault > 0 && nl.RmemDefault < 1<<20 {
		fixes = append(fixes, fix.Fix{ID: "netlink-buffer/rmem-default", Title: "Widest: raise net.core.rmem_default, for programs that never ask (answers ENOBUFS on recvmsg)",
			Command: fix.Argv("sysctl", "-w", "net.core.rmem_default=1048576"), NeedsRoot: true, Manual: true,
			Why:  "listed for its cost: prefer the two above",
			Risk: "every socket on the system (TCP and UDP included) gets the larger default buffer: more kernel memory under load"})
	}
	return fixes
}
