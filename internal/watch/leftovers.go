package watch

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/procfs"
)

// mountEntry is one mount of tracefs or debugfs.
type mountEntry struct{ fsType, point string }

// tracingMounts lists this mount namespace's mounts of the given
// filesystem types (prometheus/procfs reads /proc/self/mountinfo; its
// mount points keep the kernel's octal escapes, undone here).
func tracingMounts(types ...string) []mountEntry {
	ms, _ := procfs.GetMounts()
	var out []mountEntry
	for _, m := range ms {
		for _, t := range types {
			if m.FSType == t {
				out = append(out, mountEntry{t, unescapeMount(m.MountPoint)})
			}
		}
	}
	return out
}

// Leftovers lists what a watcher of process pid left behind: tracing
// instances, tracefs mounts and BPF programs or maps of ours. Tests call it
// after they end; it is empty when everything was removed.
func Leftovers(pid int) []string {
	var out []string
	name := InstancePrefix + strconv.Itoa(pid)
	mountPrefix := filepath.Join(MountDir, "tracefs-"+strconv.Itoa(pid)+"-")
	for _, m := range tracingMounts("tracefs", "debugfs") {
		mp := m.point
		if strings.HasPrefix(mp, mountPrefix) {
			out = append(out, "tracefs mount "+mp)
		}
		inst := filepath.Join(mp, "instances")
		if m.fsType == "debugfs" {
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
