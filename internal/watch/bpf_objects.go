package watch

import (
	"strconv"
	"strings"

	"github.com/cilium/ebpf"
)

// bpfLeftovers lists BPF programs and maps of ours (named rdw?PID) still
// loaded.
func bpfLeftovers(pid int) []string {
	var out []string
	suffix := strconv.Itoa(pid)
	ours := func(name string) bool {
		return strings.HasPrefix(name, "rdw") && len(name) > 4 && name[4:] == suffix
	}
	for id := ebpf.ProgramID(0); ; {
		next, err := ebpf.ProgramGetNextID(id)
		if err != nil {
			break
		}
		id = next
		if p, err := ebpf.NewProgramFromID(id); err == nil {
			if info, err := p.Info(); err == nil && ours(info.Name) {
				out = append(out, "BPF program "+info.Name)
			}
			p.Close()
		}
	}
	for id := ebpf.MapID(0); ; {
		next, err := ebpf.MapGetNextID(id)
		if err != nil {
			break
		}
		id = next
		if m, err := ebpf.NewMapFromID(id); err == nil {
			if info, err := m.Info(); err == nil && ours(info.Name) {
				out = append(out, "BPF map "+info.Name)
			}
			m.Close()
		}
	}
	return out
}
