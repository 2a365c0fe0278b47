package diagnose

import (
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeSysctl = &Cause{
	ID:      "sysctl",
	Checks:  "the kernel settings that refuse operations (disable_ipv6, ipv6.disable=1, the sysctl being written) and two often blamed that never refuse one (ip_forward, rp_filter)",
	Needs:   []probes.Group{probes.GroupSysctls, probes.GroupHost},
	Require: Requirement{probes.GroupSysctls, "sysctls"},
	Eval:    evalSysctl,
	Fixes:   fixesSysctl,
	Answers: fix.Answers(nil, symptom.EACCES, symptom.EPERM, symptom.EROFS, symptom.ENOENT, symptom.EINVAL, symptom.EADDRNOTAVAIL),
	Next:    "With IPv6 enabled on the interface, add the address again; the kernel then runs duplicate address detection (tentative for a second).",
}

// ipv6Op is true when the symptom adds an IPv6 address or route.
func ipv6Op(s symptom.Symptom) bool {
	return (s.Operation == symptom.OpAddrAdd || s.Operation == symptom.OpRouteAdd) && s.Family == "inet6" ||
		strings.Contains(strings.ToLower(s.ExtAck), "ipv6 is disabled")
}

// ipv6Disabled reads disable_ipv6. For an existing interface its own key is
// the one that counts: writing all copies the value to every existing
// interface, and default only seeds interfaces created later. dev is the
// interface's value ("" when it has none: no such interface, or not
// read); others lists all and default when they are 1.
func ipv6Disabled(c *Context, dev string) (devVal string, others []string, read bool) {
	if dev != "" {
		devVal, _ = c.Facts.Sysctls.Get("net.ipv6.conf." + dev + ".disable_ipv6")
	}
	read = devVal != ""
	for _, k := range []string{"net.ipv6.conf.all.disable_ipv6", "net.ipv6.conf.default.disable_ipv6"} {
		if v, ok := c.Facts.Sysctls.Get(k); ok {
			read = true
			if v == "1" {
				others = append(others, k+"=1")
			}
		}
	}
	return devVal, others, read
}

func evalSysctl(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	sc := &c.Facts.Sysctls
	if sc.IPv6DisabledBoot {
		st := Warn
		if ipv6Op(s) || strings.HasPrefix(s.SysctlKey, "net.ipv6.") {
			st = Fail
		}
		v.add(st, "the kernel was booted with ipv6.disable=1: there is no IPv6 at all (no /proc/sys/net/ipv6)")
	}
	if ipv6Op(s) || s.Errno == symptom.EACCES && s.Family == "inet6" {
		devVal, others, read := ipv6Disabled(c, s.Device)
		dev := s.Device
		if dev == "" {
			dev = "the interface"
		}
		switch {
		case devVal == "1":
			v.fail("net.ipv6.conf.%s.disable_ipv6=1: IPv6 is disabled on %s, so adding an IPv6 address fails with EACCES \"Permission denied\" (not a privilege problem)", s.Device, dev)
			if len(others) > 0 {
				v.Evidence = append(v.Evidence, strings.Join(others, ", ")+": likely why (default seeds new interfaces, all is copied to every existing one)")
			}
		case devVal == "0":
			v.ok("net.ipv6.conf.%s.disable_ipv6=0: IPv6 is enabled on %s (its own key is the one that counts for an existing interface)", s.Device, dev)
			if len(others) > 0 {
				v.Evidence = append(v.Evidence, strings.Join(others, ", ")+": interfaces created later start without IPv6, and writing all again disables it everywhere")
			}
		case len(others) > 0 && strings.HasPrefix(others[0], "net.ipv6.conf.all."):
			v.fail("%s: IPv6 is disabled (all/default), so adding an IPv6 address to %s fails with EACCES", strings.Join(others, ", "), dev)
		case len(others) > 0:
			v.warn("%s: interfaces created since start with IPv6 disabled; %s's own disable_ipv6 could not be read to tell", strings.Join(others, ", "), dev)
		case read:
			v.ok("disable_ipv6 is 0 for all and default")
		default:
			r, _ := sc.Gaps.Reason("net.ipv6.conf.all.disable_ipv6")
			v.unknown("disable_ipv6 unreadable: %s", r)
		}
	}
	if s.Operation == symptom.OpSysctl && s.SysctlKey != "" {
		val, ok := sc.Get(s.SysctlKey)
		switch {
		case s.Errno == symptom.EROFS:
			if ro := sc.ProcSysReadOnly; ro != nil && *ro {
				v.fail("%s cannot be written: /proc/sys is mounted read-only for %s (%s)", s.SysctlKey, c.who(), sc.ProcSysMount)
			} else {
				v.warn("%s: \"Read-only file system\" although /proc/sys is writable for %s: the failing process is in another mount namespace (a container)", s.SysctlKey, c.who())
			}
		case s.Errno == symptom.EACCES || s.Errno == symptom.EPERM:
			v.fail("%s: writing a sysctl needs root (or CAP_NET_ADMIN for net.* in a namespace it owns); %s was refused", s.SysctlKey, sanitize.OrDash(s.Command))
		case s.Errno == symptom.ENOENT && ok:
			// The key exists here: the failing process saw another
			// kernel's or another namespace's /proc/sys.
			v.warn("%s exists in the namespace examined here (= %s), but the failing write found no such file: it ran in another network namespace or on another kernel (a container whose namespace hides it, a VM, another host)", s.SysctlKey, val)
		case s.Errno == symptom.ENOENT:
			v.fail("%s does not exist on this kernel: %s", s.SysctlKey, missingSysctlWhy(s.SysctlKey, sc))
		case s.Errno == "" && strings.HasSuffix(s.SysctlKey, ".accept_ra") && s.Source == "libvirt":
			// libvirt's check (src/util/virnetdevip.c
			// virNetDevIPCheckIPv6Forwarding): forwarding makes the kernel
			// ignore router advertisements unless accept_ra is 2.
			switch {
			case !ok:
				r, _ := sc.Gaps.Reason(s.SysctlKey)
				v.unknown("%s unavailable: %s", s.SysctlKey, fix.OrName(r, "not read"))
			case val == "1":
				v.fail("%s = 1: %s takes router advertisements, and with IPv6 forwarding on the kernel would stop honouring them (its RA routes would be lost): libvirt refuses until it is 2", s.SysctlKey, s.Device)
			case val == "2":
				v.ok("%s = 2 now: the interface keeps its RA routes with forwarding on", s.SysctlKey)
			default:
				// libvirt only names interfaces that hold RA routes: with
				// accept_ra=0 here, the message is another host's or stale.
				v.ok("%s = %s here: %s takes no router advertisements, so libvirt's check does not apply on this host as it is now (the message is from another host, or from before accept_ra changed); setting 2 would make it start accepting them", s.SysctlKey, val, s.Device)
			}
		case ok:
			v.ok("%s = %s", s.SysctlKey, val)
		}
	}
	// Often blamed, never an RTNETLINK error: shown in the health check and
	// when the symptom writes them, not next to an unrelated error.
	if strings.TrimSpace(s.Raw) == "" || strings.Contains(s.SysctlKey, "ip_forward") || strings.Contains(s.SysctlKey, "rp_filter") {
		forwardingNotes(sc, &v)
	}
	if v.Status == "" {
		v.Status = OK
		if !ipv6Op(s) && s.Operation != symptom.OpSysctl {
			v.Evidence = append([]string{"no sysctl refuses this operation"}, v.Evidence...)
		}
	}
	return v
}

// forwardingNotes adds ip_forward and rp_filter, which decide whether
// traffic is routed or dropped but never refuse a configuration call.
func forwardingNotes(sc *probes.SysctlFacts, v *Verdict) {
	if fwd, ok := sc.Get("net.ipv4.ip_forward"); ok {
		if fwd == "0" {
			v.Evidence = append(v.Evidence, "net.ipv4.ip_forward=0: this host does not route between interfaces (containers and VMs behind it lose outbound traffic), but that never makes ip link/addr/route fail")
		} else {
			v.Evidence = append(v.Evidence, "net.ipv4.ip_forward="+fwd)
		}
	}
	if rp, ok := sc.Get("net.ipv4.conf.all.rp_filter"); ok && rp == "1" {
		v.Evidence = append(v.Evidence, "net.ipv4.conf.all.rp_filter=1 (strict): asymmetric routes drop packets, but configuration calls are not refused")
	}
}

func missingSysctlWhy(key string, sc *probes.SysctlFacts) string {
	switch {
	case strings.HasPrefix(key, "net.ipv6.") && sc.IPv6DisabledBoot:
		return "IPv6 is disabled at boot (ipv6.disable=1)"
	case strings.HasPrefix(key, "net.ipv4.conf.") || strings.HasPrefix(key, "net.ipv6.conf."):
		return "the interface it names does not exist in this namespace"
	case strings.HasPrefix(key, "net.bridge."):
		return "the br_netfilter module is not loaded"
	case strings.HasPrefix(key, "net.netfilter.") || strings.HasPrefix(key, "net.nf_conntrack"):
		return "the nf_conntrack module is not loaded"
	case strings.HasPrefix(key, "net.mpls"):
		return "the mpls_router module is not loaded (net/mpls/af_mpls.c registers net.mpls.*): modprobe mpls_router (and mpls_iptunnel for MPLS routes)"
	case strings.HasPrefix(key, "net.ipv4.vs."):
		return "the ip_vs module is not loaded (net/netfilter/ipvs registers net.ipv4.vs.*)"
	}
	return "the feature behind it is not built or not loaded"
}

func fixesSysctl(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	s := c.Symptom
	var fixes []fix.Fix
	if ipv6Op(s) && !c.Facts.Sysctls.IPv6DisabledBoot {
		devVal, others, _ := ipv6Disabled(c, s.Device)
		if devVal == "1" {
			key := "net.ipv6.conf." + s.Device + ".disable_ipv6"
			fixes = append(fixes, fix.Fix{ID: "sysctl/enable-ipv6", Title: "Enable IPv6 on " + s.Device + ": " + key + "=0 (in this network namespace)",
				Command: fix.Argv(nsArgv(c, "sysctl", "-w", key+"=0")...), NeedsRoot: true,
				Action: fix.Act("sysctl", "key", key, "value", "0", "netns", netnsParam(c), "dev", s.Device)})
		}
		for _, kv := range others {
			key := strings.TrimSuffix(kv, "=1")
			which := strings.TrimSuffix(strings.TrimPrefix(key, "net.ipv6.conf."), ".disable_ipv6")
			title := "Enable IPv6 for interfaces created from now on: " + key + "=0"
			if which == "all" {
				title = "Enable IPv6 on every interface: " + key + "=0 (copied to each existing one)"
			}
			fixes = append(fixes, fix.Fix{ID: "sysctl/enable-ipv6-" + which, Title: title + " (in this network namespace)",
				Command: fix.Argv(nsArgv(c, "sysctl", "-w", key+"=0")...), NeedsRoot: true,
				Action: fix.Act("sysctl", "key", key, "value", "0", "netns", netnsParam(c))})
		}
		for _, kv := range others {
			if !hostNetNS(c) {
				break // /etc/sysctl.d applies to the host's namespace at boot, not to this one
			}
			key := strings.TrimSuffix(kv, "=1")
			fixes = append(fixes, fix.PersistFix("sysctl/persist-"+strings.TrimSuffix(strings.TrimPrefix(key, "net.ipv6.conf."), ".disable_ipv6"), key, "0"))
		}
	}
	if strings.HasSuffix(s.SysctlKey, ".accept_ra") && s.Source == "libvirt" && s.Device != "" && probes.ValidIfName(s.Device) == nil {
		// The slash form names an interface with a dot (eth0.10) unambiguously.
		key := "net/ipv6/conf/" + s.Device + "/accept_ra"
		f := fix.Fix{ID: "sysctl/accept-ra-2", Title: "Let " + s.Device + " keep its router advertisements with forwarding on: accept_ra=2 (in this network namespace)",
			Command: fix.Argv(nsArgv(c, "sysctl", "-w", key+"=2")...), NeedsRoot: true}
		if !strings.Contains(s.Device, ".") {
			f.Action = fix.Act("sysctl", "key", s.SysctlKey, "value", "2", "netns", netnsParam(c), "dev", s.Device)
		}
		fixes = append(fixes, f)
		if hostNetNS(c) && !strings.Contains(s.Device, ".") {
			fixes = append(fixes, fix.PersistFix("sysctl/persist-accept-ra-"+s.Device, s.SysctlKey, "2"))
		}
	}
	if c.Facts.Sysctls.IPv6DisabledBoot {
		fixes = append(fixes, fix.Fix{ID: "sysctl/boot-ipv6", Title: "Remove ipv6.disable=1 from the kernel command line and reboot",
			Command: fix.Lines("# edit GRUB_CMDLINE_LINUX in /etc/default/grub, then:", "update-grub && systemctl reboot"), NeedsRoot: true, Manual: true,
			Why: "a boot parameter can only change with a reboot"})
	}
	return fixes
}

// hostNetNS is true only when the examined network namespace is known to
// be the host's (PID 1's): /etc/sysctl.d sets net.* keys there at boot,
// not in a namespace entered with --netns, under `ip netns exec`, or of a
// container's process.
func hostNetNS(c *Context) bool {
	t := c.Facts.Target
	return netnsParam(c) == "" && t.HostNetNS != nil && *t.HostNetNS
}
