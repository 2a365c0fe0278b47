package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
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
	if err := ValidateAction(f.Action); err != nil {
		return false, "invalid action: " + err.Error()
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

// PreviewFix reads the live state and says what the fix would change, and
// identifies the objects it was read from.
func PreviewFix(ctx context.Context, env *ActionEnv, f Fix) (Preview, error) {
	if f.Action == nil {
		return Preview{}, errors.New("this fix is instructions only")
	}
	k, ok := actionKinds[f.Action.Kind]
	if !ok {
		return Preview{}, fmt.Errorf("unknown action %q", f.Action.Kind)
	}
	if err := ValidateAction(f.Action); err != nil {
		return Preview{}, err
	}
	obj, err := identify(f.Action)
	if err != nil {
		return Preview{}, err
	}
	p, err := k.preview(ctx, env, f.Action)
	if err == nil && !reversible(f.Action) {
		p.Reversible = false
	}
	p.Object = obj
	return p, err
}

// reversible says whether an action of its kind can be undone.
func reversible(a *Action) bool {
	k, ok := actionKinds[a.Kind]
	return ok && k.undo != nil && (k.reversible == nil || k.reversible(a))
}

// identify records the objects an action acts on: its network namespace
// (net actions, net.* sysctls; the one this thread is in when the action
// names none), and the process of a "pid" parameter.
func identify(a *Action) (*Identity, error) {
	id := &Identity{BootID: bootID()}
	k := actionKinds[a.Kind]
	if k.netScoped != nil && k.netScoped(a) {
		ns, err := netnsIdentity(a.Param("netns"))
		if err != nil {
			return nil, err
		}
		id.NetNS = ns
	}
	if k.link != nil && id.NetNS != nil && k.link(a) != "" {
		l, err := linkIdentity(a, k.link(a))
		if err != nil {
			return nil, err
		}
		id.Link = l
	}
	if p := a.Param("pid"); p != "" {
		pid, _ := strconv.Atoi(p)
		proc, err := procIdentity(pid)
		if err != nil {
			return nil, err
		}
		id.Proc = proc
	}
	return id, nil
}

// sameIdentity says how now differs from rec ("" when the same objects).
func sameIdentity(rec, now *Identity) string {
	var d []string
	if rec.NetNS != nil && (now.NetNS == nil || now.NetNS.Cookie != rec.NetNS.Cookie ||
		now.NetNS.Dev != rec.NetNS.Dev || now.NetNS.Ino != rec.NetNS.Ino || now.NetNS.ID != rec.NetNS.ID) {
		d = append(d, "the network namespace is another one now")
	}
	if rec.Proc != nil && (now.Proc == nil || now.Proc.Start != rec.Proc.Start) {
		d = append(d, fmt.Sprintf("PID %d is another process now", rec.Proc.PID))
	}
	if rec.Link != nil && (now.Link == nil || now.Link.Index != rec.Link.Index) {
		d = append(d, fmt.Sprintf("%s is another link now", rec.Link.Name))
		if now.Link != nil {
			d[len(d)-1] += fmt.Sprintf(" (ifindex %d; it was %d)", now.Link.Index, rec.Link.Index)
		}
	}
	return strings.Join(d, "; ")
}

// locate finds the recorded objects again and returns the action aimed at
// them: the namespace is entered by a path that leads to it now, whatever
// namespace this runs in; a process must be the same (PID and start time).
// The namespace found is held (a descriptor, reached as /proc/self/fd/N)
// until release is called: what a path like /proc/PID/ns/net leads to may
// change once it is checked (the process ends, its PID is reused).
//
// An entry that records no link (written before its kind recorded one) is
// errNoLink: the link named so now may be another one, and undo never acts
// on it by name, --force or not.
func locate(e *Entry) (a *Action, release func(), err error) {
	a = e.Action
	release = func() {}
	rec := e.Object
	k := actionKinds[a.Kind]
	needsNS := k.netScoped != nil && k.netScoped(a)
	if rec == nil {
		if needsNS || a.Param("pid") != "" {
			return nil, release, errors.New("the entry does not record which namespace or process it changed: refusing to guess")
		}
		return a, release, nil
	}
	if (rec.NetNS != nil || rec.Proc != nil) && rec.BootID != "" && rec.BootID != bootID() {
		return nil, release, errNetnsGone{"the system has rebooted since the fix: the namespace or process it changed is gone: nothing was changed"}
	}
	if rec.Proc != nil {
		if why := sameProc(rec.Proc); why != "" {
			return nil, release, errProcGone{why + ": nothing was changed"}
		}
		c := *a
		c.proc = rec.Proc
		a = &c
	}
	if needsNS {
		if rec.NetNS == nil {
			return nil, release, errors.New("the entry does not record its network namespace: refusing to guess")
		}
		p, err := findNetns(rec.NetNS)
		if err != nil {
			return nil, release, err
		}
		if p != "" {
			p, release, err = pinNetns(p, rec.NetNS)
			if err != nil {
				return nil, func() {}, err
			}
		}
		a = a.with("netns", p)
	}
	if k.link != nil && k.link(a) != "" {
		// The link too must be the one the fix changed: same ifindex.
		if rec.Link == nil || rec.Link.Name != k.link(a) {
			return nil, release, errNoLink{fmt.Sprintf("the entry does not record which link it changed (its ifindex; it was written by an older rtnl-doctor): the link named %s now may be another one, and undo never acts on it by name: nothing was changed", k.link(a))}
		}
		if err := sameLink(a, rec.Link); err != nil {
			return nil, release, err
		}
		c := *a
		c.link = rec.Link
		a = &c
	}
	return a, release, nil
}

// errNoLink: an entry that names a link records no ifindex.
type errNoLink struct{ msg string }

func (e errNoLink) Error() string { return e.msg }

// UndoCommand is the undo command line to suggest to the operator, with
// --journal DIR when j is not the default journal (a copied command must
// reach the same journal), every argument shell-quoted.
func UndoCommand(j *Journal, args ...string) string {
	argv := []string{"rtnl-doctor", "undo"}
	if j != nil && filepath.Clean(j.Dir()) != filepath.Clean(DefaultJournalDir()) {
		argv = append(argv, "--journal", j.Dir())
	}
	return Argv(append(argv, args...)...)
}

// closeForced closes target with undo --force ID when the object the fix
// changed is gone or is another one: nothing is changed, and the journal
// says why (note).
func closeForced(env *ActionEnv, target *Entry, note string) (Entry, error) {
	end := Entry{ID: target.ID, Phase: PhaseUndone, Fix: target.Fix, Forced: true, Note: note}
	if err := env.Journal.Append(end); err != nil {
		return *target, err
	}
	target.Phase, target.Note, target.Forced = end.Phase, end.Note, true
	return *target, nil
}

// errProcGone: the recorded process is gone or its PID names another one.
// What was changed on the process itself went with it.
type errProcGone struct{ msg string }

func (e errProcGone) Error() string { return e.msg }

// processOnly: the action changes the process itself (nothing outlives it).
func processOnly(a *Action) bool { return a.Kind == "prlimit" }

// ErrDryRun is returned by ApplyFix with ActionEnv.DryRun: nothing changed.
var ErrDryRun = errors.New("dry run: nothing was changed")

// faultHook, when set (tests only), is called at each step of an apply or
// undo: "intent" (journaled, nothing changed), "changed" (changed, not yet
// journaled), "recorded" (done journaled), "located" (undo: the object
// found and compared, nothing reverted yet), "undone" (reverted, not yet
// journaled).
var faultHook func(step string)

func step(name string) {
	if faultHook != nil {
		faultHook(name)
	}
}

// holdSignals holds SIGINT, SIGTERM and SIGHUP until the returned stop is
// called; held reports the first that arrived.
func holdSignals() (held func() string, stop func()) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP)
	return func() string {
			select {
			case s := <-sigs:
				return s.String()
			default:
				return ""
			}
		}, func() {
			signal.Stop(sigs)
		}
}

