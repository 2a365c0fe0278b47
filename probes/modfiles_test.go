package probes

import (
	"strings"
	"testing"
)

func TestModuleFiles(t *testing.T) {
	dep := parseModulesList(sample(t, "modules.dep"))
	for _, m := range []string{"veth", "dummy", "8021q", "ip_gre", "wireguard", "xfrm_interface"} {
		if !dep[m] {
			t.Errorf("modules.dep: %s missing", m)
		}
	}
	if dep["stp"] {
		t.Error("modules.dep: dependencies on the right-hand side must not count as modules")
	}
	bi := parseModulesList(sample(t, "modules.builtin"))
	if !bi["ipv6"] || !bi["loopback"] || len(bi) != 6 {
		t.Errorf("modules.builtin = %v", bi)
	}
	al := parseModulesAlias(sample(t, "modules.alias"), func(a string) bool { return strings.HasPrefix(a, "rtnl-link-") })
	if got := al["rtnl-link-vlan"]; len(got) != 1 || got[0] != "8021q" {
		t.Errorf("rtnl-link-vlan -> %v", got)
	}
	if _, ok := al["char-major-10-200"]; ok {
		t.Error("alias filter ignored")
	}
	pm := parseProcModules(sample(t, "modules"))
	if pm["veth"] != "Live" || pm["wireguard"] != "Loading" || len(pm) != 18 {
		t.Errorf("/proc/modules = %v", pm)
	}
	for in, want := range map[string]string{
		"kernel/drivers/net/veth.ko.zst":                    "veth",
		"kernel/arch/x86/crypto/curve25519-x86_64.ko.xz":    "curve25519_x86_64",
		"  kernel/net/8021q/8021q.ko  ":                     "8021q",
		"updates/dkms/wireguard.ko":                         "wireguard",
		"kernel/drivers/net/ethernet/intel/i40e/i40e.ko.gz": "i40e",
	} {
		if got := moduleName(in); got != want {
			t.Errorf("moduleName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseKconfig(t *testing.T) {
	k := parseKconfig(sample(t, "kconfig"))
	for key, want := range map[string]string{
		"CONFIG_VETH": "m", "CONFIG_TUN": "y", "CONFIG_NET_TEAM": "n", "CONFIG_HSR": "n",
		"CONFIG_LOCALVERSION": "", "CONFIG_CC_VERSION_TEXT": "x86_64-linux-gnu-gcc-13 (Ubuntu 13.2.0-23ubuntu4) 13.2.0",
	} {
		if got, ok := k[key]; !ok || got != want {
			t.Errorf("%s = %q (%v), want %q", key, got, ok, want)
		}
	}
	if _, ok := k["CONFIG_VLAN_8021Q"]; ok {
		t.Error("absent option present")
	}
	root := writeTree(t, map[string]string{"proc/config.gz": string(sample(t, "config.gz"))})
	k2, src, err := readKconfig(NewRoot(root), "6.8.0-45-generic")
	if err != nil || src != "/proc/config.gz" || k2["CONFIG_VETH"] != "m" {
		t.Fatalf("readKconfig = %v %q %v", k2["CONFIG_VETH"], src, err)
	}
	root = writeTree(t, map[string]string{"boot/config-6.8.0-45-generic": string(sample(t, "kconfig")), "proc/config.gz": "not gzip"})
	if _, src, err := readKconfig(NewRoot(root), "6.8.0-45-generic"); err != nil || src != "/boot/config-6.8.0-45-generic" {
		t.Fatalf("fallback to /boot: %q %v", src, err)
	}
	if _, _, err := readKconfig(NewRoot(t.TempDir()), "x"); err == nil {
		t.Fatal("no config must be an error")
	}
}

func FuzzParseModuleFiles(f *testing.F) {
	seedSamples(f, "modules")
	seedSamples(f, "kconfig")
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = parseModulesList(b)
		_ = parseModulesAlias(b, func(string) bool { return true })
		_ = parseProcModules(b)
		_ = parseKconfig(b)
	})
}
