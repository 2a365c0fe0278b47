package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeDeviceBusy = &Cause{
	ID: "device-busy",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.EBUSY, symptom.EINVAL, symptom.EOPNOTSUPP, symptom.ENOTEMPTY),
	Checks:  "whether the device is already taken (a bridge, bond, team or OVS port; the lower device of macvlan/ipvlan) or the change is one the driver refuses after creation (vxlan VNI/port, macvlan passthru, a Wi-Fi station in a bridge)",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalDeviceBusy,
	Fixes:   fixesDeviceBusy,
	Next:    "With the device free (or re-created as needed), run the command again; the device then needs its addresses back if it had any.",
}

// rxHandlerKinds take a device's rx handler (netdev_rx_handler_register):
// only one may hold it, a second gets EBUSY.
var rxHandlerKinds = map[string]string{
	"macvlan": "macvlan", "macvtap": "macvlan", "ipvlan": "ipvlan", "ipvtap": "ipvlan",
}

// fixedAfterCreation are the extended ACKs of changes a driver refuses on
// an existing device.
var fixedAfterCreation = []struct{ ext, words string }{
	{"cannot change vni", "a vxlan's VNI is fixed when it is created (vxlan_nl2conf: \"Cannot change VNI\", EOPNOTSUPP)"},
	{"cannot change port", "a vxlan's UDP destination port is fixed when it is created (vxlan_nl2conf: \"Cannot change port\", EOPNOTSUPP)"},
	{"device does not allow enslaving to a bridge", "the device refuses to be a bridge port (br_add_if: IFF_DONT_BRIDGE, EOPNOTSUPP): a Wi-Fi station without 4-address mode can only send frames with its own MAC address"},
	{"because the bond device has slaves", "a bond's mode (and the other options flagged BOND_OPTFLAG_NOSLAVES) can change only while it has no ports (bond_options.c __bond_opt_set: ENOTEMPTY)"},
}

// busyText is where the kernel's words are looked for: its extended ACK,
// the message, and a kernel log line pasted with them.
func busyText(s symptom.Symptom) string {
	return strings.ToLower(s.ExtAck + "\n" + s.Message + "\n" + s.Raw)
}

func busySymptom(s symptom.Symptom) bool {
	ext := busyText(s)
	for _, f := range fixedAfterCreation {
		if strings.Contains(ext, f.ext) {
			return true
		}
	}
	return s.Errno == symptom.EBUSY || s.Errno == symptom.EINVAL && strings.Contains(s.Raw, "passthru") && (s.Operation == symptom.OpLinkSet || s.Operation == symptom.OpLinkAdd) ||
		s.Errno == symptom.EOPNOTSUPP && s.Operation == symptom.OpLinkSet || s.Errno == symptom.ENOTEMPTY && strings.Contains(ext, "bond")
}

// busyHolder says what holds a device's rx handler, or "".
func busyHolder(n *probes.NetFacts, l probes.Link) (string, []string) {
	if l.Master != 0 {
		m, _ := n.LinkByIndex(l.Master)
		kind := l.SlaveKind
		if kind == "" {
			kind = m.Kind
		}
		if kind == "" {
			kind = "master"
		}
		if kind == "openvswitch" {
			return fmt.Sprintf("%s is a port of the Open vSwitch datapath %s", l.Name, fix.OrName(m.Name, "ovs-system")), nil
		}
		return fmt.Sprintf("%s is a %s port of %s", l.Name, kind, fix.OrName(m.Name, fmt.Sprint(l.Master))), nil
	}
	var uppers []string
	for _, u := range n.Links {
		if u.Parent == l.Index && u.Index != l.Index && u.ParentNetNSID == nil {
			if h, ok := rxHandlerKinds[u.Kind]; ok {
				uppers = append(uppers, u.Name+" ("+h+")")
			}
		}
	}
	if len(uppers) > 0 {
		return fmt.Sprintf("%s is the lower device of %s", l.Name, quoteList(uppers)), uppers
	}
	return "", nil
}

