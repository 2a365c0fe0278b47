package watch

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// InstancePrefix names our tracefs instances and mount points:
// rtnl-doctor-PID or rtnl-doctor-PID-N.
const InstancePrefix = "rtnl-doctor-"

// MountDir holds the tracefs mount we make when none exists.
const MountDir = "/run/rtnl-doctor"

var instanceSeq, mountSeq atomic.Int64

// Tracefs is the tracefs back end: a private instance (never the global
// buffer) with kernel-side filters, read through its trace_pipe.
type Tracefs struct {
	root    string // the tracefs mount
	mounted string // our own mount point, unmounted on Close ("" if none)
	inst    string // the instance directory
	opts    Options
	self    int
	fd      int
	enabled []string // events enabled ("netlink/netlink_extack")
	missing []string // events this kernel lacks, with the reason

	lost      atomic.Uint64
	closeOnce sync.Once
	closeErr  error
	mu        sync.Mutex // guards fd against Close during Run
}

// tracefsEvent is one event we enable, with its kernel-side filter.
type tracefsEvent struct {
	path, filter string
	required     bool
	optional     bool // only with Options.Syscalls
	why          string
}

// Filters are written in the kernel's own filter language: only failures
// reach the buffer.
var tracefsEvents = []tracefsEvent{
	{path: "netlink/netlink_extack", required: true, why: "netlink:netlink_extack needs Linux 5.12+"},
	// Only the network capabilities: every mmap of a process without
	// CAP_SYS_ADMIN fails an audit-less cap_capable(21) check (memory
	// accounting), which the tracepoint cannot tell apart; CAP_SYS_ADMIN
	// failures that matter (unshare, setns) come from the syscall events.
	{path: "capability/cap_capable", filter: "ret != 0 && (cap == 12 || cap == 13)", why: "capability:cap_capable needs Linux 6.14+"},
	{path: "avc/selinux_audited", filter: "denied != 0", why: "avc:selinux_audited needs SELinux (Linux 5.10+)"},
	// Parents of short-lived processes (who ran ip), and what they ran:
	// a trace line's comm is looked up when it is printed and can be the
	// name before exec (or "<...>").
	{path: "sched/sched_process_fork"},
	{path: "sched/sched_process_exec"},
	{path: "syscalls/sys_exit_socket", filter: "ret == -24 || ret == -23", optional: true},
	{path: "syscalls/sys_enter_openat", filter: `filename.ustring ~ "/dev/net/*"`, optional: true, why: "filtering openat by file name needs Linux 5.17+"},
	// ENOENT is not traced: failed opens of missing files are far too
	// common system-wide. EACCES, EPERM, ENODEV, ENXIO on /dev/net are paired
	// with the thread's enter event.
	{path: "syscalls/sys_exit_openat", filter: "ret == -13 || ret == -1 || ret == -19 || ret == -6", optional: true},
	{path: "syscalls/sys_exit_unshare", filter: "ret == -1 || ret == -28 || ret == -22 || ret == -12", optional: true},
	{path: "syscalls/sys_exit_setns", filter: "ret == -1 || ret == -22", optional: true},
}

