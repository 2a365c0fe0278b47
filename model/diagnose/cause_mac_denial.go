package diagnose

import (
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
	"golang.org/x/sys/unix"
)

var causeMACDenial = &Cause{
	ID:      "mac-denial",
	Checks:  "SELinux and AppArmor: whether they enforce, the process's label, and recent denials of netlink, tun, capabilities and user namespaces",
	Needs:   []probes.Group{probes.GroupSecurity, probes.GroupDenials, probes.GroupIdentity},
	Eval:    evalMACDenial,
	Fixes:   fixesMACDenial,
	Answers: fix.Answers(nil, symptom.EPERM, symptom.EACCES),
	Next:    "Once the policy allows it, the operation can still fail on capabilities or an existing object: run the check again.",
}

// recentDenial is how old a denial may be and still explain a failure that
// just happened.
const recentDenial = 24 * time.Hour

// recent reports whether a logged event at t can explain a failure that
// just happened: within a day of now on a live system. A captured tree is
// the moment of interest itself, so everything in it counts.
func (c *Context) recent(t, now time.Time) bool {
	if !c.Facts.Target.Live || t.IsZero() || now.IsZero() {
		return true
	}
	return now.Sub(t) <= recentDenial
}

// failingComms are the program names the denial should name: the
// examined process's, or the command in the symptom.
func failingComms(c *Context) []string {
	var out []string
	if !c.examinesSelf() {
		if c.Facts.Target.Comm != "" {
			out = append(out, c.Facts.Target.Comm)
		}
	}
	if c.Symptom.Command != "" {
		if f := strings.Fields(c.Symptom.Command); len(f) > 0 {
			out = append(out, filepath.Base(f[0]))
		}
	}
	switch c.Symptom.Source {
	case "docker", "cni", "networkd", "NetworkManager", "openvpn", "wireguard", "libvirt", "lxc":
		out = append(out, map[string]string{"docker": "dockerd", "cni": "bridge", "networkd": "systemd-network",
			"NetworkManager": "NetworkManager", "openvpn": "openvpn", "wireguard": "wg-quick", "libvirt": "libvirtd", "lxc": "lxc-start"}[c.Symptom.Source])
	}
	return out
}

// describeDenial renders a denial in one line for evidence.
func describeDenial(d lsm.Denial) string {
	var b strings.Builder
	if d.Kind == "selinux" {
		b.WriteString("SELinux denied")
	} else {
		b.WriteString("AppArmor denied")
	}
	if d.Operation != "" {
		fmt.Fprintf(&b, " %s", d.Operation)
	}
	if d.Capability != "" {
		fmt.Fprintf(&b, " (capability %s)", d.Capability)
	}
	if d.Class != "" {
		fmt.Fprintf(&b, " on %s", d.Class)
	}
	if d.Family != "" {
		fmt.Fprintf(&b, " family %s", d.Family)
	}
	if d.Name != "" {
		fmt.Fprintf(&b, " %s", d.Name)
	}
	fmt.Fprintf(&b, " to %s", d.Comm)
	if d.PID > 0 {
		fmt.Fprintf(&b, " (pid %d)", d.PID)
	}
	if d.Scontext != "" {
		fmt.Fprintf(&b, " scontext=%s", d.Scontext)
	}
	if d.Profile != "" {
		fmt.Fprintf(&b, " profile=%s", d.Profile)
	}
	if !d.Time.IsZero() {
		fmt.Fprintf(&b, " at %s", d.Time.Local().Format("2006-01-02 15:04:05"))
	}
	if d.Source != "" {
		fmt.Fprintf(&b, " [%s]", d.Source)
	}
	return b.String()
}

// matchingDenials are the relevant, enforced denials that name the failing
// process, newest first (the probe's order).
func matchingDenials(c *Context) (match, other []lsm.Denial) {
	comms := failingComms(c)
	pid := c.Facts.Target.PID
	now := c.Facts.Collected
	for _, d := range c.Facts.Denials.Denials {
		if !d.Relevant || d.Permissive {
			continue
		}
		if !c.recent(d.Time, now) {
			continue
		}
		hit := (!c.examinesSelf() && pid > 0 && d.PID == pid)
		for _, cm := range comms {
			hit = hit || (cm != "" && d.Comm == cm)
		}
		switch {
		case !c.examinesSelf() && pid > 0 && d.PID == pid:
			// The examined process itself: the strongest match, first.
			match = append([]lsm.Denial{d}, match...)
		case hit:
			match = append(match, d)
		default:
			other = append(other, d)
		}
	}
	return match, other
}

