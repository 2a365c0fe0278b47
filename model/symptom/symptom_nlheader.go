package symptom

import (
	"regexp"
	"strconv"
	"strings"
)

// The rust-netlink crates print a kernel error with the request it
// answers: NetlinkError(ErrorMessage { code: Some(-13), header: [64, 0, 0,
// 0, 20, 0, 5, 5, ...] }). Those bytes are the start of the request the
// kernel echoes in its error (struct nlmsgerr): the netlink header (length
// u32, type u16, flags u16, sequence, port) and then the message's own
// header, whose first byte is the address family for addresses and routes.
// The type names the operation, and the family IPv4 or IPv6, when the text
// says neither (kata-containers/kata-containers#11227: an IPv6 address
// add, its words wrapped across lines by kubectl).
var echoedHeaderRE = regexp.MustCompile(`header: \[((?:\s*\d{1,3}\s*,){15,}\s*\d{1,3})`)

// rtmTypes are the request types whose operation is unambiguous.
var rtmTypes = map[int]string{
	17: OpLinkDel,                  // RTM_DELLINK
	20: OpAddrAdd,                  // RTM_NEWADDR
	21: OpAddrDel,                  // RTM_DELADDR
	24: OpRouteAdd, 25: OpRouteDel, // RTM_NEWROUTE, RTM_DELROUTE
	28: OpNeighAdd, // RTM_NEWNEIGH
	32: OpRule,     // RTM_NEWRULE
	// RTM_NEWQDISC, RTM_DELQDISC, RTM_NEWTCLASS, RTM_DELTCLASS,
	// RTM_NEWTFILTER, RTM_DELTFILTER: traffic control.
	36: OpTC, 37: OpTC, 40: OpTC, 41: OpTC, 44: OpTC, 45: OpTC,
}

func (s *Symptom) noteEchoedHeader(text string) {
	m := echoedHeaderRE.FindStringSubmatch(text)
	if m == nil {
		return
	}
	var b []int
	for _, f := range strings.Split(m[1], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n > 255 {
			return
		}
		b = append(b, n)
	}
	typ := b[4] | b[5]<<8
	flags := b[6] | b[7]<<8
	op := rtmTypes[typ]
	if typ == 16 { // RTM_NEWLINK: a creation with NLM_F_CREATE (0x400)
		op = OpLinkSet
		if flags&0x400 != 0 {
			op = OpLinkAdd
		}
	}
	if op == "" {
		return
	}
	if s.Operation == "" {
		s.Operation = op
		s.match("header:" + strconv.Itoa(typ))
	}
	if s.Family == "" && (op == OpAddrAdd || op == OpAddrDel || op == OpRouteAdd || op == OpRouteDel) && len(b) > 16 {
		switch b[16] {
		case 2:
			s.Family = "inet"
		case 10:
			s.Family = "inet6"
		}
	}
}