func evalDeviceBusy(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	if !busySymptom(s) {
		v.ok("the symptom is not a busy or fixed device (EBUSY, \"Cannot change VNI\", \"Device does not allow enslaving to a bridge\")")
		return v
	}
	ext := busyText(s)
	for _, f := range fixedAfterCreation {
		if strings.Contains(ext, f.ext) {
			v.fail("the kernel said %q: %s", f.ext, f.words)
			return v
		}
	}
	if r, gap := c.linksGap(); gap {
		v.unknown("link facts unavailable: %s", r)
		return v
	}
	n := &c.Facts.Net
	if s.Errno == symptom.ENOTEMPTY {
		for _, b := range n.Links {
			if b.Kind != "bond" || s.Device != "" && b.Name != s.Device {
				continue
			}
			var ports []string
			for _, p := range n.Links {
				if p.Master == b.Index {
					ports = append(ports, p.Name)
				}
			}
			if len(ports) > 0 {
				v.fail("bond %s has ports (%s): its mode and the other options flagged BOND_OPTFLAG_NOSLAVES change only without ports (bond_options.c __bond_opt_set: ENOTEMPTY, \"Directory not empty\")", b.Name, quoteList(ports))
			} else {
				v.ok("bond %s has no ports: ENOTEMPTY is not the ports' here", b.Name)
			}
		}
		if v.Status == "" {
			v.unknown("the bond unavailable: no bond in the examined namespace matches the symptom")
		}
		return v
	}
	if s.Errno == symptom.EOPNOTSUPP {
		l, ok := n.LinkByName(s.Device)
		switch {
		case ok && l.Kind == "vxlan" || !ok && strings.Contains(strings.ToLower(s.Raw), "vxlan"):
			v.fail("%s is an existing vxlan, so its driver is loaded: changing it failed with EOPNOTSUPP, vxlan_nl2conf's answer to a change of what is fixed at creation (VNI, destination port, address family)", fix.OrName(s.Device, "the device"))
		case ok:
			v.ok("%s is not a vxlan; EOPNOTSUPP on a change is not a fixed attribute here", l.Name)
		case s.Device == "":
			v.unknown("the device unavailable: the symptom does not name it (paste the command too)")
		default:
			v.unknown("device %q unavailable: not in the examined namespace", s.Device)
		}
		return v
	}
	if s.Errno == symptom.EINVAL {
		if l, ok := n.LinkByName(s.Device); ok && (l.Kind == "macvlan" || l.Kind == "macvtap") {
			v.fail("%s is a %s: switching it into or out of passthru mode is refused with EINVAL (macvlan_changelink); it must be re-created in the other mode", l.Name, l.Kind)
		} else {
			v.ok("%s is not a macvlan: the passthru rule does not apply", fix.OrName(s.Device, "the device"))
		}
		return v
	}
	if tunBusyOp(s) {
		return evalTunBusy(c, &v)
	}
	// EBUSY: the device asked to take a new rx handler.
	var cands []string
	switch {
	case s.Lower != "": // ip link add link LOWER ... type macvlan/ipvlan
		cands = append(cands, s.Lower)
	case s.Master != "" || s.Operation == symptom.OpLinkSet:
		cands = append(cands, s.Device)
	default:
		cands = append(cands, s.Device, s.Lower)
	}
	found := false
	for _, name := range cands {
		if name == "" {
			continue
		}
		l, ok := n.LinkByName(name)
		if !ok {
			v.unknown("device %q unavailable: not in the examined namespace", name)
			continue
		}
		found = true
		holder, _ := busyHolder(n, l)
		if holder == "" {
			v.ok("%s is free: no master and no macvlan or ipvlan on it", l.Name)
			continue
		}
		if s.Master != "" && l.Master != 0 {
			if m, _ := n.LinkByIndex(l.Master); m.Name == s.Master {
				v.ok("%s is already a port of %s", l.Name, m.Name)
				continue
			}
			if l.SlaveKind == "bridge" || l.SlaveKind == "bond" || l.SlaveKind == "team" {
				// do_set_master releases the old master first: moving is
				// not refused, so another reason made it busy.
				v.warn("%s (ip link set master moves a port from one master to another; EBUSY came from elsewhere)", holder)
				continue
			}
		}
		v.fail("%s: the device's receive handler is taken, and netdev_rx_handler_register refuses a second with EBUSY", holder)
	}
	if !found && v.Status == "" {
		// No device named (docker's "failed to create the macvlan port"):
		// list the devices that could not be a macvlan/ipvlan parent.
		var taken []string
		for _, l := range n.Links {
			if h, _ := busyHolder(n, l); h != "" {
				taken = append(taken, h)
			}
		}
		if len(taken) > 0 {
			v.warn("the symptom names no device; these cannot take another receive handler (EBUSY from netdev_rx_handler_register) and cannot be a macvlan/ipvlan parent or a new port: %s", strings.Join(taken, "; "))
		} else {
			v.unknown("the device is unavailable: the symptom names none, and no device here is a port or a macvlan/ipvlan lower")
		}
	}
	return v
}

