// Package watch catches netlink, capability and related failures as they
// happen, from any process, through one of several kernel back ends (a
// tracefs instance of our own, eBPF, or the kernel and audit logs). Each back
// end turns what the kernel reports into Events; model/live groups them into
// findings.
package watch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind says what an event reports.
type Kind string

const (
	// KindExtAck is the kernel's extended-ACK text of a failed netlink
	// request (tracepoint netlink:netlink_extack): no errno, no type.
	KindExtAck Kind = "extack"
	// KindNetlinkErr is the error reply of a failed netlink request (errno,
	// request type, protocol), read by the BPF back end.
	KindNetlinkErr Kind = "netlink-error"
	// KindCap is a failed capability check (capability:cap_capable).
	KindCap Kind = "capability"
	// KindSyscall is a failing system call (socket, unshare, setns).
	KindSyscall Kind = "syscall"
	// KindTunOpen is a failed open of a file under /dev/net.
	KindTunOpen Kind = "tun-open"
	// KindAVC is an SELinux denial (avc:selinux_audited), or an AppArmor or
	// SELinux audit record read from a log.
	KindAVC Kind = "mac-denial"
	// KindLog is a line from a log naming a netlink failure.
	KindLog Kind = "log"
)

// Event is one failure the kernel reported.
type Event struct {
	// Time is when the kernel saw it (wall clock).
	Time time.Time `json:"time"`
	Kind Kind      `json:"kind"`
	// TID is the thread, PID the thread group (the process), in the initial
	// PID namespace.
	TID int `json:"tid"`
	PID int `json:"pid"`
	// Comm is the thread's name as the kernel recorded it.
	Comm string `json:"comm,omitempty"`
	// Errno is the positive error number, when the back end knows it.
	Errno int `json:"errno,omitempty"`
	// Cap is the capability that was checked (KindCap), -1 otherwise.
	Cap int `json:"cap,omitempty"`
	// Msg is the extended-ACK text, the denial, or the log line.
	Msg string `json:"msg,omitempty"`
	// Syscall names the failing system call (socket, unshare, setns, openat).
	Syscall string `json:"syscall,omitempty"`
	// Path is the file a failed open named (KindTunOpen).
	Path string `json:"path,omitempty"`
	// MsgType and Proto describe a failed netlink request (BPF back end):
	// RTM_NEWLINK=16 etc., protocol 0 = NETLINK_ROUTE.
	MsgType uint16 `json:"msg_type,omitempty"`
	Proto   int    `json:"proto,omitempty"`
	// ReqFlags and ReqLen are the failed request's nlmsg_flags and
	// nlmsg_len, from the header the error reply echoes.
	ReqFlags uint16 `json:"req_flags,omitempty"`
	ReqLen   uint32 `json:"req_len,omitempty"`
	// CallerUserNS and TargetUserNS are user namespace inodes of a
	// capability check, when the back end can read them (BPF).
	CallerUserNS uint64 `json:"caller_userns,omitempty"`
	TargetUserNS uint64 `json:"target_userns,omitempty"`
	// Proc is what was known of the process when the event arrived.
	Proc Process `json:"process"`
}

// Process describes the process behind an event, read from /proc as the
// event arrives (or from the kernel, for the BPF back end).
type Process struct {
	PID  int    `json:"pid"`
	PPID int    `json:"ppid,omitempty"`
	Comm string `json:"comm,omitempty"`
	// Cmdline is the command line, words joined by spaces (for reading).
	Cmdline string `json:"cmdline,omitempty"`
	// ParentComm is the parent's name (who ran a short-lived ip).
	ParentComm string `json:"parent_comm,omitempty"`
	// Cgroup is the process's cgroup path (unified hierarchy, or the
	// name=systemd one).
	Cgroup string `json:"cgroup,omitempty"`
	// NetNS and UserNS are namespace inodes (0 when unknown).
	NetNS  uint64 `json:"netns,omitempty"`
	UserNS uint64 `json:"userns,omitempty"`
	// StartTime is the process's start time in clock ticks after boot
	// (field 22 of /proc/PID/stat): with the PID it names the process.
	StartTime uint64 `json:"start_time,omitempty"`
	// CapEff and CapBnd are the effective and bounding capability sets and
	// UID the real user, read as the event arrived (HaveCaps says whether
	// they were read).
	CapEff   uint64 `json:"cap_eff,omitempty"`
	CapBnd   uint64 `json:"cap_bnd,omitempty"`
	UID      int    `json:"uid"`
	HaveCaps bool   `json:"have_caps,omitempty"`
	// Gone is set when the process had exited before it could be read.
	Gone bool `json:"gone,omitempty"`
	// Ancestors are the parent, grandparent, ... as far as known (for
	// following one process tree).
	Ancestors []int `json:"-"`
}

