package fix

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

// writeJournal appends entries, as JSON lines, to j's file (0600).
func writeJournal(t *testing.T, j *Journal, es ...Entry) {
	t.Helper()
	if err := os.MkdirAll(j.Dir(), 0o700); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, e := range es {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		f.Write(append(b, '\n'))
	}
}

// Review 1: Old/New values are checked per kind, not only their keys: a
// hand-edited old state that undo would write back (capabilities, limits,
// a setuid mode, a sysctl.d line for another key, a file backup's mode)
// refuses the entry; a refused outcome line refuses its whole action.
func TestJournalRefusesBadStateValues(t *testing.T) {
	j, err := OpenJournal(filepath.Join(t.TempDir(), "j"))
	if err != nil {
		t.Fatal(err)
	}
	proc := &Identity{BootID: "b", Proc: &ProcID{PID: 4242, Start: 1}}
	file := map[string]string{"dev": "1", "ino": "2", "sha256": strings.Repeat("a", 64)}
	begin := func(n string, a *Action, obj *Identity, old map[string]string) Entry {
		return Entry{ID: "20260101-000000-00000" + n, Phase: PhaseBegin, Fix: "t/x", Action: a, Object: obj, Old: old}
	}
	caps := map[string]string{"caps": "cap_setuid,cap_sys_admin=ep"}
	for k, v := range file {
		caps[k] = v
	}
	bad := []Entry{
		begin("1", setcapAct("/usr/local/bin/prog", "cap_net_admin+ep"), nil, caps),
		begin("2", prlimitAct(4242, "100", "200"), proc, map[string]string{"soft": "garbage", "hard": "garbage"}),
		begin("3", ChmodAct("/dev/net/tun", 0o666, -1, -1, ""), nil, map[string]string{"mode": "4777", "uid": "0", "gid": "0"}),
		begin("4", writeFileAct("/etc/modules-load.d/x.conf", "tun\n", 0o644), nil,
			map[string]string{"existed": "true", "data": "eA==", "mode": "4755", "uid": "0", "gid": "0"}),
		begin("5", sysctlPersistAct("/etc/sysctl.d/90-rtnl-doctor.conf", "fs.file-max", "400000"), nil,
			map[string]string{"existed": "true", "line": "vm.swappiness = 10"}),
		begin("6", writeFileAct("/etc/modules-load.d/x.conf", "tun\n", 0o644), nil, map[string]string{"existed": "maybe"}),
		begin("7", Act("sysctl", "key", "fs.file-max", "value", "1"), nil, map[string]string{"value": "1", "argv": "sh"}),
	}
	// An action whose intent is fine but whose outcome line is not.
	good := begin("8", ChmodAct("/dev/net/tun", 0o666, -1, -1, ""), nil, map[string]string{"mode": "0600", "uid": "0", "gid": "0"})
	badDone := Entry{ID: good.ID, Phase: PhaseDone, Fix: "t/x", New: map[string]string{"mode": "6777", "node": "char 10:200", "ino": "5"}}
	fine := begin("9", prlimitAct(4242, "100", "200"), proc, map[string]string{"soft": "1024", "hard": "unlimited"})
	writeJournal(t, j, append(bad, good, badDone, fine)...)
	log, err := j.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Entries) != 1 || log.Entries[0].ID != fine.ID {
		t.Fatalf("entries kept: %+v", log.Entries)
	}
	all := strings.Join(log.Problems, "\n")
	for _, want := range []string{"cap_setuid", `"garbage" is not a limit`, "mode 4777 has setuid", "mode 4755 has setuid",
		"does not set fs.file-max", `"maybe" is not one of`, `keeps no "argv"`, "mode 6777", "action " + good.ID + ": refused as a whole"} {
		if !strings.Contains(all, want) {
			t.Errorf("no problem says %q:\n%s", want, all)
		}
	}
}

