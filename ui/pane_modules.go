package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// modulesPane: the modules the symptom names, which link kinds the kernel
// can create, and which qdiscs, classifiers and actions tc can ask for, and
// why not.
type modulesPane struct{ tablePane }

// moduleKinds are the modules the symptom names (a firewall tool's table,
// match or target, modprobe's module), then the link kinds, then the tc
// kinds, as the pane lists them.
func moduleKinds(mf *probes.ModulesFacts) []probes.KindSupport {
	out := make([]probes.KindSupport, 0, len(mf.Named)+len(mf.Kinds)+len(mf.TCKinds))
	return append(append(append(out, mf.Named...), mf.Kinds...), mf.TCKinds...)
}

func (p *modulesPane) title() string { return "Modules" }
func (p *modulesPane) short() string { return "Mods" }
func (p *modulesPane) rows(m *Model) int {
	return len(moduleKinds(&m.facts.Modules))
}

func (p *modulesPane) footer(m *Model, k KeyMap) []key.Binding { return tableFooter(m, p, k) }

func (p *modulesPane) view(m *Model, w, h int) string {
	st := m.styles
	f := m.facts
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
	kinds := moduleKinds(&mf)
	head := fmt.Sprintf("kernel %s · module support %s%s · %d loaded · config %s", clean(mf.KernelRelease), sup, moddir, mf.Loaded, sanitize.OrDash(clean(mf.Kconfig)))
	t := table{
		cols:  []column{{"KIND", 14}, {"STATE", 11}, {"MODULE", 15}, {"CONFIG", 22}, {"EVIDENCE", 0}},
		rows:  len(kinds),
		state: &p.tbl.scrollState, width: w, height: h - 2,
		cell: func(r, c int) (string, func(...string) string) {
			k := kinds[r]
			switch c {
			case 0:
				return clean(k.Kind), nil
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

// detail is the enter dialog of the selected row.
func (p *modulesPane) detail(m *Model) string {
	f := m.facts
	_ = f
	kinds := moduleKinds(&f.Modules)
	if p.tbl.cursor >= len(kinds) {
		return ""
	}
	k := kinds[p.tbl.cursor]
	ev := make([]string, len(k.Evidence))
	for i, e := range k.Evidence {
		ev[i] = clean(e) // each line alone: a joined "\n" would show as \x0a
	}
	return fmt.Sprintf("kind %s: %s\nmodule %s, option %s\n\n%s", clean(k.Kind), k.State, clean(sanitize.OrDash(k.Module)), clean(k.Config), strings.Join(ev, "\n"))
}
