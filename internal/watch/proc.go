package watch

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// procReader reads the process behind an event from /proc, caching each
// PID briefly (a burst of failures from one process reads /proc once), and
// remembers parents from fork events so a process that is already gone is
// still named by its parent.
type procReader struct {
	proc    string // "/proc"
	cache   map[int]procEntry
	parents map[int]forkInfo
	order   []int       // parents in insertion order, for eviction
	tgids   map[int]int // thread -> process, as /proc said while it lived
	execs   map[int]string
}

type procEntry struct {
	p  Process
	at time.Time
}

type forkInfo struct {
	ppid int
	comm string
}

const (
	procTTL    = 500 * time.Millisecond
	maxParents = 1 << 16
	maxCache   = 4096
)

func newProcReader(proc string) *procReader {
	if proc == "" {
		proc = "/proc"
	}
	return &procReader{proc: proc, cache: map[int]procEntry{}, parents: map[int]forkInfo{}, tgids: map[int]int{}, execs: map[int]string{}}
}

// fork records that parent (named comm) created child.
func (r *procReader) fork(parent int, comm string, child int) {
	if _, ok := r.parents[child]; !ok {
		r.order = append(r.order, child)
	}
	r.parents[child] = forkInfo{ppid: parent, comm: comm}
	delete(r.execs, child) // a new process under a reused number
	delete(r.tgids, child)
	for len(r.order) > maxParents {
		delete(r.parents, r.order[0])
		r.order = r.order[1:]
	}
}

// lookup returns what /proc says about pid now.
func (r *procReader) lookup(pid int, now time.Time) Process {
	if e, ok := r.cache[pid]; ok && now.Sub(e.at) < procTTL {
		return e.p
	}
	p := r.read(pid)
	if p.Gone {
		if f, ok := r.parents[pid]; ok {
			p.PPID = f.ppid
			p.ParentComm = f.comm
			// The parent usually shares the cgroup and namespaces.
			if pp := r.read(f.ppid); !pp.Gone {
				p.Cgroup, p.NetNS, p.UserNS = pp.Cgroup, pp.NetNS, pp.UserNS
			}
		}
	} else if p.PPID > 0 {
		if pp := r.read(p.PPID); !pp.Gone {
			p.ParentComm = pp.Comm
		}
	}
	if len(r.cache) >= maxCache {
		for k, e := range r.cache {
			if now.Sub(e.at) >= procTTL {
				delete(r.cache, k)
			}
		}
		if len(r.cache) >= maxCache {
			r.cache = map[int]procEntry{}
		}
	}
	r.cache[pid] = procEntry{p: p, at: now}
	return p
}

// exec records what a process executed (its comm-to-be: the file's
// name, cut like the kernel cuts comm).
func (r *procReader) exec(pid int, filename string) {
	if len(r.execs) > maxParents {
		clear(r.execs)
	}
	name := filename
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if len(name) > 15 {
		name = name[:15]
	}
	r.execs[pid] = name
	delete(r.cache, pid) // its name changed
}

// execName is the program a process last executed ("" when unknown).
func (r *procReader) execName(pid int) string { return r.execs[pid] }

// ancestors lists p's parent, grandparent and so on (at most 32), from
// fork events and /proc.
func (r *procReader) ancestors(p Process) []int {
	var out []int
	pid, ppid := p.PID, p.PPID
	for i := 0; i < 32 && pid > 1; i++ {
		if ppid == 0 {
			if f, ok := r.parents[pid]; ok {
				ppid = f.ppid
			} else if b, err := os.ReadFile(r.proc + "/" + strconv.Itoa(pid) + "/stat"); err == nil {
				_, ppid, _ = parseStat(string(b))
			}
		}
		if ppid <= 0 {
			break
		}
		out = append(out, ppid)
		pid, ppid = ppid, 0
	}
	return out
}

// tgidOf is a thread's process. printed is what the trace line said:
// tracefs looks the thread group up when it prints the line, so after the
// PID numbers wrap it can name whoever owns the number now. /proc answers
// while the thread lives (and is remembered); once it has exited, printed
// is believed only when the thread was created by that process's main
// thread, else the thread is taken as its own process.
func (r *procReader) tgidOf(tid, printed int) int {
	if b, err := os.ReadFile(r.proc + "/" + strconv.Itoa(tid) + "/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "Tgid:"); ok {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n > 0 {
					if len(r.tgids) > maxParents {
						clear(r.tgids)
					}
					r.tgids[tid] = n
					return n
				}
			}
		}
	}
	if n, ok := r.tgids[tid]; ok {
		return n
	}
	if f, ok := r.parents[tid]; ok && f.ppid == printed {
		return printed
	}
	return tid
}

// read reads one process without the cache.
func (r *procReader) read(pid int) Process {
	p := Process{PID: pid}
	dir := r.proc + "/" + strconv.Itoa(pid)
	b, err := os.ReadFile(dir + "/stat")
	if err != nil {
		p.Gone = true
		return p
	}
	p.Comm, p.PPID, p.StartTime = parseStat(string(b))
	if b, err := os.ReadFile(dir + "/status"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			k, v, _ := strings.Cut(line, ":")
			v = strings.TrimSpace(v)
			switch k {
			case "CapEff":
				p.CapEff, _ = strconv.ParseUint(v, 16, 64)
				p.HaveCaps = true
			case "CapBnd":
				p.CapBnd, _ = strconv.ParseUint(v, 16, 64)
			case "Uid":
				if f := strings.Fields(v); len(f) > 0 {
					p.UID, _ = strconv.Atoi(f[0])
				}
			}
		}
	}
	if b, err := os.ReadFile(dir + "/cgroup"); err == nil {
		p.Cgroup = CgroupPath(string(b))
	}
	if b, err := os.ReadFile(dir + "/cmdline"); err == nil {
		p.Cmdline = clip(strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " ")), 512)
	}
	p.NetNS = nsInode(dir + "/ns/net")
	p.UserNS = nsInode(dir + "/ns/user")
	return p
}

// parseStat reads comm, ppid and start time from /proc/PID/stat.
func parseStat(s string) (comm string, ppid int, start uint64) {
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return "", 0, 0
	}
	comm = s[open+1 : end]
	f := strings.Fields(s[end+1:])
	// f[0] is the state (field 3): ppid is field 4, starttime field 22.
	if len(f) > 1 {
		ppid, _ = strconv.Atoi(f[1])
	}
	if len(f) > 19 {
		start, _ = strconv.ParseUint(f[19], 10, 64)
	}
	return comm, ppid, start
}

// CgroupPath picks the process's cgroup from /proc/PID/cgroup: the unified
// hierarchy's path, else the name=systemd one, else the first.
func CgroupPath(s string) string {
	var named, first string
	for _, line := range strings.Split(s, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		switch {
		case parts[0] == "0" && parts[1] == "":
			if parts[2] != "/" || named == "" {
				return parts[2]
			}
		case parts[1] == "name=systemd":
			named = parts[2]
		case first == "":
			first = parts[2]
		}
	}
	if named != "" {
		return named
	}
	return first
}

func nsInode(path string) uint64 {
	l, err := os.Readlink(path)
	if err != nil {
		return 0
	}
	i, j := strings.IndexByte(l, '['), strings.IndexByte(l, ']')
	if i < 0 || j < i {
		return 0
	}
	n, _ := strconv.ParseUint(l[i+1:j], 10, 64)
	return n
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Alive reports whether pid still names the process that started at
// start (clock ticks after boot; 0 = any).
func Alive(pid int, start uint64) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	_, _, st := parseStat(string(b))
	return start == 0 || st == start
}
