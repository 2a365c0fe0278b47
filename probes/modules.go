package probes

import (
	"context"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"os"
	"sort"
	"strings"
)

// LinkKind ties a link kind (`ip link add ... type KIND`) to the module that
// provides it and the kernel option that builds it.
type LinkKind struct {
	Kind   string `json:"kind"`
	Module string `json:"module"`
	Config string `json:"config"`
}

// LinkKinds are the kinds rtnl-doctor knows. "tap" and "tun" are both the tun
// module (created through /dev/net/tun, not `ip link add`).
var LinkKinds = []LinkKind{
	{"veth", "veth", "CONFIG_VETH"},
	{"tun", "tun", "CONFIG_TUN"},
	{"tap", "tun", "CONFIG_TUN"},
	{"bridge", "bridge", "CONFIG_BRIDGE"},
	{"vxlan", "vxlan", "CONFIG_VXLAN"},
	{"macvlan", "macvlan", "CONFIG_MACVLAN"},
	{"macvtap", "macvtap", "CONFIG_MACVTAP"},
	{"ipvlan", "ipvlan", "CONFIG_IPVLAN"},
	{"ipvtap", "ipvtap", "CONFIG_IPVTAP"},
	{"bond", "bonding", "CONFIG_BONDING"},
	{"vlan", "8021q", "CONFIG_VLAN_8021Q"},
	{"wireguard", "wireguard", "CONFIG_WIREGUARD"},
	{"gre", "ip_gre", "CONFIG_NET_IPGRE"},
	{"gretap", "ip_gre", "CONFIG_NET_IPGRE"},
	{"ip6gre", "ip6_gre", "CONFIG_IPV6_GRE"},
	{"ip6gretap", "ip6_gre", "CONFIG_IPV6_GRE"},
	{"ipip", "ipip", "CONFIG_NET_IPIP"},
	{"sit", "sit", "CONFIG_IPV6_SIT"},
	{"ip6tnl", "ip6_tunnel", "CONFIG_IPV6_TUNNEL"},
	{"vti", "ip_vti", "CONFIG_NET_IPVTI"},
	{"vti6", "ip6_vti", "CONFIG_IPV6_VTI"},
	{"geneve", "geneve", "CONFIG_GENEVE"},
	{"bareudp", "bareudp", "CONFIG_BAREUDP"},
	{"vrf", "vrf", "CONFIG_NET_VRF"},
	{"dummy", "dummy", "CONFIG_DUMMY"},
	{"ifb", "ifb", "CONFIG_IFB"},
	{"team", "team", "CONFIG_NET_TEAM"},
	{"macsec", "macsec", "CONFIG_MACSEC"},
	{"nlmon", "nlmon", "CONFIG_NLMON"},
	{"vcan", "vcan", "CONFIG_CAN_VCAN"},
	{"vxcan", "vxcan", "CONFIG_CAN_VXCAN"},
	{"xfrm", "xfrm_interface", "CONFIG_XFRM_INTERFACE"},
	{"batadv", "batman_adv", "CONFIG_BATMAN_ADV"},
	{"hsr", "hsr", "CONFIG_HSR"},
	{"netkit", "", "CONFIG_NETKIT"},
}

// KernelOptions are the kernel options whose absence a kernel message
// names (the extended ACKs with a Config in model/symptom): their values
// let the diagnosis tell this kernel's message from another's.
var KernelOptions = []string{"CONFIG_IP_ROUTE_MULTIPATH", "CONFIG_NET_CLS_ACT"}

