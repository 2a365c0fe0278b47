// Package cli implements the interactive parts of the fix and undo
// commands: listing, previewing, asking, applying, verifying. main.go parses
// the flags and calls these.
package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/editor"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// FixOptions are the fix command's settings.
type FixOptions struct {
	Target   probes.Target
	Symptom  symptom.Symptom
	FixID    string
	List     bool
	Yes      bool
	DryRun   bool
	ReadOnly bool
	// JournalDir is where the journal lives ("" for the default).
	JournalDir string
	In         io.Reader
	Out, Err   io.Writer
}

// Env builds the action environment: the journal, and an editor that takes
// over the terminal. Opening the journal creates nothing: its directory and
// files are made when a fix is applied.
func Env(journalDir string, dryRun, readOnly bool) (*fix.ActionEnv, error) {
	env := &fix.ActionEnv{DryRun: dryRun, ReadOnly: readOnly, Edit: runEditor}
	if dryRun || readOnly {
		return env, nil
	}
	if journalDir == "" {
		journalDir = fix.DefaultJournalDir()
	}
	j, err := fix.OpenJournal(journalDir)
	if err != nil {
		// Listing and previewing still work; applying refuses, saying why.
		env.JournalErr = err
		return env, nil
	}
	env.Journal = j
	return env, nil
}

// DashboardEnv is the dashboard's action environment, set up before the
// program starts: a journal another user could write is refused (exit
// status 2), any other journal error runs the dashboard read-only, saying
// why, and applies a killed process left half-recorded are reconciled
// against the live state. Nothing is created: the journal's directory and
// files are made when a fix is applied. code is the exit status when the
// dashboard must not start, else 0.
func DashboardEnv(ctx context.Context, journalDir string, dryRun, readOnly bool, errw io.Writer) (env *fix.ActionEnv, code int) {
	env, err := Env(journalDir, dryRun, readOnly)
	if err == nil && env.JournalErr != nil {
		err = env.JournalErr
	}
	var refused *fix.RefusedError
	if errors.As(err, &refused) && !dryRun && !readOnly {
		p(errw, "rtnl-doctor: %v\n", err)
		return nil, 2
	}
	if err != nil {
		// Without a journal nothing can be undone: run read-only and say why.
		p(errw, "rtnl-doctor: %v: running read-only\n", err)
		return &fix.ActionEnv{ReadOnly: true}, 0
	}
	if env.Journal != nil {
		// Applies a killed process left half-recorded are checked against
		// the live state before anything else.
		if recs, err := fix.Reconcile(ctx, env); err != nil {
			p(errw, "rtnl-doctor: reconciling the journal: %v\n", err)
		} else {
			for _, r := range recs {
				p(errw, "rtnl-doctor: %s was interrupted while being applied: %s\n", r.Entry.ID, r.Detail)
			}
		}
	}
	return env, 0
}

