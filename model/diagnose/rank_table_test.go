package diagnose

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

// Every row names causes of the catalogue and says why; every cause is
// reached by some row; every row matches the symptom made of its own fields.
func TestRankTable(t *testing.T) {
	reached := map[*Cause]bool{}
	whys := map[string]int{}
	for i, r := range rankTable {
		if r.Why == "" {
			t.Errorf("row %d (%+v) does not say why", i, r)
		}
		if len(r.Causes) == 0 {
			t.Errorf("row %d names no cause", i)
		}
		for _, k := range r.Causes {
			if k == nil || !slices.Contains(Catalogue, k) {
				t.Errorf("row %d names a cause outside the catalogue: %v", i, k)
				continue
			}
			reached[k] = true
		}
		s := symptom.Symptom{Operation: r.Op, Errno: r.Errno, ExtAck: r.Msg, Family: r.Family, Path: r.Path, Source: r.Source, InvalidName: r.InvalidName, Emulator: r.Emulator}
		if r.InContainer {
			s.ContainerHint = "test"
		}
		switch r.Has {
		case "mtu":
			s.MTU = 1500
		case "netns":
			s.Netns = "ns1"
		case "master":
			s.Master = "br0"
		case "kind":
			s.Kind = "wireguard"
		case "circular":
			s.Master, s.Device = "bond0", "bond0.2500"
		case "keyword-device":
			s.Device = "up"
		case "tc-kind":
			s.TCKind = "qdisc netem"
		case "tc-kind-or-bare":
			s.TCKind = "qdisc netem"
		case "default-seccomp":
		case "self-master":
			s.Device, s.Master = "br0", "br0"
		case "as-root":
			s.AsRoot = "test"
		case "ipv6-words":
			s.Raw = "can't initialize ip6tables table `filter'"
		case "library-no-dev":
			s.Source = "pyroute2"
		case "feature-words":
			s.Command = "ip link set dev eth0 xdp obj prog.o"
		}
		if !r.matches(s) {
			t.Errorf("row %d does not match its own fields", i)
		}
		for _, a := range r.Alt {
			alt := s
			alt.ExtAck = a
			if a != strings.ToLower(a) || !r.matches(alt) {
				t.Errorf("row %d: its other spelling %q is not lower-case or does not match", i, a)
			}
		}
		if r.Msg != strings.ToLower(r.Msg) {
			t.Errorf("row %d: Msg %q is not lower-case (the text is lowered before it is looked for)", i, r.Msg)
		}
		// Rows that differ only in their words are one row with Alt
		// spellings.
		same := r
		same.Msg, same.Alt = "", nil
		key := fmt.Sprintf("%+v", same)
		if j, seen := whys[key]; seen {
			t.Errorf("rows %d and %d differ only in their words (%q, %q): make one row with Alt spellings", j, i, rankTable[j].Msg, r.Msg)
		}
		whys[key] = i
		got, _ := rankedCauses(s)
		for _, k := range r.Causes {
			if !slices.Contains(got, k) {
				t.Errorf("row %d: cause %s not ranked for its own symptom", i, k.ID)
			}
		}
	}
	for _, k := range Catalogue {
		if !reached[k] {
			t.Errorf("cause %s is reached by no row of the ranking table", k.ID)
		}
	}
}

// A cause the symptom does not point at never ranks above one it does,
// whatever its status.
func TestRankPlausibleFirst(t *testing.T) {
	rs := []Result{
		{ID: "a", Verdict: Verdict{Status: Fail}},
		{ID: "b", Verdict: Verdict{Status: OK}},
		{ID: "c", Verdict: Verdict{Status: Warn}},
		{ID: "d", Verdict: Verdict{Status: Fail}},
	}
	rank(rs, map[string]int{"b": 0, "c": 1, "d": 2})
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.ID)
	}
	if want := []string{"d", "b", "c", "a"}; !slices.Equal(ids, want) {
		t.Fatalf("ranked %v, want %v", ids, want)
	}
	// Nothing plausible: by evidence, not catalogue order.
	rank(rs, nil)
	if rs[0].Status != Fail || rs[1].Status != Fail || rs[2].Status != Warn || rs[3].Status != OK {
		t.Fatalf("health check not ordered by evidence: %+v", rs)
	}
}

