package netconfig

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// copyRoot copies a fixture root into a temporary directory (keyfiles
// get mode 0600: git keeps no modes but the executable bit).
func copyRoot(t *testing.T, name string) string {
	t.Helper()
	return fixture.Root(t, filepath.Join("..", "testdata", "roots", name))
}

func gatherAt(t *testing.T, dir string) Facts {
	t.Helper()
	return Gather(context.Background(), &source.Env{Root: source.NewRoot(dir, nil), Proc: "/proc/self"})
}

// want is an expected finding: file, line and severity exactly, the
// message by a substring.
type wantFinding struct {
	file     string
	line     int
	severity string
	key      string
	text     string
}

// checkFindings requires exactly the wanted findings, in any order.
func checkFindings(t *testing.T, got []Finding, wants []wantFinding) {
	t.Helper()
	used := make([]bool, len(got))
	for _, w := range wants {
		found := false
		for i, g := range got {
			if !used[i] && g.File == w.file && g.Line == w.line && g.Severity == w.severity && g.Key == w.key && strings.Contains(g.Message, w.text) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing finding %s:%d %s [%s] %q", w.file, w.line, w.severity, w.key, w.text)
		}
	}
	for i, g := range got {
		if !used[i] {
			t.Errorf("unexpected finding %s:%d %s [%s] %q", g.File, g.Line, g.Severity, g.Key, g.Message)
		}
	}
}

func boolPtr(b bool) *bool { return &b }

func checkRunning(t *testing.T, what string, got *bool, want *bool) {
	t.Helper()
	switch {
	case want == nil && got != nil:
		t.Errorf("%s running = %v, want unknown", what, *got)
	case want != nil && got == nil:
		t.Errorf("%s running unknown, want %v", what, *want)
	case want != nil && *got != *want:
		t.Errorf("%s running = %v, want %v", what, *got, *want)
	}
}

func TestNetConfigClean(t *testing.T) {
	f := gatherAt(t, copyRoot(t, "netconfig-clean"))
	checkFindings(t, f.Networkd.Findings, nil)
	checkFindings(t, f.NetworkManager.Findings, nil)
	checkRunning(t, "networkd", f.Networkd.Running, boolPtr(true))
	checkRunning(t, "NetworkManager", f.NetworkManager.Running, boolPtr(true))
	if f.Networkd.PID != 412 || f.NetworkManager.PID != 533 {
		t.Errorf("PIDs = %d, %d", f.Networkd.PID, f.NetworkManager.PID)
	}
	wantNetdevs := map[string]string{"br0": "bridge", "vlan10": "vlan", "vx0": "vxlan", "wg0": "wireguard", "ve-app": "veth"}
	if len(f.Networkd.Netdevs) != len(wantNetdevs) {
		t.Errorf("netdevs = %v", f.Networkd.Netdevs)
	}
	for n, k := range wantNetdevs {
		if f.Networkd.Netdevs[n] != k {
			t.Errorf("netdev %s = %q, want %q", n, f.Networkd.Netdevs[n], k)
		}
	}
	files := map[string]ConfigFile{}
	for _, c := range f.Networkd.Files {
		files[c.Path] = c
	}
	if c := files["/etc/systemd/network/80-wifi-station.network"]; !c.Masked {
		t.Errorf("the link to /dev/null is not seen as a mask: %+v", c)
	}
	if c := files["/usr/lib/systemd/network/10-uplink.network"]; c.ShadowedBy != "/etc/systemd/network/10-uplink.network" {
		t.Errorf("vendor file not shadowed: %+v", c)
	}
	if c, ok := files["/etc/systemd/network/10-uplink.network.d/mtu.conf"]; !ok || c.Type != "dropin" {
		t.Errorf("drop-in not listed: %+v", f.Networkd.Files)
	}
	if f.NetworkManager.Keyfiles != 4 {
		t.Errorf("keyfiles = %d, want 4", f.NetworkManager.Keyfiles)
	}
	if f.NetworkManager.VethUdevRule != "/usr/lib/udev/rules.d/85-nm-unmanaged.rules" {
		t.Errorf("veth udev rule = %q", f.NetworkManager.VethUdevRule)
	}
	if len(f.NetworkManager.Unmanaged) != 6 {
		t.Errorf("unmanaged = %q", f.NetworkManager.Unmanaged)
	}
	// No journal under a fixture: a gap with the reason, nothing else.
	for _, g := range []string{"networkd.journal", "network_manager.journal"} {
		if _, ok := f.Gaps.Reason(g); !ok {
			t.Errorf("no gap %s: %+v", g, f.Gaps)
		}
	}
	if len(f.Gaps) != 2 {
		t.Errorf("gaps = %+v", f.Gaps)
	}
	if _, err := json.Marshal(f); err != nil {
		t.Fatal(err)
	}
}

