package fix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
)

func validEntry(id, phase string) Entry {
	return Entry{ID: id, Phase: phase, Fix: "t/x", Action: Act("sysctl", "key", "fs.file-max", "value", "1")}
}

func TestJournalFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(validEntry("20260101-000000-aaaaaa", PhaseBegin)); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(j.Path())
	dst, _ := os.Stat(dir)
	if st.Mode().Perm() != 0o600 || dst.Mode().Perm() != 0o700 {
		t.Fatalf("modes %v %v", st.Mode(), dst.Mode())
	}
	// A symlink planted as the journal is refused.
	d2 := t.TempDir()
	os.Symlink("/etc/passwd", filepath.Join(d2, "journal.jsonl"))
	if _, err := OpenJournal(d2); err == nil {
		t.Fatal("journal through a symlink accepted")
	}
}

// Finding 1: a journal directory owned by another user, or writable by
// others, is refused (never chmod-ed into shape), and nothing is read from it.
func TestJournalForeignOwnerRefused(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to give a directory to another user")
	}
	base := t.TempDir()
	foreign := filepath.Join(base, "foreign")
	os.Mkdir(foreign, 0o700)
	os.Chown(foreign, 65534, 65534)
	for _, open := range []func(string) (*Journal, error){OpenJournal, OpenJournalReadOnly} {
		_, err := open(foreign)
		var re *RefusedError
		if !errors.As(err, &re) || !strings.Contains(err.Error(), "uid 65534") {
			t.Fatalf("foreign-owned directory: %v", err)
		}
	}
	if st, _ := os.Stat(foreign); st.Mode().Perm() != 0o700 {
		t.Fatalf("the directory was changed: %v", st.Mode())
	}
	// Group/world-writable: refused, not chmod-ed.
	loose := filepath.Join(base, "loose")
	os.Mkdir(loose, 0o700)
	os.Chmod(loose, 0o777)
	if _, err := OpenJournal(loose); err == nil || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("world-writable directory: %v", err)
	}
	if st, _ := os.Stat(loose); st.Mode().Perm() != 0o777 {
		t.Fatalf("the directory was chmod-ed: %v", st.Mode())
	}
	// An ancestor another user can write.
	anc := filepath.Join(base, "anc")
	os.Mkdir(anc, 0o755)
	os.Chown(anc, 65534, 65534)
	if _, err := OpenJournal(filepath.Join(anc, "j")); err == nil || !strings.Contains(err.Error(), "65534") {
		t.Fatalf("foreign ancestor: %v", err)
	}
	if _, err := os.Stat(filepath.Join(anc, "j")); err == nil {
		t.Fatal("a journal was created below a foreign ancestor")
	}
	// A journal file owned by another user in our directory.
	mine := filepath.Join(base, "mine")
	os.Mkdir(mine, 0o700)
	os.WriteFile(filepath.Join(mine, "journal.jsonl"), nil, 0o600)
	os.Chown(filepath.Join(mine, "journal.jsonl"), 65534, 65534)
	if _, err := OpenJournal(mine); err == nil {
		t.Fatal("a foreign journal file was accepted")
	}
}

// Finding 1: MkdirAll followed a symlinked parent of --journal.
func TestJournalSymlinkedParentRefused(t *testing.T) {
	base := t.TempDir()
	target := filepath.Join(base, "elsewhere")
	os.Mkdir(target, 0o700)
	os.Symlink(target, filepath.Join(base, "link"))
	if _, err := OpenJournal(filepath.Join(base, "link", "j")); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("symlinked parent: %v", err)
	}
	if _, err := os.Stat(filepath.Join(target, "j")); err == nil {
		t.Fatal("a directory was created through the symlink")
	}
}

