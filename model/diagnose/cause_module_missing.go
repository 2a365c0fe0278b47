package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeModuleMissing = &Cause{
	ID:      "module-missing",
	Checks:  "whether the running kernel has the driver for the kind asked for (a link kind, a tc qdisc, classifier or action, or the module the failure names: modprobe's, or a firewall tool's table, match or target): built in, loaded, loadable for this kernel, or missing",
	Needs:   []probes.Group{probes.GroupModules, probes.GroupHost, probes.GroupContainer},
	Require: Requirement{probes.GroupModules, "module facts"},
	Eval:    evalModuleMissing,
	Fixes:   fixesModuleMissing,
	Answers: fix.Answers(nil, symptom.EOPNOTSUPP, symptom.EPROTONOSUPPORT, symptom.EAFNOSUPPORT, symptom.EINVAL, symptom.ENODEV, symptom.ENOENT,
		symptom.ENOKEY, symptom.EKEYREJECTED, symptom.ENOEXEC),
	Next: "With the driver loaded, run the command again: the link is created, then needs its addresses and routes.",
}

// refusedModule says why the kernel refused a module it was given, from
// modprobe's errno and what the facts say, or "".
// kernel/module/signing.c module_sig_check: under module.sig_enforce (set
// by Secure Boot on most distributions, or lockdown since 5.4) an unsigned
// module or one signed with a key the kernel does not hold is refused with
// EKEYREJECTED (kernels before 5.4 returned the verification's ENOKEY);
// under lockdown without enforcement, with EPERM.
func refusedModule(s symptom.Symptom, m *probes.ModulesFacts) string {
	if s.Operation != symptom.OpModprobe {
		return ""
	}
	state := ""
	if m.SigEnforce != nil {
		state = fmt.Sprintf("; module.sig_enforce is %v", map[bool]string{true: "on", false: "off"}[*m.SigEnforce])
	}
	if m.Lockdown != "" {
		state += "; lockdown is " + m.Lockdown
	}
	switch s.Errno {
	case symptom.ENOKEY, symptom.EKEYREJECTED:
		return "the kernel refused the module's signature (kernel/module/signing.c module_sig_check: an unsigned module, or one signed with a key the kernel does not hold, while signatures are enforced — Secure Boot, lockdown or module.sig_enforce=1)" + state +
			"; a module built locally (DKMS: wireguard on old kernels, VirtualBox, NVIDIA) is signed with no key the kernel knows unless its key was enrolled"
	case symptom.EPERM:
		switch {
		case m.Disabled != nil && *m.Disabled:
			return "kernel.modules_disabled=1: no module can be loaded until reboot (EPERM)"
		case m.Lockdown != "" && m.Lockdown != "none":
			return "the kernel is locked down (" + m.Lockdown + "): an unsigned module is refused with EPERM (security_locked_down(LOCKDOWN_MODULE_SIGNATURE))" + state
		}
		return ""
	case symptom.ENOEXEC:
		return "the kernel refused the module's format (ENOEXEC, \"Invalid module format\"): a module built for another kernel (its vermagic or symbol versions differ from the running kernel " +
			fix.OrName(m.KernelRelease, "") + "'s, usually after an upgrade without a rebuild or a reboot), or a file that is not a module for this architecture; `modinfo -F vermagic` shows which kernel it was built for"
	}
	return ""
}

