package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// Device nodes and modes act in the target's mount namespace: with a
// "pid" parameter every path is resolved below /proc/PID/root (that
// process's root, in its own mount namespace), never rtnl-doctor's own
// /dev; without one, below the environment's root. No symlink is followed
// anywhere in the path (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS).

// targetRoot opens the root directory the action's paths are below.
func targetRoot(env *ActionEnv, a *Action) (int, string, error) {
	root := env.root()
	if pid := a.Param("pid"); pid != "" {
		root = "/proc/" + pid + "/root"
	}
	fd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil && a.Param("pid") != "" {
		// The process's root is gone with it (exited, or a zombie whose
		// mount namespace is released): not a missing node (third review).
		return -1, root, errProcGone{fmt.Sprintf("process %s is gone (it exited, or is a zombie: its root, %s, cannot be opened: %v): nothing was changed", a.Param("pid"), root, err)}
	}
	if err != nil {
		return -1, root, &os.PathError{Op: "open", Path: root, Err: err}
	}
	// The PID must still name the process checked, now that its root is
	// open: a PID is not reused while its process lives, so the root
	// opened is that process's.
	if a.proc != nil && a.Param("pid") != "" {
		if why := sameProc(a.proc); why != "" {
			unix.Close(fd)
			return -1, root, errors.New(why + ": nothing was changed")
		}
	}
	return fd, root, nil
}

// openBeneath opens rel (relative to the target root) without following
// any symlink and without leaving the root.
func openBeneath(rootfd int, rel string, flags uint64) (int, error) {
	rel = strings.TrimPrefix(filepath.Clean("/"+rel), "/")
	if rel == "" {
		rel = "."
	}
	fd, err := unix.Openat2(rootfd, rel, &unix.OpenHow{Flags: flags | unix.O_CLOEXEC | unix.O_NOFOLLOW,
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS})
	if errors.Is(err, unix.ENOTDIR) {
		// The last component may be a symlink: look at it without following.
		if lfd, lerr := unix.Openat2(rootfd, rel, &unix.OpenHow{Flags: unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS}); lerr == nil {
			var st unix.Stat_t
			if unix.Fstat(lfd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
				err = unix.ELOOP
			}
			unix.Close(lfd)
		}
	}
	if errors.Is(err, unix.ELOOP) || errors.Is(err, unix.EXDEV) {
		return -1, fmt.Errorf("/%s: %w (a symlink is in the path)", rel, atomicfile.ErrSymlink)
	}
	if err != nil {
		return -1, &os.PathError{Op: "open", Path: "/" + rel, Err: err}
	}
	return fd, nil
}

// inTarget runs fn with the directory of the action's path opened in the
// target root, and the path's base name.
func inTarget(env *ActionEnv, a *Action, fn func(dirfd int, base string) error) error {
	rootfd, _, err := targetRoot(env, a)
	if err != nil {
		return err
	}
	defer unix.Close(rootfd)
	dfd, err := openBeneath(rootfd, filepath.Dir(a.Param("path")), unix.O_PATH|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	return fn(dfd, filepath.Base(a.Param("path")))
}

func nodeState(env *ActionEnv, a *Action) (map[string]string, error) {
	var st map[string]string
	err := inTarget(env, a, func(dfd int, base string) error {
		fd, err := unix.Openat(dfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			if errors.Is(err, unix.ENOENT) {
				st = map[string]string{"node": "absent"}
				return nil
			}
			return &os.PathError{Op: "open", Path: a.Param("path"), Err: err}
		}
		defer unix.Close(fd)
		st, err = nodeFacts(fd)
		return err
	})
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{"node": "absent"}, nil
	}
	return st, err
}

