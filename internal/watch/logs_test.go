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

// The extack text of an NLMSG_ERROR, capped (attributes right after the
// error) or not (after the echoed request).
func TestExtackText(t *testing.T) {
	attr := func(typ uint16, v string) []byte {
		b := []byte{0, 0, byte(typ), byte(typ >> 8)}
		b = append(b, v...)
		b = append(b, 0)
		b[0] = byte(len(b))
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
		return b
	}
	msg := attr(1, "Unknown device type")
	capped := append(attr(4, "xx"), msg...)
	if got := extackText(pad(capped), 0x300, 60); got != "Unknown device type" {
		t.Errorf("capped: %q", got)
	}
	echoed := append(make([]byte, 44), msg...) // a 60-byte request: 44 bytes after its header
	if got := extackText(pad(echoed), 0x200, 60); got != "Unknown device type" {
		t.Errorf("echoed: %q", got)
	}
	if got := extackText(pad(capped), 0x100, 60); got != "" {
		t.Errorf("without NLM_F_ACK_TLVS: %q", got)
	}
	if got := extackText(pad([]byte{0xff, 0xff, 1, 0}), 0x300, 60); got != "" {
		t.Errorf("corrupt attribute: %q", got)
	}
}

func pad(b []byte) []byte { return append(b, make([]byte, extLen-len(b))...) }