func evalModuleMissing(c *Context) Verdict {
	var v Verdict
	m := &c.Facts.Modules
	if m.Supported != nil && !*m.Supported && c.Symptom.Operation == symptom.OpModprobe {
		v.fail("the running kernel %s has no module support (no /proc/modules): no module can be inserted", m.KernelRelease)
		return v
	}
	if why := refusedModule(c.Symptom, m); why != "" {
		v.fail("%s %s: %s", fix.OrName(c.Symptom.Module, "the module"), "could not be inserted", why)
		if m.KernelRelease != "" {
			v.Evidence = append(v.Evidence, "the running kernel is "+m.KernelRelease)
		}
		return v
	}
	if c.Symptom.Operation == symptom.OpModprobe && c.Symptom.Errno == symptom.EPERM {
		v.unknown("EPERM inserting %s: kernel.modules_disabled is %s and lockdown is %s here; the other source is a caller without CAP_SYS_MODULE (a container, a unit with CapabilityBoundingSet=), which module loading needs: the host must load it",
			fix.OrName(c.Symptom.Module, "the module"), boolWord(m.Disabled, "on", "off", "unavailable"), fix.OrName(m.Lockdown, "unavailable"))
		return v
	}
	if r, ok := c.Symptom.ExtAckRow(); ok && r.Cause == "module-missing" && r.Config != "" && r.Kernel() {
		// The kernel's own words that it was built without an option:
		// no module can add it; this kernel's configuration says whether
		// it was this kernel that answered.
		switch val, read := m.Options[r.Config]; {
		case read && (val == "y" || val == "m"):
			v.warn("the kernel answered %q (%s), but this kernel %s has %s=%s (%s): the message came from another kernel (a VM, a container host, the system before an upgrade)", r.Text(), r.Src, m.KernelRelease, r.Config, val, m.Kconfig)
		case read:
			v.fail("the kernel answered %q (%s): it was built without %s (%s), which no module adds", r.Text(), r.Src, r.Config, fix.OrName(m.Kconfig, "its configuration"))
		default:
			v.fail("the kernel answered %q (%s): it was built without %s, which no module adds (this kernel's configuration is unavailable to confirm it)", r.Text(), r.Src, r.Config)
		}
		if m.KernelRelease != "" {
			v.Evidence = append(v.Evidence, "the running kernel is "+m.KernelRelease)
		}
		return v
	}
	kind, label, lookup := symptom.LinkKind(c.Symptom), "kind "+symptom.LinkKind(c.Symptom), m.Kind
	if c.Symptom.Operation == symptom.OpTC {
		// A tc request: the qdisc, classifier or action is the kind (sch_KIND, cls_KIND, act_KIND).
		kind = tcJudgedKind(c.Symptom, m)
		label, lookup = kind, m.TCKind
		switch {
		case c.Symptom.TCActionRefused() && len(c.Symptom.TCActions) == 0:
			v.unknown("the kernel could not load an action's module, and the symptom does not show the command's actions: paste the tc command line (%s)", tcSummary(m, "action"))
			return v
		case kind == "" && c.Symptom.Command != "":
			v.ok("the tc command asks the kernel for no qdisc, classifier or action kind (a del, or none named): nothing for it to load")
			return v
		case kind == "":
			v.unknown("the symptom does not name the qdisc, classifier or action the tc command asked for: paste the tc command line (%s)", tcSummary(m, ""))
			return v
		}
		if ks, _ := m.TCKind(kind); c.Symptom.TCActionRefused() && (ks.State == probes.ModBuiltin || ks.State == probes.ModLoaded) {
			// Every action read is here, yet the kernel could not load
			// one: the one it missed was not read from the text.
			v.unknown("the kernel could not load one of the command's actions, and every action read from the text (%s) is built in or loaded here: one may be missing from what was read, or the command ran on another kernel; paste the full command (%s)",
				strings.Join(c.Symptom.TCActions, ", "), tcSummary(m, "action"))
			return v
		}
		if n := len(c.Symptom.TCActions); n > 1 && strings.HasPrefix(kind, "action ") {
			v.Evidence = append(v.Evidence, fmt.Sprintf("the command names %d actions (%s); the kernel does not say which it could not load: each was checked, %s is judged", n, strings.Join(c.Symptom.TCActions, ", "), kind))
		}
	}
	// Whatever the symptom, a kernel upgraded without a reboot breaks every
	// kind that is not already loaded.
	upgraded := !m.ModDirExists && m.ModDir != "" && m.Supported != nil && *m.Supported
	if kind == "" && c.Symptom.Module != "" {
		return evalNamedModule(c, m)
	}
	if kind == "" {
		switch {
		case upgraded && len(m.OtherModDirs) > 0:
			v.warn("no %s: the running kernel %s can load no module (modules exist for %s: the kernel was upgraded without a reboot)",
				m.ModDir, m.KernelRelease, strings.Join(m.OtherModDirs, ", "))
		case m.Disabled != nil && *m.Disabled:
			v.warn("kernel.modules_disabled=1: no module can be loaded until reboot")
		case strings.Contains(strings.ToLower(c.Symptom.ExtAck), "unknown device type") || c.Symptom.Errno == symptom.EOPNOTSUPP && c.Symptom.Operation == symptom.OpLinkAdd:
			var missing []string
			for _, k := range m.Kinds {
				if k.State == probes.ModMissing {
					missing = append(missing, k.Kind)
				}
			}
			v.warn("the kernel has no driver for the kind that was requested, but the symptom does not name it: paste the command line too (kinds this kernel cannot create: %s)", strings.Join(missing, ", "))
		default:
			v.ok("no link kind in the symptom; %s", kindSummary(m))
		}
		return v
	}
	ks, known := lookup(kind)
	if !known {
		if c.Symptom.Operation == symptom.OpTC {
			object, k := symptom.TCKindParts(c.Symptom)
			v.unknown("tc %s %q is not one rtnl-doctor knows; check `modinfo` for a module providing it (%s)", object, k, tcModuleGuess(object, k))
			return v
		}
		v.unknown("kind %q is not one rtnl-doctor knows; check `modinfo` for a module providing rtnl-link-%s", kind, kind)
		return v
	}
	// rtnl_newlink answers a kind it cannot find (after request_module)
	// with EOPNOTSUPP: another errno is about something else, or came from
	// another kernel (review).
	e := c.Symptom.Errno
	otherErrno := c.Symptom.Operation == symptom.OpLinkAdd && e != "" && e != symptom.EOPNOTSUPP && e != symptom.ENOENT &&
		!strings.Contains(strings.ToLower(c.Symptom.ExtAck), "unknown device type")
	if r := c.Repro; r != nil && r.Kind == kind && r.Ran && c.Symptom.Operation != symptom.OpTC {
		switch {
		case r.Errno == symptom.EOPNOTSUPP && otherErrno:
			v.warn("reproduced: creating a %s link in a throwaway namespace failed with %q: this kernel cannot create this kind; the failure pasted was %s, not EOPNOTSUPP", kind, r.Message(), e)
		case r.Errno == symptom.EOPNOTSUPP:
			v.fail("reproduced: creating a %s link in a throwaway namespace failed with %q: the kernel cannot create this kind", kind, r.Message())
		case r.Errno == "":
			v.ok("reproduced: a %s link was created in a throwaway namespace: the kernel supports it", kind)
		}
	}
	modName := ks.Module
	if modName == "" {
		modName = "(built in only: " + ks.Config + ")"
	}
	switch ks.State {
	case probes.ModBuiltin, probes.ModLoaded:
		v.ok("%s: %s (%s)", label, ks.State, strings.Join(ks.Evidence, "; "))
	case probes.ModLoadable:
		why := "it was not loaded automatically"
		switch {
		case m.Disabled != nil && *m.Disabled:
			v.fail("%s: module %s exists but kernel.modules_disabled=1 forbids loading it until reboot", label, modName)
			return v
		case m.Modprobe != "" && !m.ModprobeExists:
			why = fmt.Sprintf("the kernel runs %s to load modules, and that file does not exist", m.Modprobe)
		case c.Facts.Container.InContainer:
			why = "the process runs in a container: the host must load the module"
		}
		failed := c.Symptom.Errno == symptom.EOPNOTSUPP || c.Symptom.ExtAck != ""
		if c.Symptom.Operation == symptom.OpTC {
			// Only the kernel's answer for an unknown kind says it asked
			// for sch_KIND and found nothing; a bare ENOENT with the module
			// loadable is more likely the parent or handle (the kernel
			// would have loaded it), unless modprobe itself is missing.
			refused, explicit := tcKindRefused(c.Symptom)
			failed = explicit || refused && m.Modprobe != "" && !m.ModprobeExists
		}
		if failed {
			v.fail("%s: module %s is available for kernel %s but not loaded: %s", label, modName, m.KernelRelease, why)
		} else {
			v.warn("%s: module %s is available but not loaded (the kernel loads it on first use)", label, modName)
		}
	case probes.ModMissing:
		if refused, _ := tcKindRefused(c.Symptom); c.Symptom.Operation == symptom.OpTC && !refused {
			// The kind is missing here, but the kernel's answer is about
			// something else (a parent, a handle): a second problem.
			v.warn("%s: not built in, no module for kernel %s (%s); the error itself is about something else", label, m.KernelRelease, strings.Join(ks.Evidence, "; "))
			break
		}
		if otherErrno {
			v.warn("%s: not built in, no module for kernel %s (%s); but the kernel answers a missing kind with EOPNOTSUPP (\"Unknown device type\"), not %s: the error itself is about something else, or the text comes from another kernel", label, m.KernelRelease, strings.Join(ks.Evidence, "; "), e)
			break
		}
		v.fail("%s: not built in, no module for kernel %s (%s)", label, m.KernelRelease, strings.Join(ks.Evidence, "; "))
		if old := kernelTooOld(kind, m.KernelRelease); old != "" {
			v.Evidence = append(v.Evidence, old)
		}
	default:
		v.unknown("%s: %s", label, fix.OrName(strings.Join(ks.Evidence, "; "), "unavailable: neither the loaded modules nor the kernel's module files say (not in the captured tree, or unreadable)"))
	}
	return v
}

