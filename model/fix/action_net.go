package fix

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// Changes to links, addresses and routes go through jsimonetti/rtnetlink
// (the probes read dumps with their own lean decoder; changes are few and
// the library's typed messages are worth it).

var needNetAdmin = func(a *Action) []capNeed {
	n := []capNeed{{cap.NET_ADMIN, "changing links, addresses and routes needs CAP_NET_ADMIN"}}
	if a.Param("netns") != "" {
		n = append(n, capNeed{cap.SYS_ADMIN, "entering another network namespace needs CAP_SYS_ADMIN"})
	}
	return n
}

// dialAction opens an rtnetlink connection in the action's namespace.
func dialAction(a *Action) (*rtnetlink.Conn, error) {
	cfg := &netlink.Config{Strict: true}
	if ns := a.Param("netns"); ns != "" {
		f, err := os.Open(ns)
		if err != nil {
			return nil, fmt.Errorf("network namespace %s: %w", ns, err)
		}
		defer f.Close()
		cfg.NetNS = int(f.Fd())
	}
	c, err := rtnetlink.Dial(cfg)
	if err != nil {
		return nil, fmt.Errorf("netlink: %w", err)
	}
	return c, nil
}

// nlErr renders a netlink error as iproute2 would.
func nlErr(err error) error {
	var oe *netlink.OpError
	if errors.As(err, &oe) {
		var en unix.Errno
		if errors.As(oe.Err, &en) {
			if oe.Message != "" {
				return fmt.Errorf("Error: %s. (%w)", oe.Message, en)
			}
			return fmt.Errorf("RTNETLINK answers: %s (%w)", symptom.ErrnoFromSyscall(en).Strerror(), en)
		}
	}
	return err
}

// linkByName asks the kernel for one link by name.
func linkByName(c *rtnetlink.Conn, name string) (rtnetlink.LinkMessage, error) {
	msgs, err := c.Execute(&rtnetlink.LinkMessage{Attributes: &rtnetlink.LinkAttributes{Name: name}}, unix.RTM_GETLINK, netlink.Request)
	if err != nil {
		if errors.Is(err, unix.ENODEV) {
			//lint:ignore ST1005 iproute2's own wording, which the operator knows
			return rtnetlink.LinkMessage{}, fmt.Errorf("Cannot find device %q", name)
		}
		return rtnetlink.LinkMessage{}, nlErr(err)
	}
	for _, m := range msgs {
		if lm, ok := m.(*rtnetlink.LinkMessage); ok {
			return *lm, nil
		}
	}
	//lint:ignore ST1005 iproute2's own wording, which the operator knows
	return rtnetlink.LinkMessage{}, fmt.Errorf("Cannot find device %q", name)
}

func withConn(a *Action, fn func(c *rtnetlink.Conn) error) error {
	c, err := dialAction(a)
	if err != nil {
		return err
	}
	defer c.Close()
	return fn(c)
}

// withLink runs fn with a connection in the action's namespace and the
// link named name. When apply or undo checked which link the name named
// (a.link), another link holding the name now is refused.
func withLink(a *Action, name string, fn func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error) error {
	return withConn(a, func(c *rtnetlink.Conn) error {
		l, err := linkByName(c, name)
		if err != nil {
			return err
		}
		if a.link != nil && a.link.Name == name && a.link.Index != l.Index {
			return fmt.Errorf("%s%s is another link now (ifindex %d; the fix read %s): nothing was changed", name, where(a), l.Index, a.link)
		}
		return fn(c, l)
	})
}

func setLinkUp(c *rtnetlink.Conn, idx uint32, up bool) error {
	var flags uint32
	if up {
		flags = unix.IFF_UP
	}
	return nlErr(c.Link.Set(&rtnetlink.LinkMessage{Family: unix.AF_UNSPEC, Index: idx, Flags: flags, Change: unix.IFF_UP}))
}

var linkSetAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		var p Preview
		err := withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			cur := "down"
			if l.Flags&unix.IFF_UP != 0 {
				cur = "up"
			}
			p = Preview{Changes: []string{fmt.Sprintf("%s%s: %s → %s", a.Param("name"), where(a), cur, a.Param("state"))},
				Reversible: true, Undo: "sets it " + cur + " again", Old: map[string]string{"state": cur}}
			return nil
		})
		return p, err
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		return map[string]string{"state": a.Param("state")}, withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return setLinkUp(c, l.Index, a.Param("state") == "up")
		})
	},
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		return withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return setLinkUp(c, l.Index, old["state"] == "up")
		})
	},
	done: func(a *Action) (string, bool, error) {
		var up bool
		err := withLink(a, a.Param("name"), func(_ *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			up = l.Flags&unix.IFF_UP != 0
			return nil
		})
		state := map[bool]string{true: "up", false: "down"}[up]
		return fmt.Sprintf("%s%s is %s", a.Param("name"), where(a), state), err == nil && state == a.Param("state"), err
	},
}

var linkDeleteAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		var p Preview
		err := withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			desc := a.Param("name")
			if l.Attributes != nil && l.Attributes.Info != nil && l.Attributes.Info.Kind != "" {
				desc += " (" + l.Attributes.Info.Kind + ")"
			}
			ch := []string{desc + where(a) + ": exists → deleted"}
			if a.Param("attached") != "" {
				ch = append(ch, "currently: "+a.Param("attached"))
			}
			p = Preview{Changes: ch, Undo: "a deleted link cannot be restored by rtnl-doctor: its description stays in the journal",
				Old: map[string]string{"index": fmt.Sprint(l.Index), "attached": a.Param("attached")}}
			t, err := linkTraffic(c, l)
			p.Traffic = t
			return err
		})
		return p, err
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		return map[string]string{"deleted": a.Param("name")}, withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return nlErr(c.Link.Delete(l.Index))
		})
	},
	done: func(a *Action) (string, bool, error) {
		var gone bool
		err := withConn(a, func(c *rtnetlink.Conn) error {
			_, err := linkByName(c, a.Param("name"))
			gone = err != nil && strings.HasPrefix(err.Error(), "Cannot find device")
			if gone {
				return nil
			}
			return err
		})
		if gone {
			return fmt.Sprintf("%s%s is gone", a.Param("name"), where(a)), true, nil
		}
		return fmt.Sprintf("%s%s still exists", a.Param("name"), where(a)), false, err
	},
}

// linkTraffic says what traffic a link carries now, read live: UP, its
// addresses, the default route through it ("" when none of these).
func linkTraffic(c *rtnetlink.Conn, l rtnetlink.LinkMessage) (string, error) {
	var what []string
	if l.Flags&unix.IFF_UP != 0 {
		what = append(what, "it is UP")
	}
	addrs, err := addrsOn(c, l.Index)
	if err != nil {
		return "", err
	}
	var global []string
	for _, p := range addrs {
		if !p.Addr().IsLinkLocalUnicast() {
			global = append(global, p.String())
		}
	}
	if len(global) > 0 {
		what = append(what, "it has the addresses "+strings.Join(global, ", "))
	}
	routes, err := c.Route.List()
	if err != nil {
		return "", nlErr(err)
	}
	for _, m := range routes {
		if m.DstLength == 0 && m.Type == unix.RTN_UNICAST && routeUses(m, l.Index) {
			what = append(what, "the default route goes through it")
			break
		}
	}
	if len(what) == 0 {
		return "", nil
	}
	return strings.Join(what, "; "), nil
}

// routeUses: the route leaves through link idx (itself or a nexthop).
func routeUses(m rtnetlink.RouteMessage, idx uint32) bool {
	if m.Attributes.OutIface == idx {
		return true
	}
	for _, nh := range m.Attributes.Multipath {
		if nh.Hop.IfIndex == idx {
			return true
		}
	}
	return false
}

