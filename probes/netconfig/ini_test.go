package netconfig

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sec builds an expected section.
func iniSec(name string, line int, entries ...INIEntry) INISection {
	return INISection{Name: name, Line: line, Entries: entries}
}

// ent builds an expected entry.
func iniEnt(key, value string, line int) INIEntry {
	return INIEntry{Key: key, Value: value, Line: line}
}

func TestParseINI(t *testing.T) {
	long := strings.Repeat("x", 70<<10)
	tests := []struct {
		name     string
		mode     iniMode
		in       string
		sections []INISection
		warnings []INIWarning // Message is matched as a substring
		lines    int
	}{
		{
			name:     "sections and keys, blanks around '=' trimmed",
			in:       "[Match]\nName = eth0\n\n[Network]\n  DHCP=yes  \n",
			sections: []INISection{iniSec("Match", 1, iniEnt("Name", "eth0", 2)), iniSec("Network", 4, iniEnt("DHCP", "yes", 5))},
			lines:    5,
		},
		{
			name:     "comments with # and ; (and after leading blanks)",
			in:       "# head\n[Match]\n; old name\n   # Name=eth1\nName=eth0\n",
			sections: []INISection{iniSec("Match", 2, iniEnt("Name", "eth0", 5))},
			lines:    5,
		},
		{
			name:     "continuation joins with a space where the backslash was",
			in:       "[Match]\nName=eth0 \\\n     eth1\nDriver=e1000\n",
			sections: []INISection{iniSec("Match", 1, iniEnt("Name", "eth0       eth1", 2), iniEnt("Driver", "e1000", 4))},
			lines:    4,
		},
		{
			name:     "comment lines inside a continuation are skipped",
			in:       "[Network]\nDNS=192.0.2.1\\\n# a comment\n192.0.2.2\n",
			sections: []INISection{iniSec("Network", 1, iniEnt("DNS", "192.0.2.1 192.0.2.2", 2))},
			lines:    4,
		},
		{
			name:     "an even number of backslashes is not a continuation",
			in:       "[Exec]\nA=x\\\\\nB=y\n",
			sections: []INISection{iniSec("Exec", 1, iniEnt("A", `x\\`, 2), iniEnt("B", "y", 3))},
			lines:    3,
		},
		{
			name:     "continuation at the end of the file",
			in:       "[Match]\nName=eth0 \\",
			sections: []INISection{iniSec("Match", 1, iniEnt("Name", "eth0", 2))},
			lines:    2,
		},
		{
			name: "repeated sections are kept separately",
			in:   "[Address]\nAddress=192.0.2.1/24\n[Route]\nGateway=192.0.2.254\n[Address]\nAddress=2001:db8::1/64\n",
			sections: []INISection{
				iniSec("Address", 1, iniEnt("Address", "192.0.2.1/24", 2)),
				iniSec("Route", 3, iniEnt("Gateway", "192.0.2.254", 4)),
				iniSec("Address", 5, iniEnt("Address", "2001:db8::1/64", 6)),
			},
			lines: 6,
		},
		{
			name:     "repeated keys and the empty assignment that resets a list",
			in:       "[Network]\nDNS=192.0.2.1\nDNS=\nDNS=192.0.2.2\n",
			sections: []INISection{iniSec("Network", 1, iniEnt("DNS", "192.0.2.1", 2), iniEnt("DNS", "", 3), iniEnt("DNS", "192.0.2.2", 4))},
			lines:    4,
		},
		{
			name:     "garbage lines are warnings with their line numbers",
			in:       "Name=eth0\n[Match]\nthis is not an assignment\n=value\nName=eth1\n",
			sections: []INISection{iniSec("Match", 2, iniEnt("Name", "eth1", 5))},
			warnings: []INIWarning{{Line: 1, Message: "outside any [Section]"}, {Line: 3, Message: "missing '='"}, {Line: 4, Message: "missing key name"}},
			lines:    5,
		},
		{
			name:     "CRLF line endings",
			in:       "[Match]\r\nName=eth0\r\n\r\n[Network]\r\nDHCP=yes\r\n",
			sections: []INISection{iniSec("Match", 1, iniEnt("Name", "eth0", 2)), iniSec("Network", 4, iniEnt("DHCP", "yes", 5))},
			lines:    5,
		},
		{
			name:     "systemd ends lines at CR and at NUL too",
			in:       "[Match]\rName=eth0\x00Driver=igb\n\n",
			sections: []INISection{iniSec("Match", 1, iniEnt("Name", "eth0", 2), iniEnt("Driver", "igb", 3))},
			lines:    4,
		},
		{
			name:     "missing ']' refuses the whole file",
			in:       "[Match\nName=eth0\n",
			warnings: []INIWarning{{Line: 1, Message: "invalid section header", Fatal: true}, {Line: 2, Message: "outside any [Section]"}},
			lines:    2,
		},
		{
			name:     "a comment after the section header is not allowed",
			in:       "[Match] # uplink\nName=eth0\n",
			warnings: []INIWarning{{Line: 1, Message: "invalid section header", Fatal: true}, {Line: 2, Message: "outside any [Section]"}},
			lines:    2,
		},
		{
			name:     "quotes in a section name",
			in:       "[Ma\"tch]\n",
			warnings: []INIWarning{{Line: 1, Message: "bad characters", Fatal: true}},
			lines:    1,
		},
		{
			name:     "key without value",
			in:       "[Peer]\nName=\nName\n",
			sections: []INISection{iniSec("Peer", 1, iniEnt("Name", "", 2))},
			warnings: []INIWarning{{Line: 3, Message: "missing '='"}},
			lines:    3,
		},
		{
			name:     "a line over the limit is not examined, the next is",
			in:       "[Match]\nName=" + long + "\nDriver=igb\n",
			sections: []INISection{iniSec("Match", 1, iniEnt("Driver", "igb", 3))},
			warnings: []INIWarning{{Line: 2, Message: "longer than 64 KiB", OverLimit: true}},
			lines:    3,
		},
		{
			name:     "invalid UTF-8 refuses the whole file",
			in:       "[Match]\nName=eth\xff\n",
			sections: []INISection{iniSec("Match", 1)},
			warnings: []INIWarning{{Line: 2, Message: "not valid UTF-8", Fatal: true}},
			lines:    2,
		},
		{
			name:     "byte order mark",
			in:       "\xef\xbb\xbf[Match]\nName=eth0\n",
			sections: []INISection{iniSec("Match", 1, iniEnt("Name", "eth0", 2))},
			lines:    2,
		},
		{
			name:  "empty input",
			in:    "",
			lines: 0,
		},
		{
			name:     "keyfile: escapes in values",
			mode:     iniKeyfile,
			in:       "[wifi]\nssid=Home\\sNet\nnote=a\\tb\\nc\\\\d\ndns=192.0.2.1\\;192.0.2.2\n",
			sections: []INISection{iniSec("wifi", 1, iniEnt("ssid", "Home Net", 2), iniEnt("note", "a\tb\nc\\d", 3), iniEnt("dns", `192.0.2.1\;192.0.2.2`, 4))},
			lines:    4,
		},
		{
			name:     "keyfile: an invalid escape is a warning",
			mode:     iniKeyfile,
			in:       "[connection]\nid=a\\qb\n",
			sections: []INISection{iniSec("connection", 1, iniEnt("id", `a\qb`, 2))},
			warnings: []INIWarning{{Line: 2, Message: "invalid escape sequence"}},
			lines:    2,
		},
		{
			name:     "keyfile: locale keys, leading blanks of values trimmed, trailing kept",
			mode:     iniKeyfile,
			in:       "[connection]\nid[de]=Kabel \nid =  Wired \n",
			sections: []INISection{iniSec("connection", 1, iniEnt("id[de]", "Kabel ", 2), iniEnt("id", "Wired ", 3))},
			lines:    3,
		},
		{
			name:     "keyfile: no continuation, and ';' is not a comment",
			mode:     iniKeyfile,
			in:       "[connection]\nid=a \\\n; note\n",
			sections: []INISection{iniSec("connection", 1, iniEnt("id", "a ", 2))},
			warnings: []INIWarning{{Line: 2, Message: "escape character"}, {Line: 3, Message: "not a key=value pair", Fatal: true}},
			lines:    3,
		},
		{
			name:     "keyfile: CRLF, and a NUL cuts the line",
			mode:     iniKeyfile,
			in:       "[connection]\r\nid=abc\x00def\r\ntype=ethernet\r\n",
			sections: []INISection{iniSec("connection", 1, iniEnt("id", "abc", 2), iniEnt("type", "ethernet", 3))},
			warnings: []INIWarning{{Line: 2, Message: "NUL byte"}},
			lines:    3,
		},
		{
			name:     "keyfile: key before any group",
			mode:     iniKeyfile,
			in:       "id=x\n[connection]\n",
			sections: []INISection{iniSec("connection", 2)},
			warnings: []INIWarning{{Line: 1, Message: "before the first [group]", Fatal: true}},
			lines:    2,
		},
		{
			name:     "keyfile: missing ']' and bad key names",
			mode:     iniKeyfile,
			in:       "[connection\n[ipv4]\n bad=1\nkey[x=1\n",
			sections: []INISection{iniSec("ipv4", 2, iniEnt("bad", "1", 3))},
			warnings: []INIWarning{{Line: 1, Message: "not a key=value pair", Fatal: true}, {Line: 4, Message: "invalid key name", Fatal: true}},
			lines:    4,
		},
		{
			name:     "keyfile: blanks after ']' are accepted, an empty group is not",
			mode:     iniKeyfile,
			in:       "[ipv6]  \t\n[]\n",
			sections: []INISection{iniSec("ipv6", 1)},
			warnings: []INIWarning{{Line: 2, Message: "invalid group name", Fatal: true}},
			lines:    2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := parseINI([]byte(tc.in), iniOptions{Mode: tc.mode})
			if !reflect.DeepEqual(got.Sections, tc.sections) {
				t.Errorf("sections:\n got  %#v\n want %#v", got.Sections, tc.sections)
			}
			if got.Lines != tc.lines {
				t.Errorf("lines = %d, want %d", got.Lines, tc.lines)
			}
			if len(got.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings = %#v, want %d like %#v", got.Warnings, len(tc.warnings), tc.warnings)
			}
			for i, w := range tc.warnings {
				g := got.Warnings[i]
				if g.Line != w.Line || g.Fatal != w.Fatal || g.OverLimit != w.OverLimit || !strings.Contains(g.Message, w.Message) {
					t.Errorf("warning %d = %#v, want %#v", i, g, w)
				}
			}
		})
	}
}

