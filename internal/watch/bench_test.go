package watch

import (
	"testing"
	"time"
)

// BenchmarkParseLine measures the tracefs reader's cost per trace line: a
// fork record (most lines), an extack failure and a capability failure.
func BenchmarkParseLine(b *testing.B) {
	tr := &Tracefs{self: -1}
	pr := newProcReader("/nonexistent")
	pending := map[int]time.Time{}
	for _, c := range []struct{ name, line string }{
		{"fork", `            bash-12012   (  12012) [000] .....   310.432427: sched_process_fork: comm=bash pid=12012 child_comm=bash child_pid=12028`},
		{"extack", `              ip-12029   (  12029) [000] .....   310.440400: netlink_extack: msg=Unknown device type`},
		{"cap", `              ip-12031   (  12031) [000] .....   310.448201: cap_capable: cred 00000000a55706ef, target_ns 00000000a0862fbf, capable_ns 0000000000000000, cap 12, ret -1`},
	} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				tr.parse(c.line, pr, pending)
			}
		})
	}
}
