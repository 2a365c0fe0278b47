package lsm

// This file reads the state of the Linux security modules that can refuse
// networking operations on their own, whatever the process's capabilities:
//
//   - SELinux: /sys/fs/selinux (enforce, policyvers), /etc/selinux/config
//     and the target's context in /proc/PID/attr/current;
//   - AppArmor: /sys/module/apparmor/parameters/enabled, the loaded profiles
//     in /sys/kernel/security/apparmor/profiles (root only), the target's
//     label in /proc/PID/attr/apparmor/current (attr/current before Linux
//     5.8) and kernel.apparmor_restrict_unprivileged_userns;
//   - the list of active modules in /sys/kernel/security/lsm.
//
// The denials themselves are read by denials.go.

import (
	"bytes"
	"errors"
	"io/fs"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// SecurityFacts are the security modules' state and the target's labels.
type SecurityFacts struct {
	// LSMs are the active security modules, in the order the kernel calls
	// them ("lockdown,capability,landlock,yama,apparmor").
	LSMs     []string      `json:"lsms,omitempty"`
	SELinux  SELinuxFacts  `json:"selinux"`
	AppArmor AppArmorFacts `json:"apparmor"`
	Gaps     source.Gaps   `json:"unavailable,omitempty"`
}

// SELinuxFacts describe SELinux.
type SELinuxFacts struct {
	// Present: SELinux runs in the kernel (selinuxfs is mounted, or the
	// active module list names it, or the target has an SELinux context).
	Present bool `json:"present"`
	// Mode is "enforcing", "permissive" or "disabled"; "" when SELinux runs
	// but selinuxfs is not mounted here (a container) so it is unknown.
	Mode string `json:"mode,omitempty"`
	// ConfigMode and ConfigPolicy are SELINUX= and SELINUXTYPE= from
	// /etc/selinux/config: the mode and policy for the next boot.
	ConfigMode    string `json:"config_mode,omitempty"`
	ConfigPolicy  string `json:"config_policy,omitempty"`
	PolicyVersion int    `json:"policy_version,omitempty"`
	// Context is the target process's context
	// ("system_u:system_r:container_t:s0:c123,c456"), Domain its type
	// ("container_t").
	Context string `json:"context,omitempty"`
	Domain  string `json:"domain,omitempty"`
}

// AppArmorFacts describe AppArmor.
type AppArmorFacts struct {
	Enabled bool `json:"enabled"`
	// Profiles are the loaded profiles (at most maxAppArmorProfiles);
	// ProfileCount counts them all, Modes counts them per mode ("enforce",
	// "complain", "kill", "unconfined", ...).
	Profiles     []AppArmorProfile `json:"profiles,omitempty"`
	ProfileCount int               `json:"profile_count,omitempty"`
	Modes        map[string]int    `json:"modes,omitempty"`
	// Label is the target's label as the kernel prints it ("docker-default
	// (enforce)"); Profile and Mode are its two parts.
	Label   string `json:"label,omitempty"`
	Profile string `json:"profile,omitempty"`
	Mode    string `json:"mode,omitempty"`
	// RestrictUnprivilegedUserns is kernel.apparmor_restrict_unprivileged_userns
	// (Ubuntu 23.10+): unprivileged programs without a profile that allows
	// it cannot create user namespaces. nil when the kernel has no such
	// setting.
	RestrictUnprivilegedUserns *bool `json:"restrict_unprivileged_userns,omitempty"`
}

// AppArmorProfile is one loaded profile and its mode.
type AppArmorProfile struct {
	Name string `json:"name"`
	Mode string `json:"mode"`
}

// maxAppArmorProfiles bounds AppArmorFacts.Profiles (a host with many snaps
// loads hundreds).
const maxAppArmorProfiles = 2000

const (
	selinuxEnforce    = "/sys/fs/selinux/enforce"
	selinuxPolicyvers = "/sys/fs/selinux/policyvers"
	selinuxConfig     = "/etc/selinux/config"
	lsmList           = "/sys/kernel/security/lsm"
	apparmorEnabled   = "/sys/module/apparmor/parameters/enabled"
	apparmorProfiles  = "/sys/kernel/security/apparmor/profiles"
	apparmorRestrict  = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
)

func GatherSecurity(e *source.Env) SecurityFacts {
	var s SecurityFacts
	if v, err := e.Root.ReadString(lsmList); err != nil {
		s.Gaps.AddReason("lsm", lsmListReason(e, err))
	} else {
		s.LSMs = parseLSMList(v)
	}
	s.AppArmor = gatherAppArmor(e, &s)
	s.SELinux = gatherSELinux(e, &s)
	if s.AppArmor.Enabled {
		readAppArmorLabel(e, &s)
	}
	return s
}

func gatherSELinux(e *source.Env, s *SecurityFacts) SELinuxFacts {
	var se SELinuxFacts
	listed := contains(s.LSMs, "selinux")
	mounted := false
	v, err := e.Root.ReadString(selinuxEnforce)
	switch {
	case err == nil:
		se.Present, mounted = true, true
		switch v {
		case "1":
			se.Mode = "enforcing"
		case "0":
			se.Mode = "permissive"
		default:
			s.Gaps.AddReason("selinux_mode", e.Root.Path(selinuxEnforce)+": unexpected value "+quoteClip(v))
		}
	case !errors.Is(err, fs.ErrNotExist):
		// selinuxfs is there but unreadable.
		se.Present = true
		s.Gaps.Add("selinux_mode", err)
	case listed:
		se.Present = true
		s.Gaps.AddReason("selinux_mode", "SELinux is active ("+lsmList+" lists it) but selinuxfs is not mounted at /sys/fs/selinux (inside a container?): its mode cannot be read here")
	case !e.Root.Exists("/sys/fs"):
		s.Gaps.AddReason("selinux", "no /sys/fs below "+e.Root.Dir+" (sysfs not mounted or not captured): cannot tell whether SELinux is enabled")
	default:
		se.Mode = "disabled"
	}

	// A container on an SELinux host usually has no selinuxfs, yet its
	// processes carry the host's labels: the context tells.
	if !se.Present && !s.AppArmor.Enabled {
		if b, err := e.Root.ReadFile(e.Proc + "/attr/current"); err == nil {
			if c := trimAttr(b); looksLikeSELinuxContext(c) {
				se.Present, se.Mode = true, ""
				s.Gaps.AddReason("selinux_mode", "the target has an SELinux context but selinuxfs is not mounted at /sys/fs/selinux (inside a container?): the mode cannot be read here")
			}
		}
	}

	if b, err := e.Root.ReadFile(selinuxConfig); err == nil {
		se.ConfigMode, se.ConfigPolicy = parseSELinuxConfig(b)
	} else if se.Present && !errors.Is(err, fs.ErrNotExist) {
		s.Gaps.Add("selinux_config", err)
	}
	if !se.Present {
		return se
	}
	if mounted {
		if n, err := e.Root.ReadInt(selinuxPolicyvers); err != nil {
			s.Gaps.Add("selinux_policy_version", err)
		} else if n > 0 && n < 1<<16 {
			se.PolicyVersion = int(n)
		}
	}
	b, err := e.Root.ReadFile(e.Proc + "/attr/current")
	if err != nil {
		s.Gaps.AddReason("selinux_context", attrReason(err))
	} else {
		se.Context = trimAttr(b)
		se.Domain = selinuxDomain(se.Context)
	}
	return se
}

func gatherAppArmor(e *source.Env, s *SecurityFacts) AppArmorFacts {
	var aa AppArmorFacts
	v, err := e.Root.ReadString(apparmorEnabled)
	switch {
	case err == nil:
		aa.Enabled = v == "Y"
	case !errors.Is(err, fs.ErrNotExist):
		s.Gaps.Add("apparmor", err)
	case contains(s.LSMs, "apparmor"):
		aa.Enabled = true
	case !e.Root.Exists("/sys/module"):
		s.Gaps.AddReason("apparmor", "no /sys/module below "+e.Root.Dir+" (sysfs not mounted or not captured): cannot tell whether AppArmor is enabled")
	default:
		// The kernel has no AppArmor: not built in.
	}
	if v, err := e.Root.ReadInt(apparmorRestrict); err == nil {
		on := v != 0
		aa.RestrictUnprivilegedUserns = &on
	}
	if !aa.Enabled {
		return aa
	}
	b, err := e.Root.ReadFile(apparmorProfiles)
	switch {
	case err == nil:
		aa.Profiles, aa.ProfileCount, aa.Modes = parseAppArmorProfiles(b)
	default:
		s.Gaps.AddReason("apparmor_profiles", appArmorProfilesReason(e, err))
	}
	return aa
}

// appArmorProfilesReason explains why the profile list could not be read.
func appArmorProfilesReason(e *source.Env, err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "permission denied reading " + e.Root.Path(apparmorProfiles) +
			": the AppArmor profile list is readable by root only, and not from inside a container (run as root on the host)"
	case errors.Is(err, fs.ErrNotExist) && !e.Root.Exists("/sys/kernel/security/apparmor"):
		return "securityfs is not mounted at " + e.Root.Path("/sys/kernel/security") +
			" (mount -t securityfs securityfs /sys/kernel/security), or this is a container that hides it"
	}
	return source.Reason(err)
}

