package model

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// Action is a change rtnl-doctor can make itself: a kind and its
// parameters, all plain strings so that the journal can replay an undo
// after a restart.
type Action struct {
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params"`
}

func (a *Action) p(k string) string { return a.Params[k] }

// Preview is what an action will change, read from the live state.
type Preview struct {
	// Changes are "what: from → to" lines.
	Changes []string `json:"changes"`
	// Undo says how the change is reverted, or that it cannot be.
	Undo       string `json:"undo"`
	Reversible bool   `json:"reversible"`
	// Old is the state undo restores (journaled before applying).
	Old map[string]string `json:"-"`
	// Traffic, when set, says that the change destroys an object that
	// carries traffic now (a link UP, with addresses, carrying the default
	// route): the fix is confirmed twice.
	Traffic string `json:"traffic,omitempty"`
}

// ActionEnv is where and how actions run.
type ActionEnv struct {
	// Root is the directory files are written below ("" or "/" for the
	// live system; tests use a temporary root).
	Root string
	// DryRun previews and journals nothing; ReadOnly refuses every change.
	DryRun   bool
	ReadOnly bool
	Journal  *Journal
	// JournalErr says why there is no journal (nothing is applied without one).
	JournalErr error
	// Timeout bounds each external program (modprobe, networkctl, ...).
	Timeout time.Duration
	// Edit opens path at line in the user's editor and returns when it
	// exits. The dashboard hands the terminal over; the CLI inherits it.
	Edit func(path string, line int) error
}

func (e *ActionEnv) path(p string) string {
	if e.Root == "" || e.Root == "/" {
		return p
	}
	return filepath.Join(e.Root, p)
}

func (e *ActionEnv) timeout() time.Duration {
	if e.Timeout <= 0 {
		return 20 * time.Second
	}
	return e.Timeout
}

// actionKind implements one kind of action.
type actionKind struct {
	// needs names the privilege the action needs ("root", "CAP_NET_ADMIN"),
	// checked against this process before anything runs.
	needs func(a *Action) []capNeed
	// writes names the file an action writes: instead of a capability, the
	// process must be able to write its directory (root, or its owner).
	writes  func(a *Action) string
	preview func(ctx context.Context, env *ActionEnv, a *Action) (Preview, error)
	apply   func(ctx context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error)
	// undo reverts using the journaled old and new states; nil when the
	// change cannot be reverted.
	undo func(ctx context.Context, env *ActionEnv, a *Action, old, new map[string]string) error
	// done reads back whether the change is in place, in words for the
	// operator; nil when the cause's own re-evaluation is the only check.
	done func(a *Action) (evidence string, ok bool, err error)
	// reachesGoal: once done, the command that failed has nothing left to
	// do (a replace makes the object exactly what it asked for), even
	// though the cause's condition, "it already exists", still holds.
	reachesGoal bool
}

// capNeed is one capability an action needs, and why.
type capNeed struct {
	cap cap.Value
	why string
}

var actionKinds = map[string]actionKind{}

func init() {
	for k, v := range map[string]actionKind{
		"sysctl":         sysctlAction,
		"sysctl-persist": sysctlPersistAction,
		"write-file":     writeFileAction,
		"prlimit":        prlimitAction,
		"modprobe":       modprobeAction,
		"mknod-tun":      mknodTunAction,
		"chmod":          chmodAction,
		"setcap":         setcapAction,
		"compact-memory": compactAction,
		"exec":           execAction,
		"edit":           editAction,
		"link-set":       linkSetAction,
		"link-delete":    linkDeleteAction,
		"altname-delete": altnameDeleteAction,
		"addr-replace":   addrReplaceAction,
		"addr-delete":    addrDeleteAction,
		"route-add":      routeAddAction,
		"route-replace":  routeReplaceAction,
		"route-delete":   routeDeleteAction,
	} {
		actionKinds[k] = v
	}
}

func needRoot(why string) func(*Action) []capNeed {
	return func(*Action) []capNeed { return []capNeed{{cap.DAC_OVERRIDE, why}} }
}

// --- sysctl -----------------------------------------------------------------

func sysctlFile(key string) string { return "/proc/sys/" + strings.ReplaceAll(key, ".", "/") }

