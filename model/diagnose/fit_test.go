package diagnose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom/symptomtest"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
)

// TestEveryFixDeclaresWhatItAnswers: every cause with fixes declares the
// (operation, errno) its fixes answer, and every fix offered for the
// symptoms users paste, against every captured tree, carries its answers
// and fits the symptom's errno (issue 10, finding 5).
func TestEveryFixDeclaresWhatItAnswers(t *testing.T) {
	for _, k := range Catalogue {
		if k.Fixes != nil && len(k.Answers) == 0 {
			t.Errorf("%s offers fixes but declares no (op, errno) they answer", k.ID)
		}
	}
	roots := filepath.Join("..", "..", "probes", "testdata", "roots")
	overlays, _ := os.ReadDir(roots)
	offered := 0
	for _, o := range overlays {
		if !o.IsDir() || o.Name() == "base" {
			continue
		}
		root := fixtureRoot(t, o.Name())
		facts := probes.Gather(context.Background(), probes.Target{Root: root, Interfaces: []string{"eth0", "docker0"}})
		for _, c := range symptomtest.Cases {
			s := symptom.ParseSymptom(c.In)
			for _, r := range Diagnose(facts, s, nil).Results {
				for _, f := range r.Fixes {
					offered++
					if len(f.Answers) == 0 {
						t.Errorf("%s: no declared answers", f.ID)
					}
					if !f.Fits(s) {
						t.Errorf("%s offered for %s %s, which it does not answer (%v)", f.ID, s.Operation, s.Errno, f.Answers)
					}
				}
			}
		}
	}
	if offered == 0 {
		t.Fatal("no fix was offered: the test reaches nothing")
	}
	t.Logf("%d fix offers checked (%d symptoms × %d captured trees)", offered, len(symptomtest.Cases), len(overlays)-1)
	// A fix answering EEXIST is not offered for ENETUNREACH.
	f := fix.Fix{Answers: fix.Answers([]string{symptom.OpRouteAdd}, symptom.EEXIST)}
	if f.Fits(symptom.Symptom{Operation: symptom.OpRouteAdd, Errno: symptom.ENETUNREACH}) || !f.Fits(symptom.Symptom{Operation: symptom.OpRouteAdd, Errno: symptom.EEXIST}) {
		t.Fatal("Fits does not follow the declared answers")
	}
}

// TestLiveNoRouteDeletionForUnreachableGateway: `ip route add default via
// G` failing with "Nexthop has invalid gateway" (ENETUNREACH) while a
// default route exists: already-exists is not proven and no fix deletes
// the default route (on a remote box that cuts the operator off).
func TestLiveNoRouteDeletionForUnreachableGateway(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	ns.IP("route", "add", "default", "via", "10.0.0.254")
	out, err := ns.TryIP("route", "add", "default", "via", "10.9.9.9")
	if err == nil {
		t.Fatal("a route via an unreachable gateway was added")
	}
	d := diagnoseLive(t, probes.Target{NetNS: ns.Name}, "ip route add default via 10.9.9.9", out)
	if d.Symptom.Errno != symptom.ENETUNREACH {
		t.Fatalf("errno = %s from %q", d.Symptom.Errno, out)
	}
	if r, _ := d.Result("already-exists"); r.Status == Fail {
		t.Fatalf("already-exists proven for ENETUNREACH: %q", r.Evidence)
	}
	for _, r := range d.Results {
		for _, f := range r.Fixes {
			if (f.Action != nil && f.Action.Kind == "route-delete") || strings.Contains(f.Command, "route del") {
				t.Errorf("%s deletes a route for ENETUNREACH: %s", f.ID, f.Command)
			}
		}
	}
}

// routeLines is `ip route show ARGS` in the namespace, one route a line.
func routeLines(ns *testns.NS, args ...string) []string {
	out := strings.TrimSpace(ns.IP(append([]string{"route", "show"}, args...)...))
	if out == "" {
		return nil
	}
	return strings.Split(out, "\n")
}

