package probes

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/prometheus/procfs"
)

// Target names what the probes examine.
type Target struct {
	// Root is the directory the system is read below: "" or "/" is the live
	// system; anything else is a captured tree (offline: no netlink).
	Root string
	// PID is the process examined (credentials, limits, fds, namespaces,
	// security label). 0 means this process, or Root/proc/self under a
	// captured root.
	PID int
	// NetNS is the network namespace whose links, addresses, routes and net.*
	// sysctls are read: a name under /run/netns, or a path such as
	// /proc/PID/ns/net. "" means the target process's namespace.
	NetNS string
	// Exec is an executable whose file capabilities are read; "" means the
	// target process's own executable.
	Exec string
	// Interfaces names the interfaces whose per-interface sysctls
	// (rp_filter, disable_ipv6) are read besides "all" and "default".
	Interfaces []string
	// Modules names the kernel modules whose state is read besides the
	// link, tc and netfilter kinds (the ones the symptom names).
	Modules []string
	// Timeout bounds each fact group; 0 means DefaultTimeout.
	Timeout time.Duration
	// Watcher, when set, answers for the links, addresses and routes from
	// notifications instead of a new dump (the dashboard keeps one).
	Watcher *NetWatcher
	// Quick skips the costly reads of the memory group, the kernel log
	// scan and /proc/slabinfo (the dashboard's frequent refreshes;
	// Facts.Merge keeps the last ones).
	Quick bool
	// NetNSInode, when not 0, is the network namespace that must be
	// examined (the inode of its nsfs file): when NetNS (or the process's
	// own) leads to another one, or none, the network facts are
	// unavailable with that reason, never read from the wrong namespace.
	NetNSInode uint64
}

// DefaultTimeout bounds each fact group when Target.Timeout is 0.
const DefaultTimeout = 3 * time.Second

// TargetFacts says what was examined.
type TargetFacts struct {
	Root    string `json:"root"`
	Live    bool   `json:"live"`
	PID     int    `json:"pid,omitempty"`
	Self    bool   `json:"self"`
	Comm    string `json:"comm,omitempty"`
	Exe     string `json:"exe,omitempty"`
	Cmdline string `json:"cmdline,omitempty"`
	// Unit is the systemd service the process runs in ("docker.service"),
	// from its cgroup; "" when it is not in one.
	Unit string `json:"unit,omitempty"`
	// NetNS describes the network namespace examined ("of this process",
	// "named foo", "of PID 42").
	NetNS string `json:"netns"`
	// NetNSInode identifies the namespace (the inode of its nsfs file).
	NetNSInode uint64 `json:"netns_inode,omitempty"`
	// HostNetNS is true when the namespace is the one PID 1 uses.
	HostNetNS *bool `json:"host_netns,omitempty"`
	// Sources say which facts of a sosreport came from which of its files
	// ("net.links: sos_commands/networking/ip_-s_-d_link").
	Sources []string `json:"sources,omitempty"`
	Gaps    Gaps     `json:"unavailable,omitempty"`
}

// threadSelfNet is where this thread's own network namespace shows in
// /proc: /proc/thread-self (Linux 3.17+), else /proc/self. /proc/self/net
// is the thread-group leader's namespace, which another goroutine's
// netns.Do may have moved for a moment (Go runs goroutines on the leader
// too); the calling goroutine's thread never is (only locked threads are,
// and they run nothing else).
var threadSelfNet = sync.OnceValue(func() string {
	if _, err := os.Stat("/proc/thread-self/net"); err == nil {
		return "/proc/thread-self"
	}
	return "/proc/self"
})

// netProc is the /proc directory whose net/ shows the target's own network
// namespace when no other is entered: this thread's for this process on a
// live system, the target's /proc/PID otherwise (below the root).
func (e *env) netProc() string {
	if e.self && e.root.Live() {
		return threadSelfNet()
	}
	return e.root.Path(e.proc)
}

// env is a resolved Target.
type env struct {
	root    Root
	pid     int    // the target's PID on the examined system; 0 if unknown
	self    bool   // the target is this process (or proc/self of a capture)
	proc    string // "/proc/1234" or "/proc/self", below root
	timeout time.Duration
	exec    string
	ifaces  []string
	modules []string

	netnsPath string // host path of the nsfs file to enter; "" = our own
	netnsDesc string
	netnsErr  error // why the namespace cannot be used

	klog kernelLog // read once per gather, shared by the memory and denials probes

	watcher *NetWatcher
	quick   bool

	// The target's mountinfo, parsed once per gather for the groups that
	// read it (container, tun, host's /run/netns, sysctls).
	mountsOnce sync.Once
	mounts     []*procfs.MountInfo
	mountsErr  error
}

