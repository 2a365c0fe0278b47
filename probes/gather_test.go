package probes

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
)

func roots(names ...string) []string {
	out := []string{filepath.Join("testdata", "roots", "base")}
	for _, n := range names {
		out = append(out, filepath.Join("testdata", "roots", n))
	}
	return out
}

func gatherFixture(t *testing.T, tgt Target, overlays ...string) *Facts {
	t.Helper()
	tgt.Root = fixture.Root(t, roots(overlays...)...)
	return Gather(context.Background(), tgt)
}

func TestGatherBase(t *testing.T) {
	f := gatherFixture(t, Target{Interfaces: []string{"eth0"}})
	if len(f.Gaps) != 0 {
		t.Fatalf("group gaps: %v", f.Gaps)
	}
	if f.Target.PID != 4242 || f.Target.Comm != "ip" || f.Target.Live || f.Target.NetNSInode != 4026531840 {
		t.Errorf("target = %+v", f.Target)
	}
	if f.Host.Hostname != "node1" || f.Host.KernelRelease != "6.8.0-45-generic" {
		t.Errorf("host = %+v", f.Host)
	}
	fd := f.FDs
	if fd.FileNR == nil || fd.FileNR.Allocated != 2816 || fd.Limit == nil || fd.Limit.Soft != 1024 || fd.Limit.Hard != 524288 {
		t.Errorf("fds = %+v", fd)
	}
	if fd.Open != 6 || fd.Sockets != 2 || fd.Netlink != 1 || fd.Tun != 1 {
		t.Errorf("fd classes open=%d sockets=%d netlink=%d tun=%d", fd.Open, fd.Sockets, fd.Netlink, fd.Tun)
	}
	m := f.Memory
	if m.Meminfo == nil || m.Meminfo.MemTotal == 0 || len(m.TopSlabs) != topSlabs || len(m.Buddy) == 0 || m.Pressure == nil || m.MinFreeKbytes != 67584 {
		t.Errorf("memory = %+v", m)
	}
	if m.KernelLog != "/var/log/kern.log" || len(m.AllocFailures) != 0 {
		t.Errorf("kernel log %q, failures %v", m.KernelLog, m.AllocFailures)
	}
	if r, ok := f.Net.Gaps.Reason("links"); !ok || !strings.Contains(r, "offline root") {
		t.Errorf("links gap = %q", r)
	}
	if len(f.Net.NetDev) != 3 || f.Net.NetDev[0] != "docker0" {
		t.Errorf("netdev = %v", f.Net.NetDev)
	}
	mods := f.Modules
	if mods.Supported == nil || !*mods.Supported || !mods.ModDirExists || mods.Loaded != 18 {
		t.Errorf("modules = %+v", mods)
	}
	wantKinds := map[string]string{"veth": ModLoaded, "dummy": ModLoadable, "vlan": ModLoaded, "wireguard": ModLoaded,
		"hsr": ModMissing, "bond": ModLoadable, "gretap": ModLoadable}
	for k, want := range wantKinds {
		if ks, _ := mods.Kind(k); ks.State != want {
			t.Errorf("kind %s = %s %v, want %s", k, ks.State, ks.Evidence, want)
		}
	}
	// tc kinds: sch_netem and cls_flower on disk (loadable), sch_fq_codel
	// built in, sch_cake nowhere (missing).
	wantTC := map[string]string{"qdisc netem": ModLoadable, "filter flower": ModLoadable, "qdisc fq_codel": ModBuiltin, "qdisc cake": ModMissing}
	for k, want := range wantTC {
		if ks, _ := mods.TCKind(k); ks.State != want {
			t.Errorf("tc kind %s = %s %v, want %s", k, ks.State, ks.Evidence, want)
		}
	}
	id := f.Identity
	if id.Caps == nil || id.Name != "ip" || id.InitialUserNS == nil || !*id.InitialUserNS {
		t.Errorf("identity = %+v", id)
	}
	if v, _ := f.Sysctls.Get("net.ipv4.conf.eth0.rp_filter"); v != "2" {
		t.Errorf("eth0 rp_filter = %q (%v)", v, f.Sysctls.Gaps)
	}
	if v, _ := f.Sysctls.Get("user.max_user_namespaces"); v != "127562" {
		t.Errorf("max_user_namespaces = %q", v)
	}
	if f.Sysctls.ProcSysReadOnly == nil || *f.Sysctls.ProcSysReadOnly {
		t.Errorf("proc sys ro = %v %q", f.Sysctls.ProcSysReadOnly, f.Sysctls.ProcSysMount)
	}
	if f.Container.InContainer {
		t.Errorf("container = %+v", f.Container)
	}
	if f.Tun.Exists {
		t.Errorf("a captured tree holds no device node: %+v", f.Tun)
	}
	if _, err := json.Marshal(f); err != nil {
		t.Fatal(err)
	}
}