// TCKinds are the traffic-control kinds rtnl-doctor knows: qdiscs
// (`tc qdisc add ... KIND`, module sch_KIND, alias net-sch-KIND) and
// classifiers (`tc filter add ... KIND`, cls_KIND, net-cls-KIND) and
// actions (`... action KIND`, act_KIND, net-act-KIND). Kind is "qdisc KIND",
// "filter KIND" or "action KIND", as symptom.Symptom.TCKind names it.
var TCKinds = []LinkKind{
	{"qdisc netem", "sch_netem", "CONFIG_NET_SCH_NETEM"},
	{"qdisc htb", "sch_htb", "CONFIG_NET_SCH_HTB"},
	{"qdisc tbf", "sch_tbf", "CONFIG_NET_SCH_TBF"},
	{"qdisc prio", "sch_prio", "CONFIG_NET_SCH_PRIO"},
	{"qdisc sfq", "sch_sfq", "CONFIG_NET_SCH_SFQ"},
	{"qdisc hfsc", "sch_hfsc", "CONFIG_NET_SCH_HFSC"},
	{"qdisc red", "sch_red", "CONFIG_NET_SCH_RED"},
	{"qdisc cake", "sch_cake", "CONFIG_NET_SCH_CAKE"},
	{"qdisc fq", "sch_fq", "CONFIG_NET_SCH_FQ"},
	{"qdisc fq_codel", "sch_fq_codel", "CONFIG_NET_SCH_FQ_CODEL"},
	{"qdisc codel", "sch_codel", "CONFIG_NET_SCH_CODEL"},
	{"qdisc pie", "sch_pie", "CONFIG_NET_SCH_PIE"},
	{"qdisc fq_pie", "sch_fq_pie", "CONFIG_NET_SCH_FQ_PIE"},
	{"qdisc drr", "sch_drr", "CONFIG_NET_SCH_DRR"},
	{"qdisc qfq", "sch_qfq", "CONFIG_NET_SCH_QFQ"},
	{"qdisc ets", "sch_ets", "CONFIG_NET_SCH_ETS"},
	{"qdisc multiq", "sch_multiq", "CONFIG_NET_SCH_MULTIQ"},
	{"qdisc mqprio", "sch_mqprio", "CONFIG_NET_SCH_MQPRIO"},
	{"qdisc taprio", "sch_taprio", "CONFIG_NET_SCH_TAPRIO"},
	{"qdisc cbs", "sch_cbs", "CONFIG_NET_SCH_CBS"},
	{"qdisc etf", "sch_etf", "CONFIG_NET_SCH_ETF"},
	{"qdisc sfb", "sch_sfb", "CONFIG_NET_SCH_SFB"},
	{"qdisc choke", "sch_choke", "CONFIG_NET_SCH_CHOKE"},
	{"qdisc gred", "sch_gred", "CONFIG_NET_SCH_GRED"},
	{"qdisc hhf", "sch_hhf", "CONFIG_NET_SCH_HHF"},
	{"qdisc skbprio", "sch_skbprio", "CONFIG_NET_SCH_SKBPRIO"},
	{"qdisc plug", "sch_plug", "CONFIG_NET_SCH_PLUG"},
	{"qdisc ingress", "sch_ingress", "CONFIG_NET_SCH_INGRESS"},
	{"qdisc clsact", "sch_ingress", "CONFIG_NET_SCH_INGRESS"},
	{"filter u32", "cls_u32", "CONFIG_NET_CLS_U32"},
	{"filter flower", "cls_flower", "CONFIG_NET_CLS_FLOWER"},
	{"filter matchall", "cls_matchall", "CONFIG_NET_CLS_MATCHALL"},
	{"filter bpf", "cls_bpf", "CONFIG_NET_CLS_BPF"},
	{"filter fw", "cls_fw", "CONFIG_NET_CLS_FW"},
	{"filter route", "cls_route", "CONFIG_NET_CLS_ROUTE4"},
	{"filter basic", "cls_basic", "CONFIG_NET_CLS_BASIC"},
	{"filter cgroup", "cls_cgroup", "CONFIG_NET_CLS_CGROUP"},
	{"filter flow", "cls_flow", "CONFIG_NET_CLS_FLOW"},
	{"action gact", "act_gact", "CONFIG_NET_ACT_GACT"},
	{"action mirred", "act_mirred", "CONFIG_NET_ACT_MIRRED"},
	{"action police", "act_police", "CONFIG_NET_ACT_POLICE"},
	{"action pedit", "act_pedit", "CONFIG_NET_ACT_PEDIT"},
	{"action skbedit", "act_skbedit", "CONFIG_NET_ACT_SKBEDIT"},
	{"action vlan", "act_vlan", "CONFIG_NET_ACT_VLAN"},
	{"action csum", "act_csum", "CONFIG_NET_ACT_CSUM"},
	{"action tunnel_key", "act_tunnel_key", "CONFIG_NET_ACT_TUNNEL_KEY"},
	{"action ct", "act_ct", "CONFIG_NET_ACT_CT"},
	{"action connmark", "act_connmark", "CONFIG_NET_ACT_CONNMARK"},
	{"action ctinfo", "act_ctinfo", "CONFIG_NET_ACT_CTINFO"},
	{"action nat", "act_nat", "CONFIG_NET_ACT_NAT"},
	{"action mpls", "act_mpls", "CONFIG_NET_ACT_MPLS"},
	{"action sample", "act_sample", "CONFIG_NET_ACT_SAMPLE"},
	{"action bpf", "act_bpf", "CONFIG_NET_ACT_BPF"},
	{"action skbmod", "act_skbmod", "CONFIG_NET_ACT_SKBMOD"},
	{"action simple", "act_simple", "CONFIG_NET_ACT_SIMP"},
	{"action gate", "act_gate", "CONFIG_NET_ACT_GATE"},
}

