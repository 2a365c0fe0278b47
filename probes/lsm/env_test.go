package lsm

import (
	"context"
	"os"
	"strconv"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// testEnv is what probes passes for Target{Root: dir} ("" for the live
// system): the root, this process's /proc entry and the kernel log below
// the root.
func testEnv(dir string) *source.Env {
	r, proc := source.NewRoot(dir, nil), "/proc/self"
	if r.Live() {
		proc = "/proc/" + strconv.Itoa(os.Getpid())
	}
	return &source.Env{Root: r, Proc: proc, KernelLog: func(ctx context.Context) ([]source.LogLine, string, error) {
		return source.ReadKernelLog(ctx, r)
	}}
}