func TestNetConfigNetworkd(t *testing.T) {
	f := gatherAt(t, copyRoot(t, "netconfig-networkd"))
	const d = "/etc/systemd/network/"
	checkFindings(t, f.Networkd.Findings, []wantFinding{
		{d + "10-nameless.netdev", 1, SeverityError, "Name", "ignores this .netdev: it has no Name="},
		{d + "11-kindless.netdev", 1, SeverityError, "Kind", "ignores this .netdev: it has no Kind="},
		{d + "12-badkind.netdev", 3, SeverityError, "Kind", "Kind=vethh is not a kind systemd-networkd knows, so it ignores this .netdev"},
		{d + "13-longname.netdev", 1, SeverityError, "Name", "it has no Name= it accepts"},
		{d + "13-longname.netdev", 2, SeverityError, "Name", `Name=storage-backend0: the kernel refuses this name: "storage-backend0" is 16 bytes`},
		{d + "20-vlan20.netdev", 5, SeverityError, "Id", "ignores this vlan .netdev (vlan20): [VLAN] has no valid Id="},
		{d + "21-vx0.netdev", 5, SeverityError, "VNI", "ignores this vxlan .netdev (vx0): [VXLAN] has no VNI="},
		{d + "22-ve-app.netdev", 1, SeverityError, "Name", "[Peer] has no Name="},
		{d + "23-mv0.netdev", 2, SeverityWarning, "Name", "mv0 (macvlan) is never created"},
		{d + "24-wg0.netdev", 5, SeverityError, "PrivateKey", "has no PrivateKey= or PrivateKeyFile="},
		{d + "30-br0.netdev", 2, SeverityError, "Name", "br0 is also defined by " + d + "31-br0-copy.netdev"},
		{d + "31-br0-copy.netdev", 3, SeverityError, "Name", "br0 is already defined by " + d + "30-br0.netdev"},
		{d + "40-eno1.network", 5, SeverityError, "Bridge", "Bridge=br-lan: no .netdev defines br-lan; networkd cannot enslave this link"},
		{d + "40-eno1.network", 6, SeverityError, "VLAN", "VLAN=vlan20: the .netdev that defines vlan20 (" + d + "20-vlan20.netdev) is ignored"},
		{d + "40-eno1.network", 7, SeverityError, "MACVLAN", "MACVLAN=br0: br0 is a bridge"},
		{d + "40-eno1.network.d/10-mtu.conf", 2, SeverityWarning, "", `missing '=' in "MTUBytes 9000"`},
		{d + "50-nomatch.network", 0, SeverityWarning, "", "ignores this .network: it has no [Match] section"},
		{d + "51-emptyname.network", 2, SeverityWarning, "Name", "Name= is empty"},
		{d + "60-all.network", 1, SeverityWarning, "Name", "also selects the interfaces docker and CNI create (such as veth1a2b3c4, docker0, br-0123456789ab, cni0, cali0123456789a, flannel.1)"},
		{d + "70-broken.network", 1, SeverityError, "", "systemd-networkd ignores this file: line 1: invalid section header"},
		{d + "80-wan.link", 5, SeverityError, "Name", "Name=wan:0: the kernel refuses this name"},
	})
	checkRunning(t, "networkd", f.Networkd.Running, boolPtr(false))
	checkRunning(t, "NetworkManager", f.NetworkManager.Running, boolPtr(false))
	if len(f.Networkd.Netdevs) != 2 || f.Networkd.Netdevs["br0"] != "bridge" || f.Networkd.Netdevs["mv0"] != "macvlan" {
		t.Errorf("netdevs = %v", f.Networkd.Netdevs)
	}
	// NetworkManager does not run: no take-over warning, no keyfiles.
	checkFindings(t, f.NetworkManager.Findings, nil)
}

func TestNetConfigNetworkManager(t *testing.T) {
	dir := copyRoot(t, "netconfig-nm")
	const k = "/etc/NetworkManager/system-connections/"
	wants := []wantFinding{
		{"/etc/NetworkManager/NetworkManager.conf", 0, SeverityWarning, "unmanaged-devices", "nothing marks the interfaces docker and CNI create unmanaged (e.g. veth1a2b3c4, docker0"},
		{k + "bad-ifname.nmconnection", 5, SeverityError, "interface-name", `interface-name=enp3s0.storage-vlan: the kernel refuses this name: "enp3s0.storage-vlan" is 19 bytes`},
		{k + "garbage.nmconnection", 4, SeverityError, "", `cannot load this keyfile: line 4: line "this line has no equals sign" is not a key=value pair`},
		{k + "no-id.nmconnection", 1, SeverityInfo, "id", `names this profile "no-id" after the file`},
		{k + "no-type.nmconnection", 1, SeverityError, "type", "has no type= and no section"},
		{k + "port-by-id.nmconnection", 6, SeverityWarning, "master", "master=Bridge LAN is the id= of " + k + "lan-bridge.nmconnection, but NetworkManager looks master= up by UUID or interface name only: use master=3c1d6e2a-7b4f-4e5a-9c8d-0a1b2c3d4e5f"},
		{k + "port-missing.nmconnection", 6, SeverityWarning, "master", "master=br-storage: no keyfile has this interface-name"},
	}
	f := gatherAt(t, dir)
	checkFindings(t, f.NetworkManager.Findings, wants)
	checkRunning(t, "NetworkManager", f.NetworkManager.Running, boolPtr(true))
	if f.NetworkManager.PID != 845 {
		t.Errorf("PID = %d", f.NetworkManager.PID)
	}
	// 8 in /etc (one without extension), 1 in /usr/lib; the README there is
	// not a keyfile.
	if f.NetworkManager.Keyfiles != 9 {
		t.Errorf("keyfiles = %d, want 9: %+v", f.NetworkManager.Keyfiles, f.NetworkManager.Files)
	}
	checkFindings(t, f.Networkd.Findings, nil)

	// The keyfile mode NetworkManager refuses: git cannot carry it, so it is
	// made here.
	if err := os.Chmod(filepath.Join(dir, k, "lan-bridge.nmconnection"), 0o644); err != nil {
		t.Fatal(err)
	}
	f = gatherAt(t, dir)
	wants = append(wants, wantFinding{k + "lan-bridge.nmconnection", 0, SeverityError, "", "NetworkManager ignores this keyfile: mode 0644 (it must be 0600 and owned by root"})
	// The bridge no longer loads, which the port that names it by id shows.
	wants[5] = wantFinding{k + "port-by-id.nmconnection", 6, SeverityWarning, "master", "master=Bridge LAN: no keyfile has this interface-name"}
	checkFindings(t, f.NetworkManager.Findings, wants)
}

