package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/cli"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// TestDeletingALinkThatCarriesTrafficIsAskedTwice: "Delete the leftover
// veth" on a link that is UP, has an address and carries the default route
// says so in its preview and is confirmed twice, --yes or not (issue 10,
// finding 5).
func TestDeletingALinkThatCarriesTrafficIsAskedTwice(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	ns.IP("route", "add", "default", "via", "10.0.0.254")
	out, _ := ns.TryIP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	s := symptom.ParseSymptom("$ ip link add veth0 type veth peer name veth1\n" + out)
	run := func(yes bool, answers string) (int, string) {
		var o, e bytes.Buffer
		code := cli.Fix(context.Background(), cli.FixOptions{Target: probes.Target{NetNS: ns.Name}, Symptom: s, FixID: "name-conflict/delete-stale",
			Yes: yes, In: strings.NewReader(answers), Out: &o, Err: &e, JournalDir: t.TempDir()})
		return code, o.String() + e.String()
	}
	d := diagnose.Diagnose(probes.Gather(context.Background(), probes.Target{NetNS: ns.Name, Interfaces: s.Interfaces()}), s, nil)
	if f, _, ok := d.FindFix("name-conflict/delete-stale"); !ok || !strings.Contains(f.Title, "it carries traffic now (UP, addresses and the default route)") {
		t.Fatalf("the offer does not say the link carries traffic: %+v", f)
	}
	exists := func() bool { return strings.Contains(ns.IP("link", "show"), "veth0") }
	for _, tc := range []struct {
		yes     bool
		answers string
	}{{false, "y\n"}, {true, ""}, {false, "y\nn\n"}} {
		code, o := run(tc.yes, tc.answers)
		if code == 0 || !exists() {
			t.Fatalf("--yes=%v answers %q: deleted after one confirmation: %d\n%s", tc.yes, tc.answers, code, o)
		}
		for _, w := range []string{"Carries traffic now", "it is UP", "10.0.0.1/24", "the default route goes through it", "Apply it anyway?"} {
			if !strings.Contains(o, w) {
				t.Fatalf("the preview does not say %q:\n%s", w, o)
			}
		}
	}
	if code, o := run(false, "y\ny\n"); exists() || !strings.Contains(o, "It cannot be undone") || strings.Contains(o, "Undo with") {
		t.Fatalf("confirmed twice: %d, link still there or wrong undo line:\n%s", code, o)
	}
}
