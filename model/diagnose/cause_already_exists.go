package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

var causeAlreadyExists = &Cause{
	ID:      "already-exists",
	Checks:  "whether the address or route the command adds is already there, and what it looks like",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalAlreadyExists,
	Fixes:   fixesAlreadyExists,
	Answers: fix.Answers([]string{symptom.OpAddrAdd, symptom.OpRouteAdd, symptom.OpNeighAdd}, symptom.EEXIST),
	Next:    "With the object in place, check that traffic flows: the link up, the route used (ip route get ADDRESS).",
}

// symptomRoute parses the symptom's route destination ("default" included).
func symptomRoute(s symptom.Symptom) (netip.Prefix, bool) {
	if s.Route == "default" || s.Route == "0/0" {
		if s.Family == "inet6" {
			return netip.PrefixFrom(netip.IPv6Unspecified(), 0), true
		}
		return netip.PrefixFrom(netip.IPv4Unspecified(), 0), true
	}
	p, ok := symptom.ParsePrefix(s.Route)
	if ok && p.Bits() == p.Addr().BitLen() && !strings.Contains(s.Route, "/") {
		return p, true
	}
	return p.Masked(), ok
}

func (c *Context) linkName(i int32) string {
	if l, ok := c.Facts.Net.LinkByIndex(i); ok {
		return l.Name
	}
	return fmt.Sprintf("index %d", i)
}

// describeRoute renders a route as `ip route` does.
func (c *Context) describeRoute(r probes.Route) string {
	dst := r.Dst.String()
	if r.Default() {
		dst = "default"
	}
	parts := []string{dst}
	if r.Gateway.IsValid() {
		parts = append(parts, "via", r.Gateway.String())
	}
	if r.OutIndex != 0 {
		parts = append(parts, "dev", c.linkName(r.OutIndex))
	}
	for _, nh := range r.NextHops {
		parts = append(parts, "nexthop")
		if nh.Gateway.IsValid() {
			parts = append(parts, "via", nh.Gateway.String())
		}
		parts = append(parts, "dev", c.linkName(nh.OutIndex))
	}
	if r.Protocol != "" && r.Protocol != "boot" {
		parts = append(parts, "proto", r.Protocol)
	}
	if r.Metric != 0 {
		parts = append(parts, "metric", fmt.Sprint(r.Metric))
	}
	if r.Linkdown {
		parts = append(parts, "linkdown")
	}
	return strings.Join(parts, " ")
}

func evalAlreadyExists(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	if bareExists(s) {
		v.unknown("the error is File exists, but not what was being added: paste the command line with it to check whether that address or route is already there")
		return v
	}
	if s.Operation != symptom.OpAddrAdd && s.Operation != symptom.OpRouteAdd {
		v.ok("the symptom adds no address or route")
		return v
	}
	if r, gap := c.Facts.Net.Gaps.Reason("addrs"); gap && s.Operation == symptom.OpAddrAdd {
		v.unknown("addresses unavailable: %s", r)
		return v
	}
	if r, gap := c.Facts.Net.Gaps.Reason("routes"); gap && s.Operation == symptom.OpRouteAdd {
		v.unknown("routes unavailable: %s", r)
		return v
	}
	n := &c.Facts.Net
	if s.Operation == symptom.OpAddrAdd {
		p, ok := symptom.ParsePrefix(s.Address)
		if !ok {
			if s.Device != "" {
				if l, ok := n.LinkByName(s.Device); ok {
					var have []string
					for _, a := range n.AddrsOf(l.Index) {
						if a.Scope != "link" && a.Scope != "host" {
							have = append(have, a.Prefix.String())
						}
					}
					if len(have) > 0 && s.Errno == symptom.EEXIST {
						v.fail("%s already has %s", s.Device, strings.Join(have, ", "))
						return v
					}
				}
			}
			v.unknown("the symptom does not say which address was added")
			return v
		}
		for _, a := range n.Addrs {
			if a.Prefix.Addr() != p.Addr() {
				continue
			}
			on := c.linkName(a.Index)
			switch {
			case s.Errno != "" && s.Errno != symptom.EEXIST:
				v.ok("%s is on %s, but the error is %s, not File exists: an existing address does not explain it", p.Addr(), on, s.Errno)
			case s.Device == "" || on == s.Device:
				v.fail("%s is already on %s (as %s, scope %s%s)", p.Addr(), on, a.Prefix, a.Scope, addrFlags(a))
			default:
				v.warn("%s is on %s as %s (another link: the kernel allows that, but replies will leave by one of them)", p.Addr(), on, a.Prefix)
			}
		}
		if v.Status != Fail {
			var also []string
			if s.Device != "" {
				if l, ok := n.LinkByName(s.Device); ok {
					for _, a := range n.AddrsOf(l.Index) {
						if a.Prefix.Addr().Is4() == p.Addr().Is4() && a.Scope == "global" && a.Prefix != p {
							if strings.Contains(strings.ToLower(s.Raw), "already has an ip address different from") {
								v.warn("%s has another address %s (a CNI bridge \"already has an IP address different from\" the one configured)", s.Device, a.Prefix)
							} else {
								also = append(also, fmt.Sprintf("%s also has %s (another address of the family: the kernel allows several; not what File exists is about)", s.Device, a.Prefix))
							}
						}
					}
				}
			}
			if len(v.Evidence) == 0 {
				v.ok("%s is on no link now (%s checked)", p.Addr(), Plural(len(n.Addrs), "address", "addresses"))
			}
			v.Evidence = append(v.Evidence, also...)
		}
		return v
	}
	dst, ok := symptomRoute(s)
	if !ok {
		v.unknown("the symptom does not say which route was added")
		return v
	}
	want := symptomRouteAttrs(s)
	if want.tableN != unix.RT_TABLE_MAIN {
		v.unknown("the command adds to %s; only the main table is read", tableName(want.tableN))
		return v
	}
	for _, r := range n.Routes {
		if r.Dst != dst || !want.sameKey(r) {
			continue
		}
		if s.Errno != "" && s.Errno != symptom.EEXIST {
			// The kernel checks the nexthop before looking for an
			// existing route: an existing one does not explain this error.
			v.ok("the route %s is there, but the error is %s, not File exists: an existing route does not explain it", c.describeRoute(r), s.Errno)
			continue
		}
		v.fail("the route %s already exists in %s", c.describeRoute(r), tableName(want.tableN))
	}
	if len(v.Evidence) == 0 {
		v.ok("no route to %s in %s (%s checked)", dst, tableName(want.tableN), Plural(len(n.Routes), "route", "routes"))
	}
	return v
}

