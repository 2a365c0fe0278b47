package lsm

// This file parses AppArmor denial records (apparmor="DENIED" ...), in every
// log they are copied to: auditd's audit.log (as "type=AVC msg=audit(...):"
// or, on older systems, "type=APPARMOR_DENIED"), the kernel log when auditd
// is not running ("audit: type=1400 audit(...): apparmor=...", behind
// dmesg, syslog or journal prefixes) and the journal's audit transport.

import (
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// parseAppArmor parses one AppArmor denial. Records of AppArmor's other
// kinds ("AUDIT", "ALLOWED" in complain mode, "STATUS" for policy loads,
// "HINT"...) are not denials and give false, as do SELinux records, the
// USER_AVC records of userspace object managers (dbus) and lines that are
// not records at all.
//
// Operation is AppArmor's operation ("create", "capable", "open"...);
// Denied and Requested are denied/requested or, for files, the
// denied_mask/requested_mask; Capability is capname ("net_admin"), or the
// name of capability=N when capname is missing.
func parseAppArmor(line string) (Denial, bool) {
	d, _, ok := parseAppArmorRecord(line)
	return d, ok
}

// parseAppArmorRecord is parseAppArmor, also returning the record found.
func parseAppArmorRecord(line string) (Denial, auditRecord, bool) {
	rec, ok := findRecord(line)
	if !ok || rec.kind != "apparmor" || rec.userspace {
		return Denial{}, rec, false
	}
	fs := splitAuditFields(rec.body)
	if f, ok := fs.get("apparmor"); !ok || f.val != "DENIED" {
		return Denial{}, rec, false
	}
	d := Denial{
		Time:      rec.time,
		Serial:    rec.serial,
		Kind:      "apparmor",
		PID:       max(fs.intField("pid"), 0),
		Comm:      fs.untrusted("comm"),
		Exe:       fs.untrusted("exe"),
		Operation: fs.plain("operation"),
		Class:     fs.plain("class"),
		Profile:   fs.untrusted("profile"),
		Name:      fs.untrusted("name"),
		Family:    fs.plain("family"),
		SockType:  fs.plain("sock_type"),
		Protocol:  fs.plain("protocol"),
		Info:      fs.plain("info"),
		Error:     fs.intField("error"),
		Raw:       source.Clip(line, source.MaxLogLine),
	}
	d.Capability = fs.plain("capname")
	if d.Capability == "" {
		if n, ok := fs.capNumber(); ok {
			d.Capability = capDisplayName(n)
		}
	}
	d.Denied = fs.plain("denied")
	if d.Denied == "" {
		d.Denied = fs.plain("denied_mask")
	}
	d.Requested = fs.plain("requested")
	if d.Requested == "" {
		d.Requested = fs.plain("requested_mask")
	}
	appArmorRelevance(&d)
	return d, rec, true
}

// appArmorRelevance decides whether an AppArmor denial touches networking
// and says why in Why.
func appArmorRelevance(d *Denial) {
	why := ""
	switch {
	// Kernels before AppArmor's class= field log network denials with a
	// family and no class.
	case d.Class == "net" || (d.Class == "" && d.Family != ""):
		why = "denies " + socketVerb(d.Operation) + " " + socketDesc(d.Family, d.Protocol)
	case d.Operation == "capable" || d.Class == "cap":
		why = capWhy(d.Capability, false)
	case d.Operation == "userns_create" || d.Class == "namespace":
		why = "denies creating a user namespace"
		if strings.Contains(d.Info, "restricted") {
			why += " (kernel.apparmor_restrict_unprivileged_userns=1: only programs whose profile allows userns may create one)"
		}
	case d.Name == "/dev/net/tun":
		if d.Operation == "open" {
			why = "denies opening /dev/net/tun"
		} else {
			why = "denies " + d.Operation + " on /dev/net/tun"
		}
	}
	if why != "" {
		d.Relevant, d.Why = true, clipField(why)
	}
}

// socketVerb turns an AppArmor socket operation into words.
func socketVerb(op string) string {
	switch op {
	case "create":
		return "creating"
	case "bind":
		return "binding"
	case "connect":
		return "connecting"
	case "listen":
		return "listening on"
	case "accept":
		return "accepting on"
	case "sendmsg":
		return "sending on"
	case "recvmsg":
		return "receiving on"
	case "setsockopt":
		return "setting options on"
	case "getsockopt":
		return "reading options of"
	case "":
		return "using"
	}
	return op + " on"
}

// socketDesc names a socket by its address family (and, for netlink, its
// protocol).
func socketDesc(family, protocol string) string {
	switch {
	case family == "netlink" && protocol == "0":
		return "a netlink socket (protocol 0: rtnetlink, which configures links, addresses and routes)"
	case family == "":
		return "a socket"
	case family == "inet" || family == "inet6":
		return "an " + family + " socket"
	}
	return "a " + family + " socket"
}
