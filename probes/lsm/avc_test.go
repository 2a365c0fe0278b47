package lsm

import (
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

func TestParseAVC(t *testing.T) {
	const ctr = "system_u:system_r:container_t:s0:c123,c456"
	stamp := time.Date(2024, 11, 22, 6, 49, 1, 312e6, time.UTC)
	tests := []denialCase{
		{
			name: "audit.log rtnetlink write",
			line: `type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" scontext=` + ctr + ` tcontext=` + ctr + ` tclass=netlink_route_socket permissive=0`,
			ok:   true,
			want: Denial{Time: stamp, Serial: 8812, Kind: "selinux", PID: 4242, Comm: "ip", Operation: "nlmsg_write", Denied: "nlmsg_write",
				Class: "netlink_route_socket", Scontext: ctr, Tcontext: ctr},
			rel: true, why: "nlmsg_write",
		},
		{
			name: "capability net_admin",
			line: `type=AVC msg=audit(1732258150.004:8820): avc:  denied  { net_admin } for  pid=991 comm="wg-quick" capability=12  scontext=` + ctr + ` tcontext=` + ctr + ` tclass=capability permissive=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 10, 4e6, time.UTC), Serial: 8820, Kind: "selinux", PID: 991, Comm: "wg-quick",
				Operation: "net_admin", Denied: "net_admin", Class: "capability", Capability: "net_admin", Scontext: ctr, Tcontext: ctr},
			rel: true, why: "CAP_NET_ADMIN",
		},
		{
			name: "dmesg prefix, tun socket, permissive",
			line: `[12345.678901] audit: type=1400 audit(1732258141.312:8813): avc:  denied  { create } for  pid=77 comm="openvpn" scontext=system_u:system_r:openvpn_t:s0 tcontext=system_u:system_r:openvpn_t:s0 tclass=tun_socket permissive=1`,
			ok:   true,
			want: Denial{Time: stamp, Serial: 8813, Kind: "selinux", PID: 77, Comm: "openvpn", Operation: "create", Denied: "create", Class: "tun_socket",
				Scontext: "system_u:system_r:openvpn_t:s0", Tcontext: "system_u:system_r:openvpn_t:s0", Permissive: true},
			rel: true, why: "permissive=1",
		},
		{
			name: "syslog prefix",
			line: `Nov 22 06:29:01 host kernel: audit: type=1400 audit(1732258141.312:8814): avc:  denied  { nlmsg_read } for  pid=5 comm="ss" scontext=a:b:c:s0 tcontext=a:b:c:s0 tclass=netlink_route_socket permissive=0`,
			ok:   true,
			want: Denial{Time: stamp, Serial: 8814, Kind: "selinux", PID: 5, Comm: "ss", Operation: "nlmsg_read", Denied: "nlmsg_read",
				Class: "netlink_route_socket", Scontext: "a:b:c:s0", Tcontext: "a:b:c:s0"},
			rel: true, why: "nlmsg_read",
		},
		{
			name: "ISO time and host prefix, dmesg stamp",
			line: `2024-11-22T06:49:01.312345+00:00 node1 kernel: [ 8811.310000] audit: type=1400 audit(1732258141.312:8815): avc:  denied  { create } for  pid=6 comm="ip" scontext=a:b:c tcontext=a:b:c tclass=netlink_socket permissive=0`,
			ok:   true,
			want: Denial{Time: stamp, Serial: 8815, Kind: "selinux", PID: 6, Comm: "ip", Operation: "create", Denied: "create",
				Class: "netlink_socket", Scontext: "a:b:c", Tcontext: "a:b:c"},
			rel: true, why: "creating a netlink socket",
		},
		{
			name: "journal audit transport has no stamp",
			line: `2024-11-22T06:49:01.312000+0000 node1 audit[6101]: AVC avc:  denied  { create } for  pid=6101 comm="unshare" scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=user_namespace permissive=0`,
			ok:   true,
			want: Denial{Kind: "selinux", PID: 6101, Comm: "unshare", Operation: "create", Denied: "create", Class: "user_namespace",
				Scontext: "u:r:t:s0", Tcontext: "u:r:t:s0"},
			rel: true, why: "user namespace",
		},
		{
			name: "hex-encoded comm and exe",
			line: `type=AVC msg=audit(1732258155.500:8825): avc:  denied  { create } for  pid=7001 comm=6E6574207365747570 exe=2F6F70742F6D7920617070 scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 15, 500e6, time.UTC), Serial: 8825, Kind: "selinux", PID: 7001, Comm: "net setup",
				Exe: "/opt/my app", Operation: "create", Denied: "create", Class: "netlink_route_socket", Scontext: "a:b:c", Tcontext: "a:b:c"},
			rel: true, why: "rtnetlink",
		},
		{
			name: "several permissions on /dev/net/tun",
			line: `type=AVC msg=audit(1732258160.780:8832): avc:  denied  { read write } for  pid=3120 comm="openvpn" name="tun" dev="devtmpfs" ino=1041 scontext=system_u:system_r:openvpn_t:s0 tcontext=system_u:object_r:tun_tun_device_t:s0 tclass=chr_file permissive=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 20, 780e6, time.UTC), Serial: 8832, Kind: "selinux", PID: 3120, Comm: "openvpn",
				Name: "tun", Operation: "read write", Denied: "read write", Class: "chr_file",
				Scontext: "system_u:system_r:openvpn_t:s0", Tcontext: "system_u:object_r:tun_tun_device_t:s0"},
			rel: true, why: "/dev/net/tun",
		},
		{
			name: "module_request names the module",
			line: `type=AVC msg=audit(1732258175.250:8845): avc:  denied  { module_request } for  pid=5310 comm="ip" kmod="rtnl-link-vxlan" scontext=a:b:c tcontext=a:b:kernel_t tclass=system permissive=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 35, 250e6, time.UTC), Serial: 8845, Kind: "selinux", PID: 5310, Comm: "ip",
				Name: "rtnl-link-vxlan", Operation: "module_request", Denied: "module_request", Class: "system", Scontext: "a:b:c", Tcontext: "a:b:kernel_t"},
			rel: true, why: "rtnl-link-vxlan",
		},
		{
			name: "node= prefix, cap_userns",
			line: `node=worker2 type=AVC msg=audit(1732258200.010:9001): avc:  denied  { net_admin } for  pid=8101 comm="slirp4netns" capability=12  scontext=u:r:t:s0 tcontext=u:r:t:s0 tclass=cap_userns permissive=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 50, 0, 10e6, time.UTC), Serial: 9001, Kind: "selinux", PID: 8101, Comm: "slirp4netns",
				Operation: "net_admin", Denied: "net_admin", Class: "cap_userns", Capability: "net_admin", Scontext: "u:r:t:s0", Tcontext: "u:r:t:s0"},
			rel: true, why: "inside a user namespace",
		},
		{
			name: "capability unknown to libcap is named by number",
			line: `type=AVC msg=audit(1.5:2): avc:  denied  { cap_future } for  pid=1 comm="x" capability=60  scontext=a:b:c tcontext=a:b:c tclass=capability2 permissive=0`,
			ok:   true,
			want: Denial{Time: time.Unix(1, 5e8).UTC(), Serial: 2, Kind: "selinux", PID: 1, Comm: "x", Operation: "cap_future", Denied: "cap_future",
				Class: "capability2", Capability: "60", Scontext: "a:b:c", Tcontext: "a:b:c"},
		},
		{
			name: "unrelated file denial is not relevant",
			line: `type=AVC msg=audit(1732258185.400:8855): avc:  denied  { read } for  pid=2750 comm="httpd" name="index.html" dev="dm-0" ino=393244 scontext=system_u:system_r:httpd_t:s0 tcontext=unconfined_u:object_r:user_home_t:s0 tclass=file permissive=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 45, 400e6, time.UTC), Serial: 8855, Kind: "selinux", PID: 2750, Comm: "httpd",
				Name: "index.html", Operation: "read", Denied: "read", Class: "file",
				Scontext: "system_u:system_r:httpd_t:s0", Tcontext: "unconfined_u:object_r:user_home_t:s0"},
		},
		{
			name: "cut after the permissions keeps what it has",
			line: `type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="i`,
			ok:   true,
			want: Denial{Time: stamp, Serial: 8812, Kind: "selinux", PID: 4242, Comm: "i", Operation: "nlmsg_write", Denied: "nlmsg_write"},
		},
		{name: "granted is not a denial", line: `type=AVC msg=audit(1732258181.000:8851): avc:  granted  { setsecparam } for  pid=1500 comm="tuned" scontext=a:b:c tcontext=a:b:d tclass=security`},
		{name: "AppArmor record with type=AVC", line: `type=AVC msg=audit(1732258210.120:9050): apparmor="DENIED" operation="create" class="net" profile="docker-default" pid=2133 comm="ip" family="netlink" sock_type="raw" protocol=0 requested="create" denied="create"`},
		{name: "USER_AVC from dbus", line: `type=USER_AVC msg=audit(1732258190.000:8860): pid=812 uid=81 auid=4294967295 ses=4294967295 subj=a:b:c msg='avc:  denied  { send_msg } for msgtype=method_call spid=4242 scontext=a:b:c tcontext=a:b:d tclass=dbus permissive=0  exe="/usr/bin/dbus-broker" sauid=81 hostname=? addr=? terminal=?'`},
		{name: "policy load notice", line: `type=AVC msg=audit(1732258195.000:8866): avc:  op=load_policy lsm=selinux seqno=2 res=1`},
		{name: "cut inside the permissions", line: `type=AVC msg=audit(1732258268.000:8961): avc:  denied  { nlmsg_wr`},
		{name: "empty permissions", line: `avc:  denied  { } for pid=1 tclass=capability`},
		{name: "SYSCALL record whose comm looks like a marker", line: `type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=46 success=no exit=-13 comm="avc:" exe="/x"`},
		{name: "binary garbage", line: "\x00\x01\xff\xfe\x1b[31mavc:\xc3\x28  denied { \xf0\x28\x8c\x28 apparmor=\"DENIED\x00\x7f audit(\xff.\xff:\xff) comm=ZZ"},
		{name: "empty line", line: ""},
		{name: "unrelated kernel line", line: `[ 8812.123456] containerd: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO), nodemask=(null),cpuset=/,mems_allowed=0`},
	}
	runDenialCases(t, "parseAVC", parseAVC, tests)
}

