package probes

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
)

// These tests build real states inside private network namespaces (and one
// private mount namespace) and check what the probes see. They need root
// with CAP_NET_ADMIN and CAP_SYS_ADMIN and skip otherwise.

func TestLiveLinksInNamespace(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth-a", "type", "veth", "peer", "name", "veth-b")
	ns.IP("link", "add", "br-test", "type", "bridge")
	ns.IP("link", "set", "veth-a", "master", "br-test")
	ns.IP("link", "set", "br-test", "up")
	ns.IP("link", "set", "veth-a", "up")
	ns.IP("link", "set", "veth-b", "down")
	ns.IP("link", "property", "add", "dev", "veth-b", "altname", "peer-of-a")
	ns.IP("link", "set", "veth-b", "alias", "the peer")
	ns.IP("addr", "add", "10.77.0.1/24", "dev", "br-test")
	ns.IP("addr", "add", "2001:db8:77::1/64", "dev", "br-test", "nodad")
	ns.IP("route", "add", "10.88.0.0/16", "via", "10.77.0.254")
	ns.IP("route", "add", "default", "via", "10.77.0.1", "dev", "br-test")
	if out, err := ns.Exec("/usr/sbin/sysctl", "-qw", "net.ipv6.conf.veth-b.disable_ipv6=1"); err != nil {
		if _, err2 := os.Stat("/usr/sbin/sysctl"); err2 == nil {
			t.Fatalf("sysctl in namespace: %v %s", err, out)
		}
		// Without procps, write the file inside the namespace with ip netns exec's shell-free tee.
		ns.Exec("/usr/bin/tee", "/proc/sys/net/ipv6/conf/veth-b/disable_ipv6")
	}

	f := Gather(context.Background(), Target{NetNS: ns.Name, Interfaces: []string{"veth-b", "br-test"}})
	if len(f.Net.Gaps) != 0 {
		t.Fatalf("net gaps: %v", f.Net.Gaps)
	}
	br, ok := f.Net.LinkByName("br-test")
	if !ok || br.Kind != "bridge" || !br.Up() {
		t.Fatalf("bridge = %+v", br)
	}
	a, _ := f.Net.LinkByName("veth-a")
	b, ok := f.Net.LinkByName("peer-of-a")
	if !ok || b.Name != "veth-b" || a.Kind != "veth" || a.Master != br.Index || a.Parent != b.Index || b.Parent != a.Index {
		t.Fatalf("veth pair: a=%+v b=%+v", a, b)
	}
	if b.Up() || b.OperState != "down" || b.Alias != "the peer" || len(b.AltNames) != 1 {
		t.Fatalf("down peer = %+v", b)
	}
	if a.OperState != "lowerlayerdown" {
		t.Errorf("veth-a whose peer is down: operstate %s", a.OperState)
	}
	var v4, v6 bool
	for _, ad := range f.Net.AddrsOf(br.Index) {
		v4 = v4 || ad.Prefix.String() == "10.77.0.1/24"
		v6 = v6 || ad.Prefix.String() == "2001:db8:77::1/64"
	}
	if !v4 || !v6 {
		t.Fatalf("addresses = %+v", f.Net.AddrsOf(br.Index))
	}
	var gw, def bool
	for _, r := range f.Net.Routes {
		gw = gw || (r.Dst.String() == "10.88.0.0/16" && r.Gateway.String() == "10.77.0.254")
		def = def || (r.Default() && r.Family == "inet" && r.OutIndex == br.Index)
	}
	if !gw || !def {
		t.Fatalf("routes = %+v", f.Net.Routes)
	}
	if v, _ := f.Sysctls.Get("net.ipv6.conf.veth-b.disable_ipv6"); v != "1" {
		t.Fatalf("disable_ipv6 in the namespace = %q (gaps %v)", v, f.Sysctls.Gaps)
	}
	if v, _ := f.Sysctls.Get("net.ipv6.conf.all.disable_ipv6"); v != "0" {
		t.Fatalf("all.disable_ipv6 = %q", v)
	}
	if f.Target.HostNetNS == nil || *f.Target.HostNetNS {
		t.Fatalf("the test namespace is not the host's: %+v", f.Target)
	}
	// /proc/net/dev (the fallback when netlink fails) reads the same namespace.
	e, _ := resolve(Target{NetNS: ns.Name})
	var gaps Gaps
	names, _ := readNetDev(e, &gaps)
	found := false
	for _, n := range names {
		found = found || n == "veth-b"
	}
	if !found || len(f.Net.NetDev) != 0 {
		t.Fatalf("/proc/net/dev of the namespace = %v (live gather read %v)", names, f.Net.NetDev)
	}
	// A name clash, by name and by altname.
	if nc := CheckIfName("peer-of-a", f.Net.Links); nc.Clash == nil || nc.Clash.Name != "veth-b" || !nc.ClashIsAltName {
		t.Fatalf("altname clash = %+v", nc)
	}
	out, err := ns.TryIP("link", "add", "veth-a", "type", "dummy")
	if err == nil {
		t.Fatalf("adding veth-a twice succeeded: %s", out)
	}
	if nc := CheckIfName("veth-a", f.Net.Links); nc.Clash == nil || len(nc.Suggestions) == 0 {
		t.Fatalf("name clash = %+v", nc)
	}
}

