package diagnose

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// diagnoseNeigh diagnoses text against the fixture tree with the neighbour
// tables replaced by tables.
func diagnoseNeigh(t *testing.T, text string, tables ...probes.NeighTable) *Diagnosis {
	t.Helper()
	s := symptom.ParseSymptom(text)
	f := probes.Gather(context.Background(), probes.Target{Root: fixtureRoot(t), Interfaces: s.Interfaces()})
	f.Sysctls.Neigh = tables
	return Diagnose(f, s, nil)
}

func TestNeighTable(t *testing.T) {
	full := probes.NeighTable{Table: "arp_cache", Entries: 1024, TableFulls: 37, Thresh: [3]uint64{128, 512, 1024}}
	calm := probes.NeighTable{Table: "arp_cache", Entries: 12, Thresh: [3]uint64{128, 512, 1024}}
	calm6 := probes.NeighTable{Table: "ndisc_cache", Entries: 3, Thresh: [3]uint64{128, 512, 1024}}
	full6 := probes.NeighTable{Table: "ndisc_cache", Entries: 1023, TableFulls: 2, Thresh: [3]uint64{128, 512, 1024}}
	busy := probes.NeighTable{Table: "ndisc_cache", Entries: 700, Thresh: [3]uint64{128, 512, 1024}}
	nearNoRefusal := probes.NeighTable{Table: "arp_cache", Entries: 1022, Thresh: [3]uint64{128, 512, 1024}}
	for _, tc := range []struct {
		name, text string
		tables     []probes.NeighTable
		status     Status
		first      bool // neigh-table is the first failing cause
		evidence   string
		fixes      []string
	}{
		// The output line as posted in e2b-dev/infra#3508 (corpus
		// host-133); the command line in front of it is written here.
		{"full IPv4 table", "$ ip neigh add 10.11.0.2 lladdr 02:42:0a:0b:00:02 dev veth0 nud reachable\nRTNETLINK answers: No buffer space available",
			[]probes.NeighTable{full, busy}, Fail, true, "arp_cache: 1024 entries",
			[]string{"neigh-table/ipv4-gc-thresh3", "neigh-table/ipv4-gc-thresh2", "neigh-table/ipv4-gc-thresh1",
				"neigh-table/persist-ipv4-gc-thresh3", "neigh-table/persist-ipv4-gc-thresh2", "neigh-table/persist-ipv4-gc-thresh1"}},
		{"full IPv6 table, family from the address", "$ ip neigh add fd00::2 lladdr 02:42:0a:0b:00:02 dev veth0\nRTNETLINK answers: No buffer space available",
			[]probes.NeighTable{calm, full6}, Fail, true, "ndisc_cache: 1023 entries",
			[]string{"neigh-table/ipv6-gc-thresh3", "neigh-table/ipv6-gc-thresh2", "neigh-table/ipv6-gc-thresh1",
				"neigh-table/persist-ipv6-gc-thresh3", "neigh-table/persist-ipv6-gc-thresh2", "neigh-table/persist-ipv6-gc-thresh1"}},
		{"IPv4 address, IPv6 table unread", "$ ip n add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0\nRTNETLINK answers: No buffer space available",
			[]probes.NeighTable{calm}, OK, false, "arp_cache: 12 entries", nil},
		{"kernel log line", "neighbour: arp_cache: neighbor table overflow!",
			[]probes.NeighTable{full}, Fail, true, "neighbor table overflow", nil},
		{"near the limit, never refused", "$ ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0\nRTNETLINK answers: No buffer space available",
			[]probes.NeighTable{nearNoRefusal}, Warn, false, "permanent entries count here", nil},
		{"table far from the limit", "$ ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0\nRTNETLINK answers: No buffer space available",
			[]probes.NeighTable{calm, calm6}, OK, false, "arp_cache: 12 entries", nil},
		{"other family unreadable", "$ ip neigh add dev eth0 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0\nRTNETLINK answers: No buffer space available",
			[]probes.NeighTable{calm}, Unknown, false, "ndisc_cache unavailable", nil},
		{"unreadable", "$ ip neigh add 10.0.0.9 lladdr 02:00:00:00:00:09 dev eth0\nRTNETLINK answers: No buffer space available",
			nil, Unknown, false, "arp_cache unavailable", nil},
		{"a receive overrun is not the table", "Netlink: Received message overrun (No buffer space available)",
			[]probes.NeighTable{full}, OK, false, "not what a full neighbour table returns", nil},
		{"health check above gc_thresh2", "", []probes.NeighTable{calm, busy}, Warn, false, "above gc_thresh2", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := diagnoseNeigh(t, tc.text, tc.tables...)
			r, ev := evidenceOf(d, "neigh-table")
			if r.Status != tc.status || !strings.Contains(ev, tc.evidence) {
				t.Fatalf("status %s, want %s; evidence:\n%s", r.Status, tc.status, ev)
			}
			if tc.first && firstFail(d) != "neigh-table" {
				t.Fatalf("first fail %q, want neigh-table\n%s", firstFail(d), dump(d))
			}
			if tc.fixes != nil && strings.Join(fixIDs(r), " ") != strings.Join(tc.fixes, " ") {
				t.Fatalf("fixes %v, want %v", fixIDs(r), tc.fixes)
			}
			for _, f := range r.Fixes {
				if strings.Contains(f.Command, "nsenter") || f.Action != nil && f.Action.Param("netns") != "" {
					t.Fatalf("fix %s acts in a namespace, but gc_thresh is global: %+v", f.ID, f)
				}
				if !strings.HasPrefix(f.ID, "neigh-table/persist") && !strings.Contains(f.Risk, "half a KiB") {
					t.Fatalf("fix %s does not say what raising costs: %q", f.ID, f.Risk)
				}
			}
		})
	}
	if n := neighTarget(full); n != 2048 {
		t.Fatalf("target for a full default table = %d, want 2048", n)
	}
}

