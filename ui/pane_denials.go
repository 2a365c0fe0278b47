package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
)

// denialsPane lists the LSM and audit denials, those touching networking flagged.
type denialsPane struct{ tablePane }

func (p *denialsPane) title() string { return "Denials" }
func (p *denialsPane) short() string { return "Deny" }
func (p *denialsPane) rows(m *Model) int {
	return len(m.facts.Denials.Denials)
}

func (p *denialsPane) footer(m *Model, k KeyMap) []key.Binding { return tableFooter(m, p, k) }

func (p *denialsPane) view(m *Model, w, h int) string {
	st := m.styles
	f := m.facts
	d := f.Denials
	head := fmt.Sprintf("%d denials (%d touch networking) from %s", len(d.Denials), d.Relevant, sanitize.OrDash(clean(strings.Join(d.Sources, ", "))))
	for _, g := range d.Gaps {
		head += " · " + clean(g.Fact) + " unavailable: " + clean(g.Reason)
	}
	t := table{
		cols:  []column{{"", 2}, {"TIME", 12}, {"LSM", 8}, {"COMM", 14}, {"PID", 7}, {"DENIED", 22}, {"CLASS", 20}, {"BY", 0}},
		rows:  len(d.Denials),
		state: &p.tbl.scrollState, width: w, height: h - 2,
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

// detail is the enter dialog of the selected row.
func (p *denialsPane) detail(m *Model) string {
	f := m.facts
	_ = f
	if p.tbl.cursor >= len(f.Denials.Denials) {
		return ""
	}
	x := f.Denials.Denials[p.tbl.cursor]
	return fmt.Sprintf("%s denial from %s\n%s\n\nraw record:\n%s", x.Kind, clean(x.Source), clean(x.Why), clean(x.Raw))
}
