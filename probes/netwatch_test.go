package probes

import (
	"context"
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
