package probes

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
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

const sizeofRtmsg = 12

var errShortRoute = errors.New("route message shorter than rtmsg")

var routeTypes = map[uint8]string{
	unix.RTN_UNICAST: "unicast", unix.RTN_LOCAL: "local", unix.RTN_BROADCAST: "broadcast",
	unix.RTN_ANYCAST: "anycast", unix.RTN_MULTICAST: "multicast", unix.RTN_BLACKHOLE: "blackhole",
	unix.RTN_UNREACHABLE: "unreachable", unix.RTN_PROHIBIT: "prohibit", unix.RTN_THROW: "throw",
}

// decodeRoute decodes an RTM_NEWROUTE body.
func decodeRoute(b []byte) (Route, error) {
	if len(b) < sizeofRtmsg {
		return Route{}, errShortRoute
	}
	family, dstLen := b[0], b[1]
	r := Route{Table: uint32(b[4]), Scope: scopeName(b[6]), Protocol: routeProtocolName(b[5]), Type: routeTypes[b[7]]}
	if r.Type == "" {
		r.Type = itoa(int(b[7]))
	}
	flags := binary.NativeEndian.Uint32(b[8:12])
	r.Linkdown = flags&unix.RTNH_F_LINKDOWN != 0
	var dst netip.Addr
	rtnl.ForEachAttr(b[sizeofRtmsg:], func(typ uint16, v []byte) {
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
		rtnl.ForEachAttr(b[8:l], func(typ uint16, v []byte) {
			if typ == unix.RTA_GATEWAY {
				nh.Gateway, _ = netip.AddrFromSlice(v)
			}
		})
		out = append(out, nh)
		b = b[min((l+3)&^3, len(b)):]
	}
	return out
}