func runEditor(path string, line int) error {
	cmd, err := editor.Command(path, line)
	if err != nil {
		return err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	return cmd.Run()
}

// p prints sanitised text: every string or error argument (a value from
// the system: a title, evidence, an error) is made one line first, so a
// newline in it cannot print a fake line; a block (commands, one per line)
// keeps its lines.
func p(w io.Writer, format string, args ...any) {
	for i, a := range args {
		switch v := a.(type) {
		case string:
			args[i] = sanitize.Line(v)
		case error:
			args[i] = sanitize.Line(v.Error())
		case block:
			args[i] = string(v)
		}
	}
	io.WriteString(w, sanitize.Text(fmt.Sprintf(format, args...)))
}

// block is multi-line text this package laid out (indented commands).
type block string

// Fix runs the fix command and returns the exit status: 0 applied (and
// verified, or listed), 1 not applied or not verified, 2 usage errors.
func Fix(ctx context.Context, o FixOptions) int {
	facts := probes.Gather(ctx, o.Target)
	d := diagnose.Diagnose(facts, o.Symptom, nil)
	// Listing opens no journal (and so creates none); neither does a fix
	// that does not exist or that rtnl-doctor would only show (every step
	// instructions, as for a captured tree).
	listing := o.List || o.FixID == ""
	var (
		f   fix.Fix
		res *diagnose.Result
	)
	if !listing {
		var ok bool
		if f, res, ok = d.FindFix(o.FixID); !ok {
			p(o.Err, "rtnl-doctor fix: no fix %q applies to this diagnosis; `rtnl-doctor fix --list` lists them\n", o.FixID)
			return 2
		}
	}
	acts := false
	for step := &f; step != nil && !listing; step = step.Then {
		acts = acts || step.Action != nil
	}
	env, err := Env(o.JournalDir, o.DryRun || !acts, o.ReadOnly)
	if err != nil {
		p(o.Err, "rtnl-doctor fix: %v\n", err)
		return 1
	}
	env.DryRun = o.DryRun
	if listing {
		listFixes(o.Out, d, env)
		if o.FixID == "" && !o.List {
			p(o.Err, "\nname one fix: rtnl-doctor fix FIX-ID\n")
			return 2
		}
		return 0
	}
	var refused *fix.RefusedError
	if errors.As(env.JournalErr, &refused) && !o.DryRun && !o.ReadOnly {
		p(o.Err, "rtnl-doctor fix: %v\n", env.JournalErr)
		return 2
	}
	if env.Journal != nil {
		reportReconciled(ctx, env, o.Err)
	}
	// A plan (bring the link up, then add the route) continues with its
	// next step after each verified one.
	in := bufio.NewReader(o.In)
	for step := &f; step != nil; step = step.Then {
		if step != &f {
			p(o.Out, "\nNext step of this plan: %s\n", step.Title)
		} else {
			p(o.Out, "%s (for %s: %s)\n", f.Title, res.ID, res.Status)
		}
		if rc := applyStep(ctx, o, env, in, *step, res); rc != 0 || o.DryRun {
			return rc
		}
	}
	return 0
}

// applyStep previews, confirms, applies and verifies one fix (one step of
// a plan): 0 when verified.
func applyStep(ctx context.Context, o FixOptions, env *fix.ActionEnv, in *bufio.Reader, f fix.Fix, res *diagnose.Result) int {
	if can, why := fix.CanApply(f, env); !can {
		p(o.Out, "rtnl-doctor cannot apply this here: %s\nDo it by hand:\n%s\n", why, indent(f.Command))
		if f.Risk != "" {
			p(o.Out, "Cost: %s\n", f.Risk)
		}
		return 1
	}
	pv, err := fix.PreviewFix(ctx, env, f)
	if err != nil {
		p(o.Err, "rtnl-doctor fix: cannot preview: %v\nNothing was changed. The equivalent commands:\n%s\n", err, indent(f.Command))
		return 1
	}
	p(o.Out, "Will change:\n")
	for _, c := range pv.Changes {
		p(o.Out, "  - %s\n", lines(c, "  "))
	}
	if pv.Traffic != "" {
		p(o.Out, "Carries traffic now: %s\n", pv.Traffic)
	}
	p(o.Out, "Equivalent commands:\n%s\n", indent(f.Command))
	if f.Risk != "" {
		p(o.Out, "Cost: %s\n", f.Risk)
	}
	p(o.Out, "Undo: %s\n", pv.Undo)
	if o.DryRun {
		p(o.Out, "Dry run: nothing was changed.\n")
		return 0
	}
	if !o.Yes && !confirm(in, o.Out, "Apply this change? [y/N] ") {
		p(o.Out, "Not applied.\n")
		return 1
	}
	// Destroying what carries traffic is asked twice, --yes or not.
	if pv.Traffic != "" && !confirm(in, o.Out, "This cuts traffic that flows now. Apply it anyway? [y/N] ") {
		p(o.Out, "Not applied.\n")
		return 1
	}
	e, err := fix.ApplyPreviewed(ctx, env, f, pv)
	if err != nil {
		p(o.Err, "rtnl-doctor fix: failed: %v\n", err)
		if e.ID != "" {
			p(o.Err, "journal %s: %s (%s)\n", e.ID, e.Phase, orNothing(e.Note))
		}
		return 1
	}
	if ok, why := fix.CanUndo(e); ok {
		p(o.Out, "Applied (journal %s, %s). Undo with: %s\n", e.ID, env.Journal.Path(), fix.UndoCommand(env.Journal, e.ID))
	} else {
		p(o.Out, "Applied (journal %s, %s). It cannot be undone: %s\n", e.ID, env.Journal.Path(), why)
	}
	if e.Signal != "" {
		p(o.Err, "rtnl-doctor fix: %s arrived while applying: the change was completed and journaled; stopping before verification\n", e.Signal)
		return 1
	}
	vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v := diagnose.Verify(vctx, o.Target, res.Cause, o.Symptom, &e)
	if v.Status == diagnose.OK {
		diagnose.RecordVerified(env, e.ID, e.Fix, v)
		p(o.Out, "Verified: %s is now ok: %s\n", res.ID, strings.Join(v.Evidence, "; "))
		if res.Cause.Next != "" && f.Then == nil {
			p(o.Out, "Next: %s\n", res.Cause.Next)
		}
		return 0
	}
	p(o.Out, "Not verified yet: %s is %s: %s\n", res.ID, v.Status, strings.Join(v.Evidence, "; "))
	return 1
}

func orNothing(s string) string {
	if s == "" {
		return "no detail"
	}
	return s
}

func indent(s string) block { return block("    " + strings.ReplaceAll(s, "\n", "\n    ")) }

// lines lays out text whose newlines are the model's layout (a preview's
// "create with:" and the file's lines below it): each line is sanitised on
// its own and the next ones are indented by pad.
func lines(s, pad string) block {
	ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range ls {
		ls[i] = sanitize.Line(l)
	}
	return block(strings.Join(ls, "\n"+pad))
}

// confirm asks on the terminal; anything but y/yes is no.
func confirm(in *bufio.Reader, out io.Writer, question string) bool {
	p(out, "%s", question)
	line, err := in.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return false
	}
	a := strings.ToLower(strings.TrimSpace(line))
	return a == "y" || a == "yes"
}

