package probes

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzSosOutputs: the ip, lsmod, sysctl and supportconfig text a
// sosreport or supportconfig holds may be anything; parsing it never
// crashes, and redaction keeps every line it does not touch.
func FuzzSosOutputs(f *testing.F) {
	for _, p := range []string{"testdata/sos/rhel9/sos_commands/networking/ip_-d_address",
		"testdata/sos/ubuntu2404/sos_commands/networking/ip_-s_-d_link",
		"testdata/sos/rhel9/sos_commands/networking/ip_route_show_table_all",
		"testdata/supportconfig/sles15sp6/network.txt"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("1: x@: <UP> mtu\n    inet 1.2.3.4/99 peer\n    inet6 ::/0 scope 300\n"))
	f.Add([]byte("default via inet6 dev\n\tnexthop via\nlocal ::/129\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		links, addrs := parseIPLinks(b)
		n := NetFacts{Links: links, Addrs: addrs}
		n.Index()
		parseIPRoutes(b, &n, 0)
		lsmodToProcModules(b)
		for _, e := range parseSupportconfig(b) {
			scCommand(e.head)
		}
		out, keys := RedactSecrets(b)
		if len(keys) == 0 && !bytes.Equal(out, b) {
			t.Fatalf("nothing redacted but the text changed:\n%q\n%q", b, out)
		}
	})
}

// FuzzUnpack: an archive given to --root may be anything.
func FuzzUnpack(f *testing.F) {
	f.Add([]byte{0x1f, 0x8b})
	f.Add([]byte("not a tar"))
	for _, name := range []string{"sosreport-mini.tar.xz", "sosreport-mini.tar.bz2"} {
		if b, err := os.ReadFile(filepath.Join("testdata", "archive", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		dest := t.TempDir()
		Unpack(bytes.NewReader(b), dest, 1<<20)
	})
}
