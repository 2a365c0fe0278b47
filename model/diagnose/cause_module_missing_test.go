package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A module the kernel refuses (signature, format) is not a module to load
// with modprobe: the verdict says why and the fixes do not offer modprobe
// alone.
func TestModuleRefused(t *testing.T) {
	for _, tc := range []struct {
		text, evidence, fix string
		errno               symptom.Errno
	}{
		{"modprobe: ERROR: could not insert 'wireguard': Key was rejected by service", "refused the module's signature", "module-missing/sign-module", symptom.EKEYREJECTED},
		{"modprobe: ERROR: could not insert 'vboxdrv': Required key not available", "refused the module's signature", "module-missing/sign-module", symptom.ENOKEY},
		{"insmod: ERROR: could not insert module tun.ko: Invalid module format", "built for another kernel", "module-missing/rebuild-module", symptom.ENOEXEC},
	} {
		s := symptom.ParseSymptom(tc.text)
		if s.Errno != tc.errno || s.Operation != symptom.OpModprobe {
			t.Fatalf("%q: parsed %s %s", tc.text, s.Operation, s.Errno)
		}
		c := &Context{Facts: &probes.Facts{}, Symptom: s}
		v := evalModuleMissing(c)
		if v.Status != Fail || !strings.Contains(strings.Join(v.Evidence, "\n"), tc.evidence) {
			t.Fatalf("%q: %s %q", tc.text, v.Status, v.Evidence)
		}
		if f := fixesModuleMissing(c, v); len(f) == 0 || f[0].ID != tc.fix {
			t.Fatalf("%q: fixes %v", tc.text, f)
		}
	}
}
