package probes

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// copyTree copies a fixture tree (symlinks as symlinks).
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		d := filepath.Join(dst, rel)
		switch {
		case info.Mode()&os.ModeSymlink != 0:
			l, _ := os.Readlink(p)
			return os.Symlink(l, d)
		case info.IsDir():
			return os.MkdirAll(d, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(d, b, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

func plant(t *testing.T, root, p, body string, mode os.FileMode) {
	t.Helper()
	full := filepath.Join(root, p)
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

// secrets planted in the fixture: none may appear in a capture.
var planted = []string{"SECRETPSK", "SECRETVPN", "SECRETRAW", "SECRETPIN", "SECRETWEP0", "SECRETWEP1", "SECRETWEP2",
	"SECRETWEP3", "SECRETPKPASS", "SECRETWGPRIV", "SECRETWGPSK", "SECRETNDPRIV", "SECRETNDPSK", "SECRETKEYFILE", "SECRETENV",
	"SECRETPHASE2", "SECRETMACSEC"}

func secretTree(t *testing.T) string {
	root := t.TempDir()
	copyTree(t, "testdata/roots/base", root)
	plant(t, root, "etc/NetworkManager/system-connections/wifi.nmconnection", `[connection]
id=wifi
uuid=0d8e3b3a-2d6f-4a0e-9f6e-1c1c1c1c1c1c
type=wifi
[wifi-security]
key-mgmt=wpa-psk
psk-flags=0
psk=SECRETPSK
wep-key0=SECRETWEP0
wep-key1 = SECRETWEP1
wep-key2=SECRETWEP2
wep-key3=SECRETWEP3
[802-1x]
password-raw=SECRETRAW
pin=SECRETPIN
private-key-password=SECRETPKPASS
phase2-private-key=data:;base64,SECRETPHASE2
[vpn-secrets]
anything=SECRETVPN
`, 0o600)
	plant(t, root, "etc/NetworkManager/system-connections/wg.nmconnection", `[connection]
id=wg
uuid=1d8e3b3a-2d6f-4a0e-9f6e-1c1c1c1c1c1c
type=wireguard
interface-name=wg0
[wireguard]
private-key=SECRETWGPRIV
[wireguard-peer.abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=]
preshared-key=SECRETWGPSK
`, 0o600)
	plant(t, root, "etc/systemd/network/50-wg1.netdev", `[NetDev]
Name=wg1
Kind=wireguard
[WireGuard]
PrivateKey=SECRETNDPRIV
[WireGuardPeer]
PublicKey=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG=
PresharedKey=SECRETNDPSK
`, 0o640)
	plant(t, root, "etc/systemd/network/52-macsec0.netdev", "[NetDev]\nName=macsec0\nKind=macsec\n[MACsecTransmitAssociation]\nPacketNumber=1\nKeyId=01\nKey=SECRETMACSEC\n", 0o640)
	plant(t, root, "etc/systemd/network/51-wg2.netdev", "[NetDev]\nName=wg2\nKind=wireguard\n[WireGuard]\nPrivateKeyFile=/etc/systemd/network/wg2.key\n", 0o640)
	plant(t, root, "etc/systemd/network/wg2.key", "SECRETKEYFILE\n", 0o600)
	plant(t, root, "proc/1/environ", "PATH=/bin\x00container=podman\x00TOKEN=SECRETENV\x00", 0o644)
	return root
}

func captureOf(t *testing.T, from string) ([]byte, *CaptureManifest) {
	t.Helper()
	var b bytes.Buffer
	m, err := Capture(t.Context(), &b, CaptureOptions{From: from, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), m
}

func TestCaptureLeavesSecretsOut(t *testing.T) {
	t.Cleanup(CloseArchives)
	root := secretTree(t)
	arch, m := captureOf(t, root)
	zr, err := gzip.NewReader(bytes.NewReader(arch))
	if err != nil {
		t.Fatal(err)
	}
	all, _ := io.ReadAll(zr)
	for _, s := range planted {
		if bytes.Contains(all, []byte(s)) {
			t.Errorf("planted secret %s is in the capture", s)
		}
	}
	for _, want := range []string{"wifi.nmconnection: psk, wep-key0, wep-key1, wep-key2, wep-key3, password-raw, pin, private-key-password, phase2-private-key, anything",
		"52-macsec0.netdev: Key",
		"wg.nmconnection: private-key, preshared-key", "50-wg1.netdev: PrivateKey, PresharedKey", "wg2.key: the whole key file"} {
		found := false
		for _, r := range m.Redacted {
			found = found || strings.Contains(r, want)
		}
		if !found {
			t.Errorf("manifest does not say %q: %q", want, m.Redacted)
		}
	}
	// psk-flags and the public key are kept: only secrets go.
	if !bytes.Contains(all, []byte("psk-flags=0")) || !bytes.Contains(all, []byte("PublicKey=abcdefghij")) || !bytes.Contains(all, []byte("container=podman")) {
		t.Error("non-secret values were removed too")
	}

	// Read back: the netdev with a key file is not "missing its key" (a
	// placeholder stands for the file) and the keyfiles still parse.
	p := filepath.Join(t.TempDir(), "c.tar.gz")
	os.WriteFile(p, arch, 0o600)
	off := Gather(t.Context(), Target{Root: p})
	for _, f := range off.NetConfig.Networkd.Findings {
		if f.Severity == SeverityError {
			t.Errorf("offline finding: %+v", f)
		}
	}
	if off.NetConfig.NetworkManager.Keyfiles != 2 {
		t.Errorf("keyfiles read offline = %d, want 2", off.NetConfig.NetworkManager.Keyfiles)
	}
	if !off.Container.InContainer {
		t.Error("container= from PID 1's environment was lost")
	}
	var mf CaptureManifest
	b, err := os.ReadFile(filepath.Join(mustArchiveRoot(t, p), CaptureMeta, "manifest.json"))
	if err != nil || json.Unmarshal(b, &mf) != nil || mf.Tool != "test" || mf.Format != CaptureFormat {
		t.Errorf("manifest: %v %+v", err, mf)
	}
}

func mustArchiveRoot(t *testing.T, p string) string {
	d, err := ArchiveRoot(p)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

var unpackedDirRE = regexp.MustCompile(`/[^"]*/rtnl-doctor-root-[0-9]+`)

var missingInTreeRE = regexp.MustCompile(`missing file ROOT(/[^" ]*)`)

// The capture of a fixture tree, read back, gives the same facts as the
// tree itself for every file-based group.
func TestCaptureRoundTrip(t *testing.T) {
	t.Cleanup(CloseArchives)
	root := secretTree(t)
	arch, m := captureOf(t, root)
	if m.Files == 0 || m.Bytes == 0 {
		t.Fatalf("manifest %+v", m)
	}
	p := filepath.Join(t.TempDir(), "c.tar.gz")
	os.WriteFile(p, arch, 0o600)
	groups := []Group{GroupHost, GroupFDs, GroupModules, GroupIdentity, GroupSysctls, GroupContainer, GroupDenials}
	a := Gather(t.Context(), Target{Root: root}, groups...)
	b := Gather(t.Context(), Target{Root: p}, groups...)
	norm := func(v any) string {
		j, _ := json.Marshal(v)
		s := strings.ReplaceAll(strings.ReplaceAll(string(j), root, "ROOT"), b.Target.Root, "ROOT")
		// An archive is read from the directory it was unpacked into, whose
		// files the reasons name by their path in the captured tree.
		s = unpackedDirRE.ReplaceAllString(s, "ROOT")
		return missingInTreeRE.ReplaceAllString(s, "missing file $1 (in the captured tree)")
	}
	for _, c := range []struct {
		name string
		x, y any
	}{
		{"host", a.Host, b.Host}, {"fds", a.FDs, b.FDs}, {"modules", a.Modules.Loaded, b.Modules.Loaded},
		{"identity", a.Identity, b.Identity}, {"container", a.Container.InContainer, b.Container.InContainer},
		{"denials", a.Denials.Denials, b.Denials.Denials},
	} {
		if x, y := norm(c.x), norm(c.y); x != y {
			t.Errorf("%s differs:\ntree:    %s\ncapture: %s", c.name, x, y)
		}
	}
	// The capture holds the archive's own files.
	zr, _ := gzip.NewReader(bytes.NewReader(arch))
	tr := tar.NewReader(zr)
	names := map[string]bool{}
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names[h.Name] = true
	}
	for _, n := range []string{"rtnl-doctor/manifest.json", "rtnl-doctor/net.json", "rtnl-doctor/devices.json", "proc/self", "proc/4242/limits"} {
		if !names[n] {
			t.Errorf("no %s in the capture", n)
		}
	}
}

// Offline, the journal queries are answered from a capture's journal.json.
func TestCapturedJournal(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "testdata/roots/base", root)
	q := strings.Join(journalQueries()[1], " ")
	plant(t, root, capturedJournalFile, `{"`+q+`":{"lines":[{"source":"journal","text":"systemd-networkd[612]: wg0: Could not create netdev: File exists"}]},"_TRANSPORT=audit":{"error":"journal unreadable"}}`, 0o644)
	f := Gather(t.Context(), Target{Root: root}, GroupNetConfig, GroupDenials)
	if j := f.NetConfig.Networkd.Journal; len(j) != 1 || !strings.Contains(j[0].Text, "Could not create netdev") {
		t.Errorf("networkd journal: %+v (gaps %v)", j, f.NetConfig.Gaps)
	}
	if _, gap := f.NetConfig.Gaps.Reason("network_manager.journal"); !gap {
		t.Errorf("a query the capture did not answer must be a gap: %v", f.NetConfig.Gaps)
	}
}

// A config file that is a symlink is recorded as one; its target's content
// is copied only from the captured configuration directories, never a
// credential file; every cut file is listed as truncated.
func TestCaptureSymlinkedConfigs(t *testing.T) {
	t.Cleanup(CloseArchives)
	root := secretTree(t)
	plant(t, root, "etc/shadow", "root:SECRETSHADOW:19000:0:99999:7:::\n", 0o600)
	plant(t, root, "usr/lib/systemd/network/y.network", "[Match]\nName=eth9\n", 0o644)
	plant(t, root, "etc/systemd/network/z-real.txt", "[Match]\nName=eth8\n", 0o644)
	big := filepath.Join(root, "usr/lib/systemd/network/big.txt")
	plant(t, root, "usr/lib/systemd/network/big.txt", "", 0o644)
	if err := os.Truncate(big, 10<<30); err != nil {
		t.Fatal(err)
	}
	plant(t, root, "srv/secret/a.conf", "SECRETDIR\n", 0o600)
	links := map[string]string{
		"etc/NetworkManager/conf.d":                               "../../srv/secret", // a directory linked out
		"etc/NetworkManager/system-connections/evil.nmconnection": "/etc/shadow",      // absolute: out of the tree read
		"etc/systemd/network/x.network":                           "../../shadow",
		"etc/systemd/network/y.network":                           "../../../usr/lib/systemd/network/y.network",
		"etc/systemd/network/z.network":                           "z-real.txt",
		"etc/systemd/network/h.network":                           "../../../usr/lib/systemd/network/big.txt",
	}
	for l, tgt := range links {
		if err := os.Symlink(tgt, filepath.Join(root, l)); err != nil {
			t.Fatal(err)
		}
	}
	arch, m := captureOf(t, root)
	zr, err := gzip.NewReader(bytes.NewReader(arch))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	entries := map[string]*tar.Header{}
	var all []byte
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		entries[h.Name] = h
		b, _ := io.ReadAll(tr)
		all = append(all, b...)
	}
	if bytes.Contains(all, []byte("SECRETDIR")) {
		for n := range entries {
			t.Log(n)
		}
		t.Error("a directory linked out of the captured ones was walked")
	}
	if bytes.Contains(all, []byte("SECRETSHADOW")) || bytes.Contains(all, []byte("root:")) && bytes.Contains(all, []byte(":99999:")) {
		t.Error("a shadow file is in the capture")
	}
	for _, n := range []string{"etc/NetworkManager/system-connections/evil.nmconnection", "etc/systemd/network/x.network", "etc/shadow"} {
		if entries[n] != nil {
			t.Errorf("%s is in the capture as %q", n, entries[n].Typeflag)
		}
	}
	if h := entries["etc/systemd/network/z.network"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "z-real.txt" {
		t.Errorf("z.network should be stored as the link it is: %+v", h)
	}
	if h := entries["etc/systemd/network/y.network"]; h == nil || h.Typeflag != tar.TypeReg {
		t.Errorf("y.network (a link into the captured directories) should hold its target's content: %+v", h)
	}
	for p, want := range map[string]source.LinkRecord{
		"/etc/NetworkManager/system-connections/evil.nmconnection": {Target: "/etc/shadow"},
		"/etc/systemd/network/x.network":                           {Target: "../../shadow"},
		"/etc/systemd/network/y.network":                           {Target: "../../../usr/lib/systemd/network/y.network", Copied: true},
		"/etc/systemd/network/z.network":                           {Target: "z-real.txt", Copied: true},
	} {
		got, ok := m.Symlinks[p]
		if !ok || got.Target != want.Target || got.Copied != want.Copied || !want.Copied && got.NotCopied == "" {
			t.Errorf("manifest symlink %s: %+v, want %+v", p, got, want)
		}
	}
	if r := m.Symlinks["/etc/systemd/network/x.network"].NotCopied; !strings.Contains(r, "credential") {
		t.Errorf("x.network not copied because: %q", r)
	}
	cut := false
	for _, tr := range m.Truncated {
		cut = cut || strings.HasPrefix(tr, "/etc/systemd/network/h.network: the first 4194304 of 10737418240 bytes")
	}
	if !cut {
		t.Errorf("the cut h.network is not listed: %q", m.Truncated)
	}

	// Offline the links are links: the one whose target is not in the
	// capture is unknown, not dangling.
	p := filepath.Join(t.TempDir(), "c.tar.gz")
	os.WriteFile(p, arch, 0o600)
	off := Gather(t.Context(), Target{Root: p}, GroupNetConfig)
	nc := off.NetConfig
	files := map[string]string{}
	for _, f := range append(nc.Networkd.Files, nc.NetworkManager.Files...) {
		files[f.Path] = f.Symlink
	}
	if files["/etc/NetworkManager/system-connections/evil.nmconnection"] != "/etc/shadow" || files["/etc/systemd/network/y.network"] != "../../../usr/lib/systemd/network/y.network" ||
		files["/etc/systemd/network/x.network"] != "../../shadow" {
		t.Errorf("offline symlinks: %v", files)
	}
	if r, ok := nc.Gaps.Reason("network_manager.link_targets"); !ok || !strings.Contains(r, "evil.nmconnection: a symlink to /etc/shadow, whose target is not in the captured tree") {
		t.Errorf("gap: %q", r)
	}
	for _, f := range append(nc.Networkd.Findings, nc.NetworkManager.Findings...) {
		if strings.Contains(f.Message, "dangling") {
			t.Errorf("offline finding: %+v", f)
		}
	}
	// The capture looked for the managers' directories: their absence is
	// no gap.
	for _, g := range nc.Gaps {
		if strings.HasSuffix(g.Fact, ".dirs") {
			t.Errorf("gap %+v", g)
		}
	}
}
