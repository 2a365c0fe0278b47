package probes

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"golang.org/x/sys/unix"
)

// A sosreport (sos 3.x and 4.x: RHEL, Fedora, Ubuntu, Debian) holds copies
// of /proc, /sys, /etc and /var/log below its top directory, read as any
// captured tree, and command outputs under sos_commands/ that stand for
// facts it does not copy:
//
//	sos_commands/networking/ip_-s_-d_link       links (else ip_-d_address)
//	sos_commands/networking/ip_-d_address       addresses
//	sos_commands/networking/ip_route_show_table_all   routes (main table)
//	sos_commands/networking/ip_-4_rule[_list]   rules (listed as a source only)
//	sos_commands/kernel/sysctl_-a               /proc/sys/... values not copied
//	sos_commands/kernel/lsmod                   /proc/modules when not copied
//	sos_commands/kernel/uname_-a                /proc/sys/kernel/osrelease
//	sos_commands/networking/ethtool_-i_DEV      the driver of a named device (drivers.go)
//
// A copied file always wins over a command output. sos redacts secrets as
// "***" (psk=***): such a value is redacted, not invalid, and is left out.

// sosTree is what a sosreport's command outputs say, by the path of the
// file they stand for on the examined system.
type sosTree struct {
	files   map[string]sosFile
	sources []string // "fact: file" lines, for the report
}

type sosFile struct {
	data   []byte
	source string
}

var sosCache sync.Map // dir -> *sosTree (nil value: not a sosreport)

// sosFor returns the sosreport overlay of a root directory, nil when it is
// not one.
func sosFor(dir string) *sosTree {
	if v, ok := sosCache.Load(dir); ok {
		return v.(*sosTree)
	}
	t := loadSos(dir)
	sosCache.Store(dir, t)
	return t
}

// isRedacted: sos replaces what it redacts with "***" (or "********").
func isRedacted(v string) bool { return strings.HasPrefix(strings.TrimSpace(v), "***") }

func loadSos(dir string) *sosTree {
	if st, err := os.Stat(filepath.Join(dir, "sos_commands")); err != nil || !st.IsDir() {
		return nil
	}
	t := &sosTree{files: map[string]sosFile{}}
	// A laid-out supportconfig names its own files.
	var origins map[string]string
	if b, err := source.ReadInRoot(dir, supportconfigOrigins, 1<<20); err == nil {
		json.Unmarshal(b, &origins)
	}
	name := func(rel string) string {
		if o := origins[rel]; o != "" {
			return "supportconfig " + o
		}
		return rel
	}
	read := func(rel string) ([]byte, string, bool) {
		for _, r := range strings.Split(rel, "|") {
			b, err := source.ReadInRoot(dir, r, MaxFileSize)
			if err == nil {
				return b, name(r), true
			}
		}
		return nil, "", false
	}
	exists := func(p string) bool {
		_, err := os.Lstat(filepath.Join(dir, filepath.FromSlash(p)))
		return err == nil
	}
	if b, src, ok := read("sos_commands/kernel/sysctl_-a"); ok {
		n, red := 0, 0
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 0, 4096), 1<<20)
		for sc.Scan() {
			k, v, ok := strings.Cut(sc.Text(), " = ")
			if !ok || k == "" {
				continue
			}
			if isRedacted(v) {
				red++
				continue
			}
			p := sysctlKeyPath(k)
			if p == "" || exists(p) {
				continue
			}
			t.files[p] = sosFile{[]byte(v + "\n"), src}
			n++
		}
		note := ""
		if red > 0 {
			note = fmt.Sprintf(" (%d redacted values left out)", red)
		}
		t.sources = append(t.sources, fmt.Sprintf("sysctls (%d values not copied as /proc/sys files): %s%s", n, src, note))
	}
	if !exists("proc/modules") {
		if b, src, ok := read("sos_commands/kernel/lsmod"); ok {
			t.files["/proc/modules"] = sosFile{lsmodToProcModules(b), src}
			t.sources = append(t.sources, "modules.loaded (/proc/modules): "+src)
		}
	}
	if !exists("proc/sys/kernel/osrelease") && t.files["/proc/sys/kernel/osrelease"].data == nil {
		if b, src, ok := read("sos_commands/kernel/uname_-a|uname"); ok {
			if f := strings.Fields(string(b)); len(f) >= 3 {
				t.files["/proc/sys/kernel/osrelease"] = sosFile{[]byte(f[2] + "\n"), src}
				t.sources = append(t.sources, "host.kernel_release: "+src)
			}
		}
	}
	for _, c := range []struct{ fact, files string }{
		{"net.links", "sos_commands/networking/ip_-s_-d_link|sos_commands/networking/ip_-d_address"},
		{"net.addrs", "sos_commands/networking/ip_-d_address|sos_commands/networking/ip_address|sos_commands/networking/ip_-o_addr"},
		{"net.routes", "sos_commands/networking/ip_route_show_table_all"},
		{"net.rules (shown, not diagnosed)", "sos_commands/networking/ip_-4_rule|sos_commands/networking/ip_-4_rule_list"},
	} {
		for _, f := range strings.Split(c.files, "|") {
			if exists(f) {
				t.sources = append(t.sources, c.fact+": "+name(f))
				break
			}
		}
	}
	sort.Strings(t.sources)
	return t
}

