package probes

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// A SUSE supportconfig (supportutils 3.x) is a flat directory of text
// files, each a series of entries:
//
//	#==[ Command ]======================================#
//	# /usr/sbin/ip addr
//	...output...
//	#==[ Configuration File ]===========================#
//	# /etc/NetworkManager/system-connections/x.nmconnection
//	...contents, comments removed...
//
// It is read by laying its entries out, once, as a sosreport-shaped tree in
// a private temporary directory (removed with the unpacked archives), so the
// sosreport reader (sos.go) reads it; the report names the supportconfig
// file and command each fact came from. Files to read: network.txt (ip
// addr, ip -stats link, ip route, ip -6 route, ip rule show, and the
// NetworkManager/networkd configuration files), env.txt (sysctl -a),
// modules.txt (lsmod), basic-environment.txt (uname -a). File modes are not
// in a supportconfig: configuration files are laid out 0600, so no mode is
// blamed on them.

// supportconfigOrigins is the file, in the laid-out tree, that maps each
// laid-out file to the supportconfig entry it came from.
const supportconfigOrigins = CaptureMeta + "/supportconfig-origins.json"

// IsSupportconfig reports whether dir is an unpacked supportconfig.
func IsSupportconfig(dir string) bool {
	for _, f := range []string{"basic-environment.txt", "network.txt"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || !st.Mode().IsRegular() {
			return false
		}
	}
	return true
}

// scEntry is one entry of a supportconfig file.
type scEntry struct {
	kind string // "Command", "Configuration File", ...
	head string // the "# ..." line: the command or the file's path
	body []byte
}

// parseSupportconfig splits a supportconfig file into its entries.
func parseSupportconfig(b []byte) []scEntry {
	var out []scEntry
	var cur *scEntry
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#==[ ") {
			kind := strings.TrimPrefix(line, "#==[ ")
			if i := strings.Index(kind, " ]"); i >= 0 {
				kind = kind[:i]
			}
			out = append(out, scEntry{kind: kind})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			continue
		}
		if cur.head == "" && strings.HasPrefix(line, "# ") {
			cur.head = strings.TrimSpace(strings.TrimPrefix(line, "# "))
			continue
		}
		cur.body = append(cur.body, line...)
		cur.body = append(cur.body, '\n')
	}
	for i := range out {
		out[i].body = bytes.TrimRight(out[i].body, "\n")
		if len(out[i].body) > 0 {
			out[i].body = append(out[i].body, '\n')
		}
	}
	return out
}

// scCommand normalises a logged command line: the program without its
// directory ("/usr/sbin/ip addr" is "ip addr").
func scCommand(head string) string {
	f := strings.Fields(head)
	if len(f) == 0 {
		return ""
	}
	f[0] = path.Base(f[0])
	return strings.Join(f, " ")
}

// scConfigPrefixes are the configuration files laid out from network.txt.
var scConfigPrefixes = []string{"/etc/NetworkManager/", "/usr/lib/NetworkManager/", "/run/NetworkManager/",
	"/etc/systemd/network/", "/run/systemd/network/", "/usr/lib/systemd/network/", "/etc/hostname", "/etc/HOSTNAME"}

// layOutSupportconfig writes the sosreport-shaped tree of the supportconfig
// in dir into dest.
func layOutSupportconfig(dir, dest string) error {
	origins := map[string]string{}
	write := func(rel string, b []byte, mode os.FileMode, origin string) error {
		p := filepath.Join(dest, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, mode); err != nil {
			return err
		}
		origins[rel] = origin
		return nil
	}
	commands := map[string]map[string][]byte{} // file -> command -> output (the first, the host namespace's)
	var configs []struct {
		path string
		body []byte
	}
	for _, f := range []string{"network.txt", "env.txt", "modules.txt", "basic-environment.txt"} {
		b, err := readBounded(filepath.Join(dir, f), 64<<20)
		if err != nil {
			continue
		}
		commands[f] = map[string][]byte{}
		for _, e := range parseSupportconfig(b) {
			switch e.kind {
			case "Command":
				c := scCommand(e.head)
				if _, seen := commands[f][c]; !seen && !strings.Contains(c, "netns exec") {
					commands[f][c] = e.body
				}
			case "Configuration File":
				if f != "network.txt" || strings.HasSuffix(e.head, "File not found") || strings.Contains(e.head, "..") {
					continue
				}
				for _, pre := range scConfigPrefixes {
					if strings.HasPrefix(e.head, pre) {
						configs = append(configs, struct {
							path string
							body []byte
						}{path.Clean(e.head), e.body})
						break
					}
				}
			}
		}
	}
	for _, m := range []struct{ file, cmd, rel string }{
		{"network.txt", "ip addr", "sos_commands/networking/ip_-d_address"},
		{"network.txt", "ip -stats link", "sos_commands/networking/ip_-s_-d_link"},
		{"network.txt", "ip rule show", "sos_commands/networking/ip_-4_rule"},
		{"env.txt", "sysctl -a", "sos_commands/kernel/sysctl_-a"},
		{"modules.txt", "lsmod | sort", "sos_commands/kernel/lsmod"},
		{"modules.txt", "lsmod", "sos_commands/kernel/lsmod"},
		{"basic-environment.txt", "uname -a", "sos_commands/kernel/uname_-a"},
	} {
		if b, ok := commands[m.file][m.cmd]; ok {
			if _, done := origins[m.rel]; done {
				continue
			}
			if err := write(m.rel, b, 0o644, m.file+": "+m.cmd); err != nil {
				return err
			}
		}
	}
	// `ip route` and `ip -6 route` print the main table without "table".
	if v4, ok := commands["network.txt"]["ip route"]; ok {
		routes := append(append([]byte{}, v4...), commands["network.txt"]["ip -6 route"]...)
		if err := write("sos_commands/networking/ip_route_show_table_all", routes, 0o644, "network.txt: ip route, ip -6 route"); err != nil {
			return err
		}
	}
	for _, c := range configs {
		rel := strings.TrimPrefix(c.path, "/")
		if c.path == "/etc/HOSTNAME" {
			rel = "etc/hostname"
		}
		if err := write(rel, c.body, 0o600, "network.txt: "+c.path+" (comments removed by supportconfig; its mode is not recorded)"); err != nil {
			return err
		}
	}
	b, _ := json.Marshal(origins)
	return write(supportconfigOrigins, b, 0o644, "")
}

// SupportconfigRoot lays a supportconfig out once per process and returns
// the directory (CloseArchives removes it).
func SupportconfigRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	key := "supportconfig:" + abs
	archives.Lock()
	defer archives.Unlock()
	if d, ok := archives.dirs[key]; ok {
		return d, nil
	}
	if archives.dirs == nil {
		archives.dirs, archives.errs = map[string]string{}, map[string]error{}
	}
	dest, err := os.MkdirTemp("", "rtnl-doctor-root-")
	if err != nil {
		return "", err
	}
	if err := layOutSupportconfig(abs, dest); err != nil {
		os.RemoveAll(dest)
		return "", fmt.Errorf("supportconfig %s: %w", dir, err)
	}
	archives.dirs[key] = dest
	archives.temps = append(archives.temps, dest)
	return dest, nil
}