// tcAlias is the module alias the kernel's request_module asks for a tc
// kind (MODULE_ALIAS_NET_SCH, MODULE_ALIAS_NET_CLS; older kernels ask for
// the module name itself, sch_KIND or cls_KIND).
func tcAlias(k LinkKind) string {
	object, kind, _ := strings.Cut(k.Kind, " ")
	switch object {
	case "filter":
		return "net-cls-" + kind
	case "action":
		return "net-act-" + kind // NET_ACT_ALIAS_PREFIX; older kernels ask for act_KIND
	}
	return "net-sch-" + kind
}

// KindInfoTC returns the module and kernel option behind a tc kind
// ("qdisc cake").
func KindInfoTC(kind string) (LinkKind, bool) {
	return findKind(TCKinds, kind, func(k LinkKind) string { return k.Kind })
}

// KindInfo returns the module and kernel option behind a kind.
func KindInfo(kind string) (LinkKind, bool) {
	return findKind(LinkKinds, kind, func(k LinkKind) string { return k.Kind })
}

// findKind finds the entry of a kind in a table.
func findKind[T any](list []T, kind string, name func(T) string) (T, bool) {
	for _, k := range list {
		if name(k) == kind {
			return k, true
		}
	}
	var zero T
	return zero, false
}

// Module states.
const (
	ModBuiltin  = "builtin"  // compiled into the kernel
	ModLoaded   = "loaded"   // a module, loaded now
	ModLoadable = "loadable" // a module for the running kernel exists on disk
	ModMissing  = "missing"  // neither built in nor available for this kernel
	ModUnknown  = "unknown"  // the evidence needed is unreadable
)

// KindSupport says whether the running kernel can create links of a kind.
type KindSupport struct {
	LinkKind
	State string `json:"state"`
	// Evidence are the facts behind State, in words.
	Evidence []string `json:"evidence"`
}