// OpenTracefs creates our instance and enables its events.
func OpenTracefs(o Options) (*Tracefs, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("needs root (tracefs is readable by root only)")
	}
	root, mounted, err := tracefsRoot()
	if err != nil {
		return nil, err
	}
	t := &Tracefs{root: root, mounted: mounted, opts: o, self: o.Self, fd: -1}
	if t.self == 0 {
		t.self = os.Getpid()
	}
	CleanStale()
	if _, err := os.Stat(filepath.Join(root, "instances")); err != nil {
		t.Close()
		return nil, fmt.Errorf("tracefs at %s has no instances directory (Linux 3.x?): %v", root, err)
	}
	name := fmt.Sprintf("%s%d", InstancePrefix, os.Getpid())
	if n := instanceSeq.Add(1); n > 1 {
		name = fmt.Sprintf("%s-%d", name, n)
	}
	t.inst = filepath.Join(root, "instances", name)
	if err := os.Mkdir(t.inst, 0o700); err != nil {
		t.Close()
		if errors.Is(err, unix.EPERM) {
			return nil, fmt.Errorf("cannot create a tracing instance (%v): kernel lockdown (confidentiality) or a security policy blocks tracefs", err)
		}
		return nil, fmt.Errorf("cannot create a tracing instance: %v", err)
	}
	kb := o.BufferKB
	if kb <= 0 {
		kb = 8192
	}
	if err := t.write("buffer_size_kb", strconv.Itoa(kb)); err != nil {
		t.Close()
		return nil, err
	}
	t.write("trace_clock", "mono")
	t.write("options/record-tgid", "1")
	for _, ev := range tracefsEvents {
		if ev.optional && !o.Syscalls || o.noCaps && ev.path == "capability/cap_capable" {
			continue
		}
		dir := filepath.Join(t.inst, "events", ev.path)
		if _, err := os.Stat(dir); err != nil {
			if ev.required {
				t.Close()
				return nil, fmt.Errorf("this kernel has no %s tracepoint (%s)", ev.path, ev.why)
			}
			if ev.why != "" {
				t.missing = append(t.missing, ev.why)
			}
			continue
		}
		if ev.filter != "" {
			if err := t.write(filepath.Join("events", ev.path, "filter"), ev.filter); err != nil {
				if ev.required {
					t.Close()
					return nil, err
				}
				t.missing = append(t.missing, fmt.Sprintf("%s: filter refused (%v); %s", ev.path, err, ev.why))
				continue
			}
		}
		if err := t.write(filepath.Join("events", ev.path, "enable"), "1"); err != nil {
			if ev.required {
				t.Close()
				return nil, err
			}
			t.missing = append(t.missing, fmt.Sprintf("%s: %v", ev.path, err))
			continue
		}
		t.enabled = append(t.enabled, ev.path)
	}
	fd, err := unix.Open(filepath.Join(t.inst, "trace_pipe"), unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Close()
		return nil, fmt.Errorf("cannot open the instance's trace_pipe: %v", err)
	}
	t.fd = fd
	return t, nil
}

func (t *Tracefs) write(rel, v string) error {
	p := filepath.Join(t.inst, rel)
	if err := os.WriteFile(p, []byte(v), 0); err != nil {
		return fmt.Errorf("writing %q to %s: %v", v, p, err)
	}
	return nil
}

// Name implements Source.
func (t *Tracefs) Name() string { return "tracefs" }

// Instance is the instance directory (for tests and the README's checks).
func (t *Tracefs) Instance() string { return t.inst }

// Enabled lists the events enabled, Missing what this kernel lacks.
func (t *Tracefs) Enabled() []string { return t.enabled }

// Missing lists the events this kernel lacks, with the reason.
func (t *Tracefs) Missing() []string { return t.missing }

// Sees implements Source.
func (t *Tracefs) Sees() string {
	s := "tracefs instance " + filepath.Base(t.inst) + ": the kernel's extended-ACK text of every failed netlink request"
	if t.opts.noCaps {
		s = "tracefs instance " + filepath.Base(t.inst) + " alongside: the extended-ACK text of every failed netlink request"
	}
	for _, e := range t.enabled {
		switch e {
		case "capability/cap_capable":
			s += ", failed CAP_NET_ADMIN/CAP_NET_RAW checks (not the caller's user namespace)"
		case "avc/selinux_audited":
			s += ", SELinux denials"
		case "syscalls/sys_exit_socket":
			s += ", EMFILE/ENFILE on socket(), failed /dev/net opens (not ENOENT), EPERM/ENOSPC/EINVAL on unshare and setns"
		}
	}
	if !t.opts.noCaps {
		s += ". Plain-errno failures (\"File exists\", \"No such device\" without extack) are invisible in this mode: the BPF back end reads them"
	}
	if !t.opts.Syscalls {
		s += "; syscall events are off (--syscalls turns them on, ~15 ns per system call machine-wide)"
	}
	for _, m := range t.missing {
		s += "; " + m
	}
	return s + "."
}

// traceLine parses a trace_pipe line with record-tgid:
// "  ip-12029   (  12029) [000] .....   310.440400: netlink_extack: msg=Unknown device type"
var traceLine = regexp.MustCompile(`^\s*(.*)-(\d+)\s+\(\s*(\d+|-+)\)\s+\[\d+\]\s+\S+\s+(\d+)\.(\d+): (\w+)(?:: | -> |\()(.*)$`)

