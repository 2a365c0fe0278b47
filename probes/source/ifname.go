package source

import (
	"fmt"
	"strings"
)

// IFNAMSIZ is the kernel's buffer for an interface name, NUL included: a
// name has at most 15 bytes.
const IFNAMSIZ = 16

// ReservedIfNames collide with the per-interface sysctl directories
// /proc/sys/net/ipv4/conf/{all,default}: the kernel refuses them (EINVAL).
var ReservedIfNames = map[string]bool{"all": true, "default": true}

// ValidIfName checks a proposed interface name exactly as the kernel's
// dev_valid_name() does, plus the names it reserves. The error says which
// rule the name breaks.
func ValidIfName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("an interface name cannot be empty")
	case len(name) >= IFNAMSIZ:
		return fmt.Errorf("%q is %d bytes; the kernel allows at most %d (IFNAMSIZ %d, NUL included)", name, len(name), IFNAMSIZ-1, IFNAMSIZ)
	case name == "." || name == "..":
		return fmt.Errorf("%q is not allowed: it would name a directory in /sys/class/net", name)
	case ReservedIfNames[name]:
		return fmt.Errorf("%q is reserved: it collides with /proc/sys/net/*/conf/%s", name, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/':
			return fmt.Errorf("%q contains '/', which cannot appear in a /sys/class/net file name", name)
		case c == ':':
			return fmt.Errorf("%q contains ':', which the kernel reserves for old-style alias labels (eth0:1)", name)
		case KernelIsSpace(c):
			return fmt.Errorf("%q contains white space (byte %#02x at offset %d)", name, c, i)
		case c == 0:
			return fmt.Errorf("%q contains a NUL byte", name)
		}
	}
	if n := strings.Count(name, "%"); n > 1 || (n == 1 && !strings.Contains(name, "%d")) {
		return fmt.Errorf("%q contains '%%': the kernel treats it as a name template and accepts only a single %%d", name)
	}
	return nil
}

// KernelIsSpace is the kernel's isspace(): the ASCII white space plus the
// Latin-1 non-breaking space 0xA0 its ctype table marks as space.
func KernelIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0xa0
}
