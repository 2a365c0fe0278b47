// Package version says which build of rtnl-doctor is running, from the
// module's build information: the module version for `go install
// ...@vX.Y.Z`, else "devel" with the VCS revision the binary was built from.
package version

import (
	"runtime/debug"
	"sync"
)

var once = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	return fromBuildInfo(bi)
})

// String returns the running build's version: "v1.2.3", "devel+1a2b3c4d5e6f",
// "devel+1a2b3c4d5e6f-dirty" or "devel".
func String() string { return once() }

func fromBuildInfo(bi *debug.BuildInfo) string {
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	v := "devel+" + rev
	if dirty {
		v += "-dirty"
	}
	return v
}
