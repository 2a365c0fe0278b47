// Package live turns the events a watcher catches (internal/watch) into
// findings: the events of one thread within a short window, with known
// noise removed, each naming the process, its container or unit, its
// network namespace and what failed, and each turned into a symptom for the
// same diagnosis engine as a pasted error.
package live

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// maxEvents bounds the events kept in one finding (Count counts them all).
const maxEvents = 16

// Finding is one failure of one thread: the events the kernel reported for
// it within the grouping window.
type Finding struct {
	Seq     int           `json:"seq"`
	Time    time.Time     `json:"time"`
	Last    time.Time     `json:"last"`
	Backend string        `json:"backend"`
	TID     int           `json:"tid"`
	Proc    watch.Process `json:"process"`
	// Container names the container or unit from the cgroup ("docker
	// 3f2a9c1b7d4e", "unit NetworkManager.service"), "" for none.
	Container string        `json:"container,omitempty"`
	Events    []watch.Event `json:"events"`
	// Count is every event of the group, Events keeps the first few.
	Count int `json:"count"`
	// What says in one line what failed, in the kernel's words.
	What string `json:"what"`
	// Symptom is what the diagnosis engine is given.
	Symptom symptom.Symptom `json:"symptom"`
}

// cgroup path components that name a container or unit.
var (
	dockerScope = regexp.MustCompile(`^(docker|cri-containerd|crio|libpod)-([0-9a-f]{12,64})\.scope$`)
	hexID       = regexp.MustCompile(`^[0-9a-f]{64}$`)
	podRE       = regexp.MustCompile(`^kubepods.*-pod([0-9a-f_]+)\.slice$|^pod([0-9a-f-]{36})$`)
)

// ContainerOf names the container, pod or systemd unit a cgroup path
// belongs to ("" for none or the root).
func ContainerOf(cgroup string) string {
	comps := strings.Split(strings.Trim(cgroup, "/"), "/")
	pod := ""
	for i := len(comps) - 1; i >= 0; i-- {
		c := comps[i]
		if m := dockerScope.FindStringSubmatch(c); m != nil {
			return "container " + m[1] + " " + m[2][:12]
		}
		if hexID.MatchString(c) && i > 0 {
			return "container " + comps[i-1] + " " + c[:12]
		}
		if m := podRE.FindStringSubmatch(c); m != nil && pod == "" {
			pod = "kubernetes pod " + m[1] + m[2]
		}
	}
	if pod != "" {
		return pod
	}
	kind := "unit "
	if strings.Contains(cgroup, "/user@") {
		kind = "user unit " // a user's own service manager
	}
	for i := len(comps) - 1; i >= 0; i-- {
		c := comps[i]
		if strings.HasSuffix(c, ".service") || strings.HasSuffix(c, ".scope") {
			return kind + c
		}
	}
	return ""
}

// Netlink request types (linux/rtnetlink.h) and the operation each names.
var msgOps = map[uint16]struct{ name, op string }{
	16: {"RTM_NEWLINK", symptom.OpLinkAdd}, 17: {"RTM_DELLINK", symptom.OpLinkDel}, 18: {"RTM_GETLINK", ""}, 19: {"RTM_SETLINK", symptom.OpLinkSet},
	20: {"RTM_NEWADDR", symptom.OpAddrAdd}, 21: {"RTM_DELADDR", symptom.OpAddrDel}, 22: {"RTM_GETADDR", ""},
	24: {"RTM_NEWROUTE", symptom.OpRouteAdd}, 25: {"RTM_DELROUTE", symptom.OpRouteDel}, 26: {"RTM_GETROUTE", ""},
	28: {"RTM_NEWNEIGH", symptom.OpNeighAdd}, 29: {"RTM_DELNEIGH", ""}, 30: {"RTM_GETNEIGH", ""},
	104: {"RTM_NEWNEXTHOP", symptom.OpRouteAdd}, 88: {"RTM_NEWNSID", ""}, 90: {"RTM_GETNSID", ""},
	32: {"RTM_NEWRULE", symptom.OpRule}, 33: {"RTM_DELRULE", symptom.OpRule},
	36: {"RTM_NEWQDISC", symptom.OpTC}, 37: {"RTM_DELQDISC", symptom.OpTC}, 38: {"RTM_GETQDISC", ""},
	40: {"RTM_NEWTCLASS", symptom.OpTC}, 41: {"RTM_DELTCLASS", symptom.OpTC},
	44: {"RTM_NEWTFILTER", symptom.OpTC}, 45: {"RTM_DELTFILTER", symptom.OpTC},
}