// ApplyFix previews, then applies (ApplyPreviewed).
func ApplyFix(ctx context.Context, env *ActionEnv, f Fix) (Entry, error) {
	if ok, why := CanApply(f, env); !ok {
		return Entry{}, errors.New(why)
	}
	p, err := PreviewFix(ctx, env, f)
	if err != nil {
		return Entry{}, fmt.Errorf("preview: %w", err)
	}
	return ApplyPreviewed(ctx, env, f, p)
}

// ApplyPreviewed applies a fix whose preview the operator saw: under the
// journal's lock it checks that the objects are those previewed and their
// state is unchanged, journals the intent with the old state (fsynced),
// applies, and journals the outcome. Termination signals are held back
// while the change is made, so the journal and the system agree; a kill
// -9 in between leaves an intent that is reconciled on the next start.
func ApplyPreviewed(ctx context.Context, env *ActionEnv, f Fix, p Preview) (Entry, error) {
	if ok, why := CanApply(f, env); !ok {
		return Entry{}, errors.New(why)
	}
	e := Entry{ID: newID(), Time: time.Now(), Phase: PhaseBegin, Fix: f.ID, Title: f.Title, Action: f.Action, Command: f.Command, Old: p.Old, Object: p.Object}
	if env.DryRun {
		return e, ErrDryRun
	}
	if env.Journal == nil || env.Journal.ReadOnly() {
		why := "no journal"
		if env.JournalErr != nil {
			why = env.JournalErr.Error()
		}
		return e, fmt.Errorf("%s: refusing to change anything that could not be undone", why)
	}
	applying.Add(1)
	defer applying.Done()
	// The lock first: waiting for another rtnl-doctor can be interrupted.
	unlock, err := env.Journal.Lock()
	if err != nil {
		return e, fmt.Errorf("journal (nothing was changed): %w", err)
	}
	defer unlock()
	held, stop := holdSignals()
	defer stop()
	// The objects and their state must be what the operator saw.
	now, err := PreviewFix(ctx, env, f)
	if err != nil {
		return e, fmt.Errorf("reading the state again before applying (nothing was changed): %w", err)
	}
	if p.Object != nil {
		if d := sameIdentity(p.Object, now.Object); d != "" {
			return e, fmt.Errorf("the object changed since the preview (%s): nothing was changed; preview again", d)
		}
	}
	if p.Old != nil {
		if d := diffStates(p.Old, settleDeadlines(p.Old, now.Old)); d != "" {
			return e, fmt.Errorf("the state changed since the preview (%s): nothing was changed; preview again", strings.ReplaceAll(d, "the fix left", "the preview read"))
		}
	}
	// The change is made in the namespace just checked, held by a
	// descriptor: the path (/proc/PID/ns/net) may lead elsewhere by then.
	aimed := f.Action
	if ns := aimed.Param("netns"); ns != "" && now.Object != nil && now.Object.NetNS != nil {
		held, release, err := pinNetns(ns, now.Object.NetNS)
		if err != nil {
			return e, err
		}
		defer release()
		aimed = aimed.with("netns", held)
	}
	if now.Object != nil && now.Object.Proc != nil {
		c := *aimed
		c.proc = now.Object.Proc
		aimed = &c
	}
	if now.Object != nil && now.Object.Link != nil {
		c := *aimed
		c.link = now.Object.Link
		aimed = &c
	}
	// Nothing is recorded that reading the journal would refuse: a state
	// undo could not restore is not made.
	if err := validateEntry(&e); err != nil {
		return e, fmt.Errorf("the state before the change cannot be journaled (%v): nothing was changed", err)
	}
	if err := env.Journal.Append(e); err != nil {
		return e, fmt.Errorf("journal (nothing was changed): %w", err)
	}
	step("intent")
	k := actionKinds[f.Action.Kind]
	newState, aerr := k.apply(ctx, env, aimed, p.Old)
	step("changed")
	end := Entry{ID: e.ID, Phase: PhaseDone, Fix: f.ID, New: newState}
	if aerr != nil {
		end.Phase, end.Error = PhaseFailed, aerr.Error()
		// A file write or netlink request either happened or did not; if the
		// action got part of the way (a reload after a saved edit), say so:
		// the change is in place and can be undone.
		if newState != nil && newState["changed"] == "true" {
			end.Phase, end.Note = PhasePartial, "the file was saved; only the reload failed"
		} else {
			end.New, end.Note = nil, "nothing was changed"
		}
	}
	if err := validateState(f.Action, "new", end.New); err != nil {
		// Undo then expects what the action asked for (as after an
		// interrupted apply) rather than a state the journal would refuse.
		end.New = nil
		end.Note = strings.TrimPrefix(end.Note+"; the state after the change was not recorded ("+err.Error()+")", "; ")
	}
	if k.helper && env.Run != nil {
		end.Note = strings.TrimPrefix(end.Note+"; not verified on a live system (helper programs were simulated)", "; ")
	}
	end.Signal = held()
	if end.Signal != "" {
		end.Note = strings.TrimPrefix(end.Note+"; "+end.Signal+" arrived during the change and was held until it was complete", "; ")
	}
	if err := env.Journal.Append(end); err != nil && aerr == nil {
		aerr = fmt.Errorf("the change was made but the journal could not record it (%v): undo it by hand: %s", err, f.Command)
	}
	step("recorded")
	e.Phase, e.New, e.Error, e.Note, e.Signal = end.Phase, end.New, end.Error, end.Note, end.Signal
	return e, aerr
}

