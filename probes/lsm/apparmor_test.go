package lsm

import (
	"testing"
	"time"
)

func TestParseAppArmor(t *testing.T) {
	tests := []denialCase{
		{
			name: "audit.log netlink create",
			line: `type=AVC msg=audit(1732258210.120:9050): apparmor="DENIED" operation="create" class="net" info="failed protocol match" error=-13 profile="docker-default" pid=2133 comm="ip" family="netlink" sock_type="raw" protocol=0 requested="create" denied="create"`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 50, 10, 120e6, time.UTC), Serial: 9050, Kind: "apparmor", PID: 2133, Comm: "ip",
				Operation: "create", Class: "net", Profile: "docker-default", Family: "netlink", SockType: "raw", Protocol: "0",
				Requested: "create", Denied: "create", Info: "failed protocol match", Error: -13},
			rel: true, why: "creating a netlink socket (protocol 0: rtnetlink",
		},
		{
			name: "kernel log capable net_admin",
			line: `[ 8810.998877] audit: type=1400 audit(1732258140.998:8811): apparmor="DENIED" operation="capable" class="cap" profile="docker-default" pid=2133 comm="ip" capability=12  capname="net_admin"`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 0, 998e6, time.UTC), Serial: 8811, Kind: "apparmor", PID: 2133, Comm: "ip",
				Operation: "capable", Class: "cap", Profile: "docker-default", Capability: "net_admin"},
			rel: true, why: "CAP_NET_ADMIN",
		},
		{
			name: "capability number without capname",
			line: `audit: type=1400 audit(1732258140.998:8812): apparmor="DENIED" operation="capable" profile="p" pid=1 comm="modprobe" capability=16`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 49, 0, 998e6, time.UTC), Serial: 8812, Kind: "apparmor", PID: 1, Comm: "modprobe",
				Operation: "capable", Profile: "p", Capability: "sys_module"},
			rel: true, why: "CAP_SYS_MODULE",
		},
		{
			name: "syslog ISO prefix userns_create",
			line: `2024-11-22T06:50:12.345678+00:00 node1 kernel: [ 8883.345678] audit: type=1400 audit(1732258212.340:8901): apparmor="DENIED" operation="userns_create" class="namespace" info="Userns create restricted - failed to find unprivileged_userns profile" error=-13 profile="unconfined" pid=6101 comm="unshare" requested="userns_create" denied="userns_create"`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 50, 12, 340e6, time.UTC), Serial: 8901, Kind: "apparmor", PID: 6101, Comm: "unshare",
				Operation: "userns_create", Class: "namespace", Profile: "unconfined", Requested: "userns_create", Denied: "userns_create",
				Info: "Userns create restricted - failed to find unprivileged_userns profile", Error: -13},
			rel: true, why: "apparmor_restrict_unprivileged_userns",
		},
		{
			name: "classic syslog prefix, /dev/net/tun",
			line: `Nov 22 06:51:00 node1 kernel: [ 8931.000100] audit: type=1400 audit(1732258260.000:8950): apparmor="DENIED" operation="open" class="file" profile="snap.foo.foo" name="/dev/net/tun" pid=3120 comm="openvpn" requested_mask="wr" denied_mask="wr" fsuid=0 ouid=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 51, 0, 0, time.UTC), Serial: 8950, Kind: "apparmor", PID: 3120, Comm: "openvpn",
				Operation: "open", Class: "file", Profile: "snap.foo.foo", Name: "/dev/net/tun", Requested: "wr", Denied: "wr"},
			rel: true, why: "denies opening /dev/net/tun",
		},
		{
			name: "hex-encoded profile and comm",
			line: `type=APPARMOR_DENIED msg=audit(1732258214.900:9054): apparmor="DENIED" operation="open" class="file" profile=2F6F70742F6D7920617070 name="/dev/net/tun" pid=3121 comm=6D792076706E requested_mask="wr" denied_mask="wr" fsuid=0 ouid=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 50, 14, 900e6, time.UTC), Serial: 9054, Kind: "apparmor", PID: 3121, Comm: "my vpn",
				Operation: "open", Class: "file", Profile: "/opt/my app", Name: "/dev/net/tun", Requested: "wr", Denied: "wr"},
			rel: true, why: "/dev/net/tun",
		},
		{
			name: "journal audit transport has no stamp",
			line: `2024-11-22T06:50:10.120000+0000 node1 audit[2133]: AVC apparmor="DENIED" operation="sendmsg" class="net" profile="cni-plugin" pid=2133 comm="bridge" family="inet6" sock_type="raw" protocol=58 requested="send" denied="send"`,
			ok:   true,
			want: Denial{Kind: "apparmor", PID: 2133, Comm: "bridge", Operation: "sendmsg", Class: "net", Profile: "cni-plugin",
				Family: "inet6", SockType: "raw", Protocol: "58", Requested: "send", Denied: "send"},
			rel: true, why: "sending on an inet6 socket",
		},
		{
			name: "old kernels: no class, a family",
			line: `audit: type=1400 audit(1500000000.000:5): apparmor="DENIED" operation="create" parent=1 profile="/usr/sbin/foo" pid=9 comm="foo" family="packet" sock_type="raw" protocol=768`,
			ok:   true,
			want: Denial{Time: time.Unix(1500000000, 0).UTC(), Serial: 5, Kind: "apparmor", PID: 9, Comm: "foo", Operation: "create",
				Profile: "/usr/sbin/foo", Family: "packet", SockType: "raw", Protocol: "768"},
			rel: true, why: "creating a packet socket",
		},
		{
			name: "unrelated file denial",
			line: `audit: type=1400 audit(1732258262.100:8951): apparmor="DENIED" operation="open" class="file" profile="/usr/sbin/cupsd" name="/etc/ssl/openssl.cnf" pid=1420 comm="cupsd" requested_mask="r" denied_mask="r" fsuid=0 ouid=0`,
			ok:   true,
			want: Denial{Time: time.Date(2024, 11, 22, 6, 51, 2, 100e6, time.UTC), Serial: 8951, Kind: "apparmor", PID: 1420, Comm: "cupsd",
				Operation: "open", Class: "file", Profile: "/usr/sbin/cupsd", Name: "/etc/ssl/openssl.cnf", Requested: "r", Denied: "r"},
		},
		{
			name: "capable, not a networking capability",
			line: `audit: type=1400 audit(1.000:1): apparmor="DENIED" operation="capable" class="cap" profile="p" pid=1 comm="c" capability=1  capname="dac_override"`,
			ok:   true,
			want: Denial{Time: time.Unix(1, 0).UTC(), Serial: 1, Kind: "apparmor", PID: 1, Comm: "c", Operation: "capable", Class: "cap",
				Profile: "p", Capability: "dac_override"},
		},
		{
			name: "cut inside a quoted value",
			line: `audit: type=1400 audit(1.000:2): apparmor="DENIED" operation="crea`,
			ok:   true,
			want: Denial{Time: time.Unix(1, 0).UTC(), Serial: 2, Kind: "apparmor", Operation: "crea"},
		},
		{name: "AUDIT is not a denial", line: `audit: type=1400 audit(1732258145.000:8813): apparmor="AUDIT" operation="getattr" class="file" profile="/usr/sbin/ntpd" name="/etc/ntp.conf" pid=810 comm="ntpd" requested_mask="r" fsuid=0 ouid=0`},
		{name: "ALLOWED (complain mode) is not a denial", line: `type=AVC msg=audit(1732258212.500:9052): apparmor="ALLOWED" operation="open" class="file" profile="/usr/bin/man" name="/etc/manpath.config" pid=3300 comm="man" requested_mask="r" denied_mask="r" fsuid=1000 ouid=0`},
		{name: "STATUS", line: `type=AVC msg=audit(1732258211.000:9051): apparmor="STATUS" operation="profile_replace" info="same as current profile, skipping" profile="unconfined" name="docker-default" pid=2100 comm="apparmor_parser"`},
		{name: "SELinux record", line: `type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0`},
		{name: "USER_AVC from dbus", line: `type=USER_AVC msg=audit(1732258215.000:9055): pid=790 uid=102 auid=4294967295 ses=4294967295 subj=unconfined msg='apparmor="DENIED" operation="dbus_method_call"  bus="system" path="/org/freedesktop/NetworkManager" mask="send" name=":1.9" pid=3122 label="snap.foo.foo" peer_pid=900 peer_label="unconfined" exe="/usr/bin/dbus-daemon" sauid=102 hostname=? addr=? terminal=?'`},
		{name: "marker inside a word", line: `xapparmor="DENIED" operation="create"`},
		{name: "cut in the verdict", line: `audit: type=1400 audit(1.000:2): apparmor="DEN`},
		{name: "binary garbage", line: "\x00\x01\xff\xfe\x1b[31mavc:\xc3\x28  denied { \xf0\x28\x8c\x28 apparmor=\"DENIED\x00\x7f audit(\xff.\xff:\xff) comm=ZZ"},
		{name: "empty", line: ""},
	}
	runDenialCases(t, "parseAppArmor", parseAppArmor, tests)
}

func FuzzParseAppArmor(f *testing.F) {
	addLogSeeds(f)
	f.Fuzz(func(t *testing.T, line string) {
		d, ok := parseAppArmor(line)
		checkDenialBounds(t, d)
		if ok && d.Kind != "apparmor" {
			t.Fatalf("parseAppArmor(%q) = %+v", line, d)
		}
		if !ok && d != (Denial{}) {
			t.Fatalf("parseAppArmor(%q) returned fields with false", line)
		}
		// A line is never both kinds of denial.
		if _, avc := parseAVC(line); ok && avc {
			t.Fatalf("%q parsed as both an AppArmor and an SELinux denial", line)
		}
	})
}
