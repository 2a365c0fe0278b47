package symptom

import (
	"regexp"
	"sort"
	"strings"
)

// The kernel's extended-ACK messages: the text iproute2 prints as
// "Error: MESSAGE." (often with no strerror after it), networkd as
// "MSG: MESSAGE. Strerror", Go's netlink libraries after the errno
// (mdlayher/netlink: `..., message: "MESSAGE"`; vishvananda/netlink with
// EnableErrorMessageReporting: "errno text: MESSAGE").
//
// One row per message as the kernel's networking code writes it
// (NL_SET_ERR_MSG, NL_SET_ERR_MSG_MOD, NL_SET_ERR_MSG_ATTR,
// NL_SET_ERR_MSG_FMT in the files named by Src, read in Linux 6.12), with
// the errno returned on that path, the operation only that request gets
// (empty when several requests get it), and the catalogue cause the message
// proves by the kernel's logic (empty when it does not: most messages name
// a wrong request without saying which cause made it). NL_SET_ERR_MSG_MOD
// prefixes KBUILD_MODNAME and ": " ("ipv6: ", "bridge: ", "8021q: "): that
// is Module. Messages printed by NL_SET_ERR_MSG_FMT keep their %s/%d/%u
// verbs and are matched as patterns.
//
// TO ADD A ROW: copy the message exactly from the kernel source, read the
// code after it for the errno (the return -E... or err = -E... on that
// path), name the file:function in Src. TestExtAckTable parses every row
// from an iproute2 line and from a Go library's error; model/diagnose checks
// every Cause names a cause of the catalogue.

// ExtAck is one extended-ACK message of the kernel.
type ExtAck struct {
	// Msg is the message as the kernel writes it (without the module
	// prefix NL_SET_ERR_MSG_MOD adds; with "ipv4: " where devinet.c and
	// route.c write it themselves).
	Msg string
	// Module is the prefix NL_SET_ERR_MSG_MOD adds (KBUILD_MODNAME), "" for
	// the other macros.
	Module string
	// Errno is the error returned with the message on the commonest path;
	// "" when it is whatever a called function returned. Also lists the
	// other errnos other paths return with the same text.
	Errno Errno
	Also  []Errno
	// Op is the operation family (OpLinkAdd...), "" when more than one
	// request gets the message.
	Op string
	// Cause is the catalogue cause the message proves ("mtu",
	// "link-state"...), "" when the message alone does not.
	Cause string
	// Src is the kernel file:function that sets the message.
	Src string
	// Config is the kernel option whose absence the message proves
	// (module-missing rows: "CONFIG_IP_ROUTE_MULTIPATH").
	Config string
}

// Text is the message as the kernel sends it, with the module prefix.
func (r ExtAck) Text() string {
	if r.Module != "" {
		return r.Module + ": " + r.Msg
	}
	return r.Msg
}

// Kernel tells a row read in the kernel's sources from the texts kept from
// the first table.
func (r ExtAck) Kernel() bool { return !strings.HasPrefix(r.Src, "not ") }

