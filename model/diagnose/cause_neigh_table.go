package diagnose

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeNeighTable = &Cause{
	ID:      "neigh-table",
	Checks:  "the kernel's neighbour tables (/proc/net/stat/arp_cache, ndisc_cache: entries and refused allocations) against net.ipv4/ipv6.neigh.default.gc_thresh1/2/3",
	Needs:   []probes.Group{probes.GroupSysctls},
	Require: Requirement{probes.GroupSysctls, "neighbour table facts"},
	Eval:    evalNeighTable,
	Fixes:   fixesNeighTable,
	// A full table refuses every new neighbour: an explicit ip neigh add,
	// and the entry a route or an address needs to resolve its next hop.
	Answers: fix.Answers(nil, symptom.ENOBUFS),
	Next:    "Once the limit is raised, add the entry again; find what fills the table (ip -s neigh | wc -l per namespace: every container's ARP and ND entries count against the same global limit).",
}

// neighSlack is how close to gc_thresh3 counts as full: entries is read
// after the failure, and the periodic collector may have freed a few.
const neighSlack = 4

// neighOverflowMsg is true when the text has the kernel's own log line
// ("neighbour: arp_cache: neighbor table overflow!") or its common spellings.
func neighOverflowMsg(s symptom.Symptom) bool {
	t := strings.ToLower(s.Raw + " " + s.Message)
	return strings.Contains(t, "neighbor table overflow") || strings.Contains(t, "neighbour table overflow")
}

// neighSymptom is true when the symptom can be a full neighbour table: the
// kernel's message, or ENOBUFS answered to a request (not a receive
// overrun, which is netlink-buffer's).
func neighSymptom(s symptom.Symptom) bool {
	if neighOverflowMsg(s) {
		return true
	}
	if s.Errno != symptom.ENOBUFS {
		return false
	}
	switch s.Operation {
	case symptom.OpNeighAdd, symptom.OpRouteAdd, symptom.OpAddrAdd:
		return true
	}
	return strings.Contains(strings.ToLower(s.Message+" "+s.Raw), "rtnetlink answers")
}

// neighTablesFor returns the tables the symptom names: ndisc_cache for
// IPv6, arp_cache for IPv4, both when the text does not say.
func neighTablesFor(s symptom.Symptom) []string {
	t := strings.ToLower(s.Raw)
	switch {
	case strings.Contains(t, "ndisc_cache") || s.Family == "inet6":
		return []string{"ndisc_cache"}
	case strings.Contains(t, "arp_cache") || s.Family == "inet":
		return []string{"arp_cache"}
	}
	if a, ok := neighAddr(s.Raw); ok {
		if a.Is4() || a.Is4In6() {
			return []string{"arp_cache"}
		}
		return []string{"ndisc_cache"}
	}
	return []string{"arp_cache", "ndisc_cache"}
}

// neighAddr finds the address of "ip neigh add|replace|change ADDR" in the
// text (ip sets no family for it unless -4/-6 is given).
func neighAddr(raw string) (netip.Addr, bool) {
	f := strings.Fields(raw)
	for i := 2; i < len(f); i++ {
		switch f[i-1] {
		case "add", "replace", "change", "append":
		default:
			continue
		}
		if v := strings.ToLower(f[i-2]); v != "n" && !strings.HasPrefix(v, "neigh") {
			continue
		}
		if a, err := netip.ParseAddr(f[i]); err == nil {
			return a, true
		}
	}
	return netip.Addr{}, false
}

func neighFamily(table string) (family, sysctl string) {
	if table == "ndisc_cache" {
		return "inet6", "ipv6"
	}
	return "inet", "ipv4"
}

