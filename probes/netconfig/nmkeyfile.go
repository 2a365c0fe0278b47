package netconfig

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// NMFacts are NetworkManager's keyfiles and configuration, and its state.
type NMFacts struct {
	// Running is whether a NetworkManager process runs (nil: unknown).
	Running *bool `json:"running,omitempty"`
	PID     int   `json:"pid,omitempty"`
	// Keyfiles is how many connection profiles (keyfiles) were examined.
	Keyfiles int `json:"keyfiles"`
	// Files are the keyfiles and configuration files examined.
	Files []ConfigFile `json:"files,omitempty"`
	// Unmanaged are the configuration entries that keep NetworkManager off
	// devices: [keyfile] unmanaged-devices specs and [device*] sections with
	// managed=0.
	Unmanaged []string `json:"unmanaged,omitempty"`
	// VethUdevRule is the udev rule file that marks veth devices unmanaged
	// (NetworkManager 1.20 and later ship it), if found.
	VethUdevRule string    `json:"veth_udev_rule,omitempty"`
	Findings     []Finding `json:"findings,omitempty"`
	// Journal are NetworkManager's recent warnings and errors that report a
	// failure.
	Journal []source.LogLine `json:"journal,omitempty"`

	unmanaged []nmSpecSet
}

// nmSpecSet is one device match list that makes devices unmanaged.
type nmSpecSet struct {
	source string
	specs  []string
}

const NMMainConf = "/etc/NetworkManager/NetworkManager.conf"

// nmConfDirs are NetworkManager's conf.d directories, highest precedence
// first: a file in /etc hides the file of the same name in the others.
var nmConfDirs = []string{"/etc/NetworkManager/conf.d", "/run/NetworkManager/conf.d", "/usr/lib/NetworkManager/conf.d"}

// nmKeyfileDir is a directory of keyfiles. NetworkManager accepts files
// without the .nmconnection extension only in the /etc directory.
type nmKeyfileDir struct {
	path     string
	storage  string // run, etc, lib: a profile in run shadows one in etc, which shadows lib
	priority int
}

// nmBaseTypes maps the sections that give a connection its type (the
// "base" settings) to that type. NetworkManager takes type= from such a
// section when [connection] has none.
var nmBaseTypes = map[string]string{
	"802-3-ethernet": "802-3-ethernet", "ethernet": "802-3-ethernet",
	"802-11-wireless": "802-11-wireless", "wifi": "802-11-wireless",
	"6lowpan": "6lowpan", "adsl": "adsl", "bluetooth": "bluetooth", "bond": "bond", "bridge": "bridge",
	"cdma": "cdma", "dummy": "dummy", "generic": "generic", "geneve": "geneve", "gsm": "gsm", "hsr": "hsr",
	"infiniband": "infiniband", "ip-tunnel": "ip-tunnel", "ipvlan": "ipvlan", "loopback": "loopback",
	"macsec": "macsec", "macvlan": "macvlan", "olpc-mesh": "olpc-mesh", "ovs-bridge": "ovs-bridge",
	"ovs-interface": "ovs-interface", "ovs-port": "ovs-port", "team": "team", "tun": "tun", "veth": "veth",
	"vlan": "vlan", "vpn": "vpn", "vrf": "vrf", "vxlan": "vxlan", "wifi-p2p": "wifi-p2p", "wimax": "wimax",
	"wireguard": "wireguard", "wpan": "wpan",
}

// nmTypeAliases are the short type names keyfiles may use.
var nmTypeAliases = map[string]string{"ethernet": "802-3-ethernet", "wifi": "802-11-wireless"}

// nmNoKernelIfname are connection types whose interface-name is not a
// kernel interface name (OVS bridges and ports, modems, Bluetooth, VPNs).
var nmNoKernelIfname = map[string]bool{"ovs-bridge": true, "ovs-port": true, "gsm": true, "cdma": true,
	"bluetooth": true, "vpn": true}

