package model

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// CanApply says whether this process can apply the fix itself, and if not,
// why (the fix is then shown as instructions).
func CanApply(f Fix, env *ActionEnv) (bool, string) {
	switch {
	case f.Action == nil:
		if f.Why != "" {
			return false, f.Why
		}
		return false, "rtnl-doctor cannot make this change itself"
	case env != nil && env.ReadOnly:
		return false, "read-only mode: nothing is changed (run without --read-only to apply)"
	}
	k, ok := actionKinds[f.Action.Kind]
	if !ok {
		return false, "unknown action " + f.Action.Kind
	}
	if k.writes != nil {
		if why := writable(env, k.writes(f.Action)); why != "" {
			return false, why
		}
	}
	if k.needs != nil {
		proc := cap.GetProc()
		for _, n := range k.needs(f.Action) {
			if on, err := proc.GetFlag(cap.Effective, n.cap); err != nil || !on {
				return false, fmt.Sprintf("needs %s (%s): run with sudo", strings.ToUpper(n.cap.String()), n.why)
			}
		}
	}
	return true, ""
}

// PreviewFix reads the live state and says what the fix would change.
func PreviewFix(ctx context.Context, env *ActionEnv, f Fix) (Preview, error) {
	if f.Action == nil {
		return Preview{}, errors.New("this fix is instructions only")
	}
	k, ok := actionKinds[f.Action.Kind]
	if !ok {
		return Preview{}, fmt.Errorf("unknown action %q", f.Action.Kind)
	}
	p, err := k.preview(ctx, env, f.Action)
	if err == nil && k.undo == nil {
		p.Reversible = false
	}
	return p, err
}

// ErrDryRun is returned by ApplyFix with ActionEnv.DryRun: nothing changed.
var ErrDryRun = errors.New("dry run: nothing was changed")

// ApplyFix previews, journals the old state, applies the action, journals
// the result, and returns the journal record. Termination signals are held
// back while the change is made, so the journal and the system agree: the
// change is complete or absent. A failed action has already left the
// system as it was (each action changes one thing, or undoes its own
// earlier steps), and the journal says so.
func ApplyFix(ctx context.Context, env *ActionEnv, f Fix) (Entry, error) {
	if ok, why := CanApply(f, env); !ok {
		return Entry{}, errors.New(why)
	}
	p, err := PreviewFix(ctx, env, f)
	if err != nil {
		return Entry{}, fmt.Errorf("preview: %w", err)
	}
	e := Entry{ID: newID(), Time: time.Now(), Phase: PhaseBegin, Fix: f.ID, Title: f.Title, Action: f.Action, Command: f.Command, Old: p.Old}
	if env.DryRun {
		return e, ErrDryRun
	}
	if env.Journal == nil {
		why := "no journal"
		if env.JournalErr != nil {
			why = env.JournalErr.Error()
		}
		return e, fmt.Errorf("%s: refusing to change anything that could not be undone", why)
	}
	// Hold SIGINT, SIGTERM and SIGHUP until the journal records the end:
	// the change is then complete or absent, never half made. The caller
	// learns of the signal from Entry.Signal and decides how to stop (the
	// dashboard's own handler has seen it too; the CLI exits).
	applying.Add(1)
	defer applying.Done()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	defer signal.Stop(sigs)
	held := func() string {
		select {
		case s := <-sigs:
			return s.String()
		default:
			return ""
		}
	}
	if err := env.Journal.Append(e); err != nil {
		return e, fmt.Errorf("journal (nothing was changed): %w", err)
	}
	k := actionKinds[f.Action.Kind]
	newState, aerr := k.apply(ctx, env, f.Action, p.Old)
	end := Entry{ID: e.ID, Phase: PhaseDone, Fix: f.ID, New: newState}
	if aerr != nil {
		end.Phase, end.Error = PhaseFailed, aerr.Error()
		// A file write or netlink request either happened or did not; if the
		// action got part of the way (a reload after a saved edit), say so.
		if newState != nil && newState["changed"] == "true" {
			end.Note = "the file was saved; only the reload failed"
		} else {
			end.Note = "nothing was changed"
		}
	}
	end.Signal = held()
	if end.Signal != "" {
		end.Note = strings.TrimPrefix(end.Note+"; "+end.Signal+" arrived during the change and was held until it was complete", "; ")
	}
	if err := env.Journal.Append(end); err != nil && aerr == nil {
		aerr = fmt.Errorf("the change was made but the journal could not record it (%v): undo it by hand: %s", err, f.Command)
	}
	e.Phase, e.New, e.Error, e.Note, e.Signal = end.Phase, end.New, end.Error, end.Note, end.Signal
	return e, aerr
}