func evalNeighTable(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	sc := &c.Facts.Sysctls
	health := strings.TrimSpace(s.Raw) == ""
	relevant := neighSymptom(s)
	if !health && !relevant {
		v.ok("%s is not what a full neighbour table returns (ENOBUFS to a request, \"neighbor table overflow\")", errnoWords(s))
		return v
	}
	tables := neighTablesFor(s)
	if health {
		tables = []string{"arp_cache", "ndisc_cache"}
	}
	if relevant && neighOverflowMsg(s) {
		v.fail("the text has the kernel's \"neighbor table overflow\": neigh_alloc (net/core/neighbour.c) refused a new entry at gc_thresh3 after a forced collection freed nothing, and the request failed with ENOBUFS")
	}
	for _, name := range tables {
		fam, sk := neighFamily(name)
		t, ok := sc.NeighTableOf(fam)
		if !ok {
			r, _ := sc.Gaps.Reason("neigh." + name)
			if r == "" {
				r = "not read"
			}
			if relevant || health && name == "arp_cache" {
				v.unknown("%s unavailable: %s", name, r)
			}
			continue
		}
		key3 := "net." + sk + ".neigh.default.gc_thresh3"
		if t.Thresh[2] == 0 {
			r, _ := sc.Gaps.Reason(key3)
			v.unknown("%s has %d entries, but %s is unreadable: %s", name, t.Entries, key3, r)
			continue
		}
		nums := fmt.Sprintf("%s: %d entries (all namespaces, permanent ones included), gc_thresh1/2/3 = %d/%d/%d, %d allocations refused as full since boot (table_fulls)",
			name, t.Entries, t.Thresh[0], t.Thresh[1], t.Thresh[2], t.TableFulls)
		full := t.Entries+neighSlack >= t.Thresh[2]
		switch {
		case full && relevant && (t.TableFulls > 0 || neighOverflowMsg(s)):
			v.fail("%s: the table is at its hard limit, so a new neighbour is refused with ENOBUFS", nums)
		case full:
			// entries counts permanent entries too, which gc_thresh3 no
			// longer limits (Linux 5.0): near, not proven.
			v.warn("%s: at or near gc_thresh3 (permanent entries count here but are exempt from the limit)", nums)
		case t.TableFulls > 0 && relevant:
			v.warn("%s: the kernel refused entries as full before, though the table is below the limit now (the collector or a deleted namespace freed entries since)", nums)
		case t.Entries > t.Thresh[1]:
			v.warn("%s: above gc_thresh2, so each new entry may force a collection; gc_thresh3 is the hard limit", nums)
		case t.TableFulls > 0:
			v.warn("%s: the table was full at some point since boot", nums)
		default:
			v.ok("%s", nums)
		}
	}
	if v.Status == "" {
		v.Status = OK
	}
	return v
}

// errnoWords names the symptom's errno for evidence.
func errnoWords(s symptom.Symptom) string {
	if s.Errno == "" {
		return "this failure"
	}
	return string(s.Errno)
}

// neighTarget is the proposed gc_thresh3: at least double the old limit and
// the entries in use, rounded up to a power of two.
func neighTarget(t probes.NeighTable) uint64 {
	want := 2 * t.Thresh[2]
	if 2*t.Entries > want {
		want = 2 * t.Entries
	}
	n := uint64(1024)
	for n < want {
		n <<= 1
	}
	return n
}

func fixesNeighTable(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	sc := &c.Facts.Sysctls
	var fixes, persist []fix.Fix
	named := neighTablesFor(c.Symptom)
	for _, name := range named {
		fam, sk := neighFamily(name)
		t, ok := sc.NeighTableOf(fam)
		if !ok || t.Thresh[2] == 0 {
			continue
		}
		// Only the table that is full, or the one the kernel's message
		// names: the other family's limit has nothing to do with it.
		if t.Entries+neighSlack < t.Thresh[2] && !(len(named) == 1 && neighOverflowMsg(c.Symptom)) {
			continue
		}
		n3 := neighTarget(t)
		vals := [3]uint64{n3 / 8, n3 / 2, n3}
		cost := fmt.Sprintf("global: every network namespace shares the one %s table, so the host and all containers may then hold up to %d entries, about half a KiB of kernel memory each (struct neighbour, ~%d MiB at the limit), and the periodic collector scans a longer table", name, n3, (n3*512+(1<<20)-1)>>20)
		// gc_thresh3 first: it is the limit that refused the entry.
		for _, i := range []int{2, 1, 0} {
			if vals[i] <= t.Thresh[i] {
				continue
			}
			key := fmt.Sprintf("net.%s.neigh.default.gc_thresh%d", sk, i+1)
			val := fmt.Sprint(vals[i])
			title := map[int]string{
				2: "Raise the hard limit %s from %d to %s (answers ENOBUFS: a new neighbour is refused at it)",
				1: "Raise %s from %d to %s, the level forced collections aim for (keeps it below the new hard limit)",
				0: "Raise %s from %d to %s, below which the periodic collector leaves the table alone",
			}[i]
			fixes = append(fixes, fix.Fix{ID: fmt.Sprintf("neigh-table/%s-gc-thresh%d", sk, i+1),
				Title: fmt.Sprintf(title, key, t.Thresh[i], val) + " (global: the kernel has one table for all namespaces)",
				// No netns: the key exists only in the host's namespace
				// and governs every namespace.
				Command: fix.Argv("sysctl", "-w", key+"="+val), NeedsRoot: true, Risk: cost,
				Action: fix.Act("sysctl", "key", key, "value", val)})
			// /etc/sysctl.d is applied in the host's namespace at boot,
			// which is where these global keys live: rtnl-doctor read
			// /proc/net/stat/<table>, so it runs there too.
			persist = append(persist, fix.PersistFix(fmt.Sprintf("neigh-table/persist-%s-gc-thresh%d", sk, i+1), key, val))
		}
	}
	return append(fixes, persist...)
}
