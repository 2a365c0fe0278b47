package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// resourcesPane: file handles, the target's fds, memory, fragmentation,
// pressure, slabs and allocation failures, thresholds coloured and explained.
// It scrolls its lines.
type resourcesPane struct{ textPane }

func (p *resourcesPane) title() string { return "Resources" }
func (p *resourcesPane) short() string { return "Res" }

// rows: the pane scrolls over its lines (it has no cursor).
func (p *resourcesPane) rows(m *Model) int { return textRows(m, p) }

func (p *resourcesPane) footer(m *Model, k KeyMap) []key.Binding { return textFooter(m, p, k) }

func (p *resourcesPane) view(m *Model, w, h int) string { return textView(m, p, w, h) }

// gauge draws used/total as a bar with a percentage, coloured by level.
func (m *Model) gauge(used, total uint64, width int) (string, int) {
	if total == 0 {
		return m.styles.Dim.Render("n/a"), 0
	}
	p := float64(used) / float64(total)
	level := 0
	switch {
	case p >= 0.99:
		level = 2
	case p >= 0.9:
		level = 1
	}
	n := int(p*float64(width) + 0.5)
	n = max(0, min(width, n))
	bar := m.styles.Level(level).Render(strings.Repeat("█", n)) + m.styles.GaugeOff.Render(strings.Repeat("░", width-n))
	return fmt.Sprintf("%s %5.1f%%", bar, 100*p), level
}

// lines are the pane's lines, one per fact.
func (p *resourcesPane) lines(m *Model, w int) []string {
	st := m.styles
	f := m.facts
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	label := func(s string) string { return st.Bold.Render(pad(s, 18)) }
	gw := max(10, min(30, w-52))
	fd := f.FDs
	if nr := fd.FileNR; nr != nil {
		g, lvl := m.gauge(nr.InUse(), nr.Max, gw)
		note := ""
		if lvl > 0 {
			note = st.Level(lvl).Render("  system file table nearly full: new sockets and files fail with ENFILE")
		}
		add(label("file handles") + g + fmt.Sprintf("  %d / %d", nr.InUse(), nr.Max) + note)
	} else if r, ok := fd.Gaps.Reason("file_nr"); ok {
		add(label("file handles") + m.unavailable("file-nr", r))
	}
	if fd.Limit != nil && fd.Limit.Soft > 0 {
		g, lvl := m.gauge(uint64(fd.Open), uint64(fd.Limit.Soft), gw)
		note := ""
		if lvl > 0 {
			note = st.Level(lvl).Render("  at its RLIMIT_NOFILE: the next socket fails with EMFILE")
		}
		add(label("target fds") + g + fmt.Sprintf("  %d / %d (hard %s)", fd.Open, fd.Limit.Soft, limitStr(fd.Limit.Hard)) + note)
	} else if r, ok := fd.Gaps.Reason("limit_nofile"); ok {
		add(label("target fds") + m.unavailable("limits", r))
	}
	add(label("") + st.Dim.Render(fmt.Sprintf("%s, %d netlink, %s · fs.nr_open %d", diagnose.Plural(fd.Sockets, "socket", "sockets"), fd.Netlink, diagnose.Plural(fd.Tun, "tun queue", "tun queues"), fd.NrOpen)))
	mem := f.Memory
	if mi := mem.Meminfo; mi != nil {
		g, _ := m.gauge(mi.MemTotal-mi.MemAvailable, mi.MemTotal, gw)
		add(label("memory in use") + g + fmt.Sprintf("  available %s of %s", diagnose.KiB(mi.MemAvailable), diagnose.KiB(mi.MemTotal)))
		unrec := st.Dim
		note := ""
		if mi.MemTotal > 0 && mi.SUnreclaim*5 > mi.MemTotal {
			unrec, note = st.Level(1), "  (over 20% of RAM cannot be reclaimed)"
		}
		add(label("slab") + fmt.Sprintf("%s: %s reclaimable, ", diagnose.KiB(mi.Slab), diagnose.KiB(mi.SReclaimable)) + unrec.Render(diagnose.KiB(mi.SUnreclaim)+" unreclaimable"+note))
		add(label("kernel") + st.Dim.Render(fmt.Sprintf("stacks %s, page tables %s, vmalloc %s, committed %s", diagnose.KiB(mi.KernelStack), diagnose.KiB(mi.PageTables), diagnose.KiB(mi.VmallocUsed), diagnose.KiB(mi.CommittedAS))))
	} else if r, ok := mem.Gaps.Reason("meminfo"); ok {
		add(label("memory") + m.unavailable("meminfo", r))
	}
	if mem.MinFreeKbytes > 0 {
		add(label("min_free_kbytes") + fmt.Sprintf("%d", mem.MinFreeKbytes))
	}
	if len(mem.Buddy) > 0 {
		var parts []string
		for o := 2; o <= 6; o++ {
			var n uint64
			for _, z := range mem.Buddy {
				if o < len(z.Free) {
					n += z.Free[o]
				}
			}
			parts = append(parts, fmt.Sprintf("o%d:%d", o, n))
		}
		free := mem.FreeAtLeast(4)
		lvl := 0
		if free < 16 {
			lvl = 1
		}
		note := ""
		if lvl > 0 {
			note = "  fragmented: a veth may not get its 64 KiB blocks (ENOMEM)"
		}
		add(label("free blocks") + strings.Join(parts, " ") + st.Level(lvl).Render(fmt.Sprintf("  ≥64KiB: %d%s", free, note)))
	}
	if p := mem.Pressure; p != nil {
		lvl := 0
		if p.FullAvg10 > 10 {
			lvl = 1
		}
		add(label("pressure") + st.Level(lvl).Render(fmt.Sprintf("some %.1f/%.1f/%.1f  full %.1f/%.1f/%.1f (%% of 10s/60s/300s)", p.SomeAvg10, p.SomeAvg60, p.SomeAvg300, p.FullAvg10, p.FullAvg60, p.FullAvg300)))
	} else if r, ok := mem.Gaps.Reason("pressure"); ok {
		add(label("pressure") + st.Dim.Render(clean(r)))
	}
	for _, a := range mem.AllocFailures {
		text := a.Text
		if i := strings.Index(text, a.Comm+": page allocation failure"); a.Comm != "" && i > 0 {
			text = text[i:]
		}
		when := "(time unknown) " // a log line without a timestamp
		if !a.Time.IsZero() {
			when = a.Time.Local().Format("2006-01-02 15:04:05 ") // a date: the log may go back days
		}
		add(label("alloc failure") + st.Level(2).Render(clean(when+strings.TrimSpace(text))))
	}
	add("", st.Section.Render("Top slab caches"))
	if len(mem.TopSlabs) == 0 {
		if r, ok := mem.Gaps.Reason("slabinfo"); ok {
			add(m.unavailable("slabinfo", r))
		}
	}
	for _, s := range mem.TopSlabs {
		add(fmt.Sprintf("  %-28s %10s  %9d objs × %d B", clean(s.Name), diagnose.KiB(s.Bytes/1024), s.Objects, s.ObjSize))
	}
	return lines
}

func limitStr(n int64) string {
	if n == probes.Unlimited {
		return "unlimited"
	}
	return fmt.Sprint(n)
}
