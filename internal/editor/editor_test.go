package editor

import (
	"strings"
	"testing"
)

func TestCommand(t *testing.T) {
	t.Setenv("VISUAL", "")
	t.Setenv("EDITOR", "/bin/true -x")
	c, err := Command("/etc/systemd/network/10-br.netdev", 7)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.Args, " "); got != "/bin/true -x +7 -- /etc/systemd/network/10-br.netdev" {
		t.Fatalf("args = %q", got)
	}
	t.Setenv("EDITOR", "true; rm -rf /")
	if c, err := Command("/f", 0); err == nil && strings.Contains(c.Path, ";") {
		t.Fatalf("a shell string was accepted: %v", c.Args)
	}
}