// sysctlDevFile maps a key whose interface name may contain dots
// (net.ipv6.conf.eth0.100.disable_ipv6) given the device separately.
func sysctlKeyFile(a *Action) string {
	if dev := a.p("dev"); dev != "" {
		parts := strings.SplitN(a.p("key"), "."+dev+".", 2)
		if len(parts) == 2 {
			return "/proc/sys/" + strings.ReplaceAll(parts[0], ".", "/") + "/" + dev + "/" + strings.ReplaceAll(parts[1], ".", "/")
		}
	}
	return sysctlFile(a.p("key"))
}

// inNetns runs fn in the action's network namespace (param "netns", a
// path), or here.
func inNetns(a *Action, fn func() error) error {
	if ns := a.p("netns"); ns != "" {
		return netns.Do(ns, fn)
	}
	return fn()
}

func readSysctl(env *ActionEnv, a *Action) (string, error) {
	var v string
	err := inNetns(a, func() error {
		b, err := os.ReadFile(env.path(sysctlKeyFile(a)))
		v = strings.TrimSpace(string(b))
		return err
	})
	return v, err
}

func writeSysctl(env *ActionEnv, a *Action, value string) error {
	return inNetns(a, func() error {
		f, err := os.OpenFile(env.path(sysctlKeyFile(a)), os.O_WRONLY|unix.O_NOFOLLOW, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteString(value); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

func where(a *Action) string {
	if ns := a.p("netns"); ns != "" {
		return " in the network namespace " + ns
	}
	return ""
}

var sysctlAction = actionKind{
	needs: func(a *Action) []capNeed {
		n := []capNeed{{cap.DAC_OVERRIDE, "writing /proc/sys needs root"}}
		if a.p("netns") != "" {
			n = append(n, capNeed{cap.SYS_ADMIN, "entering another network namespace needs CAP_SYS_ADMIN"})
		}
		return n
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		cur, err := readSysctl(env, a)
		if err != nil {
			return Preview{}, fmt.Errorf("cannot read %s: %w", a.p("key"), err)
		}
		return Preview{Changes: []string{fmt.Sprintf("%s%s: %s → %s", a.p("key"), where(a), cur, a.p("value"))},
			Reversible: true, Undo: "writes " + cur + " back", Old: map[string]string{"value": cur}}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		if err := writeSysctl(env, a, a.p("value")); err != nil {
			return nil, err
		}
		now, err := readSysctl(env, a)
		return map[string]string{"value": now}, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		return writeSysctl(env, a, old["value"])
	},
}

// --- files -----------------------------------------------------------------

// prevToMap and mapToPrev carry a file's previous state in the journal.
func prevToMap(p *atomicfile.Previous) map[string]string {
	if !p.Existed {
		return map[string]string{"existed": "false"}
	}
	return map[string]string{"existed": "true", "data": base64.StdEncoding.EncodeToString(p.Data),
		"mode": fmt.Sprintf("%04o", p.Mode.Perm()), "uid": strconv.Itoa(p.UID), "gid": strconv.Itoa(p.GID)}
}

func mapToPrev(m map[string]string) (*atomicfile.Previous, error) {
	if m["existed"] != "true" {
		return &atomicfile.Previous{}, nil
	}
	data, err := base64.StdEncoding.DecodeString(m["data"])
	if err != nil {
		return nil, fmt.Errorf("journal backup unreadable: %w", err)
	}
	mode, _ := strconv.ParseUint(m["mode"], 8, 32)
	uid, _ := strconv.Atoi(m["uid"])
	gid, _ := strconv.Atoi(m["gid"])
	return &atomicfile.Previous{Existed: true, Data: data, Mode: os.FileMode(mode), UID: uid, GID: gid}, nil
}

func fileMode(a *Action) os.FileMode {
	if m, err := strconv.ParseUint(a.p("mode"), 8, 32); err == nil {
		return os.FileMode(m)
	}
	return 0o644
}

// fileChange previews replacing a file with content.
func fileChange(env *ActionEnv, path string, content string) (Preview, error) {
	prev, err := atomicfile.Read(env.path(path))
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Reversible: true, Old: prevToMap(prev)}
	if prev.Existed {
		if string(prev.Data) == content {
			p.Changes = []string{path + ": already has this content (no change)"}
		} else {
			p.Changes = []string{fmt.Sprintf("%s: replace %d bytes with %d bytes:\n%s", path, len(prev.Data), len(content), indent(content))}
		}
		p.Undo = "restores the previous content of " + path
	} else {
		p.Changes = []string{fmt.Sprintf("%s: create with:\n%s", path, indent(content))}
		p.Undo = "removes " + path
	}
	return p, nil
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func restoreFile(env *ActionEnv, path string, old map[string]string) error {
	prev, err := mapToPrev(old)
	if err != nil {
		return err
	}
	return atomicfile.Restore(env.path(path), prev)
}

func pathParam(a *Action) string { return a.p("path") }

var writeFileAction = actionKind{
	writes: pathParam,
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		return fileChange(env, a.p("path"), a.p("content"))
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		_, err := atomicfile.Write(env.path(a.p("path")), []byte(a.p("content")), fileMode(a))
		return map[string]string{"path": a.p("path")}, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		return restoreFile(env, a.p("path"), old)
	},
}

// persistContent sets "key = value" in a sysctl.d file of our own, keeping
// its other lines.
func persistContent(existing, key, value string) string {
	var out []string
	found := false
	for _, line := range strings.Split(strings.TrimRight(existing, "\n"), "\n") {
		k, _, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(k) == key {
			if !found {
				out = append(out, key+" = "+value)
				found = true
			}
			continue
		}
		if line != "" || len(out) > 0 {
			out = append(out, line)
		}
	}
	if len(out) == 0 {
		out = append(out, "# Written by rtnl-doctor: one setting per line; `rtnl-doctor undo` reverts.")
	}
	if !found {
		out = append(out, key+" = "+value)
	}
	return strings.Join(out, "\n") + "\n"
}

var sysctlPersistAction = actionKind{
	writes: pathParam,
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		prev, err := atomicfile.Read(env.path(a.p("path")))
		if err != nil {
			return Preview{}, err
		}
		return fileChange(env, a.p("path"), persistContent(string(prev.Data), a.p("key"), a.p("value")))
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		prev, err := mapToPrev(old)
		if err != nil {
			return nil, err
		}
		content := persistContent(string(prev.Data), a.p("key"), a.p("value"))
		_, err = atomicfile.Write(env.path(a.p("path")), []byte(content), 0o644)
		return map[string]string{"path": a.p("path")}, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		return restoreFile(env, a.p("path"), old)
	},
}

// --- process limits ------------------------------------------------------------

func parseRlim(s string) uint64 {
	if s == "unlimited" || s == "-1" {
		return unix.RLIM_INFINITY
	}
	v, _ := strconv.ParseUint(s, 10, 64)
	return v
}

func rlimText(v uint64) string {
	if v == unix.RLIM_INFINITY {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}

func getNofile(pid int) (unix.Rlimit, error) {
	var old unix.Rlimit
	err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &old)
	if errors.Is(err, unix.ESRCH) {
		return old, fmt.Errorf("process %d is gone", pid)
	}
	return old, err
}

var prlimitAction = actionKind{
	// The kernel lets a process change the limits of processes with its own
	// credentials without CAP_SYS_RESOURCE, unless it raises a hard limit;
	// the preview checks the hard limit, the kernel the rest.
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		pid, _ := strconv.Atoi(a.p("pid"))
		cur, err := getNofile(pid)
		if err != nil {
			return Preview{}, err
		}
		if hard := parseRlim(a.p("hard")); hard > cur.Max {
			if on, _ := cap.GetProc().GetFlag(cap.Effective, cap.SYS_RESOURCE); !on {
				return Preview{}, fmt.Errorf("raising the hard limit from %s to %s needs CAP_SYS_RESOURCE, which rtnl-doctor lacks: raise the soft limit only (up to %s), or restart the process with a higher LimitNOFILE",
					rlimText(cur.Max), a.p("hard"), rlimText(cur.Max))
			}
		}
		return Preview{Changes: []string{fmt.Sprintf("RLIMIT_NOFILE of PID %d: soft %s → %s, hard %s → %s", pid,
			rlimText(cur.Cur), a.p("soft"), rlimText(cur.Max), a.p("hard"))},
			Reversible: true, Undo: "sets the old limits back (while the process lives)",
			Old: map[string]string{"soft": rlimText(cur.Cur), "hard": rlimText(cur.Max)}}, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		pid, _ := strconv.Atoi(a.p("pid"))
		nl := unix.Rlimit{Cur: parseRlim(a.p("soft")), Max: parseRlim(a.p("hard"))}
		if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &nl, nil); err != nil {
			if errors.Is(err, unix.ESRCH) {
				return nil, fmt.Errorf("process %d is gone", pid)
			}
			return nil, err
		}
		now, err := getNofile(pid)
		return map[string]string{"soft": rlimText(now.Cur), "hard": rlimText(now.Max)}, err
	},
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		pid, _ := strconv.Atoi(a.p("pid"))
		ol := unix.Rlimit{Cur: parseRlim(old["soft"]), Max: parseRlim(old["hard"])}
		err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &ol, nil)
		if errors.Is(err, unix.ESRCH) {
			return errGone{fmt.Sprintf("process %d is gone: its limits went with it", pid)}
		}
		return err
	},
}

