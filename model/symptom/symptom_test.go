package symptom

import (
	"strings"
	"testing"
)

func TestParseSymptomUnrecognised(t *testing.T) {
	for _, in := range []string{"", "hello world", "the network is slow today", "\x00\xff\xfe", strings.Repeat("A", 1<<20)} {
		s := ParseSymptom(in)
		if s.Recognised {
			t.Errorf("%q: recognised as %+v", clipText(in, 20), s)
		}
	}
}

// A command run at a root prompt or through sudo says so (AsRoot); a user's
// prompt, or a root prompt before another command, does not.
func TestAsRoot(t *testing.T) {
	for _, c := range []struct {
		text string
		root bool
	}{
		{"[root@swiftserver1 /]# tc qdisc add dev eth0 root netem delay 900ms\nRTNETLINK answers: Operation not permitted", true},
		{"root@host:~# ip link add x0 type veth\nRTNETLINK answers: Operation not permitted", true},
		{"$ sudo ip link add x0 type veth\nRTNETLINK answers: Operation not permitted", true},
		{"user@host:~$ ip link add x0 type veth\nRTNETLINK answers: Operation not permitted", false},
		{"RTNETLINK answers: Operation not permitted", false},
		{"# a comment\nip link add x0 type veth\nRTNETLINK answers: Operation not permitted", false},
	} {
		if s := ParseSymptom(c.text); (s.AsRoot != "") != c.root {
			t.Errorf("%q: AsRoot %q", c.text, s.AsRoot)
		}
	}
}
