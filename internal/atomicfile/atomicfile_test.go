package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteRestore(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "etc", "sysctl.d", "90-x.conf")
	prev, err := Write(p, []byte("a = 1\n"), 0o644)
	if err != nil || prev.Existed {
		t.Fatalf("new file: %v %+v", err, prev)
	}
	prev2, err := Write(p, []byte("a = 2\n"), 0o600)
	if err != nil || !prev2.Existed || string(prev2.Data) != "a = 1\n" || prev2.Mode != 0o644 {
		t.Fatalf("replace: %v %+v", err, prev2)
	}
	st, _ := os.Stat(p)
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
	if err := Restore(p, prev2); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "a = 1\n" {
		t.Fatalf("restored %q", b)
	}
	if err := Restore(p, prev); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("restore of a new file must remove it")
	}
	left, _ := filepath.Glob(filepath.Join(dir, "etc", "sysctl.d", ".*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}

func TestRefusesSymlinks(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	// A symlink planted where the file is written.
	link := filepath.Join(dir, "planted.conf")
	os.Symlink(victim, link)
	if _, err := Write(link, []byte("x"), 0o644); !errors.Is(err, ErrSymlink) {
		t.Fatalf("write through a symlink: %v", err)
	}
	// A symlinked directory in the path.
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	os.Symlink(filepath.Join(dir, "real"), filepath.Join(dir, "linkdir"))
	if _, err := Write(filepath.Join(dir, "linkdir", "f"), []byte("x"), 0o644); !errors.Is(err, ErrSymlink) {
		t.Fatalf("write below a symlinked directory: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatal("the symlink target was changed")
	}
	if _, err := Read(link); !errors.Is(err, ErrSymlink) {
		t.Fatalf("read of a symlink: %v", err)
	}
}

func TestReadOnlyDirectoryLeavesNothing(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root writes into a read-only directory")
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	os.WriteFile(p, []byte("old"), 0o644)
	os.Chmod(dir, 0o555)
	defer os.Chmod(dir, 0o755)
	if _, err := Write(p, []byte("new"), 0o644); err == nil {
		t.Fatal("write into a read-only directory succeeded")
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatal("the file changed")
	}
}
