// Package sanitize makes text that came from the system or the user safe to
// print on a terminal: interface names and aliases, audit fields,
// configuration lines and pasted symptoms may hold escape sequences that
// would clear the screen, retitle the window or write the clipboard (OSC 52).
// Every control character becomes visible ("\x1b"), invalid UTF-8 becomes
// U+FFFD, and bidirectional overrides that could reorder what is shown are
// made visible too.
package sanitize

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// OrDash is s, or "-" for an empty value (a table cell, a report field).
func OrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Line sanitises a single-line value: newlines and tabs become visible too.
func Line(s string) string { return clean(s, false) }

// Text sanitises multi-line text: newlines are kept, tabs become spaces,
// every other control character becomes visible.
func Text(s string) string { return clean(s, true) }

// Clip sanitises a single-line value and cuts it to at most n runes, with
// "…" when cut.
func Clip(s string, n int) string {
	s = Line(s)
	if n <= 0 || utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for k := range s {
		if i == n-1 {
			return s[:k] + "…"
		}
		i++
	}
	return s
}

// Safe reports whether s needs no change to be printed as a single line.
func Safe(s string) bool { return Line(s) == s }

func clean(s string, multiline bool) string {
	if isPlain(s, multiline) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			b.WriteRune(utf8.RuneError)
			i++
			continue
		}
		i += size
		switch {
		case multiline && r == '\n':
			b.WriteByte('\n')
		case multiline && r == '\t':
			b.WriteString("    ")
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Unsafe reports the code points that must never reach a terminal, a
// report or a copied command raw: the C0 controls and DEL, the C1 controls
// (U+009B is a one-character CSI), the line and paragraph separators
// U+2028/U+2029 (a new line to many viewers), and every bidirectional
// control that can reorder what is shown: the marks U+200E, U+200F and
// U+061C, the embeddings and overrides U+202A-U+202E and the isolates
// U+2066-U+2069. It is the one list: the JSON encoder (probes) and the
// shell quoting (sysexec) use it too.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// isPlain is the fast path: printable ASCII only.
func isPlain(s string, multiline bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			continue
		}
		if multiline && c == '\n' {
			continue
		}
		return false
	}
	return true
}
