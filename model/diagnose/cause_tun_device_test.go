package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// QEMU's /dev/vhost-net texts are judged on that node and the vhost_net
// module, never on /dev/net/tun: a missing driver offers no mknod (the node
// would open with ENODEV), a loadable one offers modprobe vhost_net, and a
// wrong node is named with the vhost-net numbers.
func TestVhostNetNode(t *testing.T) {
	yes, no := true, false
	mods := func(state string) probes.ModulesFacts {
		return probes.ModulesFacts{Supported: &yes, Disabled: &no, KernelRelease: "6.8.0-45-generic", ModDirExists: true,
			Kinds: []probes.KindSupport{{LinkKind: probes.LinkKind{Kind: "tun", Module: "tun"}, State: probes.ModBuiltin, Evidence: []string{"builtin"}}},
			Named: []probes.KindSupport{{LinkKind: probes.LinkKind{Kind: "vhost-net device", Module: "vhost_net"}, State: state, Evidence: []string{"test evidence"}}}}
	}
	tunOK := probes.TunFacts{Path: "/dev/net/tun", Exists: true, CharDev: true, Major: 10, Minor: 200, Mode: "crw-rw-rw-", Perm: 0o666}
	const enoent = "qemu-system-x86_64: -netdev tap,id=net0,vhost=on: tap: open vhost char device failed: No such file or directory"
	for _, tc := range []struct {
		name, text string
		m          probes.ModulesFacts
		vhost      probes.TunFacts
		status     Status
		ev         string
		fixes      []string
	}{
		{"driver missing", enoent, mods(probes.ModMissing), probes.TunFacts{Path: "/dev/vhost-net"}, Fail, "the vhost_net driver is missing: test evidence", nil},
		{"loadable", enoent, mods(probes.ModLoadable), probes.TunFacts{Path: "/dev/vhost-net"}, Fail, "/dev/vhost-net does not exist", []string{"tun-device/modprobe-vhost-net", "tun-device/mknod-vhost-net"}},
		{"wrong node", enoent, mods(probes.ModLoaded), probes.TunFacts{Path: "/dev/vhost-net", Exists: true, CharDev: true, Major: 10, Minor: 200, Mode: "crw-rw-rw-"}, Fail, "is char 10:200, not the vhost-net device 10:238", []string{"tun-device/mknod-vhost-net"}},
		{"fine", enoent, mods(probes.ModLoaded), probes.TunFacts{Path: "/dev/vhost-net", Exists: true, CharDev: true, Major: 10, Minor: 238, Mode: "crw-rw-rw-"}, OK, "is the vhost-net device (char 10:238", nil},
	} {
		vh := tc.vhost
		tun := tunOK
		tun.VhostNet = &vh
		f := &probes.Facts{Modules: tc.m, Tun: tun, Target: probes.TargetFacts{Live: true}}
		s := symptom.ParseSymptom(tc.text)
		if s.Path != "/dev/vhost-net" || s.Module != "vhost_net" || symptom.LinkKind(s) != "" {
			t.Fatalf("%s: parsed path %q module %q kind %q", tc.name, s.Path, s.Module, symptom.LinkKind(s))
		}
		c := &Context{Facts: f, Symptom: s}
		v := evalTunDevice(c)
		ev := strings.Join(v.Evidence, "\n")
		if v.Status != tc.status || !strings.Contains(ev, tc.ev) || strings.Contains(ev, "/dev/net/tun") {
			t.Errorf("%s: %s %q", tc.name, v.Status, v.Evidence)
			continue
		}
		var ids []string
		for _, x := range fixesTunDevice(c, v) {
			ids = append(ids, x.ID)
			if strings.Contains(x.Command, "/dev/net/tun") {
				t.Errorf("%s: fix %s acts on /dev/net/tun", tc.name, x.ID)
			}
		}
		if strings.Join(ids, ",") != strings.Join(tc.fixes, ",") {
			t.Errorf("%s: fixes %v, want %v", tc.name, ids, tc.fixes)
		}
	}
}
