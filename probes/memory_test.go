package probes

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMemorySamples(t *testing.T) {
	root := writeTree(t, map[string]string{
		"proc/meminfo":                string(sample(t, "meminfo")),
		"proc/slabinfo":               string(sample(t, "slabinfo")),
		"proc/buddyinfo":              string(sample(t, "buddyinfo")),
		"proc/pressure/memory":        string(sample(t, "pressure-memory")),
		"proc/sys/vm/min_free_kbytes": "67584\n",
		"var/log/kern.log":            "Nov 22 06:29:01 h kernel: ok\n",
	})
	e, _ := resolve(Target{Root: root})
	m := gatherMemory(context.Background(), e)
	if len(m.Gaps) != 0 {
		t.Fatalf("gaps: %v", m.Gaps)
	}
	if m.Meminfo.MemTotal == 0 || m.Meminfo.Slab == 0 || m.Meminfo.SUnreclaim == 0 {
		t.Fatalf("meminfo = %+v", m.Meminfo)
	}
	if m.SlabCaches < 50 || m.TopSlabs[0].Bytes < m.TopSlabs[1].Bytes {
		t.Fatalf("slabs: %d caches, top %+v", m.SlabCaches, m.TopSlabs[:2])
	}
	for _, s := range m.NetSlabs {
		if !isNetSlab(s.Name) {
			t.Fatalf("%s is not a network slab", s.Name)
		}
	}
	if len(m.Buddy) != 3 || len(m.Buddy[2].Free) != 11 {
		t.Fatalf("buddyinfo = %+v", m.Buddy)
	}
}

func TestSlabinfoPermission(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads a 0400 file anyway")
	}
	root := writeTree(t, map[string]string{"proc/slabinfo": "x"})
	os.Chmod(filepath.Join(root, "proc/slabinfo"), 0o400)
	os.Chmod(filepath.Join(root, "proc/slabinfo"), 0)
	e, _ := resolve(Target{Root: root})
	m := gatherMemory(context.Background(), e)
	if r, _ := m.Gaps.Reason("slabinfo"); !strings.Contains(r, "root only") {
		t.Fatalf("slabinfo reason = %q", r)
	}
}

// FuzzMemoryFiles feeds the same bytes to the meminfo, slabinfo, buddyinfo
// and pressure parsers (prometheus/procfs behind gatherMemory) and the kernel
// log scan: whatever the files hold, the probe returns facts or gaps.
func FuzzMemoryFiles(f *testing.F) {
	for _, s := range []string{"meminfo", "slabinfo", "buddyinfo", "pressure-memory"} {
		seedSamples(f, s)
	}
	root := f.TempDir()
	for _, d := range []string{"proc/pressure", "var/log", "proc/sys/vm"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	e, _ := resolve(Target{Root: root})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, p := range []string{"proc/meminfo", "proc/slabinfo", "proc/buddyinfo", "proc/pressure/memory", "var/log/kern.log", "proc/sys/vm/min_free_kbytes"} {
			if err := os.WriteFile(filepath.Join(root, p), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		e.klog = kernelLog{}
		m := gatherMemory(context.Background(), e)
		if len(m.TopSlabs) > topSlabs {
			t.Fatal("too many top slabs")
		}
		_ = m.FreeAtLeast(3)
	})
}

// FuzzFindAllocFailures feeds kernel log lines to the allocation-failure
// finder (its seeds were FuzzParseKmsgRecord's, which moved to probes/source
// with the kmsg parser).
func FuzzFindAllocFailures(f *testing.F) {
	f.Add("6,339,5140900,-;NET: Registered PF_PACKET protocol family\n")
	f.Add("4,1,2,-;x: page allocation failure: order:4\n K=V\n")
	f.Fuzz(func(t *testing.T, s string) {
		_ = findAllocFailures([]LogLine{{Text: s}})
	})
}

func TestKernLogTestdataHasAllocFailure(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "log", "kern.log"))
	if err != nil {
		t.Fatal(err)
	}
	lines := splitLog(b, "/var/log/kern.log", parseSyslogTime)
	af := findAllocFailures(lines)
	if len(af) != 1 || af[0].Order != 4 || af[0].Comm != "containerd" {
		t.Errorf("alloc failures = %+v", af)
	}
}
