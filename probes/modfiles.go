package probes

import (
	"bufio"
	"bytes"
	"path"
	"strings"
)

// moduleName turns a module file path from modules.dep or modules.builtin
// ("kernel/drivers/net/veth.ko.zst") into its name ("veth"). Dashes and
// underscores are the same to modprobe; names are kept with underscores.
func moduleName(p string) string {
	base := path.Base(strings.TrimSpace(p))
	if i := strings.Index(base, ".ko"); i >= 0 {
		base = base[:i]
	}
	return strings.ReplaceAll(base, "-", "_")
}

// parseModulesList parses modules.builtin or the left-hand side of
// modules.dep ("kernel/net/bridge/bridge.ko: kernel/net/802/stp.ko ...")
// into a set of module names.
func parseModulesList(data []byte) map[string]bool {
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if i := strings.IndexByte(line, ':'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out[moduleName(line)] = true
	}
	return out
}

// parseModulesAlias parses modules.alias ("alias rtnl-link-veth veth") and
// keeps only the aliases for which want returns true, mapping each to its
// module names.
func parseModulesAlias(data []byte, want func(alias string) bool) map[string][]string {
	out := map[string][]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || f[0] != "alias" || !want(f[1]) {
			continue
		}
		out[f[1]] = append(out[f[1]], strings.ReplaceAll(f[2], "-", "_"))
	}
	return out
}

// parseProcModules parses /proc/modules ("veth 40960 0 - Live 0x0000...")
// into module name -> state (Live, Loading, Unloading).
func parseProcModules(data []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 5 {
			continue
		}
		out[strings.ReplaceAll(f[0], "-", "_")] = f[4]
	}
	return out
}
