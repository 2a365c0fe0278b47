package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeLinkState = &Cause{
	ID:      "link-state",
	Checks:  "the interfaces the command uses: present, up, carrier; for a route, whether its gateway is reachable; the default route",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalLinkState,
	Fixes:   fixesLinkState,
	Answers: fix.Answers([]string{symptom.OpAddrAdd, symptom.OpAddrDel, symptom.OpRouteAdd, symptom.OpRouteDel, symptom.OpLinkSet, symptom.OpLinkDel, symptom.OpNeighAdd, symptom.OpLinkAdd}, symptom.ENODEV, symptom.ENETDOWN, symptom.ENETUNREACH, symptom.EINVAL, symptom.EADDRNOTAVAIL, symptom.EBUSY, symptom.ENOENT),
	Next:    "With the link up and addressed, add the routes that use it; check with `ip route get DESTINATION`.",
}

// usesLink: the symptom's operation depends on an existing link.
func usesLink(s symptom.Symptom) bool {
	switch s.Operation {
	case symptom.OpAddrAdd, symptom.OpAddrDel, symptom.OpRouteAdd, symptom.OpRouteDel, symptom.OpLinkSet, symptom.OpLinkDel, symptom.OpNeighAdd:
		return true
	case symptom.OpLinkAdd:
		return s.Lower != "" || s.Master != "" || needsLower(s.Kind)
	case "":
		// A device named with "No such device" and no command ("ip: can't
		// find device 'eth1'"): that device is the one to look for.
		return s.Device != "" && (s.Errno == symptom.ENODEV || s.Errno == symptom.ENXIO)
	}
	return false
}

func describeLinkState(l probes.Link) string {
	switch {
	case !l.Up():
		return fmt.Sprintf("%s is administratively down (state %s)", l.Name, strings.ToUpper(l.OperState))
	case !l.LowerUp() && l.Flags&0x8 == 0: // not loopback
		return fmt.Sprintf("%s is up but has no carrier (NO-CARRIER, state %s)", l.Name, strings.ToUpper(l.OperState))
	}
	return fmt.Sprintf("%s is up (state %s)", l.Name, strings.ToUpper(l.OperState))
}

// gatewayReachable finds an up link with an address whose prefix holds gw.
func gatewayReachable(c *Context, gw netip.Addr, dev string) (ok bool, why string) {
	ok, why, _ = gatewayLink(c, gw, dev)
	return ok, why
}

// gatewayLink is gatewayReachable that also names the down link whose
// subnet holds the gateway, when that is the problem.
func gatewayLink(c *Context, gw netip.Addr, dev string) (ok bool, why string, down string) {
	n := &c.Facts.Net
	var downMatch string
	for _, a := range n.Addrs {
		if !a.Prefix.Masked().Contains(gw) || a.Prefix.Bits() == a.Prefix.Addr().BitLen() {
			continue
		}
		l, found := n.LinkByIndex(a.Index)
		if !found || (dev != "" && l.Name != dev) {
			continue
		}
		if l.Up() {
			return true, fmt.Sprintf("gateway %s is on the subnet of %s on %s, which is up", gw, a.Prefix, l.Name), ""
		}
		downMatch = fmt.Sprintf("gateway %s is on the subnet of %s on %s, but %s is down", gw, a.Prefix, l.Name, l.Name)
		down = l.Name
	}
	if downMatch != "" {
		return false, downMatch, down
	}
	for _, r := range n.Routes {
		if r.Gateway.IsValid() || r.Default() || !r.Dst.Contains(gw) {
			continue
		}
		if l, found := n.LinkByIndex(r.OutIndex); found && (dev == "" || l.Name == dev) && l.Up() {
			return true, fmt.Sprintf("gateway %s is reachable through the route %s", gw, c.describeRoute(r)), ""
		}
	}
	where := "any up interface"
	if dev != "" {
		where = dev
	}
	return false, fmt.Sprintf("no address or direct route on %s covers gateway %s", where, gw), ""
}

