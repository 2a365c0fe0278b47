package fix

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unsafe"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"golang.org/x/sys/unix"
)

// Identity names the objects an action changes so that the very same
// objects, and no others, are changed, checked and undone later: nsfs inode
// numbers and PIDs are reused, names are only names.
type Identity struct {
	// BootID is /proc/sys/kernel/random/boot_id when the action ran: after a
	// reboot no namespace or process of the entry exists any more.
	BootID string `json:"boot_id"`
	// NetNS is the network namespace the action acts in (net actions and
	// net.* sysctls), whether or not it was named.
	NetNS *NetnsID `json:"netns,omitempty"`
	// Proc is the process the action acts on (prlimit) or whose mount
	// namespace it acts in (/dev fixes).
	Proc *ProcID `json:"proc,omitempty"`
	// Link is the link the action changes (link-mtu, link-set,
	// altname-delete, addr-replace, addr-delete), in NetNS: its name
	// and ifindex. A link deleted and made again under the same name is
	// another link (another ifindex).
	Link *LinkID `json:"link,omitempty"`
}

// LinkID identifies a link within its network namespace: the ifindex the
// kernel gave it (not reused until the namespace's counter wraps), and
// the name it had, which is only shown and used to find it.
type LinkID struct {
	Name  string `json:"name"`
	Index uint32 `json:"ifindex"`
}

func (l *LinkID) String() string { return fmt.Sprintf("%s (ifindex %d)", l.Name, l.Index) }

// NetnsID identifies a network namespace: its cookie (SO_NETNS_COOKIE,
// never reused while the system runs), its nsfs device and inode (reused),
// NS_GET_ID where the kernel has it, and how it was named.
type NetnsID struct {
	Cookie uint64 `json:"cookie"`
	ID     uint64 `json:"ns_id,omitempty"`
	Dev    uint64 `json:"dev"`
	Ino    uint64 `json:"ino"`
	// Named is how the operator named it: an nsfs path, or "" for the
	// namespace rtnl-doctor itself ran in.
	Named string `json:"named,omitempty"`
}

func (n *NetnsID) String() string {
	name := n.Named
	if name == "" {
		name = "rtnl-doctor's own"
	}
	return fmt.Sprintf("%s (net:[%d], cookie %d)", name, n.Ino, n.Cookie)
}

// ProcID identifies a process: PID plus start time (clock ticks since boot,
// /proc/PID/stat field 22). Comm is shown, never compared.
type ProcID struct {
	PID   int    `json:"pid"`
	Start uint64 `json:"start"`
	Comm  string `json:"comm,omitempty"`
}

// bootID reads the kernel's boot id.
func bootID() string {
	b, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	return strings.TrimSpace(string(b))
}

// procIdentity reads a process's identity now.
func procIdentity(pid int) (*ProcID, error) {
	if err := procIsOurs(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("process %d is gone", pid)
		}
		return nil, err
	}
	s := string(b)
	open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
	if open < 0 || end < open {
		return nil, fmt.Errorf("/proc/%d/stat: unreadable", pid)
	}
	// Fields after the comm start with field 3 (state); start time is 22.
	f := strings.Fields(s[end+1:])
	if len(f) < 20 {
		return nil, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	start, err := strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return nil, fmt.Errorf("/proc/%d/stat: start time %q", pid, f[19])
	}
	return &ProcID{PID: pid, Start: start, Comm: s[open+1 : end]}, nil
}

// sameProc says why the process recorded is not the one with that PID now
// ("" when it is).
func sameProc(rec *ProcID) string {
	now, err := procIdentity(rec.PID)
	if err != nil {
		return err.Error() + " (it was " + rec.Comm + ")"
	}
	if now.Start != rec.Start {
		return fmt.Sprintf("PID %d is now another process (%s, started at tick %d; the fix changed %s, started at tick %d)",
			rec.PID, now.Comm, now.Start, rec.Comm, rec.Start)
	}
	return ""
}

