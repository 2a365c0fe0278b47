package ui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// unavailable renders a group's gap.
func (m *Model) unavailable(what, reason string) string {
	return m.styles.Dim.Render(what+": unavailable: ") + m.styles.Error.Render(clean(reason))
}

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

// resourcesPane: file handles, the target's fds, memory, fragmentation,
// pressure, slabs and allocation failures, thresholds coloured and explained.
func (m *Model) resourcesPane(w, h int) string {
	st := m.styles
	f := m.facts
	if f == nil {
		return st.Dim.Render("gathering…")
	}
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
	return scrollLines(lines, &m.resources, h)
}

func limitStr(n int64) string {
	if n == probes.Unlimited {
		return "unlimited"
	}
	return fmt.Sprint(n)
}

// scrollLines shows h lines of a list from the state's offset.
func scrollLines(lines []string, s *scrollState, h int) string {
	s.offset = max(0, min(s.offset, len(lines)-h))
	return strings.Join(lines[s.offset:min(len(lines), s.offset+h)], "\n")
}

// filteredLinks applies the / filter (name, altnames, kind, alias).
func (m *Model) filteredLinks() []probes.Link {
	if m.facts == nil {
		return nil
	}
	all := m.facts.Net.Links
	if m.linkFilter == "" {
		return all
	}
	q := strings.ToLower(m.linkFilter)
	// One pass over the addresses, not one per link (20,000 of each).
	addrs := map[int32]string{}
	for _, a := range m.facts.Net.Addrs {
		addrs[a.Index] += " " + a.Prefix.String()
	}
	var out []probes.Link
	for _, l := range all {
		hay := strings.ToLower(l.Name + " " + l.Kind + " " + l.Alias + " " + strings.Join(l.AltNames, " ") + addrs[l.Index])
		if strings.Contains(hay, q) {
			out = append(out, l)
		}
	}
	return out
}

func (m *Model) linksPane(w, h int) string {
	st := m.styles
	f := m.facts
	if f == nil {
		return st.Dim.Render("gathering…")
	}
	if r, ok := f.Net.Gaps.Reason("links"); ok {
		out := m.unavailable("links", r)
		if len(f.Net.NetDev) > 0 {
			out += "\n" + st.Dim.Render("/proc/net/dev lists: "+clean(strings.Join(f.Net.NetDev, ", ")))
		}
		return out
	}
	links := m.filteredLinks()
	title := fmt.Sprintf("%d links", len(f.Net.Links))
	if m.linkFilter != "" || m.filtering {
		title = fmt.Sprintf("%d of %d links match /%s", len(links), len(f.Net.Links), clean(m.linkFilter))
		if m.filtering {
			title += "▏"
		}
	}
	addrs := map[int32][]string{}
	for _, a := range f.Net.Addrs {
		if a.Scope != "link" {
			addrs[a.Index] = append(addrs[a.Index], a.Prefix.String())
		}
	}
	t := table{
		cols:  []column{{"IDX", 6}, {"NAME", 16}, {"KIND", 9}, {"STATE", 14}, {"MTU", 6}, {"MASTER", 12}, {"ADDRESSES", 0}},
		rows:  len(links),
		state: &m.links, width: w, height: h - 2,
		cell: func(r, c int) (string, func(...string) string) {
			l := links[r]
			switch c {
			case 0:
				return fmt.Sprint(l.Index), nil
			case 1:
				return clean(l.Name), nil
			case 2:
				return sanitize.OrDash(clean(l.Kind)), nil
			case 3:
				state := "DOWN"
				style := st.Level(1).Render
				if l.Up() {
					state = "UP/" + strings.ToUpper(l.OperState)
					style = st.Status("ok").Render
					if !l.LowerUp() && l.Flags&0x8 == 0 {
						state = "UP/NO-CARRIER"
						style = st.Level(1).Render
					}
				}
				return state, style
			case 4:
				return fmt.Sprint(l.MTU), nil
			case 5:
				if l.Master != 0 {
					if ml, ok := f.Net.LinkByIndex(l.Master); ok {
						return clean(ml.Name), nil
					}
				}
				return "", nil
			default:
				return clean(strings.Join(addrs[l.Index], " ")), nil
			}
		},
	}
	return st.Dim.Render(title) + "\n" + t.render(st, true)
}

