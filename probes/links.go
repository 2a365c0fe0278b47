package probes

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/prometheus/procfs"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"golang.org/x/sys/unix"
)

// NetFacts are the links, addresses and routes of the examined network
// namespace, read over rtnetlink, plus /proc/net/dev as a cross-check.
type NetFacts struct {
	Links  []Link  `json:"links"`
	Addrs  []Addr  `json:"addrs"`
	Routes []Route `json:"routes"` // the main table
	// NetDev are the interface names /proc/net/dev lists: read only when
	// rtnetlink is unavailable (offline roots, no netlink socket), as the
	// seed's cross-check. On a live system it adds nothing rtnetlink does
	// not say, and the kernel computes every device's statistics to print
	// it (45 ms at 20,000 links).
	NetDev []string `json:"netdev,omitempty"`
	// UDP are the UDP sockets bound to a port one of the vxlan links uses
	// (udpsockets.go).
	UDP []UDPSocket `json:"udp,omitempty"`
	// TunHolders are the processes holding the tun/tap devices the
	// symptom names (tunholders.go).
	TunHolders []TunHolder `json:"tun_holders,omitempty"`
	// Drivers are the drivers of the devices the symptom names (drivers.go).
	Drivers []Driver `json:"drivers,omitempty"`
	Gaps    Gaps     `json:"unavailable,omitempty"`

	byIndex map[int32]int
}

// LinkByName finds a link by its name or one of its altnames.
func (n *NetFacts) LinkByName(name string) (Link, bool) {
	for i := range n.Links {
		if n.Links[i].Name == name {
			return n.Links[i], true
		}
	}
	for i := range n.Links {
		for _, a := range n.Links[i].AltNames {
			if a == name {
				return n.Links[i], true
			}
		}
	}
	return Link{}, false
}

// LinkByIndex finds a link by its index. The index map is built when the
// facts are made (Index); facts are read concurrently (the dashboard renders
// while a diagnosis runs), so lookups never write.
func (n *NetFacts) LinkByIndex(i int32) (Link, bool) {
	if n.byIndex != nil {
		if k, ok := n.byIndex[i]; ok && k < len(n.Links) && n.Links[k].Index == i {
			return n.Links[k], true
		}
		return Link{}, false
	}
	for k := range n.Links {
		if n.Links[k].Index == i {
			return n.Links[k], true
		}
	}
	return Link{}, false
}

// Index builds the index-to-link map LinkByIndex uses. Call it before the
// facts are shared.
func (n *NetFacts) Index() {
	n.byIndex = make(map[int32]int, len(n.Links))
	for k := range n.Links {
		n.byIndex[n.Links[k].Index] = k
	}
}

// AddrsOf returns the addresses of the link with index i.
func (n *NetFacts) AddrsOf(i int32) []Addr {
	var out []Addr
	for _, a := range n.Addrs {
		if a.Index == i {
			out = append(out, a)
		}
	}
	return out
}

// dialRoute opens a NETLINK_ROUTE socket in the target's network namespace.
func (e *env) dialRoute(groups ...uint32) (*rtnl.Sock, error) {
	if e.netnsErr != nil {
		return nil, e.netnsErr
	}
	s, err := rtnl.Dial(e.netnsPath, groups...)
	if err != nil {
		return nil, fmt.Errorf("cannot open a netlink socket in the network namespace %s: %s", e.netnsDesc, Reason(err))
	}
	return s, nil
}

// GroupNet is the fact group of the examined namespace's links, addresses
// and routes.
const GroupNet Group = "net"

var netGroup = newGroup(GroupNet, RefreshFast, func(f *Facts) *NetFacts { return &f.Net },
	func(_ context.Context, e *env) NetFacts { return gatherNet(e) }).writtenBy(writeNetJSON)

func gatherNet(e *env) NetFacts {
	var n NetFacts
	if e.watcher != nil {
		n = e.watcher.Net()
		n.Gaps = append(Gaps(nil), n.Gaps...) // the watcher's cached facts are shared
	} else {
		n = gatherNetDump(e)
	}
	readUDPSockets(e, &n)
	readTunHolders(e, &n)
	readDrivers(e, &n)
	return n
}