func TestParseAVCBoundsFields(t *testing.T) {
	// Every field too long, yet the record within maxRecordParse.
	long := strings.Repeat("p", 2000)
	hexLong := strings.Repeat("41", 1500)
	line := `type=AVC msg=audit(1.000:1): avc:  denied  { ` + strings.Repeat(strings.Repeat("q", 100)+" ", 40) + `} for  pid=99999999999 comm="` + long +
		`" exe=` + hexLong + ` scontext=` + long + ` tcontext=` + long + ` tclass=` + long + ` permissive=0`
	if len(line) > maxRecordParse {
		t.Fatalf("test line is %d bytes", len(line))
	}
	d, ok := parseAVC(line)
	if !ok {
		t.Fatal("a long record must still parse")
	}
	checkDenialBounds(t, d)
	if d.PID != 0 {
		t.Errorf("PID = %d, want 0 for a number that does not fit", d.PID)
	}
	if !strings.HasPrefix(d.Exe, "AAAA") || !strings.HasSuffix(d.Exe, "…") {
		t.Errorf("Exe = %.20q..., want decoded hex, cut", d.Exe)
	}
}

func TestParseAVCHundredKBLine(t *testing.T) {
	line := `audit: type=1400 audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" tclass=netlink_route_socket ` +
		strings.Repeat("x=", 50<<10)
	start := time.Now()
	d, ok := parseAVC(line)
	if !ok || d.Class != "netlink_route_socket" {
		t.Fatalf("parseAVC = %+v, %v", d, ok)
	}
	checkDenialBounds(t, d)
	if len(d.Raw) > source.MaxLogLine+len("…") {
		t.Errorf("Raw is %d bytes", len(d.Raw))
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %v", el)
	}
}