// sysctlKeyPath maps a key as `sysctl -a` prints it to its /proc/sys path:
// dots separate components, and a "/" inside a component stands for a dot
// of an interface name (net.ipv4.conf.eth0/100.rp_filter).
func sysctlKeyPath(k string) string {
	parts := strings.Split(k, ".")
	for i, p := range parts {
		if p == "" || p == ".." {
			return ""
		}
		parts[i] = strings.ReplaceAll(p, "/", ".")
		if parts[i] == ".." {
			return ""
		}
	}
	return "/proc/sys/" + strings.Join(parts, "/")
}

// lsmodToProcModules turns `lsmod` output into /proc/modules lines.
func lsmodToProcModules(b []byte) []byte {
	var out bytes.Buffer
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] == "Module" && f[1] == "Size" { // the header (anywhere: supportconfig sorts lsmod)
			continue
		}
		deps := "-"
		if len(f) >= 4 {
			deps = f[3] + ","
		}
		fmt.Fprintf(&out, "%s %s %s %s Live 0x0000000000000000\n", f[0], f[1], f[2], deps)
	}
	return out.Bytes()
}

// Lookup answers a read of p below a sosreport root from its command
// outputs.
func (t *sosTree) Lookup(p string) ([]byte, bool) {
	if t == nil {
		return nil, false
	}
	f, ok := t.files[path.Clean("/"+p)]
	return f.data, ok
}

// sosNet reads a sosreport's ip outputs as the links, addresses and routes.
func sosNet(r Root) (NetFacts, bool) {
	if sosOf(r) == nil {
		return NetFacts{}, false
	}
	var n NetFacts
	first := func(names ...string) ([]byte, string, error) {
		var err error
		for _, nm := range names {
			var b []byte
			if b, err = r.ReadLimit("/sos_commands/networking/"+nm, 256<<20); err == nil {
				return b, "sos_commands/networking/" + nm, nil
			}
		}
		return nil, "", err
	}
	lb, _, lerr := first("ip_-s_-d_link", "ip_-d_address")
	ab, _, aerr := first("ip_-d_address", "ip_address")
	if lerr != nil && aerr != nil {
		for _, f := range []string{"links", "addrs", "routes"} {
			n.Gaps.AddReason(f, "the sosreport has no sos_commands/networking/ip_-s_-d_link or ip_-d_address (the networking plugin did not run)")
		}
		return n, true
	}
	if lerr != nil {
		lb = ab
	}
	n.Links, _ = parseIPLinks(lb)
	if aerr != nil {
		n.Gaps.AddReason("addrs", "the sosreport has no sos_commands/networking/ip_-d_address")
	} else {
		_, n.Addrs = parseIPLinks(ab)
		// Addresses name their link by index as that output numbered it.
	}
	n.Index()
	if rb, _, err := first("ip_route_show_table_all"); err != nil {
		n.Gaps.AddReason("routes", "the sosreport has no sos_commands/networking/ip_route_show_table_all")
	} else {
		n.Routes = parseIPRoutes(rb, &n, unix.RT_TABLE_MAIN)
	}
	return n, true
}

