package source

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A captured tree is read as if it were "/": its symlinks, absolute or with
// "..", resolve inside it, never to the host's files; a FIFO or a device
// planted in it is refused without blocking.
func TestReadInRoot(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("HOST SECRET"), 0o600); err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "etc"), 0o755))
	must(os.WriteFile(filepath.Join(root, "etc", "real"), []byte("captured"), 0o644))
	must(os.Symlink("/etc/real", filepath.Join(root, "etc", "abs")))
	must(os.Symlink("../../../../../../"+filepath.Join(outside, "secret"), filepath.Join(root, "etc", "climb")))
	must(os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "etc", "escape")))
	must(syscall.Mkfifo(filepath.Join(root, "etc", "fifo"), 0o644))

	r := NewRoot(root, nil)
	if b, err := r.ReadFile("/etc/real"); err != nil || string(b) != "captured" {
		t.Fatalf("regular file: %q %v", b, err)
	}
	// An absolute link inside the tree points into the tree.
	if b, err := r.ReadFile("/etc/abs"); err != nil || string(b) != "captured" {
		t.Fatalf("absolute link: %q %v", b, err)
	}
	for _, p := range []string{"/etc/climb", "/etc/escape", "/../" + filepath.Join(outside, "secret")} {
		if b, err := r.ReadFile(p); err == nil || strings.Contains(string(b), "SECRET") {
			t.Fatalf("%s read outside the tree: %q %v", p, b, err)
		}
	}
	if b, err := r.ReadTail("/etc/escape", 100); err == nil || strings.Contains(string(b), "SECRET") {
		t.Fatalf("log tail read outside the tree: %q %v", b, err)
	}
	if b, err := r.ReadTail("/etc/abs", 100); err != nil || string(b) != "captured" {
		t.Fatalf("log tail through an absolute link: %q %v", b, err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := r.ReadFile("/etc/fifo")
		if _, terr := r.ReadTail("/etc/fifo", 10); terr == nil {
			err = nil
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Fatalf("fifo: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a FIFO in a captured tree blocked")
	}
	// The host's own reads refuse a FIFO too.
	if _, err := ReadBounded(filepath.Join(root, "etc", "fifo"), 10); err == nil {
		t.Fatal("ReadBounded read a FIFO")
	}
}

// Readlink and ReadDirNames resolve a captured tree's symlinks inside it: an
// absolute link in the middle of the path leads to the tree's /bin, never
// the host's.
func TestReadlinkAndDirInRoot(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"bin", "usr", "var/lib/pacman/local/iproute2-6.1.0-1"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/bin", filepath.Join(dir, "usr", "sbin")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("busybox", filepath.Join(dir, "bin", "ip")); err != nil {
		t.Fatal(err)
	}
	r := Root{Dir: dir}
	if got, err := r.Readlink("/usr/sbin/ip"); err != nil || got != "busybox" {
		t.Fatalf("readlink through an absolute link: %q %v", got, err)
	}
	if got, err := r.ReadDirNames("/var/lib/pacman/local"); err != nil || len(got) != 1 || got[0] != "iproute2-6.1.0-1" {
		t.Fatalf("dir: %q %v", got, err)
	}
	if _, err := r.Readlink("/bin"); err == nil {
		t.Fatal("a directory read as a link")
	}
}
