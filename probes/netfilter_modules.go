package probes

import (
	"regexp"
	"strings"
)

// NetfilterModules are the netfilter modules a firewall tool's failure
// names, as the tools name them: iptables' and ip6tables' tables
// ("can't initialize iptables table `nat'": iptable_nat), their matches and
// targets ("Couldn't load match `set'": xt_set; the kernel asks for
// ipt_NAME, an alias of xt_NAME), ebtables' tables, the ip_tables and
// nf_tables cores and ipset's. Kind is "iptables table nat", "xt match
// set", "xt target MASQUERADE", "ebtables table nat" or the module itself.
// The options are those of net/ipv4/netfilter/Kconfig,
// net/ipv6/netfilter/Kconfig, net/bridge/netfilter/Kconfig and
// net/netfilter/Kconfig (Linux 6.12).
var NetfilterModules = []LinkKind{
	{"nf_tables", "nf_tables", "CONFIG_NF_TABLES"},
	{"ip_tables", "ip_tables", "CONFIG_IP_NF_IPTABLES"},
	{"ip6_tables", "ip6_tables", "CONFIG_IP6_NF_IPTABLES"},
	{"ip_set", "ip_set", "CONFIG_IP_SET"},
	{"iptables table filter", "iptable_filter", "CONFIG_IP_NF_FILTER"},
	{"iptables table nat", "iptable_nat", "CONFIG_IP_NF_NAT"},
	{"iptables table mangle", "iptable_mangle", "CONFIG_IP_NF_MANGLE"},
	{"iptables table raw", "iptable_raw", "CONFIG_IP_NF_RAW"},
	{"iptables table security", "iptable_security", "CONFIG_IP_NF_SECURITY"},
	{"ip6tables table filter", "ip6table_filter", "CONFIG_IP6_NF_FILTER"},
	{"ip6tables table nat", "ip6table_nat", "CONFIG_IP6_NF_NAT"},
	{"ip6tables table mangle", "ip6table_mangle", "CONFIG_IP6_NF_MANGLE"},
	{"ip6tables table raw", "ip6table_raw", "CONFIG_IP6_NF_RAW"},
	{"ip6tables table security", "ip6table_security", "CONFIG_IP6_NF_SECURITY"},
	{"ebtables table filter", "ebtable_filter", "CONFIG_BRIDGE_EBT_T_FILTER"},
	{"ebtables table nat", "ebtable_nat", "CONFIG_BRIDGE_EBT_T_NAT"},
	{"ebtables table broute", "ebtable_broute", "CONFIG_BRIDGE_EBT_BROUTE"},
	{"xt match addrtype", "xt_addrtype", "CONFIG_NETFILTER_XT_MATCH_ADDRTYPE"},
	{"xt match comment", "xt_comment", "CONFIG_NETFILTER_XT_MATCH_COMMENT"},
	{"xt match connlimit", "xt_connlimit", "CONFIG_NETFILTER_XT_MATCH_CONNLIMIT"},
	{"xt match connmark", "xt_connmark", "CONFIG_NETFILTER_XT_CONNMARK"},
	{"xt match conntrack", "xt_conntrack", "CONFIG_NETFILTER_XT_MATCH_CONNTRACK"},
	{"xt match hashlimit", "xt_hashlimit", "CONFIG_NETFILTER_XT_MATCH_HASHLIMIT"},
	{"xt match iprange", "xt_iprange", "CONFIG_NETFILTER_XT_MATCH_IPRANGE"},
	{"xt match ipvs", "xt_ipvs", "CONFIG_NETFILTER_XT_MATCH_IPVS"},
	{"xt match length", "xt_length", "CONFIG_NETFILTER_XT_MATCH_LENGTH"},
	{"xt match limit", "xt_limit", "CONFIG_NETFILTER_XT_MATCH_LIMIT"},
	{"xt match mac", "xt_mac", "CONFIG_NETFILTER_XT_MATCH_MAC"},
	{"xt match mark", "xt_mark", "CONFIG_NETFILTER_XT_MARK"},
	{"xt match multiport", "xt_multiport", "CONFIG_NETFILTER_XT_MATCH_MULTIPORT"},
	{"xt match owner", "xt_owner", "CONFIG_NETFILTER_XT_MATCH_OWNER"},
	{"xt match physdev", "xt_physdev", "CONFIG_NETFILTER_XT_MATCH_PHYSDEV"},
	{"xt match pkttype", "xt_pkttype", "CONFIG_NETFILTER_XT_MATCH_PKTTYPE"},
	{"xt match policy", "xt_policy", "CONFIG_NETFILTER_XT_MATCH_POLICY"},
	{"xt match recent", "xt_recent", "CONFIG_NETFILTER_XT_MATCH_RECENT"},
	{"xt match set", "xt_set", "CONFIG_NETFILTER_XT_SET"},
	{"xt match socket", "xt_socket", "CONFIG_NETFILTER_XT_MATCH_SOCKET"},
	{"xt match state", "xt_state", "CONFIG_NETFILTER_XT_MATCH_STATE"},
	{"xt match statistic", "xt_statistic", "CONFIG_NETFILTER_XT_MATCH_STATISTIC"},
	{"xt match string", "xt_string", "CONFIG_NETFILTER_XT_MATCH_STRING"},
	{"xt match tcpmss", "xt_tcpmss", "CONFIG_NETFILTER_XT_MATCH_TCPMSS"},
	{"xt match time", "xt_time", "CONFIG_NETFILTER_XT_MATCH_TIME"},
	{"xt match u32", "xt_u32", "CONFIG_NETFILTER_XT_MATCH_U32"},
	{"xt match bpf", "xt_bpf", "CONFIG_NETFILTER_XT_MATCH_BPF"},
	{"xt match cgroup", "xt_cgroup", "CONFIG_NETFILTER_XT_MATCH_CGROUP"},
	{"xt target CHECKSUM", "xt_CHECKSUM", "CONFIG_NETFILTER_XT_TARGET_CHECKSUM"},
	{"xt target CLASSIFY", "xt_CLASSIFY", "CONFIG_NETFILTER_XT_TARGET_CLASSIFY"},
	{"xt target CONNMARK", "xt_connmark", "CONFIG_NETFILTER_XT_CONNMARK"},
	{"xt target CT", "xt_CT", "CONFIG_NETFILTER_XT_TARGET_CT"},
	{"xt target DNAT", "xt_nat", "CONFIG_NETFILTER_XT_NAT"},
	{"xt target SNAT", "xt_nat", "CONFIG_NETFILTER_XT_NAT"},
	{"xt target LOG", "xt_LOG", "CONFIG_NETFILTER_XT_TARGET_LOG"},
	{"xt target MARK", "xt_mark", "CONFIG_NETFILTER_XT_MARK"},
	{"xt target MASQUERADE", "xt_MASQUERADE", "CONFIG_NETFILTER_XT_TARGET_MASQUERADE"},
	{"xt target NETMAP", "xt_NETMAP", "CONFIG_NETFILTER_XT_TARGET_NETMAP"},
	{"xt target NFLOG", "xt_NFLOG", "CONFIG_NETFILTER_XT_TARGET_NFLOG"},
	{"xt target NFQUEUE", "xt_NFQUEUE", "CONFIG_NETFILTER_XT_TARGET_NFQUEUE"},
	{"xt target NOTRACK", "xt_CT", "CONFIG_NETFILTER_XT_TARGET_CT"},
	{"xt target REDIRECT", "xt_REDIRECT", "CONFIG_NETFILTER_XT_TARGET_REDIRECT"},
	{"xt target REJECT", "ipt_REJECT", "CONFIG_IP_NF_TARGET_REJECT"},
	{"xt target SET", "xt_set", "CONFIG_NETFILTER_XT_SET"},
	{"xt target TCPMSS", "xt_TCPMSS", "CONFIG_NETFILTER_XT_TARGET_TCPMSS"},
	{"xt target TEE", "xt_TEE", "CONFIG_NETFILTER_XT_TARGET_TEE"},
	{"xt target TPROXY", "xt_TPROXY", "CONFIG_NETFILTER_XT_TARGET_TPROXY"},
	{"xt target TRACE", "xt_TRACE", "CONFIG_NETFILTER_XT_TARGET_TRACE"},
}

// NetfilterModule returns the module behind a netfilter kind ("xt match
// set": xt_set).
func NetfilterModule(kind string) (LinkKind, bool) {
	return findKind(NetfilterModules, kind, func(k LinkKind) string { return k.Kind })
}

// moduleNameRE is a module name as modprobe takes it (MODULE_NAME_LEN 56).
var moduleNameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,55}$`)

// ValidModuleName says whether s can name a module: only such names are
// looked up (a name from a pasted text becomes a path under /sys/module).
func ValidModuleName(s string) bool { return moduleNameRE.MatchString(s) }

// namedModuleKind is the table entry for a module the symptom names: the
// netfilter, link or tc kind it provides when rtnl-doctor knows it (for
// the kernel option), else the module alone.
func namedModuleKind(mod string) LinkKind {
	mod = strings.ReplaceAll(mod, "-", "_")
	for _, list := range [][]LinkKind{NetfilterModules, DeviceModules, LinkKinds, TCKinds} {
		if k, ok := findKind(list, mod, func(k LinkKind) string { return k.Module }); ok {
			return k
		}
	}
	return LinkKind{Kind: "module " + mod, Module: mod}
}
