package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLine(t *testing.T) {
	for in, want := range map[string]string{
		"eth0":                       "eth0",
		"\x1b[2Jveth":                `\x1b[2Jveth`,
		"\x1b]52;c;ZWNobyBoaQ==\x07": `\x1b]52;c;ZWNobyBoaQ==\x07`,
		"a\nb\tc\r":                  `a\x0ab\x09c\x0d`,
		"bad\xffutf8":                "bad\uFFFDutf8",
		"c1\u009b2J":                 `c1\u009b2J`,
		"rtl\u202egnp.exe":           `rtl\u202egnp.exe`,
		"défaut 🙂":                   "défaut 🙂",
		"\x7f":                       `\x7f`,
		"a\u2028b\u2029c":            `a\u2028b\u2029c`,
		"m\u200e\u200f\u061cx":       `m\u200e\u200f\u061cx`,
		"iso\u2066x\u2069":           `iso\u2066x\u2069`,
	} {
		if got := Line(in); got != want {
			t.Errorf("Line(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Text("a\n\tb\x1b[31m"); got != "a\n    b\\x1b[31m" {
		t.Errorf("Text = %q", got)
	}
	if got := Clip("abcdef", 4); got != "abc…" {
		t.Errorf("Clip = %q", got)
	}
	if got := Clip("\x1b[2J", 3); got != `\x…` {
		t.Errorf("Clip of escape = %q", got)
	}
}

func FuzzLine(f *testing.F) {
	f.Add("\x1b[2J\x1b]52;c;AA==\x07")
	f.Add("ok")
	f.Fuzz(func(t *testing.T, s string) {
		for _, out := range []string{Line(s), Text(s), Clip(s, 10)} {
			if !utf8.ValidString(out) {
				t.Fatalf("invalid UTF-8 out of %q", s)
			}
			for _, r := range out {
				if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) {
					t.Fatalf("control %U survived in %q", r, out)
				}
			}
		}
		if strings.ContainsRune(Line(s), '\n') {
			t.Fatal("newline in a line")
		}
	})
}
