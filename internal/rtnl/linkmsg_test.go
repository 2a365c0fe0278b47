package rtnl

import (
	"encoding/binary"
	"net/netip"
	"testing"

	"golang.org/x/sys/unix"
)

func ifinfomsg(index int32, flags uint32) []byte {
	b := make([]byte, sizeofIfInfomsg)
	binary.NativeEndian.PutUint32(b[4:8], uint32(index))
	binary.NativeEndian.PutUint32(b[8:12], flags)
	return b
}

func cstr(s string) []byte { return append([]byte(s), 0) }

// vethMsg is an RTM_NEWLINK body as the kernel sends it for a veth whose
// peer is in another namespace, with an alias and an altname.
func vethMsg() []byte {
	b := ifinfomsg(7, unix.IFF_UP|unix.IFF_BROADCAST|unix.IFF_MULTICAST)
	b = Attr(b, unix.IFLA_IFNAME, cstr("veth1a2b3c"))
	b = Attr(b, unix.IFLA_MTU, U32(1500))
	b = Attr(b, unix.IFLA_OPERSTATE, []byte{2})
	b = Attr(b, unix.IFLA_CARRIER, []byte{0})
	b = Attr(b, unix.IFLA_MASTER, U32(3))
	b = Attr(b, unix.IFLA_LINK, U32(2))
	b = Attr(b, unix.IFLA_LINK_NETNSID, U32(0))
	b = Attr(b, unix.IFLA_IFALIAS, cstr("pod web-0"))
	b = Attr(b, unix.IFLA_ADDRESS, []byte{0x02, 0x42, 0xac, 0x11, 0, 2})
	info := Attr(nil, unix.IFLA_INFO_KIND, cstr("veth"))
	info = Attr(info, unix.IFLA_INFO_SLAVE_KIND, cstr("bridge"))
	b = Attr(b, unix.IFLA_LINKINFO|unix.NLA_F_NESTED, info)
	props := Attr(nil, unix.IFLA_ALT_IFNAME, cstr("pod-web-0-eth"))
	b = Attr(b, unix.IFLA_PROP_LIST|unix.NLA_F_NESTED, props)
	return b
}

func TestDecodeLink(t *testing.T) {
	l, err := DecodeLink(vethMsg())
	if err != nil {
		t.Fatal(err)
	}
	if l.Index != 7 || l.Name != "veth1a2b3c" || l.MTU != 1500 || l.OperState != "down" || l.Master != 3 ||
		l.Parent != 2 || l.ParentNetNSID == nil || *l.ParentNetNSID != 0 || l.Alias != "pod web-0" ||
		l.Kind != "veth" || l.SlaveKind != "bridge" || len(l.AltNames) != 1 || l.AltNames[0] != "pod-web-0-eth" ||
		l.HWAddr != "02:42:ac:11:00:02" || l.Carrier == nil || *l.Carrier || !l.Up() || l.LowerUp() {
		t.Fatalf("decoded %+v", l)
	}
	flags := l.FlagNames()
	if flags[len(flags)-1] != "NO-CARRIER" {
		t.Fatalf("flags = %v", flags)
	}
	for _, bad := range [][]byte{nil, make([]byte, 8), ifinfomsg(1, 0)} {
		if _, err := DecodeLink(bad); err == nil {
			t.Errorf("%x: want error", bad)
		}
	}
	// A truncated attribute stops decoding without a panic.
	m := vethMsg()
	if _, err := DecodeLink(m[:len(m)-5]); err != nil {
		t.Errorf("truncated tail: %v (name came first, so the link is still usable)", err)
	}
}

