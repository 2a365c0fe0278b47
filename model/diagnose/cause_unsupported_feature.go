package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeUnsupportedFeature = &Cause{
	ID:      "unsupported-feature",
	Answers: fix.Answers(nil, symptom.EOPNOTSUPP, symptom.EINVAL, symptom.ENOPROTOOPT, symptom.EPROTONOSUPPORT, symptom.ENODEV),
	Checks:  "whether the kernel or the device's driver lacks what was asked although it has the subsystem: a kernel release older than the attribute or socket option, a driver without native XDP, a lower device of a type macvlan/ipvlan cannot stack on",
	Needs:   []probes.Group{probes.GroupNet, probes.GroupHost},
	Eval:    evalUnsupportedFeature,
	Fixes:   fixesUnsupportedFeature,
	Next:    "Once the request fits what this kernel and driver offer, check the program's own fallback: many (netavark, containerlab, xdp-loader) have one for older kernels or drivers.",
}

// kernelFeature is something a request can ask for that arrived in a
// known mainline release: a kernel older than that answers the errnos
// listed, whatever the module packages installed.
type kernelFeature struct {
	words  []string        // lower-case words that name it in a symptom
	errnos []symptom.Errno // what an older kernel answers; nil for any
	since  [2]int          // the first mainline release with it
	what   string
	src    string // the kernel code that refuses it when absent
}

// kernelFeatures are the features the field shows asked of kernels too old
// for them. Releases from the kernel's history (the commit that added each).
// The errnos are what an older kernel answers, narrowed so that a newer
// kernel's own refusal of a wrong request (EINVAL for a bad altname or an
// unknown nexthop id) does not point here.
var kernelFeatures = []kernelFeature{
	{words: []string{"netlink_get_strict_chk", "get_strict_chk", "strict_chk"}, errnos: []symptom.Errno{symptom.ENOPROTOOPT},
		since: [2]int{4, 20}, what: "the NETLINK_GET_STRICT_CHK socket option",
		src: "net/netlink/af_netlink.c:netlink_setsockopt answers ENOPROTOOPT for an option it does not know"},
	{words: []string{"altname", "alt_ifname", "alternative name", "linkprop", "link property"}, errnos: []symptom.Errno{symptom.EOPNOTSUPP},
		since: [2]int{5, 5}, what: "alternative interface names (RTM_NEWLINKPROP, IFLA_ALT_IFNAME)",
		src: "net/core/rtnetlink.c:rtnetlink_rcv_msg answers EOPNOTSUPP for a message type it has no handler for"},
	{words: []string{"rtm_newnexthop", "nhid", "ip nexthop", "nexthop object"}, errnos: []symptom.Errno{symptom.EOPNOTSUPP},
		since: [2]int{5, 3}, what: "nexthop objects (RTM_NEWNEXTHOP, RTA_NH_ID)",
		src: "net/core/rtnetlink.c:rtnetlink_rcv_msg answers EOPNOTSUPP for a message type it has no handler for"},
	{words: []string{"xdp.frags", "xdp_frags", "bpf_f_xdp_has_frags", "xdp multi-buffer", "xdp multi-buf"}, errnos: []symptom.Errno{symptom.EOPNOTSUPP, symptom.EINVAL},
		since: [2]int{5, 18}, what: "XDP programs for multi-buffer frames (BPF_F_XDP_HAS_FRAGS)",
		src: "kernel/bpf/syscall.c:bpf_prog_load refuses the flag it does not know with EINVAL"},
	{words: []string{"mptcp_pm_events"}, since: [2]int{5, 12}, what: "MPTCP path-manager events (the mptcp_pm generic netlink family's mptcp_pm_events multicast group)",
		src: "net/mptcp/pm_netlink.c: the family has no such multicast group before it, so subscribing to it fails"},
	{words: []string{"mptcp"}, errnos: []symptom.Errno{symptom.EPROTONOSUPPORT, symptom.ENOENT, symptom.EOPNOTSUPP, symptom.EINVAL},
		since: [2]int{5, 6}, what: "Multipath TCP (IPPROTO_MPTCP and its mptcp_pm generic netlink family)",
		src: "net/socket.c:__sock_create answers EPROTONOSUPPORT for a protocol the kernel lacks"},
	{words: []string{"ip_unprivileged_port_start"}, errnos: []symptom.Errno{symptom.ENOENT},
		since: [2]int{4, 11}, what: "the net.ipv4.ip_unprivileged_port_start sysctl",
		src: "net/ipv4/sysctl_net_ipv4.c: an older kernel has no such file under /proc/sys/net/ipv4 (ENOENT)"},
}

