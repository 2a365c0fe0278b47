package symptom

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Wrappers around the error text, removed before the vocabularies are
// applied: escaped strings (JSON, a literal "\n" typed on the command line),
// JSON and logfmt records, log prefixes and timestamps, event columns,
// trailing commas. Each is a row; the parser records which ones it removed
// ("wrap:NAME" in Symptom.Matched).

// prefixForm is a prefix stripped from the start of a line.
type prefixForm struct {
	name    string
	example string
	re      *regexp.Regexp
}

var prefixForms = []prefixForm{
	{"iso-timestamp", "2026-11-22T06:29:01.123Z RTNETLINK answers: File exists",
		regexp.MustCompile(`^\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z|[+-]\d\d:?\d\d| ?[A-Z]{3,4})?\]?\s+`)},
	{"openvpn-timestamp", "Mon Nov 22 06:29:01 2021 ERROR: Cannot open TUN/TAP dev /dev/net/tun: No such file or directory (errno=2)",
		regexp.MustCompile(`^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\s+(?:us=\d+\s+)?`)},
	{"syslog-prefix", "Nov 22 06:29:01 node1 systemd-networkd[612]: wg0: Could not create netdev: Operation not supported",
		regexp.MustCompile(`^[^\s\d\[]{3,6}\.? {1,2}\d{1,2} \d\d:\d\d:\d\d(?:\.\d+)? \S+ `)},
	{"dmesg-time", "[ 1234.567890] bridge: port 1(veth0) failed to add, error -17",
		regexp.MustCompile(`^\[\s*\d+\.\d+\]\s+`)},
	{"klog-prefix", "E1122 06:29:01.123456    1234 pod_workers.go:191] Error syncing pod: failed to add route: file exists",
		regexp.MustCompile(`^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [\w.-]+:\d+\] `)},
	{"compose-prefix", "web_1  | RTNETLINK answers: Operation not permitted",
		regexp.MustCompile(`^(?:[\w.-]+|\[[\w.-]+\])\s+\| (?:❯ )?`)},
	{"wg-quick-step", "[#] ip link add wg0 type wireguard", regexp.MustCompile(`^\[#\]\s+`)},
	{"go-log-prefix", "2021/08/21 11:19:21 main.go:88: ip route add 10.10.0.0/16 dev tun0: file exists",
		regexp.MustCompile(`^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d(?:\.\d+)?\s+(?:[\w.-]+\.go:\d+: )?`)},
	{"go-file-line", "link_base.go:50: [Error] sysctl -w net.ipv4.ip_forward=1 sysctl: error setting key 'net.ipv4.ip_forward': Read-only file system",
		regexp.MustCompile(`^[\w.-]+\.go:\d+:\s+(?:\[\w+\]\s+)?`)},
	{"python-bytes", `b'[#] ip link add wg0 type wireguard`, regexp.MustCompile(`^b['"]`)},
	{"level-tag", "<error> [1763792941.1234] platform-linux: do-add-link[br0/bridge]: failure 95 (Operation not supported)",
		regexp.MustCompile(`^(?:<\w+>\s+\[[\d.]+\]\s+|\[?(?:ERROR|WARN|WARNING|INFO|DEBUG|FATAL|CRIT)\]?:?\s+|(?:INFO|WARN|ERRO|DEBU|FATA|PANI)\[\d+\]\s+|[A-Z]{4}: \d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d+\s+)`)},
	{"ansible-host", `fatal: [node1]: FAILED! => {"changed": false, "cmd": "/sbin/ip link add br0 type bridge", "rc": 2, "stderr": "RTNETLINK answers: File exists"}`,
		regexp.MustCompile(`^(?:fatal|failed|changed|ok): \[[^\]]*\]: (?:FAILED! => )?`)},
	{"program-prefix", "dockerd[812]: failed to add the host (veth1) <=> sandbox (veth2) pair interfaces: operation not supported",
		regexp.MustCompile(`^[A-Za-z][\w.@/-]{0,40}\[\d{1,9}\]: `)},
}

// embeddedCommandRE finds a command quoted inside a log line: Puppet's
// "Execution of '/sbin/ip ...' returned 2", ifupdown2's "cmd '/bin/ip -force
// -batch - [link set ...]' failed", OpenVPN's "/sbin/ip addr add ...".
var embeddedCommandRE = regexp.MustCompile(`(?:^|['"\x60(\[ ]|Execution of |cmd |command |running |executing )((?:/[\w/.-]*/)?(?:ip|ifconfig|route|brctl|vconfig|sysctl|modprobe|tunctl) (?:-[\w-]* )*\[?(?:link|addr|address|a|route|r|tuntap|netns|neigh|add|addbr|addif|-w|-p|[a-z]+\d*|\d)[^'"\x60)\]]*)`)

