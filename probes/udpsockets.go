package probes

import (
	"fmt"
	"net/netip"
	"sort"

	"github.com/prometheus/procfs"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
)

// UDPSocket is a bound UDP socket of the examined namespace, from
// /proc/net/udp and /proc/net/udp6. A vxlan device that is up holds one too
// (the kernel's, on its dstport), indistinguishable here from a program's:
// the links tell them apart.
type UDPSocket struct {
	Family string `json:"family"` // inet, inet6
	Local  string `json:"local"`  // the bound address, "0.0.0.0" or "::" for any
	Port   uint16 `json:"port"`
	UID    uint64 `json:"uid"`
	Inode  uint64 `json:"inode"`
}

// udpSocketsOnPorts keeps the sockets bound to one of ports, in port order.
func udpSocketsOnPorts(family string, lines procfs.NetUDP, ports map[uint16]bool) []UDPSocket {
	var out []UDPSocket
	for _, l := range lines {
		if l == nil || l.LocalPort > 0xffff || !ports[uint16(l.LocalPort)] {
			continue
		}
		local := "?"
		if ip, ok := netip.AddrFromSlice(l.LocalAddr); ok {
			local = ip.Unmap().String()
			if family == "inet6" {
				local = ip.String()
			}
		}
		out = append(out, UDPSocket{Family: family, Local: local, Port: uint16(l.LocalPort), UID: l.UID, Inode: l.Inode})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Port < out[j].Port })
	return out
}

// readUDPSockets reads the UDP sockets bound to the vxlan ports of the
// namespace's links (only those: a host with thousands of UDP sockets pays
// nothing unless it has vxlan devices). A gap named "udp" says why they
// could not be read.
func readUDPSockets(e *env, n *NetFacts) {
	ports := map[uint16]bool{}
	for _, l := range n.Links {
		if l.Vxlan != nil && l.Vxlan.Port != 0 {
			ports[l.Vxlan.Port] = true
		}
	}
	if len(ports) == 0 {
		return
	}
	read := func(dir string) error {
		fs, err := procfs.NewFS(dir)
		if err != nil {
			return err
		}
		v4, err := fs.NetUDP()
		if err != nil {
			return fmt.Errorf("reading net/udp: %s", Reason(err))
		}
		n.UDP = udpSocketsOnPorts("inet", v4, ports)
		if v6, err := fs.NetUDP6(); err == nil { // absent without IPv6
			n.UDP = append(n.UDP, udpSocketsOnPorts("inet6", v6, ports)...)
		}
		return nil
	}
	var err error
	switch {
	case e.netnsErr != nil:
		err = e.netnsErr
	case !e.root.Live():
		err = fmt.Errorf("offline root %s: UDP sockets are read only on a live system", e.root.Dir)
	case e.netnsPath == "":
		err = read(e.netProc())
	default:
		err = netns.Do(e.netnsPath, func() error { return read("/proc/thread-self") })
	}
	if err != nil {
		n.Gaps.AddReason("udp", Reason(err))
	}
}
