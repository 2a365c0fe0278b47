// Package testtmux gives a test its own tmux server socket in a directory
// of its own, removed when the test ends: tmux's -L NAME leaves its socket
// file in /tmp/tmux-UID after kill-server, and tests leave nothing behind.
package testtmux

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Socket returns the path for tmux -S. The cleanup kills the server on it
// (tmux is the binary to run) and removes the directory. The directory is
// made with os.MkdirTemp, not t.TempDir, to keep the path under the 108
// bytes a Unix socket's path may have.
func Socket(t testing.TB, tmux string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "rdtmux")
	if err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "s")
	t.Cleanup(func() {
		exec.Command(tmux, "-S", sock, "kill-server").Run()
		os.RemoveAll(dir)
	})
	return sock
}