var extAckTable = []ExtAck{

	// net/sched: traffic control (tc qdisc/class/filter, go-tc, pyroute2's
	// tc): messages read from cls_api.c and sch_api.c, the errno from the
	// return on the same path.
	// qdisc_create and tcf_proto_lookup_ops after request_module("sch_KIND")
	// / ("cls_KIND") found nothing: the kernel has no such qdisc or
	// classifier (before 5.17 the qdisc's message was "Specified qdisc not
	// found", shared with tc_modify_qdisc's missing parent).
	{Msg: "Specified qdisc kind is unknown", Errno: ENOENT, Op: OpTC, Cause: "module-missing", Src: "net/sched/sch_api.c:qdisc_create"},
	{Msg: "TC classifier not found", Errno: ENOENT, Op: OpTC, Cause: "module-missing", Src: "net/sched/cls_api.c:tcf_proto_lookup_ops"},
	// act_api.c after request_module("act_KIND") (6.12: "net-act-KIND")
	// found nothing: the kernel has no such action.
	{Msg: tcActionModuleMsg, Errno: ENOENT, Op: OpTC, Cause: "module-missing", Src: "net/sched/act_api.c:tc_action_load_ops"},
	{Msg: "TC action name too long", Errno: EINVAL, Op: OpTC, Cause: "invalid-request", Src: "net/sched/act_api.c:tc_action_load_ops"},
	{Msg: "Bind to offloaded block failed as dev has offload disabled", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/cls_api.c:tcf_block_offload_bind"},
	{Msg: "Memory allocation for head change callback item failed", Errno: ENOMEM, Op: OpTC, Src: "net/sched/cls_api.c:tcf_block_offload_unbind"},
	{Msg: "Parent Qdisc doesn't exists", Errno: EINVAL, Op: OpTC, Cause: "invalid-request", Src: "net/sched/cls_api.c:__tcf_qdisc_find"},
	{Msg: "Qdisc not classful", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:__tcf_qdisc_find"},
	{Msg: "Class doesn't support blocks", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/cls_api.c:__tcf_qdisc_find"},
	{Msg: "Specified class doesn't exist", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/cls_api.c:__tcf_qdisc_cl_find"},
	{Msg: "Invalid filter command with priority of zero", Errno: ENOENT, Cause: "invalid-request", Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Specified TC filter name too long", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Specified chain index exceeds upper limit", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Cannot create specified filter chain", Errno: ENOMEM, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Filter kind and protocol must be specified", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Need both RTM_NEWTFILTER and NLM_F_CREATE to create a new filter", Errno: ENOENT, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Specified filter kind does not match existing one", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Filter already exists", Errno: EEXIST, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Chain template is set to a different filter kind", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tc_new_tfilter"},
	{Msg: "Cannot flush filters with protocol, handle or kind set", Errno: ENOENT, Op: OpTC, Src: "net/sched/cls_api.c:tc_del_tfilter"},
	{Msg: "Cannot find specified filter chain", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/cls_api.c:tc_del_tfilter"},
	{Msg: "Specified filter handle not found", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/cls_api.c:tc_del_tfilter"},
	{Msg: "Specified TC chain template name too long", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tc_chain_tmplt_add"},
	{Msg: "Chain templates are not supported with specified classifier", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/cls_api.c:tc_chain_tmplt_add"},
	{Msg: "Filter chain already exists", Errno: EEXIST, Op: OpTC, Src: "net/sched/cls_api.c:tc_ctl_chain"},
	{Msg: "Need both RTM_NEWCHAIN and NLM_F_CREATE to create a new chain", Errno: ENOENT, Op: OpTC, Src: "net/sched/cls_api.c:tc_ctl_chain"},
	{Msg: "Failed to create filter chain", Errno: ENOMEM, Op: OpTC, Src: "net/sched/cls_api.c:tc_ctl_chain"},
	{Msg: "Failed to send chain notify message", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/cls_api.c:tc_ctl_chain"},
	{Msg: "Classifier actions are not supported per compile options (CONFIG_NET_CLS_ACT)", Errno: EOPNOTSUPP, Cause: "module-missing", Config: "CONFIG_NET_CLS_ACT", Op: OpTC, Src: "net/sched/cls_api.c:tcf_exts_validate_ex"},
	{Msg: "Action does not support offload", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/cls_api.c:tc_setup_offload_act"},
	{Msg: "Flow action buffer overflow", Errno: ENOSPC, Op: OpTC, Src: "net/sched/cls_api.c:tc_setup_action"},
	{Msg: "Block number may not be zero", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tcf_qevent_parse_block_index"},
	{Msg: "Change of blocks is not supported", Errno: EINVAL, Op: OpTC, Src: "net/sched/cls_api.c:tcf_qevent_validate_change"},
	{Msg: "Device does not have an ingress queue", Errno: ENOENT, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_graft"},
	{Msg: "Specified class not found", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/sch_api.c:qdisc_graft"},
	{Msg: "Cannot assign noqueue to a class", Errno: EINVAL, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_graft"},
	{Msg: "STAB not supported on a non root", Errno: EINVAL, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_graft"},
	{Msg: "Ingress block index cannot be 0", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:qdisc_block_indexes_set"},
	{Msg: "Ingress block sharing is not supported", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_block_indexes_set"},
	{Msg: "Egress block index cannot be 0", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:qdisc_block_indexes_set"},
	{Msg: "Egress block sharing is not supported", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_block_indexes_set"},
	{Msg: "Maximum number of qdisc handles was exceeded", Errno: ENOSPC, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_create"},
	{Msg: "Change operation not supported by specified qdisc", Errno: EINVAL, Op: OpTC, Src: "net/sched/sch_api.c:qdisc_change"},
	{Msg: "Failed to find qdisc with specified classid", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Cannot find specified qdisc on specified device", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Invalid handle", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Failed to find qdisc with specified handle", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Invalid qdisc name", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Classid cannot be zero", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Cannot delete qdisc with handle of zero", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/sch_api.c:tc_get_qdisc"},
	{Msg: "Failed to find specified qdisc", Errno: ENOENT, Op: OpTC, Cause: "invalid-request", Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "NLM_F_REPLACE needed to override", Errno: EEXIST, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Invalid minor handle", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Cannot move an existing qdisc to a different parent", Errno: EINVAL, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Exclusivity flag on, cannot override", Errno: EEXIST, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Qdisc parent/child loop detected", Errno: ELOOP, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Ingress cannot graft directly", Errno: EINVAL, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Handle cannot be zero", Errno: EINVAL, Cause: "invalid-request", Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Specified qdisc not found", Errno: ENOENT, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Cannot find ingress queue for specified device", Errno: ENOENT, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
	{Msg: "Shared blocks are not supported for classes", Errno: EOPNOTSUPP, Op: OpTC, Src: "net/sched/sch_api.c:tc_ctl_tclass"},
	{Msg: "Cannot create traffic class with classid TC_H_ROOT", Errno: EINVAL, Op: OpTC, Src: "net/sched/sch_api.c:tc_ctl_tclass"},

	// drivers/net/virtio_net.c virtnet_xdp_set: native XDP on a virtio NIC
	// needs the host to let the guest turn its offloads off.
	{Msg: "Can't set XDP while host is implementing GRO_HW/CSUM, disable GRO_HW/CSUM first", Module: "virtio_net", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "unsupported-feature", Src: "drivers/net/virtio_net.c:virtnet_xdp_set"},
	{Msg: "Can't set XDP while host is implementing LRO/CSUM, disable LRO/CSUM first", Module: "virtio_net", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "unsupported-feature", Src: "drivers/net/virtio_net.c:virtnet_xdp_set (kernels before GRO_HW, 4.18)"},
	{Msg: "XDP expects header/data in single page, any_header_sg required", Module: "virtio_net", Errno: EINVAL, Op: OpLinkSet, Cause: "unsupported-feature", Src: "drivers/net/virtio_net.c:virtnet_xdp_set"},
	{Msg: "MTU too large to enable XDP without frags", Module: "virtio_net", Errno: EINVAL, Op: OpLinkSet, Cause: "mtu", Src: "drivers/net/virtio_net.c:virtnet_xdp_set"},

	// net/xfrm/xfrm_device.c xfrm_dev_state_add: an SA asked to be
	// offloaded whose type has no offload handler (xfrm_get_type_offload
	// loads esp4_offload/esp6_offload: CONFIG_INET_ESP_OFFLOAD,
	// siderolabs/pkgs#1656; AH and IPComp have none at all, a request
	// that cannot be offloaded: the rank row orders both).
	{Msg: "Type doesn't support offload", Errno: EINVAL, Src: "net/xfrm/xfrm_device.c:xfrm_dev_state_add"},
	// net/ethtool/netlink.c: ethtool's netlink requests (ethtool 5.6+ and
	// its libraries) name their device in a request header.
	{Msg: "no device matches name", Errno: ENODEV, Cause: "link-state", Src: "net/ethtool/netlink.c:ethnl_parse_header_dev_get"},
	{Msg: "no device matches ifindex", Errno: ENODEV, Cause: "link-state", Src: "net/ethtool/netlink.c:ethnl_parse_header_dev_get"},
	{Msg: "ifindex and name do not match", Errno: ENODEV, Cause: "invalid-request", Src: "net/ethtool/netlink.c:ethnl_parse_header_dev_get"},

	// net/core/dev.c: XDP programs attached to a device (ip link set dev X
	// xdp..., libxdp, cilium/ebpf's link.AttachXDP).
	{Msg: "Underlying driver does not support XDP in native mode", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "unsupported-feature", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "Native and generic XDP can't be active at the same time", Errno: EEXIST, Op: OpLinkSet, Cause: "device-busy", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "XDP program already attached", Errno: EBUSY, Op: OpLinkSet, Cause: "device-busy", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "Can't replace active BPF XDP link", Errno: EBUSY, Op: OpLinkSet, Cause: "device-busy", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "Can't replace active XDP program with BPF link", Errno: EBUSY, Op: OpLinkSet, Cause: "device-busy", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "Cannot attach when an upper device already has a program", Errno: EEXIST, Op: OpLinkSet, Cause: "device-busy", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "Can't attach device-bound programs in generic mode", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/core/dev.c:dev_xdp_attach"},
	{Msg: "Only one XDP mode flag can be set", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/core/dev.c:dev_xdp_attach"},

	// net/core/rtnetlink.c: links, fdb entries, bridge ports.
	{Msg: "ifindex can't be negative", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_nla_parse_ifinfomsg/__rtnl_newlink"},
	{Msg: "specified netns attribute not supported", Errno: EOPNOTSUPP, Src: "net/core/rtnetlink.c:rtnl_ensure_unique_netns"},
	{Msg: "multiple netns identifying attributes specified", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_ensure_unique_netns"},
	{Msg: "Protodown not supported by device", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "unsupported-feature", Src: "net/core/rtnetlink.c:do_set_proto_down"},
	{Msg: "Invalid protodown reason value", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/core/rtnetlink.c:do_set_proto_down"},
	{Msg: "Cannot clear protodown, active reasons", Errno: EBUSY, Op: OpLinkSet, Src: "net/core/rtnetlink.c:do_set_proto_down"},
	{Msg: "Invalid number of transmit queues", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/core/rtnetlink.c:rtnl_create_link"},
	{Msg: "Invalid number of receive queues", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/core/rtnetlink.c:rtnl_create_link"},
	{Msg: "Unknown network namespace id", Errno: EINVAL, Op: OpLinkAdd, Src: "net/core/rtnetlink.c:rtnl_newlink_create"},
	{Msg: "Unknown device type", Errno: EOPNOTSUPP, Op: OpLinkAdd, Cause: "module-missing", Src: "net/core/rtnetlink.c:__rtnl_newlink"},
	{Msg: "invalid vlan attribute size", Errno: EINVAL, Src: "net/core/rtnetlink.c:fdb_vid_parse"},
	{Msg: "invalid vlan id", Errno: EINVAL, Cause: "invalid-request", Src: "net/core/rtnetlink.c:fdb_vid_parse"},
	{Msg: "invalid ifindex", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_fdb_add/rtnl_fdb_del"},
	{Msg: "unknown ifindex", Errno: ENODEV, Src: "net/core/rtnetlink.c:rtnl_fdb_add/rtnl_fdb_del/rtnl_bridge_setlink/rtnl_bridge_dellink"},
	{Msg: "invalid address", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_fdb_add/rtnl_fdb_del"},
	{Msg: "FDB add only supported for Ethernet devices", Errno: EINVAL, Cause: "invalid-request", Src: "net/core/rtnetlink.c:rtnl_fdb_add"},
	{Msg: "FDB delete only supported for Ethernet devices", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_fdb_del"},
	{Msg: "Unknown device ifindex", Errno: ENODEV, Src: "net/core/rtnetlink.c:rtnl_fdb_get; net/core/neighbour.c:neigh_get"},
	{Msg: "Invalid master ifindex", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_fdb_get"},
	{Msg: "Device is not a bridge port", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_fdb_get"},
	{Msg: "Master of device not found", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_fdb_get"},
	{Msg: "No device specified", Errno: ENODEV, Also: []Errno{EINVAL}, Src: "net/core/rtnetlink.c:rtnl_fdb_get; net/core/neighbour.c:neigh_get"},
	{Msg: "Address family should be AF_UNSPEC", Errno: EINVAL, Src: "net/core/rtnetlink.c:rtnl_stats_set"},

	// net/core/dev.c: MTU and moving a link to another namespace.
	// net/core/dev.c dev_validate_mtu.
	{Msg: "mtu less than device minimum", Errno: EINVAL, Cause: "mtu", Src: "net/core/dev.c:dev_validate_mtu"},
	{Msg: "mtu greater than device maximum", Errno: EINVAL, Cause: "mtu", Src: "net/core/dev.c:dev_validate_mtu"},
	{Msg: "The interface netns is immutable", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/core/dev.c:__dev_change_net_namespace"},
	{Msg: "The interface isn't registered", Errno: EINVAL, Op: OpLinkSet, Src: "net/core/dev.c:__dev_change_net_namespace"},
	{Msg: "An interface with the same name exists in the target netns", Errno: EEXIST, Op: OpLinkSet, Cause: "name-conflict", Src: "net/core/dev.c:__dev_change_net_namespace"},
	{Msg: "Unable to use '%s' for the new interface name in the target netns", Errno: EEXIST, Op: OpLinkSet, Cause: "name-conflict", Src: "net/core/dev.c:__dev_change_net_namespace"},
	{Msg: "An interface with the altname %s exists in the target netns", Errno: EEXIST, Op: OpLinkSet, Cause: "name-conflict", Src: "net/core/dev.c:__dev_change_net_namespace"},
	{Msg: "The ifindex %d is not available in the target netns", Errno: EBUSY, Op: OpLinkSet, Src: "net/core/dev.c:__dev_change_net_namespace"},
	{Msg: "Unable to allocate a new ifindex in the target netns", Errno: EBUSY, Op: OpLinkSet, Src: "net/core/dev.c:__dev_change_net_namespace"},

	// net/core/net_namespace.c: namespace ids (ip netns set, ip netns list-id).
	{Msg: "nsid is missing", Errno: EINVAL, Src: "net/core/net_namespace.c:rtnl_net_newid"},
	{Msg: "Peer netns reference is missing", Errno: EINVAL, Src: "net/core/net_namespace.c:rtnl_net_newid/rtnl_net_getid"},
	// net/core/net_namespace.c rtnl_net_newid/rtnl_net_getid: the fd is not
	// a network namespace (get_net_ns_by_fd).
	{Msg: "Peer netns reference is invalid", Errno: EINVAL, Cause: "netns-reference", Src: "net/core/net_namespace.c:rtnl_net_newid/rtnl_net_getid"},
	{Msg: "Peer netns already has a nsid assigned", Errno: EEXIST, Src: "net/core/net_namespace.c:rtnl_net_newid"},
	{Msg: "The specified nsid is already used", Errno: EEXIST, Src: "net/core/net_namespace.c:rtnl_net_newid"},
	{Msg: "Target netns reference is invalid", Errno: EINVAL, Src: "net/core/net_namespace.c:rtnl_net_getid"},

	// net/core/neighbour.c: neighbour entries.
	{Msg: "Neighbor entry is now dead", Errno: EPERM, Op: OpNeighAdd, Src: "net/core/neighbour.c:__neigh_update"},
	{Msg: "No link layer address given", Errno: EINVAL, Op: OpNeighAdd, Cause: "invalid-request", Src: "net/core/neighbour.c:__neigh_update"},
	{Msg: "Network address not specified", Errno: EINVAL, Src: "net/core/neighbour.c:neigh_delete/neigh_add/neigh_get"},
	{Msg: "Invalid network address", Errno: EINVAL, Src: "net/core/neighbour.c:neigh_delete/neigh_add"},
	{Msg: "Invalid link address", Errno: EINVAL, Op: OpNeighAdd, Src: "net/core/neighbour.c:neigh_add"},
	{Msg: "Invalid NTF_* flag combination", Errno: EINVAL, Op: OpNeighAdd, Cause: "invalid-request", Src: "net/core/neighbour.c:neigh_add"},
	{Msg: "Device not specified", Errno: EINVAL, Op: OpNeighAdd, Src: "net/core/neighbour.c:neigh_add"},
	{Msg: "Invalid NTF_* flag for permanent entry", Errno: EINVAL, Op: OpNeighAdd, Cause: "invalid-request", Src: "net/core/neighbour.c:neigh_add"},
	{Msg: "Proxy neighbour entry not found", Errno: ENOENT, Src: "net/core/neighbour.c:neigh_get"},
	{Msg: "Neighbour entry not found", Errno: ENOENT, Src: "net/core/neighbour.c:neigh_get"},

	// net/core/fib_rules.c: policy-routing rules.
	{Msg: "Invalid l3mdev attribute", Errno: EINVAL, Op: OpRule, Src: "net/core/fib_rules.c:fib_nl2rule_l3mdev"},
	{Msg: "l3mdev support is not enabled in kernel", Errno: EINVAL, Op: OpRule, Src: "net/core/fib_rules.c:fib_nl2rule_l3mdev"},
	{Msg: "Invalid source address", Errno: EINVAL, Src: "net/core/fib_rules.c:fib_nl2rule; net/ipv6/route.c:ip6_route_info_create"},
	{Msg: "Invalid dst address", Errno: EINVAL, Op: OpRule, Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Unexpected goto", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Backward goto not supported", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Missing goto target for action goto", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "l3mdev and table are mutually exclusive", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "No permission to set uid", Errno: EPERM, Op: OpRule, Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Invalid uid range", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Invalid sport range", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Invalid dport range", Errno: EINVAL, Op: OpRule, Cause: "invalid-request", Src: "net/core/fib_rules.c:fib_nl2rule"},
	{Msg: "Rule family not supported", Errno: EAFNOSUPPORT, Op: OpRule, Src: "net/core/fib_rules.c:fib_nl_newrule/fib_nl_delrule"},

	// net/ipv4/devinet.c: IPv4 addresses (the "ipv4: " is in the message).
	{Msg: "ipv4: Invalid scope value", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv4/devinet.c:__inet_insert_ifa"},
	{Msg: "ipv4: Device not found", Errno: ENODEV, Cause: "link-state", Src: "net/ipv4/devinet.c:inet_rtm_deladdr/rtm_to_ifaddr"},
	{Msg: "ipv4: Address not found", Errno: EADDRNOTAVAIL, Op: OpAddrDel, Src: "net/ipv4/devinet.c:inet_rtm_deladdr"},
	{Msg: "ipv4: Invalid prefix length", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv4/devinet.c:rtm_to_ifaddr"},
	{Msg: "ipv4: Local address is not supplied", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv4/devinet.c:rtm_to_ifaddr"},
	{Msg: "ipv4: address lifetime invalid", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv4/devinet.c:rtm_to_ifaddr"},
	{Msg: "ipv4: Multicast auto join failed", Op: OpAddrAdd, Src: "net/ipv4/devinet.c:inet_rtm_newaddr"},
	{Msg: "ipv4: Address already assigned", Errno: EEXIST, Op: OpAddrAdd, Cause: "already-exists", Src: "net/ipv4/devinet.c:inet_rtm_newaddr"},

	// net/ipv4/fib_frontend.c: IPv4 route requests.
	{Msg: "Invalid IPv4 address in RTA_VIA", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_frontend.c:fib_gw_from_via"},
	{Msg: "Invalid IPv6 address in RTA_VIA", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_frontend.c:fib_gw_from_via"},
	{Msg: "IPv6 support not enabled in kernel", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_frontend.c:fib_gw_from_via"},
	{Msg: "Unsupported address family in RTA_VIA", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_frontend.c:fib_gw_from_via"},
	{Msg: "Invalid dsfield (tos): ECN bits must be 0", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_frontend.c:rtm_to_fib_config"},
	{Msg: "Invalid route type", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_frontend.c:rtm_to_fib_config; net/ipv4/fib_semantics.c:fib_create_info; net/ipv6/route.c:ip6_route_info_create"},
	{Msg: "Invalid prefix length", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_frontend.c:rtm_to_fib_config; net/ipv6/route.c:ip6_route_info_create"},
	{Msg: "Invalid prefix for given prefix length", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_frontend.c:rtm_to_fib_config"},
	{Msg: "Nexthop specification and nexthop id are mutually exclusive", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_frontend.c:rtm_to_fib_config; net/ipv6/route.c:rtm_to_fib6_config"},
	{Msg: "Nexthop configuration can not contain both GATEWAY and VIA", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_frontend.c:rtm_to_fib_config; net/ipv4/fib_semantics.c:fib_get_nhs/fib_nh_match"},
	{Msg: "Nexthop id does not exist", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_frontend.c:inet_rtm_delroute; net/ipv4/fib_semantics.c:fib_create_info; net/ipv6/route.c:ip6_route_info_create/inet6_rtm_delroute; drivers/net/vxlan/vxlan_core.c:vxlan_fdb_nh_update"},
	{Msg: "FIB table does not exist", Errno: ESRCH, Op: OpRouteDel, Src: "net/ipv4/fib_frontend.c:inet_rtm_delroute; net/ipv6/route.c:ip6_route_del"},
	{Msg: "ipv4: FIB table does not exist", Errno: ENOENT, Src: "net/ipv4/fib_frontend.c:inet_dump_fib"},

	// net/ipv4/fib_semantics.c: IPv4 routes and their nexthops.
	{Msg: "LWT encap type not specified", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_nh_common_init"},
	{Msg: "Invalid nexthop configuration - extra data after nexthops", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_count_nexthops"},
	{Msg: "Invalid IPv4 address in RTA_GATEWAY", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_gw_from_attr"},
	{Msg: "Invalid nexthop configuration - extra data after nexthop", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_get_nhs"},
	{Msg: "Nexthop device index does not match RTA_OIF", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_get_nhs"},
	{Msg: "Nexthop gateway does not match RTA_GATEWAY or RTA_VIA", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_get_nhs"},
	{Msg: "Multipath support not enabled in kernel", Errno: EINVAL, Op: OpRouteAdd, Cause: "module-missing", Config: "CONFIG_IP_ROUTE_MULTIPATH", Src: "net/ipv4/fib_semantics.c:fib_create_info"},
	{Msg: "Nexthop has invalid scope", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_check_nh_v4_gw"},
	{Msg: "Nexthop device required for onlink", Errno: ENODEV, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_check_nh_v4_gw; net/ipv6/route.c:fib6_nh_init"},
	{Msg: "Nexthop device is not up", Errno: ENETDOWN, Op: OpRouteAdd, Cause: "link-state", Src: "net/ipv4/fib_semantics.c:fib_check_nh_v4_gw; net/ipv4/nexthop.c:rtm_to_nh_config; net/ipv6/route.c:fib6_nh_init"},
	// IPv4: no route to the gateway (IPv6 and a non-unicast gateway: EINVAL)
	{Msg: "Nexthop has invalid gateway", Errno: ENETUNREACH, Also: []Errno{EINVAL}, Op: OpRouteAdd, Cause: "link-state", Src: "net/ipv4/fib_semantics.c:fib_check_nh_v4_gw"},
	{Msg: "No egress device for nexthop gateway", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_check_nh_v4_gw"},
	{Msg: "Device for nexthop is not up", Errno: ENETDOWN, Op: OpRouteAdd, Cause: "link-state", Src: "net/ipv4/fib_semantics.c:fib_check_nh_nongw"},
	{Msg: "Invalid scope", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_create_info"},
	{Msg: "Nexthop has been deleted", Errno: EINVAL, Also: []Errno{ENOENT}, Op: OpRouteAdd, Src: "net/ipv4/fib_semantics.c:fib_create_info; net/ipv6/route.c:ip6_route_info_create; drivers/net/vxlan/vxlan_core.c:vxlan_fdb_nh_update"},
	{Msg: "Gateway, device and multipath can not be specified for this route type", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_create_info"},
	{Msg: "Route with host scope can not have multiple nexthops", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_create_info; net/ipv4/nexthop.c:fib_check_nexthop"},
	{Msg: "Route with host scope can not have a gateway", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_create_info; net/ipv4/nexthop.c:nexthop_check_scope"},
	{Msg: "Invalid prefsrc address", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv4/fib_semantics.c:fib_create_info"},

	// net/ipv4/nexthop.c: nexthop objects (ip nexthop) and routes that use them.
	{Msg: "Hash-threshold group can not be a nexthop within a group", Errno: EINVAL, Src: "net/ipv4/nexthop.c:valid_group_nh"},
	{Msg: "Resilient group can not be a nexthop within a group", Errno: EINVAL, Src: "net/ipv4/nexthop.c:valid_group_nh"},
	{Msg: "Blackhole nexthop can not be used in a group with more than 1 path", Errno: EINVAL, Src: "net/ipv4/nexthop.c:valid_group_nh"},
	{Msg: "FDB nexthop group can only have fdb nexthops", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_fdb_group"},
	{Msg: "FDB nexthop group cannot have mixed family nexthops", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_fdb_group"},
	{Msg: "Invalid value for weight", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_group"},
	{Msg: "Nexthop id can not be used twice in a group", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_group"},
	{Msg: "Invalid nexthop id", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_group/nh_valid_get_del_req/nh_valid_dump_nhid"},
	{Msg: "Non FDB nexthop group cannot have fdb nexthops", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_group"},
	{Msg: "No other attributes can be set in nexthop groups", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_check_attr_group"},
	{Msg: "IPv6 routes using source address can not use nexthop objects", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/nexthop.c:check_src_addr"},
	{Msg: "Route cannot point to a fdb nexthop", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/nexthop.c:fib6_check_nexthop/fib_check_nexthop"},
	{Msg: "IPv6 routes can not use an IPv4 nexthop", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/nexthop.c:fib6_check_nexthop"},
	{Msg: "Scope mismatch with nexthop", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv4/nexthop.c:nexthop_check_scope"},
	{Msg: "Can not replace a nexthop group with a nexthop.", Errno: EINVAL, Src: "net/ipv4/nexthop.c:replace_nexthop_grp"},
	{Msg: "Can not replace a nexthop group with one of a different type.", Errno: EINVAL, Src: "net/ipv4/nexthop.c:replace_nexthop_grp"},
	{Msg: "Can not change number of buckets of a resilient nexthop group.", Errno: EINVAL, Src: "net/ipv4/nexthop.c:replace_nexthop_grp"},
	{Msg: "Can not replace a nexthop with a nexthop group.", Errno: EINVAL, Src: "net/ipv4/nexthop.c:replace_nexthop_single"},
	{Msg: "Cannot change nexthop FDB status while in a group", Errno: EINVAL, Src: "net/ipv4/nexthop.c:replace_nexthop_single"},
	{Msg: "Blackhole nexthop can not be a member of a group with more than one path", Errno: EINVAL, Src: "net/ipv4/nexthop.c:replace_nexthop"},
	{Msg: "Replace specified without create and no entry exists", Errno: ENOENT, Src: "net/ipv4/nexthop.c:insert_nexthop"},
	{Msg: "Number of buckets not specified for nexthop group insertion", Errno: EINVAL, Src: "net/ipv4/nexthop.c:insert_nexthop"},
	{Msg: "Replace requires nexthop id", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nexthop_add"},
	{Msg: "No unused id", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nexthop_add"},
	{Msg: "Number of buckets needs to be non-0", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config_grp_res"},
	{Msg: "Invalid address family", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Fdb attribute can not be used with encap, oif or blackhole", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Invalid family for group", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Invalid group type", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Blackhole attribute can not be used with gateway, oif, encap or fdb", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Device attribute required for non-blackhole and non-fdb nexthops", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Invalid device index", Errno: EINVAL, Cause: "link-state", Src: "net/ipv4/nexthop.c:rtm_to_nh_config/__nh_valid_dump_req"},
	{Msg: "Carrier for nexthop device is down", Errno: ENETDOWN, Cause: "link-state", Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Invalid gateway", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Unknown address family for gateway", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "ONLINK flag can not be set for nexthop without a gateway", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "LWT encapsulation type is missing", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "LWT encapsulation attribute is missing", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Cannot enable nexthop hardware statistics for non-group nexthops", Errno: EINVAL, Src: "net/ipv4/nexthop.c:rtm_to_nh_config"},
	{Msg: "Nexthop id is missing", Errno: EINVAL, Src: "net/ipv4/nexthop.c:nh_valid_get_del_req"},
	{Msg: "Invalid master device index", Errno: EINVAL, Src: "net/ipv4/nexthop.c:__nh_valid_dump_req"},

	// net/ipv4/route.c: ip route get.
	{Msg: "ipv4: rtm_src_len and rtm_dst_len must be 32 for IPv4", Errno: EINVAL, Src: "net/ipv4/route.c:inet_rtm_valid_getroute_req"},

	// net/ipv6/addrconf.c: IPv6 addresses (NL_SET_ERR_MSG_MOD: "ipv6: ").
	{Msg: "Invalid address", Module: "ipv6", Errno: EADDRNOTAVAIL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv6/addrconf.c:ipv6_add_addr"},
	{Msg: `Cannot assign multicast address without "IFA_F_MCAUTOJOIN" flag`, Module: "ipv6", Errno: EADDRNOTAVAIL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv6/addrconf.c:ipv6_add_addr"},
	{Msg: "Cannot assign loopback address on this device", Module: "ipv6", Errno: EADDRNOTAVAIL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv6/addrconf.c:ipv6_add_addr"},
	{Msg: "device is going away", Module: "ipv6", Errno: ENODEV, Op: OpAddrAdd, Src: "net/ipv6/addrconf.c:ipv6_add_addr"},
	{Msg: "IPv6 is disabled on this device", Module: "ipv6", Errno: EACCES, Also: []Errno{ENXIO}, Op: OpAddrAdd, Cause: "sysctl", Src: "net/ipv6/addrconf.c:ipv6_add_addr/inet6_addr_add/inet6_addr_del"},
	{Msg: "Invalid prefix length", Module: "ipv6", Errno: EINVAL, Op: OpAddrAdd, Src: "net/ipv6/addrconf.c:inet6_addr_add/inet6_addr_del"},
	{Msg: "address lifetime invalid", Module: "ipv6", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv6/addrconf.c:inet6_addr_add"},
	{Msg: `address with "mngtmpaddr" flag must have a prefix length of 64`, Module: "ipv6", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv6/addrconf.c:inet6_addr_add"},
	{Msg: "Multicast auto join failed", Module: "ipv6", Op: OpAddrAdd, Src: "net/ipv6/addrconf.c:inet6_addr_add"},
	{Msg: "Unable to find the interface", Module: "ipv6", Errno: ENODEV, Cause: "link-state", Src: "net/ipv6/addrconf.c:inet6_addr_del/inet6_rtm_newaddr"},
	{Msg: "address not found", Module: "ipv6", Errno: EADDRNOTAVAIL, Op: OpAddrDel, Src: "net/ipv6/addrconf.c:inet6_addr_del"},
	{Msg: "IFA_F_NODAD and IFA_F_OPTIMISTIC are mutually exclusive", Errno: EINVAL, Op: OpAddrAdd, Cause: "invalid-request", Src: "net/ipv6/addrconf.c:inet6_rtm_newaddr"},
	{Msg: "address already assigned", Module: "ipv6", Errno: EEXIST, Op: OpAddrAdd, Cause: "already-exists", Src: "net/ipv6/addrconf.c:inet6_rtm_newaddr"},
	{Msg: "Device is loopback", Module: "ipv6", Errno: EINVAL, Src: "net/ipv6/addrconf.c:inet6_set_iftoken"},
	{Msg: "Device does not do neighbour discovery", Module: "ipv6", Errno: EINVAL, Src: "net/ipv6/addrconf.c:inet6_set_iftoken"},
	{Msg: "Router advertisement is disabled on device", Module: "ipv6", Errno: EINVAL, Cause: "sysctl", Src: "net/ipv6/addrconf.c:inet6_set_iftoken"},
	{Msg: "Router solicitation is disabled on device", Errno: EINVAL, Cause: "sysctl", Src: "net/ipv6/addrconf.c:inet6_set_iftoken"},

	// net/ipv6/route.c: IPv6 routes.
	{Msg: "Nexthop has invalid gateway or device mismatch", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:ip6_route_check_nh_onlink"},
	{Msg: "Gateway can not be a local address", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv6/route.c:ip6_validate_gw"},
	{Msg: "Invalid gateway address", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv6/route.c:ip6_validate_gw"},
	{Msg: "Egress device not specified", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv6/route.c:ip6_validate_gw"},
	{Msg: "Egress device can not be loopback device for this route", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv6/route.c:ip6_validate_gw"},
	{Msg: "IPv6 is disabled on nexthop device", Errno: EACCES, Op: OpRouteAdd, Cause: "sysctl", Src: "net/ipv6/route.c:fib6_nh_init"},
	{Msg: "Invalid source address length", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:ip6_route_info_create"},
	{Msg: "Specifying source address requires IPV6_SUBTREES to be enabled", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:ip6_route_info_create"},
	{Msg: "Nexthops can not be used with source routing", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:ip6_route_info_create"},
	{Msg: "Invalid dsfield (tos): option not available for IPv6", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv6/route.c:rtm_to_fib6_config"},
	{Msg: "IPv6 does not support RTA_VIA attribute", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:rtm_to_fib6_config"},
	{Msg: "Invalid IPv6 address in RTA_GATEWAY", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:fib6_gw_from_attr"},
	{Msg: "Device only routes can not be added for IPv6 using the multipath API.", Errno: EINVAL, Op: OpRouteAdd, Cause: "invalid-request", Src: "net/ipv6/route.c:ip6_route_multipath_add"},
	{Msg: "Invalid nexthop configuration - no valid nexthops", Errno: EINVAL, Op: OpRouteAdd, Src: "net/ipv6/route.c:ip6_route_multipath_add"},
	{Msg: "multipath route replace failed (check consistency of installed routes)", Module: "ipv6", Op: OpRouteAdd, Src: "net/ipv6/route.c:ip6_route_multipath_add"},
	{Msg: "rtm_src_len and rtm_dst_len must be 128 for IPv6", Module: "ipv6", Errno: EINVAL, Src: "net/ipv6/route.c:inet6_rtm_valid_getroute_req"},

	// net/bridge: bridges, their ports, fdb and vlans (NL_SET_ERR_MSG_MOD: "bridge: ").
	{Msg: "Unknown boolean option %d", Module: "bridge", Errno: EINVAL, Op: OpLinkSet, Src: "net/bridge/br.c:br_boolopt_multi_toggle"},
	{Msg: "Unknown flush device ifindex", Module: "bridge", Errno: ENODEV, Src: "net/bridge/br_fdb.c:__fdb_flush_validate_ifindex"},
	{Msg: "Flush device is not a bridge or bridge port", Module: "bridge", Errno: EINVAL, Src: "net/bridge/br_fdb.c:__fdb_flush_validate_ifindex"},
	{Msg: "Flush bridge device does not match target bridge device", Module: "bridge", Errno: EINVAL, Src: "net/bridge/br_fdb.c:__fdb_flush_validate_ifindex"},
	{Msg: "Port belongs to a different bridge device", Module: "bridge", Errno: EINVAL, Src: "net/bridge/br_fdb.c:__fdb_flush_validate_ifindex"},
	{Msg: "Device is not a bridge port", Module: "bridge", Errno: EINVAL, Src: "net/bridge/br_fdb.c:br_fdb_delete_bulk"},
	{Msg: "Fdb entry not found", Errno: ENOENT, Src: "net/bridge/br_fdb.c:br_fdb_get; drivers/net/vxlan/vxlan_core.c:vxlan_fdb_get"},
	{Msg: "FDB entry towards bridge must be permanent", Module: "bridge", Errno: EINVAL, Cause: "invalid-request", Src: "net/bridge/br_fdb.c:__br_fdb_add"},
	{Msg: `Cannot add FDB entry with "locked" flag set`, Module: "bridge", Errno: EINVAL, Src: "net/bridge/br_fdb.c:br_fdb_add"},
	// net/bridge/br_if.c br_add_if.
	{Msg: "Can not enslave a bridge to a bridge", Errno: ELOOP, Op: OpLinkSet, Cause: "device-busy", Src: "net/bridge/br_if.c:br_add_if"},
	// net/bridge/br_if.c br_add_if: IFF_DONT_BRIDGE (a Wi-Fi station
	// without 4-address mode).
	{Msg: "Device does not allow enslaving to a bridge", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "net/bridge/br_if.c:br_add_if"},
	{Msg: "%s is already in %u groups, and mcast_max_groups=%u", Module: "bridge", Errno: E2BIG, Src: "net/bridge/br_multicast.c:br_multicast_port_ngroups_inc_one"},
	{Msg: "Cannot enable multicast vlan snooping with vlan filtering disabled", Module: "bridge", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/bridge/br_multicast.c:br_multicast_toggle_vlan_snooping"},
	{Msg: "MST states can only be set on bridge ports", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/bridge/br_netlink.c:br_afspec"},
	{Msg: "Bridge port must be locked and have learning enabled when MAB is enabled", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "net/bridge/br_netlink.c:br_setport"},
	{Msg: "STP can't be enabled if MRP is already enabled", Module: "bridge", Errno: EINVAL, Op: OpLinkSet, Src: "net/bridge/br_stp_if.c:br_stp_set_enabled"},
	{Msg: "The device is not a valid bridge or bridge port", Module: "bridge", Errno: EINVAL, Src: "net/bridge/br_vlan.c:br_vlan_rtm_process"},

	// drivers/net/vxlan/vxlan_core.c.
	{Msg: "Nexthop is not a fdb nexthop", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_nh_update"},
	{Msg: "Nexthop is not a multipath group", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_nh_update"},
	{Msg: "Nexthop group family not supported", Errno: EAFNOSUPPORT, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_nh_update"},
	{Msg: "Cannot replace an existing non nexthop fdb with a nexthop", Errno: EOPNOTSUPP, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_update_existing"},
	{Msg: "Cannot append to a nexthop fdb", Errno: EOPNOTSUPP, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_update_existing"},
	{Msg: "Cannot make a nexthop fdb dynamic", Errno: EOPNOTSUPP, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_update_existing"},
	{Msg: "Cannot replace non-unicast fdb entries", Errno: EOPNOTSUPP, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_update_existing"},
	{Msg: "DST, VNI, ifindex and port are mutually exclusive with NH_ID", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse"},
	{Msg: "Unsupported address family", Errno: EAFNOSUPPORT, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse/vxlan_fdb_delete_bulk"},
	{Msg: "Invalid vxlan port", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse"},
	{Msg: "Invalid vni", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse"},
	{Msg: "Invalid src vni", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse"},
	{Msg: "Invalid ifindex", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse"},
	{Msg: "Device not found", Errno: EADDRNOTAVAIL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_parse"},
	{Msg: "A nexthop fdb cannot be dynamic", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_fdb_add"},
	{Msg: "Provided link layer address is not Ethernet", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate; drivers/net/geneve.c:geneve_validate"},
	{Msg: "Provided Ethernet address is not unicast", Errno: EADDRNOTAVAIL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate; drivers/net/geneve.c:geneve_validate"},
	{Msg: "MTU must be between 68 and 65535", Errno: EINVAL, Op: OpLinkAdd, Cause: "mtu", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate"},
	{Msg: "Required attributes not provided to perform the operation", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate"},
	{Msg: "VXLAN ID must be lower than 16777216", Errno: ERANGE, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate"},
	{Msg: "Invalid source port range", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate"},
	{Msg: "Invalid DF attribute", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_validate; drivers/net/geneve.c:geneve_validate"},
	{Msg: "VXLAN GPE does not support this combination of attributes", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Local and remote address must be from the same family", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Local address cannot be multicast", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "IPv6 support not enabled in the kernel", Errno: EPFNOSUPPORT, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate/vxlan_nl2conf; drivers/net/geneve.c:geneve_nl2info"},
	{Msg: "Invalid combination of local and remote address scopes", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Label attribute only applies to IPv6 VXLAN devices", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Label policy only applies to IPv6 VXLAN devices", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Invalid local interface, device not found", Errno: ENODEV, Op: OpLinkAdd, Cause: "link-state", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "IPv6 support disabled by administrator", Errno: EPERM, Op: OpLinkAdd, Cause: "sysctl", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Local interface required for multicast remote destination", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "Local interface required for link-local local/remote addresses", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	{Msg: "A VXLAN device with the specified VNI already exists", Errno: EEXIST, Op: OpLinkAdd, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_config_validate"},
	// drivers/net/vxlan/vxlan_core.c vxlan_nl2conf on changelink.
	{Msg: "Cannot change VNI", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "New group address family does not match old group", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "New local address family does not match old", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "Cannot change limit", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "Cannot change port range", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "Cannot change port", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "Cannot change UDP_CSUM flag", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "Cannot change mtu", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
	{Msg: "vxlan vnifilter only valid in collect metadata mode", Errno: EINVAL, Src: "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},

	// drivers/net/ipvlan/ipvlan_main.c.
	// ipvlan_addr4/6_validator_event
	{Msg: "Address already assigned to an ipvlan device", Errno: EADDRINUSE, Op: OpAddrAdd, Cause: "address-in-use", Src: "drivers/net/ipvlan/ipvlan_main.c:ipvlan_addr6_validator_event/ipvlan_addr4_validator_event"},

	// drivers/net/bonding: ports and options.
	{Msg: "CAN devices cannot be enslaved", Errno: EPERM, Op: OpLinkSet, Cause: "invalid-request", Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Device type (master device) cannot be enslaved", Errno: EPERM, Op: OpLinkSet, Cause: "invalid-request", Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Device is in use and cannot be enslaved", Errno: EBUSY, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Cannot enslave bond to itself.", Errno: EPERM, Op: OpLinkSet, Cause: "invalid-request", Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Can not enslave VLAN challenged device to VLAN enabled bond", Errno: EPERM, Op: OpLinkSet, Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	// drivers/net/bonding/bond_main.c bond_enslave.
	{Msg: "Device can not be enslaved while up", Errno: EPERM, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "8023AD mode requires Ethernet devices", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Device type is different from other slaves", Errno: EINVAL, Op: OpLinkSet, Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Only active-backup mode is supported for infiniband slaves", Errno: EOPNOTSUPP, Op: OpLinkSet, Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "Slave device does not support setting the MAC address, but fail_over_mac is not set to active", Errno: EOPNOTSUPP, Op: OpLinkSet, Src: "drivers/net/bonding/bond_main.c:bond_enslave"},
	{Msg: "ARP monitoring cannot be used with MII monitoring", Errno: EINVAL, Cause: "invalid-request", Src: "drivers/net/bonding/bond_netlink.c:bond_changelink"},
	{Msg: "Invalid IPv6 address", Errno: EINVAL, Src: "drivers/net/bonding/bond_netlink.c:bond_changelink"},
	{Msg: "ARP validating cannot be used with MII monitoring", Errno: EINVAL, Src: "drivers/net/bonding/bond_netlink.c:bond_changelink"},
	{Msg: "option not supported in mode", Errno: EACCES, Cause: "invalid-request", Src: "drivers/net/bonding/bond_options.c:bond_opt_dep_print"},
	{Msg: "invalid option value", Errno: EINVAL, Src: "drivers/net/bonding/bond_options.c:bond_opt_error_interpret"},
	{Msg: "unable to set option because the bond device has slaves", Errno: ENOTEMPTY, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/bonding/bond_options.c:bond_opt_error_interpret"},
	{Msg: "unable to set option because the bond is up", Errno: EBUSY, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/bonding/bond_options.c:bond_opt_error_interpret"},
	{Msg: "interface does not exist", Errno: ENODEV, Cause: "link-state", Src: "drivers/net/bonding/bond_options.c:bond_opt_error_interpret"},

	// drivers/net/geneve.c.
	{Msg: "Not enough attributes provided to perform the operation", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/geneve.c:geneve_validate"},
	{Msg: "Geneve ID must be lower than 16777216", Errno: ERANGE, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/geneve.c:geneve_validate"},
	{Msg: "Device is externally controlled, so attributes (VNI, Port, and so on) must not be specified", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/geneve.c:geneve_configure"},
	{Msg: "There can be only one externally controlled device on a destination port", Errno: EPERM, Op: OpLinkAdd, Src: "drivers/net/geneve.c:geneve_configure"},
	{Msg: "There already exists an externally controlled device on this destination port", Errno: EPERM, Op: OpLinkAdd, Src: "drivers/net/geneve.c:geneve_configure"},
	{Msg: "Cannot specify both IPv4 and IPv6 Remote addresses", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/geneve.c:geneve_nl2info"},
	{Msg: "Remote IPv4 address cannot be Multicast", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/geneve.c:geneve_nl2info"},
	{Msg: "Remote IPv6 address cannot be link-local", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/geneve.c:geneve_nl2info"},
	{Msg: "Remote IPv6 address cannot be Multicast", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/geneve.c:geneve_nl2info"},
	{Msg: "Label attribute only applies for IPv6 Geneve devices", Errno: EINVAL, Op: OpLinkAdd, Src: "drivers/net/geneve.c:geneve_nl2info"},
	{Msg: "Changing VNI, Port, endpoint IP address family, external, inner_proto_inherit, and UDP checksum attributes are not supported", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "drivers/net/geneve.c:geneve_nl2info"},

	// drivers/net/vrf.c.
	{Msg: "Table is used by another VRF", Errno: EBUSY, Op: OpLinkAdd, Src: "drivers/net/vrf.c:vrf_map_register_dev"},
	{Msg: "Can not enslave loopback device to a VRF", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "invalid-request", Src: "drivers/net/vrf.c:do_vrf_add_slave"},
	{Msg: "Can not enslave an L3 master device to a VRF", Errno: EINVAL, Op: OpLinkSet, Cause: "invalid-request", Src: "drivers/net/vrf.c:vrf_add_slave"},
	{Msg: "Invalid hardware address", Errno: EADDRNOTAVAIL, Also: []Errno{EINVAL}, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vrf.c:vrf_validate"},
	{Msg: "VRF table id is missing", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vrf.c:vrf_newlink"},
	{Msg: "Invalid VRF table id", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/vrf.c:vrf_newlink"},

	// net/8021q: VLAN links (NL_SET_ERR_MSG_MOD: "8021q: ").
	{Msg: "VLANs not supported on device", Module: "8021q", Errno: EOPNOTSUPP, Op: OpLinkAdd, Cause: "unsupported-feature", Src: "net/8021q/vlan.c:vlan_check_real_dev"},
	{Msg: "VLAN device already exists", Module: "8021q", Errno: EEXIST, Op: OpLinkAdd, Src: "net/8021q/vlan.c:vlan_check_real_dev"},
	{Msg: "Invalid link address", Module: "8021q", Errno: EADDRNOTAVAIL, Also: []Errno{EINVAL}, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "VLAN properties not specified", Module: "8021q", Errno: EINVAL, Op: OpLinkAdd, Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "Invalid VLAN protocol", Module: "8021q", Errno: EPROTONOSUPPORT, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "Invalid VLAN id", Module: "8021q", Errno: ERANGE, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "Invalid VLAN flags", Module: "8021q", Errno: EINVAL, Op: OpLinkAdd, Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "Invalid ingress QOS map", Module: "8021q", Errno: EINVAL, Op: OpLinkAdd, Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "Invalid egress QOS map", Module: "8021q", Errno: EINVAL, Op: OpLinkAdd, Src: "net/8021q/vlan_netlink.c:vlan_validate"},
	{Msg: "VLAN id not specified", Module: "8021q", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/8021q/vlan_netlink.c:vlan_newlink"},
	{Msg: "link not specified", Module: "8021q", Errno: EINVAL, Op: OpLinkAdd, Cause: "invalid-request", Src: "net/8021q/vlan_netlink.c:vlan_newlink"},
	{Msg: "link does not exist", Module: "8021q", Errno: ENODEV, Op: OpLinkAdd, Cause: "link-state", Src: "net/8021q/vlan_netlink.c:vlan_newlink"},

	// drivers/net/tun.c.
	{Msg: "tun/tap creation via rtnetlink is not supported.", Errno: EOPNOTSUPP, Op: OpLinkAdd, Cause: "invalid-request", Src: "drivers/net/tun.c:tun_validate"},

	// net/ipv4/ip_gre.c.
	{Msg: "Enabling collect_md on an existing device is not supported", Errno: EOPNOTSUPP, Op: OpLinkSet, Cause: "device-busy", Src: "net/ipv4/ip_gre.c:ipgre_changelink/erspan_changelink"},

	// lib/nlattr.c: attribute validation, any request.
	{Msg: "invalid attribute length", Errno: EINVAL, Src: "lib/nlattr.c:nla_validate_range_unsigned/validate_nla"},
	{Msg: "binary attribute size out of range", Errno: ERANGE, Src: "lib/nlattr.c:nla_validate_range_unsigned"},
	{Msg: "integer out of range", Errno: ERANGE, Src: "lib/nlattr.c:nla_validate_range_unsigned/nla_validate_int_range_signed"},
	{Msg: "Unsupported attribute", Errno: EINVAL, Src: "lib/nlattr.c:validate_nla"},
	{Msg: "Attribute failed policy validation", Errno: EINVAL, Src: "lib/nlattr.c:validate_nla"},
	{Msg: "Unknown attribute type", Errno: EINVAL, Src: "lib/nlattr.c:__nla_validate_parse"},
	{Msg: "bytes leftover after parsing attributes", Errno: EINVAL, Src: "lib/nlattr.c:__nla_validate_parse"},

	// Texts of the first hand-made table that are not NL_SET_ERR_MSG strings
	// of the networking code read for this table (kept: they were seen in
	// pasted texts; Src says where they come from when known).
	{Msg: "Device does not exist", Errno: ENODEV, Src: "not an extended ACK of Linux 6.12 (iproute2 prints `Device \"X\" does not exist.`)"},
	{Msg: "Unknown device", Errno: ENODEV, Src: "not an extended ACK of Linux 6.12"},
	{Msg: "No such device", Errno: ENODEV, Src: "not an extended ACK of Linux 6.12 (the ENODEV strerror)"},
	{Msg: "Master device not found", Errno: ENODEV, Src: "not an extended ACK of Linux 6.12"},
	{Msg: "Invalid lower device", Errno: EINVAL, Src: "not an extended ACK of Linux 6.12"},
	// NLM_F_EXCL on an existing qdisc (tc qdisc add on a device that has
	// one); the first table said route.c/nexthop.c, which have no such text.
	{Msg: "Exclusivity flag on, cannot modify", Errno: EEXIST, Op: OpTC, Src: "net/sched/sch_api.c:tc_modify_qdisc"},
}

// extAckIndex finds rows by their text, lower case: full is the text as
// sent (with the module prefix), bare the text without any "word: " prefix.
var extAckIndex = func() (ix struct {
	full, bare map[string][]int
	pats       []extAckPat
}) {
	ix.full, ix.bare = map[string][]int{}, map[string][]int{}
	for i, r := range extAckTable {
		t := normExtAck(r.Text())
		if strings.Contains(r.Msg, "%") {
			ix.pats = append(ix.pats, extAckPat{i, regexp.MustCompile(`^(?:[a-z0-9_-]{2,12}: )?` + extAckPattern(normExtAck(r.Msg)) + `$`)})
			continue
		}
		ix.full[t] = append(ix.full[t], i)
		if b := stripExtAckPrefix(t); b != t {
			ix.bare[b] = append(ix.bare[b], i)
		}
	}
	return ix
}()

type extAckPat struct {
	row int
	re  *regexp.Regexp
}

// extAckPattern turns a lower-case NL_SET_ERR_MSG_FMT format into a
// regular expression.
func extAckPattern(f string) string {
	q := regexp.QuoteMeta(f)
	for _, v := range []struct{ verb, re string }{{"%s", `.{1,64}?`}, {"%d", `-?\d+`}, {"%u", `\d+`}, {"%llu", `\d+`}} {
		q = strings.ReplaceAll(q, v.verb, v.re)
	}
	return q
}

var extAckVerbRE = regexp.MustCompile(`%(?:s|d|u|llu)`)

var extAckPrefixRE = regexp.MustCompile(`^[a-z0-9_-]{2,12}: `)

// stripExtAckPrefix removes a "ipv4: ", "vxlan: ", "bridge: " prefix.
func stripExtAckPrefix(t string) string {
	return extAckPrefixRE.ReplaceAllString(t, "")
}

func normExtAck(s string) string {
	s = strings.TrimSpace(strings.Trim(strings.TrimSpace(s), "\x00\"'`"))
	return strings.ToLower(strings.TrimSpace(strings.TrimRight(s, ".")))
}

// LookupExtAck finds the row of an extended-ACK message as printed
// ("ipv4: Address already assigned", "Nexthop has invalid gateway."). When
// several rows have the text, the one of the operation op is taken if op
// is given, else the first.
func LookupExtAck(msg, op string) (ExtAck, bool) {
	if i := lookupExtAck(msg, op); i >= 0 {
		return extAckTable[i], true
	}
	return ExtAck{}, false
}

func lookupExtAck(msg, op string) int {
	t := normExtAck(msg)
	if t == "" {
		return -1
	}
	b := stripExtAckPrefix(t)
	for _, rows := range [][]int{extAckIndex.full[t], extAckIndex.full[b], extAckIndex.bare[t], extAckIndex.bare[b]} {
		if len(rows) == 0 {
			continue
		}
		// The row of the operation the text names, else the one written
		// in the same case ("invalid ifindex", "Invalid ifindex"), else
		// the first.
		for _, i := range rows {
			if op != "" && extAckTable[i].Op == op {
				return i
			}
		}
		exact := strings.TrimRight(strings.TrimSpace(strings.Trim(strings.TrimSpace(msg), "\x00\"'`")), ".")
		for _, i := range rows {
			if strings.TrimRight(extAckTable[i].Text(), ".") == exact || strings.TrimRight(extAckTable[i].Msg, ".") == exact {
				return i
			}
		}
		return rows[0]
	}
	for _, p := range extAckIndex.pats {
		if p.re.MatchString(t) {
			return p.row
		}
	}
	return -1
}

// ExtAcks is a copy of the table.
func ExtAcks() []ExtAck { return append([]ExtAck(nil), extAckTable...) }

// ExtAckRow is the table row the symptom's extended ACK matched.
func (s Symptom) ExtAckRow() (ExtAck, bool) {
	for _, m := range s.Matched {
		if t, ok := strings.CutPrefix(m, "extack:"); ok {
			for _, r := range extAckTable {
				if r.Text() == t {
					return r, true
				}
			}
		}
	}
	return ExtAck{}, false
}

// noteExtAck records an extended-ACK message found in line: its text, the
// row it matched (Matched "extack:TEXT"), the operation of the row when the
// text names none yet, and the errno: an errno the line prints beside
// the message (the kernel's errno as the program saw it), else the row's.
// shown is the error as printed, for Symptom.Message.
func (s *Symptom) noteExtAck(msg, line, shown string) {
	msg = strings.TrimSpace(strings.Trim(strings.TrimSpace(msg), "\x00"))
	s.setIf(&s.ExtAck, strings.TrimSuffix(msg, "."))
	i := lookupExtAck(msg, s.Operation)
	if i < 0 {
		s.setErr(extAckErrnoGuess(msg), shown)
		return
	}
	r := extAckTable[i]
	s.match("extack:" + r.Text())
	s.setIf(&s.Operation, r.Op)
	e := r.Errno
	if p := printedErrno(line, msg); p != "" {
		e = p
	}
	if e == "" {
		e = extAckErrnoGuess(msg)
	}
	s.setErr(e, shown)
}

// printedErrno is an errno a line prints beside the message (networkd's
// ". Operation not supported", Go's "invalid argument: ", pyroute2's
// "(22, '...')"), or "".
func printedErrno(line, msg string) Errno {
	rest := strings.Replace(line, msg, " ", 1)
	if e, _, _ := findErrno(rest); e != "" {
		return e
	}
	if m := strerrorRE.FindStringSubmatch(rest); m != nil {
		return ErrnoFromText(m[1])
	}
	return ""
}

// extAckErrnoGuess reads an errno from a message the table lacks.
func extAckErrnoGuess(msg string) Errno {
	m := stripExtAckPrefix(normExtAck(msg))
	if e, _, _ := findErrno(msg); e != "" {
		return e
	}
	switch {
	case strings.Contains(m, "already exists"), strings.Contains(m, "already assigned"), strings.Contains(m, "already in use"):
		return EEXIST
	case strings.Contains(m, "not supported"):
		return EOPNOTSUPP
	case strings.Contains(m, "permission") || strings.Contains(m, "not permitted"):
		return EPERM
	}
	return ErrnoFromText(m)
}

// A quoted message is found by its lower-case text, longest first: a
// regular expression of every message cost twice the time of the rest of
// the parser (BenchmarkParseSymptom64K).
type extAckNeedle struct {
	lit string         // the message in lower case, or its longest text between verbs
	re  *regexp.Regexp // for NL_SET_ERR_MSG_FMT messages
}

// extAckNeedles are the messages findQuotedExtAck looks for: those of four
// words or more, and of three that name a cause ("Cannot change VNI",
// "Unknown device type"). Shorter ones ("Device not found", "Unsupported
// address family") are too common to be a kernel's alone: the forms that
// say they carry an extended ACK read them.
var extAckNeedles = func() []extAckNeedle {
	var ns []extAckNeedle
	for _, r := range extAckTable {
		m := strings.TrimSuffix(r.Msg, ".")
		if w := len(strings.Fields(m)); w < 3 || w == 3 && r.Cause == "" || !r.Kernel() {
			continue
		}
		n := extAckNeedle{lit: asciiLower(m)}
		if strings.Contains(m, "%") {
			// The longest text between the verbs is looked for first.
			n.lit = ""
			for _, part := range extAckVerbRE.Split(asciiLower(m), -1) {
				if len(part) > len(n.lit) {
					n.lit = part
				}
			}
			n.re = regexp.MustCompile(`(?i)` + extAckPattern(m))
		}
		ns = append(ns, n)
	}
	sort.SliceStable(ns, func(i, j int) bool { return len(ns[i].lit) > len(ns[j].lit) })
	return ns
}()

// extAckModuleNames are the prefixes a quoted message may carry.
var extAckModuleNames = []string{"ipv4", "ipv6", "bridge", "8021q", "bonding", "veth", "vxlan", "geneve", "vrf"}

// findQuotedExtAck finds a message of the table quoted by a program in its
// own words (networkd's "Could not set route: MESSAGE. Strerror", a Go
// library's `message: "MESSAGE"`, pyroute2's (N, 'MESSAGE')): the whole
// line and the message with its module prefix.
func findQuotedExtAck(line string) []string {
	low := asciiLower(line)
	for _, n := range extAckNeedles {
		i := strings.Index(low, n.lit)
		if i < 0 {
			continue
		}
		j := i + len(n.lit)
		if n.re != nil {
			loc := n.re.FindStringIndex(line)
			if loc == nil {
				continue
			}
			i, j = loc[0], loc[1]
		}
		if i > 0 && isWordByte(low[i-1]) || j < len(low) && isWordByte(low[j]) {
			continue
		}
		for _, m := range extAckModuleNames {
			if strings.HasSuffix(low[:i], m+": ") {
				i -= len(m) + 2
				break
			}
		}
		return []string{line, line[i:j]}
	}
	return nil
}

// lowerStrerrors are the C library's texts in Go's lower case, longest
// first.
var lowerStrerrors = func() []string {
	var out []string
	for _, t := range strerrorTexts {
		if t.libc != "libnl" && t.libc != "libiptc" {
			out = append(out, strings.ToLower(t.text))
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}()

// findErrnoExtAck finds a message of the table after a Go-style lower-case
// strerror and ": " at the end of a line (vishvananda/netlink's "invalid
// argument: MESSAGE", with the NUL it keeps from the attribute): the match
// from the strerror on, the strerror, the message.
func findErrnoExtAck(line string) []string {
	t := strings.TrimRight(line, " \t\x00")
	for i := strings.Index(t, ": "); i >= 0; {
		if k := lookupExtAck(t[i+2:], ""); k >= 0 && extAckTable[k].Kernel() {
			head := t[:i]
			for _, e := range lowerStrerrors {
				if strings.HasSuffix(head, e) && (len(head) == len(e) || strings.HasSuffix(head[:len(head)-len(e)], ": ")) {
					return []string{t[len(head)-len(e):], e, t[i+2:]}
				}
			}
		}
		n := strings.Index(t[i+2:], ": ")
		if n < 0 {
			break
		}
		i += 2 + n
	}
	return nil
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// asciiLower lowers A-Z only, so offsets stay those of s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
