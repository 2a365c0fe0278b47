package probes

import (
	"archive/tar"
	"bufio"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"github.com/ulikunitz/xz"
)

// Reading an archive given to --root is an attack surface: it may come from
// anyone. OpenArchive unpacks it into a private temporary directory and
// refuses, naming the entry: absolute paths and ".." components; symlinks
// whose target is absolute or has a ".." component (except the kernel's
// magic links a capture records, /proc/PID/fd/N and /proc/PID/exe, which
// rtnl-doctor only ever reads with readlink, and "/dev/null", which is how a
// unit is masked); hard links, device nodes, fifos; an entry below a
// symlink; more than MaxArchiveUnpacked bytes or maxArchiveEntries entries.

// MaxArchiveUnpacked bounds what an archive may unpack to.
const MaxArchiveUnpacked = 512 << 20

const maxArchiveEntries = 200000

var magicLink = regexp.MustCompile(`^proc/[0-9]+/(fd/[0-9]+|exe)$`)

var archives struct {
	sync.Mutex
	dirs map[string]string // archive path -> unpacked root
	errs map[string]error
	// temps are the temporary directories made, which CloseArchives
	// removes: a sosreport's root is the one directory inside its
	// temporary directory, so removing the roots would leave those behind.
	temps []string
}

// IsArchive reports whether p names a file (an archive to unpack) rather
// than a directory.
func IsArchive(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// ArchiveRoot unpacks the archive at p once per process and returns the
// directory it was unpacked to. CloseArchives removes them.
func ArchiveRoot(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	archives.Lock()
	defer archives.Unlock()
	if d, ok := archives.dirs[abs]; ok {
		return d, nil
	}
	if err, ok := archives.errs[abs]; ok {
		return "", err
	}
	if archives.dirs == nil {
		archives.dirs, archives.errs = map[string]string{}, map[string]error{}
	}
	d, err := unpackArchive(abs)
	if err != nil {
		archives.errs[abs] = err
		return "", err
	}
	archives.dirs[abs] = d
	return d, nil
}

// CloseArchives removes every directory ArchiveRoot unpacked.
func CloseArchives() {
	archives.Lock()
	defer archives.Unlock()
	for _, d := range archives.temps {
		os.RemoveAll(d)
	}
	archives.temps = nil
	clear(archives.dirs)
}

func unpackArchive(p string) (string, error) {
	f, err := os.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	dest, err := os.MkdirTemp("", "rtnl-doctor-root-")
	if err != nil {
		return "", err
	}
	// A signal during the unpack (which may write hundreds of MiB) removes
	// the partial tree before the process ends as the signal asks; once
	// unpacked, the callers' own cleanup (CloseArchives) takes over.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-sigs:
			os.RemoveAll(dest)
			code := 130
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		case <-done:
		}
	}()
	root, err := Unpack(f, dest, MaxArchiveUnpacked)
	signal.Stop(sigs)
	close(done)
	if err != nil {
		os.RemoveAll(dest)
		return "", fmt.Errorf("archive %s: %w", p, err)
	}
	archives.temps = append(archives.temps, dest)
	source.HideRoot(root)
	return root, nil
}

