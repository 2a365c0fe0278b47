package probes

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"golang.org/x/sys/unix"
)

// A capture is a gzipped tar of exactly the files the diagnosis reads, laid
// out as on the captured system (proc/..., sys/..., etc/..., var/log/...),
// plus rtnl-doctor's own files under CaptureMeta: the manifest, the netlink
// facts of the target namespace (net.json) and what cannot be archived as a
// file (device nodes: devices.json). `--root FILE.tar.gz` (or the unpacked
// directory) reads it back.

// CaptureMeta is the directory inside a capture holding rtnl-doctor's files.
const CaptureMeta = "rtnl-doctor"

// CaptureFormat is the layout version written in the manifest.
const CaptureFormat = 1

// DefaultCaptureMax bounds the uncompressed size of a capture.
const DefaultCaptureMax = 64 << 20

// captureLogTail is how much of the end of each log is kept: what the
// diagnosis reads (MaxLogTail).
const captureLogTail = MaxLogTail

// maxCaptureFDs bounds the fd links captured for the target process.
const maxCaptureFDs = 4096

// maxCaptureDrivers bounds the links whose driver a capture asks (one
// ioctl each).
const maxCaptureDrivers = 4096

// maxCaptureIfaceSysctls bounds the interfaces whose per-interface sysctls
// are captured.
const maxCaptureIfaceSysctls = 512

// RedactedMarker replaces every secret left out of a capture. It starts
// with "***", which sosreport also uses for what it redacts.
const RedactedMarker = "***redacted-by-rtnl-doctor***"

// CaptureManifest says what a capture holds and what it could not.
type CaptureManifest struct {
	Format      int           `json:"format"`
	Tool        string        `json:"tool_version"`
	Host        string        `json:"host"`
	Kernel      string        `json:"kernel"`
	Time        time.Time     `json:"time"`
	Target      CaptureTarget `json:"target"`
	Files       int           `json:"files"`
	Bytes       int64         `json:"bytes"`
	Truncated   []string      `json:"truncated,omitempty"`
	Redacted    []string      `json:"redacted,omitempty"`
	Unreadable  Gaps          `json:"unreadable,omitempty"`
	NotCaptured Gaps          `json:"not_captured,omitempty"`
	// Symlinks are the symlinks met among the files copied, by path on the
	// captured system: an archive holds only links whose target stays in
	// the tree, so the target text is kept here. A link's target's content
	// is copied (at the link's path, or the link is stored when its target
	// is a plain relative path) only when it lies in the directories
	// captured (captureLinkRoots), never a credential file.
	Symlinks map[string]source.LinkRecord `json:"symlinks,omitempty"`
	// Looked are the configuration directories the capture looked in: one
	// missing from the tree did not exist (a capture without the list says
	// nothing of absent directories).
	Looked []string `json:"looked,omitempty"`
}

// CaptureTarget is what was examined.
type CaptureTarget struct {
	PID        int    `json:"pid"`
	NetNS      string `json:"netns"`
	NetNSInode uint64 `json:"netns_inode,omitempty"`
}

// CapturedNet is net.json: the netlink facts of the target namespace.
type CapturedNet struct {
	Links  []Link  `json:"links"`
	Addrs  []Addr  `json:"addrs"`
	Routes []Route `json:"routes"`
	Rules  []Rule  `json:"rules"`
	// Drivers are the drivers of the links (ETHTOOL_GDRVINFO), the first
	// maxCaptureDrivers links; a link whose driver has no ethtool
	// operations has none. Always written ([] when none), so that a
	// capture without the key is one made before drivers were captured.
	Drivers []Driver `json:"drivers"`
	Gaps    Gaps     `json:"unavailable,omitempty"`
}

// CapturedDevice is a device node, described (archives carry no nodes).
type CapturedDevice struct {
	Path  string `json:"path"`
	Mode  uint32 `json:"mode"` // st_mode: type and permission bits
	UID   uint32 `json:"uid"`
	GID   uint32 `json:"gid"`
	Major uint32 `json:"major"`
	Minor uint32 `json:"minor"`
}

// CaptureOptions choose what is captured.
type CaptureOptions struct {
	Target Target
	// From is the tree files are read from: "" for the live system (tests
	// capture a fixture tree; netlink facts are always live).
	From     string
	Version  string
	MaxBytes int64 // uncompressed; 0 means DefaultCaptureMax
}

type capturer struct {
	ctx    context.Context
	tw     *tar.Writer
	m      *CaptureManifest
	budget int64
	seen   map[string]bool
	now    time.Time
	full   bool
	// canonDirs caches each directory's real path; links are the symlinked
	// directories met on the way (/lib -> usr/lib), written last so that no
	// entry lies below a symlink.
	canonDirs map[string]string
	links     map[string]string
	r         Root // what is read: "/" (From, for tests, a tree)
}

