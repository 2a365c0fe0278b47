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
	// Only a request that creates asks the kernel for the kind (and makes
	// it load sch_KIND): a del or change of what is not there fails on the
	// object, whatever kind it names.
	if verb != "add" && verb != "replace" {
		return
	}
	if object == "filter" || object == "actions" {
		s.setIf(&s.TCAction, tcFirstAction(rest))
	}
	if object == "actions" {
		if s.TCAction != "" {
			s.TCKind = "action " + s.TCAction
		}
		return
	}
	if object != "qdisc" && object != "filter" {
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

// tcGactShorthand are the verdicts tc reads as a gact action when they
// follow "action" (tc/tc_util.c action_a2n).
var tcGactShorthand = map[string]bool{"continue": true, "drop": true, "shot": true, "pass": true, "ok": true,
	"reclassify": true, "pipe": true, "trap": true, "goto": true, "jump": true}

// tcFirstAction is the kind of the first action in a filter's or `tc
// actions add`'s arguments: the word after "action" or "actions", or
// "police", a filter's own keyword for act_police (tc/m_action.c
// parse_action).
func tcFirstAction(rest []string) string {
	for i, w := range rest {
		switch {
		case w == "police":
			return "police"
		case (w == "action" || w == "actions") && i+1 < len(rest):
			k := rest[i+1]
			if k == "" || strings.ContainsAny(k, ":/.=") || k[0] >= '0' && k[0] <= '9' {
				return ""
			}
			if tcGactShorthand[k] {
				return "gact" // "action drop": m_action.c parse_action
			}
			return clipText(k, 32)
		}
	}
	return ""
}

// TCKindParts splits Symptom.TCKind ("qdisc netem") into its object and kind.
func TCKindParts(s Symptom) (object, kind string) {
	object, kind, _ = strings.Cut(s.TCKind, " ")
	return object, kind
}
