package probes

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
)

// parseKconfig parses a kernel .config: "CONFIG_X=y", "CONFIG_X=m",
// "CONFIG_X=\"str\"" and "# CONFIG_X is not set" (recorded as "n").
func parseKconfig(data []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "# CONFIG_"); ok {
			if name, ok := strings.CutSuffix(rest, " is not set"); ok && !strings.ContainsAny(name, " =") {
				out["CONFIG_"+name] = "n"
			}
			continue
		}
		if !strings.HasPrefix(line, "CONFIG_") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || strings.ContainsAny(k, " \t") {
			continue
		}
		out[k] = strings.Trim(v, `"`)
	}
	return out
}

// readKconfig finds the running kernel's configuration: /proc/config.gz
// (CONFIG_IKCONFIG_PROC), else /boot/config-RELEASE, else
// /lib/modules/RELEASE/config.
func readKconfig(r Root, release string) (map[string]string, string, error) {
	if b, err := r.ReadFile("/proc/config.gz"); err == nil {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err == nil {
			data, err := io.ReadAll(io.LimitReader(zr, 16<<20))
			if err == nil {
				return parseKconfig(data), "/proc/config.gz", nil
			}
		}
	}
	var lastErr error
	for _, p := range []string{"/boot/config-" + release, "/lib/modules/" + release + "/config"} {
		if release == "" {
			break
		}
		b, err := r.ReadFile(p)
		if err == nil {
			return parseKconfig(b), p, nil
		}
		lastErr = err
	}
	if lastErr == nil {
		lastErr = errNoKconfig
	}
	return nil, "", lastErr
}

var errNoKconfig = errorString("no kernel configuration found (/proc/config.gz, /boot/config-RELEASE)")

type errorString string

func (e errorString) Error() string { return string(e) }
