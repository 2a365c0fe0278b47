package sysexec

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestQuote(t *testing.T) {
	for in, want := range map[string]string{
		"eth0":                  "eth0",
		"":                      "''",
		"a b":                   "'a b'",
		"it's":                  `'it'\''s'`,
		"$(reboot)":             "'$(reboot)'",
		"net.ipv4.ip_forward=1": "net.ipv4.ip_forward=1",
		"\x1b[2J":               "'\x1b[2J'",
	} {
		if got := QuoteArg(in); got != want {
			t.Errorf("QuoteArg(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Quote("ip", "link", "add", "my veth", "type", "veth"); got != "ip link add 'my veth' type veth" {
		t.Errorf("Quote = %q", got)
	}
}

func TestFindAndRun(t *testing.T) {
	if _, err := Find("../../bin/sh"); err == nil {
		t.Fatal("a path must be refused")
	}
	if _, err := Find("no-such-program-rtnl"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing program: %v", err)
	}
	res, err := Run(context.Background(), 5*time.Second, "env")
	if err != nil {
		t.Skip("env not installed: ", err)
	}
	if got := strings.TrimSpace(string(res.Stdout)); got != strings.Join(Env, "\n") {
		t.Fatalf("environment = %q, want exactly %q", got, Env)
	}
	if _, err := Run(context.Background(), 100*time.Millisecond, "sleep", "5"); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("timeout: %v", err)
	}
	if _, err := Run(context.Background(), 5*time.Second, "ls", "/no/such/dir"); err == nil || !strings.Contains(err.Error(), "No such file") {
		t.Fatalf("failure must quote stderr: %v", err)
	}
	if _, err := RunPath(context.Background(), time.Second, "ls"); err == nil {
		t.Fatal("a relative path must be refused")
	}
}
