package symptom

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestVocabularyExamples runs every row's example through the parser: the
// row must match its own example.
func TestVocabularyExamples(t *testing.T) {
	has := func(s Symptom, row string) bool { return slices.Contains(s.Matched, row) }
	for _, f := range errnoForms {
		// The row reads its example, and the whole vocabulary agrees.
		m := f.re.FindStringSubmatch(f.example)
		if m == nil || f.errno(m) != f.want {
			t.Errorf("errno row %s does not read %s from its example %q", f.name, f.want, f.example)
		}
		find := findErrno
		if f.weak {
			find = findWeakErrno
		}
		if e, form, _ := find(f.example); e != f.want {
			t.Errorf("errno row %s: example %q gives %s by %q, want %s", f.name, f.example, e, form, f.want)
		}
	}
	for _, f := range lineForms {
		if s := ParseSymptom(f.example); !has(s, "line:"+f.name) {
			t.Errorf("line row %s: example %q matched %v", f.name, f.example, s.Matched)
		}
	}
	for _, f := range opPhrases {
		s := Symptom{}
		for _, l := range strings.Split(f.example, "\n") {
			s.parseLine(l)
		}
		if !has(s, "op:"+f.name) {
			t.Errorf("operation row %s: example %q matched %v", f.name, f.example, s.Matched)
		}
	}
	for _, f := range commandForms {
		if s := ParseSymptom("$ " + f.example); !has(s, "cmd:"+f.name) || s.Operation == "" && f.name != "container-cli" {
			t.Errorf("command row %s: example %q matched %v, operation %q", f.name, f.example, s.Matched, s.Operation)
		}
	}
	for _, f := range prefixForms {
		if s := ParseSymptom(f.example); !has(s, "wrap:"+f.name) || !s.Recognised {
			t.Errorf("wrapper row %s: example %q matched %v (recognised %v)", f.name, f.example, s.Matched, s.Recognised)
		}
	}
	// The kernel's extended ACKs as iproute2 prints them (every form of
	// each row: TestExtAckTable).
	for _, r := range extAckTable {
		if s := ParseSymptom("Error: " + strings.TrimSuffix(r.sample(), ".") + "."); !has(s, "extack:"+r.Text()) {
			t.Errorf("extended ACK %q matched %v", r.Text(), s.Matched)
		}
	}
	for _, tx := range strerrorTexts {
		if got := ErrnoFromText(strings.ToLower(tx.text)); got != tx.errno {
			t.Errorf("strerror %q = %s, want %s", tx.text, got, tx.errno)
		}
	}
}

