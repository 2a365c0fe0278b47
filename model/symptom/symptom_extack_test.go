package symptom

import (
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// sample is the message as a kernel would send it: format verbs filled.
func (r ExtAck) sample() string {
	return strings.NewReplacer("%s", "veth0", "%llu", "7", "%u", "7", "%d", "7").Replace(r.Text())
}

// TestExtAckTable reads every row's message from the forms programs print
// it in and checks its errno, operation and matched row.
func TestExtAckTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range extAckTable {
		if seen[r.Text()] {
			t.Errorf("%q is in the table twice", r.Text())
		}
		seen[r.Text()] = true
		if r.Src == "" {
			t.Errorf("%q has no source", r.Text())
		}
		if r.Errno != "" {
			if _, ok := errnoNumbers[r.Errno]; !ok {
				t.Errorf("%q: errno %s has no number", r.Text(), r.Errno)
			}
		}
		msg := r.sample()
		iproute2 := "Error: " + msg
		if !strings.HasSuffix(msg, ".") {
			iproute2 += "."
		}
		forms := []string{iproute2}
		if r.Errno != "" && r.Kernel() {
			goErr := syscall.Errno(errnoNumbers[r.Errno]).Error()
			forms = append(forms,
				// mdlayher/netlink (jsimonetti/rtnetlink)
				`netlink receive: `+goErr+`, offset: 0, message: `+strconv.Quote(msg),
				// vishvananda/netlink with EnableErrorMessageReporting
				`failed to add: `+goErr+`: `+msg)
			if w := len(strings.Fields(r.Msg)); w > 3 || w == 3 && r.Cause != "" {
				// systemd-networkd
				forms = append(forms, `systemd-networkd[433]: eth0: Could not set link: `+strings.TrimSuffix(msg, ".")+`. `+r.Errno.Strerror())
			}
		}
		for _, in := range forms {
			s := ParseSymptom(in)
			if !slices.Contains(s.Matched, "extack:"+r.Text()) {
				t.Errorf("%q: matched %v, want the row %q", in, s.Matched, r.Text())
				continue
			}
			if r.Errno != "" && s.Errno != r.Errno {
				t.Errorf("%q: errno %s, want %s", in, s.Errno, r.Errno)
			}
			if r.Op != "" && s.Operation != r.Op && !strings.Contains(in, "Could not set link") {
				t.Errorf("%q: operation %q, want %q", in, s.Operation, r.Op)
			}
			if row, ok := s.ExtAckRow(); !ok || row.Text() != r.Text() {
				t.Errorf("%q: ExtAckRow %q %v", in, row.Text(), ok)
			}
		}
	}
}

// The lookup strips the prefixes programs and older kernels print, prefers
// the row of the operation the text names, and reads format strings.
func TestLookupExtAck(t *testing.T) {
	for _, tt := range []struct {
		msg, op string
		errno   Errno
		src     string
	}{
		{"ipv4: Address already assigned.", "", EEXIST, "net/ipv4/devinet.c:inet_rtm_newaddr"},
		{"Address already assigned", "", EEXIST, "net/ipv4/devinet.c:inet_rtm_newaddr"},
		{"ipv6: IPv6 is disabled on this device", "", EACCES, "net/ipv6/addrconf.c:ipv6_add_addr/inet6_addr_add/inet6_addr_del"},
		{"IPv6 is disabled on this device", OpAddrAdd, EACCES, "net/ipv6/addrconf.c:ipv6_add_addr/inet6_addr_add/inet6_addr_del"},
		{"vxlan: Cannot change VNI", "", EOPNOTSUPP, "drivers/net/vxlan/vxlan_core.c:vxlan_nl2conf"},
		{"8021q: Invalid VLAN id", "", ERANGE, "net/8021q/vlan_netlink.c:vlan_validate"},
		{"invalid vlan id", "", EINVAL, "net/core/rtnetlink.c:fdb_vid_parse"},
		{"ipv4: Invalid prefix length", "", EINVAL, "net/ipv4/devinet.c:rtm_to_ifaddr"},
		{"Invalid prefix length", "", EINVAL, "net/ipv4/fib_frontend.c:rtm_to_fib_config; net/ipv6/route.c:ip6_route_info_create"},
		{"The ifindex 12 is not available in the target netns", "", EBUSY, "net/core/dev.c:__dev_change_net_namespace"},
		{"bridge: eth1 is already in 512 groups, and mcast_max_groups=512", "", E2BIG, "net/bridge/br_multicast.c:br_multicast_port_ngroups_inc_one"},
		{"Nexthop has invalid gateway\x00", "", ENETUNREACH, "net/ipv4/fib_semantics.c:fib_check_nh_v4_gw"},
	} {
		r, ok := LookupExtAck(tt.msg, tt.op)
		if !ok || r.Errno != tt.errno || r.Src != tt.src {
			t.Errorf("LookupExtAck(%q, %q) = %+v %v, want %s from %s", tt.msg, tt.op, r, ok, tt.errno, tt.src)
		}
	}
	if r, ok := LookupExtAck("Something the kernel never said", ""); ok {
		t.Errorf("an unknown message found %+v", r)
	}
}

