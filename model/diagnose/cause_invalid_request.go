package diagnose

import (
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// invalid-request: the request itself is wrong, not the system: a MAC that
// is multicast or zero, a neighbour without a link-layer address, an IPv6
// gateway that is one of the host's own addresses, an attribute the
// kernel's policy refuses, a master that cannot take ports, a command line
// iproute2 cannot read. The fix is the corrected command, shown.
//
// Fixes answer EADDRNOTAVAIL on link set/add, EINVAL on neigh add, route
// add and link add/set, EOPNOTSUPP on link set master, and iproute2's own
// refusals (no errno).
var causeInvalidRequest = &Cause{
	ID: "invalid-request",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.EADDRNOTAVAIL, symptom.EINVAL, symptom.EOPNOTSUPP),
	Checks:  "the values of the request itself: MAC addresses (unicast, not zero), a neighbour's link-layer address, an IPv6 gateway that is a local address, attributes refused by policy, a master that is not a bridge or bond, iproute2's syntax",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalInvalidRequest,
	Fixes:   fixesInvalidRequest,
	Next:    "Run the corrected command; the system was not at fault, so nothing else needs changing. When a program built the request, the same request made with ip by hand tells: if that works, the program is at fault (upgrade it or report the failing request).",
}

// badMAC says why an Ethernet address is refused as a device address
// (is_valid_ether_addr: not multicast, not all zero), or "".
func badMAC(mac string) string {
	m, ok := parseMAC(mac)
	if !ok {
		return ""
	}
	switch {
	case m == [6]byte{}:
		return "all zero"
	case m == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}:
		return "the broadcast address"
	case m[0]&1 != 0:
		return fmt.Sprintf("multicast (the lowest bit of the first octet, 0x%02x, is set)", m[0])
	}
	return ""
}

// fixedMAC is a valid unicast address close to a refused one: the
// multicast bit cleared and the locally administered bit set; a zero
// address gets one derived from seed.
func fixedMAC(mac, seed string, taken map[string]bool) string {
	m, ok := parseMAC(mac)
	if !ok || m == [6]byte{} || m == [6]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff} {
		return freeMAC(seed, taken)
	}
	m[0] = m[0]&^1 | 2
	if s := formatMAC(m); !taken[s] {
		return s
	}
	return freeMAC(seed, taken)
}

// iproute2Refusals are iproute2's messages for a command line it cannot
// read (ip/iplink.c, lib/utils.c): the kernel was never asked.
var iproute2Refusals = []string{
	"is a garbage", "is garbage", "garbage instead of arguments", "command line is not complete", "is unknown, try",
	"an inet prefix is expected", "an ip address is expected", "is invalid lladdr", "invalid address length",
	"not enough information", "duplicate \"", "is wrong:",
	// The parser's own mark for the rest of iproute2's refusals (a
	// subcommand's usage text, "Unknown tunnel mode").
	"iproute2 refused the command line",
}

var (
	garbageRE   = regexp.MustCompile(`or "([^"]*)" is (?:a )?garbage`)
	addBridgeRE = regexp.MustCompile(`(?i)unable to add bridge (\S+) port (\S+?):`)
	brctlAddRE  = regexp.MustCompile(`can't add (\S+) to bridge (\S+?):`)
)

// requestMaster is the master a request asks to add a port to, and the port.
func requestMaster(s symptom.Symptom) (master, port string) {
	if m := addBridgeRE.FindStringSubmatch(s.Raw); m != nil {
		return m[1], m[2]
	}
	if m := brctlAddRE.FindStringSubmatch(s.Raw); m != nil {
		return m[2], m[1]
	}
	if s.Operation == symptom.OpLinkSet && s.Master != "" {
		return s.Master, s.Device
	}
	return "", ""
}

// portMasterKinds can take ports through ndo_add_slave.
var portMasterKinds = map[string]bool{"bridge": true, "bond": true, "team": true, "vrf": true, "hsr": true, "batadv": true}

