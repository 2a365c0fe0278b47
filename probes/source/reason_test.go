package source

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"
)

// TestReasonPermissionHint: "run as root" is advice for a user; a read
// refused to root must not tell root to run as root.
func TestReasonPermissionHint(t *testing.T) {
	defer func(f func() int) { euid = f }(euid)
	err := &fs.PathError{Op: "open", Path: "/proc/1/environ", Err: fs.ErrPermission}
	wrapped := fmt.Errorf("reading: %w", fs.ErrPermission)

	euid = func() int { return 1000 }
	for _, e := range []error{err, wrapped} {
		if r := Reason(e); !strings.HasSuffix(r, "(run as root)") {
			t.Errorf("as a user: Reason(%v) = %q, want the run-as-root hint", e, r)
		}
	}
	euid = func() int { return 0 }
	for _, e := range []error{err, wrapped} {
		r := Reason(e)
		if strings.Contains(r, "run as root") || !strings.Contains(r, "refused to root too") {
			t.Errorf("as root: Reason(%v) = %q, want no run-as-root advice", e, r)
		}
	}
	if r := Reason(err); !strings.HasPrefix(r, "permission denied reading /proc/1/environ") {
		t.Errorf("Reason = %q, want the path", r)
	}
}