// evalNamedModule judges a module the symptom names without a link or tc
// kind: modprobe's "Module X not found in directory /lib/modules/R", or a
// firewall tool's table, match or target ("Couldn't load match `set'":
// xt_set). The probes read its state for the running kernel
// (Target.Modules, ModulesFacts.Named).
func evalNamedModule(c *Context, m *probes.ModulesFacts) Verdict {
	var v Verdict
	s := c.Symptom
	ks, ok := m.NamedModule(s.Module)
	if !ok {
		v.unknown("module %s, which the symptom names, was not looked up (the facts were read without it): check `modinfo %s` and /proc/modules", s.Module, s.Module)
		return v
	}
	label := "module " + ks.Module
	if !strings.HasPrefix(ks.Kind, "module ") {
		label += " (" + ks.Kind + ")"
	}
	ev := strings.Join(ks.Evidence, "; ")
	// modprobe's message names the tree it searched: another release than
	// the running kernel's is a container's or chroot's /lib/modules, or
	// the system before an upgrade.
	other := ""
	if rel, ok := strings.CutPrefix(s.Path, "/lib/modules/"); ok && rel != "" && m.KernelRelease != "" && rel != m.KernelRelease {
		other = fmt.Sprintf("the message names /lib/modules/%s, and the running kernel is %s", rel, m.KernelRelease)
		v.Evidence = append(v.Evidence, other)
	}
	switch ks.State {
	case probes.ModBuiltin, probes.ModLoaded:
		if s.Operation == symptom.OpModprobe {
			v.warn("%s is %s in the running kernel %s (%s): modprobe failed elsewhere (%s)", label, ks.State, m.KernelRelease, ev,
				fix.OrName(other, "another system, a container's or chroot's /lib/modules, or the kernel before a reboot"))
			return v
		}
		v.ok("%s: %s (%s): the kernel that answered was not this one, or the failure is elsewhere", label, ks.State, ev)
		if strings.HasPrefix(ks.Kind, "xt ") && strings.Contains(s.Raw, "Couldn't load") {
			// libxtables' xtables_find_match/target: "Couldn't load match
			// `X':ERRNO" also when its own extension (libxt_X.so) is missing.
			v.Evidence = append(v.Evidence, "iptables says the same when its own extension is missing: check that libxt_"+strings.TrimPrefix(strings.TrimPrefix(ks.Kind, "xt match "), "xt target ")+".so is in its xtables directory (XTABLES_LIBDIR, /usr/lib/*/xtables)")
		}
		v.checkedNamed = true
	case probes.ModLoadable:
		switch {
		case m.Disabled != nil && *m.Disabled:
			v.fail("%s: available for kernel %s but kernel.modules_disabled=1 forbids loading it until reboot", label, m.KernelRelease)
		case c.Facts.Container.InContainer:
			v.fail("%s: available for kernel %s but not loaded, and the process runs in a container: the host must load it (%s)", label, m.KernelRelease, ev)
		case m.Modprobe != "" && !m.ModprobeExists:
			v.fail("%s: available for kernel %s but not loaded: the kernel runs %s to load modules, and that file does not exist", label, m.KernelRelease, m.Modprobe)
		default:
			v.warn("%s: available for kernel %s but not loaded (%s); loading it is the fix if the failure came from this system", label, m.KernelRelease, ev)
		}
	case probes.ModMissing:
		v.fail("%s: not built in, no module for kernel %s (%s)", label, m.KernelRelease, ev)
	default:
		v.unknown("%s: %s", label, fix.OrName(ev, "unavailable: neither the loaded modules nor the kernel's module files say (not in the captured tree, or unreadable)"))
	}
	return v
}

