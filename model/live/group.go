package live

import (
	"strconv"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
)

// Window is how long a thread may be quiet before its events are one
// finding.
const Window = 50 * time.Millisecond

// Settle is how long after a thread's last event its finding is closed:
// longer than Window, so the events of a second back end reading the same
// failure a little later (BPF's errno, tracefs's extack) still join it.
const Settle = 250 * time.Millisecond

// maxSpan closes a finding of a thread that keeps failing, so a loop of
// failures still shows up.
const maxSpan = time.Second

// Filter keeps the findings of some processes only.
type Filter struct {
	// PID keeps this process and its descendants (0 = all).
	PID int
	// Comm keeps processes whose name starts with this (or whose parent's
	// does).
	Comm string
	// Cgroup keeps processes whose cgroup path or container contains this.
	Cgroup string
}

// Match reports whether an event passes the filter.
func (fl Filter) Match(e watch.Event) bool {
	if fl.PID > 0 && e.PID != fl.PID && e.Proc.PID != fl.PID {
		found := false
		for _, a := range e.Proc.Ancestors {
			if a == fl.PID {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if fl.Comm != "" && !strings.HasPrefix(e.Comm, fl.Comm) && !strings.HasPrefix(e.Proc.Comm, fl.Comm) &&
		!strings.HasPrefix(e.Proc.ParentComm, fl.Comm) {
		return false
	}
	if fl.Cgroup != "" && !strings.Contains(e.Proc.Cgroup, fl.Cgroup) && !strings.Contains(ContainerOf(e.Proc.Cgroup), fl.Cgroup) {
		return false
	}
	return true
}

// Grouper gathers the events of each thread into findings.
type Grouper struct {
	Backend string
	Filter  Filter
	open    map[int]*Finding
	seq     int
	// Events counts every event received, Suppressed the events dropped as
	// known noise, Filtered those the filter dropped.
	Events, Suppressed, Filtered int
}

// NewGrouper makes a grouper for a back end's events.
func NewGrouper(backend string, fl Filter) *Grouper {
	return &Grouper{Backend: backend, Filter: fl, open: map[int]*Finding{}}
}

// Noise says why an event is known noise ("" when it is not).
func Noise(e watch.Event) string {
	switch e.Kind {
	case watch.KindNetlinkErr:
		// iproute2 before 6.7 probes with an empty RTM_NEWLINK (ifindex 0,
		// no attributes: 16-byte header + 16-byte ifinfomsg) before every
		// "ip link"; its failure means nothing.
		if e.MsgType == 16 && e.ReqLen == 32 && (e.Errno == 19 || e.Errno == 95 || e.Errno == 22) {
			return "iproute2's empty RTM_NEWLINK probe"
		}
		// "ip netns list" asks every namespace for an id it may not have.
		if e.MsgType == 90 && (e.Errno == 22 || e.Errno == 2) {
			return "ip netns list's RTM_GETNSID"
		}
		// NLMSG_DONE/NOOP "errors" and acks are not failures.
		if e.Errno == 0 {
			return "an acknowledgement"
		}
	case watch.KindCap:
		// Every mmap/exec of a process without CAP_SYS_ADMIN fails an
		// audit-less CAP_SYS_ADMIN check in memory accounting.
		if e.Cap == 21 {
			return "CAP_SYS_ADMIN check of memory accounting"
		}
	}
	return ""
}

// Add takes one event; it returns the findings it closed (an event of a
// thread whose finding is older than the span starts a new one).
func (g *Grouper) Add(e watch.Event) []*Finding {
	g.Events++
	if !g.Filter.Match(e) {
		g.Filtered++
		return nil
	}
	if Noise(e) != "" {
		g.Suppressed++
		return nil
	}
	var closed []*Finding
	tid := e.TID
	if tid == 0 {
		tid = e.PID
	}
	f := g.open[tid]
	if f != nil && (e.Time.Sub(f.Last) > Window || e.Time.Sub(f.Time) > maxSpan || f.Proc.PID != e.PID) {
		closed = append(closed, g.finish(tid, f))
		f = nil
	}
	if f == nil {
		g.seq++
		f = &Finding{Seq: g.seq, Time: e.Time, Last: e.Time, Backend: g.Backend, TID: tid, Proc: e.Proc}
		g.open[tid] = f
	}
	if e.Time.After(f.Last) {
		f.Last = e.Time
	}
	if f.Proc.Gone && !e.Proc.Gone {
		f.Proc = e.Proc
	}
	if f.Proc.NetNS == 0 {
		f.Proc.NetNS = e.Proc.NetNS // the BPF event's, taken in the kernel
	}
	if f.Proc.PPID == 0 {
		f.Proc.PPID = e.Proc.PPID
	}
	f.Count++
	if len(f.Events) < maxEvents {
		f.Events = append(f.Events, e)
	}
	return closed
}

// Flush closes the findings whose thread has been quiet for Settle (all of
// them when all is set), oldest first.
func (g *Grouper) Flush(now time.Time, all bool) []*Finding {
	var out []*Finding
	for tid, f := range g.open {
		if all || now.Sub(f.Last) > Settle {
			out = append(out, g.finish(tid, f))
		}
	}
	sortFindings(out)
	return out
}

// Pending is the number of findings still open.
func (g *Grouper) Pending() int { return len(g.open) }

func (g *Grouper) finish(tid int, f *Finding) *Finding {
	delete(g.open, tid)
	f.Container = ContainerOf(f.Proc.Cgroup)
	if f.Proc.Comm == "" && len(f.Events) > 0 {
		f.Proc.Comm = f.Events[0].Comm
	}
	f.describe()
	return f
}

func sortFindings(fs []*Finding) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Seq < fs[j-1].Seq; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// Key identifies findings that get the same diagnosis: the same process
// (and parent) failing the same way again, as in a retry loop.
func (f *Finding) Key() string {
	return strconv.Itoa(f.Proc.PID) + "|" + strconv.Itoa(f.Proc.PPID) + "|" + strconv.FormatUint(f.Proc.StartTime, 10) + "|" + f.What
}
