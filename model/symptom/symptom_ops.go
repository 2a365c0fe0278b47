package symptom

import (
	"regexp"
	"strconv"
	"strings"
)

// The operations vocabulary: every way the failing operation shows in a
// pasted text. Three tables, each a row per form with a real example:
//
//   - commandForms: command lines (iproute2, ifconfig, route, brctl, vconfig,
//     sysctl, modprobe, wg-quick...), read word by word in symptom.go;
//   - lineForms: error lines of tools and daemons that carry the error and
//     often the operation and its objects (the first row that matches a line
//     is applied);
//   - opPhrases: words that name only the operation (ioctl names and numbers,
//     library calls, daemon phrases); applied while no operation is known.
//
// To add a form, add a row: its example must be an exact real text (say
// where it comes from in a comment); TestVocabularyExamples runs every
// example through ParseSymptom and checks the row matched.

// lineForm recognises one form of error line and fills the symptom.
type lineForm struct {
	name    string
	example string
	re      *regexp.Regexp
	// find replaces re where a regular expression is too slow: it returns
	// what FindStringSubmatch would.
	find  func(line string) []string
	apply func(s *Symptom, m []string)
}

func (f lineForm) match(line string) []string {
	if f.find != nil {
		return f.find(line)
	}
	return f.re.FindStringSubmatch(line)
}

// mtuToRE reads the MTU a daemon's words ask for ("Could not set MTU to 9000").
var mtuToRE = regexp.MustCompile(`(?i)\bMTU to (\d{1,7})\b`)