func TestLiveProcesses(t *testing.T) {
	testns.Require(t)
	cases := []struct {
		name  string
		argv  []string
		check func(t *testing.T, f *Facts)
	}{
		{"ulimit -n 8", []string{"/usr/bin/prlimit", "--nofile=8:8", testns.Sleep, "60"}, func(t *testing.T, f *Facts) {
			if f.FDs.Limit == nil || f.FDs.Limit.Soft != 8 || f.FDs.Limit.Hard != 8 || f.FDs.Open == 0 {
				t.Fatalf("fds = %+v", f.FDs)
			}
		}},
		{"no CAP_NET_ADMIN (setpriv)", []string{"/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-net_admin", testns.Sleep, "60"}, func(t *testing.T, f *Facts) {
			c := f.Identity.Caps
			if c == nil || HasCap(c.EffMask, 12) || HasCap(c.BndMask, 12) || !HasCap(c.EffMask, 21) {
				t.Fatalf("caps = %+v", c)
			}
		}},
		{"nobody without capabilities", []string{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", testns.Sleep, "60"}, func(t *testing.T, f *Facts) {
			if f.Identity.UID != 65534 || f.Identity.Caps == nil || f.Identity.Caps.EffMask != 0 {
				t.Fatalf("identity = %+v", f.Identity)
			}
			if f.Tun.TargetCanOpen == nil || *f.Tun.TargetCanOpen == (f.Tun.Perm&6 == 0) && f.Tun.Perm != 0o666 {
				t.Fatalf("tun access for nobody: %+v", f.Tun)
			}
		}},
		{"fresh user namespace", []string{"/usr/bin/unshare", "-Ur", testns.Sleep, "60"}, func(t *testing.T, f *Facts) {
			id := f.Identity
			if id.InitialUserNS == nil || *id.InitialUserNS || len(id.UIDMap) != 1 || id.UIDMap[0].Count != 1 {
				t.Fatalf("userns = %+v", id)
			}
			if id.CapsApplyToNetNS == nil || *id.CapsApplyToNetNS {
				t.Fatalf("a child user namespace's caps must not reach the host's network namespace: %+v", id)
			}
		}},
		{"/dev/net/tun hidden by tmpfs", []string{"/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
			"mount -t tmpfs tmpfs /dev/net && exec " + testns.Sleep + " 60"}, func(t *testing.T, f *Facts) {
			if f.Tun.Exists || !strings.HasSuffix(f.Tun.Path, "/root/dev/net/tun") {
				t.Fatalf("tun = %+v", f.Tun)
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := os.Stat(c.argv[0]); err != nil {
				t.Skip(c.argv[0] + " is not installed")
			}
			cmd := testns.Start(t, nil, "sleep", c.argv...)
			f := Gather(context.Background(), Target{PID: cmd.Process.Pid})
			if f.Target.PID != cmd.Process.Pid || f.Target.Comm != "sleep" {
				t.Fatalf("target = %+v", f.Target)
			}
			c.check(t, f)
		})
	}
}

func TestLiveHostNamespaceFromUserns(t *testing.T) {
	testns.Require(t)
	// The tool itself, in the initial user namespace, reaches its own netns.
	f := Gather(context.Background(), Target{})
	if f.Identity.CapsApplyToNetNS == nil || !*f.Identity.CapsApplyToNetNS {
		t.Fatalf("self: %+v", f.Identity)
	}
	if f.Target.PID != os.Getpid() || !f.Target.Self {
		t.Fatalf("target = %+v", f.Target)
	}
	if strconv.Itoa(f.Target.PID) == "" {
		t.Fatal()
	}
}
