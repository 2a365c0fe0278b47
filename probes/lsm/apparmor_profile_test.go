package lsm

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// TestAppArmorProfileFile: the profile's file is found by its path or
// name, and its local include is read (the modern, the old and the
// `include if exists` forms); a profile without one says so.
func TestAppArmorProfileFile(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"usr.sbin.withlocal": "abi <abi/3.0>,\ninclude <tunables/global>\n/usr/sbin/withlocal {\n  include <abstractions/base>\n  include if exists <local/usr.sbin.withlocal>\n}\n",
		"usr.bin.old":        "/usr/bin/old {\n  #include <local/usr.bin.old>\n}\n",
		"usr.bin.nolocal":    "/usr/bin/nolocal {\n  include <abstractions/base>\n}\n",
		"named-profile":      "profile named-profile flags=(unconfined) {\n  include if exists <local/named-profile>\n}\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, "etc/apparmor.d", name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := source.NewRoot(dir, nil)
	for profile, want := range map[string]AppArmorProfileFile{
		"/usr/sbin/withlocal": {File: "/etc/apparmor.d/usr.sbin.withlocal", LocalInclude: "/etc/apparmor.d/local/usr.sbin.withlocal"},
		"/usr/bin/old":        {File: "/etc/apparmor.d/usr.bin.old", LocalInclude: "/etc/apparmor.d/local/usr.bin.old"},
		"/usr/bin/nolocal":    {File: "/etc/apparmor.d/usr.bin.nolocal"},
		"named-profile":       {File: "/etc/apparmor.d/named-profile", LocalInclude: "/etc/apparmor.d/local/named-profile"},
		"docker-default":      {},
		"../../etc/shadow":    {},
	} {
		if got := appArmorProfileFile(r, profile); got != want {
			t.Errorf("%s: %+v, want %+v", profile, got, want)
		}
	}
	got := appArmorProfileFiles(r, []Denial{{Kind: "apparmor", Relevant: true, Profile: "/usr/bin/nolocal"}, {Kind: "apparmor", Profile: "/usr/bin/old"}})
	if len(got) != 1 || got["/usr/bin/nolocal"].File == "" {
		t.Fatalf("only relevant denials' profiles are looked up: %+v", got)
	}
}
