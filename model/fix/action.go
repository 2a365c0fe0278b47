package fix

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// Action is a change rtnl-doctor can make itself: a kind and its
// parameters. The journal keeps it as data: on reading, the kind must be
// one of actionKinds and every parameter one its kind declares, with a
// valid value (see validateAction); nothing in an entry is ever run as it
// stands. One file per family implements the kinds: action_sysctl.go,
// action_file.go, action_rlimit.go, action_module.go, action_devnode.go,
// action_helper.go, action_net.go (with action_net_state.go),
// action_net_mtu.go.
type Action struct {
	Kind   string            `json:"kind"`
	Params map[string]string `json:"params"`
	// proc, set by apply and undo (never journaled), is the process the
	// "pid" parameter was checked to name: an action that opens something
	// of the process's (/proc/PID/root) checks after opening that the PID
	// still names it.
	proc *ProcID
	// link, set by apply and undo (never journaled), is the link the
	// kind's link parameter was checked to name (Identity.Link): withLink
	// refuses another link that holds the name by the time it acts.
	link *LinkID
}

func (a *Action) Param(k string) string { return a.Params[k] }

// with returns a copy of a with one parameter set.
func (a *Action) with(k, v string) *Action {
	c := &Action{Kind: a.Kind, Params: map[string]string{}, proc: a.proc, link: a.link}
	for x, y := range a.Params {
		c.Params[x] = y
	}
	if v == "" {
		delete(c.Params, k)
	} else {
		c.Params[k] = v
	}
	return c
}

// Preview is what an action will change, read from the live state.
type Preview struct {
	// Changes are "what: from → to" lines.
	Changes []string `json:"changes"`
	// Undo says how the change is reverted, or that it cannot be.
	Undo       string `json:"undo"`
	Reversible bool   `json:"reversible"`
	// Old is the state undo restores (journaled before applying).
	Old map[string]string `json:"-"`
	// Traffic, when set, says that the change destroys an object that
	// carries traffic now (a link UP, with addresses, carrying the default
	// route): the fix is confirmed twice.
	Traffic string `json:"traffic,omitempty"`
	// Object identifies what the preview was read from; applying checks
	// that it is still the same object.
	Object *Identity `json:"-"`
}

// Runner runs one of the fixed helper programs (argv built by the code,
// never taken from data). Tests inject one.
type Runner func(ctx context.Context, timeout time.Duration, name string, args ...string) (sysexec.Result, error)

// ActionEnv is where and how actions run.
type ActionEnv struct {
	// Root is the directory files are written below ("" or "/" for the
	// live system; tests use a temporary root).
	Root string
	// DryRun previews and journals nothing; ReadOnly refuses every change.
	DryRun   bool
	ReadOnly bool
	Journal  *Journal
	// JournalErr says why there is no journal (nothing is applied without one).
	JournalErr error
	// Timeout bounds each external program (modprobe, networkctl, ...).
	Timeout time.Duration
	// Edit opens path at line in the user's editor and returns when it
	// exits. The dashboard hands the terminal over; the CLI inherits it.
	Edit func(path string, line int) error
	// Run runs helper programs (nil: sysexec.Run, the fixed system
	// directories). A test's runner makes results "not verified on a live
	// system".
	Run Runner
	// Force undoes although the object is no longer as the fix left it
	// (never when it is another object); the journal records it.
	Force bool
}

func (e *ActionEnv) path(p string) string {
	if e.Root == "" || e.Root == "/" {
		return p
	}
	return filepath.Join(e.Root, p)
}

func (e *ActionEnv) root() string {
	if e.Root == "" {
		return "/"
	}
	return e.Root
}

func (e *ActionEnv) timeout() time.Duration {
	if e.Timeout <= 0 {
		return 20 * time.Second
	}
	return e.Timeout
}

func (e *ActionEnv) run(ctx context.Context, name string, args ...string) (sysexec.Result, error) {
	if e.Run != nil {
		return e.Run(ctx, e.timeout(), name, args...)
	}
	return sysexec.Run(ctx, e.timeout(), name, args...)
}

