package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
)

// Ubuntu's AppArmor restriction of unprivileged user namespaces is a
// security module's refusal: mac-denial judges it (fail for an unconfined
// program, warn for a confined one or when rtnl-doctor examined itself as
// root, nothing for another root process) and, only when proven, offers a
// profile for the one program before the system-wide sysctl; userns-remap
// only points there.
func TestAppArmorUsernsRestrictionIsMACDenial(t *testing.T) {
	on := true
	for _, tc := range []struct {
		euid    uint32
		pid     int // 0: rtnl-doctor examines itself
		profile string
		want    Status
	}{
		{1000, 4242, "unconfined", Fail},
		{1000, 4242, "", Fail},
		{1000, 4242, "/usr/bin/bwrap", Warn},
		{0, 0, "unconfined", Warn},
		{0, 4242, "unconfined", OK},
	} {
		f := &probes.Facts{}
		f.Identity.EUID, f.Identity.CredsKnown = tc.euid, true
		f.Target.Exe, f.Target.PID = "/usr/bin/bwrap", tc.pid
		f.Target.Live, f.Target.Self = true, tc.pid == 0
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
			t.Errorf("euid %d pid %d profile %q: mac-denial %s %q, want %s", tc.euid, tc.pid, tc.profile, v.Status, v.Evidence, tc.want)
			continue
		}
		if v.Status != OK && strings.Contains(strings.Join(v.Evidence, "\n"), "no security module confines") {
			t.Errorf("evidence contradicts itself: %q", v.Evidence)
		}
		want := ""
		if tc.want == Fail {
			want = "mac-denial/apparmor-userns-profile mac-denial/apparmor-userns-sysctl"
		}
		if got := fixList(fixesMACDenial(c, v)); got != want {
			t.Errorf("euid %d profile %q: fixes %q, want %q", tc.euid, tc.profile, got, want)
		}
		u := evalUsernsRemap(c)
		if u.Status == Fail {
			t.Errorf("userns-remap also claims it: %q", u.Evidence)
		}
	}
}

// The records Ubuntu logs for the restriction (the capability refused in
// the unprivileged_userns profile, or the creation refused to an
// unconfined task) lead to the program's own profile, never to a rule in
// or complain mode for unprivileged_userns or unconfined.
func TestAppArmorUsernsRestrictionRecords(t *testing.T) {
	for _, d := range []lsm.Denial{
		{Kind: "apparmor", Relevant: true, Operation: "capable", Class: "cap", Profile: "unprivileged_userns", Capability: "sys_admin", Comm: "unshare", PID: 4242},
		{Kind: "apparmor", Relevant: true, Operation: "userns_create", Class: "namespace", Profile: "unconfined", Info: "User namespace creation restricted", Comm: "unshare", PID: 4242},
	} {
		f := &probes.Facts{}
		f.Identity.EUID = 1000
		f.Target.Exe, f.Target.PID = "/opt/app/bin/app", 4242
		f.Security.AppArmor.Enabled = true
		d.Comm = "app"
		f.Denials.Denials = []lsm.Denial{d}
		c := &Context{Facts: f, Symptom: symptom.ParseSymptom("app: write failed /proc/self/uid_map: Operation not permitted")}
		v := evalMACDenial(c)
		if v.Status != Fail {
			t.Fatalf("%s: mac-denial %s %q", d.Profile, v.Status, v.Evidence)
		}
		fixes := fixesMACDenial(c, v)
		if got := fixList(fixes); got != "mac-denial/apparmor-userns-profile mac-denial/apparmor-userns-sysctl" {
			t.Errorf("%s: fixes %q", d.Profile, got)
		}
		if !strings.Contains(fixes[0].Command, "profile rtnl-doctor-userns-app /opt/app/bin/app flags=(unconfined)") || !strings.Contains(fixes[0].Command, "set -o noclobber") {
			t.Errorf("profile command %q", fixes[0].Command)
		}
	}
}

// A program path AppArmor would read as a pattern never becomes the
// profile's attachment.
func TestAppArmorUsernsProfileRefusesGlobPaths(t *testing.T) {
	for _, p := range []string{"/tmp/**", "/opt/a{b,c}/x", "relative/bin", "/usr/bin/@{HOME}", "/a/b[1]", "/opt/x#y",
		// Programs that run others, user-writable places, a replaced file.
		"/usr/bin/unshare", "/bin/bash", "/usr/bin/python3.12", "/home/u/Downloads/App.AppImage", "/opt/app/bin/app (deleted)"} {
		f := &probes.Facts{}
		f.Target.Exe = p
		fx := usernsRestrictionFixes(&Context{Facts: f}, nil)
		if !strings.Contains(fx[0].Command, "/path/to/program") || strings.Contains(fx[0].Command, p) {
			t.Errorf("%q: %q", p, fx[0].Command)
		}
	}
	f := &probes.Facts{}
	f.Target.Exe = "/opt/my tool/bin"
	if fx := usernsRestrictionFixes(&Context{Facts: f}, nil); !strings.Contains(fx[0].Command, `"/opt/my tool/bin"`) {
		t.Errorf("spaced path: %q", fx[0].Command)
	}
}

func fixList(fs []fix.Fix) string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	return strings.Join(ids, " ")
}

// The restriction is claimed only for a failure that asked for a user
// namespace, on a kernel that lets the namespace be created, for a program
// without CAP_SYS_ADMIN.
func TestAppArmorUsernsRestrictionScope(t *testing.T) {
	on := true
	for _, tc := range []struct {
		text    string
		sysctls map[string]string
		effCaps uint64
		want    Status
	}{
		{"$ unshare -n ip link\nunshare: unshare failed: Operation not permitted", nil, 0, OK},
		{"$ unshare -Ur ip link\nunshare: write failed /proc/self/uid_map: Operation not permitted", nil, 0, Fail},
		{"$ unshare --user --net true\nunshare: unshare failed: Operation not permitted", map[string]string{"kernel.unprivileged_userns_clone": "0"}, 0, OK},
		{"$ unshare -Ur ip link\nunshare: write failed /proc/self/uid_map: Operation not permitted", nil, 1 << 21, OK},
	} {
		f := &probes.Facts{}
		f.Identity.EUID = 1000
		f.Identity.Caps = &probes.CapSets{EffMask: tc.effCaps}
		f.Target.Exe, f.Target.PID, f.Target.Live = "/usr/bin/unshare", 4242, true
		f.Security.AppArmor.Enabled, f.Security.AppArmor.Profile = true, "unconfined"
		f.Security.AppArmor.RestrictUnprivilegedUserns = &on
		f.Sysctls.Values = map[string]string{"kernel.apparmor_restrict_unprivileged_userns": "1"}
		for k, v := range tc.sysctls {
			f.Sysctls.Values[k] = v
		}
		c := &Context{Facts: f, Symptom: symptom.ParseSymptom(tc.text)}
		v := evalMACDenial(c)
		if v.Status == "" {
			v.Status = OK
		}
		if v.Status != tc.want {
			t.Errorf("%q %v caps %x: %s %q, want %s", tc.text, tc.sysctls, tc.effCaps, v.Status, v.Evidence, tc.want)
		}
		if v.Status == Fail {
			// unshare runs other programs: no profile names it.
			if fx := fixesMACDenial(c, v); len(fx) == 0 || !strings.Contains(fx[0].Command, "/path/to/program") {
				t.Errorf("%q: fixes %+v", tc.text, fx)
			}
		}
	}
}
