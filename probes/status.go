package probes

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// Status is the part of /proc/PID/status that says who a process is and what
// it may do. procfs's parser has no Groups, NoNewPrivs or Seccomp, and fails
// the whole file on one odd line; this one keeps what it can read.
type Status struct {
	Name           string
	PPid           int
	UID            [4]uint32 // real, effective, saved, filesystem
	GID            [4]uint32
	Groups         []uint32
	NSpid          []int
	CapInh         uint64
	CapPrm         uint64
	CapEff         uint64
	CapBnd         uint64
	CapAmb         uint64
	NoNewPrivs     bool
	Seccomp        int // 0 disabled, 1 strict, 2 filter; -1 unknown
	SeccompFilters int
	// Have records which keys were present ("CapAmb" is missing before 4.3,
	// "NoNewPrivs" before 4.10, "Seccomp" without CONFIG_SECCOMP).
	Have map[string]bool
}

// parseStatus parses /proc/PID/status. It returns an error only when none of
// the identity fields could be read.
func parseStatus(data []byte) (Status, error) {
	s := Status{Seccomp: -1, Have: map[string]bool{}}
	var bad []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), 256<<10)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		var err error
		switch k {
		case "Name":
			s.Name = v
		case "PPid":
			s.PPid, err = strconv.Atoi(v)
		case "Uid":
			s.UID, err = parseIDs4(v)
		case "Gid":
			s.GID, err = parseIDs4(v)
		case "Groups":
			for _, f := range strings.Fields(v) {
				g, e := strconv.ParseUint(f, 10, 32)
				if e != nil {
					err = e
					break
				}
				s.Groups = append(s.Groups, uint32(g))
			}
		case "NSpid":
			for _, f := range strings.Fields(v) {
				n, e := strconv.Atoi(f)
				if e != nil {
					err = e
					break
				}
				s.NSpid = append(s.NSpid, n)
			}
		case "CapInh":
			s.CapInh, err = parseCapHex(v)
		case "CapPrm":
			s.CapPrm, err = parseCapHex(v)
		case "CapEff":
			s.CapEff, err = parseCapHex(v)
		case "CapBnd":
			s.CapBnd, err = parseCapHex(v)
		case "CapAmb":
			s.CapAmb, err = parseCapHex(v)
		case "NoNewPrivs":
			s.NoNewPrivs = v == "1"
		case "Seccomp":
			s.Seccomp, err = strconv.Atoi(v)
		case "Seccomp_filters":
			s.SeccompFilters, err = strconv.Atoi(v)
		default:
			continue
		}
		if err != nil {
			bad = append(bad, k)
			continue
		}
		s.Have[k] = true
	}
	if !s.Have["Uid"] && !s.Have["CapEff"] {
		if len(bad) > 0 {
			return s, fmt.Errorf("status: unreadable fields %s", strings.Join(bad, ", "))
		}
		return s, fmt.Errorf("status: no Uid or CapEff line")
	}
	return s, nil
}

func parseIDs4(v string) ([4]uint32, error) {
	var out [4]uint32
	f := strings.Fields(v)
	if len(f) != 4 {
		return out, fmt.Errorf("want 4 ids, got %d", len(f))
	}
	for i, x := range f {
		n, err := strconv.ParseUint(x, 10, 32)
		if err != nil {
			return out, err
		}
		out[i] = uint32(n)
	}
	return out, nil
}

// parseCapHex parses a capability mask as /proc prints it (16 hex digits).
func parseCapHex(v string) (uint64, error) {
	if len(v) == 0 || len(v) > 16 {
		return 0, fmt.Errorf("capability mask %q: want 1-16 hex digits", clip(v, 20))
	}
	return strconv.ParseUint(v, 16, 64)
}