// s is the path of p on the system read.
func (c *capturer) s(p string) string {
	if c.r.Live() {
		// /proc/net and this process's /proc/PID/net are the thread-group
		// leader's namespace, which a goroutine's netns.Do may have moved
		// for a moment: this thread's own is the process's (threadSelfNet).
		for _, pre := range []string{"/proc/net/", "/proc/self/net/", "/proc/" + strconv.Itoa(os.Getpid()) + "/net/"} {
			if rest, ok := strings.CutPrefix(p, pre); ok {
				return threadSelfNet() + "/net/" + rest
			}
		}
	}
	return c.r.Path(p)
}

var errCaptureFull = errors.New("the capture reached its size limit")

// Capture writes a capture of the live system for the target to w.
func Capture(ctx context.Context, w io.Writer, o CaptureOptions) (*CaptureManifest, error) {
	t := o.Target
	t.Root = o.From
	t.Watcher = nil
	e, tf := resolve(t)
	le := e
	if o.From != "" {
		lt := t
		lt.Root, lt.PID = "", 0
		le, _ = resolve(lt)
	}
	max := o.MaxBytes
	if max <= 0 {
		max = DefaultCaptureMax
	}
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	c := &capturer{ctx: ctx, tw: tar.NewWriter(zw), budget: max, seen: map[string]bool{}, now: time.Now(),
		canonDirs: map[string]string{}, links: map[string]string{}, r: e.root,
		m: &CaptureManifest{Format: CaptureFormat, Tool: o.Version, Time: time.Now().UTC(),
			Target: CaptureTarget{PID: e.pid, NetNS: e.netnsDesc, NetNSInode: tf.NetNSInode}}}
	c.m.Host, _ = e.root.ReadString("/proc/sys/kernel/hostname")
	c.m.Kernel, _ = e.root.ReadString("/proc/sys/kernel/osrelease")
	for _, g := range tf.Gaps {
		c.m.Unreadable.AddReason("target."+g.Fact, g.Reason)
	}

	c.global()
	c.process(e)
	c.configs()
	c.logs(ctx, e)
	c.modules()
	c.netns(le)
	c.devices(e)

	c.journal(ctx)
	if c.full {
		c.m.NotCaptured.AddReason("size", fmt.Sprintf("the capture reached its limit of %d MiB: later files were left out (see unreadable)", max>>20))
	}
	var linkNames []string
	for l := range c.links {
		linkNames = append(linkNames, l)
	}
	sort.Strings(linkNames)
	for _, l := range linkNames {
		c.rawSymlink(l, c.links[l])
	}
	sort.Strings(c.m.Redacted)
	mb, _ := json.MarshalIndent(c.m, "", "  ")
	c.budget += int64(len(mb)) // the manifest is always written
	if err := c.add(CaptureMeta+"/manifest.json", mb); err != nil {
		return nil, err
	}
	if _, err := c.tw.Write(mb); err != nil {
		return nil, err
	}
	if err := c.tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return c.m, nil
}

// canon returns the archive name of the live path p: its directory's real
// path (symlinked directories resolved, and remembered), relative.
func (c *capturer) canon(p string) string {
	p = path.Clean("/" + p)
	if strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/"+CaptureMeta+"/") {
		return strings.TrimPrefix(p, "/") // /proc/PID/... has no symlinked directory we use
	}
	dir, base := path.Split(p)
	dir = path.Clean(dir)
	real, ok := c.canonDirs[dir]
	if !ok {
		real = dir
		if r, err := filepath.EvalSymlinks(c.s(dir)); err == nil {
			if !c.r.Live() {
				r = "/" + strings.TrimPrefix(strings.TrimPrefix(r, c.r.Dir), "/")
			}
			real = r
		}
		c.canonDirs[dir] = real
		if real != dir {
			c.noteLinks(dir)
		}
	}
	return strings.TrimPrefix(path.Join(real, base), "/")
}

// noteLinks remembers the symlinks among dir's components whose targets
// can be stored (relative, inside the tree).
func (c *capturer) noteLinks(dir string) {
	cur := "/"
	for _, comp := range strings.Split(strings.TrimPrefix(dir, "/"), "/") {
		next := path.Join(cur, comp)
		if l, err := os.Readlink(c.s(next)); err == nil {
			t := l
			if strings.HasPrefix(l, "/") {
				if rel, err := filepath.Rel(cur, l); err == nil {
					t = rel
				}
			}
			if checkLinkTarget(strings.TrimPrefix(next, "/"), t) == nil && !strings.HasPrefix(t, "/") {
				c.links[strings.TrimPrefix(next, "/")] = t
			}
			r, err := filepath.EvalSymlinks(c.s(next))
			if err != nil {
				return
			}
			if !c.r.Live() {
				r = "/" + strings.TrimPrefix(strings.TrimPrefix(r, c.r.Dir), "/")
			}
			next = r
		}
		cur = next
	}
}