func resolve(t Target) (*env, TargetFacts) {
	rootDir, rootErr := t.Root, error(nil)
	switch {
	case t.Root != "" && IsArchive(t.Root): // a capture given as FILE.tar.gz
		rootDir, rootErr = ArchiveRoot(t.Root)
	case t.Root != "" && IsSupportconfig(t.Root):
		rootDir, rootErr = SupportconfigRoot(t.Root)
	}
	e := &env{root: NewRoot(rootDir), timeout: t.Timeout, exec: t.Exec, ifaces: t.Interfaces, modules: t.Modules, watcher: t.Watcher, quick: t.Quick}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	tf := TargetFacts{Root: e.root.Dir, Live: e.root.Live()}
	if rootErr != nil {
		tf.Root, tf.Live = t.Root, false
		tf.Gaps.AddReason("root", "cannot read "+t.Root+": "+rootErr.Error())
		e.root = Root{Dir: "/nonexistent/rtnl-doctor-refused-archive"}
	} else if rootDir != t.Root {
		tf.Root = t.Root + " (unpacked)"
		if IsSupportconfig(t.Root) {
			tf.Root = t.Root + " (a supportconfig, laid out)"
		}
	}
	if s := sosOf(e.root); s != nil {
		tf.Sources = s.sources
	}
	captured, isCapture := captureManifest(e.root)
	if isCapture {
		tf.Sources = captureSources(captured)
	}
	switch {
	case t.PID > 0:
		e.pid = t.PID
		e.proc = "/proc/" + strconv.Itoa(t.PID)
		e.self = e.root.Live() && t.PID == os.Getpid()
	case e.root.Live():
		e.pid = os.Getpid()
		e.proc = "/proc/" + strconv.Itoa(e.pid)
		e.self = true
	default:
		e.proc = "/proc/self"
		e.self = true
		if l, err := os.Readlink(e.root.Path("/proc/self")); err == nil {
			if n, err := strconv.Atoi(filepath.Base(l)); err == nil {
				e.pid = n
			}
		}
	}
	tf.PID, tf.Self = e.pid, e.self
	if _, err := os.Stat(e.root.Path(e.proc)); err != nil {
		if t.PID > 0 && e.root.Live() && processState(t.PID) == processHidden {
			tf.Gaps.AddReason("process", fmt.Sprintf("process %d exists, but /proc hides it from this user (hidepid): run as root or as its owner", t.PID))
		} else if t.PID > 0 {
			tf.Gaps.AddReason("process", fmt.Sprintf("process %d does not exist (it exited, or the PID is wrong)", t.PID))
		} else {
			tf.Gaps.Add("process", err)
		}
	} else {
		if s, err := e.root.ReadString(e.proc + "/comm"); err == nil {
			tf.Comm = s
		}
		if l, err := os.Readlink(e.root.Path(e.proc + "/exe")); err == nil {
			tf.Exe = l
		}
		if b, err := e.root.ReadFile(e.proc + "/cmdline"); err == nil {
			tf.Cmdline = strings.TrimSpace(strings.ReplaceAll(string(b), "\x00", " "))
		}
		if b, err := e.root.ReadFile(e.proc + "/cgroup"); err == nil {
			tf.Unit = serviceUnit(string(b))
		}
	}

	switch {
	case t.NetNS == "":
		if e.self {
			e.netnsDesc = "of this process"
		} else {
			e.netnsDesc = fmt.Sprintf("of PID %d", e.pid)
			e.netnsPath = e.root.Path(e.proc + "/ns/net")
		}
	case strings.HasPrefix(t.NetNS, "/"):
		e.netnsPath = e.root.Path(t.NetNS)
		e.netnsDesc = t.NetNS
	default:
		if err := validNetnsName(t.NetNS); err != nil {
			e.netnsErr = err
		}
		e.netnsPath = e.root.Path("/run/netns", t.NetNS)
		e.netnsDesc = "named " + strconv.Quote(t.NetNS)
	}
	tf.NetNS = e.netnsDesc
	if isCapture && t.NetNS == "" {
		tf.NetNS = captured.Target.NetNS + " (as captured)"
	}
	if !e.root.Live() {
		// A captured tree holds the namespace links as text: "net:[4026531840]".
		tf.NetNSInode = nsLinkInode(e.root.Path(e.proc + "/ns/net"))
		if host := hostNetNSInode(e.root); host != 0 && tf.NetNSInode != 0 {
			same := host == tf.NetNSInode
			tf.HostNetNS = &same
		}
	} else if e.netnsErr == nil {
		p := e.netnsPath
		if p == "" {
			p = e.root.Path(e.proc + "/ns/net")
		}
		var st syscall.Stat_t
		if err := syscall.Stat(p, &st); err != nil {
			e.netnsErr = fmt.Errorf("network namespace %s: %s", e.netnsDesc, Reason(err))
			if t.NetNSInode != 0 {
				e.netnsErr = fmt.Errorf("network namespace net:[%d] is gone (%s: %s)", t.NetNSInode, e.netnsDesc, Reason(err))
			}
		} else if t.NetNSInode != 0 && st.Ino != t.NetNSInode {
			e.netnsErr = fmt.Errorf("network namespace net:[%d] is gone: the namespace %s is net:[%d], another one", t.NetNSInode, e.netnsDesc, st.Ino)
		} else {
			tf.NetNSInode = st.Ino
			if host := hostNetNSInode(e.root); host != 0 {
				same := host == st.Ino
				tf.HostNetNS = &same
			}
			if t.NetNS == "" {
				// Run under `ip netns exec NAME`: say the name too.
				if name := runNetnsName(st.Ino); name != "" {
					tf.NetNS += " (" + strconv.Quote(name) + ")"
				}
			}
			// The namespace is always entered, even when it looks like our
			// own: /proc/self/ns/net is the main thread's, and a thread that
			// entered a namespace may be the main one (Go keeps a locked main
			// thread wedged instead of ending it).
		}
	}
	if e.netnsErr != nil {
		tf.Gaps.AddReason("netns", e.netnsErr.Error())
	}
	return e, tf
}

