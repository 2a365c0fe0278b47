package diagnose

import (
	"context"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A target process that is gone by the time it is read (the command line
// refuses one that is gone before) leaves a gap that says it does not
// exist, and its /dev, gone with it, proves nothing about /dev/net/tun.
// (Moved from internal/cli's TestTargetExitsMidRead, which can no longer
// reach a report with a missing PID.)
func TestMissingTargetJudgesNoTunNode(t *testing.T) {
	f := probes.Gather(context.Background(), probes.Target{PID: 1 << 30})
	if r, _ := f.Target.Gaps.Reason("process"); !strings.Contains(r, "does not exist") {
		t.Fatalf("a missing PID is not explained: %q", r)
	}
	d := Diagnose(f, symptom.ParseSymptom("$ ip tuntap add tun0 mode tun\nopen: No such file or directory"), nil)
	r, ok := d.Result("tun-device")
	if !ok || r.Status != Unknown {
		t.Fatalf("a missing PID's tun node is judged: %+v", r)
	}
}
