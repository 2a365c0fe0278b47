package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeMTU = &Cause{
	ID: "mtu",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.EINVAL, symptom.ERANGE),
	Checks:  "the MTU asked for against the device's min_mtu/max_mtu, its lower device's MTU (VLAN, macvlan, vxlan minus its headroom), a bond's ports, and IPv6's minimum of 1280",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalMTU,
	Fixes:   fixesMTU,
	Next:    "With an MTU the device accepts, check the path: a larger MTU than the network carries drops large packets silently.",
}

// ipv6MinMTU is IPV6_MIN_MTU: addrconf refuses IPv6 on a smaller link.
const ipv6MinMTU = 1280

// vxlanHeadroom is what vxlan_change_mtu subtracts from the lower device's
// MTU: VXLAN_HEADROOM (50, IPv4 underlay) or VXLAN6_HEADROOM (70, IPv6).
const vxlanHeadroom, vxlan6Headroom = 50, 70

// mtuSymptom reports whether the symptom is one an MTU gives.
func mtuSymptom(s symptom.Symptom) bool {
	ext := strings.ToLower(s.ExtAck)
	// The error's own words name the MTU (networkd's "Could not set MTU"),
	// or the kernel's extended ACK does.
	return strings.Contains(ext, "mtu") || s.Errno == symptom.ERANGE || strings.Contains(strings.ToLower(s.Message), "mtu") && s.Errno != "" ||
		s.MTU > 0 && (s.Errno == symptom.EINVAL || s.Errno == "") ||
		s.Operation == symptom.OpAddrAdd && s.Family == "inet6" && s.Errno == symptom.EINVAL
}

// mtuCheck is the outcome of checking an MTU against one limit.
type mtuCheck struct {
	limit uint32 // the largest MTU allowed
	why   string // the rule, in words, with its kernel source
	errno symptom.Errno
	lower string // the lower device to raise, if that is the remedy
	need  uint32 // what the lower device would need
}

func evalMTU(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	relevant := mtuSymptom(s)
	if !relevant {
		v.ok("the symptom asks for no MTU and carries no MTU error")
		return v
	}
	if r, gap := c.linksGap(); gap {
		v.unknown("link facts unavailable: %s", r)
		return v
	}
	n := &c.Facts.Net
	dev, haveDev := n.LinkByName(s.Device)
	if s.Operation == symptom.OpAddrAdd && s.Family == "inet6" {
		switch {
		case !haveDev:
			v.unknown("device %q unavailable: not in the examined namespace", s.Device)
		case dev.MTU < ipv6MinMTU:
			v.fail("%s has MTU %d, below IPv6's minimum of %d: the kernel removed IPv6 from it and refuses addresses with EINVAL (addrconf ipv6_add_dev)", dev.Name, dev.MTU, ipv6MinMTU)
		default:
			v.ok("%s has MTU %d, enough for IPv6 (at least %d)", dev.Name, dev.MTU, ipv6MinMTU)
		}
		return v
	}
	want := uint32(0)
	if s.MTU > 0 {
		want = uint32(s.MTU)
	}
	kind := s.Kind
	if haveDev && dev.Kind != "" {
		kind = dev.Kind
	}
	if haveDev {
		v.Evidence = append(v.Evidence, fmt.Sprintf("%s: MTU %d, limits %s", dev.Name, dev.MTU, limits(dev)))
	}
	var checks []mtuCheck
	if haveDev && dev.MaxMTU > 0 {
		checks = append(checks, mtuCheck{limit: dev.MaxMTU, why: fmt.Sprintf("%s's max_mtu is %d (dev_validate_mtu: \"mtu greater than device maximum\")", dev.Name, dev.MaxMTU), errno: symptom.EINVAL})
	}
	if lower, ok := lowerOf(n, dev, haveDev, s); ok {
		v.Evidence = append(v.Evidence, fmt.Sprintf("lower device %s: MTU %d", lower.Name, lower.MTU))
		switch kind {
		case "vlan":
			e := symptom.ERANGE // vlan_dev_change_mtu
			if s.Operation == symptom.OpLinkAdd {
				e = symptom.EINVAL // vlan_newlink
			}
			checks = append(checks, mtuCheck{limit: lower.MTU, why: fmt.Sprintf("a VLAN's MTU cannot exceed its lower device %s's MTU %d (net/8021q: %s)", lower.Name, lower.MTU, e), errno: e, lower: lower.Name, need: want})
		case "macvlan", "macvtap":
			checks = append(checks, mtuCheck{limit: lower.MTU, why: fmt.Sprintf("a %s's MTU cannot exceed its lower device %s's MTU %d (macvlan_change_mtu: EINVAL, no message)", kind, lower.Name, lower.MTU), errno: symptom.EINVAL, lower: lower.Name, need: want})
		case "vxlan":
			if s.Operation == symptom.OpLinkAdd {
				break // vxlan_config_apply clamps the MTU on creation: only a change is refused
			}
			h := vxlanHeadroomOf(s)
			if lower.MTU > h {
				checks = append(checks, mtuCheck{limit: lower.MTU - h, why: fmt.Sprintf("a vxlan's MTU cannot exceed its lower device %s's MTU %d minus the %d-byte encapsulation (vxlan_change_mtu: EINVAL, no message)", lower.Name, lower.MTU, h), errno: symptom.EINVAL, lower: lower.Name, need: want + h})
			}
		}
	}
	if haveDev && kind == "bond" {
		for _, p := range n.Links {
			if p.Master == dev.Index && p.MaxMTU > 0 {
				checks = append(checks, mtuCheck{limit: p.MaxMTU, why: fmt.Sprintf("port %s of bond %s has max_mtu %d: bond_change_mtu sets every port's MTU and fails on the first that refuses (the reason is only in the kernel log)", p.Name, dev.Name, p.MaxMTU), errno: symptom.EINVAL})
			}
		}
	}
	if want == 0 {
		// An MTU error without the number: show the limits.
		for _, ck := range checks {
			v.warn("the largest MTU allowed is %d: %s", ck.limit, ck.why)
		}
		if len(checks) == 0 {
			if haveDev {
				v.warn("the symptom reports an MTU error on %s but names no MTU: paste the command line too", dev.Name)
			} else {
				v.unknown("the device is unavailable: the symptom names none that exists in the examined namespace")
			}
		}
		return v
	}
	if haveDev && dev.MinMTU > 0 && want < dev.MinMTU {
		v.fail("MTU %d is below %s's min_mtu %d (dev_validate_mtu: \"mtu less than device minimum\", EINVAL)", want, dev.Name, dev.MinMTU)
	}
	for _, ck := range checks {
		if want > ck.limit {
			v.fail("MTU %d is above %d: %s", want, ck.limit, ck.why)
		}
	}
	if v.Status == "" {
		// The kernel's own extended ACK is the proof: limits the facts do
		// not report (an offline capture without max_mtu) cannot make it OK.
		if ext := strings.ToLower(s.ExtAck); strings.Contains(ext, "mtu greater than device maximum") || strings.Contains(ext, "mtu less than device minimum") {
			v.fail("the kernel refused MTU %d on %s: %q (dev_validate_mtu, EINVAL); its limits are %s in the facts examined", want, fix.OrName(s.Device, "the device"), s.ExtAck, limitsOf(dev, haveDev))
			return v
		}
		if len(checks) == 0 && !haveDev {
			v.unknown("device %q unavailable: not in the examined namespace, and no lower device to compare with", s.Device)
		} else {
			v.ok("MTU %d is within every limit found (%s)", want, limitsWords(checks))
		}
	}
	return v
}

