package fix

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
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
	checkMode   = matching(`^0?[0-7]{3,4}$`, "an octal mode")
	checkIfname = matching(`^[^/\s:]{1,15}$`, "an interface name")
	checkPID    = number(1 << 22)
	checkID     = number(1<<32 - 2)
	checkRlim   = matching(`^(unlimited|-1|[0-9]{1,20})$`, "a limit")
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