func (m *Model) modulesPane(w, h int) string {
	st := m.styles
	f := m.facts
	if f == nil {
		return st.Dim.Render("gathering…")
	}
	mf := f.Modules
	sup := "unknown"
	if mf.Supported != nil {
		sup = map[bool]string{true: "yes", false: "no (built-in kinds only)"}[*mf.Supported]
	}
	moddir := clean(mf.ModDir) + " present"
	if !mf.ModDirExists {
		moddir = st.Level(2).Render(clean(mf.ModDir) + " MISSING")
		if len(mf.OtherModDirs) > 0 {
			moddir += st.Level(2).Render(" (modules exist for " + clean(strings.Join(mf.OtherModDirs, ", ")) + ": upgraded without reboot)")
		}
	}
	if mf.Supported != nil && !*mf.Supported {
		moddir = "" // no module can load anyway
	} else {
		moddir = " · " + moddir
	}
	head := fmt.Sprintf("kernel %s · module support %s%s · %d loaded · config %s", clean(mf.KernelRelease), sup, moddir, mf.Loaded, sanitize.OrDash(clean(mf.Kconfig)))
	t := table{
		cols:  []column{{"KIND", 10}, {"STATE", 11}, {"MODULE", 15}, {"CONFIG", 22}, {"EVIDENCE", 0}},
		rows:  len(mf.Kinds),
		state: &m.modules, width: w, height: h - 2,
		cell: func(r, c int) (string, func(...string) string) {
			k := mf.Kinds[r]
			switch c {
			case 0:
				return k.Kind, nil
			case 1:
				sym := map[string]string{probes.ModBuiltin: "✓ ", probes.ModLoaded: "✓ ", probes.ModLoadable: "· ", probes.ModMissing: "✗ ", probes.ModUnknown: "? "}[k.State]
				style := st.Status("ok").Render
				switch k.State {
				case probes.ModMissing:
					style = st.Level(2).Render
				case probes.ModUnknown:
					style = st.Status("unknown").Render
				case probes.ModLoadable:
					style = st.Dim.Render
				}
				return sym + k.State, style
			case 2:
				return sanitize.OrDash(k.Module), nil
			case 3:
				return k.Config, nil
			default:
				return clean(strings.Join(k.Evidence, "; ")), st.Dim.Render
			}
		},
	}
	return ansi2(st.Dim.Render(head), w) + "\n" + t.render(st, true)
}

func ansi2(s string, w int) string { return fit(s, w, 1) }