// TestLiveReplaceCarriesEveryAttribute: the replace offered for "File
// exists" carries the command's metric, proto, scope and src: it changes
// the colliding route instead of adding a second one, verification reads
// one route, and undo leaves exactly the old route (no duplicate).
func TestLiveReplaceCarriesEveryAttribute(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	ns.IP("route", "add", "10.9.0.0/16", "via", "10.0.0.254", "metric", "100", "proto", "static")
	cmd := []string{"route", "add", "10.9.0.0/16", "via", "10.0.0.253", "dev", "veth0", "metric", "100", "proto", "static", "scope", "global", "src", "10.0.0.1"}
	out, err := ns.TryIP(cmd...)
	if err == nil {
		t.Fatal("the second route was added")
	}
	cmdline := "ip " + strings.Join(cmd, " ")
	tgt := probes.Target{NetNS: ns.Name}
	d := diagnoseLive(t, tgt, cmdline, out)
	f, res, ok := d.FindFix("already-exists/replace-route")
	if !ok {
		t.Fatalf("no replace fix:\n%s", dump(d))
	}
	for _, w := range []string{"via 10.0.0.253", "dev veth0", "metric 100", "proto static", "scope global", "src 10.0.0.1"} {
		if !strings.Contains(f.Command, w) {
			t.Errorf("the replace drops %q: %s", w, f.Command)
		}
	}
	env := testEnv(t, "")
	e, err := fix.ApplyFix(context.Background(), env, f)
	if err != nil {
		t.Fatal(err)
	}
	got := routeLines(ns, "10.9.0.0/16")
	if len(got) != 1 || !strings.Contains(got[0], "via 10.0.0.253") || !strings.Contains(got[0], "metric 100") || !strings.Contains(got[0], "src 10.0.0.1") {
		t.Fatalf("after the replace: %q (want one route via 10.0.0.253 metric 100)", got)
	}
	s := symptom.ParseSymptom("$ " + cmdline + "\n" + out)
	if r := Verify(context.Background(), tgt, res.Cause, s, &e); r.Status != OK {
		t.Fatalf("verify: %s %q", r.Status, r.Evidence)
	}
	if _, err := fix.UndoFix(context.Background(), env, e.ID); err != nil {
		t.Fatal(err)
	}
	got = routeLines(ns, "10.9.0.0/16")
	if len(got) != 1 || !strings.Contains(got[0], "via 10.0.0.254") || !strings.Contains(got[0], "metric 100") {
		t.Fatalf("after undo: %q (want exactly the old route)", got)
	}

	// A duplicate left by a replace is not "verified".
	ns.IP("route", "add", "10.9.0.0/16", "via", "10.0.0.254", "metric", "7")
	a := fix.Act("route-replace", "netns", ns.Path(), "dst", "10.9.0.0/16", "via", "10.0.0.254", "metric", "100")
	if ev, done, err := fix.RouteIsAsked(a); err != nil || done {
		t.Fatalf("two routes via the same gateway read back as done: %v %s", err, ev)
	}

	// Table: the action changes the route in the command's table only.
	ns.IP("route", "add", "10.8.0.0/16", "via", "10.0.0.254", "table", "100")
	a = fix.Act("route-replace", "netns", ns.Path(), "dst", "10.8.0.0/16", "via", "10.0.0.253", "table", "100")
	e, err = fix.ApplyFix(context.Background(), env, fix.Fix{ID: "already-exists/replace-route", Action: a})
	if err != nil {
		t.Fatal(err)
	}
	if got := routeLines(ns, "table", "100"); len(got) != 1 || !strings.Contains(got[0], "via 10.0.0.253") {
		t.Fatalf("table 100 after the replace: %q", got)
	}
	if got := routeLines(ns, "10.8.0.0/16"); len(got) != 0 {
		t.Fatalf("the replace touched the main table: %q", got)
	}
	if _, err := fix.UndoFix(context.Background(), env, e.ID); err != nil {
		t.Fatal(err)
	}
	if got := routeLines(ns, "table", "100"); len(got) != 1 || !strings.Contains(got[0], "via 10.0.0.254") {
		t.Fatalf("table 100 after undo: %q", got)
	}
}

