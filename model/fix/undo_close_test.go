package fix

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// closableChmod applies an older chmod (on b) and then a chmod on a, in a
// temporary root: the entries a blocked undo must not hide.
func closableChmod(t *testing.T) (env *ActionEnv, root string, older, e Entry) {
	t.Helper()
	root = t.TempDir()
	const dir = "/etc/NetworkManager/system-connections"
	os.MkdirAll(filepath.Join(root, dir), 0o755)
	for _, n := range []string{"a", "b"} {
		os.WriteFile(filepath.Join(root, dir, n+".nmconnection"), []byte("psk="+n+"\n"), 0o644)
	}
	env = testEnv(t, root)
	ctx := context.Background()
	older, err := ApplyFix(ctx, env, Fix{ID: "t/b", Action: ChmodAct(dir+"/b.nmconnection", 0o600, -1, -1, "")})
	if err != nil {
		t.Fatal(err)
	}
	e, err = ApplyFix(ctx, env, Fix{ID: "t/a", Action: ChmodAct(dir+"/a.nmconnection", 0o600, -1, -1, "")})
	if err != nil {
		t.Fatal(err)
	}
	return env, filepath.Join(root, dir, "a.nmconnection"), older, e
}

// checkClosable: plain undo, undo --force (no id) refuse, naming undo
// --force ID; undo --force ID closes the entry, changing nothing, and
// plain undo then reaches the older fix.
func checkClosable(t *testing.T, env *ActionEnv, e, older Entry, why string) {
	t.Helper()
	ctx := context.Background()
	for _, force := range []bool{false, true} {
		env.Force = force
		_, err := UndoFix(ctx, env, "")
		if err == nil || !strings.Contains(err.Error(), why) || !strings.Contains(err.Error(), "--force "+e.ID) {
			t.Fatalf("plain undo (force %v) of a blocked entry: %v", force, err)
		}
		if ph := phaseOf(t, env, e.ID); ph == PhaseUndone {
			t.Fatalf("plain undo (force %v) closed the entry", force)
		}
	}
	env.Force = false
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "--force "+e.ID) {
		t.Fatalf("undo ID of a blocked entry: %v", err)
	}
	env.Force = true
	u, err := UndoFix(ctx, env, e.ID)
	if err != nil || u.Phase != PhaseUndone || !u.Forced || !strings.Contains(u.Note, why) || !strings.Contains(u.Note, "changed nothing") {
		t.Fatalf("undo --force ID: %v %+v", err, u)
	}
	if ph := phaseOf(t, env, e.ID); ph != PhaseUndone {
		t.Fatalf("entry %s after undo --force ID", ph)
	}
	env.Force = false
	if u, err := UndoFix(ctx, env, ""); err != nil || u.ID != older.ID {
		t.Fatalf("plain undo after closing: %v %+v", err, u)
	}
}

// Review item 1: a chmod whose file was edited in place (the content hash
// differs) is never changed; undo --force ID closes the entry.
func TestChmodEditedFileEntryIsClosedByForceID(t *testing.T) {
	env, kf, older, e := closableChmod(t)
	os.WriteFile(kf, []byte("psk=edited\n"), 0o600)
	checkClosable(t, env, e, older, "is not the file the fix changed")
	if st, _ := os.Stat(kf); st.Mode().Perm() != 0o600 {
		t.Fatalf("the edited file's mode was changed: %v", st.Mode())
	}
}

// Review item 3: an entry written before chmod recorded a regular file's
// size and SHA-256 identifies it by its inode number alone: blocked as
// another object would be, closable with --force ID.
func TestChmodEntryWithoutContentIdentityIsBlocked(t *testing.T) {
	env, kf, older, e := closableChmod(t)
	// Rewrite the journal as an older rtnl-doctor wrote it.
	p := env.Journal.Path()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.Contains(l, e.ID) {
			for _, k := range []string{"sha256", "size", "ctime"} {
				for _, st := range []map[string]string{e.Old, e.New} {
					if v := st[k]; v != "" {
						l = strings.ReplaceAll(l, `"`+k+`":"`+v+`",`, "")
						l = strings.ReplaceAll(l, `,"`+k+`":"`+v+`"`, "")
					}
				}
			}
			if strings.Contains(l, "sha256") {
				t.Fatalf("sha256 left in %s", l)
			}
		}
		lines = append(lines, l)
	}
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	checkClosable(t, env, e, older, "predates content identity")
	if st, _ := os.Stat(kf); st.Mode().Perm() != 0o600 {
		t.Fatalf("the file's mode was changed: %v", st.Mode())
	}
}