// Finding 1: listing and dry runs create and chmod nothing.
func TestJournalReadOnlyCreatesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	if _, err := OpenJournalReadOnly(dir); !errors.Is(err, ErrNoJournal) {
		t.Fatalf("missing journal: %v", err)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Fatal("read-only open created the directory")
	}
	j, _ := OpenJournal(dir)
	j.Append(validEntry("20260101-000000-aaaaaa", PhaseBegin))
	os.Chmod(j.Path(), 0o640) // readable by the group: left alone
	ro, err := OpenJournalReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.Append(validEntry("20260101-000000-bbbbbb", PhaseBegin)); err == nil {
		t.Fatal("append to a read-only journal")
	}
	if _, err := ro.Lock(); err == nil {
		t.Fatal("lock of a read-only journal")
	}
	if st, _ := os.Stat(j.Path()); st.Mode().Perm() != 0o640 {
		t.Fatalf("mode changed to %v", st.Mode())
	}
	if _, err := os.Stat(filepath.Join(dir, "lock")); err == nil {
		t.Fatal("a lock file was created by a read-only open")
	}
}

// Opening a journal creates nothing (review finding: the dashboard made
// /var/lib/rtnl-doctor/{journal.jsonl,lock} at start-up with nothing
// applied): reading, folding, reconciling and undoing a journal that does
// not exist find no entries and make no directory; the first write (the
// lock of an apply, its entry) makes the directory 0700 and the files 0600.
func TestJournalMadeOnFirstWrite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "rtnl-doctor")
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	absent := func(when string) {
		t.Helper()
		if _, err := os.Lstat(filepath.Dir(dir)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%s made %s: %v", when, filepath.Dir(dir), err)
		}
	}
	absent("opening")
	if log, err := j.Read(); err != nil || len(log.Entries) != 0 || len(log.Problems) != 0 {
		t.Fatalf("reading a journal not made yet: %+v %v", log, err)
	}
	if acts, err := j.Actions(); err != nil || len(acts) != 0 {
		t.Fatalf("folding a journal not made yet: %+v %v", acts, err)
	}
	absent("reading")
	env := &ActionEnv{Journal: j}
	if recs, err := Reconcile(context.Background(), env); err != nil || len(recs) != 0 {
		t.Fatalf("reconciling a journal not made yet: %+v %v", recs, err)
	}
	absent("reconciling")
	for _, id := range []string{"", "20260101-000000-aaaaaa"} {
		if _, err := UndoFix(context.Background(), env, id); err == nil || !strings.Contains(err.Error(), "nothing to undo") && !strings.Contains(err.Error(), "no journal entry") {
			t.Fatalf("undo %q of a journal not made yet: %v", id, err)
		}
	}
	env.DryRun = true
	UndoFix(context.Background(), env, "")
	absent("undoing")
	if err := j.Close(); err != nil {
		t.Fatalf("closing a journal never made: %v", err)
	}

	j, _ = OpenJournal(dir)
	unlock, err := j.Lock()
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Append(validEntry("20260101-000000-aaaaaa", PhaseBegin)); err != nil {
		t.Fatal(err)
	}
	unlock()
	for p, want := range map[string]os.FileMode{filepath.Dir(dir): 0o700, dir: 0o700, j.Path(): 0o600, filepath.Join(dir, "lock"): 0o600} {
		st, err := os.Lstat(p)
		if err != nil || st.Mode().Perm() != want {
			t.Fatalf("%s after the first write: %v %v, want mode %v", p, st, err, want)
		}
	}
	if acts, err := j.Actions(); err != nil || len(acts) != 1 {
		t.Fatalf("the entry written: %+v %v", acts, err)
	}
	// Reconciling with nothing interrupted takes no lock: in a directory
	// without a lock file, none is made.
	os.Remove(filepath.Join(dir, "lock"))
	j.Append(Entry{ID: "20260101-000000-aaaaaa", Phase: PhaseFailed, Fix: "t/x"})
	if _, err := Reconcile(context.Background(), &ActionEnv{Journal: j}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "lock")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reconciling nothing made the lock file: %v", err)
	}
}

