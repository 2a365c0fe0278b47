package diagnose

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"regexp"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// address-in-use: bringing a vxlan device up needs its UDP port, and a
// macvlan's MAC address must be unique on its lower device; another device
// or a program already holds them.
//
// Fixes answer EADDRINUSE (and EBUSY, the errno of older kernels'
// macvlan_open) on link set (up, address) and link add.
var causeAddressInUse = &Cause{
	ID: "address-in-use",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: append(fix.Answers([]string{symptom.OpLinkSet, symptom.OpLinkAdd}, symptom.EADDRINUSE, symptom.EBUSY), fix.Answers([]string{symptom.OpAddrAdd}, symptom.EADDRINUSE)...),
	Checks:  "whether the UDP port of the vxlan device, or the MAC address of the macvlan, the command brings up is already held by another device or a program in the namespace",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalAddressInUse,
	Fixes:   fixesAddressInUse,
	Next:    "Once the device is up it still needs its addresses, routes and (for vxlan) forwarding entries: the program that created it usually adds them when it is run again.",
}

// inUseErrno: the errnos an address-like resource in use gives.
func inUseErrno(e symptom.Errno) bool { return e == symptom.EADDRINUSE || e == symptom.EBUSY }

// symptomLinks are the existing links the symptom names: the parsed
// device, lower device and master, then every word of the text that is the
// name of a link (daemons name the device in their own words: "failed to
// set interface flannel.1 to UP state").
func symptomLinks(c *Context) []probes.Link {
	n := &c.Facts.Net
	var out []probes.Link
	seen := map[int32]bool{}
	// One map of names, not a scan of every link for every word (20,000
	// links, thousands of words).
	byName := make(map[string]int, len(n.Links))
	for i := range n.Links {
		for _, a := range n.Links[i].AltNames {
			byName[a] = i
		}
	}
	for i := range n.Links {
		byName[n.Links[i].Name] = i
	}
	add := func(name string) {
		if i, ok := byName[name]; ok && name != "" && !seen[n.Links[i].Index] {
			seen[n.Links[i].Index] = true
			out = append(out, n.Links[i])
		}
	}
	s := c.Symptom
	for _, name := range []string{s.Device, s.Lower, s.Master} {
		add(name)
	}
	words := strings.FieldsFunc(s.Raw, func(r rune) bool {
		return r <= ' ' || strings.ContainsRune("\"'`()[]{}<>,;=|\\", r)
	})
	for i, w := range words {
		if i >= 4000 {
			break
		}
		w = strings.TrimRight(w, ":.")
		if len(w) > 0 && len(w) < 16 {
			add(w)
		}
	}
	return out
}

// macRE finds an Ethernet address the request sets: after address, lladdr,
// hwaddr, ether, mac or --mac-address (not the "brd ff:ff:..." of pasted
// `ip link` output).
var macRE = regexp.MustCompile(`(?i)(?:address|lladdr|hwaddr|hw_addr|ether|mac)[\s=:"']+([0-9a-f]{1,2}(?::[0-9a-f]{1,2}){5})(?:$|[^0-9a-f:]|:(?:$|[^0-9a-f]))`)

// parseMAC reads a colon-separated Ethernet address.
func parseMAC(s string) ([6]byte, bool) {
	var m [6]byte
	parts := strings.Split(s, ":")
	if len(parts) != 6 {
		return m, false
	}
	for i, p := range parts {
		v, err := strconv.ParseUint(p, 16, 8)
		if err != nil {
			return m, false
		}
		m[i] = byte(v)
	}
	return m, true
}