func evalMACDenial(c *Context) Verdict {
	var v Verdict
	sec := &c.Facts.Security
	se, aa := sec.SELinux, sec.AppArmor
	enforcing := false
	switch {
	case se.Present && se.Mode == "enforcing":
		enforcing = true
		v.Evidence = append(v.Evidence, fmt.Sprintf("SELinux is enforcing (policy %s); %s runs as %s", sanitize.OrDash(se.ConfigPolicy), c.who(), sanitize.OrDash(se.Context)))
	case se.Present:
		v.Evidence = append(v.Evidence, fmt.Sprintf("SELinux is %s", sanitize.OrDash(se.Mode)))
	}
	if aa.Enabled {
		if aa.Mode == "enforce" {
			enforcing = true
		}
		v.Evidence = append(v.Evidence, fmt.Sprintf("AppArmor is enabled (%s loaded); %s is %s", Plural(aa.ProfileCount, "profile", "profiles"), c.who(), sanitize.OrDash(aa.Label)))
	}
	match, other := matchingDenials(c)
	for i, d := range match {
		if i == 3 {
			v.Evidence = append(v.Evidence, fmt.Sprintf("and %d more", len(match)-3))
			break
		}
		v.fail("%s: %s", describeDenial(d), d.Why)
	}
	if len(match) == 0 {
		for i, d := range other {
			if i == 2 {
				break
			}
			v.warn("a networking denial of another program: %s", describeDenial(d))
		}
	}
	if st, msg := aaUsernsRestriction(c); st != "" && len(match) == 0 {
		v.add(st, "%s", msg)
		return v
	}
	if len(match) > 0 || len(other) > 0 {
		return v
	}
	if r, gap := c.Facts.Denials.Gaps.Reason("denials"); gap && enforcing {
		v.unknown("a security module enforces but no denial log could be read: %s", r)
		return v
	}
	if r, gap := c.Facts.Denials.Gaps.Reason("audit.log"); gap && enforcing {
		v.unknown("%s", r)
		return v
	}
	if !enforcing {
		// "Confines nothing" needs both modules known: a tree without
		// sysfs, an unreadable selinuxfs or mode proves nothing (review).
		var gaps []string
		for _, k := range []string{"selinux", "selinux_mode", "apparmor"} {
			if r, gap := sec.Gaps.Reason(k); gap {
				gaps = append(gaps, r)
			}
		}
		if len(gaps) > 0 {
			v.unknown("security modules unavailable: %s: whether one confines %s is not known", strings.Join(gaps, "; "), c.who())
			return v
		}
	}
	switch {
	case enforcing && se.Present && se.Mode == "enforcing":
		v.ok("no recent networking denial in %s; SELinux dontaudit rules can hide some: `semodule -DB` logs them until `semodule -B`", strings.Join(c.Facts.Denials.Sources, ", "))
	case enforcing:
		v.ok("no recent networking denial in %s", strings.Join(c.Facts.Denials.Sources, ", "))
	default:
		v.ok("no security module confines %s (SELinux %s, AppArmor %s)", c.who(), seState(se), aaState(aa))
	}
	return v
}

func seState(s lsm.SELinuxFacts) string {
	if !s.Present {
		return "absent"
	}
	return sanitize.OrDash(s.Mode)
}

func aaState(a lsm.AppArmorFacts) string {
	if !a.Enabled {
		return "disabled"
	}
	return "label " + sanitize.OrDash(a.Label)
}