// gatherNetDump dumps links, addresses and routes over a new socket.
func gatherNetDump(e *env) NetFacts {
	var n NetFacts
	if !e.root.Live() {
		if n, ok := offlineNet(e); ok { // a capture's or a sosreport's files
			return n
		}
		n.NetDev, _ = readNetDev(e, &n.Gaps)
		reason := fmt.Sprintf("offline root %s: links, addresses and routes come from the live kernel over rtnetlink, not from files", e.root.Dir)
		n.Gaps.AddReason("links", reason)
		n.Gaps.AddReason("addrs", reason)
		n.Gaps.AddReason("routes", reason)
		return n
	}
	s, err := e.dialRoute()
	if err != nil {
		for _, f := range []string{"links", "addrs", "routes"} {
			n.Gaps.AddReason(f, err.Error())
		}
		n.NetDev, _ = readNetDev(e, &n.Gaps)
		return n
	}
	defer s.Close()
	_ = s.SetTimeout(e.timeout)
	links, err := dumpLinks(s)
	if err != nil {
		n.Gaps.AddReason("links", "link dump failed: "+Reason(err))
		n.NetDev, _ = readNetDev(e, &n.Gaps)
	}
	n.Links = links
	addrs, err := dumpAddrs(s)
	if err != nil {
		n.Gaps.AddReason("addrs", "address dump failed: "+Reason(err))
	}
	n.Addrs = addrs
	routes, err := dumpRoutes(s, unix.RT_TABLE_MAIN)
	if err != nil {
		n.Gaps.AddReason("routes", "route dump failed: "+Reason(err))
	}
	n.Routes = routes
	n.Index()
	return n
}

func dumpLinks(s *rtnl.Sock) ([]Link, error) {
	var links []Link
	err := dumpRetry(func() error {
		links = links[:0]
		return s.Dump(unix.RTM_GETLINK, rtnl.LinkDumpRequest(), func(typ uint16, data []byte) error {
			if typ != unix.RTM_NEWLINK {
				return nil
			}
			if l, err := rtnl.DecodeLink(data); err == nil {
				links = append(links, l)
			}
			return nil
		})
	})
	// The kernel dumps in index order almost always: sort only if not.
	if !sort.SliceIsSorted(links, func(i, j int) bool { return links[i].Index < links[j].Index }) {
		sort.Slice(links, func(i, j int) bool { return links[i].Index < links[j].Index })
	}
	return links, err
}

func dumpAddrs(s *rtnl.Sock) ([]Addr, error) {
	var addrs []Addr
	err := dumpRetry(func() error {
		addrs = addrs[:0]
		return s.Dump(unix.RTM_GETADDR, make([]byte, unix.SizeofIfAddrmsg), func(typ uint16, data []byte) error {
			if typ != unix.RTM_NEWADDR {
				return nil
			}
			if a, err := rtnl.DecodeAddr(data); err == nil {
				addrs = append(addrs, a)
			}
			return nil
		})
	})
	return addrs, err
}

func dumpRoutes(s *rtnl.Sock, table uint32) ([]Route, error) {
	var routes []Route
	err := dumpRetry(func() error {
		routes = routes[:0]
		return s.Dump(unix.RTM_GETROUTE, make([]byte, rtnl.SizeofRtmsg), func(typ uint16, data []byte) error {
			if typ != unix.RTM_NEWROUTE {
				return nil
			}
			if r, err := rtnl.DecodeRoute(data, localRouteProtocol); err == nil && (table == 0 || r.Table == table) {
				routes = append(routes, r)
			}
			return nil
		})
	})
	return routes, err
}

// dumpRetry repeats a dump the kernel interrupted because the table changed
// under it (NLM_F_DUMP_INTR), a few times.
func dumpRetry(fn func() error) error {
	var err error
	for range 3 {
		if err = fn(); !errors.Is(err, rtnl.ErrDumpInterrupted) {
			return err
		}
	}
	return err
}

// readNetDev lists the interface names in the namespace's /proc/net/dev.
func readNetDev(e *env, gaps *Gaps) ([]string, error) {
	var nd procfs.NetDev
	var err error
	read := func(dir string) error {
		fs, err := procfs.NewFS(dir)
		if err != nil {
			return err
		}
		nd, err = fs.NetDev()
		return err
	}
	switch {
	case e.netnsErr != nil:
		err = e.netnsErr
	case e.netnsPath == "" || !e.root.Live():
		err = read(e.netProc())
	default:
		err = netns.Do(e.netnsPath, func() error { return read("/proc/thread-self") })
	}
	if err != nil {
		gaps.Add("netdev", err)
		return nil, err
	}
	names := make([]string, 0, len(nd))
	for name := range nd {
		names = append(names, name)
	}
	sort.Strings(names)
	return names, nil
}
