package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

var causeNetconfig = &Cause{
	ID:      "netconfig",
	Checks:  "systemd-networkd (.netdev, .network, .link files and its journal) and NetworkManager (keyfiles, their modes, unmanaged devices, its journal)",
	Needs:   []probes.Group{probes.GroupNetConfig},
	Require: Requirement{probes.GroupNetConfig, "network configuration"},
	Eval:    evalNetconfig,
	Fixes:   fixesNetconfig,
	Answers: fix.Answers(nil, symptom.EEXIST, symptom.EOPNOTSUPP, symptom.EPROTONOSUPPORT, symptom.EINVAL, symptom.ENODEV, symptom.ENOENT, symptom.ENETUNREACH, symptom.ENETDOWN, symptom.EADDRNOTAVAIL, symptom.ERANGE, symptom.EACCES, symptom.EPERM),
	Next:    "After reloading, check the link the file describes (`networkctl status NAME` or `nmcli device show NAME`).",
}

func running(p *bool) bool { return p != nil && *p }

// configFindings are all findings, errors first.
func configFindings(c *Context) []netconfig.Finding {
	nc := &c.Facts.NetConfig
	all := append(append([]netconfig.Finding{}, nc.Networkd.Findings...), nc.NetworkManager.Findings...)
	var out []netconfig.Finding
	for _, sev := range []string{netconfig.SeverityError, netconfig.SeverityWarning} {
		for _, f := range all {
			if f.Severity == sev {
				out = append(out, f)
			}
		}
	}
	return out
}

func evalNetconfig(c *Context) Verdict {
	var v Verdict
	nc := &c.Facts.NetConfig
	s := c.Symptom
	fromDaemon := s.Source == "networkd" || s.Source == "NetworkManager"
	nd, nm := running(nc.Networkd.Running), running(nc.NetworkManager.Running)
	for i, f := range configFindings(c) {
		if i == 6 {
			v.Evidence = append(v.Evidence, "and more findings (see the Config pane)")
			break
		}
		managerOn := (f.Manager == netconfig.ManagerNetworkd && nd) || (f.Manager == netconfig.ManagerNetworkManager && nm)
		managerOff := (f.Manager == netconfig.ManagerNetworkd && nc.Networkd.Running != nil && !nd) ||
			(f.Manager == netconfig.ManagerNetworkManager && nc.NetworkManager.Running != nil && !nm)
		named := namesFinding(s, f)
		st := Warn
		switch {
		case f.Severity == netconfig.SeverityError && named && !managerOff:
			// The file that defines or configures the device the
			// symptom names is ignored: that is the cause.
			st = Fail
		case f.Severity == netconfig.SeverityError && (managerOn || fromDaemon):
			st = Fail
		}
		if len(s.Interfaces()) > 0 && !named && !fromDaemon {
			st = minStatus(st, Warn)
		}
		where := f.File
		if f.Line > 0 {
			where = fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		v.add(st, "%s: %s", where, f.Message)
	}
	for _, j := range append(append([]probes.LogLine{}, nc.Networkd.Journal...), nc.NetworkManager.Journal...) {
		if s.Device != "" && strings.Contains(j.Text, s.Device) {
			v.warn("journal: %s", j.Text)
		}
	}
	if len(v.Evidence) == 0 {
		// Offline, a manager's directories missing from a copied tree, or
		// files that are symlinks to what the tree does not hold, are not
		// knowing, not "no problem".
		for _, g := range nc.Gaps {
			switch g.Fact {
			case "networkd.dirs", "network_manager.dirs", "networkd.link_targets", "network_manager.link_targets":
				v.unknown("%s unavailable: %s", g.Fact, g.Reason)
			}
		}
	}
	if len(v.Evidence) == 0 {
		var parts []string
		parts = append(parts, "systemd-networkd "+RunState(nc.Networkd.Running)+fmt.Sprintf(" (%s)", Plural(len(nc.Networkd.Files), "file", "files")))
		parts = append(parts, "NetworkManager "+RunState(nc.NetworkManager.Running)+fmt.Sprintf(" (%s)", Plural(nc.NetworkManager.Keyfiles, "keyfile", "keyfiles")))
		v.ok("no configuration problem found: %s", strings.Join(parts, "; "))
	}
	for _, g := range nc.Gaps {
		if v.Status == OK {
			v.Evidence = append(v.Evidence, fmt.Sprintf("%s unavailable: %s", g.Fact, g.Reason))
		}
	}
	return v
}

// RunState names a service's state: running, not running or state unknown
// (nil: the probe could not tell).
func RunState(p *bool) string {
	switch {
	case p == nil:
		return "state unknown"
	case *p:
		return "running"
	}
	return "not running"
}

func fixesNetconfig(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	var fixes []fix.Fix
	seen := map[string]bool{}
	for _, f := range configFindings(c) {
		if seen[f.File] {
			continue
		}
		seen[f.File] = true
		editor := "${EDITOR:-vi}"
		at := fix.Argv(f.File)
		if f.Line > 0 {
			at = fix.Argv(fmt.Sprintf("+%d", f.Line), f.File)
		}
		reload := "networkctl reload"
		if f.Manager == netconfig.ManagerNetworkManager {
			reload = "nmcli connection reload"
		}
		reloadArgv := fix.ReloadNetworkd
		if f.Manager == netconfig.ManagerNetworkManager {
			reloadArgv = fix.ReloadNetworkManager
		}
		if strings.Contains(f.Message, "0600") {
			fixes = append(fixes, fix.Fix{ID: "netconfig/keyfile-mode", Title: "Make " + f.File + " mode 0600 and owned by root, so NetworkManager loads it",
				Command: fix.Lines(fix.Argv("chown", "root:root", f.File), fix.Argv("chmod", "0600", f.File), reload), NeedsRoot: true,
				Action: fix.Act("chmod", "path", f.File, "mode", "0600", "uid", "0", "gid", "0")})
			continue
		}
		fixes = append(fixes, fix.Fix{ID: "netconfig/edit", Title: fmt.Sprintf("Edit %s (%s), then reload", f.File, f.Message),
			Command: fix.Lines(editor+" "+at, reload), NeedsRoot: true,
			Action: fix.EditAct(f.File, f.Line, reloadArgv)})
		if len(fixes) >= 4 {
			break
		}
	}
	return fixes
}

// namesFinding reports whether a configuration finding concerns a link the
// symptom names (the device, its master or its lower device).
func namesFinding(s symptom.Symptom, f netconfig.Finding) bool {
	for _, n := range s.Interfaces() {
		if strings.Contains(f.Message, n) {
			return true
		}
		for _, d := range f.Devices {
			if d == n {
				return true
			}
		}
	}
	return false
}