// argvArrayRE finds a command printed as an argument array: Go's
// ip ["tuntap", "add", "dev", "fctap-0"], Python's ['ip', 'link', ...].
var argvArrayRE = regexp.MustCompile(`\b((?:/[\w/.-]*/)?(?:ip|ifconfig|route|brctl|sysctl|modprobe)) ?\[((?:\s*["'][^"']*["'],?)+)\s*\]|\[\s*["']((?:/[\w/.-]*/)?(?:ip|ifconfig|route|brctl|sysctl|modprobe))["'],((?:\s*["'][^"']*["'],?)+)\s*\]`)

func argvFromArray(line string) (string, bool) {
	m := argvArrayRE.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	prog, list := m[1], m[2]
	if prog == "" {
		prog, list = m[3], m[4]
	}
	words := []string{prog}
	for _, w := range quotedWordRE.FindAllStringSubmatch(list, 64) {
		words = append(words, w[1])
	}
	return strings.Join(words, " "), true
}

var (
	eventColumnsRE = regexp.MustCompile(`\s{2,}`)
	quotedStringRE = regexp.MustCompile(`^(?:"[\w.-]+"\s*:\s*)?"(.*)"$`)
	quotedWordRE   = regexp.MustCompile(`["']([^"']*)["']`)
)

// logfmtField finds msg="..." and err="..." in logfmt records.
var logfmtField = regexp.MustCompile(`\b(msg|err|error)="((?:[^"\\]|\\.)*)"`)

// unescapeText turns escaped text (JSON strings, "\n" typed literally)
// into lines. ok is false when nothing was escaped.
func unescapeText(t string) (string, bool) {
	if !strings.Contains(t, `\n`) && !strings.Contains(t, `\"`) && !strings.Contains(t, `\u00`) && !strings.Contains(t, `\t`) {
		return t, false
	}
	var b strings.Builder
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '\\' || i+1 == len(t) {
			b.WriteByte(c)
			continue
		}
		switch t[i+1] {
		case 'n':
			b.WriteByte('\n')
		case 'r':
		case 't':
			b.WriteByte('\t')
		case '"', '\\', '/', '\'':
			b.WriteByte(t[i+1])
		case 'u':
			if i+5 < len(t) {
				if n, err := strconv.ParseUint(t[i+2:i+6], 16, 32); err == nil {
					b.WriteRune(rune(n))
					i += 5
					continue
				}
			}
			b.WriteByte(c)
			continue
		default:
			b.WriteByte(c)
			continue
		}
		i++
	}
	return b.String(), true
}

// jsonStrings collects the string values of a JSON document (arrays of
// words, like Ansible's cmd, joined by spaces).
func jsonStrings(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case []any:
		words := true
		for _, e := range x {
			if _, ok := e.(string); !ok {
				words = false
			}
		}
		if words && len(x) > 1 && len(x) < 64 {
			var w []string
			for _, e := range x {
				w = append(w, e.(string))
			}
			*out = append(*out, strings.Join(w, " "))
			return
		}
		for _, e := range x {
			jsonStrings(e, out)
		}
	case map[string]any:
		// Keys whose values are copies of others come last.
		for _, k := range []string{"cmd", "stderr", "msg", "message", "error", "err", "stdout", "log", "output"} {
			if e, ok := x[k]; ok {
				jsonStrings(e, out)
			}
		}
		for k, e := range x {
			switch k {
			case "cmd", "stderr", "msg", "message", "error", "err", "stdout", "log", "output", "stderr_lines", "stdout_lines":
				continue
			}
			jsonStrings(e, out)
		}
	}
}

