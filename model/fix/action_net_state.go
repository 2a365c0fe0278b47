package fix

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/jsimonetti/rtnetlink/v2"
	"golang.org/x/sys/unix"
)

// The net actions' parameters, live state and object, for the journal's
// validation, compare-before-undo and last-in-first-out undo. Kept apart
// from action_net.go (which makes the changes). A new parameter of a net
// action must be declared here, or journal entries carrying it are refused.

var netParams = map[string]paramCheck{
	"netns": checkNetns, "name": checkIfname, "dev": checkIfname, "state": oneOf("up", "down"),
	"attached": anyText, "altname": matching(`^[^/\s:]{1,127}$`, "an altname"),
	"prefix": checkPrefix, "dst": checkPrefix, "via": checkAddr, "family": checkFamily,
	"metric": number(1<<32 - 1), "table": number(1<<32 - 1), "proto": number(255), "scope": number(255),
	"src": checkAddr, "type": checkWord, "onlink": oneOf("true", "false", ""),
}

// linkMTUParams are link-mtu's: the namespace, the link, the MTU. Kept
// apart from netParams so that no other net action takes an "mtu".
var linkMTUParams = map[string]paramCheck{"netns": checkNetns, "name": checkIfname, "mtu": checkMTU}

func netKind(kind string, required []string, state func(a *Action) (map[string]string, error),
	expect func(a *Action) map[string]string, object func(a *Action) string) {
	k := actionKinds[kind]
	k.params, k.required = netParams, required
	k.netScoped = func(*Action) bool { return true }
	if state != nil {
		k.state = func(_ context.Context, _ *ActionEnv, a *Action) (map[string]string, error) { return state(a) }
		k.expect = func(a *Action, _, _ map[string]string) map[string]string { return expect(a) }
	}
	k.object = object
	actionKinds[kind] = k
}

func linkUpState(a *Action) (map[string]string, error) {
	var up bool
	err := withLink(a, a.Param("name"), func(_ *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		up = l.Flags&unix.IFF_UP != 0
		return nil
	})
	return map[string]string{"state": map[bool]string{true: "up", false: "down"}[up]}, err
}

func addrPresence(a *Action) (map[string]string, error) {
	present, _, err := addrState(a)
	return map[string]string{"present": fmt.Sprint(present)}, err
}

// routeState is the route the action asks for when that is there (it
// may carry more attributes), else the route there now ("none" without one).
// Its "proto" is the routing protocol of the route there now: a daemon
// (a DHCP client, networkd, a routing daemon) that put an identical route
// back under its own protocol owns it, and undo must not delete it.
func routeState(a *Action) (map[string]string, error) { return routeStateAs(a, true) }

// routeStateAs is routeState; asAsked false gives the route there now with
// all its attributes even when it is the one asked for (route-delete: undo
// tells the route it deleted, put back by hand, from another one made since
// to the same destination, which it must not replace).
func routeStateAs(a *Action, asAsked bool) (map[string]string, error) {
	want, cur, present, err := routeNow(a)
	switch {
	case err != nil:
		return nil, err
	case !present:
		return map[string]string{"route": "none", "proto": ""}, nil
	case asAsked && want.matches(cur):
		return map[string]string{"route": want.text(), "proto": protoName(cur.proto)}, nil
	}
	return map[string]string{"route": cur.text(), "proto": protoName(cur.proto)}, nil
}

// leftProto is the protocol a route the action created carries: the
// command's, or boot as `ip route add` sets by default.
func leftProto(r routeSpec) string {
	if r.proto == 0 {
		return protoName(unix.RTPROT_BOOT)
	}
	return protoName(r.proto)
}

// protoName is a routing protocol as ip route prints it (iproute2's
// rt_protos), or its number.
func protoName(p uint8) string {
	if n, ok := map[uint8]string{1: "redirect", 2: "kernel", 3: "boot", 4: "static", 8: "gated", 9: "ra", 10: "mrt",
		11: "zebra", 12: "bird", 13: "dnrouted", 14: "xorp", 15: "ntk", 16: "dhcp", 18: "keepalived", 42: "babel",
		99: "openr", 186: "bgp", 187: "isis", 188: "ospf", 189: "rip", 192: "eigrp"}[p]; ok {
		return n
	}
	return strconv.Itoa(int(p))
}