// readAppArmorLabel reads the target's AppArmor label: attr/apparmor/current
// (Linux 5.8+, correct whatever other module is stacked), else attr/current
// unless SELinux owns that file.
func readAppArmorLabel(e *source.Env, s *SecurityFacts) {
	b, err := e.Root.ReadFile(e.Proc + "/attr/apparmor/current")
	if errors.Is(err, fs.ErrNotExist) {
		if s.SELinux.Present {
			s.Gaps.AddReason("apparmor_label", "no attr/apparmor/current (kernel before 5.8), and attr/current holds the SELinux context")
			return
		}
		b, err = e.Root.ReadFile(e.Proc + "/attr/current")
	}
	if err != nil {
		s.Gaps.AddReason("apparmor_label", attrReason(err))
		return
	}
	aa := &s.AppArmor
	aa.Label = clipField(trimAttr(b))
	aa.Profile, aa.Mode = parseAppArmorLabel(aa.Label)
}

// parseAppArmorProfiles parses AppArmor's profiles file, "NAME (MODE)" one
// a line: the first maxAppArmorProfiles profiles, how many there are in all,
// and how many per mode. Lines of another shape are skipped.
func parseAppArmorProfiles(b []byte) (profiles []AppArmorProfile, total int, modes map[string]int) {
	forEachLine(b, func(line string) {
		p, ok := parseAppArmorProfileLine(line)
		if !ok {
			return
		}
		total++
		if len(profiles) < maxAppArmorProfiles {
			profiles = append(profiles, p)
		}
		if modes == nil {
			modes = map[string]int{}
		}
		if _, seen := modes[p.Mode]; seen || len(modes) < 16 {
			modes[p.Mode]++
		}
	})
	return profiles, total, modes
}