// nodeFacts identifies the node open (O_PATH) as fd: its kind (a device's
// numbers), inode, mode and owner; a regular file also by its size, ctime
// and the SHA-256 of its content, since a file rewritten through a
// temporary file and a rename can get the old inode number back.
func nodeFacts(fd int) (map[string]string, error) {
	var s unix.Stat_t
	if err := unix.Fstat(fd, &s); err != nil {
		return nil, err
	}
	st := map[string]string{"node": describeNode(&s), "mode": fmt.Sprintf("%04o", s.Mode&0o7777),
		"uid": strconv.Itoa(int(s.Uid)), "gid": strconv.Itoa(int(s.Gid)), "ino": strconv.FormatUint(s.Ino, 10)}
	if s.Mode&unix.S_IFMT != unix.S_IFREG {
		return st, nil
	}
	st["size"] = strconv.FormatInt(s.Size, 10)
	st["ctime"] = fmt.Sprintf("%d.%09d", s.Ctim.Sec, s.Ctim.Nsec)
	// The very inode fd holds, opened for reading (never a FIFO: it is a
	// regular file).
	f, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", fd), os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	id, err := fileIdentity(f)
	if err != nil {
		return nil, err
	}
	if id.Ino != s.Ino || id.Dev != s.Dev {
		return nil, fmt.Errorf("%s changed while it was read", f.Name())
	}
	st["sha256"] = id.SHA256
	return st, nil
}

func describeNode(s *unix.Stat_t) string {
	switch s.Mode & unix.S_IFMT {
	case unix.S_IFCHR:
		return fmt.Sprintf("char %d:%d", unix.Major(s.Rdev), unix.Minor(s.Rdev))
	case unix.S_IFLNK:
		return "symlink"
	case unix.S_IFREG:
		return "file"
	case unix.S_IFDIR:
		return "directory"
	}
	return "other"
}

// inWhichRoot names the mount namespace in words.
func inWhichRoot(a *Action) string {
	if pid := a.Param("pid"); pid != "" {
		return " (in the mount namespace of PID " + pid + ")"
	}
	return ""
}

// mknodNodes are the nodes mknod-tun creates, with their device numbers
// (include/linux/miscdevice.h: TUN_MINOR, VHOST_NET_MINOR).
var mknodNodes = map[string][2]uint32{"/dev/net/tun": {10, 200}, "/dev/vhost-net": {10, 238}}

func nodeNumbers(a *Action) (uint32, uint32) {
	n := mknodNodes[a.Param("path")]
	return n[0], n[1]
}

// nodeStateKeys are the states of mknod-tun and chmod (nodeState, and
// mknod-tun's "dir": whether it made the directory).
var nodeStateKeys = map[string]paramCheck{"node": checkNode, "mode": checkPerm, "uid": checkID, "gid": checkID,
	"ino": checkU64, "dir": checkBool,
	// A regular file's identity beside its inode (nodeFacts).
	"size": checkU64, "ctime": matching(`^[0-9]{1,20}\.[0-9]{9}$`, "a ctime"), "sha256": checkSHA256}

