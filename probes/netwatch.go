package probes

import (
	"fmt"
	"net/netip"
	"sort"
	"sync"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"golang.org/x/sys/unix"
)

// NetWatcher keeps the links, addresses and routes of a namespace current
// from rtnetlink notifications (the groups `ip monitor` joins), so that a
// refresh of an unchanged host with 20,000 links costs what it costs with 20:
// one non-blocking read that finds nothing. It dumps once at the start, and
// again only when the kernel reports lost notifications (ENOBUFS).
type NetWatcher struct {
	mu     sync.Mutex
	events *rtnl.Sock
	env    *env

	links  map[int32]Link
	addrs  map[addrKey]Addr
	routes map[routeKey]Route

	// nsPath and nsIno identify the watched namespace's file (a named
	// namespace, a path, a process's ns/net); gone says it was deleted or
	// replaced while watched.
	nsPath string
	nsIno  uint64
	gone   string

	version  uint64 // bumps with every applied change
	built    uint64 // version of cached
	cached   NetFacts
	Dumps    int // full dumps done (the first one included)
	Events   int // notifications applied
	lastGaps Gaps
}

type addrKey struct {
	index  int32
	prefix netip.Prefix
}

type routeKey struct {
	family string
	dst    netip.Prefix
	table  uint32
	metric uint32
}

// The rtnetlink multicast groups (RTNLGRP_*).
const (
	grpLink       = 1
	grpIPv4Ifaddr = 5
	grpIPv4Route  = 7
	grpIPv6Ifaddr = 9
	grpIPv6Route  = 11
)

// NewNetWatcher subscribes to the target namespace's notifications, then
// dumps its current state. Subscribing first means no change between the
// dump and the first read is missed (applying it twice is harmless).
func NewNetWatcher(t Target) (*NetWatcher, error) {
	e, _ := resolve(t)
	if !e.root.Live() {
		return nil, fmt.Errorf("offline root %s: no notifications", e.root.Dir)
	}
	s, err := e.dialRoute(grpLink, grpIPv4Ifaddr, grpIPv4Route, grpIPv6Ifaddr, grpIPv6Route)
	if err != nil {
		return nil, err
	}
	// A large queue: a burst of 20,000 changes should not overflow it.
	unix.SetsockoptInt(s.Fd(), unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 32<<20)
	w := &NetWatcher{events: s, env: e, nsPath: e.netnsPath}
	if w.nsPath != "" {
		if w.nsIno, err = nsfsInode(w.nsPath); err != nil {
			s.Close()
			return nil, fmt.Errorf("network namespace %s: %s", e.netnsDesc, Reason(err))
		}
	}
	if err := w.dump(); err != nil {
		s.Close()
		return nil, err
	}
	return w, nil
}

// Close stops watching.
func (w *NetWatcher) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.gone != "" {
		return nil // closed when the namespace went
	}
	return w.events.Close()
}

func nsfsInode(p string) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// checkGone notices that the watched namespace was deleted (ip netns del),
// or replaced by another of the same name, or that its process exited. The
// socket held it alive, links and all: it is closed, so the namespace can
// go, and the facts say it is gone instead of showing its old links.
func (w *NetWatcher) checkGone() {
	if w.nsPath == "" || w.gone != "" {
		return
	}
	ino, err := nsfsInode(w.nsPath)
	switch {
	case err != nil:
		w.gone = fmt.Sprintf("the network namespace %s is gone (deleted while watched: %s); its links are no longer shown", w.env.netnsDesc, Reason(err))
	case ino != w.nsIno:
		w.gone = fmt.Sprintf("the network namespace %s was deleted while watched and %s now names another one (inode %d, was %d); restart to examine it", w.env.netnsDesc, w.nsPath, ino, w.nsIno)
	default:
		return
	}
	w.events.Close()
	w.links, w.addrs, w.routes = nil, nil, nil
	w.cached = NetFacts{}
	for _, f := range []string{"links", "addrs", "routes"} {
		w.cached.Gaps.AddReason(f, w.gone)
	}
	w.version++
	w.built = w.version
}

// Gone says why the watched namespace is no longer there ("" while it is).
func (w *NetWatcher) Gone() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.checkGone()
	return w.gone
}

