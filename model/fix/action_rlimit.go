package fix

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

func parseRlim(s string) uint64 {
	if s == "unlimited" || s == "-1" {
		return unix.RLIM_INFINITY
	}
	v, _ := strconv.ParseUint(s, 10, 64)
	return v
}

func rlimText(v uint64) string {
	if v == unix.RLIM_INFINITY {
		return "unlimited"
	}
	return strconv.FormatUint(v, 10)
}

func getNofile(pid int) (unix.Rlimit, error) {
	var old unix.Rlimit
	err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &old)
	if errors.Is(err, unix.ESRCH) {
		return old, fmt.Errorf("process %d is gone", pid)
	}
	return old, err
}

// prlimitAction changes a process's RLIMIT_NOFILE. The process is recorded
// by PID, start time and boot id (Identity.Proc): apply and undo refuse a
// PID that now names another process.
var prlimitAction = actionKind{
	params:   map[string]paramCheck{"pid": checkPID, "soft": checkRlim, "hard": checkRlim},
	required: []string{"pid", "soft", "hard"},
	// The kernel lets a process change the limits of processes with its own
	// credentials without CAP_SYS_RESOURCE, unless it raises a hard limit;
	// the preview checks the hard limit, the kernel the rest.
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		pid, _ := strconv.Atoi(a.Param("pid"))
		cur, err := getNofile(pid)
		if err != nil {
			return Preview{}, err
		}
		if hard := parseRlim(a.Param("hard")); hard > cur.Max {
			if on, _ := cap.GetProc().GetFlag(cap.Effective, cap.SYS_RESOURCE); !on {
				return Preview{}, fmt.Errorf("raising the hard limit from %s to %s needs CAP_SYS_RESOURCE, which rtnl-doctor lacks: raise the soft limit only (up to %s), or restart the process with a higher LimitNOFILE",
					rlimText(cur.Max), a.Param("hard"), rlimText(cur.Max))
			}
		}
		return Preview{Changes: []string{fmt.Sprintf("RLIMIT_NOFILE of PID %d: soft %s → %s, hard %s → %s", pid,
			rlimText(cur.Cur), a.Param("soft"), rlimText(cur.Max), a.Param("hard"))},
			Reversible: true, Undo: "sets the old limits back (while the same process lives)",
			Old: map[string]string{"soft": rlimText(cur.Cur), "hard": rlimText(cur.Max)}}, nil
	},
	apply: func(_ context.Context, _ *ActionEnv, a *Action, _ map[string]string) (map[string]string, error) {
		pid, _ := strconv.Atoi(a.Param("pid"))
		if err := stillTheProcess(a); err != nil {
			return nil, err
		}
		nl := unix.Rlimit{Cur: parseRlim(a.Param("soft")), Max: parseRlim(a.Param("hard"))}
		if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &nl, nil); err != nil {
			if errors.Is(err, unix.ESRCH) {
				return nil, fmt.Errorf("process %d is gone", pid)
			}
			return nil, err
		}
		now, err := getNofile(pid)
		return map[string]string{"soft": rlimText(now.Cur), "hard": rlimText(now.Max)}, err
	},
	undo: func(_ context.Context, _ *ActionEnv, a *Action, old, _ map[string]string) error {
		pid, _ := strconv.Atoi(a.Param("pid"))
		if err := stillTheProcess(a); err != nil {
			return err
		}
		ol := unix.Rlimit{Cur: parseRlim(old["soft"]), Max: parseRlim(old["hard"])}
		err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, &ol, nil)
		if errors.Is(err, unix.ESRCH) {
			return errGone{fmt.Sprintf("process %d is gone: its limits went with it", pid)}
		}
		return err
	},
	state: func(_ context.Context, _ *ActionEnv, a *Action) (map[string]string, error) {
		pid, _ := strconv.Atoi(a.Param("pid"))
		cur, err := getNofile(pid)
		if err != nil {
			return nil, err
		}
		return map[string]string{"soft": rlimText(cur.Cur), "hard": rlimText(cur.Max)}, nil
	},
	expect: func(a *Action, _, new map[string]string) map[string]string {
		if new != nil {
			return pick(new, "soft", "hard")
		}
		return map[string]string{"soft": rlimText(parseRlim(a.Param("soft"))), "hard": rlimText(parseRlim(a.Param("hard")))}
	},
	object: func(a *Action) string { return "RLIMIT_NOFILE of PID " + a.Param("pid") },
}

// stillTheProcess checks, right before prlimit, that the PID names the
// process checked (prlimit takes a PID, not a pidfd: this narrows the
// window to the system call itself).
func stillTheProcess(a *Action) error {
	if a.proc == nil {
		return nil
	}
	if why := sameProc(a.proc); why != "" {
		return errors.New(why + ": nothing was changed")
	}
	return nil
}

// prlimitAct sets RLIMIT_NOFILE of process pid to soft and hard
// ("unlimited" or a number).
func prlimitAct(pid int, soft, hard string) *Action {
	return Act("prlimit", "pid", strconv.Itoa(pid), "soft", soft, "hard", hard)
}