func TestNetConfigKeyfileOwner(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("changing a file's owner needs root")
	}
	dir := copyRoot(t, "netconfig-clean")
	p := filepath.Join(dir, "etc/NetworkManager/system-connections/bond0.nmconnection")
	if err := os.Chown(p, 1000, 1000); err != nil {
		t.Fatal(err)
	}
	f := gatherAt(t, dir)
	const k = "/etc/NetworkManager/system-connections/"
	checkFindings(t, f.NetworkManager.Findings, []wantFinding{
		{k + "bond0.nmconnection", 0, SeverityError, "", "ignores this keyfile: owner uid 1000"},
		{k + "bond0-port1.nmconnection", 6, SeverityWarning, "master", "names " + k + "bond0.nmconnection, which NetworkManager does not load"},
		{k + "bond0-port2.nmconnection", 6, SeverityWarning, "controller", "controller=bond0 names " + k + "bond0.nmconnection, which NetworkManager does not load"},
	})
}

func TestNetConfigKeyfileSymlink(t *testing.T) {
	// NetworkManager stat()s keyfiles: a symlink is judged by its target.
	dir := copyRoot(t, "netconfig-clean")
	k := filepath.Join(dir, "etc/NetworkManager/system-connections")
	if err := os.MkdirAll(filepath.Join(dir, "srv/profiles"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(k, "wlan-home.nmconnection"), filepath.Join(dir, "srv/profiles/wlan-home.nmconnection")); err != nil {
		t.Fatal(err)
	}
	// An absolute target: resolved below the root, not on this host.
	if err := os.Symlink("/srv/profiles/wlan-home.nmconnection", filepath.Join(k, "wlan-home.nmconnection")); err != nil {
		t.Fatal(err)
	}
	f := gatherAt(t, dir)
	checkFindings(t, f.NetworkManager.Findings, nil)
	if err := os.Chmod(filepath.Join(dir, "srv/profiles/wlan-home.nmconnection"), 0o640); err != nil {
		t.Fatal(err)
	}
	f = gatherAt(t, dir)
	checkFindings(t, f.NetworkManager.Findings, []wantFinding{
		{"/etc/NetworkManager/system-connections/wlan-home.nmconnection", 0, SeverityError, "", "mode 0640"},
	})
}

func TestNetConfigEmptyRoot(t *testing.T) {
	f := gatherAt(t, t.TempDir())
	checkRunning(t, "networkd", f.Networkd.Running, nil)
	checkRunning(t, "NetworkManager", f.NetworkManager.Running, nil)
	if len(f.Networkd.Files)+len(f.NetworkManager.Files)+len(f.Networkd.Findings)+len(f.NetworkManager.Findings)+f.NetworkManager.Keyfiles != 0 {
		t.Errorf("facts from nothing: %+v", f)
	}
	for _, g := range []string{"networkd.running", "network_manager.running", "networkd.journal", "network_manager.journal"} {
		if r, ok := f.Gaps.Reason(g); !ok || r == "" {
			t.Errorf("no gap %s: %+v", g, f.Gaps)
		}
	}
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), `"running"`) {
		t.Errorf("running reported without /proc: %s", b)
	}
}

// writeFiles creates files below dir; a value starting with "->" makes a
// symlink.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	fixture.Write(t, dir, files)
}