// Forms the issue lists, each parsed for its operation and errno.
func TestVocabularyForms(t *testing.T) {
	for _, tt := range []struct {
		in    string
		op    string
		errno Errno
	}{
		// musl (Alpine, BusyBox) texts.
		{"ip: RTNETLINK answers: Not supported", "", EOPNOTSUPP},
		// libnl's texts and names (thom311/libnl#131, lib/error.c).
		{`genl_connect() is failing with -6 (NLE_EXIST "Object exists")`, "", EEXIST},
		{"rtnl_link_add: Object exists", "", EEXIST},
		{"Unable to add link: Object not found", "", ENOENT},
		// networkd: a port joining its master (systemd/systemd#15280), an
		// object with its origin (corpus host-132).
		{"systemd-networkd[1643]: enp179s0f1.324: Could not join netdev: Operation not permitted", OpLinkSet, EPERM},
		{"systemd-networkd[21459]: eth1: Could not set NDisc route or address: Invalid argument", OpRouteAdd, EINVAL},
		// Rare errnos (systemd/systemd#20217, moby/moby#18814).
		{"RTNETLINK answers: No route to host", "", EHOSTUNREACH},
		{"ip: RTNETLINK answers: Host is unreachable", "", EHOSTUNREACH},
		{`error setting interface "vethe1e64f7" master to "br0": exchange full`, OpLinkSet, EXFULL},
		// A port attached to its master by name (lxc/lxc#256).
		{"lxc-start: failed to attach 'veth5GML3H' to the bridge 'br-int' : Operation not supported", OpLinkSet, EOPNOTSUPP},
		// ifup's EEXIST is an address added twice (bluerobotics/companion#201).
		{"RTNETLINK answers: File exists\nFailed to bring up config-server.", OpAddrAdd, EEXIST},
		// ENOPKG from the bridge ioctl (raspberrypi/documentation#762).
		{"add bridge failed: Package not installed", "", ENOPKG},
		// ip tunnel's ioctl by number and its own message (projectcalico/felix#928, #1008).
		{"stderr  : ip: ioctl 0x89f1 failed: File exists", OpLinkAdd, EEXIST},
		{`stderr  : add tunnel "tunl0" failed: File exists`, OpLinkAdd, EEXIST},
		// A dead process's namespace (kubernetes/kubernetes#26199).
		{"Failed to open /proc/0/ns/net: open /proc/0/ns/net: no such file or directory", OpNetnsEnter, ENOENT},
		// ip netns add on a kernel without network namespaces (RMerl/asuswrt-merlin.ng#327).
		{"Failed to create a new network namespace (insert name): Invalid argument.", OpNetnsEnter, EINVAL},
		// The tun open step named alone (navilg/media-stack#60).
		{"ERROR creating tun device: Unix opening TUN device file: operation not permitted", OpTunOpen, EPERM},
		// An extended ACK quoted in prose (gsliepen/tinc#213).
		{`the error "Error: Device for nexthop is not up." happens`, "", ENETDOWN},
		// A TCP socket of the IPv6 family is not a netlink socket (docker/for-linux#1233).
		{"Error starting userland proxy: listen tcp6 [::]:8888: socket: address family not supported by protocol.", "", EAFNOSUPPORT},
		// OpenVPN's sitnl steps (amnezia-vpn/amnezia-client#701).
		{">LOG:1720051188,I,net_addr_v6_add: fd15:53b6:dead::2/64 dev tun0\n>LOG:1720051188,W,sitnl_send: rtnl: generic error (-95): Operation not supported", OpAddrAdd, EOPNOTSUPP},
		// A sysctl by name that does not exist (kubernetes-sigs/kind#4156).
		{"Error: netavark: Sysctl error: no such sysctl: net.ipv6.conf.all.forwarding", OpSysctl, ENOENT},
		// keepalived's netlink overrun (acassen/keepalived#38).
		{"Keepalived_vrrp[7475]: Netlink: Received message overrun", OpNetlink, ENOBUFS},
		// An SELinux denial pasted without "avc:" (SELinuxProject/refpolicy#591).
		{`[...] denied  { bind } for pid=... comm="openvpn" scontext=system_u:system_r:openvpn_t:s0 tcontext=system_u:system_r:openvpn_t:s0 tclass=netlink_generic_socket`, OpNetlink, EACCES},
		// Kernel messages only a route add gets (tinc, onioncat threads).
		{"/sbin/ip\nError: Nexthop device is not up.", OpRouteAdd, ENETDOWN},
		{"Error: Invalid prefix for given prefix length", OpRouteAdd, EINVAL},
		// A MAC or a VRF named as the object (corpus host2-015, host2-046).
		{"[ERROR] Could not change MAC: interface up or insufficient permissions: Device or resource busy", OpLinkSet, EBUSY},
		{"[BUG] [UE][DATA] Unable to create VRF for UEoperation not supported", OpLinkAdd, EOPNOTSUPP},
		// iproute2's own refusals (lib/utils.c): a missing device is ENODEV.
		{`Error: argument "wg0" is wrong: Device does not exist`, "", ENODEV},
		{`Error: inet prefix is expected rather than "10.0.0.300/24".`, "", ""},
		// An object named between the noun and "failed" (unikraft/kraftkit#1456).
		{"E  bridge creation for a-somewhat-longer-name failed: numerical result out of range", OpLinkAdd, ERANGE},
		{"ip: RTNETLINK answers: Resource busy", "", EBUSY},
		{"ip: RTNETLINK answers: No error information", "", EUNKNOWN},
		{"RTNETLINK answers: Numerical result out of range", "", ERANGE},
		{"RTNETLINK answers: Protocol not supported", "", EPROTONOSUPPORT},
		{"Error: netlink error, code: -17", "", EEXIST},
		{"Os { code: 95, kind: Unsupported, message: \"Operation not supported\" }", "", EOPNOTSUPP},
		{"NetlinkError(ErrorMessage { code: Some(-1), header: [] })", "", EPERM},
		{"pyroute2.netlink.exceptions.NetlinkError: (17, 'File exists')", "", EEXIST},
		{"OSError: [Errno 19] No such device", "", ENODEV},
		{"bridge: port 1(veth0) failed to add, error -17", "", EEXIST},
		{"wg0: adding failed, err=-22", "", EINVAL},
		{"ioctl returned rc = -95", "", EOPNOTSUPP},
		{"setting link failed: errno=1", "", EPERM},
		{"netlink: add link: EEXIST", "", EEXIST},
		{"ip -batch cmds.txt\nRTNETLINK answers: File exists\nCommand failed cmds.txt:3", "", EEXIST},
		{"ip -n ns1 link set veth1 up\nRTNETLINK answers: Operation not permitted", OpLinkSet, EPERM},
		{"ip netns exec ns1 ip addr add 10.0.0.1/24 dev eth0\nRTNETLINK answers: File exists", OpAddrAdd, EEXIST},
		{"# ifconfig eth0 10.0.0.2 netmask 255.255.255.0\nSIOCSIFADDR: Operation not permitted", OpAddrAdd, EPERM},
		{"SIOCSIFFLAGS: Operation not permitted", OpLinkSet, EPERM},
		{"# route add default gw 192.168.1.1\nSIOCADDRT: Network is unreachable", OpRouteAdd, ENETUNREACH},
		{"# brctl addbr br0\nadd bridge failed: Operation not permitted", OpLinkAdd, EPERM},
		{"ioctl(3, SIOCBRADDBR, \"br0\") = -1 EPERM (Operation not permitted)", OpLinkAdd, EPERM},
		{"# vconfig add eth0 10\nERROR: trying to add VLAN #10 to IF -:eth0:-  error: Operation not supported", OpLinkAdd, EOPNOTSUPP},
		{"Traceback (most recent call last):\n  File \"t.py\", line 4, in <module>\n    ip.link('add', ifname='v0', kind='veth', peer='v1')\npyroute2.netlink.exceptions.NetlinkError: (17, 'File exists')", OpLinkAdd, EEXIST},
		{`{"level":"error","msg":"failed to add the host (veth1) \u003c=\u003e sandbox (veth2) pair interfaces: operation not supported","time":"2024-01-01T00:00:00Z"}`, OpLinkAdd, EOPNOTSUPP},
		{`"failed to create bridge \"cni0\": could not add \"cni0\": operation not permitted\n"`, OpLinkAdd, EPERM},
		{`ip link add x type veth\nRTNETLINK answers: File exists`, OpLinkAdd, EEXIST},
		{`time="2024-05-01T10:00:00Z" level=error msg="failed to set bridge addr: \"cni0\" already has an IP address different from 10.88.0.1/16"`, OpAddrAdd, EEXIST},
		{`fatal: [node1]: FAILED! => {"changed": false, "cmd": ["ip", "link", "add", "br0", "type", "bridge"], "rc": 2, "stderr": "RTNETLINK answers: File exists", "stderr_lines": ["RTNETLINK answers: File exists"]}`, OpLinkAdd, EEXIST},
		{`Error: /Stage[main]/Net/Exec[br0]/returns: change from notrun to 0 failed: Execution of '/sbin/ip link add br0 type bridge' returned 2: RTNETLINK answers: File exists`, OpLinkAdd, EEXIST},
		{`error: eth0: cmd '/bin/ip -force -batch - [link set dev eth0 master br0]' failed: returned 1 (RTNETLINK answers: Device or resource busy)`, OpLinkSet, EBUSY},
		{"Nov 22 06:29:01 node1 systemd-networkd[612]: br0: Could not set route: Network is unreachable", OpRouteAdd, ENETUNREACH},
		{"  Warning  FailedCreatePodSandBox  2m (x4 over 3m)  kubelet  Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"ab\": plugin type=\"bridge\" failed (add): failed to set bridge addr: could not add IP address to \"cni0\": permission denied", OpAddrAdd, EACCES},
		{"web_1  | RTNETLINK answers: Operation not permitted", "", EPERM},
		{"[#] ip link add wg0 type wireguard\nRTNETLINK answers: Not supported", OpLinkAdd, EOPNOTSUPP},
		{"Mon Nov 22 06:29:01 2021 /sbin/ip addr add dev tun0 10.8.0.2/24 broadcast 10.8.0.255\nMon Nov 22 06:29:01 2021 Linux ip addr add failed: external program exited with error status: 2", OpAddrAdd, ""},
		{"NetworkManager[712]: <warn>  [1700000000.1] platform-linux: do-add-ip4-address[2: 10.0.0.5/24]: failure 17 (File exists)", OpAddrAdd, EEXIST},
		{"error: swp1: netlink: swp1: cannot set link swp1 up: operation failed with 'Network is down' (100)", OpLinkSet, ENETDOWN},
		{"failed to LinkAdd: operation not permitted", OpLinkAdd, EPERM},
		{"ip link add d0 type dummy\\nRTNETLINK answers: Operation not permitted", OpLinkAdd, EPERM},
		{"failed to add route: {Ifindex: 3 Dst: 10.244.0.0/16},", OpRouteAdd, ""},
		// Real texts found with the search tool, with their threads.
		{"Netlink: error: Operation not permitted, type=(20), seq=1474249733, pid=0", OpAddrAdd, EPERM},                                                                                                                                                                             // acassen/keepalived#427
		{"ERRO[0006] Handler for POST /containers/{name:.*}/start returned error: Cannot start container 729e0b1a4b68: Link not found", "", ENODEV},                                                                                                                                 // moby/libnetwork#198
		{"Jan 08 11:14:29 linux-router systemd-networkd[6011]: Could not remove route: Invalid argument", "", EINVAL},                                                                                                                                                               // systemd/systemd#5038
		{"    enp3s0: Could not bring up interface: Invalid argument", OpLinkSet, EINVAL},                                                                                                                                                                                           // systemd/systemd#12784
		{"Failed to create a netlink handle: failed to set into network namespace xx while creating netlink socket", OpNetnsEnter, ""},                                                                                                                                              // moby/moby#33656
		{"Cluster failed: Network setup failed: LinkAdd() failed: operation not supported", OpLinkAdd, EOPNOTSUPP},                                                                                                                                                                  // coreos/mantle#72
		{"ifconfig: SIOCSIFADDR: No such device", OpAddrAdd, ENODEV},                                                                                                                                                                                                                // mk-f/alpine-initramfs-dropbear#1
		{"auld@AULD-THINK:~$ ip netns add netns1\nCannot open netlink socket: Invalid argument", OpNetlink, EINVAL},                                                                                                                                                                 // MicrosoftDocs/WSL#64
		{"May 24 12:08:10 host systemd-networkd[332]: br0: Bridge parameters could not be set: Operation not supported", OpLinkSet, EOPNOTSUPP},                                                                                                                                     // systemd/systemd#3648
		{`wgengine.NewUserspaceEngine(tun "tailscale0") error: tstun.New("tailscale0"): operation not permitted`, OpTunOpen, EPERM},                                                                                                                                                 // tailscale/tailscale#14256
		{"lxc-start: failed to create veth0-vethFNN6G2 : File exists\nlxc-start: failed to create netdev", OpLinkAdd, EEXIST},                                                                                                                                                       // lxc/lxc#374
		{"  lxc-start 1390812759.767 ERROR    lxc_conf - failed to create veth4W9MEB-vethVE65L3 : Operation not supported", OpLinkAdd, EOPNOTSUPP},                                                                                                                                  // lxc/lxc#148
		{"Error: Failed preparing container for start: Failed to start device \"eth0\": Failed to create the veth interfaces veth0c123 and veth9783dad0: Failed to run: ip link add veth0c123 type veth peer name veth9783dad0: RTNETLINK answers: File exists", OpLinkAdd, EEXIST}, // canonical/lxd#8924
		{`time="2020-05-07T19:29:10Z" level=error msg="remote: failed to create VXLAN interface: file exists"`, OpLinkAdd, EEXIST},                                                                                                                                                  // networkservicemesh/examples#86
		{"[openwrt] | RTNETLINK answers: File exists\n[openwrt] | ❯ ERROR: Status 2 while: nsenter --target 1 --uts --net --ipc --mount ip link add $VETH_IF_HOST type veth peer name $VETH_IF_CONTAINER (line 81/179)", OpLinkAdd, EEXIST},                                         // AlbrechtL/openwrt-docker#49
		{"Aug 16 10:00:00 lb1 Keepalived_vrrp[1234]: Netlink: Received message overrun (No buffer space available)", OpNetlink, ENOBUFS},                                                                                                                                            // acassen/keepalived#392
		{"error netlink.Receive error in listenWorker 0, exiting: netlink receive: recvmsg: no buffer space available occured during receiving message from conntracker socket", OpNetlink, ENOBUFS},                                                                                // harmonycloud/kindling#87
		{"finit[1]: nl_callback():recv(): No buffer space available", OpNetlink, ENOBUFS},                                                                                                                                                                                           // finit-project/finit#173
		{"MTU for ppp0 is 1492, changing to 1500\nRTNETLINK answers: Numerical result out of range", OpLinkSet, ERANGE},                                                                                                                                                             // ishioni/unifi-pppoe-fix-mtu#8
		{"Setting MTU to requested size is not possible: failure 34 (Numerical result out of range)", OpLinkSet, ERANGE},                                                                                                                                                            // home-assistant/operating-system#4136
		{"docker: Error response from daemon: failed to create the macvlan port: device or resource busy.", OpLinkAdd, EBUSY},                                                                                                                                                       // vdsm/virtual-dsm#405
		{"Warning  FailedCreatePodSandBox  4m34s (x262 over 9m24s)  kubelet            (combined from similar events): Failed to create pod sandbox: rpc error: code = Unknown desc = failed to set up sandbox container \"762b42e2\" network for pod \"samplepod\": networkPlugin cni failed to set up pod \"samplepod_default\" network: [default/samplepod:macvlan-conf]: error adding container to network \"macvlan-conf\": device or resource busy", "", EBUSY}, // k8snetworkplumbingwg/multus-cni#715
		{"--- STDERR ---\n/etc/netplan/01-network-manager-all.yaml:2:9: Error in network definition: expected mapping (check indentation)\nnetwork:\n        ^", OpLinkSet, ""},                                                                                                                                // OpenNebula/minione#58
		{"Error in network definition //etc/netplan/50-cloud-init.yaml line 6 column 4: unknown key xversion", OpLinkSet, ""},                                                                                                                                                                                  // canonical/netplan#30
		{"Sat Sep  8 18:14:34 2018 us=904768 /sbin/ip route add 0.0.0.0/0 via 192.168.54.1\nRTNETLINK answers: File exists\nSat Sep  8 18:14:34 2018 us=906500 ERROR: Linux route add command failed: external program exited with error status: 2", OpRouteAdd, EEXIST},                                       // haugene/docker-transmission-openvpn#596
		{"openvpn         | Tue Jan 22 21:22:16 2019 /sbin/ip route del 192.168.254.0/24\nopenvpn         | RTNETLINK answers: Operation not permitted\nopenvpn         | Tue Jan 22 21:22:16 2019 ERROR: Linux route delete command failed: external program exited with error status: 2", OpRouteDel, EPERM}, // kylemanna/docker-openvpn#451
		{"adding route to local network 192.168.166.0/16 via 172.17.0.1 dev eth0\nRTNETLINK answers: Invalid argument", OpRouteAdd, EINVAL},                                                                                                                                                                    // haugene/docker-transmission-openvpn#1718
		{"TUN/TAP device tun0 opened\nRTNETLINK answers: Network unreachable\nERROR: Linux route add command failed: external program exited with error status: 2", OpRouteAdd, ENETUNREACH},                                                                                                                   // dperson/openvpn-client#370
		{"Error: mkdir /var/run/netns: permission denied", OpNetnsEnter, EACCES}, // podman-container-tools/podman#3118
		{"Error: Connection activation failed: No suitable device found for this connection (device eth0 not available because profile is not compatible with device (mismatching interface name)).", OpLinkSet, ""}, // openshift/machine-config-operator#3345
	} {
		s := ParseSymptom(tt.in)
		if s.Operation != tt.op && tt.op != "" || s.Errno != tt.errno {
			t.Errorf("%q:\n  operation %q errno %q, want %q %q (matched %v)", tt.in, s.Operation, s.Errno, tt.op, tt.errno, s.Matched)
		}
	}
}