// invalidFinding is one thing wrong with the request, with the corrected
// command when one can be written.
type invalidFinding struct {
	what  string
	fix   *fix.Fix
	proof bool
	// errnos are the errors this fault gives: it is the cause of the
	// symptom only when its errno is one of them (or none was printed).
	errnos []symptom.
		// unknown: a fact needed to check it is unavailable.
		Errno

	unknown bool
}

func evalInvalidRequest(c *Context) Verdict {
	var v Verdict
	fs, notes := invalidFindings(c)
	// The kernel's own refusal of the request, in its words: the check
	// that failed is named by the message (model/symptom's extended-ACK
	// table, each row with the kernel function that sets it).
	if strings.EqualFold(c.Symptom.ExtAck, "Cannot delete qdisc with handle of zero") {
		// tc qdisc del ... root on a device that has only its default
		// qdisc (handle 0): nothing was there to delete. Scripts do it
		// before setting one up; the device is already as del leaves it.
		v.warn("the kernel says %s has no qdisc of its own to delete (its default one has handle 0, which del cannot remove: net/sched/sch_api.c tc_get_qdisc): the device is already as the del would leave it; in a clean-up step this is harmless", fix.OrName(c.Symptom.Device, "the device"))
		return v
	}
	for _, w := range requestWords {
		if strings.Contains(strings.ToLower(c.Symptom.Raw), w.words) && (!w.noErrno || c.Symptom.Errno == "") {
			v.warn("%s", w.what)
		}
	}
	if r, ok := c.Symptom.ExtAckRow(); ok && r.Cause == "invalid-request" && r.Kernel() {
		v.fail("the kernel refused the request itself: %q (%s%s): correct the command or the program's request", r.Text(), r.Src, errnoNote(r.Errno))
		if len(fs) == 0 {
			v.Evidence = append(v.Evidence, notes...)
			return v
		}
	}
	for _, f := range fs {
		switch {
		case f.unknown:
			v.unknown("%s", f.what)
		case f.proof:
			v.fail("%s", f.what)
		default:
			v.warn("%s", f.what)
		}
	}
	v.Evidence = append(v.Evidence, notes...)
	if len(fs) == 0 {
		s := c.Symptom
		named := s.Command != "" || len(s.Interfaces()) > 0 || s.Route != "" || s.Address != ""
		switch {
		case len(notes) == 0 && !named && (s.Errno == symptom.EINVAL || s.Errno == symptom.ERANGE):
			// Nothing was checked: "ok" would be a false all-clear.
			v.unknown("the text names no request to check (paste the command, or the program's call): %s from the kernel most often means the request itself, an attribute its policy refuses or a program that built it wrongly", s.Errno)
		case len(notes) == 0:
			v.ok("nothing in the request itself is refused: its MAC addresses, gateway and master (where it names them) are valid")
		case v.Status == "":
			v.Status = OK
		}
	}
	return v
}

func fixesInvalidRequest(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	fs, _ := invalidFindings(c)
	var out []fix.Fix
	for _, f := range fs {
		if f.fix != nil {
			out = append(out, *f.fix)
		}
	}
	return out
}

// requestCommand is the failing command line: the parsed one, or a line of
// the text that is one once a shell trace's "+ " is taken off.
func requestCommand(s symptom.Symptom) string {
	if s.Command != "" {
		return s.Command
	}
	for _, line := range strings.Split(s.Raw, "\n") {
		line = strings.TrimLeft(strings.TrimSpace(line), "+ ")
		if a, ok := symptom.CommandLine(line); ok && len(a) > 2 {
			return strings.Join(a, " ")
		}
	}
	return ""
}

// corrected renders the symptom's command with words replaced (and words
// from index cut on dropped), or "" when there is no command.
func corrected(s symptom.Symptom, replace map[string]string, cut int) string {
	cmd := requestCommand(s)
	if cmd == "" {
		return ""
	}
	words := symptom.SplitWords(cmd)
	if cut >= 0 && cut < len(words) {
		words = words[:cut]
	}
	for i, w := range words {
		if r, ok := replace[strings.ToLower(w)]; ok {
			words[i] = r
		}
	}
	return fix.Argv(words...)
}

const correctedWhy = "the request itself was wrong: rtnl-doctor shows the corrected command and does not run your commands"

