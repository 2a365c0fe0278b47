package probes

import (
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// sosFixture copies a sosreport fixture to a private directory (git keeps
// no file modes: keyfiles get NetworkManager's 0600 except those named).
func sosFixture(t *testing.T, name string, keep0644 ...string) string {
	t.Helper()
	dst := t.TempDir()
	copyTree(t, filepath.Join("testdata/sos", name), dst)
	filepath.Walk(dst, func(p string, info os.FileInfo, err error) error {
		if err == nil && strings.HasSuffix(p, ".nmconnection") {
			mode := os.FileMode(0o600)
			for _, k := range keep0644 {
				if filepath.Base(p) == k {
					mode = 0o644
				}
			}
			os.Chmod(p, mode)
		}
		return nil
	})
	return dst
}

func TestSosRHELLayout(t *testing.T) {
	root := sosFixture(t, "rhel9", "copied-by-hand.nmconnection")
	f := Gather(t.Context(), Target{Root: root, Interfaces: []string{"bond0.100"}})

	// Links from ip -d address (this sos has no ip -s -d link).
	n := f.Net
	if len(n.Gaps) > 0 {
		t.Fatalf("net gaps: %+v", n.Gaps)
	}
	// The named device's driver, from the networking plugin's ethtool -i.
	if d, ok := n.DriverOf("bond0.100"); !ok || d.Driver != "802.1Q VLAN Support" || d.Version != "1.8" {
		t.Errorf("driver of bond0.100: %+v %v", d, ok)
	}
	want := map[string]struct {
		kind, slave string
		up          bool
		master      string
		parent      int32
	}{
		"lo": {"", "", true, "", 0}, "ens3": {"", "bond", true, "bond0", 0}, "bond0": {"bond", "", true, "", 0},
		"bond0.100": {"vlan", "", false, "", 3}, "virbr0": {"bridge", "", true, "", 0}, "veth3f2a": {"veth", "bridge", true, "virbr0", 5},
	}
	if len(n.Links) != len(want) {
		t.Fatalf("links: %+v", n.Links)
	}
	for _, l := range n.Links {
		w := want[l.Name]
		var master string
		if m, ok := n.LinkByIndex(l.Master); ok {
			master = m.Name
		}
		if l.Kind != w.kind || l.SlaveKind != w.slave || l.Up() != w.up || master != w.master || l.Parent != w.parent {
			t.Errorf("%s: %+v (master %q), want %+v", l.Name, l, master, w)
		}
	}
	if l, _ := n.LinkByName("enp0s3"); l.Name != "ens3" {
		t.Error("altname enp0s3 not found")
	}
	if l, _ := n.LinkByName("veth3f2a"); l.ParentNetNSID == nil || *l.ParentNetNSID != 0 || l.HWAddr != "3a:1b:2c:3d:4e:5f" {
		t.Errorf("veth: %+v", l)
	}
	if l, _ := n.LinkByName("virbr0"); l.LowerUp() || l.OperState != "down" {
		t.Errorf("virbr0 has no carrier: %+v", l)
	}
	// Addresses.
	var dad, bond Addr
	for _, a := range n.Addrs {
		switch a.Prefix.String() {
		case "2001:db8::5/64":
			dad = a
		case "192.0.2.10/24":
			bond = a
		}
	}
	if !dad.DADFailed() || !dad.Tentative() || dad.Index != 6 || dad.Family != "inet6" {
		t.Errorf("dadfailed address: %+v", dad)
	}
	if bond.Index != 3 || bond.Scope != "global" || bond.Label != "bond0" {
		t.Errorf("bond0 address: %+v", bond)
	}
	// Routes: the main table only, multipath legs, linkdown.
	var def, mp, ld Route
	for _, r := range n.Routes {
		if r.Table != unix.RT_TABLE_MAIN {
			t.Errorf("route of table %d kept: %+v", r.Table, r)
		}
		switch r.Dst.String() {
		case "0.0.0.0/0":
			def = r
		case "10.20.0.0/16":
			mp = r
		case "192.168.122.0/24":
			ld = r
		}
	}
	if def.Gateway != netip.MustParseAddr("192.0.2.1") || def.OutIndex != 3 || def.Protocol != "static" || def.Metric != 300 {
		t.Errorf("default route: %+v", def)
	}
	if len(mp.NextHops) != 2 || mp.NextHops[1].Gateway != netip.MustParseAddr("192.0.2.3") || mp.NextHops[1].OutIndex != 3 {
		t.Errorf("multipath route: %+v", mp)
	}
	if !ld.Linkdown || ld.Scope != "link" || ld.OutIndex != 5 {
		t.Errorf("linkdown route: %+v", ld)
	}
	if len(n.Routes) != 5 {
		t.Errorf("%d main-table routes, want 5 (4 IPv4, 1 IPv6)", len(n.Routes))
	}

	// Other facts from command outputs.
	if f.Host.KernelRelease != "5.14.0-427.13.1.el9_4.x86_64" {
		t.Errorf("kernel release %q (from sysctl -a / uname -a)", f.Host.KernelRelease)
	}
	if v, _ := f.Sysctls.Get("net.ipv6.conf.bond0.100.disable_ipv6"); v != "1" {
		t.Errorf("disable_ipv6 of bond0.100 = %q (sysctl -a prints bond0/100)", v)
	}
	if v, _ := f.Sysctls.Get("fs.file-max"); v != "9223372036854775807" {
		t.Errorf("fs.file-max = %q", v)
	}
	if f.Modules.Loaded != 8 {
		t.Errorf("modules from lsmod: %v", f.Modules.Loaded)
	}
	src := strings.Join(f.Target.Sources, "\n")
	for _, w := range []string{"net.links: sos_commands/networking/ip_-d_address", "net.routes: sos_commands/networking/ip_route_show_table_all",
		"sos_commands/networking/ip_-4_rule_list", "modules.loaded (/proc/modules): sos_commands/kernel/lsmod", "1 redacted values left out"} {
		if !strings.Contains(src, w) {
			t.Errorf("sources do not say %q:\n%s", w, src)
		}
	}

	// Keyfiles: psk=*** is redacted, not invalid; the 0644 copy and the
	// bad uuid are ignored by NetworkManager.
	byFile := map[string][]string{}
	for _, x := range f.NetConfig.NetworkManager.Findings {
		if x.Severity == SeverityError {
			byFile[filepath.Base(x.File)] = append(byFile[filepath.Base(x.File)], x.Message)
		}
	}
	if len(byFile["home-wifi.nmconnection"]) > 0 || len(byFile["bond0.nmconnection"]) > 0 {
		t.Errorf("sound keyfiles flagged: %v", byFile)
	}
	if m := strings.Join(byFile["copied-by-hand.nmconnection"], " "); !strings.Contains(m, "mode 0644") {
		t.Errorf("0644 keyfile: %q", m)
	}
	if m := strings.Join(byFile["ens3-port.nmconnection"], " "); !strings.Contains(m, "not a valid UUID") {
		t.Errorf("bad uuid keyfile: %q", m)
	}
}

func TestSosUbuntuLayout(t *testing.T) {
	root := sosFixture(t, "ubuntu2404", "office-vpn.nmconnection")
	f := Gather(t.Context(), Target{Root: root, Interfaces: []string{"enp1s0"}})
	if len(f.Net.Links) != 3 || len(f.Net.Addrs) != 3 || len(f.Net.Routes) != 3 {
		t.Fatalf("net: %d links %d addrs %d routes: %+v", len(f.Net.Links), len(f.Net.Addrs), len(f.Net.Routes), f.Net)
	}
	if l, _ := f.Net.LinkByName("enp1s0"); !l.Up() || l.LowerUp() || l.Kind != "" {
		t.Errorf("enp1s0: %+v", l)
	}
	if a := f.Net.AddrsOf(2); len(a) != 1 || a[0].Prefix.String() != "203.0.113.7/24" || a[0].Label != "enp1s0" {
		t.Errorf("enp1s0 addresses: %+v", a)
	}
	src := strings.Join(f.Target.Sources, "\n")
	if !strings.Contains(src, "net.links: sos_commands/networking/ip_-s_-d_link") || strings.Contains(src, "lsmod") {
		t.Errorf("sources (links from ip -s -d link; the copied /proc/modules wins over lsmod):\n%s", src)
	}
	if f.Modules.Loaded != 5 {
		t.Errorf("modules: %v", f.Modules.Loaded)
	}
	if v, _ := f.Sysctls.Get("net.ipv6.conf.enp1s0.disable_ipv6"); v != "1" {
		t.Errorf("disable_ipv6 = %q", v)
	}
	var vpn []string
	for _, x := range f.NetConfig.NetworkManager.Findings {
		if filepath.Base(x.File) == "office-vpn.nmconnection" && x.Severity == SeverityError {
			vpn = append(vpn, x.Message)
		}
	}
	if len(vpn) != 1 || !strings.Contains(vpn[0], "mode 0644") {
		t.Errorf("office-vpn findings (password=*** is redacted, not an error; mode 0644 is): %q", vpn)
	}
	if len(f.NetConfig.Networkd.Files) != 1 {
		t.Errorf("networkd files: %+v", f.NetConfig.Networkd.Files)
	}
}

func TestSysctlKeyPath(t *testing.T) {
	for k, want := range map[string]string{
		"net.ipv4.ip_forward":              "/proc/sys/net/ipv4/ip_forward",
		"net.ipv4.conf.eth0/100.rp_filter": "/proc/sys/net/ipv4/conf/eth0.100/rp_filter",
		"net..x":                           "",
		"net.ipv4.conf.../x":               "",
	} {
		if got := sysctlKeyPath(k); got != want {
			t.Errorf("%q: %q, want %q", k, got, want)
		}
	}
}

func TestSupportconfig(t *testing.T) {
	t.Cleanup(CloseArchives)
	dir := "testdata/supportconfig/sles15sp6"
	if !IsSupportconfig(dir) || IsSupportconfig("testdata/sos/rhel9") {
		t.Fatal("supportconfig detection")
	}
	f := Gather(t.Context(), Target{Root: dir, Interfaces: []string{"br0"}})
	if r, bad := f.Target.Gaps.Reason("root"); bad {
		t.Fatalf("root: %s", r)
	}
	n := f.Net
	if len(n.Links) != 3 || len(n.Addrs) != 3 || len(n.Routes) != 3 {
		t.Fatalf("net (the host namespace's, not blue's): %d links %d addrs %d routes\n%+v", len(n.Links), len(n.Addrs), len(n.Routes), n)
	}
	if l, _ := n.LinkByName("enp1s0"); l.Name != "eth0" || !l.Up() || !l.LowerUp() {
		t.Errorf("eth0: %+v", l)
	}
	if l, _ := n.LinkByName("br0"); l.Up() {
		t.Errorf("br0 is down: %+v", l)
	}
	if f.Host.KernelRelease != "6.4.0-150600.23.25-default" || f.Host.Hostname != "sles15" {
		t.Errorf("host: %+v", f.Host)
	}
	if v, _ := f.Sysctls.Get("net.ipv6.conf.br0.disable_ipv6"); v != "1" {
		t.Errorf("disable_ipv6 of br0 = %q", v)
	}
	if f.Modules.Loaded != 4 {
		t.Errorf("modules from sorted lsmod: %d", f.Modules.Loaded)
	}
	errs := map[string]string{}
	for _, x := range f.NetConfig.NetworkManager.Findings {
		if x.Severity == SeverityError {
			errs[filepath.Base(x.File)] += x.Message
		}
	}
	if len(errs) != 1 || !strings.Contains(errs["br0.nmconnection"], "interface-name=") {
		t.Errorf("keyfile errors (only br0's bad name; psk removed by supportconfig is not an error): %v", errs)
	}
	src := strings.Join(f.Target.Sources, "\n")
	for _, w := range []string{"net.links: supportconfig network.txt: ip -stats link", "net.addrs: supportconfig network.txt: ip addr",
		"net.routes: supportconfig network.txt: ip route, ip -6 route", "supportconfig env.txt: sysctl -a", "supportconfig modules.txt: lsmod | sort"} {
		if !strings.Contains(src, w) {
			t.Errorf("sources do not say %q:\n%s", w, src)
		}
	}
}

// minmtu/maxmtu of `ip -d address` are the links' limits.
func TestSosMTULimits(t *testing.T) {
	out := "2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP group default qlen 1000\n" +
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff promiscuity 0  allmulti 0 minmtu 68 maxmtu 1500 numtxqueues 1\n" +
		"    inet 10.0.0.2/24 brd 10.0.0.255 scope global eth0\n" +
		"3: vl0@eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default qlen 1000\n" +
		"    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff promiscuity 0\n" +
		"    vlan protocol 802.1Q id 5 <REORDER_HDR> minmtu 0 maxmtu 65535\n"
	links, _ := parseIPLinks([]byte(out))
	if len(links) != 2 || links[0].MinMTU != 68 || links[0].MaxMTU != 1500 || links[1].MaxMTU != 65535 {
		t.Fatalf("links: %+v", links)
	}
}