func TestParseAuditStamp(t *testing.T) {
	tests := []struct {
		in     string
		ok     bool
		unix   int64
		nsec   int
		serial uint64
	}{
		{"audit(1732258141.312:8812): ", true, 1732258141, 312e6, 8812},
		{"audit(1732258141:7)", true, 1732258141, 0, 7},
		{"audit(1.123456789:1)", true, 1, 123456789, 1},
		{"audit(1.1234567890:1)", false, 0, 0, 0},
		{"audit(-1.000:1)", false, 0, 0, 0},
		{"audit(1.000:)", false, 0, 0, 0},
		{"audit(1.000:18446744073709551616)", false, 0, 0, 0},
		{"audit(99999999999999999999.000:1)", false, 0, 0, 0},
		{"audit(1.000:1", false, 0, 0, 0},
		{"audit(", false, 0, 0, 0},
	}
	for _, tt := range tests {
		tm, serial, ok := parseAuditStamp(tt.in)
		if ok != tt.ok || (ok && (tm.Unix() != tt.unix || tm.Nanosecond() != tt.nsec || serial != tt.serial || tm.Location() != time.UTC)) {
			t.Errorf("parseAuditStamp(%q) = %v, %d, %v", tt.in, tm, serial, ok)
		}
	}
}

func TestDecodeUntrusted(t *testing.T) {
	tests := []struct {
		f    auditField
		want string
	}{
		{auditField{val: "6970"}, "ip"},
		{auditField{val: "6970", quoted: true}, "6970"},
		{auditField{val: "697"}, "697"},
		{auditField{val: "6a70"}, "6a70"}, // audit writes upper case only
		{auditField{val: "?"}, "?"},
		{auditField{val: "(null)"}, "(null)"},
		{auditField{val: "1B5B33316D00"}, "\x1b[31m\x00"},
	}
	for _, tt := range tests {
		if got := decodeUntrusted(tt.f); got != tt.want {
			t.Errorf("decodeUntrusted(%+v) = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func FuzzParseAVC(f *testing.F) {
	addLogSeeds(f)
	f.Fuzz(func(t *testing.T, line string) {
		d, ok := parseAVC(line)
		checkDenialBounds(t, d)
		if ok && (d.Kind != "selinux" || d.Operation == "") {
			t.Fatalf("parseAVC(%q) = %+v", line, d)
		}
		if !ok && d != (Denial{}) {
			t.Fatalf("parseAVC(%q) returned fields with false", line)
		}
	})
}
