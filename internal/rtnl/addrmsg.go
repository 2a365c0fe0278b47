package rtnl

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"strconv"

	"golang.org/x/sys/unix"
)

// Addr is one address on a link.
type Addr struct {
	Index  int32        `json:"index"`
	Family string       `json:"family"` // inet, inet6
	Prefix netip.Prefix `json:"prefix"`
	// Peer is the other end of a point-to-point address (IFA_ADDRESS when it
	// differs from IFA_LOCAL).
	Peer  netip.Addr `json:"peer,omitzero"`
	Scope string     `json:"scope"`
	Label string     `json:"label,omitempty"`
	Flags uint32     `json:"flags,omitempty"`
}

// Tentative reports an IPv6 address still in duplicate address detection;
// DADFailed one that was found in use elsewhere.
func (a Addr) Tentative() bool { return a.Flags&unix.IFA_F_TENTATIVE != 0 }
func (a Addr) DADFailed() bool { return a.Flags&unix.IFA_F_DADFAILED != 0 }

var errShortAddr = errors.New("address message shorter than ifaddrmsg")

// ScopeName names an address or route scope as iproute2 does ("global",
// "link", "host", ...; "scope-N" for a number it does not name).
func ScopeName(s uint8) string {
	switch s {
	case unix.RT_SCOPE_UNIVERSE:
		return "global"
	case unix.RT_SCOPE_SITE:
		return "site"
	case unix.RT_SCOPE_LINK:
		return "link"
	case unix.RT_SCOPE_HOST:
		return "host"
	case unix.RT_SCOPE_NOWHERE:
		return "nowhere"
	}
	return "scope-" + strconv.Itoa(int(s))
}

// DecodeAddr decodes an RTM_NEWADDR body.
func DecodeAddr(b []byte) (Addr, error) {
	if len(b) < unix.SizeofIfAddrmsg {
		return Addr{}, errShortAddr
	}
	family, plen, flags8, scope := b[0], b[1], b[2], b[3]
	a := Addr{Index: int32(binary.NativeEndian.Uint32(b[4:8])), Scope: ScopeName(scope), Flags: uint32(flags8)}
	var local, address netip.Addr
	ForEachAttr(b[unix.SizeofIfAddrmsg:], func(typ uint16, v []byte) {
		switch typ {
		case unix.IFA_LOCAL:
			local, _ = netip.AddrFromSlice(v)
		case unix.IFA_ADDRESS:
			address, _ = netip.AddrFromSlice(v)
		case unix.IFA_LABEL:
			a.Label = CString(v)
		case unix.IFA_FLAGS:
			if len(v) >= 4 {
				a.Flags = binary.NativeEndian.Uint32(v)
			}
		}
	})
	ip := local
	if !ip.IsValid() {
		ip = address
	} else if address.IsValid() && address != local {
		a.Peer = address
	}
	switch family {
	case unix.AF_INET:
		a.Family = "inet"
	case unix.AF_INET6:
		a.Family = "inet6"
	default:
		return a, errors.New("address of an unknown family")
	}
	if !ip.IsValid() || int(plen) > ip.BitLen() {
		return a, errors.New("address message without a valid address")
	}
	a.Prefix = netip.PrefixFrom(ip, int(plen))
	return a, nil
}