// add writes one regular file into the archive.
func (c *capturer) add(name string, data []byte) error {
	name = c.canon(name)
	if c.seen[name] {
		return nil
	}
	if int64(len(data)) > c.budget {
		c.full = true
		c.m.Unreadable.AddReason("/"+name, "left out: the capture reached its size limit")
		return errCaptureFull
	}
	c.budget -= int64(len(data))
	c.seen[name] = true
	c.m.Files++
	c.m.Bytes += int64(len(data))
	return c.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: int64(len(data)), Mode: 0o644, ModTime: c.now})
}

func (c *capturer) write(name string, data []byte) {
	if err := c.add(name, data); err == nil {
		c.tw.Write(data)
	}
}

// dir records an (empty) directory: its existence is a fact.
func (c *capturer) dir(name string) {
	name = c.canon(name)
	if c.seen[name+"/"] {
		return
	}
	c.seen[name+"/"] = true
	c.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: 0o755, ModTime: c.now})
}

// symlink records a symlink with its target text.
func (c *capturer) symlink(name, target string) {
	c.rawSymlink(c.canon(name), target)
}

func (c *capturer) rawSymlink(name, target string) {
	if c.seen[name] {
		return
	}
	c.seen[name] = true
	c.tw.WriteHeader(&tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777, ModTime: c.now})
}

// file copies a file of the live system. A missing file is recorded only
// when mustExist (most files are optional: their absence is a fact the
// reader sees as absence). redact filters the content.
func (c *capturer) file(p string, redact func(p string, b []byte) []byte) {
	st, err := os.Lstat(c.s(p))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.m.Unreadable.Add(p, err)
		}
		return
	}
	switch {
	case st.Mode()&fs.ModeSymlink != 0:
		l, err := os.Readlink(c.s(p))
		if err != nil {
			c.m.Unreadable.Add(p, err)
			return
		}
		if l == "/dev/null" {
			c.symlink(p, l) // a masked unit: the link is the fact
			return
		}
		c.link(p, l, redact)
		return
	case st.IsDir():
		c.dir(p)
		return
	case !st.Mode().IsRegular():
		c.write(p, nil) // a socket or fifo: its existence is the fact
		c.m.NotCaptured.AddReason(p, "not a regular file ("+st.Mode().Type().String()+"): an empty file stands for it")
		return
	}
	f, err := os.OpenFile(c.s(p), os.O_RDONLY|syscall.O_NONBLOCK|unix.O_NOFOLLOW, 0)
	if err != nil {
		c.m.Unreadable.Add(p, err)
		return
	}
	b, err := c.readCapped(p, f)
	if errors.Is(err, syscall.EINVAL) && strings.Contains(p, "/attr/") {
		return // no security module provides this attribute: nothing to read
	}
	if err != nil {
		c.m.Unreadable.Add(p, err)
		return
	}
	if redact != nil {
		b = redact(p, b)
	}
	c.write(p, b)
}

// readCapped reads at most MaxFileSize bytes of the regular file f (closing
// it); a file longer than that is cut, and the cut listed in the manifest.
func (c *capturer) readCapped(p string, f *os.File) ([]byte, error) {
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", p, st.Mode().Type())
	}
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxFileSize || st.Size() > MaxFileSize {
		b = b[:min(len(b), MaxFileSize)]
		c.m.Truncated = append(c.m.Truncated, fmt.Sprintf("%s: the first %d of %d bytes", p, len(b), max(st.Size(), int64(len(b))+1)))
	}
	return b, nil
}

// captureLinkRoots are the directories (on the captured system) a symlink
// met in a copied file may lead into and have its target's content copied:
// the configuration directories captured, and the few non-secret places
// single files are links into (os-release, kernel config, modules lists).
func captureLinkRoots() []string {
	roots := []string{"/etc/cni/net.d", "/etc/NetworkManager/system-connections", "/etc/NetworkManager/conf.d",
		"/run/NetworkManager/system-connections", "/run/NetworkManager/conf.d",
		"/usr/lib/NetworkManager/system-connections", "/usr/lib/NetworkManager/conf.d",
		"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d",
		"/usr/lib/os-release", "/etc/os-release", "/boot", "/lib/modules", "/usr/lib/modules"}
	return append(roots, netconfig.NetworkdDirs...)
}