func TestNetworkdPrecedenceAndDropins(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"proc/1/comm": "systemd\n",
		// Each file hides the one of the same name below it.
		"usr/lib/systemd/network/10-a.network": "[Match]\nName=eth0\n[Network]\nBridge=nobr\n",
		"run/systemd/network/10-a.network":     "[Match]\nName=eth0\n",
		// The /etc drop-in hides the /usr/lib one of the same name; the
		// other /usr/lib drop-in still applies.
		"usr/lib/systemd/network/10-a.network.d/50-br.conf": "[Network]\nBridge=ghost0\n",
		"etc/systemd/network/10-a.network.d/50-br.conf":     "[Network]\nBridge=\n",
		"usr/lib/systemd/network/10-a.network.d/60-vl.conf": "[Network]\nVLAN=ghost1\n",
		// A broken drop-in makes networkd ignore the whole unit.
		"etc/systemd/network/20-b.network":            "[Match]\nName=eth1\n[Network]\nBond=ghost2\n",
		"etc/systemd/network/20-b.network.d/bad.conf": "[Network\n",
		"etc/systemd/network/30-dangling.network":     "->30-nowhere.network",
		// Offline, an absolute link whose target the tree lacks is
		// unknown, not dangling (a copy need not hold its target).
		"etc/systemd/network/31-elsewhere.network":      "->/nonexistent/31-elsewhere.network",
		"usr/lib/systemd/network/30-dangling.network":   "[Match]\nName=eth3\n",
		"etc/systemd/network/40-empty.network":          "",
		"usr/lib/systemd/network/40-empty.network":      "[Network]\nDHCP=yes\n",
		"etc/systemd/network/50-dir.network/README":     "a directory is not a unit",
		"usr/lib/systemd/network/50-dir.network":        "[Match]\nName=eth5\n",
		"etc/systemd/network/.hidden.network":           "[Network]\nDHCP=yes\n",
		"etc/systemd/network/60-abs.network":            "->/srv/net/60-abs.network",
		"srv/net/60-abs.network":                        "[Match]\nName=eth6\n[Network]\nVRF=ghost6\n",
		"etc/systemd/network/70-up.network":             "->../../../srv/../../../srv/net/70-up.network",
		"srv/net/70-up.network":                         "[Match]\nName=eth7\n[Network]\nVXLAN=ghost7\n",
		"etc/systemd/network/80-wg.netdev":              "[NetDev]\nName=wg1\nKind=wireguard\n[WireGuard]\nPrivateKeyFile=/etc/wireguard/wg1.key\n",
		"etc/systemd/network/81-vx.netdev":              "[NetDev]\nName=vx1\nKind=vxlan\nKind=bridge\n[VXLAN]\nVNI=16777216\n",
		"etc/systemd/network/82-numeric.netdev":         "[NetDev]\nName=1234\nKind=dummy\n",
		"etc/systemd/network/83-tun.netdev":             "[NetDev]\nName=gre1\nKind=gre\n[Tunnel]\nRemote=192.0.2.1\n",
		"etc/systemd/network/84-tun.network":            "[Match]\nName=eth8\n[Network]\nTunnel=vlan9\nTunnel=gre1\n",
		"etc/systemd/network/85-vlan9.netdev":           "[NetDev]\nName=vlan9\nKind=vlan\n[VLAN]\nId=4095\nId=9\n",
		"etc/systemd/network/86-nomatch-vlan.network":   "[Network]\nVLAN=vlan9\n",
		"etc/systemd/network/90-reset-name.network":     "[Match]\nName=eth9\nName=\nDriver=igb\n",
		"usr/lib/systemd/network/99-vendor-match.link":  "[Match]\n[Link]\nNamePolicy=kernel\n",
		"etc/systemd/network/88-unmanaged.network":      "[Match]\nName=veth* docker0\n[Link]\nUnmanaged=yes\n",
		"etc/systemd/network/89-catch.network":          "[Match]\nName=!eno1 *\n",
		"etc/systemd/network/notes.txt":                 "not a unit",
		"etc/systemd/network/87-kind-match.network.d/x": "not a drop-in (no .conf)",
	})
	f := gatherAt(t, dir)
	const d = "/etc/systemd/network/"
	checkFindings(t, f.Networkd.Findings, []wantFinding{
		{"/usr/lib/systemd/network/10-a.network.d/60-vl.conf", 2, SeverityError, "VLAN", "VLAN=ghost1: no .netdev defines ghost1"},
		{d + "20-b.network.d/bad.conf", 1, SeverityError, "", "ignores this drop-in, and with it " + d + "20-b.network: line 1: invalid section header"},
		{d + "30-dangling.network", 0, SeverityWarning, "", "dangling symlink"},
		{d + "60-abs.network", 4, SeverityError, "VRF", "VRF=ghost6: no .netdev defines ghost6"},
		{d + "70-up.network", 4, SeverityError, "VXLAN", "VXLAN=ghost7: no .netdev defines ghost7"},
		{d + "80-wg.netdev", 5, SeverityError, "PrivateKeyFile", "PrivateKeyFile=/etc/wireguard/wg1.key does not exist"},
		{d + "81-vx.netdev", 4, SeverityWarning, "Kind", "Kind=bridge is ignored: Kind=vxlan was set first (line 3)"},
		{d + "81-vx.netdev", 5, SeverityError, "VNI", "VNI=16777216 is over 16777215"},
		{d + "82-numeric.netdev", 1, SeverityError, "Name", "it has no Name= it accepts"},
		{d + "82-numeric.netdev", 2, SeverityError, "Name", "only of digits"},
		{d + "84-tun.network", 4, SeverityError, "Tunnel", "Tunnel=vlan9: vlan9 is a vlan (" + d + "85-vlan9.netdev), not a tunnel"},
		{d + "85-vlan9.netdev", 5, SeverityWarning, "Id", "Id=4095 is not a VLAN ID"},
		{d + "85-vlan9.netdev", 2, SeverityWarning, "Name", "vlan9 (vlan) is never created: the only .network that attaches it with VLAN=vlan9 (" + d + "86-nomatch-vlan.network) is ignored"},
		{d + "86-nomatch-vlan.network", 0, SeverityWarning, "", "has no [Match] section"},
		{d + "90-reset-name.network", 3, SeverityWarning, "Name", "now selects links by its other settings only"},
		{"/usr/lib/systemd/network/99-vendor-match.link", 1, SeverityWarning, "", "systemd-udevd ignores this .link: its [Match] section has no condition"},
		// No docker here: the catch-all is only information.
		{d + "89-catch.network", 1, SeverityInfo, "Name", "such as br-0123456789ab, cni0, cali0123456789a, flannel.1): systemd-networkd will configure them"},
	})
	if r, ok := f.Gaps.Reason("networkd.link_targets"); !ok || !strings.Contains(r, "31-elsewhere.network: a symlink to /nonexistent/31-elsewhere.network, whose target is not in the captured tree") {
		t.Errorf("link target gap: %q %v", r, ok)
	}
	symlinks := map[string]string{}
	for _, cf := range f.Networkd.Files {
		symlinks[cf.Path] = cf.Symlink
	}
	if symlinks[d+"31-elsewhere.network"] != "/nonexistent/31-elsewhere.network" || symlinks[d+"60-abs.network"] != "/srv/net/60-abs.network" || symlinks[d+"20-b.network"] != "" {
		t.Errorf("symlinks of the files: %v", symlinks)
	}
	files := map[string]ConfigFile{}
	for _, c := range f.Networkd.Files {
		files[c.Path] = c
	}
	for p, c := range map[string]ConfigFile{
		"/usr/lib/systemd/network/10-a.network":              {ShadowedBy: "/run/systemd/network/10-a.network"},
		"/usr/lib/systemd/network/10-a.network.d/50-br.conf": {ShadowedBy: "/etc/systemd/network/10-a.network.d/50-br.conf"},
		"/etc/systemd/network/40-empty.network":              {Masked: true},
		"/usr/lib/systemd/network/40-empty.network":          {ShadowedBy: "/etc/systemd/network/40-empty.network"},
		"/usr/lib/systemd/network/50-dir.network":            {},
	} {
		got, ok := files[p]
		if !ok || got.Masked != c.Masked || got.ShadowedBy != c.ShadowedBy {
			t.Errorf("%s: %+v, want %+v", p, got, c)
		}
	}
	if _, ok := files["/etc/systemd/network/.hidden.network"]; ok {
		t.Error("a hidden file was read")
	}
	if f.Networkd.Netdevs["gre1"] != "gre" {
		t.Errorf("netdevs = %v", f.Networkd.Netdevs)
	}
}