// tcJudgedKind is the tc kind module-missing judges: for the kernel's
// "Failed to load TC action module" (which does not say which action), the
// first action the kernel cannot have (missing here), else the first it
// could load but has not, else the first; for a bare ENOENT on a filter
// whose classifier this kernel has, a missing action; otherwise the
// qdisc's or classifier's kind.
func tcJudgedKind(s symptom.Symptom, m *probes.ModulesFacts) string {
	pick := func(states ...string) string {
		for _, st := range states {
			for _, a := range s.TCActions {
				if ks, ok := m.TCKind("action " + a); ok && ks.State == st {
					return "action " + a
				}
			}
		}
		return ""
	}
	switch {
	case s.TCActionRefused() && len(s.TCActions) > 0:
		if k := pick(probes.ModMissing, probes.ModLoadable); k != "" {
			return k
		}
		return "action " + s.TCActions[0]
	case s.ExtAck == "" && s.Errno == symptom.ENOENT && len(s.TCActions) > 0:
		if ks, ok := m.TCKind(s.TCKind); !ok || ks.State == probes.ModBuiltin || ks.State == probes.ModLoaded {
			if k := pick(probes.ModMissing); k != "" {
				return k
			}
		}
	}
	return s.TCKind
}

// tcKindRefused: the kernel's answer to a tc request that named a kind
// (add, replace) is the one for an unknown kind: "Specified qdisc kind is
// unknown", "TC classifier not found", before 5.17 "Specified qdisc not
// found", or a bare ENOENT from a kernel or tc without extended ACKs.
// explicit: the kernel's message says so (not a bare ENOENT).
func tcKindRefused(s symptom.Symptom) (refused, explicit bool) {
	if s.TCKind == "" && len(s.TCActions) == 0 {
		return false, false
	}
	switch strings.ToLower(s.ExtAck) {
	case "specified qdisc kind is unknown", "tc classifier not found", "specified qdisc not found", "failed to load tc action module":
		return true, true
	case "":
		return s.Errno == symptom.ENOENT, false
	}
	return false, false
}