func TestParseINISystemdLineLimit(t *testing.T) {
	huge := "[Match]\nName=" + strings.Repeat("a", systemdLongLineMax) + "\n"
	f := parseINI([]byte(huge), iniOptions{})
	w, ok := f.Fatal()
	if !ok || w.Line != 2 {
		t.Fatalf("a line of 1 MiB: fatal = %v %#v, want a fatal warning on line 2", ok, f.Warnings)
	}
	// The same line in a key file is only over our limit.
	f = parseINI([]byte(huge), iniOptions{Mode: iniKeyfile})
	if _, ok := f.Fatal(); ok || len(f.Warnings) != 1 || !f.Warnings[0].OverLimit {
		t.Fatalf("keyfile: %#v", f.Warnings)
	}
	// A continued line that grows over the limit is reported once.
	cont := "[Match]\n" + strings.Repeat(strings.Repeat("b", 1000)+"\\\n", 80) + "end\nDriver=igb\n"
	f = parseINI([]byte(cont), iniOptions{})
	if len(f.Warnings) != 1 || !f.Warnings[0].OverLimit || f.Warnings[0].Line != 2 {
		t.Fatalf("continued: %#v", f.Warnings)
	}
	if v, _ := f.Get("Match", "Driver"); v != "igb" {
		t.Fatalf("Driver = %q after an over-long continued line", v)
	}
}

func TestParseINIWarningCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("[Match]\n")
	for i := 0; i < 5000; i++ {
		b.WriteString("garbage\n")
	}
	b.WriteString("[Bad\n")
	f := parseINI([]byte(b.String()), iniOptions{})
	if len(f.Warnings) != maxINIWarnings+1 {
		t.Fatalf("%d warnings, want %d", len(f.Warnings), maxINIWarnings+1)
	}
	if w, ok := f.Fatal(); !ok || w.Line != 5002 {
		t.Fatalf("the fatal warning past the cap was dropped: %v %#v", ok, w)
	}
}

func TestINIHelpers(t *testing.T) {
	f := parseINI([]byte("[Network]\nDNS=a\n[Address]\nAddress=x\n[Network]\nDNS=b\nDNS=\n"), iniOptions{})
	if v, ok := f.Get("Network", "DNS"); !ok || v != "" {
		t.Errorf("Get = %q %v, want the last (empty) value", v, ok)
	}
	if _, ok := f.Get("Network", "Gateway"); ok {
		t.Error("Get found a missing key")
	}
	all := f.All("Network", "DNS")
	if len(all) != 3 || all[0].Value != "a" || all[1].Value != "b" || all[2].Line != 7 {
		t.Errorf("All = %#v", all)
	}
	if !f.Has("Address") || f.Has("Route") {
		t.Error("Has")
	}
}

// iniLineBound is an upper bound of the line count of data in any mode.
func iniLineBound(data []byte) int {
	return bytes.Count(data, []byte{'\n'}) + bytes.Count(data, []byte{'\r'}) + bytes.Count(data, []byte{0}) + 1
}

