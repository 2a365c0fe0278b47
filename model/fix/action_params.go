package fix

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// paramCheck validates one action parameter's value as read from the
// journal: a forged entry cannot name a path, key or program the code
// would not itself have chosen.
type paramCheck func(v string) error

func matching(re string, what string) paramCheck {
	r := regexp.MustCompile(re)
	return func(v string) error {
		if !r.MatchString(v) {
			return fmt.Errorf("%q is not %s", v, what)
		}
		return nil
	}
}

// cleanAbs accepts an absolute, clean path of plain characters.
func cleanAbs(v string) error {
	if !filepath.IsAbs(v) || filepath.Clean(v) != v || len(v) > 4096 || strings.ContainsAny(v, "\x00\n\r") {
		return fmt.Errorf("%q is not a clean absolute path", v)
	}
	return nil
}

// pathUnder accepts a clean absolute path below one of dirs, whose base
// name matches glob.
func pathUnder(glob string, dirs ...string) paramCheck {
	return func(v string) error {
		if err := cleanAbs(v); err != nil {
			return err
		}
		for _, d := range dirs {
			if filepath.Dir(v) == d || strings.HasPrefix(v, d+"/") && !strings.Contains(strings.TrimPrefix(v, d+"/"), "..") {
				if ok, _ := filepath.Match(glob, filepath.Base(v)); ok {
					return nil
				}
			}
		}
		return fmt.Errorf("%s is not a file this action writes (%s in %s)", v, glob, strings.Join(dirs, ", "))
	}
}

// anyPath passes a value that one of the checks passes; the error is the
// last check's.
func anyPath(checks ...paramCheck) paramCheck {
	return func(v string) error {
		var err error
		for _, c := range checks {
			if err = c(v); err == nil {
				return nil
			}
		}
		return err
	}
}

func oneOf(vals ...string) paramCheck {
	return func(v string) error {
		for _, x := range vals {
			if v == x {
				return nil
			}
		}
		return fmt.Errorf("%q is not one of %s", v, strings.Join(vals, ", "))
	}
}

func number(max uint64) paramCheck {
	return func(v string) error {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil || n > max {
			return fmt.Errorf("%q is not a number up to %d", v, max)
		}
		return nil
	}
}

// anyText is shown, never used to act (a description kept for the operator).
func anyText(v string) error {
	if len(v) > 4096 {
		return fmt.Errorf("longer than 4096 bytes")
	}
	return nil
}

var (
	// checkMode: the modes rtnl-doctor sets (0..0777, as checkPerm).
	checkMode   = checkPerm
	checkIfname = matching(`^[^/\s:]{1,15}$`, "an interface name")
	checkPID    = func(v string) error {
		if n, err := strconv.ParseUint(v, 10, 32); err != nil || n == 0 || n > 1<<22 {
			return fmt.Errorf("%q is not a PID", v)
		}
		return nil
	}
	checkID     = number(1<<32 - 2)
	checkRlim   = func(v string) error { _, err := parseRlim(v); return err }
	checkModule = matching(`^[A-Za-z0-9_-]{1,64}$`, "a module name")
	checkFamily = oneOf("inet", "inet6", "")
	// sysctl keys: dotted names; an interface part may hold dots and dashes.
	sysctlKeyRe = regexp.MustCompile(`^net\.[A-Za-z0-9_.@+-]{1,200}$`)
	// Outside net.*, only the keys the fixes set (a journal entry cannot
	// name kernel.core_pattern or kernel.modprobe).
	sysctlGlobalKeys = map[string]bool{"fs.file-max": true, "fs.nr_open": true, "vm.min_free_kbytes": true,
		"user.max_user_namespaces": true, "user.max_net_namespaces": true,
		"kernel.apparmor_restrict_unprivileged_userns": true, "kernel.unprivileged_userns_clone": true}
	procNetnsRe    = regexp.MustCompile(`^/proc/[0-9]+/ns/net$`)
	checkSysctlKey = func(v string) error {
		if !sysctlGlobalKeys[v] && (!sysctlKeyRe.MatchString(v) || strings.Contains(v, "..")) {
			return fmt.Errorf("%q is not a sysctl key rtnl-doctor sets", v)
		}
		return nil
	}
	checkNetns = func(v string) error {
		if err := cleanAbs(v); err != nil {
			return err
		}
		if procNetnsRe.MatchString(v) || strings.HasPrefix(v, "/run/netns/") || strings.HasPrefix(v, "/var/run/netns/") {
			return nil
		}
		return fmt.Errorf("%s is not a network namespace path (/run/netns/NAME or /proc/PID/ns/net)", v)
	}
	checkPrefix = func(v string) error {
		if v == "default" {
			return nil
		}
		if _, err := netip.ParsePrefix(v); err == nil {
			return nil
		}
		if _, err := netip.ParseAddr(v); err == nil {
			return nil
		}
		return fmt.Errorf("%q is not an address or prefix", v)
	}
	checkAddr = func(v string) error {
		if _, err := netip.ParseAddr(v); err != nil {
			return fmt.Errorf("%q is not an address", v)
		}
		return nil
	}
	checkWord = matching(`^[A-Za-z0-9_.-]{1,64}$`, "a word")
	// checkMTU accepts a positive MTU in plain decimal (no sign, no leading
	// zero) that fits the kernel's int; the preview checks it against the
	// device's min_mtu/max_mtu (or 68..65535 when it reports none).
	checkMTU = func(v string) error {
		if _, err := parseMTU(v); err != nil {
			return err
		}
		return nil
	}
)

