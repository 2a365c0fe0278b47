package probes

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// IDMap is one line of /proc/PID/uid_map or gid_map: Count ids starting at
// Inside in the process's user namespace are Outside.. in its parent's.
type IDMap struct {
	Inside  uint32 `json:"inside"`
	Outside uint32 `json:"outside"`
	Count   uint32 `json:"count"`
}

// parseIDMap parses a uid_map/gid_map file.
func parseIDMap(data []byte) ([]IDMap, error) {
	var out []IDMap
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 1024), 64<<10)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 {
			return out, fmt.Errorf("id map: want 3 numbers per line, got %q", clip(sc.Text(), 60))
		}
		var v [3]uint32
		for i, s := range f {
			n, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				return out, fmt.Errorf("id map: %q is not a number", clip(s, 20))
			}
			v[i] = uint32(n)
		}
		out = append(out, IDMap{Inside: v[0], Outside: v[1], Count: v[2]})
	}
	return out, sc.Err()
}

// IsInitialMap reports whether a map is the initial user namespace's
// identity map "0 0 4294967295".
func IsInitialMap(m []IDMap) bool {
	return len(m) == 1 && m[0].Inside == 0 && m[0].Outside == 0 && m[0].Count == 4294967295
}