func TestGatherEmptyRoot(t *testing.T) {
	f := Gather(context.Background(), Target{Root: t.TempDir()})
	if len(f.Gaps) != 0 {
		t.Fatalf("group gaps: %v", f.Gaps)
	}
	b, _ := json.Marshal(f)
	var all map[string]json.RawMessage
	_ = json.Unmarshal(b, &all)
	for _, g := range []string{"fds", "memory", "net", "modules", "identity", "sysctls"} {
		var grp struct {
			Gaps Gaps `json:"unavailable"`
		}
		_ = json.Unmarshal(all[g], &grp)
		if len(grp.Gaps) == 0 {
			t.Errorf("group %s: no gap recorded for an empty root", g)
		}
		for _, gap := range grp.Gaps {
			if gap.Reason == "" {
				t.Errorf("group %s: gap %s without a reason", g, gap.Fact)
			}
		}
	}
	if r, _ := f.FDs.Gaps.Reason("file_nr"); !strings.Contains(r, "missing file") {
		t.Errorf("file_nr reason = %q", r)
	}
}

func TestGatherContainer(t *testing.T) {
	f := gatherFixture(t, Target{}, "container-docker")
	c := f.Container
	if !c.InContainer || c.Runtime != "docker" || !strings.HasPrefix(c.ID, "3f5c2a9d") || len(c.Evidence) != 2 || len(c.Hints) != 2 ||
		!strings.Contains(c.Evidence[1], "pid:[4026532481] is not the initial one") {
		t.Fatalf("container = %+v", c)
	}
	if f.Sysctls.ProcSysReadOnly == nil || !*f.Sysctls.ProcSysReadOnly || f.Sysctls.ProcSysMount != "/proc/sys (proc, ro)" {
		t.Fatalf("proc/sys mount = %v %q", f.Sysctls.ProcSysReadOnly, f.Sysctls.ProcSysMount)
	}
	if f.Identity.NoNewPrivs != true || f.Identity.Seccomp != "filter" || HasCap(f.Identity.Caps.BndMask, 12) {
		t.Fatalf("identity = %+v", f.Identity)
	}
}

// A stray /.dockerenv (VM images ship it) is a hint, not a container; files
// absent from a capture are unknown, not absence.
func TestGatherStrayDockerenv(t *testing.T) {
	f := gatherFixture(t, Target{}, "stray-dockerenv")
	c := f.Container
	if c.InContainer || len(c.Evidence) != 0 || len(c.Hints) != 1 || !strings.Contains(c.Hints[0], "/.dockerenv") || c.PIDNamespace != "pid:[4026531836]" {
		t.Fatalf("container = %+v", c)
	}
	if !strings.Contains(strings.Join(c.Unknown, ";"), "/run/systemd/container: not in the captured tree") {
		t.Fatalf("unknown = %v", c.Unknown)
	}
}

