package probes

import (
	"fmt"
	"os"
	"strconv"
)

// FDUsage is the process nearest its RLIMIT_NOFILE soft limit, for the
// fleet metrics: a process at its limit fails every socket(), including the
// netlink socket `ip` and every network manager need.
type FDUsage struct {
	PID   int     `json:"pid"`
	Comm  string  `json:"comm"`
	Open  int     `json:"open"`
	Soft  int64   `json:"soft_limit"`
	Ratio float64 `json:"ratio"`
	// Scanned is how many processes were examined; Unreadable how many
	// could not be (they exited, or their fd table is not ours to read).
	Scanned    int `json:"scanned"`
	Unreadable int `json:"unreadable"`
}

// maxFDScan bounds how many processes WorstFDUsage examines.
const maxFDScan = 65536

// WorstFDUsage scans every process below the root's /proc and returns the
// one whose open descriptors are the largest share of its soft
// RLIMIT_NOFILE. An error means no process could be examined.
func WorstFDUsage(rootDir string) (FDUsage, error) {
	r := NewRoot(rootDir)
	d, err := os.Open(r.Path("/proc"))
	if err != nil {
		return FDUsage{}, err
	}
	names, err := d.Readdirnames(-1)
	d.Close()
	if err != nil {
		return FDUsage{}, err
	}
	var worst FDUsage
	found := false
	for _, n := range names {
		pid, err := strconv.Atoi(n)
		if err != nil || pid <= 0 {
			continue
		}
		if worst.Scanned+worst.Unreadable >= maxFDScan {
			break
		}
		proc := "/proc/" + n
		b, err := r.ReadFile(proc + "/limits")
		if err != nil {
			worst.Unreadable++
			continue
		}
		lim, _ := parseLimits(b)
		l, ok := lim["Max open files"]
		if !ok || l.Soft <= 0 {
			worst.Unreadable++
			continue
		}
		open, err := countDir(r.Path(proc + "/fd"))
		if err != nil {
			worst.Unreadable++
			continue
		}
		worst.Scanned++
		ratio := float64(open) / float64(l.Soft)
		if !found || ratio > worst.Ratio {
			found = true
			comm, _ := r.ReadString(proc + "/comm")
			worst.PID, worst.Comm, worst.Open, worst.Soft, worst.Ratio = pid, comm, open, l.Soft, ratio
		}
	}
	if !found {
		return worst, fmt.Errorf("no process's fd table and limits could be read below %s (%d unreadable)", r.Path("/proc"), worst.Unreadable)
	}
	return worst, nil
}

// countDir counts the entries of a directory without keeping their names.
func countDir(dir string) (int, error) {
	d, err := os.Open(dir)
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := 0
	for {
		names, err := d.Readdirnames(4096)
		n += len(names)
		if err != nil || len(names) == 0 {
			return n, nil
		}
	}
}
