package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A sosreport without the managers' directories (or with a keyfile that is
// a symlink to what it does not hold) is not "no configuration problem".
func TestNetconfigOfflineAbsenceUnknown(t *testing.T) {
	for _, fact := range []string{"networkd.dirs", "network_manager.link_targets"} {
		f := &probes.Facts{Gathered: []probes.Group{probes.GroupNetConfig}}
		f.NetConfig.Gaps.AddReason(fact, "not in the examined tree")
		v := evalNetconfig(&Context{Facts: f, Symptom: symptom.ParseSymptom("$ ip link set eth0 up\nRTNETLINK answers: No such device")})
		if v.Status != Unknown || !strings.Contains(strings.Join(v.Evidence, "\n"), fact+" unavailable") {
			t.Errorf("%s: %+v", fact, v)
		}
	}
}