// Each proof alone makes a container: container= in PID 1's environment,
// /run/systemd/container, /run/host/container-manager, a PID namespace
// that is not the initial one.
func TestGatherContainerProofs(t *testing.T) {
	for _, tc := range []struct{ file, content, runtime string }{
		{"run/systemd/container", "systemd-nspawn\n", "systemd-nspawn"},
		{"run/host/container-manager", "podman\n", "podman"},
		{"proc/4242/environ", "PATH=/bin\x00container=lxc\x00", "lxc"},
	} {
		root := fixture.Root(t, roots("stray-dockerenv")...)
		if err := writeFile(filepath.Join(root, tc.file), []byte(tc.content)); err != nil {
			t.Fatal(err)
		}
		f := Gather(context.Background(), Target{Root: root})
		if c := f.Container; !c.InContainer || c.Runtime != tc.runtime || len(c.Evidence) != 1 {
			t.Errorf("%s: container = %+v", tc.file, c)
		}
	}
}

func TestGatherCgroupRuntimes(t *testing.T) {
	for file, want := range map[string]string{"cgroup-docker-v1": "docker", "cgroup-kubepods": "kubernetes", "cgroup-podman": "podman", "cgroup-lxc": "lxc", "cgroup-host": ""} {
		root := fixture.Root(t, roots()...)
		if err := writeFile(filepath.Join(root, "proc/4242/cgroup"), sample(t, file)); err != nil {
			t.Fatal(err)
		}
		e, _ := resolve(Target{Root: root})
		if c := gatherContainer(e); c.Runtime != want {
			t.Errorf("%s: runtime %q, want %q (%v)", file, c.Runtime, want, c.Evidence)
		}
	}
}

func TestGatherModulesCases(t *testing.T) {
	f := gatherFixture(t, Target{}, "kernel-upgraded")
	m := f.Modules
	if m.ModDirExists || len(m.OtherModDirs) != 1 || m.OtherModDirs[0] != "6.8.0-49-generic" {
		t.Fatalf("upgraded: %+v", m)
	}
	ks, _ := m.Kind("veth")
	if ks.State != ModMissing || !strings.Contains(strings.Join(ks.Evidence, "; "), "upgraded without a reboot") {
		t.Fatalf("veth after upgrade: %+v", ks)
	}
	if ks, _ := m.Kind("ifb"); ks.State != ModMissing {
		t.Fatalf("ifb after upgrade: %+v", ks)
	}

	f = gatherFixture(t, Target{}, "no-modules")
	m = f.Modules
	if m.Supported == nil || *m.Supported || m.Kconfig != "/proc/config.gz" {
		t.Fatalf("no modules: %+v", m)
	}
	if ks, _ := m.Kind("tun"); ks.State != ModBuiltin {
		t.Fatalf("tun with CONFIG_TUN=y: %+v", ks)
	}
	if ks, _ := m.Kind("veth"); ks.State != ModMissing {
		t.Fatalf("veth (=m, no module support): %+v", ks)
	}
	if ks, _ := m.Kind("ipv6"); ks.Kind != "" {
		t.Fatal("ipv6 is not a link kind")
	}
}

func TestGatherUsernsRemap(t *testing.T) {
	f := gatherFixture(t, Target{}, "userns-remap")
	c := f.Container
	if c.Docker == nil || c.Docker.RemapUser != "dockremap" || c.SubUIDOwner != "dockremap" || len(c.SubUID) != 0 || len(c.SubGID) != 0 {
		t.Fatalf("remap = %+v %+v", c, c.Docker)
	}
	if f.Identity.InitialUserNS == nil || *f.Identity.InitialUserNS || f.Identity.UIDMap[0].Outside != 165536 {
		t.Fatalf("identity = %+v", f.Identity)
	}
}

func TestGatherMemoryCases(t *testing.T) {
	f := gatherFixture(t, Target{}, "memory-fragmented")
	m := f.Memory
	if len(m.AllocFailures) != 2 || m.AllocFailures[0].Order != 4 || m.AllocFailures[0].Comm != "containerd" {
		t.Fatalf("failures = %+v", m.AllocFailures)
	}
	if m.FreeAtLeast(4) != 9+2 { // DMA 2+1+1+0+1+1+3, Normal 2
		t.Fatalf("free order>=4 = %d", m.FreeAtLeast(4))
	}
	if m.Meminfo.MemAvailable != 9120400 {
		t.Fatalf("meminfo = %+v", m.Meminfo)
	}
	f = gatherFixture(t, Target{}, "fd-exhaustion")
	if f.FDs.FileNR.Max != 200000 || f.FDs.FileNR.InUse() != 199812 {
		t.Fatalf("file-nr = %+v", f.FDs.FileNR)
	}
}

