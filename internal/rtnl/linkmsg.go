package rtnl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// Link is one network interface as rtnetlink reports it.
type Link struct {
	Index    int32    `json:"index"`
	Name     string   `json:"name"`
	AltNames []string `json:"altnames,omitempty"`
	// Kind is IFLA_INFO_KIND ("veth", "bridge", ...); "" for a physical
	// device or loopback. SlaveKind is the kind of its master's port data.
	Kind      string `json:"kind,omitempty"`
	SlaveKind string `json:"slave_kind,omitempty"`
	Flags     uint32 `json:"flags"`
	// OperState is the RFC 2863 state: up, down, lowerlayerdown, dormant,
	// notpresent, testing, unknown.
	OperState string `json:"operstate"`
	Carrier   *bool  `json:"carrier,omitempty"`
	MTU       uint32 `json:"mtu"`
	// MinMTU and MaxMTU are the device's limits (IFLA_MIN_MTU,
	// IFLA_MAX_MTU, kernel 4.19+; 0 when not reported or unlimited):
	// dev_validate_mtu refuses anything outside with EINVAL.
	MinMTU uint32 `json:"min_mtu,omitempty"`
	MaxMTU uint32 `json:"max_mtu,omitempty"`
	// Master is the index of the bridge/bond/vrf this link is a port of.
	Master int32 `json:"master,omitempty"`
	// Parent is IFLA_LINK: a veth's peer, a vlan's or macvlan's lower device.
	Parent int32 `json:"link,omitempty"`
	// ParentNetNSID is set when Parent lives in another namespace (the peer
	// of a veth moved into a container).
	ParentNetNSID *int32 `json:"link_netnsid,omitempty"`
	Alias         string `json:"alias,omitempty"`
	HWAddr        string `json:"address,omitempty"`
	// LinkType is the device's hardware type (ifinfomsg.ifi_type, ARPHRD_*)
	// by iproute2's name ("ether", "none", "loopback", "ipip", "[N]" for one
	// without a name), as `ip link` prints it after "link/": macvlan and
	// ipvlan stack only on "ether".
	LinkType string `json:"link_type,omitempty"`
	// Vxlan is a vxlan device's configuration (port, VNI, flags).
	Vxlan *VxlanInfo `json:"vxlan,omitempty"`
}

// Up reports whether the link is administratively up (IFF_UP).
func (l Link) Up() bool { return l.Flags&unix.IFF_UP != 0 }

// LowerUp reports whether the driver signals carrier (IFF_LOWER_UP).
func (l Link) LowerUp() bool { return l.Flags&unix.IFF_LOWER_UP != 0 }