// checkINIInvariants checks what must hold for any input.
func checkINIInvariants(t *testing.T, data []byte, f INIFile) {
	t.Helper()
	if f.Lines < 0 || f.Lines > iniLineBound(data) {
		t.Fatalf("Lines = %d, bound %d", f.Lines, iniLineBound(data))
	}
	inRange := func(l int) bool { return l >= 1 && l <= f.Lines }
	prev := 0
	for _, s := range f.Sections {
		if !inRange(s.Line) || s.Line < prev {
			t.Fatalf("section %q on line %d (previous %d, %d lines)", s.Name, s.Line, prev, f.Lines)
		}
		prev = s.Line
		last := s.Line
		for _, e := range s.Entries {
			if !inRange(e.Line) || e.Line < last {
				t.Fatalf("entry %q on line %d in section on line %d (%d lines)", e.Key, e.Line, s.Line, f.Lines)
			}
			last = e.Line
			if e.Key == "" || strings.ContainsAny(e.Key, "\n=") {
				t.Fatalf("bad key %q", e.Key)
			}
		}
	}
	for _, w := range f.Warnings {
		if !inRange(w.Line) || w.Message == "" {
			t.Fatalf("warning %#v (%d lines)", w, f.Lines)
		}
	}
	if len(f.Warnings) > maxINIWarnings+1 {
		t.Fatalf("%d warnings", len(f.Warnings))
	}
}

func FuzzParseINI(f *testing.F) {
	roots, _ := filepath.Glob(filepath.Join("..", "testdata", "roots", "netconfig-*"))
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b, uint8(iniSystemd))
				f.Add(b, uint8(iniKeyfile))
			}
			return nil
		})
	}
	f.Add([]byte("[A]\nk=v\\\n\\\\\r\n\x00[B\n=x\n"), uint8(iniSystemd))
	f.Add([]byte("[a]\nk[\xff]=v\\"), uint8(iniKeyfile))
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		m := iniMode(mode % 2)
		// A small limit reaches the over-long paths with small inputs.
		for _, max := range []int{0, 16} {
			got := parseINI(data, iniOptions{Mode: m, MaxLine: max})
			checkINIInvariants(t, data, got)
		}
	})
}

// keyfileEscape writes value so that keyfileUnescape reads it back.
func keyfileEscape(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		case ' ':
			if i == 0 {
				b.WriteString(`\s`)
			} else {
				b.WriteByte(c)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// FuzzNMKeyfile parses arbitrary bytes as a NetworkManager keyfile (GLib
// key-file syntax). Beyond the invariants of every mode: lines are counted
// as GLib counts them, every group and key kept is one GLib accepts, and a
// file without warnings reads back the same once written out again.
func FuzzNMKeyfile(f *testing.F) {
	roots, _ := filepath.Glob(filepath.Join("..", "testdata", "roots", "netconfig-*"))
	for _, root := range roots {
		_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() || !strings.HasSuffix(p, ".nmconnection") {
				return nil
			}
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
			return nil
		})
	}
	f.Add([]byte("[connection]\r\nid=a\\sb\\\\c\\;d\nname[de_DE.UTF-8@euro]=x\x00y\n[ipv4]\naddress1=10.0.0.1/24,10.0.0.254\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, max := range []int{0, 16} {
			got := parseINI(data, iniOptions{Mode: iniKeyfile, MaxLine: max})
			checkINIInvariants(t, data, got)
			lines := bytes.Count(data, []byte{'\n'})
			if len(data) > 0 && data[len(data)-1] != '\n' {
				lines++
			}
			if got.Lines != lines {
				t.Fatalf("Lines = %d, want %d", got.Lines, lines)
			}
			for _, s := range got.Sections {
				if !keyfileGroupName([]byte(s.Name)) {
					t.Fatalf("group %q kept, GLib refuses it", s.Name)
				}
				for _, e := range s.Entries {
					if !keyfileKeyName([]byte(e.Key)) || strings.IndexByte(e.Key, 0) >= 0 {
						t.Fatalf("key %q kept, GLib refuses it", e.Key)
					}
					if strings.IndexByte(e.Value, 0) >= 0 {
						t.Fatalf("value %q holds a NUL", e.Value)
					}
				}
			}
			if len(got.Warnings) > 0 || max != 0 {
				continue
			}
			var out bytes.Buffer
			for _, s := range got.Sections {
				out.WriteString("[" + s.Name + "]\n")
				for _, e := range s.Entries {
					out.WriteString(e.Key + "=" + keyfileEscape(e.Value) + "\n")
				}
			}
			again := parseINI(out.Bytes(), iniOptions{Mode: iniKeyfile})
			if len(again.Warnings) > 0 || len(again.Sections) != len(got.Sections) {
				t.Fatalf("written out again as %q: %+v", out.String(), again)
			}
			for i, s := range got.Sections {
				a := again.Sections[i]
				if a.Name != s.Name || len(a.Entries) != len(s.Entries) {
					t.Fatalf("section %d: %+v, read back as %+v", i, s, a)
				}
				for j, e := range s.Entries {
					if a.Entries[j].Key != e.Key || a.Entries[j].Value != e.Value {
						t.Fatalf("entry %+v read back as %+v (written %q)", e, a.Entries[j], out.String())
					}
				}
			}
		}
	})
}