// Review 1: the parse helpers refuse garbage instead of reading it as 0.
func TestStateParsersRefuseGarbage(t *testing.T) {
	for _, v := range []string{"garbage", "", "1e3", " 5", "-2", "99999999999999999999999"} {
		if _, err := parseRlim(v); err == nil {
			t.Errorf("parseRlim(%q) accepted", v)
		}
	}
	if v, err := parseRlim("unlimited"); err != nil || v != unix.RLIM_INFINITY {
		t.Errorf("unlimited: %d %v", v, err)
	}
	for _, v := range []string{"4777", "2755", "1777", "7777", "garbage", "", "0o644", "99"} {
		if _, err := parsePerm(v); err == nil {
			t.Errorf("parsePerm(%q) accepted", v)
		}
	}
	if _, err := mapToPrev(map[string]string{"existed": "true", "data": "", "mode": "garbage", "uid": "0", "gid": "0"}); err == nil {
		t.Error("mapToPrev accepted a garbage mode")
	}
	if _, err := mapToPrev(map[string]string{"existed": "yes"}); err == nil {
		t.Error("mapToPrev read existed=yes as a file that did not exist")
	}
	if err := ValidateAction(ChmodAct("/dev/net/tun", 0o4777, -1, -1, "")); err != nil {
		t.Errorf("ChmodAct keeps only the permission bits: %v", err)
	}
	if err := ValidateAction(Act("chmod", "path", "/dev/net/tun", "mode", "4777")); err == nil {
		t.Error("a chmod to a setuid mode was accepted")
	}
}

// Review 3: an entry whose pid parameter is not the process it recorded,
// or that records none, is refused.
func TestEntryPIDMustBeTheRecordedProcess(t *testing.T) {
	a := prlimitAct(4242, "100", "200")
	old := map[string]string{"soft": "1024", "hard": "4096"}
	for _, c := range []struct {
		obj  *Identity
		want string
	}{
		{&Identity{BootID: "b", Proc: &ProcID{PID: 1, Start: 1}}, "names two processes"},
		{&Identity{BootID: "b"}, "does not record which process"},
		{nil, "does not record which process"},
	} {
		e := Entry{ID: "20260101-000000-000001", Phase: PhaseBegin, Fix: "t/x", Action: a, Object: c.obj, Old: old}
		if err := validateEntry(&e); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("object %+v: %v, want %q", c.obj, err, c.want)
		}
	}
	m := MknodTunAct(0o666, "4242")
	e := Entry{ID: "20260101-000000-000002", Phase: PhaseBegin, Fix: "t/x", Action: m, Object: &Identity{Proc: &ProcID{PID: 7}}, Old: map[string]string{"dir": "true"}}
	if err := validateEntry(&e); err == nil {
		t.Error("mknod-tun in the mount namespace of PID 4242 recorded as PID 7 accepted")
	}
	e.Object.Proc.PID = 4242
	if err := validateEntry(&e); err != nil {
		t.Errorf("a consistent entry refused: %v", err)
	}
}

