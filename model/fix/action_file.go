package fix

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"

	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// prevToMap and mapToPrev carry a file's previous state (the backup) in
// the journal.
func prevToMap(p *atomicfile.Previous) map[string]string {
	if !p.Existed {
		return map[string]string{"existed": "false"}
	}
	return map[string]string{"existed": "true", "data": base64.StdEncoding.EncodeToString(p.Data),
		"mode": fmt.Sprintf("%04o", p.Mode.Perm()), "uid": strconv.Itoa(p.UID), "gid": strconv.Itoa(p.GID)}
}

func mapToPrev(m map[string]string) (*atomicfile.Previous, error) {
	switch m["existed"] {
	case "false":
		return &atomicfile.Previous{}, nil
	case "true":
	default:
		return nil, fmt.Errorf("journal backup: existed is %q, not true or false", m["existed"])
	}
	data, err := base64.StdEncoding.DecodeString(m["data"])
	if err != nil {
		return nil, fmt.Errorf("journal backup unreadable: %w", err)
	}
	mode, err := parsePerm(m["mode"])
	if err != nil {
		return nil, fmt.Errorf("journal backup: %w", err)
	}
	uid, err := strconv.ParseUint(m["uid"], 10, 32)
	if err != nil {
		return nil, fmt.Errorf("journal backup: uid %q", m["uid"])
	}
	gid, err := strconv.ParseUint(m["gid"], 10, 32)
	if err != nil {
		return nil, fmt.Errorf("journal backup: gid %q", m["gid"])
	}
	return &atomicfile.Previous{Existed: true, Data: data, Mode: os.FileMode(mode), UID: int(uid), GID: int(gid)}, nil
}

func fileMode(a *Action) os.FileMode {
	if m, err := parsePerm(a.Param("mode")); err == nil {
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
		p.Undo = "restores the previous content of " + path + " (kept in the journal), if the file is still as rtnl-doctor left it"
	} else {
		p.Changes = []string{fmt.Sprintf("%s: create with:\n%s", path, indent(content))}
		p.Undo = "removes " + path + ", if it is still as rtnl-doctor left it"
	}
	return p, nil
}

func restoreFile(env *ActionEnv, path string, old map[string]string) error {
	prev, err := mapToPrev(old)
	if err != nil {
		return err
	}
	return atomicfile.Restore(env.path(path), prev)
}

func pathParam(a *Action) string { return a.Param("path") }

// sameFile refuses to restore over another file than the one the fix
// left (another device or inode), whatever --force says; a file gone is
// left gone. new without an identity (an apply interrupted before it was
// recorded) cannot tell, and passes.
func sameFile(env *ActionEnv, a *Action, new map[string]string) error {
	if new["ino"] == "" {
		return nil
	}
	now, err := fileState(env.path(a.Param("path")))
	if err != nil {
		return err
	}
	if d := otherObject(a, pick(new, "dev", "ino"), now); d != "" {
		return fmt.Errorf("%s is not the file the fix left (%s): undo never acts on another file, even with --force: nothing was changed", a.Param("path"), d)
	}
	return nil
}

func hashText(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// fileState reads a file's identity (device, inode, content hash) without
// following a symlink; a missing file is {"sha256": "absent"}.
func fileState(p string) (map[string]string, error) {
	f, err := atomicfile.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]string{"sha256": "absent"}, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	id, err := fileIdentity(f)
	if err != nil {
		return nil, err
	}
	return id.state(), nil
}

func fileExpect(a *Action, _, new map[string]string) map[string]string {
	if new != nil {
		return pick(new, "dev", "ino", "sha256")
	}
	return map[string]string{"sha256": hashText(a.Param("content"))}
}

// fileStateKeys are the states of write-file and edit: the backup
// (prevToMap) and the file's identity (fileState), and whether an edit
// changed it.
var fileStateKeys = map[string]paramCheck{"existed": checkBool, "data": checkBackup, "mode": checkPerm,
	"uid": checkID, "gid": checkID, "dev": checkU64, "ino": checkU64, "sha256": checkSHA256, "changed": checkBool}

var writeFileAction = actionKind{
	params: map[string]paramCheck{
		"path":    pathUnder("*.conf", "/etc/security/limits.d", "/etc/modules-load.d"),
		"content": anyText, "mode": checkMode},
	required:  []string{"path"},
	stateKeys: fileStateKeys,
	identity:  []string{"dev", "ino"},
	writes:    pathParam,
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		return fileChange(env, a.Param("path"), a.Param("content"))
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		if _, err := atomicfile.Write(env.path(a.Param("path")), []byte(a.Param("content")), fileMode(a)); err != nil {
			return nil, err
		}
		return fileState(env.path(a.Param("path")))
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, new map[string]string) error {
		if err := sameFile(env, a, new); err != nil {
			return err
		}
		return restoreFile(env, a.Param("path"), old)
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		return fileState(env.path(a.Param("path")))
	},
	expect: fileExpect,
	object: func(a *Action) string { return "file " + a.Param("path") },
}

