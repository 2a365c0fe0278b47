package rtnl

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"
)

// Route is one route of the main table.
type Route struct {
	Family string `json:"family"`
	// Dst is the destination; the zero-length prefix for a default route.
	Dst      netip.Prefix `json:"dst"`
	Gateway  netip.Addr   `json:"gateway,omitzero"`
	OutIndex int32        `json:"oif,omitempty"`
	// NextHops are the legs of a multipath route (Gateway/OutIndex then stay
	// empty).
	NextHops []NextHop  `json:"nexthops,omitempty"`
	PrefSrc  netip.Addr `json:"prefsrc,omitzero"`
	Table    uint32     `json:"table"`
	Protocol string     `json:"protocol"`
	Scope    string     `json:"scope"`
	Type     string     `json:"type"`
	Metric   uint32     `json:"metric,omitempty"`
	// Linkdown is RTNH_F_LINKDOWN: the route's device has no carrier.
	Linkdown bool `json:"linkdown,omitempty"`
}

// NextHop is one leg of a multipath route.
type NextHop struct {
	Gateway  netip.Addr `json:"gateway,omitzero"`
	OutIndex int32      `json:"oif"`
}

// Default reports whether the route is a default route.
func (r Route) Default() bool { return r.Dst.IsValid() && r.Dst.Bits() == 0 }

const SizeofRtmsg = 12

var errShortRoute = errors.New("route message shorter than rtmsg")

var routeTypes = map[uint8]string{
	unix.RTN_UNICAST: "unicast", unix.RTN_LOCAL: "local", unix.RTN_BROADCAST: "broadcast",
	unix.RTN_ANYCAST: "anycast", unix.RTN_MULTICAST: "multicast", unix.RTN_BLACKHOLE: "blackhole",
	unix.RTN_UNREACHABLE: "unreachable", unix.RTN_PROHIBIT: "prohibit", unix.RTN_THROW: "throw",
}

// DecodeRoute decodes an RTM_NEWROUTE body; local names the protocol
// numbers iproute2's built-in table does not (nil: none).
func DecodeRoute(b []byte, local func(uint8) (string, bool)) (Route, error) {
	if len(b) < SizeofRtmsg {
		return Route{}, errShortRoute
	}
	family, dstLen := b[0], b[1]
	r := Route{Table: uint32(b[4]), Scope: ScopeName(b[6]), Protocol: RouteProtocolName(b[5], local), Type: routeTypes[b[7]]}
	if r.Type == "" {
		r.Type = strconv.Itoa(int(b[7]))
	}
	flags := binary.NativeEndian.Uint32(b[8:12])
	r.Linkdown = flags&unix.RTNH_F_LINKDOWN != 0
	var dst netip.Addr
	ForEachAttr(b[SizeofRtmsg:], func(typ uint16, v []byte) {
		switch typ {
		case unix.RTA_DST:
			dst, _ = netip.AddrFromSlice(v)
		case unix.RTA_GATEWAY:
			r.Gateway, _ = netip.AddrFromSlice(v)
		case unix.RTA_OIF:
			if len(v) >= 4 {
				r.OutIndex = int32(binary.NativeEndian.Uint32(v))
			}
		case unix.RTA_PREFSRC:
			r.PrefSrc, _ = netip.AddrFromSlice(v)
		case unix.RTA_TABLE:
			if len(v) >= 4 {
				r.Table = binary.NativeEndian.Uint32(v)
			}
		case unix.RTA_PRIORITY:
			if len(v) >= 4 {
				r.Metric = binary.NativeEndian.Uint32(v)
			}
		case unix.RTA_MULTIPATH:
			r.NextHops = decodeNextHops(v)
		}
	})
	switch family {
	case unix.AF_INET:
		r.Family = "inet"
		if !dst.IsValid() {
			dst = netip.IPv4Unspecified()
		}
	case unix.AF_INET6:
		r.Family = "inet6"
		if !dst.IsValid() {
			dst = netip.IPv6Unspecified()
		}
	default:
		return r, errors.New("route of an unknown family")
	}
	if int(dstLen) > dst.BitLen() {
		return r, errors.New("route with an invalid prefix length")
	}
	r.Dst = netip.PrefixFrom(dst, int(dstLen))
	return r, nil
}

// decodeNextHops decodes RTA_MULTIPATH: a list of rtnexthop structures
// (len u16, flags u8, hops u8, ifindex i32) each followed by attributes.
func decodeNextHops(b []byte) []NextHop {
	var out []NextHop
	for len(b) >= 8 {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		if l < 8 || l > len(b) {
			break
		}
		nh := NextHop{OutIndex: int32(binary.NativeEndian.Uint32(b[4:8]))}
		ForEachAttr(b[8:l], func(typ uint16, v []byte) {
			if typ == unix.RTA_GATEWAY {
				nh.Gateway, _ = netip.AddrFromSlice(v)
			}
		})
		out = append(out, nh)
		b = b[min((l+3)&^3, len(b)):]
	}
	return out
}

// builtinRouteProtocols is iproute2's own table of route protocol names
// (lib/rt_names.c, rtnl_rtprot_tab: the RTPROT_* values of the kernel's
// rtnetlink.h), so "proto 12" reads "bird" as `ip route` prints it.
var builtinRouteProtocols = map[uint8]string{
	0: "unspec", 1: "redirect", 2: "kernel", 3: "boot", 4: "static",
	8: "gated", 9: "ra", 10: "mrt", 11: "zebra", 12: "bird", 13: "dnrouted",
	14: "xorp", 15: "ntk", 16: "dhcp", 18: "keepalived", 42: "babel",
	186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 192: "eigrp",
}

// RouteProtocolName names a route's protocol number: iproute2's built-in
// name, else local's name for it (local may be nil), else the number.
func RouteProtocolName(id uint8, local func(uint8) (string, bool)) string {
	if n, ok := builtinRouteProtocols[id]; ok {
		return n
	}
	if local != nil {
		if n, ok := local(id); ok {
			return n
		}
	}
	return strconv.Itoa(int(id))
}
