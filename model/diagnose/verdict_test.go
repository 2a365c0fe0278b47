package diagnose

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// diagnoseWithNetworkd diagnoses against the networkd fixture with
// systemd-networkd running.
func diagnoseWithNetworkd(t *testing.T, text string) *Diagnosis {
	t.Helper()
	run := t.TempDir()
	if err := os.MkdirAll(filepath.Join(run, "proc", "612"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(run, "proc", "612", "comm"), []byte("systemd-network\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := filepath.Join("..", "..", "probes", "testdata", "roots")
	root := fixture.Root(t, filepath.Join(base, "base"), filepath.Join(base, "netconfig-networkd"), run)
	s := symptom.ParseSymptom(text)
	f := probes.Gather(context.Background(), probes.Target{Root: root, Interfaces: s.Interfaces()})
	return Diagnose(f, s, nil)
}

// diagnoseWithLinks diagnoses against the base tree with the links given
// (a captured tree has none: they come from rtnetlink).
func diagnoseWithLinks(t *testing.T, text string, links ...probes.Link) *Diagnosis {
	t.Helper()
	s := symptom.ParseSymptom(text)
	f := probes.Gather(context.Background(), probes.Target{Root: fixtureRoot(t), Interfaces: s.Interfaces()})
	f.Net = probes.NetFacts{Links: links}
	return Diagnose(f, s, nil)
}

// Verdict semantics: fail when the evidence proves the cause for the
// objects the symptom names.
func TestVerdictForNamedObjects(t *testing.T) {
	for _, tt := range []struct {
		name, symptom string
		overlays      []string
		cause, word   string
	}{
		{"master named and absent", "$ ip link set veth0 master br9", []string{"links"}, "link-state", `"br9" (the master`},
		{"lower named and absent", "$ ip link add mv0 link eth9 type macvlan mode bridge\nRTNETLINK answers: Device or resource busy", []string{"links"}, "link-state", `"eth9" (the lower device`},
		{"gateway named and on no link", "$ ip route add 10.9.0.0/16 via 192.0.2.77", []string{"links"}, "link-state", "192.0.2.77"},
		{".netdev of the named device ignored", "$ ip addr add 10.0.0.1/24 dev dummy1\nCannot find device \"dummy1\"", []string{"networkd-running"}, "netconfig", "11-kindless.netdev"},
		{"docker's own userns-remap message", "docker: Error response from daemon: cannot share the host's network namespace when user namespaces are enabled.", nil, "userns-remap", "userns-remap"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var d *Diagnosis
			if len(tt.overlays) == 1 && tt.overlays[0] == "links" {
				d = diagnoseWithLinks(t, tt.symptom,
					probes.Link{Index: 1, Name: "lo", Flags: 0x9, OperState: "unknown"},
					probes.Link{Index: 2, Name: "veth0", Flags: 0x1003, OperState: "up"})
			} else if len(tt.overlays) == 1 && tt.overlays[0] == "networkd-running" {
				d = diagnoseWithNetworkd(t, tt.symptom)
			} else {
				d = diagnoseFixture(t, tt.symptom, tt.overlays...)
			}
			r, _ := d.Result(tt.cause)
			if r.Status != Fail || !strings.Contains(strings.Join(r.Evidence, "\n"), tt.word) {
				t.Fatalf("%s: %s %q, want fail naming %q\n%s", tt.cause, r.Status, r.Evidence, tt.word, dump(d))
			}
			if d.Results[0].ID != tt.cause {
				t.Fatalf("ranked first %s, want %s", d.Results[0].ID, tt.cause)
			}
		})
	}
}

// A cause the symptom does not point at never ranks above one it does; an
// unrecognised text says so and is then ordered by evidence.
func TestRankingOrderSemantics(t *testing.T) {
	d := diagnoseFixture(t, "ip addr add 10.0.0.1/24 dev eth0\nRTNETLINK answers: File exists", "fd-exhaustion")
	seenOther := false
	for _, r := range d.Results {
		if !r.Plausible {
			seenOther = true
		} else if seenOther {
			t.Fatalf("plausible %s ranked after a cause the symptom does not point at: %v", r.ID, ids(d))
		}
	}
	d = diagnoseFixture(t, "the network is slow today", "fd-exhaustion")
	if d.Symptom.Recognised || !strings.HasPrefix(d.Symptom.SymptomLine(), "not recognised") {
		t.Fatalf("unrecognised text: %q", d.Symptom.SymptomLine())
	}
	for i := 1; i < len(d.Results); i++ {
		if d.Results[i].Status.rank() > d.Results[i-1].Status.rank() {
			t.Fatalf("health check not ordered by evidence: %v", ids(d))
		}
	}
	if d.Results[0].Status != Fail {
		t.Fatalf("the proven fault is not first: %v", ids(d))
	}
}

func ids(d *Diagnosis) []string {
	var out []string
	for _, r := range d.Results {
		out = append(out, r.ID+":"+string(r.Status))
	}
	return out
}
