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

// EPERM loading a module: modules_disabled or lockdown when the facts say
// so, otherwise unknown naming CAP_SYS_MODULE; a kernel without module
// support says that first.
func TestModuleRefusedEPERM(t *testing.T) {
	yes, no := true, false
	text := "modprobe: ERROR: could not insert 'vboxdrv': Operation not permitted"
	for _, tc := range []struct {
		name    string
		m       probes.ModulesFacts
		status  Status
		ev, fix string
	}{
		{"modules_disabled", probes.ModulesFacts{Supported: &yes, Disabled: &yes}, Fail, "kernel.modules_disabled=1", "module-missing/reboot-modules-disabled"},
		{"lockdown", probes.ModulesFacts{Supported: &yes, Disabled: &no, Lockdown: "integrity", SigEnforce: &no}, Fail, "locked down (integrity)", "module-missing/sign-module"},
		{"neither", probes.ModulesFacts{Supported: &yes, Disabled: &no, Lockdown: "none"}, Unknown, "CAP_SYS_MODULE", ""},
		{"no module support", probes.ModulesFacts{Supported: &no, KernelRelease: "6.1.0-x"}, Fail, "no module support", ""},
	} {
		f := &probes.Facts{Modules: tc.m}
		c := &Context{Facts: f, Symptom: symptom.ParseSymptom(text)}
		v := evalModuleMissing(c)
		if v.Status != tc.status || !strings.Contains(strings.Join(v.Evidence, "\n"), tc.ev) {
			t.Errorf("%s: %s %q", tc.name, v.Status, v.Evidence)
			continue
		}
		fs := fixesModuleMissing(c, v)
		if tc.fix != "" && (len(fs) == 0 || fs[0].ID != tc.fix) {
			t.Errorf("%s: fixes %v", tc.name, fs)
		}
	}
	if s := symptom.ParseSymptom("insmod: ERROR: could not insert module ./drivers/tun.ko.zst: Invalid module format"); s.Module != "tun" {
		t.Errorf("module from an insmod path: %q", s.Module)
	}
}
