package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/editor"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Messages. Every piece of I/O runs in a command and comes back as one of
// these; Update never reads or writes the system.
type (
	// tickMsg re-arms the poll.
	tickMsg struct{ gen int }
	// factsMsg carries freshly gathered facts (some groups or all).
	factsMsg struct {
		facts *probes.Facts
		full  bool
	}
	// diagMsg carries a diagnosis of the current facts and symptom.
	diagMsg struct {
		diag *diagnose.Diagnosis
		gen  int
		// byHand: fix ID → why rtnl-doctor cannot apply it.
		byHand map[string]string
	}
	previewMsg struct {
		fix     fix.Fix
		cause   string
		preview fix.Preview
		err     error
	}
	appliedMsg struct {
		fix   fix.Fix
		cause string
		entry fix.Entry
		err   error
	}
	verifiedMsg struct {
		cause   string
		result  diagnose.Result
		journal string
	}
	undoneMsg struct {
		entry fix.Entry
		err   error
	}
	reproMsg struct {
		repro   *reproduce.Reproduction
		symptom string // the symptom it reproduced (a newer paste drops it)
	}
	editDoneMsg struct {
		fix   fix.Fix
		cause string
		entry fix.Entry
		err   error
	}
	// watcherMsg carries the link/address/route watcher (or why not).
	watcherMsg struct {
		w   *probes.NetWatcher
		err error
	}
	// graceMsg ends a confirmation's grace period.
	graceMsg  struct{}
	statusMsg struct {
		text string
		err  bool
	}
)

// slowEvery is how many polls pass between two reads of the groups whose
// refresh class is slow (re-read on r, and for v, too).
const slowEvery = 15

// fastGroups are the groups re-read on every poll: those whose refresh
// class (declared with the group, in probes) is fast.
func fastGroups() []probes.Group {
	var out []probes.Group
	for _, g := range probes.AllGroups {
		if g.Refresh() == probes.RefreshFast {
			out = append(out, g)
		}
	}
	return out
}

// gatherCmd reads facts: all groups, or the cheap ones. The target is
// completed from the symptom here (it reads /run/netns and /proc), not in
// Update.
func gatherCmd(g Gatherer, base probes.Target, s symptom.Symptom, full bool) tea.Cmd {
	return func() tea.Msg {
		t := targetFor(s, base)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		var f *probes.Facts
		if full {
			f = g(ctx, t)
		} else {
			t.Quick = true
			f = g(ctx, t, fastGroups()...)
		}
		return factsMsg{facts: f, full: full}
	}
}

// watchCmd subscribes to the namespace's rtnetlink notifications, so that
// refreshes stop re-dumping every link.
func watchCmd(t probes.Target) tea.Cmd {
	return func() tea.Msg {
		w, err := probes.NewNetWatcher(t)
		return watcherMsg{w: w, err: err}
	}
}

func tickCmd(d time.Duration, gen int) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return tickMsg{gen: gen} })
}

// diagnoseCmd evaluates the causes (pure computation, kept off Update so a
// slow evaluation never stalls the keyboard).
// It also decides, once per diagnosis, which fixes rtnl-doctor can apply
// (CanApply reads capabilities and files), so View only looks it up.
func diagnoseCmd(env *fix.ActionEnv, f *probes.Facts, s symptom.Symptom, r *reproduce.Reproduction, gen int) tea.Cmd {
	return func() tea.Msg {
		d := diagnose.Diagnose(f, s, r)
		return diagMsg{diag: d, gen: gen, byHand: byHand(env, d)}
	}
}

// byHand maps each fix rtnl-doctor cannot apply to the reason why.
func byHand(env *fix.ActionEnv, d *diagnose.Diagnosis) map[string]string {
	out := map[string]string{}
	for _, r := range d.Results {
		for _, f := range r.Fixes {
			if ok, why := fix.CanApply(f, env); !ok {
				out[f.ID] = why
			}
		}
	}
	return out
}

func previewCmd(env *fix.ActionEnv, f fix.Fix, cause string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p, err := fix.PreviewFix(ctx, env, f)
		return previewMsg{fix: f, cause: cause, preview: p, err: err}
	}
}

// applyCmd applies f as previewed: the object and its state must still be
// those the operator saw.
func applyCmd(env *fix.ActionEnv, f fix.Fix, cause string, p fix.Preview) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		e, err := fix.ApplyPreviewed(ctx, env, f, p)
		return appliedMsg{fix: f, cause: cause, entry: e, err: err}
	}
}

// targetFor is the probe target, completed from the symptom (its
// interfaces, the namespace and process it names): it reads the system, so
// only commands call it.
func targetFor(s symptom.Symptom, base probes.Target) probes.Target {
	t, _ := symptom.TargetFor(s, base)
	return t
}

// verifyCmd re-probes cause k; applied is the fix just applied for it
// (or nil), whose change is read back too, and whose journal entry records
// a verification that passed.
func verifyCmd(env *fix.ActionEnv, base probes.Target, k *diagnose.Cause, s symptom.Symptom, applied *fix.Entry) tea.Cmd {
	journal, fixID := "", ""
	if applied != nil {
		journal, fixID = applied.ID, applied.Fix
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		r := diagnose.Verify(ctx, targetFor(s, base), k, s, applied)
		if r.Status == diagnose.OK && journal != "" && env != nil {
			diagnose.RecordVerified(env, journal, fixID, r)
		}
		return verifiedMsg{cause: k.ID, result: r, journal: journal}
	}
}

func undoCmd(env *fix.ActionEnv, id string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		e, err := fix.UndoFix(ctx, env, id)
		return undoneMsg{entry: e, err: err}
	}
}

func reproCmd(s symptom.Symptom) tea.Cmd {
	return func() tea.Msg { return reproMsg{repro: reproduce.Reproduce(s, ""), symptom: s.Raw} }
}

// editCmd applies an edit fix: the action takes its backup and journals,
// then calls Edit, which hands the terminal to the editor (tea.ExecProcess
// gives it back afterwards); when the editor exits the action reloads the
// daemon if the file changed.
func editCmd(env *fix.ActionEnv, f fix.Fix, cause string, path string, line int) tea.Cmd {
	cmd, err := editor.Command(path, line)
	if err != nil {
		return func() tea.Msg { return editDoneMsg{fix: f, cause: cause, err: err} }
	}
	return func() tea.Msg {
		// The action starts here, in the command, never in Update.
		ready := make(chan struct{})    // Edit was called: backup taken, journal begun
		finished := make(chan error, 1) // the editor's exit
		result := make(chan editDoneMsg, 1)
		e2 := *env
		e2.Edit = func(string, int) error {
			close(ready)
			return <-finished
		}
		go func() {
			ent, err := fix.ApplyFix(context.Background(), &e2, f)
			result <- editDoneMsg{fix: f, cause: cause, entry: ent, err: err}
		}()
		select {
		case <-ready:
			return tea.ExecProcess(cmd, func(err error) tea.Msg {
				finished <- err
				return <-result
			})()
		case r := <-result: // refused or failed before the editor
			return r
		}
	}
}

// Gatherer reads facts (probes.Gather, or a fixture in tests).
type Gatherer func(ctx context.Context, t probes.Target, groups ...probes.Group) *probes.Facts
