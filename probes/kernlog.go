package probes

import (
	"context"
	"sync"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// kernelLog reads the kernel log once per gather: /dev/kmsg on a live system
// (it needs CAP_SYSLOG when kernel.dmesg_restrict=1), else the journal's
// kernel messages, else the syslog files. Under a captured root only files
// (and a journal directory) are read.
type kernelLog struct {
	once  sync.Once
	lines []LogLine
	src   string
	err   error
}

func (e *env) kernelLog(ctx context.Context) ([]LogLine, string, error) {
	k := &e.klog
	k.once.Do(func() { k.lines, k.src, k.err = source.ReadKernelLog(ctx, e.root) })
	return k.lines, k.src, k.err
}