func TestGatherMissingPID(t *testing.T) {
	f := gatherFixture(t, Target{PID: 999999})
	if r, ok := f.Target.Gaps.Reason("process"); !ok || !strings.Contains(r, "does not exist") {
		t.Fatalf("process gap = %q", r)
	}
	if _, ok := f.FDs.Gaps.Reason("limit_nofile"); !ok {
		t.Fatal("limits of a missing process must be a gap")
	}
	if f.FDs.FileNR == nil {
		t.Fatal("system facts must survive a missing process")
	}
}

// TestMergeKeepsWhatAQuickGatherSkips: the dashboard's frequent refreshes
// skip the kernel log and slabinfo; the last full read stays.
func TestMergeKeepsWhatAQuickGatherSkips(t *testing.T) {
	full := &Facts{Gathered: AllGroups, Memory: MemoryFacts{
		TopSlabs: []SlabCache{{Name: "net_namespace"}}, SlabCaches: 200, KernelLog: "/var/log/kern.log",
		AllocFailures: []AllocFailure{{Order: 4}}}}
	full.Memory.Gaps.AddReason("slabinfo", "old reason")
	quick := &Facts{Gathered: []Group{GroupMemory}, Memory: MemoryFacts{Quick: true, MinFreeKbytes: 67584}}
	m := full.Merge(quick).Memory
	if m.MinFreeKbytes != 67584 || len(m.TopSlabs) != 1 || m.SlabCaches != 200 || len(m.AllocFailures) != 1 || m.KernelLog == "" || m.Quick {
		t.Fatalf("merged memory = %+v", m)
	}
	if r, ok := m.Gaps.Reason("slabinfo"); !ok || r != "old reason" {
		t.Fatalf("the slabinfo gap was lost: %q", r)
	}
}

// A capture that left out /proc/modules and modules.builtin proves no
// driver missing: a kind neither loaded nor listed in modules.dep is unknown
// (it may be built in), and module support is not denied.
func TestGatherModulesPartialCapture(t *testing.T) {
	f := gatherFixture(t, Target{}, "offline-partial")
	m := f.Modules
	if m.Supported != nil {
		t.Fatalf("module support decided from an absent /proc/modules: %v", *m.Supported)
	}
	if r, _ := m.Gaps.Reason("loaded"); !strings.Contains(r, "not in the captured tree") {
		t.Fatalf("loaded gap = %q", r)
	}
	ks, _ := m.Kind("tun")
	if ks.State != ModUnknown || !strings.Contains(strings.Join(ks.Evidence, " "), "may be built in") {
		t.Fatalf("tun = %+v", ks)
	}
	if ks, _ := m.Kind("dummy"); ks.State != ModLoadable {
		t.Fatalf("dummy = %+v", ks)
	}
}