// A text beyond 64 KiB is cut with a notice, keeping the error lines.
func TestLongSymptomKeepsErrors(t *testing.T) {
	var b strings.Builder
	for b.Len() < 200<<10 {
		b.WriteString("level=info msg=\"all is well here, nothing to see at all\"\n")
	}
	b.WriteString("ip link add v0 type veth\nRTNETLINK answers: File exists\n")
	s := ParseSymptom(b.String())
	if s.Errno != EEXIST || s.Operation != OpLinkAdd || s.Cut == "" || len(s.Raw) > maxSymptom {
		t.Fatalf("errno %q cut %q raw %d bytes", s.Errno, s.Cut, len(s.Raw))
	}
	j, _ := json.Marshal(s)
	if !strings.Contains(string(j), `"matched":[`) || !strings.Contains(string(j), `"cut":"the text was 2`) {
		t.Fatalf("json lacks matched rows or the cut: %.300s", j)
	}
}

// BenchmarkParseSymptom64K parses a 64 KiB log of docker lines, the most a
// symptom keeps.
func BenchmarkParseSymptom64K(b *testing.B) {
	var sb strings.Builder
	for sb.Len() < maxSymptom-200 {
		sb.WriteString(`Nov 22 06:29:01 node1 dockerd[812]: time="2026-11-22T06:29:01Z" level=error msg="failed to add the host (veth3a1b2c4) <=> sandbox (veth9f8e7d6) pair interfaces: operation not supported"` + "\n")
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ParseSymptom(text)
	}
}

