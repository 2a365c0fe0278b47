package model

import (
	"strings"
	"testing"
)

// Real messages, as iproute2, BusyBox, the kernel, daemons and runtimes print
// them (many captured on this machine's kernel, the rest from bug reports).
var symptomCases = []struct {
	name string
	in   string
	want Symptom // only the non-empty fields are compared
}{
	{"veth name taken", "$ ip link add veth0 type veth peer name veth1\nRTNETLINK answers: File exists",
		Symptom{Operation: OpLinkAdd, Kind: "veth", Device: "veth0", Peer: "veth1", Errno: EEXIST, Source: "iproute2"}},
	{"unknown kind dummy", "# ip link add dummy0 type dummy\nError: Unknown device type.",
		Symptom{Operation: OpLinkAdd, Kind: "dummy", Device: "dummy0", Errno: EOPNOTSUPP, ExtAck: "Unknown device type"}},
	{"unknown kind wireguard, name keyword", "sudo ip link add name wg0 type wireguard\nError: Unknown device type.",
		Symptom{Operation: OpLinkAdd, Kind: "wireguard", Device: "wg0", Errno: EOPNOTSUPP}},
	{"old iproute2 unknown kind", "ip link add v0 link eth0 type vlan id 100\nRTNETLINK answers: Operation not supported",
		Symptom{Operation: OpLinkAdd, Kind: "vlan", Device: "v0", Lower: "eth0", Errno: EOPNOTSUPP}},
	{"name too long (kernel)", "ip link add veth-aaaaaaaaaaaaaaa type veth\nError: Attribute failed policy validation.",
		Symptom{Operation: OpLinkAdd, Device: "veth-aaaaaaaaaaaaaaa", Errno: EINVAL, ExtAck: "Attribute failed policy validation"}},
	{"name invalid (iproute2)", `ip link add "a b" type veth` + "\n" + `Error: argument "a b" is wrong: "dev" not a valid ifname`,
		Symptom{Operation: OpLinkAdd, Device: "a b", Errno: EINVAL, InvalidName: true}},
	{"name too long (iproute2)", `Error: argument "averyveryverylongname" is wrong: "name" not a valid ifname`,
		Symptom{Device: "averyveryverylongname", Errno: EINVAL, InvalidName: true}},
	{"macvlan without lower", "ip link add mv0 type macvlan\nRTNETLINK answers: Invalid argument",
		Symptom{Operation: OpLinkAdd, Kind: "macvlan", Device: "mv0", Errno: EINVAL}},
	{"lower missing", "ip link add mv0 link nosuch type macvlan mode bridge\nCannot find device \"nosuch\"",
		Symptom{Operation: OpLinkAdd, Kind: "macvlan", Lower: "nosuch", Errno: ENODEV}},
	{"no permission", "$ ip link add x0 type veth\nRTNETLINK answers: Operation not permitted",
		Symptom{Operation: OpLinkAdd, Kind: "veth", Device: "x0", Errno: EPERM}},
	{"busybox", "/ # ip link add br0 type bridge\nip: RTNETLINK answers: Operation not permitted",
		Symptom{Operation: OpLinkAdd, Kind: "bridge", Errno: EPERM, Source: "busybox"}},
	{"busybox device", "ip: can't find device 'eth7'", Symptom{Device: "eth7", Errno: ENODEV, Source: "busybox"}},
	{"address twice", "ip addr add 10.0.0.1/24 dev br0\nError: ipv4: Address already assigned.",
		Symptom{Operation: OpAddrAdd, Address: "10.0.0.1/24", Device: "br0", Family: "inet", Errno: EEXIST, ExtAck: "ipv4: Address already assigned"}},
	{"address twice old", "ip a add 10.0.0.1/24 dev eth0\nRTNETLINK answers: File exists",
		Symptom{Operation: OpAddrAdd, Device: "eth0", Errno: EEXIST}},
	{"ipv6 disabled new kernel", "ip -6 addr add 2001:db8::1/64 dev br0\nError: ipv6: IPv6 is disabled on this device.",
		Symptom{Operation: OpAddrAdd, Family: "inet6", Address: "2001:db8::1/64", Device: "br0", Errno: EACCES}},
	{"ipv6 disabled old kernel", "ip addr add fd00::2/64 dev eth0\nRTNETLINK answers: Permission denied",
		Symptom{Operation: OpAddrAdd, Family: "inet6", Errno: EACCES}},
	{"route twice", "ip route add 10.9.0.0/16 via 10.0.0.254\nRTNETLINK answers: File exists",
		Symptom{Operation: OpRouteAdd, Route: "10.9.0.0/16", Gateway: "10.0.0.254", Errno: EEXIST}},
	{"route via down link", "ip route add 10.11.0.0/16 via 10.0.0.254 dev br0\nError: Nexthop has invalid gateway.",
		Symptom{Operation: OpRouteAdd, Route: "10.11.0.0/16", Gateway: "10.0.0.254", Device: "br0", Errno: ENETUNREACH, ExtAck: "Nexthop has invalid gateway"}},
	{"route dev down", "ip r add 10.11.0.0/16 dev br0\nError: Device for nexthop is not up.",
		Symptom{Operation: OpRouteAdd, Device: "br0", Errno: ENETDOWN}},
	{"default route unreachable", "ip route add default via 192.168.1.1\nRTNETLINK answers: Network is unreachable",
		Symptom{Operation: OpRouteAdd, Route: "default", Gateway: "192.168.1.1", Errno: ENETUNREACH}},
	{"device missing", "ip link set eth9 up\nCannot find device \"eth9\"", Symptom{Operation: OpLinkSet, Device: "eth9", Errno: ENODEV}},
	{"netlink fd exhaustion", "Cannot open netlink socket: Too many open files", Symptom{Operation: OpNetlink, Errno: EMFILE}},
	{"netlink fd exhaustion daemon", "Nov 22 06:29:01 node1 keepalived[812]: Netlink: Cannot open netlink socket: (Too many open files)",
		Symptom{Operation: OpNetlink, Errno: EMFILE}},
	{"loader out of fds", "ip: error while loading shared libraries: libbpf.so.1: cannot open shared object file: Error 24",
		Symptom{Errno: EMFILE}},
	{"tun missing", "ip tuntap add dev tap0 mode tap\nopen: No such file or directory",
		Symptom{Operation: OpTuntapAdd, Kind: "tap", Device: "tap0", Errno: ENOENT, Path: "/dev/net/tun"}},
	{"tun denied", "ip tuntap add tun0 mode tun\nopen: Permission denied",
		Symptom{Operation: OpTuntapAdd, Kind: "tun", Device: "tun0", Errno: EACCES}},
	{"tunsetiff", "ioctl(TUNSETIFF): Operation not permitted", Symptom{Operation: OpTuntapAdd, Errno: EPERM, Path: "/dev/net/tun"}},
	{"openvpn missing tun", "2026-11-22 06:29:01 ERROR: Cannot open TUN/TAP dev /dev/net/tun: No such file or directory (errno=2)",
		Symptom{Operation: OpTunOpen, Source: "openvpn", Errno: ENOENT}},
	{"openvpn ioctl", "Note: Cannot ioctl TUNSETIFF tun: Operation not permitted (errno=1)",
		Symptom{Operation: OpTunOpen, Source: "openvpn", Errno: EPERM}},
	{"sysctl read-only", `sysctl: setting key "net.ipv4.ip_forward": Read-only file system`,
		Symptom{Operation: OpSysctl, SysctlKey: "net.ipv4.ip_forward", Errno: EROFS}},
	{"sysctl denied", `sysctl: permission denied on key "net.ipv4.ip_forward"`,
		Symptom{Operation: OpSysctl, SysctlKey: "net.ipv4.ip_forward", Errno: EACCES}},
	{"sysctl missing ipv6", "sysctl: cannot stat /proc/sys/net/ipv6/conf/all/disable_ipv6: No such file or directory",
		Symptom{Operation: OpSysctl, SysctlKey: "net.ipv6.conf.all.disable_ipv6", Errno: ENOENT}},
	{"echo to proc sys", "bash: /proc/sys/net/ipv4/ip_forward: Read-only file system",
		Symptom{Operation: OpSysctl, SysctlKey: "net.ipv4.ip_forward", Errno: EROFS}},
	{"uid_map", "unshare: write failed /proc/self/uid_map: Operation not permitted",
		Symptom{Operation: OpUserns, Path: "/proc/self/uid_map", Errno: EPERM}},
	{"unshare enospc", "unshare: unshare failed: No space left on device", Symptom{Operation: OpUserns, Errno: ENOSPC}},
	{"modprobe missing", "modprobe: FATAL: Module dummy not found in directory /lib/modules/6.8.0-49-generic",
		Symptom{Operation: OpModprobe, Module: "dummy", Kind: "dummy", Errno: ENOENT, Path: "/lib/modules/6.8.0-49-generic"}},
	{"docker veth", "docker: Error response from daemon: failed to create endpoint web on network bridge: failed to add the host (veth3a1b2c4) <=> sandbox (veth9f8e7d6) pair interfaces: operation not supported.",
		Symptom{Source: "docker", Operation: OpLinkAdd, Kind: "veth", Device: "veth3a1b2c4", Peer: "veth9f8e7d6", Errno: EOPNOTSUPP}},
	{"docker overlay vxlan", "Error response from daemon: error creating vxlan interface: operation not supported",
		Symptom{Source: "docker", Operation: OpLinkAdd, Kind: "vxlan", Errno: EOPNOTSUPP}},
	{"cni bridge", `Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox "4f1e": plugin type="bridge" name="cbr0" failed (add): failed to create bridge "cni0": could not add "cni0": operation not permitted`,
		Symptom{Source: "cni", Operation: OpLinkAdd, Kind: "bridge", Device: "cni0", Errno: EPERM}},
	{"cni addr", `plugin type="bridge" failed (add): could not add IP address to "cni0": permission denied`,
		Symptom{Source: "cni", Operation: OpAddrAdd, Device: "cni0", Errno: EACCES}},
	{"flannel addr", `failed to set bridge addr: "cni0" already has an IP address different from 10.244.1.1/24`,
		Symptom{Source: "cni", Operation: OpAddrAdd, Device: "cni0", Address: "10.244.1.1/24", Errno: EEXIST}},
	{"cni route", "failed to add route {Ifindex: 3 Dst: 10.244.0.0/16 Src: <nil> Gw: 10.244.1.1}: file exists",
		Symptom{Operation: OpRouteAdd, Errno: EEXIST}},
	{"NetworkManager", "Nov 22 06:29:01 node1 NetworkManager[812]: <error> [1763792941.1234] platform-linux: do-add-link[br-lan/bridge]: failure 95 (Operation not supported)",
		Symptom{Source: "NetworkManager", Operation: OpLinkAdd, Device: "br-lan", Kind: "bridge", Errno: EOPNOTSUPP}},
	{"networkd netdev", "Nov 22 06:29:01 node1 systemd-networkd[612]: wg0: Could not create netdev: Operation not supported",
		Symptom{Source: "networkd", Operation: OpLinkAdd, Device: "wg0", Errno: EOPNOTSUPP}},
	{"networkd address", "systemd-networkd[612]: eth0: Could not set address: File exists",
		Symptom{Source: "networkd", Operation: OpAddrAdd, Device: "eth0", Errno: EEXIST}},
	{"wg-quick", "[#] ip link add wg0 type wireguard\nRTNETLINK answers: Operation not supported\nUnable to access interface: Protocol not supported\n[#] ip link delete dev wg0\nCannot find device \"wg0\"",
		Symptom{Kind: "wireguard", Errno: EOPNOTSUPP}},
	{"lxc", `lxc 20261122062901.123 ERROR    network - network.c:instantiate_veth: 170 Operation not permitted - Failed to create veth pair "vethAB12CD" and "vethEF34GH"`,
		Symptom{Source: "lxc", Operation: OpLinkAdd, Kind: "veth", Device: "vethAB12CD", Peer: "vethEF34GH", Errno: EPERM}},
	{"libvirt tap", "error: Failed to start domain 'vm1'\nerror: Unable to create tap device vnet0: Operation not permitted",
		Symptom{Source: "libvirt", Operation: OpTuntapAdd, Device: "vnet0", Errno: EPERM}},
	{"libvirt bridge", "error: Failed to add tap interface to bridge 'virbr0': No such device",
		Symptom{Source: "libvirt", Operation: OpLinkSet, Master: "virbr0", Errno: ENODEV}},
	{"rust", "Error: Netlink error: Operation not supported (os error 95)", Symptom{Source: "rust", Errno: EOPNOTSUPP}},
	{"rust eperm", "failed to create link: Os { code: 1, kind: PermissionDenied, message: \"Operation not permitted\" } (os error 1)", Symptom{Errno: EPERM}},
	{"go netlink", "time=\"2026-11-22T06:29:01Z\" level=error msg=\"netlink receive: operation not permitted\"", Symptom{Source: "go", Errno: EPERM}},
	{"go file exists", "error adding link: file exists", Symptom{Errno: EEXIST}},
	{"selinux avc", `type=AVC msg=audit(1763792941.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" scontext=system_u:system_r:container_t:s0:c1,c2 tcontext=system_u:system_r:container_t:s0:c1,c2 tclass=netlink_route_socket permissive=0`,
		Symptom{Source: "selinux", Errno: EACCES}},
	{"selinux capability", `avc:  denied  { net_admin } for  pid=991 comm="wg-quick" capability=12  scontext=system_u:system_r:svirt_t:s0 tcontext=system_u:system_r:svirt_t:s0 tclass=capability permissive=0`,
		Symptom{Source: "selinux", Errno: EPERM}},
	{"apparmor netlink", `audit: type=1400 audit(1763792941.312:88): apparmor="DENIED" operation="create" class="net" info="failed protocol match" error=-13 profile="docker-default" pid=2133 comm="ip" family="netlink" sock_type="raw" protocol=0 requested="create" denied="create"`,
		Symptom{Source: "apparmor", Errno: EACCES}},
	{"apparmor userns", `apparmor="DENIED" operation="userns_create" class="namespace" info="Userns create restricted - failed to find unprivileged_userns profile" error=-13 profile="unconfined" pid=6101 comm="unshare" requested="userns_create" denied="userns_create"`,
		Symptom{Source: "apparmor", Operation: OpUserns, Errno: EPERM}},
	{"ansi colours", "\x1b[31mRTNETLINK answers: File exists\x1b[0m", Symptom{Errno: EEXIST}},
	{"CRLF", "ip link add veth0 type veth\r\nRTNETLINK answers: File exists\r\n", Symptom{Operation: OpLinkAdd, Device: "veth0", Errno: EEXIST}},
}

