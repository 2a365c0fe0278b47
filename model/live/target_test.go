package live

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A finding whose process has exited is examined in the failing process's
// network namespace, never in its parent's when that is another one (a
// shell in the host's namespace that ran `unshare -n ip ...`: review
// finding 1): by its name, through the parent when it shares it, or, when
// the namespace went with the process, not at all (the network facts are
// unavailable with that reason).
func TestFindingTargetNamespace(t *testing.T) {
	gone := exec.Command("/bin/true")
	if err := gone.Run(); err != nil {
		t.Skip("cannot run /bin/true: " + err.Error())
	}
	var own syscall.Stat_t
	if err := syscall.Stat("/proc/self/ns/net", &own); err != nil {
		t.Skip("cannot read this process's namespace: " + err.Error())
	}
	finding := func(netns uint64) *Finding {
		return &Finding{Proc: watch.Process{PID: gone.Process.Pid, PPID: os.Getpid(), Comm: "ip", ParentComm: "bash", NetNS: netns, Gone: true}}
	}

	t.Run("gone with the process", func(t *testing.T) {
		tgt, note := finding(1).Target(probes.Target{})
		if tgt.PID != os.Getpid() || tgt.NetNS != "" || tgt.NetNSInode != 1 || !strings.Contains(note, "is gone with it") {
			t.Fatalf("target %+v, note %q", tgt, note)
		}
		f := probes.Gather(context.Background(), tgt, probes.GroupNet)
		if r, gap := f.Net.Gaps.Reason("links"); !gap || !strings.Contains(r, "net:[1] is gone") {
			t.Fatalf("links read from another namespace: gap %v %q, %d links", gap, r, len(f.Net.Links))
		}
	})
	t.Run("shared with the parent", func(t *testing.T) {
		tgt, note := finding(own.Ino).Target(probes.Target{})
		if tgt.PID != os.Getpid() || tgt.NetNS != "" || !strings.Contains(note, "shares its network namespace") {
			t.Fatalf("target %+v, note %q", tgt, note)
		}
	})
	t.Run("named", func(t *testing.T) {
		ns := testns.New(t)
		var st syscall.Stat_t
		if err := syscall.Stat(ns.Path(), &st); err != nil {
			t.Fatal(err)
		}
		tgt, note := finding(st.Ino).Target(probes.Target{})
		if tgt.NetNS != ns.Name || !strings.Contains(note, ns.Name) {
			t.Fatalf("target %+v, note %q", tgt, note)
		}
	})
}