func altnameState(a *Action) (map[string]string, error) {
	// The kernel looks names up among altnames too: the altname is present
	// when it leads to the link itself, held when it leads to another link
	// (its name or one of its altnames), absent when it leads nowhere.
	st := map[string]string{"altname": "absent"}
	err := withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		alt, err := linkByName(c, a.Param("altname"))
		switch {
		case err != nil && strings.HasPrefix(err.Error(), "Cannot find device"):
		case err != nil:
			return err
		case alt.Index == l.Index:
			st["altname"] = "present"
		default:
			st["altname"] = altnameHeldBy(alt)
		}
		return nil
	})
	return st, err
}

// altnameHeldBy is the state of an altname that leads to another link.
func altnameHeldBy(l rtnetlink.LinkMessage) string {
	name := "?"
	if l.Attributes != nil {
		name = l.Attributes.Name
	}
	return fmt.Sprintf("held by another link, %s (ifindex %d)", name, l.Index)
}

// altnameUndoBlocked: the name was taken since by another link (as its
// name or an altname); adding it back would clash (the kernel refuses,
// "File exists"), --force or not.
func altnameUndoBlocked(_ context.Context, _ *ActionEnv, a *Action, _, _ map[string]string) (string, error) {
	st, err := altnameState(a)
	if err != nil {
		return "", err
	}
	if strings.HasPrefix(st["altname"], "held by ") {
		return fmt.Sprintf("the altname %s is now %s: it cannot be added back to %s while that link holds it (rename or remove it there first)",
			a.Param("altname"), st["altname"], a.Param("name")), nil
	}
	return "", nil
}

// netWas gives the state before a change in the keys of the live state.
func netWas(kind string, was func(a *Action, old map[string]string) map[string]string) {
	k := actionKinds[kind]
	k.was = was
	actionKinds[kind] = k
}

