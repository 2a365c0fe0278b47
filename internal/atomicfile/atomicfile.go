// Package atomicfile replaces files the way a tool running as root must:
// never through a symlink (neither the file nor any directory above it),
// atomically (a temporary file in the same directory, fsync, rename), and
// keeping what was there so the change can be undone.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// MaxBackup bounds the previous content kept for undo.
const MaxBackup = 1 << 20

// ErrSymlink is returned when a symlink is found where a file is written.
var ErrSymlink = errors.New("refusing to write through a symlink")

// Previous is what a path held before a write.
type Previous struct {
	Existed bool        `json:"existed"`
	Data    []byte      `json:"data,omitempty"`
	Mode    os.FileMode `json:"mode,omitempty"`
	UID     int         `json:"uid"`
	GID     int         `json:"gid"`
}

// openDir opens the directory dir without following any symlink in its
// path (openat2 RESOLVE_NO_SYMLINKS; a component walk on kernels before 5.6).
func openDir(dir string) (int, error) {
	if !filepath.IsAbs(dir) {
		return -1, fmt.Errorf("%s: not an absolute path", dir)
	}
	fd, err := unix.Openat2(unix.AT_FDCWD, dir, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	switch {
	case err == nil:
		return fd, nil
	case errors.Is(err, unix.ELOOP):
		return -1, fmt.Errorf("%s: %w (a directory in the path is a symlink)", dir, ErrSymlink)
	case !errors.Is(err, unix.ENOSYS):
		return -1, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	// Old kernel: walk the components with O_NOFOLLOW.
	fd, err = unix.Open("/", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1, err
	}
	for _, c := range strings.Split(strings.Trim(filepath.Clean(dir), "/"), "/") {
		if c == "" {
			continue
		}
		next, err := unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.ENOTDIR) {
			return -1, fmt.Errorf("%s: %w (%s is a symlink)", dir, ErrSymlink, c)
		}
		if err != nil {
			return -1, &os.PathError{Op: "open", Path: dir, Err: err}
		}
		fd = next
	}
	return fd, nil
}

// Read returns what path holds now (Existed false if nothing), refusing a
// symlink anywhere in the path.
func Read(path string) (*Previous, error) {
	dfd, err := openDir(filepath.Dir(path))
	if errors.Is(err, os.ErrNotExist) {
		return &Previous{}, nil
	}
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	return readAt(dfd, path)
}

func readAt(dfd int, path string) (*Previous, error) {
	base := filepath.Base(path)
	var st unix.Stat_t
	err := unix.Fstatat(dfd, base, &st, unix.AT_SYMLINK_NOFOLLOW)
	if errors.Is(err, unix.ENOENT) {
		return &Previous{}, nil
	}
	if err != nil {
		return nil, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFLNK:
		return nil, fmt.Errorf("%s: %w", path, ErrSymlink)
	case unix.S_IFREG:
	default:
		return nil, fmt.Errorf("%s: not a regular file", path)
	}
	prev := &Previous{Existed: true, Mode: os.FileMode(st.Mode & 0o7777), UID: int(st.Uid), GID: int(st.Gid)}
	fd, err := unix.Openat(dfd, base, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxBackup+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBackup {
		return nil, fmt.Errorf("%s: larger than %d bytes, too large to back up", path, MaxBackup)
	}
	prev.Data = data
	return prev, nil
}

// Write replaces path with data and mode atomically and returns what was
// there before. The owner of a replaced file is kept; a new file belongs
// to the caller. A missing parent directory is created (0755). Nothing is
// written if any component of the path is a symlink.
func Write(path string, data []byte, mode os.FileMode) (*Previous, error) {
	dir := filepath.Dir(path)
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		if err := mkdirNoFollow(dir); err != nil {
			return nil, err
		}
	}
	dfd, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	prev, err := readAt(dfd, path)
	if err != nil {
		return nil, err
	}
	if err := replaceAt(dfd, path, data, mode, prev); err != nil {
		return nil, err
	}
	return prev, nil
}

// replaceAt writes a temporary file next to path and renames it over path.
func replaceAt(dfd int, path string, data []byte, mode os.FileMode, prev *Previous) error {
	base := filepath.Base(path)
	cleanTempsAt(dfd)
	tmp := fmt.Sprintf("%s%d.%s", TempPrefix, os.Getpid(), base)
	fd, err := unix.Openat(dfd, tmp, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return &os.PathError{Op: "create", Path: filepath.Join(filepath.Dir(path), tmp), Err: err}
	}
	f := os.NewFile(uintptr(fd), tmp)
	cleanup := func(e error) error {
		f.Close()
		unix.Unlinkat(dfd, tmp, 0)
		return e
	}
	if _, err := f.Write(data); err != nil {
		return cleanup(err)
	}
	if prev != nil && prev.Existed {
		if err := unix.Fchown(fd, prev.UID, prev.GID); err != nil && !errors.Is(err, unix.EPERM) {
			return cleanup(err)
		}
	}
	if err := unix.Fchmod(fd, uint32(mode.Perm())); err != nil {
		return cleanup(err)
	}
	if err := f.Sync(); err != nil {
		return cleanup(err)
	}
	if err := f.Close(); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return err
	}
	// The target may have become a symlink since it was read: renaming
	// replaces the link itself, never what it points to.
	if err := unix.Renameat(dfd, tmp, dfd, base); err != nil {
		unix.Unlinkat(dfd, tmp, 0)
		return &os.PathError{Op: "rename", Path: path, Err: err}
	}
	return unix.Fsync(dfd)
}

