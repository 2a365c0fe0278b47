package fix

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"golang.org/x/sys/unix"
)

// addr-delete removes what the kernel removes with the address, and undo
// puts all of it back: deleting a primary IPv4 address also deletes its
// secondaries (the addresses of its subnet added after it) unless
// net.ipv4.conf.DEV.promote_secondaries (or .all) is 1, when the first of
// them becomes the primary instead; the connected (prefix) route goes
// with the primary and comes back with it. The journal's old state keeps
// every address removed, primary first, with its flags, label, broadcast,
// scope and lifetimes (as deadlines on CLOCK_MONOTONIC, the clock the
// kernel ages addresses by), so that undo gives each what it has left.

// ifAddr is one address of a link, as the kernel lists it.
type ifAddr struct {
	prefix    netip.Prefix // the local address and prefix length
	peer      netip.Addr   // IFA_ADDRESS when it differs (point-to-point)
	brd       netip.Addr
	label     string
	scope     uint8
	flags     uint32
	metric    uint32
	valid     uint32 // seconds left; infinity: forever
	preferred uint32
}

const lftForever = ^uint32(0)

// restorableFlags are the address flags one sets when adding an address
// (the others, secondary, permanent, tentative, deprecated, the kernel sets).
const restorableFlags = unix.IFA_F_NODAD | unix.IFA_F_HOMEADDRESS | unix.IFA_F_MANAGETEMPADDR | unix.IFA_F_NOPREFIXROUTE | unix.IFA_F_MCAUTOJOIN

func ipOf(b net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(b)
	return a.Unmap()
}

// ifAddrs lists link idx's addresses in the kernel's order (a subnet's
// primary before its secondaries).
func ifAddrs(c *rtnetlink.Conn, idx uint32) ([]ifAddr, error) {
	all, err := c.Address.List()
	if err != nil {
		return nil, nlErr(err)
	}
	var out []ifAddr
	for _, m := range all {
		if m.Index != idx || m.Attributes == nil {
			continue
		}
		at := m.Attributes
		local, addr := ipOf(at.Local), ipOf(at.Address)
		if !local.IsValid() {
			local = addr
		}
		if !local.IsValid() {
			continue
		}
		x := ifAddr{prefix: netip.PrefixFrom(local, int(m.PrefixLength)), label: at.Label, scope: m.Scope,
			flags: at.Flags, metric: at.Priority, valid: at.CacheInfo.Valid, preferred: at.CacheInfo.Preferred}
		if x.flags == 0 {
			x.flags = uint32(m.Flags)
		}
		if addr.IsValid() && addr != local {
			x.peer = addr
		}
		x.brd = ipOf(at.Broadcast)
		if at.CacheInfo == (rtnetlink.CacheInfo{}) {
			x.valid, x.preferred = lftForever, lftForever
		}
		out = append(out, x)
	}
	return out, nil
}

// sameSubnet: b is in a's IPv4 subnet with a's prefix length, as the
// kernel tells a primary's secondaries (inet_ifa_match).
func sameSubnet(a, b ifAddr) bool {
	return a.prefix.Addr().Is4() && b.prefix.Addr().Is4() && a.prefix.Bits() == b.prefix.Bits() &&
		a.prefix.Masked() == b.prefix.Masked()
}

// promoteSecondaries reads net.ipv4.conf.{all,DEV}.promote_secondaries in
// the action's namespace: either set promotes.
func promoteSecondaries(a *Action, dev string) (bool, error) {
	var on bool
	read := func() error {
		for _, d := range []string{"all", dev} {
			b, err := os.ReadFile("/proc/sys/net/ipv4/conf/" + d + "/promote_secondaries")
			if err != nil {
				return fmt.Errorf("net.ipv4.conf.%s.promote_secondaries: %w", d, err)
			}
			if strings.TrimSpace(string(b)) != "0" {
				on = true
			}
		}
		return nil
	}
	var err error
	if ns := a.Param("netns"); ns != "" {
		err = netns.Do(ns, read)
	} else {
		err = read()
	}
	return on, err
}

// addrRemoval is what deleting the action's address takes with it.
type addrRemoval struct {
	target     ifAddr
	removed    []ifAddr // the target first, then the secondaries it drops
	promoted   *ifAddr  // the secondary that becomes primary instead
	others     []ifAddr // the target's subnet on the link, but the target
	promote    bool
	primary    bool
	prefixGone bool     // the connected route goes with it
	routesLost []string // routes flushed with it that undo does not make again
}