func TestNetworkdFileBudget(t *testing.T) {
	dir := t.TempDir()
	n := filepath.Join(dir, "etc/systemd/network")
	if err := os.MkdirAll(n, 0o755); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < maxNetConfigFiles+5; i++ {
		name := filepath.Join(n, "x"+strings.Repeat("0", 5-len(strconv.Itoa(i)))+strconv.Itoa(i)+".network")
		if err := os.WriteFile(name, []byte("[Match]\nName=eth0\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f := gatherAt(t, dir)
	if r, ok := f.Gaps.Reason("networkd.files"); !ok || !strings.Contains(r, "more than 2000 files") {
		t.Errorf("no budget gap: %+v", f.Gaps)
	}
}

func TestNMTakeover(t *testing.T) {
	base := map[string]string{
		"proc/1/comm":                       "systemd\n",
		"proc/77/comm":                      "NetworkManager\n",
		"etc/cni/net.d/10-flannel.conflist": "{}",
	}
	rule := `ENV{ID_NET_DRIVER}=="veth", ENV{INTERFACE}!="eth[0-9]*", ENV{NM_UNMANAGED}="1"` + "\n"
	tests := []struct {
		name  string
		files map[string]string
		risk  string // "" for no finding
	}{
		{"nothing unmanaged, no udev rule", nil, "veth1a2b3c4, docker0, br-0123456789ab, cni0, cali0123456789a, flannel.1"},
		{"the udev rule covers the veths", map[string]string{"usr/lib/udev/rules.d/85-nm-unmanaged.rules": rule}, "docker0, br-0123456789ab, cni0, flannel.1;"},
		{"the rule masked in /etc", map[string]string{
			"usr/lib/udev/rules.d/85-nm-unmanaged.rules": rule,
			"etc/udev/rules.d/85-nm-unmanaged.rules":     "->/dev/null",
		}, "veth1a2b3c4, docker0"},
		{"unmanaged by conf.d, merged with +=", map[string]string{
			"usr/lib/udev/rules.d/85-nm-unmanaged.rules":   rule,
			"etc/NetworkManager/NetworkManager.conf":       "[keyfile]\nunmanaged-devices=interface-name:docker0\n",
			"etc/NetworkManager/conf.d/50-k8s.conf":        "[keyfile]\nunmanaged-devices+=interface-name:cni0,interface-name:flannel*\n",
			"usr/lib/NetworkManager/conf.d/10-docker.conf": "[device-docker]\nmatch-device=interface-name:br-*\nmanaged=false\n",
		}, ""},
		{"a system file hidden by the /etc file of the same name", map[string]string{
			"usr/lib/udev/rules.d/85-nm-unmanaged.rules": rule,
			"usr/lib/NetworkManager/conf.d/10-c.conf":    "[keyfile]\nunmanaged-devices=*\n",
			"etc/NetworkManager/conf.d/10-c.conf":        "[keyfile]\nunmanaged-devices=interface-name:docker0\n",
		}, "br-0123456789ab, cni0, flannel.1;"},
		{"except: leaves only the named device managed", map[string]string{
			"etc/NetworkManager/NetworkManager.conf": "[keyfile]\nunmanaged-devices=except:interface-name:eno1\n",
		}, ""},
		{"type and driver specs", map[string]string{
			"etc/NetworkManager/NetworkManager.conf": "[keyfile]\nunmanaged-devices=type:bridge;driver:veth;interface-name:flannel.?\n",
		}, ""},
		{"a [device] section without match-device", map[string]string{
			"etc/NetworkManager/conf.d/x.conf": "[device]\nmanaged=0\n",
		}, ""},
		{"NetworkManager not running", map[string]string{"proc/77/comm": "sshd\n"}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{}
			for k, v := range base {
				files[k] = v
			}
			for k, v := range tc.files {
				files[k] = v
			}
			writeFiles(t, dir, files)
			f := gatherAt(t, dir)
			if tc.risk == "" {
				checkFindings(t, f.NetworkManager.Findings, nil)
				return
			}
			checkFindings(t, f.NetworkManager.Findings, []wantFinding{
				{NMMainConf, 0, SeverityWarning, "unmanaged-devices", "(e.g. " + tc.risk},
			})
		})
	}
}

func TestNMKeyfileNames(t *testing.T) {
	dir := t.TempDir()
	k := "etc/NetworkManager/system-connections/"
	good := "[connection]\nid=%s\nuuid=%s\ntype=ethernet\n[ethernet]\n"
	writeFiles(t, dir, map[string]string{
		k + "a.nmconnection":     strings.Replace(strings.Replace(good, "%s", "a", 1), "%s", "11111111-1111-4111-8111-111111111111", 1),
		k + "a.nmconnection~":    "garbage",
		k + ".a.nmconnection":    "garbage",
		k + "a.nmconnection.swp": "garbage",
		k + "cert.pem":           "garbage",
		// The same UUID twice in one directory.
		k + "b.nmconnection": strings.Replace(strings.Replace(good, "%s", "b", 1), "%s", "11111111-1111-4111-8111-111111111111", 1),
		// A vendor profile deleted by a tombstone in /etc.
		"usr/lib/NetworkManager/system-connections/v.nmconnection":                          "[connection]\nid=v\nuuid=22222222-2222-4222-8222-222222222222\ntype=bond\n",
		"etc/NetworkManager/system-connections/22222222-2222-4222-8222-222222222222.nmmeta": "->/dev/null",
		"etc/NetworkManager/system-connections/port.nmconnection":                           "[connection]\nid=port\nuuid=33333333-3333-4333-8333-333333333333\ntype=ethernet\nmaster=22222222-2222-4222-8222-222222222222\n",
		"etc/NetworkManager/system-connections/baduuid.nmconnection":                        "[connection]\nid=baduuid\ntype=ethernet\nuuid=not-a-uuid\n",
		k + "empty.nmconnection":    "",
		k + "null.nmconnection":     "->/dev/null",
		k + "dangling.nmconnection": "->x-missing.nmconnection",
		k + "abs.nmconnection":      "->/nonexistent/x.nmconnection",
		// [keyfile] path moves the /etc directory.
		"etc/NetworkManager/NetworkManager.conf": "[keyfile]\npath=/var/lib/nm-profiles\n",
		"var/lib/nm-profiles/c":                  "[connection]\nid=c\nuuid=44444444-4444-4444-8444-444444444444\n[bridge]\ninterface-name=br-c-is-far-too-long\n",
	})
	if err := os.Chmod(filepath.Join(dir, "var/lib/nm-profiles/c"), 0o600); err != nil {
		t.Fatal(err)
	}
	// path= moved the directory: the files in the default one are not read.
	f := gatherAt(t, dir)
	checkFindings(t, f.NetworkManager.Findings, []wantFinding{
		{"/var/lib/nm-profiles/c", 1, SeverityInfo, "type", "takes type=bridge from the [bridge] section"},
		{"/var/lib/nm-profiles/c", 5, SeverityError, "interface-name", "interface-name=br-c-is-far-too-long: the kernel refuses this name"},
	})
	if f.NetworkManager.Keyfiles != 2 {
		t.Errorf("keyfiles = %d, want 2 (c, v): %+v", f.NetworkManager.Keyfiles, f.NetworkManager.Files)
	}

	if err := os.Remove(filepath.Join(dir, "etc/NetworkManager/NetworkManager.conf")); err != nil {
		t.Fatal(err)
	}
	f = gatherAt(t, dir)
	checkFindings(t, f.NetworkManager.Findings, []wantFinding{
		{"/" + k + "b.nmconnection", 0, SeverityWarning, "uuid", "is also the UUID of /" + k + "a.nmconnection: NetworkManager loads only one"},
		{"/" + k + "baduuid.nmconnection", 4, SeverityError, "uuid", "uuid=not-a-uuid is not a valid UUID"},
		{"/" + k + "empty.nmconnection", 0, SeverityError, "", "cannot load this keyfile: it is empty"},
		{"/" + k + "null.nmconnection", 0, SeverityError, "", "a symlink to /dev/null, not a regular file"},
		{"/" + k + "dangling.nmconnection", 0, SeverityError, "", "a dangling symlink"},
		// The tombstone deleted the vendor profile the port names.
		{"/" + k + "port.nmconnection", 5, SeverityWarning, "master", "master=22222222-2222-4222-8222-222222222222: no keyfile has this UUID"},
	})
	if f.NetworkManager.Keyfiles != 9 {
		t.Errorf("keyfiles = %d, want 9 (a, abs, b, baduuid, port, empty, null, dangling, v): %+v", f.NetworkManager.Keyfiles, f.NetworkManager.Files)
	}
	if r, ok := f.Gaps.Reason("network_manager.link_targets"); !ok || !strings.Contains(r, "abs.nmconnection: a symlink to /nonexistent/x.nmconnection, whose target is not in the captured tree") {
		t.Errorf("link target gap: %q %v", r, ok)
	}
}

func TestResolveInRoot(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"usr/lib/systemd/network/a.network": "x",
		"lib":                               "->usr/lib",
		"etc/abs":                           "->/usr/lib/systemd",
		"etc/escape":                        "->../../../../../../usr/lib/systemd/network/a.network",
		"etc/loop1":                         "->loop2",
		"etc/loop2":                         "->loop1",
		"etc/null":                          "->../dev/null",
	})
	r := source.NewRoot(dir, nil)
	for in, want := range map[string]string{
		"/lib/systemd/network/a.network": "/usr/lib/systemd/network/a.network",
		"/etc/abs/network/a.network":     "/usr/lib/systemd/network/a.network",
		"/etc/escape":                    "/usr/lib/systemd/network/a.network",
		"/../../etc/abs/network":         "/usr/lib/systemd/network",
	} {
		got, err := resolveInRoot(r, in)
		if err != nil || got != want {
			t.Errorf("resolveInRoot(%s) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := resolveInRoot(r, "/etc/loop1"); err == nil {
		t.Error("a symlink loop resolved")
	}
	if _, err := resolveInRoot(r, "/etc/null"); err != errMaskedLink {
		t.Errorf("a link to /dev/null: %v", err)
	}
}

func TestNetworkdIfNameProblem(t *testing.T) {
	for name, want := range map[string]string{
		"eth0":             "",
		"br-lan":           "",
		"0":                "",
		"":                 "kernel refuses",
		"a:b":              "kernel refuses",
		"storage-backend0": "kernel refuses",
		"all":              "kernel refuses",
		"veth%d":           "refuses '%'",
		"42":               "only of digits",
		"caf\xc3\xa9":      "not printable ASCII",
		"a\x01b":           "not printable ASCII",
	} {
		got := networkdIfNameProblem(name)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("networkdIfNameProblem(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestMatchHelpers(t *testing.T) {
	for _, tc := range []struct {
		patterns []string
		name     string
		want     bool
	}{
		{[]string{"*"}, "veth0", true},
		{[]string{"en*", "!eno1"}, "eno1", false},
		{[]string{"en*", "!eno1"}, "enp1s0", true},
		{[]string{"!veth*"}, "docker0", true},
		{[]string{"!veth*"}, "veth1", false},
		{[]string{"eth[0-9]"}, "eth7", true},
		{[]string{"[bad"}, "[bad", false},
	} {
		if got := netMatchStrv(tc.patterns, tc.name); got != tc.want {
			t.Errorf("netMatchStrv(%q, %s) = %v", tc.patterns, tc.name, got)
		}
	}
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"br-*", "br-0123", true}, {"flannel.?", "flannel.1", true}, {"veth*", "eth0", false},
		{"*", "", true}, {"a*b*c", "axxbyyc", true}, {"a*b*c", "axxbyy", false}, {"[x]", "[x]", true},
	} {
		if got := simpleGlob(tc.pattern, tc.s); got != tc.want {
			t.Errorf("simpleGlob(%q, %q) = %v", tc.pattern, tc.s, got)
		}
	}
}

func TestJournalFailure(t *testing.T) {
	for text, want := range map[string]bool{
		"eth0: Could not set address: Permission denied":                                            true,
		"/etc/systemd/network/10-a.network:3: Unknown key name 'Foo' in section 'Match', ignoring.": true,
		"eth0: Link UP":        false,
		"eth0: Gained carrier": false,
	} {
		if journalFailure(text) != want {
			t.Errorf("journalFailure(%q) != %v", text, want)
		}
	}
}

func TestShownKeepsControlCharactersOut(t *testing.T) {
	for in, want := range map[string]string{
		"br0":                    "br0",
		"/etc/x y.network":       "/etc/x y.network",
		"\x1b[31mred":            `"\x1b[31mred"`,
		"tab\there":              `"tab\there"`,
		"caf\xc3\xa9":            "café",
		"bad\xff":                `"bad\xff"`,
		strings.Repeat("a", 200): strings.Repeat("a", 120) + "…",
	} {
		if got := shown(in); got != want {
			t.Errorf("shown(%q) = %q, want %q", in, got, want)
		}
	}
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"etc/systemd/network/10-x.netdev": "[NetDev]\nName=x0\nKind=\x1b]0;pwned\x07dummy\n",
	})
	f := gatherAt(t, dir)
	if len(f.Networkd.Findings) == 0 {
		t.Fatal("no finding")
	}
	for _, fd := range f.Networkd.Findings {
		if strings.ContainsAny(fd.Message, "\x1b\x07") {
			t.Errorf("control characters in %q", fd.Message)
		}
	}
}

