package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// IFNAMSIZ is the kernel's buffer for an interface name, NUL included: a
// name has at most 15 bytes.
const IFNAMSIZ = 16

// reservedIfNames collide with the per-interface sysctl directories
// /proc/sys/net/ipv4/conf/{all,default}: the kernel refuses them (EINVAL).
var reservedIfNames = map[string]bool{"all": true, "default": true}

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
	case reservedIfNames[name]:
		return fmt.Errorf("%q is reserved: it collides with /proc/sys/net/*/conf/%s", name, name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '/':
			return fmt.Errorf("%q contains '/', which cannot appear in a /sys/class/net file name", name)
		case c == ':':
			return fmt.Errorf("%q contains ':', which the kernel reserves for old-style alias labels (eth0:1)", name)
		case kernelIsSpace(c):
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

// kernelIsSpace is the kernel's isspace(): the ASCII white space plus the
// Latin-1 non-breaking space 0xA0 its ctype table marks as space.
func kernelIsSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' || c == 0xa0
}

// NameCheck is the verdict on a proposed interface name in a namespace.
type NameCheck struct {
	Name string `json:"name"`
	// Problem is why the kernel would refuse the name itself ("" if valid).
	Problem string `json:"problem,omitempty"`
	// Clash is the existing link that already has this name or altname.
	Clash *Link `json:"clash,omitempty"`
	// ClashIsAltName is true when the clash is with an alternative name.
	ClashIsAltName bool `json:"clash_is_altname,omitempty"`
	// Template is true for a "%d" name the kernel numbers itself.
	Template bool `json:"template,omitempty"`
	// Suggestions are valid names derived from Name that no link uses.
	Suggestions []string `json:"suggestions,omitempty"`
}

// CheckIfName validates name and looks for a clash among links (names and
// altnames share one namespace in the kernel).
func CheckIfName(name string, links []Link) NameCheck {
	nc := NameCheck{Name: name}
	if err := ValidIfName(name); err != nil {
		nc.Problem = err.Error()
	}
	nc.Template = nc.Problem == "" && strings.Contains(name, "%d")
	taken := make(map[string]bool, len(links)*2)
	for i := range links {
		l := links[i]
		taken[l.Name] = true
		for _, a := range l.AltNames {
			taken[a] = true
		}
		if l.Name == name {
			nc.Clash = &l
		} else if nc.Clash == nil {
			for _, a := range l.AltNames {
				if a == name {
					nc.Clash, nc.ClashIsAltName = &l, true
				}
			}
		}
	}
	if nc.Problem != "" || nc.Clash != nil {
		nc.Suggestions = SuggestIfNames(name, func(s string) bool { return taken[s] }, 3)
	}
	return nc
}

// SuggestIfNames derives up to n valid, free names from name: invalid bytes
// become '-', the name is cut to fit, and a number is appended while the
// result is taken.
func SuggestIfNames(name string, taken func(string) bool, n int) []string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c == '/' || c == ':' || c == '%' || c == 0 || kernelIsSpace(c) || c < 0x20 || c >= 0x7f {
			c = '-'
		}
		b.WriteByte(c)
	}
	base := strings.Trim(b.String(), "-")
	if base == "" || base == "." || base == ".." || reservedIfNames[base] {
		base = "if-" + base
		base = strings.TrimRight(base, "-.")
	}
	if len(base) > IFNAMSIZ-1 {
		base = base[:IFNAMSIZ-1]
	}
	var out []string
	if ValidIfName(base) == nil && !taken(base) && base != name {
		out = append(out, base)
	}
	for i := 1; len(out) < n && i < 10000; i++ {
		suffix := strconv.Itoa(i)
		stem := base
		if len(stem)+len(suffix) > IFNAMSIZ-1 {
			stem = stem[:IFNAMSIZ-1-len(suffix)]
		}
		cand := stem + suffix
		if ValidIfName(cand) == nil && !taken(cand) && cand != name {
			out = append(out, cand)
		}
	}
	return out
}
