package diagnose

import (
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeEmulatedKernel = &Cause{
	ID: "emulated-kernel",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, emulatedErrnos...),
	Checks:  "whether the kernel answering is Linux at all: WSL 1 (a Windows driver translating Linux system calls) and gVisor (runsc, a user-space kernel) implement only part of netlink and the tun/bridge ioctls",
	Needs:   []probes.Group{probes.GroupHost},
	Require: Requirement{probes.GroupHost, "host facts"},
	Eval:    evalEmulatedKernel,
	Fixes:   fixesEmulatedKernel,
	Next:    "Run the same command on a Linux kernel (WSL 2, runc, a VM): if it works there, the emulation lacks the feature.",
}

// emulatedErrnos are what an emulation answers for what it does not
// implement: gVisor's netstack and WSL 1's lxcore return these for unknown
// netlink protocols, message types, attributes, socket options and ioctls.
var emulatedErrnos = []symptom.Errno{symptom.EINVAL, symptom.EOPNOTSUPP, symptom.ENOSYS, symptom.EAFNOSUPPORT,
	symptom.EPROTONOSUPPORT, symptom.ENOPROTOOPT, symptom.EPERM, symptom.EACCES}

// gvisorVersion is the fixed uname version gVisor's sentry reports
// (pkg/sentry/syscalls/linux/linux64.go _LINUX_VERSION, release "4.4.0").
const gvisorVersion = "#1 SMP Sun Jan 10 15:06:54 PST 2016"

// emulation names the emulated kernel from uname's release and version, or
// "" for a Linux kernel. WSL 1 reports "4.4.0-19041-Microsoft" and a
// version "#...-Microsoft ..."; WSL 2 runs a real Linux kernel
// ("5.15.x-microsoft-standard-WSL2") and is not an emulation.
func emulation(release, version string) string {
	switch {
	case strings.HasSuffix(release, "-Microsoft") || strings.Contains(version, "-Microsoft "):
		return "WSL 1"
	case strings.HasPrefix(release, "4.4.0") && strings.TrimSpace(version) == gvisorVersion:
		return "gVisor"
	}
	return ""
}

func evalEmulatedKernel(c *Context) Verdict {
	var v Verdict
	h := &c.Facts.Host
	if h.KernelRelease == "" {
		r, _ := h.Gaps.Reason("kernel_release")
		v.unknown("the kernel release unavailable: %s", fix.OrName(r, "not read"))
		return v
	}
	e := emulation(h.KernelRelease, h.KernelVersion)
	if e == "" {
		v.ok("the kernel is Linux %s (not WSL 1 or gVisor)", h.KernelRelease)
		return v
	}
	what := map[string]string{
		"WSL 1":  "WSL 1 translates Linux system calls in a Windows driver (lxcore): it has no rtnetlink link creation, no NETLINK_SOCK_DIAG, no tun, bridge or veth",
		"gVisor": "gVisor's sentry (runsc) is a user-space kernel: its netlink route socket supports a subset of messages and attributes, and its tun lacks TUNSETPERSIST and IFF_TUN_EXCL",
	}[e]
	errno := c.Symptom.Errno
	for _, x := range emulatedErrnos {
		if errno == x {
			v.fail("the kernel is %s (release %s, version %s): %s; %s is its answer to what it does not implement", e, h.KernelRelease, h.KernelVersion, what, errno)
			return v
		}
	}
	v.warn("the kernel is %s (release %s): %s", e, h.KernelRelease, what)
	return v
}

func fixesEmulatedKernel(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	switch emulation(c.Facts.Host.KernelRelease, c.Facts.Host.KernelVersion) {
	case "WSL 1":
		return []fix.Fix{{ID: "emulated-kernel/wsl2", Title: "Convert this distribution to WSL 2, which runs a real Linux kernel (answers what WSL 1 does not implement)",
			Command: fix.Lines("# in PowerShell on Windows, not here:", "wsl --list --verbose", "wsl --set-version DISTRO 2"),
			Manual:  true, Why: "the change is made on the Windows side, and converts the distribution's files (it takes minutes)"}}
	case "gVisor":
		return []fix.Fix{{ID: "emulated-kernel/runc", Title: "Run this workload with runc (a Linux kernel answers), or upgrade runsc: gVisor adds netlink and tun features over time",
			Command: fix.Lines("# on the host that runs the container:", "docker run --runtime=runc ...", "# or, in Kubernetes, a RuntimeClass without gVisor for this pod"),
			Manual:  true, Why: "the container is started by the host's runtime, outside this sandbox",
			Risk: "without gVisor the workload runs on the host's kernel: the sandbox's isolation is gone for it"}}
	}
	return nil
}