// ModulesFacts say which link kinds the running kernel supports, and whether
// it can load modules at all.
type ModulesFacts struct {
	KernelRelease string `json:"kernel_release,omitempty"`
	// Supported: the kernel has module support (/proc/modules exists).
	Supported *bool `json:"supported,omitempty"`
	// Disabled: kernel.modules_disabled=1, no module can be loaded until
	// reboot.
	Disabled *bool `json:"disabled,omitempty"`
	// Modprobe is kernel.modprobe, the helper the kernel runs for
	// request_module(); ModprobeExists whether that file is there.
	Modprobe       string `json:"modprobe,omitempty"`
	ModprobeExists bool   `json:"modprobe_exists,omitempty"`
	// SigEnforce is module.sig_enforce (/sys/module/module/parameters/
	// sig_enforce): only validly signed modules load. Lockdown is the
	// active lockdown mode (/sys/kernel/security/lockdown: none, integrity
	// or confidentiality), "" when the file is absent; under lockdown
	// without sig_enforce an unsigned module is refused with EPERM.
	SigEnforce *bool  `json:"sig_enforce,omitempty"`
	Lockdown   string `json:"lockdown,omitempty"`
	// ModDir is /lib/modules/RELEASE; ModDirExists false after a kernel
	// upgrade without reboot (the old kernel's modules were removed).
	ModDir       string `json:"mod_dir,omitempty"`
	ModDirExists bool   `json:"mod_dir_exists"`
	// OtherModDirs are the /lib/modules directories present for other
	// kernels (evidence of an upgrade).
	OtherModDirs []string `json:"other_mod_dirs,omitempty"`
	Loaded       int      `json:"loaded"`
	// Kconfig is where the kernel configuration was read from.
	Kconfig string `json:"kconfig,omitempty"`
	// Options are the KernelOptions as the configuration sets them ("y",
	// "m", "n" when unset or absent); nil when no configuration was read.
	Options map[string]string `json:"options,omitempty"`
	Kinds   []KindSupport     `json:"kinds"`
	// TCKinds are the qdiscs, classifiers and actions of TCKinds, as Kinds.
	TCKinds []KindSupport `json:"tc_kinds,omitempty"`
	// Named are the modules the symptom names (Target.Modules: modprobe's
	// "Module X not found", a firewall tool's table, match or target), as
	// Kinds; Kind is their netfilter, link or tc kind when known.
	Named []KindSupport `json:"named,omitempty"`
	Gaps  Gaps          `json:"unavailable,omitempty"`
}

// Kind returns the support of one kind.
func (m ModulesFacts) Kind(kind string) (KindSupport, bool) {
	return findKind(m.Kinds, kind, func(k KindSupport) string { return k.Kind })
}

// TCKind returns the support of one tc kind ("qdisc netem").
func (m ModulesFacts) TCKind(kind string) (KindSupport, bool) {
	return findKind(m.TCKinds, kind, func(k KindSupport) string { return k.Kind })
}

// NamedModule returns the support of a module the symptom named.
func (m ModulesFacts) NamedModule(mod string) (KindSupport, bool) {
	mod = strings.ReplaceAll(mod, "-", "_")
	return findKind(m.Named, mod, func(k KindSupport) string { return k.Module })
}

// GroupModules is the fact group of kernel modules: loaded, built in,
// loadable.
const GroupModules Group = "modules"

var modulesGroup = newGroup(GroupModules, RefreshSlow, func(f *Facts) *ModulesFacts { return &f.Modules },
	func(_ context.Context, e *env) ModulesFacts { return gatherModules(e) })