func addrFlags(a probes.Addr) string {
	var f []string
	if a.Tentative() {
		f = append(f, "tentative")
	}
	if a.DADFailed() {
		f = append(f, "dadfailed")
	}
	if len(f) == 0 {
		return ""
	}
	return ", " + strings.Join(f, ", ")
}

func fixesAlreadyExists(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	s := c.Symptom
	var fixes []fix.Fix
	ipv := func(args ...string) []string {
		if s.Family == "inet6" {
			args = append([]string{"-6"}, args...)
		}
		return nsArgv(c, append([]string{"ip"}, args...)...)
	}
	if s.Operation == symptom.OpAddrAdd && s.Address != "" && s.Device != "" {
		fixes = append(fixes, fix.Fix{ID: "already-exists/replace-address", Title: fmt.Sprintf("Replace: make %s on %s exactly what the command asked (idempotent)", s.Address, s.Device),
			Command: fix.Argv(ipv("addr", "replace", s.Address, "dev", s.Device)...), NeedsRoot: true,
			Action: fix.Act("addr-replace", "netns", netnsParam(c), "dev", s.Device, "prefix", s.Address), Answers: fix.Answers([]string{symptom.OpAddrAdd}, symptom.EEXIST)}, fix.Fix{ID: "already-exists/delete-address", Title: fmt.Sprintf("Delete the existing %s from %s", s.Address, s.Device),
			Command: fix.Argv(ipv("addr", "del", s.Address, "dev", s.Device)...), NeedsRoot: true,
			Action: fix.Act("addr-delete", "netns", netnsParam(c), "dev", s.Device, "prefix", s.Address), Answers: fix.Answers([]string{symptom.OpAddrAdd}, symptom.EEXIST)})
	}
	if s.Operation == symptom.OpRouteAdd && s.Route != "" {
		// Every attribute of the command: the kernel tells routes apart by
		// table and metric, so a replace without them would add a second
		// route instead of changing this one.
		ra := symptomRouteAttrs(s)
		key := []string{}
		if ra.metricSet {
			key = append(key, "metric", ra.metric)
		}
		if ra.tableSet {
			key = append(key, "table", ra.table)
		}
		replace := fix.Fix{ID: "already-exists/replace-route", Title: fmt.Sprintf("Replace the existing route to %s with the one the command asked for", s.Route),
			Command: fix.Argv(ipv(append([]string{"route", "replace", s.Route}, ra.args()...)...)...), NeedsRoot: true,
			Action:  fix.Act("route-replace", append([]string{"netns", netnsParam(c), "dst", s.Route, "family", s.Family}, ra.params()...)...),
			Answers: fix.Answers([]string{symptom.OpRouteAdd}, symptom.EEXIST)}
		del := fix.Fix{ID: "already-exists/delete-route", Title: fmt.Sprintf("Delete the existing route to %s", s.Route),
			Command: fix.Argv(ipv(append([]string{"route", "del", s.Route}, key...)...)...), NeedsRoot: true,
			Action:  fix.Act("route-delete", append([]string{"netns", netnsParam(c), "dst", s.Route, "family", s.Family}, keyParams(ra)...)...),
			Answers: fix.Answers([]string{symptom.OpRouteAdd}, symptom.EEXIST)}
		if ra.problem != "" {
			replace.Action, replace.Manual, replace.Why = nil, true, ra.problem
			del.Action, del.Manual, del.Why = nil, true, ra.problem
		}
		fixes = append(fixes, replace, del)
	}
	return fixes
}

// keyParams are the parameters that name a route's key (table, metric).
func keyParams(ra routeAttrs) []string {
	var p []string
	if ra.metricSet {
		p = append(p, "metric", fmt.Sprint(ra.metricN))
	}
	if ra.tableSet {
		p = append(p, "table", fmt.Sprint(ra.tableN))
	}
	return p
}
