package probes

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// SubIDRange is one line of /etc/subuid or /etc/subgid: Owner (a user name
// or a numeric uid) may map Count ids starting at Start into user namespaces.
type SubIDRange struct {
	Owner string `json:"owner"`
	Start uint64 `json:"start"`
	Count uint64 `json:"count"`
	Line  int    `json:"line"`
}

// parseSubID parses /etc/subuid or /etc/subgid ("name:start:count"). Bad
// lines are reported and skipped.
func parseSubID(data []byte) ([]SubIDRange, []string) {
	var out []SubIDRange
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1024), 64<<10)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ":")
		if len(f) != 3 || f[0] == "" {
			bad = append(bad, fmt.Sprintf("line %d: want owner:start:count", n))
			continue
		}
		start, err1 := strconv.ParseUint(f[1], 10, 32)
		count, err2 := strconv.ParseUint(f[2], 10, 32)
		if err1 != nil || err2 != nil || count == 0 {
			bad = append(bad, fmt.Sprintf("line %d: start and count must be numbers, count above 0", n))
			continue
		}
		out = append(out, SubIDRange{Owner: f[0], Start: start, Count: count, Line: n})
	}
	return out, bad
}

// parsePasswd maps user names to uids from /etc/passwd.
func parsePasswd(data []byte) map[string]uint32 {
	out := map[string]uint32{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1024), 64<<10)
	for sc.Scan() {
		f := strings.Split(sc.Text(), ":")
		if len(f) < 4 || f[0] == "" || strings.HasPrefix(f[0], "#") {
			continue
		}
		if uid, err := strconv.ParseUint(f[2], 10, 32); err == nil {
			out[f[0]] = uint32(uid)
		}
	}
	return out
}