// linkProp adds or removes an altname (RTM_NEWLINKPROP/RTM_DELLINKPROP,
// which the rtnetlink library does not wrap).
func linkProp(a *Action, typ uint16) error {
	return inNetnsSock(a, func(s *rtnl.Sock) error {
		req := make([]byte, 16)
		if a.link != nil && a.link.Name == a.Param("name") {
			// The link checked (by ifindex), whatever holds the name now.
			binary.NativeEndian.PutUint32(req[4:8], a.link.Index)
		} else {
			req = rtnl.Attr(req, unix.IFLA_IFNAME, append([]byte(a.Param("name")), 0))
		}
		props := rtnl.Attr(nil, unix.IFLA_ALT_IFNAME, append([]byte(a.Param("altname")), 0))
		req = rtnl.Attr(req, unix.IFLA_PROP_LIST|unix.NLA_F_NESTED, props)
		flags := uint16(0)
		if typ == unix.RTM_NEWLINKPROP {
			flags = unix.NLM_F_CREATE | unix.NLM_F_EXCL
		}
		return s.Request(typ, flags, req)
	})
}

func inNetnsSock(a *Action, fn func(s *rtnl.Sock) error) error {
	s, err := rtnl.Dial(a.Param("netns"))
	if err != nil {
		return err
	}
	defer s.Close()
	return fn(s)
}

var altnameDeleteAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		return Preview{Changes: []string{fmt.Sprintf("%s%s: altname %s → removed", a.Param("name"), where(a), a.Param("altname"))},
			Reversible: true, Undo: "adds the altname back", Old: map[string]string{}}, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		return map[string]string{}, linkProp(a, unix.RTM_DELLINKPROP)
	},
	undo: func(_ context.Context, _ *ActionEnv, a *Action, _, _ map[string]string) error {
		return linkProp(a, unix.RTM_NEWLINKPROP)
	},
}

// --- addresses -----------------------------------------------------------------

func addrMessage(idx uint32, p netip.Prefix) *rtnetlink.AddressMessage {
	fam := uint8(unix.AF_INET)
	if p.Addr().Is6() {
		fam = unix.AF_INET6
	}
	ip := net.IP(p.Addr().AsSlice())
	m := &rtnetlink.AddressMessage{Family: fam, PrefixLength: uint8(p.Bits()), Index: idx,
		Attributes: &rtnetlink.AddressAttributes{Address: ip}}
	if fam == unix.AF_INET {
		m.Attributes.Local = ip
	}
	return m
}

// addrsOn lists the addresses of a link.
func addrsOn(c *rtnetlink.Conn, idx uint32) ([]netip.Prefix, error) {
	all, err := c.Address.List()
	if err != nil {
		return nil, nlErr(err)
	}
	var out []netip.Prefix
	for _, m := range all {
		if m.Index != idx || m.Attributes == nil {
			continue
		}
		ip := m.Attributes.Local
		if ip == nil {
			ip = m.Attributes.Address
		}
		if a, ok := netip.AddrFromSlice(ip); ok {
			out = append(out, netip.PrefixFrom(a.Unmap(), int(m.PrefixLength)))
		}
	}
	return out, nil
}

func prefixParam(a *Action) (netip.Prefix, error) {
	p, ok := symptom.ParsePrefix(a.Param("prefix"))
	if !ok {
		return p, fmt.Errorf("%q is not an address", a.Param("prefix"))
	}
	return p, nil
}

func addAddr(c *rtnetlink.Conn, idx uint32, p netip.Prefix, replace bool) error {
	flags := netlink.Request | netlink.Create | netlink.Acknowledge
	if replace {
		flags |= netlink.Replace
	} else {
		flags |= netlink.Excl
	}
	_, err := c.Execute(addrMessage(idx, p), unix.RTM_NEWADDR, flags)
	return nlErr(err)
}

// addrState previews an address change: whether the exact prefix is on
// the link, and what is.
func addrState(a *Action) (bool, []netip.Prefix, error) {
	p, err := prefixParam(a)
	if err != nil {
		return false, nil, err
	}
	var present bool
	var have []netip.Prefix
	err = withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		have, err = addrsOn(c, l.Index)
		for _, h := range have {
			if h == p {
				present = true
			}
		}
		return err
	})
	return present, have, err
}

// addrDone reads back whether the action's address is on (or off) its link.
func addrDone(want bool) func(a *Action) (string, bool, error) {
	return func(a *Action) (string, bool, error) {
		present, _, err := addrState(a)
		if err != nil {
			return "", false, err
		}
		on := map[bool]string{true: "is on", false: "is not on"}[present]
		return fmt.Sprintf("%s %s %s%s", a.Param("prefix"), on, a.Param("dev"), where(a)), present == want, nil
	}
}

var addrReplaceAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		present, have, err := addrState(a)
		if err != nil {
			return Preview{}, err
		}
		ch := fmt.Sprintf("%s%s: addresses %v → with %s", a.Param("dev"), where(a), have, a.Param("prefix"))
		if present {
			ch = fmt.Sprintf("%s%s already has %s: no change but its flags and lifetimes reset", a.Param("dev"), where(a), a.Param("prefix"))
		}
		return Preview{Changes: []string{ch}, Reversible: true, Undo: "removes the address again if it was not there before",
			Old: map[string]string{"present": fmt.Sprint(present)}}, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		p, err := prefixParam(a)
		if err != nil {
			return nil, err
		}
		return map[string]string{"present": "true"}, withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return addAddr(c, l.Index, p, true)
		})
	},
	done:        addrDone(true),
	reachesGoal: true,
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		if old["present"] == "true" {
			return nil
		}
		p, _ := prefixParam(a)
		return withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return nlErr(c.Address.Delete(addrMessage(l.Index, p)))
		})
	},
}

var addrDeleteAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		r, found, err := planAddrDelete(a)
		if err != nil {
			return Preview{}, err
		}
		if !found {
			return Preview{}, fmt.Errorf("%s is not on %s", a.Param("prefix"), a.Param("dev"))
		}
		dev := a.Param("dev") + where(a)
		ch := []string{fmt.Sprintf("%s: %s → removed", dev, a.Param("prefix"))}
		sysctl := "net.ipv4.conf." + a.Param("dev") + ".promote_secondaries"
		for _, x := range r.removed[1:] {
			ch = append(ch, fmt.Sprintf("%s: secondary %s → removed with it (the kernel drops a primary address's secondaries: %s and .all are 0)", dev, x.prefix, sysctl))
		}
		if r.promoted != nil {
			ch = append(ch, fmt.Sprintf("%s: %s → becomes the primary address of %s (%s is 1)", dev, r.promoted.prefix, r.target.prefix.Masked(), sysctl))
		}
		if r.prefixGone {
			ch = append(ch, fmt.Sprintf("route %s dev %s proto kernel → removed with it", r.target.prefix.Masked(), a.Param("dev")))
		}
		for _, rt := range r.routesLost {
			ch = append(ch, fmt.Sprintf("route %s → removed with it by the kernel (undo does not add it back)", rt))
		}
		undo := "adds " + a.Param("prefix") + " back"
		if len(r.removed) > 1 {
			undo += " first, then " + prefixList(r.removed[1:])
		}
		undo += ", with their flags and the lifetimes they have left"
		if r.prefixGone {
			undo += " (the kernel makes the connected route again)"
		}
		if r.promoted != nil {
			undo += fmt.Sprintf("; %s stays primary, %s comes back as its secondary", r.promoted.prefix, a.Param("prefix"))
		}
		p := Preview{Changes: ch, Reversible: true, Undo: undo, Old: r.old()}
		err = withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			if l.Flags&unix.IFF_UP != 0 {
				p.Traffic = fmt.Sprintf("%s is UP: connections using %s are cut", a.Param("dev"), prefixList(r.removed))
			}
			return nil
		})
		return p, err
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		p, err := prefixParam(a)
		if err != nil {
			return nil, err
		}
		return map[string]string{"present": "false"}, withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return nlErr(c.Address.Delete(addrMessage(l.Index, p)))
		})
	},
	done: addrDone(false),
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		saved, err := removedAddrs(old)
		if err != nil {
			return err
		}
		if saved == nil {
			// An entry written before the removed addresses were recorded.
			p, _ := prefixParam(a)
			return withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
				return addAddr(c, l.Index, p, false)
			})
		}
		return restoreAddrs(a, saved)
	},
	undoCosts: addrDeleteUndoCosts,
}

// --- routes --------------------------------------------------------------------

