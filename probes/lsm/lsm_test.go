package lsm

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
)

func TestParseAppArmorProfiles(t *testing.T) {
	in := "docker-default (enforce)\n" +
		"/usr/bin/man (complain)\n" +
		"unprivileged_userns (unconfined)\n" +
		"man_filter (complain)\n" +
		"/opt/my app (with parens) (enforce)\n" +
		"snap.foo.foo (kill)\n" +
		"no mode here\n" +
		"broken (\n" +
		"empty ()\n" +
		" (enforce)\n" +
		"\n" +
		"\x00\xff (enforce\n"
	profiles, total, modes := parseAppArmorProfiles([]byte(in))
	want := []AppArmorProfile{
		{"docker-default", "enforce"}, {"/usr/bin/man", "complain"}, {"unprivileged_userns", "unconfined"},
		{"man_filter", "complain"}, {"/opt/my app (with parens)", "enforce"}, {"snap.foo.foo", "kill"},
	}
	if !reflect.DeepEqual(profiles, want) {
		t.Errorf("profiles = %+v\nwant %+v", profiles, want)
	}
	if total != 6 {
		t.Errorf("total = %d", total)
	}
	if w := map[string]int{"enforce": 2, "complain": 2, "unconfined": 1, "kill": 1}; !reflect.DeepEqual(modes, w) {
		t.Errorf("modes = %v, want %v", modes, w)
	}

	// A huge list is cut, but still counted.
	var b strings.Builder
	for i := 0; i < maxAppArmorProfiles+500; i++ {
		b.WriteString("snap.p" + strconv.Itoa(i) + " (enforce)\n")
	}
	profiles, total, modes = parseAppArmorProfiles([]byte(b.String()))
	if len(profiles) != maxAppArmorProfiles || total != maxAppArmorProfiles+500 || modes["enforce"] != total {
		t.Errorf("kept %d of %d, modes %v", len(profiles), total, modes)
	}
	if p, n, m := parseAppArmorProfiles(nil); p != nil || n != 0 || m != nil {
		t.Errorf("empty file: %v %d %v", p, n, m)
	}
}

func TestParseAppArmorLabel(t *testing.T) {
	tests := []struct{ in, profile, mode string }{
		{"docker-default (enforce)\n", "docker-default", "enforce"},
		{"unconfined\n", "unconfined", "unconfined"},
		{"unconfined", "unconfined", "unconfined"},
		{"/usr/sbin/cupsd (complain)", "/usr/sbin/cupsd", "complain"},
		{"snap.lxd.daemon//&docker-default (mixed)", "snap.lxd.daemon//&docker-default", "mixed"},
		{":lxd-c1_<var-lib-lxd>:unconfined (unconfined)", ":lxd-c1_<var-lib-lxd>:unconfined", "unconfined"},
		{"odd ()", "odd ()", ""},
		{"", "", ""},
		{"\x00", "", ""},
	}
	for _, tt := range tests {
		p, m := parseAppArmorLabel(tt.in)
		if p != tt.profile || m != tt.mode {
			t.Errorf("parseAppArmorLabel(%q) = %q, %q, want %q, %q", tt.in, p, m, tt.profile, tt.mode)
		}
	}
}

func TestParseSELinuxConfig(t *testing.T) {
	in := "# This file controls the state of SELinux on the system.\n" +
		"# SELINUX= can take one of these three values:\n" +
		"SELINUX=enforcing\n" +
		"SELINUXTYPE = \"targeted\" # the policy\n" +
		"SETLOCALDEFS=0\n"
	mode, policy := parseSELinuxConfig([]byte(in))
	if mode != "enforcing" || policy != "targeted" {
		t.Errorf("parseSELinuxConfig = %q, %q", mode, policy)
	}
}

func TestSELinuxHelpers(t *testing.T) {
	if d := selinuxDomain("system_u:system_r:container_t:s0:c123,c456"); d != "container_t" {
		t.Errorf("domain %q", d)
	}
	if d := selinuxDomain("unconfined"); d != "" {
		t.Errorf("domain of an AppArmor label: %q", d)
	}
	for s, want := range map[string]bool{
		"system_u:system_r:container_t:s0:c1,c2": true,
		"u:r:t":                                  true,
		"docker-default (enforce)":               false,
		"unconfined":                             false,
		":ns:profile":                            false,
		"kernel":                                 false,
	} {
		if got := looksLikeSELinuxContext(s); got != want {
			t.Errorf("looksLikeSELinuxContext(%q) = %v", s, got)
		}
	}
}

