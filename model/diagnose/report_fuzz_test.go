package diagnose

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom/symptomtest"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// hostileFiles put terminal sequences (ESC, BEL, the one-byte C1 CSI, a
// bidirectional override, invalid UTF-8) wherever a captured system lets
// its users write text that reaches the report.
var hostileFiles = map[string]string{
	"proc/sys/kernel/hostname":  "node\x1b]0;owned\x07\u009b2J\n",
	"proc/sys/kernel/osrelease": "6.8.0\x1b[31m-\u202egeneric\xff\n",
	"proc/4242/comm":            "\x1b[2Jip\x1b]52;c;ZWNobyBoaQ==\x07\n",
	"proc/1/comm":               "init\x9b\x00\n",
	"var/log/audit/audit.log": "type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm=1B5B324A9B6970 exe=\"/usr/sbin/\x1b]0;x\x07ip\" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0\n" +
		"type=AVC msg=audit(1732258141.313:8813): apparmor=\"DENIED\" operation=\"capable\" class=\"cap\" profile=C29B324A pid=4242 comm=\"ip\" capability=12  capname=\"net_\x1b[0madmin\"\n",
}

// reportFacts gathers, once, the facts of every captured tree in
// probes/testdata/roots (each on top of the base tree), and of one tree
// full of terminal sequences.
func reportFacts(f *testing.F) []*probes.Facts {
	roots := filepath.Join("..", "..", "probes", "testdata", "roots")
	base := filepath.Join(roots, "base")
	trees := []string{fixture.Root(f, base)}
	overlays, _ := os.ReadDir(roots)
	for _, o := range overlays {
		if o.IsDir() && o.Name() != "base" {
			trees = append(trees, fixture.Root(f, base, filepath.Join(roots, o.Name())))
		}
	}
	hostile := fixture.Root(f, base, filepath.Join(roots, "container-docker"))
	fixture.Write(f, hostile, hostileFiles)
	trees = append(trees, hostile)
	var facts []*probes.Facts
	for _, root := range trees {
		facts = append(facts, probes.Gather(context.Background(), probes.Target{Root: root, Interfaces: []string{"eth0", "docker0"}}))
	}
	// The facts are in memory now. Fuzzing workers are stopped without
	// running cleanups, so the trees go at once, and so does the
	// directory testing made for them (nothing is left in /tmp).
	for _, root := range trees {
		os.RemoveAll(root)
	}
	os.Remove(filepath.Dir(trees[0]))
	return facts
}

// checkTerminalSafe fails when out holds something a terminal acts on: a
// C0 control other than '\n', DEL, a C1 control (U+0080-U+009F, such as
// U+009B, CSI), a bidirectional override, or invalid UTF-8 (a lone 0x9b
// byte is CSI to a terminal in 8-bit mode).
func checkTerminalSafe(t *testing.T, what string, out []byte) {
	t.Helper()
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		bad := false
		switch {
		case r == utf8.RuneError && size <= 1:
			bad = true
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
			bad = true
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			bad = true
		}
		if bad {
			lo, hi := max(0, i-40), min(len(out), i+40)
			t.Fatalf("%s: %U at byte %d: %q", what, r, i, out[lo:hi])
		}
		i += size
	}
}

// FuzzReport diagnoses fuzzed symptoms (what users paste) against the
// facts of the captured trees, and writes every report format: none may
// panic, the JSON must be valid, and the text and Markdown reports must
// carry no terminal control sequence.
func FuzzReport(f *testing.F) {
	facts := reportFacts(f)
	for i, c := range symptomtest.Cases {
		f.Add(c.In, uint8(i))
	}
	f.Add("", uint8(0))
	f.Add("ip link add \x1b]0;x\x07 type veth\nRTNETLINK answers: File exists\u009b2J", uint8(len(facts)-1))
	f.Add("```\n| a | b |\n<script>\x00\r\n", uint8(len(facts)-1))
	f.Fuzz(func(t *testing.T, s string, which uint8) {
		d := Diagnose(facts[int(which)%len(facts)], symptom.ParseSymptom(s), nil)
		var text, md, js bytes.Buffer
		if err := d.WriteText(&text); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteMarkdown(&md); err != nil {
			t.Fatal(err)
		}
		if err := d.WriteJSON(&js); err != nil {
			t.Fatal(err)
		}
		checkTerminalSafe(t, "text report", text.Bytes())
		checkTerminalSafe(t, "Markdown report", md.Bytes())
		if !json.Valid(js.Bytes()) {
			t.Fatalf("invalid JSON report: %q", js.String())
		}
	})
}
