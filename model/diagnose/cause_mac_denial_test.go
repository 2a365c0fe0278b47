package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Ubuntu's AppArmor restriction of unprivileged user namespaces is a
// security module's refusal: mac-denial judges it (fail for an unconfined
// program, warn for a confined one, nothing for root) and offers a
// profile for the one program before the system-wide sysctl; userns-remap
// only points there.
func TestAppArmorUsernsRestrictionIsMACDenial(t *testing.T) {
	on := true
	for _, tc := range []struct {
		euid    uint32
		profile string
		want    Status
	}{
		{1000, "unconfined", Fail},
		{1000, "", Fail},
		{1000, "/usr/bin/bwrap", Warn},
		{0, "unconfined", OK},
	} {
		f := &probes.Facts{}
		f.Identity.EUID = tc.euid
		f.Target.Exe = "/usr/bin/bwrap"
		f.Security.AppArmor.Enabled, f.Security.AppArmor.Profile = true, tc.profile
		f.Security.AppArmor.RestrictUnprivilegedUserns = &on
		f.Sysctls.Values = map[string]string{"kernel.apparmor_restrict_unprivileged_userns": "1"}
		s := symptom.ParseSymptom("bwrap: setting up uid map: Permission denied")
		if s.Operation != symptom.OpUserns {
			t.Fatalf("operation %q", s.Operation)
		}
		c := &Context{Facts: f, Symptom: s}
		v := evalMACDenial(c)
		if v.Status == "" {
			v.Status = OK
		}
		if v.Status != tc.want {
			t.Errorf("euid %d profile %q: mac-denial %s %q, want %s", tc.euid, tc.profile, v.Status, v.Evidence, tc.want)
			continue
		}
		var ids []string
		for _, fx := range fixesMACDenial(c, v) {
			ids = append(ids, fx.ID)
		}
		if got := strings.Join(ids, " "); tc.want != OK && got != "mac-denial/apparmor-userns-profile mac-denial/apparmor-userns-sysctl" {
			t.Errorf("euid %d profile %q: fixes %s", tc.euid, tc.profile, got)
		}
		u := evalUsernsRemap(c)
		if u.Status == Fail && strings.Contains(strings.Join(u.Evidence, "\n"), "apparmor_restrict") {
			t.Errorf("userns-remap also claims it: %q", u.Evidence)
		}
	}
}