// parseMTU reads an MTU as checkMTU accepts it.
func parseMTU(v string) (uint32, error) {
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil || n == 0 || v != strconv.FormatUint(n, 10) {
		return 0, fmt.Errorf("%q is not an MTU (a positive whole number of bytes)", v)
	}
	return uint32(n), nil
}

// --- checks of journaled states (Entry.Old, Entry.New) ----------------------
//
// A state is data like the parameters: undo writes an old state back
// (a mode, capabilities, limits, a backup), so every value is checked on
// reading with the same care as a parameter, and rtnl-doctor records no
// state it would refuse to read back.

var (
	checkBool = oneOf("true", "false")
	// checkPerm accepts the permission bits rtnl-doctor sets and records:
	// 0..0777 in octal, never setuid, setgid or sticky.
	checkPerm = func(v string) error {
		if _, err := parsePerm(v); err != nil {
			return err
		}
		return nil
	}
	checkU64    = number(1<<64 - 1)
	checkSHA256 = matching(`^(absent|[0-9a-f]{64})$`, "a SHA-256 (or absent)")
	// checkBackup is a file's previous content, base64 (atomicfile reads at
	// most a few MB of a config file).
	checkBackup = func(v string) error {
		if len(v) > maxLine {
			return errors.New("a backup longer than a journal line")
		}
		if _, err := base64.StdEncoding.DecodeString(v); err != nil {
			return fmt.Errorf("not base64: %v", err)
		}
		return nil
	}
	checkNode = matching(`^(absent|char [0-9]{1,10}:[0-9]{1,10}|symlink|file|directory|other)$`, "a node description")
	checkExit = matching(`^-?[0-9]{1,5}$`, "an exit status")
	// checkRouteText is a route as shown (route.text()): compared, never
	// used to act.
	checkRouteText = func(v string) error {
		if v == "" || len(v) > 512 || strings.IndexFunc(v, func(r rune) bool { return r < ' ' || r == 0x7f }) >= 0 {
			return fmt.Errorf("%q is not a route", v)
		}
		return nil
	}
	checkProtoName = matching(`^[a-z0-9]{0,16}$`, "a routing protocol")
)

// optional passes "" and whatever check passes.
func optional(check paramCheck) paramCheck {
	return func(v string) error {
		if v == "" {
			return nil
		}
		return check(v)
	}
}

// parsePerm reads a mode as checkPerm accepts it.
func parsePerm(v string) (uint32, error) {
	n, err := strconv.ParseUint(v, 8, 32)
	if err != nil || len(v) > 4 || len(v) < 3 {
		return 0, fmt.Errorf("%q is not an octal mode", v)
	}
	if n > 0o777 {
		return 0, fmt.Errorf("mode %s has setuid, setgid or sticky bits: rtnl-doctor sets and restores only 0..0777", v)
	}
	return uint32(n), nil
}

// parseRlim reads a limit as checkRlim accepts it: "unlimited" (or -1),
// or a number; garbage is an error, never 0.
func parseRlim(s string) (uint64, error) {
	if s == "unlimited" || s == "-1" {
		return unix.RLIM_INFINITY, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a limit (unlimited or a number)", s)
	}
	return v, nil
}

// fileCaps are the capabilities rtnl-doctor puts on a file (setcap), and
// the only ones it records or restores: a file carrying others is left
// alone.
var fileCaps = map[string]bool{"cap_net_admin": true, "cap_net_raw": true, "cap_net_bind_service": true}

var capClauseRe = regexp.MustCompile(`^(cap_[a-z_]+(?:,cap_[a-z_]+)*)([=+])([eip]{1,3})$`)

// checkCapClause accepts one clause of capability text naming only
// fileCaps.
func checkCapClause(v string) error {
	m := capClauseRe.FindStringSubmatch(v)
	if m == nil {
		return fmt.Errorf("%q is not a capability text", v)
	}
	for _, c := range strings.Split(m[1], ",") {
		if !fileCaps[c] {
			return fmt.Errorf("%q names %s: rtnl-doctor sets and restores only %s", v, c, strings.Join(sortedSet(fileCaps), ", "))
		}
	}
	return nil
}

// checkCaps is setcap's "caps" parameter: one clause.
var checkCaps paramCheck = checkCapClause

// checkCapsState is a file's capabilities as read back (libcap's text, ""
// for none): clauses separated by spaces, naming only fileCaps.
func checkCapsState(v string) error {
	if len(v) > 512 {
		return errors.New("too long")
	}
	for _, c := range strings.Fields(v) {
		if err := checkCapClause(c); err != nil {
			return err
		}
	}
	return nil
}

func sortedSet(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