// settleDeadlines is now with each deadline (a key ending in "_until": a
// lifetime left, as a CLOCK_MONOTONIC second) that is within two seconds
// of the one previewed taken as that one: read twice, a lifetime counting
// down gives deadlines a second apart.
func settleDeadlines(previewed, now map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range now {
		out[k] = v
		if !strings.HasSuffix(k, "_until") {
			continue
		}
		a, err1 := strconv.ParseInt(previewed[k], 10, 64)
		b, err2 := strconv.ParseInt(v, 10, 64)
		if err1 == nil && err2 == nil && a-b <= 2 && b-a <= 2 {
			out[k] = previewed[k]
		}
	}
	return out
}

// applying counts fixes being applied or undone right now.
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

// Reconciled is what reconciliation found for one interrupted apply.
type Reconciled struct {
	Entry Entry
	// InPlace: the change is in the live state (it can be undone); false
	// with Unknown false: it is not (nothing to undo).
	InPlace bool
	Unknown bool
	Detail  string
}

// classify compares an interrupted action's object with what the apply
// would have left.
func classify(ctx context.Context, env *ActionEnv, e Entry) Reconciled {
	r := Reconciled{Entry: e}
	k := actionKinds[e.Action.Kind]
	if k.state == nil || k.expect == nil {
		r.Unknown, r.Detail = true, "rtnl-doctor cannot read this change back: check by hand: "+e.Command
		return r
	}
	want := k.expect(e.Action, e.Old, nil)
	a, release, err := locate(&e)
	defer release()
	var gone errProcGone
	if errors.As(err, &gone) && processOnly(e.Action) {
		r.Detail = "the process is no longer there (" + gone.msg + "): its limits went with it"
		return r
	}
	if err != nil {
		r.Unknown, r.Detail = true, err.Error()
		return r
	}
	now, err := k.state(ctx, env, a)
	if err != nil {
		r.Unknown, r.Detail = true, "cannot read the live state: "+err.Error()
		return r
	}
	if want == nil {
		// What the operator typed is unknown: the file is compared with the
		// backup taken before the edit.
		before := wasState(a, e.Old)
		if before == nil || before["sha256"] == "" {
			r.Unknown, r.Detail = true, "what the change left cannot be predicted: check by hand: "+e.Command
			return r
		}
		if before["sha256"] == now["sha256"] {
			r.Detail = "the change is not in place: the file is as the backup taken before it"
			return r
		}
		if err := validateState(e.Action, "new", now); err != nil {
			r.Unknown, r.Detail = true, "the live state cannot be journaled ("+err.Error()+"): check by hand: "+e.Command
			return r
		}
		r.InPlace, r.Detail = true, "the file differs from the backup taken before the edit: it counts as the edit (undo restores the backup)"
		r.Entry.New = now
		return r
	}
	if d := diffStates(want, now); d != "" {
		r.Detail = "the change is not in place: " + d
		return r
	}
	if err := validateState(e.Action, "new", now); err != nil {
		r.Unknown, r.Detail = true, "the live state cannot be journaled ("+err.Error()+"): check by hand: "+e.Command
		return r
	}
	r.InPlace, r.Detail = true, "the change is in place (read from the live state)"
	r.Entry.New = now
	return r
}

