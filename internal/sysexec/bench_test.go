package sysexec

import "testing"

// BenchmarkQuoteArg measures the one quoting function on a plain word, a
// value needing single quotes and one needing $'…' escapes.
func BenchmarkQuoteArg(b *testing.B) {
	for _, bc := range []struct{ name, in string }{{"plain", "eth0"}, {"quoted", "/etc/NetworkManager/system-connections/$(id>x);y z.nmconnection"}, {"escaped", "x\n✓ OK\u202e"}} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				QuoteArg(bc.in)
			}
		})
	}
}