// Run implements Source.
func (t *Tracefs) Run(ctx context.Context, out chan<- Event) error {
	pr := newProcReader("")
	pending := map[int]time.Time{} // TIDs with an open of /dev/net/* in flight
	buf := make([]byte, 64<<10)
	var partial []byte
	for {
		if ctx.Err() != nil {
			return nil
		}
		t.mu.Lock()
		fd := t.fd
		t.mu.Unlock()
		if fd < 0 {
			return errors.New("tracefs source closed")
		}
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(pfd, 200); err != nil && !errors.Is(err, unix.EINTR) {
			return fmt.Errorf("poll trace_pipe: %v", err)
		}
		for {
			n, err := unix.Read(fd, buf)
			if n <= 0 || err != nil {
				if err != nil && !errors.Is(err, unix.EAGAIN) && !errors.Is(err, unix.EINTR) {
					return fmt.Errorf("read trace_pipe: %v", err)
				}
				break
			}
			data := buf[:n]
			if len(partial) > 0 {
				data = append(partial, data...)
				partial = nil
			}
			for {
				i := bytes.IndexByte(data, '\n')
				if i < 0 {
					partial = append(partial[:0], data...)
					break
				}
				line := string(data[:i])
				data = data[i+1:]
				ev, ok := t.parse(line, pr, pending)
				if !ok {
					continue
				}
				select {
				case out <- ev:
				case <-ctx.Done():
					return nil
				}
			}
			if ctx.Err() != nil {
				return nil
			}
		}
	}
}

// parse turns one line into an event (ok=false for lines that are not
// failures, like fork records and open enters).
func (t *Tracefs) parse(line string, pr *procReader, pending map[int]time.Time) (Event, bool) {
	// Forks are most of the lines: read them without the expression.
	if i := strings.Index(line, ": sched_process_fork: "); i > 0 {
		rest := line[i+len(": sched_process_fork: "):]
		if ppid, child := fieldInt(rest, "pid="), fieldInt(rest, "child_pid="); ppid > 0 && child > 0 {
			pr.fork(ppid, fieldStr(rest, "comm="), child)
		}
		return Event{}, false
	}
	if i := strings.Index(line, ": sched_process_exec: "); i > 0 {
		rest := line[i+len(": sched_process_exec: "):]
		if pid := fieldInt(rest, "pid="); pid > 0 {
			pr.exec(pid, fieldStr(rest, "filename="))
		}
		return Event{}, false
	}
	m := traceLine.FindStringSubmatch(line)
	if m == nil {
		return Event{}, false
	}
	tid, _ := strconv.Atoi(m[2])
	pid, err := strconv.Atoi(m[3])
	if err != nil {
		pid = tid
	}
	if pid != tid {
		// record-tgid can name a stale thread group (measured: 1 to 7 in
		// 1,000 short-lived ip on a busy machine with pid_max 32768).
		pid = pr.tgidOf(tid, pid)
	}
	if pid == t.self {
		return Event{}, false
	}
	now := time.Now()
	ev := Event{TID: tid, PID: pid, Comm: m[1], Time: monoToWall(m[4], m[5], now), Cap: -1}
	name, rest := m[6], m[7]
	switch name {
	case "netlink_extack":
		ev.Kind = KindExtAck
		ev.Msg = clip(strings.TrimPrefix(rest, "msg="), 512)
	case "cap_capable":
		ev.Kind = KindCap
		ev.Cap = fieldInt(rest, "cap ")
		ev.Errno = -fieldInt(rest, "ret ")
	case "selinux_audited":
		ev.Kind = KindAVC
		ev.Errno = int(unix.EACCES)
		ev.Msg = clip(rest, 512)
	case "sched_process_fork":
		ppid := fieldInt(rest, "pid=")
		child := fieldInt(rest, "child_pid=")
		if ppid > 0 && child > 0 {
			pr.fork(ppid, fieldStr(rest, "comm="), child)
		}
		return Event{}, false
	case "sys_openat":
		if strings.HasPrefix(line[strings.Index(line, name)+len(name):], "(") {
			pending[tid] = ev.Time
			if len(pending) > 4096 {
				clear(pending)
			}
			return Event{}, false
		}
		at, ok := pending[tid]
		delete(pending, tid)
		if !ok || ev.Time.Sub(at) > time.Second {
			return Event{}, false // an unrelated failing open
		}
		ev.Kind, ev.Syscall, ev.Path = KindTunOpen, "openat", "/dev/net/tun"
		ev.Errno = retErrno(rest)
	case "sys_socket", "sys_unshare", "sys_setns":
		ev.Kind, ev.Syscall = KindSyscall, strings.TrimPrefix(name, "sys_")
		ev.Errno = retErrno(rest)
		if ev.Errno == 0 {
			return Event{}, false
		}
	default:
		return Event{}, false
	}
	ev.Proc = pr.lookup(pid, now)
	ev.Proc.Ancestors = pr.ancestors(ev.Proc)
	if name := pr.execName(pid); name != "" && (ev.Proc.Gone || ev.Proc.Comm == "") {
		ev.Comm, ev.Proc.Comm = name, name
	}
	if ev.Proc.Comm == "" {
		ev.Proc.Comm = ev.Comm
	}
	return ev, true
}