// TestPersistOnlyInTheHostNetNS: a /etc/sysctl.d fix for a net.* key is
// offered only when the examined namespace is the host's, not when
// rtnl-doctor runs under `ip netns exec` (its own namespace, not PID 1's)
// or when that is unknown.
func TestPersistOnlyInTheHostNetNS(t *testing.T) {
	yes, no := true, false
	for _, tc := range []struct {
		host *bool
		want bool
	}{{&yes, true}, {&no, false}, {nil, false}} {
		f := &probes.Facts{}
		f.Target.NetNS, f.Target.HostNetNS = "of this process", tc.host
		f.Sysctls.Values = map[string]string{"net.ipv6.conf.all.disable_ipv6": "1", "net.ipv6.conf.default.disable_ipv6": "1"}
		c := &Context{Facts: f, Symptom: symptom.Symptom{Operation: symptom.OpAddrAdd, Family: "inet6", Address: "fd00::1/64", Errno: symptom.EACCES}}
		persist := false
		for _, fx := range fixesSysctl(c, Verdict{Status: Fail}) {
			if fx.Action != nil && fx.Action.Kind == "sysctl-persist" {
				persist = true
			}
		}
		if persist != tc.want {
			t.Errorf("host netns %v: persist offered = %v, want %v", tc.host, persist, tc.want)
		}
	}
}

// TestCapabilityFixesThatCanWork: `setcap cap_net_admin+ep` is not offered
// for iproute2's ip (drop_cap() clears every capability of a non-root uid
// unless CAP_NET_ADMIN is inheritable) nor when the bounding set lacks
// CAP_NET_ADMIN; setpriv with inheritable and ambient capabilities and the
// systemd AmbientCapabilities= drop-in are.
func TestCapabilityFixesThatCanWork(t *testing.T) {
	const netAdmin = uint64(1) << 12
	for _, tc := range []struct {
		exe    string
		bnd    uint64
		setcap bool
	}{
		{"/usr/sbin/ip", ^uint64(0), false},
		{"/usr/bin/mytool", ^uint64(0) &^ netAdmin, false},
		{"/usr/bin/mytool", ^uint64(0), true},
	} {
		f := &probes.Facts{}
		f.Target.Exe, f.Target.PID = tc.exe, 4242
		f.Identity.UID, f.Identity.EUID = 1000, 1000
		f.Identity.Caps = &probes.CapSets{BndMask: tc.bnd}
		c := &Context{Facts: f, Symptom: symptom.Symptom{Operation: symptom.OpLinkAdd, Errno: symptom.EPERM}}
		got := map[string]fix.Fix{}
		for _, fx := range fixesCapNetAdmin(c, Verdict{Status: Fail}) {
			got[fx.ID] = fx
		}
		if _, ok := got["cap-net-admin/setcap"]; ok != tc.setcap {
			t.Errorf("%s, bounding %x: setcap offered = %v, want %v", tc.exe, tc.bnd, ok, tc.setcap)
		}
		sp, ok := got["cap-net-admin/setpriv"]
		if !ok || !strings.Contains(sp.Command, "--inh-caps=+net_admin") || !strings.Contains(sp.Command, "--ambient-caps=+net_admin") {
			t.Errorf("%s: no working setpriv fix: %+v", tc.exe, sp)
		}
		if sd, ok := got["cap-net-admin/systemd-ambient"]; !ok || !strings.Contains(sd.Command, "AmbientCapabilities=CAP_NET_ADMIN") {
			t.Errorf("%s: no systemd drop-in: %+v", tc.exe, sd)
		}
	}
}

