package source

import (
	"testing"
	"time"
)

func TestParseKmsgRecord(t *testing.T) {
	tests := []struct {
		in    string
		msg   string
		since time.Duration
		ok    bool
	}{
		{"6,339,5140900,-;NET: Registered PF_PACKET protocol family\n", "NET: Registered PF_PACKET protocol family", 5140900 * time.Microsecond, true},
		{"4,1200,8812123456,-;containerd: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)\n SUBSYSTEM=net\n", "containerd: page allocation failure: order:4, mode:0x40dc0(GFP_KERNEL|__GFP_COMP|__GFP_ZERO)", 8812123456 * time.Microsecond, true},
		{"5,0,0,-,caller=T1;Linux version 6.8.0\n", "Linux version 6.8.0", 0, true},
		{"no semicolon", "", 0, false},
		{"6,1;short header", "", 0, false},
		{"6,1,notanumber,-;x", "", 0, false},
	}
	for _, tt := range tests {
		msg, since, ok := parseKmsgRecord(tt.in)
		if ok != tt.ok || msg != tt.msg || since != tt.since {
			t.Errorf("%q: got %q %v %v", tt.in, msg, since, ok)
		}
	}
}

func TestParseSyslogTime(t *testing.T) {
	ts, rest := ParseSyslogTime("2026-11-22T06:29:01.123456+00:00 node1 kernel: hello")
	if ts.IsZero() || rest != "node1 kernel: hello" {
		t.Fatalf("rfc3339: %v %q", ts, rest)
	}
	ts, rest = ParseSyslogTime("Nov  2 06:29:01 node1 kernel: hello")
	if ts.IsZero() || ts.Month() != time.November || ts.Day() != 2 || rest != "node1 kernel: hello" {
		t.Fatalf("classic: %v %q", ts, rest)
	}
	if ts.After(time.Now().Add(25 * time.Hour)) {
		t.Fatal("classic stamp in the future")
	}
	if ts, rest := ParseSyslogTime("garbage line"); !ts.IsZero() || rest != "garbage line" {
		t.Fatal("garbage got a time")
	}
}

func FuzzParseKmsgRecord(f *testing.F) {
	f.Add("6,339,5140900,-;NET: Registered PF_PACKET protocol family\n")
	f.Add("4,1,2,-;x: page allocation failure: order:4\n K=V\n")
	f.Fuzz(func(t *testing.T, s string) {
		_, _, _ = parseKmsgRecord(s)
		_, _ = ParseSyslogTime(s)
	})
}