// BenchmarkParseSymptom64KDistinct parses 64 KiB of docker lines that all
// differ (their timestamps), so none is skipped as seen before: the cost of
// the vocabulary on every line.
func BenchmarkParseSymptom64KDistinct(b *testing.B) {
	var sb strings.Builder
	for i := 0; sb.Len() < maxSymptom-200; i++ {
		fmt.Fprintf(&sb, `Nov 22 06:%02d:%02d node1 dockerd[812]: time="2026-11-22T06:29:01.%06dZ" level=error msg="failed to add the host (veth3a1b2c4) <=> sandbox (veth9f8e7d6) pair interfaces: operation not supported"`+"\n", i/60%60, i%60, i)
	}
	text := sb.String()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		ParseSymptom(text)
	}
}

// A program's own advice to add NET_ADMIN to its container says the text
// ran in a container (dockur/windows-arm#66); a prose mention of the
// capability does not.
func TestCapAddAdviceIsAContainerHint(t *testing.T) {
	s := ParseSymptom("ERROR: Failed to create bridge. Please add the following setting to your container: --cap-add NET_ADMIN")
	if s.ContainerHint == "" || s.Operation != OpLinkAdd {
		t.Errorf("hint %q op %q", s.ContainerHint, s.Operation)
	}
	if s := ParseSymptom("RTNETLINK answers: Operation not permitted (needs CAP_NET_ADMIN)"); s.ContainerHint != "" {
		t.Errorf("prose mention gave hint %q", s.ContainerHint)
	}
	if s := ParseSymptom("nmcli: Error: invalid or not allowed setting 'ipv6': 'ipv6' not among [connection, bridge-port]."); s.Source != "NetworkManager" || !s.Recognised {
		t.Errorf("nmcli refusal: source %q recognised %v", s.Source, s.Recognised)
	}
}