// TestAppArmorRuleGoesWhereTheProfileReadsIt: the rule is appended to the
// local file the profile includes; a profile that includes none is edited
// itself after a backup (a rule in an unread local file changes nothing);
// a profile without a file says why.
func TestAppArmorRuleGoesWhereTheProfileReadsIt(t *testing.T) {
	for _, tc := range []struct {
		pf        lsm.AppArmorProfileFile
		want, not string
	}{
		{lsm.AppArmorProfileFile{File: "/etc/apparmor.d/usr.sbin.foo", LocalInclude: "/etc/apparmor.d/local/usr.sbin.foo"},
			"echo '  capability net_admin,' >> /etc/apparmor.d/local/usr.sbin.foo", ".bak"},
		{lsm.AppArmorProfileFile{File: "/etc/apparmor.d/usr.sbin.foo"},
			"cp -a -- /etc/apparmor.d/usr.sbin.foo /etc/apparmor.d/usr.sbin.foo.rtnl-doctor.bak", "local/"},
		{lsm.AppArmorProfileFile{}, "aa-status", "local/"},
	} {
		f := &probes.Facts{}
		f.Target.PID = 4242
		f.Denials.Denials = []lsm.Denial{{Kind: "apparmor", Relevant: true, PID: 4242, Comm: "foo", Profile: "/usr/sbin/foo", Capability: "net_admin"}}
		f.Denials.AppArmorProfiles = map[string]lsm.AppArmorProfileFile{"/usr/sbin/foo": tc.pf}
		c := &Context{Facts: f, Symptom: symptom.Symptom{Operation: symptom.OpLinkAdd, Errno: symptom.EPERM}}
		var rule fix.Fix
		for _, fx := range fixesMACDenial(c, Verdict{Status: Fail}) {
			if fx.ID == "mac-denial/apparmor-rule" {
				rule = fx
			}
		}
		if !strings.Contains(rule.Command, tc.want) || strings.Contains(rule.Command, tc.not) {
			t.Errorf("profile file %+v: command %q, want %q and not %q", tc.pf, rule.Command, tc.want, tc.not)
		}
	}
}

// TestSubIDRangeIsFree: the subordinate range offered overlaps no range
// of any user in /etc/subuid or /etc/subgid.
func TestSubIDRangeIsFree(t *testing.T) {
	taken := []probes.SubIDRange{{Owner: "alice", Start: 100000, Count: 65536}, {Owner: "bob", Start: 165536, Count: 65536},
		{Owner: "lxd", Start: 1000000, Count: 1000000000}, {Owner: "odd", Start: 240000, Count: 10}}
	f := &probes.Facts{}
	f.Container.Docker = &probes.DockerDaemon{RemapUser: "dockremap"}
	f.Container.SubIDTaken = taken
	c := &Context{Facts: f, Symptom: symptom.Symptom{Operation: symptom.OpUserns, Errno: symptom.EPERM}}
	var cmd string
	for _, fx := range fixesUsernsRemap(c, Verdict{Status: Fail}) {
		if fx.ID == "userns-remap/subid-ranges" {
			cmd = fx.Command
		}
	}
	if !strings.Contains(cmd, "--add-subuids 296608-362143 --add-subgids 296608-362143 dockremap") {
		t.Fatalf("command %q", cmd)
	}
	start, ok := freeSubIDRange(taken, 65536)
	for _, r := range taken {
		if !ok || start < r.Start+r.Count && r.Start < start+65536 {
			t.Fatalf("%d overlaps %+v", start, r)
		}
	}
}