// Source is one back end: it delivers events until its context ends.
type Source interface {
	// Name is the back end's name: "bpf", "tracefs", "logs".
	Name() string
	// Sees says in one sentence what this back end can and cannot see.
	Sees() string
	// Run sends events to out until ctx is done or the source fails.
	Run(ctx context.Context, out chan<- Event) error
	// Lost is how many events the kernel dropped (buffer full).
	Lost() uint64
	// Close removes everything the source created (instances, programs,
	// maps, mounts). It is safe to call more than once.
	Close() error
}

// Options choose what a source captures.
type Options struct {
	// Syscalls enables the optional syscall events (EMFILE/ENFILE on socket,
	// /dev/net opens, EPERM/ENOSPC/EINVAL on unshare and setns). They add a
	// few nanoseconds to every system call on the machine.
	Syscalls bool
	// BufferKB is the per-CPU buffer size (0 = 8192).
	BufferKB int
	// Backend forces one back end ("bpf", "tracefs", "logs"); "" tries them
	// in that order.
	Backend string
	// Self is our own PID, whose events are ignored (0 = os.Getpid()).
	Self int
	// noCaps leaves capability checks to another back end (the tracefs
	// instance that accompanies BPF).
	noCaps bool
}

// Attempt is one back end tried at start and why it is not used.
type Attempt struct {
	Backend string `json:"backend"`
	Err     string `json:"error,omitempty"`
}

// Backends lists the back ends in the order they are tried.
var Backends = []string{"bpf", "tracefs", "logs"}

// openers builds each back end; a back end that cannot work here returns an
// error saying why.
var openers = map[string]func(Options) (Source, error){
	"bpf":     func(o Options) (Source, error) { return OpenBPF(o) },
	"tracefs": func(o Options) (Source, error) { return OpenTracefs(o) },
	"logs":    func(o Options) (Source, error) { return OpenLogs(o) },
}

// Open tries the back ends in order and returns the first that works, with
// the reasons the ones before it do not.
func Open(o Options) (Source, []Attempt, error) {
	var tried []Attempt
	names := Backends
	if o.Backend != "" {
		names = []string{o.Backend}
	}
	for _, n := range names {
		open, ok := openers[n]
		if !ok {
			if o.Backend != "" && !known(n) {
				return nil, nil, fmt.Errorf("unknown back end %q (back ends: %s)", n, strings.Join(Backends, ", "))
			}
			tried = append(tried, Attempt{Backend: n, Err: "not available in this build"})
			continue
		}
		s, err := open(o)
		if err != nil {
			tried = append(tried, Attempt{Backend: n, Err: err.Error()})
			continue
		}
		if n == "bpf" && o.Backend == "" {
			// BPF reads errnos but not the extack text or failing
			// syscalls: a tracefs instance adds them where it can.
			to := o
			to.noCaps = true
			if t, err := OpenTracefs(to); err == nil {
				return &both{a: s, b: t}, tried, nil
			} else {
				tried = append(tried, Attempt{Backend: "tracefs", Err: "alongside bpf: " + err.Error()})
			}
		}
		return s, tried, nil
	}
	var why []string
	for _, a := range tried {
		why = append(why, a.Backend+": "+a.Err)
	}
	return nil, tried, fmt.Errorf("watch unavailable: %s", strings.Join(why, "; "))
}

func known(n string) bool {
	for _, b := range Backends {
		if b == n {
			return true
		}
	}
	return false
}

// both runs two back ends as one source (BPF for errnos and capability
// checks, tracefs for the extack text and failing syscalls).
type both struct{ a, b Source }

func (m *both) Name() string { return m.a.Name() + "+" + m.b.Name() }
func (m *both) Sees() string { return m.a.Sees() + " And " + m.b.Sees() }
func (m *both) Lost() uint64 { return m.a.Lost() + m.b.Lost() }

func (m *both) Close() error { return errors.Join(m.a.Close(), m.b.Close()) }

func (m *both) Run(ctx context.Context, out chan<- Event) error {
	errs := make(chan error, 2)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { errs <- m.a.Run(ctx, out) }()
	go func() { errs <- m.b.Run(ctx, out) }()
	err := <-errs
	cancel()
	return errors.Join(err, <-errs)
}
