package probes

import (
	"strings"
	"testing"
)

// /run/netns in a captured tree, checked against the mountinfo captured
// from a private mount namespace (testdata/samples/mountinfo-netns: `ip
// netns add rtnldoc-sample` and a plain file "stale" on a shared tmpfs).
func TestGatherNetnsNames(t *testing.T) {
	f := gatherFixture(t, Target{}, "netns-stale")
	n := f.Host.Netns
	if len(n.Gaps) != 0 || len(n.Names) != 2 {
		t.Fatalf("netns = %+v", n)
	}
	good, bad := n.Names[0], n.Names[1]
	if good.Name != "rtnldoc-sample" || !good.Usable() || bad.Name != "stale" || bad.Usable() || bad.Type != "file" || bad.Size != 0 {
		t.Fatalf("names = %+v", n.Names)
	}
	if n.DirMount != "/run/netns (tmpfs)" || n.Propagation != "shared:2" {
		t.Fatalf("dir mount %q propagation %q", n.DirMount, n.Propagation)
	}
	// A capture without /run/netns proves nothing.
	f = gatherFixture(t, Target{})
	if r, ok := f.Host.Netns.Gaps.Reason("names"); !ok || !strings.Contains(r, "not in the captured tree") {
		t.Fatalf("gap = %q", r)
	}
}

// The seccomp filter's origin from a captured ancestry: ip (filter) <- sh
// (filter) <- firejail (none).
func TestGatherSeccompOrigin(t *testing.T) {
	f := gatherFixture(t, Target{}, "seccomp-firejail")
	o := f.Identity.SeccompOrigin
	if o == nil || o.PID != 4241 || o.Name != "sh" || o.Parent != 4240 || o.ParentName != "firejail" || len(o.Chain) != 3 {
		t.Fatalf("origin = %+v (%v)", o, f.Identity.Gaps)
	}
	if f := gatherFixture(t, Target{}); f.Identity.SeccompOrigin != nil {
		t.Fatalf("no filter, origin %+v", f.Identity.SeccompOrigin)
	}
}