// TestLiveTrafficInPreviews: deleting a link that is UP, addressed and
// carries the default route, the default route itself, or an address of
// an UP link says so in the preview (Traffic: confirmed twice); a DOWN
// link without addresses does not.
func TestLiveTrafficInPreviews(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	ns.IP("route", "add", "default", "via", "10.0.0.254")
	ns.IP("link", "add", "idle0", "type", "veth", "peer", "name", "idle1")
	env := testEnv(t, "")
	for _, tc := range []struct {
		a    *fix.Action
		want string
	}{
		{fix.Act("link-delete", "netns", ns.Path(), "name", "veth0"), "it is UP; it has the addresses 10.0.0.1/24; the default route goes through it"},
		{fix.Act("route-delete", "netns", ns.Path(), "dst", "default"), "it is the default route"},
		{fix.Act("addr-delete", "netns", ns.Path(), "dev", "veth0", "prefix", "10.0.0.1/24"), "veth0 is UP"},
		{fix.Act("link-delete", "netns", ns.Path(), "name", "idle0"), ""},
	} {
		p, err := fix.PreviewFix(context.Background(), env, fix.Fix{ID: "t/" + tc.a.Kind, Action: tc.a})
		if err != nil {
			t.Fatal(err)
		}
		if tc.want == "" && p.Traffic != "" || !strings.Contains(p.Traffic, tc.want) {
			t.Errorf("%s %v: traffic %q, want %q", tc.a.Kind, tc.a.Params, p.Traffic, tc.want)
		}
	}
}

// TestTunFixesActOnTheTargetsDev: for a process in another mount
// namespace, /dev/net/tun fixes are not applied to rtnl-doctor's own /dev:
// their commands run in the process's mount namespace (nsenter -t PID -m).
func TestTunFixesActOnTheTargetsDev(t *testing.T) {
	no := false
	for _, own := range []bool{true, false} {
		f := &probes.Facts{}
		// The same root is not enough: a service's PrivateDevices= gives
		// it another /dev under the same root (review).
		f.Target.PID, f.Container.WithTool, f.Container.SameMounts = 4242, true, own
		f.Tun = probes.TunFacts{Exists: true, CharDev: true, Major: 10, Minor: 200, Mode: "crw-------", TargetCanOpen: &no}
		c := &Context{Facts: f, Symptom: symptom.Symptom{Operation: symptom.OpTunOpen, Errno: symptom.EACCES}}
		found := false
		for _, fx := range fixesTunDevice(c, Verdict{Status: Fail}) {
			if fx.ID != "tun-device/chmod" {
				continue
			}
			found = true
			if own != (fx.Action != nil) || own == strings.HasPrefix(fx.Command, "nsenter -t 4242 -m -- chmod") {
				t.Errorf("same /dev %v: action %v, command %q", own, fx.Action, fx.Command)
			}
		}
		if !found {
			t.Fatalf("no chmod fix offered (same /dev %v)", own)
		}
	}
}

// TestOfflinePlanStepsAreInstructions: facts from a captured tree make
// every step of a plan instructions, not only its first.
func TestOfflinePlanStepsAreInstructions(t *testing.T) {
	next := &fix.Fix{ID: "link-state/add-route", Action: fix.Act("route-add", "dst", "10.9.0.0/16")}
	rs := []Result{{Fixes: []fix.Fix{{ID: "link-state/link-up", Action: fix.Act("link-set", "name", "veth0", "state", "up"), Then: next}}}}
	offlineFixes(rs, "/captured")
	for s := &rs[0].Fixes[0]; s != nil; s = s.Then {
		if s.Action != nil || !s.Manual {
			t.Errorf("%s stays applicable offline", s.ID)
		}
	}
}

// TestUnreachableGatewayWithoutDevice: `ip route add default via G` with G
// on no link's subnet (ENETUNREACH) offers the address to add, by hand,
// and nothing that deletes.
func TestUnreachableGatewayWithoutDevice(t *testing.T) {
	f := &probes.Facts{Gathered: probes.AllGroups}
	s := symptom.ParseSymptom("$ ip route add default via 10.9.9.9\nError: Nexthop has invalid gateway.")
	d := Diagnose(f, s, nil)
	r, _ := d.Result("link-state")
	if r.Status != Fail || len(r.Fixes) != 1 || r.Fixes[0].ID != "link-state/add-address" || !r.Fixes[0].Manual {
		t.Fatalf("link-state: %s %q fixes %+v", r.Status, r.Evidence, r.Fixes)
	}
}

// testEnv is an action environment below root with a journal of its own.
func testEnv(t *testing.T, root string) *fix.ActionEnv {
	t.Helper()
	j, err := fix.OpenJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &fix.ActionEnv{Root: root, Journal: j}
}
