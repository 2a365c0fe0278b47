package netconfig

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// iniMode selects the dialect parseINI follows.
type iniMode uint8

const (
	// iniSystemd is systemd's unit-file syntax (systemd.syntax(7)), as
	// systemd-networkd reads .network and .netdev files and udev .link files.
	iniSystemd iniMode = iota
	// iniKeyfile is GLib's key-file syntax, as NetworkManager reads its
	// keyfiles (.nmconnection) and NetworkManager.conf.
	iniKeyfile
)

// iniOptions configures parseINI.
type iniOptions struct {
	Mode iniMode
	// MaxLine bounds one line (a continued line counts as a whole); a longer
	// line is not examined and gets a warning. 0 means maxINILine.
	MaxLine int
}

// maxINILine is the default bound of one line.
const maxINILine = 64 << 10

// systemdLongLineMax is systemd's LONG_LINE_MAX: a line this long or longer
// makes systemd refuse the whole file.
const systemdLongLineMax = 1 << 20

// INIFile is a parsed INI file. Sections that repeat ([Address], [Route])
// are kept separately, in file order; so are repeated keys.
type INIFile struct {
	Sections []INISection `json:"sections,omitempty"`
	Warnings []INIWarning `json:"warnings,omitempty"`
	// Lines is how many lines the file has, counted as the program that reads
	// it counts them (systemd also ends a line at "\r" and NUL).
	Lines int `json:"lines"`
}

// INISection is one [Section] and the assignments under it.
type INISection struct {
	Name    string     `json:"name"`
	Line    int        `json:"line"`
	Entries []INIEntry `json:"entries,omitempty"`
}

// INIEntry is one Key=Value assignment. An empty Value is kept: in systemd
// it resets a list.
type INIEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Line  int    `json:"line"`
}

// INIWarning is a line the parser could not use. Fatal means the program
// that reads the file (systemd, GLib for NetworkManager) refuses the whole
// file because of it, not only the line.
type INIWarning struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
	Fatal   bool   `json:"fatal,omitempty"`
	// OverLimit: the line is longer than iniOptions.MaxLine and was not
	// examined; the reading program itself may accept it.
	OverLimit bool `json:"over_limit,omitempty"`
}

// Get returns the value of the last assignment of key in any section named
// section.
func (f INIFile) Get(section, key string) (string, bool) {
	for i := len(f.Sections) - 1; i >= 0; i-- {
		s := f.Sections[i]
		if s.Name != section {
			continue
		}
		for j := len(s.Entries) - 1; j >= 0; j-- {
			if s.Entries[j].Key == key {
				return s.Entries[j].Value, true
			}
		}
	}
	return "", false
}

// All returns every assignment of key in the sections named section, in
// file order.
func (f INIFile) All(section, key string) []INIEntry {
	var out []INIEntry
	for _, s := range f.Sections {
		if s.Name != section {
			continue
		}
		for _, e := range s.Entries {
			if e.Key == key {
				out = append(out, e)
			}
		}
	}
	return out
}

// Has reports whether the file has a section named section.
func (f INIFile) Has(section string) bool {
	for _, s := range f.Sections {
		if s.Name == section {
			return true
		}
	}
	return false
}

// Fatal returns the first warning that makes the reading program refuse the
// whole file.
func (f INIFile) Fatal() (INIWarning, bool) {
	for _, w := range f.Warnings {
		if w.Fatal {
			return w, true
		}
	}
	return INIWarning{}, false
}

// parseINI parses a systemd unit-style file or a GLib key file. It never
// fails: what it cannot use becomes a warning with its line number.
func parseINI(data []byte, opt iniOptions) INIFile {
	max := opt.MaxLine
	if max <= 0 {
		max = maxINILine
	}
	p := iniParser{max: max}
	if opt.Mode == iniKeyfile {
		p.keyfile(data)
	} else {
		p.systemd(data)
	}
	return p.f
}

type iniParser struct {
	f     INIFile
	max   int
	items int  // sections and entries so far
	full  bool // maxINIItems reached: the rest is not examined
}