// routeSpec is a route, as the journal keeps it: every attribute of the
// user's command (dev, via, metric, table, proto, scope, src).
type routeSpec struct {
	dst    netip.Prefix
	gw     netip.Addr
	dev    string
	proto  uint8 // 0: boot, as `ip route add/replace` sets by default
	metric uint32
	table  uint32 // 0: main
	scope  uint8
	scoped bool // scope given (else universe with a gateway, link without)
	src    netip.Addr
}

func (r routeSpec) tableID() uint32 {
	if r.table == 0 {
		return unix.RT_TABLE_MAIN
	}
	return r.table
}

// key is what the kernel tells routes apart by: table, destination and
// metric (IPv6 routes added without a metric get 1024).
func (r routeSpec) sameKey(o routeSpec) bool {
	v6 := r.dst.Addr().Is6()
	return r.dst == o.dst && r.tableID() == o.tableID() && EffectiveMetric(r.metric, v6) == EffectiveMetric(o.metric, v6)
}

func (r routeSpec) text() string {
	s := r.dst.String()
	if r.dst.Bits() == 0 {
		s = "default"
	}
	if r.gw.IsValid() {
		s += " via " + r.gw.String()
	}
	if r.dev != "" {
		s += " dev " + r.dev
	}
	if r.src.IsValid() {
		s += " src " + r.src.String()
	}
	if r.metric != 0 {
		s += fmt.Sprintf(" metric %d", r.metric)
	}
	if r.tableID() != unix.RT_TABLE_MAIN {
		s += fmt.Sprintf(" table %d", r.tableID())
	}
	return s
}

// matches: the route cur is what r asks for (its gateway, and its device
// when r names one).
func (r routeSpec) matches(cur routeSpec) bool {
	return r.sameKey(cur) && r.gw == cur.gw && (r.dev == "" || r.dev == cur.dev) &&
		(!r.src.IsValid() || r.src == cur.src) && (r.proto == 0 || r.proto == cur.proto) && (!r.scoped || r.scope == cur.scope)
}

func routeParam(a *Action, prefix string) (routeSpec, error) {
	var r routeSpec
	dst := a.Param(prefix + "dst")
	fam := a.Param("family")
	switch {
	case dst == "default" && fam == "inet6":
		r.dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
	case dst == "default":
		r.dst = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
	default:
		p, ok := symptom.ParsePrefix(dst)
		if !ok {
			return r, fmt.Errorf("%q is not a route destination", dst)
		}
		r.dst = p.Masked()
	}
	if gw := a.Param(prefix + "via"); gw != "" {
		g, err := netip.ParseAddr(gw)
		if err != nil {
			return r, fmt.Errorf("%q is not a gateway address", gw)
		}
		r.gw = g
	}
	r.dev = a.Param(prefix + "dev")
	if v, err := strconv.ParseUint(a.Param(prefix+"proto"), 10, 8); err == nil {
		r.proto = uint8(v)
	}
	if v, err := strconv.ParseUint(a.Param(prefix+"metric"), 10, 32); err == nil {
		r.metric = uint32(v)
	}
	if v, err := strconv.ParseUint(a.Param(prefix+"table"), 10, 32); err == nil {
		r.table = uint32(v)
	}
	if v, err := strconv.ParseUint(a.Param(prefix+"scope"), 10, 8); err == nil {
		r.scope, r.scoped = uint8(v), true
	}
	if src := a.Param(prefix + "src"); src != "" {
		s, err := netip.ParseAddr(src)
		if err != nil {
			return r, fmt.Errorf("%q is not a source address", src)
		}
		r.src = s
	}
	return r, nil
}