// capsPane: the target's identity and capability sets, CAP_NET_ADMIN
// highlighted, with its namespaces, container and security label.
func (m *Model) capsPane(w, h int) string {
	st := m.styles
	f := m.facts
	if f == nil {
		return st.Dim.Render("gathering…")
	}
	id := f.Identity
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	label := func(s string) string { return st.Bold.Render(pad(s, 13)) }
	if r, ok := id.Gaps.Reason("status"); ok {
		add(m.unavailable("credentials", r))
	}
	add(label("process") + fmt.Sprintf("%s · uid %d euid %d · gid %d egid %d · groups %v", m.who(), id.UID, id.EUID, id.GID, id.EGID, id.Groups))
	need := "CAP_NET_ADMIN (links, addresses, routes)"
	add(label("needs") + st.Bold.Render(need))
	if c := id.Caps; c != nil {
		for _, set := range []struct {
			name string
			mask uint64
		}{{"effective", c.EffMask}, {"permitted", c.PrmMask}, {"bounding", c.BndMask},
			{"inheritable", c.InhMask}, {"ambient", c.AmbMask}} {
			has := set.mask&(1<<12) != 0
			mark := st.Level(2).Render("✗ no cap_net_admin")
			if has {
				mark = st.Status("ok").Render("✓ cap_net_admin")
			}
			if set.name == "inheritable" || set.name == "ambient" {
				mark = st.Dim.Render(map[bool]string{true: "has cap_net_admin", false: "—"}[has])
			}
			names := probes.DescribeCaps(set.mask, id.LastCap)
			add(label(set.name) + mark + "  " + st.Dim.Render(fit(names, max(10, w-35), 1)))
		}
	}
	add(label("no_new_privs") + fmt.Sprint(id.NoNewPrivs) + st.Dim.Render("  (1: setuid and file capabilities are ignored on exec)"))
	add(label("seccomp") + sanitize.OrDash(id.Seccomp) + fmt.Sprintf(" (%d filters)", id.SeccompFilters))
	uns := "unknown"
	if id.InitialUserNS != nil {
		if *id.InitialUserNS {
			uns = "initial user namespace"
		} else if len(id.UIDMap) > 0 {
			uns = fmt.Sprintf("child user namespace (uid_map %d %d %d)", id.UIDMap[0].Inside, id.UIDMap[0].Outside, id.UIDMap[0].Count)
		}
	}
	if id.CapsApplyToNetNS != nil {
		if *id.CapsApplyToNetNS {
			uns += " · its capabilities reach the examined netns"
		} else {
			uns += " · " + st.Level(2).Render("its capabilities do NOT reach the examined netns")
		}
	}
	add(label("user ns") + uns)
	ct := f.Container
	cont := "not in a container"
	if ct.InContainer {
		cont = fmt.Sprintf("%s container %s", clean(ct.Runtime), clean(ct.ID))
	}
	add(label("container") + cont)
	if ro := f.Sysctls.ProcSysReadOnly; ro != nil && *ro {
		add(label("") + st.Level(1).Render("/proc/sys is read-only here ("+clean(f.Sysctls.ProcSysMount)+")"))
	}
	if fc := id.FileCaps; fc != nil {
		txt := sanitize.OrDash(clean(fc.Text))
		if fc.Reason != "" {
			txt = "unavailable: " + clean(fc.Reason)
		}
		add(label("file caps") + clean(fc.Path) + ": " + txt)
	}
	sec := f.Security
	sel := "SELinux absent"
	if sec.SELinux.Present {
		sel = "SELinux " + sanitize.OrDash(sec.SELinux.Mode) + ", context " + sanitize.OrDash(clean(sec.SELinux.Context))
	}
	aa := "AppArmor disabled"
	if sec.AppArmor.Enabled {
		aa = "AppArmor label " + sanitize.OrDash(clean(sec.AppArmor.Label))
	}
	add(label("security") + sel + " · " + aa)
	return scrollLines(lines, &m.caps, h)
}

// who names the examined process in the dashboard.
func (m *Model) who() string {
	t := m.facts.Target
	if t.Self && t.Live {
		return fmt.Sprintf("rtnl-doctor itself (PID %d)", t.PID)
	}
	return fmt.Sprintf("PID %d (%s)", t.PID, clean(t.Comm))
}