// nmProfile is a keyfile and what the cross-file checks need of it.
type nmProfile struct {
	path     string
	priority int
	id       string
	uuid     string
	ifname   string
	master   ndEntry // controller= or master=; Value "" when none
	ignored  bool    // NetworkManager does not load it
}

func (f *NMFacts) add(file string, line int, key, severity, msg string) {
	addFinding(&f.Findings, Finding{Manager: ManagerNetworkManager, File: file, Line: line, Key: key, Severity: severity, Message: msg})
}

// gatherNM reads and checks NetworkManager's configuration and keyfiles.
func gatherNM(e *source.Env, gaps *source.Gaps) NMFacts {
	var f NMFacts
	etcDir := f.readConf(e, gaps)
	f.VethUdevRule = nmVethRule(e.Root)
	dirs := []nmKeyfileDir{
		{"/run/NetworkManager/system-connections", "run", 0},
		{etcDir, "etc", 1},
		{"/usr/lib/NetworkManager/system-connections", "lib", 2},
	}
	f.keyfiles(e, gaps, dirs)
	all := append([]string{NMMainConf}, nmConfDirs...)
	for _, d := range dirs {
		all = append(all, d.path)
	}
	anyDir := false
	for _, d := range all {
		if e.Root.Exists(d) {
			anyDir = true
		}
	}
	if why := absentUnknown(e.Root, all); !anyDir && why != "" {
		gaps.AddReason("network_manager.dirs", why)
	}
	return f
}

// ---- NetworkManager.conf ----

// readConf reads NetworkManager.conf and conf.d, in NetworkManager's order
// (/usr/lib and /run conf.d, then NetworkManager.conf, then /etc conf.d),
// collects what makes devices unmanaged, and returns the keyfile directory
// ([keyfile] path=, by default /etc/NetworkManager/system-connections).
func (f *NMFacts) readConf(e *source.Env, gaps *source.Gaps) string {
	names, byName := confDropins(e.Root, nmConfDirs, "network_manager.conf", gaps)
	var system, user []string
	for _, n := range names {
		paths := byName[n]
		for _, p := range paths[1:] {
			f.Files = append(f.Files, ConfigFile{Path: p, Type: "conf", ShadowedBy: paths[0]})
		}
		if strings.HasPrefix(paths[0], "/etc/") {
			user = append(user, paths[0])
		} else {
			system = append(system, paths[0])
		}
	}
	order := append(append(system, NMMainConf), user...)

	type value struct {
		v    string
		file string
	}
	keyfile := map[string]value{}
	var unmanaged []string
	unmanagedFrom := ""
	devices := map[string]map[string]value{}
	var deviceOrder []string
	budget := newReadBudget("network_manager.conf")
	for _, p := range order {
		cf := examine(e.Root, p)
		if cf.err != nil {
			if isNotInTree(cf.err) {
				gaps.AddReason("network_manager.link_targets", p+": "+cf.err.Error())
			} else if !errors.Is(cf.err, os.ErrNotExist) {
				gaps.AddReason("network_manager.conf", p+": "+source.Reason(cf.err))
			}
			continue
		}
		f.Files = append(f.Files, ConfigFile{Path: p, Type: "conf", Masked: cf.masked, Symlink: cf.link})
		if cf.masked || !budget.take(cf, gaps) {
			continue
		}
		data, err := readFile(e.Root, cf)
		if err != nil {
			gaps.AddReason("network_manager.conf", p+": "+source.Reason(err))
			continue
		}
		ini := parseINI(data, iniOptions{Mode: iniKeyfile})
		if w, bad := ini.Fatal(); bad {
			f.add(p, w.Line, "", SeverityError, fmt.Sprintf("NetworkManager cannot parse this configuration file: line %d: %s", w.Line, w.Message))
			continue
		}
		for _, s := range ini.Sections {
			isDevice := s.Name == "device" || strings.HasPrefix(s.Name, "device-")
			if isDevice && devices[s.Name] == nil {
				devices[s.Name] = map[string]value{}
				deviceOrder = append(deviceOrder, s.Name)
			}
			for _, en := range s.Entries {
				switch {
				case s.Name == "keyfile" && en.Key == "unmanaged-devices":
					unmanaged, unmanagedFrom = nmSplitSpecs(en.Value), p
				case s.Name == "keyfile" && en.Key == "unmanaged-devices+":
					unmanaged, unmanagedFrom = append(unmanaged, nmSplitSpecs(en.Value)...), p
				case s.Name == "keyfile" && en.Key == "unmanaged-devices-":
					unmanaged = nmRemoveSpecs(unmanaged, nmSplitSpecs(en.Value))
				case s.Name == "keyfile":
					keyfile[en.Key] = value{en.Value, p}
				case isDevice:
					devices[s.Name][en.Key] = value{en.Value, p}
				}
			}
		}
	}
	if len(unmanaged) > 0 {
		f.unmanaged = append(f.unmanaged, nmSpecSet{source: "[keyfile] unmanaged-devices (" + unmanagedFrom + ")", specs: unmanaged})
		f.Unmanaged = append(f.Unmanaged, unmanaged...)
	}
	for _, name := range deviceOrder {
		d := devices[name]
		managed, ok := d["managed"]
		if !ok {
			continue
		}
		if b, ok := glibBool(managed.v); !ok || b {
			continue
		}
		specs := []string{"*"} // a [device] section without match-device applies to every device
		if m, ok := d["match-device"]; ok {
			specs = nmSplitSpecs(m.v)
		}
		f.unmanaged = append(f.unmanaged, nmSpecSet{source: "[" + name + "] (" + managed.file + ")", specs: specs})
		f.Unmanaged = append(f.Unmanaged, "["+name+"] managed=0 match-device="+strings.Join(specs, ","))
	}
	if p, ok := keyfile["path"]; ok && strings.HasPrefix(p.v, "/") {
		return path.Clean(p.v)
	}
	return "/etc/NetworkManager/system-connections"
}

