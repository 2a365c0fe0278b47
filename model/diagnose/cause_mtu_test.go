package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// mtuFixesFor builds the mtu cause's fixes for a live target in the named
// namespace "blue" with the given links (as rtnetlink reports them).
func mtuFixesFor(t *testing.T, text string, links ...probes.Link) []fix.Fix {
	t.Helper()
	f := &probes.Facts{Target: probes.TargetFacts{Live: true, NetNS: `named "blue"`}, Net: probes.NetFacts{Links: links}}
	f.Net.Index()
	c := &Context{Facts: f, Symptom: symptom.ParseSymptom(text)}
	return fixesMTU(c, Verdict{Status: Fail})
}

func fixByID(fs []fix.Fix, id string) (fix.Fix, bool) {
	for _, f := range fs {
		if f.ID == id {
			return f, true
		}
	}
	return fix.Fix{}, false
}

// Which MTU fixes are actions, with which parameters, and when raising the
// lower device is not offered (it would not help, or it cannot).
func TestMTUFixActions(t *testing.T) {
	eth := func(i int32, name string, mtu, max uint32) probes.Link {
		return probes.Link{Index: i, Name: name, MTU: mtu, MinMTU: 68, MaxMTU: max, Flags: 0x11043}
	}
	upper := func(i int32, name, kind string, parent int32, mtu, max uint32) probes.Link {
		return probes.Link{Index: i, Name: name, Kind: kind, Parent: parent, MTU: mtu, MinMTU: 68, MaxMTU: max, Flags: 0x11043}
	}
	for _, tc := range []struct {
		name, text string
		links      []probes.Link
		raise      string // the lower device's MTU the action sets; "" when not offered
	}{
		{"vlan above its lower", "$ ip link set dev eth0.6 mtu 9000\nRTNETLINK answers: Numerical result out of range",
			[]probes.Link{eth(2, "eth0", 1500, 9216), upper(6, "eth0.6", "vlan", 2, 1500, 65535)}, "9000"},
		{"vxlan, IPv4 underlay: 50 bytes of headroom", "$ ip link set vx0 mtu 1500\nRTNETLINK answers: Invalid argument",
			[]probes.Link{eth(2, "eth0", 1500, 9216), upper(7, "vx0", "vxlan", 2, 1450, 65535)}, "1550"},
		{"vxlan, IPv6 underlay: 70 bytes", "$ ip link add vx0 type vxlan id 4 remote 2001:db8::2 dev eth0 dstport 4789\n$ ip link set vx0 mtu 1500\nRTNETLINK answers: Invalid argument",
			[]probes.Link{eth(2, "eth0", 1500, 9216), upper(7, "vx0", "vxlan", 2, 1430, 65535)}, "1570"},
		{"the lower device cannot go that high", "$ ip link set dev eth0.6 mtu 9000\nRTNETLINK answers: Numerical result out of range",
			[]probes.Link{eth(2, "eth0", 1500, 1500), upper(6, "eth0.6", "vlan", 2, 1500, 65535)}, ""},
		{"the upper itself refuses the MTU", "$ ip link set dev mv0 mtu 9000\nRTNETLINK answers: Invalid argument",
			[]probes.Link{eth(2, "eth0", 1500, 9216), upper(6, "mv0", "macvlan", 2, 1500, 1500)}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := mtuFixesFor(t, tc.text, tc.links...)
			w, ok := fixByID(fs, "mtu/within-limit")
			if !ok || fs[0].ID != "mtu/within-limit" || w.Action != nil || !w.Manual || !strings.Contains(w.Why, "changes your own command") {
				t.Fatalf("within-limit first, shown with its reason: %+v", fs)
			}
			r, ok := fixByID(fs, "mtu/raise-lower")
			if tc.raise == "" {
				if ok {
					t.Fatalf("raise-lower offered: %+v", r)
				}
				return
			}
			if !ok || r.Action == nil || r.Manual || r.Action.Kind != "link-mtu" || r.Action.Param("name") != "eth0" ||
				r.Action.Param("mtu") != tc.raise || r.Action.Param("netns") != "/run/netns/blue" {
				t.Fatalf("raise-lower: %+v %+v", r, r.Action)
			}
			if err := fix.ValidateAction(r.Action); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(r.Title, "affects all traffic on eth0") || !strings.Contains(r.Risk, "everything on eth0") ||
				!strings.HasPrefix(r.Command, "ip -n blue link set dev eth0 mtu "+tc.raise+"\n") {
				t.Fatalf("raise-lower text: %q %q %q", r.Title, r.Risk, r.Command)
			}
		})
	}
}

