package fix

import (
	"context"
	"os"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

func moduleLoaded(env *ActionEnv, mod string) bool {
	_, err := os.Stat(env.path("/sys/module/" + strings.ReplaceAll(mod, "-", "_")))
	return err == nil
}

var modprobeAction = actionKind{
	params:    map[string]paramCheck{"module": checkModule},
	required:  []string{"module"},
	stateKeys: map[string]paramCheck{"loaded": checkBool},
	needs: func(*Action) []capNeed {
		return []capNeed{{cap.SYS_MODULE, "loading a kernel module needs CAP_SYS_MODULE"}}
	},
	preview: func(_ context.Context, env *ActionEnv, a *Action) (Preview, error) {
		if env.Run == nil {
			if _, err := sysexec.Find("modprobe"); err != nil {
				return Preview{}, err
			}
		}
		mod := a.Param("module")
		if moduleLoaded(env, mod) {
			return Preview{Changes: []string{"module " + mod + ": already loaded (no change)"}, Reversible: true, Undo: "nothing to undo",
				Old: map[string]string{"loaded": "true"}}, nil
		}
		return Preview{Changes: []string{"module " + mod + ": not loaded → loaded"}, Reversible: true,
			Undo: "unloads it with modprobe -r (if nothing uses it by then)", Old: map[string]string{"loaded": "false"}}, nil
	},
	apply: func(ctx context.Context, env *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		_, err := env.run(ctx, "modprobe", "--", a.Param("module"))
		return map[string]string{"loaded": strconv.FormatBool(moduleLoaded(env, a.Param("module")))}, err
	},
	undo: func(ctx context.Context, env *ActionEnv, a *Action, old, _ map[string]string) error {
		if old["loaded"] == "true" {
			return errGone{"the module was loaded before: nothing to undo"}
		}
		_, err := env.run(ctx, "modprobe", "-r", "--", a.Param("module"))
		return err
	},
	state: func(_ context.Context, env *ActionEnv, a *Action) (map[string]string, error) {
		return map[string]string{"loaded": strconv.FormatBool(moduleLoaded(env, a.Param("module")))}, nil
	},
	expect: func(*Action, map[string]string, map[string]string) map[string]string {
		return map[string]string{"loaded": "true"}
	},
	object: func(a *Action) string { return "module " + a.Param("module") },
	helper: true,
}

// compactAction asks the kernel to compact memory: it changes no setting,
// so there is nothing to undo (and no "Undo with:" is offered).
var compactAction = actionKind{
	params:    map[string]paramCheck{},
	stateKeys: map[string]paramCheck{},
	needs:     needRoot("writing /proc/sys/vm/compact_memory needs root"),
	preview: func(context.Context, *ActionEnv, *Action) (Preview, error) {
		return Preview{Changes: []string{"the kernel moves pages so free memory joins into larger blocks (takes a moment, changes no setting)"},
			Undo: "nothing to undo: compaction changes no setting", Old: map[string]string{}}, nil
	},
	apply: func(_ context.Context, env *ActionEnv, _ *Action, _ map[string]string) (map[string]string, error) {
		f, err := os.OpenFile(env.path("/proc/sys/vm/compact_memory"), os.O_WRONLY, 0)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		_, err = f.WriteString("1")
		return map[string]string{}, err
	},
	object: func(*Action) string { return "memory compaction" },
}

// modprobeAct loads module.
func modprobeAct(module string) *Action { return Act("modprobe", "module", module) }

// compactAct asks the kernel to compact memory.
func compactAct() *Action { return Act("compact-memory") }