// inLinkRoots reports whether sys, a fully resolved path on the captured
// system, lies in captureLinkRoots (/lib/systemd/network resolved through
// /lib -> usr/lib is /usr/lib/systemd/network, one of them; a root that is
// itself a link elsewhere does not carry its target in).
func inLinkRoots(sys string) bool {
	for _, d := range captureLinkRoots() {
		if sys == d || strings.HasPrefix(sys, d+"/") {
			return true
		}
	}
	return false
}

// sysPath turns a resolved host path into its path on the captured system;
// ok is false when it lies outside the tree read.
func (c *capturer) sysPath(real string) (string, bool) {
	if c.r.Live() {
		return real, true
	}
	rel, err := filepath.Rel(c.r.Dir, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
		return "", false
	}
	return "/" + filepath.ToSlash(rel), true
}

// sensitiveFile names the files whose content a capture never copies,
// whatever leads to them.
func sensitiveFile(p string) bool {
	switch path.Base(p) {
	case "shadow", "gshadow", "shadow-", "gshadow-", "master.passwd", "sudoers", "opasswd", "security.capability":
		return true
	}
	for _, d := range []string{"/etc/ssh/", "/etc/ssl/private/", "/root/", "/home/", "/etc/sudoers.d/", "/var/lib/NetworkManager/secret_key"} {
		if strings.HasPrefix(p, d) || p+"/" == d {
			return true
		}
	}
	return strings.HasSuffix(p, ".key") || strings.HasSuffix(p, "_key")
}

// link records the symlink p (whose text is l) in the manifest, with what
// can be kept of it: the link itself when its target is a plain relative
// path (which the archive may hold), and its target's content only when the
// target, resolved, lies in captureLinkRoots and is no credential file.
func (c *capturer) link(p, l string, redact func(string, []byte) []byte) {
	rec := source.LinkRecord{Target: l}
	defer func() {
		if c.m.Symlinks == nil {
			c.m.Symlinks = map[string]source.LinkRecord{}
		}
		c.m.Symlinks[p] = rec
	}()
	plain := checkLinkTarget(p, l) == nil && !strings.HasPrefix(l, "/")
	real, err := filepath.EvalSymlinks(c.s(p))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			rec.Dangling = true
			if plain {
				c.symlink(p, l)
			}
			return
		}
		rec.NotCopied = Reason(err)
		c.m.Unreadable.Add(p, err)
		return
	}
	sys, ok := c.sysPath(real)
	if !ok {
		rec.NotCopied = "the target is outside the captured tree"
		c.m.NotCaptured.AddReason(p, "a symlink to "+clip(l, 200)+": "+rec.NotCopied)
		return
	}
	switch {
	case sensitiveFile(sys):
		rec.NotCopied = "its target " + clip(sys, 200) + " is a credential file"
	case !inLinkRoots(sys):
		rec.NotCopied = "its target " + clip(sys, 200) + " is outside the directories captured"
	}
	if rec.NotCopied != "" {
		c.m.NotCaptured.AddReason(p, "a symlink to "+clip(l, 200)+": "+rec.NotCopied+", not copied")
		if plain {
			c.symlink(p, l)
		}
		return
	}
	// Opened without following any symlink: what was checked is what is
	// read, even if a link changes meanwhile.
	fd, err := unix.Openat2(unix.AT_FDCWD, real, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_NONBLOCK | unix.O_CLOEXEC, Resolve: unix.RESOLVE_NO_SYMLINKS})
	if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
		fd, err = unix.Open(real, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	}
	if err != nil {
		rec.NotCopied = Reason(err)
		c.m.Unreadable.Add(p, &os.PathError{Op: "open", Path: real, Err: err})
		return
	}
	f := os.NewFile(uintptr(fd), real)
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		if plain {
			c.symlink(p, l)
		}
		return // a directory: what the walk reaches of it is captured there
	}
	b, err := c.readCapped(p, f)
	if err != nil {
		rec.NotCopied = Reason(err)
		c.m.Unreadable.Add(p, err)
		return
	}
	if redact != nil {
		b = redact(p, b)
	}
	if plain {
		// The link and its target, each at its own path.
		c.symlink(p, l)
		c.write(sys, b)
	} else {
		c.write(p, b)
	}
	rec.Copied = true
}

