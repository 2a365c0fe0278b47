// Package source is what every probe reads through: a Root directory with
// bounded reads, the Gaps a group records with their Reasons, and the log and
// journal readers. It sits below probes and its sub-packages (netconfig,
// lsm), so they share it without importing each other.
package source

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// MaxFileSize bounds every whole-file read. procfs and sysfs files are far
// smaller; a configuration file larger than this is not read past it.
const MaxFileSize = 4 << 20

// MaxLogTail bounds how much of the end of a log file is read.
const MaxLogTail = 4 << 20

// Root is the directory the system is read below.
type Root struct {
	Dir string
	// Outputs answers, for a sosreport, the reads of files it did not copy
	// from its command outputs (probes/sos.go); nil otherwise.
	Outputs Outputs
}

// Outputs answers the read of a file a capture did not copy from what it
// holds instead (a sosreport's command outputs).
type Outputs interface {
	Lookup(p string) ([]byte, bool)
}

// NewRoot returns a Root for dir; "" means the live system ("/"). outputs,
// when not nil, is asked for the files below dir that are missing.
func NewRoot(dir string, outputs func(dir string) Outputs) Root {
	if dir == "" {
		return Root{Dir: "/"}
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	dir = filepath.Clean(dir)
	r := Root{Dir: dir}
	if outputs != nil {
		r.Outputs = outputs(dir)
	}
	return r
}

// Live reports whether the root is the running system's own "/".
func (r Root) Live() bool { return r.Dir == "/" || r.Dir == "" }

// Path returns the path of p (an absolute path on the examined system) below
// the root.
func (r Root) Path(p ...string) string {
	if r.Live() {
		return filepath.Join(append([]string{"/"}, p...)...)
	}
	// Cleaned as an absolute path first, so that no ".." in p (a link target
	// read from a captured tree) climbs out of the tree.
	return filepath.Join(r.Dir, filepath.Clean("/"+filepath.Join(p...)))
}

// ReadFile reads at most MaxFileSize bytes of the file at p below the root.
func (r Root) ReadFile(p string) ([]byte, error) {
	b, err := r.ReadLimit(p, MaxFileSize)
	if err != nil && r.Outputs != nil && errors.Is(err, fs.ErrNotExist) {
		if d, ok := r.Outputs.Lookup(p); ok {
			return d, nil
		}
	}
	return b, err
}

// ReadString reads a small file and trims surrounding white space.
func (r Root) ReadString(p string) (string, error) {
	b, err := r.ReadLimit(p, 64<<10)
	if err != nil && r.Outputs != nil && errors.Is(err, fs.ErrNotExist) {
		if d, ok := r.Outputs.Lookup(p); ok {
			b, err = d, nil
		}
	}
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

// ReadInt reads a file holding one integer (a sysctl, a sysfs attribute).
func (r Root) ReadInt(p string) (int64, error) {
	s, err := r.ReadString(p)
	if err != nil {
		return 0, err
	}
	f := strings.Fields(s)
	if len(f) == 0 {
		return 0, fmt.Errorf("%s: empty", r.Path(p))
	}
	v, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: not a number: %q", r.Path(p), Clip(f[0], 40))
	}
	return v, nil
}

// Exists reports whether p exists below the root (without following a final
// symlink).
func (r Root) Exists(p string) bool {
	_, err := os.Lstat(r.Path(p))
	if err != nil && r.Outputs != nil {
		_, ok := r.Outputs.Lookup(p)
		return ok
	}
	return err == nil
}

// ReadTail reads at most max bytes from the end of the file at p (an absolute
// path on the host, not below the root: callers join it themselves). The
// first, possibly partial, line is dropped when the read did not start at the
// beginning of the file.
func ReadTail(path string, max int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return readTail(f, max)
}

// ReadTail reads the end of the file at p below the root, as ReadTail does;
// below a captured tree, symlinks resolve inside the tree (ReadInRoot).
func (r Root) ReadTail(p string, max int64) ([]byte, error) {
	if r.Live() {
		return ReadTail(r.Path(p), max)
	}
	f, err := openInRoot(r.Dir, p)
	if err != nil {
		return nil, err
	}
	return readTail(f, max)
}

func readTail(f *os.File, max int64) ([]byte, error) {
	path := f.Name()
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	size := st.Size()
	off := int64(0)
	if size > max {
		off = size - max
	}
	buf := make([]byte, size-off)
	n, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	buf = buf[:n]
	if off > 0 {
		if i := bytes.IndexByte(buf, '\n'); i >= 0 {
			buf = buf[i+1:]
		} else {
			buf = nil
		}
	}
	return buf, nil
}

// ReadBounded reads at most limit bytes of the file at path (a host path).
// Only a regular file is read: the open does not block (a FIFO planted in a
// captured tree would hang the reader) and anything else is refused.
func ReadBounded(path string, limit int64) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return readRegular(f, limit)
}