// errGone is an undo with nothing left to revert: it counts as undone.
type errGone struct{ msg string }

func (e errGone) Error() string { return e.msg }

// --- modules -----------------------------------------------------------------

func moduleLoaded(env *ActionEnv, mod string) bool {
	_, err := os.Stat(env.path("/sys/module/" + strings.ReplaceAll(mod, "-", "_")))
	return err == nil
}

var modprobeAction = actionKind{
	needs: func(*Action) []capNeed {
		return []capNeed{{cap.SYS_MODULE, "loading a kernel module needs CAP_SYS_MODULE"}}
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		if _, err := sysexec.Find("modprobe"); err != nil {
			return Preview{}, fmt.Errorf("no modprobe on this system: %w", err)
		}
		mod := a.p("module")
		if moduleLoaded(env, mod) {
			return Preview{Changes: []string{"module " + mod + ": already loaded (no change)"}, Reversible: true, Undo: "nothing to undo",
				Old: map[string]string{"loaded": "true"}}, nil
		}
		return Preview{Changes: []string{"module " + mod + ": not loaded → loaded"}, Reversible: true,
			Undo: "unloads it with modprobe -r (if nothing uses it by then)", Old: map[string]string{"loaded": "false"}}, nil
	},
	apply: func(ctx context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		_, err := sysexec.Run(ctx, env.timeout(), "modprobe", "--", a.p("module"))
		return map[string]string{"loaded": strconv.FormatBool(moduleLoaded(env, a.p("module")))}, err
	},
	undo: func(ctx context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		if old["loaded"] == "true" {
			return nil
		}
		_, err := sysexec.Run(ctx, env.timeout(), "modprobe", "-r", "--", a.p("module"))
		return err
	},
}