// tcSummary names the tc kinds of one object ("qdisc", "filter",
// "action"; "" for all) this kernel cannot have.
func tcSummary(m *probes.ModulesFacts, object string) string {
	var missing []string
	for _, k := range m.TCKinds {
		if o, _, _ := strings.Cut(k.Kind, " "); k.State == probes.ModMissing && (object == "" || o == object) {
			missing = append(missing, k.Kind)
		}
	}
	what := map[string]string{"qdisc": "qdisc", "filter": "classifier", "action": "action", "": "qdisc, classifier and action"}[object]
	if len(missing) == 0 {
		return "every " + what + " rtnl-doctor knows is built in, loaded or loadable, or unknown"
	}
	return "missing here: " + strings.Join(missing, ", ")
}

// tcModuleGuess names the module the kernel asks for a tc kind.
func tcModuleGuess(object, kind string) string {
	switch object {
	case "filter":
		return "the kernel asks modprobe for cls_" + kind
	case "action":
		return "the kernel asks modprobe for act_" + kind
	}
	return "the kernel asks modprobe for sch_" + kind
}

// moduleKind is the kind and its support the symptom asks for: a link kind,
// or a tc command's qdisc, classifier or action.
func moduleKind(c *Context) (string, probes.KindSupport) {
	m := &c.Facts.Modules
	if c.Symptom.Operation == symptom.OpTC {
		kind := tcJudgedKind(c.Symptom, m)
		ks, _ := m.TCKind(kind)
		return kind, ks
	}
	kind := symptom.LinkKind(c.Symptom)
	if kind == "" && c.Symptom.Module != "" {
		ks, _ := m.NamedModule(c.Symptom.Module)
		return ks.Kind, ks
	}
	ks, _ := m.Kind(kind)
	return kind, ks
}

