package fix

import (
	"context"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// addrLine is `ip -o addr show` 's line for prefix on dev ("" when none).
func addrLine(ns *testns.NS, dev, prefix string) string {
	for _, l := range strings.Split(ns.IP("-o", "-4", "addr", "show", "dev", dev), "\n") {
		if strings.Contains(l, " "+prefix+" ") {
			return l
		}
	}
	return ""
}

func lft(t *testing.T, line, which string) int {
	m := regexp.MustCompile(which + `_lft (\d+)sec`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no %s_lft in %q", which, line)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func setSysctl(t *testing.T, ns *testns.NS, key, val string) {
	t.Helper()
	if out, err := ns.Exec("sysctl", "-qw", key+"="+val); err != nil {
		t.Fatalf("sysctl %s=%s: %v %s", key, val, err, out)
	}
}

// Deleting a primary IPv4 address: the preview lists the secondaries the
// kernel drops with it (promote_secondaries 0) and the connected route;
// the journal keeps every address removed with its flags and lifetimes;
// undo puts them all back, primary first, with the lifetimes they have
// left, and the kernel the connected route.
func TestLiveAddrDeletePrimaryWithSecondaries(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "a0", "type", "veth", "peer", "name", "a0p")
	setSysctl(t, ns, "net.ipv4.conf.all.promote_secondaries", "0")
	setSysctl(t, ns, "net.ipv4.conf.a0.promote_secondaries", "0")
	ns.IP("link", "set", "a0p", "up")
	ns.IP("link", "set", "a0", "up")
	ns.IP("addr", "add", "10.70.0.1/24", "dev", "a0", "valid_lft", "1000", "preferred_lft", "500")
	ns.IP("addr", "add", "10.70.0.2/24", "dev", "a0", "label", "a0:sec", "noprefixroute")
	ns.IP("addr", "add", "10.71.0.1/24", "dev", "a0") // another subnet: untouched
	ns.IP("route", "add", "10.99.0.0/24", "dev", "a0", "src", "10.70.0.2")
	ns.IP("route", "add", "10.98.0.0/24", "dev", "a0", "src", "10.71.0.1")
	if !strings.Contains(addrLine(ns, "a0", "10.70.0.2/24"), "secondary") {
		t.Fatalf("no secondary: %s", ns.IP("-o", "addr", "show", "dev", "a0"))
	}
	f := Fix{ID: "t/addr-del", Title: "delete", Action: Act("addr-delete", "netns", ns.Path(), "dev", "a0", "prefix", "10.70.0.1/24")}
	p, err := PreviewFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(p.Changes, "\n")
	for _, want := range []string{"10.70.0.1/24 → removed", "secondary 10.70.0.2/24 → removed with it", "promote_secondaries", "route 10.70.0.0/24 dev a0 proto kernel → removed",
		"route 10.99.0.0/24 src 10.70.0.2 proto boot → removed with it by the kernel (undo does not add it back)"} {
		if !strings.Contains(all, want) {
			t.Errorf("preview lacks %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "10.71.0.1") || strings.Contains(all, "10.98.0.0") || p.Old["addrs"] != "2" || p.Old["addr0"] != "10.70.0.1/24" || p.Old["addr1"] != "10.70.0.2/24" ||
		p.Old["addr1_label"] != "a0:sec" || p.Old["addr1_valid_until"] != "forever" || p.Old["addr0_valid_until"] == "forever" {
		t.Fatalf("preview: %s\n%v", all, p.Old)
	}
	t.Logf("preview:\n%s\nundo: %s", all, p.Undo)
	e, err := ApplyPreviewed(ctx, env, f, p)
	if err != nil || addrLine(ns, "a0", "10.70.0.1/24") != "" || addrLine(ns, "a0", "10.70.0.2/24") != "" || addrLine(ns, "a0", "10.71.0.1/24") == "" {
		t.Fatalf("apply: %v\n%s", err, ns.IP("-o", "addr", "show", "dev", "a0"))
	}
	if strings.Contains(ns.IP("route", "show", "dev", "a0"), "10.70.0.0/24") {
		t.Fatal("the connected route stayed")
	}
	time.Sleep(1100 * time.Millisecond) // lifetimes count on
	env.DryRun = true
	if _, err := UndoFix(ctx, env, e.ID); !errors.Is(err, ErrDryRun) {
		t.Fatalf("dry run: %v", err)
	}
	env.DryRun = false
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	prim, sec := addrLine(ns, "a0", "10.70.0.1/24"), addrLine(ns, "a0", "10.70.0.2/24")
	if prim == "" || strings.Contains(prim, "secondary") || !strings.Contains(sec, "secondary") || !strings.Contains(sec, "a0:sec") || !strings.Contains(sec, "noprefixroute") {
		t.Fatalf("after undo:\n%s", ns.IP("-o", "addr", "show", "dev", "a0"))
	}
	if v, pr := lft(t, prim, "valid"), lft(t, prim, "preferred"); v > 999 || v < 990 || pr > 499 || pr < 490 {
		t.Fatalf("lifetimes after undo: valid %d preferred %d: %s", v, pr, prim)
	}
	if !strings.Contains(sec, "valid_lft forever") {
		t.Fatalf("secondary lifetimes: %s", sec)
	}
	if !strings.Contains(ns.IP("route", "show", "dev", "a0"), "10.70.0.0/24 proto kernel") {
		t.Fatalf("the connected route is not back: %s", ns.IP("route", "show", "dev", "a0"))
	}
	t.Log(ns.IP("-o", "addr", "show", "dev", "a0"))

	// A secondary added by hand since: the subnet is not as the fix left
	// it; undo refuses.
	e, err = ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatal(err)
	}
	ns.IP("addr", "add", "10.70.0.9/24", "dev", "a0")
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "others is 10.70.0.9/24") {
		t.Fatalf("undo with a new address in the subnet: %v", err)
	} else {
		t.Log(err)
	}
	ns.IP("addr", "del", "10.70.0.9/24", "dev", "a0")
	if _, err := UndoFix(ctx, env, e.ID); err != nil || addrLine(ns, "a0", "10.70.0.2/24") == "" {
		t.Fatalf("undo: %v", err)
	}
}

// promote_secondaries 1: the first secondary becomes primary; only the
// address itself is removed, and undo adds it back (as a secondary now).
func TestLiveAddrDeletePromotes(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "a1", "type", "veth", "peer", "name", "a1p")
	setSysctl(t, ns, "net.ipv4.conf.a1.promote_secondaries", "1")
	ns.IP("addr", "add", "10.72.0.1/24", "dev", "a1")
	ns.IP("addr", "add", "10.72.0.2/24", "dev", "a1")
	f := Fix{ID: "t/addr-promote", Action: Act("addr-delete", "netns", ns.Path(), "dev", "a1", "prefix", "10.72.0.1/24")}
	p, err := PreviewFix(ctx, env, f)
	if err != nil || !strings.Contains(strings.Join(p.Changes, "\n"), "10.72.0.2/24 → becomes the primary address") || p.Old["addrs"] != "1" {
		t.Fatalf("preview: %v %v %v", err, p.Changes, p.Old)
	}
	e, err := ApplyPreviewed(ctx, env, f, p)
	if err != nil || addrLine(ns, "a1", "10.72.0.2/24") == "" || strings.Contains(addrLine(ns, "a1", "10.72.0.2/24"), "secondary") {
		t.Fatalf("apply: %v\n%s", err, ns.IP("-o", "addr", "show", "dev", "a1"))
	}
	if _, err := UndoFix(ctx, env, e.ID); err != nil || addrLine(ns, "a1", "10.72.0.1/24") == "" {
		t.Fatalf("undo: %v", err)
	}
}

// A secondary whose valid lifetime ended after the fix: the kernel would
// have removed it by now. Undo refuses to bring it back; --force restores
// the rest without it.
func TestLiveAddrDeleteExpiredLifetime(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "a2", "type", "veth", "peer", "name", "a2p")
	setSysctl(t, ns, "net.ipv4.conf.all.promote_secondaries", "0")
	setSysctl(t, ns, "net.ipv4.conf.a2.promote_secondaries", "0")
	ns.IP("addr", "add", "10.73.0.1/24", "dev", "a2")
	ns.IP("addr", "add", "10.73.0.2/24", "dev", "a2", "valid_lft", "2", "preferred_lft", "1")
	// The link's last IPv4 addresses: every route through it goes too.
	ns.IP("link", "set", "a2p", "up")
	ns.IP("link", "set", "a2", "up")
	ns.IP("route", "add", "10.97.0.0/24", "dev", "a2")
	f := Fix{ID: "t/addr-exp", Action: Act("addr-delete", "netns", ns.Path(), "dev", "a2", "prefix", "10.73.0.1/24")}
	if p, err := PreviewFix(ctx, env, f); err != nil || !strings.Contains(strings.Join(p.Changes, "\n"), "route 10.97.0.0/24 proto boot → removed with it by the kernel") {
		t.Fatalf("preview: %v %q", err, p.Changes)
	}
	e, err := ApplyFix(ctx, env, f)
	if err != nil || e.Old["addrs"] != "2" {
		t.Fatalf("apply: %v %v", err, e.Old)
	}
	time.Sleep(3 * time.Second)
	if _, err := UndoFix(ctx, env, e.ID); err == nil || !strings.Contains(err.Error(), "leave out 10.73.0.2/24 (its valid lifetime ended") {
		t.Fatalf("undo with an expired secondary: %v", err)
	} else {
		t.Log(err)
	}
	env.Force = true
	if u, err := UndoFix(ctx, env, e.ID); err != nil || !u.Forced || addrLine(ns, "a2", "10.73.0.1/24") == "" || addrLine(ns, "a2", "10.73.0.2/24") != "" {
		t.Fatalf("forced undo: %v\n%s", err, ns.IP("-o", "addr", "show", "dev", "a2"))
	}
}