// tree copies the regular files (and /dev/null links) of a directory,
// recursively, at most depth levels down.
func (c *capturer) tree(dir string, depth int, redact func(string, []byte) []byte) {
	// A configuration directory that is (or lies below) a symlink is
	// walked only when it resolves into the directories captured: linked
	// to /etc or /root it would copy whatever is there.
	if real, err := filepath.EvalSymlinks(c.s(dir)); err == nil {
		sys, ok := c.sysPath(real)
		if !ok || !inLinkRoots(sys) || sensitiveFile(sys) {
			l, _ := os.Readlink(c.s(dir))
			if l != "" {
				if c.m.Symlinks == nil {
					c.m.Symlinks = map[string]source.LinkRecord{}
				}
				c.m.Symlinks[dir] = source.LinkRecord{Target: l, NotCopied: "a directory outside the directories captured"}
			}
			c.m.NotCaptured.AddReason(dir, "resolves to "+clip(real, 200)+", outside the directories captured: not walked")
			return
		}
	}
	ents, err := os.ReadDir(c.s(dir))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.m.Unreadable.Add(dir, err)
		}
		return
	}
	c.dir(dir)
	if len(ents) > netconfig.MaxDirEntries {
		c.m.Truncated = append(c.m.Truncated, fmt.Sprintf("%s: the first %d of %d entries", dir, netconfig.MaxDirEntries, len(ents)))
		ents = ents[:netconfig.MaxDirEntries]
	}
	for _, de := range ents {
		p := filepath.Join(dir, de.Name())
		if de.IsDir() {
			if depth > 0 {
				c.tree(p, depth-1, redact)
			}
			continue
		}
		c.file(p, redact)
	}
}

// global copies the kernel-wide /proc and /sys files.
func (c *capturer) global() {
	for _, p := range []string{
		"/proc/sys/fs/file-nr", "/proc/sys/fs/file-max", "/proc/sys/fs/nr_open", "/proc/sys/vm/min_free_kbytes",
		"/proc/sys/user/max_user_namespaces", "/proc/sys/user/max_net_namespaces",
		"/proc/sys/kernel/unprivileged_userns_clone", "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
		"/proc/sys/kernel/modules_disabled", "/proc/sys/kernel/dmesg_restrict", "/proc/sys/kernel/osrelease",
		"/proc/sys/kernel/version", "/proc/sys/kernel/hostname", "/proc/sys/kernel/modprobe", "/proc/sys/kernel/cap_last_cap",
		"/proc/meminfo", "/proc/buddyinfo", "/proc/slabinfo", "/proc/pressure/memory", "/proc/modules", "/proc/cmdline",
		"/proc/stat", "/proc/config.gz",
		// Module signature enforcement and lockdown (probes/modules.go).
		"/sys/module/module/parameters/sig_enforce", "/sys/kernel/security/lockdown",
		// The neighbour tables and their limits are global (probes/neigh.go).
		"/proc/net/stat/arp_cache", "/proc/net/stat/ndisc_cache",
		"/proc/sys/net/ipv4/neigh/default/gc_thresh1", "/proc/sys/net/ipv4/neigh/default/gc_thresh2", "/proc/sys/net/ipv4/neigh/default/gc_thresh3",
		"/proc/sys/net/ipv6/neigh/default/gc_thresh1", "/proc/sys/net/ipv6/neigh/default/gc_thresh2", "/proc/sys/net/ipv6/neigh/default/gc_thresh3",
		"/proc/1/comm", "/proc/1/cgroup", "/proc/2/comm",
		"/sys/kernel/security/lsm", "/sys/kernel/security/apparmor/profiles", "/sys/module/apparmor/parameters/enabled",
		"/sys/fs/selinux/enforce", "/sys/fs/selinux/policyvers",
	} {
		c.file(p, nil)
	}
	c.file("/proc/1/environ", keepEnv)
	// iproute2's package (probes/host_iproute2.go): its stanza only, not
	// the whole database.
	for _, db := range []string{"/var/lib/dpkg/status", "/usr/lib/opkg/status", "/lib/apk/db/installed"} {
		c.file(db, keepIPRoute2Stanzas)
	}
	if ents, err := os.ReadDir(c.s("/var/lib/pacman/local")); err == nil {
		for _, de := range ents {
			if strings.HasPrefix(de.Name(), "iproute2-") {
				c.dir("/var/lib/pacman/local/" + de.Name())
			}
		}
	}
	for _, p := range []string{"/usr/sbin/ip", "/sbin/ip", "/bin/ip", "/usr/bin/ip"} {
		if l, err := os.Readlink(c.s(p)); err == nil {
			// Only whether it is BusyBox's applet matters (and an absolute
			// target would leave the tree).
			if filepath.Base(l) == "busybox" {
				c.symlink(p, "busybox")
			}
			break
		}
	}
	for _, pid := range []string{"1", "2"} {
		if l, err := os.Readlink(c.s("/proc/" + pid + "/ns/net")); err == nil {
			c.symlink("/proc/"+pid+"/ns/net", l)
		}
	}
	// Every process's name: the network managers are found by it.
	if d, err := os.Open(c.s("/proc")); err == nil {
		names, _ := d.Readdirnames(-1)
		d.Close()
		n := 0
		for _, name := range names {
			if _, err := strconv.Atoi(name); err != nil {
				continue
			}
			if n++; n > maxFDScan {
				break
			}
			c.file("/proc/"+name+"/comm", nil)
		}
	}
	// Loaded modules show as /sys/module/NAME (builtin ones too).
	if ents, err := os.ReadDir(c.s("/sys/module")); err == nil {
		for _, de := range ents {
			c.dir("/sys/module/" + de.Name())
			c.file("/sys/module/"+de.Name()+"/initstate", nil)
		}
	} else {
		c.m.Unreadable.Add("/sys/module", err)
	}
	for _, p := range []string{"/sys/fs", "/sys/kernel/security", "/sys/kernel/security/apparmor"} {
		if st, err := os.Stat(c.s(p)); err == nil && st.IsDir() {
			c.dir(p)
		}
	}
}