var lineForms = []lineForm{
	// QEMU/LXD opening a tap queue (TUNSETIFF on /dev/net/tun).
	{name: "tap-file-handle", example: `Error getting TAP file handle for "tapd7041fbc": argument list too long`,
		re: regexp.MustCompile(`(?i)(?:error getting tap file handle|could not open tap (?:queue|device)) (?:for )?"?([\w.-]{1,15})"?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation, s.Kind = OpTunOpen, "tap"
			s.setIf(&s.Device, m[1])
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// setroubleshoot's summary of an AVC denial (sealert, journald):
	// "SELinux is preventing keepalived from create access on the
	// netlink_connector_socket Unknown."
	{name: "setroubleshoot", example: `SELinux is preventing keepalived from create access on the netlink_connector_socket Unknown.`,
		re: regexp.MustCompile(`SELinux is preventing (\S{1,64}) from ([\w ,]{1,64}?) access on the (\w{1,64})`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "selinux")
			s.setIf(&s.Program, strings.TrimPrefix(m[1], "/"))
			if strings.HasPrefix(m[3], "netlink_") && strings.Contains(m[2], "create") {
				s.setIf(&s.Operation, OpNetlink)
			}
			s.setErr(EACCES, m[0])
		}},
	// iw(8)'s error line (iw.c: "command failed: %s (%d)", strerror and
	// the negative errno nl80211 answered).
	{name: "iw-command-failed", example: `command failed: Operation not supported (-95)`,
		re: regexp.MustCompile(`^command failed: ([A-Za-z][\w ,'-]{2,60}) \((-\d{1,3})\)$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iw")
			s.setErr(ErrnoFromText(strings.ToLower(m[1])), m[0])
		}},
	// A Wi-Fi device asked for monitor mode (owl, airmon-ng, kismet):
	// nl80211_set_interface with NL80211_IFTYPE_MONITOR.
	{name: "monitor-mode", example: `14:35:27 ERROR: Could not put device in monitor mode: wlx00c0caad6c6e`,
		re: regexp.MustCompile(`(?i)\b(?:could not|couldn't|failed to|unable to|cannot|can't) (?:put|set|switch|change)(?: the)? (?:device|interface|card|adapter|[\w.-]{1,15}) (?:in|into|to) monitor mode(?:: ([\w.@-]{1,15}))?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// SONiC's daemons (sonic-swss netmsg/netlink.cpp) print libnl's return
	// code, a negative NLE_* (include/netlink/errno.h), not an errno:
	// "netlink reports an error=-33 on reading a netlink socket".
	{name: "libnl-error-code", example: `ERR portsyncd: :- readMe: netlink reports an error=-33 on reading a netlink socket`,
		re: regexp.MustCompile(`netlink reports an error=-(\d{1,2}) on reading a netlink socket`),
		apply: func(s *Symptom, m []string) {
			if e, ok := libnlCodes[atoiSafe(m[1])]; ok {
				s.setErr(e.errno, "libnl "+e.name+": "+e.text)
			}
		}},
	// bridge-utils' brctl addif, for ELOOP from br_add_if (a bridge
	// cannot be a port of a bridge): brctl/brctl_cmd.c br_cmd_addif.
	{name: "brctl-addif-eloop", example: `device br-vlan is a bridge device itself; can't enslave a bridge device to a bridge device.`,
		re: regexp.MustCompile(`device (\S{1,64}) is a bridge device itself; can't enslave a bridge device to a bridge device`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Source, "brctl")
			s.setErr(ELOOP, m[0])
		}},
	// A VF's settings on its physical function (sriov-cni, netlink's
	// LinkSetVf*: IFLA_VFINFO_LIST through do_setvfinfo): "failed to set
	// vf 2 vlan: operation not supported".
	{name: "set-vf", example: `failed to set vf 28 link state to 1: operation not supported`,
		re: regexp.MustCompile(`(?i)\bfailed to set vf \d{1,4} ([\w ]{1,40}?)(?: to [\w:.]{1,40})?: ([a-z][a-z ]{3,60}?)\s*(?:["',.\]\\]|$)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			e := ErrnoFromText(strings.TrimRight(m[2], ". "))
			s.setErr(e, m[0])
		}},
	// Renaming a device, as CNI plugins do to give it back on DEL:
	// dev_change_name refuses an up device with EBUSY.
	{name: "rename-to-original", example: `failed to restore "eth0" to original name "ens224": device or resource busy`,
		re: regexp.MustCompile(`(?i)\b(?:failed to|could not|cannot) (?:restore|rename) \\?"([\w.@-]{1,15})\\?" to (?:original name )?\\?"([\w.@-]{1,15})\\?"`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// The kernel's log line when a neighbour entry cannot be created:
	// net/core/neighbour.c neigh_alloc prints "%s: neighbor table overflow!"
	// (tbl->id: arp_cache, ndisc_cache) at gc_thresh3, and __neigh_create
	// fails the lookup or the request (ip neigh add) with ENOBUFS.
	{name: "kernel-neigh-overflow", example: `neighbour: arp_cache: neighbor table overflow!`,
		re: regexp.MustCompile(`(?i)\bneighbou?r table overflow\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpNeighAdd)
			s.setIf(&s.Source, "kernel")
			s.setErr(ENOBUFS, m[0])
		}},
	// runc refusing a namespaced sysctl for a container that shares the
	// host's network namespace (libcontainer/configs/validate: opencontainers/runc#2693).
	{name: "runc-sysctl-host-netns", example: `docker: Error response from daemon: OCI runtime create failed: sysctl "net.core.somaxconn" not allowed in host network namespace: unknown`,
		re: regexp.MustCompile(`sysctl "([\w./-]{1,128})" not allowed in host (?:network|UTS|IPC) namespace`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpSysctl)
			s.setIf(&s.SysctlKey, m[1])
			s.setIf(&s.Source, "runc")
			s.setErr("", m[0])
		}},
	// Installer scripts' own check for the tun device (hwdsl2's and
	// angristan's wireguard/openvpn installers): no errno, the node is
	// missing or cannot be opened.
	{name: "installer-tun-check", example: `Error: The system does not have the TUN device available.`,
		re: regexp.MustCompile(`(?i)(?:does not have the TUN device available|\bTUN is not available|TUN needs to be enabled)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Kind, "tun")
			s.setIf(&s.Path, "/dev/net/tun")
			s.setErr("", m[0])
		}},
	// pyroute2's NetNS when the namespace cannot be opened (pyroute2 netns/nslink.py,
	// "OSError: [Errno 22] failed to open netns: 'nsp21'", corpus fld3-007).
	{name: "pyroute2-open-netns", example: `OSError: [Errno 22] failed to open netns: 'nsp21'`,
		re: regexp.MustCompile(`.*failed to open netns: '([^']{1,64})'`),
		apply: func(s *Symptom, m []string) {
			// The traceback's socket frames (nlsocket.py) come first: the
			// namespace is what failed.
			if s.Operation == "" || s.Operation == OpNetlink {
				s.Operation = OpNetnsEnter
			}
			s.setIf(&s.Source, "pyroute2")
			if e, _, _ := findErrno(m[0]); e != "" {
				s.setErr(e, m[0])
			}
		}},
	// iproute2 (and BusyBox's "ip: " prefix), anywhere in a log line.
	{name: "iproute2-rtnetlink-answers", example: `RTNETLINK answers: File exists`,
		re: regexp.MustCompile(`(ip: )?RTNETLINK answers: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			if m[1] != "" && (s.Source == "" || s.Source == "iproute2") {
				s.Source = "busybox"
			}
			s.setIf(&s.Source, "iproute2")
			s.setErr(ErrnoFromText(m[2]), "RTNETLINK answers: "+m[2])
		}},
	// Rust (neli, rtnetlink crates): "Netlink error: Operation not supported
	// (os error 95)", std::io::Error debug output "... (os error 1)".
	{name: "rust-os-error", example: `Error: Netlink error: Operation not supported (os error 95)`,
		re: regexp.MustCompile(`\(os error (\d+)\)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "rust")
			s.setErr(ErrnoFromNumber(m[1]), m[0])
		}},
	// iproute2 refusing its own command line before asking the kernel
	// (lib/utils.c incomplete_command, missarg, invarg, get_prefix; ip/ip.c;
	// a subcommand's usage(), printed when its arguments do not parse;
	// ip/iptunnel.c "Unknown tunnel mode" for a mode only ip link knows):
	// no errno, the request is wrong. An argument naming a device that does
	// not exist is ENODEV (ll_name_to_index).
	{name: "iproute2-usage", example: `Not enough information: "dev" argument is required.`,
		re: regexp.MustCompile(`(?:Command line is not complete\. Try option "help"|Not enough information: "(\w+)" argument is required|Garbage instead of arguments "|(?:Error: )?(?:an? )?(?:inet|inet6|IP|any valid) (?:prefix|address) is expected rather than "|Object "[^"]*" is unknown, try "ip help"|Error: argument "([^"]{0,64})" is wrong: Device does not exist|Error: "[^"]{0,64}" is not a valid ifname|Error: argument "[^"]{0,64}" is wrong: (?:"[^"]{1,24}" value is invalid|[Ii]nvalid )|Usage:\s+ip (?:link|address|addr|route|rule|neighbour|neigh|tunnel|tuntap|netns) [\[{a-z]|Unknown tunnel mode ")[^\n]{0,200}`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			if m[2] != "" {
				s.setIf(&s.Device, m[2])
				s.setErr(ENODEV, m[0])
				return
			}
			if strings.Contains(m[0], "ifname") {
				// A malformed name: name-conflict's InvalidName rows rank it.
				s.InvalidName = true
				s.setIf(&s.ExtAck, m[0])
				return
			}
			line := strings.TrimSpace(m[0]) // the match runs to the end of its line
			if strings.Contains(line, `Invalid "netns" value`) {
				// ip/iplink.c: netns_get_fd(NAME) failed and NAME is no
				// PID: the namespace to move into cannot be opened
				// (netns-reference's row ranks it and checks NAME), not a
				// typing error.
				if a := netnsValueRE.FindStringSubmatch(line); a != nil {
					s.setIf(&s.Netns, a[1])
				}
				s.setErr("", line)
				return
			}
			s.setIf(&s.ExtAck, "iproute2 refused the command line: "+line)
			s.setErr("", line)
		}},
	// tc's own refusal of a kind it has no parser for (tc/tc.c
	// get_qdisc_kind/get_filter_kind found no q_KIND or f_KIND): no request
	// reached the kernel; tc is older than the kind (cake came in iproute2
	// 4.19) or built without it.
	{name: "tc-unknown-kind", example: `Unknown qdisc "cake", hence option "bandwidth" is unparsable`,
		re: regexp.MustCompile(`Unknown (qdisc|filter) "([^"]{1,32})", hence option "[^"]{0,64}" is unparsable`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "tc")
			s.Operation = OpTC
			s.setIf(&s.TCKind, m[1]+" "+m[2])
			s.setIf(&s.ExtAck, "iproute2 refused the command line: "+strings.TrimSpace(m[0])+" (this tc has no parser for "+m[2]+": it is older than the "+m[1]+" or built without it)")
			s.setErr("", m[0])
		}},
	// Calico's own check before adding a host route (projectcalico/calico:
	// "route (...) already exists for an interface other than 'caliX'").
	{name: "calico-route-exists", example: `error adding host side routes for interface: caliabc, error: route (Ifindex: 10, Dst: 10.1.2.3/32, Scope: link) already exists for an interface other than 'caliabc'`,
		re: regexp.MustCompile(`route \([^)]*\) already exists for an interface other than`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpRouteAdd)
			s.setErr(EEXIST, m[0])
		}},
	{name: "iproute2-invalid-ifname", example: `Error: argument "a b" is wrong: "dev" not a valid ifname`,
		re: regexp.MustCompile(`Error: argument "(.*)" is wrong: "(\w+)" (?:not a valid ifname|too long)`),
		apply: func(s *Symptom, m []string) {
			// iproute2's own check (lib/utils.c check_ifname): no errno,
			// the kernel was not asked.
			s.setIf(&s.Source, "iproute2")
			s.InvalidName = true
			s.Device = clipText(m[1], 256)
			if m[2] == "name" && !s.matched("cmd:iproute2") {
				// The "name" of a link being made: a wrapper (ifup, a
				// script) ran ip link add name ... (a rename shows its
				// ip link set command).
				s.Operation = OpLinkAdd
			}
			s.setErr("", m[0])
		}},
	// lib/utils.c duparg2; iproute2 6.13 dropped the "a" ("is garbage"), as
	// BusyBox's applet never had it ("ip: either ... is duplicate, or ...
	// is garbage").
	{name: "iproute2-garbage", example: `Error: either "dev" is duplicate, or "eth0" is a garbage.`,
		re: regexp.MustCompile(`(?:Error|ip): either "(\w+)" is duplicated?,? or "(.*)" is (?:a )?garbage`),
		apply: func(s *Symptom, m []string) {
			who := "iproute2"
			if strings.HasPrefix(m[0], "ip:") {
				who = "BusyBox ip"
			}
			s.setIf(&s.Source, "iproute2")
			// Refused before the kernel: no errno; the refusal is the
			// program's own word on the failure, as iproute2-usage's.
			s.setIf(&s.ExtAck, who+" refused the command line: "+clipText(m[0], 200))
			s.setErr("", m[0])
		}},
	// NetworkManager refusing its own configuration: a keyfile or ifcfg
	// profile it cannot load, a NetworkManager.conf it cannot read
	// (balena-io/balena-cli#657 "keyfile: error loading connection from
	// file ...: invalid connection: ...", jayofelony/pwnagotchi#284
	// "keyfile: connection.autoconnect: invalid setting: ...",
	// kelebek333/rtl8188fu#59 "Failed to read configuration: ..."): the
	// configuration is the cause.
	{name: "networkmanager-config", example: `keyfile: error loading connection from file /etc/NetworkManager/system-connections/resin-sample: invalid connection: 802-11-wireless-security.key-mgmt: property is missing`,
		re: regexp.MustCompile(`(?:(?:keyfile|ifcfg-rh|ifupdown): (?:load: |error loading connection from file |[\w-]+\.[\w-]+: invalid setting)|Failed to read configuration: (/\S*NetworkManager\S*?):)(?:"?(/[^":\s]+)"?)?[^\n]{0,200}`),
		apply: func(s *Symptom, m []string) {
			s.Source = "NetworkManager"
			s.setIf(&s.Path, m[1]+m[2])
			s.setIf(&s.ExtAck, clipText(m[0], 200))
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	// ifupdown asked for an interface /etc/network/interfaces does not
	// define (kimchi-project/ginger#393 "Unknown interface ens7" from ifup
	// ens7; older ifupdown "ifup: unknown interface eth1").
	{name: "ifupdown-unknown-interface", example: `ifup: unknown interface eth1`,
		re: regexp.MustCompile(`(?i)^(?:(?:ifup|ifdown|ifquery|ifreload): )?(?:unknown interface|no ifupdown configuration found for|couldn't read interfaces file|cannot find interface) "?([\w.@:-]{1,15})"?`),
		apply: func(s *Symptom, m []string) {
			s.Source = "ifupdown"
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Path, "/etc/network/interfaces")
			s.setIf(&s.ExtAck, clipText(m[0], 200))
		}},
	// OpenVPN 2.5+'s own netlink layer (sitnl) logs each step before the
	// error (amnezia-vpn/amnezia-client#701, jamesmcm/vopono#109:
	// "net_addr_v6_add: fd15:53b6:dead::2/64 dev tun0" then "sitnl_send:
	// rtnl: generic error (-95): Operation not supported").
	{name: "openvpn-sitnl-step", example: `>LOG:1720051188,I,net_addr_v6_add: fd15:53b6:dead::2/64 dev tun0`,
		re: regexp.MustCompile(`\bnet_(addr|route)_v([46])_(add|del)\b|\bnet_iface_(up|mtu_set)\b|Linux can't add IPv6 to interface`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "openvpn")
			// The failing step is the last one logged before the error:
			// each step replaces the previous until an errno is known.
			// OpenVPN's fatal line names the step itself, whatever came before.
			if s.Errno != "" && s.Operation != "" && !strings.HasPrefix(m[0], "Linux") {
				return
			}
			switch {
			case m[1] == "addr" && m[3] == "add", m[0] == "Linux can't add IPv6 to interface":
				s.Operation = OpAddrAdd
			case m[1] == "addr":
				s.Operation = OpAddrDel
			case m[1] == "route" && m[3] == "add":
				s.Operation = OpRouteAdd
			case m[1] == "route":
				s.Operation = OpRouteDel
			default:
				s.Operation = OpLinkSet
			}
			switch {
			case m[2] == "6" || strings.HasPrefix(m[0], "Linux"):
				s.Family = "inet6"
			case m[2] == "4":
				s.Family = "inet"
			}
		}},
	// A sysctl the kernel does not have, by name (netavark: containers/
	// netavark "Sysctl error: no such sysctl: net.ipv6.conf.all.forwarding",
	// kubernetes-sigs/kind#4156).
	{name: "no-such-sysctl", example: `Error: netavark: Sysctl error: no such sysctl: net.ipv6.conf.all.forwarding`,
		re: regexp.MustCompile(`(?i)no such sysctl:? "?([\w./-]+)"?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpSysctl)
			s.setIf(&s.SysctlKey, strings.ReplaceAll(m[1], "/", "."))
			s.setErr(ENOENT, m[0])
		}},
	// NetworkManager not managing the device a client asked it to use
	// (eduvpn/python-eduvpn-client#570 "Could not find source connection",
	// "NetworkManager not managing device"): its configuration.
	{name: "networkmanager-unmanaged", example: `Error connecting: Could not find source connection.`,
		re: regexp.MustCompile(`(?i)Could not find source connection|NetworkManager (?:is )?not managing (?:the )?device|device is (?:strictly )?unmanaged`),
		apply: func(s *Symptom, m []string) {
			s.Source = "NetworkManager"
			s.setIf(&s.ExtAck, m[0])
		}},
	// iproute2 ip/tunnel.c (ipip, gre, sit through ioctls):
	// projectcalico/felix#1008 `add tunnel "tunl0" failed: File exists`.
	{name: "iproute2-tunnel", example: `add tunnel "tunl0" failed: File exists`,
		re: regexp.MustCompile(`(add|delete|change) tunnel "([^"]{0,64})" failed: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			op, _ := phraseOp(map[string]string{"add": "create", "delete": "delete", "change": "set"}[m[1]], "link")
			s.setIf(&s.Operation, op)
			s.setIf(&s.Device, m[2])
			s.setErr(ErrnoFromText(m[3]), m[0])
		}},
	// iproute2 refusing a link-layer address before asking the kernel
	// (ip/iplink.c, LNST-project/lnst#104 "\"None\" is invalid lladdr.").
	{name: "iproute2-invalid-lladdr", example: `"None" is invalid lladdr.`,
		re: regexp.MustCompile(`"([^"]{0,64})" is invalid lladdr`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			s.setIf(&s.ExtAck, "invalid lladdr")
			s.setIf(&s.Message, m[0])
		}},
	// iproute2 ip netns add: unshare(CLONE_NEWNET) refused (ip/ipnetns.c;
	// RMerl/asuswrt-merlin.ng#327).
	{name: "iproute2-netns-create", example: `Failed to create a new network namespace (insert name): Invalid argument.`,
		re: regexp.MustCompile(`Failed to create a new network namespace "?([^":]*?)"?: (.+?)\.?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			s.setIf(&s.Operation, OpNetnsEnter)
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// OpenWrt netifd's device errors (openwrt/openwrt#11211
	// "DEVICE_CLAIM_FAILED": the device could not be created or claimed).
	{name: "netifd-device-error", example: `The result is that the interface will show the error ` + "`DEVICE_CLAIM_FAILED`" + ` in the status.`,
		re: regexp.MustCompile(`\b(DEVICE_CLAIM_FAILED|SETUP_FAILED|NO_DEVICE)\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "netifd")
			if m[1] == "DEVICE_CLAIM_FAILED" {
				s.setIf(&s.Operation, OpLinkAdd)
			}
			s.setIf(&s.ExtAck, strings.ToLower(m[1]))
		}},
	// nmcli refusing a profile change before anything reaches the kernel
	// (NetworkManager's NM_CONNECTION_ERROR_INVALID_SETTING / _PROPERTY:
	// ansible-collections/community.general#2408, #1500): the profile is
	// wrong, so the daemon's configuration is the cause.
	{name: "nmcli-invalid-setting", example: `Error: invalid or not allowed setting 'bridge-port': 'bridge-port' not among [connection, 802-3-ethernet (ethernet), 802-1x, dcb, sriov, ethtool, match, ipv4, ipv6, hostname, tc, proxy].`,
		re: regexp.MustCompile(`Error: (?:invalid or not allowed setting|invalid property|invalid <setting>\.<property>|failed to modify|Failed to (?:modify|add) (?:connection|new connection))\b[^\n]{0,200}`),
		apply: func(s *Symptom, m []string) {
			s.Source = "NetworkManager"
			s.setIf(&s.ExtAck, clipText(m[0], 200))
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	// ip rule before a keyword existed took it for a rule type
	// (ip/iprule.c: rtnl_rtntype_a2n, invarg("Failed to parse rule type",
	// ...)): "Error: argument "suppress_prefixlength" is wrong: Failed to
	// parse rule type" (runfalk/synology-wireguard#6, iproute2-ss130716).
	{name: "iprule-unknown-keyword", example: `Error: argument "suppress_prefixlength" is wrong: Failed to parse rule type`,
		re: regexp.MustCompile(`Error: argument "([^"]{1,64})" is wrong: Failed to parse rule type`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			s.setIf(&s.Operation, OpRule)
			// Any word ip rule does not know ends there, a typing error as
			// much as a selector newer than this ip: only the selectors
			// later releases added say "older".
			if NewerIPRuleKeywords[m[1]] {
				s.setIf(&s.ExtAck, "iproute2 refused the command line: this ip read \""+m[1]+"\" as a rule type (failed to parse rule type): a selector later iproute2 releases added")
			} else {
				s.setIf(&s.ExtAck, "iproute2 refused the command line: ip rule does not know \""+m[1]+"\" (failed to parse rule type): mistyped, or newer than this ip")
			}
			s.setErr("", m[0])
		}},
	// nft's parser (src/parser_bison.y, src/erec.c): a ruleset or command
	// it cannot read, the kernel not asked. An older nft meets syntax a
	// newer one wrote (ipr-cnrs/nftables#4 on Ubuntu 16.04), or options
	// after the command (canonical/lxd#7349, nftables 0.9.4).
	{name: "nft-syntax-error", example: `/etc/nftables.d/filter-output.nft:5:20-20: Error: syntax error, unexpected '$', expecting '{'`,
		re: regexp.MustCompile(`(?:^|: )Error: (syntax error, [^\n]{1,160})`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "nft")
			s.setIf(&s.ExtAck, "nft refused the ruleset: "+clipText(strings.TrimSpace(m[1]), 160))
			s.setErr("", m[0])
		}},
	{name: "iproute2-extack", example: `Error: ipv4: Address already assigned.`,
		// Also quoted in prose: tinc's docs (gsliepen/tinc#213) `the error
		// "Error: Device for nexthop is not up." happens`.
		re: regexp.MustCompile(`(?:^|: |\s|\s?["'\x60])Error: (.+?)(?:\.\s+[A-Z]|\.?["'\x60]?\s*$|\.["'\x60])`),
		apply: func(s *Symptom, m []string) {
			if strings.HasPrefix(m[1], "Could not process rule") {
				// nft's own prefix for the kernel's answer (src/mnl.c,
				// src/rule.c): the same form, another tool.
				s.setIf(&s.Source, "nft")
			}
			s.setIf(&s.Source, "iproute2")
			// The message's row (symptom_extack.go) gives the errno and,
			// for messages only one request gets, the operation.
			s.noteExtAck(m[1], m[0], "Error: "+m[1])
		}},
	// Go's netlink libraries append the kernel's message to the errno:
	// mdlayher/netlink (under jsimonetti/rtnetlink) prints OpError as
	// `netlink OP: ERRNO, offset: N, message: "MESSAGE"` (errors.go
	// OpError.Error); vishvananda/netlink, when EnableErrorMessageReporting
	// is set, wraps the errno as "ERRNO: MESSAGE" (nl/nl_linux.go Execute;
	// by default it prints the errno alone). The examples are built from
	// those format strings with a kernel message, not pasted texts.
	{name: "go-netlink-extack", example: `netlink receive: invalid argument, offset: 0, message: "Nexthop device is not up"`,
		re: regexp.MustCompile(`netlink \w+: ([a-z][a-z /-]+?), offset: \d+, message: (".+")`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "go")
			s.setErr(ErrnoFromText(m[1]), m[0])
			// %q, or unescaped already by a wrapper (the message may hold
			// quotes: `without "IFA_F_MCAUTOJOIN" flag`).
			msg, err := strconv.Unquote(m[2])
			if err != nil {
				msg = strings.Trim(m[2], `"`)
			}
			s.noteExtAck(msg, m[0], m[0])
		}},
	{name: "go-errno-extack", example: `invalid argument: Nexthop device is not up`,
		find: findErrnoExtAck,
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "go")
			s.setErr(ErrnoFromText(m[1]), m[0])
			s.noteExtAck(m[2], m[0], m[0])
		}},
	// iproute2's ip link show / ip addr show on a missing name.
	{name: "iproute2-device-does-not-exist", example: `Device "eth9" does not exist.`,
		re: regexp.MustCompile(`^Device "([^"]+)" does not exist`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			s.setIf(&s.Device, m[1])
			s.setErr(ENODEV, m[0])
		}},
	// wg-quick's own check before ip link add (wg-quick.bash).
	// NixOS wraps it (".wg-quick-wrapped: `wg0' already exists",
	// NixOS/nixpkgs#228055).
	{name: "wg-quick-exists", example: "wg-quick: `wg0' already exists",
		re: regexp.MustCompile("wg-quick(?:-wrapped)?: `?([^'`\\s]{1,64})'? already exists"),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "wireguard")
			s.Operation, s.Kind = OpLinkAdd, "wireguard"
			s.setIf(&s.Device, m[1])
			s.setErr(EEXIST, m[0])
		}},
	// udev renaming a link by its rules (older udev "Error changing net
	// interface name 'eth101' to '': Invalid argument", Mellanox/mlnx-tools#96;
	// systemd's "Failed to rename network interface 3 from 'eth0' to
	// 'lan0': File exists"): an empty or malformed new name is refused by
	// dev_change_name (dev_valid_name: EINVAL).
	{name: "udev-rename", example: `systemd-udevd[164885]: Error changing net interface name 'eth101' to '': Invalid argument`,
		re: regexp.MustCompile(`(?:Error changing net interface name|Failed to rename network interface(?: \d+)? from) '([^']{0,64})' to '([^']{0,64})': (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "udev")
			s.setIf(&s.Operation, OpLinkSet)
			// The device is the name asked for (the old one exists and is
			// no conflict); an empty name leaves it empty.
			s.setIf(&s.Device, m[2])
			if !validIfname(m[2]) {
				s.InvalidName = true
			}
			s.setErr(ErrnoFromText(m[3]), m[0])
		}},
	// Netfilter tools refusing an argument or option they do not know
	// (ipset's "Unknown argument: `forceadd'" before 6.21,
	// coreos/bugs#1048; "unknown argument -file", trick77#40; iptables'
	// `unknown option "--random-fully"`, rancher/rke2#1229): the kernel was
	// not asked; the tool is older than the argument, or it is mistyped.
	{name: "netfilter-tool-unknown-argument", example: "ipset v6.20.1: Unknown argument: `forceadd'",
		re: regexp.MustCompile("\\b(ipset|ip6?tables|ebtables|arptables|ipvsadm|conntrack)(?:-restore|-legacy|-nft)?(?: v[\\d.]+(?: \\([\\w -]+\\))?)?: (?:[^\\n]{0,80}?)(?:[Uu]nknown (?:argument|option))(?::| )\\s*[\"'\\x60]?([^\"'\\s]{1,64})"),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, m[1])
			word := strings.TrimRight(m[2], "'\x60\".,")
			if NewerNetfilterOptions[word] {
				s.setIf(&s.ExtAck, m[1]+" refused the command line: an option later "+m[1]+" releases added ("+word+")")
			} else {
				s.setIf(&s.ExtAck, m[1]+" refused the command line: an argument or option it does not know ("+word+"): mistyped, or newer than this "+m[1])
			}
			s.setErr("", m[0])
		}},
	// ethtool's own messages for a feature or setting the driver refused
	// or does not let change (ethtool.c: "Cannot set device tcp
	// segmentation offload settings: Invalid argument", "Cannot change
	// large-receive-offload", "Cannot get EEE settings: Operation not
	// supported"; rare-freertr/RARE-bmv2#5).
	{name: "ethtool-cannot", example: `Cannot set device tcp segmentation offload settings: Invalid argument`,
		re: regexp.MustCompile(`^(?:ethtool: )?(?:Cannot (get|set|change) (?:device )?([\w -]{2,60}?)(?: settings| parameters)?(?:: (.+?))?|Could not change any device features)\.?\s*$`),
		apply: func(s *Symptom, m []string) {
			if m[2] != "" && !ethtoolWordRE.MatchString(m[2]) && !strings.Contains(s.Raw, "ethtool") {
				return // another program's "Cannot set ..."
			}
			s.setIf(&s.Source, "ethtool")
			what := "change the device's features"
			if m[1] != "" {
				what = m[1] + " " + strings.TrimSpace(m[2])
			}
			s.setIf(&s.ExtAck, "ethtool: cannot "+what)
			s.setErr(ErrnoFromText(m[3]), m[0])
		}},
	// pyroute2's IPDB checks an object after its commit: "target src is
	// not set" when the kernel did not keep an attribute it was sent
	// (svinota/pyroute2#395: src= where prefsrc= was meant).
	{name: "pyroute2-ipdb-target", example: `pyroute2.ipdb.exceptions.CommitException: target src is not set`,
		re: regexp.MustCompile(`CommitException: target (\w{1,40}) is not set`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "pyroute2")
			switch {
			case strings.Contains(s.Raw, "ipdb/routes.py"):
				s.setIf(&s.Operation, OpRouteAdd)
			case strings.Contains(s.Raw, "ipdb/interfaces.py"):
				s.setIf(&s.Operation, OpLinkSet)
			}
			s.setIf(&s.ExtAck, "pyroute2 ipdb: the kernel's object lacks "+m[1]+" after the commit (sent, not kept: the request as built)")
			s.setErr("", m[0])
		}},
	// wg-quick takes its argument as an interface name only when it
	// matches ^[a-zA-Z0-9_=+.-]{1,15}$ (wg-quick.bash parse_options), else
	// as a path: "`NAME' does not exist" with no slash in NAME is a name
	// too long or with other characters (Nyr/wireguard-install#114:
	// "`racknerd2_mailbox' does not exist").
	{name: "wg-quick-not-a-name", example: "wg-quick: `racknerd2_mailbox' does not exist",
		re: regexp.MustCompile("wg-quick(?:-wrapped)?: `([^'/]{1,256})' does not exist"),
		apply: func(s *Symptom, m []string) {
			if wgNameRE.MatchString(m[1]) {
				return // a name it took, whose configuration is missing
			}
			s.setIf(&s.Source, "wireguard")
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "wireguard")
			s.setIf(&s.Device, m[1])
			s.InvalidName = true
			s.setIf(&s.ExtAck, "wg-quick took "+clipText(m[1], 64)+" for a path: no interface name (1 to 15 of A-Z a-z 0-9 _=+.-)")
		}},
	// iproute2 ip/ipnetns.c.
	{name: "iproute2-netns-file", example: `Cannot create namespace file "/var/run/netns/ns1": File exists`,
		re: regexp.MustCompile(`Cannot (?:create|remove) namespace file "(?:[^"]*/)?([^"/]+)": (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			s.setIf(&s.Operation, OpNetnsEnter)
			s.setIf(&s.Netns, m[1])
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	{name: "iproute2-cannot-find-device", example: `Cannot find device "eth9"`,
		re: regexp.MustCompile(`Cannot find device "(.*)"`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "iproute2")
			s.setIf(&s.Device, m[1])
			s.setErr(ENODEV, m[0])
		}},
	{name: "busybox-cant-find-device", example: `ip: can't find device 'eth7'`,
		re: regexp.MustCompile(`(?:ip: )?can't find device '(.*)'`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "busybox")
			s.setIf(&s.Device, m[1])
			s.setErr(ENODEV, m[0])
		}},
	{name: "netlink-socket-open", example: `Cannot open netlink socket: Too many open files`,
		re: regexp.MustCompile(`Cannot open netlink socket: (.+?)\)?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpNetlink
			s.setErr(ErrnoFromText(strings.TrimPrefix(m[1], "(")), m[0])
		}},
	// iproute2's rtnl_open (lib/libnetlink.c) names each step of setting
	// up its socket with perror: "SO_SNDBUF", "SO_RCVBUF", "Cannot bind
	// netlink socket", "Cannot getsockname" (microsoft/WSL#1114, corpus
	// fld3-049: "SO_SNDBUF: Invalid argument").
	{name: "iproute2-rtnl-open", example: `SO_SNDBUF: Invalid argument`,
		re: regexp.MustCompile(`^(?:SO_SNDBUF|SO_RCVBUF|Cannot bind netlink socket|Cannot getsockname): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpNetlink
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	{name: "iproute2-tun-open", example: `open: No such file or directory`,
		re: regexp.MustCompile(`(?:^|: )open: (No such file or directory|Permission denied|Operation not permitted|No such device)\s*$`),
		apply: func(s *Symptom, m []string) {
			if s.Operation == "" {
				s.Operation = OpTuntapAdd
			}
			s.setIf(&s.Path, "/dev/net/tun")
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	{name: "tunsetiff-ioctl", example: `ioctl(TUNSETIFF): Operation not permitted`,
		re: regexp.MustCompile(`ioctl\(TUNSETIFF\): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTuntapAdd)
			s.setIf(&s.Kind, "tun")
			s.setIf(&s.Path, "/dev/net/tun")
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// The dynamic loader, when a program starts without a free descriptor:
	// "ip: error while loading shared libraries: libbpf.so.1: cannot open
	// shared object file: Error 24".
	{name: "loader-shared-library", example: `ip: error while loading shared libraries: libbpf.so.1: cannot open shared object file: Error 24`,
		re: regexp.MustCompile(`error while loading shared libraries: (\S+): cannot open shared object file: (?:Error (\d+)|(.+?))\s*$`),
		apply: func(s *Symptom, m []string) {
			e := ErrnoFromNumber(m[2])
			if e == "" {
				e = ErrnoFromText(m[3])
			}
			s.setErr(e, m[0])
		}},
	// /dev/vhost-net, opened beside /dev/net/tun for a tap's in-kernel
	// virtio backend: QEMU's net/tap.c ("tap: open vhost char device
	// failed"), libvirt's qemu_interface.c, runtimes that start VMs (Kata,
	// Clear Containers: "Could not setup vhost fds eth0 : open
	// /dev/vhost-net: ...").
	{name: "vhost-net-open", example: `qemu-system-x86_64: -netdev tap,id=net0,vhost=on: tap: open vhost char device failed: Permission denied`,
		re: regexp.MustCompile(`(?:tap: open vhost char device failed|open /dev/vhost-net|vhost-net was requested for an interface, but is unavailable|Unable to open vhost-net)(?:[^:]*:\s*(.+?))?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTunOpen)
			if s.Operation == OpTunOpen && s.Path == "" {
				s.Path = "/dev/vhost-net"
				s.setIf(&s.Module, "vhost_net")
			}
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// OpenVPN.
	{name: "openvpn-tun", example: `2026-11-22 06:29:01 ERROR: Cannot open TUN/TAP dev /dev/net/tun: No such file or directory (errno=2)`,
		re: regexp.MustCompile(`Cannot (?:open TUN/TAP dev(?: (\S+))?|ioctl TUNSETIFF (\S+)): (.+?)(?: \(errno=(\d+)\))?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "openvpn")
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Kind, "tun")
			s.setIf(&s.Path, "/dev/net/tun")
			if m[2] != "" && m[2] != "tun" && m[2] != "tap" {
				s.setIf(&s.Device, m[2])
			}
			e := ErrnoFromText(m[3])
			if e == "" {
				e = ErrnoFromNumber(m[4])
			}
			s.setErr(e, m[0])
		}},
	// OpenVPN when no tun node could be opened among /dev/tun0..255
	// (Tunnelblick/Tunnelblick#41, #757): no errno, the operation only.
	{name: "openvpn-tun-dynamic", example: `Mon Oct 20 01:41:17 2008 us=892553 Cannot allocate TUN/TAP dev dynamically`,
		re: regexp.MustCompile(`Cannot allocate TUN/TAP dev dynamically`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "openvpn")
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Kind, "tun")
		}},
	// procps sysctl.
	{name: "sysctl-setting-key", example: `sysctl: setting key "net.ipv4.ip_forward": Read-only file system`,
		re: regexp.MustCompile(`sysctl: (?:error )?setting key ["']([^"']+)["'](?:, ignoring)?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpSysctl
			s.setIf(&s.Source, "sysctl")
			s.SysctlKey = clipText(m[1], 200)
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// systemd-sysctl applying sysctl.d (src/sysctl/sysctl.c:
	// "Couldn't write '1' to 'net/mpls/conf/eth0/input', ignoring: No such
	// file or directory", systemd/systemd#35487; older "Failed to write
	// '...' to '...'").
	{name: "systemd-sysctl-write", example: `systemd-sysctl[2446]: Couldn't write '1' to 'net/mpls/conf/eth0/input', ignoring: No such file or directory`,
		re: regexp.MustCompile(`(?:Couldn't|Failed to) write '[^']{0,200}' to '((?:/proc/sys/)?(?:net|kernel|vm|fs|user|abi|dev|crypto|debug)/[A-Za-z0-9_./@:<>-]{2,200})'(?:, ignoring)?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpSysctl)
			s.setIf(&s.Source, "systemd-sysctl")
			s.SysctlKey = clipText(strings.ReplaceAll(strings.TrimPrefix(m[1], "/proc/sys/"), "/", "."), 200)
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// sysctl(8) for a key whose /proc/sys file does not exist (errno
	// ENOENT): procps's sysctl.c WriteSetting/ReadSetting with double
	// quotes, as `sysctl -p` prints it for net.ipv6.* when IPv6 is disabled
	// at boot; BusyBox's with single quotes.
	{name: "sysctl-unknown-key", example: `error: "net.ipv6.conf.default.accept_redirects" is an unknown key`,
		re: regexp.MustCompile(`["']([A-Za-z0-9_.\-/@:]{2,200})["'] is an unknown key`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpSysctl
			s.setIf(&s.Source, "sysctl")
			s.SysctlKey = clipText(m[1], 200)
			s.setErr(ENOENT, m[0])
		}},
	// A shell's redirection into a file that cannot be created, in the
	// words of BusyBox ash (errmsg(): "nonexistent directory") and dash
	// ("Directory nonexistent"), both for ENOENT, as scripts writing
	// /sys/class/net/DEV/... for a device that is gone print it.
	{name: "busybox-ash-nonexistent", example: `./batadv.sh: eval: line 1: can't create /sys/class/net/mesh-vpn/batman_adv/mesh_iface: nonexistent directory`,
		re: regexp.MustCompile(`(?:can't|cannot) create (/\S{1,200}): (?:nonexistent directory|Directory nonexistent)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "busybox")
			s.setIf(&s.Path, clipText(m[1], 200))
			s.setErr(ENOENT, m[0])
		}},
	{name: "sysctl-permission-denied", example: `sysctl: permission denied on key "net.ipv4.ip_forward"`,
		re: regexp.MustCompile(`sysctl: permission denied on key "([^"]+)"`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpSysctl
			s.setIf(&s.Source, "sysctl")
			s.SysctlKey = clipText(m[1], 200)
			s.setErr(EACCES, m[0])
		}},
	{name: "sysctl-cannot-stat", example: `sysctl: cannot stat /proc/sys/net/ipv6/conf/all/disable_ipv6: No such file or directory`,
		re: regexp.MustCompile(`sysctl: cannot stat /proc/sys/(\S+): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpSysctl
			s.setIf(&s.Source, "sysctl")
			s.SysctlKey = clipText(strings.ReplaceAll(m[1], "/", "."), 200)
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	{name: "proc-sys-write", example: `bash: /proc/sys/net/ipv4/ip_forward: Read-only file system`,
		re: regexp.MustCompile(`(/proc/sys/\S+): (Read-only file system|Permission denied|Operation not permitted)`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpSysctl
			s.SysctlKey = clipText(strings.ReplaceAll(strings.TrimPrefix(m[1], "/proc/sys/"), "/", "."), 200)
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// User namespaces: unshare, podman, lxc, bwrap.
	{name: "userns-id-map", example: `unshare: write failed /proc/self/uid_map: Operation not permitted`,
		re: regexp.MustCompile(`write failed (/proc/\S+/(?:uid_map|gid_map|setgroups)): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpUserns
			s.setIf(&s.Path, m[1])
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// iproute2 lib/namespace.c netns_switch (ip netns exec, ip -n): after
	// setns, remounting /sys for the namespace failed; the command after
	// it never ran, so the failure is the namespace's entry, not its
	// command (corpus fld6-010: in an LXD container).
	{name: "iproute2-netns-switch-mount", example: `mount of /sys failed: Operation not permitted`,
		re: regexp.MustCompile(`^(?:"mount --make-rslave /" failed|umount of /sys failed|mount of /sys failed): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpNetnsEnter
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// Sandboxes creating their namespaces. bubblewrap (bubblewrap.c): "No
	// permissions to creating new namespace, likely because the kernel does
	// not allow non-privileged user namespaces" (EPERM), "Creating new
	// namespace failed, likely because the kernel does not support user
	// namespaces" (EINVAL), else "Creating new namespace failed: ERRNO".
	// Chromium's setuid chrome-sandbox: "Failed to move to new namespace:
	// ... failed: errno = ERRNO" (its clone with CLONE_NEWPID|CLONE_NEWNET,
	// or the zygote's user namespace).
	{name: "sandbox-userns", example: `bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.`,
		re: regexp.MustCompile(`(No permissions to creating new namespace|Creating new namespace failed, likely because the kernel does not support user namespaces|bwrap: Creating new namespace failed: (.+?)\s*$|Failed to move to new namespace: .*?failed: errno = (.+?)\s*$|bwrap: setting up uid map: (.+?)\s*$)`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpUserns
			switch {
			case strings.HasPrefix(m[1], "No permissions"):
				s.setErr(EPERM, m[0])
			case strings.HasPrefix(m[1], "Creating new namespace failed, likely"):
				s.setErr(EINVAL, m[0])
			default:
				s.setErr(ErrnoFromText(m[2]+m[3]+m[4]), m[0])
			}
		}},
	// IPVS without the kernel's ip_vs modules: moby/ipvs (docker's and
	// kube-proxy's library) "Could not get ipvs family information from the
	// kernel", kube-proxy's "IPVS proxier will not be used because the
	// following required kernel modules are not loaded: [ip_vs_rr ...]".
	{name: "ipvs-modules", example: `can't use ipvs proxier, error: IPVS proxier will not be used because the following required kernel modules are not loaded: [ip_vs_rr ip_vs_wrr ip_vs_sh]`,
		re: regexp.MustCompile(`(?i)(?:could not get ipvs family information|ipvs is not enabled in your kernel|can't use ipvs proxier|ipvs proxier will not be used)(?:[^\[\n]*?not loaded: \[([a-z0-9_]{1,32}))?`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpModprobe
			mod := "ip_vs"
			if m[1] != "" {
				mod = m[1]
			}
			s.setIf(&s.Module, mod)
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	// systemd's PrivateNetwork= (exec-invoke.c setup_shareable_ns): the
	// unit's network namespace could not be made.
	{name: "systemd-private-network", example: `systemd-homed.service: Failed to set up network namespacing: Operation not permitted`,
		// Older systemd logs the step: "Failed at step NETWORK spawning
		// /usr/bin/x: Operation not permitted" (exit status 225/NETWORK).
		re: regexp.MustCompile(`(?:(?:^|[\s\]])([A-Za-z0-9_@][A-Za-z0-9:_.@\\-]{0,199}\.(?:service|socket|mount|swap|scope)): )?(?:Failed to set up network namespacing|Failed at step NETWORK spawning \S{1,256}): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpNetnsEnter
			s.setIf(&s.Source, "systemd")
			s.setIf(&s.Unit, m[1])
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// libpcap (pcap_activate) refused a capture: no CAP_NET_RAW for the
	// packet socket ("You don't have permission to capture on that device
	// (socket: Operation not permitted)").
	{name: "pcap-permission", example: `tcpdump: eth0: You don't have permission to capture on that device`,
		// libpcap says this for EPERM and EACCES alike; the errno is in its
		// parenthesis ("(socket: Operation not permitted)"), on this line
		// or the next, or, when missing, the privilege words' EPERM.
		re: regexp.MustCompile(`You don't have permission to (?:capture on|perform this capture on) that device(?:.*?\((?:socket: )?([^)]+)\))?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "libpcap")
			if e := ErrnoFromText(m[1]); e != "" {
				s.setErr(e, m[0])
			} else if s.weakErrno == "" {
				s.weakErrno, s.weakMsg = EPERM, clipText(m[0], 300)
			}
		}},
	// libvirt refusing IPv6 forwarding while an interface takes router
	// advertisements.
	{name: "libvirt-accept-ra", example: `error: internal error: Check the host setup: enabling IPv6 forwarding with RA routes without accept_ra set to 2 is likely to cause routes loss. Interfaces to look at: enp3s0`,
		// (src/util/virnetdevip.c virNetDevIPCheckIPv6Forwarding; several
		// interfaces are joined with ", ": the first is taken.)
		re: regexp.MustCompile(`enabling IPv6 forwarding with RA routes without accept_ra set to 2.*?(?:Interfaces to look at: ([\w.@-]{1,15}))?(?:,.*)?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpSysctl
			s.setIf(&s.Source, "libvirt")
			if m[1] != "" {
				s.setIf(&s.Device, m[1])
				s.setIf(&s.SysctlKey, "net.ipv6.conf."+m[1]+".accept_ra")
			}
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	{name: "unshare", example: `unshare: unshare failed: No space left on device`,
		re: regexp.MustCompile(`unshare(?: failed)?: (?:unshare failed: )?(Operation not permitted|No space left on device|Invalid argument|Permission denied)`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpUserns
			s.setIf(&s.Source, "unshare")
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// rootlesskit, podman, docker rootless: the user has no subordinate ids
	// in /etc/subuid or /etc/subgid.
	{name: "userns-no-subuid", example: `error: failed to setup UID/GID map: failed to compute uid/gid map: No subuid ranges found for user 1003 ("xxx")`,
		re: regexp.MustCompile(`(?i)no sub[ug]id ranges found for (?:user|group)|cannot find mappings for user|no subordinate (?:uid|gid)s? (?:ranges? )?(?:found|configured)|is not listed in /etc/sub[ug]id`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpUserns
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	{name: "userns-clone", example: `newuidmap: write to uid_map failed: Operation not permitted`,
		re: regexp.MustCompile(`newuidmap: .*|cannot clone: (.+?)\s*$|user namespaces? (?:are|is) not enabled`),
		apply: func(s *Symptom, m []string) {
			s.Operation = OpUserns
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// modprobe.
	{name: "modprobe-not-found", example: `modprobe: FATAL: Module dummy not found in directory /lib/modules/6.8.0-49-generic`,
		// Also without the "modprobe: " prefix (a log's level tag strips it,
		// or a script prints it) and without the directory (older kmod).
		re: regexp.MustCompile(`(?:modprobe: )?(?:FATAL: )?Module (\S+) not found(?: in directory (\S+))?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpModprobe)
			s.setIf(&s.Source, "modprobe")
			s.setIf(&s.Module, m[1])
			s.setKindFromModule(m[1])
			s.setIf(&s.Path, m[2])
			s.setErr(ENOENT, m[0])
		}},
	{name: "modprobe-insert", example: `modprobe: ERROR: could not insert 'wireguard': Operation not permitted`,
		// insmod says "could not insert module X.ko: ...".
		re: regexp.MustCompile(`(?:modprobe|insmod): ERROR: could not insert (?:module )?'?([^'\s:]+)'?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpModprobe)
			s.setIf(&s.Source, "modprobe")
			// insmod takes a file: ./tun.ko, /lib/modules/.../tun.ko.zst.
			name := moduleName(m[1])
			s.setIf(&s.Module, name)
			s.setKindFromModule(name)
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	// Docker / libnetwork.
	{name: "docker-veth-pair", example: `failed to add the host (veth3a1b2c4) <=> sandbox (veth9f8e7d6) pair interfaces: operation not supported.`,
		re: regexp.MustCompile(`failed to add the host \(([^)]+)\) <=> sandbox \(([^)]+)\) pair interfaces: (.+?)\.?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "docker"
			s.Operation, s.Kind = OpLinkAdd, "veth"
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Peer, m[2])
			e, msg := errnoAtEnd(m[3])
			s.setErr(e, msg)
		}},
	{name: "docker-vxlan", example: `Error response from daemon: error creating vxlan interface: operation not supported`,
		re: regexp.MustCompile(`error creating vxlan interface: (.+?)\.?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "docker")
			s.Operation, s.Kind = OpLinkAdd, "vxlan"
			e, msg := errnoAtEnd(m[1])
			s.setErr(e, msg)
		}},
	{name: "failed-to-create-kind-interface", example: `failed to create macvlan interface "mv0": invalid argument`,
		re: regexp.MustCompile(`failed to (?:create|add) (\w+) (?:interface|link|device) "?([^":\s]+)"?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			kind := strings.ToLower(m[1])
			if kind == "tun" || kind == "tap" {
				// A program's tun or tap device is its open of
				// /dev/net/tun and TUNSETIFF (mysteriumnetwork/
				// mysterium-vpn-desktop#408), not an ip link add.
				s.setIf(&s.Operation, OpTunOpen)
				s.setIf(&s.Path, "/dev/net/tun")
			} else {
				s.setIf(&s.Operation, OpLinkAdd)
				s.setIf(&s.Kind, kind)
			}
			s.setIf(&s.Device, m[2])
			e, msg := errnoAtEnd(m[3])
			s.setErr(e, msg)
		}},
	// CNI plugins.
	{name: "cni-create-bridge", example: `failed to create bridge "cni0": could not add "cni0": operation not permitted`,
		re: regexp.MustCompile(`failed to create bridge "([^"]+)": could not add "([^"]+)": (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			s.Operation, s.Kind = OpLinkAdd, "bridge"
			s.setIf(&s.Device, m[1])
			e, msg := errnoAtEnd(m[3])
			s.setErr(e, msg)
		}},
	{name: "cni-add-ip", example: `plugin type="bridge" failed (add): could not add IP address to "cni0": permission denied`,
		re: regexp.MustCompile(`could not add IP address to "([^"]+)": (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			s.Operation = OpAddrAdd
			s.setIf(&s.Device, m[1])
			e, msg := errnoAtEnd(m[2])
			s.setErr(e, msg)
		}},
	{name: "cni-bridge-addr-different", example: `failed to set bridge addr: "cni0" already has an IP address different from 10.244.1.1/24`,
		re: regexp.MustCompile(`failed to set bridge addr: "([^"]+)" already has an IP address different from (\S+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			s.Operation = OpAddrAdd
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Address, m[2])
			s.setFamily(m[2])
			s.setErr(EEXIST, m[0])
		}},
	// The CNI plugins' veth setup (plugins pkg/ip/link_linux.go
	// SetupVethWithName): every name it tried exists.
	{name: "cni-unique-veth", example: `failed to find a unique veth name`,
		re: regexp.MustCompile(`failed to find a unique veth name`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "veth")
			s.setIf(&s.Message, m[0])
		}},
	// bond-cni's own check of the bond's MTU against its ports'.
	{name: "bond-cni-mtu", example: `Invalid MTU (1500). The requested MTU for bond is bigger than that of the slave link (net1), slave mtu (1460)`,
		re: regexp.MustCompile(`Invalid MTU \((\d{1,6})\)\. The requested MTU for bond is bigger than that of the slave link(?: \(([\w.@-]{1,15})\))?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Kind, "bond")
			if n := atoiSafe(m[1]); n > 0 && s.MTU == 0 {
				s.MTU = n
			}
			if m[2] != "" {
				s.setIf(&s.Lower, m[2]) // the port whose MTU is lower
			}
			s.setIf(&s.Message, m[0])
		}},
	{name: "cni-add-route", example: `failed to add route {Ifindex: 3 Dst: 10.244.0.0/16 Src: <nil> Gw: 10.244.1.1}: file exists`,
		re: regexp.MustCompile(`failed to add route (?:'([^']*)'|"([^"]*)"|(\{[^}]*\}))?:? ?(.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpRouteAdd)
			e, msg := errnoAtEnd(m[4])
			s.setErr(e, msg)
		}},
	{name: "cni-plugin", example: `plugin type="bridge" name="cbr0" failed (add): operation not permitted`,
		re: regexp.MustCompile(`plugin type="(\w+)"`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			if e, msg := errnoAtEnd(m[0]); e != "" {
				s.setErr(e, msg)
			}
		}},
	// NetworkManager: "platform-linux: do-add-link[br0/bridge]: failure 95 (Operation not supported)".
	{name: "networkmanager-add-link", example: `platform-linux: do-add-link[br-lan/bridge]: failure 95 (Operation not supported)`,
		re: regexp.MustCompile(`do-add-link\[([^/\]]*)/(\w+)\]: failure (\d+) \(([^)]+)\)`),
		apply: func(s *Symptom, m []string) {
			s.Source = "NetworkManager"
			s.Operation = OpLinkAdd
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Kind, m[2])
			e := ErrnoFromNumber(m[3])
			if e == "" {
				e = ErrnoFromText(m[4])
			}
			s.setErr(e, m[0])
		}},
	// systemd-networkd.
	{name: "networkd-netdev", example: `systemd-networkd[612]: wg0: Could not create netdev: Operation not supported`,
		re: regexp.MustCompile(`(?:systemd-networkd\[\d+\]: )?([^:\s]+): (?:Could not create netdev|Failed to create netdev|netdev could not be created|Could not append (?:VLAN|MACVLAN|IPVLAN|VXLAN|macvlan|vlan) to \S+)(?: [^:]*)?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "networkd"
			s.Operation = OpLinkAdd
			s.setIf(&s.Device, m[1])
			e, msg := errnoAtEnd(m[2])
			if e == "" {
				e = ErrnoFromText(m[2])
			}
			s.setErr(e, msg)
		}},
	{name: "networkd-could-not-set", example: `systemd-networkd[612]: eth0: Could not set address: File exists`,
		// The object may carry its origin ("Could not set DHCPv4 address",
		// "Could not set NDisc route or address", "Could not set static
		// route"; corpus host-132); "Could not
		// join netdev" is the port joining its bridge or bond
		// (systemd/systemd#15280, #5838); a nexthop is part of a route.
		re: regexp.MustCompile(`(?i)(?:systemd-networkd\[\d+\]: )?([^:\s]+): Could not (set|add|bring up|configure|update|remove|drop|join|enslave) (?:(?:new|static|DHCP\w*|NDisc|IPv[46]|IPv6LL|link-local|SLAAC|RA|IPv4LL|default) ){0,2}(address|route|interface|link|mtu|netdev|nexthop|master)[^:]*: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "networkd"
			del := strings.EqualFold(m[2], "remove") || strings.EqualFold(m[2], "drop")
			switch strings.ToLower(m[3]) {
			case "address":
				if del {
					s.setIf(&s.Operation, OpAddrDel)
				}
				s.setIf(&s.Operation, OpAddrAdd)
			case "route", "nexthop":
				if del {
					s.setIf(&s.Operation, OpRouteDel)
				}
				s.setIf(&s.Operation, OpRouteAdd)
			case "mtu":
				// "Could not set MTU to 9000" (review): the MTU asked for.
				s.setIf(&s.Operation, OpLinkSet)
				if mm := mtuToRE.FindStringSubmatch(m[0]); mm != nil && s.MTU == 0 {
					s.MTU, _ = strconv.Atoi(mm[1])
				}
			default:
				s.setIf(&s.Operation, OpLinkSet)
			}
			s.setIf(&s.Device, m[1])
			e, _ := errnoAtEnd(m[4])
			// The message is networkd's whole sentence ("eth0: Could not
			// set MTU: Invalid argument"): its object is part of the error.
			s.setErr(e, strings.TrimPrefix(m[0], m[0][:strings.Index(m[0], m[1]+": ")]))
		}},
	// networkd refusing an interface name in a unit (config_parse_ifname:
	// "Interface name is not valid or too long, ignoring assignment"): the
	// name is beyond IFNAMSIZ-1 or malformed.
	{name: "networkd-invalid-ifname", example: `/run/systemd/network/10-netplan-br0.netdev:2: Interface name is not valid or too long, ignoring assignment: notagoodnameforabridge0`,
		re: regexp.MustCompile(`(/\S+\.(?:netdev|network|link))(?::\d+)?: Interface name is not valid or too long, ignoring assignment: (\S+)`),
		apply: func(s *Symptom, m []string) {
			s.Source = "networkd"
			s.setIf(&s.Path, m[1])
			s.InvalidName = true
			s.setIf(&s.Device, m[2])
			if strings.HasSuffix(m[1], ".netdev") {
				s.setIf(&s.Operation, OpLinkAdd)
			}
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	// networkd writing a per-interface sysctl (src/network/networkd-sysctl.c):
	// "eth0: Cannot configure proxy NDP for interface: ENOENT" (older),
	// "Cannot set IPv6 proxy NDP, ignoring: ..." (newer) when IPv6 is off.
	{name: "networkd-sysctl", example: `eth0: Cannot configure proxy NDP for interface: No such file or directory`,
		// The family is named for the settings both families have (MTU,
		// forwarding, hop limit): "Failed to set MTU" alone is any
		// program's, not networkd's sysctl.
		re: regexp.MustCompile(`(?i)(?:^([\w.@:-]{1,15}): )?(?:Cannot|Failed to) (?:configure|set|enable|disable) (?:(IPv[46]) (proxy NDP|privacy extensions?|accept[_ ]ra|hop limit|MTU|forwarding|proxy ARP|reverse path filtering|address generation mode)|(proxy NDP|IPv6 privacy extensions?|accept_ra|proxy ARP|reverse path filtering|IPv6 address generation mode))(?: for (?:the )?interface)?(?:, ignoring)?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "networkd")
			s.setIf(&s.Operation, OpSysctl)
			setting := strings.TrimPrefix(strings.ToLower(m[3]+m[4]), "ipv6 ")
			name := strings.ReplaceAll(setting, " ", "_")
			fam, key := "ipv6", map[string]string{"proxy_ndp": "proxy_ndp", "privacy_extension": "use_tempaddr", "privacy_extensions": "use_tempaddr",
				"accept_ra": "accept_ra", "hop_limit": "hop_limit", "mtu": "mtu", "forwarding": "forwarding", "proxy_arp": "proxy_arp",
				"reverse_path_filtering": "rp_filter", "address_generation_mode": "addr_gen_mode"}[name]
			if name == "proxy_arp" || name == "reverse_path_filtering" || strings.EqualFold(m[2], "IPv4") {
				fam = "ipv4"
			}
			if m[1] != "" && key != "" {
				// The interface from networkd's "IFNAME: " prefix; without
				// it the key is not known and is left out.
				s.setIf(&s.Device, m[1])
				s.setIf(&s.SysctlKey, "net."+fam+".conf."+m[1]+"."+key)
			}
			s.setErr(ErrnoFromText(m[5]), m[0])
		}},
	// A program's log of the port it asks for (Azure CNI's "[net] Setting
	// link azure0 master azure0."), before the error.
	{name: "setting-link-master", example: `2017/11/15 10:52:20 [net] Setting link azure0 master azure0.`,
		re: regexp.MustCompile(`(?i)\bsetting link (\S+) master (\S+?)\.?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Master, m[2])
		}},
	// An interface a profile or script creates is there already (netctl:
	// "Interface 'lan-bond.30' already exists").
	{name: "interface-already-exists", example: `network[21337]: Interface 'lan-bond.30' already exists`,
		re: regexp.MustCompile(`(?:^|: )Interface '([^'\s]{1,64})' already exists`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Device, m[1])
			s.setErr(EEXIST, m[0])
		}},
	{name: "networkd-config-file", example: `systemd-networkd[612]: /etc/systemd/network/10-br0.netdev:3: Unknown key name 'Kindd' in section 'NetDev', ignoring.`,
		// Also without a line number: "/etc/systemd/network/25-vlan.netdev:
		// VLAN without valid Id (0) configured. Ignoring." (networkd's
		// netdev verification, src/network/netdev/*.c).
		re: regexp.MustCompile(`(?:systemd-networkd\[\d+\]: )?(/\S+\.(?:netdev|network|link)|\S+\.(?:netdev|network|link):\d+)(?::(\d+))?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "networkd"
			path, _, _ := strings.Cut(m[1], ":")
			s.setIf(&s.Path, path)
			// A unit file networkd refuses or ignores: no errno, its words.
			s.setIf(&s.ExtAck, clipText(m[3], 200))
			s.setIf(&s.Message, clipText(m[0], 200))
		}},
	// LXC.
	{name: "lxc-veth", example: `lxc 20261122062901.123 ERROR    network - network.c:instantiate_veth: 170 Operation not permitted - Failed to create veth pair "vethAB12CD" and "vethEF34GH"`,
		re: regexp.MustCompile(`instantiate_veth: \d+ (.+?) - Failed to create veth pair "([^"]+)" and "([^"]+)"`),
		apply: func(s *Symptom, m []string) {
			s.Source = "lxc"
			s.Operation, s.Kind = OpLinkAdd, "veth"
			s.setIf(&s.Device, m[2])
			s.setIf(&s.Peer, m[3])
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// libvirt.
	{name: "libvirt-tap", example: `error: Unable to create tap device vnet0: Operation not permitted`,
		re: regexp.MustCompile(`Unable to create tap device (\S+): (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "libvirt"
			s.Operation, s.Kind = OpTuntapAdd, "tap"
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Path, "/dev/net/tun")
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	{name: "libvirt-tap-bridge", example: `error: Failed to add tap interface to bridge 'virbr0': No such device`,
		re: regexp.MustCompile(`Failed to add tap interface to bridge '([^']+)': (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "libvirt"
			s.Operation = OpLinkSet
			s.setIf(&s.Master, m[1])
			s.setIf(&s.Device, m[1])
			s.setErr(ErrnoFromText(m[2]), m[0])
		}},
	{name: "libvirt-macvtap", example: `error creating macvtap interface macvtap0@eth0 (52:54:00:aa:bb:cc): Device or resource busy`,
		re: regexp.MustCompile(`error creating macvtap (?:interface|type of interface) (\S+?)@(\S+?)(?: \(([^)]*)\))?: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.Source = "libvirt"
			s.Operation, s.Kind = OpLinkAdd, "macvtap"
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Lower, m[2])
			e, msg := errnoAtEnd(m[4])
			s.setErr(e, msg)
		}},
	// WireGuard tools after a failed link add.
	{name: "wireguard-tools", example: `Unable to access interface: Protocol not supported`,
		re: regexp.MustCompile(`Unable to (?:access|modify) interface: (.+?)\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "wireguard")
			s.setIf(&s.Kind, "wireguard")
			s.setErr(ErrnoFromText(m[1]), m[0])
		}},
	// The kernel's log of a failed allocation: the caller got ENOMEM.
	{name: "kernel-page-allocation-failure", example: `[2548650.549228] dockerd: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=docker.service,mems_allowed=0`,
		re:    regexp.MustCompile(`(\S+): page allocation failure: order:(\d+)`),
		apply: func(s *Symptom, m []string) { s.setErr(ENOMEM, m[0]) }},
	// netplan's parser: "/etc/netplan/00-vlan.yaml:9:13: Error in network
	// definition: vlan10: interface 'ens2' is not defined" (utmstack/UTMStack#678),
	// older "Error in network definition //etc/netplan/50-cloud-init.yaml
	// line 6 column 4: unknown key xversion" (canonical/netplan#30).
	{name: "netplan-definition", example: `/etc/netplan/00-vlan.yaml:9:13: Error in network definition: vlan10: interface 'ens2' is not defined`,
		// Also without the file (netplan apply's own echo: "Error in
		// network definition: br0: interface 'eth5' is not defined").
		re: regexp.MustCompile(`(?:(/\S+\.yaml):\d+:\d+: Error in network definition: |Error in network definition /?(/\S+\.yaml) line \d+ column \d+: |^Error in network definition: )(.+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "netplan")
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Path, m[1]+m[2])
			s.setIf(&s.Message, m[0])
			if k := netplanUnknownKeyRE.FindStringSubmatch(m[3]); k != nil {
				switch v, ok := netplanKeys[k[1]]; {
				case ok && v != "0.1":
					s.setIf(&s.ExtAck, "netplan: unknown key "+k[1]+", a key netplan reads since "+v+": this netplan is older, or the key is in a section that does not take it")
				case ok:
					s.setIf(&s.ExtAck, "netplan: unknown key "+k[1]+", a key every netplan reads: it stands in a section that does not take it (the YAML's indentation)")
				default:
					s.setIf(&s.ExtAck, "netplan: unknown key "+k[1]+", which no netplan version reads: the YAML is mistyped")
				}
			}
		}},
	// An AVC record wrapped over several lines: the class on its own line.
	{name: "selinux-avc-class-line", example: "    tclass=netlink_generic_socket permissive=0",
		re: regexp.MustCompile(`^tclass=(netlink_\w+_socket|tun_socket|capability2?|user_namespace)\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "selinux")
			switch {
			case strings.HasPrefix(m[1], "netlink_"):
				s.setIf(&s.Operation, OpNetlink)
			case m[1] == "tun_socket":
				s.setIf(&s.Operation, OpTunOpen)
			case m[1] == "user_namespace":
				s.setIf(&s.Operation, OpUserns)
			}
		}},
	// SELinux and AppArmor records pasted as they are.
	{name: "selinux-avc", example: `avc:  denied  { net_admin } for  pid=991 comm="wg-quick" capability=12  scontext=system_u:system_r:svirt_t:s0 tcontext=system_u:system_r:svirt_t:s0 tclass=capability permissive=0`,
		// Also pasted without the "avc:" head (SELinuxProject/refpolicy#591
		// "[...] denied  { bind } for pid=... scontext=... tclass=netlink_generic_socket").
		re: regexp.MustCompile(`(?:avc:\s+|\]\s+|^\s*)denied\s+\{ ([^}]+) \}.*?(?:comm="?([^"\s]+)"?)?.*?scontext=\S+.*?tclass=(\S+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "selinux")
			e := EACCES
			if strings.HasPrefix(m[3], "cap") {
				e = EPERM
			}
			if m[3] == "user_namespace" {
				s.setIf(&s.Operation, OpUserns)
			}
			if strings.HasPrefix(m[3], "netlink_") && (strings.Contains(m[1], "create") || strings.Contains(m[1], "bind") || strings.Contains(m[1], "setopt")) {
				s.setIf(&s.Operation, OpNetlink)
			}
			if m[3] == "tun_socket" {
				s.setIf(&s.Operation, OpTunOpen)
				s.setIf(&s.Kind, "tun")
			}
			s.setErr(e, m[0])
		}},
	{name: "apparmor-denied", example: `apparmor="DENIED" operation="create" class="net" info="failed protocol match" error=-13 profile="docker-default" pid=2133 comm="ip" family="netlink"`,
		re: regexp.MustCompile(`apparmor="DENIED" operation="([^"]+)"(.*)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "apparmor")
			e := EACCES
			if m[1] == "capable" {
				e = EPERM
			}
			if m[1] == "userns_create" {
				s.setIf(&s.Operation, OpUserns)
				e = EPERM
			}
			if strings.Contains(m[2], `name="/dev/net/tun"`) {
				s.setIf(&s.Operation, OpTunOpen)
				s.setIf(&s.Path, "/dev/net/tun")
			}
			s.setErr(e, m[0])
		}},
	// A sysctl key named on a line that says something failed (tailscale:
	// "couldn't check net.ipv6.conf.all.forwarding (exit status 1)").
	{name: "sysctl-key-failure", example: `Warning: Couldn't check system's IP forwarding configuration, subnet routing/exit nodes may not work: couldn't check net.ipv6.conf.all.forwarding (exit status 1)`,
		re: regexp.MustCompile(`(?i)\b(?:failed|failure|error|cannot|can't|couldn't|unable)\b.*?\b(net\.(?:ipv4|ipv6|core|bridge|netfilter|mpls|unix)\.[\w.-]{2,120})`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.SysctlKey, strings.TrimRight(m[1], "."))
		}},
	// OpenVPN's DCO netlink code prints the kernel's extended ACK as
	// "kernel error: MESSAGE" (src/openvpn/dco_linux.c; ovpn's messages
	// carry the module's "ovpn: " prefix).
	{name: "openvpn-dco-extack", example: `kernel error: ovpn: ifindex does not match any interface`,
		re: regexp.MustCompile(`(?:^|\s)kernel error: ([a-z0-9_]{2,16}: [^\n]{4,200}?)\.?\s*$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "openvpn")
			s.noteExtAck(m[1], m[0], m[0])
		}},
	// Kernel extended-ACK messages quoted by a program without iproute2's
	// "Error: " (oblique/create_ap#420, morrownr/USB-WiFi#153 from
	// systemd-networkd: "MSG: MESSAGE. Strerror"; pyroute2's
	// NetlinkError: (N, 'MESSAGE')): any message of the table of three words
	// or more. Last: a line another row reads is searched for one too
	// (parseLine).
	{name: "kernel-extack-quoted", example: `systemd-networkd[433]: comfastWLAN: Failed to set master interface: Device does not allow enslaving to a bridge. Operation not supported`,
		find: findQuotedExtAck,
		apply: func(s *Symptom, m []string) {
			s.noteExtAck(m[1], m[0], m[0])
		}},
}

// firewallRuleWord are the words before "rule" that make it a firewall's.
var firewallRuleWord = map[string]bool{"firewall": true, "iptables": true, "ip6tables": true, "nft": true, "nftables": true, "nat": true,
	"filter": true, "ebtables": true, "mangle": true, "ufw": true, "netfilter": true, "masquerade": true, "snat": true, "dnat": true}

// Regular expressions the phrases use on what they matched.
var (
	netnsValueRE = regexp.MustCompile(`argument "([^"/]{1,64})" is wrong: Invalid "netns" value`)
	pyKindRE     = regexp.MustCompile(`kind=['"](\w+)['"]`)
	pyIfnameRE   = regexp.MustCompile(`ifname=['"]([^'"]+)['"]`)
	onLinkRE     = regexp.MustCompile(`^\s+(?:on|of) (?:the )?link\b`)
	addToRE      = regexp.MustCompile(`^\s+"?\S+"? to\b`)
)

// opPhrase names the operation (and what it acts on) without the error.
type opPhrase struct {
	name    string
	example string
	re      *regexp.Regexp
	apply   func(s *Symptom, m []string)
}

// ioctlOps maps the ioctls that change network state to the operation.
var ioctlOps = map[string][2]string{ // name: operation, kind
	"SIOCSIFADDR": {OpAddrAdd, ""}, "SIOCSIFNETMASK": {OpAddrAdd, ""}, "SIOCSIFBRDADDR": {OpAddrAdd, ""},
	"SIOCDIFADDR": {OpAddrDel, ""}, "SIOCSIFFLAGS": {OpLinkSet, ""}, "SIOCGIFFLAGS": {OpLinkSet, ""},
	"SIOCSIFMTU": {OpLinkSet, ""}, "SIOCSIFHWADDR": {OpLinkSet, ""}, "SIOCSIFNAME": {OpLinkSet, ""},
	"SIOCGIFINDEX": {OpLinkSet, ""}, "SIOCADDRT": {OpRouteAdd, ""}, "SIOCDELRT": {OpRouteDel, ""},
	"SIOCBRADDBR": {OpLinkAdd, "bridge"}, "SIOCBRDELBR": {OpLinkDel, "bridge"}, "SIOCBRADDIF": {OpLinkSet, ""},
	"SIOCBRDELIF": {OpLinkSet, ""}, "SIOCSIFVLAN": {OpLinkAdd, "vlan"}, "SIOCBONDENSLAVE": {OpLinkSet, ""},
	// A program attaching to its tun/tap (TUNSETIFF on its open file) is
	// "tun open"; iproute2's "ioctl(TUNSETIFF): ..." is tuntap add (the
	// tunsetiff-ioctl line row). TUNSETPERSIST makes a persistent device.
	"TUNSETIFF": {OpTunOpen, "tun"}, "TUNSETPERSIST": {OpTuntapAdd, "tun"}, "SIOCSIFTXQLEN": {OpLinkSet, ""},
	// ip tunnel add/del/change on ipip, gre and sit (iproute2 ip/tunnel.c).
	"SIOCADDTUNNEL": {OpLinkAdd, ""}, "SIOCDELTUNNEL": {OpLinkDel, ""}, "SIOCCHGTUNNEL": {OpLinkSet, ""},
}

// ioctlNumbers are the same requests by number, as strace -X raw and
// some programs print them.
var ioctlNumbers = map[uint64]string{
	0x8914: "SIOCSIFFLAGS", 0x8913: "SIOCGIFFLAGS", 0x8916: "SIOCSIFADDR", 0x891c: "SIOCSIFNETMASK", 0x8936: "SIOCDIFADDR",
	0x890b: "SIOCADDRT", 0x890c: "SIOCDELRT", 0x8922: "SIOCSIFMTU", 0x8924: "SIOCSIFHWADDR", 0x8923: "SIOCSIFNAME",
	0x89a0: "SIOCBRADDBR", 0x89a1: "SIOCBRDELBR", 0x89a2: "SIOCBRADDIF", 0x89a3: "SIOCBRDELIF", 0x8983: "SIOCSIFVLAN",
	0x400454ca: "TUNSETIFF", 0x400454cb: "TUNSETPERSIST",
	// projectcalico/felix#928: "ip: ioctl 0x89f1 failed: File exists".
	0x89f1: "SIOCADDTUNNEL", 0x89f2: "SIOCDELTUNNEL", 0x89f3: "SIOCCHGTUNNEL",
}

func (s *Symptom) setIoctl(name string) {
	if op, ok := ioctlOps[name]; ok {
		s.setIf(&s.Operation, op[0])
		s.setIf(&s.Kind, op[1])
		if strings.HasPrefix(name, "TUN") {
			s.setIf(&s.Path, "/dev/net/tun")
		}
	}
}

// phraseOp maps a verb and a noun of a daemon's phrase to the operation.
func phraseOp(verb, noun string) (op, kind string) {
	verb, noun = strings.ToLower(verb), strings.ToLower(noun)
	del := strings.HasPrefix(verb, "del") || strings.HasPrefix(verb, "remov")
	set := strings.HasPrefix(verb, "set") || strings.HasPrefix(verb, "bring") || strings.HasPrefix(verb, "configur") ||
		strings.HasPrefix(verb, "move") || strings.HasPrefix(verb, "attach") || strings.HasPrefix(verb, "enslav") ||
		strings.HasPrefix(verb, "renam") || strings.HasPrefix(verb, "chang") || strings.HasPrefix(verb, "updat")
	switch {
	case strings.HasPrefix(noun, "addr") || noun == "ip" || noun == "ip address" || noun == "ip addresses":
		if del {
			return OpAddrDel, ""
		}
		return OpAddrAdd, ""
	case strings.HasPrefix(noun, "route") || noun == "gateway" || noun == "default route":
		if del {
			return OpRouteDel, ""
		}
		return OpRouteAdd, ""
	case strings.HasPrefix(noun, "neigh"):
		return OpNeighAdd, ""
	case noun == "namespace" || noun == "netns" || noun == "network namespace":
		return OpNetnsEnter, ""
	}
	if k := kindNoun(noun); k != "" {
		kind = k
	}
	switch {
	case del:
		return OpLinkDel, kind
	case set:
		return OpLinkSet, kind
	}
	return OpLinkAdd, kind
}

func kindNoun(w string) string {
	w = strings.ToLower(strings.TrimSuffix(strings.TrimSuffix(w, " pair"), " port"))
	switch w {
	case "bridge", "veth", "vxlan", "vlan", "macvlan", "ipvlan", "bond", "tun", "tap", "wireguard", "geneve", "dummy", "vrf", "macvtap", "gre":
		return w
	}
	return ""
}

var opPhrases = []opPhrase{
	// Mininet moving an interface into a host's namespace (mininet/util.py
	// moveIntf: ip link set IF netns PID).
	{name: "mininet-moveintf", example: `*** Error: moveIntf: tap0 not successfully moved to h0:`,
		re: regexp.MustCompile(`\bmoveIntf: ([\w.@-]{1,15}) not successfully moved to (\S{1,64}?):?$`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// wireguard-go's tun.CreateTUN opens /dev/net/tun and creates the
	// device (tailscaled, netbird, wg-go users): "CreateTUN: no such file".
	{name: "wireguard-go-createtun", example: `CreateTUN: no such file or directory`,
		re: regexp.MustCompile(`\bCreateTUN\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Kind, "tun")
		}},
	// An XDP program attached to a device (libxdp, xdp-loader, libbpf's
	// bpf_xdp_attach): IFLA_XDP on the link, a link change.
	{name: "xdp-attach", example: `libxdp: Error attaching XDP program to eth0: Operation not supported`,
		re: regexp.MustCompile(`(?i)\b(?:error |failed |couldn't |could not |unable to |cannot )?attach(?:ing)? (?:the )?XDP program (?:to|on) (?:iface |interface |device |dev )?'?([A-Za-z][\w.@-]{0,14})'?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			if m[1] != "ifindex" {
				s.setIf(&s.Device, m[1])
			}
		}},
	// getifaddrs(3) lists addresses through a NETLINK_ROUTE socket
	// (glibc sysdeps/unix/sysv/linux/ifaddrs.c): its failure is the
	// socket's (myMPD's "Can not get list of inteface ip addresses").
	{name: "getifaddrs", example: `mympd[2129]: ERROR    mympdapi  Can not get list of inteface ip addresses`,
		// libuv's uv_interface_addresses (Node.js os.networkInterfaces) is
		// getifaddrs.
		re:    regexp.MustCompile(`(?i)\bgetifaddrs\b|\bget (?:the )?list of inte?r?face (?:ip )?addresses|\buv_interface_addresses\b`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetlink) }},
	// A driver refusing an MTU in its own words (lan78xx, smsc95xx:
	// "eth0: Invalid MTU 9000 requested, hw max 1500", raspberrypi/linux#2660).
	{name: "driver-invalid-mtu", example: `eth0: Invalid MTU 9000 requested, hw max 1500`,
		re: regexp.MustCompile(`(?:^|\s)([\w.@-]{1,15}): Invalid MTU (\d{2,6}) requested, hw max (\d{2,6})`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
			if s.MTU == 0 {
				s.MTU, _ = strconv.Atoi(m[2])
			}
		}},
	// pyroute2's IPDB creating an interface:
	// "ipdb.create(ifname='v0', link=..., kind='vlan', vlan_id=110)".
	{name: "pyroute2-ipdb-create", example: `>>> with ipdb.create(ifname='dummy_name', link=ipdb.interfaces['eth0'],kind='vlan', vlan_id=110) as iface:`,
		re: regexp.MustCompile(`\bipdb\.create\((?:[^)]*?ifname=['"]([\w.@-]{1,15})['"])?(?:[^)]*?kind=['"](\w{1,16})['"])?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Source, "pyroute2")
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Kind, m[2])
		}},
	// An MTU change in a program's words, naming the device and the value:
	// "failed to set MTU on mv0 to 9000", "while setting mtu 9000 on mv0".
	{name: "mtu-on-device", example: `failed to set MTU on mv0 to 9000: invalid argument`,
		re: regexp.MustCompile(`(?i)\bmtu (?:on|of|for) "?([\w.@:-]{1,15})"? to (\d{2,6})\b|\bsetting mtu (?:to )?(\d{2,6}) (?:on|for) "?([\w.@:-]{1,15})"?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1]+m[4])
			if s.MTU == 0 {
				s.MTU, _ = strconv.Atoi(m[2] + m[3])
			}
		}},
	// A program's own report of unshare(2) for a user namespace: skopeo's
	// "Error during unshare(...): Operation not permitted" (rootless
	// containers/storage), or a call naming CLONE_NEWUSER.
	{name: "unshare-call", example: `Error during unshare(...): Operation not permitted`,
		re:    regexp.MustCompile(`\bunshare\((?:\.\.\.|[^)]*CLONE_NEWUSER[^)]*)\)`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpUserns) }},
	// unshare(2) or clone(2) with its flags as a number or by name, as
	// honggfuzz, nsjail and strace (clone(child_stack=..., flags=...),
	// clone3({flags=...})) print them: CLONE_NEWUSER (0x10000000)
	// is a user namespace's setup, CLONE_NEWNET (0x40000000) without it a
	// new network namespace (kernel/fork.c ksys_unshare, copy_net_ns).
	{name: "clone-flags", example: `unshare(0x5c020000): Operation not permitted`,
		re: regexp.MustCompile(`\b(?:unshare|clone3?|nsEnter)\((?:\{|[^)]{0,80}?\bflags=)?(0x[0-9a-fA-F]{1,8}|[A-Z_|]*CLONE_NEW[A-Z_|]*)`),
		apply: func(s *Symptom, m []string) {
			var user, net bool
			if strings.HasPrefix(m[1], "0x") {
				v, err := strconv.ParseUint(m[1][2:], 16, 32)
				if err != nil {
					return
				}
				user, net = v&0x10000000 != 0, v&0x40000000 != 0
			} else {
				user, net = strings.Contains(m[1], "CLONE_NEWUSER"), strings.Contains(m[1], "CLONE_NEWNET")
			}
			switch {
			case user:
				s.setIf(&s.Operation, OpUserns)
			case net:
				s.setIf(&s.Operation, OpNetnsEnter)
			}
		}},
	// A port joining a bridge in a daemon's words: docker's "adding
	// interface veth123 to bridge docker0 failed", the CNI bridge plugin's
	// "failed to connect \"veth1234\" to bridge cni0".
	{name: "port-to-bridge", example: `adding interface veth123 to bridge docker0 failed: exchange full`,
		re: regexp.MustCompile(`(?i)\b(?:adding interface|connect|attach(?:ing)?|enslav\w*|set(?:ting)?(?: master of)?) "?([\w.@:-]{1,64})"? to (?:the )?bridge "?([\w.@:-]{1,64}?)"?(?:[:,.]|\s|$)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Master, m[2])
		}},
	// A program loading a driver in its own words: netbird's "couldn't
	// check or load tun module" (netbirdio/netbird#1498).
	{name: "load-module", example: `couldn't check or load tun module`,
		re: regexp.MustCompile(`(?i)\bload(?:ing)? (?:the )?([a-z][\w-]{1,30}) (?:kernel )?module\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpModprobe)
			s.setIf(&s.Module, strings.ToLower(m[1]))
			s.setKindFromModule(strings.ToLower(m[1]))
		}},
	// A program opening its tun/tap: vpncloud's "Failed to open virtual tap
	// interface vpncloud%d: No such device (os error 19)".
	{name: "open-tun-interface", example: `ERROR - Failed to open virtual tap interface vpncloud%d: No such device (os error 19)`,
		// "failed to open TUN device: ioctl failed" (flannel's udp
		// backend): the open worked, TUNSETIFF creating the device did not.
		re: regexp.MustCompile(`(?i)\b(?:open(?:ing)?|get(?:ting)?) (?:the |a )?(?:virtual )?(?:tun|tap)(?:/tap)? (?:interface|device)\b(:\s*ioctl\b)?`),
		apply: func(s *Symptom, m []string) {
			if m[1] != "" {
				s.setIf(&s.Operation, OpTuntapAdd)
			}
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Kind, "tun")
			s.setIf(&s.Path, "/dev/net/tun")
		}},
	// Alternative names (ip link property add dev X altname Y, netlink
	// RTM_NEWLINKPROP): a change of an existing link. Containerlab's
	// "failed to add containerlab ownership altname: operation not
	// supported" (srl-labs/containerlab#3182) on kernels before 5.5.
	{name: "altname", example: `failed to add containerlab ownership altname: operation not supported`,
		re:    regexp.MustCompile(`(?i)\b(?:add|set|create|delete|del|remove)\w* (?:[\w-]+ ){0,3}alt(?:ernative )?names?\b`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpLinkSet) }},
	{name: "ioctl-name", example: `ifconfig: SIOCSIFADDR: No such device`,
		re:    regexp.MustCompile(`\b(SIOC[A-Z]{4,16}|TUNSETIFF|TUNSETPERSIST)\b`),
		apply: func(s *Symptom, m []string) { s.setIoctl(m[1]) }},
	{name: "ioctl-number", example: `ioctl(3, 0x8914, 0x7ffd2c9a6a50) = -1 EPERM (Operation not permitted)`,
		re: regexp.MustCompile(`ioctl\(\s*\d+,\s*(0x[0-9a-fA-F]+|\d{4,10})\b`),
		apply: func(s *Symptom, m []string) {
			if n, err := strconv.ParseUint(m[1], 0, 64); err == nil {
				s.setIoctl(ioctlNumbers[n])
			}
		}},
	// pyroute2: ip.link('add', ifname='v0', kind='veth', peer='v1').
	{name: "pyroute2-call", example: `    ip.link('add', ifname='v0p0', kind='veth', peer='v0p1')`,
		re: regexp.MustCompile(`\.(link|addr|route|neigh)\(\s*['"](add|set|del|delete|remove|replace|change)['"](.*)`),
		apply: func(s *Symptom, m []string) {
			noun := map[string]string{"link": "link", "addr": "address", "route": "route", "neigh": "neighbour"}[m[1]]
			op, _ := phraseOp(m[2], noun)
			if m[1] == "link" && m[2] == "add" {
				op = OpLinkAdd
			}
			s.setIf(&s.Operation, op)
			s.setIf(&s.Source, "pyroute2")
			if k := pyKindRE.FindStringSubmatch(m[3]); k != nil {
				s.setIf(&s.Kind, k[1])
			}
			if k := pyIfnameRE.FindStringSubmatch(m[3]); k != nil {
				s.setIf(&s.Device, k[1])
			}
		}},
	{name: "pyroute2-ndb-create", example: `ndb.interfaces.create(ifname='br0', kind='bridge').commit()`,
		re: regexp.MustCompile(`interfaces\.create\((.*)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			if k := pyKindRE.FindStringSubmatch(m[1]); k != nil {
				s.setIf(&s.Kind, k[1])
			}
		}},
	// Daemons deleting a link in their own words (netavark: "failed to
	// delete if podman0", containers/netavark#345).
	{name: "daemon-delete-link", example: `netavark: failed to delete if podman0: Received a netlink error message Operation not supported (os error 95)`,
		re: regexp.MustCompile(`(?i)failed to (?:delete|remove) (?:if|interface|link|veth|bridge|device) "?([A-Za-z0-9_.@:-]{1,15})"?:`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkDel)
			switch strings.ToLower(m[1]) {
			case "pair", "network", "interface", "device", "link", "port", "peer", "endpoint":
				// "failed to delete veth pair: ...": a noun, not a name.
			default:
				s.setIf(&s.Device, m[1])
			}
		}},
	// vishvananda/netlink function names in Go errors and stack traces.
	// coreos/mantle#72 (a kernel without CONFIG_BRIDGE).
	{name: "go-netlink-call", example: `Cluster failed: Network setup failed: LinkAdd() failed: operation not supported`,
		re: regexp.MustCompile(`\b(Link(?:Add|Del|SetUp|SetDown|SetMaster|SetMTU|SetNsFd|SetNsPid|SetName|SetHardwareAddr|Modify)|Addr(?:Add|Replace|Del)|Route(?:Add|Replace|Append|Del)|Neigh(?:Add|Set))\b`),
		apply: func(s *Symptom, m []string) {
			f := m[1]
			switch {
			case f == "LinkAdd" || f == "LinkModify":
				s.setIf(&s.Operation, OpLinkAdd)
			case f == "LinkDel":
				s.setIf(&s.Operation, OpLinkDel)
			case strings.HasPrefix(f, "Link"):
				s.setIf(&s.Operation, OpLinkSet)
			case f == "AddrDel":
				s.setIf(&s.Operation, OpAddrDel)
			case strings.HasPrefix(f, "Addr"):
				s.setIf(&s.Operation, OpAddrAdd)
			case f == "RouteDel":
				s.setIf(&s.Operation, OpRouteDel)
			case strings.HasPrefix(f, "Route"):
				s.setIf(&s.Operation, OpRouteAdd)
			default:
				s.setIf(&s.Operation, OpNeighAdd)
			}
		}},
	// rust rtnetlink crate: handle.link().add().veth(...).execute().
	{name: "rust-rtnetlink-call", example: `handle.link().add().veth("veth-rs".into(), "veth-rs-1".into()).execute().await`,
		re: regexp.MustCompile(`\.(link|address|route|neighbours)\(\)\.(add|set|del|delete|change|replace)\(\)(?:\.(\w+)\()?`),
		apply: func(s *Symptom, m []string) {
			op, _ := phraseOp(m[2], m[1])
			if m[1] == "link" && m[2] == "add" {
				op = OpLinkAdd
			}
			s.setIf(&s.Operation, op)
			s.setIf(&s.Kind, kindNoun(m[3]))
		}},
	// NetworkManager's platform layer: do-add-ip4-address, do-add-ip6-route, do-change-link.
	{name: "networkmanager-platform", example: `platform-linux: do-add-ip4-route[254: 0.0.0.0/0 100 via 10.0.0.1 dev 2]: failure 101 (Network is unreachable)`,
		re: regexp.MustCompile(`do-(add|change|delete)-(link|ip[46]-address|ip[46]-route|routing-rule|qdisc|tfilter)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "NetworkManager")
			noun := strings.TrimPrefix(strings.TrimPrefix(m[2], "ip4-"), "ip6-")
			verb := m[1]
			if verb == "change" {
				verb = "set"
			}
			op, _ := phraseOp(verb, noun)
			s.setIf(&s.Operation, op)
			if strings.HasPrefix(m[2], "ip6") {
				s.setIf(&s.Family, "inet6")
			}
		}},
	{name: "networkmanager-state-change", example: `NetworkManager[812]: <info>  [1700000000.1234] device (eth0): state change: ip-config -> failed (reason 'ip-config-unavailable', sys-iface-state: 'managed')`,
		// A device falling back to unavailable or deactivating for a failure
		// reason is the same family ("state change: prepare -> unavailable
		// (reason 'dependency-failed'").
		re: regexp.MustCompile(`device \(([^)\s]+)\): (?:state change: \S+ -> (?:failed|(?:unavailable|deactivating|disconnected) \(reason '(?:[\w-]*failed|[\w-]*unavailable|config-[\w-]+|device-missing|[\w-]*-error)')|Activation: failed)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "NetworkManager")
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	{name: "iproute2-netns-open", example: `Cannot open network namespace "ns1": No such file or directory`,
		re: regexp.MustCompile(`Cannot open network namespace "([^"]+)"`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpNetnsEnter)
			s.setIf(&s.Netns, m[1])
		}},
	{name: "brctl-addif", example: `can't add eth0 to bridge br0: Device or resource busy`,
		re: regexp.MustCompile(`can't add (\S+) to bridge (\S+?):`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Master, m[2])
		}},
	{name: "brctl-no-bridge", example: `bridge br0 doesn't exist; can't add eth0 to it.`,
		re: regexp.MustCompile(`bridge (\S+) doesn't exist; can't add (\S+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Master, m[1])
			s.setIf(&s.Device, m[2])
			s.setErr(ENODEV, m[0])
		}},
	{name: "brctl-addbr", example: `add bridge failed: Package not installed`,
		re: regexp.MustCompile(`add bridge failed: `),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "bridge")
		}},
	{name: "vconfig-add", example: `ERROR: trying to add VLAN #10 to IF -:eth0:-  error: Operation not supported`,
		re: regexp.MustCompile(`trying to add VLAN #(\d+) to IF -:(\S+?):-`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "vlan")
			s.setIf(&s.Lower, m[2])
		}},
	{name: "openvpn-linux-command", example: `ERROR: Linux route add command failed: external program exited with error status: 2`,
		re: regexp.MustCompile(`Linux (ip(?: -6)? (?:addr|link|route) (?:add|delete|del|set)|route(?: -6| -A inet6)? (?:add|delete|del)|ifconfig)\b.*failed`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "openvpn")
			del := strings.Contains(m[1], " del")
			switch {
			case strings.Contains(m[1], "route") && del:
				s.setIf(&s.Operation, OpRouteDel)
			case strings.Contains(m[1], "route"):
				s.setIf(&s.Operation, OpRouteAdd)
			case strings.Contains(m[1], "addr") && del:
				s.setIf(&s.Operation, OpAddrDel)
			case strings.Contains(m[1], "addr") || m[1] == "ifconfig":
				s.setIf(&s.Operation, OpAddrAdd)
			default:
				s.setIf(&s.Operation, OpLinkSet)
			}
			if strings.Contains(m[1], "-6") || strings.Contains(m[1], "inet6") {
				s.setIf(&s.Family, "inet6")
			}
		}},
	{name: "docker-userns-host-network", example: `docker: Error response from daemon: cannot share the host's network namespace when user namespaces are enabled.`,
		re: regexp.MustCompile(`(?i)cannot share the host(?:'s| or a container's) network namespace when user namespaces are enabled`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "docker")
			s.setIf(&s.Operation, OpNetnsEnter)
			s.setIf(&s.Message, m[0])
		}},
	// dockerd refusing a privileged container while userns-remap is on
	// (daemon/create.go: privileged needs the host's user namespace).
	{name: "docker-userns-privileged", example: `failed to create container: API error (400): privileged mode is incompatible with user namespaces. You must run the container in the host namespace when running privileged mode`,
		re: regexp.MustCompile(`(?i)privileged mode is incompatible with user namespaces`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "docker")
			s.setIf(&s.Operation, OpUserns)
			s.setIf(&s.Message, m[0])
		}},
	{name: "cni-veth", example: `failed to make veth pair: operation not permitted`,
		re: regexp.MustCompile(`(?:failed to make veth pair|container veth name provided \(\S+\) already exists)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "cni")
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "veth")
		}},
	{name: "netns-open", example: `failed to Statfs "/proc/4242/ns/net": no such file or directory`,
		re: regexp.MustCompile(`(?i)(?:failed to (?:open|get)|error (?:opening|getting)) (?:netns|network namespace) "?([^":\s]*)|failed to Statfs "(?:[^"]*/ns/net|[^"]*netns[^"]*)"`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpNetnsEnter)
			if !strings.Contains(m[1], "/") {
				s.setIf(&s.Netns, m[1])
			}
		}},
	{name: "proc-sys-path", example: `open /proc/sys/net/ipv6/conf/eth0/accept_dad: no such file or directory`,
		re: regexp.MustCompile(`/proc/sys/(net/[\w./-]+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpSysctl)
			s.setIf(&s.SysctlKey, strings.ReplaceAll(strings.TrimRight(m[1], "./"), "/", "."))
		}},
	{name: "sysctl-phrase", example: `netavark: set sysctl net/ipv4/conf/podman1/route_localnet: Permission denied`,
		re: regexp.MustCompile(`(?i)\b(?:open|set|setting|write|writing|apply|applying) sysctl (?:key )?['"]?(net[\w./-]+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpSysctl)
			s.setIf(&s.SysctlKey, strings.ReplaceAll(m[1], "/", "."))
		}},
	// Netlink message types in library and daemon errors (keepalived,
	// strace, Go and Rust libraries).
	{name: "rtm-message-type", example: `Netlink: error: Operation not permitted(1), type=RTM_NEWADDR(20), seq=1563327313, pid=0`,
		re: regexp.MustCompile(`\bRTM_(NEWLINK|SETLINK|DELLINK|NEWADDR|DELADDR|NEWROUTE|DELROUTE|NEWNEIGH|NEWQDISC|DELQDISC|NEWTCLASS|DELTCLASS|NEWTFILTER|DELTFILTER)\b|\btype=\((16|17|19|20|21|24|25|28|36|37|40|41|44|45)\)`),
		apply: func(s *Symptom, m []string) {
			// keepalived prints the number alone: acassen/keepalived#427
			// "Netlink: error: Operation not permitted, type=(20), seq=...".
			name := m[1]
			if name == "" {
				name = map[string]string{"16": "NEWLINK", "17": "DELLINK", "19": "SETLINK", "20": "NEWADDR", "21": "DELADDR",
					"24": "NEWROUTE", "25": "DELROUTE", "28": "NEWNEIGH", "36": "NEWQDISC", "37": "DELQDISC", "40": "NEWTCLASS",
					"41": "DELTCLASS", "44": "NEWTFILTER", "45": "DELTFILTER"}[m[2]]
			}
			op := map[string]string{"NEWLINK": OpLinkAdd, "SETLINK": OpLinkSet, "DELLINK": OpLinkDel,
				"NEWADDR": OpAddrAdd, "DELADDR": OpAddrDel, "NEWROUTE": OpRouteAdd, "DELROUTE": OpRouteDel, "NEWNEIGH": OpNeighAdd}[name]
			if strings.HasSuffix(name, "QDISC") || strings.HasSuffix(name, "TCLASS") || strings.HasSuffix(name, "TFILTER") {
				op = OpTC
			}
			s.setIf(&s.Operation, op)
		}},
	{name: "setns", example: `setns(CLONE_NEWNET): Operation not permitted`,
		// CLONE_NEWNET inside a flags list ("(CLONE_NEWNET", "|CLONE_NEWNET")
		// is clone-flags', which weighs CLONE_NEWUSER too.
		re:    regexp.MustCompile(`\bsetns\b|(?:^|[^(|A-Za-z0-9_])CLONE_NEWNET\b`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetnsEnter) }},
	{name: "pasta-netns", example: `Couldn't open network namespace /proc/4596/ns/net: Permission denied`,
		re:    regexp.MustCompile(`(?i)(?:couldn't|could not|cannot|can't|failed to) (?:open|enter|join) (?:the )?(?:network namespace|netns)|netns dir open`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetnsEnter) }},
	{name: "getifaddrs", example: `error: failed to list interfaces: getifaddrs: Address family not supported by protocol`,
		re:    regexp.MustCompile(`\bgetifaddrs\b|\bif_nameindex\b`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetlink) }},
	{name: "wireguard-unit", example: `Aug 15 16:57:36 master1 wireguard-wg0-start[2975]: RTNETLINK answers: File exists`,
		re: regexp.MustCompile(`\b(?:wireguard-(\w+)-start|wg-quick@(\w+))\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "wireguard")
			s.setIf(&s.Device, m[1]+m[2])
		}},
	{name: "parent-not-found", example: `Error response from daemon: -o parent interface does was not found on the host: en0`,
		re: regexp.MustCompile(`(?i)(parent|lower|master) interface (?:does )?(?:was )?not found(?: on the host)?:? "?([^"\s:]+)`),
		apply: func(s *Symptom, m []string) {
			if strings.EqualFold(m[1], "master") {
				s.setIf(&s.Operation, OpLinkSet)
				s.setIf(&s.Master, m[2])
			} else {
				s.setIf(&s.Operation, OpLinkAdd)
				s.setIf(&s.Lower, m[2])
			}
			s.setErr(ENODEV, m[0])
		}},
	{name: "could-not-find-bridge", example: `adding interface veth39cd78e to bridge docker0 failed: could not find bridge docker0: route ip+net: no such network interface`,
		re: regexp.MustCompile(`(?i)(?:could not|cannot|can't|failed to) find (bridge|master|parent) "?([^"\s:]+)`),
		apply: func(s *Symptom, m []string) {
			if strings.EqualFold(m[1], "parent") {
				s.setIf(&s.Operation, OpLinkAdd)
				s.setIf(&s.Lower, m[2])
			} else {
				s.setIf(&s.Operation, OpLinkSet)
				s.setIf(&s.Master, m[2])
			}
		}},
	{name: "libvirt-bridge-port", example: `Unable to add bridge ovs-br0 port vnet0: Operation not supported`,
		re: regexp.MustCompile(`Unable to add bridge (\S+) port (\S+?):`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "libvirt")
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Master, m[1])
			s.setIf(&s.Device, m[2])
		}},
	{name: "socket-failure", example: `WARNING: NET_IP4Socket: socket: Function not implemented`,
		re: regexp.MustCompile(`(?i)(?:\bsocket(?:\(\))?(?: creation)? failed|failed to create (?:a |the )?socket|\bsocket: [A-Z])`),
		apply: func(s *Symptom, m []string) {
			if s.Source != "libpcap" { // a packet socket, not netlink
				s.setIf(&s.Operation, OpNetlink)
			}
		}},
	{name: "netns-path", example: `umount: /var/run/netns/physical: not mounted.`,
		re: regexp.MustCompile(`(CNI_NETNS=)?(?:/var)?/run/(?:[\w.-]+/)?netns(?:/([\w.@-]+)|\b)`),
		apply: func(s *Symptom, m []string) {
			// A CNI plugin's invocation names the namespace it works
			// in, not a namespace it failed to enter.
			if m[1] == "" {
				s.setIf(&s.Operation, OpNetnsEnter)
			}
			s.setIf(&s.Netns, m[2])
		}},
	// A process's namespace by path (kubernetes/kubernetes#26199 "Failed to
	// open /proc/0/ns/net: ... no such file or directory").
	{name: "proc-ns-net", example: `Error removing container from network: Failed to open /proc/0/ns/net: open /proc/0/ns/net: no such file or directory`,
		re: regexp.MustCompile(`\bopen "?(/proc/(?:\d+|self|thread-self)/(?:task/\d+/)?ns/net)\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpNetnsEnter)
			s.setIf(&s.Path, m[1])
		}},
	{name: "netns-fs-magic", example: `error retrieving network namespace at /tmp/run-1002/netns/cni-3fcbc990-2e9d-9d4f-9eae-6a9ddf45c1f1: unknown FS magic on "/tmp/run-1002/netns/cni-3fcbc990-2e9d-9d4f-9eae-6a9ddf45c1f1": 58465342`,
		re:    regexp.MustCompile(`unknown FS magic on "[^"]*"|is not a (?:PROC|NSFS|nsfs) file`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetnsEnter) }},
	{name: "bring-up-device", example: `ifup: failed to bring up ens7`,
		re: regexp.MustCompile(`(?i)(?:failed to|could not|cannot|unable to) bring (?:up|down) "?([\w.@:-]+)"?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// BusyBox ip and ifconfig print the request number: "ioctl 0x8913 failed".
	{name: "busybox-ioctl-failed", example: `ip: ioctl 0x8913 failed: No such device`,
		re: regexp.MustCompile(`ioctl (0x[0-9a-fA-F]+) failed`),
		apply: func(s *Symptom, m []string) {
			if n, err := strconv.ParseUint(m[1], 0, 64); err == nil {
				s.setIoctl(ioctlNumbers[n])
			}
		}},
	{name: "tun-node-missing", example: `CreateTUN("tailscale0") failed; /dev/net/tun does not exist`,
		re: regexp.MustCompile(`/dev/net/tun (?:does not exist|not found|is missing)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Path, "/dev/net/tun")
			s.setErr(ENOENT, m[0])
		}},
	// The kernel after a failed RTM_SETLINK (net/core/rtnetlink.c do_setlink).
	{name: "kernel-link-change-failed", example: `A link change request failed with some changes committed already. Interface dummy-test may have been left with an inconsistent configuration, please check.`,
		re: regexp.MustCompile(`A link change request failed with some changes committed already\. Interface (\S+) may`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// tailscale's tun creation (tailscale/tailscale#14256).
	{name: "go-tun-create", example: `wgengine.NewUserspaceEngine(tun "tailscale0") error: tstun.New("tailscale0"): operation not permitted`,
		re: regexp.MustCompile(`\b(?:tstun\.New|CreateTUN|tun\.CreateTUN|water\.New)\("?([^")]*)"?\)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Path, "/dev/net/tun")
			s.setIf(&s.Device, m[1])
		}},
	// nmcli (openshift/machine-config-operator#3345).
	{name: "nmcli-activation-failed", example: `Error: Connection activation failed: No suitable device found for this connection (device eth0 not available because profile is not compatible with device (mismatching interface name)).`,
		// The activation family (nmcli, nmstate, the NM log):
		// "failure to activate connection", "Activation of <slave> requires
		// master device", "has no connections available for activation",
		// "Failed to find a compatible device" (corpus host2-075..077).
		re: regexp.MustCompile(`(?i)Connection activation failed|failure to activate connection|Activation of \S+ requires master|has no connections available\s+for activation|Failed to find a compatible device`),
		apply: func(s *Symptom, m []string) {
			// nmcli prints "Error: " like iproute2: the source is NetworkManager.
			if s.Source == "" || s.Source == "iproute2" {
				s.Source = "NetworkManager"
			}
			s.setIf(&s.Operation, OpLinkSet)
		}},
	// LXC before 2.1: "lxc-start: failed to create veth0-vethFNN6G2 : File exists" (lxc/lxc#374).
	{name: "lxc-veth-pair-old", example: `lxc-start: failed to create veth0-vethFNN6G2 : File exists`,
		re: regexp.MustCompile(`failed to create (veth\w*|\w+)-(veth\w+) ?:`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Source, "lxc")
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "veth")
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Peer, m[2])
		}},
	// A netlink listener that fell behind: keepalived#392 "Netlink: Received
	// message overrun (No buffer space available)", kindling#87 "netlink
	// receive: recvmsg: no buffer space available" (the syscall failed, not
	// the kernel's answer to a request: that is "netlink receive: <errno>"),
	// finit#173
	// "nl_callback():recv(): No buffer space available", nlbwmon's "The
	// netlink receive buffer size of 524288 bytes will be capped".
	{name: "netlink-receive", example: `error netlink.Receive error in listenWorker 0, exiting: netlink receive: recvmsg: no buffer space available occured during receiving message from conntracker socket`,
		// Also "Failed to receive from netlink" (flannel, corpus ctr2-046).
		re: regexp.MustCompile(`(?i)\brecvmsg: |Received message overrun|\bnl_\w+\(\):\s*recv|netlink receive buffer size|\bmnl_socket_recvfrom\b|\bnl_recvmsgs\b|\breceiv(?:e|ing) from netlink\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpNetlink)
			// keepalived's "Netlink: Received message overrun" is its
			// recvmsg's ENOBUFS (acassen/keepalived#38).
			if strings.EqualFold(m[0], "Received message overrun") && s.Errno == "" {
				s.setErr(ENOBUFS, m[0])
			}
		}},
	// An MTU change announced before the error (ishioni/unifi-pppoe-fix-mtu#8:
	// "MTU for ppp0 is 1492, changing to 1500").
	{name: "mtu-change", example: `MTU for ppp0 is 1492, changing to 1500`,
		re: regexp.MustCompile(`(?i)\bMTU\b(?: for (\S+))?[^\n]{0,30}?\b(?:changing|change|set|setting) (?:it )?to (\d{3,5})\b`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, strings.TrimRight(m[1], ",:"))
			if s.MTU == 0 {
				s.MTU = atoiSafe(m[2])
			}
		}},
	{name: "bond-has-slaves", example: "[   82.567094] bond0: option mode: unable to set because the bond device has slaves",
		re: regexp.MustCompile(`(\S+): option (\w+): unable to set because the bond device has slaves`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// jsimonetti/rtnetlink's services: "Error is returned by Address.New".
	{name: "go-rtnetlink-service", example: "Error is returned by Address.New: `netlink receive: numerical result out of range`",
		re: regexp.MustCompile(`\b(Link|Address|Route|Neigh)\.(New|Set|Delete|Replace|Add)\b`),
		apply: func(s *Symptom, m []string) {
			verb := map[string]string{"New": "add", "Add": "add", "Set": "set", "Replace": "set", "Delete": "delete"}[m[2]]
			op, _ := phraseOp(verb, strings.ToLower(map[string]string{"Link": "link", "Address": "address", "Route": "route", "Neigh": "neighbour"}[m[1]]))
			s.setIf(&s.Operation, op)
		}},
	{name: "go-netlink-rib", example: `can't start tsnet server: tsnet: route ip+net: netlinkrib: permission denied`,
		re:    regexp.MustCompile(`(?i)\bnetlinkrib\b|netlink (?:socket|rib|handle)\b|\bsocket\(AF_NETLINK`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetlink) }},
	{name: "libnetwork-interface-ip", example: `error setting interface "veth32cd1c7" IPv6 to fdba:17c8:6c94::1/64: invalid argument`,
		re: regexp.MustCompile(`setting interface "?([^"\s]+)"? (IP|IPv4|IPv6) to ([0-9a-fA-F:.]+(?:/\d+)?):\s`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpAddrAdd)
			s.setIf(&s.Device, m[1])
			s.setIf(&s.Address, m[3])
			s.setFamily(m[3])
		}},
	{name: "interface-name-too-long", example: `Error response from daemon: Cannot start container 11e8: Interface name 966204b315e55324148888e3808f6b4bf079a15f572142a69d4dab745bac7783 too long`,
		re: nameTooLongRE,
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			if !notANameWord[strings.ToLower(m[1])] {
				s.setIf(&s.Device, m[1])
			}
			s.InvalidName = true
		}},
	// systemd/systemd#3648.
	{name: "object-could-not-be-set", example: `systemd-networkd[332]: br0: Bridge parameters could not be set: Operation not supported`,
		re: regexp.MustCompile(`(?i)\b(bridge|bond|vlan|link|interface|mtu|address|route|netdev)\b[\w ]{0,30}? could not be (set|added|created|configured|brought up)`),
		apply: func(s *Symptom, m []string) {
			verb := strings.ToLower(m[2])
			if verb == "added" {
				verb = "add"
			}
			op, kind := phraseOp(verb, strings.ToLower(m[1]))
			if strings.EqualFold(m[1], "mtu") || verb == "set" && kindNoun(m[1]) != "" {
				op, kind = OpLinkSet, ""
			}
			s.setIf(&s.Operation, op)
			s.setIf(&s.Kind, kind)
		}},
	{name: "object-then-failed", example: `Link: [ERR] Loopback route 0.0.0.0/0 dev lo mtu 0 table 55555 addition failed: file exists`,
		// The object may be named between the noun and "failed": unikraft/kraftkit#1456
		// (corpus ctr-054) `bridge creation for a-somewhat-longer-name failed`.
		re: regexp.MustCompile(`(?i)\b(route|address|link|interface|bridge|vxlan|veth|vlan|bond|macvlan|ipvlan|tun|tap|wireguard|dummy|geneve)\b[^:]{0,80}?\b(addition|creation|deletion|removal|add|delete)(?: (?:of|for|to|from|on) "?[^\s:"]{1,64}"?)? failed`),
		apply: func(s *Symptom, m []string) {
			verb := strings.ToLower(m[2])
			if strings.HasPrefix(verb, "creat") {
				verb = "create"
			}
			op, kind := phraseOp(verb, m[1])
			s.setIf(&s.Operation, op)
			s.setIf(&s.Kind, kind)
		}},
	{name: "tun-setup", example: `qemu-system-x86_64: could not configure /dev/net/tun (tap0): Operation not permitted`,
		// Also the opening step named alone (navilg/media-stack#60 "Unix
		// opening TUN device file: operation not permitted"), Tailscale's
		// tstun.New (tailscale-dev/ScaleTail#53), and a program saying the
		// node is missing (dockur/windows#240 "TUN device missing").
		re: regexp.MustCompile(`(?i)(?:(?:could not|cannot|can't|failed to|unable to) (?:open|configure|initiali[sz]e|set ?up|start) (?:the )?(?:/dev/net/tun|tun(?:nel)?\b|tun/tap|tap\b)|\bopen tap device\b|\bTapOpen\b|\bopening (?:the )?(?:tun|tap|tun/tap) device(?: file)?|\btstun\.New\(|\btun(?:/tap)? device (?:is )?(?:missing|not found|not available))(?: \(([^)\s]+)\))?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Path, "/dev/net/tun")
			s.setIf(&s.Device, m[1])
		}},
	{name: "networkd-state", example: `systemd-networkd[287]: ens3: State changed: initialized -> unmanaged`,
		re: regexp.MustCompile(`(\S+): (?:State changed: \S+ -> (unmanaged|failed)|(Failed)\s*$)`),
		apply: func(s *Symptom, m []string) {
			// networkd's "eth1: Failed" (systemd/systemd#15280): only
			// from networkd itself.
			if m[3] != "" && s.Source != "networkd" {
				return
			}
			s.setIf(&s.Source, "networkd")
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1])
		}},
	// A port joining its master, named between the verb and the master:
	// lxc/lxc#256 "failed to attach 'veth5GML3H' to the bridge 'br-int'".
	{name: "attach-to-master", example: `lxc-start: failed to attach 'veth5GML3H' to the bridge 'br-int' : Operation not supported`,
		// "enslave" and "attach" say it without the master's kind:
		// "Failed to enslave eth1 to bond0"; Talos's "error
		// enslaving/unslaving link "bond0.2500" under "bond0"".
		re: regexp.MustCompile(`(?i)(?:failed to|could not|couldn't|cannot|can't|unable to|error) (?:(?:attach(?:ing)?|enslav(?:e|ing))(?:/un\w+)? (?:the )?(?:interface |port |device |link )?\\?['"]?([\w.@-]{1,15})\\?['"]? (?:to|into|with|under) (?:the )?(?:(?:bridge|bond|master|team)\b ?)?\\?|(?:add|join)(?:ing)? (?:the )?(?:interface |port |device |link )?['"]?([\w.@-]{1,15})['"]? (?:to|into) (?:the )?(?:bridge|bond|master|team)\b ?)['"]?([\w.@-]{1,15})?`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Device, m[1]+m[2])
			s.setIf(&s.Master, m[3])
		}},
	// mk-f/alpine-initramfs-dropbear#1.
	// pyroute2 opening its netlink socket (corpus ctr2-029: a traceback
	// through nlsocket.py post_init into socket.py's _realsocket).
	{name: "pyroute2-socket-open", example: `  File "/usr/lib/python2.7/dist-packages/pyroute2/netlink/nlsocket.py", line 874, in post_init`,
		re:    regexp.MustCompile(`nlsocket\.py", line \d+, in (?:post_init|__init__)\b`),
		apply: func(s *Symptom, m []string) { s.setIf(&s.Operation, OpNetlink) }},
	// The kernel's vxlan driver when its UDP port is taken at open
	// (drivers/net/vxlan/vxlan_core.c vxlan_sock_add: "vxlan: Cannot bind
	// port 6784, err=-98", corpus ctr2-012).
	// The vxlan driver creating an IPv6 vxlan on a lower device whose
	// disable_ipv6 is set: vxlan_dev_configure/vxlan_config_apply
	// pr_info("IPv6 is disabled via sysctl") and return -EPERM (corpus
	// host3-023).
	{name: "vxlan-ipv6-disabled", example: `kern.info kernel: [ 1043.775916] vxlan: IPv6 is disabled via sysctl`,
		re: regexp.MustCompile(`vxlan: IPv6 is disabled via sysctl`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkAdd)
			s.setIf(&s.Kind, "vxlan")
			s.setIf(&s.Family, "inet6")
			s.setErr(EPERM, m[0])
		}},
	{name: "vxlan-cannot-bind-port", example: `[175079.718300] vxlan: Cannot bind port 6784, err=-98`,
		re: regexp.MustCompile(`vxlan: Cannot bind port (\d+)`),
		apply: func(s *Symptom, m []string) {
			s.setIf(&s.Operation, OpLinkSet)
			s.setIf(&s.Kind, "vxlan")
		}},
	// Daemons and scripts in plain words: "failed to create bridge",
	// "could not add IP address", "cannot set link swp1 up", "Unable to
	// bring up interface", "error creating vxlan interface", and a chain
	// segment that starts with the verb (": creating dummy interface: ").
	{name: "verb-noun-phrase", example: `error: swp1: netlink: swp1: cannot set link swp1 up: operation failed with 'Network is down' (100)`,
		re: regexp.MustCompile(`(?i)(?:\b(?:failed to|failed|could not|couldn't|cannot|can't|unable to|error|error while)\s+|(?:^|: |\b[A-Z]+: )(?:)?)(create|add|set up|set|configure|bring up|delete|remove|move|attach|enslave|rename|change|update|creating|adding|setting up|setting|configuring|deleting|removing|moving|attaching|enslaving|updating)\s+(?:the |a |an |new |default |local )?(?:(\w+) )?(interface routes?|tun device|tun interface|tap device|tap interface|mac address|hardware address|mac|link|interface|device|bridge|veth pair|veth|vxlan|vlan|macvlan|macvtap|ipvlan|bond|wireguard|vrf|dummy|geneve|gre|ipip|macsec|ip addresses|ip address|addresses|address|addr|ip|routes|route|gateway|neighbour|neighbor|netdev|network namespace|namespace|netns|port|mtu|routing rule|rule)\b`),
		apply: func(s *Symptom, m []string) {
			verb, word, noun, rest := strings.ToLower(m[1]), strings.ToLower(m[2]), strings.ToLower(m[3]), m[len(m)-1]
			switch {
			case strings.HasPrefix(noun, "interface route"):
				noun = "route"
			case noun == "mtu" || word == "mtu" || strings.HasPrefix(noun, "mac") && noun != "macvlan" && noun != "macvtap" && noun != "macsec" || noun == "hardware address" ||
				noun == "address" && (word == "mac" || word == "hardware" || word == "hw" || word == "ethernet"):
				// The MTU or the MAC of an existing link (host2-015
				// macchanger "Could not change MAC: ... Device or resource busy").
				s.setIf(&s.Operation, OpLinkSet)
				return
			case strings.HasPrefix(noun, "tun ") || strings.HasPrefix(noun, "tap ") || word == "tun" || word == "tap":
				if strings.HasPrefix(verb, "creat") || strings.HasPrefix(verb, "add") {
					s.setIf(&s.Operation, OpTuntapAdd)
				} else {
					s.setIf(&s.Operation, OpTunOpen)
				}
				s.setIf(&s.Path, "/dev/net/tun")
				return
			case noun == "port":
				noun = "link"
			case strings.HasSuffix(noun, "rule"):
				// A firewall's rule (iptables, nft: "add rule inet filter
				// input ...", "failed to add firewall rule") is no routing
				// rule.
				low := strings.ToLower(rest)
				if firewallRuleWord[word] || strings.Contains(low, " chain") || strings.Contains(low, " table") ||
					strings.Contains(low, "inet ") || strings.Contains(low, " -j ") {
					return
				}
				s.setIf(&s.Operation, OpRule)
				return
			case strings.Contains(noun, "namespace") || noun == "netns":
				// "set namespace on link X" is ip link set X netns NS;
				// "set into network namespace" is setns.
				if strings.HasPrefix(verb, "set") && onLinkRE.MatchString(rest) {
					s.setIf(&s.Operation, OpLinkSet)
					return
				}
			}
			op, kind := phraseOp(verb, noun)
			if kind == "" && op == OpLinkAdd {
				kind = kindNoun(word)
			}
			// "add interface veth1 to sandbox", "add network device bond2 to
			// ofproto": a port joins a master, the link exists.
			if op == OpLinkAdd && addToRE.MatchString(rest) {
				op, kind = OpLinkSet, ""
			}
			s.setIf(&s.Operation, op)
			s.setIf(&s.Kind, kind)
			for _, w := range strings.Fields(rest) {
				w = strings.Trim(w, `"',:`)
				if LooksLikeAddr(w) {
					s.setFamily(w)
					break
				}
			}
		}},
}