func gatherModules(e *env) ModulesFacts {
	var m ModulesFacts
	rel, err := e.root.ReadString("/proc/sys/kernel/osrelease")
	if err != nil {
		m.Gaps.Add("kernel_release", err)
	}
	m.KernelRelease = rel

	kconf, src, kerr := readKconfig(e.root, rel)
	m.Kconfig = src
	if kerr == nil && kconf != nil {
		m.Options = map[string]string{}
		for _, o := range KernelOptions {
			v := kconf[o]
			if v == "" {
				v = "n"
			}
			m.Options[o] = v
		}
	}

	var loaded map[string]string
	if b, err := e.root.ReadFile("/proc/modules"); err != nil {
		switch {
		case os.IsNotExist(err) && kconf["CONFIG_MODULES"] == "n":
			// The configuration proves it, live or captured.
			no := false
			m.Supported = &no
		case os.IsNotExist(err) && !e.root.Live():
			// A capture that left /proc/modules out proves nothing.
			m.Gaps.AddReason("loaded", "/proc/modules is not in the captured tree")
		case os.IsNotExist(err) && e.root.Exists("/proc/self"):
			no := false
			m.Supported = &no
		default:
			m.Gaps.Add("loaded", err)
		}
	} else {
		yes := true
		m.Supported = &yes
		loaded = parseProcModules(b)
		m.Loaded = len(loaded)
	}
	if v, err := e.root.ReadInt("/proc/sys/kernel/modules_disabled"); err == nil {
		d := v == 1
		m.Disabled = &d
	}
	if s, err := e.root.ReadString("/proc/sys/kernel/modprobe"); err == nil {
		m.Modprobe = s
		m.ModprobeExists = s != "" && e.root.Exists(s)
	}
	if s, err := e.root.ReadString("/sys/module/module/parameters/sig_enforce"); err == nil {
		on := strings.TrimSpace(s) == "Y"
		m.SigEnforce = &on
	}
	if s, err := e.root.ReadString("/sys/kernel/security/lockdown"); err == nil {
		m.Lockdown = lockdownMode(s)
	}

	var builtin, onDisk map[string]bool
	var aliases map[string][]string
	if rel != "" {
		m.ModDir = "/lib/modules/" + rel
		if st, err := os.Stat(e.root.Path(m.ModDir)); err == nil && st.IsDir() {
			m.ModDirExists = true
			if b, err := e.root.ReadFile(m.ModDir + "/modules.builtin"); err == nil {
				builtin = parseModulesList(b)
			} else if os.IsNotExist(err) && !e.root.Live() {
				m.Gaps.AddReason("modules.builtin", m.ModDir+"/modules.builtin is not in the captured tree")
			} else {
				m.Gaps.Add("modules.builtin", err)
			}
			if b, err := e.root.ReadFile(m.ModDir + "/modules.dep"); err == nil {
				onDisk = parseModulesList(b)
			} else {
				m.Gaps.Add("modules.dep", err)
			}
			if b, err := e.root.ReadFile(m.ModDir + "/modules.alias"); err == nil {
				aliases = parseModulesAlias(b, func(a string) bool {
					return strings.HasPrefix(a, "rtnl-link-") || strings.HasPrefix(a, "net-sch-") || strings.HasPrefix(a, "net-cls-")
				})
			}
		}
		if ents, err := os.ReadDir(e.root.Path("/lib/modules")); err == nil {
			for _, d := range ents {
				if d.Name() != rel {
					m.OtherModDirs = append(m.OtherModDirs, d.Name())
				}
			}
			sort.Strings(m.OtherModDirs)
		}
	}
	for _, k := range LinkKinds {
		m.Kinds = append(m.Kinds, m.kindSupport(e, k, "rtnl-link-"+k.Kind, loaded, builtin, onDisk, aliases, kconf, kerr))
	}
	for _, k := range TCKinds {
		m.TCKinds = append(m.TCKinds, m.kindSupport(e, k, tcAlias(k), loaded, builtin, onDisk, aliases, kconf, kerr))
	}
	seen := map[string]bool{}
	for _, mod := range e.modules {
		if !ValidModuleName(mod) {
			continue
		}
		k := namedModuleKind(mod)
		if seen[k.Module] {
			continue
		}
		seen[k.Module] = true
		m.Named = append(m.Named, m.kindSupport(e, k, "", loaded, builtin, onDisk, aliases, kconf, kerr))
	}
	return m
}