// Review 2: setcap's path is checked from its text (validation) and the
// file itself (apply and undo).
func TestSetcapTargets(t *testing.T) {
	for _, p := range []string{"/etc/shadow", "/proc/self/exe", "/sys/x", "/dev/x", "/tmp/prog", "/var/tmp/prog",
		"/bin/bash", "/usr/bin/dash", "/bin/busybox", "/usr/bin/python3.12", "/usr/bin/perl5.36", "/usr/bin/gawk", "/usr/bin/node",
		"/usr/bin/tclsh8.6", "/usr/bin/mksh", "/bin/tcsh", "/usr/bin/zsh", "/usr/bin/fish", "/usr/bin/java", "/usr/bin/php8.2",
		"/usr/bin/lua5.4", "/usr/bin/ruby", "/usr/bin/runc", "/usr/bin/env", "relative"} {
		if err := ValidateAction(setcapAct(p, "cap_net_admin+ep")); err == nil {
			t.Errorf("setcap on %s accepted", p)
		}
	}
	for _, c := range []string{"cap_sys_admin+ep", "cap_setuid=ep", "cap_net_admin,cap_dac_override+ep"} {
		if err := ValidateAction(setcapAct("/usr/local/bin/prog", c)); err == nil {
			t.Errorf("setcap %s accepted", c)
		}
	}
	for _, p := range []string{"/usr/local/bin/prog", "/usr/bin/shellcheck", "/opt/app/bin/server"} {
		if err := ValidateAction(setcapAct(p, "cap_net_admin+ep")); err != nil {
			t.Errorf("setcap on %s refused: %v", p, err)
		}
	}
	testns.Require(t)
	ctx := context.Background()
	for name, prep := range map[string]func(root, p string){
		"world-writable dir": func(root, p string) { os.Chmod(filepath.Dir(p), 0o777) },
		"not executable":     func(root, p string) { os.Chmod(p, 0o644) },
		"group-writable":     func(root, p string) { os.Chmod(p, 0o775) },
		"a directory":        func(root, p string) { os.Remove(p); os.Mkdir(p, 0o755) },
		"a symlink":          func(root, p string) { os.Remove(p); os.Symlink("/bin/true", p) },
		"foreign caps": func(root, p string) {
			f, _ := os.Open(p)
			setFdCaps(f, "cap_sys_admin=ep")
			f.Close()
		},
	} {
		root := t.TempDir()
		p := filepath.Join(root, setcapTestProg)
		writeProg(t, p)
		prep(root, p)
		env := testEnv(t, root)
		if _, err := ApplyFix(ctx, env, Fix{ID: "t/setcap", Action: setcapAct(setcapTestProg, "cap_net_admin+ep")}); err == nil {
			t.Errorf("%s: setcap applied", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

// Review 4: --force restores over a changed state of the same object,
// never acts on another object; messages offer --force only when it would
// do it. mknod-tun: a node made again (another inode) is left.
func TestForceMknodNeverRemovesAnotherNode(t *testing.T) {
	testns.Require(t)
	ctx := context.Background()
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "dev/net"), 0o755)
	p := filepath.Join(root, "dev/net/tun")
	env := testEnv(t, root)
	e, err := ApplyFix(ctx, env, Fix{ID: "t/mknod", Action: MknodTunAct(0o666, "")})
	if err != nil {
		t.Fatal(err)
	}
	// Another node in its place (a new inode).
	os.Remove(p)
	os.WriteFile(filepath.Join(root, "dev/net/pad"), nil, 0o600) // so the inode is not simply reused
	if err := unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(10, 200))); err != nil {
		t.Fatal(err)
	}
	var st unix.Stat_t
	unix.Lstat(p, &st)
	if st.Ino == atoiU(e.New["ino"]) {
		t.Skip("the filesystem gave the new node the same inode")
	}
	for _, force := range []bool{false, true} {
		env.Force = force
		u, err := UndoFix(ctx, env, e.ID)
		// Refused without --force, naming the undo --force ID that closes
		// the entry; closed (changing nothing) with it.
		if force {
			if err != nil || u.Phase != PhaseUndone || !u.Forced || !strings.Contains(u.Note, "changed nothing") {
				t.Fatalf("force=%v: undo of a replaced node is not closed: %v %+v", force, err, u)
			}
		} else if err == nil || !strings.Contains(err.Error(), "not the object the fix changed") || !strings.Contains(err.Error(), "--force "+e.ID) {
			t.Fatalf("force=%v: undo of a replaced node: %v", force, err)
		}
		var now unix.Stat_t
		if unix.Lstat(p, &now) != nil || now.Ino != st.Ino {
			t.Fatalf("force=%v: the other node was removed", force)
		}
	}
	// The same node with another mode: a changed state, which --force
	// restores over (the node is removed).
	os.Remove(p)
	os.Remove(filepath.Join(root, "dev/net/pad"))
	env.Force = false
	e, err = ApplyFix(ctx, env, Fix{ID: "t/mknod2", Action: MknodTunAct(0o666, "")})
	if err != nil {
		// the first entry is still open; undo the newest by id
		t.Fatal(err)
	}
	os.Chmod(p, 0o600)
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "--force "+e.ID) {
		t.Fatalf("undo of a changed mode without --force: %v", err)
	}
	env.Force = true
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatalf("undo --force of a changed mode: %v", err)
	}
	if _, err := os.Lstat(p); !os.IsNotExist(err) {
		t.Fatalf("the node is still there: %v", err)
	}
}

func atoiU(s string) uint64 {
	var n uint64
	for _, c := range s {
		n = n*10 + uint64(c-'0')
	}
	return n
}