// commandForm reads one program's command line.
type commandForm struct {
	name     string
	programs []string
	example  string
	parse    func(s *Symptom, argv []string)
}

func commandFormFor(program string) *commandForm {
	for i := range commandForms {
		for _, p := range commandForms[i].programs {
			if p == program {
				return &commandForms[i]
			}
		}
	}
	return nil
}

var commandForms []commandForm

func init() {
	// Set in init: parseCommand refers back to this table.
	commandForms = []commandForm{
		{name: "iproute2", programs: []string{"ip"}, example: "ip -n ns1 link add veth0 type veth peer name veth1",
			parse: func(s *Symptom, argv []string) {
				// ip netns exec NS COMMAND...: the command ran inside NS.
				if len(argv) > 4 && argv[1] == "netns" && argv[2] == "exec" {
					s.Netns = clipText(argv[3], 256)
					if inner, ok := CommandLine(strings.Join(argv[4:], " ")); ok {
						s.parseCommand(inner)
					}
					return
				}
				s.parseIP(argv[1:])
			}},
		{name: "tc", programs: []string{"tc"}, example: "tc qdisc add dev eth0 root netem delay 100ms",
			parse: func(s *Symptom, argv []string) { s.parseTC(argv) }},
		{name: "sysctl", programs: []string{"sysctl"}, example: "sysctl -w net.ipv4.ip_forward=1",
			parse: func(s *Symptom, argv []string) {
				s.Operation = OpSysctl
				for _, a := range argv[1:] {
					if k, _, ok := strings.Cut(a, "="); ok && !strings.HasPrefix(a, "-") {
						s.SysctlKey = clipText(k, 200)
					}
				}
			}},
		{name: "unshare", programs: []string{"unshare"}, example: "unshare -Urn ip link",
			parse: func(s *Symptom, argv []string) { s.Operation, s.Source = OpUserns, "unshare" }},
		{name: "modprobe", programs: []string{"modprobe", "insmod"}, example: "modprobe wireguard",
			parse: func(s *Symptom, argv []string) {
				s.Operation = OpModprobe
				for _, a := range argv[1:] {
					if !strings.HasPrefix(a, "-") {
						s.Module = clipText(strings.TrimSuffix(a, ".ko"), 64)
						s.setKindFromModule(s.Module)
						break
					}
				}
			}},
		{name: "wg-quick", programs: []string{"wg-quick"}, example: "wg-quick up wg0",
			parse: func(s *Symptom, argv []string) {
				s.Operation, s.Kind, s.Source = OpLinkAdd, "wireguard", "wireguard"
				if len(argv) > 2 {
					s.Device = clipText(argv[2], 256)
				}
			}},
		{name: "openvpn", programs: []string{"openvpn"}, example: "openvpn --config client.ovpn",
			parse: func(s *Symptom, argv []string) { s.Operation, s.Kind, s.Source = OpTunOpen, "tun", "openvpn" }},
		{name: "tunctl", programs: []string{"tunctl"}, example: "tunctl -t tap0 -u qemu",
			parse: func(s *Symptom, argv []string) {
				s.Operation, s.Kind = OpTuntapAdd, "tap"
				s.setIf(&s.Device, valueAfter(argv, "-t"))
			}},
		// iproute2's bridge(8): VLANs and fdb entries of bridge ports.
		{name: "bridge", programs: []string{"bridge"}, example: "bridge vlan add vid 2 dev br0 self",
			parse: func(s *Symptom, argv []string) {
				if len(argv) < 3 {
					return
				}
				verb := argv[2]
				switch argv[1] {
				case "vlan", "link":
					if verb == "add" || verb == "del" || verb == "delete" || verb == "set" {
						s.Operation, s.Source = OpLinkSet, "bridge"
					}
				case "fdb":
					if verb == "add" || verb == "append" || verb == "replace" {
						s.Operation, s.Source = OpNeighAdd, "bridge"
					}
				}
				if s.Operation != "" {
					s.setIf(&s.Device, valueAfter(argv, "dev"))
				}
			}},
		// iw(8), nl80211: moving a Wi-Fi phy to another namespace (the
		// only way, its netdev is netns-local) and adding a virtual
		// interface on a Wi-Fi device.
		{name: "iw", programs: []string{"iw"}, example: "iw phy phy0 set netns name foo",
			parse: func(s *Symptom, argv []string) {
				s.Source = "iw"
				a := argv[1:]
				phy := false // a wiphy (phy0), not a network device
				if len(a) > 0 && (a[0] == "dev" || a[0] == "phy") {
					if a[0] == "phy" && len(a) > 3 && a[2] == "set" && a[3] == "netns" {
						s.Operation = OpLinkSet
						return
					}
					phy = a[0] == "phy"
					a = a[1:]
				}
				if len(a) >= 4 && a[1] == "interface" && a[2] == "add" {
					s.Operation, s.Device = OpLinkAdd, clipText(a[3], 256)
					if !phy {
						s.Lower = clipText(a[0], 256)
					}
					return
				}
				if len(a) >= 2 && a[1] == "set" {
					s.Operation, s.Device = OpLinkSet, clipText(a[0], 256)
				}
			}},
		{name: "brctl", programs: []string{"brctl"}, example: "brctl addif br0 eth0",
			parse: func(s *Symptom, argv []string) {
				if len(argv) < 3 {
					return
				}
				switch argv[1] {
				case "addbr":
					s.Operation, s.Kind, s.Device = OpLinkAdd, "bridge", clipText(argv[2], 256)
				case "delbr":
					s.Operation, s.Kind, s.Device = OpLinkDel, "bridge", clipText(argv[2], 256)
				case "addif", "delif":
					s.Operation, s.Master = OpLinkSet, clipText(argv[2], 256)
					if len(argv) > 3 {
						s.Device = clipText(argv[3], 256)
					}
				}
			}},
		{name: "vconfig", programs: []string{"vconfig"}, example: "vconfig add eth0 10",
			parse: func(s *Symptom, argv []string) {
				if len(argv) > 3 && argv[1] == "add" {
					s.Operation, s.Kind, s.Lower = OpLinkAdd, "vlan", clipText(argv[2], 256)
					s.Device = clipText(argv[2]+"."+argv[3], 256)
				}
			}},
		{name: "ifconfig", programs: []string{"ifconfig"}, example: "ifconfig eth0 10.0.0.2 netmask 255.255.255.0 up",
			parse: func(s *Symptom, argv []string) {
				if len(argv) < 3 {
					return
				}
				s.Device = clipText(argv[1], 256)
				s.Operation = OpLinkSet
				for i, a := range argv[2:] {
					switch {
					case a == "add" || a == "del":
						if i+3 < len(argv) {
							s.Address = clipText(argv[i+3], 64)
						}
						s.Operation = map[string]string{"add": OpAddrAdd, "del": OpAddrDel}[a]
					case i == 0 && LooksLikeAddr(a):
						s.Operation, s.Address = OpAddrAdd, a
					case a == "inet6":
						s.Family = "inet6"
					case a == "mtu" && i+3 < len(argv):
						s.MTU = atoiSafe(argv[i+3])
					}
				}
				s.setFamily(s.Address)
			}},
		{name: "net-tools-route", programs: []string{"route"}, example: "route add default gw 192.168.1.1 eth0",
			parse: func(s *Symptom, argv []string) {
				if len(argv) < 3 {
					return
				}
				a := argv[1:]
				if a[0] == "-A" || a[0] == "-6" {
					s.Family = "inet6"
					a = a[min(2, len(a)):]
					if len(a) > 0 && argv[1] == "-6" {
						a = argv[2:]
					}
				}
				if len(a) == 0 {
					return
				}
				switch a[0] {
				case "add":
					s.Operation = OpRouteAdd
				case "del":
					s.Operation = OpRouteDel
				default:
					return
				}
				for i := 1; i < len(a); i++ {
					switch a[i] {
					case "gw":
						if i+1 < len(a) {
							s.Gateway = clipText(a[i+1], 64)
							i++
						}
					case "dev":
						if i+1 < len(a) {
							s.Device = clipText(a[i+1], 256)
							i++
						}
					case "-net", "-host", "netmask", "metric":
						if a[i] == "netmask" || a[i] == "metric" {
							i++
						}
					default:
						if s.Route == "" && (a[i] == "default" || LooksLikeAddr(a[i])) {
							s.Route = a[i]
						} else if s.Device == "" && i == len(a)-1 {
							s.Device = clipText(a[i], 256)
						}
					}
				}
				s.setFamily(s.Route)
				s.setFamily(s.Gateway)
			}},
		{name: "nsenter", programs: []string{"nsenter"}, example: "nsenter --net=/run/netns/ns1 ip link set lo up",
			parse: func(s *Symptom, argv []string) {
				for i := 1; i < len(argv); i++ {
					if !strings.HasPrefix(argv[i], "-") {
						if inner, ok := CommandLine(strings.Join(argv[i:], " ")); ok {
							s.parseCommand(inner)
						}
						return
					}
				}
			}},
		{name: "ifupdown", programs: []string{"ifup", "ifdown", "ifreload", "ifquery"}, example: "ifup ens7",
			parse: func(s *Symptom, argv []string) {
				s.Operation, s.Source = OpLinkSet, "ifupdown"
				for _, a := range argv[1:] {
					if !strings.HasPrefix(a, "-") {
						s.Device = clipText(a, 256)
						break
					}
				}
			}},
		{name: "container-cli", programs: []string{"docker", "podman"}, example: "docker run --rm --cap-add NET_ADMIN alpine ip link add d0 type dummy",
			parse: func(s *Symptom, argv []string) { s.Source = argv[0] }},
	}
}

