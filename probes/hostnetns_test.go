package probes

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// fakeProc writes /proc/PID/ns links (and comm) below dir, as a capture
// keeps them: symlinks whose targets are the "net:[N]" texts.
func fakeProc(t *testing.T, dir, pid, comm, net, pidns string) {
	t.Helper()
	ns := filepath.Join(dir, "proc", pid, "ns")
	if err := os.MkdirAll(ns, 0o755); err != nil {
		t.Fatal(err)
	}
	if comm != "" {
		os.WriteFile(filepath.Join(dir, "proc", pid, "comm"), []byte(comm+"\n"), 0o644)
	}
	os.Symlink("net:["+net+"]", filepath.Join(ns, "net"))
	if pidns != "" {
		os.Symlink("pid:["+pidns+"]", filepath.Join(ns, "pid"))
	}
}

// TestHostNetNSNeedsTheInitialPIDNamespace: PID 1 (or a "kthreadd" at PID
// 2) of a private PID namespace (unshare -n -p -f --mount-proc, a
// container) is not the host's init: its network namespace is not known to
// be the host's, so /etc/sysctl.d fixes are not offered for it.
func TestHostNetNSNeedsTheInitialPIDNamespace(t *testing.T) {
	for _, tc := range []struct {
		name       string
		pid1, pid2 string // PID namespace inodes ("" no link; "-" no process)
		comm2      string
		want       uint64
	}{
		{"init of the host", "4026531836", "-", "", 4026532001},
		{"kthreadd of the host", "", "4026531836", "kthreadd", 4026532002},
		{"init of a private PID namespace", "4026532600", "-", "", 0},
		{"a fake kthreadd in a private PID namespace", "4026532600", "4026532600", "kthreadd", 0},
		{"a capture without PID namespace links", "", "-", "", 4026532001},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			fakeProc(t, dir, "1", "init", "4026532001", tc.pid1)
			if tc.pid2 != "-" {
				fakeProc(t, dir, "2", tc.comm2, "4026532002", tc.pid2)
			}
			if got := hostNetNSInode(NewRoot(dir)); got != tc.want {
				t.Fatalf("hostNetNSInode = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestHostNetNSInPrivatePIDNamespace runs the probe in a private network
// and PID namespace with its own /proc (unshare -n -p -f --mount-proc):
// the namespace must not be taken for the host's.
func TestHostNetNSInPrivatePIDNamespace(t *testing.T) {
	if os.Getenv("RTNL_DOCTOR_HOSTNS_CHILD") == "1" {
		_, tf := resolve(Target{})
		if tf.HostNetNS != nil && *tf.HostNetNS {
			os.Stdout.WriteString("HOST\n")
		} else {
			os.Stdout.WriteString("NOT-HOST\n")
		}
		return
	}
	testns.Require(t)
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("privileged test skipped: no unshare")
	}
	cmd := exec.Command(unshare, "-n", "-p", "-f", "--mount-proc", os.Args[0], "-test.run=^TestHostNetNSInPrivatePIDNamespace$", "-test.v")
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_HOSTNS_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.Contains(string(out), "NOT-HOST") {
		t.Fatalf("a private network namespace was taken for the host's:\n%s", out)
	}
}
