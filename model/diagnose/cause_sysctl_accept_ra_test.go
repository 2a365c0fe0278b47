package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// libvirt refusing IPv6 forwarding (cockpit-project/cockpit#7073, corpus
// vm11-010): sysctl fails on the interface's accept_ra when it is not 2,
// with the fix that sets it; is ruled out at 2; is unknown unread.
func TestSysctlAcceptRA(t *testing.T) {
	text := "error: internal error: Check the host setup: enabling IPv6 forwarding with RA routes without accept_ra set to 2 is likely to cause routes loss. Interfaces to look at: enp3s0"
	s := symptom.ParseSymptom(text)
	if s.Operation != symptom.OpSysctl || s.SysctlKey != "net.ipv6.conf.enp3s0.accept_ra" || s.Device != "enp3s0" {
		t.Fatalf("parsed %q %q %q", s.Operation, s.SysctlKey, s.Device)
	}
	if ks, _ := rankedCauses(s); len(ks) == 0 || ks[0] != causeSysctl {
		t.Fatalf("ranked %v", ks)
	}
	for _, tc := range []struct {
		val    string
		status Status
		ev     string
	}{{"1", Fail, "accept_ra = 1"}, {"2", OK, "= 2 now"}, {"0", OK, "takes no router advertisements"}, {"", Unknown, "unavailable"}} {
		sc := probes.SysctlFacts{Values: map[string]string{}}
		if tc.val != "" {
			sc.Values["net.ipv6.conf.enp3s0.accept_ra"] = tc.val
		}
		c := &Context{Facts: &probes.Facts{Sysctls: sc}, Symptom: s}
		v := evalSysctl(c)
		if v.Status != tc.status || !strings.Contains(strings.Join(v.Evidence, "\n"), tc.ev) {
			t.Errorf("accept_ra %q: %s %q", tc.val, v.Status, v.Evidence)
			continue
		}
		f := fixesSysctl(c, v)
		if tc.status == Fail && (len(f) == 0 || f[0].ID != "sysctl/accept-ra-2" || !strings.Contains(f[0].Command, "net/ipv6/conf/enp3s0/accept_ra=2")) {
			t.Errorf("accept_ra %q: fixes %+v", tc.val, f)
		}
		// Its action goes through the same validation as every journal entry.
		for _, x := range f {
			if x.Action != nil {
				if err := fix.ValidateAction(x.Action); err != nil {
					t.Errorf("%s: action refused: %v", x.ID, err)
				}
			}
		}
	}
}