// unwrapLine removes a line's wrappers and returns the lines inside it (a
// JSON record gives its strings). wraps names what was removed.
func unwrapLine(line string, depth int) (lines []string, wraps []string) {
	// A JSON record: its strings are the lines.
	if i := strings.IndexByte(line, '{'); i >= 0 && depth < 3 && strings.HasSuffix(strings.TrimRight(line, ", "), "}") {
		var v any
		if json.Unmarshal([]byte(strings.TrimRight(line[i:], ", ")), &v) == nil {
			var strs []string
			jsonStrings(v, &strs)
			wraps = append(wraps, "json-record")
			if pre := strings.TrimSpace(line[:i]); pre != "" {
				strs = append([]string{pre}, strs...)
			}
			for _, s := range strs {
				for _, l := range strings.Split(s, "\n") {
					inner, w := unwrapLine(strings.TrimSpace(l), depth+1)
					lines = append(lines, inner...)
					wraps = append(wraps, w...)
				}
			}
			return lines, wraps
		}
	}
	// logfmt: time="..." level=error msg="..." err="...".
	if strings.Contains(line, "level=") || strings.Contains(line, `msg="`) {
		if ms := logfmtField.FindAllStringSubmatch(line, 4); ms != nil {
			var parts []string
			for _, m := range ms {
				v, _ := unescapeText(m[2])
				parts = append(parts, v)
			}
			wraps = append(wraps, "logfmt")
			for _, l := range strings.Split(strings.Join(parts, ": "), "\n") {
				lines = append(lines, strings.TrimSpace(l))
			}
			return lines, wraps
		}
	}
	// kubectl describe events: Type, Reason, Age, From, Message in
	// columns two spaces apart.
	if strings.HasPrefix(line, "Warning ") || strings.HasPrefix(line, "Normal ") {
		if cols := eventColumnsRE.Split(line, 5); len(cols) == 5 {
			wraps = append(wraps, "kubelet-event-columns")
			line = cols[4]
		}
	}
	for n := 0; n < 6; n++ {
		stripped := false
		for _, p := range prefixForms {
			if loc := p.re.FindStringIndex(line); loc != nil && loc[1] < len(line) {
				line = strings.TrimSpace(line[loc[1]:])
				wraps = append(wraps, p.name)
				stripped = true
			}
		}
		if !stripped {
			break
		}
	}
	// A quoted JSON string with a trailing comma: "stderr": "...", or "...",
	if t := strings.TrimSuffix(line, ","); t != line || strings.HasPrefix(line, `"`) {
		if m := quotedStringRE.FindStringSubmatch(t); m != nil {
			line = m[1]
			wraps = append(wraps, "quoted-string")
		}
	}
	// Markdown code marks around a pasted line or inside it.
	if n := strings.Count(line, "`"); n > 0 && n%2 == 0 { // pairs: not wg-quick's `wg0' quoting
		line = strings.TrimSpace(strings.ReplaceAll(line, "`", ""))
		wraps = append(wraps, "markdown-code")
	}
	// A command quoted in the line comes first: it is what failed.
	if cmd, ok := argvFromArray(line); ok {
		if _, ok := CommandLine(cmd); ok {
			return append(lines, cmd, line), append(wraps, "argv-array")
		}
	}
	if m := embeddedCommandRE.FindStringSubmatch(line); m != nil && !strings.HasPrefix(line, m[1]) && !hiddenOrChained(m[1]) && !reportsSuccess(line) {
		if _, ok := CommandLine(m[1]); ok {
			lines = append(lines, m[1])
			wraps = append(wraps, "embedded-command")
		}
	}
	return append(lines, line), wraps
}

// reportsSuccess: a line that says its command worked ("'modprobe tun'
// successful", tailscaled's diagnostics) names no failing operation.
func reportsSuccess(line string) bool {
	l := strings.ToLower(strings.TrimSpace(line))
	for _, w := range []string{" successful", " succeeded", " ok", ": success"} {
		if strings.HasSuffix(l, w) {
			return true
		}
	}
	return false
}

// carriesError reports whether a line says something failed: those lines
// are kept when a long text is cut.
func carriesError(line string) bool {
	if e, _, _ := findErrno(line); e != "" {
		return true
	}
	l := strings.ToLower(line)
	for _, w := range []string{"error", "fail", "rtnetlink", "cannot", "can't", "could not", "unable", "denied"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// cutText bounds a symptom to max bytes: every line that carries an error
// is kept (in order, until they alone fill the budget), then the first
// lines fill what is left. note says what was cut.
func cutText(text string, max int) (string, string) {
	if len(text) <= max {
		return text, ""
	}
	lines := strings.Split(text, "\n")
	keep := make([]bool, len(lines))
	budget := max
	errLines := 0
	for i, l := range lines {
		if len(l) > 4096 {
			lines[i] = clipText(l, 4096)
			l = lines[i]
		}
		if budget-len(l)-1 < 0 {
			break
		}
		if carriesError(l) {
			keep[i] = true
			budget -= len(l) + 1
			errLines++
			// The line before an error is often the command that failed.
			if i > 0 && !keep[i-1] && budget-len(lines[i-1])-1 >= 0 {
				keep[i-1] = true
				budget -= len(lines[i-1]) + 1
			}
		}
	}
	for i, l := range lines {
		if keep[i] {
			continue
		}
		if budget-len(l)-1 < 0 {
			break
		}
		keep[i] = true
		budget -= len(l) + 1
	}
	var b strings.Builder
	kept := 0
	for i, l := range lines {
		if keep[i] {
			b.WriteString(l)
			b.WriteByte('\n')
			kept++
		}
	}
	note := fmt.Sprintf("the text was %d KiB, beyond the %d KiB read: kept %d of %d lines (the %d that carry an error and the line before each, then the first others)",
		(len(text)+1023)/1024, max/1024, kept, len(lines), errLines)
	return b.String(), note
}

// hiddenOrChained tells an embedded command that cannot be the one that
// failed: its errors are thrown away ("ip link del flannel.1 2>/dev/null",
// "|| true"), or it is one step of a script chain whose failing step the
// text does not say (k3s-io/k3s#9251 "failed to run command: ...; ip link
// del ... ; wg-add.sh ... && ip addr add ... && ip link set ...").
func hiddenOrChained(cmd string) bool {
	first, rest, chained := strings.Cut(cmd, ";")
	if !chained {
		first, rest, chained = strings.Cut(cmd, "&&")
	}
	if strings.Contains(first, "/dev/null") || strings.Contains(first, "|| true") {
		return true
	}
	return chained && strings.Count(rest, "ip ")+strings.Count(rest, "&&")+strings.Count(rest, ";") >= 2
}