// Review item 1: a /dev chmod whose target process exited ("process N is
// gone") is closed by undo --force ID, acting on nothing.
func TestChmodGoneProcessEntryIsClosedByForceID(t *testing.T) {
	env, _, _, older := closableChmod(t) // the last applied is the older fix here
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	proc, err := procIdentity(cmd.Process.Pid)
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := procIdentity(proc.PID); err == nil {
		t.Skip("the PID was reused")
	}
	checkClosable(t, env, devChmodEntry(t, env, "20260101-000000-dddddd", proc), older, "gone")
}

// Review item 5: every undo command a refusal suggests names a journal
// that is not the default (--journal DIR, shell-quoted), so copying it
// reaches the same journal.
func TestUndoSuggestionsNameTheJournal(t *testing.T) {
	if got := UndoCommand(&Journal{dir: DefaultJournalDir(), dirfd: -1}, "--force", "X"); got != "rtnl-doctor undo --force X" {
		t.Fatalf("default journal: %q", got)
	}
	dir := filepath.Join(t.TempDir(), "my journal")
	j, err := OpenJournal(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := "rtnl-doctor undo --journal '" + dir + "' --force X"
	if got := UndoCommand(j, "--force", "X"); got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	// A refusal: the edited chmod file's entry.
	env, kf, _, e := closableChmod(t)
	os.WriteFile(kf, []byte("psk=edited\n"), 0o600)
	_, err = UndoFix(context.Background(), env, "")
	if err == nil || !strings.Contains(err.Error(), "rtnl-doctor undo --journal "+env.Journal.Dir()+" --force "+e.ID) {
		t.Fatalf("refusal: %v", err)
	}
}

// A ctime difference reads as a time, not an epoch number (third review).
func TestDiffStatesShowsCtimeAsTime(t *testing.T) {
	d := diffStates(map[string]string{"ctime": "1796308472.030000000"}, map[string]string{"ctime": "1796308480.000000001"})
	if !strings.Contains(d, "changed (ctime) is ") || strings.Contains(d, "1796308472") || !strings.Contains(d, ".030000000") {
		t.Fatalf("diff: %s", d)
	}
}

// A zombie (exited, not yet reaped) keeps its PID and start time, but its
// root is gone: the undo says the process is gone, not that the node is
// absent, and --force ID closes the entry (third review).
func TestChmodZombieProcessIsGone(t *testing.T) {
	env, _, _, older := closableChmod(t)
	cmd := exec.Command("sleep", "60")
	if err := cmd.Start(); err != nil {
		t.Skip(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	proc, err := procIdentity(cmd.Process.Pid)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Process.Kill()
	for i := 0; i < 200; i++ { // until it is a zombie
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(proc.PID) + "/stat"); strings.Contains(string(b), ") Z ") {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	checkClosable(t, env, devChmodEntry(t, env, "20260101-000000-eeeeee", proc), older, "gone")
}

// devChmodEntry journals a done chmod of /dev/net/tun in the mount
// namespace of proc, as applied, and returns its begin entry.
func devChmodEntry(t *testing.T, env *ActionEnv, id string, proc *ProcID) Entry {
	t.Helper()
	a := ChmodAct("/dev/net/tun", 0o666, -1, -1, strconv.Itoa(proc.PID))
	e := Entry{ID: id, Phase: PhaseBegin, Fix: "t/devchmod", Title: "tun", Action: a, Command: "chmod 0666 /dev/net/tun",
		Object: &Identity{BootID: bootID(), Proc: proc}, Old: map[string]string{"node": "char 10:200", "ino": "7", "mode": "0600", "uid": "0", "gid": "0"}}
	for _, x := range []Entry{e, {ID: e.ID, Phase: PhaseDone, Fix: e.Fix, New: map[string]string{"node": "char 10:200", "ino": "7", "mode": "0666", "uid": "0", "gid": "0"}}} {
		if err := env.Journal.Append(x); err != nil {
			t.Fatal(err)
		}
	}
	return e
}