var ipLinkFlags = map[string]uint32{
	"UP": unix.IFF_UP, "BROADCAST": unix.IFF_BROADCAST, "LOOPBACK": unix.IFF_LOOPBACK, "POINTOPOINT": unix.IFF_POINTOPOINT,
	"MULTICAST": unix.IFF_MULTICAST, "NOARP": unix.IFF_NOARP, "PROMISC": unix.IFF_PROMISC, "LOWER_UP": unix.IFF_LOWER_UP,
	"DORMANT": unix.IFF_DORMANT, "ALLMULTI": unix.IFF_ALLMULTI, "MASTER": unix.IFF_MASTER, "SLAVE": unix.IFF_SLAVE,
}

var ipLinkKinds = map[string]bool{
	"veth": true, "bridge": true, "bond": true, "vlan": true, "macvlan": true, "macvtap": true, "ipvlan": true, "ipvtap": true,
	"vxlan": true, "dummy": true, "tun": true, "gre": true, "gretap": true, "ip6gre": true, "ip6gretap": true, "ipip": true,
	"sit": true, "ip6tnl": true, "vrf": true, "wireguard": true, "geneve": true, "nlmon": true, "ifb": true, "team": true,
	"netdevsim": true, "vcan": true, "vxcan": true, "xfrm": true, "bareudp": true, "hsr": true, "erspan": true, "ip6erspan": true,
	"vti": true, "vti6": true, "batadv": true, "macsec": true, "ipoib": true, "openvswitch": true,
}

var ipAddrFlags = map[string]uint32{
	"secondary": unix.IFA_F_SECONDARY, "temporary": unix.IFA_F_SECONDARY, "nodad": unix.IFA_F_NODAD,
	"optimistic": unix.IFA_F_OPTIMISTIC, "dadfailed": unix.IFA_F_DADFAILED, "home": unix.IFA_F_HOMEADDRESS,
	"deprecated": unix.IFA_F_DEPRECATED, "tentative": unix.IFA_F_TENTATIVE, "permanent": unix.IFA_F_PERMANENT,
	"mngtmpaddr": unix.IFA_F_MANAGETEMPADDR, "noprefixroute": unix.IFA_F_NOPREFIXROUTE,
}

// linkTypeRE is what `ip link` prints after "link/": iproute2's names of the
// ARPHRD_* types (lib/ll_types.c) or "[N]"; anything else is not kept.
var linkTypeRE = regexp.MustCompile(`^(?:[a-z0-9][a-z0-9./_-]{0,31}|\[\d{1,5}\])$`)

// parseIPLinks parses `ip [-s] [-d] link` or `ip [-d] address` output into
// links and addresses.
func parseIPLinks(b []byte) ([]Link, []Addr) {
	var links []Link
	var addrs []Addr
	parents := map[int]string{} // link position -> parent name ("veth1" of "veth0@veth1")
	masters := map[int]string{}
	cur := -1
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			l, parent, master, ok := parseLinkHeader(line)
			if !ok {
				cur = -1
				continue
			}
			links = append(links, l)
			cur = len(links) - 1
			if parent != "" {
				parents[cur] = parent
			}
			if master != "" {
				masters[cur] = master
			}
			continue
		}
		if cur < 0 {
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		l := &links[cur]
		if f[0] != "inet" && f[0] != "inet6" {
			parseMTULimits(f, l)
		}
		switch {
		case strings.HasPrefix(f[0], "link/"):
			if t := strings.TrimPrefix(f[0], "link/"); linkTypeRE.MatchString(t) {
				l.LinkType = t
			}
			if len(f) > 1 && f[0] != "link/none" {
				l.HWAddr = f[1]
			}
			for i := 0; i+1 < len(f); i++ {
				if f[i] == "link-netnsid" {
					if v, err := strconv.Atoi(f[i+1]); err == nil {
						l.ParentNetNSID = rtnl.Int32Ptr(int32(v))
					}
				}
			}
		case f[0] == "inet" || f[0] == "inet6":
			if a, ok := parseAddrLine(f, l); ok {
				addrs = append(addrs, a)
			}
		case f[0] == "altname" && len(f) > 1:
			l.AltNames = append(l.AltNames, f[1])
		case f[0] == "alias" && len(f) > 1:
			l.Alias = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line), "alias"))
		default:
			for _, tok := range f {
				if ipLinkKinds[tok] && l.Kind == "" {
					l.Kind = tok
				}
				if k, ok := strings.CutSuffix(tok, "_slave"); ok && ipLinkKinds[k] && l.SlaveKind == "" {
					l.SlaveKind = k
				}
			}
		}
	}
	byName := map[string]int32{}
	for _, l := range links {
		byName[l.Name] = l.Index
	}
	for i, p := range parents {
		if strings.HasPrefix(p, "if") {
			if v, err := strconv.Atoi(p[2:]); err == nil {
				links[i].Parent = int32(v) // in another namespace (link-netnsid says which)
				continue
			}
		}
		if idx, ok := byName[p]; ok {
			links[i].Parent = idx
		}
	}
	for i, m := range masters {
		links[i].Master = byName[m]
	}
	sort.SliceStable(links, func(i, j int) bool { return links[i].Index < links[j].Index })
	return links, addrs
}