// moduleName is a module's name from what modprobe or insmod printed: a
// name, or a file (its base without .ko and a compression suffix).
func moduleName(arg string) string {
	if i := strings.LastIndexByte(arg, '/'); i >= 0 {
		arg = arg[i+1:]
	}
	for _, suf := range []string{".xz", ".zst", ".gz"} {
		arg = strings.TrimSuffix(arg, suf)
	}
	return strings.TrimSuffix(arg, ".ko")
}

// wgNameRE is the interface name wg-quick accepts (wg-quick.bash).
var wgNameRE = regexp.MustCompile(`^[a-zA-Z0-9_=+.-]{1,15}$`)

// validIfname is the kernel's dev_valid_name: 1 to 15 bytes, not "." or
// "..", no '/', ':' or white space.
func validIfname(n string) bool {
	if n == "" || len(n) > 15 || n == "." || n == ".." {
		return false
	}
	return !strings.ContainsAny(n, "/: \t\n")
}

// ethtoolWordRE is what ethtool's "Cannot get/set/change X" names.
var ethtoolWordRE = regexp.MustCompile(`(?i)offload|features?|\bring\b|channel|coalesc|\bEEE\b|pause|wake-on|ntuple|hashing|checksum|scatter|segmentation|\blro\b|\bgro\b|\btso\b|\bgso\b|rx-|tx-`)