// Unpack unpacks a tar (optionally gzip, xz or bzip2 compressed) read from r into the empty
// directory dest, with the checks above, and returns the root of the tree:
// dest, or its only top-level directory when the archive holds one (a
// sosreport's sosreport-HOST-DATE/).
func Unpack(r io.Reader, dest string, max int64) (string, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	if magic, err := br.Peek(6); err == nil {
		switch {
		case magic[0] == 0x1f && magic[1] == 0x8b:
			zr, err := gzip.NewReader(br)
			if err != nil {
				return "", err
			}
			defer zr.Close()
			src = zr
		case string(magic) == "\xfd7zXZ\x00":
			// sosreport's default compression (sos 3 and 4 on RHEL, Fedora,
			// Ubuntu). xzGuard refuses a block declaring a dictionary the
			// decoder would have to allocate beyond xz's largest preset.
			xr, err := xz.NewReader(newXZGuard(br))
			if err != nil {
				return "", fmt.Errorf("xz-compressed, but unreadable: %v", err)
			}
			src = xr
		case magic[0] == 'B' && magic[1] == 'Z' && magic[2] == 'h':
			// sosreport -z bzip2, older supportconfig.
			src = bzip2.NewReader(br)
		}
	}
	// Every decompressed byte counts, the skipped ones too (an entry the
	// checks pass over is still decompressed to reach the next header):
	// twice what may be written, then the archive is refused.
	limited := &readLimit{r: src, left: 2*max + 1<<20}
	tr := tar.NewReader(limited)
	var total int64
	entries := 0
	top := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", fmt.Errorf("not a readable tar archive: %v", err)
		}
		if entries++; entries > maxArchiveEntries {
			return "", fmt.Errorf("more than %d entries", maxArchiveEntries)
		}
		name, err := archiveName(h.Name)
		if err != nil {
			return "", err
		}
		if name == "" {
			continue
		}
		top[strings.SplitN(name, "/", 2)[0]] = true
		if err := noSymlinkParent(dest, name); err != nil {
			return "", err
		}
		target := filepath.Join(dest, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return "", err
			}
		case tar.TypeReg: // archive/tar reads an old archive's TypeRegA as TypeReg
			if h.Size < 0 || total+h.Size > max {
				return "", fmt.Errorf("unpacks to more than %d MiB", max>>20)
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return "", err
			}
			out, err := os.OpenFile(target, os.O_WRONLY|os.O_CREATE|os.O_EXCL|unix.O_NOFOLLOW, 0o644)
			if err != nil {
				return "", fmt.Errorf("entry %q: %v", h.Name, err)
			}
			n, err := io.Copy(out, io.LimitReader(tr, h.Size))
			out.Close()
			total += n
			if err != nil {
				return "", fmt.Errorf("entry %q: %v", h.Name, err)
			}
		case tar.TypeSymlink:
			if err := checkLinkTarget(name, h.Linkname); err != nil {
				return "", err
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return "", err
			}
			if err := os.Symlink(h.Linkname, target); err != nil {
				return "", fmt.Errorf("entry %q: %v", h.Name, err)
			}
		case tar.TypeLink:
			return "", fmt.Errorf("entry %q is a hard link: refused", clip(h.Name, 200))
		case tar.TypeChar, tar.TypeBlock:
			return "", fmt.Errorf("entry %q is a device node: refused", clip(h.Name, 200))
		case tar.TypeFifo:
			return "", fmt.Errorf("entry %q is a fifo: refused", clip(h.Name, 200))
		case tar.TypeXGlobalHeader, tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink:
		default:
			return "", fmt.Errorf("entry %q has type %q: refused", clip(h.Name, 200), h.Typeflag)
		}
	}
	if entries == 0 {
		return "", errors.New("empty archive")
	}
	// Read to the end of the compressed stream, so that its checks (gzip's
	// CRC, xz's block checks and index) are verified: a corrupt archive is
	// refused, not half trusted.
	if _, err := io.Copy(io.Discard, limited); err != nil {
		return "", fmt.Errorf("after the tar's end: %v", err)
	}
	if err := checkLinkChains(dest); err != nil {
		return "", err
	}
	if len(top) == 1 {
		for t := range top {
			if st, err := os.Lstat(filepath.Join(dest, t)); err == nil && st.IsDir() && !looksLikeRoot(t) {
				return filepath.Join(dest, t), nil
			}
		}
	}
	return dest, nil
}

// looksLikeRoot: a top-level name a system tree itself has.
func looksLikeRoot(name string) bool {
	switch name {
	case "proc", "sys", "etc", "var", "run", "lib", "usr", "boot", "dev", CaptureMeta:
		return true
	}
	return false
}

// archiveName validates and cleans an entry's name.
func archiveName(n string) (string, error) {
	if strings.ContainsRune(n, 0) {
		return "", fmt.Errorf("entry %q has a NUL byte in its name: refused", clip(n, 200))
	}
	if strings.HasPrefix(n, "/") {
		return "", fmt.Errorf("entry %q has an absolute path: refused", clip(n, 200))
	}
	for _, c := range strings.Split(n, "/") {
		if c == ".." {
			return "", fmt.Errorf("entry %q has a \"..\" component: refused", clip(n, 200))
		}
	}
	c := path.Clean(n)
	if c == "." {
		return "", nil
	}
	return c, nil
}

