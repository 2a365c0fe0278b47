package fix

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
)

// helperOp is one named operation of a fixed helper program. Its argv is
// built by the code from validated parameters: the journal records the
// operation's name and its argument, never a command.
type helperOp struct {
	// argv runs the change; undoArgv reverts it (nil: irreversible).
	argv, undoArgv func(arg string) []string
	// arg validates the operation's argument (nil: it takes none).
	arg paramCheck
	// state reads whether the change is in place ("on"/"off"); nil when
	// the live state cannot be read back.
	state func(ctx context.Context, env *ActionEnv, arg string) (string, error)
	why   string // why it cannot be undone
}

var helperOps = map[string]helperOp{
	"networkd-reload":       {argv: fixed("networkctl", "reload"), why: "a reload only re-reads files"},
	"nm-reload":             {argv: fixed("nmcli", "connection", "reload"), why: "a reload only re-reads files"},
	"systemd-daemon-reload": {argv: fixed("systemctl", "daemon-reload"), why: "a reload only re-reads unit files"},
	// apparmor_parser -r loads a profile file again after its rules (or an
	// included local/ file) changed; undoing the file change is the file
	// action's, this only re-reads it.
	"apparmor-reload": {
		arg:  pathUnder("*", "/etc/apparmor.d"),
		argv: func(p string) []string { return []string{"apparmor_parser", "-r", "--", p} },
		why:  "a reload only re-reads the profile file"},
	"selinux-permissive-domain": {
		arg:      matching(`^[a-z0-9_]{1,128}_t$`, "an SELinux domain"),
		argv:     func(d string) []string { return []string{"semanage", "permissive", "-a", d} },
		undoArgv: func(d string) []string { return []string{"semanage", "permissive", "-d", d} },
		state: func(ctx context.Context, env *ActionEnv, d string) (string, error) {
			res, err := env.run(ctx, "semanage", "permissive", "-l", "-n")
			if err != nil {
				return "", err
			}
			for _, f := range strings.Fields(string(res.Stdout)) {
				if f == d {
					return "on", nil
				}
			}
			return "off", nil
		}},
	"selinux-permissive": {
		argv:     fixed("setenforce", "0"),
		undoArgv: fixed("setenforce", "1"),
		state: func(_ context.Context, env *ActionEnv, _ string) (string, error) {
			b, err := os.ReadFile(env.path("/sys/fs/selinux/enforce"))
			if err != nil {
				return "", err
			}
			return map[bool]string{true: "on", false: "off"}[strings.TrimSpace(string(b)) == "0"], nil
		}},
	"apparmor-complain": {
		arg:      matching(`^[A-Za-z0-9_/][A-Za-z0-9_./:+@-]{0,255}$`, "an AppArmor profile name"),
		argv:     func(p string) []string { return []string{"aa-complain", p} },
		undoArgv: func(p string) []string { return []string{"aa-enforce", p} },
		state: func(_ context.Context, env *ActionEnv, p string) (string, error) {
			b, err := os.ReadFile(env.path("/sys/kernel/security/apparmor/profiles"))
			if err != nil {
				return "", err
			}
			for _, line := range strings.Split(string(b), "\n") {
				if name, mode, ok := strings.Cut(line, " ("); ok && name == p {
					return map[bool]string{true: "on", false: "off"}[strings.HasPrefix(mode, "complain")], nil
				}
			}
			return "", fmt.Errorf("no loaded AppArmor profile %s", p)
		}},
}

// The named helper operations.
const (
	opNetworkdReload          = "networkd-reload"
	opNMReload                = "nm-reload"
	opSystemdDaemonReload     = "systemd-daemon-reload"
	opApparmorReload          = "apparmor-reload"
	OpSELinuxPermissiveDomain = "selinux-permissive-domain"
	OpSELinuxPermissive       = "selinux-permissive"
	OpApparmorComplain        = "apparmor-complain"
)

// HelperAct runs the named operation op with its argument ("" when it
// takes none).
func HelperAct(op, arg string) *Action { return Act("helper", "op", op, "arg", arg) }