// parseAppArmorProfileLine parses "docker-default (enforce)" or
// "/usr/bin/man (complain)". A name may hold blanks and parentheses: the
// mode is the last parenthesised word.
func parseAppArmorProfileLine(line string) (AppArmorProfile, bool) {
	line = strings.TrimSpace(line)
	if !strings.HasSuffix(line, ")") {
		return AppArmorProfile{}, false
	}
	i := strings.LastIndex(line, " (")
	if i <= 0 {
		return AppArmorProfile{}, false
	}
	mode := line[i+2 : len(line)-1]
	if mode == "" || len(mode) > 32 || strings.ContainsAny(mode, " ()") {
		return AppArmorProfile{}, false
	}
	return AppArmorProfile{Name: clipField(line[:i]), Mode: mode}, true
}

// parseAppArmorLabel splits a label as /proc/PID/attr/apparmor/current
// holds it: "docker-default (enforce)" is profile "docker-default" in mode
// "enforce"; "unconfined" is profile and mode "unconfined". A stacked label
// ("a//&b (mixed)") keeps its stack as the profile.
func parseAppArmorLabel(s string) (profile, mode string) {
	s = strings.TrimSpace(strings.TrimRight(s, "\x00\n"))
	if s == "" {
		return "", ""
	}
	if s == "unconfined" {
		return "unconfined", "unconfined"
	}
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i > 0 {
			if m := s[i+2 : len(s)-1]; m != "" && !strings.ContainsAny(m, " ()") {
				return clipField(s[:i]), clipAt(m, 32)
			}
		}
	}
	return clipField(s), ""
}

// parseSELinuxConfig reads SELINUX= and SELINUXTYPE= from
// /etc/selinux/config (shell syntax: comments, optional quotes).
func parseSELinuxConfig(b []byte) (mode, policy string) {
	forEachLine(b, func(line string) {
		line = strings.TrimSpace(line)
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			return
		}
		if i := strings.IndexByte(v, '#'); i >= 0 {
			v = v[:i]
		}
		v = strings.Trim(strings.TrimSpace(v), `"'`)
		switch strings.TrimSpace(k) {
		case "SELINUX":
			mode = clipAt(v, 64)
		case "SELINUXTYPE":
			policy = clipAt(v, 64)
		}
	})
	return mode, policy
}

// selinuxDomain returns the type of an SELinux context
// ("system_u:system_r:container_t:s0:c1,c2" -> "container_t").
func selinuxDomain(ctx string) string {
	parts := strings.SplitN(ctx, ":", 4)
	if len(parts) < 3 {
		return ""
	}
	return parts[2]
}

// looksLikeSELinuxContext tells an SELinux context (user:role:type[:level])
// from an AppArmor label ("unconfined", "docker-default (enforce)").
func looksLikeSELinuxContext(s string) bool {
	if strings.ContainsAny(s, " ()/") {
		return false
	}
	parts := strings.SplitN(s, ":", 4)
	if len(parts) < 3 {
		return false
	}
	for _, p := range parts[:3] {
		if p == "" {
			return false
		}
	}
	return true
}

// parseLSMList splits /sys/kernel/security/lsm ("capability,yama,apparmor").
func parseLSMList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" && len(out) < 32 {
			out = append(out, clipAt(f, 64))
		}
	}
	return out
}

func lsmListReason(e *source.Env, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "missing file " + e.Root.Path(lsmList) + " (securityfs not mounted at /sys/kernel/security, a container, or a kernel before 4.15)"
	}
	return source.Reason(err)
}

// attrReason explains a failed read of /proc/PID/attr/*: EINVAL means no
// security module labels processes.
func attrReason(err error) string {
	if errors.Is(err, syscall.EINVAL) {
		return "no security module provides a process label (the kernel answered EINVAL)"
	}
	return source.Reason(err)
}

// trimAttr trims the NUL and newline that /proc/PID/attr files end with,
// and bounds the result.
func trimAttr(b []byte) string {
	b = bytes.TrimRight(b, "\x00\n\r\t ")
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return clipField(string(b))
}

func forEachLine(b []byte, fn func(string)) {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		fn(string(line))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func quoteClip(s string) string { return strconv.Quote(clipAt(s, 40)) }