// netplanUnknownKeyRE is netplan's refusal of a key it does not read.
var netplanUnknownKeyRE = regexp.MustCompile(`^unknown key '?([\w-]{1,64})'?`)

// NewerIPRuleKeywords are ip rule's selectors that older iproute2 releases
// read as a rule type ("Failed to parse rule type"): suppress_prefixlength
// and suppress_ifgroup (wg-quick's, runfalk/synology-wireguard#6), l3mdev,
// uidrange, protocol, ipproto, sport, dport, dscp.
var NewerIPRuleKeywords = map[string]bool{"suppress_prefixlength": true, "suppress_ifgroup": true, "l3mdev": true,
	"uidrange": true, "protocol": true, "ipproto": true, "sport": true, "dport": true, "dscp": true}

// NewerNetfilterOptions are options later iptables and ipset releases
// added, which older ones call unknown: iptables' --random-fully
// (rancher/rke2#1229, awslabs/amazon-eks-ami#505), --wait and
// --wait-interval; ipset's forceadd (coreos/bugs#1048) and -file
// (trick77/nftables-blacklist#40).
var NewerNetfilterOptions = map[string]bool{"--random-fully": true, "--wait": true, "-w": true, "--wait-interval": true, "-W": true,
	"forceadd": true, "-file": true}