// Review 4: write-file --force restores over changed content of the same
// file, never over another inode put in its place.
func TestForceWriteFileNeverRestoresOverAnotherFile(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "etc/modules-load.d")
	os.MkdirAll(dir, 0o755)
	p := filepath.Join(dir, "rtnl-doctor-x.conf")
	os.WriteFile(p, []byte("before\n"), 0o644)
	env := testEnv(t, root)
	ctx := context.Background()
	e, err := ApplyFix(ctx, env, Fix{ID: "t/write", Action: writeFileAct("/etc/modules-load.d/rtnl-doctor-x.conf", "tun\n", 0o644)})
	if err != nil {
		t.Fatal(err)
	}
	// Another file put in its place (write a new one, rename it over).
	os.WriteFile(p+".new", []byte("someone else's\n"), 0o644)
	os.Rename(p+".new", p)
	for _, force := range []bool{false, true} {
		env.Force = force
		u, err := UndoFix(ctx, env, e.ID)
		// Refused without --force, naming the undo --force ID that closes
		// the entry; closed (changing nothing) with it.
		if force {
			if err != nil || u.Phase != PhaseUndone || !u.Forced || !strings.Contains(u.Note, "changed nothing") {
				t.Fatalf("force=%v: undo over another inode is not closed: %v %+v", force, err, u)
			}
		} else if err == nil || !strings.Contains(err.Error(), "not the object the fix changed") || !strings.Contains(err.Error(), "--force "+e.ID) {
			t.Fatalf("force=%v: undo over another inode: %v", force, err)
		}
		if b, _ := os.ReadFile(p); string(b) != "someone else's\n" {
			t.Fatalf("force=%v: the other file was overwritten: %q", force, b)
		}
	}
	// The same inode with other content: --force restores the backup.
	os.Remove(p)
	os.WriteFile(p, []byte("before\n"), 0o644)
	env.Force = false
	e, err = ApplyFix(ctx, env, Fix{ID: "t/write2", Action: writeFileAct("/etc/modules-load.d/rtnl-doctor-x.conf", "tun\n", 0o644)})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(p, os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString("vhost_net\n")
	f.Close()
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "--force "+e.ID) {
		t.Fatalf("undo of changed content without --force: %v", err)
	}
	env.Force = true
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatalf("undo --force of changed content: %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "before\n" {
		t.Fatalf("content after undo --force: %q", b)
	}
}

// Review 4: setcap --force restores over capabilities changed since on the
// same file (the message offers it), never on another file (it does not).
func TestForceSetcap(t *testing.T) {
	testns.Require(t)
	ctx := context.Background()
	root := t.TempDir()
	p := filepath.Join(root, setcapTestProg)
	writeProg(t, p)
	env := testEnv(t, root)
	e, err := ApplyFix(ctx, env, Fix{ID: "t/setcap", Action: setcapAct(setcapTestProg, "cap_net_admin+ep")})
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(p)
	if err := setFdCaps(f, "cap_net_raw=ep"); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "--force "+e.ID) {
		t.Fatalf("undo of changed capabilities without --force: %v", err)
	}
	env.Force = true
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatalf("undo --force of changed capabilities: %v", err)
	}
	if c, _ := fileCapText(p); c != "" {
		t.Fatalf("capabilities after undo --force: %q", c)
	}
	// Another file in its place: refused, naming undo --force ID, which
	// closes the entry without touching the other file.
	env.Force = false
	e, err = ApplyFix(ctx, env, Fix{ID: "t/setcap2", Action: setcapAct(setcapTestProg, "cap_net_admin+ep")})
	if err != nil {
		t.Fatal(err)
	}
	os.Rename(p, p+".old")
	writeProg(t, p)
	for _, force := range []bool{false, true} {
		env.Force = force
		u, err := UndoFix(ctx, env, e.ID)
		if force {
			if err != nil || !u.Forced || u.Phase != PhaseUndone {
				t.Fatalf("force=%v: undo --force ID on another file does not close the entry: %v %+v", force, err, u)
			}
		} else if err == nil || !strings.Contains(err.Error(), "not the object the fix changed") || !strings.Contains(err.Error(), "--force "+e.ID) {
			t.Fatalf("force=%v: undo on another file: %v", force, err)
		}
	}
	if c, _ := fileCapText(p); c != "" {
		t.Fatalf("the other file got capabilities %q", c)
	}
}