// actionKind implements one kind of action.
type actionKind struct {
	// params declares every parameter the kind takes and checks its value;
	// required lists those it cannot do without.
	params   map[string]paramCheck
	required []string
	// stateKeys declares every key of the kind's journaled states (the old
	// state undo restores, the new state it expects, the live state read
	// back) and checks its value, as params does for parameters: an entry
	// with another key, or a value that fails, is refused. stateWith checks
	// what depends on the action (nil: nothing).
	stateKeys map[string]paramCheck
	stateWith func(a *Action, st map[string]string) error
	// stateKeyOf checks keys that are numbered rather than fixed
	// (addr-delete's addr0, addr0_flags...): the check for key, false when
	// the kind keeps no such key. Consulted after stateKeys.
	stateKeyOf func(key string) (paramCheck, bool)
	// identity lists the state keys that name the object itself (a file's
	// device and inode, a node's inode), not its state: when they differ
	// from what the fix left, the object is another one, and undo refuses
	// even with --force, which only restores over a changed state of the
	// same object.
	identity []string
	// needs names the privilege the action needs ("root", "CAP_NET_ADMIN"),
	// checked against this process before anything runs.
	needs func(a *Action) []capNeed
	// writes names the file an action writes: instead of a capability, the
	// process must be able to write its directory (root, or its owner).
	writes  func(a *Action) string
	preview func(ctx context.Context, env *ActionEnv, a *Action) (Preview, error)
	apply   func(ctx context.Context, env *ActionEnv, a *Action, old map[string]string) (map[string]string, error)
	// undo reverts using the journaled old and new states; nil when the
	// change cannot be reverted.
	undo func(ctx context.Context, env *ActionEnv, a *Action, old, new map[string]string) error
	// undoCosts says what else the undo would take with it, made since
	// the fix ("" for nothing): undo refuses it without --force, and the
	// dry run says it. nil for kinds whose undo touches nothing else.
	undoCosts func(a *Action, old map[string]string) (string, error)
	// undoBlocked says why the undo cannot be made now, --force or not
	// ("" when it can): undo refuses, changing nothing and journaling
	// nothing, so the entry can be undone once the obstacle is gone.
	undoBlocked func(ctx context.Context, env *ActionEnv, a *Action, old, new map[string]string) (string, error)
	// blockedIsOther: what undoBlocked refuses is another object than the
	// one the fix changed (or one it cannot tell from another): undo
	// --force ID closes the entry, changing nothing. Otherwise the refusal
	// is an obstacle the operator can resolve, and the entry stays.
	blockedIsOther bool
	// state reads the object's live state, in the keys expect returns.
	state func(ctx context.Context, env *ActionEnv, a *Action) (map[string]string, error)
	// expect is the state the action left: from the journaled new state,
	// or (new is nil: the apply was interrupted) from the action itself.
	// nil: the state cannot be predicted.
	expect func(a *Action, old, new map[string]string) map[string]string
	// was is the state before the change in the keys state returns (nil:
	// the old state itself, a file backup as its hash): an undo killed
	// after reverting is recognised by it.
	was func(a *Action, old map[string]string) map[string]string
	// object names the thing changed, for last-in-first-out undo.
	object func(a *Action) string
	// netScoped: the action acts in a network namespace (recorded by
	// identity, entered again by undo).
	netScoped func(a *Action) bool
	// link names the link the action changes ("" when this action changes
	// none): its ifindex is recorded with the namespace (Identity.Link),
	// and apply and undo refuse another link that holds the name now.
	link func(a *Action) string
	// done reads back whether the change is in place, in words for the
	// operator; nil when the cause's own re-evaluation is the only check.
	done func(a *Action) (evidence string, ok bool, err error)
	// reachesGoal: once done, the command that failed has nothing left to
	// do (a replace makes the object exactly what it asked for), even
	// though the cause's condition, "it already exists", still holds.
	reachesGoal bool
	// reversible says whether this action (of a kind with an undo) can be
	// undone (nil: it can).
	reversible func(a *Action) bool
	// helper: the action runs an external helper program (its result is
	// "not verified on a live system" when a test runner is injected).
	helper bool
}

// capNeed is one capability an action needs, and why.
type capNeed struct {
	cap cap.Value
	why string
}

var actionKinds = map[string]actionKind{}