// --- the editor: a config file edited by the operator, then reloaded ------

var editAction = actionKind{
	params: map[string]paramCheck{
		"path": pathUnder("*", "/etc/systemd/network", "/run/systemd/network", "/etc/NetworkManager/system-connections",
			"/run/NetworkManager/system-connections", "/etc/NetworkManager/conf.d", "/etc/netplan"),
		"line": number(1 << 30), "reload": oneOf("networkd", "networkmanager")},
	required:  []string{"path"},
	stateKeys: fileStateKeys,
	identity:  []string{"dev", "ino"},
	writes:    pathParam,
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		prev, err := atomicfile.Read(env.path(a.Param("path")))
		if err != nil {
			return Preview{}, err
		}
		if !prev.Existed {
			return Preview{}, fmt.Errorf("%s does not exist", a.Param("path"))
		}
		ch := []string{fmt.Sprintf("%s: opened in your editor at line %s (a backup of its %d bytes is kept)", a.Param("path"), OrName(a.Param("line"), "1"), len(prev.Data))}
		if r := reloadArgv(a.Param("reload")); r != nil {
			ch = append(ch, "then, if the file changed: "+Argv(r...))
		}
		return Preview{Changes: ch, Reversible: true, Undo: "restores the file as it was before editing (and reloads), if nobody changed it since", Old: prevToMap(prev)}, nil
	},
	apply: func(ctx context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		if env.Edit == nil {
			return nil, errors.New("no editor available here")
		}
		line, _ := strconv.Atoi(a.Param("line"))
		if err := env.Edit(env.path(a.Param("path")), line); err != nil {
			return nil, fmt.Errorf("editor: %w", err)
		}
		now, err := atomicfile.Read(env.path(a.Param("path")))
		if err != nil {
			return nil, err
		}
		prev, _ := mapToPrev(old)
		if string(now.Data) == string(prev.Data) {
			return map[string]string{"changed": "false"}, nil
		}
		st, err := fileState(env.path(a.Param("path")))
		if err != nil {
			return nil, err
		}
		st["changed"] = "true"
		if r := reloadArgv(a.Param("reload")); r != nil {
			if _, err := env.run(ctx, r[0], r[1:]...); err != nil {
				return st, fmt.Errorf("the file was saved, but reloading failed: %w", err)
			}
		}
		return st, nil
	},
	undo: func(ctx context.Context, env *ActionEnv, a *Action, old, new map[string]string) error {
		if new != nil && new["changed"] == "false" {
			return errGone{"the file was not changed: nothing to undo"}
		}
		if err := sameFile(env, a, new); err != nil {
			return err
		}
		if err := restoreFile(env, a.Param("path"), old); err != nil {
			return err
		}
		if r := reloadArgv(a.Param("reload")); r != nil {
			if _, err := env.run(ctx, r[0], r[1:]...); err != nil {
				return fmt.Errorf("the file was restored, but reloading failed (run %s): %w", Argv(r...), err)
			}
		}
		return nil
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		return fileState(env.path(a.Param("path")))
	},
	expect: func(_ *Action, _, new map[string]string) map[string]string {
		if new == nil {
			return nil // what the operator typed is unknown
		}
		if new["changed"] == "false" {
			return map[string]string{}
		}
		return pick(new, "dev", "ino", "sha256")
	},
	object: func(a *Action) string { return "file " + a.Param("path") },
	helper: true,
}

// reloadArgv is the fixed command that makes a manager re-read its files.
func reloadArgv(manager string) []string {
	switch manager {
	case "networkd":
		return []string{"networkctl", "reload"}
	case "networkmanager":
		return []string{"nmcli", "connection", "reload"}
	}
	return nil
}

// --- file capabilities ------------------------------------------------------

// openNoFollow opens the file at p for reading, refusing a symlink at p or
// in any directory above it.
func openNoFollow(p string) (*os.File, error) { return atomicfile.Open(p) }