// featureInSymptom is the feature the symptom names whose absence would
// give its errno, if any.
func featureInSymptom(s symptom.Symptom) *kernelFeature {
	low := strings.ToLower(s.Raw + "\n" + s.Command)
	for i := range kernelFeatures {
		f := &kernelFeatures[i]
		if len(f.errnos) > 0 && s.Errno != "" && !errnoIn(s.Errno, f.errnos) {
			continue
		}
		for _, w := range f.words {
			if strings.Contains(low, w) {
				return f
			}
		}
	}
	return nil
}

func errnoIn(e symptom.Errno, list []symptom.Errno) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// stackedOnEthernet are the link kinds whose lower device must be an
// Ethernet device: macvlan_port_create and ipvlan_port_create refuse a
// lower device whose type is not ARPHRD_ETHER, or loopback, with EINVAL
// (drivers/net/macvlan.c, drivers/net/ipvlan/ipvlan_main.c "Master is
// either lo or non-ether device").
var stackedOnEthernet = map[string]string{
	"macvlan": "drivers/net/macvlan.c:macvlan_port_create", "macvtap": "drivers/net/macvlan.c:macvlan_port_create",
	"ipvlan": "drivers/net/ipvlan/ipvlan_main.c:ipvlan_port_create", "ipvtap": "drivers/net/ipvlan/ipvlan_main.c:ipvlan_port_create",
}

// xdpWords name an XDP attach in a program's words.
var xdpWords = []string{"xdp", "xdpdrv", "xdpgeneric"}

