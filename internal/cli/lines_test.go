package cli

import (
	"bytes"
	"strings"
	"testing"
)

// TestPreviewLinesAreLaidOut: a preview's change that creates a file lists
// the file's lines below it, one per line (they printed as one line joined
// by \x0a); a control sequence inside a line is still removed.
func TestPreviewLinesAreLaidOut(t *testing.T) {
	var out bytes.Buffer
	c := "/etc/security/limits.d/90-rtnl-doctor.conf: create with:\n    # Written by rtnl-doctor\n    *  soft  nofile  64\x1b]52;c;aWQ=\x07"
	p(&out, "  - %s\n", lines(c, "  "))
	got := out.String()
	want := "  - /etc/security/limits.d/90-rtnl-doctor.conf: create with:\n      # Written by rtnl-doctor\n      *  soft  nofile  64"
	if !strings.HasPrefix(got, want) || strings.Contains(got, `\x0a`) || strings.Contains(got, "\x1b") || strings.Count(got, "\n") != 3 {
		t.Fatalf("preview laid out as\n%q\nwant it to start with\n%q", got, want)
	}
}