func fixed(argv ...string) func(string) []string { return func(string) []string { return argv } }

func helperOf(a *Action) (helperOp, error) {
	op, ok := helperOps[a.Param("op")]
	if !ok {
		return op, fmt.Errorf("unknown helper operation %q", a.Param("op"))
	}
	return op, nil
}

func checkHelperArg(a *Action) error {
	op, err := helperOf(a)
	if err != nil {
		return err
	}
	switch {
	case op.arg == nil && a.Param("arg") != "":
		return fmt.Errorf("%s takes no argument", a.Param("op"))
	case op.arg != nil:
		return op.arg(a.Param("arg"))
	}
	return nil
}

var helperAction = actionKind{
	params: map[string]paramCheck{
		"op":  func(v string) error { _, err := helperOf(&Action{Params: map[string]string{"op": v}}); return err },
		"arg": matching(`^[A-Za-z0-9_/][A-Za-z0-9_./:+@-]{0,255}$`, "a helper argument")},
	required:  []string{"op"},
	stateKeys: map[string]paramCheck{"on": oneOf("on", "off", ""), "exit": checkExit},
	needs:     needRoot("changing the system's security policy or network configuration needs root"),
	preview: func(ctx context.Context, env *ActionEnv, a *Action) (Preview, error) {
		if err := checkHelperArg(a); err != nil {
			return Preview{}, err
		}
		op, _ := helperOf(a)
		args := op.argv(a.Param("arg"))
		if env.Run == nil {
			if _, err := sysexec.Find(args[0]); err != nil {
				return Preview{}, err
			}
		}
		p := Preview{Changes: []string{"run " + Argv(args...)}, Undo: "cannot be undone: " + op.why, Old: map[string]string{}}
		if op.undoArgv != nil {
			p.Reversible, p.Undo = true, "runs "+Argv(op.undoArgv(a.Param("arg"))...)
			if op.state != nil {
				if s, err := op.state(ctx, env, a.Param("arg")); err == nil {
					p.Old["on"] = s
					if s == "on" {
						p.Changes[0] += " (already in place: no change)"
						p.Undo = "nothing to undo: it was already so"
					}
				}
			}
		}
		return p, nil
	},
	apply: func(ctx context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		if err := checkHelperArg(a); err != nil {
			return nil, err
		}
		op, _ := helperOf(a)
		args := op.argv(a.Param("arg"))
		res, err := env.run(ctx, args[0], args[1:]...)
		out := map[string]string{"exit": fmt.Sprint(res.Exit)}
		if op.undoArgv != nil {
			out["on"] = "on"
			if op.state != nil {
				if s, serr := op.state(ctx, env, a.Param("arg")); serr == nil {
					out["on"] = s
				}
			}
		}
		return out, err
	},
	undo: func(ctx context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		op, err := helperOf(a)
		if err != nil {
			return err
		}
		if op.undoArgv == nil {
			return errors.New("cannot be undone: " + op.why)
		}
		if old["on"] == "on" {
			return errGone{"it was already so before the fix: nothing to undo"}
		}
		args := op.undoArgv(a.Param("arg"))
		_, err = env.run(ctx, args[0], args[1:]...)
		return err
	},
	state: func(ctx context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		op, err := helperOf(a)
		if err != nil {
			return nil, err
		}
		if op.state == nil {
			return map[string]string{}, nil
		}
		s, err := op.state(ctx, env, a.Param("arg"))
		return map[string]string{"on": s}, err
	},
	expect: func(a *Action, _, _ map[string]string) map[string]string {
		if op, err := helperOf(a); err == nil && op.state != nil {
			return map[string]string{"on": "on"}
		}
		return map[string]string{}
	},
	object:     func(a *Action) string { return "helper " + a.Param("op") + " " + a.Param("arg") },
	reversible: helperReversible,
	helper:     true,
}

// helperReversible says whether a helper action can be undone at all.
func helperReversible(a *Action) bool {
	op, err := helperOf(a)
	return err == nil && op.undoArgv != nil
}