func (m *Model) denialsPane(w, h int) string {
	st := m.styles
	f := m.facts
	if f == nil {
		return st.Dim.Render("gathering…")
	}
	d := f.Denials
	head := fmt.Sprintf("%d denials (%d touch networking) from %s", len(d.Denials), d.Relevant, sanitize.OrDash(clean(strings.Join(d.Sources, ", "))))
	for _, g := range d.Gaps {
		head += " · " + clean(g.Fact) + " unavailable: " + clean(g.Reason)
	}
	t := table{
		cols:  []column{{"", 2}, {"TIME", 12}, {"LSM", 8}, {"COMM", 14}, {"PID", 7}, {"DENIED", 22}, {"CLASS", 20}, {"BY", 0}},
		rows:  len(d.Denials),
		state: &m.denials, width: w, height: h - 2,
		cell: func(r, c int) (string, func(...string) string) {
			x := d.Denials[r]
			switch c {
			case 0:
				if x.Relevant {
					return "⚑", st.Level(2).Render
				}
				return "", nil
			case 1:
				if x.Time.IsZero() {
					return "-", nil
				}
				// Today's denials by their time; older ones by their day.
				now := m.opt.Now().Local()
				if t := x.Time.Local(); t.YearDay() == now.YearDay() && t.Year() == now.Year() {
					return t.Format("15:04:05"), nil
				}
				return x.Time.Local().Format("Jan 02 15:04"), nil
			case 2:
				return x.Kind, nil
			case 3:
				return clean(x.Comm), nil
			case 4:
				return fmt.Sprint(x.PID), nil
			case 5:
				s := x.Operation
				if x.Capability != "" {
					s += " " + x.Capability
				}
				return clean(s), nil
			case 6:
				return clean(strings.TrimSpace(x.Class + " " + x.Family)), nil
			default:
				return clean(sanitize.OrDash(firstNonEmpty(x.Profile, x.Scontext))), st.Dim.Render
			}
		},
	}
	return fit(st.Dim.Render(head), w, 1) + "\n" + t.render(st, true)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// configRows are the findings and journal lines of both managers.
type configRow struct {
	sev, manager, where, msg string
}

func (m *Model) configRows() []configRow {
	nc := m.facts.NetConfig
	var rows []configRow
	for _, fs := range [][]probes.Finding{nc.Networkd.Findings, nc.NetworkManager.Findings} {
		for _, f := range fs {
			where := f.File
			if f.Line > 0 {
				where = fmt.Sprintf("%s:%d", f.File, f.Line)
			}
			rows = append(rows, configRow{f.Severity, f.Manager, where, f.Message})
		}
	}
	order := map[string]int{"error": 0, "warning": 1, "info": 2}
	sort.SliceStable(rows, func(i, j int) bool { return order[rows[i].sev] < order[rows[j].sev] })
	for _, j := range nc.Networkd.Journal {
		rows = append(rows, configRow{"journal", "networkd", j.Time.Local().Format("15:04:05"), j.Text})
	}
	for _, j := range nc.NetworkManager.Journal {
		rows = append(rows, configRow{"journal", "NetworkManager", j.Time.Local().Format("15:04:05"), j.Text})
	}
	return rows
}

func (m *Model) configPane(w, h int) string {
	st := m.styles
	f := m.facts
	if f == nil {
		return st.Dim.Render("gathering…")
	}
	nc := f.NetConfig
	head := fmt.Sprintf("systemd-networkd %s (%d files) · NetworkManager %s (%d keyfiles)", diagnose.RunState(nc.Networkd.Running), len(nc.Networkd.Files),
		diagnose.RunState(nc.NetworkManager.Running), nc.NetworkManager.Keyfiles)
	var idle []string
	if r := nc.Networkd.Running; r != nil && !*r && len(nc.Networkd.Files) > 0 {
		idle = append(idle, "systemd-networkd")
	}
	if r := nc.NetworkManager.Running; r != nil && !*r && nc.NetworkManager.Keyfiles > 0 {
		idle = append(idle, "NetworkManager")
	}
	headLines := 1
	if len(idle) > 0 {
		head = fit(head, w, 1) + "\n" + fit(strings.Join(idle, " and ")+" not running: its files change nothing until it starts", w, 1)
		headLines = 2
	}
	rows := m.configRows()
	t := table{
		cols:  []column{{"SEVERITY", 8}, {"MANAGER", 14}, {"WHERE", 40}, {"FINDING", 0}},
		rows:  len(rows),
		state: &m.config, width: w, height: h - 1 - headLines,
		cell: func(r, c int) (string, func(...string) string) {
			x := rows[r]
			switch c {
			case 0:
				switch x.sev {
				case "error":
					return "✗ error", st.Level(2).Render
				case "warning":
					return "! warn", st.Level(1).Render
				}
				return x.sev, st.Dim.Render
			case 1:
				return x.manager, nil
			case 2:
				return clean(x.where), nil
			default:
				return clean(x.msg), nil
			}
		},
	}
	return st.Dim.Render(head) + "\n" + t.render(st, true)
}

// paneTable is the scroll state and row count of the focused pane.
func (m *Model) paneTable() (*scrollState, int) {
	if m.facts == nil {
		return nil, 0
	}
	switch m.pane {
	case paneLinks:
		return &m.links, len(m.filteredLinks())
	case paneModules:
		return &m.modules, len(m.facts.Modules.Kinds)
	case paneDenials:
		return &m.denials, len(m.facts.Denials.Denials)
	case paneConfig:
		return &m.config, len(m.configRows())
	case paneLive:
		return &m.live.scroll, len(m.live.findings)
	case paneResources:
		return &m.resources, 40
	case paneCaps:
		return &m.caps, 30
	}
	return nil, 0
}

// rowDetail is the text of the enter dialog for the selected row.
func (m *Model) rowDetail() string {
	f := m.facts
	switch m.pane {
	case paneLinks:
		links := m.filteredLinks()
		if m.links.cursor >= len(links) {
			return ""
		}
		l := links[m.links.cursor]
		var b strings.Builder
		fmt.Fprintf(&b, "%s (index %d)\n", clean(l.Name), l.Index)
		fmt.Fprintf(&b, "kind: %s   flags: %s   operstate: %s   mtu: %d\n", sanitize.OrDash(clean(l.Kind)), strings.Join(l.FlagNames(), ","), l.OperState, l.MTU)
		if len(l.AltNames) > 0 {
			fmt.Fprintf(&b, "altnames: %s\n", clean(strings.Join(l.AltNames, ", ")))
		}
		if l.Alias != "" {
			fmt.Fprintf(&b, "alias: %s\n", clean(l.Alias))
		}
		if l.HWAddr != "" {
			fmt.Fprintf(&b, "address: %s\n", l.HWAddr)
		}
		if l.Parent != 0 {
			if l.ParentNetNSID != nil {
				fmt.Fprintf(&b, "link/peer: index %d in another namespace (netnsid %d)\n", l.Parent, *l.ParentNetNSID)
			} else if p, ok := f.Net.LinkByIndex(l.Parent); ok {
				fmt.Fprintf(&b, "link/peer: %s (index %d)\n", clean(p.Name), p.Index)
			}
		}
		if l.Master != 0 {
			if p, ok := f.Net.LinkByIndex(l.Master); ok {
				fmt.Fprintf(&b, "master: %s\n", clean(p.Name))
			}
		}
		for _, a := range f.Net.AddrsOf(l.Index) {
			fmt.Fprintf(&b, "addr: %s scope %s\n", a.Prefix, a.Scope)
		}
		for _, r := range f.Net.Routes {
			via := r.OutIndex == l.Index
			for _, nh := range r.NextHops {
				via = via || nh.OutIndex == l.Index
			}
			if via {
				dst := r.Dst.String()
				if r.Default() {
					dst = "default"
				}
				gw := ""
				if r.Gateway.IsValid() {
					gw = " via " + r.Gateway.String()
				}
				fmt.Fprintf(&b, "route: %s%s proto %s\n", dst, gw, r.Protocol)
			}
		}
		return b.String()
	case paneDenials:
		if m.denials.cursor >= len(f.Denials.Denials) {
			return ""
		}
		x := f.Denials.Denials[m.denials.cursor]
		return fmt.Sprintf("%s denial from %s\n%s\n\nraw record:\n%s", x.Kind, clean(x.Source), clean(x.Why), clean(x.Raw))
	case paneConfig:
		rows := m.configRows()
		if m.config.cursor >= len(rows) {
			return ""
		}
		x := rows[m.config.cursor]
		return fmt.Sprintf("%s · %s\n%s\n\n%s", x.sev, x.manager, clean(x.where), clean(x.msg))
	case paneModules:
		if m.modules.cursor >= len(f.Modules.Kinds) {
			return ""
		}
		k := f.Modules.Kinds[m.modules.cursor]
		ev := make([]string, len(k.Evidence))
		for i, e := range k.Evidence {
			ev[i] = clean(e) // each line alone: a joined "\n" would show as \x0a
		}
		return fmt.Sprintf("kind %s: %s\nmodule %s, option %s\n\n%s", clean(k.Kind), k.State, clean(sanitize.OrDash(k.Module)), clean(k.Config), strings.Join(ev, "\n"))
	}
	return ""
}
