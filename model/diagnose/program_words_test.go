package diagnose

import (
	"strings"
	"testing"
)

// A cause ranked first on a program's own words is not then "ruled out"
// by its evaluation: it warns (or fails) quoting what the words show.
func TestProgramWordsAreNotRuledOut(t *testing.T) {
	for _, tc := range []struct{ text, cause string }{
		{"failed to find a unique veth name", "name-conflict"},
		{"time=\"2017-09-07T15:33:38+02:00\" level=warning msg=\"\\\"ip rule show\\\" does not take any arguments.\"", "tool-version"},
		{"kernel error: ovpn: ifindex does not match any interface\ndco_new_peer: netlink reports device not found", "invalid-request"},
		{"[19945.517047] netlink: 'smartdns': attribute type 6 has an invalid length.", "invalid-request"},
		{"Error while listening on ODP datapath: unknown flow key type 22 (value\n[0 0 0 0])", "tool-version"},
		{"panic: extractTCAOptions(): unsupported kind: sfq", "tool-version"},
		{"WARNING [backend.app.services.network_utils] ip addr show failed: BusyBox v1.37.0 multi-call binary.\nip addr add|del IFADDR dev IFACE | show|flush [dev IFACE] [to PREFIX]", "tool-version"},
	} {
		d := diagnoseFixture(t, tc.text)
		if len(d.Results) == 0 || d.Results[0].ID != tc.cause {
			t.Errorf("%q: first %v, want %s", tc.text, d.Results, tc.cause)
			continue
		}
		if r := d.Results[0]; r.Status == OK {
			t.Errorf("%q: %s is ruled out: %q", tc.text, r.ID, r.Evidence)
		}
	}
}

// The kernel's words that it was built without an option prove
// module-missing, with the option and a manual kernel fix.
func TestKernelOptionExtAck(t *testing.T) {
	d := diagnoseFixture(t, "$ ip route add default nexthop via 10.0.0.1 dev eth0 nexthop via 10.0.0.2 dev eth1\nError: Multipath support not enabled in kernel.")
	r, _ := d.Result("module-missing")
	if r.Status != Fail || !strings.Contains(strings.Join(r.Evidence, "\n"), "CONFIG_IP_ROUTE_MULTIPATH") {
		t.Fatalf("module-missing %s %q", r.Status, r.Evidence)
	}
	if len(r.Fixes) != 1 || r.Fixes[0].ID != "module-missing/kernel-option" || !r.Fixes[0].Manual {
		t.Fatalf("fixes %+v", r.Fixes)
	}
	if d.Results[0].ID != "module-missing" {
		t.Fatalf("first %s", d.Results[0].ID)
	}
}