func readRegular(f *os.File, limit int64) ([]byte, error) {
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", f.Name(), st.Mode().Type())
	}
	return io.ReadAll(io.LimitReader(f, limit))
}

// ReadInRoot reads at most limit bytes of the file rel below the directory
// dir (a captured tree, a sosreport), resolving it as if dir were "/": a
// symlink in the tree, absolute or with "..", stays inside it (openat2's
// RESOLVE_IN_ROOT, Linux 5.6). Where openat2 is missing, a path whose
// resolution leaves dir is refused instead.
func ReadInRoot(dir, rel string, limit int64) ([]byte, error) {
	f, err := openInRoot(dir, rel)
	if err != nil {
		return nil, err
	}
	return readRegular(f, limit)
}

// OpenInRoot opens rel below the directory dir for reading, resolved as
// ReadInRoot does (symlinks stay inside dir, no magic links), without
// blocking on a FIFO; the caller checks what it opened.
func OpenInRoot(dir, rel string) (*os.File, error) { return openInRoot(dir, rel) }

// openInRoot opens rel below dir for reading, resolved inside dir, without
// blocking on a FIFO (the caller checks the file is regular).
func openInRoot(dir, rel string) (*os.File, error) {
	rel = strings.TrimPrefix(filepath.Clean("/"+rel), "/")
	shown := filepath.Join(dir, rel)
	if rel == "" {
		return nil, fmt.Errorf("%s: not a regular file", shown)
	}
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	fd, err := unix.Openat2(int(d.Fd()), rel, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_NONBLOCK | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS,
	})
	switch {
	case err == nil:
		return os.NewFile(uintptr(fd), shown), nil
	case errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM):
		// No openat2 (or a seccomp filter refusing it): resolve by hand.
		real, rerr := filepath.EvalSymlinks(shown)
		if rerr != nil {
			return nil, rerr
		}
		if base, berr := filepath.EvalSymlinks(dir); berr != nil || real != base && !strings.HasPrefix(real, base+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s: resolves outside the examined tree", shown)
		}
		return os.OpenFile(real, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	default:
		return nil, &fs.PathError{Op: "open", Path: shown, Err: err}
	}
}

// ReadLimit reads at most limit bytes of the file at p below the root; below
// a captured tree, symlinks resolve inside the tree (ReadInRoot).
func (r Root) ReadLimit(p string, limit int64) ([]byte, error) {
	if r.Live() {
		return ReadBounded(r.Path(p), limit)
	}
	return ReadInRoot(r.Dir, p, limit)
}