// FuzzNetConfigFiles runs the whole gather over a root whose .netdev,
// .network, .link, drop-in, keyfile and NetworkManager.conf all hold the
// fuzzed bytes: the checks on top of the parser must not panic either.
func FuzzNetConfigFiles(f *testing.F) {
	roots, _ := filepath.Glob(filepath.Join("..", "testdata", "roots", "netconfig-*"))
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() && !strings.Contains(p, "/proc/") {
				if b, err := os.ReadFile(p); err == nil {
					f.Add(b)
				}
			}
			return nil
		})
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		s := string(data)
		writeFiles(t, dir, map[string]string{
			"proc/1/comm":                                          "systemd\n",
			"proc/2/comm":                                          "NetworkManager\n",
			"etc/docker/x":                                         "",
			"etc/systemd/network/10-a.netdev":                      s,
			"etc/systemd/network/10-a.network":                     s,
			"etc/systemd/network/20-b.network":                     "[Match]\nName=*\n[Network]\nBridge=br0\nVLAN=v1\n",
			"etc/systemd/network/10-a.network.d/x.conf":            s,
			"etc/systemd/network/10-a.link":                        s,
			"etc/NetworkManager/NetworkManager.conf":               s,
			"etc/NetworkManager/system-connections/a.nmconnection": s,
			"etc/NetworkManager/system-connections/b.nmconnection": "[connection]\nid=b\ntype=ethernet\nmaster=a\n",
		})
		got := gatherAt(t, dir)
		for _, fd := range append(got.Networkd.Findings, got.NetworkManager.Findings...) {
			if fd.File == "" || fd.Message == "" || fd.Line < 0 {
				t.Fatalf("bad finding %+v", fd)
			}
			switch fd.Severity {
			case SeverityError, SeverityWarning, SeverityInfo:
			default:
				t.Fatalf("bad severity %+v", fd)
			}
		}
		if _, err := json.Marshal(got); err != nil {
			t.Fatal(err)
		}
	})
}

