package diagnose

import (
	"fmt"
	"maps"
	"regexp"
	"slices"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"sort"
	"strings"
)

// The ranking table: for an operation, an errno and a message, the causes
// that can produce it, most likely first, with the kernel or program source
// that says so.
//
// HOW TO ADD A ROW: append a rankRow anywhere in rankTable (in init below).
// Fill only the fields the row needs; empty fields match anything. Causes
// are named by value (causeMTU, not "mtu"), most likely first. Why cites the
// kernel function or program message that returns this errno for this
// cause. When several rows match a symptom, the more specific row's causes
// come first (Msg weighs 3, InvalidName 4, Emulator 4, Op 2, Errno 1, Family/Path/Source 1 each), rows
// of equal weight in table order; NoErrno rows (an operation named without
// its errno) weigh nothing. TestRankTable checks every row names
// causes of the catalogue and every cause is reached by some row.

// rankRow is one line of the ranking table.
type rankRow struct {
	Op    string        // operation (OpLinkAdd...), "" for any
	Errno symptom.Errno // "" for any
	Msg   string        // lower-case words in the kernel's extended ACK or the message, "" for any
	// Alt are other spellings of Msg that match as it does (a program's
	// typo, "missmatch"; a sysctl key written with dots or slashes).
	Alt    []string
	Family string // inet6...
	Path   string // a path the symptom names (/dev/net/tun)
	Source string // the program that reported it (networkd, NetworkManager, docker)
	// InvalidName: the name was refused before or by the kernel as too
	// long or malformed.
	InvalidName bool
	// InContainer: the text says the command ran in a container
	// (Symptom.ContainerHint).
	InContainer bool
	// Emulator: the text's own form shows this kernel emulation answered
	// (Symptom.Emulator: "gVisor", "WSL").
	Emulator string
	// Has is an object the command set: "mtu" (mtu N), "netns" (netns
	// NAME, ip -n NAME, peer ... netns NAME), "master" (a master the
	// port was to join), "kind" (a link kind the symptom names),
	// "circular" (the port is named as the master's own VLAN, MASTER.VID),
	// "keyword-device" (the device named is one of ip's keywords: "up"),
	// "tc-kind" (a tc command names its qdisc or classifier),
	// "self-master" (the device is named as its own master),
	// "tc-kind-or-bare" (a tc add/replace naming its kind, or no command),
	// "default-seccomp" (not run --privileged or seccomp=unconfined),
	// "as-root" (the command ran at a root prompt or through sudo).
	Has string
	// NoErrno: the row is for a text that gives no errno at all, a
	// fallback that weighs nothing: any other row that matches comes first.
	NoErrno bool
	// InMessage: Msg is looked for in the error's own line (the message
	// and the extended ACK) only, not anywhere in the paste (a word as
	// common as "mtu" stands in every `ip link` listing).
	InMessage bool
	// Says: the row is a program's or tool's own words about the cause
	// (added with corpus rounds 12 and 13): when the cause it ranks first
	// finds nothing here to confirm or rule it out, its verdict is unknown
	// with the row's reason (wordsSaid), not ok.
	Says bool
	// InKey: Msg is looked for in the sysctl key the symptom names, when it
	// names one ("net.bridge" in net.bridge.bridge-nf-call-iptables), not
	// in a pasted list of other keys.
	InKey  bool
	Causes []*Cause
	Why    string
}

func (r rankRow) weight() int {
	if r.NoErrno {
		return 0 // a fallback: every row with evidence of its own comes first
	}
	w := 0
	if r.Msg != "" || r.InvalidName {
		w += 3
	}
	if r.Emulator != "" {
		// The paste's form proves the emulation (gVisor's strace): more
		// than an operation's general order.
		w += 4
	}
	if r.InvalidName {
		// The text says the name itself was refused: that outweighs an
		// operation's general order (Op+Errno's 3), which another line
		// may have named.
		w++
	}
	if r.InContainer {
		// The text proves a container: that outweighs an operation's
		// general order (w 3 with the errno against Op+Errno's 3).
		w += 3
	}
	if r.Op != "" {
		w += 2
	}
	if r.Has != "" {
		w += 2
	}
	for _, f := range []string{string(r.Errno), r.Family, r.Path, r.Source} {
		if f != "" {
			w++
		}
	}
	return w
}

func (r rankRow) matches(s symptom.Symptom) bool {
	if r.Op != "" && r.Op != s.Operation || r.Errno != "" && r.Errno != s.Errno ||
		r.Family != "" && r.Family != s.Family || r.Path != "" && r.Path != s.Path || r.Source != "" && r.Source != s.Source ||
		r.InvalidName && !s.InvalidName || r.InContainer && s.ContainerHint == "" || r.Emulator != "" && r.Emulator != s.Emulator || r.NoErrno && s.Errno != "" {
		return false
	}
	switch r.Has {
	case "":
	case "mtu":
		if s.MTU <= 0 {
			return false
		}
	case "netns":
		if netnsNamed(s) == "" {
			return false
		}
	case "master":
		if s.Master == "" {
			return false
		}
	case "kind":
		if s.Kind == "" {
			return false
		}
	case "tc-kind-or-bare":
		// A tc request that names its kind (add, replace), or a message
		// pasted without its command: not a change or del of what is
		// not there.
		if s.TCKind == "" && s.Command != "" {
			return false
		}
	case "default-seccomp":
		// The container runs with its runtime's default seccomp profile:
		// not started --privileged or with seccomp=unconfined.
		low := strings.ToLower(s.Raw)
		if strings.Contains(low, "seccomp=unconfined") || strings.Contains(low, "seccomp:unconfined") || strings.Contains(low, "--privileged") {
			return false
		}
	case "feature-words":
		// The error names a driver or hardware feature (an offload, XDP,
		// an SR-IOV VF, switchdev, an ethtool setting), or the command
		// asks for one; a link kind asked for is module-missing's.
		if s.Operation == symptom.OpLinkAdd && s.Kind != "" ||
			!featureWordsRE.MatchString(s.Message+"\n"+s.ExtAck+"\n"+s.Command) {
			return false
		}
	case "library-no-dev":
		// A netlink library's request (Go, Rust, pyroute2) that names no
		// device: the program built the message, no command shows it.
		if s.Device != "" || s.Source != "go" && s.Source != "rust" && s.Source != "pyroute2" {
			return false
		}
	case "as-root":
		if s.AsRoot == "" {
			return false
		}
	case "ipv6-words":
		// The text speaks of IPv6 (an ip6tables table, an inet6 socket,
		// an IPv6 listener).
		if !ipv6WordsRE.MatchString(s.Raw) {
			return false
		}
	case "self-master":
		if s.Master == "" || s.Master != s.Device {
			return false
		}
	case "tc-kind":
		if s.TCKind == "" {
			return false
		}
	case "keyword-device":
		// The device's (or the lower link's) "name" is one of iproute2's
		// keywords: the real name was missing from the command line.
		if !iproute2Keyword[s.Device] && !iproute2Keyword[s.Lower] {
			return false
		}
	case "circular":
		// The port is named as the master's own VLAN (bond0.2500 under
		// bond0): it sits above the master already.
		if s.Master == "" || !strings.HasPrefix(s.Device, s.Master+".") {
			return false
		}
	default:
		return false
	}
	if r.Msg != "" && r.msgFound(s) == "" {
		return false
	}
	return r.Op != "" || r.Errno != "" || r.Msg != "" || r.Source != "" || r.Path != "" || r.InvalidName || r.Has != "" || r.InContainer || r.Emulator != ""
}

// msgFound is the spelling of the row's words (Msg, or one of Alt) that the
// symptom holds, "" when none: looked for in the message, the extended ACK
// and the text as pasted (a row's words are specific enough to be looked
// for anywhere), in the message only (InMessage), or in the sysctl key the
// symptom names (InKey).
func (r rankRow) msgFound(s symptom.Symptom) string {
	where := s.ExtAck + "\n" + s.Message
	if !r.InMessage {
		where += "\n" + s.Raw
	}
	if r.InKey && s.SysctlKey != "" {
		where = strings.ReplaceAll(s.SysctlKey, "/", ".") + "\n" + s.SysctlKey
	}
	low := strings.ToLower(where)
	for _, m := range append([]string{r.Msg}, r.Alt...) {
		if m != "" && strings.Contains(low, m) {
			return m
		}
	}
	return ""
}

// rankedCauses are the causes the symptom points at, most likely first,
// with the rows that put them there.
func rankedCauses(s symptom.Symptom) (causes []*Cause, rows []rankRow) {
	for _, r := range rankTable {
		if r.matches(s) {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 && s.Errno != "" {
		// An errno no row knows (a rare one) says nothing of its own: the
		// operation's fallback rows still apply, as without an errno.
		bare := s
		bare.Errno = ""
		for _, r := range rankTable {
			if r.NoErrno && r.matches(bare) {
				rows = append(rows, r)
			}
		}
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].weight() > rows[j].weight() })
	// The cause the kernel's extended ACK proves comes first (rank_extack.go).
	// So does a security module's own record of the denial.
	rows = append(append(extAckRows(s), denialRows(s)...), rows...)
	seen := map[*Cause]bool{}
	for _, r := range rows {
		for _, k := range r.Causes {
			if !seen[k] {
				seen[k] = true
				causes = append(causes, k)
			}
		}
	}
	return causes, rows
}

// priors orders the causes the symptom makes plausible, most likely first,
// by cause id (the order rankedCauses gives).
func priors(s symptom.Symptom) map[string]int {
	ks, _ := rankedCauses(s)
	out := make(map[string]int, len(ks))
	for i, k := range ks {
		out[k.ID] = i
	}
	return out
}

func causes(ks ...*Cause) []*Cause { return ks }

// knownWords, registered with the symptom parser: the words of the first
// ranking row of a program's own words (Says) that matches the text, ""
// when none does. A text without
// errno or operation that a row knows by its words is recognised.
func knownWords(s symptom.Symptom) string {
	for _, r := range rankTable {
		// Only a program's own words (Says rows), not a word prose may
		// hold ("gvisor", "wsl").
		if r.Says && r.Msg != "" && r.matches(s) {
			return r.msgFound(s)
		}
	}
	return ""
}

func init() { symptom.RegisterKnownWords(knownWords) }

// iproute2Keyword are ip link's keywords that cannot be meant as a device
// name when one stands where the name should.
var iproute2Keyword = map[string]bool{"up": true, "down": true, "mtu": true, "master": true, "nomaster": true,
	"name": true, "type": true, "address": true, "netns": true, "dev": true, "txqueuelen": true, "link": true, "alias": true}

var rankTable []rankRow

// ipv6WordsRE finds IPv6 named in a text (corpus, session 8: EAFNOSUPPORT
// with these words is IPv6 disabled 5 times of 7 tuned rows).
var ipv6WordsRE = regexp.MustCompile(`(?i)ipv6|\bip6|inet6|table6|\[::\]|af_inet6`)

// featureWordsRE finds a driver's or the hardware's feature named in the
// text: with EOPNOTSUPP, the driver lacks it more often than the kernel
// lacks a module (corpus: 9 of 9 tuned rows, session 8).
var featureWordsRE = regexp.MustCompile(`(?i)offload|\bhw\b|hardware|\bxdp\b|skip_sw|\bvf\b|sr-?iov|switchdev|eswitch|ethtool`)

