package probes

import (
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// IFNAMSIZ is the kernel's buffer for an interface name, NUL included.
const IFNAMSIZ = source.IFNAMSIZ

// ValidIfName checks a proposed interface name exactly as the kernel's
// dev_valid_name() does, plus the names it reserves (source.ValidIfName).
func ValidIfName(name string) error { return source.ValidIfName(name) }

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
		if c == '/' || c == ':' || c == '%' || c == 0 || source.KernelIsSpace(c) || c < 0x20 || c >= 0x7f {
			c = '-'
		}
		b.WriteByte(c)
	}
	base := strings.Trim(b.String(), "-")
	if base == "" || base == "." || base == ".." || source.ReservedIfNames[base] {
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
