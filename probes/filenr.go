package probes

import (
	"fmt"
	"strconv"
	"strings"
)

// FileNR is /proc/sys/fs/file-nr: file handles the kernel has allocated, how
// many of those are unused, and the system-wide maximum (fs.file-max).
type FileNR struct {
	Allocated uint64 `json:"allocated"`
	Unused    uint64 `json:"unused"`
	Max       uint64 `json:"max"`
}

// InUse is the number of allocated handles actually in use.
func (f FileNR) InUse() uint64 {
	if f.Unused > f.Allocated {
		return 0
	}
	return f.Allocated - f.Unused
}

// parseFileNR parses "allocated unused max" (tab separated on Linux).
func parseFileNR(data []byte) (FileNR, error) {
	f := strings.Fields(string(data))
	if len(f) != 3 {
		return FileNR{}, fmt.Errorf("file-nr: want 3 numbers, got %d fields", len(f))
	}
	var v [3]uint64
	for i, s := range f {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return FileNR{}, fmt.Errorf("file-nr: field %d is not a number: %q", i+1, clip(s, 30))
		}
		v[i] = n
	}
	return FileNR{Allocated: v[0], Unused: v[1], Max: v[2]}, nil
}
