package fix

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"strings"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

func sysctlFile(key string) string { return "/proc/sys/" + strings.ReplaceAll(key, ".", "/") }

// sysctlKeyFile maps a key whose interface name may contain dots
// (net.ipv6.conf.eth0.100.disable_ipv6) given the device separately.
func sysctlKeyFile(a *Action) string {
	if dev := a.Param("dev"); dev != "" {
		parts := strings.SplitN(a.Param("key"), "."+dev+".", 2)
		if len(parts) == 2 {
			return "/proc/sys/" + strings.ReplaceAll(parts[0], ".", "/") + "/" + dev + "/" + strings.ReplaceAll(parts[1], ".", "/")
		}
	}
	return sysctlFile(a.Param("key"))
}

// inNetns runs fn in the action's network namespace (param "netns", a
// path), or here.
func inNetns(a *Action, fn func() error) error {
	if ns := a.Param("netns"); ns != "" {
		return netns.Do(ns, fn)
	}
	return fn()
}

func readSysctl(env *ActionEnv, a *Action) (string, error) {
	var v string
	err := inNetns(a, func() error {
		b, err := os.ReadFile(env.path(sysctlKeyFile(a)))
		v = strings.TrimSpace(string(b))
		return err
	})
	return v, err
}

func writeSysctl(env *ActionEnv, a *Action, value string) error {
	return inNetns(a, func() error {
		f, err := os.OpenFile(env.path(sysctlKeyFile(a)), os.O_WRONLY|unix.O_NOFOLLOW, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteString(value); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	})
}

var (
	checkSysctlValue = matching(`^[A-Za-z0-9 \t._:/,-]{0,256}$`, "a sysctl value")
	// checkPersistLine: one line of sysctl.d syntax, of plain characters.
	checkPersistLine = matching(`^[A-Za-z0-9 \t._:/,=@+-]{0,512}$`, "a sysctl.d line")
)

var sysctlAction = actionKind{
	params: map[string]paramCheck{"key": checkSysctlKey, "value": checkSysctlValue,
		"netns": checkNetns, "dev": checkIfname},
	required:  []string{"key", "value"},
	stateKeys: map[string]paramCheck{"value": checkSysctlValue},
	needs: func(a *Action) []capNeed {
		n := []capNeed{{cap.DAC_OVERRIDE, "writing /proc/sys needs root"}}
		if a.Param("netns") != "" {
			n = append(n, capNeed{cap.SYS_ADMIN, "entering another network namespace needs CAP_SYS_ADMIN"})
		}
		return n
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		cur, err := readSysctl(env, a)
		if err != nil {
			return Preview{}, fmt.Errorf("cannot read %s: %w", a.Param("key"), err)
		}
		return Preview{Changes: []string{fmt.Sprintf("%s%s: %s → %s", a.Param("key"), where(a), cur, a.Param("value"))},
			Reversible: true, Undo: "writes " + cur + " back", Old: map[string]string{"value": cur}}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		if err := writeSysctl(env, a, a.Param("value")); err != nil {
			return nil, err
		}
		now, err := readSysctl(env, a)
		return map[string]string{"value": now}, err
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		return writeSysctl(env, a, old["value"])
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		v, err := readSysctl(env, a)
		return map[string]string{"value": v}, err
	},
	expect: func(a *Action, _, new map[string]string) map[string]string {
		if new != nil {
			return pick(new, "value")
		}
		return map[string]string{"value": strings.Join(strings.Fields(a.Param("value")), "\t")}
	},
	object:    func(a *Action) string { return "sysctl " + a.Param("key") },
	netScoped: func(a *Action) bool { return strings.HasPrefix(a.Param("key"), "net.") },
	link:      sysctlLink,
	undoCosts: sysctlUndoCosts,
}

// sysctlLink is the link a per-interface key belongs to
// (net.ipv6.conf.eth0.disable_ipv6: eth0; the "dev" parameter when the
// name holds dots), "" for a key of no link (all, default, global keys):
// undo then acts only on the link the fix changed, never on another made
// since under its name (whose key is the same file).
func sysctlLink(a *Action) string {
	if dev := a.Param("dev"); dev != "" {
		return dev
	}
	f := strings.Split(a.Param("key"), ".")
	if len(f) == 5 && f[0] == "net" && (f[2] == "conf" || f[2] == "neigh") && f[3] != "all" && f[3] != "default" {
		return f[3]
	}
	return ""
}

// sysctlUndoCosts: writing disable_ipv6=1 back drops every IPv6 address
// of the link (of every link, for "all": addrconf_disable_ipv6 ->
// addrconf_ifdown in net/ipv6/addrconf.c). IPv6 was off before the fix,
// so an address there now was added since, the kernel's own link-local and
// loopback ones aside: undo names them and refuses without --force.
func sysctlUndoCosts(a *Action, old map[string]string) (string, error) {
	key := a.Param("key")
	if !strings.HasPrefix(key, "net.ipv6.conf.") || !strings.HasSuffix(key, ".disable_ipv6") || strings.TrimSpace(old["value"]) != "1" ||
		strings.HasPrefix(key, "net.ipv6.conf.default.") {
		return "", nil
	}
	dev := sysctlLink(a)
	var lost []string
	err := withConn(a, func(c *rtnetlink.Conn) error {
		idx := uint32(0)
		if dev != "" {
			l, err := linkByName(c, dev)
			if err != nil {
				return err
			}
			idx = l.Index
		}
		all, err := c.Address.List()
		if err != nil {
			return nlErr(err)
		}
		names := map[uint32]string{}
		if links, err := c.Link.List(); err == nil {
			for _, l := range links {
				if l.Attributes != nil {
					names[l.Index] = l.Attributes.Name
				}
			}
		}
		for _, m := range all {
			if m.Family != unix.AF_INET6 || m.Attributes == nil || idx != 0 && m.Index != idx {
				continue
			}
			ip, ok := netip.AddrFromSlice(m.Attributes.Address)
			if !ok || ip.IsLinkLocalUnicast() || ip.IsLoopback() {
				continue // made by the kernel itself as IPv6 came on
			}
			lost = append(lost, fmt.Sprintf("%s on %s", netip.PrefixFrom(ip, int(m.PrefixLength)), OrName(names[m.Index], fmt.Sprint(m.Index))))
		}
		return nil
	})
	if err != nil || len(lost) == 0 {
		return "", err
	}
	return fmt.Sprintf("remove the IPv6 addresses made since the fix (writing %s = 1 drops every IPv6 address %s): %s",
		key, map[bool]string{true: "of " + dev, false: "of every link"}[dev != ""], strings.Join(lost, ", ")), nil
}

// --- persistent sysctl settings: one line each in a file of our own ---------

const persistHeader = "# Written by rtnl-doctor: one setting per line; `rtnl-doctor undo` reverts each line."

// persistLine finds the line that sets key ("" when none).
func persistLine(content, key string) string {
	for _, line := range strings.Split(content, "\n") {
		k, _, ok := strings.Cut(line, "=")
		if ok && strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(k), "-")) == key {
			return line
		}
	}
	return ""
}