// Reconcile checks every interrupted apply against the live state and,
// when the journal is writable, records the outcome: "done" when the
// change is in place (undo then works from the live state), "failed" when
// it is not. What cannot be told stays an intent and is shown as such.
//
// With nothing interrupted it takes no lock, and so makes no lock file (nor
// a journal directory, when none exists yet: start-up creates nothing).
func Reconcile(ctx context.Context, env *ActionEnv) ([]Reconciled, error) {
	if env.Journal == nil {
		return nil, nil
	}
	actions, err := env.Journal.Actions()
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(actions, Entry.Interrupted) {
		return nil, nil
	}
	if !env.Journal.ReadOnly() {
		unlock, err := env.Journal.Lock()
		if err != nil {
			return nil, err
		}
		defer unlock()
	}
	return reconcileLocked(ctx, env)
}

func reconcileLocked(ctx context.Context, env *ActionEnv) ([]Reconciled, error) {
	actions, err := env.Journal.Actions()
	if err != nil {
		return nil, err
	}
	var out []Reconciled
	for _, a := range actions {
		if !a.Interrupted() {
			continue
		}
		r := classify(ctx, env, a)
		out = append(out, r)
		// A file write killed between its temporary file and the rename
		// leaves the temporary file: remove it.
		if k := actionKinds[a.Action.Kind]; k.writes != nil && !env.Journal.ReadOnly() && !env.DryRun {
			atomicfile.CleanTemps(filepath.Dir(env.path(k.writes(a.Action))))
		}
		if env.Journal.ReadOnly() || env.DryRun || r.Unknown {
			continue
		}
		end := Entry{ID: a.ID, Phase: PhaseFailed, Fix: a.Fix, Note: "interrupted; " + r.Detail + ": nothing to undo"}
		if r.InPlace {
			end = Entry{ID: a.ID, Phase: PhaseDone, Fix: a.Fix, New: r.Entry.New, Note: "interrupted; " + r.Detail}
		}
		if err := env.Journal.Append(end); err != nil {
			return out, err
		}
	}
	return out, nil
}