func invalidFindings(c *Context) (out []invalidFinding, notes []string) {
	s := c.Symptom
	n := &c.Facts.Net
	text := strings.ToLower(s.ExtAck + "\n" + s.Message)
	haveLinks := c.gathered(probes.GroupNet)
	if _, gap := n.Gaps.Reason("links"); gap {
		haveLinks = false
	}
	taken := map[string]bool{}
	for _, l := range n.Links {
		taken[strings.ToLower(l.HWAddr)] = true
	}

	// iproute2 refused the command line itself (not its "Invalid "netns"
	// value": a namespace it could not open, netns-reference's; not a word
	// a newer tool knows: tool-version's).
	if tr, _ := findToolRefusal(s, &c.Facts.Host); !s.InvalidName && !strings.Contains(text, `invalid "netns" value`) && !tr.proof {
		for _, r := range iproute2Refusals {
			if strings.Contains(text, r) {
				f := invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EINVAL}, what: fmt.Sprintf("iproute2 refused the command line before asking the kernel: %q (a typing or script error, or a keyword this iproute2 is too old to know: ip -V)", s.Message)}
				fx := &fix.Fix{ID: "invalid-request/fix-syntax", Title: "Correct the command line (answers iproute2's own refusal: the kernel was not asked)", Manual: true, Why: correctedWhy}
				if m := garbageRE.FindStringSubmatch(s.Message); m != nil {
					fx.Title = fmt.Sprintf("Remove %q and what follows it from the ip command: it is not an argument of this ip (a lost newline or semicolon? a keyword of a newer iproute2?)", m[1])
					cut := -1
					for i, w := range symptom.SplitWords(requestCommand(s)) {
						if w == m[1] {
							cut = i
							break
						}
					}
					fx.Command = corrected(s, nil, cut)
				}
				if fx.Command == "" {
					obj := "link"
					if f := strings.Fields(s.Operation); len(f) > 0 && f[0] != "netlink" {
						obj = f[0]
					}
					fx.Command = fix.Lines("# check the arguments against:", fix.Argv("ip", obj, "help"))
				}
				f.fix = fx
				out = append(out, f)
				break
			}
		}
	}

	// MAC addresses the request sets.
	macs := requestedMACs(s.Raw)
	for _, mac := range macs {
		why := badMAC(mac)
		if why == "" {
			continue
		}
		dev := fix.OrName(s.Device, "DEV")
		good := fixedMAC(mac, dev+"/"+mac, taken)
		cmd := corrected(s, map[string]string{mac: good}, -1)
		if cmd == "" || !strings.Contains(cmd, good) {
			cmd = ipCmd(c, "link", "set", "dev", dev, "address", good)
		}
		out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EADDRNOTAVAIL, symptom.EINVAL},
			what: fmt.Sprintf("the MAC address %s is %s: a device address must be unicast and not zero (is_valid_ether_addr), so the kernel refuses it with EADDRNOTAVAIL (eth_prepare_mac_addr_change, eth_validate_addr)", mac, why),
			fix: &fix.Fix{ID: "invalid-request/unicast-mac", Title: fmt.Sprintf("Use a unicast MAC address such as %s instead of %s (answers EADDRNOTAVAIL on %s)", good, mac, fix.OrName(s.Operation, "link set")),
				Command: cmd, Manual: true,
				Why: correctedWhy + "; a container's MAC comes from its runtime's configuration (LXD hwaddr, docker --mac-address, firejail --mac): correct it there"}})
	}
	if s.Errno == symptom.EADDRNOTAVAIL && (s.Operation == symptom.OpLinkSet || s.Operation == symptom.OpLinkAdd || s.Operation == "") {
		found := false
		if haveLinks {
			for _, l := range symptomLinks(c) {
				if why := badMAC(l.HWAddr); why != "" && l.Flags&unix.IFF_LOOPBACK == 0 {
					found = true
					good := freeMAC(l.Name, taken)
					out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EADDRNOTAVAIL},
						what: fmt.Sprintf("%s's own MAC address %s is %s: bringing it up runs eth_validate_addr, which refuses it with EADDRNOTAVAIL", l.Name, l.HWAddr, why),
						fix: &fix.Fix{ID: "invalid-request/set-mac", Title: fmt.Sprintf("Give %s a unicast MAC address such as %s before bringing it up (answers EADDRNOTAVAIL on link set up)", l.Name, good),
							Command: fix.Lines(ipCmd(c, "link", "set", "dev", l.Name, "address", good), ipCmd(c, "link", "set", "dev", l.Name, "up")),
							Manual:  true, NeedsRoot: true,
							Why: "for an SR-IOV VF the address is set on the physical function (ip link set PF vf N mac MAC); a driver that reports a zero MAC may need its own configuration: which applies is your decision"}})
				}
			}
		}
		if !haveLinks && len(macs) == 0 {
			out = append(out, invalidFinding{unknown: true, errnos: []symptom.Errno{symptom.EADDRNOTAVAIL},
				what: "cannot check the MAC address of the devices the text names: links unavailable"})
		} else if !found && len(macs) == 0 && mentionsMAC(s.Raw) {
			out = append(out, invalidFinding{errnos: []symptom.Errno{symptom.EADDRNOTAVAIL},
				what: "EADDRNOTAVAIL while setting a hardware (MAC) address: the kernel refuses a multicast or zero address this way, but the text does not show the address; check the configured MAC (its first octet must be even)",
				fix: &fix.Fix{ID: "invalid-request/unicast-mac", Title: "Check the configured MAC address: its first octet must be even (unicast), e.g. 02:… (answers EADDRNOTAVAIL on link set)",
					Command: "# the configured MAC's first octet must be even: 02:xx:xx:xx:xx:xx is a locally administered unicast address", Manual: true, Why: correctedWhy}})
		}
	}

	// A neighbour without a link-layer address.
	if strings.Contains(text, "no link layer address given") || (s.Operation == symptom.OpNeighAdd && s.Errno == symptom.EINVAL && s.Command != "" && !strings.Contains(s.Command, "lladdr")) {
		addr, dev := "ADDR", fix.OrName(s.Device, "DEV")
		for _, w := range symptom.SplitWords(s.Command) {
			if symptom.LooksLikeAddr(w) {
				addr = w
				break
			}
		}
		out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EINVAL},
			what: "the neighbour entry has no link-layer address: __neigh_update refuses a new entry without one (EINVAL, \"No link layer address given\")",
			fix: &fix.Fix{ID: "invalid-request/neigh-lladdr", Title: "Give the neighbour its link-layer address with lladdr (answers EINVAL on neigh add)",
				Command: ipCmd(c, "neigh", "replace", addr, "lladdr", "LLADDR", "dev", dev, "nud", "permanent"), Manual: true,
				Why: correctedWhy + "; LLADDR is the neighbour's MAC address, which only you know"}})
	}

	// A preferred source that is not one of the host's addresses
	// (fib_create_info: "Invalid prefsrc address", EINVAL).
	if s.PrefSrc != "" && s.Operation == symptom.OpRouteAdd && haveLinks {
		if src, err := netip.ParseAddr(s.PrefSrc); err == nil {
			local := false
			for _, a := range n.Addrs {
				if a.Prefix.Addr() == src {
					local = true
				}
			}
			if !local {
				out = append(out, invalidFinding{proof: strings.Contains(text, "invalid prefsrc"), errnos: []symptom.Errno{symptom.EINVAL},
					what: fmt.Sprintf("src %s is not an address of this host (in the examined namespace): a route's preferred source must be a local address (net/ipv4/fib_semantics.c fib_create_info: EINVAL \"Invalid prefsrc address\")", src),
					fix: &fix.Fix{ID: "invalid-request/route-src", Title: "Add the route with a src this host has, or without src (answers EINVAL \"Invalid prefsrc address\")",
						Command: fix.Lines(ipCmd(c, "-br", "addr", "show"), "# then the command again with one of those addresses after src, or without src"), Manual: true,
						Why: "which local address the route should prefer is your decision"}})
			}
		}
	}

	// An IPv6 gateway that is one of the host's own addresses.
	gwLocal := strings.Contains(text, "gateway can not be a local address")
	if s.Gateway != "" && s.Operation == symptom.OpRouteAdd {
		if gw, err := netip.ParseAddr(s.Gateway); err == nil && gw.Is6() {
			for _, a := range n.Addrs {
				if a.Prefix.Addr() == gw {
					gwLocal = true
					l, _ := n.LinkByIndex(a.Index)
					notes = append(notes, fmt.Sprintf("the gateway %s is an address of %s on this host", gw, fix.OrName(l.Name, fmt.Sprint(a.Index))))
				}
			}
		}
	}
	if gwLocal {
		args := []string{"-6", "route", "add", fix.OrName(s.Route, "PREFIX")}
		if s.Device != "" {
			args = append(args, "dev", s.Device)
		}
		out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EINVAL},
			what: localGatewayWhat(s.Gateway),
			fix: &fix.Fix{ID: "invalid-request/route-without-local-gateway", Title: "Add the route without the local gateway: it is directly connected (answers EINVAL on route add)",
				Command: ipCmd(c, args...), Manual: true, Why: correctedWhy}})
	}

	// A route learned from a Router Advertisement this host sent itself.
	if !gwLocal && s.Errno == symptom.EINVAL && strings.Contains(strings.ToLower(s.Raw), "ndisc route") {
		out = append(out, invalidFinding{errnos: []symptom.Errno{symptom.EINVAL},
			what: "a route learned from a Router Advertisement was refused with EINVAL: when this host itself sends the advertisements on that link (radvd), the route's gateway is its own address, which ip6_validate_gw refuses (\"Gateway can not be a local address\")",
			fix: &fix.Fix{ID: "invalid-request/ignore-own-ra", Title: "If this host is the router on that link, do not accept its own Router Advertisements there (answers EINVAL on route add)",
				Command: fix.Lines("# in the .network file of that link:", "# [Network]", "# IPv6AcceptRA=no", fix.Argv("networkctl", "reload")), Manual: true,
				Why: "whether this host is the link's router is your configuration: rtnl-doctor does not edit it for this"}})
	}

	// An attribute the kernel's policy refuses.
	if strings.Contains(text, "attribute failed policy validation") {
		invalidName := false
		for _, name := range proposedNames(s) {
			if probes.ValidIfName(name) != nil {
				invalidName = true
			}
		}
		if invalidName {
			notes = append(notes, "the attribute refused is the interface name (see name-conflict)")
		} else {
			out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EINVAL},
				what: "the kernel's attribute policy refused a value of the request (lib/nlattr.c validate_nla: wrong type, length or range; EINVAL \"Attribute failed policy validation\"): the program sent an attribute the kernel does not accept",
				fix: &fix.Fix{ID: "invalid-request/attribute", Title: "Correct the refused attribute: run the command with the values checked against its help, or update the program that built the request (answers EINVAL)",
					Command: fix.Lines("# see which values the kernel accepts:", fix.Argv("ip", "link", "help", fix.OrName(s.Kind, "TYPE"))), Manual: true,
					Why: "the message does not say which attribute: the kernel's extended ACK names only its offset"}})
		}
	}

	// A master that cannot take ports.
	if master, port := requestMaster(s); master != "" && (s.Errno == symptom.EOPNOTSUPP || s.Errno == "") {
		if !haveLinks {
			out = append(out, invalidFinding{unknown: true, errnos: []symptom.Errno{symptom.EOPNOTSUPP},
				what: fmt.Sprintf("cannot check whether %s can take ports: links unavailable", master)})
		} else if m, ok := n.LinkByName(master); !ok {
			notes = append(notes, fmt.Sprintf("%s is not a link of the examined namespace (a missing master is link-state's)", master))
		} else if m.Kind == "openvswitch" {
			out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EOPNOTSUPP},
				what: fmt.Sprintf("%s is an Open vSwitch bridge, not a Linux bridge: the kernel has no ndo_add_slave for it (do_set_master: EOPNOTSUPP); OVS adds ports with ovs-vsctl", master),
				fix: &fix.Fix{ID: "invalid-request/ovs-port", Title: fmt.Sprintf("Add %s to %s with Open vSwitch (answers EOPNOTSUPP on link set master)", fix.OrName(port, "DEV"), master),
					Command: fix.Lines(fix.Argv("ovs-vsctl", "add-port", master, fix.OrName(port, "DEV")), "# libvirt: add <virtualport type='openvswitch'/> to the interface's XML instead"), Manual: true, NeedsRoot: true, Why: correctedWhy}})
		} else if !portMasterKinds[m.Kind] {
			kind := m.Kind
			if kind == "" {
				kind = "physical (or driver-only) device"
			}
			br := "br0"
			out = append(out, invalidFinding{proof: true, errnos: []symptom.Errno{symptom.EOPNOTSUPP},
				what: fmt.Sprintf("%s is a %s, not a bridge or bond: it cannot take ports (do_set_master: no ndo_add_slave, EOPNOTSUPP)", master, kind),
				fix: &fix.Fix{ID: "invalid-request/real-bridge", Title: fmt.Sprintf("Attach %s to a bridge, not to %s: put %s into a bridge and use the bridge (answers EOPNOTSUPP on link set master)", fix.OrName(port, "DEV"), master, master),
					Command: fix.Lines("# narrowest for a VM: a macvtap on the NIC (libvirt <interface type='direct'>) needs no bridge",
						ipCmd(c, "link", "add", "name", br, "type", "bridge"), ipCmd(c, "link", "set", "dev", master, "master", br),
						ipCmd(c, "link", "set", "dev", br, "up"), ipCmd(c, "link", "set", "dev", fix.OrName(port, "DEV"), "master", br)),
					Manual: true, NeedsRoot: true, Why: correctedWhy,
					Risk: master + "'s addresses and routes must move to " + br + ": the host's traffic on " + master + " stops until they do"}})
		} else {
			notes = append(notes, fmt.Sprintf("%s is a %s: it takes ports", master, m.Kind))
		}
	}
	// A fault whose errno is not the symptom's is not its cause: it is
	// said, without a fix.
	kept := out[:0]
	for _, f := range out {
		if s.Errno == "" || slices.Contains(f.errnos, s.Errno) {
			kept = append(kept, f)
		} else {
			notes = append(notes, f.what+" (it gives "+string(f.errnos[0])+", not this "+string(s.Errno)+": correct it too)")
		}
	}
	return kept, notes
}