func TestParseSymptom(t *testing.T) {
	if len(symptomCases) < 40 {
		t.Fatalf("only %d cases", len(symptomCases))
	}
	for _, tt := range symptomCases {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseSymptom(tt.in)
			if !got.Recognised {
				t.Fatalf("not recognised: %+v", got)
			}
			w := tt.want
			check := func(field, got, want string) {
				if want != "" && got != want {
					t.Errorf("%s = %q, want %q (symptom %+v)", field, got, want, got)
				}
			}
			check("operation", got.Operation, w.Operation)
			check("kind", got.Kind, w.Kind)
			check("device", got.Device, w.Device)
			check("peer", got.Peer, w.Peer)
			check("lower", got.Lower, w.Lower)
			check("master", got.Master, w.Master)
			check("address", got.Address, w.Address)
			check("route", got.Route, w.Route)
			check("gateway", got.Gateway, w.Gateway)
			check("family", got.Family, w.Family)
			check("errno", string(got.Errno), string(w.Errno))
			check("ext_ack", got.ExtAck, w.ExtAck)
			check("sysctl", got.SysctlKey, w.SysctlKey)
			check("path", got.Path, w.Path)
			check("module", got.Module, w.Module)
			check("source", got.Source, w.Source)
			if w.InvalidName && !got.InvalidName {
				t.Errorf("invalid name not flagged")
			}
		})
	}
}

func TestParseSymptomUnrecognised(t *testing.T) {
	for _, in := range []string{"", "hello world", "the network is slow today", "\x00\xff\xfe", strings.Repeat("A", 1<<20)} {
		s := ParseSymptom(in)
		if s.Recognised {
			t.Errorf("%q: recognised as %+v", clipText(in, 20), s)
		}
	}
}

func FuzzParseSymptom(f *testing.F) {
	for _, c := range symptomCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := ParseSymptom(in)
		for _, v := range []string{s.Device, s.Peer, s.Kind, s.Message, s.Command, s.Address, s.SysctlKey} {
			if len(v) > 1024 {
				t.Fatalf("unbounded field of %d bytes", len(v))
			}
		}
	})
}
