package diagnose

import (
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"strings"
	"testing"
)

func TestKernelTooOld(t *testing.T) {
	for _, tc := range []struct {
		kind, release, want string
	}{
		{"wireguard", "5.4.0-150-generic", "older than the wireguard driver, which arrived in Linux 5.6"},
		{"wireguard", "5.6.0", ""},
		{"wireguard", "6.8.0-45-generic", ""},
		{"vxlan", "3.2.0-4-amd64", "Linux 3.7"},
		{"ipvlan", "3.10.0-1160.el7.x86_64", "Linux 3.19"},
		{"bridge", "2.6.32", ""},
		{"netkit", "6.6.30", "Linux 6.7"},
		{"wireguard", "garbage", ""},
		{"wireguard", "4.19-rc1", "Linux 5.6"},
	} {
		got := kernelTooOld(tc.kind, tc.release)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s on %s: %q, want %q", tc.kind, tc.release, got, tc.want)
		}
	}
}

// Ubuntu 20.04's 5.4 kernel without wireguard: the verdict names the
// kernel's age, and the fix is a newer kernel, not a modules package.
func TestKernelTooOldFix(t *testing.T) {
	yes := true
	f := &probes.Facts{Modules: probes.ModulesFacts{KernelRelease: "5.4.0-150-generic", Supported: &yes, ModDirExists: true,
		Kinds: []probes.KindSupport{{LinkKind: probes.LinkKind{Kind: "wireguard", Module: "wireguard", Config: "CONFIG_WIREGUARD"}, State: probes.ModMissing, Evidence: []string{"not in modules.builtin, no wireguard.ko under /lib/modules/5.4.0-150-generic"}}}}}
	c := &Context{Facts: f, Symptom: symptom.ParseSymptom("$ ip link add wg0 type wireguard\nError: Unknown device type.")}
	v := evalModuleMissing(c)
	if v.Status != Fail || !strings.Contains(strings.Join(v.Evidence, "\n"), "arrived in Linux 5.6") {
		t.Fatalf("%s %q", v.Status, v.Evidence)
	}
	if fs := fixesModuleMissing(c, v); len(fs) == 0 || fs[0].ID != "module-missing/newer-kernel" || !strings.Contains(fs[0].Why, "wireguard-dkms") {
		t.Fatalf("fixes %+v", fs)
	}
}
