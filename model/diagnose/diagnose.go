package diagnose

import (
	"fmt"
	"sort"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Result is one evaluated cause, with its fixes.
type Result struct {
	Cause *Cause `json:"-"`
	ID    string `json:"id"`
	Title string `json:"title"`
	Verdict
	Fixes []fix.Fix `json:"fixes"`
	// Plausible is true when the symptom points at this cause.
	Plausible bool `json:"plausible"`
}

// Diagnosis is every cause evaluated against one snapshot, most likely
// first.
type Diagnosis struct {
	Symptom symptom.Symptom         `json:"symptom"`
	Repro   *reproduce.Reproduction `json:"reproduction,omitempty"`
	Results []Result                `json:"causes"`
	Facts   *probes.Facts           `json:"facts"`
	// Note says what was taken from the symptom (a namespace, a PID).
	Note string `json:"note,omitempty"`
}

// Failed reports whether any cause is proven.
func (d *Diagnosis) Failed() bool {
	for _, r := range d.Results {
		if r.Status == Fail {
			return true
		}
	}
	return false
}

// Result finds one cause's result.
func (d *Diagnosis) Result(id string) (Result, bool) {
	for _, r := range d.Results {
		if r.ID == id {
			return r, true
		}
	}
	return Result{}, false
}

// Diagnose evaluates every cause and ranks them.
func Diagnose(f *probes.Facts, s symptom.Symptom, repro *reproduce.Reproduction) *Diagnosis {
	c := &Context{Facts: f, Symptom: s, Repro: repro, words: wordsRow(s)}
	d := &Diagnosis{Symptom: s, Repro: repro, Facts: f}
	prior := priors(s)
	adjustPriors(prior, f)
	for _, k := range Catalogue {
		d.Results = append(d.Results, Evaluate(k, c, prior))
	}
	rank(d.Results, prior)
	uniqueFixIDs(d.Results)
	if !f.Target.Live {
		offlineFixes(d.Results, f.Target.Root)
	}
	return d
}

// offlineFixes turns every fix into instructions: facts read from a
// captured tree describe another system (or another moment), so nothing is
// changed on this one.
func offlineFixes(rs []Result, root string) {
	for i := range rs {
		for j := range rs[i].Fixes {
			// Every step of a plan, too.
			for f := &rs[i].Fixes[j]; f != nil; f = f.Then {
				if f.Action != nil {
					f.Action = nil
					f.Manual = true
					f.Why = "the facts come from a captured tree (" + root + "): run this on the system it was captured from"
				}
			}
		}
	}
}

// uniqueFixIDs numbers fixes that share an id ("sysctl/enable-ipv6" for two
// keys becomes "sysctl/enable-ipv6" and "sysctl/enable-ipv6-2"), so every
// fix can be named on the command line.
func uniqueFixIDs(rs []Result) {
	seen := map[string]int{}
	for i := range rs {
		for j := range rs[i].Fixes {
			id := rs[i].Fixes[j].ID
			seen[id]++
			if n := seen[id]; n > 1 {
				rs[i].Fixes[j].ID = fmt.Sprintf("%s-%d", id, n)
			}
		}
	}
}

// Evaluate runs one cause's evaluation and builds its fixes.
func Evaluate(k *Cause, c *Context, prior map[string]int) Result {
	v := safeEval(k, c)
	if v.Status == "" {
		v.Status = OK
	}
	kernelSaid(k, c, &v)
	wordsSaid(k, c, &v)
	if v.Status == OK && len(v.Evidence) == 0 {
		// Ruled out needs a reason: an evaluation that found nothing to
		// read or compare checked nothing (review: "ok" with no evidence).
		v = Verdict{Status: Unknown, Evidence: []string{"unavailable: nothing this cause looks at could be read or applies to this symptom, so it is neither proven nor ruled out"}}
	}
	_, plausible := prior[k.ID]
	r := Result{Cause: k, ID: k.ID, Title: k.Title(), Verdict: v, Plausible: plausible}
	if k.Fixes != nil && !kernelNamedAnother(k, c, v) {
		r.Fixes = fitting(k, c.Symptom, k.Fixes(c, v))
	}
	if r.Fixes == nil {
		r.Fixes = []fix.Fix{}
	}
	return r
}

// safeEval answers unknown when the group the cause requires is missing,
// and otherwise runs its evaluation, turning a panic (a bug meeting strange
// facts) into an unknown verdict instead of losing the whole diagnosis.
func safeEval(k *Cause, c *Context) (v Verdict) {
	defer func() {
		if p := recover(); p != nil {
			v = Verdict{Status: Unknown, Evidence: []string{"the evaluation failed on these facts (a bug in rtnl-doctor): please report it"}}
		}
	}()
	if v, missing := k.Require.unavailable(c); missing {
		return v
	}
	return k.Eval(c)
}

// rank orders results: the causes the symptom points at first (proven ones
// first, then by the ranking table's order), then the rest by how alarming
// their verdict is, in catalogue order. A cause the symptom does not point
// at is never ranked above one it does, whatever its status; with no
// symptom (or an unrecognised one) the order is the evidence's.
func rank(rs []Result, prior map[string]int) {
	key := func(r Result) (int, int, int) {
		if p, plausible := prior[r.ID]; plausible {
			if r.Status == Fail {
				return 0, 0, p
			}
			return 0, 1, p
		}
		return 1, 3 - r.Status.rank(), 0
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a1, a2, a3 := key(rs[i])
		b1, b2, b3 := key(rs[j])
		if a1 != b1 {
			return a1 < b1
		}
		if a2 != b2 {
			return a2 < b2
		}
		return a3 < b3
	})
}

