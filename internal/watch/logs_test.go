package watch

import "testing"

func TestParseLogLine(t *testing.T) {
	cases := []struct {
		line string
		ok   bool
		kind Kind
		pid  int
		comm string
	}{
		{`2026-12-02T06:00:01+0000 host dockerd[812]: time="..." level=error msg="failed to create endpoint: RTNETLINK answers: Operation not permitted"`, true, KindLog, 812, "dockerd"},
		{`2026-12-02T06:00:01+0000 host NetworkManager[640]: <warn> platform-linux: do-add-link[wg0/wireguard]: failure 95 (Operation not supported) Error: Unknown device type.`, true, KindLog, 640, "NetworkManager"},
		{`6,1234,5678,-;audit: type=1400 audit(1700000000.000:42): apparmor="DENIED" operation="create" profile="docker-default" pid=4242 comm="ip" family="netlink"`, true, KindAVC, 4242, "ip"},
		{`2026-12-02T06:00:01+0000 host sshd[1]: Accepted publickey for root`, false, "", 0, ""},
	}
	for _, c := range cases {
		e, ok := parseLogLine(c.line)
		if ok != c.ok || ok && (e.Kind != c.kind || e.PID != c.pid || e.Comm != c.comm) {
			t.Errorf("parseLogLine(%q) = %+v, %v", c.line, e, ok)
		}
	}
}