// maxINIItems bounds the sections and assignments kept of one file. Real
// files have tens; a 4 MiB file of "[a]" lines would otherwise cost a
// million sections.
const maxINIItems = 20000

// room reports whether one more section or entry may be kept, and warns
// once when not.
func (p *iniParser) room(line int) bool {
	if p.full {
		return false
	}
	if p.items >= maxINIItems {
		p.full = true
		if p.warn(line, false, "more than %d sections and assignments: the rest of the file is not examined", maxINIItems) {
			p.f.Warnings[len(p.f.Warnings)-1].OverLimit = true
		}
		return false
	}
	p.items++
	return true
}

// maxINIWarnings bounds the warnings of one file: a file of garbage would
// otherwise get one per line. A fatal warning is always kept.
const maxINIWarnings = 200

func (p *iniParser) warn(line int, fatal bool, format string, args ...any) bool {
	if len(p.f.Warnings) >= maxINIWarnings {
		if !fatal {
			return false
		}
		if _, ok := p.f.Fatal(); ok {
			return false
		}
	}
	p.f.Warnings = append(p.f.Warnings, INIWarning{Line: line, Message: fmt.Sprintf(format, args...), Fatal: fatal})
	return true
}

func (p *iniParser) overLimit(line int) {
	if p.warn(line, false, "line is longer than %d KiB: not examined", p.max>>10) {
		p.f.Warnings[len(p.f.Warnings)-1].OverLimit = true
	}
}

func (p *iniParser) section(name string, line int) {
	if !p.room(line) {
		return
	}
	p.f.Sections = append(p.f.Sections, INISection{Name: name, Line: line})
}

func (p *iniParser) entry(key, value string, line int) {
	if !p.room(line) {
		return
	}
	s := &p.f.Sections[len(p.f.Sections)-1]
	s.Entries = append(s.Entries, INIEntry{Key: key, Value: value, Line: line})
}

// quote renders part of a line for a warning: quoted, cut, and safe to print.
func iniQuote(b []byte) string {
	if len(b) > 60 {
		return strconv.Quote(string(b[:60])) + "…"
	}
	return strconv.Quote(string(b))
}

// ---- systemd ----

const (
	eolNL  = 1 << iota // \n
	eolCR              // \r
	eolNUL             // \0
)

func eolMarker(c byte) int {
	switch c {
	case '\n':
		return eolNL
	case '\r':
		return eolCR
	case 0:
		return eolNUL
	}
	return 0
}

// forEachSystemdLine splits data as systemd's read_line() does: "\n", "\r"
// and NUL end a line, and so does a run of them in which no marker repeats
// and nothing follows a NUL ("\r\n", "\n\r", "\n\0" are one line end, "\n\n"
// two). It calls fn with each line (without its end) and its 1-based number,
// and returns the number of lines.
func forEachSystemdLine(data []byte, fn func(line []byte, n int)) int {
	n := 0
	for i := 0; i < len(data); {
		start := i
		for i < len(data) && eolMarker(data[i]) == 0 {
			i++
		}
		end := i
		seen := 0
		for i < len(data) {
			m := eolMarker(data[i])
			if m == 0 || seen&m != 0 || seen&eolNUL != 0 {
				break
			}
			seen |= m
			i++
		}
		n++
		fn(data[start:end], n)
	}
	return n
}

