package diagnose

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A capture made of a namespace with planted faults, read back with
// --root, gives the live report's verdicts.
func TestLiveCaptureSameVerdicts(t *testing.T) {
	ns := testns.New(t)
	t.Cleanup(probes.CloseArchives)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1") // the name veth0 is taken; the link is down
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	dupOut, _ := ns.TryIP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	nameOut, _ := ns.TryIP("link", "add", "veth0", "type", "veth", "peer", "name", "veth9")
	routeOut, err := ns.TryIP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	if err == nil {
		t.Fatal("route via a down link succeeded")
	}

	var buf bytes.Buffer
	m, err := probes.Capture(context.Background(), &buf, probes.CaptureOptions{Target: probes.Target{NetNS: ns.Name}, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	arch := filepath.Join(t.TempDir(), "capture.tar.gz")
	if err := os.WriteFile(arch, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dir, err := probes.ArchiveRoot(arch)
	if err != nil {
		t.Fatal(err)
	}
	var cn probes.CapturedNet
	if b, err := os.ReadFile(filepath.Join(dir, probes.CaptureMeta, "net.json")); err != nil || json.Unmarshal(b, &cn) != nil {
		t.Fatalf("net.json: %v", err)
	}
	if len(cn.Rules) < 3 || len(cn.Links) != 3 || len(cn.Addrs) < 2 {
		t.Errorf("net.json of the namespace: %d links, %d addresses, %d rules; want lo, veth0, veth1, their addresses and the 3 default rules", len(cn.Links), len(cn.Addrs), len(cn.Rules))
	}
	t.Logf("capture: %d files, %d bytes compressed, %d unpacked; unreadable %v", m.Files, buf.Len(), m.Bytes, m.Unreadable)
	// The drivers of the links are captured, and read back offline for
	// the devices a symptom names, as live.
	if drv := fmt.Sprint(cn.Drivers); !strings.Contains(drv, "veth0 veth") {
		t.Errorf("net.json drivers = %s, want veth0's (veth)", drv)
	}
	offNet := probes.Gather(context.Background(), probes.Target{Root: arch, Interfaces: []string{"veth1"}}, probes.GroupNet).Net
	if d, ok := offNet.DriverOf("veth1"); !ok || d.Driver != "veth" {
		t.Errorf("offline driver of veth1 = %+v, %v (gaps %v)", d, ok, offNet.Gaps)
	}

	for _, c := range []struct{ cmd, out, want string }{
		{"ip link add veth0 type veth peer name veth9", nameOut, "name-conflict"},
		{"ip addr add 10.0.0.1/24 dev veth0", dupOut, "already-exists"},
		{"ip route add 10.9.0.0/16 via 10.0.0.254", routeOut, "link-state"},
		{"", "", ""}, // a health check
	} {
		s := symptom.ParseSymptom("$ " + c.cmd + "\n" + c.out)
		if c.cmd == "" {
			s = symptom.ParseSymptom("")
		}
		live := Diagnose(probes.Gather(context.Background(), probes.Target{NetNS: ns.Name, Interfaces: s.Interfaces()}), s, nil)
		off := Diagnose(probes.Gather(context.Background(), probes.Target{Root: arch, Interfaces: s.Interfaces()}), s, nil)
		if got := firstFail(off); got != c.want {
			t.Errorf("%s: offline first fail = %q, want %q\n%s", c.cmd, got, c.want, dump(off))
		}
		for _, lr := range live.Results {
			if lr.ID == causeNetnsReference.ID {
				// /run/netns is the host's, shared with the other test
				// packages running at the same time: a name another test
				// is adding between the capture and the live read is a
				// real difference, not the capture's.
				continue
			}
			or, _ := off.Result(lr.ID)
			if lr.Status != or.Status {
				t.Errorf("%s: %s is %s live but %s from the capture\nlive:    %s\ncapture: %s", c.cmd, lr.ID, lr.Status, or.Status,
					strings.Join(lr.Evidence, "; "), strings.Join(or.Evidence, "; "))
			}
		}
	}
}
