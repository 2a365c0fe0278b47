package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

// configPane: what systemd-networkd and NetworkManager are configured to do, and said.
type configPane struct{ tablePane }

func (p *configPane) title() string { return "Config" }
func (p *configPane) short() string { return "Conf" }
func (p *configPane) rows(m *Model) int {
	return len(m.configRows())
}

func (p *configPane) footer(m *Model, k KeyMap) []key.Binding { return tableFooter(m, p, k) }

// configRows are the findings and journal lines of both managers.
type configRow struct {
	sev, manager, where, msg string
}

func (m *Model) configRows() []configRow {
	nc := m.facts.NetConfig
	var rows []configRow
	for _, fs := range [][]netconfig.Finding{nc.Networkd.Findings, nc.NetworkManager.Findings} {
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

func (p *configPane) view(m *Model, w, h int) string {
	st := m.styles
	f := m.facts
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
		state: &p.tbl.scrollState, width: w, height: h - 1 - headLines,
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

// detail is the enter dialog of the selected row.
func (p *configPane) detail(m *Model) string {
	f := m.facts
	_ = f
	rows := m.configRows()
	if p.tbl.cursor >= len(rows) {
		return ""
	}
	x := rows[p.tbl.cursor]
	return fmt.Sprintf("%s · %s\n%s\n\n%s", x.sev, x.manager, clean(x.where), clean(x.msg))
}
