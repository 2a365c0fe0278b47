package fix

import (
	"strings"
	"testing"
)

func TestPromptLines(t *testing.T) {
	got := PromptLines("mkdir -p /etc/x.d\ncat > /etc/x.d/a.conf <<'EOF'\n[Service]\n# not a comment here\nEOF\n# a comment\nsystemctl daemon-reload")
	want := []string{"$ mkdir -p /etc/x.d", "$ cat > /etc/x.d/a.conf <<'EOF'", "  [Service]", "  # not a comment here", "  EOF", "# a comment", "$ systemctl daemon-reload"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("PromptLines:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
