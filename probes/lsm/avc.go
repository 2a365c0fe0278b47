package lsm

// This file parses SELinux AVC denial records, the kernel's account of an
// access SELinux refused ("avc:  denied  { nlmsg_write } for  pid=4242
// comm="ip" ... tclass=netlink_route_socket permissive=0"), in every log the
// record is copied to: auditd's audit.log ("type=AVC msg=audit(...): ..."),
// the kernel log when auditd is not running ("audit: type=1400 audit(...):
// ...", behind dmesg, syslog or journal prefixes) and the journal's audit
// transport ("AVC avc:  denied ...", without the audit(...) stamp).

import (
	"slices"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// parseAVC parses one SELinux AVC denial. It returns false for anything
// else: "avc:  granted" (auditallow) records, policy-load notices, AppArmor
// records (which share the AVC record type: see parseAppArmor), USER_AVC
// records of userspace object managers, and lines that are not a record or
// are cut before the "{ permissions }" list.
//
// Capability is the capability's name without libcap's "cap_" prefix
// ("net_admin"), as SELinux and AppArmor print it themselves.
func parseAVC(line string) (Denial, bool) {
	d, _, ok := parseAVCRecord(line)
	return d, ok
}

// parseAVCRecord is parseAVC, also returning the record it found (its body
// identifies copies of the record in other logs).
func parseAVCRecord(line string) (Denial, auditRecord, bool) {
	rec, ok := findRecord(line)
	if !ok || rec.kind != "selinux" || rec.userspace {
		return Denial{}, rec, false
	}
	rest := strings.TrimLeft(strings.TrimPrefix(rec.body, "avc:"), " \t")
	verdict, rest, _ := strings.Cut(rest, " ")
	if verdict != "denied" {
		return Denial{}, rec, false
	}
	rest = strings.TrimLeft(rest, " \t")
	if !strings.HasPrefix(rest, "{") {
		return Denial{}, rec, false
	}
	end := strings.IndexByte(rest, '}')
	if end < 0 {
		return Denial{}, rec, false
	}
	var perms []string
	for _, p := range strings.Fields(rest[1:end]) {
		if len(perms) == maxPerms {
			break
		}
		perms = append(perms, clipAt(p, 64))
	}
	if len(perms) == 0 {
		return Denial{}, rec, false
	}
	fs := splitAuditFields(rest[end+1:])

	d := Denial{
		Time:     rec.time,
		Serial:   rec.serial,
		Kind:     "selinux",
		PID:      max(fs.intField("pid"), 0),
		Comm:     fs.untrusted("comm"),
		Exe:      fs.untrusted("exe"),
		Scontext: fs.plain("scontext"),
		Tcontext: fs.plain("tcontext"),
		Class:    fs.plain("tclass"),
		Raw:      source.Clip(line, source.MaxLogLine),
	}
	d.Operation = clipField(strings.Join(perms, " "))
	d.Denied = d.Operation
	d.Name = fs.untrusted("path")
	if d.Name == "" {
		d.Name = fs.untrusted("name")
	}
	if p, ok := fs.get("permissive"); ok && p.val == "1" {
		d.Permissive = true
	}
	if isCapClass(d.Class) {
		if n, ok := fs.capNumber(); ok {
			d.Capability = capDisplayName(n)
		} else if len(perms) == 1 {
			d.Capability = perms[0]
		}
	}
	if d.Class == "system" && slices.Contains(perms, "module_request") {
		if k := fs.untrusted("kmod"); k != "" {
			d.Name = k
		}
	}
	selinuxRelevance(&d, perms, fs.untrusted("dev"))
	return d, rec, true
}

// isCapClass reports whether an SELinux class checks capabilities:
// capability and capability2 (numbers 32 and up), and their cap_userns and
// cap2_userns twins used inside a non-initial user namespace.
func isCapClass(c string) bool {
	switch c {
	case "capability", "capability2", "cap_userns", "cap2_userns":
		return true
	}
	return false
}

// selinuxNetClasses are the socket classes networking configuration goes
// through, with how to name them in words.
var selinuxNetClasses = map[string]string{
	"netlink_route_socket":     "an rtnetlink socket",
	"netlink_socket":           "a netlink socket",
	"netlink_generic_socket":   "a generic netlink socket (WireGuard, team, nl80211 and others are configured through it)",
	"netlink_netfilter_socket": "a netfilter netlink socket (nftables, conntrack: container NAT)",
	"tun_socket":               "a TUN/TAP socket",
	"packet_socket":            "a packet socket (raw link-layer access: DHCP clients, tcpdump)",
	"rawip_socket":             "a raw IP socket (ping, routing daemons)",
}

// selinuxRelevance decides whether an SELinux denial touches networking
// and says why in Why.
func selinuxRelevance(d *Denial, perms []string, dev string) {
	has := func(p string) bool { return slices.Contains(perms, p) }
	why := ""
	switch {
	case d.Class == "netlink_route_socket" && has("nlmsg_write"):
		why = "denies writing to an rtnetlink socket (nlmsg_write): the kernel refuses link/addr/route changes from this domain"
	case d.Class == "netlink_route_socket" && has("nlmsg_read"):
		why = "denies reading from an rtnetlink socket (nlmsg_read): listing links, addresses and routes fails"
	case selinuxNetClasses[d.Class] != "" && has("create"):
		why = "denies creating " + selinuxNetClasses[d.Class]
	case selinuxNetClasses[d.Class] != "":
		why = "denies " + d.Operation + " on " + selinuxNetClasses[d.Class]
	case isCapClass(d.Class):
		why = capWhy(d.Capability, strings.HasSuffix(d.Class, "_userns"))
	case d.Class == "user_namespace" && has("create"):
		why = "denies creating a user namespace"
	case d.Class == "chr_file" && isTunDevice(d.Name, d.Tcontext, dev):
		if has("open") || has("read") || has("write") {
			why = "denies opening /dev/net/tun"
		} else {
			why = "denies " + d.Operation + " on /dev/net/tun"
		}
	case d.Class == "system" && has("module_request"):
		why = "denies loading a kernel module on demand (module_request"
		if d.Name != "" {
			why += " " + d.Name
		}
		why += "): a link type whose module is not loaded yet cannot be created"
	}
	if why == "" {
		return
	}
	if d.Permissive {
		why += " (permissive=1: logged only, the access was allowed)"
	}
	d.Relevant, d.Why = true, clipField(why)
}

// isTunDevice reports whether a chr_file denial is about /dev/net/tun: by
// path, by the tun device's SELinux type, or by its name on devtmpfs.
func isTunDevice(name, tcontext, dev string) bool {
	return name == "/dev/net/tun" || strings.Contains(tcontext, ":tun_tun_device_t:") ||
		strings.HasSuffix(tcontext, ":tun_tun_device_t") || (name == "tun" && dev == "devtmpfs")
}