// A journal opened before its directory exists keeps every check when the
// directory is made: whatever appeared at its path meanwhile (a directory
// others can write, a symlink, a file in a foreign directory) is refused,
// never used or repaired, and nothing is written through it.
func TestJournalMadeLaterKeepsItsChecks(t *testing.T) {
	base := t.TempDir()
	// A directory writable by others appears where the journal will be.
	loose := filepath.Join(base, "loose")
	j, err := OpenJournal(loose)
	if err != nil {
		t.Fatal(err)
	}
	os.Mkdir(loose, 0o700)
	os.Chmod(loose, 0o777)
	if _, err := j.Lock(); err == nil || !strings.Contains(err.Error(), "writable") {
		t.Fatalf("lock in a world-writable directory made meanwhile: %v", err)
	}
	if err := j.Append(validEntry("20260101-000000-aaaaaa", PhaseBegin)); err == nil {
		t.Fatal("append in a world-writable directory made meanwhile")
	}
	if _, err := j.Read(); err == nil {
		t.Fatal("read from a world-writable directory made meanwhile")
	}
	if ents, _ := os.ReadDir(loose); len(ents) != 0 {
		t.Fatalf("files were made in it: %v", ents)
	}
	if st, _ := os.Stat(loose); st.Mode().Perm() != 0o777 {
		t.Fatalf("it was chmod-ed: %v", st.Mode())
	}
	// A symlink appears at the journal's path.
	elsewhere := filepath.Join(base, "elsewhere")
	os.Mkdir(elsewhere, 0o700)
	linked := filepath.Join(base, "linked")
	j, _ = OpenJournal(linked)
	os.Symlink(elsewhere, linked)
	if err := j.Append(validEntry("20260101-000000-aaaaaa", PhaseBegin)); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("append through a symlink made meanwhile: %v", err)
	}
	// A symlink appears in its parents: nothing is made through it.
	j, _ = OpenJournal(filepath.Join(base, "parent", "j"))
	os.Symlink(elsewhere, filepath.Join(base, "parent"))
	if _, err := j.Lock(); err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("lock below a symlinked parent made meanwhile: %v", err)
	}
	if ents, _ := os.ReadDir(elsewhere); len(ents) != 0 {
		t.Fatalf("files were made through the symlink: %v", ents)
	}
	if os.Geteuid() != 0 {
		return
	}
	// Another user's directory appears where the journal will be.
	foreign := filepath.Join(base, "foreign")
	j, _ = OpenJournal(foreign)
	os.Mkdir(foreign, 0o700)
	os.Chown(foreign, 65534, 65534)
	if _, err := j.Lock(); err == nil || !strings.Contains(err.Error(), "uid 65534") {
		t.Fatalf("lock in a foreign directory made meanwhile: %v", err)
	}
	if ents, _ := os.ReadDir(foreign); len(ents) != 0 {
		t.Fatalf("files were made in it: %v", ents)
	}
}