// undoable phases: the change is (or may be) in place.
func undoablePhase(p string) bool {
	return p == PhaseDone || p == PhaseVerified || p == PhasePartial || p == PhaseUndoFailed || p == PhaseBegin
}

// objectKey names the object an entry changed, for last-in-first-out undo.
func objectKey(e Entry) string {
	if e.Action == nil {
		return ""
	}
	k := actionKinds[e.Action.Kind]
	key := e.Action.Kind
	if k.object != nil {
		key = k.object(e.Action)
	}
	if e.Object != nil && e.Object.NetNS != nil {
		key += fmt.Sprintf(" netns %d", e.Object.NetNS.Cookie)
	}
	if e.Object != nil && e.Object.Proc != nil {
		key += fmt.Sprintf(" proc %d/%d", e.Object.Proc.PID, e.Object.Proc.Start)
	}
	return key
}

// UndoFix reverts the journaled action with the given id, or the last one
// applied and not yet undone when id is "" (an interrupted apply counts:
// it is reconciled first). It refuses, changing nothing, when the object
// is another one now, when a later change to the same object is not undone
// yet, or when the object is no longer as the fix left it (env.Force
// overrides the last two, and the journal says so).
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
	// An empty journal (or one not made yet) has nothing to undo: it is
	// said without taking the lock, which would make the lock file.
	if actions, err := env.Journal.Actions(); err == nil && len(actions) == 0 {
		return Entry{}, nothingToUndo(env, id)
	}
	if !env.DryRun {
		applying.Add(1)
		defer applying.Done()
		unlock, err := env.Journal.Lock()
		if err != nil {
			return Entry{}, err
		}
		defer unlock()
		held, stop := holdSignals()
		defer stop()
		e, err := undoLocked(ctx, env, id, held)
		return e, err
	}
	return undoLocked(ctx, env, id, func() string { return "" })
}

