package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// vishvananda/netlink's ErrDumpInterrupted in a CNI plugin's error chain
// (the aws-vpc-cni form of corpus ctr3-041, shortened).
func TestDumpInterrupted(t *testing.T) {
	text := `plugin type="aws-cni" name="aws-cni" failed (add): add command: failed to setup network: SetupPodNetwork: failed to setup veth pair: failed while waiting for v6 addresses to be stable: could not list addresses: results may be incomplete or inconsistent`
	s := symptom.ParseSymptom(text)
	if ks, _ := rankedCauses(s); len(ks) == 0 || ks[0] != causeDumpInterrupted {
		t.Fatalf("ranked %v", ks)
	}
	c := &Context{Facts: &probes.Facts{}, Symptom: s}
	v := evalDumpInterrupted(c)
	if v.Status != Fail || !strings.Contains(strings.Join(v.Evidence, "\n"), "NLM_F_DUMP_INTR") {
		t.Fatalf("%s %q", v.Status, v.Evidence)
	}
	if fs := fixesDumpInterrupted(c, v); len(fs) != 1 || !fs[0].Manual {
		t.Fatalf("fixes %+v", fs)
	}
	c.Symptom = symptom.ParseSymptom("RTNETLINK answers: File exists")
	if v := evalDumpInterrupted(c); v.Status == Fail {
		t.Fatalf("an unrelated error: %s", v.Status)
	}
}