// Configuration refusals of NetworkManager, networkd and ifupdown name
// their daemon (and so the netconfig cause) without an errno.
func TestDaemonConfigurationForms(t *testing.T) {
	for _, tt := range []struct{ in, source, op string }{
		// balena-io/balena-cli#657.
		{"keyfile: error loading connection from file /etc/NetworkManager/system-connections/resin-sample: invalid connection: 802-11-wireless-security.key-mgmt: property is missing", "NetworkManager", ""},
		// kelebek333/rtl8188fu#59.
		{"NetworkManager[48024]: Failed to read configuration: /etc/NetworkManager/conf.d/disable-random-mac.conf: Key file does not start with a group", "NetworkManager", ""},
		// networkd's netdev verification without a line number.
		{"systemd-networkd[312]: /etc/systemd/network/25-vlan.netdev: VLAN without valid Id (0) configured. Ignoring.", "networkd", ""},
		// kimchi-project/ginger#393 (ifup ens7).
		{"Unknown interface ens7", "ifupdown", ""},
		// A device falling back for a failure reason.
		{"NetworkManager[812]: <info>  [1700000000.1234] device (eth0): state change: prepare -> unavailable (reason 'dependency-failed', sys-iface-state: 'managed')", "NetworkManager", OpLinkSet},
		// nmcli's "Error: " is not iproute2's.
		{"Error: Connection activation failed: No suitable device found for this connection.", "NetworkManager", OpLinkSet},
		// NetworkManager's activation family (nmstate's log).
		{"'eth1.90': up connection failed: failure to activate connection: nm-manager-error-quark: Failed to find a compatible device for this connection (3)", "NetworkManager", OpLinkSet},
		// Tunnelblick/Tunnelblick#757.
		{"2023-08-11 23:23:26.709858 Cannot allocate TUN/TAP dev dynamically", "openvpn", OpTunOpen},
	} {
		s := ParseSymptom(tt.in)
		if !s.Recognised || s.Source != tt.source || s.Operation != tt.op {
			t.Errorf("%q: recognised %v source %q op %q, want %q %q (matched %v)", tt.in, s.Recognised, s.Source, s.Operation, tt.source, tt.op, s.Matched)
		}
	}
	// A port enslaved to a master named without its kind; an address
	// added to a device is not a port joining a master.
	if s := ParseSymptom("Error: Failed to enslave eth1 to bond0: Device or resource busy"); s.Operation != OpLinkSet || s.Master != "bond0" {
		t.Errorf("enslave: op %q master %q", s.Operation, s.Master)
	}
	if s := ParseSymptom("failed to add 10.0.0.1 to eth0: File exists"); s.Operation == OpLinkSet {
		t.Errorf("address add read as a port joining a master (matched %v)", s.Matched)
	}
}