// The kernel facts the cause explains, checked live: gc_thresh1/2/3 and
// /proc/net/stat/arp_cache exist only in the initial namespace (one global
// table), and facts gathered for a target in another namespace still read
// the global table. A real overflow is not created: it needs either the
// global gc_thresh3 lowered or the host-wide table filled, both of which
// would refuse neighbours to the host and every other namespace.
func TestLiveNeighTableGlobal(t *testing.T) {
	ns := testns.New(t)
	for _, p := range []string{"/proc/sys/net/ipv4/neigh/default/gc_thresh3", "/proc/net/stat/arp_cache"} {
		if out, err := ns.Exec("/bin/cat", p); err == nil {
			t.Fatalf("%s is readable inside a new namespace (%q): the thresholds would be per namespace", p, out)
		}
	}
	hostVal, err := os.ReadFile("/proc/sys/net/ipv4/neigh/default/gc_thresh3")
	if err != nil {
		t.Skipf("no gc_thresh3 in this namespace: %v", err)
	}
	ns.IP("link", "add", "nt0", "type", "veth", "peer", "name", "nt1")
	ns.IP("link", "set", "nt0", "up")
	ns.IP("neigh", "add", "192.0.2.7", "lladdr", "02:00:00:00:00:07", "dev", "nt0", "nud", "permanent")
	// A health check of the namespace (no symptom): the global table is
	// read although the target is elsewhere.
	f := probes.Gather(context.Background(), probes.Target{NetNS: ns.Name})
	d := Diagnose(f, symptom.ParseSymptom(""), nil)
	r, ev := evidenceOf(d, "neigh-table")
	if r.Status == Fail || !strings.Contains(ev, "gc_thresh1/2/3 = ") || !strings.Contains(ev, "/"+strings.TrimSpace(string(hostVal))+",") {
		t.Fatalf("the global table was not read for a target in another namespace (status %s):\n%s\n%s", r.Status, ev, dump(d))
	}
	// The fix, previewed through the fix API (read only): it reads the
	// host's value; aimed at the private namespace, the key is not there.
	full := probes.NeighTable{Table: "arp_cache", Entries: 1024, TableFulls: 1, Thresh: [3]uint64{128, 512, 1024}}
	lf := *f
	lf.Sysctls.Neigh = []probes.NeighTable{full}
	c := &Context{Facts: &lf, Symptom: symptom.ParseSymptom("$ ip neigh add 192.0.2.9 lladdr 02:00:00:00:00:09 dev nt0\nRTNETLINK answers: No buffer space available")}
	v := evalNeighTable(c)
	var fx fix.Fix
	for _, x := range fixesNeighTable(c, v) {
		if x.ID == "neigh-table/ipv4-gc-thresh3" {
			fx = x
		}
	}
	if v.Status != Fail || fx.Action == nil {
		t.Fatalf("status %s, gc_thresh3 fix %+v", v.Status, fx)
	}
	env := testEnv(t, "")
	p, err := fix.PreviewFix(context.Background(), env, fix.Fix{ID: fx.ID, Action: fx.Action})
	if err != nil || !strings.Contains(strings.Join(p.Changes, " "), "net.ipv4.neigh.default.gc_thresh3") ||
		!strings.Contains(strings.Join(p.Changes, " "), strings.TrimSpace(string(hostVal))+" → 2048") {
		t.Fatalf("preview: %v %q", err, p.Changes)
	}
	inNS := fix.Fix{ID: fx.ID}
	inNS.Action = fix.Act("sysctl", "key", "net.ipv4.neigh.default.gc_thresh3", "value", "2048", "netns", ns.Path())
	if p, err := fix.PreviewFix(context.Background(), env, inNS); err == nil {
		t.Fatalf("gc_thresh3 readable inside the private namespace: %q", p.Changes)
	}
}