// parseMTULimits reads "minmtu N maxmtu N" from a line of `ip -d` output
// (iproute2 prints them after the link/ fields). The loopback's "0" means
// no limit reported, as over netlink.
func parseMTULimits(f []string, l *Link) {
	for i := 0; i+1 < len(f); i++ {
		switch f[i] {
		case "minmtu":
			if v, err := strconv.ParseUint(f[i+1], 10, 32); err == nil {
				l.MinMTU = uint32(v)
			}
		case "maxmtu":
			if v, err := strconv.ParseUint(f[i+1], 10, 32); err == nil {
				l.MaxMTU = uint32(v)
			}
		}
	}
}

// parseLinkHeader parses "3: veth0@veth1: <BROADCAST,MULTICAST,UP> mtu 1500
// qdisc noop master br0 state DOWN mode DEFAULT group default qlen 1000".
func parseLinkHeader(line string) (l Link, parent, master string, ok bool) {
	idx, rest, ok := strings.Cut(line, ": ")
	if !ok {
		return Link{}, "", "", false
	}
	n, err := strconv.Atoi(idx)
	if err != nil {
		return Link{}, "", "", false
	}
	name, rest, ok := strings.Cut(rest, ": ")
	if !ok {
		return Link{}, "", "", false
	}
	if i := strings.IndexByte(name, '@'); i > 0 {
		name, parent = name[:i], name[i+1:]
		if parent == "NONE" {
			parent = ""
		}
	}
	l = Link{Index: int32(n), Name: name, OperState: "unknown"}
	if i, j := strings.IndexByte(rest, '<'), strings.IndexByte(rest, '>'); i >= 0 && j > i {
		for _, fl := range strings.Split(rest[i+1:j], ",") {
			l.Flags |= ipLinkFlags[fl]
		}
		rest = rest[j+1:]
	}
	f := strings.Fields(rest)
	for i := 0; i+1 < len(f); i++ {
		switch f[i] {
		case "mtu":
			if v, err := strconv.ParseUint(f[i+1], 10, 32); err == nil {
				l.MTU = uint32(v)
			}
		case "state":
			l.OperState = strings.ToLower(f[i+1])
		case "master":
			master = f[i+1]
		}
	}
	return l, parent, master, true
}

// parseAddrLine parses "inet 10.0.0.1/24 [peer 10.0.0.2/32] brd 10.0.0.255
// scope global [flags...] veth0" (the fields of it).
func parseAddrLine(f []string, l *Link) (Addr, bool) {
	if len(f) < 2 {
		return Addr{}, false
	}
	a := Addr{Index: l.Index, Family: f[0]}
	p, err := netip.ParsePrefix(f[1])
	if err != nil {
		ad, err2 := netip.ParseAddr(f[1])
		if err2 != nil {
			return Addr{}, false
		}
		p = netip.PrefixFrom(ad, ad.BitLen())
	}
	a.Prefix = p
	for i := 2; i < len(f); i++ {
		switch tok := f[i]; tok {
		case "peer":
			if i+1 < len(f) {
				if pp, err := netip.ParsePrefix(f[i+1]); err == nil {
					a.Peer = pp.Addr()
					a.Prefix = netip.PrefixFrom(a.Prefix.Addr(), pp.Bits())
				}
				i++
			}
		case "brd", "metric", "valid_lft", "preferred_lft":
			i++
		case "scope":
			if i+1 < len(f) {
				a.Scope = f[i+1]
				if a.Scope == "host" || a.Scope == "link" || a.Scope == "global" || a.Scope == "site" || a.Scope == "nowhere" {
				} else if v, err := strconv.Atoi(a.Scope); err == nil {
					a.Scope = rtnl.ScopeName(uint8(v))
				}
				i++
			}
		case "dynamic", "proto":
			if tok == "proto" {
				i++
			}
		default:
			if fl, ok := ipAddrFlags[tok]; ok {
				a.Flags |= fl
			} else if a.Family == "inet" && i == len(f)-1 {
				a.Label = tok
			}
		}
	}
	if a.Scope == "" {
		a.Scope = "global"
	}
	return a, true
}