func fixesDeviceBusy(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	s := c.Symptom
	if tunBusyOp(s) {
		var who []string
		for _, h := range c.Facts.Net.TunHolders {
			if h.Device == s.Device {
				who = append(who, fmt.Sprintf("PID %d (%s)", h.PID, h.Comm))
			}
		}
		return []fix.Fix{{ID: "device-busy/own-tap", Title: fmt.Sprintf("Give this program a tun/tap of its own, or stop %s, which holds %s (answers EBUSY on TUNSETIFF)", strings.Join(who, ", "), s.Device),
			Command: fix.Lines(ipCmd(c, "tuntap", "add", "dev", "NEW_TAP", "mode", "tap"), "# then point the program at NEW_TAP (mode tun for a tun device)"),
			Manual:  true, NeedsRoot: true,
			Why: "which of the two programs keeps the device is your decision: stopping the holder ends whatever it serves"}}
	}
	ext := busyText(s)
	dev := fix.OrName(s.Device, "DEV")
	why := "the device serves something else now, or must be re-created: which one keeps it is your decision"
	switch {
	case strings.Contains(ext, "because the bond device has slaves") || s.Errno == symptom.ENOTEMPTY:
		bond := fix.OrName(s.Device, "BOND")
		return []fix.Fix{{ID: "device-busy/bond-empty", Title: fmt.Sprintf("Release %s's ports, change the option, add them back (answers ENOTEMPTY \"unable to set because the bond device has slaves\")", bond),
			Command:   fix.Lines(ipCmd(c, "link", "show", "master", bond), "# for each port P listed: "+ipCmd(c, "link", "set", "dev", "P", "nomaster"), "# change the mode, then for each port: "+ipCmd(c, "link", "set", "dev", "P", "master", bond)),
			NeedsRoot: true, Manual: true, Why: why, Risk: "the bond carries no traffic while its ports are out; a network manager re-applying its configuration may race with you (configure the mode before the ports there)"}}
	case strings.Contains(ext, "cannot change"):
		return []fix.Fix{{ID: "device-busy/recreate-vxlan", Title: fmt.Sprintf("Re-create %s with the new settings (answers EOPNOTSUPP \"%s\")", dev, s.ExtAck),
			Command:   fix.Lines(ipCmd(c, "-d", "link", "show", "dev", dev), ipCmd(c, "link", "del", "dev", dev), "# then the ip link add command with the new id/dstport and the other settings shown above"),
			NeedsRoot: true, Manual: true, Why: why, Risk: "traffic through " + dev + " stops until it is re-created; its addresses, routes and FDB entries must be added again"}}
	case strings.Contains(ext, "enslaving to a bridge"):
		return []fix.Fix{
			{ID: "device-busy/wifi-4addr", Title: fmt.Sprintf("Put %s in 4-address (WDS) mode, then add it to the bridge (answers EOPNOTSUPP \"%s\")", dev, s.ExtAck),
				Command: fix.Lines(fix.Argv("iw", "dev", dev, "set", "4addr", "on"), ipCmd(c, "link", "set", "dev", dev, "master", fix.OrName(s.Master, "BRIDGE"))), NeedsRoot: true, Manual: true,
				Why: "the access point must accept 4-address frames from this station, which only its owner can tell"},
			{ID: "device-busy/wifi-route", Title: "Or route (or NAT) between the bridge and " + dev + " instead of bridging (avoids the EOPNOTSUPP)", Command: "# give the bridge its own subnet and enable forwarding, or use NAT, instead of making " + dev + " a port",
				Manual: true, Why: "a network design change"},
		}
	case s.Errno == symptom.EOPNOTSUPP && s.Operation == symptom.OpLinkSet:
		return []fix.Fix{{ID: "device-busy/recreate-vxlan", Title: fmt.Sprintf("Re-create %s with the new settings, or send only what may change (answers EOPNOTSUPP on ip link set)", dev),
			Command:   fix.Lines(ipCmd(c, "-d", "link", "show", "dev", dev), ipCmd(c, "link", "del", "dev", dev), "# then the ip link add command with the new settings and the others shown above"),
			NeedsRoot: true, Manual: true, Why: why, Risk: "traffic through " + dev + " stops until it is re-created; its addresses, routes and FDB entries must be added again"}}
	case s.Errno == symptom.EINVAL:
		return []fix.Fix{{ID: "device-busy/recreate-macvlan", Title: fmt.Sprintf("Re-create %s in the mode you need (answers EINVAL on changing passthru)", dev),
			Command:   fix.Lines(ipCmd(c, "-d", "link", "show", "dev", dev), ipCmd(c, "link", "del", "dev", dev), "# then ip link add link LOWER "+dev+" type macvlan mode MODE"),
			NeedsRoot: true, Manual: true, Why: why, Risk: "whatever uses " + dev + " (a container, a VM) loses it until it is re-created"}}
	}
	n := &c.Facts.Net
	name := s.Device
	if s.Lower != "" {
		name = s.Lower
	}
	l, ok := n.LinkByName(name)
	if !ok {
		return nil
	}
	holder, uppers := busyHolder(n, l)
	var fixes []fix.Fix
	if l.Master != 0 {
		m, _ := n.LinkByIndex(l.Master)
		if s.Lower != "" && (l.SlaveKind == "bridge" || m.Kind == "bridge") {
			fixes = append(fixes, fix.Fix{ID: "device-busy/on-the-bridge", Title: fmt.Sprintf("Create the %s on the bridge %s instead of its port %s (narrowest: nothing else changes; answers EBUSY)", fix.OrName(s.Kind, "device"), m.Name, l.Name),
				Command: "# the same command with link " + m.Name + " instead of link " + l.Name, Manual: true,
				Why: "it changes the command you run: rtnl-doctor shows it"})
		}
		fixes = append(fixes, fix.Fix{ID: "device-busy/release", Title: fmt.Sprintf("Or take %s out of %s first (answers EBUSY: %s)", l.Name, fix.OrName(m.Name, "its master"), holder),
			Command: fix.Lines(ipCmd(c, "link", "set", "dev", l.Name, "nomaster"), "# then run the failing command again"), NeedsRoot: true, Manual: true, Why: why,
			Risk: fix.OrName(m.Name, "the master") + " loses " + l.Name + ": whatever reached the network through it stops"})
		return fixes
	}
	if len(uppers) > 0 {
		var dels []string
		for _, u := range uppers {
			dels = append(dels, ipCmd(c, "link", "del", "dev", strings.Fields(u)[0]))
		}
		fixes = append(fixes, fix.Fix{ID: "device-busy/release-uppers", Title: fmt.Sprintf("Remove the devices on %s before making it a port (answers EBUSY: %s)", l.Name, holder),
			Command: fix.Lines(append(dels, "# then run the failing command again; re-create them on the bridge if they are still needed")...), NeedsRoot: true, Manual: true, Why: why,
			Risk: "containers or VMs using " + strings.Join(uppers, ", ") + " lose their network"})
	}
	return fixes
}

