package fix

import (
	"context"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// Undo acts only on what the fix left. A route-delete's undo refuses when
// another route to the destination was made since (it would replace it),
// and puts the deleted route back once that one is gone. Undoing an
// enable-IPv6 sysctl refuses while IPv6 addresses made since would be
// dropped, and refuses a link deleted and made again under the same name
// (its key is the same file). Both found by a new user's review.
func TestUndoRefusesWhatWasMadeSince(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("addr", "add", "10.77.0.1/24", "dev", "veth0")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("route", "add", "10.78.0.0/24", "via", "10.77.0.2", "dev", "veth0")
	routes := func() string { return ns.IP("route", "show", "10.78.0.0/24") }

	t.Run("route", func(t *testing.T) {
		e, err := ApplyFix(ctx, env, Fix{ID: "t/route-del", Action: Act("route-delete", "netns", ns.Path(), "dst", "10.78.0.0/24", "family", "inet")})
		if err != nil || strings.TrimSpace(routes()) != "" {
			t.Fatalf("apply: %v, routes %q", err, routes())
		}
		ns.IP("route", "add", "10.78.0.0/24", "via", "10.77.0.5", "dev", "veth0", "proto", "static")
		if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "10.77.0.5") {
			t.Fatalf("undo over another route: %v", err)
		}
		if r := routes(); !strings.Contains(r, "via 10.77.0.5") || !strings.Contains(r, "proto static") {
			t.Fatalf("the route made since was changed: %q", r)
		}
		ns.IP("route", "del", "10.78.0.0/24", "via", "10.77.0.5")
		if got, err := UndoFix(ctx, env, e.ID); err != nil || got.Phase != PhaseUndone {
			t.Fatalf("undo once the other route is gone: %v %+v", err, got)
		}
		if r := routes(); !strings.Contains(r, "via 10.77.0.2") {
			t.Fatalf("the deleted route is not back: %q", r)
		}
	})

	t.Run("ipv6", func(t *testing.T) {
		file := "/proc/sys/net/ipv6/conf/veth0/disable_ipv6"
		ns.Exec("/bin/sh", "-c", "echo 1 > "+file)
		act := Act("sysctl", "netns", ns.Path(), "key", "net.ipv6.conf.veth0.disable_ipv6", "value", "0")
		e, err := ApplyFix(ctx, env, Fix{ID: "t/enable-ipv6", Action: act})
		if err != nil {
			t.Fatal(err)
		}
		ns.IP("-6", "addr", "add", "fd00:77::1/64", "dev", "veth0", "nodad")
		if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "fd00:77::1/64 on veth0") {
			t.Fatalf("undo dropping an address made since: %v", err)
		}
		if !strings.Contains(ns.IP("-6", "addr", "show", "dev", "veth0"), "fd00:77::1/64") {
			t.Fatal("the address made since is gone")
		}
		// The link deleted and made again: the same key is another link's.
		ns.IP("link", "del", "veth0")
		ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
		ns.IP("-6", "addr", "add", "fd00:78::1/64", "dev", "veth0", "nodad")
		if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "another link") {
			t.Fatalf("undo on a link made again: %v", err)
		}
		if out, _ := ns.Exec("/bin/cat", file); strings.TrimSpace(out) != "0" || !strings.Contains(ns.IP("-6", "addr", "show", "dev", "veth0"), "fd00:78::1/64") {
			t.Fatalf("the new link was changed: disable_ipv6 %q", out)
		}
	})
}