var mknodTunAction = actionKind{
	params:    map[string]paramCheck{"path": oneOf("/dev/net/tun", "/dev/vhost-net"), "mode": checkMode, "pid": checkPID},
	required:  []string{"path"},
	stateKeys: nodeStateKeys,
	identity:  []string{"ino"},
	needs:     func(*Action) []capNeed { return []capNeed{{cap.MKNOD, "creating a device node needs CAP_MKNOD"}} },
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		rootfd, root, err := targetRoot(env, a)
		if err != nil {
			return Preview{}, err
		}
		defer unix.Close(rootfd)
		old := map[string]string{"dir": "true"}
		major, minor := nodeNumbers(a)
		changes := []string{fmt.Sprintf("%s%s: missing → character device %d:%d, mode %s", a.Param("path"), inWhichRoot(a), major, minor, orMode(a.Param("mode")))}
		dfd, err := openBeneath(rootfd, filepath.Dir(a.Param("path")), unix.O_PATH|unix.O_DIRECTORY)
		switch {
		case errors.Is(err, os.ErrNotExist):
			old["dir"] = "false"
			changes = append([]string{filepath.Dir(a.Param("path")) + inWhichRoot(a) + ": missing → directory 0755"}, changes...)
		case err != nil:
			return Preview{}, fmt.Errorf("below %s: %w", root, err)
		default:
			var st unix.Stat_t
			err := unix.Fstatat(dfd, filepath.Base(a.Param("path")), &st, unix.AT_SYMLINK_NOFOLLOW)
			unix.Close(dfd)
			if err == nil {
				return Preview{}, fmt.Errorf("%s%s already exists (%s): remove it first if it is wrong", a.Param("path"), inWhichRoot(a), describeNode(&st))
			}
		}
		return Preview{Changes: changes, Reversible: true, Undo: "removes the node (and the directory if it was created), if it is still the node rtnl-doctor made", Old: old}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		rootfd, _, err := targetRoot(env, a)
		if err != nil {
			return nil, err
		}
		defer unix.Close(rootfd)
		dir := filepath.Dir(a.Param("path"))
		if old["dir"] == "false" {
			pfd, err := openBeneath(rootfd, filepath.Dir(dir), unix.O_PATH|unix.O_DIRECTORY)
			if err != nil {
				return nil, err
			}
			err = unix.Mkdirat(pfd, filepath.Base(dir), 0o755)
			unix.Close(pfd)
			if err != nil && !errors.Is(err, unix.EEXIST) {
				return nil, &os.PathError{Op: "mkdir", Path: dir, Err: err}
			}
		}
		mode, err := parsePerm(orMode(a.Param("mode")))
		if err != nil {
			return nil, err
		}
		dfd, err := openBeneath(rootfd, dir, unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return nil, err
		}
		defer unix.Close(dfd)
		base := filepath.Base(a.Param("path"))
		major, minor := nodeNumbers(a)
		if err := unix.Mknodat(dfd, base, unix.S_IFCHR|uint32(mode), int(unix.Mkdev(major, minor))); err != nil {
			return nil, &os.PathError{Op: "mknod", Path: a.Param("path"), Err: err}
		}
		if err := chmodAt(dfd, base, uint32(mode), -1, -1, nil); err != nil { // the umask cut it
			return nil, err
		}
		return nodeState(env, a)
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, new map[string]string) error {
		return inTarget(env, a, func(dfd int, base string) error {
			var st unix.Stat_t
			if err := unix.Fstatat(dfd, base, &st, unix.AT_SYMLINK_NOFOLLOW); err == nil && st.Mode&unix.S_IFMT != unix.S_IFCHR {
				return fmt.Errorf("%s is no longer the node rtnl-doctor made: leaving it", a.Param("path"))
			} else if err == nil && new["ino"] != "" && strconv.FormatUint(st.Ino, 10) != new["ino"] {
				// Another node made since in its place: never removed, even
				// with --force.
				return fmt.Errorf("%s%s is another node now (inode %d; rtnl-doctor made inode %s): undo never removes another node, even with --force: leaving it", a.Param("path"), inWhichRoot(a), st.Ino, new["ino"])
			}
			if err := unix.Unlinkat(dfd, base, 0); err != nil && !errors.Is(err, unix.ENOENT) {
				return err
			}
			if old["dir"] == "false" {
				// Remove the directory only if it is empty (rmdir refuses otherwise).
				if rootfd, _, err := targetRoot(env, a); err == nil {
					dir := filepath.Dir(a.Param("path"))
					if pfd, err := openBeneath(rootfd, filepath.Dir(dir), unix.O_PATH|unix.O_DIRECTORY); err == nil {
						unix.Unlinkat(pfd, filepath.Base(dir), unix.AT_REMOVEDIR)
						unix.Close(pfd)
					}
					unix.Close(rootfd)
				}
			}
			return nil
		})
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		return nodeState(env, a)
	},
	expect: func(a *Action, _, new map[string]string) map[string]string {
		if new != nil {
			return pick(new, "node", "mode", "ino")
		}
		major, minor := nodeNumbers(a)
		return map[string]string{"node": fmt.Sprintf("char %d:%d", major, minor)}
	},
	was:    func(*Action, map[string]string) map[string]string { return map[string]string{"node": "absent"} },
	object: func(a *Action) string { return "node " + a.Param("path") + inWhichRoot(a) },
}

func orMode(m string) string {
	if m == "" {
		return "0666"
	}
	return m
}