// tunBusyOp: the symptom attaches a tun/tap (TUNSETIFF).
func tunBusyOp(s symptom.Symptom) bool {
	return s.Errno == symptom.EBUSY && (s.Operation == symptom.OpTunOpen || s.Operation == symptom.OpTuntapAdd)
}

// evalTunBusy: TUNSETIFF on a single-queue tun/tap that another file holds
// answers EBUSY (drivers/net/tun.c tun_set_iff -> tun_attach: "if
// (tun->numqueues == 1 && !(flags & IFF_MULTI_QUEUE))").
func evalTunBusy(c *Context, v *Verdict) Verdict {
	s := c.Symptom
	n := &c.Facts.Net
	if s.Device == "" {
		v.unknown("the tun/tap device unavailable: the symptom does not name it")
		return *v
	}
	l, ok := n.LinkByName(s.Device)
	switch {
	case !ok:
		v.unknown("device %q unavailable: not in the examined namespace (pass --netns or --pid of the namespace the program runs in)", s.Device)
		return *v
	case l.Kind != "tun":
		v.ok("%s is a %s, not a tun/tap: TUNSETIFF's EBUSY is not a holder here", l.Name, fix.OrName(l.Kind, "device without a kind"))
		return *v
	}
	var held []string
	for _, h := range n.TunHolders {
		if h.Device == l.Name {
			held = append(held, h.String())
		}
	}
	switch {
	case len(held) > 0:
		v.fail("%s: a single-queue tun/tap takes one file, and TUNSETIFF from another answers EBUSY (tun_set_iff)", strings.Join(held, "; "))
	default:
		if r, gap := n.Gaps.Reason("tun_holders"); gap {
			v.unknown("%s exists; who holds it unavailable: %s", l.Name, r)
		} else {
			v.warn("%s exists but no process holds it now: the holder has exited (run the command again), or it runs in a PID namespace whose /proc is not this one", l.Name)
		}
	}
	return *v
}