// keepIPRoute2Stanzas keeps the stanzas of a package database (dpkg, opkg,
// apk: blank-line separated) that describe an iproute2 package.
func keepIPRoute2Stanzas(_ string, b []byte) []byte {
	var out []byte
	for _, st := range bytes.Split(b, []byte("\n\n")) {
		for _, line := range bytes.Split(st, []byte("\n")) {
			name, ok := bytes.CutPrefix(line, []byte("Package: "))
			if !ok {
				name, ok = bytes.CutPrefix(line, []byte("P:"))
			}
			if ok && iproute2Packages[string(bytes.TrimSpace(name))] != 0 {
				out = append(append(out, bytes.TrimLeft(st, "\n")...), '\n', '\n')
				break
			}
		}
	}
	return out
}

// keepEnv keeps only container= from an environment block: the rest may
// hold secrets and is not read.
func keepEnv(_ string, b []byte) []byte {
	var out []byte
	for _, kv := range bytes.Split(b, []byte{0}) {
		if bytes.HasPrefix(kv, []byte("container=")) {
			out = append(append(out, kv...), 0)
		}
	}
	return out
}

// process copies the target process's files.
func (c *capturer) process(e *env) {
	if e.pid <= 0 {
		return
	}
	proc := "/proc/" + strconv.Itoa(e.pid)
	if _, err := os.Stat(c.s(proc)); err != nil {
		c.m.Unreadable.Add(proc, err)
		return
	}
	for _, f := range []string{"status", "limits", "cgroup", "comm", "cmdline", "mountinfo", "uid_map", "gid_map",
		"setgroups", "loginuid", "attr/current", "attr/apparmor/current", "net/dev", "net/netlink"} {
		c.file(proc+"/"+f, nil)
	}
	c.file(proc+"/environ", keepEnv)
	if l, err := os.Readlink(c.s(proc + "/exe")); err == nil {
		c.symlink(proc+"/exe", l)
	} else {
		c.m.Unreadable.Add(proc+"/exe", err)
	}
	if ents, err := os.ReadDir(c.s(proc + "/ns")); err == nil {
		for _, de := range ents {
			if l, err := os.Readlink(c.s(proc + "/ns/" + de.Name())); err == nil {
				c.symlink(proc+"/ns/"+de.Name(), l)
			}
		}
	}
	if d, err := os.Open(c.s(proc + "/fd")); err == nil {
		c.dir(proc + "/fd")
		names, _ := d.Readdirnames(-1)
		d.Close()
		if len(names) > maxCaptureFDs {
			c.m.Truncated = append(c.m.Truncated, fmt.Sprintf("%s/fd: the first %d of %d descriptors", proc, maxCaptureFDs, len(names)))
			names = names[:maxCaptureFDs]
		}
		for _, n := range names {
			if l, err := os.Readlink(c.s(proc + "/fd/" + n)); err == nil {
				c.symlink(proc+"/fd/"+n, l)
			}
		}
	} else {
		c.m.Unreadable.Add(proc+"/fd", err)
	}
	c.symlink("/proc/self", strconv.Itoa(e.pid))
}

