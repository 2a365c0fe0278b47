package probes

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

func TestNetWatcher(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	w, err := NewNetWatcher(Target{NetNS: ns.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	n := w.Net()
	if _, ok := n.LinkByName("veth0"); !ok || w.Dumps != 1 {
		t.Fatalf("first dump: %d links, %d dumps", len(n.Links), w.Dumps)
	}
	// Changes arrive as notifications, without a new dump.
	ns.IP("link", "add", "br9", "type", "bridge")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("addr", "add", "10.5.0.1/24", "dev", "br9")
	ns.IP("link", "set", "br9", "up")
	ns.IP("route", "add", "10.6.0.0/16", "via", "10.5.0.254")
	ns.IP("link", "del", "veth1")
	deadline := time.Now().Add(2 * time.Second)
	for {
		n = w.Net()
		br, okb := n.LinkByName("br9")
		_, gone := n.LinkByName("veth0")
		var addr, route bool
		for _, a := range n.AddrsOf(br.Index) {
			addr = addr || a.Prefix.String() == "10.5.0.1/24"
		}
		for _, r := range n.Routes {
			route = route || r.Dst.String() == "10.6.0.0/16"
		}
		if okb && !gone && addr && route {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("notifications not applied: %+v", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if w.Dumps != 1 || w.Events == 0 {
		t.Fatalf("%d dumps, %d events", w.Dumps, w.Events)
	}
	// An unchanged namespace returns the cached facts.
	a, b := w.Net(), w.Net()
	if &a.Links[0] != &b.Links[0] {
		t.Fatal("an unchanged refresh rebuilt the facts")
	}
	// Gather uses the watcher for the net group.
	f := Gather(context.Background(), Target{NetNS: ns.Name, Watcher: w}, GroupNet)
	if _, ok := f.Net.LinkByName("br9"); !ok {
		t.Fatal("Gather did not use the watcher")
	}
}

// BenchmarkNetRefresh20k is a dashboard refresh of an unchanged namespace
// with 20,000 links through the watcher.
func BenchmarkNetRefresh20k(b *testing.B) {
	ns := bigNamespace(b, 10000)
	w, err := NewNetWatcher(Target{NetNS: ns})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if n := w.Net(); len(n.Links) < 20000 {
			b.Fatal(len(n.Links))
		}
	}
}

// A namespace deleted while watched is reported gone, not shown with its
// old links (the watcher's socket kept it alive); one created again under
// the same name is another namespace, still not the watched one.
func TestNetWatcherNamespaceDeleted(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	w, err := NewNetWatcher(Target{NetNS: ns.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if n := w.Net(); len(n.Links) < 3 {
		t.Fatalf("before the deletion: %d links", len(n.Links))
	}
	if out, err := exec.Command(testns.IP, "netns", "del", ns.Name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns del: %v %s", err, out)
	}
	check := func(want string) {
		t.Helper()
		n := w.Net()
		r, _ := n.Gaps.Reason("links")
		if len(n.Links) != 0 || !strings.Contains(r, want) {
			t.Fatalf("after the deletion: %d links, gap %q (want %q)", len(n.Links), r, want)
		}
		f := Gather(context.Background(), Target{NetNS: ns.Name, Watcher: w}, GroupNet)
		if _, ok := f.Net.LinkByName("veth0"); ok {
			t.Fatal("Gather still shows the deleted namespace's links")
		}
	}
	check("is gone")
	// testns's cleanup deletes the name again: make one to delete.
	if out, err := exec.Command(testns.IP, "netns", "add", ns.Name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v %s", err, out)
	}
	check("is gone") // the first answer stays
	w2, err := NewNetWatcher(Target{NetNS: ns.Name})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Close()
	if w2.Gone() != "" {
		t.Fatal("a fresh watcher of the new namespace says it is gone")
	}
}
