package fix

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"golang.org/x/sys/unix"
)

// link-mtu sets one link's MTU (`ip link set dev NAME mtu N`) in the
// namespace the entry records, on the link it records by ifindex. Its
// parameters, state and object are declared in action_net_state.go.

// The range checked when the device reports no limits of its own: IPv4's
// minimum (68, RFC 791) and the largest Ethernet-style MTU (ETH_MAX_MTU).
const minMTUDefault, maxMTUDefault = 68, 65535

// ipv6MinMTU is IPv6's minimum link MTU (RFC 8200): below it the kernel
// disables IPv6 on the device (addrconf_notify, NETDEV_CHANGEMTU).
const ipv6MinMTU = 1280

// LinkMTUAct is the typed constructor of a link-mtu action: set the link
// name in the namespace at netns ("" for rtnl-doctor's own) to MTU mtu.
func LinkMTUAct(netns, name string, mtu uint32) *Action {
	return Act("link-mtu", "netns", netns, "name", name, "mtu", strconv.FormatUint(uint64(mtu), 10))
}

// linkMTULimits reads the device's min_mtu and max_mtu (IFLA_MIN_MTU,
// IFLA_MAX_MTU, which the rtnetlink library does not decode; 0 when not
// reported or unlimited).
func linkMTULimits(a *Action, index uint32) (min, max uint32, err error) {
	found := false
	err = inNetnsSock(a, func(s *rtnl.Sock) error {
		return s.Dump(unix.RTM_GETLINK, rtnl.LinkDumpRequest(), func(typ uint16, data []byte) error {
			if typ != unix.RTM_NEWLINK || found {
				return nil
			}
			l, err := rtnl.DecodeLink(data)
			if err == nil && uint32(l.Index) == index {
				min, max, found = l.MinMTU, l.MaxMTU, true
			}
			return nil
		})
	})
	if err == nil && !found {
		err = fmt.Errorf("link with ifindex %d: not found", index)
	}
	return min, max, err
}

// MTUOutside says why mtu is outside what the device takes ("" when inside):
// its own min_mtu/max_mtu when it reports a maximum, else 68..65535.
func MTUOutside(name string, mtu, min, max uint32) string {
	lo, hi, whose := uint32(minMTUDefault), uint32(maxMTUDefault), "the range rtnl-doctor sets when the device reports no limits"
	if max > 0 {
		lo, hi, whose = min, max, name+"'s min_mtu/max_mtu"
	}
	if mtu < lo || mtu > hi {
		return fmt.Sprintf("MTU %d is outside %d-%d (%s): nothing would be changed", mtu, lo, hi, whose)
	}
	return ""
}

func setLinkMTU(c *rtnetlink.Conn, index, mtu uint32) error {
	return nlErr(c.Link.Set(&rtnetlink.LinkMessage{Family: unix.AF_UNSPEC, Index: index,
		Attributes: &rtnetlink.LinkAttributes{MTU: mtu}}))
}

// onRecordedLink runs fn on the link named in a, after checking that it is
// the link with the ifindex recorded in state (old or new) when one is.
func onRecordedLink(a *Action, state map[string]string, fn func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error) error {
	return withLink(a, a.Param("name"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		if want := state["ifindex"]; want != "" && want != fmt.Sprint(l.Index) {
			return fmt.Errorf("%s%s is another link now (ifindex %d, the fix read ifindex %s): nothing was changed", a.Param("name"), where(a), l.Index, want)
		}
		return fn(c, l)
	})
}

func linkMTUOf(l rtnetlink.LinkMessage) uint32 {
	if l.Attributes == nil {
		return 0
	}
	return l.Attributes.MTU
}