// configs copies the network managers' and container runtimes'
// configuration, secrets replaced by RedactedMarker.
func (c *capturer) configs() {
	for _, p := range []string{"/etc/hostname", "/etc/passwd", "/etc/group", "/etc/subuid", "/etc/subgid",
		"/etc/selinux/config", "/etc/docker/daemon.json", "/etc/os-release", "/.dockerenv", "/run/.containerenv",
		netconfig.NMMainConf, "/run/docker.sock"} {
		c.file(p, c.redact)
	}
	for _, d := range []string{"/var/lib/docker", "/etc/docker", "/var/lib/containerd", "/run/containerd", "/opt/cni/bin",
		"/var/lib/cni", "/var/lib/kubelet", "/run/netns"} {
		if st, err := os.Stat(c.s(d)); err == nil && st.IsDir() {
			c.dir(d) // their existence is the fact read
		}
	}
	c.tree("/etc/cni/net.d", 1, c.redact)
	for _, d := range netconfig.NetworkdDirs {
		c.tree(d, 2, c.redact)
		c.m.Looked = append(c.m.Looked, d)
	}
	for _, d := range []string{"/etc/NetworkManager/system-connections", "/etc/NetworkManager/conf.d",
		"/run/NetworkManager/system-connections", "/run/NetworkManager/conf.d",
		"/usr/lib/NetworkManager/system-connections", "/usr/lib/NetworkManager/conf.d"} {
		c.tree(d, 2, c.redact)
		c.m.Looked = append(c.m.Looked, d)
	}
	c.m.Looked = append(c.m.Looked, netconfig.NMMainConf)
	for _, d := range []string{"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"} {
		ents, err := os.ReadDir(c.s(d))
		if err != nil {
			continue
		}
		for _, de := range ents {
			if strings.Contains(strings.ToLower(de.Name()), "networkmanager") || strings.Contains(de.Name(), "net") {
				c.file(filepath.Join(d, de.Name()), nil)
			}
		}
	}
}

// logs copies the tails of the logs the diagnosis reads, and the kernel
// log as the live diagnosis read it (/dev/kmsg) as var/log/kern.log.
func (c *capturer) logs(ctx context.Context, e *env) {
	for _, p := range []string{lsm.AuditLogPath, "/var/log/syslog", "/var/log/messages", "/var/log/dmesg"} {
		c.logTail(p)
	}
	lines, src, err := e.kernelLog(ctx)
	if err != nil || src == "/var/log/kern.log" {
		c.logTail("/var/log/kern.log")
		return
	}
	var b bytes.Buffer
	host := c.m.Host
	if host == "" {
		host = "localhost"
	}
	for _, l := range lines {
		ts := l.Time
		if ts.IsZero() {
			ts = c.now
		}
		fmt.Fprintf(&b, "%s %s kernel: %s\n", ts.UTC().Format(time.RFC3339Nano), host, strings.ReplaceAll(l.Text, "\n", " "))
	}
	data := b.Bytes()
	if len(data) > captureLogTail {
		data = data[len(data)-captureLogTail:]
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			data = data[i+1:]
		}
	}
	c.write("/var/log/kern.log", data)
	c.m.Truncated = append(c.m.Truncated, "/var/log/kern.log: written from "+src+" (what the live diagnosis reads), not copied")
}

func (c *capturer) logTail(p string) {
	st, err := os.Lstat(c.s(p))
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.m.Unreadable.Add(p, err)
		}
		return
	}
	if st.Mode()&fs.ModeSymlink != 0 {
		// A log is a link only by mistake or malice: it is recorded, its
		// target's content is not copied.
		l, _ := os.Readlink(c.s(p))
		if c.m.Symlinks == nil {
			c.m.Symlinks = map[string]source.LinkRecord{}
		}
		c.m.Symlinks[p] = source.LinkRecord{Target: l, NotCopied: "a log that is a symlink is not followed"}
		c.m.NotCaptured.AddReason(p, "a symlink to "+clip(l, 200)+": not followed")
		return
	}
	b, err := ReadTail(c.s(p), captureLogTail)
	if err != nil {
		c.m.Unreadable.Add(p, err)
		return
	}
	if st.Size() > int64(len(b)) {
		c.m.Truncated = append(c.m.Truncated, fmt.Sprintf("%s: the last %d of %d bytes", p, len(b), st.Size()))
	}
	c.write(p, b)
}