func evalLinkState(c *Context) Verdict {
	var v Verdict
	n := &c.Facts.Net
	if r, gap := n.Gaps.Reason("links"); gap {
		v.unknown("links unavailable: %s", r)
		return v
	}
	s := c.Symptom
	if (s.Errno == symptom.ENODEV || s.Errno == symptom.ENXIO) && s.Device == "" && s.Lower == "" && s.Master == "" {
		// The kernel said a device is missing and the text does not say
		// which: the links here rule nothing out (review).
		up := 0
		for i := range n.Links {
			if n.Links[i].Up() {
				up++
			}
		}
		v.unknown("the kernel answered %s and the text names no device: paste the command that failed (or its log line) to say which one; here %s, %d up", s.Errno, Plural(len(n.Links), "link", "links"), up)
		return v
	}
	if !usesLink(s) {
		up, total := 0, len(n.Links)
		for i := range n.Links { // by index: a Link is too big to copy 20,000 times
			if n.Links[i].Up() {
				up++
			}
		}
		def := ""
		for _, r := range n.Routes {
			if r.Default() {
				def = c.describeRoute(r)
				break
			}
		}
		if def == "" && len(n.Routes) > 0 && strings.TrimSpace(s.Raw) == "" {
			// Worth a warning in the health check; next to an unrelated
			// error it is only a fact.
			v.warn("%s, %d up; no default route in the main table (only local subnets are reachable)", Plural(total, "link", "links"), up)
		} else if def == "" && len(n.Routes) > 0 {
			v.ok("%s, %d up; no default route in the main table", Plural(total, "link", "links"), up)
		} else if def == "" {
			v.ok("%s, %d up; no routes", Plural(total, "link", "links"), up)
		} else {
			v.ok("%s, %d up; %s", Plural(total, "link", "links"), up, def)
		}
		return v
	}
	strong := func() Status {
		switch s.Errno {
		case symptom.ENODEV, symptom.ENETDOWN, symptom.ENETUNREACH, symptom.EINVAL, symptom.EADDRNOTAVAIL:
			return Fail
		}
		return Warn
	}()
	// A pasted text that held terminal escape sequences lost them when it
	// was read: a name that seems absent may be one that held some.
	if s.Escapes && strong == Fail {
		strong = Unknown
	}
	// The tool refused the command line before asking the kernel: no
	// missing link made that message (and one absent here suggests the
	// paste comes from another host).
	if s.RefusedByTool() {
		strong = Unknown
		v.Evidence = append(v.Evidence, "the tool refused the command line itself, before asking the kernel: whether the links it names exist here does not explain the message")
	}
	check := func(role, name string, strong Status) (probes.Link, bool) {
		if name == "" {
			return probes.Link{}, false
		}
		l, ok := n.LinkByName(name)
		if !ok {
			v.add(strong, "no link named %q (%s) in the network namespace %s%s%s", name, role, c.Facts.Target.NetNS, similarNames(n, name), escapesNote(s))
			return l, false
		}
		return l, true
	}
	device := s.Device
	if s.Operation == symptom.OpLinkAdd {
		device = "" // the link being created: its absence is expected (an existing one is name-conflict's)
	}
	devStatus := strong
	if s.Errno == symptom.EINVAL && device != "" && strong == Fail {
		// The kernel answers a missing device with ENODEV, and ip checks
		// the name itself first ("Cannot find device"): EINVAL means the
		// device was there when the command failed (review).
		if _, ok := n.LinkByName(device); !ok {
			devStatus = Warn
			v.Evidence = append(v.Evidence, fmt.Sprintf("the kernel answers a missing device with ENODEV (ip says \"Cannot find device %s\"), not EINVAL: it was there when the command failed, or the text comes from another system", device))
		}
	}
	if l, ok := check("the device", device, devStatus); ok {
		st := describeLinkState(l)
		switch {
		case !l.Up() && (s.Operation == symptom.OpRouteAdd || s.Errno == symptom.ENETDOWN):
			v.add(strong, "%s", st)
		case !l.Up():
			v.warn("%s (an address can be added to a down link, but nothing is reachable through it)", st)
		case !l.LowerUp() && l.Flags&0x8 == 0:
			v.warn("%s%s", st, peerNote(c, l))
		default:
			v.ok("%s", st)
		}
	}
	// The master or lower device the command names and the namespace
	// lacks: the kernel looks them up before anything else it would refuse
	// for them, so their absence is proof, unless the errno comes from a
	// check made before the lookup (permission, a taken name, resources).
	named := strong
	if otherNS := s.Netns != "" && c.Facts.Target.NetNS != s.Netns; !otherNS && !beforeLookup(s.Errno) && !s.Escapes {
		named = Fail
	}
	for _, o := range []struct{ role, name string }{{"the lower device", s.Lower}, {"the master", s.Master}} {
		if o.name == "" {
			continue
		}
		if l, ok := n.LinkByName(o.name); !ok {
			v.add(named, "no link named %q (%s, named by the command) in the network namespace %s%s%s", o.name, o.role, c.Facts.Target.NetNS, similarNames(n, o.name), escapesNote(s))
		} else {
			v.ok("%s %s exists: %s", o.role, o.name, describeLinkState(l))
		}
	}
	if s.Operation == symptom.OpLinkAdd && s.Lower == "" && needsLower(s.Kind) {
		if s.Command != "" {
			v.add(strong, "a %s link is stacked on a lower device (`ip link add NAME link DEV type %s`), and the command names none: the kernel refuses it with EINVAL", s.Kind, s.Kind)
		} else {
			// A program's words (CNI's "failed to create macvlan", docker's
			// "failed to create the macvlan port"): it passed a lower
			// device, the text just does not say which.
			v.unknown("the lower device of the %s unavailable: the text does not name it (the program's configuration does: CNI's master, docker's parent); check that it exists in the namespace", s.Kind)
		}
	}
	if s.Operation == symptom.OpRouteAdd && s.Gateway != "" {
		if gw, err := netip.ParseAddr(s.Gateway); err == nil {
			ok, why := gatewayReachable(c, gw, s.Device)
			st := strong
			if s.Errno == "" {
				// The gateway the command names is on no link: the route
				// cannot be added whatever the tool printed.
				st = Fail
			}
			if ok {
				v.ok("%s", why)
			} else {
				v.add(st, "%s: the kernel refuses the route (\"Nexthop has invalid gateway\" or \"Network is unreachable\")", why)
			}
		}
	}
	if v.Status == "" {
		v.Status = OK
	}
	return v
}