var linkMTUAction = actionKind{
	needs: needNetAdmin,
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		mtu, err := parseMTU(a.Param("mtu"))
		if err != nil {
			return Preview{}, err
		}
		var p Preview
		err = withLink(a, a.Param("name"), func(_ *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			min, max, err := linkMTULimits(a, l.Index)
			if err != nil {
				return err
			}
			if why := MTUOutside(a.Param("name"), mtu, min, max); why != "" {
				return errors.New(why)
			}
			cur := linkMTUOf(l)
			ch := fmt.Sprintf("%s%s (ifindex %d): MTU %d → %d", a.Param("name"), where(a), l.Index, cur, mtu)
			if cur == mtu {
				ch = fmt.Sprintf("%s%s (ifindex %d) already has MTU %d: no change", a.Param("name"), where(a), l.Index, cur)
			}
			changes := []string{ch}
			if l.Flags&unix.IFF_UP != 0 && cur != mtu {
				changes = append(changes, fmt.Sprintf("%s is UP: the new MTU applies at once to all its traffic", a.Param("name")))
			}
			p = Preview{Changes: changes, Reversible: true,
				Undo: fmt.Sprintf("sets the MTU of %s back to %d, only while it is the same link (ifindex %d) with MTU %d; it refuses, naming them, to lower devices stacked on it or to drop IPv6 made since (--force does it anyway)",
					a.Param("name"), cur, l.Index, mtu),
				Old: map[string]string{"ifindex": fmt.Sprint(l.Index), "mtu": fmt.Sprint(cur)}}
			return nil
		})
		return p, err
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, old map[string]string) (map[string]string, error) {
		mtu, err := parseMTU(a.Param("mtu"))
		if err != nil {
			return nil, err
		}
		var idx uint32
		err = onRecordedLink(a, old, func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			idx = l.Index
			return setLinkMTU(c, l.Index, mtu)
		})
		return map[string]string{"ifindex": fmt.Sprint(idx), "mtu": a.Param("mtu")}, err
	},
	// Verified by reading the MTU back.
	done: func(a *Action) (string, bool, error) {
		var cur uint32
		err := withLink(a, a.Param("name"), func(_ *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			cur = linkMTUOf(l)
			return nil
		})
		if err != nil {
			return "", false, err
		}
		return fmt.Sprintf("%s%s has MTU %d", a.Param("name"), where(a), cur), fmt.Sprint(cur) == a.Param("mtu"), nil
	},
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		prev, err := parseMTU(old["mtu"])
		if err != nil {
			return fmt.Errorf("the journal's old MTU: %w: nothing was changed", err)
		}
		if old["ifindex"] == "" {
			return errors.New("the journal does not record the link's ifindex: refusing to guess: nothing was changed")
		}
		// locate checked the ifindex already; checked again at the change.
		return onRecordedLink(a, old, func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			return setLinkMTU(c, l.Index, prev)
		})
	},
	undoCosts: func(a *Action, old map[string]string) (string, error) {
		prev, err := parseMTU(old["mtu"])
		if err != nil {
			return "", nil // undo itself refuses it
		}
		var lost []string
		err = onRecordedLink(a, old, func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
			lost, err = mtuUndoLosses(c, l, prev)
			return err
		})
		if len(lost) == 0 || err != nil {
			return "", err
		}
		return fmt.Sprintf("%s (putting the MTU back to %d)", strings.Join(lost, "; and "), prev), nil
	},
}

// mtuUndoLosses says what else a lower MTU takes with it, made since the
// fix: IPv6 addresses when the MTU goes below 1280 (addrconf_notify
// disables IPv6 on the device and drops every address), and the MTU of
// devices stacked on this one (macvlan, vlan, ipvlan) above the new value,
// which the kernel lowers with it.
func mtuUndoLosses(c *rtnetlink.Conn, l rtnetlink.LinkMessage, prev uint32) ([]string, error) {
	cur := uint32(0)
	if l.Attributes != nil {
		cur = l.Attributes.MTU
	}
	if prev >= cur {
		return nil, nil
	}
	var lost []string
	if prev < ipv6MinMTU {
		ps, err := addrsOn(c, l.Index)
		if err != nil {
			return nil, err
		}
		var v6 []string
		for _, p := range ps {
			if p.Addr().Is6() {
				v6 = append(v6, p.String())
			}
		}
		if len(v6) > 0 {
			lost = append(lost, fmt.Sprintf("remove IPv6 from %s (below 1280 the kernel disables it): its addresses %s would go", linkName(l), strings.Join(v6, ", ")))
		}
	}
	links, err := c.Link.List()
	if err != nil {
		return nil, nlErr(err)
	}
	for _, u := range links {
		// The bridge the link is a port of: with its MTU not set by hand,
		// it follows its smallest port (br_mtu_auto_adjust).
		if l.Attributes != nil && l.Attributes.Master != nil && u.Index == *l.Attributes.Master && u.Attributes != nil &&
			u.Attributes.Info != nil && u.Attributes.Info.Kind == "bridge" && u.Attributes.MTU > prev {
			lost = append(lost, fmt.Sprintf("lower the bridge %s, of which %s is a port, from MTU %d to %d", u.Attributes.Name, linkName(l), u.Attributes.MTU, prev))
			continue
		}
		if u.Attributes == nil || u.Attributes.Type != l.Index || u.Index == l.Index || u.Attributes.MTU <= prev ||
			u.Attributes.Info == nil || !stackedKinds[u.Attributes.Info.Kind] {
			continue // (a veth's peer names it too, and keeps its own MTU)
		}
		lost = append(lost, fmt.Sprintf("lower %s, stacked on %s, from MTU %d to %d", u.Attributes.Name, linkName(l), u.Attributes.MTU, prev))
	}
	return lost, nil
}

// stackedKinds are the devices whose MTU the kernel lowers with their
// lower device's (macvlan_device_event, vlan_device_event, ipvlan).
var stackedKinds = map[string]bool{"macvlan": true, "macvtap": true, "ipvlan": true, "ipvtap": true, "vlan": true}

func linkName(l rtnetlink.LinkMessage) string {
	if l.Attributes != nil {
		return l.Attributes.Name
	}
	return fmt.Sprint(l.Index)
}