// A message the line also prints an errno for takes the printed one: the
// onlink path of "Nexthop has invalid gateway" is EINVAL, not the lookup
// failure's ENETUNREACH.
func TestExtAckPrintedErrno(t *testing.T) {
	s := ParseSymptom("systemd-networkd[433]: eth0: Could not set route: Nexthop has invalid gateway. Invalid argument")
	if s.Errno != EINVAL || s.Operation != OpRouteAdd || s.ExtAck != "Nexthop has invalid gateway" {
		t.Errorf("errno %s op %q extack %q (matched %v)", s.Errno, s.Operation, s.ExtAck, s.Matched)
	}
	s = ParseSymptom("Error: Nexthop has invalid gateway.")
	if s.Errno != ENETUNREACH || s.Operation != OpRouteAdd {
		t.Errorf("errno %s op %q (matched %v)", s.Errno, s.Operation, s.Matched)
	}
	// The command's operation wins over the message's family.
	s = ParseSymptom("$ ip route del 10.0.0.0/8 nhid 7\nError: Nexthop id does not exist.")
	if s.Operation != OpRouteDel || s.Errno != EINVAL {
		t.Errorf("errno %s op %q (matched %v)", s.Errno, s.Operation, s.Matched)
	}
}

// Messages quoted in programs' own words; a short common phrase is not read
// as the kernel's.
func TestExtAckQuoted(t *testing.T) {
	for _, tt := range []struct {
		in     string
		errno  Errno
		op     string
		extack string
	}{
		{`pyroute2.netlink.exceptions.NetlinkError: (22, 'Nexthop has invalid gateway')`, EINVAL, OpRouteAdd, "Nexthop has invalid gateway"},
		{`level=error msg="setting mtu: netlink receive: invalid argument, offset: 0, message: \"mtu greater than device maximum\""`, EINVAL, "", "mtu greater than device maximum"},
		{`Nov 22 06:29:01 host systemd-networkd[612]: vx0: Could not set link: Cannot change port range. Operation not supported`, EOPNOTSUPP, OpLinkSet, "Cannot change port range"},
		{`netplan: bridge br0: ipv6: IPv6 is disabled on this device`, EACCES, OpAddrAdd, "ipv6: IPv6 is disabled on this device"},
	} {
		s := ParseSymptom(tt.in)
		if s.Errno != tt.errno || tt.op != "" && s.Operation != tt.op || s.ExtAck != tt.extack {
			t.Errorf("%q: errno %s op %q extack %q (matched %v)", tt.in, s.Errno, s.Operation, s.ExtAck, s.Matched)
		}
	}
	for _, in := range []string{"hciconfig: Device not found", "socket: Unsupported address family"} {
		if s := ParseSymptom(in); s.ExtAck != "" {
			t.Errorf("%q read as the extended ACK %q (matched %v)", in, s.ExtAck, s.Matched)
		}
	}
}