func undoLocked(ctx context.Context, env *ActionEnv, id string, held func() string) (Entry, error) {
	recs, err := reconcileLocked(ctx, env)
	if err != nil {
		return Entry{}, err
	}
	actions, err := env.Journal.Actions()
	if err != nil {
		return Entry{}, err
	}
	// In a dry run nothing was recorded: apply what reconciliation found.
	for _, r := range recs {
		for i := range actions {
			if actions[i].ID == r.Entry.ID && !r.Unknown && actions[i].Phase == PhaseBegin {
				if r.InPlace {
					actions[i].Phase, actions[i].New = PhaseDone, r.Entry.New
				} else {
					actions[i].Phase, actions[i].Note = PhaseFailed, "interrupted; "+r.Detail
				}
			}
		}
	}
	idx := -1
	for i := len(actions) - 1; i >= 0; i-- {
		a := &actions[i]
		if id != "" && a.ID != id {
			continue
		}
		if id == "" && !undoablePhase(a.Phase) {
			continue
		}
		idx = i
		break
	}
	if idx < 0 {
		return Entry{}, nothingToUndo(env, id)
	}
	target := &actions[idx]
	switch target.Phase {
	case PhaseUndone:
		return *target, fmt.Errorf("%s was already undone", target.ID)
	case PhaseFailed:
		return *target, fmt.Errorf("%s failed and changed nothing: nothing to undo (%s)", target.ID, OrName(target.Note, target.Error))
	case PhaseBegin:
		detail := "check by hand: " + target.Command
		for _, r := range recs {
			if r.Entry.ID == target.ID {
				detail = r.Detail
			}
		}
		if env.Force && id != "" && !env.DryRun {
			// The operator checked by hand: the entry is closed, nothing is
			// changed, and plain undo reaches older fixes again.
			end := Entry{ID: target.ID, Phase: PhaseFailed, Fix: target.Fix, Forced: true,
				Note: "interrupted; closed with --force after checking by hand (" + detail + "): rtnl-doctor changed nothing now"}
			if err := env.Journal.Append(end); err != nil {
				return *target, err
			}
			target.Phase, target.Note, target.Forced = end.Phase, end.Note, true
			return *target, nil
		}
		return *target, fmt.Errorf("%s was interrupted while being applied and its outcome cannot be read back: %s (after checking, close it with %s; an older fix is undone by its id: %s)", target.ID, detail, UndoCommand(env.Journal, "--force", target.ID), UndoCommand(env.Journal, "--list"))
	}
	if ok, why := CanUndo(*target); !ok {
		return *target, fmt.Errorf("%s (%s) cannot be undone: %s", target.ID, target.Title, why)
	}
	var forced []string
	// Last in, first out: a later change to the same object comes first.
	key := objectKey(*target)
	for _, later := range actions[idx+1:] {
		if objectKey(later) == key && undoablePhase(later.Phase) && reversible(later.Action) {
			msg := fmt.Sprintf("%s changed the same object (%s) later and is not undone: undo it first (%s)", later.ID, key, UndoCommand(env.Journal, later.ID))
			if !env.Force {
				return *target, errors.New(msg)
			}
			forced = append(forced, msg)
		}
	}
	a, release, err := locate(target)
	defer release()
	// closing: undo --force ID closes an entry whose object is gone or is
	// another one (or cannot be told): nothing is changed, whatever holds
	// the name now is never touched.
	closing := env.Force && id != "" && !env.DryRun
	closeHint := func() string {
		return "once you have checked, close the entry with " + UndoCommand(env.Journal, "--force", target.ID) + ": it changes nothing"
	}
	var nolink errNoLink
	if errors.As(err, &nolink) {
		if !closing {
			return *target, fmt.Errorf("%s (%s)", nolink.msg, closeHint())
		}
		return closeForced(env, target, strings.TrimSuffix(nolink.msg, ": nothing was changed")+": closed with --force; rtnl-doctor changed nothing now: check by hand whether the change is still in place and revert it yourself: "+target.Command)
	}
	var pgone errProcGone
	if errors.As(err, &pgone) && processOnly(target.Action) && !env.DryRun {
		// The change went with the process: nothing is left to revert, and
		// the process now holding the PID is not touched.
		note := strings.TrimSuffix(pgone.msg, ": nothing was changed") + ": the limits the fix set went with the process"
		if strings.Contains(pgone.msg, "now another process") {
			note += "; the process now holding the PID was not touched"
		}
		end := Entry{ID: target.ID, Phase: PhaseUndone, Fix: target.Fix, Note: note}
		if err := env.Journal.Append(end); err != nil {
			return *target, err
		}
		target.Phase, target.Note = end.Phase, end.Note
		return *target, nil
	}
	if errors.As(err, &pgone) {
		// What the fix changed in the process's mount namespace (a node in
		// its /dev) may be gone with it, or now be another's: never touched.
		if !closing {
			return *target, fmt.Errorf("%s (%s)", pgone.msg, closeHint())
		}
		return closeForced(env, target, strings.TrimSuffix(pgone.msg, ": nothing was changed")+": closed with --force; what the fix changed in its namespace was not touched; rtnl-doctor changed nothing now")
	}
	// The namespace, or the link, the fix changed is gone: what it changed
	// went with it, and whatever holds the name now is never touched.
	var nsgone errNetnsGone
	var lgone errLinkGone
	goneMsg, goneWith := "", ""
	if errors.As(err, &nsgone) {
		goneMsg, goneWith = nsgone.msg, "the namespace"
	} else if errors.As(err, &lgone) {
		goneMsg, goneWith = lgone.msg, "the link"
	}
	if goneMsg != "" {
		if !closing {
			return *target, fmt.Errorf("%s (what the fix changed went with it; %s)", goneMsg, closeHint())
		}
		// The operator checked: the entry is closed, nothing is changed,
		// and plain undo reaches older fixes again.
		return closeForced(env, target, strings.TrimSuffix(goneMsg, ": nothing was changed")+": closed with --force; what the fix changed went with "+goneWith+"; rtnl-doctor changed nothing now")
	}
	if err != nil {
		return *target, err
	}
	k := actionKinds[a.Kind]
	if k.undoBlocked != nil {
		why, err := k.undoBlocked(ctx, env, a, target.Old, target.New)
		if errors.As(err, &pgone) {
			// The process exited since it was located (a zombie keeps its
			// PID and start time, not its root): as for a gone process.
			if !closing {
				return *target, fmt.Errorf("%s (%s)", pgone.msg, closeHint())
			}
			return closeForced(env, target, strings.TrimSuffix(pgone.msg, ": nothing was changed")+": closed with --force; what the fix changed in its namespace was not touched; rtnl-doctor changed nothing now")
		}
		if err != nil {
			return *target, fmt.Errorf("cannot read whether the undo can be made (nothing was changed): %w", err)
		}
		if why != "" {
			// Another object: never acted on, --force or not; undo --force
			// ID closes the entry without acting.
			if !k.blockedIsOther {
				return *target, fmt.Errorf("%s: nothing was changed, --force or not; the entry stays as it is (%s once that is resolved)", why, UndoCommand(env.Journal, target.ID))
			}
			if !closing {
				return *target, fmt.Errorf("%s: nothing was changed, and undo never acts on another object, --force or not (%s)", why, closeHint())
			}
			return closeForced(env, target, why+": closed with --force; rtnl-doctor changed nothing now")
		}
	}
	if k.state != nil && k.expect != nil {
		want := k.expect(a, target.Old, target.New)
		if want == nil {
			if !env.Force {
				return *target, errors.New("what the fix left cannot be read back: check by hand, then undo with --force")
			}
			forced = append(forced, "state not compared")
		} else {
			now, err := k.state(ctx, env, a)
			if err != nil {
				return *target, fmt.Errorf("cannot read the live state to compare (nothing was changed): %w", err)
			}
			if d := diffStates(want, now); d != "" && asBefore(want, wasState(a, target.Old), now) {
				// An undo killed after reverting, before journaling it.
				end := Entry{ID: target.ID, Phase: PhaseUndone, Fix: target.Fix, Note: "it was already as before the fix (put back by hand, or by an undo that was interrupted): nothing was changed"}
				if env.DryRun {
					target.Note = end.Note
					return *target, ErrDryRun
				}
				if err := env.Journal.Append(end); err != nil {
					return *target, err
				}
				target.Phase, target.Note = end.Phase, end.Note
				return *target, nil
			} else if other := otherObject(a, want, now); other != "" {
				// Another object holds the name now (another inode): --force
				// restores over a changed state, never over another object.
				why := fmt.Sprintf("%s is not the object the fix changed (%s)", k.object(a), other)
				if !closing {
					return *target, fmt.Errorf("%s: undo never acts on another object, even with --force: nothing was changed (%s)", why, closeHint())
				}
				return closeForced(env, target, why+": closed with --force; rtnl-doctor changed nothing now")
			} else if d != "" {
				msg := "the object is no longer as the fix left it: " + d
				if !env.Force {
					return *target, errors.New(msg + ": nothing was changed (" + UndoCommand(env.Journal, "--force", target.ID) + " restores the old state anyway)")
				}
				forced = append(forced, msg)
			}
		}
	}
	if k.undoCosts != nil {
		costs, err := k.undoCosts(a, target.Old)
		if err != nil {
			return *target, fmt.Errorf("cannot read what the undo would affect (nothing was changed): %w", err)
		}
		if costs != "" {
			if !env.Force {
				return *target, errors.New("the undo would also " + costs + ": nothing was changed (" + UndoCommand(env.Journal, "--force", target.ID) + " does it anyway)")
			}
			forced = append(forced, "it also had to "+costs)
		}
	}
	if env.DryRun {
		// The note says what undo would do beyond restoring: restore over
		// a difference (--force).
		target.Note = ""
		if len(forced) > 0 {
			target.Note = "would restore anyway (--force): " + strings.Join(forced, "; ")
		}
		return *target, ErrDryRun
	}
	step("located")
	uerr := k.undo(ctx, env, a, target.Old, target.New)
	step("undone")
	end := Entry{ID: target.ID, Phase: PhaseUndone, Fix: target.Fix}
	if len(forced) > 0 {
		end.Forced, end.Note = true, "forced: "+strings.Join(forced, "; ")
	}
	var gone errGone
	switch {
	case errors.As(uerr, &gone):
		end.Note, uerr = strings.TrimPrefix(end.Note+"; "+gone.msg, "; "), nil
	case uerr != nil:
		end.Phase, end.Error = PhaseUndoFailed, uerr.Error()
	}
	if k.helper && env.Run != nil {
		end.Note = strings.TrimPrefix(end.Note+"; not verified on a live system (helper programs were simulated)", "; ")
	}
	if s := held(); s != "" {
		end.Signal = s
		end.Note = strings.TrimPrefix(end.Note+"; "+s+" arrived during the undo and was held until it was complete", "; ")
	}
	if err := env.Journal.Append(end); err != nil && uerr == nil {
		uerr = fmt.Errorf("undone, but the journal could not record it: %w", err)
	}
	target.Phase, target.Error, target.Note, target.Forced, target.Signal = end.Phase, end.Error, end.Note, end.Forced, end.Signal
	return *target, uerr
}