// planAddrDelete reads the link and says what deleting the address
// removes. found is false when the address is not on the link.
func planAddrDelete(a *Action) (r addrRemoval, found bool, err error) {
	p, err := prefixParam(a)
	if err != nil {
		return r, false, err
	}
	var addrs []ifAddr
	var routes []rtnetlink.RouteMessage
	var idx uint32
	err = withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		idx = l.Index
		if addrs, err = ifAddrs(c, l.Index); err != nil {
			return err
		}
		if routes, err = c.Route.List(); err != nil {
			return nlErr(err)
		}
		return nil
	})
	if err != nil {
		return r, false, err
	}
	i := -1
	for j, x := range addrs {
		if x.prefix == p {
			i = j
		} else if sameSubnet(ifAddr{prefix: p}, x) {
			r.others = append(r.others, x)
		}
	}
	if i < 0 {
		return r, false, nil
	}
	r.target = addrs[i]
	r.removed = []ifAddr{r.target}
	if !p.Addr().Is4() || r.target.flags&unix.IFA_F_SECONDARY != 0 {
		return r, true, nil
	}
	r.primary = true
	if r.promote, err = promoteSecondaries(a, a.Param("dev")); err != nil {
		return r, true, err
	}
	for _, x := range addrs[i+1:] {
		if x.flags&unix.IFA_F_SECONDARY == 0 || !sameSubnet(r.target, x) {
			continue
		}
		if r.promote {
			x := x
			r.promoted = &x
			break
		}
		r.removed = append(r.removed, x)
	}
	r.prefixGone = r.promoted == nil && r.target.flags&unix.IFA_F_NOPREFIXROUTE == 0
	r.routesLost = lostRoutes(routes, idx, r.removed, addrs)
	return r, true, nil
}

// lostRoutes lists the IPv4 routes the kernel flushes with the addresses
// removed and does not make again when they come back: those with one of
// them as source (fib_sync_down_addr), and, when no IPv4 address is left
// on the link, every route through it (fib_disable_ip). The connected and
// local routes of the addresses themselves come back with them.
func lostRoutes(routes []rtnetlink.RouteMessage, idx uint32, removed, all []ifAddr) []string {
	gone := map[netip.Addr]bool{}
	for _, x := range removed {
		gone[x.prefix.Addr()] = true
	}
	lastV4 := true
	for _, x := range all {
		if x.prefix.Addr().Is4() && !gone[x.prefix.Addr()] {
			lastV4 = false
		}
	}
	var out []string
	for _, m := range routes {
		if m.Family != unix.AF_INET || m.Table == unix.RT_TABLE_LOCAL || m.Attributes.Table == unix.RT_TABLE_LOCAL {
			continue
		}
		src := ipOf(m.Attributes.Src)
		if m.Protocol == unix.RTPROT_KERNEL && gone[src] {
			continue
		}
		if !gone[src] && !(lastV4 && routeUses(m, idx)) {
			continue
		}
		dst := "default"
		if d := ipOf(m.Attributes.Dst); d.IsValid() {
			dst = netip.PrefixFrom(d, int(m.DstLength)).String()
		}
		if gw := ipOf(m.Attributes.Gateway); gw.IsValid() {
			dst += " via " + gw.String()
		}
		if src.IsValid() {
			dst += " src " + src.String()
		}
		if t := max(uint32(m.Table), m.Attributes.Table); t != unix.RT_TABLE_MAIN {
			dst += fmt.Sprintf(" table %d", t)
		}
		out = append(out, dst+" proto "+protoName(m.Protocol))
	}
	sort.Strings(out)
	return out
}

func prefixList(xs []ifAddr) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = x.prefix.String()
	}
	sort.Strings(s)
	return strings.Join(s, " ")
}

// monoNow is CLOCK_MONOTONIC in seconds.
func monoNow() int64 {
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	return ts.Sec
}

func deadline(left uint32, now int64) string {
	if left == lftForever {
		return "forever"
	}
	return strconv.FormatInt(now+int64(left), 10)
}

// old records the addresses removed (addrN_*, primary first) and the
// subnet's other addresses before the change.
func (r addrRemoval) old() map[string]string {
	old := map[string]string{"present": "true", "addrs": strconv.Itoa(len(r.removed)), "others": prefixList(r.others)}
	now := monoNow()
	for i, x := range r.removed {
		k := fmt.Sprintf("addr%d", i)
		old[k] = x.prefix.String()
		old[k+"_flags"] = fmt.Sprintf("0x%x", x.flags)
		old[k+"_scope"] = strconv.Itoa(int(x.scope))
		old[k+"_valid_until"] = deadline(x.valid, now)
		old[k+"_preferred_until"] = deadline(x.preferred, now)
		if x.label != "" {
			old[k+"_label"] = x.label
		}
		if x.brd.IsValid() {
			old[k+"_brd"] = x.brd.String()
		}
		if x.peer.IsValid() {
			old[k+"_peer"] = x.peer.String()
		}
		if x.metric != 0 {
			old[k+"_metric"] = strconv.FormatUint(uint64(x.metric), 10)
		}
	}
	return old
}

