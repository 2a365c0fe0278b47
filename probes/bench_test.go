package probes

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
)

// BenchmarkGather is one full probe cycle of this host (every group).
func BenchmarkGather(b *testing.B) {
	b.ReportAllocs()
	for range b.N {
		Gather(context.Background(), Target{})
	}
}

// BenchmarkGroup is each probe alone on this host.
func BenchmarkGroup(b *testing.B) {
	for _, g := range AllGroups {
		b.Run(string(g), func(b *testing.B) {
			b.ReportAllocs()
			for range b.N {
				Gather(context.Background(), Target{}, g)
			}
		})
	}
}

// bigNamespace makes a network namespace with pairs veth pairs (2×pairs
// links) for the length of the benchmark; RTNL_DOCTOR_BENCH_NETNS names an
// existing one instead (bench/compare builds it once for every tool).
func bigNamespace(b *testing.B, pairs int) string {
	if ns := os.Getenv("RTNL_DOCTOR_BENCH_NETNS"); ns != "" {
		return ns
	}
	testns.Require(b)
	ns := testns.New(b)
	batch := filepath.Join(b.TempDir(), "batch")
	f, err := os.Create(batch)
	if err != nil {
		b.Fatal(err)
	}
	for i := range pairs {
		fmt.Fprintf(f, "link add v%d type veth peer name p%d\n", i, i)
	}
	f.Close()
	if out, err := exec.Command(testns.IP, "-n", ns.Name, "-batch", batch).CombinedOutput(); err != nil {
		b.Fatalf("creating %d veth pairs: %v %s", pairs, err, out)
	}
	return ns.Name
}

// BenchmarkLinks20k is the link probe over 10,000 veth pairs.
func BenchmarkLinks20k(b *testing.B) {
	ns := bigNamespace(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f := Gather(context.Background(), Target{NetNS: ns}, GroupNet)
		if len(f.Net.Links) < 20000 {
			b.Fatalf("%d links: %v", len(f.Net.Links), f.Net.Gaps)
		}
	}
}

// BenchmarkDenials is the denials probe on a 1 MiB and a 1 GiB (sparse)
// audit log: only the tail is read, so both cost about the same.
func BenchmarkDenials(b *testing.B) {
	line := `type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" scontext=system_u:system_r:container_t:s0:c1,c2 tcontext=system_u:system_r:container_t:s0:c1,c2 tclass=netlink_route_socket permissive=0` + "\n"
	for _, size := range []int64{1 << 20, 1 << 30} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			root := b.TempDir()
			p := filepath.Join(root, "var/log/audit/audit.log")
			os.MkdirAll(filepath.Dir(p), 0o755)
			f, _ := os.Create(p)
			f.Truncate(size - MaxLogTail) // sparse: a 1 GiB file without 1 GiB of disk
			f.Seek(size-MaxLogTail, 0)
			for w := int64(0); w < MaxLogTail-int64(len(line)); w += int64(len(line)) {
				f.WriteString(line)
			}
			f.Close()
			e, _ := resolve(Target{Root: root})
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				e.klog = kernelLog{}
				d := lsm.GatherDenials(context.Background(), e.source())
				if len(d.Denials) == 0 {
					b.Fatal("no denials found")
				}
			}
		})
	}
}