func TestMTUIPv6MinimumFix(t *testing.T) {
	text := "$ ip -6 addr add 2001:db8::1/64 dev eth0\nRTNETLINK answers: Invalid argument"
	fs := mtuFixesFor(t, text, probes.Link{Index: 2, Name: "eth0", MTU: 1200, MinMTU: 68, MaxMTU: 9000})
	if len(fs) != 1 || fs[0].ID != "mtu/ipv6-minimum" || fs[0].Action == nil || fs[0].Action.Param("mtu") != "1280" ||
		fs[0].Command != "ip -n blue link set dev eth0 mtu 1280\n# then run the failing address add again" || fs[0].Then != nil {
		t.Fatalf("%+v", fs)
	}
	// A device that cannot take 1280: shown, with why, no action.
	fs = mtuFixesFor(t, text, probes.Link{Index: 2, Name: "eth0", MTU: 1200, MinMTU: 68, MaxMTU: 1200})
	if len(fs) != 1 || fs[0].Action != nil || !fs[0].Manual || !strings.Contains(fs[0].Why, "cannot carry IPv6") {
		t.Fatalf("%+v", fs)
	}
}

// Names from the system are shell-quoted in the shown commands; the
// action carries the name as data.
func TestMTUFixQuoting(t *testing.T) {
	name := "e$(id)'x"
	fs := mtuFixesFor(t, "$ ip -6 addr add 2001:db8::1/64 dev 'e$(id)'\"'\"'x'\nRTNETLINK answers: Invalid argument",
		probes.Link{Index: 2, Name: name, MTU: 1200, MinMTU: 68, MaxMTU: 9000})
	if len(fs) != 1 {
		t.Fatalf("%+v", fs)
	}
	if want := fix.Argv("ip", "-n", "blue", "link", "set", "dev", name, "mtu", "1280"); !strings.HasPrefix(fs[0].Command, want+"\n") || strings.Contains(fs[0].Command, " e$(id)") {
		t.Fatalf("command %q, want %q", fs[0].Command, want)
	}
	if fs[0].Action.Param("name") != name {
		t.Fatalf("action name %q", fs[0].Action.Param("name"))
	}
}

// The kernel's "mtu greater than device maximum" is proof the device refused
// the MTU, even when the facts (a sosreport's) do not report max_mtu.
func TestMTUExtAckNotOverriddenToOK(t *testing.T) {
	for _, tc := range []struct {
		name string
		link probes.Link
	}{
		{"limits not reported", probes.Link{Index: 2, Name: "eth0", MTU: 1500, Flags: 0x11043}},
		{"limits reported wider (stale facts)", probes.Link{Index: 2, Name: "eth0", MTU: 1500, MinMTU: 68, MaxMTU: 9216, Flags: 0x11043}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &probes.Facts{Gathered: []probes.Group{probes.GroupNet}, Net: probes.NetFacts{Links: []probes.Link{tc.link}}}
			f.Net.Index()
			c := &Context{Facts: f, Symptom: symptom.ParseSymptom("$ ip link set eth0 mtu 9000\nError: mtu greater than device maximum.")}
			v := evalMTU(c)
			if v.Status != Fail || !strings.Contains(strings.Join(v.Evidence, "\n"), "mtu greater than device maximum") {
				t.Fatalf("verdict: %+v", v)
			}
		})
	}
}
