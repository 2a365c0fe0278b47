package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// linksPane lists the links with their state, master and addresses; / filters them.
type linksPane struct{ tablePane }

func newLinksPane() *linksPane {
	p := &linksPane{}
	p.tbl.canFilter = true
	return p
}

func (p *linksPane) title() string     { return "Links" }
func (p *linksPane) short() string     { return "Links" }
func (p *linksPane) rows(m *Model) int { return len(p.filtered(m)) }

func (p *linksPane) footer(m *Model, k KeyMap) []key.Binding { return tableFooter(m, p, k) }

// filteredLinks applies the / filter (name, altnames, kind, alias).
func (p *linksPane) filtered(m *Model) []probes.Link {
	if m.facts == nil {
		return nil
	}
	all := m.facts.Net.Links
	if p.tbl.filter == "" {
		return all
	}
	q := strings.ToLower(p.tbl.filter)
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

func (p *linksPane) view(m *Model, w, h int) string {
	st := m.styles
	f := m.facts
	if r, ok := f.Net.Gaps.Reason("links"); ok {
		out := m.unavailable("links", r)
		if len(f.Net.NetDev) > 0 {
			out += "\n" + st.Dim.Render("/proc/net/dev lists: "+clean(strings.Join(f.Net.NetDev, ", ")))
		}
		return out
	}
	links := p.filtered(m)
	title := fmt.Sprintf("%d links", len(f.Net.Links))
	if p.tbl.filter != "" || p.tbl.filtering {
		title = fmt.Sprintf("%d of %d links match /%s", len(links), len(f.Net.Links), clean(p.tbl.filter))
		if p.tbl.filtering {
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
		state: &p.tbl.scrollState, width: w, height: h - 2,
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

// detail is the enter dialog of the selected row.
func (p *linksPane) detail(m *Model) string {
	f := m.facts
	_ = f
	links := p.filtered(m)
	if p.tbl.cursor >= len(links) {
		return ""
	}
	l := links[p.tbl.cursor]
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
}
