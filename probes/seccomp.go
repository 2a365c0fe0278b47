package probes

import (
	"fmt"
	"os"
	"strconv"
)

// SeccompOrigin says where the target's seccomp filter comes from. A filter
// is inherited across fork and execve and can only be added to, never
// removed (kernel/seccomp.c), so the process that installed it is the
// oldest ancestor that has one: its parent has none. The "Seccomp:" line of
// /proc/PID/status is 2 for a process under a filter (proc_pid_status,
// task_seccomp in fs/proc/array.c), "Seccomp_filters:" counts them.
type SeccompOrigin struct {
	// PID and Name are the oldest ancestor (or the target itself) under a
	// filter; Parent and ParentName its parent, which runs without one: the
	// program that launched it (firejail, runc, conmon, systemd for a
	// unit's SystemCallFilter=/RestrictAddressFamilies=, snap-confine...).
	PID        int    `json:"pid"`
	Name       string `json:"name"`
	Filters    int    `json:"filters"`
	Parent     int    `json:"parent,omitempty"`
	ParentName string `json:"parent_name,omitempty"`
	// Chain is the target's ancestry, from the target up, as "PID name
	// (seccomp N)".
	Chain []string `json:"chain,omitempty"`
}

// seccompOrigin walks the target's ancestors while they run under a
// filter. It returns nil when the target has none.
func seccompOrigin(e *env, st Status, gaps *Gaps) *SeccompOrigin {
	if st.Seccomp != 2 || e.pid <= 0 {
		return nil
	}
	o := &SeccompOrigin{PID: e.pid, Name: clip(st.Name, 40), Filters: st.SeccompFilters}
	o.Chain = append(o.Chain, fmt.Sprintf("%d %s (seccomp 2, %d filters)", e.pid, o.Name, st.SeccompFilters))
	ppid := st.PPid
	for i := 0; i < 64 && ppid > 0; i++ {
		b, err := e.root.ReadFile("/proc/" + strconv.Itoa(ppid) + "/status")
		if err != nil {
			why := Reason(err)
			if os.IsNotExist(err) && !e.root.Live() {
				why = "not in the captured tree"
			}
			gaps.AddReason("seccomp_origin", fmt.Sprintf("the ancestry stops at PID %d: %s", ppid, why))
			return o
		}
		ps, err := parseStatus(b)
		if err != nil {
			gaps.Add("seccomp_origin", err)
			return o
		}
		name := clip(ps.Name, 40)
		o.Chain = append(o.Chain, fmt.Sprintf("%d %s (seccomp %d)", ppid, name, ps.Seccomp))
		if ps.Seccomp != 2 {
			o.Parent, o.ParentName = ppid, name
			return o
		}
		o.PID, o.Name, o.Filters = ppid, name, ps.SeccompFilters
		ppid = ps.PPid
	}
	return o
}
