package diagnose

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A program run from another mount namespace (a container, a service's
// private mounts) whose path names another file in rtnl-doctor's: the
// setcap fix must not act on that path here (review: cap_net_admin went
// onto the host's file). It is shown through /proc/PID/root, not applied.
func TestSetcapNotOnTheHostsFileOfTheSamePath(t *testing.T) {
	testns.Require(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	mnt := filepath.Join(dir, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	// Here, mnt/prog is another file than the one the process runs.
	if err := os.WriteFile(filepath.Join(mnt, "prog"), []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	prog := filepath.Join(mnt, "prog")
	cmd := testns.Start(t, nil, "prog", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mount -t tmpfs -o mode=0755 tmpfs "+mnt+" && cp "+testns.Sleep+" "+prog+" && exec /usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "+prog+" 60")
	d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip link add x0 type veth", "RTNETLINK answers: Operation not permitted")
	if fc := d.Facts.Identity.FileCaps; fc == nil || !fc.ElsewhereHere || fc.Path != prog {
		t.Fatalf("file caps %+v: want %s seen as another file here", fc, prog)
	}
	r, _ := d.Result("cap-net-admin")
	for _, f := range r.Fixes {
		if f.ID != "cap-net-admin/setcap" {
			continue
		}
		if f.Action != nil || !f.Manual || !strings.Contains(f.Command, "/proc/"+strconv.Itoa(cmd.Process.Pid)+"/root"+prog) {
			t.Fatalf("setcap fix acts on the path here: %+v", f)
		}
		return
	}
	t.Fatalf("no setcap fix: %+v", r.Fixes)
}