// An IPv6 address: no secondaries; undo puts it back with its flags and
// the lifetimes it has left.
func TestLiveAddrDeleteIPv6Lifetimes(t *testing.T) {
	ns := testns.New(t)
	ctx := context.Background()
	env := testEnv(t, "")
	ns.IP("link", "add", "a3", "type", "veth", "peer", "name", "a3p")
	ns.IP("-6", "addr", "add", "2001:db8:5::5/64", "dev", "a3", "valid_lft", "1000", "preferred_lft", "500", "nodad")
	f := Fix{ID: "t/addr6", Action: Act("addr-delete", "netns", ns.Path(), "dev", "a3", "prefix", "2001:db8:5::5/64")}
	e, err := ApplyFix(ctx, env, f)
	if err != nil || e.Old["addrs"] != "1" || strings.Contains(ns.IP("-6", "addr", "show", "dev", "a3"), "2001:db8:5::5") {
		t.Fatalf("apply: %v %v", err, e.Old)
	}
	if _, err := UndoFix(ctx, env, e.ID); err != nil {
		t.Fatal(err)
	}
	var line string
	for _, l := range strings.Split(ns.IP("-o", "-6", "addr", "show", "dev", "a3"), "\n") {
		if strings.Contains(l, "2001:db8:5::5/64") {
			line = l
		}
	}
	if line == "" || !strings.Contains(line, "nodad") || lft(t, line, "valid") > 1000 || lft(t, line, "valid") < 990 || lft(t, line, "preferred") > 500 || lft(t, line, "preferred") < 490 {
		t.Fatalf("after undo: %q", line)
	}
}

// addr-delete's numbered records are checked on reading like any state:
// a hand-edited address, flag or deadline is refused.
func TestAddrDeleteStateChecked(t *testing.T) {
	a := Act("addr-delete", "dev", "d0", "prefix", "10.9.0.1/24")
	good := map[string]string{"present": "true", "addrs": "1", "others": "10.9.0.2/24", "addr0": "10.9.0.1/24", "addr0_flags": "0x80",
		"addr0_scope": "0", "addr0_valid_until": "forever", "addr0_preferred_until": "12345"}
	if err := validateState(a, "old", good); err != nil {
		t.Fatalf("a valid record refused: %v", err)
	}
	for k, v := range map[string]string{"addr0": "/etc/shadow", "addr0_flags": "$(id)", "addr0_valid_until": "-1", "addr99999": "10.0.0.1/8", "addr0_other": "x"} {
		bad := map[string]string{}
		for x, y := range good {
			bad[x] = y
		}
		bad[k] = v
		if err := validateState(a, "old", bad); err == nil {
			t.Errorf("%s=%q accepted", k, v)
		}
	}
}
