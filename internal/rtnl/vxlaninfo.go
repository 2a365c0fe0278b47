package rtnl

import (
	"encoding/binary"
	"net/netip"

	"golang.org/x/sys/unix"
)

// VxlanInfo is a vxlan device's configuration, from the IFLA_INFO_DATA of
// its RTM_NEWLINK message (what `ip -d link show` prints after "vxlan").
// When the device is brought up, vxlan_open binds a kernel UDP socket to
// Port (vxlan_sock_add): two devices share one only when their receive
// flags match, so the port is a resource another device or a program can
// already hold.
type VxlanInfo struct {
	VNI uint32 `json:"vni,omitempty"`
	// Port is the UDP destination port (IFLA_VXLAN_PORT, network order on
	// the wire); 0 when the kernel did not say.
	Port  uint16 `json:"port"`
	Local string `json:"local,omitempty"`
	// Link is the index of the device named with "dev" (IFLA_VXLAN_LINK).
	Link int32 `json:"link,omitempty"`
	// External is collect-metadata mode (`external`, used by Cilium and
	// OVS): its socket listens on IPv4 and IPv6 and is not shared with
	// a device that is not external.
	External bool `json:"external,omitempty"`
	GBP      bool `json:"gbp,omitempty"`
	GPE      bool `json:"gpe,omitempty"`
}

// RecvFlags names the flags that decide whether two vxlan devices on one
// port can share its socket (VXLAN_F_RCV_FLAGS: vxlan_find_sock compares
// them).
func (v VxlanInfo) RecvFlags() string {
	s := ""
	for _, f := range []struct {
		on   bool
		name string
	}{{v.External, "external"}, {v.GBP, "gbp"}, {v.GPE, "gpe"}} {
		if f.on {
			if s != "" {
				s += ","
			}
			s += f.name
		}
	}
	if s == "" {
		return "plain"
	}
	return s
}

// decodeVxlanInfo decodes a vxlan device's IFLA_INFO_DATA.
func decodeVxlanInfo(b []byte) *VxlanInfo {
	v := &VxlanInfo{}
	ForEachAttr(b, func(typ uint16, a []byte) {
		switch typ {
		case unix.IFLA_VXLAN_ID:
			if len(a) >= 4 {
				v.VNI = binary.NativeEndian.Uint32(a)
			}
		case unix.IFLA_VXLAN_PORT:
			if len(a) >= 2 {
				v.Port = binary.BigEndian.Uint16(a)
			}
		case unix.IFLA_VXLAN_LINK:
			if len(a) >= 4 {
				v.Link = int32(binary.NativeEndian.Uint32(a))
			}
		case unix.IFLA_VXLAN_LOCAL, unix.IFLA_VXLAN_LOCAL6:
			if ip, ok := netip.AddrFromSlice(a); ok && !ip.IsUnspecified() {
				v.Local = ip.Unmap().String()
			}
		case unix.IFLA_VXLAN_COLLECT_METADATA:
			v.External = len(a) > 0 && a[0] != 0
		case unix.IFLA_VXLAN_GBP:
			v.GBP = true
		case unix.IFLA_VXLAN_GPE:
			v.GPE = true
		}
	})
	return v
}