func init() {
	// Set in init: the causes' evaluations reach priors through Verify.
	rankTable = []rankRow{
		// --- Operations that narrow more than the errno.
		// A program's own diagnosis, which outweighs the errno's rows of
		// its request (round 12).
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Msg: "ip_unprivileged_port_start", Causes: causes(causeUnsupportedFeature, causeContainerRestricted),
			Why: "net.ipv4.ip_unprivileged_port_start arrived in Linux 4.11: an older kernel (CentOS 7's 3.10, NAS kernels) has no such file; runtimes set it for a container's sysctls (istio/istio#36560)"},
		{Errno: symptom.EPERM, Has: "as-root", Causes: causes(causeContainerRestricted, causeUsernsRemap, causeCapNetAdmin),
			Why: "root in the initial user namespace holds CAP_NET_ADMIN unless its bounding set was cut: EPERM for a command run at a root prompt or through sudo is a root without it, a container started without NET_ADMIN (docker's default set omits it) or the root of a user namespace acting on a network namespace it does not own (net/core/rtnetlink.c rtnetlink_rcv_msg: netlink_net_capable checks the namespace's owning user namespace)"},
		{Errno: symptom.EAFNOSUPPORT, Has: "ipv6-words", Causes: causes(causeSysctl, causeModuleMissing),
			Why: "net/socket.c __sock_create: EAFNOSUPPORT for AF_INET6 when IPv6 is disabled at boot (ipv6.disable=1 registers no inet6 family: mailcow/mailcow-dockerized#6700's ip6tables filter table), more often than a kernel built without IPv6"},
		{Errno: symptom.ENOBUFS, Msg: "membership", Causes: causes(causeSysctl, causeKernelMemory),
			Why: "net/ipv4/igmp.c ip_mc_join_group: ENOBUFS once a socket holds net.ipv4.igmp_max_memberships groups (20 by default): a multicast router joining groups on many interfaces (troglobit/smcroute#46)"},
		{Errno: symptom.ENOBUFS, Msg: "join group", Causes: causes(causeSysctl, causeKernelMemory),
			Why: "net/ipv4/igmp.c ip_mc_join_group: ENOBUFS once a socket holds net.ipv4.igmp_max_memberships groups (troglobit/mrouted#38)"},
		{Errno: symptom.EADDRINUSE, Msg: "join group", Causes: causes(causeAlreadyExists, causeAddressInUse),
			Why: "net/ipv4/igmp.c ip_mc_join_group: EADDRINUSE when the socket has already joined the group on that interface (troglobit/smcroute#131)"},
		{Says: true, Msg: "another multicast routing application is already running", Causes: causes(causeAddressInUse),
			Why: "net/ipv4/ipmr.c ip_mroute_setsockopt MRT_INIT: EADDRINUSE while another socket holds the table's multicast routing (pimd, mrouted, smcrouted, an earlier instance: troglobit/pimd#195)"},
		{Says: true, Msg: "message truncated", Causes: causes(causeNetlinkBuffer, causeToolVersion),
			Why: "a netlink reply larger than the program's receive buffer (MSG_TRUNC): the kernel sends dumps in messages of up to 16 KiB or the page size, and a smaller buffer truncates them (keepalived before 4924610: acassen/keepalived#1036)"},
		{Says: true, Msg: "argument does not end in \"=\" followed by a value", Causes: causes(causeInvalidRequest),
			Why: "ovs-vsctl refuses KEY= with no value (\"mtu_request=\": OpenNebula/one#8033): the program built the command line with an empty value"},
		{Errno: symptom.EMSGSIZE, Causes: causes(causeMTU, causeNetlinkBuffer, causeInvalidRequest),
			Why: "EMSGSIZE: a datagram larger than the path MTU with DF set (net/ipv4/ip_output.c __ip_append_data; OpenVPN logs \"[EMSGSIZE Path-MTU=1500]\": passteque/gluetun#2496), or a netlink message larger than the socket's buffer (net/netlink/af_netlink.c netlink_sendmsg), or a request attribute beyond its limit"},
		{Errno: symptom.EOPNOTSUPP, Has: "feature-words", Causes: causes(causeUnsupportedFeature, causeModuleMissing),
			Why: "EOPNOTSUPP where the text names a driver or hardware feature (an offload, XDP, an SR-IOV VF, switchdev, an ethtool setting): the driver has no operation for it (net/core/dev.c dev_xdp_attach, rtnetlink.c do_setvfinfo, net/ethtool), more often than a kernel without the module"},
		{Says: true, Msg: "does not take any arguments", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "older iproute2 (ip/iprule.c iprule_list): \"ip rule show\" took no selectors; a script written for a newer ip gets this refusal (cilium/cilium#1474: iproute2 4.8.0)"},
		{Says: true, Msg: "requires option config_", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "a program naming the kernel option its request needs (libreswan: \"IPTFS support is not enabled ... requires option CONFIG_XFRM_IPTFS\"): the kernel was built without it (module-missing by the corpus convention)"},
		{Says: true, Msg: "requires option config_", Errno: symptom.EINVAL, Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "a program naming the kernel option its request needs (libreswan: \"IPTFS support is not enabled ... requires option CONFIG_XFRM_IPTFS\"): the kernel was built without it (module-missing by the corpus convention)"},
		{Msg: "hence option", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "tc/tc_qdisc.c, tc/tc_filter.c: 'Unknown qdisc \"KIND\", hence option ... is unparsable' when this tc has no parser for the qdisc (older than it, or a build without it); the kernel was not asked"},
		{Msg: "ip: invalid argument '", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "BusyBox networking/libiproute/utils.c invarg_1_to_2: \"ip: invalid argument 'X' to 'Y'\" is BusyBox's ip applet (iproute2 says \"Error: argument ... is wrong\"), which reads a subset of iproute2's arguments"},
		{Msg: "ip: either \"", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "BusyBox networking/libiproute: 'ip: either \"dev\" is duplicate, or \"X\" is garbage' (iproute2 prints 'Error: either ...'): BusyBox's ip applet, which knows part of iproute2's arguments, refused one"},
		{Msg: "is duplicated or", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "the duparg2 refusal as BusyBox's ip applet was posted ('either \"dev\" is duplicated or \"type\" is garbage'): an argument it does not know"},
		{Msg: "is unknown, try \"ip help\"", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "iproute2 ip/ip.c: \"Object ... is unknown\": a typing error, or an object (nexthop, mptcp, vrf) this ip predates"},
		// Tools' own refusals, the kernel not asked (round 15).
		{Says: true, Msg: "refused the command line: an option later", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "a netfilter tool calls unknown an option its later releases added: ipset before 6.21 has no forceadd (coreos/bugs#1048), ipset 6.12 no -file (trick77/nftables-blacklist#40), an ip6tables without --random-fully (rancher/rke2#1229): the tool is older than the command"},
		{Says: true, Msg: "refused the command line: an argument or option it does not know", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "a netfilter tool's \"Unknown argument\"/\"unknown option\": most often mistyped or missing its context (iptables' --dport without -p tcp), else newer than the tool; nothing reached the kernel"},
		{Says: true, Msg: "nft refused the ruleset: syntax error", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "nft's parser refused the ruleset before asking the kernel: mistyped, or written for a newer nft (variables, new statements: ipr-cnrs/nftables#4 on Ubuntu 16.04; options after the command, refused since 0.9.4: canonical/lxd#7349)"},
		{Says: true, Msg: "(failed to parse rule type): a selector later", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "ip/iprule.c before a selector existed read it as a rule type: \"suppress_prefixlength\" on iproute2-ss130716 (runfalk/synology-wireguard#6): this ip is older than the keyword"},
		{Says: true, Msg: "(failed to parse rule type): mistyped", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "ip/iprule.c reads a word it does not know as a rule type and refuses it (\"Failed to parse rule type\"), today's ip as much as an old one: a typing error, or a selector newer than this ip"},
		{Says: true, Msg: "which no netplan version reads", Causes: causes(causeNetconfig, causeToolVersion),
			Why: "netplan's parser refused a key (src/parse.c): no netplan version reads it, the YAML is mistyped (canonical/netplan#30 \"xversion\")"},
		{Says: true, Msg: "a key netplan reads since", Causes: causes(causeToolVersion, causeNetconfig),
			Why: "netplan refused a key later releases read (src/parse.c): this netplan is older than the YAML (dhcp4-overrides, 0.90, on Ubuntu Core 16: canonical/multipass#1952), or the key is misplaced"},
		{Says: true, Msg: "a key every netplan reads", Causes: causes(causeNetconfig),
			Why: "netplan refused a key its first release already read (src/parse.c): the key stands in a section that does not take it, an indentation slip in the YAML"},
		{Says: true, Msg: "ethtool: cannot change", Source: "ethtool", Causes: causes(causeUnsupportedFeature, causeInvalidRequest),
			Why: "ethtool -K prints \"Cannot change FEATURE\" for a feature the driver fixes (not in its hw_features: veth's LRO, ntuple, rxhash, rare-freertr/RARE-bmv2#5)"},
		{Says: true, Msg: "ethtool: cannot", Source: "ethtool", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature),
			Why: "net/ethtool: EOPNOTSUPP when the driver has no operation for the request (ethtool_get_eee without get_eee)"},
		{Says: true, Msg: "ethtool: cannot set", Source: "ethtool", Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest, causeUnsupportedFeature),
			Why: "net/ethtool/ioctl.c and drivers' set_features/fix_features: EINVAL for a setting out of range or a feature whose prerequisite is off (TSO without scatter-gather and checksumming: blog.csdn.net/zhangskd/article/details/8481448)"},
		{Msg: "type doesn't support offload", Causes: causes(causeModuleMissing, causeInvalidRequest),
			Why: "net/xfrm/xfrm_device.c xfrm_dev_state_add: EINVAL when the SA's type has no offload handler: ESP without esp4_offload/esp6_offload (CONFIG_INET_ESP_OFFLOAD: siderolabs/pkgs#1656), or a type that has none (AH, IPComp)"},
		{Says: true, Msg: "does not support changing", Causes: causes(causeUnsupportedFeature),
			Why: "a program checking ethtool's fixed features before asking (VyOS: \"Adapter does not support changing large-receive-offload settings!\", vyos/vyos-1x#5373): the driver does not let the feature change"},
		{Says: true, Msg: "pyroute2 ipdb: the kernel's object lacks", Causes: causes(causeInvalidRequest, causeUnsupportedFeature),
			Why: "pyroute2 IPDB's commit check: the kernel did not keep an attribute it was sent, most often the wrong one (src= for prefsrc=, svinota/pyroute2#395)"},
		{Says: true, Msg: "version mismatch", Alt: []string{"version missmatch"}, Causes: causes(causeToolVersion, causeModuleMissing),
			Why: "a userspace part and a kernel module of different versions (xt_ndpi's \"kernel module version missmatch\", vel21ripn/nDPI#10): rebuild or reinstall the older side"},
		{Says: true, Msg: "doesn't support the ebtables", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "ebtables communication.c: \"The kernel doesn't support the ebtables 'nat' table\" when the table's module (ebtable_nat) is not loaded or not built (chaos-mesh/chaos-mesh#4313)"},
		{Says: true, Msg: "local version of iptables does not support", Causes: causes(causeToolVersion),
			Why: "kube-proxy's check of iptables' options (pkg/proxy/iptables: \"Not using --random-fully ... because the local version of iptables does not support it\"): the image's iptables predates the option (awslabs/amazon-eks-ami#505)"},
		{Says: true, Msg: "(most likely new kernel)", Causes: causes(causeToolVersion),
			Why: "netlink-packet-route warns when the kernel sends a struct larger than it knows (IFLA_INET6_CONF): the crate is older than the kernel (tonarino/innernet#405)"},
		{Says: true, Msg: "failed to parse rpdb rule table", Causes: causes(causeToolVersion, causeNetconfig),
			Why: "systemd-networkd 247 read [RoutingPolicyRule] Table= as a number only: Table=main was refused (systemd/systemd#18121); later versions take names"},
		{Msg: "virtual function", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeInvalidRequest),
			Why: "net/core/rtnetlink.c do_setvfinfo: EOPNOTSUPP when the PF's driver has no ndo_set_vf_* for the setting (igb has no VF link state: systemd/systemd#37275)"},
		{Says: true, Msg: "device max mtu", Causes: causes(causeMTU),
			Why: "DPDK's check of an MTU above the port's max (\"MTU (9710) > device max MTU (9702)\": cisco-system-traffic-generator/trex-core#914)"},
		{Says: true, Msg: "max_packet_len", Causes: causes(causeMTU),
			Why: "OVS netdev-dpdk drops a packet larger than the vhost port's MTU (\"Too big size 1564 max_packet_len 1518\": openvswitch/ovs-issues#321): the ports' MTUs differ"},
		{Says: true, Msg: "override administratively set mac", Causes: causes(causeInvalidRequest),
			Why: "i40e's PF refuses a MAC the VF sets over the one the PF's administrator set (i40e_virtchnl_pf.c, VF trust off): set it once, through the PF (k8snetworkplumbingwg/sriov-cni#232)"},
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Msg: "mpls/conf/", Alt: []string{"mpls.conf."}, Causes: causes(causeLinkState, causeModuleMissing),
			Why: "net/mpls/af_mpls.c registers net/mpls/conf/IF when the interface appears, with mpls_router loaded: a per-interface key applied before the link exists (systemd-sysctl at boot: systemd/systemd#35487)"},
		{Msg: "iproute2 refused the command line", Causes: causes(causeInvalidRequest),
			Why: "iproute2 lib/utils.c and ip/ip.c refuse an incomplete or malformed command line before any request reaches the kernel"},
		{Op: symptom.OpAddrAdd, Errno: symptom.EOPNOTSUPP, Family: "inet6", Causes: causes(causeSysctl, causeModuleMissing),
			Why: "net/core/rtnetlink.c rtnetlink_rcv_msg: no RTM_NEWADDR handler for PF_INET6 when IPv6 is disabled at boot (ipv6.disable=1) or not built: EOPNOTSUPP (amnezia-vpn/amnezia-client#701, jamesmcm/vopono#109)"},
		{Op: symptom.OpRouteAdd, Errno: symptom.EOPNOTSUPP, Family: "inet6", Causes: causes(causeSysctl, causeModuleMissing),
			Why: "net/core/rtnetlink.c rtnetlink_rcv_msg: no RTM_NEWROUTE handler for PF_INET6 when IPv6 is disabled at boot: EOPNOTSUPP (kubernetes-sigs/kind#626)"},
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Msg: "net/bridge", InKey: true, Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "net/bridge/br_netfilter_hooks.c registers net.bridge.bridge-nf-* only when br_netfilter is loaded (moby/moby#50635)"},
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Msg: "net.bridge", InKey: true, Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "net.bridge.bridge-nf-* exist only with br_netfilter loaded"},
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Msg: "ipv6", InKey: true, Causes: causes(causeSysctl, causeModuleMissing),
			Why: "/proc/sys/net/ipv6 is absent when IPv6 is disabled at boot (ipv6.disable=1) or not built (kubernetes-sigs/kind#4156)"},
		{Op: symptom.OpNetlink, Errno: symptom.EOPNOTSUPP, Causes: causes(causeSeccomp, causeModuleMissing),
			Why: "net/socket.c / af_netlink.c netlink_create never answers EOPNOTSUPP: a socket() refused so comes from a seccomp filter (firejail's protocol filter: netblue30/firejail#4925)"},
		{Errno: symptom.EPROTONOSUPPORT, Msg: "ethtool", Causes: causes(causeSeccomp),
			Why: "udev's ethtool_connect opens socket(AF_INET, SOCK_DGRAM), which every kernel has: refused, it is a seccomp RestrictAddressFamilies= filter (systemd/systemd#4293)"},
		{Errno: symptom.EBUSY, Msg: "offload features", Causes: causes(causeLinkState, causeDeviceBusy),
			Why: "ethtool operations on a down interface: drivers that check netif_running (stmmac) answer EBUSY until the link is up (systemd/systemd#5645)"},
		{Msg: "invalid prefix for given prefix length", Causes: causes(causeInvalidRequest),
			Why: "net/ipv4/fib_frontend.c / net/ipv6/route.c: a destination with host bits set beyond its prefix length (\"Invalid prefix for given prefix length\", EINVAL): the request is wrong"},
		{Msg: "rtnetlink answers", Errno: symptom.EACCES, Causes: causes(causeSysctl, causeMACDenial),
			Why: "an rtnetlink request answered EACCES: net/ipv6/addrconf.c inet6_addr_add with disable_ipv6 set (a missing capability is EPERM); an SELinux nlmsg_write denial is the other source (angristan/wireguard-install#124)"},
		{Msg: "could not open moddep file", Causes: causes(causeModuleMissing),
			Why: "kmod: the running kernel's modules.dep is missing (its module tree was removed by an update, jotyGill/openpyn-nordvpn#201): no module can be loaded"},
		{Msg: "not found in directory /lib/modules", Causes: causes(causeModuleMissing),
			Why: "modprobe: FATAL: Module X not found in directory /lib/modules/RELEASE: the running kernel has no such module"},
		{Errno: symptom.ENOPKG, Causes: causes(causeModuleMissing),
			Why: "net/socket.c sock_ioctl: SIOCBRADDBR/SIOCSIFBR answer ENOPKG when the bridge ioctl hook is absent after request_module(\"bridge\") (raspberrypi/documentation#762)"},
		{Msg: "invalid lladdr", Causes: causes(causeInvalidRequest),
			Why: "iproute2 ip/iplink.c refuses an address that does not parse as a link-layer address before asking the kernel"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EINVAL, Msg: "failed to create a new network namespace", Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "kernel/nsproxy.c unshare_nsproxy_namespaces / net/core/net_namespace.c copy_net_ns: EINVAL for CLONE_NEWNET on a kernel built without CONFIG_NET_NS (RMerl/asuswrt-merlin.ng#327)"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.ENOENT, Causes: causes(causeNetnsReference),
			Why: "the namespace file to enter does not exist: a name gone from /run/netns, a dead process's /proc/PID/ns/net (kubernetes/kubernetes#26199)"},
		{Source: "netifd", Msg: "device_claim_failed", Causes: causes(causeModuleMissing, causeLinkState, causeNetconfig),
			Why: "OpenWrt netifd: DEVICE_CLAIM_FAILED when the device could not be created or found: the kind's kmod not installed (openwrt/openwrt#11211), or the lower device absent"},
		{Family: "inet6", Errno: symptom.EAFNOSUPPORT, Causes: causes(causeSysctl, causeModuleMissing, causeSeccomp),
			Why: "net/socket.c __sock_create: EAFNOSUPPORT for AF_INET6 when IPv6 is disabled at boot (ipv6.disable=1: inet6 never registers) or not built (docker/for-linux#1233)"},
		{Family: "inet6", Errno: symptom.EADDRNOTAVAIL, Msg: "bind", Causes: causes(causeSysctl, causeLinkState),
			Why: "net/ipv6/af_inet6.c __inet6_bind: EADDRNOTAVAIL for an address not on any device; ::1 is absent when disable_ipv6 is set on lo (boot2docker/boot2docker#1257)"},
		{Op: symptom.OpUserns, Causes: causes(causeUsernsRemap, causeMACDenial, causeContainerRestricted),
			Why: "kernel/user_namespace.c: create_user_ns fails ENOSPC at user.max_user_namespaces, map_write EPERM without CAP_SETUID in the parent; security_create_user_ns (AppArmor userns restriction) EACCES/EPERM"},
		{Op: symptom.OpUserns, Errno: symptom.ENOSPC, Causes: causes(causeUsernsRemap),
			Why: "kernel/ucount.c inc_ucount: ENOSPC when user.max_user_namespaces is reached (0 disables them)"},
		{Op: symptom.OpSysctl, Causes: causes(causeContainerRestricted, causeSysctl),
			Why: "fs/proc/proc_sysctl.c: /proc/sys mounted read-only in containers gives EROFS; net sysctls of another netns's owner EACCES"},
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Causes: causes(causeSysctl, causeModuleMissing),
			Why: "a key under /proc/sys/net/ipv6 does not exist when IPv6 is disabled at boot (ipv6.disable=1) or its module is not loaded"},
		{Op: symptom.OpModprobe, Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "kmod: module not found under /lib/modules/$(uname -r); init_module EPERM without CAP_SYS_MODULE (containers)"},
		{Op: symptom.OpNetlink, Causes: causes(causeFDExhaustion, causeKernelMemory),
			Why: "socket(AF_NETLINK): EMFILE/ENFILE at the descriptor limits, ENOBUFS/ENOMEM when the kernel cannot allocate the socket"},

		// --- Kernel extended-ACK messages and program messages.
		{Msg: "unknown device type", Causes: causes(causeModuleMissing, causeContainerRestricted, causeNetconfig),
			Why: "net/core/rtnetlink.c rtnl_newlink: no rtnl_link_ops for the kind after request_module: EOPNOTSUPP \"Unknown device type\""},
		{Msg: "ipv6 is disabled", Causes: causes(causeSysctl),
			Why: "net/ipv6/addrconf.c addrconf_add_dev and route.c fib6_nh_init: EACCES \"IPv6 is disabled on this device\" when disable_ipv6=1"},
		{Msg: "nexthop", Causes: causes(causeLinkState, causeAlreadyExists),
			Why: "net/ipv4/fib_semantics.c fib_check_nh: ENETUNREACH \"Nexthop has invalid gateway\", ENETDOWN \"Nexthop device is not up\""},
		{Msg: "policy validation", Causes: causes(causeNameConflict, causeInvalidRequest),
			Why: "lib/nlattr.c validate_nla: IFLA_IFNAME longer than IFNAMSIZ-1 fails policy validation (EINVAL); so does any attribute of the wrong type, length or range"},
		{Msg: "no link layer address given", Causes: causes(causeInvalidRequest),
			Why: "net/core/neighbour.c __neigh_update: EINVAL \"No link layer address given\" for a new entry without NDA_LLADDR"},
		{Msg: "gateway can not be a local address", Causes: causes(causeInvalidRequest),
			Why: "net/ipv6/route.c ip6_validate_gw: EINVAL when the gateway is an address of this host (ipv6_chk_addr_and_flags)"},
		{Msg: "unable to add bridge", Errno: symptom.EOPNOTSUPP, Causes: causes(causeInvalidRequest),
			Why: "libvirt virNetDevBridgeAddPort: SIOCBRADDIF (or IFLA_MASTER) on a device that is not a Linux bridge: do_set_master finds no ndo_add_slave, EOPNOTSUPP"},
		{Msg: "already assigned to an ipvlan device", Causes: causes(causeAddressInUse),
			Why: "drivers/net/ipvlan/ipvlan_main.c ipvlan_addr4_validator_event / ipvlan_addr6_validator_event: EADDRINUSE when another ipvlan of the same lower device has the address (ipvlan_addr_busy)"},
		{Msg: "mac", Errno: symptom.EADDRNOTAVAIL, Causes: causes(causeInvalidRequest),
			Why: "net/ethernet/eth.c eth_prepare_mac_addr_change / eth_validate_addr: EADDRNOTAVAIL while setting a MAC address means the MAC is not a valid unicast address (SIOCSIFHWADDR and IFLA_ADDRESS alike)"},
		{Msg: "\" is garbage", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "iproute2 6.13 and later lib/utils.c duparg2: \"Error: either ... is duplicate, or ... is garbage\": iproute2 refused the command line, the kernel was not asked"},
		{Msg: "is a garbage", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "iproute2 lib/utils.c duparg2: \"Error: either ... is duplicate, or ... is a garbage\": iproute2 refused the command line, the kernel was not asked"},
		{Msg: "garbage instead of arguments", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "iproute2 ip/iplink.c: \"Garbage instead of arguments\": an argument iproute2 does not know, the kernel was not asked"},
		{Msg: "network namespace when user namespaces are enabled", Causes: causes(causeUsernsRemap),
			Why: "moby daemon: --network=host is refused while userns-remap is set (daemon/daemon_unix.go verifyPlatformContainerSettings)"},
		{Msg: "master device not found", Causes: causes(causeLinkState),
			Why: "iproute2/kernel: the master named with \"master DEV\" does not exist (do_set_master: ENODEV/EINVAL)"},
		{Msg: "invalid lower device", Causes: causes(causeLinkState),
			Why: "drivers/net/macvlan.c / ipvlan: the lower device named with \"link DEV\" is missing or unsuitable"},

		// --- By operation and errno.
		{Op: symptom.OpAddrAdd, Errno: symptom.EACCES, Causes: causes(causeSysctl, causeMACDenial),
			Why: "net/ipv6/addrconf.c inet6_addr_add -> addrconf_add_dev returns EACCES when disable_ipv6 is set; a missing capability is EPERM, so EACCES means disable_ipv6 first and a security module second (daemons often do not say the family)"},
		{Op: symptom.OpAddrAdd, Errno: symptom.EACCES, Family: "inet", Causes: causes(causeMACDenial, causeSysctl),
			Why: "net/ipv4/devinet.c inet_rtm_newaddr has no EACCES: on an IPv4 address only a security module (selinux_netlink_send) denies with EACCES"},
		{Op: symptom.OpRouteAdd, Errno: symptom.EACCES, Causes: causes(causeSysctl, causeMACDenial),
			Why: "net/ipv6/route.c fib6_nh_init: EACCES \"IPv6 is disabled on nexthop device\"; otherwise a security module"},
		{Op: symptom.OpRouteAdd, Errno: symptom.EACCES, Family: "inet", Causes: causes(causeMACDenial, causeSysctl),
			Why: "net/ipv4/fib_frontend.c has no EACCES: on an IPv4 route only a security module denies with EACCES"},
		{Op: symptom.OpAddrAdd, Errno: symptom.EOPNOTSUPP, Causes: causes(causeSysctl, causeModuleMissing),
			Why: "IPv4 is always built in; net/core/rtnetlink.c rtnetlink_rcv_msg answers EOPNOTSUPP when no handler exists for the family: an address add refused so means IPv6 is disabled at boot (ipv6.disable=1)"},
		{Op: symptom.OpSysctl, Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeSysctl, causeContainerRestricted),
			Why: "root writing /proc/sys is refused with EACCES by a security module (SELinux sysctl_net_t, AppArmor) or by the file's mode in a namespace owned by another user namespace"},
		{Op: symptom.OpNetlink, Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeFDExhaustion),
			Why: "net/socket.c __sock_create -> security_socket_create: EACCES from SELinux (netlink_*_socket create) or AppArmor; opening a socket has no capability check"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EPERM, Causes: causes(causeUsernsRemap, causeContainerRestricted, causeCapNetAdmin),
			Why: "net/core/net_namespace.c netns_install: EPERM unless CAP_SYS_ADMIN in the user namespace that owns the target netns and in the caller's"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeUsernsRemap),
			Why: "opening /proc/PID/ns/net needs ptrace access (proc_ns_get_link -> ptrace_may_access): EACCES from a security module or another user's process"},
		// --- tc: qdiscs, classes and filters (net/sched/sch_api.c, cls_api.c).
		{Op: symptom.OpTC, Errno: symptom.ENOENT, Has: "tc-kind", Causes: causes(causeModuleMissing, causeInvalidRequest),
			Why: "net/sched/sch_api.c qdisc_create and cls_api.c tcf_proto_lookup_ops: after request_module(\"sch_KIND\") / (\"cls_KIND\") finds nothing, ENOENT (\"Specified qdisc kind is unknown\", \"TC classifier not found\"); a parent or handle that does not exist is ENOENT too (tc_modify_qdisc)"},
		{Op: symptom.OpTC, Errno: symptom.ENOENT, Msg: "specified qdisc not found", Has: "tc-kind-or-bare", Causes: causes(causeModuleMissing, causeInvalidRequest),
			Why: "net/sched/sch_api.c qdisc_create before Linux 5.17 (commit 973bf8fdd12f \"net: sched: Clarify error message when qdisc kind is unknown\", also in later 5.16 stable kernels): an unknown qdisc kind said \"Specified qdisc not found\", as tc_modify_qdisc still does for a handle that is not there"},
		{Op: symptom.OpTC, Errno: symptom.ENOENT, Causes: causes(causeInvalidRequest, causeModuleMissing),
			Why: "net/sched/sch_api.c tc_get_qdisc/tc_modify_qdisc: ENOENT for a qdisc, class or filter that is not there (deleting a root qdisc never set: \"Cannot delete qdisc with handle of zero\"); an unknown kind is ENOENT too"},
		{Op: symptom.OpTC, Errno: symptom.EEXIST, Causes: causes(causeAlreadyExists),
			Why: "net/sched/sch_api.c tc_modify_qdisc: EEXIST for `tc qdisc add` where a qdisc already sits (\"Exclusivity flag on, cannot modify\"): `tc qdisc replace` swaps it"},
		{Op: symptom.OpTC, Errno: symptom.EPERM, Causes: causes(causeCapNetAdmin, causeContainerRestricted),
			Why: "net/sched/sch_api.c tc_modify_qdisc, cls_api.c tc_new_tfilter: netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN), EPERM without it"},
		{Op: symptom.OpTC, Errno: symptom.EOPNOTSUPP, Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "net/sched: EOPNOTSUPP from a kernel built without the classifier's actions (CONFIG_NET_CLS_ACT, tcf_exts_validate_ex) or a driver that cannot offload what skip_sw asks (tc_setup_cb_call)"},
		{Op: symptom.OpTC, Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest, causeUnsupportedFeature),
			Why: "net/sched: EINVAL for options the qdisc or classifier refuses (its init/change parses them: a rate, a handle, a parent it cannot take)"},
		{Op: symptom.OpTC, NoErrno: true, Causes: causes(causeInvalidRequest, causeModuleMissing, causeCapNetAdmin),
			Why: "tc refused the command line itself or the paste shows no errno: the request as written first"},
		{Op: symptom.OpRule, Errno: symptom.EINVAL, Causes: causes(causeModuleMissing),
			Why: "net/core/fib_rules.c: a kernel built without CONFIG_IP_MULTIPLE_TABLES has no rule handlers: old kernels answer EINVAL, newer EOPNOTSUPP"},
		{Op: symptom.OpRule, Errno: symptom.EOPNOTSUPP, Causes: causes(causeModuleMissing),
			Why: "net/core/rtnetlink.c: no RTM_NEWRULE/GETRULE handler for the family without CONFIG_IP_MULTIPLE_TABLES / CONFIG_IPV6_MULTIPLE_TABLES: EOPNOTSUPP"},
		{Op: symptom.OpRule, Errno: symptom.EAFNOSUPPORT, Causes: causes(causeModuleMissing, causeSysctl),
			Why: "net/core/fib_rules.c fib_nl_newrule: EAFNOSUPPORT when no rules ops exist for the family: CONFIG_IPV6_MULTIPLE_TABLES unset (board and appliance kernels: ayufan-rock64/linux-build#64) or IPv6 disabled at boot (which fails every IPv6 request, not only rules)"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EACCES, Msg: "mount", InMessage: true, Causes: causes(causeMACDenial, causeUsernsRemap),
			Why: "fs/namespace.c: mount(2) without CAP_SYS_ADMIN is EPERM (may_mount); EACCES comes from a security module's mount hook (security_sb_mount: AppArmor's docker-default denies mount) or a path's permissions: ip netns add's mount --make-shared of /run/netns"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EACCES, Msg: "/run/netns", Causes: causes(causeUsernsRemap, causeMACDenial),
			Why: "a rootless runtime (an unprivileged user in its own user namespace) may not create or open files under root's /run/netns: EACCES from the directory's mode"},
		{Op: symptom.OpNeighAdd, Errno: symptom.ENOBUFS, Causes: causes(causeNeighTable, causeKernelMemory),
			Why: "net/core/neighbour.c neigh_alloc: ENOBUFS when the table is at net.ipv4/ipv6.neigh.default.gc_thresh3 and a forced collection frees nothing (table_fulls counts it)"},
		{Op: symptom.OpRouteAdd, Errno: symptom.ENOBUFS, Causes: causes(causeKernelMemory, causeNeighTable),
			Why: "a route add allocates its fib entry and next hops (ENOBUFS when an allocation fails); a full neighbour table refuses the entries its traffic then needs with the same ENOBUFS, which reports often mix up with the add itself"},
		{Op: symptom.OpAddrAdd, Errno: symptom.ENOBUFS, Causes: causes(causeKernelMemory, causeNeighTable),
			Why: "an address add allocates the address and its local routes (ENOBUFS when an allocation fails); IPv6 duplicate address detection then needs nd_tbl entries, refused at gc_thresh3"},
		{Emulator: "gVisor", Causes: causes(causeEmulatedKernel),
			Why: "the paste is gVisor's own system-call trace (runsc --strace, pkg/sentry/strace: results in hex, \"errno=N\"): the sentry, not Linux, answered (google/gvisor#94)"},
		{Emulator: "WSL", Op: symptom.OpNetlink, Causes: causes(causeEmulatedKernel, causeModuleMissing),
			Why: "a Windows computer's default name (DESKTOP-XXXXXXX) in the prompt: a WSL distribution; WSL 1's lxcore implemented netlink sockets late and partly (microsoft/WSL#676, #1666), WSL 2 runs a Linux kernel"},
		{Msg: "runsc", Causes: causes(causeEmulatedKernel),
			Why: "gVisor's runsc answers netlink and ioctls from its own sentry kernel (pkg/sentry/socket/netlink, pkg/sentry/fsimpl/dev/net_tun.go): what it does not implement gets EINVAL/EOPNOTSUPP/ENOPROTOOPT (google/gvisor#2446, tun without IFF_TUN_EXCL)"},
		{Msg: "gvisor", Causes: causes(causeEmulatedKernel),
			Why: "the text says the sandbox is gVisor: its sentry implements a subset of rtnetlink and tun"},
		{Msg: "wsl", Errno: symptom.EPROTONOSUPPORT, Causes: causes(causeEmulatedKernel, causeModuleMissing),
			Why: "WSL 1's lxcore implements NETLINK_ROUTE partly and no other netlink protocol (microsoft/WSL#2249): EPROTONOSUPPORT there is the emulation; WSL 2 runs a Linux kernel whose missing modules give the same errno"},
		{Msg: "-microsoft ", Errno: symptom.EPROTONOSUPPORT, Causes: causes(causeEmulatedKernel),
			Why: "a pasted uname of WSL 1 (\"4.4.0-19041-Microsoft #1237-Microsoft\"): the kernel answering is Windows' lxcore, which lacks the feature"},
		{Msg: "wsl", Errno: symptom.EAFNOSUPPORT, Causes: causes(causeEmulatedKernel, causeModuleMissing),
			Why: "WSL 1's lxcore implements NETLINK_ROUTE partly and no other netlink protocol (microsoft/WSL#2249): EAFNOSUPPORT there is the emulation; WSL 2 runs a Linux kernel whose missing modules give the same errno"},
		{Msg: "-microsoft ", Errno: symptom.EAFNOSUPPORT, Causes: causes(causeEmulatedKernel),
			Why: "a pasted uname of WSL 1 (\"4.4.0-19041-Microsoft #1237-Microsoft\"): the kernel answering is Windows' lxcore, which lacks the feature"},
		{Msg: "wsl", Errno: symptom.ENOSYS, Causes: causes(causeEmulatedKernel, causeModuleMissing),
			Why: "WSL 1's lxcore implements NETLINK_ROUTE partly and no other netlink protocol (microsoft/WSL#2249): ENOSYS there is the emulation; WSL 2 runs a Linux kernel whose missing modules give the same errno"},
		{Msg: "-microsoft ", Errno: symptom.ENOSYS, Causes: causes(causeEmulatedKernel),
			Why: "a pasted uname of WSL 1 (\"4.4.0-19041-Microsoft #1237-Microsoft\"): the kernel answering is Windows' lxcore, which lacks the feature"},
		{Msg: "wsl", Errno: symptom.ENOPROTOOPT, Causes: causes(causeEmulatedKernel, causeModuleMissing),
			Why: "WSL 1's lxcore implements NETLINK_ROUTE partly and no other netlink protocol (microsoft/WSL#2249): ENOPROTOOPT there is the emulation; WSL 2 runs a Linux kernel whose missing modules give the same errno"},
		{Msg: "-microsoft ", Errno: symptom.ENOPROTOOPT, Causes: causes(causeEmulatedKernel),
			Why: "a pasted uname of WSL 1 (\"4.4.0-19041-Microsoft #1237-Microsoft\"): the kernel answering is Windows' lxcore, which lacks the feature"},
		{Msg: "wsl", Errno: symptom.EINVAL, Causes: causes(causeEmulatedKernel, causeModuleMissing),
			Why: "WSL 1's lxcore implements NETLINK_ROUTE partly and no other netlink protocol (microsoft/WSL#2249): EINVAL there is the emulation; WSL 2 runs a Linux kernel whose missing modules give the same errno"},
		{Msg: "-microsoft ", Errno: symptom.EINVAL, Causes: causes(causeEmulatedKernel),
			Why: "a pasted uname of WSL 1 (\"4.4.0-19041-Microsoft #1237-Microsoft\"): the kernel answering is Windows' lxcore, which lacks the feature"},
		{Op: symptom.OpNetlink, Errno: symptom.EINVAL, Causes: causes(causeEmulatedKernel),
			Why: "net/netlink/af_netlink.c: a correct program's socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE), bind and SO_SNDBUF never get EINVAL from Linux (an unknown protocol is EPROTONOSUPPORT); WSL 1 answered EINVAL before it implemented NETLINK_ROUTE (microsoft/WSL#519, #1114)"},
		{Msg: "netlinkrib", Errno: symptom.EINVAL, Causes: causes(causeEmulatedKernel),
			Why: "Go's syscall.NetlinkRIB (net.Interfaces) dumps links and addresses with a well-formed request: EINVAL comes from a kernel that does not implement NETLINK_ROUTE (WSL 1, microsoft/WSL#1666)"},
		{Msg: "cannot talk to rtnetlink", Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeCapNetAdmin),
			Why: "iproute2 prints \"Cannot talk to rtnetlink\" when sendmsg on its socket fails: EACCES there is security_netlink_send (SELinux's netlink_route_socket nlmsg_write, Android apps), a missing capability would be EPERM in the answer"},
		{Msg: "rtnetlink: permission denied", Errno: symptom.EACCES, Causes: causes(causeSysctl, causeMACDenial),
			Why: "the kernel's answer to an rtnetlink request as Go and shell wrappers print it (\"RTNETLINK: permission denied\"): inet6_addr_add's EACCES with disable_ipv6 set (angristan/wireguard-install#124); after \"Cannot talk to rtnetlink\" (the row above) it is the send that was refused"},
		{Msg: "flushing netlink socket", Errno: symptom.EACCES, Causes: causes(causeMACDenial),
			Why: "sendmsg on a netlink socket refused with EACCES: security_netlink_send (SELinux nlmsg permissions: Android forbids apps RTM_GETROUTE since Android 11)"},
		{Op: symptom.OpNetlink, Errno: symptom.EADDRINUSE, Causes: causes(causeAddressInUse),
			Why: "net/netlink/af_netlink.c netlink_insert: bind with an nl_pid another socket of the namespace already holds answers EADDRINUSE (a runtime binding with getpid() beside a library that did the same)"},
		{Msg: "must not be nil", Causes: causes(causeInvalidRequest),
			Why: "vishvananda/netlink refuses a Route without Dst, Src or Gw before sending it (route_linux.go: \"one of Dst.IP, Src, or Gw must not be nil\"): the request is incomplete"},
		{Msg: "linksetnsfd", Errno: symptom.EINVAL, Causes: causes(causeNetnsReference, causeInvalidRequest),
			Why: "net/core/rtnetlink.c rtnl_link_get_net_capable -> get_net_ns_by_fd: an IFLA_NET_NS_FD that is not a network namespace (a closed and reused descriptor, a path that is no nsfs mount) answers EINVAL"},
		{Msg: "unpack_from requires a buffer", Causes: causes(causeNetlinkBuffer),
			Why: "pyroute2 decoding attributes past the end of a message: the reply was larger than the receive buffer given to recv (MSG_TRUNC), as with many SR-IOV VFs on one link (svinota/pyroute2#751, #813)"},
		{Msg: "xdp", Errno: symptom.EINVAL, Causes: causes(causeMTU, causeInvalidRequest),
			Why: "attaching XDP (dev_xdp_attach -> the driver's ndo_bpf): drivers refuse a program when the MTU exceeds what one buffer holds (ixgbe/ixgbevf, i40e, virtio_net, mlx5: \"MTU too large for XDP\"), EINVAL (xdp-project/xdp-tools#327)"},
		{Msg: "add tunnel", Errno: symptom.ENOBUFS, Causes: causes(causeNameConflict),
			Why: "iproute2's ip tunnel add (SIOCADDTUNNEL on sit/ipip/gre): net/ipv6/sit.c answers ENOBUFS when ipip6_tunnel_locate finds nothing to create because the name or the endpoints are already taken by a tunnel"},
		{Msg: "add sa", Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest, causeModuleMissing),
			Why: "net/xfrm/xfrm_user.c verify_newsa_info: an SA whose attributes do not fit together (ESN with a zero replay window, a key of the wrong length) is EINVAL; a missing algorithm module is the other source"},
		{Msg: "netlink receive failure", Causes: causes(causeNetlinkBuffer, causeKernelMemory),
			Why: "libnl's nl_recv failing on a dump: an overrun of the socket's receive buffer (ENOBUFS, which libnl prints as \"Out of memory\"), capped by net.core.rmem_max (jow-/nlbwmon#43)"},
		{Op: symptom.OpNetlink, Errno: symptom.EPROTONOSUPPORT, InContainer: true, Causes: causes(causeEmulatedKernel, causeSeccomp, causeModuleMissing),
			Why: "inside a container the netlink protocols are the host kernel's, whose sock_diag and route families are built in: EPROTONOSUPPORT there is a sandbox kernel that lacks the family (gVisor: google/gvisor#2114) or a filter"},
		{Msg: "not allowed in host network namespace", Causes: causes(causeContainerRestricted),
			Why: "runc (libcontainer/configs/validate) refuses a net.* sysctl for a container that shares the host's network namespace: the setting would change the host (opencontainers/runc#2693)"},
		{Op: symptom.OpSysctl, Errno: symptom.ENOENT, Msg: "oci runtime", Causes: causes(causeContainerRestricted, causeSysctl),
			Why: "a runtime writing a container's net.* sysctl finds no file: the key is not per-namespace, or is hidden in a network namespace owned by a non-initial user namespace (rootless; net/core/sysctl_net_core.c does not export it there)"},
		{Msg: "failed to find ipv4 address for interface", Causes: causes(causeLinkState, causeNetconfig),
			Why: "flannel (and other agents given an interface) start before the interface has its address: the unit orders after network.target, not network-online.target (k3s-io/k3s#367)"},
		{Op: symptom.OpUserns, Errno: symptom.EPERM, Causes: causes(causeMACDenial, causeUsernsRemap, causeSeccomp, causeSysctl),
			Why: "unprivileged user namespaces refused: Ubuntu 23.10+ sets kernel.apparmor_restrict_unprivileged_userns=1, so an unconfined program's new user namespace gets no capabilities (unshare, bwrap and uid_map writes answer EPERM/EACCES: actions/runner-images#10443); Debian's kernel.unprivileged_userns_clone=0 (userns-remap's), a chrooted caller (kernel/user_namespace.c create_user_ns: EPERM when current_chrooted()) and container seccomp profiles refuse it with EPERM too"},
		{Says: true, Op: symptom.OpUserns, Msg: "does not allow non-privileged user namespaces", Causes: causes(causeUsernsRemap, causeMACDenial),
			Why: "bubblewrap's own words for EPERM from unshare(CLONE_NEWUSER) as an unprivileged user (bubblewrap.c): Debian's kernel.unprivileged_userns_clone=0, a host that forbids user namespaces, or a chrooted caller (VHSgunzo/runimage#2, endlessm/eos-image-builder#180); Ubuntu's AppArmor restriction spares /usr/bin/bwrap (bwrap-userns-restrict)"},
		{Says: true, Msg: "failed to start the child: fork/exec /proc/self/exe: operation not permitted", Causes: causes(causeMACDenial, causeUsernsRemap),
			Why: "rootlesskit's parent clones its child into a new user namespace: on Ubuntu 23.10+ kernel.apparmor_restrict_unprivileged_userns=1 refuses it without a userns profile for rootlesskit (rootlesscontaine.rs getting-started/common/fork-exec-self-exe, rootless-containers/rootlesskit#439)"},
		{Op: symptom.OpSysctl, Errno: symptom.EINVAL, Msg: "ping_group_range", Causes: causes(causeInvalidRequest, causeUsernsRemap),
			Why: "net/ipv4/sysctl_net_ipv4.c ipv4_ping_group_range: EINVAL when a gid of the range has no mapping in the writer's user namespace (make_kgid): the runtime's default \"0 0\" in a container that maps no root (containers/podman#15934)"},
		{Errno: symptom.EPERM, Msg: "permission denied (you must be root)", Causes: causes(causeContainerRestricted, causeCapNetAdmin),
			Why: "libiptc's text for EPERM (iptc_strerror): iptables run as root and refused CAP_NET_ADMIN (or NET_RAW for legacy's raw socket), which root lacks in a container started without them (Praqma/Network-MultiTool#13; podman drops NET_RAW: qdm12/gluetun#734)"},
		{Op: symptom.OpUserns, Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeUsernsRemap),
			Why: "AppArmor's unprivileged user namespace restriction (Ubuntu 23.10+): writing uid_map or setting up the namespace is denied with EACCES"},
		{Msg: "bwrap: loopback", Errno: symptom.EPERM, Causes: causes(causeMACDenial, causeUsernsRemap),
			Why: "bubblewrap configures loopback in the network namespace it made inside its own user namespace: EPERM there is that user namespace without capabilities, the AppArmor userns restriction of Ubuntu 23.10+ (jayminwest/warren#1257)"},
		{Msg: "add_membership", Errno: symptom.ENOBUFS, Causes: causes(causeSysctl),
			Why: "net/ipv4/igmp.c ip_mc_join_group: ENOBUFS when the socket already has net.ipv4.igmp_max_memberships groups (20 by default) (pali/igmpproxy#30)"},
		{Msg: "invalid mtu", Causes: causes(causeMTU),
			Why: "drivers refuse an MTU above what the hardware takes in their own words (\"eth0: Invalid MTU 9000 requested, hw max 1500\", lan78xx/smsc95xx: raspberrypi/linux#2660), EINVAL"},
		{Op: symptom.OpModprobe, Errno: symptom.EPERM, Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "kernel/module/main.c may_init_module: EPERM without CAP_SYS_MODULE or with kernel.modules_disabled=1; under lockdown an unsigned module is EPERM too (module_sig_check)"},
		{Msg: "results may be incomplete or inconsistent", Causes: causes(causeDumpInterrupted),
			Why: "vishvananda/netlink's ErrDumpInterrupted: the kernel flagged the dump NLM_F_DUMP_INTR (nl_dump_check_consistent) because the table changed while it was sent (aws/amazon-vpc-cni-k8s, cilium/cilium#48771)"},
		{Msg: "dump interrupted", Causes: causes(causeDumpInterrupted),
			Why: "a netlink dump flagged NLM_F_DUMP_INTR (nl_dump_check_consistent): links, addresses or routes changed while it was sent"},
		{Msg: "dump inconsistency detected", Causes: causes(causeDumpInterrupted),
			Why: "libnl's NLE_DUMP_INTR (lib/error.c: \"Dump inconsistency detected, interrupted\"): nl_recvmsgs saw NLM_F_DUMP_INTR on a dump's messages"},
		{Msg: "so_bindtodevice", Errno: symptom.ENOPROTOOPT, Causes: causes(causeEmulatedKernel),
			Why: "SO_BINDTODEVICE exists in every Linux since 2.0 (net/core/sock.c sock_setsockopt): ENOPROTOOPT for it comes from an emulation (WSL 1's lxcore, tailscale/tailscale#1873), not from an older kernel"},
		{Msg: "nle_dump_intr", Causes: causes(causeDumpInterrupted),
			Why: "libnl's NLE_DUMP_INTR (include/netlink/errno.h 33): nl_recvmsgs saw NLM_F_DUMP_INTR"},
		{Msg: "cannot send dump request", Errno: symptom.EPROTO, Causes: causes(causeEmulatedKernel),
			Why: "iproute2's rtnl_dump_request send: Linux's netlink_sendmsg never answers EPROTO; an emulation that does not implement the dump does (illumos LX zones' lx_netlink.c)"},
		{Errno: symptom.EINTR, Causes: causes(causeDumpInterrupted),
			Why: "vishvananda/netlink from v1.2.1 returns EINTR (\"interrupted system call\") for a dump the kernel flagged NLM_F_DUMP_INTR (net/netlink/af_netlink.c nl_dump_check_consistent); v1.3.1 wraps it as ErrDumpInterrupted (\"results may be incomplete or inconsistent\"). From a netlink library EINTR is this far more often than a signal"},
		{Msg: "nlm_f_dump_intr", Causes: causes(causeDumpInterrupted),
			Why: "the flag the kernel sets on a dump whose table changed while it was sent (include/uapi/linux/netlink.h)"},
		{Errno: symptom.EXFULL, Causes: causes(causeBridgePortLimit),
			Why: "net/bridge/br_if.c new_nbp: find_portno finds no free port number below BR_MAX_PORTS (1024, port 0 reserved), so adding a 1024th port to a bridge returns EXFULL (\"Exchange full\"); no other link operation returns it (moby/moby#14718, #18814)"},
		{Msg: "neighbor table overflow", Causes: causes(causeNeighTable),
			Why: "net/core/neighbour.c neigh_alloc: net_info_ratelimited(\"%s: neighbor table overflow!\\n\", tbl->id) when gc_thresh3 is reached and a forced collection frees nothing"},
		{Msg: "neighbour table overflow", Causes: causes(causeNeighTable),
			Why: "the kernel's \"neighbour: arp_cache: neighbor table overflow!\" as often paraphrased (British spelling): neigh_alloc at gc_thresh3"},
		{Msg: "xfrm", Errno: symptom.EAFNOSUPPORT, Causes: causes(causeModuleMissing, causeSysctl),
			Why: "net/xfrm/xfrm_user.c: XFRM requests for a family the kernel lacks (xfrm4/xfrm6 modules, IPv6 not built) answer EAFNOSUPPORT"},
		{Msg: "could not load configuration files", Source: "networkd", Causes: causes(causeNetconfig, causeMACDenial),
			Why: "systemd-networkd exits when it cannot read /etc/systemd/network (a file or directory it, user systemd-network, may not read)"},
		{Op: symptom.OpLinkSet, Errno: symptom.ERANGE, Causes: causes(causeMTU),
			Why: "net/8021q/vlan_dev.c vlan_dev_change_mtu: ERANGE for a VLAN MTU above its lower device's"},
		{Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Causes: causes(causeDeviceBusy, causeInvalidRequest, causeModuleMissing, causeUnsupportedFeature),
			Why: "net/core/rtnetlink.c do_set_master: EOPNOTSUPP when the master cannot take ports (no ndo_add_slave: a NIC, an OVS bridge; invalid-request checks the master's kind); net/bridge/br_if.c br_add_if: EOPNOTSUPP for a Wi-Fi station without 4-address mode; a driver without the operation asked (dev_xdp_attach, do_setvfinfo)"},
		{Op: symptom.OpSysctl, Errno: symptom.EINVAL, Msg: "/mtu", Causes: causes(causeMTU, causeSysctl),
			Why: "net/ipv6/addrconf.c addrconf_sysctl_mtu: EINVAL for an IPv6 MTU below 1280 or above the link's MTU"},
		{Errno: symptom.EINVAL, Msg: "/run/netns/", Causes: causes(causeNetnsReference),
			Why: "setns() on a /run/netns name that is a plain file (left after a crash, or not propagated) is EINVAL: the fd is not an nsfs file"},
		{Msg: "unknown fs magic", Causes: causes(causeNetnsReference),
			Why: "containers/common and CNI check the file's filesystem: a saved netns path that is not nsfs (unmounted, or after a reboot)"},
		{Msg: "bond device has slaves", Causes: causes(causeDeviceBusy),
			Why: "drivers/net/bonding/bond_options.c: options flagged BOND_OPTFLAG_NOSLAVES (mode...) cannot change while the bond has ports"},
		{Op: symptom.OpNetlink, Errno: symptom.EPROTONOSUPPORT, Causes: causes(causeModuleMissing, causeSeccomp),
			Why: "net/netlink/af_netlink.c netlink_create: EPROTONOSUPPORT when no module provides the netlink family (NETLINK_XFRM, NETLINK_GENERIC families...) after request_module"},
		{Msg: "can not be enslaved while up", Causes: causes(causeDeviceBusy, causeLinkState),
			Why: "drivers/net/bonding/bond_main.c bond_enslave: EPERM \"Device can not be enslaved while up\" (not a capability)"},
		{Errno: symptom.EPERM, Msg: "open /dev/net/tun: operation not permitted", Causes: causes(causeTunDevice, causeContainerRestricted),
			Why: "opening the node needs no capability (TUNSETIFF does): EPERM from open(2) on /dev/net/tun is the device cgroup refusing it (security/device_cgroup.c devcgroup_check_permission: a container without --device, a unit's DeviceAllow= or PrivateDevices=)"},
		{Errno: symptom.EPERM, Msg: "openat", InMessage: true, Path: "/dev/net/tun", Causes: causes(causeTunDevice, causeContainerRestricted),
			Why: "strace of openat(..., \"/dev/net/tun\", O_RDWR) = -1 EPERM: the device cgroup refused the open (devcgroup_check_permission), not a missing capability"},
		{Op: symptom.OpTunOpen, Errno: symptom.EPERM, Msg: "mknod", InMessage: true, Causes: causes(causeTunDevice, causeContainerRestricted),
			Why: "fs/namei.c vfs_mknod: creating a device node needs CAP_MKNOD in the initial user namespace (EPERM in a user-namespaced container): /dev/net/tun must be bound in from the host instead"},
		{Op: symptom.OpTunOpen, Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest, causeTunDevice, causeEmulatedKernel),
			Why: "drivers/net/tun.c tun_set_iff: EINVAL for flags the existing device does not have (IFF_MULTI_QUEUE on a single-queue tap: queues=N against a tap made without multi_queue), an unknown flag, a name of the wrong type"},
		{Op: symptom.OpTunOpen, Errno: symptom.E2BIG, Causes: causes(causeInvalidRequest),
			Why: "drivers/net/tun.c tun_attach: E2BIG when the tap already has MAX_TAP_QUEUES (256) queues: more queues were asked than a tap can have"},
		{Errno: symptom.E2BIG, Causes: causes(causeInvalidRequest),
			Why: "drivers/net/tun.c tun_attach: E2BIG when a tap already has MAX_TAP_QUEUES (256) queues; from netlink, a request or attribute larger than allowed: the request asks too much"},
		{Msg: "permission to capture", InMessage: true, Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeCapNetAdmin),
			Why: "libpcap's words for EACCES too: creating a packet socket needs no file permission, so EACCES is a security module's socket hook (security_socket_create), not a missing capability (EPERM)"},
		{Msg: "permission to capture", InMessage: true, Causes: causes(causeCapNetAdmin, causeContainerRestricted, causeMACDenial),
			Why: "net/packet/af_packet.c packet_create: a packet socket needs CAP_NET_RAW (EPERM without it: a user, a container without NET_RAW); libpcap says the same words for EACCES, a security module's refusal"},
		{Msg: "perform this capture", InMessage: true, Causes: causes(causeCapNetAdmin, causeContainerRestricted, causeMACDenial),
			Why: "net/packet/af_packet.c packet_create: a packet socket needs CAP_NET_RAW (EPERM without it); libpcap says the same words for EACCES, a security module's refusal"},
		{Msg: "accept_ra set to 2", Causes: causes(causeSysctl),
			Why: "libvirt src/util/virnetdevip.c virNetDevIPCheckIPv6Forwarding: IPv6 forwarding is refused while an interface accepts router advertisements with accept_ra=1 (forwarding turns them off): net.ipv6.conf.IF.accept_ra=2"},
		{Errno: symptom.ELOOP, Has: "self-master", Causes: causes(causeInvalidRequest),
			Why: "a device asked to be its own master's port (ip link set br0 master br0): net/core/dev.c netdev_upper_dev_link refuses the loop (ELOOP), and br_add_if a bridge as a port: the request is wrong"},
		{Op: symptom.OpUserns, Errno: symptom.EPERM, InContainer: true, Has: "default-seccomp", Causes: causes(causeSeccomp, causeContainerRestricted),
			Why: "moby profiles/seccomp/default.json: unshare(2) and clone(2) with CLONE_NEWUSER are allowed only to containers with CAP_SYS_ADMIN; otherwise the filter answers EPERM (SCMP_ACT_ERRNO)"},
		{Errno: symptom.ELOOP, Causes: causes(causeInvalidRequest, causeDeviceBusy),
			Why: "net/bridge/br_if.c br_add_if: ELOOP \"Can not enslave a bridge to a bridge\"; netdev_upper_dev_link refuses loops"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EEXIST, Causes: causes(causeNameConflict, causeNetnsReference),
			Why: "iproute2 ip netns add: the name already exists under /run/netns (\"Cannot create namespace file\")"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EBUSY, Causes: causes(causeNetnsReference),
			Why: "unlinking a /run/netns name that is still a mount point (here or in another mount namespace) is EBUSY"},
		{Msg: "message overrun", Causes: causes(causeNetlinkBuffer, causeKernelMemory),
			Why: "net/netlink/af_netlink.c netlink_overrun: a socket whose receive queue is full drops the message and its next recvmsg returns ENOBUFS"},
		{InContainer: true, Errno: symptom.EPERM, Causes: causes(causeContainerRestricted, causeCapNetAdmin, causeSeccomp),
			Why: "the text shows the command ran in a container: EPERM there is most often the runtime's bounding set without CAP_NET_ADMIN (rtnetlink_rcv_msg's capability check), then a seccomp profile"},
		{InContainer: true, Errno: symptom.EROFS, Causes: causes(causeContainerRestricted, causeSysctl),
			Why: "container runtimes mount /proc/sys read-only"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EMFILE, Causes: causes(causeFDExhaustion),
			Why: "opening the namespace file needs a descriptor: fs/file.c alloc_fd EMFILE at RLIMIT_NOFILE"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.ENFILE, Causes: causes(causeFDExhaustion),
			Why: "opening the namespace file needs a descriptor: ENFILE at fs.file-max"},
		{Errno: symptom.ENOSYS, Msg: "setting the network namespace", Causes: causes(causeModuleMissing, causeNetnsReference),
			Why: "iproute2 netns_switch: setns() is ENOSYS on a kernel without it (before 3.0, or CONFIG_NET_NS unset)"},
		{Op: symptom.OpNetlink, Errno: symptom.ENOSYS, Causes: causes(causeSeccomp, causeModuleMissing),
			Why: "socket() exists in every kernel: ENOSYS from it (or socketcall on 32-bit) is a seccomp filter's SCMP_ACT_ERRNO(ENOSYS), as docker's default profile returns for calls it does not list"},
		{Errno: symptom.ESRCH, Causes: causes(causeNetnsReference, causeLinkState, causeAlreadyExists),
			Why: "iproute2 takes a netns NAME it cannot open (no /run/netns/NAME) as a PID: rtnl_link_get_net -> get_net_ns_by_pid answers ESRCH"},
		{Errno: symptom.ENOSYS, Causes: causes(causeModuleMissing),
			Why: "ENOSYS: the kernel was built without the feature (setns on a kernel without CONFIG_NET_NS, a syscall filtered to ENOSYS)"},
		{Errno: symptom.ERANGE, Causes: causes(causeInvalidRequest, causeNameConflict),
			Why: "lib/nlattr.c validate_nla: ERANGE for an attribute outside its policy, whatever the request: a value out of its range (nla_validate_int_range; a library encoding a VLAN id wrongly: little-dude/netlink#262), a payload of the wrong size (IFLA_VXLAN_GBP sent with a byte: vishvananda/netlink#145), an empty RTA_DST: the request as built; an interface name beyond IFNAMSIZ-1 is one such attribute (IFLA_IFNAME); a VLAN's MTU above its lower device is ERANGE too (net/8021q/vlan_dev.c vlan_dev_change_mtu)"},
		{Op: symptom.OpLinkAdd, Errno: symptom.ERANGE, Causes: causes(causeNameConflict, causeInvalidRequest),
			Why: "lib/nlattr.c validate_nla: ERANGE for IFLA_IFNAME beyond IFNAMSIZ-1 (ifla_policy .len = IFNAMSIZ - 1), the attribute of a new link that programs most often get wrong: a derived name (netavark's bridge, libvirt's virbr-NAME, a WireGuard name from a location) one byte too long; any other attribute out of range is the request as built"},
		{Op: symptom.OpAddrAdd, Errno: symptom.ERANGE, Causes: causes(causeInvalidRequest),
			Why: "an address carries no device name: ERANGE from RTM_NEWADDR is an attribute outside its policy (lib/nlattr.c validate_nla: an empty IFA_BROADCAST, an IFA_LABEL beyond IFNAMSIZ-1), the request as built (jsimonetti/rtnetlink#73)"},
		{Op: symptom.OpSysctl, Msg: "net.mpls", Errno: symptom.ENOENT, Causes: causes(causeModuleMissing, causeLinkState),
			Why: "net.mpls.* keys exist only with mpls_router loaded (net/mpls/af_mpls.c mpls_net_init): sysctl's \"unknown key\" for them is the module missing (ipspace/netlab#3024)"},
		{Msg: "/proc/sys/net/mpls/", Errno: symptom.ENOENT, Causes: causes(causeModuleMissing, causeLinkState),
			Why: "net/mpls/af_mpls.c mpls_net_init registers net.mpls.* (platform_labels) and mpls_dev_sysctl_register net.mpls.conf.DEV only when mpls_router is loaded: ENOENT without it (ipspace/netlab#3024); a per-device key is ENOENT too for a device that does not exist, or whose type MPLS does not take (only Ethernet, loopback, GRE, SIT, IPIP and a few more)"},
		{Msg: "mpls kernel extensions not detected", Causes: causes(causeModuleMissing),
			Why: "FRR zebra's mpls_kernel_init looks for /proc/sys/net/mpls, which exists only with mpls_router loaded (net/mpls/af_mpls.c), once when zebra starts: not detected means the module was not loaded (or not installed for the running kernel) then; load it and restart zebra (FRRouting/frr#4872)"},
		{Msg: "/sys/class/net/", Errno: symptom.ENOENT, Causes: causes(causeLinkState, causeModuleMissing),
			Why: "sysfs shows the devices of the network namespace that mounted /sys under /sys/class/net/DEV (net/core/net-sysfs.c netdev_register_kobject): ENOENT under it means the device does not exist (any more) there, or a driver's attribute directory (batman_adv, bonding) without its module; a process that entered another namespace without remounting /sys (nsenter, unlike ip netns exec) still sees the old one's"},
		{Msg: "set namespace on link", Errno: symptom.EINVAL, Causes: causes(causeUnsupportedFeature, causeNetnsReference),
			Why: "net/core/dev.c __dev_change_net_namespace: EINVAL for a device marked netns_local (NETIF_F_NETNS_LOCAL: vxlan before 3.16, loopback, some drivers), which cannot move to another namespace; an IFLA_NET_NS_FD that is no namespace is EINVAL too (docker overlay on 3.10 and 3.13 kernels: corpus ctr-087, ctr5-013)"},
		{Msg: "does not work on wireless", Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "a macvlan or macvtap on a Wi-Fi station: 802.11 in managed mode carries frames of the station's own MAC only (3-address frames), so a second MAC on the link cannot work without 4-address mode or an AP that allows it (kiss-vm's own check, corpus ctr6-031)"},
		{Msg: "ipv6 is disabled via sysctl", Causes: causes(causeSysctl),
			Why: "drivers/net/vxlan/vxlan_core.c: an IPv6 vxlan whose lower device has disable_ipv6 set is refused with EPERM after pr_info(\"IPv6 is disabled via sysctl\") (corpus host3-023: OpenWrt netifd)"},
		{Msg: "vxlan: cannot bind port", Errno: symptom.EAFNOSUPPORT, Causes: causes(causeSysctl, causeModuleMissing),
			Why: "drivers/net/vxlan/vxlan_core.c vxlan_sock_add opens an IPv6 UDP socket for an IPv6 or metadata (collect_md, OVS and SDN) vxlan: vxlan_socket_create logs \"Cannot bind port\" with EAFNOSUPPORT when IPv6 is disabled at boot (ipv6.disable=1); a metadata vxlan then goes on with its IPv4 socket (the line is noise there), an IPv6 one fails (openshift/openshift-ansible#3775)"},
		{Msg: "iftype", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/wireless/util.c cfg80211_change_iface: EOPNOTSUPP when the wiphy's interface_modes lack the type asked (iftype 3 is AP, 6 monitor): the driver cannot do that mode (vanhoefm/krackattacks-scripts#68)"},
		{Msg: "missing kernel module?", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "iptables (libxtables) \"Extension X revision 0 not supported, missing kernel module?\": the kernel has no xt_X match or target: a kernel built without it (WSL 2's config, Yocto and self-built kernels: microsoft/WSL#11140) or its module not loadable"},
		{Msg: "loopback interface", Errno: symptom.EPERM, InMessage: true, Causes: causes(causeCapNetAdmin, causeContainerRestricted, causeMACDenial),
			Why: "configuring a loopback, most often in a network namespace the process has just made (PrivateNetwork=, a build sandbox): CAP_NET_ADMIN is checked in the user namespace owning that netns; without the capability the request is EPERM (a container's bounding set without it: systemd-nspawn drops it, systemd/systemd#13308, #27292; with facts, a container without it ranks first)"},
		{Msg: "loopback interface", Errno: symptom.EPERM, InMessage: true, InContainer: true, Causes: causes(causeContainerRestricted, causeCapNetAdmin),
			Why: "the same in a container: the namespace could be made (CAP_SYS_ADMIN) but the container's bounding set lacks CAP_NET_ADMIN (systemd-nspawn drops it: systemd/systemd#13308, #27292)"},
		{Msg: "tun device", Errno: symptom.ENODEV, InMessage: true, Causes: causes(causeModuleMissing, causeTunDevice),
			Why: "drivers/char/misc.c misc_open: ENODEV opening /dev/net/tun when no driver holds minor 200 (the tun module not loaded, request_module(\"char-major-10-200\") found none), whatever the program calls the step (mysteriumnetwork/mysterium-vpn-desktop#408)"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EINVAL, Msg: "clone", Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "net/core/net_namespace.c copy_net_ns: a new network namespace (clone/unshare with CLONE_NEWNET) on a kernel built without CONFIG_NET_NS is EINVAL (corpus host2-021)"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.EINVAL, Msg: "unshare", Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "net/core/net_namespace.c copy_net_ns: unshare(CLONE_NEWNET) on a kernel built without CONFIG_NET_NS is EINVAL"},
		{Op: symptom.OpUserns, Errno: symptom.EINVAL, Causes: causes(causeUsernsRemap, causeModuleMissing, causeInvalidRequest),
			Why: "a user namespace refused with EINVAL: RHEL 7's kernels with user.max_user_namespaces=0 (podman-container-tools/podman#7704); a kernel built without CONFIG_USER_NS (kernel/user_namespace.c); kernel/fork.c check_unshare_flags for unshare(CLONE_NEWUSER) from a process with more than one thread (a program's mistake)"},
		{Msg: "unknown host qemu_", Causes: causes(causeEmulatedKernel),
			Why: "QEMU user-mode emulation (linux-user/fd-trans.c) translates netlink messages between guest and host and prints \"Unknown host QEMU_IFLA type\" for attributes it does not know: the answer comes through an emulation layer (multiarch/qemu-user-static#59)"},
		{Errno: symptom.ENODEV, Has: "keyword-device", Causes: causes(causeInvalidRequest, causeLinkState),
			Why: "iproute2 took one of its own keywords for the device's name (\"ip link set dev up\": an empty variable before it): ll_name_to_index finds no such device; the command line is wrong (zephyrproject-rtos/net-tools#22)"},
		{Op: symptom.OpLinkSet, Errno: symptom.EBUSY, Has: "circular", Causes: causes(causeInvalidRequest, causeDeviceBusy),
			Why: "net/core/dev.c __netdev_upper_dev_link (to prevent loops): EBUSY when the master is already above the port (a VLAN enslaved under its own lower device, siderolabs/talos#7331): the request is circular"},
		{Errno: symptom.EMLINK, Causes: causes(causeInvalidRequest),
			Why: "net/core/dev.c __netdev_upper_dev_link: EMLINK when the port's lower levels plus the master's upper levels exceed MAX_NEST_DEV (8): devices stacked too deep (VLAN on VLAN on bond on bridge...), the request as asked"},
		{Errno: symptom.ENOTSOCK, Causes: causes(causeInvalidRequest, causeEmulatedKernel),
			Why: "ENOTSOCK: a socket call on a descriptor that is no socket: the program's own mistake (a setns syscall number wrong for the architecture lands on sendmmsg: vishvananda/netns#8, moby/moby#14184), or a kernel emulation answering differently"},
		{Errno: symptom.EBADF, Causes: causes(causeInvalidRequest, causeNetnsReference, causeFDExhaustion),
			Why: "EBADF: a descriptor that is not open (closed early, or reused), the program's own mistake; setns or IFLA_NET_NS_FD on such a descriptor fails before any namespace is looked at"},
		{Msg: `invalid "netns" value`, Causes: causes(causeNetnsReference),
			Why: "iproute2 ip/iplink.c: netns_get_fd(NAME) could not open /run/netns/NAME and NAME is no PID: \"Invalid \\\"netns\\\" value\": the namespace to move into is missing or not mounted here"},
		{Op: symptom.OpLinkDel, Errno: symptom.EOPNOTSUPP, Causes: causes(causeInvalidRequest, causeLinkState),
			Why: "net/core/rtnetlink.c rtnl_dellink: EOPNOTSUPP when the device's kind has no dellink (a physical NIC, loopback) or the request names it in a way the kernel cannot use: the request, not a missing module (containers/netavark#345: the crate's delete refused while ip link del works)"},
		{Msg: "siocgif", Errno: symptom.EOPNOTSUPP, Causes: causes(causeInvalidRequest, causeEmulatedKernel, causeUnsupportedFeature),
			Why: "net/socket.c sock_do_ioctl: the SIOCGIF* interface queries reach dev_ioctl only when the socket family's ioctl answers ENOIOCTLCMD; issued on a netlink socket, kernels whose netlink used sock_no_ioctl (4.1: Avnu/OpenAvnu#605) answer EOPNOTSUPP: the request went to a socket that does not take it; an emulated kernel may refuse them too"},
		{Msg: "bridge vlan", Errno: symptom.EOPNOTSUPP, Causes: causes(causeInvalidRequest, causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/core/rtnetlink.c rtnl_bridge_setlink: EOPNOTSUPP when a port's VLAN request (BRIDGE_FLAGS_MASTER) goes to a device without a bridge master, or a self request to a device whose driver has no ndo_bridge_setlink (a bond under a bridge): the request was sent to the wrong device (systemd/systemd#38157); a kernel built without CONFIG_BRIDGE_VLAN_FILTERING answers EOPNOTSUPP to every VLAN request (br_private.h stubs)"},
		{InvalidName: true, Causes: causes(causeNameConflict),
			Why: "iproute2 check_ifname / the kernel's dev_valid_name: a name longer than 15 bytes or with '/', ':' or spaces is refused"},
		{Msg: "seccomp", InMessage: true, Causes: causes(causeSeccomp),
			Why: "the message names seccomp (a program's own filter reporting a violation: dhcpcd's ps_seccomp_violation; SIGSYS with si_code SYS_SECCOMP): kernel/seccomp.c killed or refused the call"},
		{Msg: "seccomp_violation", Causes: causes(causeSeccomp),
			Why: "a program's own seccomp filter reporting the call it killed (dhcpcd privsep: ps_seccomp_violation): kernel/seccomp.c ran the filter"},
		{Msg: "sys_seccomp", Causes: causes(causeSeccomp),
			Why: "SIGSYS with si_code SYS_SECCOMP (strace: --- SIGSYS {si_code=SYS_SECCOMP ...}): kernel/seccomp.c seccomp_send_sigsys, a filter's SECCOMP_RET_TRAP or KILL"},
		{Msg: "sigsys", InMessage: true, Causes: causes(causeSeccomp),
			Why: "kernel/seccomp.c seccomp_send_sigsys: a filter returning SECCOMP_RET_TRAP or KILL raises SIGSYS (\"Bad system call\")"},
		{Msg: "bad system call", InMessage: true, Causes: causes(causeSeccomp),
			Why: "the shell's words for a process killed by SIGSYS, which a seccomp filter (SECCOMP_RET_KILL_PROCESS/TRAP) raises"},
		{Msg: "avc:", Causes: causes(causeMACDenial),
			Why: "an SELinux AVC denial record was pasted: the policy refused the access"},
		{Msg: "apparmor=\"denied\"", Causes: causes(causeMACDenial),
			Why: "an AppArmor DENIED record was pasted: the profile refused the access"},
		{Msg: "-> unmanaged", Source: "networkd", Causes: causes(causeNetconfig),
			Why: "systemd-networkd leaves a link unmanaged when no .network file matches it (or it is ignored)"},
		{Msg: "open tun/tap dev", Errno: symptom.EPERM, Causes: causes(causeTunDevice, causeContainerRestricted),
			Why: "OpenVPN's open() of /dev/net/tun: open has no capability check, EPERM comes from the device cgroup (security/device_cgroup.c) refusing the node"},
		{Msg: "could not configure /dev/net/tun", Errno: symptom.EPERM, Causes: causes(causeTunDevice, causeCapNetAdmin),
			Why: "qemu's tap_open names an existing device: drivers/net/tun.c tun_set_iff returns EPERM for a persistent device whose owner or group is not the caller's (tun_not_capable)"},
		{Op: symptom.OpAddrAdd, Errno: symptom.EEXIST, Causes: causes(causeAlreadyExists, causeNameConflict),
			Why: "net/ipv4/devinet.c __inet_insert_ifa, net/ipv6/addrconf.c ipv6_add_addr: EEXIST for an address already on the device"},
		{Op: symptom.OpRouteAdd, Errno: symptom.EEXIST, Causes: causes(causeAlreadyExists, causeNameConflict),
			Why: "net/ipv4/fib_trie.c fib_table_insert: EEXIST with NLM_F_EXCL when the route exists (ip route add)"},
		{Op: symptom.OpNeighAdd, Errno: symptom.EEXIST, Causes: causes(causeAlreadyExists),
			Why: "net/core/neighbour.c neigh_add: EEXIST with NLM_F_EXCL"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EEXIST, Causes: causes(causeNameConflict, causeAlreadyExists),
			Why: "net/core/dev.c dev_get_valid_name / register_netdevice: EEXIST when the name (or a veth peer's) is taken"},
		{Op: symptom.OpLinkSet, Errno: symptom.EEXIST, Causes: causes(causeNameConflict),
			Why: "net/core/dev.c dev_change_name / dev_change_net_namespace: EEXIST when the new name is taken in the target namespace"},
		{Op: symptom.OpLinkSet, Errno: symptom.EADDRINUSE, Causes: causes(causeAddressInUse),
			Why: "drivers/net/vxlan/vxlan_core.c vxlan_open -> vxlan_sock_add -> vxlan_socket_create: binding the UDP port fails EADDRINUSE (\"Cannot bind port\"); drivers/net/macvlan.c macvlan_open and macvlan_set_mac_address: macvlan_addr_busy -> EADDRINUSE"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EADDRINUSE, Causes: causes(causeAddressInUse),
			Why: "ip link add ... up opens the device in the same request (rtnl_configure_link -> dev_open -> vxlan_open/macvlan_open): EADDRINUSE as for link set up"},
		{Op: symptom.OpLinkSet, Errno: symptom.EADDRNOTAVAIL, Causes: causes(causeInvalidRequest),
			Why: "net/ethernet/eth.c eth_prepare_mac_addr_change (ip link set address) and eth_validate_addr (ndo_validate_addr in dev_open: ip link set up): EADDRNOTAVAIL when the MAC is multicast or zero (is_valid_ether_addr); macvlan_set_mac_address the same"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EADDRNOTAVAIL, Causes: causes(causeInvalidRequest),
			Why: "drivers/net/veth.c veth_validate, macvlan_validate, vxlan_validate (\"Provided Ethernet address is not unicast\"): EADDRNOTAVAIL for an IFLA_ADDRESS that is not a valid unicast MAC"},
		{Op: symptom.OpNeighAdd, Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest),
			Why: "net/core/neighbour.c neigh_add/__neigh_update: EINVAL for a missing (\"No link layer address given\") or short (\"Invalid link address\") lladdr"},
		{Op: symptom.OpRouteAdd, Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest, causeLinkState),
			Why: "net/ipv4/fib_frontend.c rtm_to_fib_config and fib_semantics.c fib_create_info: EINVAL for attributes the route cannot have (a prefix with host bits, a source that is not an address, a scope or type that does not fit, a library's malformed request); fib_check_nh: EINVAL for a gateway not reachable on the link (with an extended ACK that says so: link-state)"},
		{Op: symptom.OpRouteAdd, Errno: symptom.ENODEV, Has: "library-no-dev", Causes: causes(causeInvalidRequest, causeLinkState),
			Why: "net/ipv4/fib_semantics.c fib_check_nh, net/ipv6/route.c ip6_route_check_nh: ENODEV for a nexthop with no usable device, as a library builds it (RTNH_F_ONLINK without an output device: jech/babeld#14; an IPv6 multipath without dev: svinota/pyroute2#418); a named device that is gone is link-state's"},
		{Op: symptom.OpRouteAdd, Errno: symptom.ENODEV, Causes: causes(causeLinkState),
			Why: "net/ipv4/fib_semantics.c: ENODEV when the device named with dev does not exist"},
		{Op: symptom.OpAddrAdd, Errno: symptom.ENODEV, Causes: causes(causeLinkState),
			Why: "net/ipv4/devinet.c inet_rtm_newaddr: ENODEV when the device does not exist"},
		{Op: symptom.OpLinkSet, Errno: symptom.ENODEV, Causes: causes(causeLinkState),
			Why: "net/core/rtnetlink.c rtnl_setlink / do_set_master: ENODEV when the device or its master does not exist"},
		{Op: symptom.OpLinkAdd, Errno: symptom.ENODEV, Causes: causes(causeLinkState),
			Why: "drivers/net/macvlan.c macvlan_common_newlink, vlan_newlink: ENODEV when the lower device named with link does not exist"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EOPNOTSUPP, Causes: causes(causeModuleMissing, causeContainerRestricted, causeNetconfig),
			Why: "net/core/rtnetlink.c rtnl_newlink: EOPNOTSUPP when no module provides the kind (request_module is refused or finds nothing)"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EINVAL, Causes: causes(causeNameConflict, causeLinkState, causeModuleMissing, causeUnsupportedFeature),
			Why: "rtnl_newlink: EINVAL for an invalid name; macvlan/vlan without a lower device (no IFLA_LINK) EINVAL; macvlan_port_create/ipvlan_port_create: EINVAL for a lower device that is not Ethernet"},

		// --- /dev/net/tun.
		{Op: symptom.OpTuntapAdd, Errno: symptom.ENOENT, Causes: causes(causeTunDevice, causeModuleMissing, causeContainerRestricted),
			Why: "open(/dev/net/tun): ENOENT when the node is missing (containers without --device /dev/net/tun)"},
		{Op: symptom.OpTunOpen, Errno: symptom.ENOENT, Causes: causes(causeTunDevice, causeModuleMissing, causeContainerRestricted),
			Why: "open(/dev/net/tun): ENOENT when the node is missing"},
		{Op: symptom.OpTuntapAdd, Errno: symptom.EACCES, Causes: causes(causeTunDevice, causeMACDenial, causeContainerRestricted),
			Why: "open(/dev/net/tun): EACCES from the node's mode or a nodev mount; an LSM denial is EACCES too"},
		{Op: symptom.OpTunOpen, Errno: symptom.EACCES, Causes: causes(causeTunDevice, causeMACDenial, causeContainerRestricted),
			Why: "open() of the tun node: EACCES is the node's mode against the caller (0660 or 0600 nodes: Android's /dev/tun, hardened images), a nodev mount (tun-device checks both), or a security module"},
		{Op: symptom.OpTunOpen, Errno: symptom.EACCES, Msg: "qemu", Causes: causes(causeMACDenial, causeTunDevice),
			Why: "QEMU started by libvirt runs confined (svirt SELinux labels, libvirt's AppArmor profile): on a 0666 node its EACCES is the security module's"},
		{Op: symptom.OpTuntapAdd, Errno: symptom.ENODEV, Causes: causes(causeModuleMissing, causeTunDevice, causeContainerRestricted),
			Why: "drivers/char/misc.c misc_open: ENODEV when no misc device is registered for minor 200 after request_module: the tun driver is not built or not loaded (tun-device checks the driver with the node)"},
		{Op: symptom.OpTunOpen, Errno: symptom.ENODEV, Causes: causes(causeModuleMissing, causeTunDevice, causeContainerRestricted),
			Why: "drivers/char/misc.c misc_open: ENODEV when no misc device is registered for minor 200 after request_module: the tun driver is not built or not loaded (tun-device checks the driver with the node)"},
		{Op: symptom.OpTuntapAdd, Errno: symptom.EPERM, Causes: causes(causeCapNetAdmin, causeTunDevice, causeContainerRestricted),
			Why: "drivers/net/tun.c tun_set_iff: EPERM when !tun_capable (no CAP_NET_ADMIN) or a persistent device owned by another user; the device cgroup denies open with EPERM"},
		{Op: symptom.OpTunOpen, Errno: symptom.EPERM, Causes: causes(causeCapNetAdmin, causeTunDevice, causeContainerRestricted),
			Why: "drivers/net/tun.c tun_set_iff: EPERM when !tun_capable; device cgroup EPERM"},
		{Op: symptom.OpTunOpen, Errno: symptom.EPERM, Msg: "open /dev/net/tun", Causes: causes(causeTunDevice, causeContainerRestricted, causeCapNetAdmin),
			Why: "opening /dev/net/tun needs no capability (TUNSETIFF does): EPERM from the open itself is the device cgroup's allowlist (runc 1.2 dropped tun from the default list)"},
		{Op: symptom.OpTunOpen, Errno: symptom.EPERM, Msg: "opening tun device", Causes: causes(causeTunDevice, causeContainerRestricted, causeCapNetAdmin),
			Why: "the open step named by the program (navilg/media-stack#60 \"Unix opening TUN device file: operation not permitted\"): the device cgroup, not a capability"},
		{Op: symptom.OpTuntapAdd, Errno: symptom.EBUSY, Causes: causes(causeDeviceBusy, causeTunDevice, causeNameConflict),
			Why: "drivers/net/tun.c tun_set_iff: EBUSY when the name is a tun device attached to another file (a single-queue device takes one)"},
		{Op: symptom.OpTunOpen, Errno: symptom.EBUSY, Causes: causes(causeDeviceBusy, causeTunDevice),
			Why: "drivers/net/tun.c tun_set_iff: TUNSETIFF on a name whose tun/tap is already attached to another process's file: EBUSY (a second QEMU or emulator on the same tap)"},
		{Path: "/dev/net/tun", Errno: symptom.ENOENT, Causes: causes(causeTunDevice, causeContainerRestricted),
			Why: "open(/dev/net/tun): ENOENT when the node is missing"},
		{Path: "/dev/vhost-net", Errno: symptom.ENOENT, Causes: causes(causeTunDevice, causeContainerRestricted, causeModuleMissing),
			Why: "open(/dev/vhost-net): ENOENT when the node is missing: a container started without --device /dev/vhost-net (clearlinux/distribution#1139), or no vhost_net module to register misc minor 238 (drivers/vhost/net.c VHOST_NET_MINOR)"},
		{Path: "/dev/vhost-net", Errno: symptom.ENODEV, Causes: causes(causeModuleMissing, causeTunDevice),
			Why: "drivers/char/misc.c misc_open: ENODEV when no driver has registered minor 238 and request_module(\"char-major-10-238\") loaded none: the kernel has no vhost_net"},
		{Path: "/dev/vhost-net", Errno: symptom.EACCES, Causes: causes(causeTunDevice, causeMACDenial),
			Why: "open(/dev/vhost-net): EACCES from the node's mode (systemd's udev rule makes it GROUP=kvm, MODE 0666 or 0660 as built) or a nodev /dev (fs/namei.c may_open); a security module's denial (libvirt's sVirt) next (Gentoo bug 593196)"},

		// --- By errno alone.
		{Errno: symptom.EPERM, Causes: causes(causeCapNetAdmin, causeContainerRestricted, causeUsernsRemap, causeMACDenial, causeSysctl, causeTunDevice),
			Why: "net/core/rtnetlink.c rtnetlink_rcv_msg: EPERM unless netlink_net_capable(skb, CAP_NET_ADMIN) in the namespace's owning user namespace"},
		{Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeCapNetAdmin, causeTunDevice, causeContainerRestricted, causeUsernsRemap, causeSysctl),
			Why: "security/selinux/hooks.c selinux_netlink_send and AppArmor's socket hooks deny with EACCES; capability checks give EPERM, not EACCES"},
		{Errno: symptom.EEXIST, Causes: causes(causeAlreadyExists, causeNameConflict, causeNetconfig),
			Why: "EEXIST without the command: most often a route or address added again by a script or VPN client; a taken name when a link was created"},
		{Errno: symptom.EADDRINUSE, Causes: causes(causeAddressInUse, causeAlreadyExists, causeNameConflict),
			Why: "EADDRINUSE: an address or port already taken (vxlan_sock_add, a bound UDP port)"},
		{Errno: symptom.EOPNOTSUPP, Causes: causes(causeModuleMissing, causeContainerRestricted, causeNetconfig),
			Why: "EOPNOTSUPP: the kernel lacks the kind or feature (module not loaded, not built)"},
		{Errno: symptom.EPROTONOSUPPORT, Causes: causes(causeModuleMissing, causeContainerRestricted),
			Why: "socket(AF_NETLINK, ..., NETLINK_GENERIC/...): EPROTONOSUPPORT when the protocol family's module is absent; wireguard's genl family missing"},
		{Errno: symptom.EAFNOSUPPORT, Causes: causes(causeModuleMissing, causeSysctl),
			Why: "EAFNOSUPPORT: no handler for the family or feature: a module or config option missing (xfrm, IPv6 policy routing, IPv6 itself), or IPv6 disabled at boot"},
		{Errno: symptom.EINVAL, Causes: causes(causeInvalidRequest, causeModuleMissing, causeUnsupportedFeature, causeNameConflict, causeLinkState, causeNetconfig),
			Why: "EINVAL without an operation that narrows it: most often the request itself, refused by the attribute policy (lib/nlattr.c validate_nla) or a kind's validate hook (a library encoding an attribute wrongly: rust-netlink/netlink-packet-route#43, meh/rust-tun#107); then a kernel without the kind or attribute, an invalid name, a missing lower device or gateway"},
		{Errno: symptom.ENODEV, Causes: causes(causeLinkState, causeNameConflict, causeModuleMissing, causeNetconfig),
			Why: "__dev_get_by_name/index fails: ENODEV when the named device does not exist (in this namespace)"},
		{Errno: symptom.ENXIO, Causes: causes(causeLinkState, causeTunDevice, causeModuleMissing),
			Why: "ENXIO: no device behind a name or node"},
		{Errno: symptom.ENOENT, Causes: causes(causeModuleMissing, causeSysctl, causeLinkState),
			Why: "ENOENT: a file or object that is not there (a module, a /proc/sys key, a route to delete)"},
		{Errno: symptom.EBUSY, Causes: causes(causeDeviceBusy, causeLinkState, causeTunDevice, causeNameConflict, causeAddressInUse),
			Why: "EBUSY: the device is in use: net/core/dev.c netdev_rx_handler_register returns EBUSY when a bridge/bond/team/OVS port or a macvlan/ipvlan lower already holds the rx handler; an attached tun; older kernels' macvlan_open returns EBUSY for a MAC in use"},
		{Errno: symptom.EMFILE, Causes: causes(causeFDExhaustion, causeKernelMemory),
			Why: "fs/file.c alloc_fd: EMFILE at RLIMIT_NOFILE"},
		{Errno: symptom.ENFILE, Causes: causes(causeFDExhaustion, causeKernelMemory),
			Why: "fs/file_table.c alloc_empty_file: ENFILE at fs.file-max"},
		{Errno: symptom.ENOMEM, Causes: causes(causeKernelMemory, causeFDExhaustion),
			Why: "ENOMEM: an allocation failed (veth's kvcalloc of queues, a memory cgroup limit)"},
		{Errno: symptom.ENOBUFS, Causes: causes(causeNetlinkBuffer, causeKernelMemory, causeFDExhaustion),
			Why: "ENOBUFS: net/netlink/af_netlink.c netlink_overrun sets sk_err = ENOBUFS when a message does not fit the receiver's buffer (counted in /proc/net/netlink Drops); an allocation failure is ENOBUFS too"},
		{Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Has: "master", Causes: causes(causeInvalidRequest, causeDeviceBusy),
			Why: "net/core/rtnetlink.c do_set_master: EOPNOTSUPP when the master has no ndo_add_slave (not a Linux bridge, bond or team: an Open vSwitch bridge, a plain NIC; lxc/lxc#256); a Wi-Fi port says \"Device does not allow enslaving to a bridge\" (device-busy)"},
		{Op: symptom.OpRouteAdd, Errno: symptom.EHOSTUNREACH, Causes: causes(causeLinkState, causeInvalidRequest),
			Why: "net/ipv6/route.c ip6_route_check_nh / ip6_validate_gw: EHOSTUNREACH when no on-link route leads to the IPv6 gateway (the connected prefix is missing, or the gateway lies outside it: add the host route or onlink first)"},
		{Errno: symptom.EHOSTUNREACH, Causes: causes(causeLinkState, causeInvalidRequest),
			Why: "EHOSTUNREACH from rtnetlink: an IPv6 gateway with no on-link route (ip6_route_check_nh)"},
		{Msg: "ifa_f_mcautojoin", Causes: causes(causeInvalidRequest),
			Why: "net/ipv6/addrconf.c inet6_addr_add: a multicast address without IFA_F_MCAUTOJOIN is refused (\"Cannot assign multicast address without IFA_F_MCAUTOJOIN flag\", EADDRNOTAVAIL): the request is wrong, not the system"},
		{Op: symptom.OpTunOpen, Path: "/dev/net/tun", InContainer: true, Causes: causes(causeTunDevice, causeContainerRestricted),
			Why: "a container's tun device that cannot be opened: the node was not passed (--device /dev/net/tun) or the device cgroup refuses it; NET_ADMIN alone does not make the node (dockur/windows#240, netbirdio/docs#19)"},
		{InContainer: true, Msg: "net_admin", Causes: causes(causeContainerRestricted, causeCapNetAdmin),
			Why: "the program's own message asks for NET_ADMIN to be added to its container: the container was started without it"},
		{Errno: symptom.ENETUNREACH, Causes: causes(causeLinkState, causeAlreadyExists),
			Why: "fib_check_nh: ENETUNREACH when no route leads to the gateway (its link is down or has no address)"},
		{Errno: symptom.ENETDOWN, Causes: causes(causeLinkState, causeAlreadyExists),
			Why: "fib_check_nh: ENETDOWN when the nexthop device is down"},
		{Errno: symptom.EADDRNOTAVAIL, Causes: causes(causeLinkState, causeAlreadyExists, causeInvalidRequest),
			Why: "EADDRNOTAVAIL: the address to delete or use as source is not on the device; a MAC that is not unicast (eth_validate_addr)"},
		{Errno: symptom.ESRCH, Causes: causes(causeLinkState, causeAlreadyExists),
			Why: "fib_table_delete: ESRCH when the route to delete does not exist"},
		{Errno: symptom.EROFS, Causes: causes(causeContainerRestricted, causeSysctl),
			Why: "EROFS: /proc/sys (or the file) is mounted read-only, as container runtimes do"},
		{Errno: symptom.ENOSPC, Causes: causes(causeUsernsRemap, causeKernelMemory),
			Why: "ENOSPC: a namespace count limit (user.max_*_namespaces) is reached"},

		// --- By the program that reported it.
		{Source: "networkd", Causes: causes(causeNetconfig),
			Why: "systemd-networkd reported it: its configuration for the device is a cause to check"},
		{Op: symptom.OpTunOpen, Causes: causes(causeTunDevice, causeModuleMissing),
			Why: "a tun device that could not be opened, no errno printed (OpenVPN's \"Cannot allocate TUN/TAP dev dynamically\"): the node or the driver is missing"},
		{Source: "ifupdown", Causes: causes(causeNetconfig),
			Why: "ifupdown refuses an interface /etc/network/interfaces does not define, or a stanza it cannot read: the configuration is the cause"},
		{Source: "netplan", Causes: causes(causeNetconfig),
			Why: "netplan refused its YAML: it writes no networkd or NetworkManager configuration for it"},
		{Source: "NetworkManager", Causes: causes(causeNetconfig),
			Why: "NetworkManager reported it: its configuration for the device is a cause to check"},
		{Source: "docker", Op: symptom.OpNetnsEnter, Causes: causes(causeUsernsRemap, causeContainerRestricted),
			Why: "docker refuses host namespaces under userns-remap"},

		// --- netns-reference: a /run/netns name that is not an nsfs mount.
		{Msg: "peer netns reference is invalid", Causes: causes(causeNetnsReference),
			Why: "net/core/net_namespace.c rtnl_net_getid/rtnl_net_newid: get_net_ns_by_fd fails (not an nsfs file): EINVAL \"Peer netns reference is invalid\""},
		{Msg: "setting the network namespace", Causes: causes(causeNetnsReference),
			Why: "iproute2 lib/namespace.c netns_switch: setns(fd, CLONE_NEWNET) fails EINVAL when /run/netns/NAME is not an nsfs mount"},
		{Msg: "cannot open network namespace", Causes: causes(causeNetnsReference),
			Why: "iproute2 lib/namespace.c netns_switch: open(/run/netns/NAME) fails ENOENT when the name does not exist in this mount namespace"},
		{Op: symptom.OpNetnsEnter, Causes: causes(causeNetnsReference, causeContainerRestricted),
			Why: "entering a named namespace opens /run/netns/NAME and calls setns: ENOENT for a missing name, EINVAL for one that is no nsfs mount (nsfs ns_get_path/proc_ns_file)"},
		{Op: symptom.OpLinkSet, Errno: symptom.EINVAL, Causes: causes(causeMTU, causeNetnsReference, causeDeviceBusy, causeLinkState),
			Why: "net/core/dev.c dev_validate_mtu (mtu out of range), rtnl_link_get_net_capable/get_net_ns_by_fd (IFLA_NET_NS_FD not a netns) and macvlan_changelink (passthru toggle) all return EINVAL on ip link set"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EINVAL, Causes: causes(causeMTU, causeNetnsReference),
			Why: "vlan_newlink/macvlan_common_newlink: EINVAL when IFLA_MTU exceeds the lower device; veth_newlink: EINVAL when the peer's netns fd is no namespace (rtnl_link_get_net)"},

		// --- mtu.
		{Msg: "mtu greater than device maximum", Causes: causes(causeMTU),
			Why: "net/core/dev.c dev_validate_mtu: EINVAL \"mtu greater than device maximum\" when new_mtu > dev->max_mtu"},
		{Msg: "mtu less than device minimum", Causes: causes(causeMTU),
			Why: "net/core/dev.c dev_validate_mtu: EINVAL \"mtu less than device minimum\" when new_mtu < dev->min_mtu"},
		{Errno: symptom.ERANGE, Causes: causes(causeMTU),
			Why: "net/8021q/vlan_dev.c vlan_dev_change_mtu: ERANGE when the VLAN's new MTU exceeds its lower device's"},
		{Errno: symptom.ERANGE, Has: "mtu", Causes: causes(causeMTU),
			Why: "the command sets an MTU: net/8021q/vlan_dev.c vlan_dev_change_mtu returns ERANGE above the lower device's MTU"},
		{Errno: symptom.EINVAL, Msg: "mtu", InMessage: true, Causes: causes(causeMTU, causeInvalidRequest),
			Why: "the message is about an MTU and the answer EINVAL: net/core/dev.c dev_validate_mtu (outside min_mtu/max_mtu), macvlan_change_mtu and vxlan_change_mtu (above the lower device less its headroom), vlan_newlink (above the lower device); networkd's \"Could not set MTU\""},
		{Errno: symptom.ERANGE, Msg: "mtu", Causes: causes(causeMTU),
			Why: "the message is about an MTU: ERANGE is vlan_dev_change_mtu's answer (and networkd's for an MTU outside the device's range, systemd#5954)"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EINVAL, Has: "mtu", Causes: causes(causeMTU),
			Why: "the command sets an MTU: vlan_newlink and macvlan_common_newlink return EINVAL when IFLA_MTU exceeds the lower device, dev_validate_mtu outside min_mtu/max_mtu"},
		{Op: symptom.OpLinkSet, Errno: symptom.EINVAL, Has: "mtu", Causes: causes(causeMTU),
			Why: "the command sets an MTU: net/core/dev.c dev_validate_mtu, macvlan_change_mtu and vxlan_change_mtu return EINVAL"},
		{Op: symptom.OpAddrAdd, Errno: symptom.EINVAL, Msg: "ipv6", Causes: causes(causeMTU),
			Why: "net/ipv6/addrconf.c ipv6_add_dev: EINVAL when dev->mtu < IPV6_MIN_MTU (1280); iproute2 checks prefix lengths itself"},
		{Op: symptom.OpLinkSet, Errno: symptom.EINVAL, Has: "netns", Causes: causes(causeNetnsReference),
			Why: "the command names a namespace: rtnl_link_get_net_by_nlattr -> get_net_ns_by_fd returns EINVAL when /run/netns/NAME is no nsfs file"},
		{Op: symptom.OpLinkAdd, Errno: symptom.EINVAL, Has: "netns", Causes: causes(causeNetnsReference),
			Why: "the command names a namespace (peer ... netns NAME): rtnl_link_get_net returns EINVAL when the fd is no nsfs file"},
		{Op: symptom.OpLinkSet, Errno: symptom.ESRCH, Has: "netns", Causes: causes(causeNetnsReference),
			Why: "iproute2 ip link set DEV netns NAME: without /run/netns/NAME it reads NAME as a PID, and get_net_ns_by_pid answers ESRCH (weaveworks/weave#458)"},
		{Msg: "/run/netns/", Errno: symptom.EINVAL, Causes: causes(causeNetnsReference),
			Why: "a /run/netns name with EINVAL: setns/get_net_ns_by_fd refuse a file that is no nsfs mount (a stale placeholder)"},
		{Msg: "unknown fs magic", Causes: causes(causeNetnsReference),
			Why: "podman checks the netns path with statfs: not NSFS_MAGIC means the name is no namespace mount (a stale path after a reboot)"},
		{Op: symptom.OpNetnsEnter, Errno: symptom.ENOSYS, Msg: "function not implemented", Causes: causes(causeModuleMissing, causeNetnsReference),
			Why: "setns(CLONE_NEWNET) on a kernel built without CONFIG_NET_NS: ENOSYS (Entware/Entware#3)"},
		{Errno: symptom.ENOSYS, Msg: "socket", Causes: causes(causeSeccomp, causeModuleMissing),
			Why: "every kernel has socket(2) and socketcall(2): ENOSYS for them comes from a seccomp profile (docker's blocking socketcall, moby/profiles#21)"},
		{Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Msg: "to bridge", Causes: causes(causeDeviceBusy, causeModuleMissing),
			Why: "net/bridge/br_if.c br_add_if: EOPNOTSUPP for a device flagged IFF_DONT_BRIDGE (a Wi-Fi station without 4-address mode): brctl's \"can't add DEV to bridge BR\""},
		{Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Msg: "vxlan", Causes: causes(causeDeviceBusy),
			Why: "changing an existing vxlan: its driver is loaded, and vxlan_nl2conf refuses on changelink what is fixed at creation (VNI, port, address family) with EOPNOTSUPP"},
		{Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Msg: "master", Causes: causes(causeDeviceBusy, causeModuleMissing),
			Why: "net/bridge/br_if.c br_add_if: EOPNOTSUPP for a device flagged IFF_DONT_BRIDGE, on setting its master"},
		{Errno: symptom.ENOTEMPTY, Msg: "bond", Causes: causes(causeDeviceBusy),
			Why: "drivers/net/bonding/bond_options.c __bond_opt_set: ENOTEMPTY (\"Directory not empty\" from a sysfs write) for an option that needs a bond without ports"},
		{Msg: "because the bond device has slaves", Causes: causes(causeDeviceBusy),
			Why: "drivers/net/bonding/bond_options.c __bond_opt_set: options flagged BOND_OPTFLAG_NOSLAVES (mode...) fail with ENOTEMPTY \"unable to set because the bond device has slaves\""},
		{Msg: "rtnetlink answers", Errno: symptom.ENOBUFS, Causes: causes(causeNeighTable, causeKernelMemory),
			Why: "an ENOBUFS answer to a request is the operation's own failure, not a receive overrun: net/core/neighbour.c neigh_alloc fails ENOBUFS at net.ipv4.neigh.default.gc_thresh3; allocation failures"},
		{Op: symptom.OpSysctl, Errno: symptom.EINVAL, Msg: "/mtu", Causes: causes(causeMTU),
			Why: "net/ipv6/addrconf.c addrconf_sysctl_mtu: the IPv6 MTU must be between IPV6_MIN_MTU and the device's MTU, EINVAL otherwise"},
		{Op: symptom.OpAddrAdd, Errno: symptom.EINVAL, Family: "inet6", Causes: causes(causeMTU, causeLinkState),
			Why: "net/ipv6/addrconf.c ipv6_add_dev: EINVAL when dev->mtu < IPV6_MIN_MTU (1280): the device has no IPv6 to add an address to"},

		// --- device-busy.
		{Op: symptom.OpLinkAdd, Errno: symptom.EBUSY, Causes: causes(causeDeviceBusy),
			Why: "drivers/net/macvlan.c macvlan_port_create / ipvlan_port_create: netdev_rx_handler_register returns EBUSY when the lower device is a bridge/bond/OVS port"},
		{Op: symptom.OpLinkSet, Errno: symptom.EBUSY, Causes: causes(causeDeviceBusy),
			Why: "net/bridge/br_if.c br_add_if, drivers/net/bonding bond_enslave: netdev_rx_handler_register returns EBUSY when the device is a macvlan/ipvlan lower or an OVS port"},
		{Msg: "cannot change vni", Causes: causes(causeDeviceBusy),
			Why: "drivers/net/vxlan/vxlan_core.c vxlan_nl2conf: EOPNOTSUPP \"Cannot change VNI\" on changelink"},
		{Msg: "cannot change port", Causes: causes(causeDeviceBusy),
			Why: "drivers/net/vxlan/vxlan_core.c vxlan_nl2conf: EOPNOTSUPP \"Cannot change port\" on changelink"},
		{Msg: "does not allow enslaving to a bridge", Causes: causes(causeDeviceBusy),
			Why: "net/bridge/br_if.c br_add_if: EOPNOTSUPP \"Device does not allow enslaving to a bridge\" for IFF_DONT_BRIDGE (a Wi-Fi station without 4addr)"},

		// --- netlink-buffer.
		{Op: symptom.OpNetlink, Errno: symptom.ENOBUFS, Causes: causes(causeNetlinkBuffer, causeKernelMemory),
			Why: "net/netlink/af_netlink.c netlink_overrun: the receive queue was full, the next recvmsg returns ENOBUFS"},

		// --- seccomp: errnos a filter returns for a call nothing else refuses.
		{Op: symptom.OpNetlink, Errno: symptom.EPERM, Causes: causes(causeSeccomp, causeContainerRestricted),
			Why: "socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE) needs no capability (net/netlink/af_netlink.c netlink_create checks none for NETLINK_ROUTE): EPERM comes from a seccomp filter (SCMP_ACT_ERRNO(EPERM), systemd SystemCallFilter=)"},
		{Op: symptom.OpNetlink, Errno: symptom.EACCES, Causes: causes(causeMACDenial, causeSeccomp),
			Why: "security_socket_create (SELinux/AppArmor) denies with EACCES; a seccomp filter may return EACCES"},
		{Op: symptom.OpNetlink, Errno: symptom.EAFNOSUPPORT, Causes: causes(causeSeccomp, causeModuleMissing),
			Why: "systemd RestrictAddressFamilies= installs a seccomp filter that fails socket() with EAFNOSUPPORT for unlisted families"},
		{Errno: symptom.EPERM, Causes: causes(causeSeccomp),
			Why: "kernel/seccomp.c: a filter's SECCOMP_RET_ERRNO returns its errno (EPERM by docker's and systemd's default) before the call runs"},
		{Errno: symptom.EACCES, Causes: causes(causeSeccomp),
			Why: "kernel/seccomp.c: SECCOMP_RET_ERRNO may return EACCES"},
		{Errno: symptom.EAFNOSUPPORT, Causes: causes(causeSeccomp),
			Why: "systemd RestrictAddressFamilies=: seccomp returns EAFNOSUPPORT for a socket family not listed"},

		// --- unsupported-feature: the kernel or driver lacks what was asked.
		{Msg: "xdp", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/core/dev.c dev_xdp_attach: EOPNOTSUPP \"Underlying driver does not support XDP in native mode\" when the driver has no ndo_bpf (e1000, most virtual NICs); generic mode works everywhere"},
		{Op: symptom.OpNetlink, Errno: symptom.ENOPROTOOPT, Causes: causes(causeUnsupportedFeature, causeEmulatedKernel),
			Why: "net/netlink/af_netlink.c netlink_setsockopt: ENOPROTOOPT for a socket option this kernel does not know (NETLINK_GET_STRICT_CHK before 4.20, NETLINK_EXT_ACK before 4.12)"},
		{Msg: "setsockopt", Errno: symptom.ENOPROTOOPT, Causes: causes(causeUnsupportedFeature, causeEmulatedKernel),
			Why: "setsockopt answers ENOPROTOOPT for an option the kernel does not know: one newer than the running kernel"},
		{Msg: "to network namespace", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/wireless/nl80211.c nl80211_wiphy_netns: EOPNOTSUPP moving a Wi-Fi device's phy to another namespace when its driver does not set WIPHY_FLAG_NETNS_OK (lxc, incus and docker move Wi-Fi devices this way)"},
		{Msg: "firejail/fnet", Errno: symptom.EINVAL, Causes: causes(causeUnsupportedFeature, causeMTU),
			Why: "firejail --net=IF builds the sandbox's interface as a macvlan on IF (src/fnet: net_create_macvlan); drivers/net/macvlan.c macvlan_port_create answers EINVAL when IF is not an Ethernet device (a tun or WireGuard VPN interface, loopback)"},
		{Source: "iw", Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/wireless/nl80211.c nl80211_wiphy_netns: EOPNOTSUPP when the driver does not set WIPHY_FLAG_NETNS_OK (`iw phy PHY info` lists no set_wiphy_netns); nl80211_set_interface: EOPNOTSUPP for an interface type the driver does not offer"},
		{Source: "iw", Op: symptom.OpLinkAdd, Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/wireless/nl80211.c nl80211_new_interface: EOPNOTSUPP when the driver has no add_virtual_intf or does not support the interface type (its interface_modes)"},
		{Source: "iw", Op: symptom.OpLinkAdd, Errno: symptom.ENODEV, Causes: causes(causeUnsupportedFeature, causeLinkState),
			Why: "out-of-tree Wi-Fi drivers (Realtek rtl88xx) answer ENODEV to nl80211's new-interface request for modes they do not implement (P2P, monitor); the in-tree ones EOPNOTSUPP"},
		{Op: symptom.OpLinkSet, Errno: symptom.EOPNOTSUPP, Msg: "set vf", Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/core/rtnetlink.c do_setvfinfo: EOPNOTSUPP when the physical function's driver has no ndo_set_vf_vlan/ndo_set_vf_link_state/... (and for InfiniBand PFs, which have no VLANs)"},
		// --- an operation named without its errno ("failed to create
		// bridge: exit status 2"): the kernel's usual refusals of it, so
		// that the causes to check come in that order, not in catalogue order.
		{Op: symptom.OpLinkAdd, NoErrno: true, Causes: causes(causeNameConflict, causeModuleMissing, causeLinkState, causeCapNetAdmin),
			Why: "rtnl_newlink's usual refusals: EEXIST for a name taken (name-conflict), EOPNOTSUPP for a kind no module provides, ENODEV for a lower device that is missing, EPERM without CAP_NET_ADMIN"},
		{Op: symptom.OpLinkSet, NoErrno: true, Causes: causes(causeLinkState, causeDeviceBusy, causeMTU),
			Why: "do_setlink's usual refusals: ENODEV for a device that is missing, EBUSY for a change the device refuses while up or in use, EINVAL for an MTU outside its limits"},
		{Op: symptom.OpLinkDel, NoErrno: true, Causes: causes(causeLinkState, causeInvalidRequest),
			Why: "rtnl_dellink: ENODEV for a device already gone, EOPNOTSUPP for one that cannot be deleted (a physical NIC, no dellink)"},
		{Op: symptom.OpTuntapAdd, NoErrno: true, Causes: causes(causeTunDevice, causeDeviceBusy, causeCapNetAdmin),
			Why: "ip tuntap add opens /dev/net/tun (tun-device) then TUNSETIFF: EBUSY for a device another process holds, EPERM without CAP_NET_ADMIN"},
		{Op: symptom.OpAddrAdd, NoErrno: true, Causes: causes(causeAlreadyExists, causeLinkState, causeSysctl),
			Why: "inet_rtm_newaddr/inet6_rtm_newaddr: EEXIST for an address already there, ENODEV for a missing device, EACCES with disable_ipv6 set"},
		{Op: symptom.OpAddrDel, NoErrno: true, Causes: causes(causeLinkState, causeInvalidRequest),
			Why: "inet_rtm_deladdr: ENODEV for a missing device, EADDRNOTAVAIL for an address that is not on it"},
		{Op: symptom.OpRouteDel, NoErrno: true, Causes: causes(causeLinkState, causeInvalidRequest),
			Why: "fib_table_delete: ESRCH for a route that is not there (or given with another table, metric or protocol), ENODEV for a missing device"},
		{Op: symptom.OpNeighAdd, NoErrno: true, Causes: causes(causeNeighTable, causeLinkState, causeInvalidRequest),
			Why: "neigh_add: ENOBUFS when the table is at gc_thresh3, ENODEV for a missing device, EINVAL without lladdr"},
		{Op: symptom.OpRouteAdd, NoErrno: true, Causes: causes(causeLinkState, causeAlreadyExists, causeInvalidRequest),
			Why: "a route add whose errno the text does not give (\"exit status 1\"): the kernel's usual refusals are a device missing or down, or a gateway not reachable on it (fib_check_nh: ENODEV, ENETDOWN, ENETUNREACH), then the route already there (fib_table_insert: EEXIST)"},
		{Source: "iw", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/wireless/nl80211.c: nl80211 answers EOPNOTSUPP for what the Wi-Fi driver does not implement (wiphy netns moves without WIPHY_FLAG_NETNS_OK, interface types outside its interface_modes)"},
		{Msg: "monitor mode", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeDeviceBusy),
			Why: "net/wireless/nl80211.c nl80211_set_interface: EOPNOTSUPP when the driver does not offer the monitor interface type (or active monitor, NL80211_FEATURE_ACTIVE_MONITOR)"},
		{Msg: "ppp discipline", Errno: symptom.EINVAL, Causes: causes(causeModuleMissing),
			Why: "drivers/tty/tty_ldisc.c tty_ldisc_get: EINVAL when line discipline N_PPP is not registered and request_module(\"tty-ldisc-3\") found nothing: ppp_async is not loaded (pppd: \"Couldn't set tty to PPP discipline\")"},
		{Msg: "kernel does not support", Has: "kind", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "a kernel that does not support a link kind (wg-easy: \"your host's kernel does not support WireGuard\") lacks its driver: module-missing, which also covers kernels older than the kind"},
		{Msg: "missing required capability", Causes: causes(causeCapNetAdmin, causeContainerRestricted),
			Why: "a program's own capability check (dnsmasq, pihole-FTL: \"process is missing required capability NET_ADMIN\"): the process does not hold it, a host process started without it or a container not granted it"},
		{Msg: "kernel does not support", Causes: causes(causeUnsupportedFeature, causeModuleMissing),
			Why: "programs that probe for an attribute before using it (cilium: \"kernel does not support IFLA_NETKIT_SCRUB\") say so when the running kernel predates it"},
		{Msg: "not supported by the kernel", Causes: causes(causeUnsupportedFeature, causeModuleMissing),
			Why: "a program's own probe for a kernel feature: the running kernel predates it (module-missing when it is a module the kernel could load)"},
		{Msg: "requires a newer kernel", Causes: causes(causeUnsupportedFeature),
			Why: "a program's own check of the kernel release against the feature it needs"},
		{Msg: "kernel is too old", Alt: []string{"kernel too old", "requires >= v", "requires kernel", "requires linux kernel", "needs a newer kernel", "need a newer kernel", "upgrade your kernel", "please upgrade the kernel"},
			Causes: causes(causeUnsupportedFeature, causeModuleMissing),
			Why:    "a program's own words that the running kernel is older than what it needs (its check of the release): a kernel built without an option is module-missing's, second"},
		// Round 12 (corpus rounds: README): each row is the program's or
		// the kernel's own words, with the source that prints them.
		{Says: true, Msg: "failed to find a unique veth name", Causes: causes(causeNameConflict),
			Why: "containernetworking/plugins pkg/ip/link_linux.go SetupVethWithName: the veth names it tried already exist (the caller's container-side name is taken: containernetworking/cni#155)"},
		{Says: true, Msg: "unknown flow key type", Causes: causes(causeToolVersion),
			Why: "an Open vSwitch datapath client (weaveworks/go-odp) meeting a flow key attribute the kernel's openvswitch family added after it was written: the client is older than the kernel (weaveworks/go-odp#4)"},
		{Says: true, Msg: "unsupported ovs_", Causes: causes(causeToolVersion),
			Why: "an Open vSwitch datapath client refusing an OVS_* attribute of the kernel's openvswitch genetlink family it does not know (weaveworks/weave#1854)"},
		{Says: true, Msg: "extracttcaoptions(): unsupported kind", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "a netlink library refusing an object kind it has no decoder for (florianl/go-tc extractTCAOptions: \"unsupported kind: sfq\"): the library, not the kernel"},
		{Says: true, Msg: "has an invalid length", NoErrno: true, Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "lib/nlattr.c validate_nla: \"netlink: 'COMM': attribute type N has an invalid length.\": the program COMM sent an attribute whose size the kernel's policy does not accept (EINVAL under strict validation): a request built wrongly"},
		{Says: true, Msg: "cannot open session to kernel", Causes: causes(causeUnsupportedFeature, causeModuleMissing, causeToolVersion),
			Why: "ipset (lib/session.c): the kernel's ip_set netlink protocol could not be agreed: a kernel older than the ipset userspace (Entware/Entware#882), or no ip_set module"},
		{Says: true, Msg: "multi-call binary", Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "BusyBox prints its usage (\"BusyBox vX multi-call binary\") when its applet does not take the arguments given: a script written for iproute2's ip (-json, -details) ran BusyBox's (openwrt/packages#26302)"},
		{Says: true, Msg: "ethtool ", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeModuleMissing),
			Why: "net/ethtool: EOPNOTSUPP when the driver has no operation for the request (ethtool -l on r8169 has no get_channels): the device's driver lacks the feature"},
		{Says: true, Msg: "missing nftables", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "mullvad's own words when its nftables policy cannot be installed: no nf_tables module (CachyOS/linux-cachyos#576), or a kernel too old for the expressions it uses"},
		{Says: true, Msg: "device name conflict", Causes: causes(causeNameConflict),
			Why: "libreswan's xfrm_iface_supported: the ipsec interface name it needs is taken by a device it did not create"},
		{Op: symptom.OpRule, Errno: symptom.EINVAL, Msg: "add rule", Causes: causes(causeInvalidRequest, causeModuleMissing),
			Why: "net/core/fib_rules.c fib_nl_newrule on a kernel with rules: EINVAL for a rule missing what iproute2 fills in (a zero-value netlink.Rule: vishvananda/netlink#453); a kernel without rules refuses the dump too"},
		{Says: true, Msg: "nic-offload", Errno: symptom.EINVAL, Causes: causes(causeUnsupportedFeature),
			Why: "net/xfrm/xfrm_device.c xfrm_dev_policy_add/xfrm_dev_state_add: a packet-offload policy or state on a NIC whose driver offers only crypto offload (or none) is refused (libreswan/libreswan#2875)"},
		{Says: true, Msg: "nic-offload", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature),
			Why: "net/xfrm/xfrm_device.c xfrm_dev_policy_add/xfrm_dev_state_add: a packet-offload policy or state on a NIC whose driver offers only crypto offload (or none) is refused (libreswan/libreswan#2875)"},
		{Says: true, Msg: "kernel module", Errno: symptom.EOPNOTSUPP, Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "a program that names a kernel module after the kernel's EOPNOTSUPP (cilium: \"... not supported by the Linux kernel (netlink: operation not supported) ... install the kernel module\"): the link kind's driver is missing"},
		{Says: true, Msg: "do you need to insmod", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "iptables (libiptc): \"can't initialize iptables table `nat': Table does not exist (do you need to insmod?)\": the kernel has no such table: its iptable_nat / ip6table_nat module is missing (appliance kernels: Synology)"},
		{Says: true, Msg: "generic netlink protocol", Causes: causes(causeUnsupportedFeature, causeModuleMissing),
			Why: "pyroute2's \"Generic netlink protocol X not found\": the kernel has no such generic netlink family: older than the family (ethtool's arrived in 5.6) or its module is not loaded"},
		{Says: true, Msg: "brctl: bridge ", Errno: symptom.EOPNOTSUPP, Causes: causes(causeDeviceBusy, causeUnsupportedFeature),
			Why: "BusyBox brctl addif (networking/brctl.c: \"bridge BR: ...\"): net/bridge/br_if.c br_add_if answers EOPNOTSUPP for a device that does not allow enslaving (a Wi-Fi station without 4-address mode)"},
		{Says: true, Msg: "ifindex does not match any interface", Causes: causes(causeInvalidRequest, causeLinkState),
			Why: "drivers/net/ovpn/netlink.c: the request carried an ifindex no ovpn device has: the program sent the wrong one (OpenVPN/openvpn#1064) or the device is gone"},
		{Says: true, Msg: "bad argument `", Causes: causes(causeInvalidRequest, causeToolVersion),
			Why: "iptables/ip6tables (xshared.c): \"Bad argument `X'\" is its refusal of a command line it cannot parse (a rule number on -A): nothing reached the kernel"},
		// Round 13 (old and vendor kernels; containers).
		{Says: true, Msg: "could not fetch rule set generation id", Errno: symptom.EINVAL, Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "iptables-nft (nft_compat): the kernel's nf_tables answered nothing for its generation id: no nf_tables module (Container-Optimized OS: linkerd/linkerd2#9053), or a kernel too old for it"},
		{Says: true, Msg: "nat is only supported for ipv4/ipv6", Causes: causes(causeToolVersion, causeInvalidRequest, causeUnsupportedFeature),
			Why: "nft's check of a NAT statement's family: nft before 0.9.1 refuses NAT in an inet table (which also needs kernel 5.2: ipr-cnrs/nftables#61); in a bridge, netdev or arp table every nft refuses it, the rule itself is wrong"},
		{Says: true, Msg: "[unknown qdisc, optlen=", Causes: causes(causeToolVersion),
			Why: "tc/tc_qdisc.c print_qdisc: this tc has no parser for a qdisc the kernel runs (cake before iproute2 4.19): the qdisc works, tc cannot show its options"},
		{Says: true, Msg: "kernel error received: invalid argument", Causes: causes(causeModuleMissing, causeUnsupportedFeature),
			Why: "ipset (lib/session.c): the kernel refused its request: no ip_set support for the set type, or none at all (a kernel built without CONFIG_IP_SET: Dstack-TEE/meta-dstack#51)"},
		{Says: true, Msg: "while userspace supports protocol versions", Causes: causes(causeToolVersion, causeUnsupportedFeature),
			Why: "ipset's protocol check: the kernel's ip_set and the ipset program speak different protocol versions (an ipset older than the kernel: flatcar/Flatcar#174)"},
		{Says: true, Msg: "failed to meet the minimum", Causes: causes(causeUnsupportedFeature),
			Why: "a program's own check of the kernel release (docker's ipvlan driver: \"kernel version failed to meet the minimum ipvlan kernel requirement of 4.2\")"},
		{Says: true, Msg: "could not process rule", Errno: symptom.ERANGE, Causes: causes(causeUnsupportedFeature, causeInvalidRequest),
			Why: "nf_tables before Linux 4.14 limits table, chain and set names to 32 bytes (NFT_NAME_MAXLEN, later 256; older kernels 16 for sets): a longer name is ERANGE"},
		{Says: true, Msg: "ip6tables", Errno: symptom.EAFNOSUPPORT, Causes: causes(causeSysctl, causeModuleMissing),
			Why: "ip6tables cannot open its socket: the kernel has no IPv6 (booted with ipv6.disable=1, or built without it)"},
		{Says: true, Msg: "the setuid sandbox is not running as root", Errno: symptom.EPERM, Causes: causes(causeMACDenial, causeUsernsRemap, causeSeccomp),
			Why: "Chrome/Electron without a setuid chrome-sandbox (an AppImage, a snap) falls back to user namespaces: on a desktop that is AppArmor's restriction of unprivileged user namespaces (Ubuntu 23.10+: electron/electron#42510), or a kernel without them"},
		{Says: true, Msg: "failed to move to new namespace", Errno: symptom.EPERM, Causes: causes(causeSeccomp, causeUsernsRemap, causeMACDenial),
			Why: "Chrome's zygote (sandbox/linux/services/namespace_sandbox): creating its namespaces was refused: docker's default seccomp profile (jessfraz/dockerfiles#65), a kernel without user namespaces, or AppArmor's restriction"},
		{Says: true, Msg: "privileged mode is incompatible with user namespaces", Causes: causes(causeUsernsRemap),
			Why: "dockerd (daemon/create.go) refuses a privileged container while userns-remap is on: it must run in the host's user namespace (--userns=host)"},
		{Says: true, Msg: "no chain/target/match by that name", NoErrno: true, Causes: causes(causeModuleMissing, causeInvalidRequest),
			Why: "iptables (libiptc ENOENT): the match or target module is missing from the kernel (xt_set for -m set on a vendor kernel: scaleway/kernel-tools#299), or the chain named does not exist"},
		{Says: true, Msg: "no chain/target/match by that name", Errno: symptom.ENOENT, InMessage: true, Causes: causes(causeModuleMissing, causeInvalidRequest),
			Why: "iptables (libiptc ENOENT): the match or target module is missing from the kernel (xt_set for -m set on a vendor kernel: scaleway/kernel-tools#299), or the chain named does not exist"},
		{Says: true, Msg: ".ko.zst): invalid module format", Alt: []string{".ko.xz): invalid module format"}, Errno: symptom.ENOEXEC, Causes: causes(causeToolVersion, causeModuleMissing),
			Why: "BusyBox's modprobe (its wording: \"can't load module\") cannot decompress zstd or xz modules the host ships: the kernel gets no valid module (linuxserver/docker-wireguard#343); kmod's modprobe can"},
		{Errno: symptom.ENOPROTOOPT, Causes: causes(causeUnsupportedFeature, causeEmulatedKernel),
			Why: "setsockopt/getsockopt answer ENOPROTOOPT for an option the kernel does not know (net/netlink/af_netlink.c netlink_setsockopt, net/core/sock.c): on Linux, an option newer than the running kernel"},
		{Msg: "bitrate", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeInvalidRequest),
			Why: "drivers/net/can/dev/netlink.c can_changelink: EOPNOTSUPP when the CAN driver sets no bit timing (no do_set_bittiming or bittiming constants) or the control mode is not among those it supports"},
		{Msg: "bittiming", Errno: symptom.EOPNOTSUPP, Causes: causes(causeUnsupportedFeature, causeInvalidRequest),
			Why: "drivers/net/can/dev/netlink.c can_changelink: EOPNOTSUPP when the CAN driver cannot set the bit timing asked for"},
	}
	// --- emulated-kernel, last: any errno an emulation gives for what it
	// does not implement makes it plausible, so that its proof (the
	// kernel's release and version) ranks it first among the causes the
	// symptom points at.
	for _, e := range emulatedErrnos {
		rankTable = append(rankTable, rankRow{Errno: e, Causes: causes(causeEmulatedKernel),
			Why: "WSL 1's lxcore and gVisor's sentry answer what they do not implement with " + string(e) + " (cause_emulated_kernel.go)"})
	}
	// --- unsupported-feature: the words of each feature newer than some
	// kernels in the field, with the errnos a kernel without it answers.
	for _, f := range kernelFeatures {
		why := fmt.Sprintf("%s arrived in Linux %d.%d: %s", f.what, f.since[0], f.since[1], f.src)
		if len(f.errnos) == 0 {
			rankTable = append(rankTable, rankRow{Msg: f.words[0], Alt: f.words[1:], Causes: causes(causeUnsupportedFeature), Why: why})
		}
		for _, e := range f.errnos {
			rankTable = append(rankTable, rankRow{Msg: f.words[0], Alt: f.words[1:], Errno: e, Causes: causes(causeUnsupportedFeature),
				Why: fmt.Sprintf("%s; without it the kernel answers %s", why, e)})
		}
	}
	// --- tool-version: ip's "either ... or "KEYWORD" is a garbage" for a
	// keyword later iproute2 releases learned (cause_tool_version.go),
	// first among rows of equal weight.
	var kw []rankRow
	for _, w := range slices.Sorted(maps.Keys(newerIPKeywords)) {
		kw = append(kw, rankRow{Msg: `or "` + w + `" is `, Causes: causes(causeToolVersion, causeInvalidRequest),
			Why: "iproute2 lib/utils.c duparg2 for \"" + w + "\", an argument later iproute2 releases know: this ip predates it (or is another tool's)"})
	}
	rankTable = append(kw, rankTable...)
}
