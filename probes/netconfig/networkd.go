package netconfig

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// NetworkdFacts are systemd-networkd's configuration (and udev's .link
// files, which live in the same directories) and its state.
type NetworkdFacts struct {
	// Running is whether a systemd-networkd process runs (nil: unknown).
	Running *bool `json:"running,omitempty"`
	PID     int   `json:"pid,omitempty"`
	// Files are the .netdev, .network and .link files and their drop-ins,
	// including the masked and the shadowed ones.
	Files []ConfigFile `json:"files,omitempty"`
	// Netdevs maps the name of each virtual device a .netdev defines (and
	// networkd accepts) to its kind.
	Netdevs  map[string]string `json:"netdevs,omitempty"`
	Findings []Finding         `json:"findings,omitempty"`
	// Journal are systemd-networkd's recent warnings and errors that report
	// a failure.
	Journal []source.LogLine `json:"journal,omitempty"`
}

// NetworkdDirs are the directories systemd-networkd (and udev, for .link
// files) read, highest precedence first.
var NetworkdDirs = []string{
	"/etc/systemd/network",
	"/run/systemd/network",
	"/usr/local/lib/systemd/network",
	"/usr/lib/systemd/network",
	"/lib/systemd/network",
}

// networkdKinds are the Kind= values of systemd.netdev(5).
var networkdKinds = map[string]bool{
	"bond": true, "bridge": true, "dummy": true, "gre": true, "gretap": true, "erspan": true,
	"ip6gre": true, "ip6tnl": true, "ip6gretap": true, "ipip": true, "ipvlan": true, "ipvtap": true,
	"macvlan": true, "macvtap": true, "sit": true, "tap": true, "tun": true, "veth": true, "vlan": true,
	"vti": true, "vti6": true, "vxlan": true, "geneve": true, "l2tp": true, "macsec": true, "vrf": true,
	"vcan": true, "vxcan": true, "wireguard": true, "nlmon": true, "fou": true, "xfrm": true, "ifb": true,
	"bareudp": true, "batadv": true, "netdevsim": true, "wlan": true, "hsr": true, "ipoib": true,
}

// tunnelKinds are the kinds a [Network] Tunnel= may name.
var tunnelKinds = []string{"erspan", "gre", "gretap", "ip6gre", "ip6gretap", "ip6tnl", "ipip", "sit", "vti", "vti6"}

// netdevRef is a [Network] key that names a .netdev.
type netdevRef struct {
	key   string
	kinds []string
	// master: the link is enslaved to the netdev (one value, the last
	// wins); otherwise the netdev is stacked on the link (a list).
	master bool
}

var networkNetdevRefs = []netdevRef{
	{"Bridge", []string{"bridge"}, true},
	{"Bond", []string{"bond"}, true},
	{"VRF", []string{"vrf"}, true},
	{"BatmanAdvanced", []string{"batadv"}, true},
	{"VLAN", []string{"vlan"}, false},
	{"MACVLAN", []string{"macvlan"}, false},
	{"MACVTAP", []string{"macvtap"}, false},
	{"IPVLAN", []string{"ipvlan"}, false},
	{"IPVTAP", []string{"ipvtap"}, false},
	{"VXLAN", []string{"vxlan"}, false},
	{"Tunnel", tunnelKinds, false},
	{"MACsec", []string{"macsec"}, false},
	{"Xfrm", []string{"xfrm"}, false},
}

// stackedKey returns the [Network] key that attaches a netdev of this kind
// to its lower link.
func stackedKey(kind string) string {
	for _, r := range networkNetdevRefs {
		if r.master {
			continue
		}
		for _, k := range r.kinds {
			if k == kind {
				return r.key
			}
		}
	}
	return ""
}

// ndSection is a section of a networkd file or of one of its drop-ins.
type ndSection struct {
	INISection
	file string
}

// ndEntry is an assignment and the file it is in.
type ndEntry struct {
	INIEntry
	file string
}

// ndUnit is a .netdev, .network or .link file with its drop-ins.
type ndUnit struct {
	path     string // the main file, as on the examined system
	name     string // its base name
	typ      string // netdev, network, link
	sections []ndSection
	ignored  bool // networkd refuses the whole file (or a drop-in of it)
}

