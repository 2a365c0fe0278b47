package symptom

import "strings"

// tc(8): traffic-control requests (RTM_NEWQDISC, RTM_NEWTCLASS,
// RTM_NEWTFILTER and their deletions), the commonest RTNETLINK users after
// ip. The kernel answers an unknown qdisc or classifier kind with ENOENT
// after request_module("sch_KIND") / ("cls_KIND") found nothing
// (net/sched/sch_api.c qdisc_create, cls_api.c tcf_proto_lookup_ops).

// tcObjects are tc's objects by the names tc accepts for them (tc/tc.c
// do_cmd matches abbreviations: "q", "qd", "f"...).
var tcObjects = []string{"qdisc", "class", "filter", "chain", "actions"}

// tcSkip are the keywords of a qdisc or filter command that come before
// its kind, with how many values each takes ("prio" is a qdisc kind but a
// filter's priority).
var tcSkip = map[string]map[string]int{
	"qdisc": {"dev": 1, "parent": 1, "handle": 1, "root": 0, "estimator": 2, "ingress_block": 1, "egress_block": 1},
	"filter": {"dev": 1, "parent": 1, "handle": 1, "protocol": 1, "prio": 1, "pref": 1, "priority": 1, "chain": 1,
		"block": 1, "estimator": 2, "root": 0, "ingress": 0, "egress": 0},
}

// parseTC reads a tc command line (argv[0] is "tc").
func (s *Symptom) parseTC(argv []string) {
	s.setIf(&s.Source, "tc")
	a := argv[1:]
	for len(a) > 0 && strings.HasPrefix(a[0], "-") {
		switch a[0] {
		case "-n", "-netns", "--netns":
			if len(a) > 1 {
				s.Netns = clipText(a[1], 256)
				a = a[1:]
			}
		case "-b", "-batch", "-cf", "-conf", "-rc":
			if len(a) > 1 {
				a = a[1:]
			}
		}
		a = a[1:]
	}
	if len(a) < 2 {
		return
	}
	object := ""
	for _, o := range tcObjects {
		if a[0] != "" && strings.HasPrefix(o, a[0]) {
			object = o
			break
		}
	}
	verb := a[1]
	switch verb {
	case "add", "replace", "change", "del", "delete", "link":
	default:
		return // show, list, monitor, exec: no change was asked
	}
	if object == "" {
		return
	}
	s.Operation = OpTC
	rest := a[2:]
	s.setIf(&s.Device, clipText(valueAfter(rest, "dev"), 256))
	// A filter's or `tc actions`'s add, replace or change makes the kernel
	// load every action it names (act_api.c tcf_action_init).
	if (object == "filter" || object == "actions") && (verb == "add" || verb == "replace" || verb == "change") && len(s.TCActions) == 0 {
		s.TCActions = tcActions(rest, object == "actions")
		if object == "actions" && len(s.TCActions) > 0 {
			s.TCKind = "action " + s.TCActions[0]
		}
	}
	// Only a request that creates asks the kernel for the qdisc's or
	// classifier's kind (and makes it load sch_KIND): a del or change of
	// what is not there fails on the object, whatever kind it names.
	if verb != "add" && verb != "replace" || object != "qdisc" && object != "filter" {
		return
	}
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		if n, ok := tcSkip[object][w]; ok {
			i += n
			continue
		}
		if w == "" || strings.ContainsAny(w, ":/.=") || w[0] >= '0' && w[0] <= '9' {
			return
		}
		s.TCKind = object + " " + clipText(w, 32)
		return
	}
}

// tcActionModuleMsg is the kernel's answer when request_module found no
// module for an action (net/sched/act_api.c tc_action_load_ops, ENOENT).
const tcActionModuleMsg = "Failed to load TC action module"

// tcGactVerdicts are the verdicts tc reads as a gact action when they
// stand where an action's kind goes (tc/tc_util.c action_a2n, which
// matches a prefix: "action d" is drop), in its table's order.
var tcGactVerdicts = []string{"continue", "drop", "shot", "pass", "ok", "reclassify", "pipe", "trap", "goto", "jump"}

func tcGactVerdict(w string) bool {
	for _, v := range tcGactVerdicts {
		if strings.HasPrefix(v, w) {
			return true
		}
	}
	return false
}

// maxTCActions bounds the actions read from one command.
const maxTCActions = 32

// tcActions are the kinds of the actions in a filter's or `tc actions`'s
// arguments, in order (tc/m_action.c parse_action): the word after
// "action" (iproute2's filters accept any prefix from "act"), a gact
// verdict read as gact, and "police", a filter's own keyword for
// act_police. `tc actions add mirred ...` names its first kind without the
// keyword (bare).
func tcActions(rest []string, bare bool) []string {
	var out []string
	add := func(k string) {
		if len(out) < maxTCActions {
			out = append(out, k)
		}
	}
	kind := func(k string) string {
		switch {
		case k == "" || strings.ContainsAny(k, ":/.=") || k[0] >= '0' && k[0] <= '9':
			return ""
		case tcGactVerdict(k):
			return "gact"
		}
		return clipText(k, 32)
	}
	for i := 0; i < len(rest); i++ {
		w := rest[i]
		switch {
		case len(w) >= 3 && strings.HasPrefix("police", w):
			add("police")
		case (w == "actions" || len(w) >= 2 && strings.HasPrefix("action", w)) && i+1 < len(rest):
			if k := kind(rest[i+1]); k != "" {
				add(k)
			}
			i++
		case bare && i == 0:
			if k := kind(w); k != "" {
				add(k)
			}
		case len(out) > 0 && tcActionKinds[w] && tcAfterControl(rest, i):
			// parse_action reads the next action after one's control
			// verdict without the keyword ("... pipe skbedit mark 1").
			add(w)
		}
	}
	return out
}

// tcActionKinds are the action kinds tc knows (its m_*.c), for an action
// named after another's control verdict without the "action" keyword.
var tcActionKinds = map[string]bool{"gact": true, "mirred": true, "police": true, "pedit": true, "skbedit": true, "vlan": true,
	"csum": true, "tunnel_key": true, "ct": true, "connmark": true, "ctinfo": true, "nat": true, "mpls": true, "sample": true,
	"bpf": true, "skbmod": true, "simple": true, "gate": true, "ife": true, "xt": true, "ipt": true}

// tcAfterControl: the word at i follows an action's control verdict
// ("pipe", "pass", "drop"..., "jump N", "goto chain N").
func tcAfterControl(rest []string, i int) bool {
	if i >= 1 && tcGactVerdict(rest[i-1]) && len(rest[i-1]) >= 2 {
		return true
	}
	return i >= 2 && (rest[i-2] == "jump" || rest[i-2] == "chain")
}

// TCActionRefused reports whether the kernel's answer is the one for an
// action whose module could not be loaded.
func (s Symptom) TCActionRefused() bool { return strings.EqualFold(s.ExtAck, tcActionModuleMsg) }

// TCKindParts splits Symptom.TCKind ("qdisc netem") into its object and kind.
func TCKindParts(s Symptom) (object, kind string) {
	object, kind, _ = strings.Cut(s.TCKind, " ")
	return object, kind
}