func routeMessage(c *rtnetlink.Conn, r routeSpec) (*rtnetlink.RouteMessage, error) {
	fam := uint8(unix.AF_INET)
	if r.dst.Addr().Is6() {
		fam = unix.AF_INET6
	}
	m := &rtnetlink.RouteMessage{Family: fam, DstLength: uint8(r.dst.Bits()), Table: unix.RT_TABLE_MAIN,
		Protocol: unix.RTPROT_BOOT, Scope: unix.RT_SCOPE_UNIVERSE, Type: unix.RTN_UNICAST}
	if r.proto != 0 {
		m.Protocol = r.proto
	}
	if t := r.tableID(); t < 256 {
		m.Table = uint8(t)
	} else {
		m.Table = unix.RT_TABLE_UNSPEC
		m.Attributes.Table = t
	}
	if r.src.IsValid() {
		m.Attributes.Src = net.IP(r.src.AsSlice())
	}
	// The effective metric, never 0 for IPv6: a delete with metric 0 matches
	// any IPv6 route to the destination (the lowest metric first), not the
	// one the fix made (1024 when the command gave none).
	m.Attributes.Priority = EffectiveMetric(r.metric, r.dst.Addr().Is6())
	if r.dst.Bits() > 0 {
		m.Attributes.Dst = net.IP(r.dst.Addr().AsSlice())
	}
	if r.gw.IsValid() {
		m.Attributes.Gateway = net.IP(r.gw.AsSlice())
	} else {
		m.Scope = unix.RT_SCOPE_LINK
	}
	if r.scoped {
		m.Scope = r.scope
	}
	if r.dev != "" {
		l, err := linkByName(c, r.dev)
		if err != nil {
			return nil, err
		}
		m.Attributes.OutIface = l.Index
	}
	return m, nil
}

// routesTo lists the routes to dst in table.
func routesTo(c *rtnetlink.Conn, dst netip.Prefix, table uint32) ([]routeSpec, error) {
	routes, err := c.Route.List()
	if err != nil {
		return nil, nlErr(err)
	}
	var out []routeSpec
	for _, m := range routes {
		t := uint32(m.Table)
		if m.Attributes.Table != 0 {
			t = m.Attributes.Table
		}
		if t != table || m.Type != unix.RTN_UNICAST {
			continue
		}
		var d netip.Addr
		if m.Attributes.Dst != nil {
			d, _ = netip.AddrFromSlice(m.Attributes.Dst)
		} else if m.Family == unix.AF_INET6 {
			d = netip.IPv6Unspecified()
		} else {
			d = netip.IPv4Unspecified()
		}
		d = d.Unmap()
		if netip.PrefixFrom(d, int(m.DstLength)) != dst {
			continue
		}
		r := routeSpec{dst: dst, proto: m.Protocol, metric: m.Attributes.Priority, table: t, scope: m.Scope, scoped: true}
		if m.Attributes.Gateway != nil {
			r.gw, _ = netip.AddrFromSlice(m.Attributes.Gateway)
			r.gw = r.gw.Unmap()
		}
		if m.Attributes.Src != nil {
			r.src, _ = netip.AddrFromSlice(m.Attributes.Src)
			r.src = r.src.Unmap()
		}
		if m.Attributes.OutIface != 0 {
			if l, err := c.Link.Get(m.Attributes.OutIface); err == nil && l.Attributes != nil {
				r.dev = l.Attributes.Name
			}
		}
		out = append(out, r)
	}
	return out, nil
}

// currentRoute finds the route with want's key (table, destination,
// metric): the one a replace changes.
func currentRoute(c *rtnetlink.Conn, want routeSpec) (routeSpec, bool, error) {
	all, err := routesTo(c, want.dst, want.tableID())
	if err != nil {
		return routeSpec{}, false, err
	}
	for _, r := range all {
		if want.sameKey(r) {
			return r, true, nil
		}
	}
	return routeSpec{}, false, nil
}

func routeOld(r routeSpec, present bool) map[string]string {
	if !present {
		return map[string]string{"present": "false"}
	}
	old := map[string]string{"present": "true", "old_dst": a2s(r.dst), "old_dev": r.dev,
		"old_proto": strconv.Itoa(int(r.proto)), "old_metric": strconv.FormatUint(uint64(r.metric), 10),
		"old_table": strconv.FormatUint(uint64(r.tableID()), 10)}
	if r.gw.IsValid() {
		old["old_via"] = r.gw.String()
	}
	if r.scoped {
		old["old_scope"] = strconv.Itoa(int(r.scope))
	}
	if r.src.IsValid() {
		old["old_src"] = r.src.String()
	}
	return old
}

func a2s(p netip.Prefix) string {
	if p.Bits() == 0 {
		return "default"
	}
	return p.String()
}