func (u *ndUnit) all(section, key string) []ndEntry {
	var out []ndEntry
	for _, s := range u.sections {
		if s.Name != section {
			continue
		}
		for _, e := range s.Entries {
			if e.Key == key {
				out = append(out, ndEntry{e, s.file})
			}
		}
	}
	return out
}

// last returns the last assignment of key; systemd's single-valued settings
// take the last one.
func (u *ndUnit) last(section, key string) (ndEntry, bool) {
	all := u.all(section, key)
	if len(all) == 0 {
		return ndEntry{}, false
	}
	return all[len(all)-1], true
}

func (u *ndUnit) section(name string) (ndSection, bool) {
	for _, s := range u.sections {
		if s.Name == name {
			return s, true
		}
	}
	return ndSection{}, false
}

// list is a systemd list setting: an empty assignment clears what came
// before, others add their whitespace-separated words.
func (u *ndUnit) list(section, key string) (words []string, cleared *ndEntry) {
	for _, e := range u.all(section, key) {
		if e.Value == "" {
			words = nil
			c := e
			cleared = &c
			continue
		}
		words = append(words, strings.Fields(e.Value)...)
	}
	return words, cleared
}

// systemdBool parses systemd's booleans.
func systemdBool(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "1", "yes", "y", "true", "t", "on":
		return true, true
	case "0", "no", "n", "false", "f", "off":
		return false, true
	}
	return false, false
}

// networkdIfNameProblem says why systemd-networkd refuses an interface name:
// the kernel's rules (ValidIfName), plus systemd's own stricter ones
// (ifname_valid()): printable ASCII only, no '%', not only digits.
func networkdIfNameProblem(name string) string {
	if err := source.ValidIfName(name); err != nil {
		return "the kernel refuses this name: " + err.Error()
	}
	digits := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c <= ' ' || c >= 0x7f:
			return fmt.Sprintf("systemd refuses it: byte %#02x at offset %d is not printable ASCII", c, i)
		case c == '%':
			return "systemd refuses '%' in interface names"
		case c < '0' || c > '9':
			digits = false
		}
	}
	if digits {
		if n, err := strconv.Atoi(name); err != nil || n > 0 {
			return "systemd refuses names made only of digits (they read as interface indexes)"
		}
	}
	return ""
}

// ndNetdev is a .netdev networkd accepts.
type ndNetdev struct {
	kind    string
	unit    *ndUnit
	file    string // where its Name= is
	line    int
	stacked bool // created only when a .network attaches it to a lower link
}

type ndAnalysis struct {
	e        *source.Env
	facts    *NetworkdFacts
	hints    []string
	netdevs  map[string]*ndNetdev
	ignored  map[string]string   // netdev name -> the .netdev networkd ignores
	attached map[string]bool     // stacked netdevs a loaded .network attaches
	lostRefs map[string][]string // netdev name -> ignored .network files that attach it
}

func (a *ndAnalysis) add(file string, line int, key, severity, msg string) {
	addFinding(&a.facts.Findings, Finding{Manager: ManagerNetworkd, File: file, Line: line, Key: key, Severity: severity, Message: msg})
}

// gatherNetworkd reads and checks systemd-networkd's configuration.
func gatherNetworkd(e *source.Env, gaps *source.Gaps, hints []string) NetworkdFacts {
	var f NetworkdFacts
	units := loadNetworkdUnits(e, &f, gaps)
	a := &ndAnalysis{e: e, facts: &f, hints: hints, netdevs: map[string]*ndNetdev{},
		ignored: map[string]string{}, attached: map[string]bool{}, lostRefs: map[string][]string{}}
	for _, u := range units {
		if u.typ == "netdev" && !u.ignored {
			a.netdev(u)
		}
	}
	var networks []*ndUnit
	for _, u := range units {
		switch {
		case u.ignored:
		case u.typ == "network":
			if a.network(u) {
				networks = append(networks, u)
			}
		case u.typ == "link":
			a.link(u)
		}
	}
	a.unattached()
	a.catchAll(networks)
	for _, u := range units {
		files := map[string]bool{u.path: true}
		var names []string
		for _, k := range [][2]string{{"NetDev", "Name"}, {"Peer", "Name"}, {"Match", "Name"}, {"Link", "Name"}} {
			for _, en := range u.all(k[0], k[1]) {
				files[en.file] = true
				names = append(names, strings.Fields(en.Value)...)
			}
		}
		tagDevices(f.Findings, files, names)
	}
	if len(a.netdevs) > 0 {
		f.Netdevs = map[string]string{}
		for n, d := range a.netdevs {
			f.Netdevs[n] = d.kind
		}
	}
	return f
}

