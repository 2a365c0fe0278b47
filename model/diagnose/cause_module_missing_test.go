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

// A tc request whose qdisc or classifier the kernel lacks: the qdisc is the
// kind (sch_KIND), loadable means modprobe it, missing means a package or
// a kernel option; a tc command without its kind is unknown, not ok.
func TestModuleMissingTC(t *testing.T) {
	yes := true
	m := probes.ModulesFacts{Supported: &yes, ModDirExists: true, KernelRelease: "6.8.0-45-generic", TCKinds: []probes.KindSupport{
		{LinkKind: probes.LinkKind{Kind: "qdisc netem", Module: "sch_netem", Config: "CONFIG_NET_SCH_NETEM"}, State: probes.ModLoadable},
		{LinkKind: probes.LinkKind{Kind: "qdisc cake", Module: "sch_cake", Config: "CONFIG_NET_SCH_CAKE"}, State: probes.ModMissing, Evidence: []string{"no module sch_cake"}},
		{LinkKind: probes.LinkKind{Kind: "filter flower", Module: "cls_flower", Config: "CONFIG_NET_CLS_FLOWER"}, State: probes.ModLoaded},
		{LinkKind: probes.LinkKind{Kind: "filter matchall", Module: "cls_matchall", Config: "CONFIG_NET_CLS_MATCHALL"}, State: probes.ModLoaded},
		{LinkKind: probes.LinkKind{Kind: "action mirred", Module: "act_mirred", Config: "CONFIG_NET_ACT_MIRRED"}, State: probes.ModMissing, Evidence: []string{"no module act_mirred"}},
		{LinkKind: probes.LinkKind{Kind: "action police", Module: "act_police", Config: "CONFIG_NET_ACT_POLICE"}, State: probes.ModLoadable},
		{LinkKind: probes.LinkKind{Kind: "action gact", Module: "act_gact", Config: "CONFIG_NET_ACT_GACT"}, State: probes.ModLoaded},
	}}
	for _, tc := range []struct {
		text   string
		status Status
		ev     string
		fix    string
	}{
		{"$ tc qdisc add dev eth0 root netem delay 100ms\nError: Specified qdisc kind is unknown.", Fail, "qdisc netem: module sch_netem is available", "module-missing/modprobe"},
		// A bare ENOENT with the module loadable: the kernel would have
		// loaded it, so more likely the parent or handle: a warning.
		{"$ tc qdisc add dev eth0 root netem delay 100ms\nRTNETLINK answers: No such file or directory", Warn, "qdisc netem: module sch_netem is available but not loaded", "module-missing/modprobe"},
		{"$ tc qdisc add dev eth0 root cake\nRTNETLINK answers: No such file or directory", Fail, "qdisc cake: not built in", "module-missing/extra-modules"},
		{"$ tc qdisc replace dev eth0 root cake bandwidth 100mbit\nError: Specified qdisc kind is unknown.", Fail, "qdisc cake: not built in", "module-missing/extra-modules"},
		{"$ tc filter add dev eth0 ingress protocol ip flower dst_ip 10.0.0.1 action drop\nError: TC classifier not found.", OK, "filter flower: loaded", ""},
		// A filter's action: the kernel's answer names the action module.
		{"$ tc filter add dev eth0 ingress matchall action mirred egress redirect dev eth1\nError: Failed to load TC action module.", Fail, "action mirred: not built in", "module-missing/extra-modules"},
		{"$ tc filter add dev eth0 ingress protocol ip u32 match u32 0 0 police rate 1mbit burst 10k drop\nError: Failed to load TC action module.", Fail, "action police: module act_police is available", "module-missing/modprobe"},
		// Several actions: the kernel does not say which; the one this
		// kernel cannot have is judged.
		{"$ tc filter add dev eth0 ingress matchall action police rate 1mbit burst 10k drop action mirred egress redirect dev eth1\nError: Failed to load TC action module.", Fail, "action mirred: not built in", "module-missing/extra-modules"},
		// No extended ACK (an older kernel or tc): the classifier is here,
		// an action is not.
		{"$ tc filter add dev eth0 ingress matchall action mirred egress redirect dev eth1\nRTNETLINK answers: No such file or directory", Fail, "action mirred: not built in", "module-missing/extra-modules"},
		{"Error: Failed to load TC action module.", Unknown, "does not show the command's actions", ""},
		// The action after a verdict is read; when every action read is
		// here, the answer is unknown, never ok.
		{"$ tc filter add dev eth0 ingress matchall action police rate 1mbit burst 10k pipe mirred egress redirect dev eth1\nError: Failed to load TC action module.", Fail, "action mirred: not built in", "module-missing/extra-modules"},
		{"$ tc filter add dev eth0 ingress matchall action drop\nError: Failed to load TC action module.", Unknown, "every action read from the text", ""},
		// The classifier's answer with an action beside it: the classifier is the kind.
		{"$ tc filter add dev eth0 ingress matchall action mirred egress redirect dev eth1\nError: TC classifier not found.", OK, "filter matchall: loaded", ""},
		{"$ tc qdisc add dev eth0 root sch_unknown\nError: Specified qdisc kind is unknown.", Unknown, "is not one rtnl-doctor knows", ""},
		{"Error: Specified qdisc kind is unknown.", Unknown, "paste the tc command line", ""},
		// Requests that fail on their object, not on the kind: no modprobe.
		{"$ tc qdisc del dev eth0 root netem\nError: Cannot delete qdisc with handle of zero.", OK, "asks the kernel for no qdisc", ""},
		{"$ tc qdisc change dev eth0 root netem delay 10ms\nError: Specified qdisc not found.", OK, "asks the kernel for no qdisc", ""},
		{"$ tc filter add dev eth0 parent 1: protocol ip prio 1 u32 match ip dst 10.0.0.1 flowid 1:1\nError: Parent Qdisc doesn't exists.", Unknown, "is not one rtnl-doctor knows", ""},
		{"$ tc qdisc add dev eth0 parent 1:1 handle 10: cake\nError: Specified class not found.", Warn, "the error itself is about something else", "module-missing/extra-modules"},
	} {
		s := symptom.ParseSymptom(tc.text)
		if s.Operation != symptom.OpTC {
			t.Fatalf("%q: operation %q", tc.text, s.Operation)
		}
		wantFirst := causeModuleMissing
		if strings.Contains(tc.text, "handle of zero") || strings.Contains(tc.text, "Parent Qdisc") || strings.Contains(tc.text, "class not found") ||
			strings.Contains(tc.text, "qdisc change") {
			wantFirst = causeInvalidRequest
		}
		if ks, _ := rankedCauses(s); len(ks) == 0 || ks[0] != wantFirst {
			t.Errorf("%q: ranked %v, want %s first", tc.text, ks, wantFirst.ID)
		}
		c := &Context{Facts: &probes.Facts{Modules: m}, Symptom: s}
		v := evalModuleMissing(c)
		if v.Status == "" {
			v.Status = OK
		}
		if v.Status != tc.status || !strings.Contains(strings.Join(v.Evidence, "\n"), tc.ev) {
			t.Errorf("%q: %s %q, want %s %q", tc.text, v.Status, v.Evidence, tc.status, tc.ev)
			continue
		}
		f := fixesModuleMissing(c, v)
		if tc.fix == "" && len(f) != 0 || tc.fix != "" && (len(f) == 0 || f[0].ID != tc.fix) {
			t.Errorf("%q: fixes %v, want %q", tc.text, f, tc.fix)
		}
		if tc.fix == "module-missing/modprobe" && !strings.Contains(f[0].Command, "modprobe sch_netem") && !strings.Contains(f[0].Command, "modprobe act_police") {
			t.Errorf("%q: fix command %q", tc.text, f[0].Command)
		}
	}
}

