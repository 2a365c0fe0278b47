package probes

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Unlimited is how an "unlimited" resource limit is represented.
const Unlimited = -1

// Limit is one resource limit of a process: soft and hard, Unlimited (-1)
// meaning no limit.
type Limit struct {
	Soft int64 `json:"soft"`
	Hard int64 `json:"hard"`
}

// parseLimits parses /proc/PID/limits into a map keyed by the resource's name
// as the file spells it ("Max open files"). procfs's parser keeps only soft
// limits; the hard limit is what decides whether a process may raise its own.
func parseLimits(data []byte) (map[string]Limit, error) {
	out := map[string]Limit{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 64<<10)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			first = false
			if strings.HasPrefix(line, "Limit") {
				continue
			}
		}
		if strings.TrimSpace(line) == "" {
			continue
		}
		// The name is separated from the values by at least two spaces; the
		// values are "unlimited" or a number; units may be absent.
		i := strings.Index(line, "  ")
		if i <= 0 {
			return out, fmt.Errorf("limits: no columns in line %q", clip(line, 60))
		}
		name := strings.TrimSpace(line[:i])
		f := strings.Fields(line[i:])
		if len(f) < 2 {
			return out, fmt.Errorf("limits: %q: want soft and hard values", clip(name, 40))
		}
		soft, err1 := parseLimitValue(f[0])
		hard, err2 := parseLimitValue(f[1])
		if err1 != nil || err2 != nil {
			return out, fmt.Errorf("limits: %q: bad values %q %q", clip(name, 40), clip(f[0], 20), clip(f[1], 20))
		}
		out[name] = Limit{Soft: soft, Hard: hard}
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("limits: %w", err)
	}
	if len(out) == 0 {
		return out, fmt.Errorf("limits: no limits in file")
	}
	return out, nil
}

func parseLimitValue(s string) (int64, error) {
	if s == "unlimited" {
		return Unlimited, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if v > 1<<62 {
		return Unlimited, nil
	}
	return int64(v), nil
}