// Offline, a copied tree (a sosreport) without the managers' directories
// or any process's comm proves nothing: the gaps say so, the state is
// unknown.
func TestOfflineAbsenceIsUnknown(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"proc/meminfo": "MemTotal: 1 kB\n", "etc/hostname": "h\n"})
	f := gatherAt(t, dir)
	for _, fact := range []string{"networkd.dirs", "network_manager.dirs", "networkd.running", "network_manager.running"} {
		if _, ok := f.Gaps.Reason(fact); !ok {
			t.Errorf("no gap %s: %+v", fact, f.Gaps)
		}
	}
	if f.Networkd.Running != nil || f.NetworkManager.Running != nil {
		t.Errorf("running: %v %v", f.Networkd.Running, f.NetworkManager.Running)
	}
	// One directory present: its files are what there is.
	writeFiles(t, dir, map[string]string{"etc/systemd/network/a.network": "[Match]\nName=eth0\n", "proc/1/comm": "systemd\n"})
	f = gatherAt(t, dir)
	if r, ok := f.Gaps.Reason("networkd.dirs"); ok {
		t.Errorf("networkd.dirs: %s", r)
	}
	if f.Networkd.Running == nil || *f.Networkd.Running {
		t.Errorf("with process names recorded, networkd is known not to run: %v", f.Networkd.Running)
	}
}