// Finding 1 (the attack): forged entries (the old free-argv exec kind, a
// file restore to any path, any sysctl key, unknown fields) are refused
// with the reason when read, and undo runs nothing.
func TestJournalForgedEntriesRefused(t *testing.T) {
	dir := t.TempDir()
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(t.TempDir(), "pwned")
	forged := []string{
		`{"id":"20260101-000000-000001","phase":"begin","fix":"x","action":{"kind":"exec","params":{"argv":"[\"/bin/touch\",\"` + marker + `\"]","undo_argv":"[\"/bin/touch\",\"` + marker + `\"]"}}}`,
		`{"id":"20260101-000000-000001","phase":"done","fix":"x"}`,
		`{"id":"20260101-000000-000002","phase":"begin","fix":"x","action":{"kind":"write-file","params":{"path":"/etc/passwd","content":"x"}},"old":{"existed":"false"}}`,
		`{"id":"20260101-000000-000002","phase":"done","fix":"x"}`,
		`{"id":"20260101-000000-000003","phase":"begin","fix":"x","action":{"kind":"sysctl","params":{"key":"kernel.core_pattern","value":"|/tmp/x"}},"old":{"value":"|/tmp/x"}}`,
		`{"id":"20260101-000000-000004","phase":"begin","fix":"x","action":{"kind":"helper","params":{"op":"selinux-permissive","argv":"[\"sh\"]"}}}`,
		`{"id":"20260101-000000-000005","phase":"begin","fix":"x","action":{"kind":"sysctl","params":{"key":"fs.file-max","value":"1"}},"run":"sh -c id"}`,
		`{"id":"20260101-000000-000006","phase":"begin","fix":"x","action":{"kind":"edit","params":{"path":"/etc/systemd/network/a.network","argv":"[\"/bin/sh\"]"}}}`,
	}
	f, _ := os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600) // opening made no file
	f.WriteString(strings.Join(forged, "\n") + "\n")
	f.Close()
	log, err := j.Read()
	if err != nil {
		t.Fatal(err)
	}
	if len(log.Entries) != 2 { // the two "done" lines, which fold into nothing
		t.Fatalf("accepted %d entries: %+v", len(log.Entries), log.Entries)
	}
	for _, want := range []string{`unknown action kind "exec"`, "not a file this action writes", `"kernel.core_pattern" is not a sysctl key`, `unknown parameter "argv"`, `unknown field "run"`} {
		if !strings.Contains(strings.Join(log.Problems, "\n"), want) {
			t.Errorf("no problem says %q: %q", want, log.Problems)
		}
	}
	acts, _ := j.Actions()
	if len(acts) != 0 {
		t.Fatalf("actions from forged entries: %+v", acts)
	}
	ran := false
	env := &ActionEnv{Journal: j, Run: func(context.Context, time.Duration, string, ...string) (sysexec.Result, error) {
		ran = true
		return sysexec.Result{}, nil
	}}
	if _, err := UndoFix(context.Background(), env, ""); err == nil {
		t.Fatal("undo of a forged journal succeeded")
	}
	if _, err := UndoFix(context.Background(), env, "20260101-000000-000001"); err == nil {
		t.Fatal("undo of a forged exec entry succeeded")
	}
	if _, err := os.Stat(marker); err == nil || ran {
		t.Fatal("a forged entry was executed")
	}
}

// Finding 4: a torn line costs that line only (the next entry is kept);
// a line over 4 MiB costs that line only.
func TestJournalTornAndOversizedLines(t *testing.T) {
	j, _ := OpenJournal(t.TempDir())
	j.Append(validEntry("20260101-000000-000001", PhaseBegin))
	f, _ := os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"id":"20260101-000000-000002","pha`) // torn by a power cut
	f.Close()
	j.Append(validEntry("20260101-000000-000003", PhaseBegin))
	f, _ = os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"id":"` + strings.Repeat("x", 5<<20) + "\"}\n")
	f.Close()
	j.Append(validEntry("20260101-000000-000004", PhaseBegin))
	log, err := j.Read()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range log.Entries {
		ids = append(ids, e.ID[len(e.ID)-1:])
	}
	if strings.Join(ids, ",") != "1,3,4" || len(log.Problems) != 2 {
		t.Fatalf("entries %v problems %q", ids, log.Problems)
	}
}

// Finding 4: old entries are rotated, never dropped.
func TestJournalRotationKeepsEntries(t *testing.T) {
	j, _ := OpenJournal(t.TempDir())
	defer func(r int64) { rotateAt = r }(rotateAt)
	rotateAt = 300
	big := validEntry("20260101-000000-000001", PhaseBegin)
	big.Action = Act("write-file", "path", "/etc/modules-load.d/x.conf", "content", strings.Repeat("a", 200))
	for i := 0; i < 4; i++ {
		big.ID = "20260101-000000-00000" + string(rune('1'+i))
		if err := j.Append(big); err != nil {
			t.Fatal(err)
		}
	}
	rotated, _ := filepath.Glob(filepath.Join(j.Dir(), "journal-*.jsonl"))
	es, _ := j.Entries()
	if len(rotated) == 0 || len(es) != 4 {
		t.Fatalf("rotated %v, %d entries", rotated, len(es))
	}
}

