package diagnose

import (
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A process whose hard limit is low gets its soft limit raised to it, but
// that low value is never written to limits.d for every login: it would
// lower the limit of every user whose default is higher.
func TestPersistNofileNeverLowersTheDefault(t *testing.T) {
	for _, tc := range []struct {
		soft, hard int64
		persist    bool
	}{
		{16, 64, false},
		{1024, 4096, false},
		{1024, 524288, true},
	} {
		f := &probes.Facts{}
		f.Target = probes.TargetFacts{PID: 4242, Live: true}
		f.FDs.Limit = &probes.Limit{Soft: tc.soft, Hard: tc.hard}
		f.FDs.Open = int(tc.soft)
		c := &Context{Facts: f, Symptom: symptom.ParseSymptom("socket: Too many open files")}
		v := evalFDExhaustion(c)
		got := false
		for _, x := range fixesFDExhaustion(c, v) {
			if x.ID == "fd-exhaustion/persist-nofile" {
				got = true
			}
		}
		if got != tc.persist {
			t.Errorf("soft %d hard %d (%s): persist offered %v, want %v", tc.soft, tc.hard, v.Status, got, tc.persist)
		}
	}
}