// A prompt whose host name is a container id points at the container.
func TestContainerHint(t *testing.T) {
	s := symptom.ParseSymptom("root@3f4e5a6b7c8d:/# ip link add br0 type bridge\nip: RTNETLINK answers: Operation not permitted")
	if s.ContainerHint == "" {
		t.Fatalf("no container hint: %+v", s)
	}
	if ks, _ := rankedCauses(s); len(ks) == 0 || ks[0] != causeContainerRestricted {
		t.Fatalf("ranked %v, want container-restricted first", ks)
	}
	if s := symptom.ParseSymptom("root@node1:~# ip link add br0 type bridge\nRTNETLINK answers: Operation not permitted"); s.ContainerHint != "" {
		t.Fatalf("a host name is not a container: %q", s.ContainerHint)
	}
}

// Texts whose first cause the kernel's or the program's own mechanism
// decides (the rows' Why), from the text alone.
func TestRankExamples(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{`ip link set veth0 netns foo` + "\n" + `Error: argument "foo" is wrong: Invalid "netns" value`, "netns-reference"},
		{`warning: cmd 'ip tunnel add tap0 mode gretap local 78.46.193.234 remote 195.201.223.194 dev eth0 ttl 64' failed: returned 255 (Unknown tunnel mode "gretap")`, "invalid-request"},
		{"ip link set dev br0.100 master br0\nRTNETLINK answers: Too many links", "invalid-request"},
		{`error enslaving/unslaving link "bond0.2500" under "bond0": netlink receive: device or resource busy`, "invalid-request"},
		{"netavark: failed to delete if podman0: Received a netlink error message Operation not supported (os error 95)", "invalid-request"},
		{"RTNETLINK answers: Invalid argument", "invalid-request"},
		{`sysctl: error: 'net.mpls/platform_labels' is an unknown key`, "module-missing"},
		{"nl80211: Failed to set interface 3 iftype 3: -95 (Operation not supported)", "unsupported-feature"},
		{"kernel: vxlan: Cannot bind port 4789, err=-97", "sysctl"},
		{"Error: \"Received a netlink error message Invalid argument (os error 22)\"", "invalid-request"},
		{"Warning: Extension recent revision 0 not supported, missing kernel module?", "module-missing"},
		{"Unable to enable loopback interface: Operation not permitted", "cap-net-admin"},
		{"$ docker run --security-opt apparmor:unconfined -ti ubuntu /bin/bash -c \"unshare -U\"\nunshare: unshare failed: Operation not permitted", "seccomp"},
		{"$ docker run --security-opt seccomp=unconfined -ti ubuntu /bin/bash -c \"unshare -U\"\nunshare: unshare failed: Operation not permitted", "container-restricted"},
		{"tcpdump: eth0: You don't have permission to capture on that device\n(socket: Operation not permitted)", "cap-net-admin"},
		{"tcpdump: eth0: You don't have permission to capture on that device (socket: Permission denied)", "mac-denial"},
		{"Security Options:\n seccomp\n  Profile: builtin\n$ ip link add wg0 type wireguard\nError: Unknown device type.", "module-missing"},
		{"$ mknod /dev/net/tun c 10 200\n$ openvpn --config c.ovpn\nERROR: Cannot ioctl TUNSETIFF tun: Operation not permitted (errno=1)", "cap-net-admin"},
		{"$ docker exec c1 ip link set lo up\nUnable to enable loopback interface: Operation not permitted", "container-restricted"},
		{"+ ip link set dev up\nCannot find device \"up\"", "invalid-request"},
		{"Unknown host QEMU_IFLA type: 47", "emulated-kernel"},
		{"2: eth0: <BROADCAST,MULTICAST,UP> mtu 1500 qdisc fq_codel state UP\nRTNETLINK answers: Invalid argument", "invalid-request"},
		{"host openvpn[123]: tun device tun0 closed\nNetworkManager[9]: <error> device (tun0): failed to get ifindex: No such device", "link-state"},
		{"unshare(0x40000000): Invalid argument", "module-missing"},
		{"failed to create TUN device myst0: no such device", "module-missing"},
	} {
		ks, _ := rankedCauses(symptom.ParseSymptom(c.text))
		if len(ks) == 0 || ks[0].ID != c.want {
			var got []string
			for _, k := range ks {
				got = append(got, k.ID)
			}
			t.Errorf("%q: ranked %v, want %s first", c.text, got, c.want)
		}
	}
}
