package sanitize

import "testing"

// BenchmarkLine measures the line sanitiser on a plain interface name (the
// fast path) and on a value that needs escaping (a comm with a newline and
// a bidi mark).
func BenchmarkLine(b *testing.B) {
	for _, bc := range []struct{ name, in string }{{"plain", "veth3a1b2c4"}, {"hostile", "x\n✓ OK\u200e fake \x1b[2J"}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				Line(bc.in)
			}
		})
	}
}