// systemdSpace is systemd's WHITESPACE.
func systemdSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func trimSystemd(b []byte) []byte {
	for len(b) > 0 && systemdSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && systemdSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

var utf8BOM = []byte{0xef, 0xbb, 0xbf}

// systemd follows config_parse(): comment lines are dropped first (even in
// the middle of a continued line), then a UTF-8 byte order mark, then lines
// ending in an odd number of backslashes are joined with the next, the
// backslash turned into a space.
func (p *iniParser) systemd(data []byte) {
	var cont []byte // the continued line so far; nil when none
	contLine := 0
	contLong := false
	bomSeen := false
	p.f.Lines = forEachSystemdLine(data, func(raw []byte, n int) {
		if len(raw) >= systemdLongLineMax {
			p.warn(n, true, "line is %d bytes long; systemd refuses lines of 1 MiB or more", len(raw))
			cont, contLong = nil, false
			return
		}
		if l := trimSystemd(raw); len(l) > 0 && (l[0] == '#' || l[0] == ';') {
			return
		}
		if !bomSeen && bytes.HasPrefix(raw, utf8BOM) {
			raw = raw[len(utf8BOM):]
			bomSeen = true
		}
		backslashes := 0
		for i := len(raw) - 1; i >= 0 && raw[i] == '\\'; i-- {
			backslashes++
		}
		continued := backslashes%2 == 1
		if cont == nil && !continued {
			p.systemdLogical(raw, n)
			return
		}
		if cont == nil {
			cont, contLine, contLong = []byte{}, n, false
		}
		if !contLong && len(cont)+len(raw) > p.max {
			contLong = true
		}
		if len(cont)+len(raw) > systemdLongLineMax {
			p.warn(contLine, true, "continued line is over 1 MiB; systemd refuses lines of 1 MiB or more")
			cont, contLong = nil, false
			return
		}
		if !contLong {
			cont = append(cont, raw...)
		}
		if continued {
			if !contLong {
				cont[len(cont)-1] = ' '
			}
			return
		}
		p.flushContinuation(cont, contLine, contLong)
		cont, contLong = nil, false
	})
	if cont != nil {
		p.flushContinuation(cont, contLine, contLong)
	}
}

func (p *iniParser) flushContinuation(cont []byte, line int, long bool) {
	if long {
		p.overLimit(line)
		return
	}
	p.systemdLogical(cont, line)
}

// systemdLogical parses one logical line as systemd's parse_line() does.
func (p *iniParser) systemdLogical(raw []byte, line int) {
	if p.full {
		return
	}
	l := trimSystemd(raw)
	if len(l) == 0 {
		return
	}
	if len(l) > p.max {
		p.overLimit(line)
		return
	}
	if !utf8.Valid(l) {
		p.warn(line, true, "line is not valid UTF-8")
		return
	}
	if l[0] == '[' {
		if l[len(l)-1] != ']' {
			p.warn(line, true, "invalid section header %s: it must end with ']' (a comment cannot follow it)", iniQuote(l))
			return
		}
		name := l[1 : len(l)-1]
		if !systemdStringSafe(name) {
			p.warn(line, true, "bad characters (control characters, quotes or backslashes) in section header %s", iniQuote(l))
			return
		}
		p.section(string(name), line)
		return
	}
	if len(p.f.Sections) == 0 {
		p.warn(line, false, "assignment outside any [Section]: ignored")
		return
	}
	eq := bytes.IndexByte(l, '=')
	switch {
	case eq < 0:
		p.warn(line, false, "missing '=' in %s: line ignored", iniQuote(l))
		return
	case eq == 0:
		p.warn(line, false, "missing key name before '=': line ignored")
		return
	}
	p.entry(string(trimSystemd(l[:eq])), string(trimSystemd(l[eq+1:])), line)
}

// systemdStringSafe is systemd's string_is_safe(): no control characters,
// quotes or backslashes.
func systemdStringSafe(b []byte) bool {
	for _, c := range b {
		if c < ' ' || c == 0x7f || c == '"' || c == '\'' || c == '\\' {
			return false
		}
	}
	return true
}

// ---- GLib key file ----

// glibSpace is g_ascii_isspace().
func glibSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// keyfile follows GLib's g_key_file_parse_data() and parse_line(): lines end
// at "\n" (a "\r" before it is dropped), '#' starts a comment, there is no
// continuation, and any other line that is neither a [group] nor a
// key=value pair makes GLib refuse the whole file.
func (p *iniParser) keyfile(data []byte) {
	n := 0
	for len(data) > 0 {
		n++
		var line []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
			line = bytes.TrimSuffix(line, []byte{'\r'})
		} else {
			line, data = data, nil
		}
		p.keyfileLine(line, n)
	}
	p.f.Lines = n
}