func init() {
	for k, v := range map[string]actionKind{
		"sysctl":         sysctlAction,
		"sysctl-persist": sysctlPersistAction,
		"write-file":     writeFileAction,
		"prlimit":        prlimitAction,
		"modprobe":       modprobeAction,
		"mknod-tun":      mknodTunAction,
		"chmod":          chmodAction,
		"setcap":         setcapAction,
		"compact-memory": compactAction,
		"helper":         helperAction,
		"edit":           editAction,
		"link-set":       linkSetAction,
		"link-delete":    linkDeleteAction,
		"link-mtu":       linkMTUAction,
		"altname-delete": altnameDeleteAction,
		"addr-replace":   addrReplaceAction,
		"addr-delete":    addrDeleteAction,
		"route-add":      routeAddAction,
		"route-replace":  routeReplaceAction,
		"route-delete":   routeDeleteAction,
	} {
		actionKinds[k] = v
	}
	addNetState()
}

func needRoot(why string) func(*Action) []capNeed {
	return func(*Action) []capNeed { return []capNeed{{cap.DAC_OVERRIDE, why}} }
}

// errGone is an undo with nothing left to revert: it counts as undone.
type errGone struct{ msg string }

func (e errGone) Error() string { return e.msg }

// sortedKeys lists a map's keys in order (for stable previews).
func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func indent(s string) string {
	return "    " + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n    ")
}

func where(a *Action) string {
	if ns := a.Param("netns"); ns != "" {
		return " in the network namespace " + ns
	}
	return ""
}

// pick keeps the keys of m that are named.
func pick(m map[string]string, keys ...string) map[string]string {
	if m == nil {
		return nil
	}
	out := map[string]string{}
	for _, k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// ValidateAction checks an action against its kind: a known kind, only
// declared parameters, each with a valid value, the required ones present.
func ValidateAction(a *Action) error {
	if a == nil {
		return fmt.Errorf("no action")
	}
	k, ok := actionKinds[a.Kind]
	if !ok {
		return fmt.Errorf("unknown action kind %q", a.Kind)
	}
	for _, name := range sortedKeys(a.Params) {
		check, ok := k.params[name]
		if !ok {
			return fmt.Errorf("action %s: unknown parameter %q", a.Kind, name)
		}
		if err := check(a.Params[name]); err != nil {
			return fmt.Errorf("action %s: parameter %s: %v", a.Kind, name, err)
		}
	}
	for _, name := range k.required {
		if a.Params[name] == "" {
			return fmt.Errorf("action %s: parameter %s is missing", a.Kind, name)
		}
	}
	return nil
}

// validateState checks a journaled state (which: "old" or "new") of
// action a against its kind's declaration.
func validateState(a *Action, which string, st map[string]string) error {
	k, ok := actionKinds[a.Kind]
	if !ok {
		return fmt.Errorf("unknown action kind %q", a.Kind)
	}
	for _, key := range sortedKeys(st) {
		check, ok := k.stateKeys[key]
		if !ok && k.stateKeyOf != nil {
			check, ok = k.stateKeyOf(key)
		}
		if !ok {
			return fmt.Errorf("%s state: action %s keeps no %q", which, a.Kind, key)
		}
		if err := check(st[key]); err != nil {
			return fmt.Errorf("%s state: %s: %v", which, key, err)
		}
	}
	if k.stateWith != nil && len(st) > 0 {
		if err := k.stateWith(a, st); err != nil {
			return fmt.Errorf("%s state: %v", which, err)
		}
	}
	return nil
}

// otherObject says how the live state shows another object than the one
// the fix left ("" when it is the same, or the kind cannot tell): the
// identity keys of want that now lacks or holds otherwise.
func otherObject(a *Action, want, now map[string]string) string {
	var d []string
	for _, k := range actionKinds[a.Kind].identity {
		w, ok := want[k]
		if !ok {
			continue
		}
		if n, ok := now[k]; !ok {
			d = append(d, fmt.Sprintf("it has no %s now (the fix left %s %s): it is gone", k, k, w))
		} else if n != w {
			d = append(d, fmt.Sprintf("%s is %s (the fix left %s)", k, n, w))
		}
	}
	return strings.Join(d, "; ")
}

// KnownKind reports whether kind is an action type this package can
// validate, preview, apply and undo.
func KnownKind(kind string) bool {
	_, ok := actionKinds[kind]
	return ok
}