// adjustPriors lets the facts reorder plausible causes: in a container whose
// bounding set lacks CAP_NET_ADMIN the container is the root cause, ahead of
// the missing capability it explains.
func adjustPriors(prior map[string]int, f *probes.Facts) {
	capID, ctID := causeCapNetAdmin.ID, causeContainerRestricted.ID
	cap, okc := prior[capID]
	ct, okt := prior[ctID]
	if !okc || !okt || ct < cap || !f.Container.InContainer || f.Identity.Caps == nil {
		return
	}
	if !hasCap(f.Identity.Caps.BndMask, 12) && !(f.Container.WithTool && f.Host.Tool.BoundingNetAdmin) {
		prior[capID], prior[ctID] = ct, cap
	}
}

// kernelSaid adds the kernel's own words to the cause they name when the
// cause's check of the facts found nothing: the extended ACK says which
// check failed when the command ran ("Nexthop device is not up"), while
// the facts read now may have changed since, or come from another
// namespace. When the symptom names objects, the status stays the facts'
// (a verification after a fix re-reads them with the same symptom, and
// an ok then means fixed); when it names none, "ok" would only mean that
// nothing was checked, so the cause is unknown with the kernel's words.
func kernelSaid(k *Cause, c *Context, v *Verdict) {
	r, ok := c.Symptom.ExtAckRow()
	if !ok || r.Cause != k.ID || !r.Kernel() || v.Status == Fail || v.Status == Warn {
		return
	}
	s := c.Symptom
	if s.Command == "" && len(s.Interfaces()) == 0 && s.Route == "" && s.Address == "" {
		// Nothing to check the facts against: the kernel's words are all
		// there is, and the cause's own "ok" means only that.
		v.Status = Unknown
		v.Evidence = append(v.Evidence, fmt.Sprintf("the kernel answered %q (%s), this cause's check in its words; which object it refused is unavailable: the text names none (paste the command too)", r.Text(), r.Src))
		return
	}
	if v.Status == Unknown {
		v.Evidence = append(v.Evidence, fmt.Sprintf("when the command failed the kernel answered %q (%s): this cause's check, in the kernel's words", r.Text(), r.Src))
	}
}

// wordsRow is the row that ranks the first cause on the text's own words
// (a program's or tool's message, matched by Msg), when the kernel's
// extended ACK or a security module's record did not rank it.
func wordsRow(s symptom.Symptom) *rankRow {
	if _, ok := s.ExtAckRow(); ok {
		return nil
	}
	_, rows := rankedCauses(s)
	if len(rows) == 0 || !rows[0].Says || len(rows[0].Causes) == 0 || len(denialRows(s)) > 0 {
		return nil
	}
	r := rows[0]
	return &r
}

// wordsSaid: the cause the text's own words rank first found nothing to
// confirm or rule it out here ("ok" from checks the words do not reach):
// its verdict is unknown, with the words' reason, never a false all-clear
// for the cause the ranking names first.
func wordsSaid(k *Cause, c *Context, v *Verdict) {
	if c.words == nil || c.words.Causes[0] != k || v.Status != OK || v.checkedNamed {
		return
	}
	v.Status = Unknown
	v.Evidence = append(v.Evidence, "the text's own words point at this cause ("+c.words.Why+"); the checks above cannot confirm or rule it out here")
}

// kernelNamedAnother: the kernel's extended ACK names another cause's
// check as the one that failed, and this cause is not proven: its fixes
// would not answer the error ("Invalid prefsrc address" is no reason to
// bring a link up).
func kernelNamedAnother(k *Cause, c *Context, v Verdict) bool {
	r, ok := c.Symptom.ExtAckRow()
	return ok && r.Cause != "" && r.Cause != k.ID && r.Kernel() && v.Status != Fail
}