// An embedded command whose errors are discarded, or one step of a chain,
// does not name the failing operation (k3s-io/k3s#9251).
func TestEmbeddedCommandHiddenOrChained(t *testing.T) {
	s := ParseSymptom("flannel exited: failed to run command: ip link del flannel.1 2>/dev/null; echo $PATH >&2; wg-add.sh flannel.1 && ip addr add $SUBNET_IP/32 dev flannel.1 && ip link set flannel.1 up Err: exit status 1")
	if s.Operation == OpLinkDel {
		t.Errorf("a command with 2>/dev/null read as the failing one (matched %v)", s.Matched)
	}
	if s := ParseSymptom(`exec: "ip link add br0 type bridge": RTNETLINK answers: Operation not supported`); s.Operation != OpLinkAdd {
		t.Errorf("a single embedded command: op %q (matched %v)", s.Operation, s.Matched)
	}
	if s := ParseSymptom("Error starting userland proxy: listen tcp6 [::]:8888: socket: address family not supported by protocol."); s.Family != "inet6" || s.Operation != "" {
		t.Errorf("tcp6 socket: family %q op %q", s.Family, s.Operation)
	}
}

// The text saying the command ran in a container: a command run through
// docker run, or the words; a daemon's own message naming docker run and
// a bare mention of docker are not.
func TestContainerHintForms(t *testing.T) {
	for in, want := range map[string]bool{
		"$ docker run --rm alpine ip link add br0 type bridge\nip: RTNETLINK answers: Operation not permitted": true,
		"Inside the container, ip link set eth0 up fails: RTNETLINK answers: Operation not permitted":          true,
		"docker: Error response from daemon: failed to create the host veth pair: operation not permitted":     false,
		"RTNETLINK answers: Operation not permitted":                                                           false,
		// ctr5-036, ctr5-004, fld6-010 in the corpus.
		"openvpn_udp_1 | sysctl: error setting key 'net.ipv6.conf.all.disable_ipv6': Read-only file system":                                                                             true,
		"wg-easy-1  | RTNETLINK answers: Operation not permitted":                                                                                                                       true,
		"2020-11-07T22:17:44.508452778Z stderr F F1107 22:17:44.508405       1 server.go:495] open /proc/sys/net/netfilter/nf_conntrack_tcp_timeout_established: read-only file system": true,
		" $ systemd-detect-virt\n lxc\n $ ip netns exec ns ip link add d type dummy\n mount of /sys failed: Operation not permitted":                                                    true,
		" $ systemd-detect-virt\n none\n RTNETLINK answers: Operation not permitted":                                                                                                    false,
		"a | b | RTNETLINK answers: Operation not permitted":                                                                                                                            false,
		// s6-overlay's init.
		"[cont-init.d] 30-config: executing...\nRTNETLINK answers: Operation not permitted":                                  true,
		"Feb 28 12:45:53 0b2420135953 systemd[21]: x.service: Failed to set up network namespacing: Operation not permitted": true,
		"Feb 28 12:45:53 201801311234 systemd[21]: x.service: Failed to set up network namespacing: Operation not permitted": false,
		"s6-rc: info: service networking successfully started\nRTNETLINK answers: Operation not permitted":                   false,
		"docker0: inet 172.17.0.1/16 brd 172.17.255.255\nRTNETLINK answers: Operation not permitted":                         false,
	} {
		if got := ParseSymptom(in).ContainerHint != ""; got != want {
			t.Errorf("%q: container hint %v, want %v", in, got, want)
		}
	}
}

