package model

import (
	"regexp"
	"strings"
)

// linePattern recognises one form of error line and fills the symptom.
type linePattern struct {
	re    *regexp.Regexp
	apply func(s *Symptom, m []string)
}

// setErr sets the error class once: the first error in a paste is the cause,
// later ones are consequences (wg-quick prints "Unable to access interface"
// after the RTNETLINK error).
func (s *Symptom) setErr(e Errno, msg string) {
	if s.Errno == "" && e != "" {
		s.Errno = e
	}
	if s.Message == "" && msg != "" {
		s.Message = clipText(strings.TrimSpace(msg), 300)
	}
}

func (s *Symptom) setIf(dst *string, v string) {
	if *dst == "" && v != "" {
		*dst = clipText(v, 256)
	}
}

// extAcks maps the kernel's extended-ACK messages (lower case, without the
// "ipv4: " style prefix) to the errno that comes with them.
var extAcks = map[string]Errno{
	"unknown device type":                          EOPNOTSUPP,
	"attribute failed policy validation":           EINVAL,
	"address already assigned":                     EEXIST,
	"nexthop has invalid gateway":                  ENETUNREACH, // IPv4: no route to the gateway (IPv6 and a non-unicast gateway: EINVAL)
	"device for nexthop is not up":                 ENETDOWN,
	"nexthop device is not up":                     ENETDOWN,
	"ipv6 is disabled on this device":              EACCES,
	"invalid prefix for given prefix length":       EINVAL,
	"device does not exist":                        ENODEV,
	"unknown device":                               ENODEV,
	"route with host scope can not have a gateway": EINVAL,
	"gateway can not be a local address":           EINVAL,
	"no such device":                               ENODEV,
	"master device not found":                      ENODEV,
	"invalid lower device":                         EINVAL,
}

func extAckErrno(msg string) Errno {
	m := strings.ToLower(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(msg), ".")))
	if i := strings.Index(m, ": "); i > 0 && i < 12 { // "ipv4: ", "ipv6: ", "vxlan: "
		m = m[i+2:]
	}
	if e, ok := extAcks[m]; ok {
		return e
	}
	switch {
	case strings.Contains(m, "already exists"), strings.Contains(m, "already assigned"), strings.Contains(m, "already in use"):
		return EEXIST
	case strings.Contains(m, "not supported"):
		return EOPNOTSUPP
	case strings.Contains(m, "permission") || strings.Contains(m, "not permitted"):
		return EPERM
	}
	return ErrnoFromText(m)
}

// errnoAtEnd finds an errno text at the end of a Go/C error chain
// ("...: operation not supported", "...: File exists.").
func errnoAtEnd(line string) (Errno, string) {
	l := strings.TrimRight(strings.TrimSpace(line), ".\"')")
	for i := len(l) - 1; i >= 0; i-- {
		if l[i] == ':' {
			tail := strings.TrimSpace(l[i+1:])
			if e := ErrnoFromText(tail); e != "" {
				return e, tail
			}
			break
		}
	}
	if e := ErrnoFromText(l); e != "" {
		return e, l
	}
	return "", ""
}

