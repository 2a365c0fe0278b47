package probes

import (
	"encoding/binary"
	"errors"
	"net/netip"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"golang.org/x/sys/unix"
)

// Rule is one policy routing rule (`ip rule`), captured for a colleague to
// read: which table a packet is looked up in.
type Rule struct {
	Family   string       `json:"family"`
	Priority uint32       `json:"priority"`
	Src      netip.Prefix `json:"src,omitzero"`
	Dst      netip.Prefix `json:"dst,omitzero"`
	IIf      string       `json:"iif,omitempty"`
	OIf      string       `json:"oif,omitempty"`
	FwMark   uint32       `json:"fwmark,omitempty"`
	Table    uint32       `json:"table"`
	Action   string       `json:"action"`
}

var ruleActions = map[uint8]string{1: "lookup", 2: "goto", 3: "nop", 6: "blackhole", 7: "unreachable", 8: "prohibit"}

// decodeRule decodes an RTM_NEWRULE body: struct fib_rule_hdr (family,
// dst_len, src_len, tos, table, res1, res2, action, flags u32) and FRA_*
// attributes.
func decodeRule(b []byte) (Rule, error) {
	if len(b) < 12 {
		return Rule{}, errors.New("rule message shorter than fib_rule_hdr")
	}
	r := Rule{Table: uint32(b[4]), Action: ruleActions[b[7]]}
	if r.Action == "" {
		r.Action = itoa(int(b[7]))
	}
	dstLen, srcLen := int(b[1]), int(b[2])
	var src, dst netip.Addr
	rtnl.ForEachAttr(b[12:], func(typ uint16, v []byte) {
		switch typ {
		case unix.FRA_DST:
			dst, _ = netip.AddrFromSlice(v)
		case unix.FRA_SRC:
			src, _ = netip.AddrFromSlice(v)
		case unix.FRA_IIFNAME:
			r.IIf = rtnl.CString(v)
		case unix.FRA_OIFNAME:
			r.OIf = rtnl.CString(v)
		case unix.FRA_PRIORITY:
			if len(v) >= 4 {
				r.Priority = binary.NativeEndian.Uint32(v)
			}
		case unix.FRA_FWMARK:
			if len(v) >= 4 {
				r.FwMark = binary.NativeEndian.Uint32(v)
			}
		case unix.FRA_TABLE:
			if len(v) >= 4 {
				r.Table = binary.NativeEndian.Uint32(v)
			}
		}
	})
	switch b[0] {
	case unix.AF_INET:
		r.Family = "inet"
	case unix.AF_INET6:
		r.Family = "inet6"
	default:
		return r, errors.New("rule of an unknown family")
	}
	if src.IsValid() && srcLen <= src.BitLen() {
		r.Src = netip.PrefixFrom(src, srcLen)
	}
	if dst.IsValid() && dstLen <= dst.BitLen() {
		r.Dst = netip.PrefixFrom(dst, dstLen)
	}
	return r, nil
}

func dumpRules(s *rtnl.Sock) ([]Rule, error) {
	var rules []Rule
	err := dumpRetry(func() error {
		rules = rules[:0]
		return s.Dump(unix.RTM_GETRULE, make([]byte, 12), func(typ uint16, data []byte) error {
			if typ != unix.RTM_NEWRULE {
				return nil
			}
			if r, err := decodeRule(data); err == nil {
				rules = append(rules, r)
			}
			return nil
		})
	})
	return rules, err
}