func gatherSecurityAt(t *testing.T, dir string) SecurityFacts {
	t.Helper()
	e := testEnv(dir)
	return GatherSecurity(e)
}

func TestGatherSecuritySELinuxEnforcing(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/kernel/security/lsm":   "lockdown,capability,yama,selinux,bpf",
		"/sys/fs/selinux/enforce":    "1",
		"/sys/fs/selinux/policyvers": "33",
		"/sys/module/tun/refcnt":     "0\n",
		"/etc/selinux/config":        "SELINUX=enforcing\nSELINUXTYPE=targeted\n",
		"/proc/self/attr/current":    "system_u:system_r:container_t:s0:c123,c456\x00",
	})
	s := gatherSecurityAt(t, dir)
	want := SELinuxFacts{Present: true, Mode: "enforcing", ConfigMode: "enforcing", ConfigPolicy: "targeted", PolicyVersion: 33,
		Context: "system_u:system_r:container_t:s0:c123,c456", Domain: "container_t"}
	if s.SELinux != want {
		t.Errorf("SELinux = %+v\nwant %+v", s.SELinux, want)
	}
	if !reflect.DeepEqual(s.LSMs, []string{"lockdown", "capability", "yama", "selinux", "bpf"}) {
		t.Errorf("LSMs = %q", s.LSMs)
	}
	if s.AppArmor.Enabled || s.AppArmor.Label != "" {
		t.Errorf("AppArmor = %+v", s.AppArmor)
	}
	if len(s.Gaps) != 0 {
		t.Errorf("gaps: %+v", s.Gaps)
	}
}

func TestGatherSecuritySELinuxPermissiveNoConfig(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/fs/selinux/enforce":    "0",
		"/sys/fs/selinux/policyvers": "garbage",
		"/sys/module/tun/refcnt":     "0\n",
	})
	s := gatherSecurityAt(t, dir)
	if !s.SELinux.Present || s.SELinux.Mode != "permissive" || s.SELinux.ConfigMode != "" {
		t.Errorf("SELinux = %+v", s.SELinux)
	}
	for _, fact := range []string{"lsm", "selinux_policy_version", "selinux_context"} {
		if r, ok := s.Gaps.Reason(fact); !ok || r == "" {
			t.Errorf("no gap for %s: %+v", fact, s.Gaps)
		}
	}
}

func TestGatherSecuritySELinuxInContainer(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/fs/cgroup/cgroup.controllers": "cpu memory\n",
		"/sys/module/tun/refcnt":            "0\n",
		"/proc/self/attr/current":           "system_u:system_r:container_t:s0:c5,c9\x00",
	})
	s := gatherSecurityAt(t, dir)
	if !s.SELinux.Present || s.SELinux.Mode != "" || s.SELinux.Domain != "container_t" {
		t.Errorf("SELinux = %+v", s.SELinux)
	}
	if r, ok := s.Gaps.Reason("selinux_mode"); !ok || !strings.Contains(r, "container") {
		t.Errorf("selinux_mode gap = %q", r)
	}
}

func TestGatherSecurityAppArmor(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/kernel/security/lsm":                               "lockdown,capability,landlock,yama,apparmor",
		"/sys/module/apparmor/parameters/enabled":                "Y\n",
		"/sys/kernel/security/apparmor/profiles":                 "docker-default (enforce)\n/usr/bin/man (complain)\nunprivileged_userns (unconfined)\nlsb_release (enforce)\n",
		"/sys/fs/cgroup/cgroup.controllers":                      "cpu\n",
		"/proc/self/attr/apparmor/current":                       "docker-default (enforce)\n",
		"/proc/self/attr/current":                                "docker-default (enforce)\n",
		"/proc/sys/kernel/apparmor_restrict_unprivileged_userns": "1\n",
	})
	s := gatherSecurityAt(t, dir)
	aa := s.AppArmor
	if !aa.Enabled || aa.ProfileCount != 4 || len(aa.Profiles) != 4 || aa.Modes["enforce"] != 2 || aa.Modes["complain"] != 1 || aa.Modes["unconfined"] != 1 {
		t.Errorf("AppArmor = %+v", aa)
	}
	if aa.Label != "docker-default (enforce)" || aa.Profile != "docker-default" || aa.Mode != "enforce" {
		t.Errorf("label %q -> %q %q", aa.Label, aa.Profile, aa.Mode)
	}
	if aa.RestrictUnprivilegedUserns == nil || !*aa.RestrictUnprivilegedUserns {
		t.Errorf("restrict_unprivileged_userns = %v", aa.RestrictUnprivilegedUserns)
	}
	if s.SELinux.Present || s.SELinux.Mode != "disabled" || s.SELinux.Context != "" {
		t.Errorf("SELinux = %+v (attr/current holds AppArmor's label here)", s.SELinux)
	}
	if len(s.Gaps) != 0 {
		t.Errorf("gaps: %+v", s.Gaps)
	}
}