// FlagNames lists the link's IFF_* flags as `ip link` prints them.
func (l Link) FlagNames() []string {
	names := []struct {
		bit  uint32
		name string
	}{
		{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
		{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_PROMISC, "PROMISC"},
		{unix.IFF_UP, "UP"}, {unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"},
	}
	var out []string
	for _, n := range names {
		if l.Flags&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	if l.Up() && !l.LowerUp() && l.Flags&unix.IFF_LOOPBACK == 0 {
		out = append(out, "NO-CARRIER")
	}
	return out
}

var operStates = [...]string{"unknown", "notpresent", "down", "lowerlayerdown", "testing", "dormant", "up"}

const sizeofIfInfomsg = 16

var errShortLink = errors.New("link message shorter than ifinfomsg")

// DecodeLink decodes an RTM_NEWLINK body, reading only the attributes shown
// (a 20,000-link dump must not pay for statistics it never shows).
func DecodeLink(b []byte) (Link, error) {
	if len(b) < sizeofIfInfomsg {
		return Link{}, errShortLink
	}
	l := Link{
		Index: int32(binary.NativeEndian.Uint32(b[4:8])),
		Flags: binary.NativeEndian.Uint32(b[8:12]),
	}
	l.LinkType = LinkTypeName(binary.NativeEndian.Uint16(b[2:4]))
	l.OperState = "unknown"
	var infoData []byte
	ForEachAttr(b[sizeofIfInfomsg:], func(typ uint16, v []byte) {
		switch typ {
		case unix.IFLA_IFNAME:
			l.Name = CString(v)
		case unix.IFLA_MTU:
			if len(v) >= 4 {
				l.MTU = binary.NativeEndian.Uint32(v)
			}
		case unix.IFLA_MIN_MTU:
			if len(v) >= 4 {
				l.MinMTU = binary.NativeEndian.Uint32(v)
			}
		case unix.IFLA_MAX_MTU:
			if len(v) >= 4 {
				l.MaxMTU = binary.NativeEndian.Uint32(v)
			}
		case unix.IFLA_OPERSTATE:
			if len(v) >= 1 && int(v[0]) < len(operStates) {
				l.OperState = operStates[v[0]]
			}
		case unix.IFLA_CARRIER:
			if len(v) >= 1 {
				l.Carrier = boolPtr(v[0] != 0)
			}
		case unix.IFLA_MASTER:
			if len(v) >= 4 {
				l.Master = int32(binary.NativeEndian.Uint32(v))
			}
		case unix.IFLA_LINK:
			if len(v) >= 4 {
				l.Parent = int32(binary.NativeEndian.Uint32(v))
			}
		case unix.IFLA_LINK_NETNSID:
			if len(v) >= 4 {
				l.ParentNetNSID = Int32Ptr(int32(binary.NativeEndian.Uint32(v)))
			}
		case unix.IFLA_IFALIAS:
			l.Alias = CString(v)
		case unix.IFLA_ADDRESS:
			if len(v) > 0 && len(v) <= 32 {
				l.HWAddr = hwAddr(v)
			}
		case unix.IFLA_LINKINFO:
			ForEachAttr(v, func(t uint16, iv []byte) {
				switch t {
				case unix.IFLA_INFO_KIND:
					l.Kind = CString(iv)
				case unix.IFLA_INFO_SLAVE_KIND:
					l.SlaveKind = CString(iv)
				case unix.IFLA_INFO_DATA:
					infoData = iv
					// A vxlan's lower device is IFLA_VXLAN_LINK, not
					// IFLA_LINK (the kernel puts KIND before DATA).
					if l.Kind == "vxlan" && l.Parent == 0 {
						ForEachAttr(iv, func(dt uint16, dv []byte) {
							if dt == unix.IFLA_VXLAN_LINK && len(dv) >= 4 {
								l.Parent = int32(binary.NativeEndian.Uint32(dv))
							}
						})
					}
				}
			})
		case unix.IFLA_PROP_LIST:
			ForEachAttr(v, func(t uint16, pv []byte) {
				if t == unix.IFLA_ALT_IFNAME {
					l.AltNames = append(l.AltNames, CString(pv))
				}
			})
		}
	})
	if l.Kind == "vxlan" && infoData != nil {
		l.Vxlan = decodeVxlanInfo(infoData)
	}
	if l.Name == "" {
		return l, fmt.Errorf("link %d: no name", l.Index)
	}
	return l, nil
}

// LinkDumpRequest is an RTM_GETLINK dump request for all families that asks
// the kernel to leave statistics out (RTEXT_FILTER_SKIP_STATS, ignored by
// kernels older than 4.20, which then just send more).
func LinkDumpRequest() []byte {
	b := make([]byte, sizeofIfInfomsg)
	return Attr(b, unix.IFLA_EXT_MASK, U32(rtextFilterSkipStats))
}

const rtextFilterSkipStats = 1 << 3

// Shared values for the optional fields, so that decoding 20,000 links does
// not allocate a bool and an int32 for each.
var (
	trueVal, falseVal = true, false
	smallInts         = func() (a [256]int32) {
		for i := range a {
			a[i] = int32(i)
		}
		return
	}()
)

func boolPtr(b bool) *bool {
	if b {
		return &trueVal
	}
	return &falseVal
}

// Int32Ptr points at a copy of v.
func Int32Ptr(v int32) *int32 {
	if v >= 0 && int(v) < len(smallInts) {
		return &smallInts[v]
	}
	return &v
}

// hwAddr formats a link-layer address as net.HardwareAddr does, with one
// allocation.
func hwAddr(v []byte) string {
	const hexdigits = "0123456789abcdef"
	buf := make([]byte, 0, len(v)*3)
	for i, b := range v {
		if i > 0 {
			buf = append(buf, ':')
		}
		buf = append(buf, hexdigits[b>>4], hexdigits[b&0xf])
	}
	return string(buf)
}

// linkTypeNames are iproute2's names of the ARPHRD_* hardware types
// (lib/ll_types.c), for those a network device is likely to have.
var linkTypeNames = map[uint16]string{
	unix.ARPHRD_NETROM: "netrom", unix.ARPHRD_ETHER: "ether", unix.ARPHRD_INFINIBAND: "infiniband",
	unix.ARPHRD_SLIP: "slip", unix.ARPHRD_PPP: "ppp", unix.ARPHRD_CAN: "can",
	unix.ARPHRD_TUNNEL: "ipip", unix.ARPHRD_TUNNEL6: "tunnel6", unix.ARPHRD_SIT: "sit",
	unix.ARPHRD_IPGRE: "gre", unix.ARPHRD_IP6GRE: "gre6", unix.ARPHRD_LOOPBACK: "loopback",
	unix.ARPHRD_IEEE80211: "ieee802.11", unix.ARPHRD_IEEE80211_RADIOTAP: "ieee802.11/radiotap",
	unix.ARPHRD_IEEE802154: "ieee802.15.4", unix.ARPHRD_6LOWPAN: "6lowpan", unix.ARPHRD_RAWIP: "rawip",
	unix.ARPHRD_NONE: "none", unix.ARPHRD_VOID: "void", unix.ARPHRD_X25: "x25",
}

// LinkTypeName is iproute2's name of an ARPHRD_* type, "[N]" for one it
// has no name for.
func LinkTypeName(t uint16) string {
	if n, ok := linkTypeNames[t]; ok {
		return n
	}
	return "[" + strconv.Itoa(int(t)) + "]"
}
