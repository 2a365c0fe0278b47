package watch

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Leftovers lists what a watcher of process pid left behind: tracing
// instances, tracefs mounts and BPF programs or maps of ours. Tests call it
// after they end; it is empty when everything was removed.
func Leftovers(pid int) []string {
	var out []string
	name := InstancePrefix + strconv.Itoa(pid)
	mountPrefix := filepath.Join(MountDir, "tracefs-"+strconv.Itoa(pid)+"-")
	mounts, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mounts), "\n") {
		pre, post, ok := strings.Cut(line, " - ")
		if !ok {
			continue
		}
		f, pf := strings.Fields(pre), strings.Fields(post)
		if len(f) < 5 || len(pf) < 1 || pf[0] != "tracefs" && pf[0] != "debugfs" {
			continue
		}
		mp := unescapeMount(f[4])
		if strings.HasPrefix(mp, mountPrefix) {
			out = append(out, "tracefs mount "+mp)
		}
		inst := filepath.Join(mp, "instances")
		if pf[0] == "debugfs" {
			inst = filepath.Join(mp, "tracing", "instances")
		}
		ents, _ := os.ReadDir(inst)
		for _, e := range ents {
			if e.Name() == name || strings.HasPrefix(e.Name(), name+"-") {
				out = append(out, "tracing instance "+filepath.Join(inst, e.Name()))
			}
		}
	}
	ents, _ := os.ReadDir(MountDir)
	for _, e := range ents {
		dir := filepath.Join(MountDir, e.Name())
		if strings.HasPrefix(dir, mountPrefix) && !strings.Contains(strings.Join(out, "\n"), dir) {
			out = append(out, "mount point "+dir)
		}
	}
	// The kernel frees a closed program's maps after an RCU grace period:
	// give it a moment before calling them left behind.
	bpf := bpfLeftovers(pid)
	for i := 0; i < 40 && len(bpf) > 0; i++ {
		time.Sleep(50 * time.Millisecond)
		bpf = bpfLeftovers(pid)
	}
	return append(out, bpf...)
}