// monoToWall converts a CLOCK_MONOTONIC timestamp to wall-clock time.
func monoToWall(sec, frac string, now time.Time) time.Time {
	s, _ := strconv.ParseInt(sec, 10, 64)
	for len(frac) < 9 {
		frac += "0"
	}
	ns, _ := strconv.ParseInt(frac[:9], 10, 64)
	return monoNsToWall(uint64(s*1e9+ns), now)
}

// monoNsToWall converts CLOCK_MONOTONIC nanoseconds to wall-clock time.
func monoNsToWall(mono uint64, now time.Time) time.Time {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts) != nil || mono == 0 {
		return now
	}
	ago := time.Duration(ts.Nano() - int64(mono))
	if ago < 0 {
		ago = 0
	}
	return now.Add(-ago)
}

// fieldInt reads the integer after key ("cap 12, ret -1").
func fieldInt(s, key string) int {
	v := fieldStr(s, key)
	n, err := strconv.Atoi(strings.TrimRight(v, ","))
	if err != nil {
		return 0
	}
	return n
}

func fieldStr(s, key string) string {
	i := strings.Index(s, key)
	for i > 0 && s[i-1] != ' ' && s[i-1] != ',' {
		j := strings.Index(s[i+1:], key)
		if j < 0 {
			return ""
		}
		i += 1 + j
	}
	if i < 0 {
		return ""
	}
	v := s[i+len(key):]
	if j := strings.IndexAny(v, " ,"); j >= 0 {
		v = v[:j]
	}
	return v
}

// retErrno reads a syscall exit's "0xffffffffffffffe8" as a positive errno
// (0 when the call succeeded).
func retErrno(s string) int {
	s = strings.TrimSpace(s)
	u, err := strconv.ParseUint(strings.TrimPrefix(s, "0x"), 16, 64)
	if err != nil {
		return 0
	}
	if r := int64(u); r < 0 && r > -4096 {
		return int(-r)
	}
	return 0
}

// Lost implements Source: events the kernel overwrote or dropped because
// the buffer was full, summed over CPUs.
func (t *Tracefs) Lost() uint64 {
	var n uint64
	cpus, _ := filepath.Glob(filepath.Join(t.inst, "per_cpu", "cpu*", "stats"))
	for _, c := range cpus {
		f, err := os.Open(c)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), ":")
			if ok && (k == "overrun" || k == "dropped events") {
				x, _ := strconv.ParseUint(strings.TrimSpace(v), 10, 64)
				n += x
			}
		}
		f.Close()
	}
	if n > t.lost.Load() {
		t.lost.Store(n)
	}
	return t.lost.Load()
}

// Close implements Source: it closes the pipe, removes the instance (which
// disables its events) and unmounts tracefs if we mounted it.
func (t *Tracefs) Close() error {
	t.closeOnce.Do(func() {
		if t.inst != "" {
			t.Lost() // the last count, while the instance exists
		}
		t.mu.Lock()
		if t.fd >= 0 {
			unix.Close(t.fd)
			t.fd = -1
		}
		t.mu.Unlock()
		var errs []error
		if t.inst != "" {
			if err := removeInstance(t.inst); err != nil {
				errs = append(errs, err)
			}
		}
		if t.mounted != "" {
			if err := unmountOurs(t.mounted); err != nil {
				errs = append(errs, err)
			}
		}
		t.closeErr = errors.Join(errs...)
	})
	return t.closeErr
}

