package diagnose

import (
	"fmt"
	"sort"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeBridgePortLimit = &Cause{
	ID: "bridge-port-limit",
	// What its fixes answer (Fix.Fits drops them for another errno).
	Answers: fix.Answers(nil, symptom.EXFULL),
	Checks:  "how many ports each bridge of the namespace has against the 1023 a Linux bridge can number (BR_MAX_PORTS is 1024, port 0 is reserved), and how many of them are down",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalBridgePortLimit,
	Fixes:   fixesBridgePortLimit,
	Next:    "Once ports are free, run the command again; if the bridge fills up again, something creates ports without deleting them (a runtime leaking veths).",
}

// bridgeMaxPorts is how many ports a bridge can hold: br_if.c find_portno
// numbers ports 1..BR_MAX_PORTS-1 (BR_MAX_PORTS = 1<<BR_PORT_BITS = 1024,
// port 0 reserved) and new_nbp returns EXFULL when none is free.
const bridgeMaxPorts = 1023

// bridgeNear is the count from which a bridge is reported as nearly full.
const bridgeNear = 960

type bridgePorts struct {
	bridge probes.Link
	ports  int
	down   []string
}

// bridgesByPorts counts the ports of every bridge, fullest first.
func bridgesByPorts(n *probes.NetFacts) []bridgePorts {
	idx := map[int32]int{}
	var out []bridgePorts
	for _, l := range n.Links {
		if l.Kind == "bridge" {
			idx[l.Index] = len(out)
			out = append(out, bridgePorts{bridge: l})
		}
	}
	for _, l := range n.Links {
		i, ok := idx[l.Master]
		if l.Master == 0 || !ok {
			continue
		}
		out[i].ports++
		if l.OperState != "up" && l.OperState != "unknown" {
			out[i].down = append(out[i].down, l.Name)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].ports > out[b].ports })
	return out
}

func evalBridgePortLimit(c *Context) Verdict {
	var v Verdict
	s := c.Symptom
	exfull := s.Errno == symptom.EXFULL
	if r, gap := c.linksGap(); gap {
		v.unknown("link facts unavailable: %s", r)
		return v
	}
	n := &c.Facts.Net
	all := bridgesByPorts(n)
	if s.Master != "" {
		m, ok := n.LinkByName(s.Master)
		switch {
		case !ok:
			if exfull {
				v.unknown("bridge %q unavailable: not in the examined namespace (pass --netns or --pid of the namespace the command ran in)%s", s.Master, escapesNote(s))
			} else {
				v.ok("no bridge %q in the examined namespace to count ports on; only EXFULL (\"Exchange full\") means a full bridge, and this error is not it", s.Master)
			}
			return v
		case m.Kind != "bridge":
			v.ok("%s is a %s, not a bridge: the bridge port limit does not apply", m.Name, fix.OrName(m.Kind, "device without a kind"))
			return v
		}
		for _, b := range all {
			if b.bridge.Index == m.Index {
				all = []bridgePorts{b}
				break
			}
		}
	}
	said := false
	for _, b := range all {
		detail := fmt.Sprintf("bridge %s has %d ports of the %d a bridge can number", b.bridge.Name, b.ports, bridgeMaxPorts)
		if len(b.down) > 0 {
			detail += fmt.Sprintf("; %s down (%s%s)", Plural(len(b.down), "port is", "ports are"), quoteList(firstN(b.down, 8)), more(b.down, 8))
		}
		switch {
		case b.ports >= bridgeMaxPorts:
			if exfull || s.Master == b.bridge.Name {
				v.fail("%s: it is full, and adding a port returns EXFULL (br_if.c new_nbp: \"Exchange full\")", detail)
			} else {
				v.warn("%s: it is full, the next port added to it fails with EXFULL", detail)
			}
		case b.ports >= bridgeNear:
			v.warn("%s: nearly full", detail)
		case exfull && s.Master != "":
			v.ok("%s", detail)
		default:
			continue
		}
		said = true
	}
	if !exfull && !said {
		// Say what was counted: an ok without evidence proves nothing.
		most := 0
		for _, b := range all {
			most = max(most, b.ports)
		}
		if len(all) == 0 {
			v.ok("no bridge in the examined namespace: no port limit to reach")
		} else {
			v.ok("%s in the examined namespace; the fullest has %d of the %d ports a bridge can number", Plural(len(all), "bridge", "bridges"), most, bridgeMaxPorts)
		}
	}
	if exfull && !said {
		if len(all) == 0 {
			v.unknown("the full bridge unavailable: there is no bridge in the examined namespace, so the one that answered EXFULL is elsewhere (pass --netns or --pid of the namespace the command ran in)")
		} else {
			v.unknown("the full bridge unavailable: no bridge in the examined namespace has %d ports, and only a full bridge answers EXFULL: the one that did is in another namespace (pass --netns or --pid of the namespace the command ran in), or ports were removed since", bridgeMaxPorts)
		}
	}
	return v
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

func more(s []string, n int) string {
	if len(s) > n {
		return fmt.Sprintf(" and %d more", len(s)-n)
	}
	return ""
}

func fixesBridgePortLimit(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	all := bridgesByPorts(&c.Facts.Net)
	if len(all) == 0 {
		return nil
	}
	b := all[0]
	if m, ok := c.Facts.Net.LinkByName(c.Symptom.Master); ok {
		for _, x := range all {
			if x.bridge.Index == m.Index {
				b = x
			}
		}
	}
	lines := []string{ipCmd(c, "-o", "link", "show", "master", b.bridge.Name)}
	for _, d := range firstN(b.down, 8) {
		if _, ok := c.Facts.Net.LinkByName(d); ok {
			lines = append(lines, ipCmd(c, "link", "del", "dev", d))
		}
	}
	fixes := []fix.Fix{{ID: "bridge-port-limit/remove-stale-ports",
		Title:   fmt.Sprintf("Delete the ports of %s that nothing uses any more (a runtime that leaked its veths); the down ones are listed (answers EXFULL)", b.bridge.Name),
		Command: fix.Lines(lines...), Manual: true, NeedsRoot: true,
		Why:  "which ports are stale is the operator's call: a port that is down may belong to a stopped container that will start again",
		Risk: "deleting a veth port also deletes its peer, inside whatever container holds it"},
		{ID: "bridge-port-limit/second-bridge",
			Title:   fmt.Sprintf("Or attach new ports to a second bridge: %d ports is a hard limit of the kernel's bridge (answers EXFULL)", bridgeMaxPorts),
			Command: fix.Lines(ipCmd(c, "link", "add", "NEW_BRIDGE", "type", "bridge"), "# then give new ports master NEW_BRIDGE (a docker network, a second CNI bridge)"),
			Manual:  true, NeedsRoot: true,
			Why: "a second bridge is a change of the network design: its ports are not on the first bridge's layer-2 segment"}}
	return fixes
}