func limits(l probes.Link) string {
	if l.MinMTU == 0 && l.MaxMTU == 0 {
		return "not reported"
	}
	return fmt.Sprintf("%d-%d", l.MinMTU, l.MaxMTU)
}

func limitsOf(l probes.Link, have bool) string {
	if !have {
		return "not reported"
	}
	return limits(l)
}

func limitsWords(cs []mtuCheck) string {
	if len(cs) == 0 {
		return "no limit reported"
	}
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprint(c.limit))
	}
	return "at most " + strings.Join(out, ", ")
}

// lowerOf finds the lower device of an upper device (IFLA_LINK) or the one
// the command names (link DEV, dev DEV for vxlan).
func lowerOf(n *probes.NetFacts, dev probes.Link, haveDev bool, s symptom.Symptom) (probes.Link, bool) {
	if haveDev && dev.Parent != 0 && dev.ParentNetNSID == nil && dev.Kind != "veth" {
		if l, ok := n.LinkByIndex(dev.Parent); ok {
			return l, true
		}
	}
	if s.Lower != "" {
		return n.LinkByName(s.Lower)
	}
	return probes.Link{}, false
}

// vxlanHeadroomOf is the encapsulation a vxlan takes off its lower
// device's MTU: 70 bytes for an IPv6 underlay, else 50.
func vxlanHeadroomOf(s symptom.Symptom) uint32 {
	if strings.Contains(s.Raw, "remote ") && strings.Contains(s.Raw, "::") || strings.Contains(s.Raw, "local ") && strings.Contains(s.Raw, "::") {
		return vxlan6Headroom
	}
	return vxlanHeadroom
}

// mtuFits says whether a device takes mtu: within its min_mtu/max_mtu when
// it reports a maximum, else within 68..65535 (what link-mtu checks too).
func mtuFits(l probes.Link, mtu uint32) bool {
	return fix.MTUOutside(l.Name, mtu, l.MinMTU, l.MaxMTU) == ""
}