// --- device node, modes, capabilities ----------------------------------------------

var mknodTunAction = actionKind{
	needs: func(*Action) []capNeed { return []capNeed{{cap.MKNOD, "creating a device node needs CAP_MKNOD"}} },
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		p := env.path(a.p("path"))
		if st, err := os.Lstat(p); err == nil {
			return Preview{}, fmt.Errorf("%s already exists (%s): remove it first if it is wrong", a.p("path"), st.Mode())
		}
		old := map[string]string{"dir": "true"}
		changes := []string{fmt.Sprintf("%s: missing → character device 10:200, mode %s", a.p("path"), orMode(a.p("mode")))}
		if _, err := os.Lstat(filepath.Dir(p)); err != nil {
			old["dir"] = "false"
			changes = append([]string{filepath.Dir(a.p("path")) + ": missing → directory 0755"}, changes...)
		}
		return Preview{Changes: changes, Reversible: true, Undo: "removes the node (and the directory if it was created)", Old: old}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		p := env.path(a.p("path"))
		if old["dir"] == "false" {
			if err := os.Mkdir(filepath.Dir(p), 0o755); err != nil && !os.IsExist(err) {
				return nil, err
			}
		}
		mode, _ := strconv.ParseUint(orMode(a.p("mode")), 8, 32)
		if err := unix.Mknod(p, unix.S_IFCHR|uint32(mode), int(unix.Mkdev(10, 200))); err != nil {
			if old["dir"] == "false" {
				os.Remove(filepath.Dir(p))
			}
			return nil, &os.PathError{Op: "mknod", Path: a.p("path"), Err: err}
		}
		if err := unix.Fchmodat(unix.AT_FDCWD, p, uint32(mode), 0); err != nil { // the umask cut it
			return nil, err
		}
		return map[string]string{"node": "10:200"}, nil
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		p := env.path(a.p("path"))
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err == nil && st.Mode&unix.S_IFMT != unix.S_IFCHR {
			return fmt.Errorf("%s is no longer the node rtnl-doctor made: leaving it", a.p("path"))
		}
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
		if old["dir"] == "false" {
			os.Remove(filepath.Dir(p)) // only if empty
		}
		return nil
	},
}

func orMode(m string) string {
	if m == "" {
		return "0666"
	}
	return m
}