func xdpSymptom(s symptom.Symptom) bool {
	low := strings.ToLower(s.Raw + "\n" + s.Command)
	for _, w := range xdpWords {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

func evalUnsupportedFeature(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	// ENODEV: out-of-tree Wi-Fi drivers' answer to nl80211 for a mode they lack.
	if s.Errno != "" && !errnoIn(s.Errno, []symptom.Errno{symptom.EOPNOTSUPP, symptom.ENOTSUPP, symptom.EINVAL, symptom.ENOPROTOOPT, symptom.EPROTONOSUPPORT, symptom.ENOENT}) &&
		!(s.Source == "iw" && s.Errno == symptom.ENODEV) {
		v.ok("%s is not what a kernel or driver lacking a feature answers (EOPNOTSUPP, EINVAL, ENOPROTOOPT, EPROTONOSUPPORT)", s.Errno)
		return v
	}
	checked := false
	// The kernel's own words.
	if r, ok := s.ExtAckRow(); ok && r.Cause == "unsupported-feature" && r.Kernel() {
		v.fail("the kernel answered %q (%s): the device's driver does not implement what was asked", r.Text(), r.Src)
		if d, ok := c.Facts.Net.DriverOf(s.Device); ok {
			v.Evidence = append(v.Evidence, fmt.Sprintf("%s's driver is %s (from %s)", d.Device, d.Driver, d.Source))
		}
		checked = true
	}
	// A lower device macvlan/ipvlan cannot stack on.
	if src, ok := stackedOnEthernet[s.Kind]; ok && s.Operation == symptom.OpLinkAdd && s.Lower != "" && (s.Errno == symptom.EINVAL || s.Errno == "") {
		checked = true
		if r, gap := c.linksGap(); gap {
			v.unknown("the lower device %s: link facts unavailable: %s", s.Lower, r)
		} else if l, ok := c.Facts.Net.LinkByName(s.Lower); !ok {
			v.unknown("the lower device %s is not in the examined namespace (link-state checks it)", s.Lower)
		} else if l.LinkType != "" && (l.LinkType != "ether" || l.Flags&loopbackFlag != 0) {
			kind := fix.OrName(l.Kind, "a device")
			v.fail("the lower device %s is %s of type %s (link/%s), not Ethernet: %s refuses any lower device that is not ARPHRD_ETHER, or is loopback, with EINVAL", l.Name, kind, l.LinkType, l.LinkType, src)
		} else if l.LinkType == "ether" {
			v.ok("the lower device %s is an Ethernet device (link/ether): %s can stack on it", l.Name, s.Kind)
		} else {
			v.unknown("the lower device %s: its hardware type was not recorded (a capture made before rtnl-doctor read it): `ip -d link show dev %s` shows it after link/", l.Name, l.Name)
		}
	}
	// A feature newer than the running kernel.
	if f := featureInSymptom(s); f != nil {
		checked = true
		rel := c.Facts.Host.KernelRelease
		maj, min, ok := kernelVersion(rel)
		switch {
		case rel == "" || !ok:
			v.unknown("the symptom asks for %s, which arrived in Linux %d.%d; the running kernel's release is unavailable", f.what, f.since[0], f.since[1])
		case maj < f.since[0] || maj == f.since[0] && min < f.since[1]:
			v.fail("the symptom asks for %s, which arrived in Linux %d.%d; the running kernel is %s, older (%s)", f.what, f.since[0], f.since[1], rel, f.src)
		default:
			v.ok("the symptom asks for %s, which arrived in Linux %d.%d; the running kernel %s has it", f.what, f.since[0], f.since[1], rel)
		}
	}
	// A native XDP attach refused with EOPNOTSUPP and no extended ACK:
	// the driver's ndo_bpf is not read here.
	if !checked && xdpSymptom(s) && (s.Errno == symptom.EOPNOTSUPP || s.Errno == symptom.ENOTSUPP) {
		dev := fix.OrName(s.Device, "the device")
		which := "whether its driver has one is not read here (`ethtool -i` names the driver)"
		if d, ok := c.Facts.Net.DriverOf(s.Device); ok {
			which = fmt.Sprintf("its driver is %s (version %s, bus %s, from %s); whether that driver has native XDP is not read here (its ndo_bpf)", d.Driver, fix.OrName(d.Version, "unknown"), fix.OrName(d.BusInfo, "none"), d.Source)
		}
		v.unknown("an XDP attach refused with %s: dev_xdp_attach answers it when %s's driver has no native XDP (ndo_bpf), \"Underlying driver does not support XDP in native mode\"; %s", s.Errno, dev, which)
		checked = true
	}
	if !checked {
		if form, how := driverRefusal(s); form != "" {
			v.unknown("%s; whether the driver implements it is not read here: %s", form, how)
			if d, ok := c.Facts.Net.DriverOf(s.Device); ok {
				v.Evidence = append(v.Evidence, fmt.Sprintf("%s's driver is %s (from %s)", d.Device, d.Driver, d.Source))
			}
			checked = true
		} else if w := programSaysKernelLacks(s); w != "" {
			rel := fix.OrName(c.Facts.Host.KernelRelease, "unknown")
			v.warn("the program says the kernel lacks what it asked (%q); the running kernel is %s: a program's own probe, not checked here", w, rel)
			checked = true
		}
	}
	if !checked {
		v.ok("the symptom names no attribute, socket option, driver operation or lower device that this kernel or driver could lack")
	}
	return v
}

// driverRefusal names a refusal the ranking table sends here whose driver
// capability is not read (nl80211's, a VF's, a CAN device's), and how the
// operator can read it; "" for any other symptom.
func driverRefusal(s symptom.Symptom) (form, how string) {
	low := strings.ToLower(s.Raw + "\n" + s.Command)
	notsupp := s.Errno == symptom.EOPNOTSUPP || s.Errno == symptom.ENOTSUPP
	switch {
	case s.Source == "iw" && s.Operation == symptom.OpLinkSet && strings.Contains(low, "netns") && notsupp,
		notsupp && strings.Contains(low, "to network namespace"):
		return "moving a Wi-Fi phy to another namespace was refused with " + string(s.Errno) + " (nl80211_wiphy_netns: the driver does not set WIPHY_FLAG_NETNS_OK)",
			"`iw phy PHY info` lists set_wiphy_netns among its supported commands when it does"
	case s.Source == "iw" || strings.Contains(low, "monitor mode") && notsupp:
		return "nl80211 refused the request with " + fix.OrName(string(s.Errno), "an error") + " (an interface type or command the Wi-Fi driver does not offer)",
			"`iw phy PHY info` lists the driver's supported interface modes and commands"
	case strings.Contains(low, "set vf") && notsupp:
		return "a VF setting was refused with " + string(s.Errno) + " (do_setvfinfo: the physical function's driver has no handler for it)",
			"`ethtool -i PF` names the PF's driver; `ip link show dev PF` lists the VFs and the settings it took"
	case (strings.Contains(low, "bitrate") || strings.Contains(low, "bittiming")) && notsupp:
		return "a CAN bit timing was refused with " + string(s.Errno) + " (can_changelink: the driver sets none, or not this control mode)",
			"`ip -d link show dev CAN` shows the bit-timing constants when the driver has them"
	case strings.Contains(low, "firejail/fnet") && s.Errno == symptom.EINVAL:
		return "firejail --net=IF builds a macvlan on IF, and the kernel refused it with EINVAL (macvlan_port_create refuses a lower device that is not Ethernet)",
			"`ip -d link show dev IF` shows link/ether for an Ethernet device; a tun or WireGuard VPN interface shows link/none"
	}
	return "", ""
}

// programSaysKernelLacks is a program's own words that the kernel lacks a
// feature ("kernel does not support IFLA_NETKIT_SCRUB"), or "".
func programSaysKernelLacks(s symptom.Symptom) string {
	low := strings.ToLower(s.Raw)
	for _, w := range []string{"kernel does not support", "not supported by the kernel", "requires a newer kernel"} {
		if i := strings.Index(low, w); i >= 0 {
			end := i + len(w) + 40
			if end > len(s.Raw) {
				end = len(s.Raw)
			}
			line, _, _ := strings.Cut(s.Raw[i:end], "\n")
			return line
		}
	}
	return ""
}

// loopbackFlag is IFF_LOOPBACK.
const loopbackFlag = 0x8

func fixesUnsupportedFeature(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Unknown {
		return nil
	}
	s := c.Symptom
	var out []fix.Fix
	if xdpSymptom(s) {
		dev := fix.OrName(s.Device, "DEV")
		out = append(out, fix.Fix{ID: "unsupported-feature/xdp-generic", Title: "Attach the XDP program in generic (skb) mode, which every driver supports, at a cost in speed",
			Command: fix.Lines(fix.Argv(nsArgv(c, "ethtool", "-i", dev)...), ipCmd(c, "link", "set", "dev", dev, "xdpgeneric", "obj", "PROG.o", "sec", "SECTION"),
				"# or with xdp-loader:", fix.Argv(nsArgv(c, "xdp-loader", "load", "-m", "skb", dev, "PROG.o")...)),
			Manual: true, Why: "the program and its section are the operator's; generic mode runs after the driver has built an skb, so it is slower than native mode"})
	}
	if _, ok := stackedOnEthernet[s.Kind]; ok && s.Lower != "" {
		out = append(out, fix.Fix{ID: "unsupported-feature/ethernet-lower", Title: "Stack the " + s.Kind + " on an Ethernet device, or route through the layer-3 device instead",
			Command: fix.Lines(ipCmd(c, "-d", "link", "show", "dev", s.Lower), "# tun, wireguard and ppp devices carry no Ethernet frames:", "# use a veth pair or a bridge on an Ethernet port, or route to them"),
			Manual:  true, Why: "which device to use instead is the operator's choice"})
	}
	if f := featureInSymptom(s); f != nil {
		out = append(out, fix.Fix{ID: "unsupported-feature/newer-kernel", Title: fmt.Sprintf("Run a kernel of Linux %d.%d or later, or a release of the program that does without %s", f.since[0], f.since[1], f.what),
			Command: fix.Lines(fix.Argv("uname", "-r"), "# install and boot a newer kernel (the distribution's HWE or backports kernel), or pin the program to a release that does not ask for it"),
			Manual:  true, Why: "a kernel upgrade needs a reboot, and a module package cannot add what the kernel's release predates"})
	}
	return out
}