// persistSet makes the line for key be line ("" removes it), keeping every
// other line as it is; a new line goes at the end.
func persistSet(content, key, line string) string {
	var out []string
	found := false
	for _, l := range strings.Split(strings.TrimRight(content, "\n"), "\n") {
		k, _, ok := strings.Cut(l, "=")
		if ok && strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(k), "-")) == key {
			if !found && line != "" {
				out = append(out, line)
			}
			found = true
			continue
		}
		if l != "" || len(out) > 0 {
			out = append(out, l)
		}
	}
	if len(out) == 0 {
		out = append(out, persistHeader)
	}
	if !found && line != "" {
		out = append(out, line)
	}
	return strings.Join(out, "\n") + "\n"
}

func persistWant(a *Action) string { return a.Param("key") + " = " + a.Param("value") }

func readPersist(env *ActionEnv, a *Action) (*atomicfile.Previous, error) {
	return atomicfile.Read(env.path(a.Param("path")))
}

var sysctlPersistAction = actionKind{
	params: map[string]paramCheck{"path": pathUnder("*.conf", "/etc/sysctl.d"), "key": checkSysctlKey,
		"value": matching(`^[A-Za-z0-9 ._:/-]{0,256}$`, "a sysctl value")},
	required: []string{"path", "key", "value"},
	// "line" is the one line that sets the action's key ("" for none):
	// undo writes it back into the file, so it may set no other key.
	stateKeys: map[string]paramCheck{"existed": checkBool, "line": checkPersistLine},
	stateWith: func(a *Action, st map[string]string) error {
		if l, ok := st["line"]; ok && l != "" && persistLine(l, a.Param("key")) != l {
			return fmt.Errorf("line %q does not set %s", l, a.Param("key"))
		}
		return nil
	},
	writes: pathParam,
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		prev, err := readPersist(env, a)
		if err != nil {
			return Preview{}, err
		}
		old := persistLine(string(prev.Data), a.Param("key"))
		p := Preview{Reversible: true, Old: map[string]string{"line": old, "existed": fmt.Sprint(prev.Existed)}}
		switch {
		case old == persistWant(a):
			p.Changes = []string{a.Param("path") + ": already has " + old + " (no change)"}
		case old != "":
			p.Changes = []string{fmt.Sprintf("%s: line %q → %q (other lines kept)", a.Param("path"), old, persistWant(a))}
		case prev.Existed:
			p.Changes = []string{fmt.Sprintf("%s: add the line %q (other lines kept)", a.Param("path"), persistWant(a))}
		default:
			p.Changes = []string{fmt.Sprintf("%s: create with:\n%s", a.Param("path"), indent(persistSet("", a.Param("key"), persistWant(a))))}
		}
		p.Undo = "puts back only this line (" + orNone(old) + "), if it is still as rtnl-doctor wrote it; the file and its other lines stay"
		return p, nil
	},
	apply: func(_ context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		prev, err := readPersist(env, a)
		if err != nil {
			return nil, err
		}
		mode := prev.Mode
		if !prev.Existed {
			mode = 0o644
		}
		if _, err := atomicfile.Write(env.path(a.Param("path")), []byte(persistSet(string(prev.Data), a.Param("key"), persistWant(a))), mode); err != nil {
			return nil, err
		}
		return map[string]string{"line": persistWant(a)}, nil
	},
	undo: func(_ context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		prev, err := readPersist(env, a)
		if err != nil {
			return err
		}
		if !prev.Existed {
			return fmt.Errorf("%s is gone: nothing to put back", a.Param("path"))
		}
		_, err = atomicfile.Write(env.path(a.Param("path")), []byte(persistSet(string(prev.Data), a.Param("key"), old["line"])), prev.Mode)
		return err
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		prev, err := readPersist(env, a)
		if err != nil {
			return nil, err
		}
		return map[string]string{"line": persistLine(string(prev.Data), a.Param("key"))}, nil
	},
	expect: func(a *Action, _, _ map[string]string) map[string]string {
		return map[string]string{"line": persistWant(a)}
	},
	was: func(_ *Action, old map[string]string) map[string]string {
		return map[string]string{"line": old["line"]}
	},
	object: func(a *Action) string { return "file " + a.Param("path") + " line " + a.Param("key") },
}

// sysctlAct sets key to value, in the network namespace at netns ("" for
// the one examined) for net.* keys; dev names the interface part of a key
// whose interface name holds dots.
func sysctlAct(key, value, netns, dev string) *Action {
	return Act("sysctl", "key", key, "value", value, "netns", netns, "dev", dev)
}

// sysctlPersistAct keeps key = value as one line of path (under
// /etc/sysctl.d).
func sysctlPersistAct(path, key, value string) *Action {
	return Act("sysctl-persist", "path", path, "key", key, "value", value)
}

// PersistFix keeps a sysctl across reboots in rtnl-doctor's own file under
// /etc/sysctl.d (never by editing /etc/sysctl.conf).
func PersistFix(id, key, value string) Fix {
	const file = "/etc/sysctl.d/90-rtnl-doctor.conf"
	return Fix{ID: id, Title: "Keep " + key + " = " + value + " after reboot (" + file + ")",
		Command:   fmt.Sprintf("echo %s >> %s", Argv(key+" = "+value), file),
		NeedsRoot: true,
		Action:    Act("sysctl-persist", "path", file, "key", key, "value", value)}
}