func TestGatherSecurityAppArmorOldKernelAndHiddenProfiles(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/module/apparmor/parameters/enabled": "Y\n",
		"/sys/fs/cgroup/cgroup.controllers":       "cpu\n",
		"/proc/self/attr/current":                 "unconfined\n", // no attr/apparmor/ before Linux 5.8
	})
	s := gatherSecurityAt(t, dir)
	if s.AppArmor.Profile != "unconfined" || s.AppArmor.Mode != "unconfined" {
		t.Errorf("AppArmor = %+v", s.AppArmor)
	}
	if r, ok := s.Gaps.Reason("apparmor_profiles"); !ok || !strings.Contains(r, "securityfs is not mounted") {
		t.Errorf("apparmor_profiles gap = %q", r)
	}
	if s.AppArmor.RestrictUnprivilegedUserns != nil {
		t.Error("no sysctl: restrict_unprivileged_userns must stay unknown")
	}
}

func TestGatherSecurityAppArmorProfilesUnreadable(t *testing.T) {
	e := testEnv("/srv/capture")
	err := &fs.PathError{Op: "open", Path: "/srv/capture" + apparmorProfiles, Err: fs.ErrPermission}
	if r := appArmorProfilesReason(e, err); !strings.Contains(r, "permission denied") || !strings.Contains(r, "root only") {
		t.Errorf("reason = %q", r)
	}

	// A directory where the file should be: read fails even for root.
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/module/apparmor/parameters/enabled": "Y\n",
		"/proc/self/attr/apparmor/current":        "unconfined\n",
	})
	if err := os.MkdirAll(filepath.Join(dir, apparmorProfiles), 0o755); err != nil {
		t.Fatal(err)
	}
	s := gatherSecurityAt(t, dir)
	if r, ok := s.Gaps.Reason("apparmor_profiles"); !ok || r == "" {
		t.Errorf("gaps = %+v", s.Gaps)
	}
	if !s.AppArmor.Enabled || s.AppArmor.Profile != "unconfined" {
		t.Errorf("AppArmor = %+v", s.AppArmor)
	}

	if os.Geteuid() == 0 {
		return // file modes do not stop root
	}
	p := filepath.Join(dir, apparmorProfiles)
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	fixture.Write(t, dir, map[string]string{apparmorProfiles: "docker-default (enforce)\n"})
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	s = gatherSecurityAt(t, dir)
	if r, _ := s.Gaps.Reason("apparmor_profiles"); !strings.Contains(r, "root only") {
		t.Errorf("apparmor_profiles gap = %q", r)
	}
}

func TestGatherSecurityEmptyRoot(t *testing.T) {
	s := gatherSecurityAt(t, t.TempDir())
	for _, fact := range []string{"lsm", "selinux", "apparmor"} {
		if r, ok := s.Gaps.Reason(fact); !ok || r == "" {
			t.Errorf("no gap with a reason for %s: %+v", fact, s.Gaps)
		}
	}
	if s.SELinux.Present || s.SELinux.Mode != "" || s.AppArmor.Enabled {
		t.Errorf("facts from nothing: %+v", s)
	}
}

func TestGatherSecurityNoLSM(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		"/sys/fs/cgroup/cgroup.controllers": "cpu\n",
		"/sys/module/tun/refcnt":            "0\n",
		"/sys/kernel/security/lsm":          "capability,landlock,yama",
	})
	s := gatherSecurityAt(t, dir)
	if s.SELinux.Mode != "disabled" || s.SELinux.Present || s.AppArmor.Enabled {
		t.Errorf("facts = %+v", s)
	}
	if len(s.Gaps) != 0 {
		t.Errorf("gaps: %+v", s.Gaps)
	}
}

func TestGatherSecurityLive(t *testing.T) {
	e := testEnv("")
	s := GatherSecurity(e)
	t.Logf("%+v", s)
}