// modules copies the running kernel's module lists and config.
func (c *capturer) modules() {
	rel, err := os.ReadFile(c.s("/proc/sys/kernel/osrelease"))
	if err != nil {
		c.m.Unreadable.Add("/proc/sys/kernel/osrelease", err)
		return
	}
	r := strings.TrimSpace(string(rel))
	if ents, err := os.ReadDir(c.s("/lib/modules")); err == nil {
		for _, de := range ents {
			c.dir("/lib/modules/" + de.Name())
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		c.m.Unreadable.Add("/lib/modules", err)
	}
	if ValidIfName(r) == nil || !strings.Contains(r, "/") {
		for _, f := range []string{"modules.builtin", "modules.dep", "modules.alias"} {
			c.file("/lib/modules/"+r+"/"+f, nil)
		}
		c.file("/boot/config-"+r, nil)
	}
	if mp, err := os.ReadFile(c.s("/proc/sys/kernel/modprobe")); err == nil {
		p := strings.TrimSpace(string(mp))
		if strings.HasPrefix(p, "/") {
			if _, err := os.Stat(c.s(p)); err == nil {
				c.write(p, nil)
				c.m.NotCaptured.AddReason(p, "an empty file stands for the modprobe helper: only its existence is read")
			}
		}
	}
}

// netns captures the target namespace's netlink facts and net.* sysctls.
func (c *capturer) netns(e *env) {
	n := gatherNetDump(e)
	cn := CapturedNet{Links: n.Links, Addrs: n.Addrs, Routes: n.Routes, Gaps: n.Gaps}
	if s, err := e.dialRoute(); err == nil {
		_ = s.SetTimeout(e.timeout)
		if rules, err := dumpRules(s); err != nil {
			cn.Gaps.AddReason("rules", "rule dump failed: "+Reason(err))
		} else {
			cn.Rules = rules
		}
		s.Close()
	} else {
		cn.Gaps.AddReason("rules", err.Error())
	}
	var names []string
	for i, l := range n.Links {
		if i >= maxCaptureDrivers {
			c.m.Truncated = append(c.m.Truncated, fmt.Sprintf("drivers: the first %d of %d links", maxCaptureDrivers, len(n.Links)))
			break
		}
		if ValidIfName(l.Name) == nil {
			names = append(names, l.Name)
		}
	}
	if e.netnsErr != nil {
		cn.Gaps.AddReason("drivers", Reason(e.netnsErr))
	} else if len(names) > 0 {
		drivers, err := ethtoolDrivers(e, names)
		if err != nil {
			cn.Gaps.AddReason("drivers", Reason(err))
		} else if drivers == nil {
			drivers = []Driver{}
		}
		cn.Drivers = drivers
	}
	for _, g := range cn.Gaps {
		c.m.Unreadable.AddReason("net."+g.Fact, g.Reason)
	}
	b, _ := json.Marshal(cn)
	c.write(CaptureMeta+"/net.json", EscapeTerminal(b))

	// net.* sysctls as the namespace shows them, under proc/sys/net.
	devs := []string{"all", "default"}
	for i, l := range n.Links {
		if i >= maxCaptureIfaceSysctls {
			c.m.Truncated = append(c.m.Truncated, fmt.Sprintf("per-interface sysctls: the first %d of %d links", maxCaptureIfaceSysctls, len(n.Links)))
			break
		}
		if ValidIfName(l.Name) == nil {
			devs = append(devs, l.Name)
		}
	}
	files := []string{"/proc/sys/net/ipv4/ip_forward", "/proc/sys/net/ipv6/conf/all/forwarding"}
	for _, d := range devs {
		files = append(files, "/proc/sys/net/ipv4/conf/"+d+"/rp_filter", "/proc/sys/net/ipv6/conf/"+d+"/disable_ipv6")
	}
	type kv struct {
		p string
		b []byte
	}
	var got []kv
	var errs []Gap
	read := func() error {
		for _, p := range files {
			b, err := readBounded(p, 4096)
			if err != nil {
				if !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, Gap{Fact: p, Reason: Reason(err)})
				}
				continue
			}
			got = append(got, kv{p, b})
		}
		return nil
	}
	var err error
	switch {
	case e.netnsErr != nil:
		err = e.netnsErr
	case e.netnsPath == "":
		read()
	default:
		err = netns.Do(e.netnsPath, read)
	}
	if err != nil {
		c.m.Unreadable.AddReason("/proc/sys/net", "cannot enter the network namespace "+e.netnsDesc+": "+Reason(err))
	}
	for _, g := range errs {
		c.m.Unreadable = append(c.m.Unreadable, g)
	}
	for _, x := range got {
		c.write(x.p, x.b)
	}
}

// devices describes /dev/net/tun (archives carry no device nodes).
func (c *capturer) devices(e *env) {
	p := "/dev/net/tun"
	if !e.self && e.pid > 0 {
		p = "/proc/" + strconv.Itoa(e.pid) + "/root/dev/net/tun"
	}
	var devs []CapturedDevice
	var st syscall.Stat_t
	if err := syscall.Lstat(c.s(p), &st); err == nil {
		devs = append(devs, CapturedDevice{Path: "/dev/net/tun", Mode: st.Mode, UID: st.Uid, GID: st.Gid,
			Major: unix.Major(st.Rdev), Minor: unix.Minor(st.Rdev)})
	} else if !errors.Is(err, syscall.ENOENT) {
		c.m.Unreadable.Add(p, &os.PathError{Op: "lstat", Path: p, Err: err})
	}
	b, _ := json.Marshal(devs)
	c.write(CaptureMeta+"/devices.json", b)
	if e.pid > 0 {
		c.file("/proc/"+strconv.Itoa(e.pid)+"/status", nil)
	}
}