func formatMAC(m [6]byte) string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// requestedMACs are the Ethernet addresses the symptom's text sets,
// normalised ("aa:00:00:c2:48:94"), in the order they appear.
func requestedMACs(raw string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range macRE.FindAllStringSubmatch(raw, 64) {
		if mac, ok := parseMAC(m[1]); ok {
			s := formatMAC(mac)
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// freeMAC is a locally administered unicast address derived from seed,
// different from every address in taken.
func freeMAC(seed string, taken map[string]bool) string {
	h := fnv.New64a()
	h.Write([]byte(seed))
	x := h.Sum64()
	for {
		m := [6]byte{0x02, byte(x >> 32), byte(x >> 24), byte(x >> 16), byte(x >> 8), byte(x)}
		if s := formatMAC(m); !taken[s] {
			return s
		}
		x++
	}
}

// vxlanHolder is what keeps a vxlan device's UDP port.
type vxlanHolder struct {
	dev     *probes.Link // another vxlan device that is up on the port
	sock    *probes.UDPSocket
	sharing bool // same receive flags: the kernel would share its socket
}

// vxlanHolders finds what holds the port of vxlan device l.
func vxlanHolders(n *probes.NetFacts, l probes.Link) []vxlanHolder {
	var out []vxlanHolder
	port := l.Vxlan.Port
	for i := range n.Links {
		o := n.Links[i]
		if o.Index == l.Index || o.Vxlan == nil || o.Vxlan.Port != port || !o.Up() {
			continue
		}
		out = append(out, vxlanHolder{dev: &n.Links[i], sharing: o.Vxlan.RecvFlags() == l.Vxlan.RecvFlags()})
	}
	if len(out) > 0 { // the sockets on the port are theirs
		return out
	}
	for i := range n.UDP {
		if n.UDP[i].Port == port {
			out = append(out, vxlanHolder{sock: &n.UDP[i]})
		}
	}
	return out
}

// macvlanClash is what already uses a macvlan's MAC on its lower device.
type macvlanClash struct {
	mac   string
	lower probes.Link
	other *probes.Link // nil: the lower device itself
}

// macvlanClashes finds who uses mac on the lower device of macvlan l.
func macvlanClashes(n *probes.NetFacts, l probes.Link, mac string) (cl []macvlanClash, lower probes.Link, ok bool) {
	if l.ParentNetNSID != nil {
		return nil, lower, false
	}
	lower, ok = n.LinkByIndex(l.Parent)
	if !ok {
		return nil, lower, false
	}
	if strings.EqualFold(lower.HWAddr, mac) {
		cl = append(cl, macvlanClash{mac: mac, lower: lower})
	}
	for i := range n.Links {
		o := n.Links[i]
		if o.Index != l.Index && o.Parent == lower.Index && o.ParentNetNSID == nil && strings.EqualFold(o.HWAddr, mac) &&
			(o.Kind == "macvlan" || o.Kind == "macvtap") {
			cl = append(cl, macvlanClash{mac: mac, lower: lower, other: &n.Links[i]})
		}
	}
	return cl, lower, true
}

// macvlanMAC is the address a macvlan is asked to use: the one the
// command sets, else its own (bringing it up).
func macvlanMAC(s symptom.Symptom, l probes.Link) string {
	if macs := requestedMACs(s.Raw); len(macs) > 0 {
		return macs[0]
	}
	return strings.ToLower(l.HWAddr)
}

func evalAddressInUse(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	if !inUseErrno(s.Errno) {
		v.ok("the error is not EADDRINUSE (Address already in use) or EBUSY: no port or address is held")
		return v
	}
	if r, gap := c.groupGap(probes.GroupNet); gap {
		v.unknown("link facts unavailable: %s", r)
		return v
	}
	if r, gap := c.Facts.Net.Gaps.Reason("links"); gap {
		v.unknown("cannot see which device holds the port or address: links unavailable (%s)", r)
		return v
	}
	if s.Errno == symptom.EBUSY && s.Master != "" {
		v.ok("EBUSY on making a device a port is a busy device (its receive handler is taken), not an address in use")
		return v
	}
	n := &c.Facts.Net
	examined := false
	for _, l := range symptomLinks(c) {
		switch {
		case l.Vxlan != nil && s.Errno == symptom.EADDRINUSE:
			examined = true
			evalVxlanPort(c, &v, l)
		case l.Kind == "macvlan" || l.Kind == "macvtap":
			examined = true
			evalMacvlanMAC(c, &v, l)
		case (l.Kind == "ipvlan" || l.Kind == "ipvtap") && s.Operation == symptom.OpAddrAdd && s.Address != "":
			examined = true
			evalIpvlanAddr(c, &v, l)
		}
	}
	if examined {
		return v
	}
	if s.Errno == symptom.EBUSY {
		v.ok("the symptom names no vxlan or macvlan device: this EBUSY is not an address in use")
		return v
	}
	// The text names no device we can see: look for a vxlan that cannot
	// come up in the whole namespace.
	for _, l := range n.Links {
		if l.Vxlan == nil || l.Up() || l.Vxlan.Port == 0 {
			continue
		}
		for _, h := range vxlanHolders(n, l) {
			if h.dev != nil && !h.sharing {
				examined = true
				v.warn("vxlan %s (down, port %d, %s) cannot come up while vxlan %s (up, %s) holds UDP port %d; the text does not name the device, so this is a candidate", l.Name, l.Vxlan.Port, l.Vxlan.RecvFlags(), h.dev.Name, h.dev.Vxlan.RecvFlags(), l.Vxlan.Port)
			}
			if h.sock != nil {
				examined = true
				v.warn("vxlan %s (down) cannot come up while a program holds UDP port %d (%s, uid %d, socket inode %d); the text does not name the device, so this is a candidate", l.Name, l.Vxlan.Port, h.sock.Local, h.sock.UID, h.sock.Inode)
			}
		}
	}
	if !examined {
		v.unknown("the text names no vxlan or macvlan device of this namespace (%s): paste the command with its error, or check the namespace the program ran in", Plural(len(n.Links), "link", "links"))
	}
	return v
}

func evalVxlanPort(c *Context, v *Verdict, l probes.Link) {
	n := &c.Facts.Net
	port := l.Vxlan.Port
	if port == 0 {
		v.unknown("vxlan %s: the kernel did not report its UDP port", l.Name)
		return
	}
	holders := vxlanHolders(n, l)
	for _, h := range holders {
		if h.dev != nil {
			if h.sharing {
				v.warn("vxlan %s (up, VNI %d) uses UDP port %d with the same receive flags (%s) as %s: the kernel would share its socket, unless they differ in the device they are bound to (vrf)", h.dev.Name, h.dev.Vxlan.VNI, port, l.Vxlan.RecvFlags(), l.Name)
				continue
			}
			v.fail("vxlan %s (up, VNI %d, %s) holds UDP port %d; %s wants the same port with other receive flags (%s), so vxlan_sock_add cannot share that socket and binding its own fails with EADDRINUSE (older kernels log \"vxlan: Cannot bind port %d\")",
				h.dev.Name, h.dev.Vxlan.VNI, h.dev.Vxlan.RecvFlags(), port, l.Name, l.Vxlan.RecvFlags(), port)
			continue
		}
		v.fail("a program holds UDP port %d (%s %s, uid %d, socket inode %d): %s cannot bind it when it comes up (vxlan_socket_create: EADDRINUSE)",
			port, h.sock.Family, h.sock.Local, h.sock.UID, h.sock.Inode, l.Name)
	}
	if len(holders) > 0 {
		return
	}
	if r, gap := n.Gaps.Reason("udp"); gap {
		v.unknown("no other vxlan device is up on UDP port %d; the UDP sockets could not be read (%s)", port, r)
		return
	}
	if l.Up() {
		v.ok("vxlan %s is up now on UDP port %d: the port was freed since the error", l.Name, port)
		return
	}
	v.ok("nothing holds UDP port %d of vxlan %s now: no other vxlan device is up on it and no socket is bound to it", port, l.Name)
}

func evalMacvlanMAC(c *Context, v *Verdict, l probes.Link) {
	n := &c.Facts.Net
	mac := macvlanMAC(c.Symptom, l)
	if mac == "" {
		v.unknown("%s: its MAC address is unknown", l.Name)
		return
	}
	clashes, lower, ok := macvlanClashes(n, l, mac)
	if !ok {
		v.unknown("%s %s: its lower device is not in the examined namespace", l.Kind, l.Name)
		return
	}
	for _, cl := range clashes {
		switch {
		case cl.other == nil:
			v.fail("%s is the MAC address of %s itself, the lower device of %s: macvlan_addr_busy counts it as taken (EADDRINUSE; EBUSY on older kernels)", mac, lower.Name, l.Name)
		case cl.other.Up():
			v.fail("%s %s (up) on the same lower device %s already uses %s: macvlan_addr_busy refuses a second device with it (EADDRINUSE on setting the address or bringing it up; EBUSY on older kernels)", cl.other.Kind, cl.other.Name, lower.Name, mac)
		default:
			v.warn("%s %s on %s has the same MAC %s but is down: it takes the address only while up, so only one of them can be up", cl.other.Kind, cl.other.Name, lower.Name, mac)
		}
	}
	if len(clashes) == 0 {
		v.ok("no other device on %s uses %s now (%s checked)", lower.Name, mac, Plural(len(n.Links), "link", "links"))
	}
}

// ipvlanAddrHolders are the other ipvlan devices on l's lower device that
// carry addr (ipvlan_addr_busy looks at every ipvlan of the port, in any
// namespace: only this namespace's are visible).
func ipvlanAddrHolders(n *probes.NetFacts, l probes.Link, addr netip.Addr) []probes.Link {
	var out []probes.Link
	for _, o := range n.Links {
		if o.Index == l.Index || o.Parent != l.Parent || o.ParentNetNSID != nil || (o.Kind != "ipvlan" && o.Kind != "ipvtap") {
			continue
		}
		for _, a := range n.AddrsOf(o.Index) {
			if a.Prefix.Addr() == addr {
				out = append(out, o)
				break
			}
		}
	}
	return out
}

func evalIpvlanAddr(c *Context, v *Verdict, l probes.Link) {
	n := &c.Facts.Net
	addr, err := netip.ParsePrefix(c.Symptom.Address)
	if err != nil {
		a, err2 := netip.ParseAddr(c.Symptom.Address)
		if err2 != nil {
			v.unknown("cannot read the address %q", c.Symptom.Address)
			return
		}
		addr = netip.PrefixFrom(a, a.BitLen())
	}
	lower, _ := n.LinkByIndex(l.Parent)
	holders := ipvlanAddrHolders(n, l, addr.Addr())
	for _, h := range holders {
		v.fail("ipvlan %s on the same lower device %s already has %s: the ipvlan devices of one lower device share one address table, and ipvlan_addr_busy refuses a second (EADDRINUSE, \"Address already assigned to an ipvlan device\")", h.Name, fix.OrName(lower.Name, "?"), addr.Addr())
	}
	if len(holders) == 0 {
		v.warn("no ipvlan on %s in this namespace has %s; ipvlan devices of the same lower device in other namespaces (containers) share its address table and are not visible here", fix.OrName(lower.Name, "the lower device"), addr.Addr())
	}
}

func fixesAddressInUse(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	n := &c.Facts.Net
	errno := string(c.Symptom.Errno)
	op := fix.OrName(c.Symptom.Operation, "link set")
	var fixes []fix.Fix
	for _, l := range symptomLinks(c) {
		switch {
		case c.Symptom.Errno == symptom.EBUSY && (l.Vxlan != nil || c.Symptom.Master != ""):
			continue
		case (l.Kind == "ipvlan" || l.Kind == "ipvtap") && c.Symptom.Operation == symptom.OpAddrAdd:
			addr, err := netip.ParsePrefix(c.Symptom.Address)
			if err != nil {
				continue
			}
			for _, h := range ipvlanAddrHolders(n, l, addr.Addr()) {
				fixes = append(fixes, fix.Fix{
					ID:      "address-in-use/ipvlan-other-address",
					Title:   fmt.Sprintf("Give %s an address no other ipvlan of the same lower device has (%s holds %s) (answers %s on addr add; narrowest)", l.Name, h.Name, addr.Addr(), errno),
					Command: fix.Lines(ipCmd(c, "-d", "addr", "show", "dev", h.Name), "# then add another address to the new device, or remove it from the device shown if it is a leftover"),
					Manual:  true, NeedsRoot: true,
					Why: "which device should have the address is your addressing plan",
				})
			}
		case l.Vxlan != nil && l.Vxlan.Port != 0:
			holders := vxlanHolders(n, l)
			var conflicting []vxlanHolder
			for _, h := range holders {
				if h.dev == nil || !h.sharing {
					conflicting = append(conflicting, h)
				}
			}
			if len(conflicting) == 0 {
				continue
			}
			free := freeUDPPort(n, l.Vxlan.Port)
			fixes = append(fixes, fix.Fix{
				ID:    "address-in-use/vxlan-other-port",
				Title: fmt.Sprintf("Re-create %s on a free UDP port such as %d (answers %s on %s; narrowest: only %s changes)", l.Name, free, errno, op, l.Name),
				Command: fix.Lines(ipCmd(c, "-d", "link", "show", "dev", l.Name), ipCmd(c, "link", "del", "dev", l.Name),
					"# then the command that created it, with its other settings as shown above and dstport "+strconv.Itoa(int(free))),
				NeedsRoot: true, Manual: true,
				Why:  "a vxlan's port is fixed when it is created (\"Cannot change port\"), and every peer must use the same port: which port your overlay uses is your decision",
				Risk: "peers that still send to port " + strconv.Itoa(int(l.Vxlan.Port)) + " are not heard",
			})
			for _, h := range conflicting {
				if h.dev != nil {
					fixes = append(fixes, fix.Fix{
						ID: "address-in-use/delete-vxlan-holder",
						Title: fmt.Sprintf("Or delete vxlan %s, which holds UDP port %d (a leftover of another overlay, e.g. a previous CNI) (answers %s on %s)",
							h.dev.Name, l.Vxlan.Port, errno, op),
						Command:   ipCmd(c, "link", "del", "dev", h.dev.Name),
						NeedsRoot: true,
						Risk:      "whatever still uses " + h.dev.Name + " (its overlay's pods or tunnels) loses it; a deleted link cannot be undone",
						Action:    fix.Act("link-delete", "netns", netnsParam(c), "name", h.dev.Name, "attached", linkDetails(c, *h.dev)),
					})
					continue
				}
				p := strconv.Itoa(int(h.sock.Port))
				fixes = append(fixes, fix.Fix{
					ID:      "address-in-use/stop-port-holder",
					Title:   fmt.Sprintf("Or stop (or move) the program bound to UDP port %s (socket inode %d) (answers %s on %s)", p, h.sock.Inode, errno, op),
					Command: fix.Lines(fix.Argv(nsArgv(c, "ss", "-ulpn", "sport = :"+p)...), "# then stop that program or configure it to use another port, and run the failing command again"),
					Manual:  true,
					Why:     "rtnl-doctor does not stop programs: ss names the process that owns the socket",
				})
			}
		case l.Kind == "macvlan" || l.Kind == "macvtap":
			mac := macvlanMAC(c.Symptom, l)
			clashes, lower, ok := macvlanClashes(n, l, mac)
			if !ok || len(clashes) == 0 {
				continue
			}
			taken := map[string]bool{}
			for _, o := range n.Links {
				taken[strings.ToLower(o.HWAddr)] = true
			}
			newMAC := freeMAC(l.Name+"/"+mac, taken)
			fixes = append(fixes, fix.Fix{
				ID:    "address-in-use/macvlan-other-mac",
				Title: fmt.Sprintf("Give %s another MAC address, e.g. %s, free on %s (answers %s on %s; narrowest)", l.Name, newMAC, lower.Name, errno, op),
				Command: fix.Lines(ipCmd(c, "link", "set", "dev", l.Name, "down"), ipCmd(c, "link", "set", "dev", l.Name, "address", newMAC),
					ipCmd(c, "link", "set", "dev", l.Name, "up")),
				NeedsRoot: true, Manual: true,
				Why: "a container's MAC is chosen by its runtime (docker run --mac-address, LXD hwaddr): change it there, or here for a device you manage yourself",
			})
			for _, cl := range clashes {
				if cl.other == nil {
					continue
				}
				fixes = append(fixes, fix.Fix{
					ID:        "address-in-use/delete-macvlan-holder",
					Title:     fmt.Sprintf("Or delete %s %s, which holds %s on %s (a leftover of a removed container?) (answers %s on %s)", cl.other.Kind, cl.other.Name, mac, lower.Name, errno, op),
					Command:   ipCmd(c, "link", "del", "dev", cl.other.Name),
					NeedsRoot: true,
					Risk:      "the container or VM using " + cl.other.Name + " loses its network; a deleted link cannot be undone",
					Action:    fix.Act("link-delete", "netns", netnsParam(c), "name", cl.other.Name, "attached", linkDetails(c, *cl.other)),
				})
			}
		}
	}
	return fixes
}

// freeUDPPort proposes a port near p that no vxlan device and no socket of
// the namespace uses.
func freeUDPPort(n *probes.NetFacts, p uint16) uint16 {
	used := map[uint16]bool{}
	for _, l := range n.Links {
		if l.Vxlan != nil {
			used[l.Vxlan.Port] = true
		}
	}
	for _, s := range n.UDP {
		used[s.Port] = true
	}
	for _, cand := range []uint16{4789, 8472, 4790} {
		if !used[cand] && cand != p {
			return cand
		}
	}
	for q := p + 1; q != p; q++ {
		if q >= 1024 && !used[q] {
			return q
		}
	}
	return p
}
