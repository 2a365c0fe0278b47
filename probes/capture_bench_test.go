package probes

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkCapture20k captures a namespace with 20,000 links (10,000 veth
// pairs) and reports the archive's size.
func BenchmarkCapture20k(b *testing.B) {
	ns := bigNamespace(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	var size, unpacked int64
	for range b.N {
		var buf bytes.Buffer
		m, err := Capture(context.Background(), &buf, CaptureOptions{Target: Target{NetNS: ns}, Version: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		size, unpacked = int64(buf.Len()), m.Bytes
	}
	b.ReportMetric(float64(size)/1024, "KiB-compressed")
	b.ReportMetric(float64(unpacked)/1024, "KiB-unpacked")
}