// ReadDirNames lists the directory p below the root; below a captured tree
// it is resolved inside the tree, like ReadLimit.
func (r Root) ReadDirNames(p string) ([]string, error) {
	var f *os.File
	var err error
	if r.Live() {
		f, err = os.Open(r.Path(p))
	} else if rel := strings.TrimPrefix(filepath.Clean("/"+p), "/"); rel == "" {
		f, err = os.Open(r.Dir)
	} else {
		f, err = openInRoot(r.Dir, rel)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Readdirnames(-1)
}

// Readlink reads the symbolic link p below the root; below a captured tree
// its directory is resolved inside the tree.
func (r Root) Readlink(p string) (string, error) {
	if r.Live() {
		return os.Readlink(r.Path(p))
	}
	dir, base := filepath.Split(filepath.Clean("/" + p))
	var d *os.File
	var err error
	if rel := strings.TrimPrefix(filepath.Clean(dir), "/"); rel == "" {
		d, err = os.Open(r.Dir)
	} else {
		d, err = openInRoot(r.Dir, rel)
	}
	if err != nil {
		return "", err
	}
	defer d.Close()
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(int(d.Fd()), base, buf)
	if err != nil {
		return "", &fs.PathError{Op: "readlink", Path: r.Path(p), Err: err}
	}
	return string(buf[:n]), nil
}

// Gap records a fact that could not be read, and why.
type Gap struct {
	Fact   string `json:"fact"`
	Reason string `json:"reason"`
}

// Gaps is the list of facts of a group that could not be read.
type Gaps []Gap

// Add records that fact could not be read because of err.
func (g *Gaps) Add(fact string, err error) {
	if err == nil {
		return
	}
	*g = append(*g, Gap{Fact: fact, Reason: Reason(err)})
}

// AddReason records that fact could not be read, with a reason in words.
func (g *Gaps) AddReason(fact, reason string) {
	*g = append(*g, Gap{Fact: fact, Reason: reason})
}

// Reason returns why fact is unavailable, if it is.
func (g Gaps) Reason(fact string) (string, bool) {
	for _, x := range g {
		if x.Fact == fact {
			return x.Reason, true
		}
	}
	return "", false
}

// hiddenRoots are the temporary directories archives were unpacked to:
// Reason names a file below one by its path in the captured tree, not by
// a temporary path that is gone when the report is read.
var hiddenRoots struct {
	sync.Mutex
	dirs []string
}

// HideRoot registers dir (an unpacked archive's root) for Reason.
func HideRoot(dir string) {
	hiddenRoots.Lock()
	defer hiddenRoots.Unlock()
	hiddenRoots.dirs = append(hiddenRoots.dirs, strings.TrimSuffix(dir, "/"))
}

func unhide(path string) string {
	hiddenRoots.Lock()
	defer hiddenRoots.Unlock()
	for _, d := range hiddenRoots.dirs {
		if rest, ok := strings.CutPrefix(path, d+"/"); ok {
			return "/" + rest + " (in the captured tree)"
		}
	}
	return path
}

// Reason turns an error from a read into the words an operator reads after
// "unavailable: ".
func Reason(err error) string {
	if err == nil {
		return ""
	}
	var pe *fs.PathError
	path := ""
	if errors.As(err, &pe) {
		path = unhide(pe.Path)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out (a read did not finish in time)"
	case errors.Is(err, syscall.ESRCH):
		return "the process is gone"
	case errors.Is(err, fs.ErrNotExist) && path != "":
		return "missing file " + path
	case errors.Is(err, fs.ErrPermission) && path != "":
		return "permission denied reading " + path + permissionHint()
	case errors.Is(err, fs.ErrPermission):
		return "permission denied: " + err.Error() + permissionHint()
	case errors.Is(err, syscall.ENOSYS), errors.Is(err, syscall.EOPNOTSUPP):
		return "the kernel does not support this: " + err.Error()
	}
	return err.Error()
}

// euid is the effective user id Reason words its hint for (a variable for tests).
var euid = os.Geteuid

// permissionHint says what to do about a denied read: "run as root" helps
// only when not root; root itself is refused a process's files when it
// lacks CAP_SYS_PTRACE or CAP_DAC_READ_SEARCH, when the process is not
// dumpable, or when a security module says no.
func permissionHint() string {
	if euid() != 0 {
		return " (run as root)"
	}
	return " (refused to root too: a missing capability such as CAP_SYS_PTRACE or CAP_DAC_READ_SEARCH, a process that is not dumpable, or a security module)"
}

// Clip shortens s to at most n bytes, for error messages that quote input.
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// LinkRecord is how a capture records a symlink it met (its manifest's
// "symlinks"): the target as the link held it, whether it led nowhere on
// the captured system, and whether the target's content was copied.
type LinkRecord struct {
	Target   string `json:"target"`
	Dangling bool   `json:"dangling,omitempty"`
	// Copied: the target's content is in the capture, at the link's path.
	Copied bool `json:"copied,omitempty"`
	// NotCopied says why the target's content was left out.
	NotCopied string `json:"not_copied,omitempty"`
}

// CaptureInfo is what an rtnl-doctor capture's manifest says about its tree
// beyond the files: the symlinks it met (by path on the captured system) and
// the directories it looked in (whose absence from the tree is then a fact).
type CaptureInfo struct {
	Symlinks map[string]LinkRecord
	Looked   map[string]bool
}

// Captured returns the capture information of a root; probes sets it (the
// manifest's layout is its own). It returns nil for a root that is not an
// rtnl-doctor capture.
var Captured func(r Root) *CaptureInfo

// Capture returns what the capture's manifest says of the tree, or nil (the
// live system, a sosreport, a directory copied by hand).
func (r Root) Capture() *CaptureInfo {
	if r.Live() || Captured == nil {
		return nil
	}
	return Captured(r)
}
