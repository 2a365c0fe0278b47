package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

func TestCaptureCommand(t *testing.T) {
	t.Cleanup(probes.CloseArchives)
	dir := t.TempDir()
	out := filepath.Join(dir, "c.tar.gz")
	var stdout, stderr bytes.Buffer
	if rc := Capture(context.Background(), CaptureOptions{Out: out, Stdout: &stdout, Stderr: &stderr}); rc != 0 {
		t.Fatalf("rc %d: %s", rc, stderr.String())
	}
	st, err := os.Stat(out)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("capture file: %v %v (want mode 0600)", st, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temporary files left: %d entries", len(ents))
	}
	if !strings.Contains(stderr.String(), "read it with --root "+out) {
		t.Errorf("message: %s", stderr.String())
	}
	f := probes.Gather(context.Background(), probes.Target{Root: out}, probes.GroupHost, probes.GroupNet)
	if f.Host.KernelRelease == "" || len(f.Net.Links) == 0 || f.Target.Live {
		t.Errorf("read back: host %+v, %d links, gaps %v %v", f.Host, len(f.Net.Links), f.Target.Gaps, f.Net.Gaps)
	}
	// A capture is of the live system.
	stderr.Reset()
	if rc := Capture(context.Background(), CaptureOptions{Target: probes.Target{Root: dir}, Out: out, Stdout: &stdout, Stderr: &stderr}); rc != 2 {
		t.Errorf("capture --root: rc %d", rc)
	}
	// To stdout.
	stdout.Reset()
	if rc := Capture(context.Background(), CaptureOptions{Out: "-", Stdout: &stdout, Stderr: &stderr}); rc != 0 || !bytes.HasPrefix(stdout.Bytes(), []byte{0x1f, 0x8b}) {
		t.Errorf("capture -o -: rc %d, %d bytes", rc, stdout.Len())
	}
}

// TestCaptureMessage: the message names a path as a shell word, and for
// -o - says the archive went to stdout instead of "read it with --root -".
func TestCaptureMessage(t *testing.T) {
	t.Cleanup(probes.CloseArchives)
	dir := t.TempDir()
	out := filepath.Join(dir, "my capture.tar.gz")
	var stdout, stderr bytes.Buffer
	if rc := Capture(context.Background(), CaptureOptions{Out: out, Stdout: &stdout, Stderr: &stderr}); rc != 0 {
		t.Fatalf("rc %d: %s", rc, stderr.String())
	}
	if !strings.Contains(stderr.String(), "read it with --root '"+out+"'") {
		t.Errorf("the path is not quoted: %s", stderr.String())
	}
	stderr.Reset()
	if rc := Capture(context.Background(), CaptureOptions{Out: "-", Stdout: &stdout, Stderr: &stderr}); rc != 0 {
		t.Fatalf("rc %d: %s", rc, stderr.String())
	}
	if msg := stderr.String(); strings.Contains(msg, "--root -") || !strings.Contains(msg, "wrote the archive to stdout") {
		t.Errorf("-o - message: %s", msg)
	}
	if stdout.Len() == 0 {
		t.Error("nothing on stdout")
	}
}