var linePatterns = []linePattern{
	// iproute2 (and BusyBox's "ip: " prefix), anywhere in a log line.
	{regexp.MustCompile(`(ip: )?RTNETLINK answers: (.+?)\s*$`), func(s *Symptom, m []string) {
		if m[1] != "" && (s.Source == "" || s.Source == "iproute2") {
			s.Source = "busybox"
		}
		s.setIf(&s.Source, "iproute2")
		s.setErr(ErrnoFromText(m[2]), "RTNETLINK answers: "+m[2])
	}},
	// Rust (neli, rtnetlink crates): "Netlink error: Operation not supported
	// (os error 95)", std::io::Error debug output "... (os error 1)".
	{regexp.MustCompile(`\(os error (\d+)\)`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "rust")
		s.setErr(ErrnoFromNumber(m[1]), m[0])
	}},
	{regexp.MustCompile(`Error: argument "(.*)" is wrong: "(\w+)" not a valid ifname`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "iproute2")
		s.InvalidName = true
		s.Device = clipText(m[1], 256)
		s.setErr(EINVAL, m[0])
	}},
	{regexp.MustCompile(`Error: either "(\w+)" is duplicate, or "(.*)" is a garbage`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "iproute2")
		s.setErr(EINVAL, m[0])
	}},
	{regexp.MustCompile(`(?:^|: )Error: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "iproute2")
		msg := strings.TrimSuffix(m[1], ".")
		s.setIf(&s.ExtAck, msg)
		s.setErr(extAckErrno(msg), "Error: "+m[1])
	}},
	{regexp.MustCompile(`Cannot find device "(.*)"`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "iproute2")
		s.setIf(&s.Device, m[1])
		s.setErr(ENODEV, m[0])
	}},
	{regexp.MustCompile(`(?:ip: )?can't find device '(.*)'`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "busybox")
		s.setIf(&s.Device, m[1])
		s.setErr(ENODEV, m[0])
	}},
	{regexp.MustCompile(`Cannot open netlink socket: (.+?)\)?\s*$`), func(s *Symptom, m []string) {
		s.Operation = OpNetlink
		s.setErr(ErrnoFromText(strings.TrimPrefix(m[1], "(")), m[0])
	}},
	{regexp.MustCompile(`^open: (No such file or directory|Permission denied|Operation not permitted|No such device)\s*$`), func(s *Symptom, m []string) {
		if s.Operation == "" {
			s.Operation = OpTuntapAdd
		}
		s.setIf(&s.Path, "/dev/net/tun")
		s.setErr(ErrnoFromText(m[1]), m[0])
	}},
	{regexp.MustCompile(`ioctl\(TUNSETIFF\): (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Operation, OpTuntapAdd)
		s.setIf(&s.Kind, "tun")
		s.setIf(&s.Path, "/dev/net/tun")
		s.setErr(ErrnoFromText(m[1]), m[0])
	}},
	// The dynamic loader, when a program starts without a free descriptor:
	// "ip: error while loading shared libraries: libbpf.so.1: cannot open
	// shared object file: Error 24".
	{regexp.MustCompile(`error while loading shared libraries: (\S+): cannot open shared object file: (?:Error (\d+)|(.+?))\s*$`), func(s *Symptom, m []string) {
		e := ErrnoFromNumber(m[2])
		if e == "" {
			e = ErrnoFromText(m[3])
		}
		s.setErr(e, m[0])
	}},
	// OpenVPN.
	{regexp.MustCompile(`Cannot (?:open TUN/TAP dev (\S+)|ioctl TUNSETIFF (\S+)): (.+?)(?: \(errno=(\d+)\))?\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "openvpn")
		s.setIf(&s.Operation, OpTunOpen)
		s.setIf(&s.Kind, "tun")
		s.setIf(&s.Path, "/dev/net/tun")
		if m[2] != "" && m[2] != "tun" && m[2] != "tap" {
			s.setIf(&s.Device, m[2])
		}
		e := ErrnoFromText(m[3])
		if e == "" {
			e = ErrnoFromNumber(m[4])
		}
		s.setErr(e, m[0])
	}},
	// procps sysctl.
	{regexp.MustCompile(`sysctl: setting key "([^"]+)"(?:, ignoring)?: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Operation = OpSysctl
		s.setIf(&s.Source, "sysctl")
		s.SysctlKey = clipText(m[1], 200)
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	{regexp.MustCompile(`sysctl: permission denied on key "([^"]+)"`), func(s *Symptom, m []string) {
		s.Operation = OpSysctl
		s.setIf(&s.Source, "sysctl")
		s.SysctlKey = clipText(m[1], 200)
		s.setErr(EACCES, m[0])
	}},
	{regexp.MustCompile(`sysctl: cannot stat /proc/sys/(\S+): (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Operation = OpSysctl
		s.setIf(&s.Source, "sysctl")
		s.SysctlKey = clipText(strings.ReplaceAll(m[1], "/", "."), 200)
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	{regexp.MustCompile(`(/proc/sys/\S+): (Read-only file system|Permission denied|Operation not permitted)`), func(s *Symptom, m []string) {
		s.Operation = OpSysctl
		s.SysctlKey = clipText(strings.ReplaceAll(strings.TrimPrefix(m[1], "/proc/sys/"), "/", "."), 200)
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	// User namespaces: unshare, podman, lxc, bwrap.
	{regexp.MustCompile(`write failed (/proc/\S+/(?:uid_map|gid_map|setgroups)): (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Operation = OpUserns
		s.setIf(&s.Path, m[1])
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	{regexp.MustCompile(`unshare(?: failed)?: (?:unshare failed: )?(Operation not permitted|No space left on device|Invalid argument|Permission denied)`), func(s *Symptom, m []string) {
		s.Operation = OpUserns
		s.setIf(&s.Source, "unshare")
		s.setErr(ErrnoFromText(m[1]), m[0])
	}},
	{regexp.MustCompile(`newuidmap: .*|cannot clone: (.+?)\s*$|user namespaces? (?:are|is) not enabled`), func(s *Symptom, m []string) {
		s.Operation = OpUserns
		s.setErr(ErrnoFromText(m[1]), m[0])
	}},
	// modprobe.
	{regexp.MustCompile(`modprobe: FATAL: Module (\S+) not found in directory (\S+)`), func(s *Symptom, m []string) {
		s.setIf(&s.Operation, OpModprobe)
		s.setIf(&s.Source, "modprobe")
		s.setIf(&s.Module, m[1])
		s.setKindFromModule(m[1])
		s.setIf(&s.Path, m[2])
		s.setErr(ENOENT, m[0])
	}},
	{regexp.MustCompile(`modprobe: ERROR: could not insert '(\S+)': (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Operation, OpModprobe)
		s.setIf(&s.Source, "modprobe")
		s.setIf(&s.Module, m[1])
		s.setKindFromModule(m[1])
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	// Docker / libnetwork.
	{regexp.MustCompile(`failed to add the host \(([^)]+)\) <=> sandbox \(([^)]+)\) pair interfaces: (.+?)\.?\s*$`), func(s *Symptom, m []string) {
		s.Source = "docker"
		s.Operation, s.Kind = OpLinkAdd, "veth"
		s.setIf(&s.Device, m[1])
		s.setIf(&s.Peer, m[2])
		e, msg := errnoAtEnd(m[3])
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`error creating vxlan interface: (.+?)\.?\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "docker")
		s.Operation, s.Kind = OpLinkAdd, "vxlan"
		e, msg := errnoAtEnd(m[1])
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`failed to (?:create|add) (\w+) (?:interface|link|device) "?([^":\s]+)"?: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Operation, OpLinkAdd)
		s.setIf(&s.Kind, strings.ToLower(m[1]))
		s.setIf(&s.Device, m[2])
		e, msg := errnoAtEnd(m[3])
		s.setErr(e, msg)
	}},
	// CNI plugins.
	{regexp.MustCompile(`failed to create bridge "([^"]+)": could not add "([^"]+)": (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "cni")
		s.Operation, s.Kind = OpLinkAdd, "bridge"
		s.setIf(&s.Device, m[1])
		e, msg := errnoAtEnd(m[3])
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`could not add IP address to "([^"]+)": (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "cni")
		s.Operation = OpAddrAdd
		s.setIf(&s.Device, m[1])
		e, msg := errnoAtEnd(m[2])
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`failed to set bridge addr: "([^"]+)" already has an IP address different from (\S+)`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "cni")
		s.Operation = OpAddrAdd
		s.setIf(&s.Device, m[1])
		s.setIf(&s.Address, m[2])
		s.setFamily(m[2])
		s.setErr(EEXIST, m[0])
	}},
	{regexp.MustCompile(`failed to add route (?:'([^']*)'|"([^"]*)"|(\{[^}]*\}))?:? ?(.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Operation, OpRouteAdd)
		e, msg := errnoAtEnd(m[4])
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`plugin type="(\w+)"`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "cni")
		if e, msg := errnoAtEnd(m[0]); e != "" {
			s.setErr(e, msg)
		}
	}},
	// NetworkManager: "platform-linux: do-add-link[br0/bridge]: failure 95 (Operation not supported)".
	{regexp.MustCompile(`do-add-link\[([^/\]]*)/(\w+)\]: failure (\d+) \(([^)]+)\)`), func(s *Symptom, m []string) {
		s.Source = "NetworkManager"
		s.Operation = OpLinkAdd
		s.setIf(&s.Device, m[1])
		s.setIf(&s.Kind, m[2])
		e := ErrnoFromNumber(m[3])
		if e == "" {
			e = ErrnoFromText(m[4])
		}
		s.setErr(e, m[0])
	}},
	// systemd-networkd.
	{regexp.MustCompile(`systemd-networkd\[\d+\]: ([^:\s]+): (?:Could not create netdev|Failed to create netdev|netdev could not be created|Could not append (?:VLAN|MACVLAN|IPVLAN|VXLAN|macvlan|vlan) to \S+)(?: [^:]*)?: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Source = "networkd"
		s.Operation = OpLinkAdd
		s.setIf(&s.Device, m[1])
		e, msg := errnoAtEnd(m[2])
		if e == "" {
			e = ErrnoFromText(m[2])
		}
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`systemd-networkd\[\d+\]: ([^:\s]+): Could not (set|add|bring up|configure) (address|route|interface|link)[^:]*: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Source = "networkd"
		switch m[3] {
		case "address":
			s.setIf(&s.Operation, OpAddrAdd)
		case "route":
			s.setIf(&s.Operation, OpRouteAdd)
		default:
			s.setIf(&s.Operation, OpLinkSet)
		}
		s.setIf(&s.Device, m[1])
		e, msg := errnoAtEnd(m[4])
		s.setErr(e, msg)
	}},
	{regexp.MustCompile(`systemd-networkd\[\d+\]: (\S+\.(?:netdev|network|link)):(\d+): (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Source = "networkd"
		s.setIf(&s.Path, m[1])
		s.setErr(EINVAL, m[0])
	}},
	// LXC.
	{regexp.MustCompile(`instantiate_veth: \d+ (.+?) - Failed to create veth pair "([^"]+)" and "([^"]+)"`), func(s *Symptom, m []string) {
		s.Source = "lxc"
		s.Operation, s.Kind = OpLinkAdd, "veth"
		s.setIf(&s.Device, m[2])
		s.setIf(&s.Peer, m[3])
		s.setErr(ErrnoFromText(m[1]), m[0])
	}},
	// libvirt.
	{regexp.MustCompile(`Unable to create tap device (\S+): (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Source = "libvirt"
		s.Operation, s.Kind = OpTuntapAdd, "tap"
		s.setIf(&s.Device, m[1])
		s.setIf(&s.Path, "/dev/net/tun")
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	{regexp.MustCompile(`Failed to add tap interface to bridge '([^']+)': (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Source = "libvirt"
		s.Operation = OpLinkSet
		s.setIf(&s.Master, m[1])
		s.setIf(&s.Device, m[1])
		s.setErr(ErrnoFromText(m[2]), m[0])
	}},
	{regexp.MustCompile(`error creating macvtap (?:interface|type of interface) (\S+?)@(\S+?)(?: \(([^)]*)\))?: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.Source = "libvirt"
		s.Operation, s.Kind = OpLinkAdd, "macvtap"
		s.setIf(&s.Device, m[1])
		s.setIf(&s.Lower, m[2])
		e, msg := errnoAtEnd(m[4])
		s.setErr(e, msg)
	}},
	// WireGuard tools after a failed link add.
	{regexp.MustCompile(`Unable to (?:access|modify) interface: (.+?)\s*$`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "wireguard")
		s.setIf(&s.Kind, "wireguard")
		s.setErr(ErrnoFromText(m[1]), m[0])
	}},
	// SELinux and AppArmor records pasted as they are.
	{regexp.MustCompile(`avc:\s+denied\s+\{ ([^}]+) \}.*?(?:comm="?([^"\s]+)"?)?.*?tclass=(\S+)`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "selinux")
		e := EACCES
		if strings.HasPrefix(m[3], "cap") {
			e = EPERM
		}
		if m[3] == "user_namespace" {
			s.setIf(&s.Operation, OpUserns)
		}
		if m[3] == "tun_socket" {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Kind, "tun")
		}
		s.setErr(e, m[0])
	}},
	{regexp.MustCompile(`apparmor="DENIED" operation="([^"]+)"(.*)`), func(s *Symptom, m []string) {
		s.setIf(&s.Source, "apparmor")
		e := EACCES
		if m[1] == "capable" {
			e = EPERM
		}
		if m[1] == "userns_create" {
			s.setIf(&s.Operation, OpUserns)
			e = EPERM
		}
		if strings.Contains(m[2], `name="/dev/net/tun"`) {
			s.setIf(&s.Operation, OpTunOpen)
			s.setIf(&s.Path, "/dev/net/tun")
		}
		s.setErr(e, m[0])
	}},
}

