package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// capsPane: the target's identity and capability sets, CAP_NET_ADMIN
// highlighted, with its namespaces, container and security label. It
// scrolls its lines.
type capsPane struct{ textPane }

func (p *capsPane) title() string { return "Capabilities" }
func (p *capsPane) short() string { return "Caps" }

// rows: the pane scrolls over its lines (it has no cursor).
func (p *capsPane) rows(m *Model) int { return textRows(m, p) }

func (p *capsPane) footer(m *Model, k KeyMap) []key.Binding { return textFooter(m, p, k) }

func (p *capsPane) view(m *Model, w, h int) string { return textView(m, p, w, h) }

// lines are the pane's lines, one per fact.
func (p *capsPane) lines(m *Model, w int) []string {
	st := m.styles
	f := m.facts
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
	_, cgGap := ct.Gaps.Reason("cgroup")
	switch {
	case ct.InContainer:
		cont = fmt.Sprintf("%s container %s", clean(ct.Runtime), clean(ct.ID))
	case cgGap || ct.PIDNamespace == "":
		// As container-restricted judges it: no proof, but nothing rules
		// a container out either.
		cont = "unknown: no proof of a container, but its PID namespace or cgroup could not be read"
	case len(ct.Hints) > 0:
		cont += " (hints only, which prove nothing alone)"
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
	if _, gap := sec.Gaps.Reason("selinux"); gap {
		sel = "SELinux unknown"
	}
	if sec.SELinux.Present {
		sel = "SELinux " + sanitize.OrDash(sec.SELinux.Mode) + ", context " + sanitize.OrDash(clean(sec.SELinux.Context))
	}
	aa := "AppArmor disabled"
	if _, gap := sec.Gaps.Reason("apparmor"); gap {
		aa = "AppArmor unknown"
	}
	if sec.AppArmor.Enabled {
		aa = "AppArmor label " + sanitize.OrDash(clean(sec.AppArmor.Label))
	}
	add(label("security") + sel + " · " + aa)
	return lines
}

// who names the examined process in the dashboard.
func (m *Model) who() string {
	t := m.facts.Target
	if t.Self && t.Live {
		return fmt.Sprintf("rtnl-doctor itself (PID %d)", t.PID)
	}
	return fmt.Sprintf("PID %d (%s)", t.PID, clean(t.Comm))
}