// runNetnsName is the name under /run/netns of the namespace ino, "" when
// it has none.
func runNetnsName(ino uint64) string {
	ents, _ := os.ReadDir("/run/netns")
	for _, d := range ents {
		var st syscall.Stat_t
		if syscall.Stat(filepath.Join("/run/netns", d.Name()), &st) == nil && st.Ino == ino && validNetnsName(d.Name()) == nil {
			return d.Name()
		}
	}
	return ""
}

// validNetnsName accepts what `ip netns add` accepts: a single path element.
func validNetnsName(s string) error {
	if s == "" || s == "." || s == ".." || strings.ContainsAny(s, "/\x00") || len(s) > 255 {
		return fmt.Errorf("%q is not a valid network namespace name", clip(s, 40))
	}
	return nil
}

// nsLinkInode reads a namespace link's text ("net:[4026531840]") and returns
// the inode number in it, or 0.
func nsLinkInode(path string) uint64 {
	l, err := os.Readlink(path)
	if err != nil {
		return 0
	}
	i, j := strings.IndexByte(l, '['), strings.IndexByte(l, ']')
	if i < 0 || j <= i {
		return 0
	}
	n, _ := strconv.ParseUint(l[i+1:j], 10, 64)
	return n
}

// hostNetNSInode identifies the initial network namespace: kernel threads
// (kthreadd is PID 2) always live in it; PID 1 is the fallback (inside a
// PID namespace, PID 2 is an ordinary process). Some sandboxes refuse access
// to PID 1's namespaces: then this returns 0, "unknown".
//
// Either must be in the initial PID namespace (its ns/pid link, when it
// can be read, is pid:[4026531836]): PID 1 of a private PID namespace
// (unshare -n -p -f --mount-proc, a container) and a process named
// kthreadd there are not the host's, and their network namespace is then
// unknown (0), never taken for the host's.
func hostNetNSInode(r Root) uint64 {
	if comm, err := r.ReadString("/proc/2/comm"); err == nil && comm == "kthreadd" && inInitialPIDNS(r, "2") {
		if ino := nsLinkInode(r.Path("/proc/2/ns/net")); ino != 0 {
			return ino
		}
	}
	if !inInitialPIDNS(r, "1") {
		return 0
	}
	return nsLinkInode(r.Path("/proc/1/ns/net"))
}

// initPIDNSInode is the initial PID namespace's fixed inode
// (PROC_PID_INIT_INO, include/linux/proc_ns.h).
const initPIDNSInode = 0xEFFFFFFC

// inInitialPIDNS is false when /proc/PID/ns/pid names another PID
// namespace than the initial one; true when it names it or cannot be read
// (a capture without the link, a sandbox that hides PID 1's namespaces).
func inInitialPIDNS(r Root, pid string) bool {
	ino := nsLinkInode(r.Path("/proc/" + pid + "/ns/pid"))
	return ino == 0 || ino == initPIDNSInode
}

// serviceUnit finds the systemd service in a /proc/PID/cgroup file: the
// last ".service" component of the unified (or name=systemd) hierarchy's
// path, "" when there is none (a login session, a container's own tree).
func serviceUnit(cgroup string) string {
	for _, line := range strings.Split(cgroup, "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 || (parts[0] != "0" && parts[1] != "name=systemd") {
			continue
		}
		comps := strings.Split(parts[2], "/")
		for _, c := range comps {
			if strings.HasPrefix(c, "user@") && strings.HasSuffix(c, ".service") {
				return "" // a user's own service manager: its units are not system units
			}
		}
		for i := len(comps) - 1; i >= 0; i-- {
			c := comps[i]
			if strings.HasSuffix(c, ".service") && len(c) <= 256 && CheckUnitName(c) {
				return c
			}
		}
	}
	return ""
}

// CheckUnitName: a systemd unit name holds only ASCII letters, digits and
// ":-_.\@" (systemd's unit_name_is_valid).
func CheckUnitName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(":-_.\\@", r)) {
			return false
		}
	}
	return true
}