// nothingToUndo says the journal holds no entry id (or, for "", no applied
// fix).
func nothingToUndo(env *ActionEnv, id string) error {
	// Refused lines may be the entry sought: the journal is not "empty".
	if log, err := env.Journal.Read(); err == nil && len(log.Problems) > 0 {
		what := "no applied fix among the valid entries"
		if id != "" {
			what = fmt.Sprintf("no valid journal entry %q", id)
		}
		return &RefusedLinesError{Lines: RefusedLines(log), Problems: log.Problems,
			Msg: fmt.Sprintf("nothing to undo: %s in %s, but %s", what, env.Journal.Path(), refusedSummary(log))}
	}
	if id != "" {
		return fmt.Errorf("no journal entry %q in %s (a fix applied with --journal DIR is undone with the same --journal)", id, env.Journal.Path())
	}
	return errors.New("nothing to undo: no applied fix in the journal " + env.Journal.Path())
}

// RefusedLinesError: what was sought is not among the journal's valid
// entries, and some of its lines were refused (it may be one of them).
// The CLI exits 2, as for a journal it refuses.
type RefusedLinesError struct {
	Lines    int
	Problems []string
	Msg      string
}

func (e *RefusedLinesError) Error() string { return e.Msg }

// RefusedLines counts the lines the journal refused (a Problem naming a
// whole action refuses no further line).
func RefusedLines(log Log) int {
	n := 0
	for _, p := range log.Problems {
		if !strings.HasPrefix(p, "action ") {
			n++
		}
	}
	return n
}

