package probes

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"golang.org/x/sys/unix"
)

// CheckTarget answers whether the process and the network namespace the
// target names exist (on the live system; a captured tree is checked by
// CheckRoot and read as it is). A process that /proc hides from this user
// (hidepid) exists: the report says it is hidden.
func CheckTarget(t Target) error {
	live := t.Root == "" || t.Root == "/"
	if t.PID < 0 {
		return fmt.Errorf("--pid %d: no such process (a PID is a positive number)", t.PID)
	}
	if t.PID > 0 && live {
		if st := processState(t.PID); st == processAbsent {
			return fmt.Errorf("--pid %d: no such process", t.PID)
		}
	}
	if t.NetNS != "" && live {
		p := t.NetNS
		if !strings.HasPrefix(p, "/") {
			if err := validNetnsName(p); err != nil {
				return fmt.Errorf("--netns: no such namespace: %v", err)
			}
			p = "/run/netns/" + p
		}
		if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--netns %s: no such namespace (%s does not exist; `ip netns list` shows the named ones)", sanitize.Line(t.NetNS), p)
		}
	}
	return nil
}

type procState int

const (
	processPresent procState = iota
	processHidden            // exists, but /proc hides it from this user (hidepid=1/2)
	processAbsent
)

// processState tells an absent process from one /proc hides: under
// hidepid=2 another user's /proc/PID is missing, but pidfd_open, which
// checks no permission, answers ESRCH only when no such process exists.
func processState(pid int) procState {
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err == nil {
		return processPresent
	}
	fd, err := unix.PidfdOpen(pid, 0)
	if err == nil {
		unix.Close(fd)
		return processHidden
	}
	if errors.Is(err, unix.ESRCH) {
		return processAbsent
	}
	// ENOSYS (kernels before 5.3) and the like: fall back to kill(pid, 0),
	// where EPERM also means it exists.
	if err := unix.Kill(pid, 0); err == nil || errors.Is(err, unix.EPERM) {
		return processHidden
	}
	return processAbsent
}