// aaUsernsRestriction judges Ubuntu's (23.10+) AppArmor restriction of
// unprivileged user namespaces for a failure that asked for a user
// namespace: with kernel.apparmor_restrict_unprivileged_userns=1,
// apparmor_userns_create moves an unconfined task that creates one into
// the unprivileged_userns profile, which holds no capabilities, so its
// first privileged step (uid_map, setgroups, a mount) is refused. A task
// with CAP_SYS_ADMIN is spared (ns_capable in the hook). Unconfined and not
// spared: proven; confined: its profile must allow userns (a warning);
// rtnl-doctor examining itself while spared: the failing program must be
// examined (a warning). A kernel that refuses the namespace before the
// hook (unprivileged_userns_clone=0, max_user_namespaces=0) is
// userns-remap's.
func aaUsernsRestriction(c *Context) (Status, string) {
	aa := c.Facts.Security.AppArmor
	if c.Symptom.Operation != symptom.OpUserns || !usernsAsked(c.Symptom) {
		return "", ""
	}
	on := aa.RestrictUnprivilegedUserns != nil && *aa.RestrictUnprivilegedUserns
	if n, ok := sysctlInt(c, "kernel.apparmor_restrict_unprivileged_userns"); ok {
		on = n == 1
	}
	if n, ok := sysctlInt(c, "kernel.unprivileged_userns_clone"); ok && n == 0 {
		return "", ""
	}
	if n, ok := sysctlInt(c, "user.max_user_namespaces"); ok && n == 0 {
		return "", ""
	}
	spared := c.Facts.Identity.CredsKnown && c.Facts.Identity.EUID == 0 // unknown credentials are no root
	if caps := c.Facts.Identity.Caps; caps != nil {
		spared = hasCap(caps.EffMask, unix.CAP_SYS_ADMIN)
	}
	switch {
	case !on:
		return "", ""
	case spared && c.examinesSelf():
		return Warn, "kernel.apparmor_restrict_unprivileged_userns=1 restricts programs without CAP_SYS_ADMIN, and rtnl-doctor examined itself, which has it: pass --pid of the failing program (or run rtnl-doctor as its user) to judge it"
	case spared:
		return "", ""
	case aa.Profile == "" || aa.Profile == "unconfined":
		return Fail, fmt.Sprintf("kernel.apparmor_restrict_unprivileged_userns=1 and %s is unconfined without CAP_SYS_ADMIN: AppArmor moves it into a profile without capabilities when it creates a user namespace", c.who())
	}
	return Warn, fmt.Sprintf("kernel.apparmor_restrict_unprivileged_userns=1: only profiles that allow userns may create user namespaces (%s runs under %s)", c.who(), sanitize.Clip(aa.Profile, 120))
}

// usernsAsked: the failure is about creating a user namespace, not only
// another namespace (`unshare -n` alone asks for none): unshare's -U, -r,
// -c (or their long forms), a uid_map/gid_map/setgroups write, or a
// sandbox's words for its user namespace.
func usernsAsked(s symptom.Symptom) bool {
	if f := strings.Fields(s.Command); len(f) > 0 && filepath.Base(f[0]) == "unshare" {
		for _, a := range f[1:] {
			switch {
			case a == "--user" || strings.HasPrefix(a, "--user=") || a == "--map-root-user" || a == "--map-current-user" || a == "--map-user" || strings.HasPrefix(a, "--map-"):
				return true
			case strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.ContainsAny(a[1:], "Urc"):
				return true
			}
		}
		return false
	}
	low := strings.ToLower(s.Raw)
	for _, w := range []string{"uid_map", "gid_map", "setgroups", "user namespace", "userns", "clone_newuser", "newuser", "failed to move to new namespace", "bwrap", "--map-root-user"} {
		if strings.Contains(low, w) {
			return true
		}
	}
	return false
}

// restrictionDenial is a record of that restriction: the capability
// refused inside the unprivileged_userns profile, or the creation refused
// to an unconfined task when that profile is not loaded ("User namespace
// creation restricted"). Neither profile is one to relax: the fix is a
// profile for the program, or the sysctl.
func restrictionDenial(d lsm.Denial) bool {
	if d.Kind != "apparmor" {
		return false
	}
	return d.Profile == "unprivileged_userns" || strings.Contains(strings.ToLower(d.Info), "userns create") ||
		strings.Contains(strings.ToLower(d.Info), "namespace creation restricted") ||
		d.Operation == "userns_create" && (d.Profile == "unconfined" || d.Profile == "")
}

// launchers run other programs: a profile exempting one from the
// restriction would exempt whatever it runs.
var launchers = map[string]bool{"sh": true, "bash": true, "dash": true, "zsh": true, "ksh": true, "fish": true, "csh": true, "tcsh": true,
	"busybox": true, "unshare": true, "nsenter": true, "env": true, "sudo": true, "su": true, "doas": true, "setpriv": true, "pkexec": true,
	"runuser": true, "chroot": true, "systemd-run": true, "flatpak-spawn": true, "java": true, "rtnl-doctor": true}