// kindSummary counts the kinds by state.
func kindSummary(m *probes.ModulesFacts) string {
	count := map[string]int{}
	for _, k := range m.Kinds {
		count[k.State]++
	}
	var parts []string
	for _, st := range []string{probes.ModBuiltin, probes.ModLoaded, probes.ModLoadable, probes.ModMissing, probes.ModUnknown} {
		if count[st] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", count[st], st))
		}
	}
	return "link kinds: " + strings.Join(parts, ", ")
}

func fixesModuleMissing(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	m := &c.Facts.Modules
	if r, ok := c.Symptom.ExtAckRow(); ok && r.Cause == "module-missing" && r.Config != "" && r.Kernel() {
		if v.Status != Fail {
			return nil // this kernel has the option: the message was another's
		}
		return []fix.Fix{{ID: "module-missing/kernel-option", Title: "Boot a kernel built with " + r.Config + "=y (the kernel's message names what it lacks)",
			Command: fix.Lines("# the running kernel's configuration, where the distribution ships it:", "zcat /proc/config.gz | grep "+r.Config, "grep "+r.Config+" /boot/config-\"$(uname -r)\"",
				"# then install the distribution's standard kernel, or rebuild this one with the option set"),
			NeedsRoot: true, Manual: true, Why: "a kernel option is chosen when the kernel is built: only another kernel has it"}}
	}
	kind, ks := moduleKind(c)
	var fixes []fix.Fix
	upgraded := !m.ModDirExists && m.Supported != nil && *m.Supported
	mod := fix.OrName(c.Symptom.Module, "MODULE")
	switch c.Symptom.Errno {
	case symptom.EPERM:
		if m.Disabled != nil && *m.Disabled && c.Symptom.Operation == symptom.OpModprobe {
			return []fix.Fix{{ID: "module-missing/reboot-modules-disabled", Title: "Reboot: kernel.modules_disabled=1 cannot be turned off (answers EPERM)",
				Command: "systemctl reboot", NeedsRoot: true, Manual: true,
				Why: "a reboot ends every service on this machine; whatever set modules_disabled (a hardening unit) must load the module before it next time"}}
		}
		if m.Lockdown == "" || m.Lockdown == "none" || refusedModule(c.Symptom, m) == "" {
			break
		}
		fallthrough
	case symptom.ENOKEY, symptom.EKEYREJECTED:
		if refusedModule(c.Symptom, m) == "" {
			break
		}
		return []fix.Fix{{ID: "module-missing/sign-module", Title: "Sign the module with a key enrolled in the firmware's MOK list (narrowest: Secure Boot stays on; answers " + string(c.Symptom.Errno) + ")",
			Command: fix.Lines("# DKMS modules: enrol the key DKMS signs with (Debian/Ubuntu: /var/lib/dkms/mok.pub), then reboot and confirm in the MOK manager",
				fix.Argv("mokutil", "--import", "/var/lib/dkms/mok.pub"), fix.Argv("modprobe", mod)),
			NeedsRoot: true, Manual: true, Why: "enrolling a key needs a password now and a confirmation at the next boot, on the console"},
			{ID: "module-missing/kernel-with-module", Title: "Or use the distribution's signed module: a kernel that has the driver built in or packaged (wireguard is in Linux 5.6 and later)",
				Command: "# install the distribution kernel or modules package that ships " + "the driver", NeedsRoot: true, Manual: true,
				Why:  "the package name depends on the distribution",
				Risk: "turning Secure Boot off instead (mokutil --disable-validation) lets any unsigned module load: it removes the kernel's protection against rootkits for the whole machine"}}
	case symptom.ENOEXEC:
		if refusedModule(c.Symptom, m) == "" {
			break
		}
		return []fix.Fix{{ID: "module-missing/rebuild-module", Title: "Rebuild the module for the running kernel " + m.KernelRelease + " (answers ENOEXEC)",
			Command:   fix.Lines(fix.Argv("dkms", "autoinstall", "-k", m.KernelRelease), fix.Argv("modprobe", mod)),
			NeedsRoot: true, Manual: true, Why: "only for a module DKMS manages; a module from the distribution needs its package for this kernel, or a reboot into the kernel it was built for"}}
	}
	switch {
	case m.Supported != nil && !*m.Supported:
		cfg := ks.Config
		if cfg == "" {
			cfg = "the option for this kind"
		}
		fixes = append(fixes, fix.Fix{ID: "module-missing/kernel-option", Title: fmt.Sprintf("Boot a kernel built with %s=y (this kernel has no module support)", cfg),
			Command: "# rebuild or replace the kernel with the option in the title built in (=y)", Manual: true,
			Why: "the running kernel cannot load modules at all"})
	case upgraded:
		fixes = append(fixes, fix.Fix{ID: "module-missing/reboot", Title: "Reboot into the installed kernel (the running one lost its modules in an upgrade)",
			Command: "systemctl reboot", NeedsRoot: true, Manual: true, Why: "a reboot ends every service on this machine: do it when you choose"}, fix.Fix{ID: "module-missing/reinstall-modules", Title: "Or reinstall the modules of the running kernel " + m.KernelRelease,
			Command:   fix.Lines("# Debian/Ubuntu:", fix.Argv("apt-get", "install", "--reinstall", "linux-modules-"+m.KernelRelease), "# Fedora/RHEL:", fix.Argv("dnf", "install", "kernel-modules-"+m.KernelRelease)),
			NeedsRoot: true, Manual: true, Why: "package managers differ; the running kernel's package may no longer be in the archive"})
	case ks.State == probes.ModLoadable && ks.Module != "":
		if c.Facts.Container.InContainer {
			fixes = append(fixes, fix.Fix{ID: "module-missing/modprobe-host", Title: "Load the module on the host (modprobe does nothing inside a container)",
				Command: fix.Argv("modprobe", ks.Module), NeedsRoot: true, Manual: true, Why: "modules belong to the host's kernel"})
		} else {
			fixes = append(fixes, fix.Fix{ID: "module-missing/modprobe", Title: "Load the " + ks.Module + " module now", Command: fix.Argv("modprobe", ks.Module), NeedsRoot: true,
				Action: fix.Act("modprobe", "module", ks.Module)}, fix.Fix{ID: "module-missing/load-at-boot", Title: "Load it at every boot",
				Command: fix.Argv("echo", ks.Module) + " > " + fix.Argv("/etc/modules-load.d/rtnl-doctor-"+ks.Module+".conf"), NeedsRoot: true,
				Action: fix.Act("write-file", "path", "/etc/modules-load.d/rtnl-doctor-"+ks.Module+".conf", "content", ks.Module+"\n", "mode", "0644")})
		}
	case ks.State == probes.ModMissing && kernelTooOld(kind, m.KernelRelease) != "":
		since := kindSince[kind]
		backport := ""
		if kind == "wireguard" {
			backport = "; for wireguard, the wireguard-dkms backport builds it for kernels from 3.10"
		}
		fixes = append(fixes, fix.Fix{ID: "module-missing/newer-kernel", Title: fmt.Sprintf("Boot a kernel of Linux %d.%d or later, which has the %s driver (answers the missing kind)", since[0], since[1], kind),
			Command: fix.Lines("# install your distribution's newer kernel (or its hardware-enablement kernel), then reboot into it", "systemctl reboot"), NeedsRoot: true, Manual: true,
			Why: "a kernel change and a reboot end every service on this machine: your decision" + backport})
	case ks.State == probes.ModMissing:
		fixes = append(fixes, fix.Fix{ID: "module-missing/extra-modules", Title: "Install the package that ships " + orKind(ks.Module) + " for kernel " + m.KernelRelease,
			Command:   fix.Lines("# Ubuntu:", fix.Argv("apt-get", "install", "linux-modules-extra-"+m.KernelRelease), "# otherwise: a kernel built with the option as a module (=m) or built in (=y)"),
			NeedsRoot: true, Manual: true, Why: "which package has the module depends on the distribution" + configNote(ks.Config)})
	}
	return fixes
}

// configNote names the kernel option in prose, never in a command comment.
func configNote(cfg string) string {
	if cfg == "" {
		return ""
	}
	return "; the kernel option is " + cfg
}

// boolWord names an optional flag.
func boolWord(b *bool, yes, no, unknown string) string {
	switch {
	case b == nil:
		return unknown
	case *b:
		return yes
	}
	return no
}