// peerNote explains a veth without carrier.
func peerNote(c *Context, l probes.Link) string {
	if l.Kind != "veth" || l.Parent == 0 {
		return ""
	}
	if l.ParentNetNSID != nil {
		return ": its veth peer is in another namespace and is down there"
	}
	if p, ok := c.Facts.Net.LinkByIndex(l.Parent); ok && !p.Up() {
		return fmt.Sprintf(": its veth peer %s is down", p.Name)
	}
	return ""
}

// similarNames suggests existing names close to a missing one.
func similarNames(n *probes.NetFacts, name string) string {
	var close []string
	for _, l := range n.Links {
		if levenshtein(l.Name, name) <= 2 || (len(name) > 2 && strings.HasPrefix(l.Name, name[:len(name)-1])) {
			close = append(close, l.Name)
		}
		if len(close) == 4 {
			break
		}
	}
	if len(close) == 0 {
		return ""
	}
	return "; did you mean " + quoteList(close) + "?"
}

func levenshtein(a, b string) int {
	if len(a) > 32 || len(b) > 32 {
		if a == b {
			return 0
		}
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func fixesLinkState(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	s := c.Symptom
	n := &c.Facts.Net
	var fixes []fix.Fix
	dev := s.Device
	if s.Operation == symptom.OpRouteAdd && s.Gateway != "" {
		if gw, err := netip.ParseAddr(s.Gateway); err == nil {
			if _, _, down := gatewayLink(c, gw, s.Device); down != "" {
				dev = down
			}
		}
	}
	if l, ok := n.LinkByName(dev); ok && !l.Up() {
		up := fix.Fix{ID: "link-state/link-up", Title: "Bring " + l.Name + " up",
			Command: ipCmd(c, "link", "set", "dev", l.Name, "up"), NeedsRoot: true,
			Action: fix.Act("link-set", "netns", netnsParam(c), "name", l.Name, "state", "up")}
		if s.Operation == symptom.OpRouteAdd && s.Route != "" {
			// The route the command asked for, with every attribute it
			// gave, once the link is up.
			ra := symptomRouteAttrs(s)
			add := fix.Fix{ID: "link-state/add-route", Title: "Then add the route the command asked for (after " + l.Name + " is up)",
				Command: ipCmd(c, append([]string{"route", "add", s.Route}, ra.args()...)...), NeedsRoot: true,
				Action: fix.Act("route-add", append([]string{"netns", netnsParam(c), "dst", s.Route, "family", s.Family}, ra.params()...)...)}
			if ra.problem != "" {
				add.Action, add.Manual, add.Why = nil, true, ra.problem
			}
			// One plan: the route is added once the link is verified up.
			up.Title += ", then add the route the command asked for"
			up.Then = &add
		}
		fixes = append(fixes, up)
	}
	if l, ok := n.LinkByName(dev); ok && l.Up() && l.Kind == "veth" && l.Parent != 0 && l.ParentNetNSID == nil {
		if p, ok := n.LinkByIndex(l.Parent); ok && !p.Up() {
			fixes = append(fixes, fix.Fix{ID: "link-state/peer-up", Title: "Bring the veth peer " + p.Name + " up",
				Command: ipCmd(c, "link", "set", "dev", p.Name, "up"), NeedsRoot: true,
				Action: fix.Act("link-set", "netns", netnsParam(c), "name", p.Name, "state", "up")})
		}
	}
	// onlink skips the gateway check but not the link's: on a down link
	// the kernel answers "Nexthop device is not up" (ENETDOWN) instead.
	if l, ok := n.LinkByName(s.Device); ok && l.Up() && s.Operation == symptom.OpRouteAdd && s.Gateway != "" {
		if gw, err := netip.ParseAddr(s.Gateway); err == nil {
			if ok, _ := gatewayReachable(c, gw, s.Device); !ok {
				fixes = append(fixes, fix.Fix{ID: "link-state/add-address", Title: "Give " + s.Device + " an address on the gateway's subnet, then add the route again",
					Command: ipCmd(c, "addr", "add", "ADDRESS/PREFIX", "dev", s.Device), NeedsRoot: true, Manual: true,
					Why: "only you know this host's address on " + s.Gateway + "'s segment"})
				fixes = append(fixes, fix.Fix{ID: "link-state/onlink", Title: "If the gateway is really on " + s.Device + "'s segment, add the route with onlink",
					Command: ipCmd(c, "route", "add", s.Route, "via", s.Gateway, "dev", s.Device, "onlink"), NeedsRoot: true, Manual: true,
					Why: "only you know whether the gateway is on that segment; adding the subnet's address is usually the right fix"})
			}
		}
	}
	// No device named: the gateway is on no up link's subnet. Which link
	// leads to it is the operator's knowledge.
	if s.Device == "" && s.Operation == symptom.OpRouteAdd && s.Gateway != "" {
		if gw, err := netip.ParseAddr(s.Gateway); err == nil {
			if ok, _, down := gatewayLink(c, gw, ""); !ok && down == "" {
				fixes = append(fixes, fix.Fix{ID: "link-state/add-address", Title: "Give the link towards " + s.Gateway + " an address on its subnet, then add the route again",
					Command: ipCmd(c, "addr", "add", "ADDRESS/PREFIX", "dev", "DEVICE"), NeedsRoot: true, Manual: true,
					Why: "only you know which link leads to " + s.Gateway + " and this host's address there (or whether the gateway is a typo)"})
			}
		}
	}
	return fixes
}

// needsLower reports whether a kind is stacked on a lower device.
func needsLower(kind string) bool {
	switch kind {
	case "vlan", "macvlan", "macvtap", "ipvlan", "ipvtap", "macsec":
		return true
	}
	return false
}

// beforeLookup: errnos the kernel returns before it looks up the links a
// command names (the capability check, a taken name, resources).
func beforeLookup(e symptom.Errno) bool {
	switch e {
	case symptom.EPERM, symptom.EACCES, symptom.EEXIST, symptom.EMFILE, symptom.ENFILE, symptom.ENOMEM, symptom.ENOBUFS, symptom.EROFS, symptom.EOPNOTSUPP, symptom.EPROTONOSUPPORT:
		return true
	}
	return false
}

// escapesNote says why a name's absence proves nothing when the pasted text
// held terminal escape sequences (removed before it was read).
func escapesNote(s symptom.Symptom) string {
	if !s.Escapes {
		return ""
	}
	return "; the pasted text held terminal escape sequences, removed before reading it, so the name may have held some (compare with: ip -d link show)"
}