// MsgTypeName names a netlink request type ("RTM_NEWLINK", or "type 42").
func MsgTypeName(t uint16) string {
	if m, ok := msgOps[t]; ok {
		return m.name
	}
	return "type " + strconv.Itoa(int(t))
}

// capNames names the capabilities the watcher reports.
var capNames = map[int]string{12: "CAP_NET_ADMIN", 13: "CAP_NET_RAW", 21: "CAP_SYS_ADMIN", 16: "CAP_SYS_MODULE"}

// CapName names a capability number.
func CapName(c int) string {
	if n, ok := capNames[c]; ok {
		return n
	}
	return "capability " + strconv.Itoa(c)
}

func errText(e int) string {
	if e <= 0 {
		return ""
	}
	s := syscall.Errno(e).Error()
	if s == "" {
		return "errno " + strconv.Itoa(e)
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func errName(e int) string {
	if n := symptom.ErrnoFromNumber(strconv.Itoa(e)); n != "" {
		return string(n)
	}
	return "errno " + strconv.Itoa(e)
}

// describe fills What and Symptom from the events.
func (f *Finding) describe() {
	var (
		lines              []string
		what               []string
		op                 string
		path               string
		hasTun             bool
		hasNL              bool
		capFail            = -1
		sysc               string
		errno              int
		ext                string
		callerNS, targetNS uint64
	)
	for _, e := range f.Events {
		switch e.Kind {
		case watch.KindExtAck:
			if ext == "" {
				ext = e.Msg
				what = append(what, fmt.Sprintf("netlink error %q", e.Msg))
			}
		case watch.KindNetlinkErr:
			hasNL = true
			if e.Msg != "" && ext == "" {
				ext = e.Msg // the extack text of the reply (BPF)
			}
			// iproute2's empty RTM_NEWLINK probe fails first, the same way
			// as the real request after it: the real one names the
			// operation.
			if errno == 0 || (len(what) > 0 && isProbe(f.Events, e)) {
				errno = e.Errno
				if m, ok := msgOps[e.MsgType]; ok && m.op != "" {
					op = m.op
					if e.MsgType == 16 && e.ReqFlags&0x400 == 0 { // RTM_NEWLINK without NLM_F_CREATE
						op = symptom.OpLinkSet
					}
				}
				w := fmt.Sprintf("%s failed: %s (%s)", MsgTypeName(e.MsgType), errName(e.Errno), errText(e.Errno))
				if e.Msg != "" {
					w += fmt.Sprintf(": %q", e.Msg)
				}
				if len(what) > 0 && strings.Contains(what[len(what)-1], " failed: ") && !strings.Contains(what[len(what)-1], "capability") {
					what[len(what)-1] = w
				} else {
					what = append(what, w)
				}
			}
		case watch.KindCap:
			if capFail < 0 {
				capFail = e.Cap
				callerNS, targetNS = e.CallerUserNS, e.TargetUserNS
				w := fmt.Sprintf("capability check %s failed", CapName(e.Cap))
				if callerNS != 0 && targetNS != 0 && callerNS != targetNS {
					w += fmt.Sprintf(" (caller's user namespace %d, target's %d)", callerNS, targetNS)
				}
				if e.Proc.HaveCaps && e.Cap >= 0 && e.Cap < 64 {
					bit := uint64(1) << uint(e.Cap)
					switch {
					case e.Proc.CapEff&bit != 0:
						w += fmt.Sprintf(" (PID %d had it in its own user namespace %d: not in the namespace's owner)", e.Proc.PID, e.Proc.UserNS)
					case e.Proc.CapBnd&bit == 0:
						w += fmt.Sprintf(" (PID %d, uid %d, lacked it, and its bounding set too)", e.Proc.PID, e.Proc.UID)
					default:
						w += fmt.Sprintf(" (PID %d, uid %d, lacked it in its effective set)", e.Proc.PID, e.Proc.UID)
					}
				}
				what = append(what, w)
			}
		case watch.KindTunOpen:
			hasTun = true
			path = e.Path
			if errno == 0 {
				errno = e.Errno
			}
			what = append(what, fmt.Sprintf("open %s: %s", e.Path, errName(e.Errno)))
		case watch.KindSyscall:
			if sysc == "" {
				sysc = e.Syscall
				if errno == 0 {
					errno = e.Errno
				}
				what = append(what, fmt.Sprintf("%s(): %s", e.Syscall, errName(e.Errno)))
			}
		case watch.KindAVC, watch.KindLog:
			what = append(what, clipS(e.Msg, 200))
			if errno == 0 {
				errno = e.Errno
			}
		}
	}
	// The symptom text, in the forms the parser knows.
	switch {
	case hasTun:
		lines = append(lines, fmt.Sprintf("open %s: %s", path, errText(errno)))
	case sysc == "socket":
		lines = append(lines, "Cannot open netlink socket: "+errText(errno))
	case sysc == "unshare" || sysc == "setns":
		lines = append(lines, fmt.Sprintf("%s: %s", sysc, errText(errno)))
	default:
		if ext != "" {
			lines = append(lines, "Error: "+strings.TrimSuffix(ext, ".")+".")
		}
		switch {
		case errno != 0:
			lines = append(lines, "RTNETLINK answers: "+errText(errno))
		case capFail >= 0 && !hasNL:
			lines = append(lines, "RTNETLINK answers: "+errText(int(syscall.EPERM)))
		}
	}
	for _, e := range f.Events {
		if e.Kind == watch.KindAVC || e.Kind == watch.KindLog {
			lines = append(lines, e.Msg)
			break
		}
	}
	if f.Proc.Cmdline != "" && !f.Proc.Gone {
		// The command line names the objects (device, route, gateway,
		// kind) the kernel's error does not: read it as a pasted "$ CMD".
		lines = append([]string{"$ " + f.Proc.Cmdline}, lines...)
	}
	s := symptom.ParseSymptom(strings.Join(lines, "\n"))
	s.PID, s.Program = f.Proc.PID, f.Proc.Comm
	switch {
	case hasTun:
		s.Operation, s.Path, s.Kind = symptom.OpTunOpen, path, "tun"
	case sysc == "socket":
		s.Operation = symptom.OpNetlink
	case sysc == "unshare":
		s.Operation = symptom.OpUserns
	case sysc == "setns":
		s.Operation = symptom.OpNetnsEnter
	case op != "":
		s.Operation = op
	}
	if s.Errno == "" && capFail >= 0 {
		s.Errno = symptom.EPERM
	}
	if f.Proc.Cmdline != "" && !f.Proc.Gone {
		s.Command = f.Proc.Cmdline
	}
	s.Source = "watch"
	s.Recognised = s.Recognised || s.Errno != "" || s.Operation != "" || s.ExtAck != ""
	f.Symptom = s
	f.What = strings.Join(what, "; ")
	if f.What == "" {
		f.What = "failure"
	}
}

// isProbe: the first netlink error of the group was iproute2's empty
// RTM_NEWLINK probe and e is a later, real request.
func isProbe(evs []watch.Event, e watch.Event) bool {
	if e.ReqLen == 32 && e.MsgType == 16 {
		return false
	}
	for _, x := range evs {
		if x.Kind == watch.KindNetlinkErr {
			return x.MsgType == 16 && x.ReqLen == 32
		}
	}
	return false
}

func clipS(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Target is what the diagnosis examines for this finding: the process
// itself while it still runs (same PID and start time), else its parent
// (which usually shares credentials, cgroup and namespaces), else the
// network namespace it acted in when a named one has that inode. note says
// which.
func (f *Finding) Target(base probes.Target) (probes.Target, string) {
	t := base
	t.PID, t.NetNS = 0, base.NetNS
	if f.Proc.PID > 0 && watch.Alive(f.Proc.PID, f.Proc.StartTime) {
		t.PID = f.Proc.PID
		return t, fmt.Sprintf("the failing process, PID %d (%s)", f.Proc.PID, f.Proc.Comm)
	}
	note := fmt.Sprintf("PID %d (%s) has exited", f.Proc.PID, f.Proc.Comm)
	if f.Proc.PPID > 1 && watch.Alive(f.Proc.PPID, 0) {
		t.PID = f.Proc.PPID
		note += fmt.Sprintf("; examined its parent, PID %d (%s)", f.Proc.PPID, f.Proc.ParentComm)
	}
	if t.NetNS == "" && f.Proc.NetNS != 0 {
		// The failing process's namespace, not the parent's (a shell in
		// the host's namespace that ran `unshare -n`, a runtime whose child
		// made its own): by its name, through the parent when it shares
		// it, or through any process still in it. Gone with the process,
		// the network facts are unavailable, never another namespace's.
		t.NetNSInode = f.Proc.NetNS
		switch name, path := netnsByInode(f.Proc.NetNS), "/proc/"+strconv.Itoa(t.PID)+"/ns/net"; {
		case name != "":
			t.NetNS = name
			note += "; network namespace " + strconv.Quote(name)
		case t.PID > 0 && nsInode(path) == f.Proc.NetNS:
			note += "; the parent shares its network namespace"
		default:
			if pid := pidInNetns(f.Proc.NetNS); pid > 0 {
				t.NetNS = "/proc/" + strconv.Itoa(pid) + "/ns/net"
				note += fmt.Sprintf("; its network namespace net:[%d] through PID %d, still in it", f.Proc.NetNS, pid)
			} else {
				note += fmt.Sprintf("; its network namespace net:[%d] is gone with it: links, addresses and routes cannot be read", f.Proc.NetNS)
			}
		}
	}
	if t.PID == 0 {
		note += "; its credentials can no longer be read"
	}
	return t, note
}

// NetnsGone says that the target Target gave has no way into the failing
// process's network namespace: it went with the process, and no later
// report can read it.
func NetnsGone(t probes.Target) bool {
	return t.NetNSInode != 0 && t.NetNS == "" && (t.PID <= 0 || nsInode("/proc/"+strconv.Itoa(t.PID)+"/ns/net") != t.NetNSInode)
}

// nsInode is the inode of a namespace file, 0 when it cannot be read.
func nsInode(path string) uint64 {
	var st syscall.Stat_t
	if syscall.Stat(path, &st) != nil {
		return 0
	}
	return st.Ino
}

// pidInNetns finds a process in the network namespace ino, 0 when none is.
func pidInNetns(ino uint64) int {
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err == nil && nsInode("/proc/"+e.Name()+"/ns/net") == ino {
			return pid
		}
	}
	return 0
}

// NetnsName finds the name under /run/netns of a namespace inode ("" when
// it has none).
func NetnsName(ino uint64) string { return netnsByInode(ino) }

func netnsByInode(ino uint64) string {
	ents, _ := os.ReadDir("/run/netns")
	for _, e := range ents {
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join("/run/netns", e.Name()), &st) == nil && st.Ino == ino {
			return e.Name()
		}
	}
	return ""
}

// Where names the process for a person: "ip (PID 42, parent bash 40),
// container docker 3f2a9c1b7d4e, netns 4026532281".
func (f *Finding) Where() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (PID %d", f.Proc.Comm, f.Proc.PID)
	if f.TID != f.Proc.PID && f.TID != 0 {
		fmt.Fprintf(&b, ", thread %d", f.TID)
	}
	if f.Proc.ParentComm != "" {
		fmt.Fprintf(&b, ", parent %s %d", f.Proc.ParentComm, f.Proc.PPID)
	}
	if f.Proc.Gone {
		b.WriteString(", exited")
	}
	b.WriteString(")")
	if f.Container != "" {
		b.WriteString(", " + f.Container)
	} else if f.Proc.Cgroup != "" {
		b.WriteString(", cgroup " + f.Proc.Cgroup)
	}
	if f.Proc.NetNS != 0 {
		fmt.Fprintf(&b, ", netns %d", f.Proc.NetNS)
	}
	return b.String()
}
