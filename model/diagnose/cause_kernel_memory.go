package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeKernelMemory = &Cause{
	ID:      "kernel-memory",
	Checks:  "page allocation failures in the kernel log, free high-order blocks (buddyinfo), MemAvailable, unreclaimable slab, memory pressure",
	Needs:   []probes.Group{probes.GroupMemory},
	Require: Requirement{probes.GroupMemory, "memory facts"},
	Eval:    evalKernelMemory,
	Fixes:   fixesKernelMemory,
	Answers: fix.Answers(nil, symptom.ENOMEM, symptom.ENOBUFS, symptom.EMFILE, symptom.ENFILE, symptom.ENOSPC),
	Next:    "After compaction, retry the operation soon: fragmentation returns as the system runs.",
}

// highOrder is the order a veth's queue allocation needs (64 KiB blocks).
const highOrder = 4

func evalKernelMemory(c *Context) Verdict {
	var v Verdict
	m := &c.Facts.Memory
	strong := c.Symptom.Errno == symptom.ENOMEM || c.Symptom.Errno == symptom.ENOBUFS
	now := c.Facts.Collected
	var recent []probes.AllocFailure
	for _, a := range m.AllocFailures {
		if c.recent(a.Time, now) {
			recent = append(recent, a)
		}
	}
	if len(recent) > 0 {
		last := recent[len(recent)-1]
		when := ""
		if !last.Time.IsZero() {
			when = ", last at " + last.Time.Local().Format("2006-01-02 15:04:05")
		}
		v.fail("kernel log (%s): %s (%s%s)", m.KernelLog, strings.TrimSpace(trimLogPrefix(last.Text)), Plural(len(recent), "report", "reports"), when)
	} else if r, gap := m.Gaps.Reason("alloc_failures"); gap {
		v.unknown("%s", r)
	}
	if len(m.Buddy) > 0 {
		free := m.FreeAtLeast(highOrder)
		st := OK
		if free < 16 {
			st = Warn
		}
		v.add(st, "%d free blocks of order >= %d (64 KiB and larger) across %s%s", free, highOrder, Plural(len(m.Buddy), "zone", "zones"), fragNote(free))
	}
	if mi := m.Meminfo; mi != nil && mi.MemTotal > 0 {
		avail := pct(mi.MemAvailable, mi.MemTotal)
		st := OK
		if avail < 5 {
			st = Warn
			if strong {
				st = Fail
			}
		}
		v.add(st, "MemAvailable %s of %s (%.0f%%)", KiB(mi.MemAvailable), KiB(mi.MemTotal), avail)
		if un := pct(mi.SUnreclaim, mi.MemTotal); un > 20 {
			v.warn("SUnreclaim %s (%.0f%% of RAM) is kernel memory that cannot be freed: look at the top slab caches", KiB(mi.SUnreclaim), un)
		}
	}
	if len(m.TopSlabs) > 0 {
		var top []string
		for i, s := range m.TopSlabs {
			if i == 3 {
				break
			}
			top = append(top, fmt.Sprintf("%s %s", s.Name, KiB(s.Bytes/1024)))
		}
		v.Evidence = append(v.Evidence, "largest slab caches: "+strings.Join(top, ", "))
	} else if r, gap := m.Gaps.Reason("slabinfo"); gap {
		v.Evidence = append(v.Evidence, "slabinfo: "+r)
	}
	if p := m.Pressure; p != nil && p.FullAvg10 > 10 {
		v.warn("memory pressure: all tasks stalled %.0f%% of the last 10 s", p.FullAvg10)
	}
	if m.MinFreeKbytes > 0 {
		v.Evidence = append(v.Evidence, fmt.Sprintf("vm.min_free_kbytes = %d", m.MinFreeKbytes))
	}
	if len(m.Buddy) == 0 && (m.Meminfo == nil || m.Meminfo.MemTotal == 0) && len(recent) == 0 {
		// Neither the free blocks nor the memory totals: nothing rules a
		// failed allocation out.
		var why []string
		for _, k := range []string{"proc", "meminfo", "buddyinfo"} {
			if r, gap := m.Gaps.Reason(k); gap {
				why = append(why, r)
			}
		}
		v.unknown("free memory unavailable: %s", fix.OrName(strings.Join(why, "; "), "no memory facts were gathered"))
		return v
	}
	if v.Status == "" {
		v.Status = OK
	}
	return v
}

func fragNote(free uint64) string {
	if free < 16 {
		return ": memory is fragmented, a veth or multi-queue device may not get its contiguous blocks"
	}
	return ""
}

// KiB renders a size given in KiB as /proc/meminfo does, scaled.
func KiB(k uint64) string {
	switch {
	case k >= 1<<20:
		return fmt.Sprintf("%.1f GiB", float64(k)/(1<<20))
	case k >= 1<<10:
		return fmt.Sprintf("%.0f MiB", float64(k)/(1<<10))
	}
	return fmt.Sprintf("%d KiB", k)
}

// trimLogPrefix drops a printk time stamp "[ 8812.123456] ".
func trimLogPrefix(s string) string {
	if i := strings.Index(s, "] "); i > 0 && strings.HasPrefix(strings.TrimLeft(s, " "), "[") {
		return s[i+2:]
	}
	if i := strings.Index(s, "kernel: "); i >= 0 {
		return trimLogPrefix(s[i+8:])
	}
	return s
}

func fixesKernelMemory(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	m := &c.Facts.Memory
	fixes := []fix.Fix{{ID: "kernel-memory/compact", Title: "Compact memory now, to rebuild high-order blocks",
		Command: "echo 1 > /proc/sys/vm/compact_memory", NeedsRoot: true, Action: fix.Act("compact-memory")}}
	if m.Meminfo != nil && m.MinFreeKbytes > 0 {
		target := int64(m.Meminfo.MemTotal / 100) // 1% of RAM
		if target > 262144 {
			target = 262144
		}
		if target > m.MinFreeKbytes {
			fixes = append(fixes, fix.Fix{ID: "kernel-memory/min-free", Title: fmt.Sprintf("Raise vm.min_free_kbytes from %d to %d (about 1%% of RAM)", m.MinFreeKbytes, target),
				Command:   fix.Argv("sysctl", "-w", fmt.Sprintf("vm.min_free_kbytes=%d", target)),
				NeedsRoot: true, Risk: "memory kept free is not usable by programs; too high a value brings the OOM killer sooner",
				Action: fix.Act("sysctl", "key", "vm.min_free_kbytes", "value", fmt.Sprint(target))}, fix.PersistFix("kernel-memory/persist-min-free", "vm.min_free_kbytes", fmt.Sprint(target)))
		}
	}
	return fixes
}