// Finding 4: kill -9 at the rename leaves a temporary file; the next write
// to that directory removes it.
func TestTempFileOfKilledWriterRemoved(t *testing.T) {
	root := t.TempDir()
	fixture.Write(t, root, map[string]string{"etc/sysctl.d/90-rtnl-doctor.conf": "vm.swappiness = 10\n"})
	// A writer that died: its pid is not running.
	cmd := exec.Command("/bin/true")
	cmd.Run()
	left := filepath.Join(root, "etc/sysctl.d", ".rtnl-doctor-tmp."+strconv.Itoa(cmd.Process.Pid)+".90-rtnl-doctor.conf")
	os.WriteFile(left, []byte("half"), 0o600)
	env := testEnv(t, root)
	if _, err := ApplyFix(context.Background(), env, PersistFix("t/p", "fs.file-max", "400000")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the killed writer's temporary file survived: %v", err)
	}
}

// BenchmarkJournalActions reads and validates a journal of 10,000 applied
// actions (20,000 lines) and folds it.
func BenchmarkJournalActions(b *testing.B) {
	j, err := OpenJournal(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	f, _ := os.OpenFile(j.Path(), os.O_APPEND|os.O_WRONLY|os.O_CREATE, 0o600) // opening made no file
	for i := 0; i < 10000; i++ {
		id := fmt.Sprintf("20260101-000000-%06x", i)
		e := Entry{ID: id, Phase: PhaseBegin, Fix: "t/x", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", "/run/netns/x"),
			Old: map[string]string{"value": "0"}, Object: &Identity{BootID: "b", NetNS: &NetnsID{Cookie: 5, Ino: 4026532000, Dev: 4}}}
		line, _ := json.Marshal(e)
		f.Write(append(line, '\n'))
		line, _ = json.Marshal(Entry{ID: id, Phase: PhaseDone, Fix: "t/x", New: map[string]string{"value": "1"}})
		f.Write(append(line, '\n'))
	}
	f.Close()
	st, _ := os.Stat(j.Path())
	b.SetBytes(st.Size())
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		acts, err := j.Actions()
		if err != nil || len(acts) != 10000 {
			b.Fatalf("%d %v", len(acts), err)
		}
	}
}

// BenchmarkNetnsIdentity reads the identity (cookie, inode) of a namespace
// by path: what apply and undo pay per net action.
func BenchmarkNetnsIdentity(b *testing.B) {
	if os.Geteuid() != 0 {
		b.Skip("needs root to enter a namespace")
	}
	for i := 0; i < b.N; i++ {
		if _, err := netnsIdentity("/proc/self/ns/net"); err != nil {
			b.Fatal(err)
		}
	}
}

// Finding 4: kill -9 at the rename, then the next start: reconciliation
// removes the temporary file even before anything is written there again.
func TestReconcileRemovesTempOfKilledApply(t *testing.T) {
	root := t.TempDir()
	fixture.Write(t, root, map[string]string{"etc/sysctl.d/90-rtnl-doctor.conf": "vm.swappiness = 10\n"})
	env := testEnv(t, root)
	func() {
		defer func() { recover() }()
		faultHook = func(s string) {
			if s == "intent" {
				panic("killed")
			}
		}
		defer func() { faultHook = nil }()
		ApplyFix(context.Background(), env, PersistFix("t/p", "fs.file-max", "400000"))
	}()
	cmd := exec.Command("/bin/true")
	cmd.Run()
	left := filepath.Join(root, "etc/sysctl.d", ".rtnl-doctor-tmp."+strconv.Itoa(cmd.Process.Pid)+".90-rtnl-doctor.conf")
	os.WriteFile(left, []byte("half"), 0o600)
	recs, err := Reconcile(context.Background(), env)
	if err != nil || len(recs) != 1 || recs[0].InPlace {
		t.Fatalf("reconcile: %v %+v", err, recs)
	}
	if _, err := os.Stat(left); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the temporary file survived reconciliation: %v", err)
	}
}