// iproute2's own refusals carry no errno (the kernel was not asked);
// networkd's per-interface sysctl messages, old and new wording, name the
// key with the interface, and leave it out without one.
func TestRefusalsAndNetworkdSysctl(t *testing.T) {
	for _, in := range []string{`Error: argument "a b" is wrong: "dev" not a valid ifname`, `Error: argument "eno33557248.3008" is wrong: "name" too long`} {
		if s := ParseSymptom(in); s.Errno != "" || !s.InvalidName {
			t.Errorf("%q: errno %q invalid %v", in, s.Errno, s.InvalidName)
		}
	}
	for in, key := range map[string]string{
		"eth0: Cannot configure proxy NDP for interface: No such file or directory":                   "net.ipv6.conf.eth0.proxy_ndp",
		"systemd-networkd[612]: eth0: Cannot set IPv6 proxy NDP, ignoring: No such file or directory": "net.ipv6.conf.eth0.proxy_ndp",
		"br0: Cannot set IPv4 reverse path filtering for interface, ignoring: Permission denied":      "net.ipv4.conf.br0.rp_filter",
		"Cannot configure proxy NDP for interface: No such file or directory":                         "",
	} {
		s := ParseSymptom(in)
		if s.Operation != OpSysctl || s.SysctlKey != key || s.Errno == "" {
			t.Errorf("%q: op %q key %q errno %q", in, s.Operation, s.SysctlKey, s.Errno)
		}
	}
}

// "code: N" is an errno only as an error's code, not an exit, status,
// return, reason or op code.
func TestCodeNumberForm(t *testing.T) {
	for in, want := range map[string]Errno{
		"Error: netlink error, code: -17": EEXIST,
		"errorCode: -13":                  EACCES,
		"exitCode: 1":                     "",
		"exit-code: 1":                    "",
		"retcode: 2":                      "",
		"opcode: 3":                       "",
		"reason code: 3":                  "",
		"HTTP code: 2":                    "",
	} {
		if got := ParseSymptom(in).Errno; got != want {
			t.Errorf("%q: errno %q, want %q", in, got, want)
		}
	}
}

// A firewall's rule is not a routing rule (ip rule).
func TestFirewallRuleIsNoRoutingRule(t *testing.T) {
	for in, want := range map[string]string{
		"Error: failed to add firewall rule: Operation not permitted":             "",
		"Error: could not add rule inet filter input: Operation not permitted":    "",
		"failed to add iptables rule: exit status 1":                              "",
		"Failed to add rule from 10.0.0.0/24 lookup 100: Operation not supported": OpRule,
	} {
		if got := ParseSymptom(in).Operation; got != want {
			t.Errorf("%q: operation %q, want %q", in, got, want)
		}
	}
}
