package probes

import (
	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"os"
	"path/filepath"
	"testing"
)

// sample reads a file from testdata/samples.
func sample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "samples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// seedSamples adds every sample file whose name starts with prefix to a
// fuzz corpus.
func seedSamples(f *testing.F, prefix string) {
	m, _ := filepath.Glob(filepath.Join("testdata", "samples", prefix+"*"))
	for _, p := range m {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

// writeTree creates files (path -> content) below a new temporary root.
func writeTree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	fixture.Write(t, root, files)
	return root
}

func writeFile(p string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}
