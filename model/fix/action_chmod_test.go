package fix

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// chmod identifies a regular file by its content, size and ctime, not its
// inode number alone (review: a file rewritten through a temporary file
// and a rename can get the old inode number back, and undo then changed
// the mode of a new file holding a new secret). Rewritten in place here
// (same inode, same size, another secret): the dry run and the undo
// refuse, --force too, journaling nothing; the new file keeps its mode.
func TestChmodUndoIdentifiesTheFileByContent(t *testing.T) {
	root := t.TempDir()
	const rel = "/etc/NetworkManager/system-connections/a.nmconnection"
	kf := filepath.Join(root, rel)
	os.MkdirAll(filepath.Dir(kf), 0o755)
	os.WriteFile(kf, []byte("psk=old-secret\n"), 0o644)
	env := testEnv(t, root)
	ctx := context.Background()
	f := Fix{ID: "t/keyfile", Action: ChmodAct(rel, 0o600, -1, -1, "")}
	p, err := PreviewFix(ctx, env, f)
	if err != nil || p.Old["sha256"] == "" || p.Old["size"] != "15" || p.Old["ino"] == "" || p.Old["mode"] != "0644" {
		t.Fatalf("preview: %v %v", err, p.Old)
	}
	e, err := ApplyPreviewed(ctx, env, f, p)
	if err != nil || e.New["sha256"] != p.Old["sha256"] || e.New["ctime"] == "" {
		t.Fatalf("apply: %v %v", err, e.New)
	}
	// The file rewritten: same inode, same size and mode, another secret.
	os.WriteFile(kf, []byte("psk=new-secret\n"), 0o600)
	os.Chmod(kf, 0o600)
	env.DryRun = true
	for _, force := range []bool{false, true} {
		env.Force = force
		for _, dry := range []bool{true, false} {
			env.DryRun = dry
			if force && !dry {
				continue // closes the entry: TestChmodEditedFileEntryIsClosedByForceID
			}
			_, err = UndoFix(ctx, env, e.ID)
			if err == nil || !strings.Contains(err.Error(), "is not the file the fix changed (sha256 is") || strings.Contains(err.Error(), "restores the old state anyway") ||
				!strings.Contains(err.Error(), "--force "+e.ID) {
				t.Fatalf("undo (dry %v, force %v) on a rewritten file: %v", dry, force, err)
			}
			if ph := phaseOf(t, env, e.ID); ph != PhaseDone {
				t.Fatalf("entry %s after a refused undo", ph)
			}
		}
	}
	env.DryRun = false
	t.Log(err)
	if st, _ := os.Stat(kf); st.Mode().Perm() != 0o600 {
		t.Fatalf("the new file's mode was changed: %v", st.Mode())
	}
	env.Force = false

	// The same file, untouched: undone.
	os.WriteFile(kf, []byte("psk=old-secret\n"), 0o644)
	os.Chmod(kf, 0o644)
	e, err = ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(kf); st.Mode().Perm() != 0o644 {
		t.Fatalf("undo mode %v", st.Mode())
	}

	// The content changed between the preview and the apply: refused.
	p, err = PreviewFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(kf, []byte("psk=new-secret\n"), 0o644)
	if _, err := ApplyPreviewed(ctx, env, f, p); err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Fatalf("apply on a file rewritten since the preview: %v", err)
	}
	if st, _ := os.Stat(kf); st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v", st.Mode())
	}
}

// The undo checks the very inode it changes: a file swapped after the
// compare (simulated: the undo is handed what the fix left, the file has
// changed since) is refused, --force or not.
func TestChmodUndoChecksTheInodeItChanges(t *testing.T) {
	root := t.TempDir()
	const rel = "/etc/NetworkManager/system-connections/b.nmconnection"
	kf := filepath.Join(root, rel)
	os.MkdirAll(filepath.Dir(kf), 0o755)
	os.WriteFile(kf, []byte("psk=a\n"), 0o644)
	env := &ActionEnv{Root: root, Force: true}
	a := ChmodAct(rel, 0o600, -1, -1, "")
	old, err := nodeState(env, a)
	if err != nil {
		t.Fatal(err)
	}
	k := actionKinds["chmod"]
	new, err := k.apply(context.Background(), env, a, old)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(kf)
	os.WriteFile(kf, []byte("psk=b\n"), 0o600)
	if err := k.undo(context.Background(), env, a, old, new); err == nil || !strings.Contains(err.Error(), "not the file the fix changed") {
		t.Fatalf("undo on a swapped file: %v", err)
	}
	if st, _ := os.Stat(kf); st.Mode().Perm() != 0o600 {
		t.Fatalf("the new file's mode was changed: %v", st.Mode())
	}
}