func (p *iniParser) keyfileLine(line []byte, n int) {
	if p.full {
		return
	}
	if len(line) > p.max {
		p.overLimit(n)
		return
	}
	if i := bytes.IndexByte(line, 0); i >= 0 {
		p.warn(n, false, "line contains a NUL byte: GLib ignores the rest of the line")
		line = line[:i]
	}
	for len(line) > 0 && glibSpace(line[0]) {
		line = line[1:]
	}
	if len(line) == 0 || line[0] == '#' {
		return
	}
	if end, ok := keyfileGroup(line); ok {
		name := line[1:end]
		if !keyfileGroupName(name) {
			p.warn(n, true, "invalid group name %s", iniQuote(name))
			return
		}
		p.section(string(name), n)
		return
	}
	eq := bytes.IndexByte(line, '=')
	if eq <= 0 {
		p.warn(n, true, "line %s is not a key=value pair, a [group] or a # comment", iniQuote(line))
		return
	}
	if len(p.f.Sections) == 0 {
		p.warn(n, true, "key=value before the first [group]")
		return
	}
	key := line[:eq]
	for len(key) > 0 && glibSpace(key[len(key)-1]) {
		key = key[:len(key)-1]
	}
	if !keyfileKeyName(key) {
		p.warn(n, true, "invalid key name %s", iniQuote(key))
		return
	}
	raw := line[eq+1:]
	for len(raw) > 0 && glibSpace(raw[0]) {
		raw = raw[1:]
	}
	value, bad := keyfileUnescape(raw)
	if bad != "" {
		p.warn(n, false, "value of %s %s; GLib cannot read it", iniQuote(key), bad)
	} else if !utf8.Valid(raw) {
		p.warn(n, false, "value of %s is not valid UTF-8; GLib cannot read it", iniQuote(key))
	}
	p.entry(string(key), value, n)
}

// keyfileGroup is g_key_file_line_is_group(): '[', a name up to the first
// ']', then only blanks. It returns the index of the ']'.
func keyfileGroup(line []byte) (int, bool) {
	if len(line) == 0 || line[0] != '[' {
		return 0, false
	}
	end := bytes.IndexByte(line, ']')
	if end < 0 {
		return 0, false
	}
	for _, c := range line[end+1:] {
		if c != ' ' && c != '\t' {
			return 0, false
		}
	}
	return end, true
}

// keyfileGroupName is g_key_file_is_group_name().
func keyfileGroupName(name []byte) bool {
	if len(name) == 0 {
		return false
	}
	for _, c := range name {
		if c == '[' || c == ']' || c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// keyfileKeyName is g_key_file_is_key_name(): no empty key, no blank at
// either end, and an optional [locale] suffix made of letters, digits and
// "-_.@".
func keyfileKeyName(key []byte) bool {
	q := 0
	for q < len(key) && key[q] != '=' && key[q] != '[' && key[q] != ']' {
		q++
	}
	if q == 0 || key[0] == ' ' || key[q-1] == ' ' {
		return false
	}
	if q < len(key) && key[q] == '[' {
		q++
		for q < len(key) {
			r, size := utf8.DecodeRune(key[q:])
			if r == utf8.RuneError && size <= 1 {
				break
			}
			if !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '-' && r != '_' && r != '.' && r != '@' {
				break
			}
			q += size
		}
		if q >= len(key) || key[q] != ']' {
			return false
		}
		q++
	}
	return q == len(key)
}

// keyfileUnescape decodes GLib's value escapes (\s \n \t \r \\). "\;" is
// kept as it is: it escapes the separator of a list. bad describes the first
// invalid escape.
func keyfileUnescape(raw []byte) (value, bad string) {
	if bytes.IndexByte(raw, '\\') < 0 {
		return string(raw), ""
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		if i+1 >= len(raw) {
			if bad == "" {
				bad = "ends with an escape character"
			}
			break
		}
		i++
		switch raw[i] {
		case 's':
			out = append(out, ' ')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case 'r':
			out = append(out, '\r')
		case '\\':
			out = append(out, '\\')
		case ';':
			out = append(out, '\\', ';')
		default:
			out = append(out, '\\', raw[i])
			if bad == "" {
				bad = "has an invalid escape sequence " + strconv.Quote(string([]byte{'\\', raw[i]}))
			}
		}
	}
	return string(out), bad
}
