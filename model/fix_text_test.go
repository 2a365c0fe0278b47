package model

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// hostile is a value from the system that would run a command if pasted
// unquoted: a file name, a profile name from a log, a program path.
const hostile = "$(id>x);y z PWNED"

// unquotedText returns what a POSIX shell would read outside quotes in one
// command line, and the comment, if any.
func unquotedText(line string) (outside, comment string) {
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return b.String(), ""
			}
			i += j + 1
		case c == '$' && i+1 < len(line) && line[i+1] == '\'':
			i += 2
			for i < len(line) && line[i] != '\'' {
				if line[i] == '\\' {
					i++
				}
				i++
			}
		case c == '#' && (i == 0 || line[i-1] == ' '):
			return b.String(), line[i:]
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), ""
}

// checkCommand fails when the hostile marker is in a comment, in a
// here-document's body, or outside quotes.
func checkCommand(t *testing.T, id, cmd string) {
	t.Helper()
	end := ""
	for _, line := range strings.Split(cmd, "\n") {
		if end != "" {
			if strings.Contains(line, "PWNED") {
				t.Errorf("%s: a system value inside a here-document: %q", id, line)
			}
			if line == end {
				end = ""
			}
			continue
		}
		outside, comment := unquotedText(line)
		if strings.Contains(comment, "PWNED") {
			t.Errorf("%s: a system value inside a comment: %q", id, line)
		}
		if strings.Contains(outside, "PWNED") || strings.Contains(outside, "$(") {
			t.Errorf("%s: a system value outside quotes: %q", id, line)
		}
		if i := strings.Index(line, "<<'"); i >= 0 {
			if j := strings.Index(line[i+3:], "'"); j > 0 {
				end = line[i+3 : i+3+j]
			}
		}
	}
}

// TestFixCommandsQuoteSystemValues: shown and copied commands quote every
// value from the system with the one quoting function and never put one
// in a comment or a here-document (issue 10, finding 6: an unquoted
// NetworkManager keyfile path, a log-derived AppArmor profile name in a
// comment, a program path in a heredoc).
func TestFixCommandsQuoteSystemValues(t *testing.T) {
	f := &probes.Facts{}
	f.NetConfig.NetworkManager.Findings = []probes.Finding{
		{Manager: probes.ManagerNetworkManager, File: "/etc/NetworkManager/system-connections/" + hostile + ".nmconnection", Line: 3, Severity: probes.SeverityError, Message: "bad key"},
		{Manager: probes.ManagerNetworkManager, File: "/etc/NetworkManager/system-connections/" + hostile + "2.nmconnection", Severity: probes.SeverityError, Message: "must be mode 0600"},
	}
	f.Target.Exe = "/opt/" + hostile + "/bin/tool"
	f.Sysctls.Values = map[string]string{"kernel.apparmor_restrict_unprivileged_userns": "1"}
	f.Denials.Denials = []probes.Denial{{Kind: "apparmor", Relevant: true, PID: 4242, Comm: "ip", Profile: "/usr/bin/" + hostile, Operation: "create"}}
	f.Denials.AppArmorProfiles = map[string]probes.AppArmorProfileFile{"/usr/bin/" + hostile: {File: "/etc/apparmor.d/usr.bin." + hostile, LocalInclude: "/etc/apparmor.d/local/usr.bin." + hostile}}
	f.Target.PID = 4242
	f.Container.InContainer, f.Container.ID = true, hostile
	c := &Context{Facts: f, Symptom: Symptom{Operation: OpUserns, Errno: EPERM, Command: "unshare -r"}}
	fail := Verdict{Status: Fail}
	var all []Fix
	all = append(all, fixesNetconfig(c, fail)...)
	all = append(all, fixesUsernsRemap(c, fail)...)
	all = append(all, fixesMACDenial(c, fail)...)
	all = append(all, fixesContainerRestricted(c, fail)...)
	seen := 0
	for _, fx := range all {
		if strings.Contains(fx.Command, "PWNED") {
			seen++
		}
		checkCommand(t, fx.ID, fx.Command)
	}
	if seen < 5 {
		t.Fatalf("only %d fixes carry the hostile value: the test no longer reaches them: %+v", seen, all)
	}
}
