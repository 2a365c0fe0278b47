package probes

import (
	"context"
	"sort"
	"strings"

	"github.com/prometheus/procfs"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
)

// SysctlFacts are the kernel settings that can block or break network
// operations. net.* values belong to the examined network namespace; the
// others are global (user.* are those of the reader's user namespace).
type SysctlFacts struct {
	// Values maps a dotted key ("net.ipv4.ip_forward") to its value.
	Values map[string]string `json:"values"`
	// IPv6DisabledBoot is true when the kernel command line has
	// ipv6.disable=1: no IPv6 at all, /proc/sys/net/ipv6 does not exist.
	IPv6DisabledBoot bool `json:"ipv6_disabled_boot,omitempty"`
	// ProcSysReadOnly is true when /proc/sys is mounted read-only for the
	// target (a container): every sysctl write fails with EROFS.
	ProcSysReadOnly *bool `json:"proc_sys_read_only,omitempty"`
	// ProcSysMount describes the mount that covers /proc/sys for the target.
	ProcSysMount string `json:"proc_sys_mount,omitempty"`
	// Neigh are the global neighbour tables and their gc thresholds
	// (probes/neigh.go).
	Neigh []NeighTable `json:"neigh,omitempty"`
	Gaps  Gaps         `json:"unavailable,omitempty"`
}

// Get returns a sysctl's value.
func (s SysctlFacts) Get(key string) (string, bool) {
	v, ok := s.Values[key]
	return v, ok
}

// globalSysctls are read from the host's /proc/sys.
var globalSysctls = []string{
	"fs.file-max", "fs.nr_open", "vm.min_free_kbytes",
	"user.max_user_namespaces", "user.max_net_namespaces",
	"kernel.unprivileged_userns_clone", "kernel.apparmor_restrict_unprivileged_userns",
	"kernel.modules_disabled", "kernel.dmesg_restrict",
}

// sysctlPath maps "fs.file-max" to "/proc/sys/fs/file-max" (for keys without
// an interface name, which may itself contain dots).
func sysctlPath(key string) string { return "/proc/sys/" + strings.ReplaceAll(key, ".", "/") }

// GroupSysctls is the fact group of the sysctls the causes read.
const GroupSysctls Group = "sysctls"

var sysctlsGroup = newGroup(GroupSysctls, RefreshSlow, func(f *Facts) *SysctlFacts { return &f.Sysctls },
	func(_ context.Context, e *env) SysctlFacts { return gatherSysctls(e) })

func gatherSysctls(e *env) SysctlFacts {
	s := SysctlFacts{Values: map[string]string{}}
	for _, k := range globalSysctls {
		v, err := e.root.ReadString(sysctlPath(k))
		if err != nil {
			s.Gaps.Add(k, err)
			continue
		}
		s.Values[k] = v
	}
	if cl, err := e.root.ReadString("/proc/cmdline"); err == nil {
		for _, f := range strings.Fields(cl) {
			if f == "ipv6.disable=1" {
				s.IPv6DisabledBoot = true
			}
		}
	}
	s.readNet(e)
	s.readNeigh(e)
	s.procSysMount(e)
	return s
}

// readNet reads the net.* keys inside the examined network namespace: files
// under /proc/sys/net show the namespace of the thread that opens them.
func (s *SysctlFacts) readNet(e *env) {
	type kv struct{ k, path string }
	var want []kv
	add := func(k, p string) { want = append(want, kv{k, p}) }
	add("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward")
	add("net.ipv6.conf.all.forwarding", "/proc/sys/net/ipv6/conf/all/forwarding")
	devs := append([]string{"all", "default"}, e.ifaces...)
	sort.Strings(devs[2:])
	for _, dev := range devs {
		if ValidIfName(dev) != nil && dev != "all" && dev != "default" {
			continue
		}
		add("net.ipv4.conf."+dev+".rp_filter", "/proc/sys/net/ipv4/conf/"+dev+"/rp_filter")
		add("net.ipv6.conf."+dev+".disable_ipv6", "/proc/sys/net/ipv6/conf/"+dev+"/disable_ipv6")
		if dev != "all" && dev != "default" {
			// Whether the interface takes router advertisements while
			// forwarding (libvirt refuses IPv6 forwarding unless 2).
			add("net.ipv6.conf."+dev+".accept_ra", "/proc/sys/net/ipv6/conf/"+dev+"/accept_ra")
		}
	}
	read := func(r Root) {
		for _, w := range want {
			v, err := r.ReadString(w.path)
			if err != nil {
				if strings.HasPrefix(w.k, "net.ipv6.") && s.IPv6DisabledBoot {
					s.Gaps.AddReason(w.k, "IPv6 is disabled at boot (ipv6.disable=1): no "+w.path)
				} else {
					s.Gaps.Add(w.k, err)
				}
				continue
			}
			s.Values[w.k] = v
		}
	}
	switch {
	case e.netnsErr != nil:
		for _, w := range want {
			s.Gaps.AddReason(w.k, e.netnsErr.Error())
		}
	case e.netnsPath == "" || !e.root.Live():
		read(e.root)
	default:
		if err := netns.Do(e.netnsPath, func() error { read(Root{Dir: "/"}); return nil }); err != nil {
			for _, w := range want {
				s.Gaps.AddReason(w.k, "cannot enter the network namespace "+e.netnsDesc+": "+Reason(err))
			}
		}
	}
}

// procSysMount finds the mount covering /proc/sys in the target's mount
// namespace and whether it is read-only (docker and podman mount it so).
func (s *SysctlFacts) procSysMount(e *env) {
	mounts, err := targetMounts(e)
	if err != nil && len(mounts) == 0 {
		s.Gaps.Add("proc_sys_mount", err)
		return
	}
	var best *procfs.MountInfo
	for _, m := range mounts {
		mp := m.MountPoint
		if mp == "/proc/sys" || mp == "/proc" || mp == "/" || strings.HasPrefix("/proc/sys/", mp+"/") {
			if best == nil || len(mp) >= len(best.MountPoint) {
				best = m
			}
		}
	}
	if best == nil {
		s.Gaps.AddReason("proc_sys_mount", "no mount covers /proc/sys in "+e.root.Path(e.proc+"/mountinfo"))
		return
	}
	_, ro := best.Options["ro"]
	s.ProcSysReadOnly = &ro
	mode := "rw"
	if ro {
		mode = "ro"
	}
	s.ProcSysMount = best.MountPoint + " (" + best.FSType + ", " + mode + ")"
}
