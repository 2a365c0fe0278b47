package fix

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// rlimits reads a soft and a hard limit (parseRlim): garbage is an error.
func rlimits(soft, hard string) (unix.Rlimit, error) {
	s, err := parseRlim(soft)
	if err != nil {
		return unix.Rlimit{}, fmt.Errorf("soft limit: %w", err)
	}
	h, err := parseRlim(hard)
	if err != nil {
		return unix.Rlimit{}, fmt.Errorf("hard limit: %w", err)
	}
	return unix.Rlimit{Cur: s, Max: h}, nil
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
	params:    map[string]paramCheck{"pid": checkPID, "soft": checkRlim, "hard": checkRlim},
	required:  []string{"pid", "soft", "hard"},
	stateKeys: map[string]paramCheck{"soft": checkRlim, "hard": checkRlim},
	// The kernel lets a process change the limits of processes with its own
	// credentials without CAP_SYS_RESOURCE, unless it raises a hard limit;
	// the preview checks the hard limit, the kernel the rest.
	preview: func(_ context.Context, _ *ActionEnv, a *Action) (Preview, error) {
		pid, _ := strconv.Atoi(a.Param("pid"))
		cur, err := getNofile(pid)
		if err != nil {
			return Preview{}, err
		}
		want, err := rlimits(a.Param("soft"), a.Param("hard"))
		if err != nil {
			return Preview{}, err
		}
		if hard := want.Max; hard > cur.Max {
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
		nl, err := rlimits(a.Param("soft"), a.Param("hard"))
		if err != nil {
			return nil, err
		}
		if err := pinnedPrlimit(a, pid, &nl); err != nil {
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
		ol, err := rlimits(old["soft"], old["hard"])
		if err != nil {
			return fmt.Errorf("the journaled old limits: %w: nothing was changed", err)
		}
		err = pinnedPrlimit(a, pid, &ol)
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
		want, err := rlimits(a.Param("soft"), a.Param("hard"))
		if err != nil {
			return nil
		}
		return map[string]string{"soft": rlimText(want.Cur), "hard": rlimText(want.Max)}
	},
	object: func(a *Action) string { return "RLIMIT_NOFILE of PID " + a.Param("pid") },
}

// pinnedPrlimit sets RLIMIT_NOFILE of pid, proving it reached the process
// checked. prlimit takes a PID, not a pidfd, so the process is pinned
// around the call: a pidfd is opened first, the identity (start time) is
// checked through it, and after the call the pidfd is asked whether the
// process still holds its PID (signal 0; a zombie still does). If it does,
// the PID named that process for the whole call and could not have been
// reused. If it does not, the process exited during the change, and a
// process that took its PID in that instant may have received the limits:
// the error says so, naming what holds the PID now. Kernels before 5.3
// have no pidfd_open: the check right before the call is all there is.
func pinnedPrlimit(a *Action, pid int, nl *unix.Rlimit) error {
	fd, perr := unix.PidfdOpen(pid, 0)
	if perr == nil {
		defer unix.Close(fd)
	} else if errors.Is(perr, unix.ESRCH) {
		return unix.ESRCH
	}
	if err := stillTheProcess(a); err != nil {
		return err
	}
	var was unix.Rlimit
	if err := unix.Prlimit(pid, unix.RLIMIT_NOFILE, nl, &was); err != nil {
		return err
	}
	if perr != nil {
		return nil
	}
	if err := unix.PidfdSendSignal(fd, 0, nil, 0); errors.Is(err, unix.ESRCH) {
		holder := "no process holds it now"
		if now, err := procIdentity(pid); err == nil {
			holder = fmt.Sprintf("it is now held by %s (started at tick %d), which may have received the limits (its soft/hard were %s/%s before the call)",
				now.Comm, now.Start, rlimText(was.Cur), rlimText(was.Max))
		}
		return fmt.Errorf("process %d exited during the change, so the PID may have named another process when the limits were set: %s", pid, holder)
	}
	return nil
}

// stillTheProcess checks, right before prlimit, that the PID names the
// process checked.
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