// glibBool parses the booleans NetworkManager accepts in its configuration.
func glibBool(s string) (bool, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "true", "on", "y":
		return true, true
	case "0", "no", "false", "off", "n":
		return false, true
	}
	return false, false
}

// nmSplitSpecs splits a device spec list (separated by ',' or ';').
func nmSplitSpecs(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

func nmRemoveSpecs(list, remove []string) []string {
	var out []string
	for _, x := range list {
		keep := true
		for _, r := range remove {
			if x == r {
				keep = false
			}
		}
		if keep {
			out = append(out, x)
		}
	}
	return out
}

// nmSpecMatch is NetworkManager's device spec matching: "except:" specs
// exclude; a list of only "except:" specs matches every other device.
func nmSpecMatch(specs []string, l containerLink) bool {
	hasExcept, hasPositive, match := false, false, false
	for _, s := range specs {
		if x, ok := strings.CutPrefix(s, "except:"); ok {
			hasExcept = true
			if nmSpecOne(x, l) {
				return false
			}
			continue
		}
		hasPositive = true
		if nmSpecOne(s, l) {
			match = true
		}
	}
	if hasExcept && !hasPositive {
		return true
	}
	return match
}

func nmSpecOne(s string, l containerLink) bool {
	if s == "*" {
		return true
	}
	kind, v, ok := strings.Cut(s, ":")
	if !ok {
		return false // a bare MAC address
	}
	switch kind {
	case "interface-name":
		if exact, ok := strings.CutPrefix(v, "="); ok {
			return exact == l.name
		}
		return simpleGlob(strings.TrimPrefix(v, "~"), l.name)
	case "type":
		return simpleGlob(v, l.kind)
	case "driver":
		drv, _, _ := strings.Cut(v, "/")
		return simpleGlob(drv, l.driver)
	}
	return false
}

// simpleGlob is GLib's g_pattern_match_simple(): '*' and '?' only.
func simpleGlob(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	switch pattern[0] {
	case '*':
		for i := 0; i <= len(s); i++ {
			if simpleGlob(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	case '?':
		return s != "" && simpleGlob(pattern[1:], s[1:])
	}
	return s != "" && s[0] == pattern[0] && simpleGlob(pattern[1:], s[1:])
}

// nmVethRule finds the udev rule that marks veth devices unmanaged
// (85-nm-unmanaged.rules; a file of that name in /etc overrides it).
func nmVethRule(r source.Root) string {
	for _, d := range []string{"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d"} {
		p := d + "/85-nm-unmanaged.rules"
		cf := examine(r, p)
		if errors.Is(cf.err, os.ErrNotExist) {
			continue
		}
		if cf.err != nil || cf.masked {
			return ""
		}
		data, err := readFile(r, cf)
		if err != nil {
			return ""
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if !strings.HasPrefix(line, "#") && strings.Contains(line, "veth") && strings.Contains(line, "NM_UNMANAGED") {
				return p
			}
		}
		return ""
	}
	return ""
}

// addTakeoverFinding warns when NetworkManager runs and nothing keeps it off
// the interfaces docker and CNI create.
func (f *NMFacts) addTakeoverFinding(hints []string) {
	if f.Running == nil || !*f.Running {
		return
	}
	var atRisk []string
	for _, l := range containerLinks {
		if f.VethUdevRule != "" && l.driver == "veth" {
			continue
		}
		unmanaged := false
		for _, set := range f.unmanaged {
			if nmSpecMatch(set.specs, l) {
				unmanaged = true
				break
			}
		}
		if !unmanaged {
			atRisk = append(atRisk, l.name)
		}
	}
	if len(atRisk) == 0 {
		return
	}
	sev := SeverityInfo
	found := "no docker, containerd or CNI installation was found, so this matters only if one is added"
	if len(hints) > 0 {
		sev = SeverityWarning
		found = "found: " + strings.Join(hints, ", ")
	}
	veth := "the udev rule that NetworkManager 1.20 and later ship to leave veth devices alone (85-nm-unmanaged.rules) was not found, so veth ends are at risk too"
	if f.VethUdevRule != "" {
		veth = "veth ends are left alone by " + f.VethUdevRule + ", so the bridges are what is at risk"
	}
	f.add(NMMainConf, 0, "unmanaged-devices", sev, fmt.Sprintf(
		"NetworkManager runs and nothing marks the interfaces docker and CNI create unmanaged (e.g. %s; %s): NetworkManager may take them over (a profile that matches by type or name, or its automatic wired profile, can activate on them and change their addresses); %s. "+
			"Fix: a file /etc/NetworkManager/conf.d/99-containers.conf with [keyfile] unmanaged-devices=interface-name:docker0;interface-name:br-*;interface-name:cni0;interface-name:flannel*;interface-name:veth*;interface-name:cali*, then `systemctl reload NetworkManager`",
		strings.Join(atRisk, ", "), found, veth))
}

// ---- keyfiles ----

// nmIgnoredName reports the file names NetworkManager skips in a keyfile
// directory: hidden and backup files, editor swap files, certificates.
func nmIgnoredName(n string, requireExtension bool) bool {
	if strings.HasPrefix(n, ".") || strings.HasSuffix(n, "~") {
		return true
	}
	for _, s := range []string{".swp", ".swpx", ".pem", ".der", ".nmmeta"} {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return requireExtension && !strings.HasSuffix(n, ".nmconnection")
}

func (f *NMFacts) keyfiles(e *source.Env, gaps *source.Gaps, dirs []nmKeyfileDir) {
	// NetworkManager checks keyfile ownership against its own uid, root.
	// Under a captured root unpacked by someone else every file belongs to
	// them, so ownership is only checked when the capture is root's.
	ownerCheck := e.Root.Live()
	if !ownerCheck {
		var st syscall.Stat_t
		ownerCheck = syscall.Stat(e.Root.Dir, &st) == nil && st.Uid == 0
	}
	tombstones := map[string]bool{}
	var profiles []*nmProfile
	budget := newReadBudget("network_manager.keyfiles")
dirs:
	for _, d := range dirs {
		_, names, err := listDir(e.Root, d.path)
		if err != nil {
			gaps.AddReason("network_manager.keyfiles", d.path+": "+source.Reason(err))
			continue
		}
		for _, n := range names {
			p := path.Join(d.path, n)
			if strings.HasSuffix(n, ".nmmeta") && d.storage != "lib" {
				// <uuid>.nmmeta -> /dev/null deletes the profile of that UUID
				// that /usr/lib provides.
				if cf := examine(e.Root, p); cf.masked {
					tombstones[strings.ToLower(strings.TrimSuffix(n, ".nmmeta"))] = true
					f.Files = append(f.Files, ConfigFile{Path: p, Type: "nmmeta", Masked: true})
				}
				continue
			}
			if nmIgnoredName(n, d.storage != "etc") {
				continue
			}
			cf := examine(e.Root, p)
			if cf.info != nil && cf.info.IsDir() {
				continue
			}
			if !budget.take(cf, gaps) {
				break dirs
			}
			f.Files = append(f.Files, ConfigFile{Path: p, Type: "nmconnection", Masked: cf.masked, Symlink: cf.link})
			f.Keyfiles++
			if pr := f.keyfile(e, gaps, cf, d, ownerCheck); pr != nil {
				profiles = append(profiles, pr)
				var names []string
				for _, n := range []string{pr.ifname, pr.master.Value} {
					if n != "" {
						names = append(names, n)
					}
				}
				tagDevices(f.Findings, map[string]bool{p: true}, names)
			}
		}
	}
	var live []*nmProfile
	for _, p := range profiles {
		if p.priority == 2 && tombstones[strings.ToLower(p.uuid)] {
			continue // deleted by a tombstone in /etc or /run
		}
		live = append(live, p)
	}
	f.duplicateUUIDs(live)
	f.masters(live)
}

// keyfile checks one keyfile as NetworkManager's keyfile reader does.
func (f *NMFacts) keyfile(e *source.Env, gaps *source.Gaps, cf file, d nmKeyfileDir, ownerCheck bool) *nmProfile {
	p := cf.path
	pr := &nmProfile{path: p, priority: d.priority}
	if isNotInTree(cf.err) {
		gaps.AddReason("network_manager.link_targets", p+": "+cf.err.Error())
		return nil
	}
	if cf.err != nil && !errors.Is(cf.err, os.ErrNotExist) {
		gaps.AddReason("network_manager.keyfiles", p+": "+source.Reason(cf.err))
		return nil
	}
	switch {
	case cf.err != nil:
		f.add(p, 0, "", SeverityError, "NetworkManager ignores this keyfile: it is a dangling symlink")
		return nil
	case cf.info == nil:
		f.add(p, 0, "", SeverityError, "NetworkManager ignores this keyfile: it is a symlink to /dev/null, not a regular file")
		return nil
	case !cf.info.Mode().IsRegular():
		f.add(p, 0, "", SeverityError, "NetworkManager ignores this keyfile: it is not a regular file")
		return nil
	case cf.masked:
		f.add(p, 0, "", SeverityError, "NetworkManager cannot load this keyfile: it is empty")
		return nil
	}
	// NetworkManager stat()s the keyfile (following a symlink): it must be
	// owned by root, with no permission for group or others.
	var problems []string
	if mode := cf.info.Mode().Perm(); mode&0o077 != 0 {
		problems = append(problems, fmt.Sprintf("mode %04o", mode))
	}
	if st, ok := cf.info.Sys().(*syscall.Stat_t); ok && ownerCheck && st.Uid != 0 {
		problems = append(problems, fmt.Sprintf("owner uid %d", st.Uid))
	}
	if len(problems) > 0 {
		f.add(p, 0, "", SeverityError, fmt.Sprintf(
			"NetworkManager ignores this keyfile: %s (it must be 0600 and owned by root: group and others may have no access); fix: chown root:root %s && chmod 600 %s",
			strings.Join(problems, ", "), shown(p), shown(p)))
		pr.ignored = true
	}
	data, err := readFile(e.Root, cf)
	if err != nil {
		gaps.AddReason("network_manager.keyfiles", p+": "+source.Reason(err))
		return nil
	}
	ini := parseINI(data, iniOptions{Mode: iniKeyfile})
	if w, fatal := ini.Fatal(); fatal {
		// GLib stops at the first error: what follows does not matter.
		f.add(p, w.Line, "", SeverityError, fmt.Sprintf("NetworkManager cannot load this keyfile: line %d: %s", w.Line, w.Message))
		pr.ignored = true
		return pr
	}
	for _, w := range ini.Warnings {
		switch {
		case w.OverLimit:
			f.add(p, w.Line, "", SeverityInfo, w.Message)
		default:
			f.add(p, w.Line, "", SeverityWarning, w.Message)
		}
	}
	u := &ndUnit{path: p}
	for _, s := range ini.Sections {
		u.sections = append(u.sections, ndSection{s, p})
	}
	conLine := 0
	if s, ok := u.section("connection"); ok {
		conLine = s.Line
	}

	typ := ""
	if t, ok := u.last("connection", "type"); ok {
		typ = t.Value
		if typ == "" {
			f.add(p, t.Line, "type", SeverityError, "NetworkManager cannot load this keyfile: type= is empty")
			pr.ignored = true
		}
		if a, ok := nmTypeAliases[typ]; ok {
			typ = a
		}
	} else {
		for _, s := range ini.Sections {
			if t, ok := nmBaseTypes[s.Name]; ok {
				typ = t
				f.add(p, conLine, "type", SeverityInfo, fmt.Sprintf("[connection] has no type=: NetworkManager takes type=%s from the [%s] section", t, shown(s.Name)))
				break
			}
		}
		if typ == "" {
			f.add(p, conLine, "type", SeverityError,
				"NetworkManager cannot load this keyfile: [connection] has no type= and no section (such as [ethernet], [wifi], [bridge], [vlan]) tells the type")
			pr.ignored = true
		}
	}

	if id, ok := u.last("connection", "id"); ok && id.Value != "" {
		pr.id = id.Value
	} else if !ok {
		pr.id = strings.TrimSuffix(path.Base(p), ".nmconnection")
		f.add(p, conLine, "id", SeverityInfo, fmt.Sprintf("[connection] has no id=: NetworkManager names this profile %s after the file", strconv.Quote(pr.id)))
	}

	if uuid, ok := u.last("connection", "uuid"); ok {
		if !nmValidUUID(uuid.Value) {
			f.add(p, uuid.Line, "uuid", SeverityError, fmt.Sprintf("NetworkManager cannot load this keyfile: uuid=%s is not a valid UUID", shown(uuid.Value)))
			pr.ignored = true
		}
		pr.uuid = uuid.Value
	} else {
		f.add(p, conLine, "uuid", SeverityInfo,
			"[connection] has no uuid=: NetworkManager derives one from the file's path, so renaming or moving the file changes it (and breaks master=/controller= references to it)")
	}

	ifn, ok := u.last("connection", "interface-name")
	if !ok && typ != "" {
		// The deprecated place: interface-name in the type's own section.
		ifn, ok = u.last(typ, "interface-name")
		for alias, t := range nmTypeAliases {
			if !ok && t == typ {
				ifn, ok = u.last(alias, "interface-name")
			}
		}
	}
	if ok && ifn.Value != "" {
		pr.ifname = ifn.Value
		if !nmNoKernelIfname[typ] {
			if err := source.ValidIfName(ifn.Value); err != nil {
				f.add(p, ifn.Line, "interface-name", SeverityError, fmt.Sprintf(
					"NetworkManager cannot load this keyfile: interface-name=%s: the kernel refuses this name: %s", shown(ifn.Value), err))
				pr.ignored = true
			}
		}
	}

	for _, key := range []string{"master", "controller"} {
		if m, ok := u.last("connection", key); ok && m.Value != "" {
			pr.master = m // controller= (NetworkManager 1.46) wins over master=
		}
	}
	return pr
}

// nmValidUUID accepts what NetworkManager accepts as a UUID: 32 hex digits,
// with or without the dashes.
func nmValidUUID(s string) bool {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
			n++
		case c == '-':
		default:
			return false
		}
	}
	return n == 32
}

// duplicateUUIDs reports profiles that share a UUID: of two in the same
// directory NetworkManager loads one; one in a higher-precedence directory
// shadows the other.
func (f *NMFacts) duplicateUUIDs(profiles []*nmProfile) {
	byUUID := map[string][]*nmProfile{}
	var order []string
	for _, p := range profiles {
		if p.ignored || p.uuid == "" {
			continue
		}
		k := strings.ToLower(p.uuid)
		if byUUID[k] == nil {
			order = append(order, k)
		}
		byUUID[k] = append(byUUID[k], p)
	}
	for _, k := range order {
		ps := byUUID[k]
		if len(ps) < 2 {
			continue
		}
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].priority < ps[j].priority })
		first := ps[0]
		for _, p := range ps[1:] {
			if p.priority == first.priority {
				f.add(p.path, 0, "uuid", SeverityWarning, fmt.Sprintf(
					"uuid=%s is also the UUID of %s: NetworkManager loads only one of the two profiles", shown(p.uuid), shown(first.path)))
			} else {
				f.add(p.path, 0, "uuid", SeverityInfo, fmt.Sprintf(
					"%s has the same uuid=%s and takes precedence: NetworkManager uses that profile, not this one", shown(first.path), shown(p.uuid)))
			}
		}
	}
}