// checkLinkTarget refuses a symlink that could lead out of the tree.
func checkLinkTarget(name, target string) error {
	if target == "" || strings.ContainsRune(target, 0) {
		return fmt.Errorf("symlink %q has an empty or invalid target: refused", clip(name, 200))
	}
	if strings.HasPrefix(target, "/") {
		if target == "/dev/null" || magicLink.MatchString(name) && !hasDotDot(target) {
			return nil
		}
		return fmt.Errorf("symlink %q points to the absolute path %q, out of the tree: refused", clip(name, 200), clip(target, 200))
	}
	for _, c := range strings.Split(target, "/") {
		if c == ".." {
			return fmt.Errorf("symlink %q points to %q, which may lead out of the tree: refused", clip(name, 200), clip(target, 200))
		}
	}
	return nil
}

// hasDotDot reports a ".." component: a magic link's recorded target is
// read back into paths below the tree (file capabilities of /proc/PID/exe),
// where ".." would climb out of it.
func hasDotDot(p string) bool {
	for _, c := range strings.Split(p, "/") {
		if c == ".." {
			return true
		}
	}
	return false
}

// noSymlinkParent refuses an entry one of whose parent directories is a
// symlink (writing through it could land anywhere).
func noSymlinkParent(dest, name string) error {
	parts := strings.Split(name, "/")
	p := dest
	for _, c := range parts[:len(parts)-1] {
		p = filepath.Join(p, c)
		st, err := os.Lstat(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return fmt.Errorf("entry %q lies below the symlink %q: refused", clip(name, 200), clip(strings.TrimPrefix(p, dest+"/"), 200))
		}
	}
	// The entry itself may not replace an existing symlink either.
	if st, err := os.Lstat(filepath.Join(dest, name)); err == nil && st.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("entry %q replaces a symlink: refused", clip(name, 200))
	}
	return nil
}

// checkLinkChains refuses a relative symlink that leads, through other
// symlinks, to one with an absolute target: the magic links and /dev/null
// are allowed only where they stand, where rtnl-doctor reads them with
// readlink; reached through another link they would be followed out of the
// tree.
func checkLinkChains(dest string) error {
	return filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.Type()&os.ModeSymlink == 0 {
			return err
		}
		t, err := os.Readlink(p)
		if err != nil || strings.HasPrefix(t, "/") {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		if err := resolveInTree(dest, path.Join(path.Dir(filepath.ToSlash(rel)), t), 0); err != nil {
			return fmt.Errorf("symlink %q: %v: refused", clip(filepath.ToSlash(rel), 200), err)
		}
		return nil
	})
}

// resolveInTree follows p (relative to dest) component by component, and
// fails if a symlink on the way has an absolute target or the chain is too
// long or leaves the tree.
func resolveInTree(dest, p string, depth int) error {
	if depth > 40 {
		return errors.New("too many levels of symlinks")
	}
	p = path.Clean(p)
	if p == ".." || strings.HasPrefix(p, "../") {
		return errors.New("it leads out of the tree")
	}
	cur := "."
	for _, c := range strings.Split(p, "/") {
		next := path.Join(cur, c)
		st, err := os.Lstat(filepath.Join(dest, filepath.FromSlash(next)))
		if err != nil {
			return nil // a dangling link stays in the tree
		}
		if st.Mode()&os.ModeSymlink != 0 {
			t, err := os.Readlink(filepath.Join(dest, filepath.FromSlash(next)))
			if err != nil {
				return err
			}
			if strings.HasPrefix(t, "/") {
				return fmt.Errorf("it leads to %q, a link out of the tree", next)
			}
			target := path.Clean(path.Join(path.Dir(next), t))
			if err := resolveInTree(dest, target, depth+1); err != nil {
				return err
			}
			next = target
		}
		cur = next
	}
	return nil
}

// CheckRoot prepares a --root that needs it (unpacks an archive, lays out a
// supportconfig; both cached for the process) and says why it cannot be
// read, so a command can stop with that reason before gathering anything.
func CheckRoot(p string) error {
	switch {
	case p == "":
		return nil
	case IsArchive(p):
		_, err := ArchiveRoot(p)
		return err
	case IsSupportconfig(p):
		_, err := SupportconfigRoot(p)
		return err
	}
	st, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return errors.New("no such directory")
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s is neither a directory nor an archive", p)
	}
	return nil
}

// readLimit fails a read once left bytes have been read.
type readLimit struct {
	r    io.Reader
	left int64
}

func (l *readLimit) Read(p []byte) (int, error) {
	if l.left <= 0 {
		return 0, errors.New("the archive decompresses to more than twice what it may unpack: refused")
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
