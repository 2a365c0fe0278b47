package probes

import "golang.org/x/sys/unix"

// isNsfs reports whether the file at p is on nsfs (a namespace file).
func isNsfs(p string) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && st.Type == nsfsMagic
}