// fixesMTU offers, narrowest first: asking for an MTU the device takes (a
// change to the failing command itself, so shown, never applied), then
// raising the lower device (an action: the device and the MTU are known
// from the symptom and the facts; it affects all of that device's
// traffic). An IPv6 address refused on a link below 1280 gets the link
// raised to 1280 (an action); the failing address add is then run again.
func fixesMTU(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	s := c.Symptom
	n := &c.Facts.Net
	dev, haveDev := n.LinkByName(s.Device)
	if s.Operation == symptom.OpAddrAdd && s.Family == "inet6" && haveDev {
		f := fix.Fix{ID: "mtu/ipv6-minimum", Title: fmt.Sprintf("Give %s an MTU of %d, IPv6's minimum (it is %d), then add the address again (answers EINVAL on the IPv6 address add)", dev.Name, ipv6MinMTU, dev.MTU),
			// The address itself is the user's own command (with whatever
			// else it set): run again once the kernel has given the link
			// IPv6 back, not rebuilt here.
			Command:   fix.Lines(ipCmd(c, "link", "set", "dev", dev.Name, "mtu", fmt.Sprint(ipv6MinMTU)), "# then run the failing address add again"),
			NeedsRoot: true, Answers: fix.Answers([]string{symptom.OpAddrAdd}, symptom.EINVAL),
			Risk:   fmt.Sprintf("changes the MTU of all traffic on %s: the network behind it must carry %d-byte frames", dev.Name, ipv6MinMTU),
			Action: fix.LinkMTUAct(netnsParam(c), dev.Name, ipv6MinMTU)}
		if !mtuFits(dev, ipv6MinMTU) {
			f.Action, f.Manual = nil, true
			f.Why = fmt.Sprintf("%s takes MTUs %s only: it cannot carry IPv6 (use another link for the address)", dev.Name, limits(dev))
		}
		return []fix.Fix{f}
	}
	var fixes []fix.Fix
	name := fix.OrName(s.Device, "DEV")
	kind := s.Kind
	if haveDev && dev.Kind != "" {
		kind = dev.Kind
	}
	// The narrowest first: ask for what the device allows.
	limit := uint32(0)
	lowerName, need := "", uint32(0)
	if haveDev && dev.MaxMTU > 0 {
		limit = dev.MaxMTU
	}
	if lower, ok := lowerOf(n, dev, haveDev, s); ok {
		l := lower.MTU
		h := uint32(0)
		if kind == "vxlan" {
			h = vxlanHeadroomOf(s)
		}
		if l > h {
			l -= h
		}
		if limit == 0 || l < limit {
			limit = l
		}
		lowerName = lower.Name
		need = uint32(s.MTU) + h
	}
	if limit > 0 {
		cmd := ipCmd(c, "link", "set", "dev", name, "mtu", fmt.Sprint(limit))
		if s.Operation == symptom.OpLinkAdd && s.Command != "" {
			cmd = "# the same command with mtu " + fmt.Sprint(limit) + " instead of " + fmt.Sprint(s.MTU)
		}
		fixes = append(fixes, fix.Fix{ID: "mtu/within-limit", Title: fmt.Sprintf("Ask for an MTU of at most %d on %s (answers %s for mtu %d)", limit, name, mtuErrno(s), s.MTU),
			Command: cmd, NeedsRoot: true, Manual: true,
			Why: fmt.Sprintf("this changes your own command (or the configuration of the program that ran it): ask for %d or less where the MTU is chosen; rtnl-doctor does not rewrite the failing command, and an MTU set behind the program's back is undone or fought by it", limit)})
	}
	if lowerName != "" && s.MTU > 0 && need > 0 {
		lower, ok := n.LinkByName(lowerName)
		// Only when the lower device is what refuses: it is below what the
		// upper needs, takes that much, and the device itself takes the MTU.
		if ok && lower.MTU < need && mtuFits(lower, need) && (!haveDev || dev.MaxMTU == 0 || uint32(s.MTU) <= dev.MaxMTU) {
			fixes = append(fixes, fix.Fix{ID: "mtu/raise-lower", Title: fmt.Sprintf("Or raise the lower device %s from MTU %d to %d first, which affects all traffic on %s, then run the failing command again (answers %s for mtu %d)", lowerName, lower.MTU, need, lowerName, mtuErrno(s), s.MTU),
				Command:   fix.Lines(ipCmd(c, "link", "set", "dev", lowerName, "mtu", fmt.Sprint(need)), "# then run the failing command again"),
				NeedsRoot: true, Action: fix.LinkMTUAct(netnsParam(c), lowerName, need),
				Risk: "changes the MTU of everything on " + lowerName + ", not only of " + name + ": the network behind it (switches, the peer) must carry frames that large, or large packets are dropped"})
		}
	}
	return fixes
}

func mtuErrno(s symptom.Symptom) symptom.Errno {
	if s.Errno != "" {
		return s.Errno
	}
	return symptom.EINVAL
}