func listFixes(w io.Writer, d *diagnose.Diagnosis, env *fix.ActionEnv) {
	any := false
	for _, r := range d.Results {
		for _, f := range r.Fixes {
			any = true
			how := "applies with rtnl-doctor fix " + f.ID
			if can, why := fix.CanApply(f, env); !can {
				how = "instructions only: " + why
			}
			p(w, "%-40s %s %s: %s\n    %s\n", f.ID, r.Status.Symbol(), r.ID, f.Title, how)
		}
	}
	if !any {
		p(w, "No fix applies to this symptom and target: %s.\n", noFixWhy(d))
	}
}

// reportReconciled reconciles interrupted applies with the live state
// and says what it found.
func reportReconciled(ctx context.Context, env *fix.ActionEnv, w io.Writer) {
	recs, err := fix.Reconcile(ctx, env)
	if err != nil {
		p(w, "rtnl-doctor: reconciling the journal: %v\n", err)
	}
	for _, r := range recs {
		p(w, "rtnl-doctor: %s (%s) was interrupted while being applied: %s\n", r.Entry.ID, r.Entry.Title, r.Detail)
	}
}

// UndoOptions are the undo command's settings.
type UndoOptions struct {
	JournalDir string
	ID         string
	List       bool
	DryRun     bool
	// Force undoes although the object changed since the fix (journaled).
	Force    bool
	Out, Err io.Writer
}

// Undo reverts one journaled action (the last one when id is ""). Listing
// and dry runs open the journal read-only: they create and change nothing.
// Exit status: 0 undone (or listed), 1 refused or failed, 2 a journal that
// must not be used, or lines of it refused (listed, or where the entry
// sought was not found).
func Undo(ctx context.Context, o UndoOptions) int {
	out, errw := o.Out, o.Err
	journalDir := o.JournalDir
	if journalDir == "" {
		journalDir = fix.DefaultJournalDir()
	}
	var (
		j   *fix.Journal
		err error
	)
	if o.List || o.DryRun {
		j, err = fix.OpenJournalReadOnly(journalDir)
	} else if _, serr := os.Lstat(filepath.Join(journalDir, "journal.jsonl")); errors.Is(serr, os.ErrNotExist) {
		err = fix.ErrNoJournal // undoing creates no journal either
	} else {
		j, err = fix.OpenJournal(journalDir)
	}
	var refused *fix.RefusedError
	switch {
	case errors.As(err, &refused):
		p(errw, "rtnl-doctor undo: %v\n", err)
		return 2
	case errors.Is(err, fix.ErrNoJournal) && o.List:
		p(out, "No journal at %s: no fix has been applied from this account.\n", journalDir)
		return 0
	case errors.Is(err, fix.ErrNoJournal):
		p(errw, "rtnl-doctor undo: nothing to undo: no journal at %s (no fix has been applied from this account)\n", journalDir)
		return 1
	case err != nil:
		p(errw, "rtnl-doctor undo: %v\n", err)
		return 1
	}
	defer j.Close()
	env := &fix.ActionEnv{Journal: j, DryRun: o.DryRun, Force: o.Force, Edit: runEditor}
	if o.List {
		return listJournal(ctx, env, out, errw)
	}
	e, err := fix.UndoFix(ctx, env, o.ID)
	if err != nil {
		if errors.Is(err, fix.ErrDryRun) {
			if e.Note != "" { // put back already, or a forced undo
				p(out, "Dry run: %s (%s): %s.\n", e.ID, e.Title, e.Note)
				return 0
			}
			p(out, "Dry run: would undo %s (%s); the object is as the fix left it.\n", e.ID, e.Title)
			return 0
		}
		p(errw, "rtnl-doctor undo: %v\n", err)
		var lines *fix.RefusedLinesError
		if errors.As(err, &lines) {
			return 2 // the journal holds lines it refuses
		}
		return 1
	}
	p(out, "Undone: %s (%s)%s\n", e.ID, e.Title, noteSuffix(e.Note))
	if e.Signal != "" {
		return 1
	}
	return 0
}

