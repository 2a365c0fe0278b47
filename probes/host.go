package probes

import (
	"context"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// HostFacts describe the examined system and the privileges rtnl-doctor
// itself runs with.
type HostFacts struct {
	Hostname      string `json:"hostname,omitempty"`
	KernelRelease string `json:"kernel_release,omitempty"`
	KernelVersion string `json:"kernel_version,omitempty"`
	Cmdline       string `json:"cmdline,omitempty"`
	// Tool is this process: what it may do decides what it can see and fix.
	Tool ToolPrivileges `json:"tool"`
	// IPRoute2 is the iproute2 package the system has (host_iproute2.go).
	IPRoute2 IPRoute2 `json:"iproute2"`
	// Netns are the names under /run/netns in the target's mount namespace.
	Netns NetnsNames `json:"netns"`
	Gaps  Gaps       `json:"unavailable,omitempty"`
}

// ToolPrivileges are rtnl-doctor's own privileges.
type ToolPrivileges struct {
	UID      int  `json:"uid"`
	NetAdmin bool `json:"cap_net_admin"`
	SysAdmin bool `json:"cap_sys_admin"`
	// SysResource: rtnl-doctor may raise hard resource limits.
	SysResource bool `json:"cap_sys_resource"`
	// BoundingNetAdmin: CAP_NET_ADMIN is in rtnl-doctor's bounding set,
	// so the container it runs in (if any) did not withhold it.
	BoundingNetAdmin bool `json:"bounding_net_admin"`
}

// GroupHost is the fact group of the host: kernel, boot settings, named
// network namespaces, what rtnl-doctor itself may do.
const GroupHost Group = "host"

var hostGroup = newGroup(GroupHost, RefreshSlow, func(f *Facts) *HostFacts { return &f.Host },
	func(_ context.Context, e *env) HostFacts { return gatherHost(e) })

func gatherHost(e *env) HostFacts {
	var h HostFacts
	if s, err := e.root.ReadString("/proc/sys/kernel/hostname"); err == nil {
		h.Hostname = s
	} else if s, err := e.root.ReadString("/etc/hostname"); err == nil {
		h.Hostname = s
	} else {
		h.Gaps.Add("hostname", err)
	}
	if s, err := e.root.ReadString("/proc/sys/kernel/osrelease"); err == nil {
		h.KernelRelease = s
	} else if e.root.Live() {
		var u unix.Utsname
		if unix.Uname(&u) == nil {
			h.KernelRelease = unix.ByteSliceToString(u.Release[:])
		}
	} else {
		h.Gaps.Add("kernel_release", err)
	}
	if s, err := e.root.ReadString("/proc/sys/kernel/version"); err == nil {
		h.KernelVersion = s
	}
	if s, err := e.root.ReadString("/proc/cmdline"); err == nil {
		h.Cmdline = s
	} else {
		h.Gaps.Add("cmdline", err)
	}
	h.IPRoute2 = gatherIPRoute2(e, &h.Gaps)
	h.Tool = toolPrivileges()
	h.Netns = gatherNetnsNames(e)
	return h
}

func toolPrivileges() ToolPrivileges {
	t := ToolPrivileges{UID: os.Geteuid()}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return t
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "CapEff:"); ok {
			if mask, err := parseCapHex(strings.TrimSpace(v)); err == nil {
				t.NetAdmin = mask&(1<<unix.CAP_NET_ADMIN) != 0
				t.SysAdmin = mask&(1<<unix.CAP_SYS_ADMIN) != 0
				t.SysResource = mask&(1<<unix.CAP_SYS_RESOURCE) != 0
			}
		}
		if v, ok := strings.CutPrefix(line, "CapBnd:"); ok {
			if mask, err := parseCapHex(strings.TrimSpace(v)); err == nil {
				t.BoundingNetAdmin = mask&(1<<unix.CAP_NET_ADMIN) != 0
			}
		}
	}
	return t
}
