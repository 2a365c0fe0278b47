package diagnose

import (
	"context"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Verify re-reads the facts the cause depends on and evaluates it again:
// a fix is only done when its cause turns ok.
//
// applied, when not nil, is the journal entry of the fix just applied for
// this cause: its change is read back too. A replace that is in place
// reaches the failed command's goal even though the cause's condition (the
// object exists) still holds, so the cause counts as ok; any other change
// that is in place while the cause still fails is said so, and a change
// that is not in place is named.
func Verify(ctx context.Context, t probes.Target, k *Cause, s symptom.Symptom, applied *fix.Entry) Result {
	t.Interfaces = append(t.Interfaces, s.Interfaces()...)
	groups := append([]probes.Group{probes.GroupHost}, k.Needs...)
	f := probes.Gather(ctx, t, groups...)
	r := Evaluate(k, &Context{Facts: f, Symptom: s}, priors(s))
	if applied == nil || applied.Action == nil || !strings.HasPrefix(applied.Fix, k.ID+"/") {
		return r
	}
	if !fix.ActionFitsSymptom(applied.Action, s) {
		return r
	}
	ev, done, reachesGoal, known, err := fix.ReadBack(applied.Action)
	switch {
	case !known:
		return r
	case err != nil:
		r.Evidence = append([]string{"the fix's change could not be read back: " + err.Error()}, r.Evidence...)
	case !done:
		r.Evidence = append([]string{"the fix's change is not in place: " + ev}, r.Evidence...)
	case r.Status == OK:
		r.Evidence = append([]string{ev}, r.Evidence...)
	case reachesGoal:
		r.Status = OK
		r.Evidence = []string{ev + ", as the command asked: nothing is left to do (running the command again would only fail with File exists)"}
	default:
		r.Evidence = append([]string{"the change is in place (" + ev + "), but the cause remains"}, r.Evidence...)
	}
	return r
}

// RecordVerified journals that the cause fixed by journal entry id (fix
// fixID) turned ok.
func RecordVerified(env *fix.ActionEnv, id, fixID string, r Result) {
	if env.Journal == nil || id == "" || env.Journal.ReadOnly() {
		return
	}
	if unlock, err := env.Journal.Lock(); err == nil {
		defer unlock()
	}
	env.Journal.Append(fix.Entry{ID: id, Phase: fix.PhaseVerified, Fix: fixID, Note: "verified: " + r.ID + " is ok: " + strings.Join(r.Evidence, "; ")})
}

// FindFix looks a fix up by id in a diagnosis.
func (d *Diagnosis) FindFix(id string) (fix.Fix, *Result, bool) {
	for i := range d.Results {
		for _, f := range d.Results[i].Fixes {
			for s := &f; s != nil; s = s.Then {
				if s.ID == id {
					return *s, &d.Results[i], true
				}
			}
		}
	}
	return fix.Fix{}, nil, false
}