// applying counts fixes being applied right now.
var applying sync.WaitGroup

// WaitApplying waits (at most d) for fixes being applied to finish: a
// program that is quitting calls it so that no change is cut off half way.
func WaitApplying(d time.Duration) bool {
	done := make(chan struct{})
	go func() { applying.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// UndoFix reverts the journaled action with the given id, or the last one
// applied and not yet undone when id is "".
func UndoFix(ctx context.Context, env *ActionEnv, id string) (Entry, error) {
	if env.Journal == nil {
		if env.JournalErr != nil {
			return Entry{}, env.JournalErr
		}
		return Entry{}, errors.New("no journal")
	}
	if env.ReadOnly {
		return Entry{}, errors.New("read-only mode: nothing is changed")
	}
	actions, err := env.Journal.Actions()
	if err != nil {
		return Entry{}, err
	}
	var target *Entry
	for i := len(actions) - 1; i >= 0; i-- {
		a := &actions[i]
		if id != "" && a.ID != id {
			continue
		}
		if id == "" && a.Phase != PhaseDone && a.Phase != PhaseVerified && a.Phase != PhaseUndoFailed {
			continue
		}
		target = a
		break
	}
	if target == nil {
		if id != "" {
			return Entry{}, fmt.Errorf("no journal entry %q", id)
		}
		return Entry{}, errors.New("nothing to undo: no applied fix in the journal " + env.Journal.Path())
	}
	switch target.Phase {
	case PhaseUndone:
		return *target, fmt.Errorf("%s was already undone", target.ID)
	case PhaseFailed:
		return *target, fmt.Errorf("%s failed and changed nothing: nothing to undo", target.ID)
	case PhaseBegin:
		return *target, fmt.Errorf("%s never finished (interrupted before the change was recorded): check by hand: %s", target.ID, target.Command)
	}
	if target.Action == nil {
		return *target, errors.New("the journal entry has no action")
	}
	k, ok := actionKinds[target.Action.Kind]
	if !ok || k.undo == nil {
		return *target, fmt.Errorf("%s (%s) cannot be undone: %s", target.ID, target.Title, irreversibleWhy(target))
	}
	if env.DryRun {
		return *target, ErrDryRun
	}
	uerr := k.undo(ctx, env, target.Action, target.Old, target.New)
	end := Entry{ID: target.ID, Phase: PhaseUndone, Fix: target.Fix}
	var gone errGone
	switch {
	case errors.As(uerr, &gone):
		end.Note, uerr = gone.msg, nil
	case uerr != nil:
		end.Phase, end.Error = PhaseUndoFailed, uerr.Error()
	}
	if err := env.Journal.Append(end); err != nil && uerr == nil {
		uerr = fmt.Errorf("undone, but the journal could not record it: %w", err)
	}
	target.Phase, target.Error, target.Note = end.Phase, end.Error, end.Note
	return *target, uerr
}

// CanUndo says whether a journaled action can be reverted, and why not.
func CanUndo(e Entry) (bool, string) {
	if e.Action == nil {
		return false, "the journal entry has no action"
	}
	if k, ok := actionKinds[e.Action.Kind]; !ok || k.undo == nil {
		return false, irreversibleWhy(&e)
	}
	return true, ""
}

func irreversibleWhy(e *Entry) string {
	switch e.Action.Kind {
	case "link-delete":
		return "a deleted link is gone; it was: " + e.Old["attached"]
	case "exec":
		return "a reload only re-reads files"
	}
	return "this kind of change has no undo"
}

// Verify re-reads the facts the cause depends on and evaluates it again:
// a fix is only done when its cause turns ok.
//
// applied, when not nil, is the journal entry of the fix just applied for
// this cause: its change is read back too. A replace that is in place
// reaches the failed command's goal even though the cause's condition (the
// object exists) still holds, so the cause counts as ok; any other change
// that is in place while the cause still fails is said so, and a change
// that is not in place is named.
func Verify(ctx context.Context, t probes.Target, k *Cause, s Symptom, applied *Entry) Result {
	t.Interfaces = append(t.Interfaces, s.Interfaces()...)
	groups := append([]probes.Group{probes.GroupHost}, k.Needs...)
	f := probes.Gather(ctx, t, groups...)
	r := Evaluate(k, &Context{Facts: f, Symptom: s}, priors(s))
	if applied == nil || applied.Action == nil || !strings.HasPrefix(applied.Fix, k.ID+"/") {
		return r
	}
	kind, ok := actionKinds[applied.Action.Kind]
	if !ok || kind.done == nil || !actionFitsSymptom(applied.Action, s) {
		return r
	}
	ev, done, err := kind.done(applied.Action)
	switch {
	case err != nil:
		r.Evidence = append([]string{"the fix's change could not be read back: " + err.Error()}, r.Evidence...)
	case !done:
		r.Evidence = append([]string{"the fix's change is not in place: " + ev}, r.Evidence...)
	case r.Status == OK:
		r.Evidence = append([]string{ev}, r.Evidence...)
	case kind.reachesGoal:
		r.Status = OK
		r.Evidence = []string{ev + ", as the command asked: nothing is left to do (running the command again would only fail with File exists)"}
	default:
		r.Evidence = append([]string{"the change is in place (" + ev + "), but the cause remains"}, r.Evidence...)
	}
	return r
}

// actionFitsSymptom: an address or route action concerns the object the
// symptom's command names (another symptom's fix proves nothing about it).
func actionFitsSymptom(a *Action, s Symptom) bool {
	switch a.Kind {
	case "addr-replace", "addr-delete":
		return a.p("prefix") == s.Address && a.p("dev") == s.Device
	case "route-add", "route-replace", "route-delete":
		return a.p("dst") == s.Route
	}
	return true
}

// RecordVerified journals that the cause fixed by journal entry id (fix
// fixID) turned ok.
func RecordVerified(env *ActionEnv, id, fixID string, r Result) {
	if env.Journal == nil || id == "" {
		return
	}
	env.Journal.Append(Entry{ID: id, Phase: PhaseVerified, Fix: fixID, Note: "verified: " + r.ID + " is ok: " + strings.Join(r.Evidence, "; ")})
}

// FindFix looks a fix up by id in a diagnosis.
func (d *Diagnosis) FindFix(id string) (Fix, *Result, bool) {
	for i := range d.Results {
		for _, f := range d.Results[i].Fixes {
			for s := &f; s != nil; s = s.Then {
				if s.ID == id {
					return *s, &d.Results[i], true
				}
			}
		}
	}
	return Fix{}, nil, false
}

// writable says why the file at p (below env's root) cannot be written by
// this process, or "": the nearest existing directory above it must be
// writable (root can; so can the owner of a directory of their own).
func writable(env *ActionEnv, p string) string {
	root := "/"
	if env != nil && env.Root != "" {
		root = env.Root
	}
	dir := filepath.Dir(filepath.Join(root, p))
	for {
		if _, err := os.Lstat(dir); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	// A read-only filesystem is not a matter of privilege: the action is
	// tried and its failure journaled (nothing is changed).
	if err := unix.Faccessat(unix.AT_FDCWD, dir, unix.W_OK, unix.AT_EACCESS); err != nil && err != unix.EROFS {
		return fmt.Sprintf("needs root: %s is not writable for uid %d (%v): run with sudo", dir, os.Geteuid(), err)
	}
	return ""
}
