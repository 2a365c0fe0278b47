package probes

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// NeighTable is one neighbour table (arp_cache for IPv4, ndisc_cache for
// IPv6) as /proc/net/stat/<table> shows it, with its garbage-collection
// thresholds.
//
// Both are global on Linux: the kernel has one arp_tbl and one nd_tbl
// shared by every network namespace (net/core/neighbour.c), gc_thresh1/2/3
// exist only under the initial namespace's /proc/sys/net/ipv{4,6}/neigh/
// default (neigh_sysctl_register registers "default" once, from the
// protocol's init, in init_net), and /proc/net/stat/<table> exists only
// there too (neigh_table_init creates it in init_net.proc_net_stat).
// Measured on 6.18: a fresh namespace has neither file.
type NeighTable struct {
	// Table is the kernel's name: "arp_cache" or "ndisc_cache".
	Table string `json:"table"`
	// Entries is tbl->entries: every entry of every namespace, permanent
	// ones included (those are exempt from gc_thresh3 since Linux 5.0).
	Entries uint64 `json:"entries"`
	// TableFulls counts allocations refused at gc_thresh3 since boot
	// ("neighbor table overflow!"), summed over CPUs.
	TableFulls uint64 `json:"table_fulls"`
	// ForcedGC counts forced collections (above gc_thresh2), summed.
	ForcedGC uint64 `json:"forced_gc_runs"`
	// Thresh are gc_thresh1, 2 and 3 (0 when unread).
	Thresh [3]uint64 `json:"gc_thresh"`
}

// neighTables maps a table to its sysctl family directory.
var neighTables = []struct{ table, family string }{{"arp_cache", "ipv4"}, {"ndisc_cache", "ipv6"}}

// parseNeighStat parses /proc/net/stat/arp_cache or ndisc_cache: a header
// of column names, then one line per CPU of hexadecimal counters. entries
// is the same global value on every line; the others are per CPU.
func parseNeighStat(table string, data []byte) (NeighTable, error) {
	t := NeighTable{Table: table}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) < 2 {
		return t, fmt.Errorf("%s: want a header and at least one line, got %d lines", table, len(lines))
	}
	cols := strings.Fields(lines[0])
	idx := map[string]int{}
	for i, c := range cols {
		idx[c] = i
	}
	ie, ok := idx["entries"]
	if !ok {
		return t, fmt.Errorf("%s: no entries column in the header", table)
	}
	for n, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) != len(cols) {
			return t, fmt.Errorf("%s: line %d has %d fields, the header %d", table, n+2, len(f), len(cols))
		}
		val := func(col string) (uint64, error) {
			i, ok := idx[col]
			if !ok {
				return 0, nil // older kernels lack table_fulls
			}
			v, err := strconv.ParseUint(f[i], 16, 64)
			if err != nil {
				return 0, fmt.Errorf("%s: %s on line %d is not hexadecimal: %q", table, col, n+2, clip(f[i], 20))
			}
			return v, nil
		}
		e, err := val(cols[ie])
		if err != nil {
			return t, err
		}
		if n == 0 {
			t.Entries = e
		}
		tf, err := val("table_fulls")
		if err != nil {
			return t, err
		}
		gc, err := val("forced_gc_runs")
		if err != nil {
			return t, err
		}
		t.TableFulls += tf
		t.ForcedGC += gc
	}
	return t, nil
}

// readNeigh reads both tables and their thresholds from the reader's /proc
// (the host's, for a live run from the host's namespace). A table that
// cannot be read is a gap named "neigh.<table>".
func (s *SysctlFacts) readNeigh(e *env) {
	for _, nt := range neighTables {
		gap := "neigh." + nt.table
		p := "/proc/net/stat/" + nt.table
		rp := p
		if e.root.Live() {
			// /proc/net is the thread-group leader's namespace, which
			// another goroutine's netns.Do may have moved (threadSelfNet).
			rp = threadSelfNet() + "/net/stat/" + nt.table
		}
		b, err := e.root.ReadFile(rp)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				s.Gaps.AddReason(gap, "no "+p+": it exists only in the host's (initial) network namespace, or the protocol is not built (ipv6.disable=1)")
			} else {
				s.Gaps.Add(gap, err)
			}
			continue
		}
		t, err := parseNeighStat(nt.table, b)
		if err != nil {
			s.Gaps.Add(gap, err)
			continue
		}
		for i := range t.Thresh {
			k := fmt.Sprintf("net.%s.neigh.default.gc_thresh%d", nt.family, i+1)
			v, err := e.root.ReadString(sysctlPath(k))
			if err != nil {
				s.Gaps.Add(k, err)
				continue
			}
			n, err := strconv.ParseUint(v, 10, 64)
			if err != nil {
				s.Gaps.AddReason(k, "not a number: "+clip(v, 20))
				continue
			}
			s.Values[k] = v
			t.Thresh[i] = n
		}
		s.Neigh = append(s.Neigh, t)
	}
}

// NeighTableOf returns the table of a family ("inet" or "inet6").
func (s SysctlFacts) NeighTableOf(family string) (NeighTable, bool) {
	want := "arp_cache"
	if family == "inet6" {
		want = "ndisc_cache"
	}
	for _, t := range s.Neigh {
		if t.Table == want {
			return t, true
		}
	}
	return NeighTable{}, false
}
