package watch

import (
	"fmt"
	"os"
	"testing"
)

// TestMain checks that no test left a tracing instance, mount, BPF program
// or map of this process behind, even when a test failed.
func TestMain(m *testing.M) {
	code := m.Run()
	if left := Leftovers(os.Getpid()); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: left behind: %v\n", left)
		code = 1
	}
	os.Exit(code)
}
