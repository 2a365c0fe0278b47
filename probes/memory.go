package probes

import (
	"context"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"
)

// MemoryFacts are the kernel-memory facts. Creating a link allocates kernel
// objects (net_device, per-queue structures: a veth pair wants physically
// contiguous, high-order pages), so fragmentation (buddyinfo) matters more than
// MemAvailable, and the kernel log's "page allocation failure" lines are the
// proof.
type MemoryFacts struct {
	Meminfo *Meminfo `json:"meminfo,omitempty"`
	// TopSlabs are the biggest slab caches by bytes; NetSlabs the ones
	// networking uses (net_namespace, sock_inode_cache, skbuff_*, kmalloc-*).
	TopSlabs   []SlabCache `json:"top_slabs,omitempty"`
	NetSlabs   []SlabCache `json:"net_slabs,omitempty"`
	SlabBytes  uint64      `json:"slab_bytes,omitempty"`
	SlabCaches int         `json:"slab_caches,omitempty"`
	// MinFreeKbytes is vm.min_free_kbytes.
	MinFreeKbytes int64       `json:"min_free_kbytes,omitempty"`
	Buddy         []BuddyZone `json:"buddy,omitempty"`
	Pressure      *Pressure   `json:"pressure,omitempty"`
	// AllocFailures are recent "page allocation failure" lines.
	AllocFailures []AllocFailure `json:"alloc_failures,omitempty"`
	// KernelLog says which kernel log was searched.
	KernelLog string `json:"kernel_log,omitempty"`
	// Quick is set when this gather skipped the kernel log and slabinfo
	// (Target.Quick): Facts.Merge keeps the previous ones.
	Quick bool `json:"-"`
	Gaps  Gaps `json:"unavailable,omitempty"`
}

// Meminfo holds the /proc/meminfo fields the diagnosis uses, in kB.
type Meminfo struct {
	MemTotal     uint64 `json:"mem_total_kb"`
	MemFree      uint64 `json:"mem_free_kb"`
	MemAvailable uint64 `json:"mem_available_kb"`
	Slab         uint64 `json:"slab_kb"`
	SReclaimable uint64 `json:"sreclaimable_kb"`
	SUnreclaim   uint64 `json:"sunreclaim_kb"`
	KernelStack  uint64 `json:"kernel_stack_kb"`
	PageTables   uint64 `json:"page_tables_kb"`
	VmallocUsed  uint64 `json:"vmalloc_used_kb"`
	CommittedAS  uint64 `json:"committed_as_kb"`
}

// SlabCache is one line of /proc/slabinfo.
type SlabCache struct {
	Name    string `json:"name"`
	Active  int64  `json:"active_objs"`
	Objects int64  `json:"num_objs"`
	ObjSize int64  `json:"objsize"`
	Bytes   uint64 `json:"bytes"`
}

// BuddyZone is one line of /proc/buddyinfo: free blocks of 2^order pages.
type BuddyZone struct {
	Node string   `json:"node"`
	Zone string   `json:"zone"`
	Free []uint64 `json:"free"`
}

// Pressure is /proc/pressure/memory (percent of time stalled).
type Pressure struct {
	SomeAvg10  float64 `json:"some_avg10"`
	SomeAvg60  float64 `json:"some_avg60"`
	SomeAvg300 float64 `json:"some_avg300"`
	FullAvg10  float64 `json:"full_avg10"`
	FullAvg60  float64 `json:"full_avg60"`
	FullAvg300 float64 `json:"full_avg300"`
}

// AllocFailure is a kernel "page allocation failure" report.
type AllocFailure struct {
	LogLine
	Comm  string `json:"comm,omitempty"`
	Order int    `json:"order"`
}

// FreeAtLeast sums, over all zones, the free blocks of order >= order.
func (m MemoryFacts) FreeAtLeast(order int) uint64 {
	var n uint64
	for _, z := range m.Buddy {
		for o := order; o < len(z.Free); o++ {
			n += z.Free[o]
		}
	}
	return n
}

const topSlabs = 10

// mergeMemory keeps, after a quick read (a dashboard's frequent refresh),
// the last kernel log scan and slabinfo, which a quick read skips.
func mergeMemory(out, old, newer *Facts) {
	mem := newer.Memory
	if mem.Quick { // keep the last kernel log scan and slabinfo
		prev := old.Memory
		mem.AllocFailures, mem.KernelLog, mem.Quick = prev.AllocFailures, prev.KernelLog, prev.Quick
		mem.TopSlabs, mem.NetSlabs, mem.SlabBytes, mem.SlabCaches = prev.TopSlabs, prev.NetSlabs, prev.SlabBytes, prev.SlabCaches
		for _, k := range []string{"alloc_failures", "slabinfo"} {
			if r, ok := prev.Gaps.Reason(k); ok {
				mem.Gaps.AddReason(k, r)
			}
		}
	}
	out.Memory = mem
}

// GroupMemory is the fact group of kernel memory: free pages by order, slab
// caches, allocation failures.
const GroupMemory Group = "memory"

var memoryGroup = newGroup(GroupMemory, RefreshFast, func(f *Facts) *MemoryFacts { return &f.Memory },
	gatherMemory).mergedBy(mergeMemory)