func mentionsMAC(raw string) bool {
	l := strings.ToLower(raw)
	for _, w := range []string{"hw address", "hwaddr", "hw_addr", "_mac", "mac address", "mac:", "siocsifhwaddr", "lladdr"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

func errnoNote(e symptom.Errno) string {
	if e == "" {
		return ""
	}
	return ", " + string(e)
}

// localGatewayWhat is the finding's words: about the gateway the command
// names, or, with none named, about what the kernel said.
func localGatewayWhat(gw string) string {
	const why = "ip6_validate_gw refuses it (EINVAL, \"Gateway can not be a local address\"); a router announcing itself (radvd on the same link) leads to this too"
	if gw == "" {
		return "the kernel refused the route's gateway as one of this host's own addresses (the text does not name the gateway): " + why
	}
	return "the gateway " + gw + " is a local address of this host: " + why
}

// requestWords are the words a program, a tool or the kernel prints when
// a request was built wrongly, which no extended-ACK row carries: each
// makes invalid-request plausible (a warning: the request itself is not
// in the text to check).
var requestWords = []struct {
	words, what string
	// noErrno: the words count only when the text shows no errno (the
	// kernel prints them as a warning and may go on with the request).
	noErrno bool
}{
	{"ifindex does not match any interface", "the kernel found no interface with the index the request carried (ovpn: \"ifindex does not match any interface\"): the program sent a stale or wrong ifindex, unless the device is gone", false},
	{"has an invalid length", "the kernel logged that a program sent an attribute of a length its policy does not accept (lib/nlattr.c: \"attribute type N has an invalid length\"): that program built its request wrongly", true},
	{"bad argument `", "the tool refused its own command line (iptables' \"Bad argument\"): nothing reached the kernel; the command as written must be corrected", false},
}