func statNoFollow(p string) (unix.Stat_t, error) {
	var st unix.Stat_t
	err := unix.Lstat(p, &st)
	if err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return st, fmt.Errorf("%s: %w", p, atomicfile.ErrSymlink)
	}
	return st, err
}

// chmodAt changes mode (and owner when uid/gid are given) without
// following a symlink at the path.
func chmodAt(p string, mode uint32, uid, gid int) error {
	fd, err := unix.Open(p, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return &os.PathError{Op: "open", Path: p, Err: err}
	}
	defer unix.Close(fd)
	proc := fmt.Sprintf("/proc/self/fd/%d", fd)
	if uid >= 0 || gid >= 0 {
		if err := unix.Fchownat(unix.AT_FDCWD, proc, uid, gid, 0); err != nil {
			return &os.PathError{Op: "chown", Path: p, Err: err}
		}
	}
	if err := unix.Fchmodat(unix.AT_FDCWD, proc, mode, 0); err != nil {
		return &os.PathError{Op: "chmod", Path: p, Err: err}
	}
	return nil
}

func atoiOr(s string, def int) int {
	if v, err := strconv.Atoi(s); err == nil {
		return v
	}
	return def
}

var chmodAction = actionKind{
	needs: func(a *Action) []capNeed {
		n := []capNeed{{cap.FOWNER, "changing the mode of a file one does not own needs CAP_FOWNER"}}
		if a.p("uid") != "" {
			n = append(n, capNeed{cap.CHOWN, "changing a file's owner needs CAP_CHOWN"})
		}
		return n
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		st, err := statNoFollow(env.path(a.p("path")))
		if err != nil {
			return Preview{}, err
		}
		old := map[string]string{"mode": fmt.Sprintf("%04o", st.Mode&0o7777), "uid": strconv.Itoa(int(st.Uid)), "gid": strconv.Itoa(int(st.Gid))}
		ch := fmt.Sprintf("%s: mode %s → %s", a.p("path"), old["mode"], a.p("mode"))
		if a.p("uid") != "" {
			ch += fmt.Sprintf(", owner %s:%s → %s:%s", old["uid"], old["gid"], a.p("uid"), a.p("gid"))
		}
		return Preview{Changes: []string{ch}, Reversible: true, Undo: "sets mode " + old["mode"] + " and owner back", Old: old}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		mode, _ := strconv.ParseUint(a.p("mode"), 8, 32)
		err := chmodAt(env.path(a.p("path")), uint32(mode), atoiOr(a.p("uid"), -1), atoiOr(a.p("gid"), -1))
		return map[string]string{"mode": a.p("mode")}, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		mode, _ := strconv.ParseUint(old["mode"], 8, 32)
		uid, gid := -1, -1
		if a.p("uid") != "" {
			uid, gid = atoiOr(old["uid"], -1), atoiOr(old["gid"], -1)
		}
		return chmodAt(env.path(a.p("path")), uint32(mode), uid, gid)
	},
}

func fileCapText(p string) (string, error) {
	set, err := cap.GetFile(p)
	if errors.Is(err, unix.ENODATA) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return set.String(), nil
}

func setFileCaps(p, text string) error {
	if text == "" {
		err := unix.Removexattr(p, "security.capability")
		if errors.Is(err, unix.ENODATA) {
			return nil
		}
		return err
	}
	set, err := cap.FromText(text)
	if err != nil {
		return err
	}
	return set.SetFile(p)
}

