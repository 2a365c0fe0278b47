package probes

import (
	"os"
	"testing"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/mdlayher/netlink"
	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
)

// BenchmarkLinkDump20k is why links are dumped and decoded by hand
// (internal/rtnl and linkmsg.go) instead of with jsimonetti/rtnetlink, which
// the fixes use: the same dump of 20,000 links in a throwaway namespace,
// streamed through one buffer and decoded into Link, against the library's
// Link.List, which holds every message of the dump and decodes every
// attribute. Run: go test ./probes -run '^$' -bench LinkDump20k -benchmem
func BenchmarkLinkDump20k(b *testing.B) {
	path := "/run/netns/" + bigNamespace(b, 10000)
	b.Run("hand", func(b *testing.B) {
		s, err := rtnl.Dial(path)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			links, err := dumpLinks(s)
			if err != nil || len(links) < 20000 {
				b.Fatalf("%d links, %v", len(links), err)
			}
		}
	})
	b.Run("rtnetlink", func(b *testing.B) {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		c, err := rtnetlink.Dial(&netlink.Config{NetNS: int(f.Fd())})
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		b.ReportAllocs()
		b.ResetTimer()
		for range b.N {
			links, err := c.Link.List()
			if err != nil || len(links) < 20000 {
				b.Fatalf("%d links, %v", len(links), err)
			}
		}
	})
}
