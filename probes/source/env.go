package source

import "context"

// Env is what a probe in a sub-package of probes reads through: the root,
// the target process's /proc directory below it, and the kernel log that
// probes reads once per gather and shares between groups.
type Env struct {
	Root Root
	// Proc is the target's /proc directory below Root ("/proc/1234" or
	// "/proc/self").
	Proc string
	// KernelLog returns the kernel log's lines and where they came from
	// (read once per gather); nil when the probe does not need it.
	KernelLog func(ctx context.Context) ([]LogLine, string, error)
}