// netnsIdentity reads the identity of the network namespace at the nsfs
// path p, or of the calling thread's namespace when p is "".
func netnsIdentity(p string) (*NetnsID, error) {
	id := &NetnsID{Named: p}
	statPath := p
	if p == "" {
		statPath = "/proc/thread-self/ns/net"
	}
	f, err := os.Open(statPath)
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: %w", statPath, err)
	}
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return nil, err
	}
	id.Dev, id.Ino = st.Dev, st.Ino
	var nsid uint64
	if _, _, e := unix.Syscall(unix.SYS_IOCTL, f.Fd(), unix.NS_GET_ID, uintptr(unsafe.Pointer(&nsid))); e == 0 {
		id.ID = nsid // Linux 6.11+
	}
	cookie := func() error {
		s, err := unix.Socket(unix.AF_UNIX, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(s)
		id.Cookie, err = unix.GetsockoptUint64(s, unix.SOL_SOCKET, unix.SO_NETNS_COOKIE)
		if errors.Is(err, unix.ENOPROTOOPT) {
			// Before Linux 5.14: no cookie. The namespace is then known by
			// its nsfs inode and NS_GET_ID (if any), which compare-before-undo
			// backs up.
			id.Cookie, err = 0, nil
		}
		return err
	}
	if p == "" {
		err = cookie()
	} else {
		err = netns.Do(p, cookie)
	}
	if err != nil {
		return nil, fmt.Errorf("network namespace %s: its cookie (SO_NETNS_COOKIE, Linux 5.14+): %w", OrName(p, "of rtnl-doctor"), err)
	}
	return id, nil
}

// findNetns returns an nsfs path that reaches the recorded namespace now:
// the path it was named by if it still leads there, else any name under
// /run/netns or any process in it. It fails when the namespace is gone.
func findNetns(rec *NetnsID) (string, error) {
	try := func(p string) bool {
		var st unix.Stat_t
		if unix.Stat(p, &st) != nil || st.Ino != rec.Ino || st.Dev != rec.Dev {
			return false
		}
		id, err := netnsIdentity(p)
		return err == nil && id.Cookie == rec.Cookie && (rec.ID == 0 || id.ID == rec.ID)
	}
	if rec.Named != "" && try(rec.Named) {
		return rec.Named, nil
	}
	if try("/proc/thread-self/ns/net") {
		return "", nil
	}
	var cands []string
	for _, d := range []string{"/run/netns", "/var/run/netns"} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			cands = append(cands, filepath.Join(d, e.Name()))
		}
	}
	procs, _ := os.ReadDir("/proc")
	for _, e := range procs {
		if _, err := strconv.Atoi(e.Name()); err == nil {
			cands = append(cands, "/proc/"+e.Name()+"/ns/net")
		}
	}
	for _, c := range cands {
		if try(c) {
			return c, nil
		}
	}
	return "", errNetnsGone{fmt.Sprintf("the network namespace %s no longer exists (no name and no process leads to it): nothing was changed", rec)}
}

// errNetnsGone: no name and no process leads to the recorded namespace
// (or the system has rebooted since: every namespace and process of the
// entry is gone). What an action changed there went with it, unless
// something else (a bind mount elsewhere) still holds the namespace.
type errNetnsGone struct{ msg string }

func (e errNetnsGone) Error() string { return e.msg }

// errLinkGone: the recorded link is no longer in its namespace (deleted,
// perhaps made again under the same name: another ifindex). What the
// action changed on it went with it; the link now holding the name is
// another object and is never touched.
type errLinkGone struct{ msg string }

func (e errLinkGone) Error() string { return e.msg }

// linkIdentity reads the ifindex of the link named name in the action's
// namespace.
func linkIdentity(a *Action, name string) (*LinkID, error) {
	id := &LinkID{Name: name}
	err := withLink(a, name, func(_ *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		id.Index = l.Index
		return nil
	})
	if err != nil {
		return nil, err
	}
	return id, nil
}

// linkByIndex asks the kernel for the link with ifindex idx (found false
// when there is none).
func linkByIndex(c *rtnetlink.Conn, idx uint32) (rtnetlink.LinkMessage, bool, error) {
	msgs, err := c.Execute(&rtnetlink.LinkMessage{Family: unix.AF_UNSPEC, Index: idx}, unix.RTM_GETLINK, netlink.Request)
	if errors.Is(err, unix.ENODEV) {
		return rtnetlink.LinkMessage{}, false, nil
	}
	if err != nil {
		return rtnetlink.LinkMessage{}, false, nlErr(err)
	}
	for _, m := range msgs {
		if lm, ok := m.(*rtnetlink.LinkMessage); ok && lm.Index == idx && lm.Attributes != nil {
			return *lm, true, nil
		}
	}
	return rtnetlink.LinkMessage{}, false, nil
}