// savedAddr is one address the journal recorded as removed.
type savedAddr struct {
	ifAddr
	validUntil, preferredUntil int64 // -1: forever
}

func parseUntil(s string) (int64, error) {
	if s == "forever" {
		return -1, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// removedAddrs reads the addresses recorded in old (nil for an entry
// written before they were: only the action's own address is known).
func removedAddrs(old map[string]string) ([]savedAddr, error) {
	n, err := strconv.Atoi(old["addrs"])
	if old["addrs"] == "" {
		return nil, nil
	}
	if err != nil || n < 1 || n > 4096 {
		return nil, fmt.Errorf("the journal's address count %q is not valid", old["addrs"])
	}
	out := make([]savedAddr, 0, n)
	for i := 0; i < n; i++ {
		k := fmt.Sprintf("addr%d", i)
		var s savedAddr
		p, err := netip.ParsePrefix(old[k])
		if err != nil {
			return nil, fmt.Errorf("the journal's %s %q is not an address", k, old[k])
		}
		s.prefix = p
		f, err1 := strconv.ParseUint(strings.TrimPrefix(old[k+"_flags"], "0x"), 16, 32)
		sc, err2 := strconv.ParseUint(old[k+"_scope"], 10, 8)
		vu, err3 := parseUntil(old[k+"_valid_until"])
		pu, err4 := parseUntil(old[k+"_preferred_until"])
		if err := errors.Join(err1, err2, err3, err4); err != nil {
			return nil, fmt.Errorf("the journal's record of %s: %v", p, err)
		}
		s.flags, s.scope, s.validUntil, s.preferredUntil = uint32(f), uint8(sc), vu, pu
		s.label = old[k+"_label"]
		if v := old[k+"_brd"]; v != "" {
			if s.brd, err = netip.ParseAddr(v); err != nil {
				return nil, fmt.Errorf("the journal's broadcast of %s: %v", p, err)
			}
		}
		if v := old[k+"_peer"]; v != "" {
			if s.peer, err = netip.ParseAddr(v); err != nil {
				return nil, fmt.Errorf("the journal's peer of %s: %v", p, err)
			}
		}
		if v := old[k+"_metric"]; v != "" {
			m, err := strconv.ParseUint(v, 10, 32)
			if err != nil {
				return nil, fmt.Errorf("the journal's metric of %s: %v", p, err)
			}
			s.metric = uint32(m)
		}
		out = append(out, s)
	}
	return out, nil
}

// left is the lifetime an address recorded has left now (ok false when
// its valid lifetime has ended: the kernel would have removed it).
func (s savedAddr) left(now int64) (valid, preferred uint32, ok bool) {
	valid, preferred = lftForever, lftForever
	if s.validUntil >= 0 {
		if s.validUntil <= now {
			return 0, 0, false
		}
		valid = uint32(min(s.validUntil-now, int64(lftForever-1)))
	}
	if s.preferredUntil >= 0 {
		preferred = uint32(max(0, min(s.preferredUntil-now, int64(valid))))
	}
	return valid, preferred, true
}

// expiredAddrs names the recorded addresses whose valid lifetime has
// ended since.
func expiredAddrs(saved []savedAddr) []string {
	now := monoNow()
	var out []string
	for _, s := range saved {
		if _, _, ok := s.left(now); !ok {
			out = append(out, fmt.Sprintf("%s (its valid lifetime ended %ds ago)", s.prefix, now-s.validUntil))
		}
	}
	return out
}

// putAddr adds an address to link idx as recorded, with the lifetimes
// given (IFA_CACHEINFO, which the rtnetlink library does not send).
func putAddr(a *Action, idx uint32, s savedAddr, valid, preferred uint32) error {
	fam := byte(unix.AF_INET)
	if s.prefix.Addr().Is6() {
		fam = unix.AF_INET6
	}
	req := make([]byte, unix.SizeofIfAddrmsg)
	req[0], req[1], req[2], req[3] = fam, byte(s.prefix.Bits()), byte(s.flags&restorableFlags), s.scope
	nativePut32(req[4:8], idx)
	local := s.prefix.Addr().AsSlice()
	addr := local
	if s.peer.IsValid() {
		addr = s.peer.AsSlice()
	}
	if fam == unix.AF_INET {
		req = rtnl.Attr(req, unix.IFA_LOCAL, local)
	}
	req = rtnl.Attr(req, unix.IFA_ADDRESS, addr)
	if s.brd.IsValid() {
		req = rtnl.Attr(req, unix.IFA_BROADCAST, s.brd.AsSlice())
	}
	if s.label != "" {
		req = rtnl.Attr(req, unix.IFA_LABEL, append([]byte(s.label), 0))
	}
	req = rtnl.Attr(req, unix.IFA_FLAGS, rtnl.U32(s.flags&restorableFlags))
	ci := make([]byte, 16)
	nativePut32(ci[0:4], preferred)
	nativePut32(ci[4:8], valid)
	req = rtnl.Attr(req, unix.IFA_CACHEINFO, ci)
	if s.metric != 0 {
		req = rtnl.Attr(req, unix.IFA_RT_PRIORITY, rtnl.U32(s.metric))
	}
	return inNetnsSock(a, func(sk *rtnl.Sock) error {
		return sk.Request(unix.RTM_NEWADDR, unix.NLM_F_CREATE|unix.NLM_F_EXCL, req)
	})
}

// restoreAddrs puts the recorded addresses back on the action's link,
// primary first, each with the lifetime it has left; one already there is
// left as it is, one whose lifetime has ended is left out (undoCosts made
// the operator force that).
func restoreAddrs(a *Action, saved []savedAddr) error {
	var idx uint32
	var have []netip.Prefix
	err := withLink(a, a.Param("dev"), func(c *rtnetlink.Conn, l rtnetlink.LinkMessage) error {
		idx = l.Index
		var err error
		have, err = addrsOn(c, l.Index)
		return err
	})
	if err != nil {
		return err
	}
	now := monoNow()
	put := 0
	for _, s := range saved {
		valid, preferred, ok := s.left(now)
		if !ok || contains(have, s.prefix) {
			continue
		}
		if err := putAddr(a, idx, s, valid, preferred); err != nil {
			if put > 0 {
				return fmt.Errorf("adding %s back: %w (the addresses before it are back)", s.prefix, err)
			}
			return fmt.Errorf("adding %s back: %w", s.prefix, err)
		}
		put++
	}
	if put == 0 {
		return errGone{"every address the fix removed is back or has expired since: nothing to undo"}
	}
	return nil
}

func contains(ps []netip.Prefix, p netip.Prefix) bool {
	for _, x := range ps {
		if x == p {
			return true
		}
	}
	return false
}

// addrDeleteState is the address's presence and its subnet's other
// addresses on the link (those the kernel takes with it, or promotes).
func addrDeleteState(a *Action) (map[string]string, error) {
	r, found, err := planAddrDelete(a)
	if err != nil {
		return nil, err
	}
	return map[string]string{"present": strconv.FormatBool(found), "others": prefixList(r.others)}, nil
}

// addrDeleteLeft is the state addr-delete leaves: the address gone, and of
// its subnet only what the kernel kept (nil others: an entry written
// before they were recorded).
func addrDeleteLeft(_ *Action, old, _ map[string]string) map[string]string {
	if old["addrs"] == "" {
		return map[string]string{"present": "false"}
	}
	gone := map[string]bool{}
	saved, err := removedAddrs(old)
	if err != nil {
		return nil
	}
	for _, s := range saved {
		gone[s.prefix.String()] = true
	}
	var kept []string
	for _, o := range strings.Fields(old["others"]) {
		if !gone[o] {
			kept = append(kept, o)
		}
	}
	return map[string]string{"present": "false", "others": strings.Join(kept, " ")}
}

func addrDeleteWas(_ *Action, old map[string]string) map[string]string {
	if old["addrs"] == "" {
		return map[string]string{"present": "true"}
	}
	return map[string]string{"present": "true", "others": old["others"]}
}

// addrDeleteUndoCosts: an address whose valid lifetime has ended since
// would be gone by now; undo leaves it out only when forced.
func addrDeleteUndoCosts(_ *Action, old map[string]string) (string, error) {
	saved, err := removedAddrs(old)
	if err != nil {
		return "", err
	}
	if exp := expiredAddrs(saved); len(exp) > 0 {
		return "leave out " + strings.Join(exp, ", ") + ", which the kernel would have removed by now", nil
	}
	return "", nil
}

func nativePut32(b []byte, v uint32) { copy(b, rtnl.U32(v)) }