func (m *ModulesFacts) kindSupport(e *env, k LinkKind, alias string, loaded map[string]string, builtin, onDisk map[string]bool,
	aliases map[string][]string, kconf map[string]string, kerr error) KindSupport {
	ks := KindSupport{LinkKind: k, State: ModUnknown}
	say := func(s string) { ks.Evidence = append(ks.Evidence, s) }
	mod := k.Module
	cfg := ""
	if kconf != nil {
		cfg = kconf[k.Config]
	}
	// Built in: modules.builtin, the kernel configuration, or a /sys/module
	// directory without initstate (only modules have initstate).
	switch {
	case mod != "" && builtin[mod]:
		ks.State = ModBuiltin
		say(mod + " is listed in " + m.ModDir + "/modules.builtin")
		return ks
	case cfg == "y":
		ks.State = ModBuiltin
		say(k.Config + "=y in " + m.Kconfig)
		return ks
	}
	if mod != "" && e.root.Exists("/sys/module/"+mod) {
		if e.root.Exists("/sys/module/" + mod + "/initstate") {
			ks.State = ModLoaded
			say("/sys/module/" + mod + " has an initstate: the module is loaded")
			return ks
		}
		ks.State = ModBuiltin
		say("/sys/module/" + mod + " exists without initstate: built into the kernel")
		return ks
	}
	if st, ok := loaded[mod]; ok && mod != "" {
		ks.State = ModLoaded
		say("module " + mod + " is in /proc/modules (" + st + ")")
		return ks
	}
	// Loadable: a module file for this kernel, found by name or through the
	// alias the kernel asks modprobe for (rtnl-link-KIND, net-sch-KIND).
	if m.Supported != nil && !*m.Supported {
		ks.State = ModMissing
		say("the kernel has no module support (no /proc/modules), so only built-in kinds exist")
		if cfg == "n" {
			say(k.Config + " is not set in " + m.Kconfig)
		} else if kerr != nil {
			say("kernel configuration unreadable: " + Reason(kerr))
		}
		return ks
	}
	if m.ModDirExists {
		names := []string{}
		if mod != "" {
			names = append(names, mod)
		}
		names = append(names, aliases[alias]...)
		for _, n := range names {
			if onDisk[n] {
				ks.State = ModLoadable
				say("module " + n + " is available in " + m.ModDir + " (modprobe " + n + ")")
				if m.Disabled != nil && *m.Disabled {
					say("but kernel.modules_disabled=1: no module can be loaded until reboot")
				}
				return ks
			}
		}
		if onDisk != nil && builtin == nil && cfg != "n" {
			// Without modules.builtin a built-in driver looks like no driver.
			r, _ := m.Gaps.Reason("modules.builtin")
			ks.State = ModUnknown
			say("no module " + sanitize.OrDash(mod) + " in " + m.ModDir + "/modules.dep, but " + m.ModDir + "/modules.builtin is unreadable (" + r + "): it may be built in")
			return ks
		}
		if onDisk != nil {
			ks.State = ModMissing
			say("no module " + sanitize.OrDash(mod) + " and no " + alias + " alias for kernel " + m.KernelRelease)
			if cfg == "n" {
				say(k.Config + " is not set in " + m.Kconfig)
			}
			return ks
		}
	} else if m.ModDir != "" && m.Supported != nil && !e.root.Live() && len(m.OtherModDirs) == 0 {
		// Offline, an absent /lib/modules is a capture that left it out.
		ks.State = ModUnknown
		say(m.ModDir + " is not in the captured tree")
		if cfg == "n" {
			ks.State = ModMissing
			say(k.Config + " is not set in " + m.Kconfig)
		}
		return ks
	} else if m.ModDir != "" && m.Supported != nil {
		ks.State = ModMissing
		say("no " + m.ModDir + ": no module can be loaded for the running kernel " + m.KernelRelease)
		if len(m.OtherModDirs) > 0 {
			say("modules exist for " + strings.Join(m.OtherModDirs, ", ") + ": the kernel was upgraded without a reboot")
		}
		return ks
	}
	if cfg == "m" {
		ks.State = ModUnknown
		say(k.Config + "=m in " + m.Kconfig + " but the module files could not be checked")
	} else if cfg == "n" {
		ks.State = ModMissing
		say(k.Config + " is not set in " + m.Kconfig)
	}
	return ks
}

// lockdownMode is the bracketed word of /sys/kernel/security/lockdown
// ("none [integrity] confidentiality" is integrity).
func lockdownMode(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		if j := strings.IndexByte(s[i:], ']'); j > 0 {
			return s[i+1 : i+j]
		}
	}
	return ""
}
