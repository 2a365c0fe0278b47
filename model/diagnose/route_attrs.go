package diagnose

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// routeAttrs are the attributes of the route a symptom's command adds
// (`ip route add DST via G dev D metric M table T proto P scope S src A`):
// a replace or an add offered as a fix carries every one of them, so it
// changes exactly the route the command meant (the kernel tells routes
// apart by table, destination and metric: a replace without the metric
// adds a second route).
type routeAttrs struct {
	family               string
	dev, via, src        string
	metric, table, proto string // as written
	scope                string
	metricN, tableN      uint32
	protoN, scopeN       uint8
	metricSet, tableSet  bool
	protoSet, scopeSet   bool
	// problem says why an attribute cannot be used by an action (a table
	// or protocol name rtnl-doctor cannot resolve).
	problem string
}

// symptomRouteAttrs reads the route's attributes from the symptom, and
// from its command line for those the Symptom does not carry.
func symptomRouteAttrs(s symptom.Symptom) routeAttrs {
	ra := routeAttrs{family: s.Family, dev: s.Device, via: s.Gateway, tableN: unix.RT_TABLE_MAIN}
	words := symptom.SplitWords(s.Command)
	// ip [netns exec NS] [-n NS] [-4|-6] route VERB ...
	for len(words) > 0 && !symptom.PrefixOf(words[0], "route", 1) {
		words = words[1:]
	}
	if len(words) < 2 {
		return ra
	}
	rest := words[2:]
	val := func(i int) string {
		if i+1 < len(rest) {
			return rest[i+1]
		}
		return ""
	}
	for i := 0; i < len(rest); i++ {
		w, v := rest[i], val(i)
		switch w {
		case "via":
			if v == "inet" || v == "inet6" {
				i++
				v = val(i)
			}
			if ra.via == "" {
				ra.via = v
			}
		case "dev", "oif":
			if ra.dev == "" {
				ra.dev = v
			}
		case "src":
			ra.src = v
		case "metric", "priority", "preference":
			ra.metric, ra.metricSet = v, true
			if n, err := strconv.ParseUint(v, 0, 32); err == nil {
				ra.metricN = uint32(n)
			} else {
				ra.problem = fmt.Sprintf("metric %q is not a number", v)
			}
		case "table":
			ra.table, ra.tableSet = v, true
			if n, ok := routeTableNumber(v); ok {
				ra.tableN = n
			} else {
				ra.problem = fmt.Sprintf("table %q is a name rtnl-doctor cannot resolve: use its number", v)
			}
		case "proto", "protocol":
			ra.proto, ra.protoSet = v, true
			if n, ok := routeProtoNumber(v); ok {
				ra.protoN = n
			} else {
				ra.problem = fmt.Sprintf("protocol %q is a name rtnl-doctor cannot resolve: use its number", v)
			}
		case "scope":
			ra.scope, ra.scopeSet = v, true
			if n, ok := routeScopeNumber(v); ok {
				ra.scopeN = n
			} else {
				ra.problem = fmt.Sprintf("scope %q is not a scope rtnl-doctor knows", v)
			}
		case "mtu", "weight", "type", "tos", "dsfield", "realm", "realms", "advmss", "window", "rtt", "initcwnd", "nexthop", "encap", "expires":
			i++
			continue
		default:
			continue
		}
		i++
	}
	return ra
}

// args renders the attributes after the destination, as the user wrote
// them, for the shown command.
func (ra routeAttrs) args() []string {
	var a []string
	add := func(k, v string, set bool) {
		if set && v != "" {
			a = append(a, k, v)
		}
	}
	add("via", ra.via, true)
	add("dev", ra.dev, true)
	add("src", ra.src, true)
	add("metric", ra.metric, ra.metricSet)
	add("table", ra.table, ra.tableSet)
	add("proto", ra.proto, ra.protoSet)
	add("scope", ra.scope, ra.scopeSet)
	return a
}

// params are the action's parameters for the attributes (numbers).
func (ra routeAttrs) params() []string {
	p := []string{"via", ra.via, "dev", ra.dev, "src", ra.src}
	if ra.metricSet {
		p = append(p, "metric", strconv.FormatUint(uint64(ra.metricN), 10))
	}
	if ra.tableSet {
		p = append(p, "table", strconv.FormatUint(uint64(ra.tableN), 10))
	}
	if ra.protoSet {
		p = append(p, "proto", strconv.Itoa(int(ra.protoN)))
	}
	if ra.scopeSet {
		p = append(p, "scope", strconv.Itoa(int(ra.scopeN)))
	}
	return p
}

// sameKey: r is the route the command's route would collide with (same
// table and metric; the destination is compared by the caller).
func (ra routeAttrs) sameKey(r probes.Route) bool {
	inet6 := ra.family == "inet6" || r.Family == "inet6"
	return r.Table == ra.tableN && fix.EffectiveMetric(r.Metric, inet6) == fix.EffectiveMetric(ra.metricN, inet6)
}

func tableName(t uint32) string {
	switch t {
	case unix.RT_TABLE_MAIN, 0:
		return "the main table"
	case unix.RT_TABLE_LOCAL:
		return "the local table"
	}
	return fmt.Sprintf("table %d", t)
}

func routeTableNumber(s string) (uint32, bool) {
	switch s {
	case "main":
		return unix.RT_TABLE_MAIN, true
	case "local":
		return unix.RT_TABLE_LOCAL, true
	case "default":
		return unix.RT_TABLE_DEFAULT, true
	}
	n, err := strconv.ParseUint(s, 0, 32)
	return uint32(n), err == nil && n > 0
}

func routeProtoNumber(s string) (uint8, bool) {
	for n, name := range map[uint8]string{unix.RTPROT_REDIRECT: "redirect", unix.RTPROT_KERNEL: "kernel", unix.RTPROT_BOOT: "boot",
		unix.RTPROT_STATIC: "static", unix.RTPROT_RA: "ra", unix.RTPROT_DHCP: "dhcp", 186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 11: "zebra"} {
		if s == name {
			return n, true
		}
	}
	n, err := strconv.ParseUint(s, 0, 8)
	return uint8(n), err == nil
}

func routeScopeNumber(s string) (uint8, bool) {
	switch strings.ToLower(s) {
	case "global", "universe":
		return unix.RT_SCOPE_UNIVERSE, true
	case "site":
		return unix.RT_SCOPE_SITE, true
	case "link":
		return unix.RT_SCOPE_LINK, true
	case "host":
		return unix.RT_SCOPE_HOST, true
	case "nowhere":
		return unix.RT_SCOPE_NOWHERE, true
	}
	n, err := strconv.ParseUint(s, 0, 8)
	return uint8(n), err == nil
}
