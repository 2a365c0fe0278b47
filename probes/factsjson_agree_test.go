package probes

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"net/netip"
	"os"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
)

// The hand-written JSON encoder (factsjson.go: appendLink, appendAddr,
// NetFacts.writeJSON) writes what encoding/json writes, plus only the
// terminal escapes of EscapeTerminal, for random links and addresses with
// every field set or empty and hostile strings (quotes, controls, HTML
// characters, invalid UTF-8, U+2028, bidirectional overrides).
func TestHandJSONAgreesWithEncodingJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	strs := []string{"", "veth0", `a"b\c`, "<x>&y", "\x1b[2J\x07", "\xff\xfe", "é\u2028\u2029", "\u202eevil", "\x7f\u0085", "tab\there\nnl"}
	str := func() string { return strs[rng.IntN(len(strs))] + strs[rng.IntN(len(strs))] }
	maybe := func() bool { return rng.IntN(2) == 0 }
	var n NetFacts
	for i := range 2000 {
		l := Link{Index: rng.Int32(), Name: str(), Kind: str(), SlaveKind: str(), Flags: rng.Uint32(), OperState: str(),
			MTU: rng.Uint32(), Master: rng.Int32N(3), Parent: rng.Int32N(3), Alias: str(), HWAddr: str()}
		if maybe() {
			l.MinMTU, l.MaxMTU = rng.Uint32(), rng.Uint32()
		}
		for range rng.IntN(3) {
			l.AltNames = append(l.AltNames, str())
		}
		if maybe() {
			c := maybe()
			l.Carrier = &c
		}
		if maybe() {
			id := rng.Int32() - 1<<30
			l.ParentNetNSID = &id
		}
		if i%7 == 0 {
			l.Vxlan = &VxlanInfo{VNI: rng.Uint32N(3), Port: uint16(rng.IntN(3)) * 4789, Local: str(), Link: rng.Int32N(2), External: maybe(), GBP: maybe(), GPE: maybe()}
		}
		want, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendLink(nil, &l); !bytes.Equal(got, EscapeTerminal(want)) {
			t.Fatalf("link %d:\nhand:          %s\nencoding/json: %s", i, got, EscapeTerminal(want))
		}
		n.Links = append(n.Links, l)

		a := Addr{Index: rng.Int32(), Family: str(), Scope: str(), Label: str(), Flags: rng.Uint32N(3) * 0x80}
		if maybe() {
			a.Prefix = netip.PrefixFrom(netip.AddrFrom4([4]byte{10, byte(i), 0, 1}), rng.IntN(33))
		} else {
			a.Prefix = netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i)}), rng.IntN(129))
		}
		if maybe() {
			a.Peer = netip.AddrFrom4([4]byte{192, 0, 2, byte(i)})
		}
		want, err = json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAddr(nil, &a); !bytes.Equal(got, EscapeTerminal(want)) {
			t.Fatalf("addr %d:\nhand:          %s\nencoding/json: %s", i, got, EscapeTerminal(want))
		}
		n.Addrs = append(n.Addrs, a)
	}
	n.Routes = []Route{{Family: "inet", Dst: netip.MustParsePrefix("0.0.0.0/0"), Gateway: netip.MustParseAddr("192.0.2.1"), OutIndex: 2, Table: 254, Protocol: "bird", Type: "unicast", Scope: "global"}}
	n.NetDev = []string{"eth0", "\x1b]0;x\x07"}
	n.Gaps.AddReason("udp", "a <reason> with \"quotes\"")

	// The whole group: compared as values (the stream adds newlines).
	type plain NetFacts // no MarshalJSON: encoding/json's own encoding
	hand, err := n.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	std, err := json.Marshal(plain(n))
	if err != nil {
		t.Fatal(err)
	}
	var h, s any
	if err := json.Unmarshal(hand, &h); err != nil {
		t.Fatalf("the hand-written JSON does not parse: %v", err)
	}
	json.Unmarshal(std, &s)
	hb, _ := json.Marshal(h)
	sb, _ := json.Marshal(s)
	if !bytes.Equal(hb, sb) {
		t.Fatalf("NetFacts: the hand-written JSON and encoding/json's differ:\n%.600s\n%.600s", hb, sb)
	}
}

// The hand-written JSON of a link (factsjson.go) says what encoding/json
// would, vxlan data included.
func TestVxlanLinkJSON(t *testing.T) {
	l, err := rtnl.DecodeLink(readHexDump(t, "../internal/rtnl/testdata/samples/rtm-newlink-vxlan-gbp"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(l)
	if got := appendLink(nil, &l); string(got) != string(want) {
		t.Fatalf("appendLink:\n%s\nencoding/json:\n%s", got, want)
	}
}

// readHexDump reads a sample written by encoding/hex.Dump (hexdump -C
// layout): a real RTM_NEWLINK body captured from the kernel.
func readHexDump(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, line := range strings.Split(string(b), "\n") {
		if len(line) < 10 {
			continue
		}
		hexPart := line[10:]
		if i := strings.IndexByte(hexPart, '|'); i >= 0 {
			hexPart = hexPart[:i]
		}
		d, err := hex.DecodeString(strings.ReplaceAll(hexPart, " ", ""))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		out = append(out, d...)
	}
	return out
}