// routeFromOld rebuilds the journaled previous route.
func routeFromOld(a *Action, old map[string]string) (routeSpec, error) {
	tmp := &Action{Params: map[string]string{"old_dst": old["old_dst"], "old_via": old["old_via"], "old_dev": old["old_dev"],
		"old_proto": old["old_proto"], "old_metric": old["old_metric"], "old_table": old["old_table"], "old_scope": old["old_scope"],
		"old_src": old["old_src"], "family": a.Param("family")}}
	return routeParam(tmp, "old_")
}

// putRoute creates or replaces the route r in the main table.
func putRoute(a *Action, r routeSpec) error {
	return withConn(a, func(c *rtnetlink.Conn) error {
		m, err := routeMessage(c, r)
		if err != nil {
			return err
		}
		return nlErr(c.Route.Replace(m))
	})
}

// dropRoute deletes the main-table route to r.dst (matching r's gateway
// and device when they are set).
func dropRoute(a *Action, r routeSpec) error {
	return withConn(a, func(c *rtnetlink.Conn) error {
		m, err := routeMessage(c, r)
		if err != nil {
			return err
		}
		m.Scope = unix.RT_SCOPE_NOWHERE
		return nlErr(c.Route.Delete(m))
	})
}

// dropCreatedRoute removes a route the fix created. Forced (the route was
// changed since: another gateway or device), it removes the route to the
// destination under the same key (table, metric) whatever its next hop,
// which is the state before the fix; unforced, only the route as created.
func dropCreatedRoute(env *ActionEnv, a *Action, r routeSpec) error {
	err := dropRoute(a, r)
	if err == nil || env == nil || !env.Force || !errors.Is(err, unix.ESRCH) {
		return err
	}
	keyed := routeSpec{dst: r.dst, metric: r.metric, table: r.table}
	if err := dropRouteAnyProto(a, keyed); errors.Is(err, unix.ESRCH) {
		return errGone{"no route to " + a2s(r.dst) + " is left: nothing to undo"}
	} else if err != nil {
		return err
	}
	return nil
}

// dropRouteAnyProto deletes the route under r's key whatever protocol put
// it there: a delete request with a protocol matches only routes of that
// protocol (fib_table_delete), so the keyed delete sends none.
func dropRouteAnyProto(a *Action, r routeSpec) error {
	return withConn(a, func(c *rtnetlink.Conn) error {
		m, err := routeMessage(c, r)
		if err != nil {
			return err
		}
		m.Scope = unix.RT_SCOPE_NOWHERE
		m.Protocol = unix.RTPROT_UNSPEC
		m.Type = unix.RTN_UNSPEC
		return nlErr(c.Route.Delete(m))
	})
}

// routeNow previews a route change: the current route to the destination.
func routeNow(a *Action) (routeSpec, routeSpec, bool, error) {
	want, err := routeParam(a, "")
	if err != nil {
		return want, routeSpec{}, false, err
	}
	var cur routeSpec
	var present bool
	err = withConn(a, func(c *rtnetlink.Conn) error {
		cur, present, err = currentRoute(c, want)
		return err
	})
	return want, cur, present, err
}

// routeDuplicates lists the other routes to want's destination in its
// table with want's gateway and device: a replace that added one instead
// of changing the route left two.
func routeDuplicates(a *Action, want routeSpec) ([]routeSpec, error) {
	var dup []routeSpec
	err := withConn(a, func(c *rtnetlink.Conn) error {
		all, err := routesTo(c, want.dst, want.tableID())
		for _, r := range all {
			if !want.sameKey(r) && r.gw == want.gw && (want.dev == "" || r.dev == want.dev) {
				dup = append(dup, r)
			}
		}
		return err
	})
	return dup, err
}

var routeReplaceAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		want, cur, present, err := routeNow(a)
		if err != nil {
			return Preview{}, err
		}
		from := "none"
		if present {
			from = cur.text()
		}
		ch := fmt.Sprintf("route to %s%s: %s → %s", a2s(want.dst), where(a), from, want.text())
		if present && want.matches(cur) {
			ch = fmt.Sprintf("route %s%s is already as asked: no change", cur.text(), where(a))
		}
		return Preview{Changes: []string{ch},
			Reversible: true, Undo: "puts the previous route back (or removes the new one)", Old: routeOld(cur, present)}, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		want, err := routeParam(a, "")
		if err != nil {
			return nil, err
		}
		return map[string]string{"route": want.text()}, putRoute(a, want)
	},
	done:        RouteIsAsked,
	reachesGoal: true,
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		if old["present"] != "true" {
			// Exactly the route the replace created (its table and metric).
			want, err := routeParam(a, "")
			if err != nil {
				return err
			}
			return dropCreatedRoute(env, a, want)
		}
		prev, err := routeFromOld(a, old)
		if err != nil {
			return err
		}
		return putRoute(a, prev)
	},
}

// RouteIsAsked reads back whether the route the action asks for is there.
func RouteIsAsked(a *Action) (string, bool, error) {
	want, cur, present, err := routeNow(a)
	if err != nil {
		return "", false, err
	}
	if !present {
		return fmt.Sprintf("no route to %s%s", a2s(want.dst), where(a)), false, nil
	}
	dup, err := routeDuplicates(a, want)
	if err != nil {
		return "", false, err
	}
	if len(dup) > 0 {
		return fmt.Sprintf("the route is %s%s, but %s is there too: two routes where the command asked for one", cur.text(), where(a), dup[0].text()), false, nil
	}
	return fmt.Sprintf("the route is %s%s", cur.text(), where(a)), want.matches(cur), nil
}

// routeAddAction adds the route a command asked for, as `ip route add`
// does: it refuses to replace one that is there.
var routeAddAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		want, cur, present, err := routeNow(a)
		if err != nil {
			return Preview{}, err
		}
		if present {
			return Preview{}, fmt.Errorf("a route to %s is already there: %s", a2s(want.dst), cur.text())
		}
		return Preview{Changes: []string{fmt.Sprintf("route to %s%s: none → %s", a2s(want.dst), where(a), want.text())},
			Reversible: true, Undo: "deletes the route again", Old: map[string]string{"present": "false"}}, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		want, err := routeParam(a, "")
		if err != nil {
			return nil, err
		}
		return map[string]string{"route": want.text()}, withConn(a, func(c *rtnetlink.Conn) error {
			m, err := routeMessage(c, want)
			if err != nil {
				return err
			}
			return nlErr(c.Route.Add(m))
		})
	},
	done: RouteIsAsked,
	undo: func(_ context.Context, env *ActionEnv, a *Action, _, _ map[string]string) error {
		want, err := routeParam(a, "")
		if err != nil {
			return err
		}
		return dropCreatedRoute(env, a, want)
	},
}

var routeDeleteAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		want, cur, present, err := routeNow(a)
		if err != nil {
			return Preview{}, err
		}
		if !present {
			return Preview{}, fmt.Errorf("no route to %s in the main table", a2s(want.dst))
		}
		p := Preview{Changes: []string{fmt.Sprintf("route %s%s → removed", cur.text(), where(a))}, Reversible: true,
			Undo: "adds " + cur.text() + " back", Old: routeOld(cur, true)}
		if want.dst.Bits() == 0 {
			p.Traffic = "it is the default route: every connection to another network, an SSH session included, goes through it"
		}
		return p, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		prev, err := routeFromOld(a, old)
		if err != nil {
			return nil, err
		}
		return map[string]string{"present": "false"}, dropRoute(a, prev)
	},
	done: func(a *Action) (string, bool, error) {
		want, cur, present, err := routeNow(a)
		if err != nil {
			return "", false, err
		}
		if present {
			return fmt.Sprintf("the route %s%s is still there", cur.text(), where(a)), false, nil
		}
		return fmt.Sprintf("no route to %s%s", a2s(want.dst), where(a)), true, nil
	},
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		prev, err := routeFromOld(a, old)
		if err != nil {
			return err
		}
		return putRoute(a, prev)
	},
}

// EffectiveMetric is the metric the kernel gives the route: IPv6 routes added
// without one get 1024 (IP6_RT_PRIO_USER).
func EffectiveMetric(metric uint32, inet6 bool) uint32 {
	if metric == 0 && inet6 {
		return 1024
	}
	return metric
}