// refusedSummary says how many lines were refused, and why.
func refusedSummary(log Log) string {
	n := RefusedLines(log)
	s := fmt.Sprintf("%d journal lines were refused", n)
	if n == 1 {
		s = "1 journal line was refused"
	}
	return s + " (" + strings.Join(log.Problems, "; ") + "): check them by hand; nothing was changed"
}

// wasState is the state before the change in the live state's terms.
func wasState(a *Action, old map[string]string) map[string]string {
	if k := actionKinds[a.Kind]; k.was != nil {
		return k.was(a, old)
	}
	if _, ok := old["existed"]; ok { // a file backup
		if old["existed"] != "true" {
			return map[string]string{"sha256": "absent"}
		}
		prev, err := mapToPrev(old)
		if err != nil {
			return nil
		}
		return map[string]string{"sha256": hashText(string(prev.Data))}
	}
	return old
}

// asBefore: the live state is the state before the fix, when the old
// state is kept in the same terms as the live one.
func asBefore(want, old, now map[string]string) bool {
	if len(want) == 0 {
		return false
	}
	compared := 0
	for k := range want {
		if v, ok := old[k]; ok {
			if v != now[k] {
				return false
			}
			compared++
		}
	}
	return compared > 0
}

// CanUndo says whether a journaled action can be reverted, and why not.
func CanUndo(e Entry) (bool, string) {
	if e.Action == nil {
		return false, "the journal entry has no action"
	}
	if _, ok := actionKinds[e.Action.Kind]; !ok || !reversible(e.Action) {
		return false, irreversibleWhy(&e)
	}
	if e.Phase == PhaseFailed {
		return false, "it failed and changed nothing"
	}
	if e.Phase == PhaseDone && e.Old != nil && e.Old["on"] == "on" {
		return false, "it was already so before the fix: nothing to undo"
	}
	return true, ""
}

func irreversibleWhy(e *Entry) string {
	switch e.Action.Kind {
	case "link-delete":
		return "a deleted link is gone; it was: " + e.Old["attached"]
	case "helper":
		if op, err := helperOf(e.Action); err == nil && op.why != "" {
			return op.why
		}
	case "compact-memory":
		return "compaction changes no setting"
	}
	return "this kind of change has no undo"
}

// ActionFitsSymptom: an address or route action concerns the object the
// symptom's command names (another symptom's fix proves nothing about it).
func ActionFitsSymptom(a *Action, s symptom.Symptom) bool {
	switch a.Kind {
	case "addr-replace", "addr-delete":
		return a.Param("prefix") == s.Address && a.Param("dev") == s.Device
	case "route-add", "route-replace", "route-delete":
		return a.Param("dst") == s.Route
	}
	return true
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

// ReadBack reads back whether the change of applied action a is in place,
// in words for the operator. known is false when a's kind cannot tell (the
// cause's own re-evaluation is then the only check); reachesGoal says that,
// once done, the command that failed has nothing left to do.
func ReadBack(a *Action) (evidence string, done, reachesGoal, known bool, err error) {
	kind, ok := actionKinds[a.Kind]
	if !ok || kind.done == nil {
		return "", false, false, false, nil
	}
	evidence, done, err = kind.done(a)
	return evidence, done, kind.reachesGoal, true, err
}