func TestDecodeAddrAndRoute(t *testing.T) {
	b := make([]byte, unix.SizeofIfAddrmsg)
	b[0], b[1], b[3] = unix.AF_INET, 24, unix.RT_SCOPE_UNIVERSE
	binary.NativeEndian.PutUint32(b[4:8], 4)
	b = Attr(b, unix.IFA_ADDRESS, []byte{10, 0, 0, 1})
	b = Attr(b, unix.IFA_LOCAL, []byte{10, 0, 0, 1})
	b = Attr(b, unix.IFA_LABEL, cstr("eth0"))
	b = Attr(b, unix.IFA_FLAGS, U32(unix.IFA_F_PERMANENT))
	a, err := DecodeAddr(b)
	if err != nil || a.Prefix != netip.MustParsePrefix("10.0.0.1/24") || a.Index != 4 || a.Scope != "global" || a.Label != "eth0" || a.Peer.IsValid() {
		t.Fatalf("addr %+v %v", a, err)
	}
	// Point-to-point: IFA_ADDRESS is the peer.
	p := make([]byte, unix.SizeofIfAddrmsg)
	p[0], p[1] = unix.AF_INET, 32
	p = Attr(p, unix.IFA_LOCAL, []byte{10, 8, 0, 1})
	p = Attr(p, unix.IFA_ADDRESS, []byte{10, 8, 0, 2})
	if a, err := DecodeAddr(p); err != nil || a.Peer != netip.MustParseAddr("10.8.0.2") {
		t.Fatalf("ptp %+v %v", a, err)
	}
	bad := make([]byte, unix.SizeofIfAddrmsg)
	bad[0], bad[1] = unix.AF_INET, 99
	bad = Attr(bad, unix.IFA_LOCAL, []byte{1, 2, 3, 4})
	if _, err := DecodeAddr(bad); err == nil {
		t.Fatal("prefix length 99 accepted")
	}

	r := make([]byte, SizeofRtmsg)
	r[0], r[4], r[5], r[6], r[7] = unix.AF_INET, unix.RT_TABLE_MAIN, unix.RTPROT_DHCP, unix.RT_SCOPE_UNIVERSE, unix.RTN_UNICAST
	r = Attr(r, unix.RTA_GATEWAY, []byte{192, 0, 2, 1})
	r = Attr(r, unix.RTA_OIF, U32(4))
	r = Attr(r, unix.RTA_PRIORITY, U32(100))
	rt, err := DecodeRoute(r, nil)
	if err != nil || !rt.Default() || rt.Gateway != netip.MustParseAddr("192.0.2.1") || rt.OutIndex != 4 || rt.Protocol != "dhcp" || rt.Metric != 100 {
		t.Fatalf("route %+v %v", rt, err)
	}
	mp := make([]byte, SizeofRtmsg)
	mp[0], mp[1], mp[4] = unix.AF_INET6, 64, unix.RT_TABLE_MAIN
	mp = Attr(mp, unix.RTA_DST, netip.MustParseAddr("2001:db8::").AsSlice())
	nh := make([]byte, 8)
	binary.NativeEndian.PutUint16(nh[0:2], uint16(8+20))
	binary.NativeEndian.PutUint32(nh[4:8], 5)
	nh = Attr(nh, unix.RTA_GATEWAY, netip.MustParseAddr("fe80::1").AsSlice())
	mp = Attr(mp, unix.RTA_MULTIPATH, nh)
	rt, err = DecodeRoute(mp, nil)
	if err != nil || rt.Dst.String() != "2001:db8::/64" || len(rt.NextHops) != 1 || rt.NextHops[0].OutIndex != 5 || rt.NextHops[0].Gateway.String() != "fe80::1" {
		t.Fatalf("multipath %+v %v", rt, err)
	}
}

func FuzzDecodeNetlink(f *testing.F) {
	f.Add(vethMsg())
	f.Add(ifinfomsg(1, 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		if l, err := DecodeLink(b); err == nil && l.Name == "" {
			t.Fatal("link without a name accepted")
		}
		if a, err := DecodeAddr(b); err == nil && !a.Prefix.IsValid() {
			t.Fatal("invalid prefix accepted")
		}
		if r, err := DecodeRoute(b, nil); err == nil && !r.Dst.IsValid() {
			t.Fatal("invalid route accepted")
		}
	})
}

// A vxlan as the kernel reports it: its limits (IFLA_MIN_MTU/IFLA_MAX_MTU)
// and its lower device in IFLA_VXLAN_LINK, inside IFLA_INFO_DATA after
// IFLA_INFO_KIND.
func TestDecodeLinkMTULimitsAndVxlanLower(t *testing.T) {
	b := ifinfomsg(5, unix.IFF_BROADCAST|unix.IFF_MULTICAST)
	b = Attr(b, unix.IFLA_IFNAME, cstr("vx0"))
	b = Attr(b, unix.IFLA_MTU, U32(1450))
	b = Attr(b, unix.IFLA_MIN_MTU, U32(68))
	b = Attr(b, unix.IFLA_MAX_MTU, U32(65535))
	data := Attr(nil, unix.IFLA_VXLAN_ID, U32(42))
	data = Attr(data, unix.IFLA_VXLAN_LINK, U32(2))
	info := Attr(nil, unix.IFLA_INFO_KIND, cstr("vxlan"))
	info = Attr(info, unix.IFLA_INFO_DATA|unix.NLA_F_NESTED, data)
	b = Attr(b, unix.IFLA_LINKINFO|unix.NLA_F_NESTED, info)
	l, err := DecodeLink(b)
	if err != nil {
		t.Fatal(err)
	}
	if l.MinMTU != 68 || l.MaxMTU != 65535 || l.MTU != 1450 || l.Kind != "vxlan" || l.Parent != 2 {
		t.Fatalf("decoded %+v", l)
	}
}