// profileProgram is the program the restriction's profile may name: the
// failing program's absolute path (the denial's exe, the examined process
// when it is not rtnl-doctor itself, or the command's path), never a
// program that runs others (a shell, an interpreter, unshare), one under a
// directory users can write, or a path AppArmor reads as a pattern. ok is
// false with the reason otherwise.
func profileProgram(c *Context, d *lsm.Denial) (string, string) {
	p := ""
	switch {
	case d != nil && d.Exe != "":
		p = d.Exe
	case !c.examinesSelf() && c.Facts.Target.Exe != "":
		p = c.Facts.Target.Exe
	default:
		if f := strings.Fields(c.Symptom.Command); len(f) > 0 && strings.HasPrefix(f[0], "/") {
			p = f[0]
		}
	}
	base := filepath.Base(p)
	lowBase := strings.ToLower(base)
	switch {
	case p == "":
		return "", "the failing program's path is not known: put its absolute path in the profile yourself"
	case strings.HasSuffix(p, " (deleted)"):
		return "", "the failing program's file was deleted or replaced since it ran: name the current one"
	case launchers[lowBase] || strings.HasPrefix(lowBase, "python") || strings.HasPrefix(lowBase, "perl") || strings.HasPrefix(lowBase, "ruby") ||
		strings.HasPrefix(lowBase, "node") || strings.HasPrefix(lowBase, "lua") || strings.HasPrefix(lowBase, "php"):
		return "", base + " runs other programs: a profile for it would exempt whatever it runs; name the program that needs the user namespace"
	}
	for _, dir := range []string{"/home/", "/tmp/", "/var/tmp/", "/dev/shm/", "/run/user/", "/root/"} {
		if strings.HasPrefix(p, dir) {
			return "", "the failing program lives under " + dir + ", which a user can write: whoever replaces the file would inherit the exemption; install it under /usr or /opt first"
		}
	}
	q, ok := aaPath(p)
	if !ok {
		return "", "the failing program's path holds characters AppArmor reads as a pattern, which would attach the profile to other programs: name it yourself"
	}
	return q, ""
}

// usernsRestrictionFixes: a profile allowing userns for the one program
// (narrowest), then the sysctl for every program.
func usernsRestrictionFixes(c *Context, d *lsm.Denial) []fix.Fix {
	prog, why := profileProgram(c, d)
	name := "rtnl-doctor-userns"
	if why == "" {
		name += "-" + profileFileName(prog)
		why = "a profile for a program is a policy decision: review it; noclobber refuses to overwrite a profile of the same name"
	} else {
		prog = "/path/to/program"
	}
	file := "/etc/apparmor.d/" + name
	return []fix.Fix{{ID: "mac-denial/apparmor-userns-profile", Title: "Allow user namespaces for " + prog + " only, with an AppArmor profile (narrowest)",
		// The program's path is a value from the system: it goes through
		// the quoting function as printf's argument, never into a
		// here-document.
		Command:   fix.Lines("set -o noclobber", fix.Argv("printf", `%s\n`, "abi <abi/4.0>,", "include <tunables/global>", "profile "+name+" "+prog+" flags=(unconfined) {", "  userns,", "}")+" > "+fix.Argv(file), fix.Argv("apparmor_parser", "-r", file)),
		NeedsRoot: true, Manual: true, Why: why,
		Risk: "that program may create user namespaces as before Ubuntu 23.10, reaching the kernel code the restriction guards"}, {ID: "mac-denial/apparmor-userns-sysctl", Title: "Or lift the restriction for every program",
		Command: fix.Argv("sysctl", "-w", "kernel.apparmor_restrict_unprivileged_userns=0"), NeedsRoot: true,
		Risk:   "every unprivileged program may create user namespaces again, the attack surface Ubuntu closed in 23.10",
		Action: fix.Act("sysctl", "key", "kernel.apparmor_restrict_unprivileged_userns", "value", "0")}}
}

// profileFileName is a file name for a program's profile: its base name
// in the characters AppArmor's profile directory takes without quoting.
func profileFileName(prog string) string {
	b := []byte(filepath.Base(strings.Trim(prog, `"`)))
	for i, ch := range b {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '.' || ch == '_' || ch == '-') {
			b[i] = '_'
		}
	}
	return string(b)
}