var ipRouteTypes = map[string]bool{"unicast": true, "local": true, "broadcast": true, "multicast": true, "anycast": true,
	"unreachable": true, "blackhole": true, "prohibit": true, "throw": true, "nat": true}

var ipRouteTables = map[string]uint32{"main": unix.RT_TABLE_MAIN, "local": unix.RT_TABLE_LOCAL, "default": unix.RT_TABLE_DEFAULT}

// parseIPRoutes parses `ip route show table all` (both families) and keeps
// the routes of table (0: all).
func parseIPRoutes(b []byte, n *NetFacts, table uint32) []Route {
	var out []Route
	var last *Route
	keep := func(r Route) {
		if table == 0 || r.Table == table {
			out = append(out, r)
			last = &out[len(out)-1]
		} else {
			last = nil
		}
	}
	ifIndex := func(name string) int32 {
		if l, ok := n.LinkByName(name); ok {
			return l.Index
		}
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if f[0] == "nexthop" && last != nil && (line[0] == ' ' || line[0] == '\t') {
			var nh NextHop
			for i := 1; i+1 < len(f); i++ {
				switch f[i] {
				case "via":
					if f[i+1] == "inet" || f[i+1] == "inet6" {
						i++
					}
					if i+1 < len(f) {
						nh.Gateway, _ = netip.ParseAddr(f[i+1])
					}
					i++
				case "dev":
					nh.OutIndex = ifIndex(f[i+1])
					i++
				}
			}
			last.NextHops = append(last.NextHops, nh)
			continue
		}
		r := Route{Table: unix.RT_TABLE_MAIN, Protocol: "boot", Scope: "global", Type: "unicast"}
		i := 0
		if ipRouteTypes[f[0]] && len(f) > 1 {
			r.Type = f[0]
			i = 1
		}
		dst := f[i]
		i++
		for ; i < len(f); i++ {
			arg := ""
			if i+1 < len(f) {
				arg = f[i+1]
			}
			switch f[i] {
			case "via":
				if arg == "inet" || arg == "inet6" {
					i++
					if i+1 < len(f) {
						arg = f[i+1]
					}
				}
				r.Gateway, _ = netip.ParseAddr(arg)
				i++
			case "dev":
				r.OutIndex = ifIndex(arg)
				i++
			case "table":
				if v, ok := ipRouteTables[arg]; ok {
					r.Table = v
				} else if v, err := strconv.ParseUint(arg, 10, 32); err == nil {
					r.Table = uint32(v)
				}
				i++
			case "proto":
				r.Protocol = arg
				i++
			case "scope":
				r.Scope = arg
				if arg == "universe" {
					r.Scope = "global"
				}
				i++
			case "src":
				r.PrefSrc, _ = netip.ParseAddr(arg)
				i++
			case "metric":
				if v, err := strconv.ParseUint(arg, 10, 32); err == nil {
					r.Metric = uint32(v)
				}
				i++
			case "linkdown":
				r.Linkdown = true
			case "from", "pref", "mtu", "advmss", "expires", "rtt", "rttvar", "hoplimit", "initcwnd", "weight", "tos", "dsfield", "realm", "nhid", "error":
				i++
			}
		}
		v6 := strings.Contains(dst, ":") || r.Gateway.Is6()
		switch {
		case dst == "default":
			if v6 {
				r.Dst = netip.PrefixFrom(netip.IPv6Unspecified(), 0)
			} else {
				r.Dst = netip.PrefixFrom(netip.IPv4Unspecified(), 0)
			}
		case strings.Contains(dst, "/"):
			p, err := netip.ParsePrefix(dst)
			if err != nil {
				continue
			}
			r.Dst = p
		default:
			a, err := netip.ParseAddr(dst)
			if err != nil {
				continue
			}
			r.Dst = netip.PrefixFrom(a, a.BitLen())
		}
		r.Family = "inet"
		if r.Dst.Addr().Is6() {
			r.Family = "inet6"
		}
		keep(r)
	}
	return out
}