// A module the failure names (a firewall tool's table, match or target,
// modprobe's module) is judged from its state on the running kernel:
// missing fails, loadable in a container fails with the host's modprobe,
// built in here is a finding (not the words' unknown), and modprobe's
// "not found" for a module this kernel has is another tree's.
func TestNamedModule(t *testing.T) {
	yes, no := true, false
	named := func(mod, kind, state string) probes.ModulesFacts {
		return probes.ModulesFacts{Supported: &yes, Disabled: &no, KernelRelease: "6.8.0-45-generic", ModDirExists: true,
			Named: []probes.KindSupport{{LinkKind: probes.LinkKind{Kind: kind, Module: mod}, State: state, Evidence: []string{"test"}}}}
	}
	for _, tc := range []struct {
		name, text string
		m          probes.ModulesFacts
		container  bool
		status     Status
		ev, fix    string
	}{
		{"missing", "iptables v1.8.2 (legacy): Couldn't load match `set':No such file or directory", named("xt_set", "xt match set", probes.ModMissing), false, Fail, "not built in, no module for kernel 6.8.0-45-generic", "module-missing/extra-modules"},
		{"loadable in a container", "iptables v1.8.7 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)", named("iptable_nat", "iptables table nat", probes.ModLoadable), true, Fail, "the host must load it", "module-missing/modprobe-host"},
		{"built in", "iptables v1.8.7 (legacy): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)", named("iptable_nat", "iptables table nat", probes.ModBuiltin), false, OK, "the kernel that answered was not this one", ""},
		{"modprobe elsewhere", "modprobe: FATAL: Module ip_tables not found in directory /lib/modules/5.14.0-370.el9.aarch64", named("ip_tables", "ip_tables", probes.ModLoaded), false, Warn, "the message names /lib/modules/5.14.0-370.el9.aarch64", ""},
		{"not looked up", "iptables v1.8.2 (legacy): Couldn't load match `set':No such file or directory", probes.ModulesFacts{Supported: &yes}, false, Unknown, "was not looked up", ""},
	} {
		f := &probes.Facts{Modules: tc.m, Container: probes.ContainerFacts{InContainer: tc.container}}
		c := &Context{Facts: f, Symptom: symptom.ParseSymptom(tc.text)}
		v := evalModuleMissing(c)
		if v.Status == "" {
			v.Status = OK // as evaluate does
		}
		wordsSaid(causeModuleMissing, c, &v)
		if v.Status != tc.status || !strings.Contains(strings.Join(v.Evidence, "\n"), tc.ev) {
			t.Errorf("%s: %s %q", tc.name, v.Status, v.Evidence)
			continue
		}
		fixes := fixesModuleMissing(c, v)
		switch {
		case tc.fix == "" && len(fixes) > 0 && v.Status == OK:
			t.Errorf("%s: fixes for an ok verdict: %v", tc.name, fixes)
		case tc.fix != "" && (len(fixes) == 0 || fixes[0].ID != tc.fix):
			t.Errorf("%s: fixes %v, want %s first", tc.name, fixes, tc.fix)
		}
	}
}