func fixesMACDenial(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	match, _ := matchingDenials(c)
	if len(match) > 0 && restrictionDenial(match[0]) {
		return usernsRestrictionFixes(c, &match[0])
	}
	if st, _ := aaUsernsRestriction(c); st == Fail && len(match) == 0 {
		return usernsRestrictionFixes(c, nil)
	}
	if v.Status != Fail || len(match) == 0 {
		return nil
	}
	d := match[0]
	var fixes []fix.Fix
	if d.Kind == "selinux" {
		domain := d.Scontext
		if f := strings.Split(d.Scontext, ":"); len(f) >= 3 {
			domain = f[2]
		}
		fixes = append(fixes, fix.Fix{ID: "mac-denial/selinux-module", Title: "Allow exactly the denied access with a local policy module (narrowest)",
			Command:   fix.Lines(fix.Argv("ausearch", "-m", "AVC", "-c", d.Comm, "--raw")+" | audit2allow -M rtnl_doctor_local", fix.Argv("semodule", "-i", "rtnl_doctor_local.pp")),
			NeedsRoot: true, Manual: true, Why: "read the generated rtnl_doctor_local.te before installing it: it is a policy change"}, fix.Fix{ID: "mac-denial/selinux-permissive-domain", Title: "Or make only the " + domain + " domain permissive",
			Command: fix.Argv("semanage", "permissive", "-a", domain), NeedsRoot: true,
			Risk:   "every process running as " + domain + " is no longer confined by SELinux (its denials are only logged)",
			Action: fix.HelperAct(fix.OpSELinuxPermissiveDomain, domain)}, fix.Fix{ID: "mac-denial/setenforce", Title: "Only to confirm the diagnosis for a minute: setenforce 0",
			Command: fix.Lines(fix.Argv("setenforce", "0"), "# retry the command, then:", fix.Argv("setenforce", "1")), NeedsRoot: true,
			Risk:   "turns SELinux enforcement off for the whole system: every confined service loses its protection until setenforce 1 (undo)",
			Action: fix.HelperAct(fix.OpSELinuxPermissive, "")})
	} else {
		prof := d.Profile
		if prof == "" || prof == "unconfined" || prof == "unprivileged_userns" {
			// No profile of the program's own to add a rule to or relax.
			return nil
		}
		rule := "network netlink raw,"
		if d.Capability != "" {
			rule = "capability " + d.Capability + ","
		} else if d.Name == "/dev/net/tun" {
			rule = "/dev/net/tun rw,"
		} else if d.Operation == "userns_create" {
			rule = "userns,"
		}
		fixes = append(fixes, appArmorRuleFix(c, prof, rule), fix.Fix{ID: "mac-denial/apparmor-complain", Title: "Or put only the profile " + prof + " in complain mode",
			Command: fix.Argv("aa-complain", prof), NeedsRoot: true,
			Risk:   "the profile " + prof + " no longer enforces anything: its processes are unconfined (denials are only logged)",
			Action: fix.HelperAct(fix.OpApparmorComplain, prof)})
	}
	return fixes
}

// appArmorRuleFix adds rule where the profile prof reads it: its local
// override when the profile includes one (read from the profile's file),
// otherwise the profile's own file, edited after a backup. A profile with
// no file under /etc/apparmor.d (docker-default, a snap's) gets the reason.
func appArmorRuleFix(c *Context, prof, rule string) fix.Fix {
	f := fix.Fix{ID: "mac-denial/apparmor-rule", Title: "Add the missing rule " + rule + " to the profile " + prof + " (narrowest)",
		NeedsRoot: true, Manual: true}
	pf, read := c.Facts.Denials.AppArmorProfiles[prof]
	switch {
	case !read || pf.File == "":
		f.Command = fix.Argv("aa-status")
		f.Why = "no file for the profile " + prof + " under /etc/apparmor.d: it is generated or shipped elsewhere (docker-default by dockerd: use --security-opt apparmor=PROFILE; a snap's in /var/lib/snapd/apparmor)"
	case pf.Reason != "":
		f.Command = fix.Argv("grep", "-n", "include", pf.File)
		f.Why = "the profile's file " + pf.File + " could not be read (" + pf.Reason + "): check where it includes its local rules"
	case pf.LocalInclude != "":
		f.Title += ", in its local override " + pf.LocalInclude
		f.Command = fix.Lines("echo "+fix.Argv("  "+rule)+" >> "+fix.Argv(pf.LocalInclude), fix.Argv("apparmor_parser", "-r", pf.File))
		f.Why = "a policy change: review the rule first"
	default:
		// The profile includes no local file: a rule there would be
		// ignored. Edit the profile itself, keeping a backup.
		f.Title += " (its file " + pf.File + " includes no local override: edit the profile inside its braces, after a backup)"
		f.Command = fix.Lines(fix.Argv("cp", "-a", "--", pf.File, pf.File+".rtnl-doctor.bak"), "${EDITOR:-vi} "+fix.Argv(pf.File), fix.Argv("apparmor_parser", "-r", pf.File))
		f.Why = "the rule goes inside the profile's braces, which only you can place; the backup is " + pf.File + ".rtnl-doctor.bak"
	}
	return f
}