var setcapAction = actionKind{
	needs: func(*Action) []capNeed {
		return []capNeed{{cap.SETFCAP, "setting file capabilities needs CAP_SETFCAP"}}
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		p := env.path(a.p("path"))
		if _, err := statNoFollow(p); err != nil {
			return Preview{}, err
		}
		cur, err := fileCapText(p)
		if err != nil {
			return Preview{}, err
		}
		return Preview{Changes: []string{fmt.Sprintf("%s: file capabilities %q → %q", a.p("path"), orNone(cur), a.p("caps"))},
			Reversible: true, Undo: "restores " + orNone(cur), Old: map[string]string{"caps": cur}}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		p := env.path(a.p("path"))
		if err := setFileCaps(p, a.p("caps")); err != nil {
			return nil, err
		}
		now, err := fileCapText(p)
		return map[string]string{"caps": now}, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		return setFileCaps(env.path(a.p("path")), old["caps"])
	},
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

var compactAction = actionKind{
	needs: needRoot("writing /proc/sys/vm/compact_memory needs root"),
	preview: func(context.Context, *ActionEnv, *Action) (Preview, error) {
		return Preview{Changes: []string{"the kernel moves pages so free memory joins into larger blocks (takes a moment, changes no setting)"},
			Reversible: true, Undo: "nothing to undo: compaction changes no setting", Old: map[string]string{}}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, _ *Action, _ map[string]string) (map[string]string, error) {
		f, err := os.OpenFile(env.path("/proc/sys/vm/compact_memory"), os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		_, err = f.WriteString("1")
		return map[string]string{}, err
	},
	undo: func(context.Context, *ActionEnv, *Action, map[string]string, map[string]string) error { return nil },
}

// --- programs and the editor -------------------------------------------------------

func argvParam(a *Action) []string {
	var argv []string
	json.Unmarshal([]byte(a.p("argv")), &argv)
	return argv
}

func argvJSON(argv ...string) string {
	b, _ := json.Marshal(argv)
	return string(b)
}

var execAction = actionKind{
	needs: needRoot("reloading the network configuration needs root"),
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		argv := argvParam(a)
		if len(argv) == 0 {
			return Preview{}, errors.New("no program to run")
		}
		if _, err := sysexec.Find(argv[0]); err != nil {
			return Preview{}, err
		}
		p := Preview{Changes: []string{"run " + sysexec.Quote(argv...)}, Undo: "cannot be undone (a reload only re-reads files)", Old: map[string]string{}}
		if u := undoArgv(a); len(u) > 0 {
			p.Reversible, p.Undo = true, "runs "+sysexec.Quote(u...)
		}
		return p, nil
	},
	apply: func(ctx context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		argv := argvParam(a)
		res, err := sysexec.Run(ctx, env.timeout(), argv[0], argv[1:]...)
		return map[string]string{"exit": strconv.Itoa(res.Exit)}, err
	},
	undo: func(ctx context.Context, env *ActionEnv, a *Action, _, _ map[string]string) error {
		u := undoArgv(a)
		if len(u) == 0 {
			return errors.New("this command has no undo")
		}
		_, err := sysexec.Run(ctx, env.timeout(), u[0], u[1:]...)
		return err
	},
}

func undoArgv(a *Action) []string {
	var argv []string
	json.Unmarshal([]byte(a.p("undo_argv")), &argv)
	return argv
}

var editAction = actionKind{
	writes: pathParam,
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		prev, err := atomicfile.Read(env.path(a.p("path")))
		if err != nil {
			return Preview{}, err
		}
		if !prev.Existed {
			return Preview{}, fmt.Errorf("%s does not exist", a.p("path"))
		}
		ch := []string{fmt.Sprintf("%s: opened in your editor at line %s (a backup of its %d bytes is kept)", a.p("path"), orName(a.p("line"), "1"), len(prev.Data))}
		if argv := argvParam(a); len(argv) > 0 {
			ch = append(ch, "then, if the file changed: "+strings.Join(argv, " "))
		}
		return Preview{Changes: ch, Reversible: true, Undo: "restores the file as it was before editing (and reloads)", Old: prevToMap(prev)}, nil
	},
	apply: func(ctx context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		if env.Edit == nil {
			return nil, errors.New("no editor available here")
		}
		line, _ := strconv.Atoi(a.p("line"))
		if err := env.Edit(env.path(a.p("path")), line); err != nil {
			return nil, fmt.Errorf("editor: %w", err)
		}
		now, err := atomicfile.Read(env.path(a.p("path")))
		if err != nil {
			return nil, err
		}
		prev, _ := mapToPrev(old)
		if string(now.Data) == string(prev.Data) {
			return map[string]string{"changed": "false"}, nil
		}
		if argv := argvParam(a); len(argv) > 0 {
			if _, err := sysexec.Run(ctx, env.timeout(), argv[0], argv[1:]...); err != nil {
				return map[string]string{"changed": "true"}, fmt.Errorf("the file was saved, but reloading failed: %w", err)
			}
		}
		return map[string]string{"changed": "true"}, nil
	},
	undo: func(ctx context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		if err := restoreFile(env, a.p("path"), old); err != nil {
			return err
		}
		if argv := argvParam(a); len(argv) > 0 {
			_, err := sysexec.Run(ctx, env.timeout(), argv[0], argv[1:]...)
			return err
		}
		return nil
	},
}

// sortedKeys lists a map's keys in order (for stable previews).
func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