func gatherMemory(ctx context.Context, e *env) MemoryFacts {
	var m MemoryFacts
	fs, err := procfs.NewFS(e.root.Path("/proc"))
	if err != nil {
		m.Gaps.Add("proc", err)
		return m
	}
	if mi, err := fs.Meminfo(); err != nil {
		m.Gaps.Add("meminfo", err)
	} else {
		m.Meminfo = convertMeminfo(mi)
	}
	if e.quick {
		// slabinfo costs the kernel a walk of every cache, and procfs a
		// regular expression per line: the frequent refreshes skip it.
		m.Quick = true
	} else if si, err := fs.SlabInfo(); err != nil && len(si.Slabs) == 0 {
		m.Gaps.AddReason("slabinfo", slabReason(e, err))
	} else {
		m.setSlabs(si)
	}
	if v, err := e.root.ReadInt("/proc/sys/vm/min_free_kbytes"); err != nil {
		m.Gaps.Add("min_free_kbytes", err)
	} else {
		m.MinFreeKbytes = v
	}
	if bi, err := fs.BuddyInfo(); err != nil {
		m.Gaps.Add("buddyinfo", err)
	} else {
		for _, z := range bi {
			bz := BuddyZone{Node: z.Node, Zone: z.Zone, Free: make([]uint64, len(z.Sizes))}
			for i, v := range z.Sizes {
				if v > 0 {
					bz.Free[i] = uint64(v)
				}
			}
			m.Buddy = append(m.Buddy, bz)
		}
	}
	if !e.root.Exists("/proc/pressure/memory") {
		m.Gaps.AddReason("pressure", "no /proc/pressure/memory (kernel without CONFIG_PSI, or booted with psi=0)")
	} else if ps, err := fs.PSIStatsForResource("memory"); err != nil {
		m.Gaps.Add("pressure", err)
	} else {
		p := &Pressure{}
		if ps.Some != nil {
			p.SomeAvg10, p.SomeAvg60, p.SomeAvg300 = ps.Some.Avg10, ps.Some.Avg60, ps.Some.Avg300
		}
		if ps.Full != nil {
			p.FullAvg10, p.FullAvg60, p.FullAvg300 = ps.Full.Avg10, ps.Full.Avg60, ps.Full.Avg300
		}
		m.Pressure = p
	}
	if e.quick {
		return m
	}
	lines, src, err := e.kernelLog(ctx)
	if err != nil {
		m.Gaps.AddReason("alloc_failures", "kernel log unreadable: "+Reason(err))
	} else {
		m.KernelLog = src
		m.AllocFailures = findAllocFailures(lines)
	}
	return m
}

func slabReason(e *env, err error) string {
	r := Reason(err)
	if strings.Contains(r, "permission denied") {
		return "permission denied reading " + e.root.Path("/proc/slabinfo") + ": slabinfo is readable by root only"
	}
	return r
}

func convertMeminfo(mi procfs.Meminfo) *Meminfo {
	v := func(p *uint64) uint64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return &Meminfo{
		MemTotal: v(mi.MemTotal), MemFree: v(mi.MemFree), MemAvailable: v(mi.MemAvailable),
		Slab: v(mi.Slab), SReclaimable: v(mi.SReclaimable), SUnreclaim: v(mi.SUnreclaim),
		KernelStack: v(mi.KernelStack), PageTables: v(mi.PageTables), VmallocUsed: v(mi.VmallocUsed),
		CommittedAS: v(mi.CommittedAS),
	}
}

// isNetSlab reports whether a slab cache is one networking allocates from.
func isNetSlab(name string) bool {
	switch {
	case name == "net_namespace", name == "sock_inode_cache", name == "netlink_sock",
		strings.HasPrefix(name, "skbuff_"), strings.HasPrefix(name, "kmalloc-"),
		strings.HasPrefix(name, "TCP"), strings.HasPrefix(name, "UDP"), name == "RAW", name == "PING":
		return true
	}
	return false
}

func (m *MemoryFacts) setSlabs(si procfs.SlabInfo) {
	all := make([]SlabCache, 0, len(si.Slabs))
	for _, s := range si.Slabs {
		if s == nil || s.ObjNum < 0 || s.ObjSize < 0 {
			continue
		}
		c := SlabCache{Name: s.Name, Active: s.ObjActive, Objects: s.ObjNum, ObjSize: s.ObjSize,
			Bytes: uint64(s.ObjNum) * uint64(s.ObjSize)}
		m.SlabBytes += c.Bytes
		all = append(all, c)
	}
	m.SlabCaches = len(all)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Bytes > all[j].Bytes })
	for i, c := range all {
		if i < topSlabs {
			m.TopSlabs = append(m.TopSlabs, c)
		}
		if isNetSlab(c.Name) && c.Bytes > 0 && len(m.NetSlabs) < 24 {
			m.NetSlabs = append(m.NetSlabs, c)
		}
	}
}

var allocFailureRE = regexp.MustCompile(`(?:^|\]\s*|\s)(\S+): page allocation failure: order:(\d+)`)

// findAllocFailures picks the kernel's "page allocation failure" reports,
// newest last, at most 20.
func findAllocFailures(lines []LogLine) []AllocFailure {
	var out []AllocFailure
	for _, l := range lines {
		if !strings.Contains(l.Text, "page allocation failure") {
			continue
		}
		a := AllocFailure{LogLine: l, Order: -1}
		if sm := allocFailureRE.FindStringSubmatch(l.Text); sm != nil {
			a.Comm = sm[1]
			a.Order, _ = strconv.Atoi(sm[2])
		}
		out = append(out, a)
	}
	if len(out) > 20 {
		out = out[len(out)-20:]
	}
	return out
}