// sameLink says why the link named rec.Name in the action's namespace is
// not the recorded one ("" when it is). It is an errLinkGone when the
// recorded ifindex is gone from the namespace.
func sameLink(a *Action, rec *LinkID) error {
	return withConn(a, func(c *rtnetlink.Conn) error {
		byIndex, stillThere, ierr := linkByIndex(c, rec.Index)
		if ierr != nil {
			return ierr
		}
		l, err := linkByName(c, rec.Name)
		switch {
		case err == nil && l.Index == rec.Index:
			return nil
		case err != nil && !strings.HasPrefix(err.Error(), "Cannot find device"):
			return err
		case stillThere && err != nil:
			// Renamed since: the same link, which undo acts on once it has
			// its name back (third review: no advice was given).
			return fmt.Errorf("the link the fix changed, %s, is now named %q: nothing was changed; to undo, give it its name back in its network namespace (%s) and undo again",
				rec, byIndex.Attributes.Name, Argv("ip", "link", "set", "dev", byIndex.Attributes.Name, "name", rec.Name))
		case stillThere:
			return fmt.Errorf("%s is now another link (ifindex %d) and the link the fix changed, %s, is now named %q: nothing was changed",
				rec.Name, l.Index, rec, byIndex.Attributes.Name)
		case err != nil:
			return errLinkGone{fmt.Sprintf("the link the fix changed, %s, is gone: nothing was changed", rec)}
		}
		return errLinkGone{fmt.Sprintf("the link the fix changed, %s, is gone: %s is now another link (ifindex %d), made since: nothing was changed",
			rec, rec.Name, l.Index)}
	})
}

// pinNetns opens the namespace at p and checks through that descriptor
// that it is the recorded one. The path returned, /proc/self/fd/N, leads to
// that very namespace until release is called, whatever happens to p (the
// process whose /proc/PID/ns/net it is may end and its PID be reused).
func pinNetns(p string, rec *NetnsID) (string, func(), error) {
	f, err := os.Open(p)
	if err != nil {
		return "", nil, fmt.Errorf("the network namespace %s: %w: nothing was changed", rec, err)
	}
	held := fmt.Sprintf("/proc/self/fd/%d", f.Fd())
	id, err := netnsIdentity(held)
	if err != nil || id.Dev != rec.Dev || id.Ino != rec.Ino || id.Cookie != rec.Cookie || (rec.ID != 0 && id.ID != rec.ID) {
		f.Close()
		return "", nil, fmt.Errorf("the network namespace %s changed while it was being found (%s no longer leads to it): nothing was changed", rec, p)
	}
	return held, func() { f.Close() }, nil
}

// FileID identifies a file: device, inode and the SHA-256 of its content.
type FileID struct {
	Dev, Ino uint64
	SHA256   string
}

func (f FileID) state() map[string]string {
	return map[string]string{"dev": strconv.FormatUint(f.Dev, 10), "ino": strconv.FormatUint(f.Ino, 10), "sha256": f.SHA256}
}

// fileIdentity reads the identity of an open regular file.
func fileIdentity(fd *os.File) (FileID, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(fd.Fd()), &st); err != nil {
		return FileID{}, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return FileID{}, fmt.Errorf("%s: not a regular file", fd.Name())
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(fd, 0, st.Size)); err != nil {
		return FileID{}, err
	}
	return FileID{Dev: st.Dev, Ino: st.Ino, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// diffStates lists how the state now differs from the state wanted, in
// words ("" when it is the same).
func diffStates(want, now map[string]string) string {
	var d []string
	for _, k := range sortedKeys(want) {
		if want[k] != now[k] {
			label, show := k, func(v string) string { return orNone(short(v)) }
			if k == "ctime" {
				// A change time, as a person reads it: a touch or a
				// chmod moves it (third review: an epoch number said nothing).
				label, show = "changed (ctime)", ctimeText
			}
			d = append(d, fmt.Sprintf("%s is %s (the fix left %s)", label, show(now[k]), show(want[k])))
		}
	}
	sort.Strings(d)
	return strings.Join(d, "; ")
}

// ctimeText renders a journaled ctime ("SECONDS.NANOSECONDS") as a local
// time, or the text as it is.
func ctimeText(v string) string {
	sec, frac, ok := strings.Cut(v, ".")
	n, err := strconv.ParseInt(sec, 10, 64)
	ns, err2 := strconv.ParseInt(frac, 10, 64)
	if !ok || err != nil || err2 != nil {
		return orNone(short(v))
	}
	return time.Unix(n, ns).Local().Format("2006-01-02 15:04:05.000000000")
}

func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// procIsOurs checks that /proc is the PID namespace rtnl-doctor runs in:
// PIDs read from another namespace's /proc (unshare -p without
// --mount-proc) name other processes than the ones prlimit, pidfd_open and
// kill reach with the same number.
func procIsOurs() error {
	self, err := os.Readlink("/proc/self")
	if err != nil {
		return fmt.Errorf("/proc/self: %w", err)
	}
	if self != strconv.Itoa(os.Getpid()) {
		return fmt.Errorf("the /proc mounted here belongs to another PID namespace (/proc/self is %s, this process is %d): its PIDs do not name the processes a change by PID reaches: nothing was changed", self, os.Getpid())
	}
	return nil
}