// loadNetworkdUnits finds the files that take effect (a file hides those of
// the same name in lower directories), reads them with their drop-ins
// (NAME.d/*.conf in every directory), and reports what cannot be parsed.
// The units come sorted by file name, the order networkd loads them in.
func loadNetworkdUnits(e *source.Env, f *NetworkdFacts, gaps *source.Gaps) []*ndUnit {
	r := e.Root
	byName := map[string][]string{}  // file name -> its paths, by precedence
	dropins := map[string][]string{} // "NAME.d" -> its directories, by precedence
	seenDirs := map[[2]uint64]bool{}
	anyDir := false
	defer func() {
		if why := absentUnknown(r, NetworkdDirs); !anyDir && why != "" {
			gaps.AddReason("networkd.dirs", why)
		}
	}()
	for _, dir := range NetworkdDirs {
		res, names, err := listDir(r, dir)
		if err != nil {
			anyDir = true
			gaps.AddReason("networkd.files", dir+": "+source.Reason(err))
			continue
		}
		if res == "" {
			continue
		}
		anyDir = true
		if dev, ino, ok := dirIdentity(r, res); ok {
			if seenDirs[[2]uint64{dev, ino}] {
				continue // the same directory reached again (/lib -> /usr/lib)
			}
			seenDirs[[2]uint64{dev, ino}] = true
		}
		for _, n := range names {
			if strings.HasPrefix(n, ".") {
				continue
			}
			if unitType(n) != "" {
				byName[n] = append(byName[n], path.Join(dir, n))
			} else if strings.HasSuffix(n, ".d") && unitType(strings.TrimSuffix(n, ".d")) != "" {
				dropins[n] = append(dropins[n], path.Join(dir, n))
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)

	budget := newReadBudget("networkd.files")
	var units []*ndUnit
	for _, n := range names {
		var winner file
		var rest []string
		found := false
		for i, p := range byName[n] {
			cf := examine(r, p)
			if cf.info != nil && cf.info.IsDir() {
				continue // a directory with a unit's name is not a unit
			}
			winner, rest, found = cf, byName[n][i+1:], true
			break
		}
		if !found {
			continue
		}
		typ := unitType(n)
		f.Files = append(f.Files, ConfigFile{Path: winner.path, Type: typ, Masked: winner.masked, Symlink: winner.link})
		for _, p := range rest {
			f.Files = append(f.Files, ConfigFile{Path: p, Type: typ, ShadowedBy: winner.path})
		}
		if winner.masked {
			continue
		}
		if !budget.take(winner, gaps) {
			break
		}
		u := &ndUnit{path: winner.path, name: n, typ: typ}
		if !networkdReadInto(e, f, gaps, u, winner) {
			continue
		}
		networkdDropins(e, f, gaps, u, dropins[n+".d"], budget)
		units = append(units, u)
	}
	return units
}

// unitType is the kind of networkd file a name is, or "".
func unitType(name string) string {
	for _, t := range []string{"netdev", "network", "link"} {
		if strings.HasSuffix(name, "."+t) && len(name) > len(t)+1 {
			return t
		}
	}
	return ""
}

// networkdReadInto reads and parses one file of u (the main file or a
// drop-in), reports its parse problems, and appends its sections.
func networkdReadInto(e *source.Env, f *NetworkdFacts, gaps *source.Gaps, u *ndUnit, cf file) bool {
	reader := "systemd-networkd"
	if u.typ == "link" {
		reader = "systemd-udevd"
	}
	add := func(line int, sev, msg string) {
		addFinding(&f.Findings, Finding{Manager: ManagerNetworkd, File: cf.path, Line: line, Severity: sev, Message: msg})
	}
	if cf.err != nil {
		if isNotInTree(cf.err) {
			gaps.AddReason("networkd.link_targets", cf.path+": "+cf.err.Error())
			return false
		}
		if errors.Is(cf.err, os.ErrNotExist) {
			add(0, SeverityWarning, reader+" reads nothing from this file: it is a dangling symlink (and it still hides files of the same name in lower-precedence directories)")
			return false
		}
		gaps.AddReason("networkd.files", cf.path+": "+source.Reason(cf.err))
		return false
	}
	data, err := readFile(e.Root, cf)
	if err != nil {
		gaps.AddReason("networkd.files", cf.path+": "+source.Reason(err))
		return false
	}
	ini := parseINI(data, iniOptions{Mode: iniSystemd})
	if w, fatal := ini.Fatal(); fatal {
		// systemd stops reading at this line: what follows does not matter.
		what := "file"
		if cf.path != u.path {
			what = "drop-in, and with it " + shown(u.path)
		}
		add(w.Line, SeverityError, fmt.Sprintf("%s ignores this %s: line %d: %s", reader, what, w.Line, w.Message))
		u.ignored = true
		return true
	}
	for _, w := range ini.Warnings {
		switch {
		case w.OverLimit:
			add(w.Line, SeverityInfo, w.Message)
		default:
			add(w.Line, SeverityWarning, w.Message)
		}
	}
	for _, s := range ini.Sections {
		u.sections = append(u.sections, ndSection{s, cf.path})
	}
	return true
}

// networkdDropins reads u's drop-ins: *.conf in NAME.d in every directory,
// the first directory winning for a given drop-in name, in name order.
func networkdDropins(e *source.Env, f *NetworkdFacts, gaps *source.Gaps, u *ndUnit, dirs []string, budget *readBudget) {
	names, byName := confDropins(e.Root, dirs, "networkd.files", gaps)
	for _, n := range names {
		paths := byName[n]
		cf := examine(e.Root, paths[0])
		if cf.info != nil && cf.info.IsDir() {
			continue
		}
		f.Files = append(f.Files, ConfigFile{Path: cf.path, Type: "dropin", Masked: cf.masked, Symlink: cf.link})
		for _, p := range paths[1:] {
			f.Files = append(f.Files, ConfigFile{Path: p, Type: "dropin", ShadowedBy: cf.path})
		}
		if cf.masked {
			continue
		}
		if !budget.take(cf, gaps) {
			continue
		}
		networkdReadInto(e, f, gaps, u, cf)
	}
}

// ---- .netdev ----

func (a *ndAnalysis) netdev(u *ndUnit) {
	nd, ok := u.section("NetDev")
	if !ok {
		a.add(u.path, 0, "", SeverityError, "systemd-networkd ignores this .netdev: it has no [NetDev] section (Name= and Kind= belong there)")
		return
	}
	kind := a.netdevKind(u, nd)
	name := ""
	var nameAt ndEntry
	rejected := false
	for _, n := range u.all("NetDev", "Name") {
		if n.Value == "" {
			name = ""
			continue
		}
		if p := networkdIfNameProblem(n.Value); p != "" {
			a.add(n.file, n.Line, "Name", SeverityError, fmt.Sprintf("Name=%s: %s; systemd-networkd ignores this assignment", shown(n.Value), p))
			rejected = true
			continue
		}
		name, nameAt = n.Value, n
	}
	if name == "" {
		msg := "systemd-networkd ignores this .netdev: it has no Name="
		if rejected {
			msg = "systemd-networkd ignores this .netdev: it has no Name= it accepts"
		}
		a.add(nd.file, nd.Line, "Name", SeverityError, msg)
	}
	if name == "" || kind == "" {
		return
	}
	if !a.verifyKind(u, name, kind) {
		if _, dup := a.netdevs[name]; !dup {
			a.ignored[name] = u.path
		}
		return
	}
	if prev, dup := a.netdevs[name]; dup {
		a.add(nameAt.file, nameAt.Line, "Name", SeverityError, fmt.Sprintf(
			"%s is already defined by %s, which sorts first: systemd-networkd ignores this .netdev", name, shown(prev.unit.path)))
		a.add(prev.file, prev.line, "Name", SeverityError, fmt.Sprintf(
			"%s is also defined by %s; systemd-networkd uses this file and ignores that one (remove one of the two)", name, shown(u.path)))
		return
	}
	a.netdevs[name] = &ndNetdev{kind: kind, unit: u, file: nameAt.file, line: nameAt.Line, stacked: a.stacked(u, kind)}
}

// netdevKind returns the kind networkd takes: the first valid Kind= (a later,
// different one is ignored).
func (a *ndAnalysis) netdevKind(u *ndUnit, nd ndSection) string {
	kind := ""
	var kindAt ndEntry
	var unknown []ndEntry
	for _, k := range u.all("NetDev", "Kind") {
		switch {
		case !networkdKinds[k.Value]:
			unknown = append(unknown, k)
		case kind == "":
			kind, kindAt = k.Value, k
		case k.Value != kind:
			a.add(k.file, k.Line, "Kind", SeverityWarning, fmt.Sprintf(
				"Kind=%s is ignored: Kind=%s was set first (line %d)", shown(k.Value), kind, kindAt.Line))
		}
	}
	for _, k := range unknown {
		sev, tail := SeverityWarning, "it ignores this assignment"
		if kind == "" {
			sev, tail = SeverityError, "so it ignores this .netdev"
		}
		what := fmt.Sprintf("Kind=%s is not a kind systemd-networkd knows", shown(k.Value))
		if k.Value == "" {
			what = "Kind= is empty"
		}
		a.add(k.file, k.Line, "Kind", sev, fmt.Sprintf("%s, %s (known kinds: %s)", what, tail, knownKinds()))
	}
	if kind == "" && len(unknown) == 0 {
		a.add(nd.file, nd.Line, "Kind", SeverityError, "systemd-networkd ignores this .netdev: it has no Kind=")
	}
	return kind
}

func knownKinds() string {
	ks := make([]string, 0, len(networkdKinds))
	for k := range networkdKinds {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ", ")
}

// verifyKind checks what networkd's per-kind verification refuses a .netdev
// for, and reports it. It returns false when networkd ignores the .netdev.
func (a *ndAnalysis) verifyKind(u *ndUnit, name, kind string) bool {
	where := func(section string) (string, int) {
		if s, ok := u.section(section); ok {
			return s.file, s.Line
		}
		if s, ok := u.section("NetDev"); ok {
			return s.file, s.Line
		}
		return u.path, 0
	}
	ignoresThis := fmt.Sprintf("systemd-networkd ignores this %s .netdev (%s)", kind, name)
	switch kind {
	case "vlan":
		ok := false
		for _, id := range u.all("VLAN", "Id") {
			if v, err := strconv.ParseUint(id.Value, 10, 16); err == nil && v <= 4094 {
				ok = true
				continue
			}
			a.add(id.file, id.Line, "Id", SeverityWarning, fmt.Sprintf("Id=%s is not a VLAN ID (0-4094): systemd-networkd ignores this assignment", shown(id.Value)))
		}
		if !ok {
			file, line := where("VLAN")
			a.add(file, line, "Id", SeverityError, ignoresThis+": [VLAN] has no valid Id= (0-4094)")
			return false
		}
	case "vxlan":
		vni, set := uint64(0), false
		for _, key := range []string{"VNI", "Id"} {
			for _, v := range u.all("VXLAN", key) {
				n, err := strconv.ParseUint(v.Value, 10, 32)
				if err != nil {
					a.add(v.file, v.Line, key, SeverityWarning, fmt.Sprintf("%s=%s is not a number: systemd-networkd ignores this assignment", key, shown(v.Value)))
					continue
				}
				vni, set = n, true
			}
		}
		if !set || vni > 1<<24-1 {
			file, line := where("VXLAN")
			msg := ignoresThis + ": [VXLAN] has no VNI= (0-16777215)"
			if set {
				msg = fmt.Sprintf("%s: VNI=%d is over 16777215", ignoresThis, vni)
			}
			a.add(file, line, "VNI", SeverityError, msg)
			return false
		}
	case "veth":
		peer := ""
		for _, p := range u.all("Peer", "Name") {
			if p.Value == "" {
				peer = ""
				continue
			}
			if prob := networkdIfNameProblem(p.Value); prob != "" {
				a.add(p.file, p.Line, "Name", SeverityError, fmt.Sprintf("[Peer] Name=%s: %s; systemd-networkd ignores this assignment", shown(p.Value), prob))
				continue
			}
			peer = p.Value
		}
		file, line := where("Peer")
		switch peer {
		case "":
			a.add(file, line, "Name", SeverityError, ignoresThis+": [Peer] has no Name= for the other end of the pair (unlike `ip link add`, networkd does not let the kernel pick one)")
			return false
		case name:
			a.add(file, line, "Name", SeverityError, ignoresThis+": the [Peer] Name= is the same as the [NetDev] Name=")
			return false
		}
	case "wireguard":
		key, hasKey := u.last("WireGuard", "PrivateKey")
		keyFile, hasFile := u.last("WireGuard", "PrivateKeyFile")
		hasKey = hasKey && key.Value != ""
		hasFile = hasFile && keyFile.Value != ""
		if !hasKey && !hasFile {
			file, line := where("WireGuard")
			a.add(file, line, "PrivateKey", SeverityError, ignoresThis+": [WireGuard] has no PrivateKey= or PrivateKeyFile=")
			return false
		}
		if hasFile {
			// Only whether the file exists: the key itself is never read.
			kf := examine(a.e.Root, keyFile.Value)
			switch {
			case !strings.HasPrefix(keyFile.Value, "/"):
				a.add(keyFile.file, keyFile.Line, "PrivateKeyFile", SeverityWarning, fmt.Sprintf("PrivateKeyFile=%s is not an absolute path: systemd-networkd ignores this assignment", shown(keyFile.Value)))
				if !hasKey {
					a.add(keyFile.file, keyFile.Line, "PrivateKeyFile", SeverityError, ignoresThis+": it has no usable private key")
					return false
				}
			case errors.Is(kf.err, os.ErrNotExist):
				a.add(keyFile.file, keyFile.Line, "PrivateKeyFile", SeverityError, fmt.Sprintf("%s: PrivateKeyFile=%s does not exist", ignoresThis, shown(keyFile.Value)))
				return false
			case kf.masked || (kf.info != nil && !kf.info.Mode().IsRegular()):
				a.add(keyFile.file, keyFile.Line, "PrivateKeyFile", SeverityError, fmt.Sprintf("%s: PrivateKeyFile=%s is not a regular file with a key in it", ignoresThis, shown(keyFile.Value)))
				return false
			}
		}
	}
	return true
}

// stacked reports whether networkd creates the netdev only when a .network
// attaches it to a lower link (and not on its own).
func (a *ndAnalysis) stacked(u *ndUnit, kind string) bool {
	independent := func(section string) bool {
		if v, ok := u.last(section, "Independent"); ok {
			b, _ := systemdBool(v.Value)
			return b
		}
		return false
	}
	switch kind {
	case "vlan", "macvlan", "macvtap", "ipvlan", "ipvtap", "macsec":
		return true
	case "vxlan":
		return !independent("VXLAN")
	case "xfrm":
		return !independent("Xfrm")
	}
	for _, k := range tunnelKinds {
		if k == kind {
			return !independent("Tunnel")
		}
	}
	return false
}

// unattached reports stacked netdevs no loaded .network attaches: networkd
// never creates them.
func (a *ndAnalysis) unattached() {
	names := make([]string, 0, len(a.netdevs))
	for n := range a.netdevs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		d := a.netdevs[n]
		if !d.stacked || a.attached[n] {
			continue
		}
		key := stackedKey(d.kind)
		msg := fmt.Sprintf("%s (%s) is never created: networkd creates a %s only on the link whose .network names it in [Network] %s=%s, and no .network does",
			n, d.kind, d.kind, key, n)
		if lost := a.lostRefs[n]; len(lost) > 0 {
			msg = fmt.Sprintf("%s (%s) is never created: the only .network that attaches it with %s=%s (%s) is ignored by networkd",
				n, d.kind, key, n, shownList(lost))
		}
		if d.kind == "vxlan" || d.kind == "xfrm" || stackedKey(d.kind) == "Tunnel" {
			msg += "; or set Independent=yes to create it without a lower link"
		}
		a.add(d.file, d.line, "Name", SeverityWarning, msg)
	}
}

// ---- .network ----

// networkMatchKeys are the [Match] keys that select links; the condition
// keys only test the system.
var networkMatchKeys = []string{"MACAddress", "PermanentMACAddress", "Path", "Driver", "Type", "Kind", "Name",
	"Property", "WLANInterfaceType", "SSID", "BSSID"}
var networkConditionKeys = []string{"Host", "Virtualization", "KernelCommandLine", "KernelVersion", "Credential",
	"Architecture", "Firmware"}

// ndMatch is the effective [Match] of a .network.
type ndMatch struct {
	lists      map[string][]string // match key -> its patterns
	conditions bool
}

func (m ndMatch) empty() bool {
	for _, l := range m.lists {
		if len(l) > 0 {
			return false
		}
	}
	return !m.conditions
}

func networkMatch(u *ndUnit, keys []string) (ndMatch, map[string]*ndEntry) {
	m := ndMatch{lists: map[string][]string{}}
	cleared := map[string]*ndEntry{}
	for _, k := range keys {
		m.lists[k], cleared[k] = u.list("Match", k)
	}
	for _, k := range networkConditionKeys {
		if words, _ := u.list("Match", k); len(words) > 0 {
			m.conditions = true
		}
	}
	return m, cleared
}

// network checks a .network and records the netdevs it uses. It returns
// false when networkd ignores the file.
func (a *ndAnalysis) network(u *ndUnit) bool {
	loaded := a.networkMatch(u, "systemd-networkd", "this .network", "Name", networkMatchKeys)
	for _, ref := range networkNetdevRefs {
		var entries []ndEntry
		if ref.master {
			if e, ok := u.last("Network", ref.key); ok && e.Value != "" {
				entries = []ndEntry{e}
			}
		} else {
			for _, e := range u.all("Network", ref.key) {
				if e.Value != "" {
					entries = append(entries, e)
				}
			}
		}
		for _, e := range entries {
			a.netdevRef(u, ref, e, loaded)
		}
	}
	return loaded
}

// networkMatch checks the [Match] of a .network or .link file; it returns
// false when the file is ignored for an empty match.
func (a *ndAnalysis) networkMatch(u *ndUnit, reader, this, nameKey string, keys []string) bool {
	m, cleared := networkMatch(u, keys)
	sec, hasMatch := u.section("Match")
	older := "older versions applied such a file to every link, docker and CNI veths included"
	switch {
	case !hasMatch:
		a.add(u.path, 0, "", SeverityWarning, fmt.Sprintf(
			"%s ignores %s: it has no [Match] section (%s). To match every link on purpose, add [Match] %s=*", reader, this, older, nameKey))
		return false
	case m.empty() && cleared[nameKey] != nil:
		c := cleared[nameKey]
		a.add(c.file, c.Line, nameKey, SeverityWarning, fmt.Sprintf(
			"%s= is empty, which clears the %s= patterns before it, and nothing else is left in [Match]: %s ignores %s (%s)", nameKey, nameKey, reader, this, older))
		return false
	case m.empty():
		a.add(sec.file, sec.Line, "", SeverityWarning, fmt.Sprintf(
			"%s ignores %s: its [Match] section has no condition (%s). To match every link on purpose, add %s=*", reader, this, older, nameKey))
		return false
	case cleared[nameKey] != nil && len(m.lists[nameKey]) == 0:
		c := cleared[nameKey]
		a.add(c.file, c.Line, nameKey, SeverityWarning, fmt.Sprintf(
			"%s= is empty: it clears the %s= patterns before it, so [Match] now selects links by its other settings only", nameKey, nameKey))
	}
	return true
}

func (a *ndAnalysis) netdevRef(u *ndUnit, ref netdevRef, e ndEntry, loaded bool) {
	name := e.Value
	action := "cannot create " + name + " on this link"
	if ref.master {
		action = "cannot enslave this link to " + name
	}
	if p := networkdIfNameProblem(name); p != "" {
		a.add(e.file, e.Line, ref.key, SeverityError, fmt.Sprintf("%s=%s: %s; systemd-networkd ignores this assignment", ref.key, shown(name), p))
		return
	}
	d, ok := a.netdevs[name]
	switch {
	case !ok && a.ignored[name] != "":
		a.add(e.file, e.Line, ref.key, SeverityError, fmt.Sprintf(
			"%s=%s: the .netdev that defines %s (%s) is ignored by networkd (see the finding on that file), so networkd %s", ref.key, name, name, shown(a.ignored[name]), action))
	case !ok:
		a.add(e.file, e.Line, ref.key, SeverityError, fmt.Sprintf(
			"%s=%s: no .netdev defines %s; networkd %s", ref.key, name, name, action))
	case !kindIn(d.kind, ref.kinds):
		want := ref.kinds[0]
		if ref.key == "Tunnel" {
			want = "tunnel (" + strings.Join(tunnelKinds, ", ") + ")"
		}
		a.add(e.file, e.Line, ref.key, SeverityError, fmt.Sprintf(
			"%s=%s: %s is a %s (%s), not a %s; networkd ignores this assignment", ref.key, name, name, d.kind, shown(d.unit.path), want))
	case !ref.master && loaded:
		a.attached[name] = true
	case !ref.master:
		a.lostRefs[name] = append(a.lostRefs[name], u.path)
	}
}

func kindIn(k string, kinds []string) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

// ---- .link ----

var linkMatchKeys = []string{"MACAddress", "PermanentMACAddress", "OriginalName", "Path", "Driver", "Type", "Kind", "Property"}

func (a *ndAnalysis) link(u *ndUnit) {
	a.networkMatch(u, "systemd-udevd", "this .link", "OriginalName", linkMatchKeys)
	for _, n := range u.all("Link", "Name") {
		if n.Value == "" {
			continue
		}
		if p := networkdIfNameProblem(n.Value); p != "" {
			a.add(n.file, n.Line, "Name", SeverityError, fmt.Sprintf("Name=%s: %s; systemd-udevd ignores this assignment and does not rename the link", shown(n.Value), p))
		}
	}
}

// ---- links docker and CNI create ----

// netMatchStrv is systemd's test of a [Match] pattern list: a link matches
// when a positive pattern matches and no "!"-negated one does; a list of
// negated patterns only matches every name none of them matches.
func netMatchStrv(patterns []string, s string) bool {
	match, positive := false, false
	for _, p := range patterns {
		invert := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if !invert {
			positive = true
		}
		if ok, err := path.Match(p, s); err == nil && ok {
			if invert {
				return false
			}
			match = true
		}
	}
	if positive {
		return match
	}
	return true
}

// selects reports whether a .network's [Match] selects the link, when that
// can be told from its name, kind and driver alone.
func (m ndMatch) selects(l containerLink) (selects, decidable bool) {
	for k, v := range m.lists {
		if len(v) > 0 && k != "Name" && k != "Kind" && k != "Driver" {
			return false, false
		}
	}
	if m.empty() {
		return false, true
	}
	for _, t := range []struct {
		key, value string
	}{{"Name", l.name}, {"Kind", l.kind}, {"Driver", l.driver}} {
		if p := m.lists[t.key]; len(p) > 0 && !netMatchStrv(p, t.value) {
			return false, true
		}
	}
	return true, true
}

// catchAll reports .network files whose [Match] also selects the links
// docker and CNI create: networkd then configures those links too. Only
// the first matching file (by name) applies to a link, and [Link]
// Unmanaged=yes in it leaves the link alone.
func (a *ndAnalysis) catchAll(networks []*ndUnit) {
	caught := map[*ndUnit][]string{}
	var order []*ndUnit
	for _, l := range containerLinks {
		for _, u := range networks {
			m, _ := networkMatch(u, networkMatchKeys)
			// A file that matches on other things (a MAC address, a path)
			// cannot be judged here; it is passed over.
			if sel, ok := m.selects(l); !ok || !sel {
				continue
			}
			if v, ok := u.last("Link", "Unmanaged"); ok {
				if b, _ := systemdBool(v.Value); b {
					break
				}
			}
			if _, seen := caught[u]; !seen {
				order = append(order, u)
			}
			caught[u] = append(caught[u], l.name)
			break
		}
	}
	sev := SeverityInfo
	why := "No docker, containerd or CNI installation was found, so this matters only if one is added."
	if len(a.hints) > 0 {
		sev = SeverityWarning
		why = "Container runtime found: " + strings.Join(a.hints, ", ") + "."
	}
	for _, u := range order {
		file, line := u.path, 0
		if s, ok := u.section("Match"); ok {
			file, line = s.file, s.Line
		}
		names := caught[u]
		a.add(file, line, "Name", sev, fmt.Sprintf(
			"this .network's [Match] also selects the interfaces docker and CNI create (such as %s): systemd-networkd will configure them (addresses, DHCP, up/down) and fight the container runtime. %s "+
				"Narrow [Match], or add a .network that sorts before this one with [Match] Name=veth* docker0 br-* cni0 cali* flannel* and [Link] Unmanaged=yes",
			strings.Join(names, ", "), why))
	}
}