func fileCapText(p string) (string, error) {
	f, err := openNoFollow(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return fdCapText(f)
}

func fdCapText(f *os.File) (string, error) {
	set, err := cap.GetFd(f)
	if errors.Is(err, unix.ENODATA) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return set.String(), nil
}

func setFdCaps(f *os.File, text string) error {
	if text == "" {
		err := unix.Fremovexattr(int(f.Fd()), "security.capability")
		if errors.Is(err, unix.ENODATA) {
			return nil
		}
		return err
	}
	set, err := cap.FromText(text)
	if err != nil {
		return err
	}
	return set.SetFd(f)
}

// capFileState is the file's identity and capabilities, read through one
// descriptor opened without following symlinks.
func capFileState(env *ActionEnv, a *Action) (map[string]string, *os.File, error) {
	p := a.Param("path")
	if err := checkSetcapPath(p); err != nil {
		return nil, nil, err
	}
	f, err := openNoFollow(env.path(p))
	if err != nil {
		return nil, nil, err
	}
	if err := checkSetcapFile(f, env.root(), p); err != nil {
		f.Close()
		return nil, nil, err
	}
	id, err := fileIdentity(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	caps, err := fdCapText(f)
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	st := id.state()
	st["caps"] = caps
	return st, f, nil
}

var setcapAction = actionKind{
	params:   map[string]paramCheck{"path": checkSetcapPath, "caps": checkCaps},
	required: []string{"path", "caps"},
	// The file's identity and its capabilities: only those rtnl-doctor
	// sets (fileCaps); a file carrying others is left alone, so no entry
	// can restore, say, cap_sys_admin.
	stateKeys: map[string]paramCheck{"dev": checkU64, "ino": checkU64, "sha256": checkSHA256, "caps": checkCapsState},
	// A file is its inode and its content: another program put in its
	// place, or this one rewritten, is another object.
	identity: []string{"dev", "ino", "sha256"},
	needs: func(*Action) []capNeed {
		return []capNeed{{cap.SETFCAP, "setting file capabilities needs CAP_SETFCAP"}}
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		st, f, err := capFileState(env, a)
		if err != nil {
			return Preview{}, err
		}
		f.Close()
		if err := checkCapsState(st["caps"]); err != nil {
			return Preview{}, fmt.Errorf("%s carries capabilities rtnl-doctor does not manage (%v): it is left alone", a.Param("path"), err)
		}
		return Preview{Changes: []string{fmt.Sprintf("%s: file capabilities %q → %q", a.Param("path"), orNone(st["caps"]), a.Param("caps"))},
			Reversible: true, Undo: "restores " + orNone(st["caps"]) + " on the same file (device, inode and content checked)", Old: st}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		st, f, err := capFileState(env, a)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if d := diffStates(pick(old, "dev", "ino", "sha256"), st); d != "" {
			return nil, fmt.Errorf("%s changed since the preview (%s): nothing was changed", a.Param("path"), d)
		}
		if err := setFdCaps(f, a.Param("caps")); err != nil {
			return nil, err
		}
		now, err := fdCapText(f)
		st["caps"] = now
		return st, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, new map[string]string) error {
		st, f, err := capFileState(env, a)
		if err != nil {
			return err
		}
		defer f.Close()
		// The file must be the one changed: same device, inode and content
		// (compareBeforeUndo checked; this descriptor is what is changed).
		if d := diffStates(pick(new, "dev", "ino", "sha256"), st); d != "" {
			return fmt.Errorf("%s is another file now (%s): nothing was changed", a.Param("path"), d)
		}
		return setFdCaps(f, old["caps"])
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		st, f, err := capFileState(env, a)
		if err != nil {
			return nil, err
		}
		f.Close()
		return st, nil
	},
	expect: func(a *Action, old, new map[string]string) map[string]string {
		if new != nil {
			return pick(new, "dev", "ino", "sha256", "caps")
		}
		// Interrupted: the same file, with the capabilities asked.
		e := pick(old, "dev", "ino", "sha256")
		if set, err := cap.FromText(a.Param("caps")); err == nil {
			e["caps"] = set.String()
		}
		return e
	},
	object: func(a *Action) string { return "capabilities of " + a.Param("path") },
}

// writeFileAct writes content to path (under /etc/security/limits.d or
// /etc/modules-load.d) with mode.
func writeFileAct(path, content string, mode os.FileMode) *Action {
	return Act("write-file", "path", path, "content", content, "mode", fmt.Sprintf("%04o", mode.Perm()))
}

// Managers whose configuration an edit reloads.
const (
	ReloadNetworkd       = "networkd"
	ReloadNetworkManager = "networkmanager"
)

// EditAct opens path at line in the operator's editor, then reloads the
// manager (reloadNetworkd, reloadNetworkManager or "").
func EditAct(path string, line int, reload string) *Action {
	return Act("edit", "path", path, "line", strconv.Itoa(line), "reload", reload)
}

// setcapAct sets the file capabilities caps ("cap_net_admin+ep") on path.
func setcapAct(path, caps string) *Action { return Act("setcap", "path", path, "caps", caps) }