// chmodAt changes mode (and owner when uid/gid are given) of base in dirfd
// without following a symlink there. With want, the node must first be
// that one (the keys of nodeFacts want records): checked on the very
// inode changed.
func chmodAt(dirfd int, base string, mode uint32, uid, gid int, want map[string]string) error {
	fd, err := unix.Openat(dirfd, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: base, Err: err}
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return fmt.Errorf("%s: %w", base, atomicfile.ErrSymlink)
	}
	if want != nil {
		now, err := nodeFacts(fd)
		if err != nil {
			return err
		}
		if d := diffStates(want, now); d != "" {
			return fmt.Errorf("%s is not the file the fix changed (%s): nothing was changed", base, d)
		}
	}
	proc := fmt.Sprintf("/proc/self/fd/%d", fd)
	if uid >= 0 || gid >= 0 {
		if err := unix.Fchownat(unix.AT_FDCWD, proc, uid, gid, 0); err != nil {
			return &os.PathError{Op: "chown", Path: base, Err: err}
		}
	}
	if err := unix.Fchmodat(unix.AT_FDCWD, proc, mode, 0); err != nil {
		return &os.PathError{Op: "chmod", Path: base, Err: err}
	}
	return nil
}

func atoiOr(s string, def int) int {
	if v, err := strconv.Atoi(s); err == nil {
		return v
	}
	return def
}

// chmodIdentity identifies the node chmod changes, before and after: its
// kind (a device's numbers) and inode, and for a regular file its size
// and content (an inode number alone comes back to a file rewritten
// through a temporary file and a rename).
var chmodIdentity = []string{"node", "ino", "size", "sha256"}

// chmodLeft is the node as chmod left it: its identity, the mode and
// owner set, and a regular file's ctime then (any change since moves it).
var chmodLeft = []string{"node", "ino", "size", "sha256", "ctime", "mode", "uid", "gid"}