// Restore puts back what Write replaced: the previous content, mode and
// owner, or removes the file if there was none.
func Restore(path string, prev *Previous) error {
	dfd, err := openDir(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	if !prev.Existed {
		err := unix.Unlinkat(dfd, filepath.Base(path), 0)
		if errors.Is(err, unix.ENOENT) {
			return nil
		}
		return err
	}
	return replaceAt(dfd, path, prev.Data, prev.Mode, prev)
}

func mkdirNoFollow(dir string) error {
	parent := filepath.Dir(dir)
	if _, err := os.Lstat(parent); errors.Is(err, os.ErrNotExist) {
		if err := mkdirNoFollow(parent); err != nil {
			return err
		}
	}
	pfd, err := openDir(parent)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	if err := unix.Mkdirat(pfd, filepath.Base(dir), 0o755); err != nil && !errors.Is(err, unix.EEXIST) {
		return &os.PathError{Op: "mkdir", Path: dir, Err: err}
	}
	return nil
}

// TempPrefix starts the name of every temporary file this package makes
// ("PREFIX<pid>.<name>"): a file left by a process killed between writing
// and renaming is recognised and removed by the next write to that
// directory (or by CleanTemps).
const TempPrefix = ".rtnl-doctor-tmp."

// CleanTemps removes the temporary files left in dir by rtnl-doctor
// processes that no longer run, and returns their names.
func CleanTemps(dir string) ([]string, error) {
	dfd, err := openDir(dir)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	return cleanTempsAt(dfd), nil
}

func cleanTempsAt(dfd int) []string {
	fd, err := unix.Openat(dfd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	d := os.NewFile(uintptr(fd), ".")
	names, _ := d.Readdirnames(-1)
	d.Close()
	var removed []string
	for _, n := range names {
		rest, ok := strings.CutPrefix(n, TempPrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, ".")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid <= 0 {
			continue
		}
		// A live writer (another rtnl-doctor, or this one) keeps its file.
		if pid == os.Getpid() || unix.Kill(pid, 0) != unix.ESRCH {
			continue
		}
		var st unix.Stat_t
		if unix.Fstatat(dfd, n, &st, unix.AT_SYMLINK_NOFOLLOW) != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			continue
		}
		if unix.Unlinkat(dfd, n, 0) == nil {
			removed = append(removed, n)
		}
	}
	return removed
}

// Open opens path for reading without following a symlink at it or in any
// directory above it.
func Open(path string) (*os.File, error) {
	dfd, err := openDir(filepath.Dir(path))
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	fd, err := unix.Openat(dfd, filepath.Base(path), unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("%s: %w", path, ErrSymlink)
	}
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// OpenDir opens the directory dir without following a symlink anywhere in
// its path (openat2 RESOLVE_NO_SYMLINKS, or a component walk on kernels
// before 5.6). The caller closes the descriptor.
func OpenDir(dir string) (int, error) { return openDir(dir) }