// goErrRE finds a strerror text that ends a line, as Go and C programs
// print them ("netlink receive: operation not permitted",
// "RTNETLINK: File exists", "bind: too many open files").
var goErrRE = regexp.MustCompile(`(?i)(?:^|: )(operation not permitted|permission denied|file exists|operation not supported|not supported|no such device|no such file or directory|invalid argument|device or resource busy|too many open files(?: in system)?|cannot allocate memory|no buffer space available|network is unreachable|network is down|read-only file system|no space left on device|protocol not supported|cannot assign requested address|address family not supported by protocol)[."'\s]*$`)

// programRE finds the process that logged a line: "dockerd[812]: ..."
// (syslog and journal), or an audit record's pid= and comm=.
var (
	programRE = regexp.MustCompile(`(?:^|\s)([A-Za-z][\w.@-]{0,40})\[(\d{1,9})\]:`)
	auditPID  = regexp.MustCompile(`\bpid=(\d{1,9})\b.*?\bcomm="?([^"\s]{1,40})`)
)

// parseLine reads one output or log line for the error and its objects.
func (s *Symptom) parseLine(line string) {
	if len(line) > 4096 {
		line = line[:4096]
	}
	if s.PID == 0 {
		if m := programRE.FindStringSubmatch(line); m != nil && m[1] != "kernel" {
			s.Program = m[1]
			s.PID = atoiSafe(m[2])
		} else if m := auditPID.FindStringSubmatch(line); m != nil {
			s.PID, s.Program = atoiSafe(m[1]), m[2]
		}
	}
	matched := false
	for _, p := range linePatterns {
		if m := p.re.FindStringSubmatch(line); m != nil {
			p.apply(s, m)
			matched = true
			break
		}
	}
	if !matched {
		if m := goErrRE.FindStringSubmatch(line); m != nil {
			s.setIf(&s.Source, "go")
			s.setErr(ErrnoFromText(m[1]), line)
		}
	}
	// Hints in the words of daemons and tools.
	low := strings.ToLower(line)
	switch {
	case s.Operation == "" && strings.Contains(low, "netlink socket"):
		s.Operation = OpNetlink
	case s.Operation == "" && strings.Contains(low, "/dev/net/tun"):
		s.Operation, s.Path = OpTunOpen, "/dev/net/tun"
	case s.Operation == "" && (strings.Contains(low, "veth") && strings.Contains(low, "pair")):
		s.Operation, s.Kind = OpLinkAdd, "veth"
	}
	if s.Kind == "" {
		for _, k := range []string{"wireguard", "vxlan", "macvlan", "ipvlan", "geneve", "bridge", "bond", "vlan"} {
			if strings.Contains(low, "type "+k) || strings.Contains(low, k+" interface") || strings.Contains(low, "create "+k) {
				s.Kind = k
				break
			}
		}
	}
}

// infer fills what follows from what was found.
func (s *Symptom) infer() {
	if s.Operation == "" && s.Kind != "" && (s.Errno == EOPNOTSUPP || s.ExtAck != "") {
		s.Operation = OpLinkAdd
	}
	if s.Operation == OpTuntapAdd || s.Operation == OpTunOpen {
		s.setIf(&s.Path, "/dev/net/tun")
		if s.Kind == "" {
			s.Kind = "tun"
		}
	}
	if s.Operation == "" && s.SysctlKey != "" {
		s.Operation = OpSysctl
	}
}

func atoiSafe(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<30 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}
