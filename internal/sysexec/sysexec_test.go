package sysexec

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
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
		"\x1b[2J":               `$'\x1b[2J'`,
		"x\n✓ OK":               `$'x\x0a✓ OK'`,
		"a\u202eb'c":            `$'a\xe2\x80\xaeb\'c'`,
	} {
		if got := QuoteArg(in); got != want {
			t.Errorf("QuoteArg(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Quote("ip", "link", "add", "my veth", "type", "veth"); got != "ip link add 'my veth' type veth" {
		t.Errorf("Quote = %q", got)
	}
}

// TestQuoteIsOneSafeLine: every quoted value is one line with nothing a
// terminal would act on, and a shell reads back exactly the value (issue 10:
// a newline in a value made a fake line in a copied command).
func TestQuoteIsOneSafeLine(t *testing.T) {
	bash, err := Find("bash")
	if err != nil {
		t.Skip("bash not installed: ", err)
	}
	values := []string{"eth0", "$(id>x);y z.nmconnection", "x\n✓ OK all good", "tab\there", "it's \\ back",
		"\x1b]52;c;ZWNobw==\x07", "rtl\u202egnp", "mark\u200e\u200f\u061c", "sep\u2028\u2029", "c1\u009b2J", "bad\xffbyte", "\x7f", "ünï 🙂"}
	for _, v := range values {
		q := QuoteArg(v)
		if !sanitize.Safe(q) {
			t.Errorf("QuoteArg(%q) = %q is not one safe line", v, q)
		}
		res, err := RunPath(context.Background(), 5*time.Second, bash, "-c", "printf %s "+q)
		if err != nil {
			t.Fatalf("bash: %v", err)
		}
		if string(res.Stdout) != v {
			t.Errorf("bash read %q back as %q (quoted %s)", v, res.Stdout, q)
		}
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