// dump reads everything again (at the start, and after lost notifications).
func (w *NetWatcher) dump() error {
	n := gatherNetDump(w.env)
	w.Dumps++
	w.links = make(map[int32]Link, len(n.Links))
	for _, l := range n.Links {
		w.links[l.Index] = l
	}
	w.addrs = make(map[addrKey]Addr, len(n.Addrs))
	for _, a := range n.Addrs {
		w.addrs[addrKey{a.Index, a.Prefix}] = a
	}
	w.routes = make(map[routeKey]Route, len(n.Routes))
	for _, r := range n.Routes {
		w.routes[keyOf(r)] = r
	}
	w.lastGaps = n.Gaps
	w.version++
	if len(n.Gaps) > 0 {
		return fmt.Errorf("%s: %s", n.Gaps[0].Fact, n.Gaps[0].Reason)
	}
	return nil
}

func keyOf(r Route) routeKey { return routeKey{r.Family, r.Dst, r.Table, r.Metric} }

// Net applies the queued notifications and returns the current facts. The
// facts are rebuilt only when something changed.
func (w *NetWatcher) Net() NetFacts {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.checkGone(); w.gone != "" {
		return w.cached
	}
	_, err := w.events.Poll(w.apply)
	if err != nil || w.events.Lost.Load() {
		w.events.Lost.Store(false)
		w.drain()
		w.dump()
	}
	if w.built != w.version || w.Dumps == 0 {
		w.cached = w.build()
		w.built = w.version
	}
	return w.cached
}

// drain discards what is queued before a re-dump (the dump supersedes it).
func (w *NetWatcher) drain() {
	for range 1000 {
		n, err := w.events.Poll(func(rtnl.Header, []byte) {})
		if n == 0 || err != nil {
			return
		}
	}
}

func (w *NetWatcher) apply(h rtnl.Header, data []byte) {
	switch h.Type {
	case unix.RTM_NEWLINK:
		if l, err := rtnl.DecodeLink(data); err == nil {
			w.links[l.Index] = l
		}
	case unix.RTM_DELLINK:
		if l, err := rtnl.DecodeLink(data); err == nil {
			delete(w.links, l.Index)
			for k := range w.addrs {
				if k.index == l.Index {
					delete(w.addrs, k)
				}
			}
		}
	case unix.RTM_NEWADDR:
		if a, err := rtnl.DecodeAddr(data); err == nil {
			w.addrs[addrKey{a.Index, a.Prefix}] = a
		}
	case unix.RTM_DELADDR:
		if a, err := rtnl.DecodeAddr(data); err == nil {
			delete(w.addrs, addrKey{a.Index, a.Prefix})
		}
	case unix.RTM_NEWROUTE:
		if r, err := rtnl.DecodeRoute(data, localRouteProtocol); err == nil && r.Table == unix.RT_TABLE_MAIN {
			w.routes[keyOf(r)] = r
		}
	case unix.RTM_DELROUTE:
		if r, err := rtnl.DecodeRoute(data, localRouteProtocol); err == nil {
			delete(w.routes, keyOf(r))
		}
	default:
		return
	}
	w.Events++
	w.version++
}

func (w *NetWatcher) build() NetFacts {
	n := NetFacts{Links: make([]Link, 0, len(w.links)), Addrs: make([]Addr, 0, len(w.addrs)), Routes: make([]Route, 0, len(w.routes)),
		Gaps: w.lastGaps}
	for _, l := range w.links {
		n.Links = append(n.Links, l)
	}
	sort.Slice(n.Links, func(i, j int) bool { return n.Links[i].Index < n.Links[j].Index })
	for _, a := range w.addrs {
		n.Addrs = append(n.Addrs, a)
	}
	sort.Slice(n.Addrs, func(i, j int) bool {
		if n.Addrs[i].Index != n.Addrs[j].Index {
			return n.Addrs[i].Index < n.Addrs[j].Index
		}
		return prefixLess(n.Addrs[i].Prefix, n.Addrs[j].Prefix)
	})
	for _, r := range w.routes {
		n.Routes = append(n.Routes, r)
	}
	sort.Slice(n.Routes, func(i, j int) bool {
		a, b := n.Routes[i], n.Routes[j]
		if a.Family != b.Family {
			return a.Family < b.Family
		}
		return prefixLess(a.Dst, b.Dst)
	})
	n.Index()
	return n
}

func prefixLess(a, b netip.Prefix) bool {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c < 0
	}
	return a.Bits() < b.Bits()
}