// removeInstance removes an instance directory, retrying while a reader
// still holds it.
func removeInstance(dir string) error {
	var err error
	for i := 0; i < 50; i++ {
		if err = unix.Rmdir(dir); err == nil || errors.Is(err, unix.ENOENT) {
			return nil
		}
		if !errors.Is(err, unix.EBUSY) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("removing tracing instance %s: %v", dir, err)
}

func unmountOurs(dir string) error {
	if err := unix.Unmount(dir, unix.MNT_DETACH); err != nil && !errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("unmounting %s: %v", dir, err)
	}
	os.Remove(dir)
	os.Remove(MountDir) // only when empty
	return nil
}

// tracefsRoot finds a tracefs mount, or mounts one of our own under
// MountDir (removed on Close).
func tracefsRoot() (root, mounted string, err error) {
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	var found []string
	for _, line := range strings.Split(string(mounts), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, pf := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(pf) < 1 {
			continue
		}
		mp := unescapeMount(f[4])
		switch {
		case pf[0] == "tracefs" && !strings.HasPrefix(mp, MountDir+"/"):
			found = append(found, mp)
		case pf[0] == "debugfs":
			if _, err := os.Stat(filepath.Join(mp, "tracing", "instances")); err == nil {
				found = append(found, filepath.Join(mp, "tracing"))
			}
		}
	}
	for _, f := range found {
		if f == "/sys/kernel/tracing" {
			return f, "", nil
		}
	}
	if len(found) > 0 {
		return found[0], "", nil
	}
	if err := os.MkdirAll(MountDir, 0o700); err != nil {
		return "", "", fmt.Errorf("tracefs is not mounted and %s cannot be made: %v", MountDir, err)
	}
	dir := filepath.Join(MountDir, fmt.Sprintf("tracefs-%d-%d", os.Getpid(), mountSeq.Add(1)))
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return "", "", fmt.Errorf("tracefs is not mounted and %s cannot be made: %v", dir, err)
	}
	if err := unix.Mount("nodev", dir, "tracefs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		os.Remove(dir)
		os.Remove(MountDir)
		return "", "", fmt.Errorf("tracefs is not mounted and mounting it failed: %v (no tracefs in this kernel, or not allowed here)", err)
	}
	return dir, dir, nil
}

func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

var ourName = regexp.MustCompile(`^` + InstancePrefix + `(\d+)(?:-\d+)?$`)
var ourMount = regexp.MustCompile(`^tracefs-(\d+)-\d+$`)

// CleanStale removes tracing instances and tracefs mounts of ours whose
// owner is gone (an earlier run killed with SIGKILL): an instance with
// filters keeps costing until removed. It returns what it removed.
func CleanStale() []string {
	var removed []string
	var roots []string
	for _, tm := range tracingMounts("tracefs") {
		mp := tm.point
		if m := ourMount.FindStringSubmatch(filepath.Base(mp)); m != nil && filepath.Dir(mp) == MountDir {
			if pid, _ := strconv.Atoi(m[1]); !pidAlive(pid) {
				// Its instances are visible through any mount: remove them
				// through this one before it goes.
				removed = append(removed, cleanInstances(mp)...)
				if unmountOurs(mp) == nil {
					removed = append(removed, mp)
				}
				continue
			}
		}
		roots = append(roots, mp)
	}
	for _, r := range roots {
		removed = append(removed, cleanInstances(r)...)
	}
	// Mount points of dead owners whose mount went with their mount
	// namespace (ip netns exec gives each command its own): empty
	// directories, removed.
	ents, _ := os.ReadDir(MountDir)
	for _, e := range ents {
		if m := ourMount.FindStringSubmatch(e.Name()); m != nil {
			if pid, _ := strconv.Atoi(m[1]); !pidAlive(pid) {
				dir := filepath.Join(MountDir, e.Name())
				if os.Remove(dir) == nil {
					removed = append(removed, dir)
				}
			}
		}
	}
	os.Remove(MountDir) // only when empty
	return removed
}

func cleanInstances(root string) []string {
	var removed []string
	ents, _ := os.ReadDir(filepath.Join(root, "instances"))
	for _, e := range ents {
		m := ourName.FindStringSubmatch(e.Name())
		if m == nil {
			continue
		}
		if pid, _ := strconv.Atoi(m[1]); pidAlive(pid) {
			continue
		}
		dir := filepath.Join(root, "instances", e.Name())
		if removeInstance(dir) == nil {
			removed = append(removed, dir)
		}
	}
	return removed
}

func pidAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := unix.Kill(pid, 0)
	return err == nil || errors.Is(err, unix.EPERM)
}