func listJournal(ctx context.Context, env *fix.ActionEnv, out, errw io.Writer) int {
	log, err := env.Journal.Read()
	if err != nil {
		p(errw, "rtnl-doctor undo: %v\n", err)
		return 1
	}
	for _, pr := range log.Problems {
		p(errw, "rtnl-doctor undo: %s\n", pr)
	}
	actions, _ := env.Journal.Actions()
	refused := fix.RefusedLines(log)
	switch {
	case len(actions) == 0 && len(log.Problems) > 0:
		p(out, "The journal %s has no valid entry: %d line(s) refused (the reasons are above).\n", env.Journal.Path(), refused)
	case len(actions) == 0:
		p(out, "The journal %s is empty.\n", env.Journal.Path())
	}
	recs, _ := fix.Reconcile(ctx, env) // read-only: classifies, records nothing
	for _, a := range actions {
		where := ""
		if a.Action != nil {
			if ns := a.Action.Params["netns"]; ns != "" {
				where = " [netns " + strings.TrimPrefix(ns, "/run/netns/") + "]"
			} else if a.Object != nil && a.Object.NetNS != nil {
				where = fmt.Sprintf(" [netns net:[%d]]", a.Object.NetNS.Ino)
			}
			if pid := a.Action.Params["pid"]; pid != "" {
				where += " [pid " + pid + "]"
			}
			if a.Object != nil && a.Object.Link != nil {
				where += fmt.Sprintf(" [link %s ifindex %d]", a.Object.Link.Name, a.Object.Link.Index)
			}
		}
		phase := a.Phase
		// Details go on lines of their own, each a value made one line.
		extra := ""
		if a.Interrupted() {
			phase = "interrupted"
			for _, r := range recs {
				if r.Entry.ID == a.ID {
					extra = "\n    " + sanitize.Line(r.Detail)
				}
			}
		}
		if a.Forced || a.Phase == fix.PhaseFailed && a.Note != "" {
			// Why it was forced, or why it failed (a reconciled interrupted
			// fix says whether its change is in place; third review).
			extra += "\n    " + sanitize.Line(a.Note)
		}
		p(out, "%s  %s  %-11s %s%s: %s%s\n", a.ID, a.Time.Local().Format("2006-01-02 15:04:05"), phase, a.Fix, where, a.Title, block(extra))
	}
	if len(log.Problems) > 0 {
		// A journal with refused lines exits 2, as one refused whole.
		p(errw, "rtnl-doctor undo: %d journal line(s) refused (the reasons are above): check them by hand\n", refused)
		return 2
	}
	return 0
}

func noteSuffix(n string) string {
	if n == "" {
		return ""
	}
	return ": " + n
}

// noFixWhy says why no fix is listed: no cause fails or warns, or those
// that do offer none rtnl-doctor can name.
func noFixWhy(d *diagnose.Diagnosis) string {
	var ids []string
	for _, r := range d.Results {
		if r.Status == diagnose.Fail || r.Status == diagnose.Warn {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) == 0 {
		return "no cause is failing or warning"
	}
	return "the evidence of " + strings.Join(ids, ", ") + " names no change to make (see rtnl-doctor report)"
}
