package probes

import (
	"testing"

	"github.com/prometheus/procfs"
)

// A real /proc/net/udp{,6} pair from a namespace where an external vxlan
// device holds 4789 (its kernel socket listens on IPv4 and IPv6) and a
// program holds 8472 (kernel 6.18).
func TestUDPSocketsOnPorts(t *testing.T) {
	fs, err := procfs.NewFS("testdata/samples/procnet-vxlan")
	if err != nil {
		t.Fatal(err)
	}
	v4, err := fs.NetUDP()
	if err != nil {
		t.Fatal(err)
	}
	v6, err := fs.NetUDP6()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ports map[uint16]bool
		want  []UDPSocket
	}{
		{map[uint16]bool{8472: true}, []UDPSocket{{Family: "inet", Local: "0.0.0.0", Port: 8472, Inode: 281764}}},
		{map[uint16]bool{4789: true, 8472: true}, []UDPSocket{
			{Family: "inet", Local: "0.0.0.0", Port: 4789, Inode: 280507},
			{Family: "inet", Local: "0.0.0.0", Port: 8472, Inode: 281764},
			{Family: "inet6", Local: "::", Port: 4789, Inode: 280506}}},
		{map[uint16]bool{53: true}, nil},
	} {
		got := append(udpSocketsOnPorts("inet", v4, tc.ports), udpSocketsOnPorts("inet6", v6, tc.ports)...)
		if len(got) != len(tc.want) {
			t.Fatalf("ports %v: got %+v, want %+v", tc.ports, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("ports %v: [%d] = %+v, want %+v", tc.ports, i, got[i], tc.want[i])
			}
		}
	}
}