// iproute2's version from the package database below the root; a removed
// package's stanza is skipped; snapshot versions are older than any release.
func TestGatherIPRoute2(t *testing.T) {
	f := gatherFixture(t, Target{})
	v := f.Host.IPRoute2
	if v.Version != "6.1.0-3" || v.Package != "iproute2" || v.Source != "/var/lib/dpkg/status" || v.BusyBox {
		t.Fatalf("iproute2 = %+v", v)
	}
	if maj, min, ok := v.Release(); !ok || maj != 6 || min != 1 {
		t.Fatalf("release %d.%d %v", maj, min, ok)
	}
	for in, want := range map[string][3]int{"1:4.3.0-1ubuntu3": {4, 3, 1}, "20120521-3": {0, 0, 1}, "5.15.0-1": {5, 15, 1}, "junk": {0, 0, 0}} {
		maj, min, ok := IPRoute2{Version: in}.Release()
		if maj != want[0] || min != want[1] || ok != (want[2] == 1) {
			t.Errorf("%q: %d.%d %v", in, maj, min, ok)
		}
	}
	// Ubuntu after upgrades: the transitional "iproute" stays installed at
	// its old version; iproute2 is the one that counts.
	dpkg := []byte("Package: iproute\nStatus: install ok installed\nVersion: 1:4.3.0-1ubuntu3\n\nPackage: iproute2\nStatus: install ok installed\nVersion: 5.15.0-1ubuntu2\n\n")
	if p, ver := stanzaVersion(dpkg, "Package: ", "Version: "); p != "iproute2" || ver != "5.15.0-1ubuntu2" {
		t.Errorf("dpkg with the transitional package: %q %q", p, ver)
	}
	apk := []byte("C:Q1...\nP:musl\nV:1.2.4-r2\n\nP:iproute2-minimal\nV:6.6.0-r0\nA:x86_64\n\n")
	if p, ver := stanzaVersion(apk, "P:", "V:"); p != "iproute2-minimal" || ver != "6.6.0-r0" {
		t.Errorf("apk: %q %q", p, ver)
	}
	// BusyBox's applet: /usr/sbin/ip a link to busybox (absolute, as
	// BusyBox installs it), read inside the tree; a regular file first in
	// PATH order is iproute2's whatever comes after it.
	bb := t.TempDir()
	for _, d := range []string{"usr/sbin", "bin"} {
		if err := os.MkdirAll(filepath.Join(bb, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink("/bin/busybox", filepath.Join(bb, "usr/sbin/ip")); err != nil {
		t.Fatal(err)
	}
	if f := Gather(context.Background(), Target{Root: bb}); !f.Host.IPRoute2.BusyBox {
		t.Errorf("busybox link: %+v", f.Host.IPRoute2)
	}
	if err := os.Remove(filepath.Join(bb, "usr/sbin/ip")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bb, "usr/sbin/ip"), []byte("ELF"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("busybox", filepath.Join(bb, "bin/ip")); err != nil {
		t.Fatal(err)
	}
	if f := Gather(context.Background(), Target{Root: bb}); f.Host.IPRoute2.BusyBox {
		t.Errorf("iproute2's ip first in PATH: %+v", f.Host.IPRoute2)
	}
	if f := Gather(context.Background(), Target{Root: t.TempDir()}); f.Host.IPRoute2.Version != "" {
		t.Errorf("empty root: %+v", f.Host.IPRoute2)
	} else if r, _ := f.Host.Gaps.Reason("iproute2"); !strings.Contains(r, "no dpkg") {
		t.Errorf("empty root: gap %q", r)
	}
}

// The modules a symptom names (Target.Modules) are read like the link
// kinds: loaded, loadable, missing; a name that cannot be a module's is
// never looked up (it would be a path under /sys/module).
func TestGatherNamedModules(t *testing.T) {
	root := fixture.Root(t, roots()...)
	dep := filepath.Join(root, "lib/modules/6.8.0-45-generic/modules.dep")
	b, err := os.ReadFile(dep)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeFile(dep, append(b, "kernel/net/ipv4/netfilter/iptable_nat.ko.zst: kernel/net/netfilter/nf_nat.ko.zst\n"...)); err != nil {
		t.Fatal(err)
	}
	f := Gather(context.Background(), Target{Root: root, Modules: []string{"xt_MASQUERADE", "iptable-nat", "iptable_nat", "xt_set", "../../etc", "dummy"}})
	m := f.Modules
	if len(m.Named) != 4 {
		t.Fatalf("named = %+v", m.Named)
	}
	for _, tc := range []struct{ mod, kind, state string }{
		{"xt_MASQUERADE", "xt target MASQUERADE", ModLoaded},
		{"iptable_nat", "iptables table nat", ModLoadable},
		{"xt_set", "xt match set", ModMissing},
		{"dummy", "dummy", ModLoadable},
	} {
		ks, ok := m.NamedModule(tc.mod)
		if !ok || ks.Kind != tc.kind || ks.State != tc.state {
			t.Errorf("%s: %+v", tc.mod, ks)
		}
	}
	if _, ok := m.NamedModule("../../etc"); ok {
		t.Error("a path was looked up as a module")
	}
}