// masters checks that each port's master= (controller=) names a profile
// NetworkManager loads: it resolves it by UUID or by interface name.
func (f *NMFacts) masters(profiles []*nmProfile) {
	for _, p := range profiles {
		m := p.master.Value
		if m == "" || p.ignored {
			continue
		}
		var loaded, ignored, byID *nmProfile
		for _, q := range profiles {
			if q == p {
				continue
			}
			switch {
			case strings.EqualFold(q.uuid, m) || q.ifname == m:
				if q.ignored {
					ignored = q
				} else {
					loaded = q
				}
			case q.id == m && !q.ignored:
				byID = q
			}
		}
		key := p.master.Key
		switch {
		case loaded != nil:
		case ignored != nil:
			f.add(p.path, p.master.Line, key, SeverityWarning, fmt.Sprintf(
				"%s=%s names %s, which NetworkManager does not load (see the finding on that file): this port cannot be activated until it does", key, shown(m), shown(ignored.path)))
		case byID != nil:
			hint := "its interface-name"
			if byID.uuid != "" {
				hint = key + "=" + shown(byID.uuid)
			}
			f.add(p.path, p.master.Line, key, SeverityWarning, fmt.Sprintf(
				"%s=%s is the id= of %s, but NetworkManager looks %s= up by UUID or interface name only: use %s", key, shown(m), shown(byID.path), key, hint))
		default:
			what := "interface-name"
			if nmValidUUID(m) {
				what = "UUID"
			}
			f.add(p.path, p.master.Line, key, SeverityWarning, fmt.Sprintf(
				"%s=%s: no keyfile has this %s, so this port waits for a device %s that something else must create (profiles of other NetworkManager plugins, ifcfg-rh or ifupdown, were not examined)",
				key, shown(m), what, shown(m)))
		}
	}
}