var chmodAction = actionKind{
	params: map[string]paramCheck{
		"path": anyPath(oneOf("/dev/vhost-net"), pathUnder("*", "/dev/net", "/etc/NetworkManager/system-connections", "/run/NetworkManager/system-connections")),
		"mode": checkMode, "uid": checkID, "gid": checkID, "pid": checkPID},
	required:  []string{"path", "mode"},
	stateKeys: nodeStateKeys,
	identity:  []string{"ino"},
	needs: func(a *Action) []capNeed {
		n := []capNeed{{cap.FOWNER, "changing the mode of a file one does not own needs CAP_FOWNER"}}
		if a.Param("uid") != "" {
			n = append(n, capNeed{cap.CHOWN, "changing a file's owner needs CAP_CHOWN"})
		}
		return n
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		st, err := nodeState(env, a)
		if err != nil {
			return Preview{}, err
		}
		if st["node"] == "absent" || st["node"] == "symlink" {
			return Preview{}, fmt.Errorf("%s%s: %s", a.Param("path"), inWhichRoot(a), map[bool]string{true: "missing", false: atomicfile.ErrSymlink.Error()}[st["node"] == "absent"])
		}
		if _, err := parsePerm(st["mode"]); err != nil {
			return Preview{}, fmt.Errorf("%s%s: %v: rtnl-doctor leaves it alone", a.Param("path"), inWhichRoot(a), err)
		}
		old := pick(st, append([]string{"mode", "uid", "gid"}, chmodIdentity...)...)
		ch := fmt.Sprintf("%s%s: mode %s → %s", a.Param("path"), inWhichRoot(a), old["mode"], a.Param("mode"))
		if a.Param("uid") != "" {
			ch += fmt.Sprintf(", owner %s:%s → %s:%s", old["uid"], old["gid"], a.Param("uid"), a.Param("gid"))
		}
		return Preview{Changes: []string{ch}, Reversible: true, Undo: "sets mode " + old["mode"] + " and owner back, if nobody changed them since", Old: old}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		mode, err := parsePerm(a.Param("mode"))
		if err != nil {
			return nil, err
		}
		err = inTarget(env, a, func(dfd int, base string) error {
			return chmodAt(dfd, base, uint32(mode), atoiOr(a.Param("uid"), -1), atoiOr(a.Param("gid"), -1), pick(old, chmodIdentity...))
		})
		if err != nil {
			return nil, err
		}
		return nodeState(env, a)
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, new map[string]string) error {
		mode, err := parsePerm(old["mode"])
		if err != nil {
			return fmt.Errorf("the journaled old mode: %w: nothing was changed", err)
		}
		uid, gid := -1, -1
		if a.Param("uid") != "" {
			uid, gid = atoiOr(old["uid"], -1), atoiOr(old["gid"], -1)
		}
		// The node the fix changed (compared with what it left before;
		// checked again on the inode changed, --force or not): a regular
		// file by its content and size too, a device node by its numbers.
		want := pick(new, chmodIdentity...)
		if new == nil {
			want = pick(old, chmodIdentity...)
		}
		return inTarget(env, a, func(dfd int, base string) error { return chmodAt(dfd, base, uint32(mode), uid, gid, want) })
	},
	// Another file at the path (another inode, or a regular file with
	// other content or size) is never changed, --force or not; undo
	// --force ID closes the entry.
	blockedIsOther: true,
	undoBlocked: func(_ context.Context, env *ActionEnv, a *Action, old, new map[string]string) (string, error) {
		want := pick(new, chmodIdentity...)
		if new == nil {
			want = pick(old, chmodIdentity...)
		}
		now, err := nodeState(env, a)
		if err != nil {
			return "", err
		}
		// An entry of an older rtnl-doctor identifies a regular file by its
		// inode number alone, which a file rewritten through a rename can
		// get back: it is not taken as the same file.
		if (want["node"] == "file" || now["node"] == "file") && want["sha256"] == "" {
			return fmt.Sprintf("%s%s: the entry predates content identity (it records no size and SHA-256 of the file, only its inode number, which another file can reuse): it cannot tell that this is the file the fix changed, so its mode is left alone", a.Param("path"), inWhichRoot(a)), nil
		}
		if d := diffStates(want, now); d != "" {
			return fmt.Sprintf("%s%s is not the file the fix changed (%s): its mode is left alone", a.Param("path"), inWhichRoot(a), d), nil
		}
		return "", nil
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		return nodeState(env, a)
	},
	expect: func(a *Action, old, new map[string]string) map[string]string {
		if new != nil {
			return pick(new, chmodLeft...)
		}
		// Interrupted: the same node (inode, content), with the mode asked.
		m, _ := strconv.ParseUint(a.Param("mode"), 8, 32)
		e := pick(old, chmodIdentity...)
		e["mode"] = fmt.Sprintf("%04o", m)
		if a.Param("uid") != "" {
			e["uid"], e["gid"] = a.Param("uid"), a.Param("gid")
		}
		return e
	},
	object: func(a *Action) string { return "mode of " + a.Param("path") + inWhichRoot(a) },
}

// MknodTunAct creates /dev/net/tun (char 10:200) with mode in the mount
// namespace of process pid ("" for rtnl-doctor's own).
func MknodTunAct(mode os.FileMode, pid string) *Action {
	return MknodNodeAct("/dev/net/tun", mode, pid)
}

// MknodNodeAct creates one of the nodes mknod-tun knows (/dev/net/tun,
// /dev/vhost-net) with its device numbers.
func MknodNodeAct(path string, mode os.FileMode, pid string) *Action {
	return Act("mknod-tun", "path", path, "mode", fmt.Sprintf("%04o", mode.Perm()), "pid", pid)
}

// ChmodAct sets path's mode (and owner, when uid >= 0) in the mount
// namespace of process pid ("" for rtnl-doctor's own).
func ChmodAct(path string, mode os.FileMode, uid, gid int, pid string) *Action {
	a := Act("chmod", "path", path, "mode", fmt.Sprintf("%04o", mode.Perm()), "pid", pid)
	if uid >= 0 {
		a.Params["uid"], a.Params["gid"] = strconv.Itoa(uid), strconv.Itoa(gid)
	}
	return a
}