func addNetState() {
	link := func(a *Action) string { return "link " + a.Param("name") }
	addr := func(a *Action) string { return "address " + a.Param("prefix") + " on " + a.Param("dev") }
	route := func(a *Action) string {
		return "route " + a.Param("dst") + " table " + OrName(a.Param("table"), "main")
	}
	netKind("link-set", []string{"name", "state"}, linkUpState,
		func(a *Action) map[string]string { return map[string]string{"state": a.Param("state")} }, link)
	netKind("link-delete", []string{"name"}, nil, nil, link)
	netKind("altname-delete", []string{"name", "altname"}, altnameState,
		func(*Action) map[string]string { return map[string]string{"altname": "absent"} }, link)
	netKind("addr-replace", []string{"dev", "prefix"}, addrPresence,
		func(*Action) map[string]string { return map[string]string{"present": "true"} }, addr)
	netKind("addr-delete", []string{"dev", "prefix"}, addrDeleteState, nil, addr)
	for _, k := range []string{"route-add", "route-replace"} {
		netKind(k, []string{"dst"}, routeState, func(a *Action) map[string]string {
			want, err := routeParam(a, "")
			if err != nil {
				return nil
			}
			return map[string]string{"route": want.text(), "proto": leftProto(want)}
		}, route)
	}
	netKind("route-delete", []string{"dst"}, func(a *Action) (map[string]string, error) { return routeStateAs(a, false) },
		func(*Action) map[string]string { return map[string]string{"route": "none", "proto": ""} }, route)
	routeWas := func(a *Action, old map[string]string) map[string]string {
		if old["present"] != "true" {
			return map[string]string{"route": "none", "proto": ""}
		}
		r, err := routeFromOld(a, old)
		if err != nil {
			return nil
		}
		return map[string]string{"route": r.text(), "proto": protoName(r.proto)}
	}
	for _, k := range []string{"route-add", "route-replace", "route-delete"} {
		netWas(k, routeWas)
	}
	netWas("altname-delete", func(*Action, map[string]string) map[string]string { return map[string]string{"altname": "present"} })

	k := actionKinds["altname-delete"]
	k.undoBlocked = altnameUndoBlocked
	actionKinds["altname-delete"] = k
	// addr-delete: the address and what the kernel took with it.
	k = actionKinds["addr-delete"]
	k.expect, k.was = addrDeleteLeft, addrDeleteWas
	actionKinds["addr-delete"] = k

	// The link each changes, by ifindex (Identity.Link): a link deleted
	// and made again under the name is another one, never touched.
	for kind, param := range map[string]string{"link-set": "name", "altname-delete": "name", "addr-replace": "dev", "addr-delete": "dev"} {
		k := actionKinds[kind]
		k.link = func(a *Action) string { return a.Param(param) }
		actionKinds[kind] = k
	}

	// link-mtu: the link by ifindex (the one the fix changed, not another
	// made since under its name) and its MTU. Undo restores only when both
	// are as the fix left them; the ifindex is also part of the entry's
	// identity, so even --force never sets another link's MTU.
	netKind("link-mtu", []string{"name", "mtu"}, linkMTUState, nil, func(a *Action) string { return "MTU of link " + a.Param("name") })
	k = actionKinds["link-mtu"]
	k.params = linkMTUParams
	k.link = func(a *Action) string { return a.Param("name") }
	k.expect = func(a *Action, old, _ map[string]string) map[string]string {
		return map[string]string{"ifindex": old["ifindex"], "mtu": a.Param("mtu")}
	}
	k.was = func(_ *Action, old map[string]string) map[string]string {
		return map[string]string{"ifindex": old["ifindex"], "mtu": old["mtu"]}
	}
	actionKinds["link-mtu"] = k

	// The journaled states of each net kind (Entry.Old, Entry.New, the
	// live state), checked on reading as its parameters are.
	routeKeys := map[string]paramCheck{"present": checkBool, "route": checkRouteText, "proto": checkProtoName,
		"old_dst": checkPrefix, "old_dev": optional(checkIfname), "old_via": checkAddr, "old_src": checkAddr,
		"old_proto": number(255), "old_scope": number(255), "old_metric": number(1<<32 - 1), "old_table": number(1<<32 - 1)}
	for kind, keys := range map[string]map[string]paramCheck{
		"link-set":       {"state": oneOf("up", "down")},
		"link-delete":    {"index": checkU64, "attached": anyText, "deleted": checkIfname},
		"altname-delete": {"altname": oneOf("present", "absent")},
		"addr-replace":   {"present": checkBool},
		"addr-delete": {"present": checkBool, "addrs": number(4096),
			"others": matching(`^[0-9a-fA-F.:/ ]*$`, "a list of addresses")},
		"route-add":     routeKeys,
		"route-replace": routeKeys,
		"route-delete":  routeKeys,
		"link-mtu":      {"ifindex": checkU64, "mtu": checkMTU},
	} {
		k := actionKinds[kind]
		k.stateKeys = keys
		actionKinds[kind] = k
	}
	k = actionKinds["addr-delete"]
	k.stateKeyOf = addrDeleteKey
	actionKinds["addr-delete"] = k
}

// addrDeleteKeyRE names addr-delete's record of each address it removed
// (addrN and its attributes: action_net_addr.go).
var addrDeleteKeyRE = regexp.MustCompile(`^addr[0-9]{1,4}(_flags|_scope|_valid_until|_preferred_until|_label|_brd|_peer|_metric)?$`)

func addrDeleteKey(key string) (paramCheck, bool) {
	m := addrDeleteKeyRE.FindStringSubmatch(key)
	if m == nil {
		return nil, false
	}
	until := matching(`^(forever|[0-9]{1,20})$`, "a deadline")
	return map[string]paramCheck{"": checkPrefix, "_flags": matching(`^0x[0-9a-f]{1,8}$`, "flags"), "_scope": number(255),
		"_valid_until": until, "_preferred_until": until, "_label": matching(`^[^/\s:]{1,15}(:[^/\s]{1,15})?$`, "a label"),
		"_brd": checkAddr, "_peer": checkAddr, "_metric": number(1<<32 - 1)}[m[1]], true
}

// linkMTUState is the link's ifindex and MTU now.
func linkMTUState(a *Action) (map[string]string, error) {
	st := map[string]string{}
	err := withLink(a, a.Param("name"), func(_ *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		st["ifindex"] = fmt.Sprint(l.Index)
		if l.Attributes != nil {
			st["mtu"] = fmt.Sprint(l.Attributes.MTU)
		}
		return nil
	})
	return st, err
}
