package diagnose

import (
	"context"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
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
	f.NetConfig.NetworkManager.Findings = []netconfig.Finding{
		{Manager: netconfig.ManagerNetworkManager, File: "/etc/NetworkManager/system-connections/" + hostile + ".nmconnection", Line: 3, Severity: netconfig.SeverityError, Message: "bad key"},
		{Manager: netconfig.ManagerNetworkManager, File: "/etc/NetworkManager/system-connections/" + hostile + "2.nmconnection", Severity: netconfig.SeverityError, Message: "must be mode 0600"},
	}
	f.Target.Exe = "/opt/" + hostile + "/bin/tool"
	f.Sysctls.Values = map[string]string{"kernel.apparmor_restrict_unprivileged_userns": "1"}
	f.Denials.Denials = []lsm.Denial{{Kind: "apparmor", Relevant: true, PID: 4242, Comm: "ip", Profile: "/usr/bin/" + hostile, Operation: "create"}}
	f.Denials.AppArmorProfiles = map[string]lsm.AppArmorProfileFile{"/usr/bin/" + hostile: {File: "/etc/apparmor.d/usr.bin." + hostile, LocalInclude: "/etc/apparmor.d/local/usr.bin." + hostile}}
	f.Target.PID = 4242
	f.Container.InContainer, f.Container.ID = true, hostile
	c := &Context{Facts: f, Symptom: symptom.Symptom{Operation: symptom.OpUserns, Errno: symptom.EPERM, Command: "unshare -r"}}
	fail := Verdict{Status: Fail}
	var all []fix.Fix
	all = append(all, fixesNetconfig(c, fail)...)
	all = append(all, fixesUsernsRemap(c, fail)...)
	all = append(all, fixesMACDenial(c, fail)...)
	all = append(all, fixesContainerRestricted(c, fail)...)
	// AppArmor's user-namespace restriction, without a denial record, for
	// an unprivileged user: the profile names the program's path.
	f2 := *f
	f2.Denials.Denials = nil
	f2.Identity.EUID = 1000
	all = append(all, fixesMACDenial(&Context{Facts: &f2, Symptom: c.Symptom}, fail)...)
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

// TestNoSymptomValueUnquoted: whatever the pasted symptom names (device,
// peer, address, route, module, sysctl key, path, program), every fix of
// every cause, against every captured tree, quotes it and keeps it out of
// comments and here-documents.
func TestNoSymptomValueUnquoted(t *testing.T) {
	roots := []string{"", "container-docker", "fd-exhaustion", "memory-fragmented"}
	reached := map[string]bool{}
	ops := []string{symptom.OpLinkAdd, symptom.OpLinkSet, symptom.OpLinkDel, symptom.OpTuntapAdd, symptom.OpAddrAdd, symptom.OpRouteAdd, symptom.OpNeighAdd, symptom.OpSysctl, symptom.OpNetlink, symptom.OpUserns, symptom.OpTunOpen, symptom.OpModprobe}
	for _, o := range roots {
		var root string
		if o == "" {
			root = fixtureRoot(t)
		} else {
			root = fixtureRoot(t, o)
		}
		f := probes.Gather(context.Background(), probes.Target{Root: root})
		for _, op := range ops {
			for _, errno := range []symptom.Errno{symptom.EPERM, symptom.EEXIST, symptom.ENOENT, symptom.EOPNOTSUPP, symptom.EACCES} {
				s := symptom.Symptom{Recognised: true, Operation: op, Errno: errno, Kind: "veth", Device: hostile, Peer: hostile + "p", Master: hostile,
					Lower: hostile, Netns: hostile, Address: hostile, Route: hostile, Gateway: hostile, Module: hostile, SysctlKey: "net." + hostile,
					Path: "/dev/" + hostile, Program: hostile, Command: "ip link add " + hostile + " type veth"}
				c := &Context{Facts: f, Symptom: s}
				for _, k := range Catalogue {
					if k.Fixes == nil {
						continue
					}
					for _, st := range []Status{Fail, Warn} {
						func() {
							defer func() {
								if p := recover(); p != nil {
									t.Errorf("%s fixes panic on hostile values: %v", k.ID, p)
								}
							}()
							for _, fx := range k.Fixes(c, Verdict{Status: st}) {
								for s := &fx; s != nil; s = s.Then {
									checkCommand(t, s.ID, s.Command)
									if strings.Contains(s.Command, "PWNED") {
										reached[s.ID] = true
									}
								}
							}
						}()
					}
				}
			}
		}
	}
	if len(reached) < 5 {
		t.Fatalf("only %d fixes carried a symptom value: the test reaches too little: %v", len(reached), reached)
	}
	t.Logf("fixes carrying a symptom value: %v", reached)
}

// A captured tree's namespace ("named "X" (as captured)") gives commands
// with the name alone (review finding: the label leaked into argv).
func TestNamedNetnsFromCapture(t *testing.T) {
	for desc, want := range map[string]string{
		`named "rvw-3"`:               "rvw-3",
		`named "rvw-3" (as captured)`: "rvw-3",
		`named "a\"b" (as captured)`:  `a"b`,
		`of PID 42`:                   "",
		`named rvw-3 (no quotes)`:     "",
	} {
		if got := namedNetns(desc); got != want {
			t.Errorf("%s: %q, want %q", desc, got, want)
		}
	}
}
