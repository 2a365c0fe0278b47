package symptom

import "testing"

// A firewall tool's words name the module the kernel lacks; a chain's name
// and iptables-nft's tables name none. Texts from the corpus rounds
// (sources beside each).
func TestNetfilterModule(t *testing.T) {
	for _, tc := range []struct{ text, module string }{
		// coolsnowwolf/lede#3366
		{"iptables v1.8.2 (legacy): Couldn't load match `set':No such file or directory", "xt_set"},
		// lisenet/docker-openvpn#28
		{"openvpn-tcp-1  | iptables v1.8.10 (legacy): can't initialize iptables table 'nat': Table does not exist (do you need to insmod?)", "iptable_nat"},
		{"ip6tables v1.8.3 (legacy): can't initialize ip6tables table `nat': Table does not exist (do you need to insmod?)", "ip6table_nat"},
		// Locietta/xanmod-kernel-WSL2#137
		{"Warning: Extension MASQUERADE revision 0 not supported, missing kernel module?\niptables v1.8.10 (nf_tables):  RULE_INSERT failed (No such file or directory): rule in chain POSTROUTING", "xt_MASQUERADE"},
		// microsoft/WSL#11140
		{"Warning: Extension recent revision 0 not supported, missing kernel module?", "xt_recent"},
		// chaos-mesh/chaos-mesh#4313
		{"chaos_tproxy::proxy::net::bridge: stderr : The kernel doesn't support the ebtables 'nat' table.", "ebtable_nat"},
		// binhex/arch-qbittorrentvpn#370
		{"iptables v1.8.13 (nf_tables): Could not fetch rule set generation id: Invalid argument", "nf_tables"},
		// robbertkl/docker-ipv6nat#6: a chain, no module.
		{"2017/01/20 14:19:49 exit status 2: iptables v1.6.0: Couldn't load target `DOCKER':No such file or directory", ""},
		// iptables-nft's tables are nf_tables chains.
		{"iptables v1.8.9 (nf_tables): can't initialize iptables table `nat': Table does not exist (do you need to insmod?)", ""},
	} {
		if s := ParseSymptom(tc.text); s.Module != tc.module {
			t.Errorf("%q: module %q, want %q", tc.text, s.Module, tc.module)
		}
	}
}
