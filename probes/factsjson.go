package probes

import (
	"bufio"
	"encoding/json"
	"io"
	"net/netip"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
)

// WriteJSON writes the facts as JSON, streaming the links and addresses one
// per line instead of building the whole document in memory (20,000 links
// are 6 MB of JSON). The shape is encoding/json's for the Facts struct.
// Besides what JSON requires, DEL, the C1 controls and the bidirectional
// overrides are written as \u escapes, so the output is safe on a terminal.
func (f *Facts) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	gathered := map[Group]bool{}
	for _, g := range f.Gathered {
		gathered[g] = true
	}
	rv := reflect.ValueOf(f).Elem()
	bw.WriteString("{")
	first := true
	for i, fld := range factsFields {
		g := lookupGroup(Group(fld.key))
		switch {
		case g != nil && !gathered[g.name]:
			continue // not read in this gather (probe --group): absent, not empty
		case fld.omitEmpty && emptyValue(rv.Field(i)):
			continue
		}
		if !first {
			bw.WriteString(",")
		}
		first = false
		bw.WriteString("\n" + strconv.Quote(fld.key) + ":")
		var err error
		if g != nil {
			err = g.writeJSON(bw, f)
		} else {
			err = writeValue(bw, rv.Field(i).Interface())
		}
		if err != nil {
			return err
		}
	}
	bw.WriteString("\n}")
	return bw.Flush()
}

// factsField is one field of Facts as encoding/json writes it.
type factsField struct {
	key       string
	omitEmpty bool
}

// factsFields are Facts's fields in encoding/json's order (the fields'):
// a group's field is written by the group's writer, the others by
// encoding/json.
var factsFields = func() []factsField {
	t := reflect.TypeFor[Facts]()
	out := make([]factsField, t.NumField())
	for i := range out {
		key, opts, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		out[i] = factsField{key: key, omitEmpty: opts == "omitempty"}
	}
	return out
}()

// emptyValue is encoding/json's test for omitempty.
func emptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	}
	return v.IsZero()
}

// writeValue marshals a small value and writes it with the extra escapes.
func writeValue(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(EscapeTerminal(b))
	return err
}

// MarshalJSON makes encoding/json use the streaming writer's encoding.
func (n NetFacts) MarshalJSON() ([]byte, error) {
	var b bytesWriter
	bw := bufio.NewWriter(&b)
	n.writeJSON(bw)
	bw.Flush()
	return b, nil
}

type bytesWriter []byte

func (b *bytesWriter) Write(p []byte) (int, error) {
	*b = append(*b, p...)
	return len(p), nil
}

// writeNetJSON is the net group's JSON writer: links and addresses
// streamed one per line.
func writeNetJSON(bw *bufio.Writer, f *Facts) error {
	f.Net.writeJSON(bw)
	return nil
}

func (n *NetFacts) writeJSON(bw *bufio.Writer) {
	buf := make([]byte, 0, 512)
	bw.WriteString(`{"links":[`)
	for i := range n.Links {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		buf = appendLink(buf, &n.Links[i])
		bw.Write(buf)
	}
	bw.WriteString(`],"addrs":[`)
	for i := range n.Addrs {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '\n')
		buf = appendAddr(buf, &n.Addrs[i])
		bw.Write(buf)
	}
	bw.WriteString("],\"routes\":")
	writeValue(bw, n.Routes)
	if len(n.NetDev) > 0 {
		bw.WriteString(`,"netdev":`)
		writeValue(bw, n.NetDev)
	}
	if len(n.UDP) > 0 {
		bw.WriteString(`,"udp":`)
		writeValue(bw, n.UDP)
	}
	if len(n.TunHolders) > 0 {
		bw.WriteString(`,"tun_holders":`)
		writeValue(bw, n.TunHolders)
	}
	if len(n.Drivers) > 0 {
		bw.WriteString(`,"drivers":`)
		writeValue(bw, n.Drivers)
	}
	if len(n.Gaps) > 0 {
		bw.WriteString(`,"unavailable":`)
		writeValue(bw, n.Gaps)
	}
	bw.WriteString("}")
}

func appendKey(b []byte, k string) []byte {
	b = append(b, ',', '"')
	b = append(b, k...)
	return append(b, '"', ':')
}

// appendLink encodes a Link exactly as encoding/json would (same keys,
// same omitempty rules), without reflection.
func appendLink(b []byte, l *Link) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(l.Index), 10)
	b = appendKey(b, "name")
	b = AppendJSONString(b, l.Name)
	if len(l.AltNames) > 0 {
		b = appendKey(b, "altnames")
		b = append(b, '[')
		for i, a := range l.AltNames {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendJSONString(b, a)
		}
		b = append(b, ']')
	}
	if l.Kind != "" {
		b = appendKey(b, "kind")
		b = AppendJSONString(b, l.Kind)
	}
	if l.SlaveKind != "" {
		b = appendKey(b, "slave_kind")
		b = AppendJSONString(b, l.SlaveKind)
	}
	b = appendKey(b, "flags")
	b = strconv.AppendUint(b, uint64(l.Flags), 10)
	b = appendKey(b, "operstate")
	b = AppendJSONString(b, l.OperState)
	if l.Carrier != nil {
		b = appendKey(b, "carrier")
		b = strconv.AppendBool(b, *l.Carrier)
	}
	b = appendKey(b, "mtu")
	b = strconv.AppendUint(b, uint64(l.MTU), 10)
	if l.MinMTU != 0 {
		b = appendKey(b, "min_mtu")
		b = strconv.AppendUint(b, uint64(l.MinMTU), 10)
	}
	if l.MaxMTU != 0 {
		b = appendKey(b, "max_mtu")
		b = strconv.AppendUint(b, uint64(l.MaxMTU), 10)
	}
	if l.Master != 0 {
		b = appendKey(b, "master")
		b = strconv.AppendInt(b, int64(l.Master), 10)
	}
	if l.Parent != 0 {
		b = appendKey(b, "link")
		b = strconv.AppendInt(b, int64(l.Parent), 10)
	}
	if l.ParentNetNSID != nil {
		b = appendKey(b, "link_netnsid")
		b = strconv.AppendInt(b, int64(*l.ParentNetNSID), 10)
	}
	if l.Alias != "" {
		b = appendKey(b, "alias")
		b = AppendJSONString(b, l.Alias)
	}
	if l.HWAddr != "" {
		b = appendKey(b, "address")
		b = AppendJSONString(b, l.HWAddr)
	}
	if l.LinkType != "" {
		b = appendKey(b, "link_type")
		b = AppendJSONString(b, l.LinkType)
	}
	if l.Vxlan != nil {
		if v, err := json.Marshal(l.Vxlan); err == nil {
			b = appendKey(b, "vxlan")
			b = append(b, EscapeTerminal(v)...)
		}
	}
	return append(b, '}')
}

func appendAddr(b []byte, a *Addr) []byte {
	b = append(b, `{"index":`...)
	b = strconv.AppendInt(b, int64(a.Index), 10)
	b = appendKey(b, "family")
	b = AppendJSONString(b, a.Family)
	b = appendKey(b, "prefix")
	b = appendPrefix(b, a.Prefix)
	if a.Peer.IsValid() {
		b = appendKey(b, "peer")
		b = append(b, '"')
		b = a.Peer.AppendTo(b)
		b = append(b, '"')
	}
	b = appendKey(b, "scope")
	b = AppendJSONString(b, a.Scope)
	if a.Label != "" {
		b = appendKey(b, "label")
		b = AppendJSONString(b, a.Label)
	}
	if a.Flags != 0 {
		b = appendKey(b, "flags")
		b = strconv.AppendUint(b, uint64(a.Flags), 10)
	}
	return append(b, '}')
}

func appendPrefix(b []byte, p netip.Prefix) []byte {
	if !p.IsValid() {
		return append(b, `""`...)
	}
	b = append(b, '"')
	b = p.AppendTo(b)
	return append(b, '"')
}

// terminalRune reports the runes that are valid in JSON strings but must not
// reach a terminal raw: the one list of unsafe code points (sanitize.Unsafe).
func terminalRune(r rune) bool { return r >= 0x20 && sanitize.Unsafe(r) }

const hexDigits = "0123456789abcdef"

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// AppendJSONString appends s as a JSON string: quotes, backslashes and
// controls escaped, invalid UTF-8 replaced by U+FFFD, terminal-unsafe runes
// escaped.
func AppendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c == '\b':
				b = append(b, '\\', 'b')
			case c == '\f':
				b = append(b, '\\', 'f')
			case c < 0x20 || c == 0x7f || c == '<' || c == '>' || c == '&': // <>& as encoding/json's HTML-safe output
				b = appendU(b, rune(c))
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case terminalRune(r):
			b = appendU(b, r)
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

// EscapeTerminal rewrites terminal-unsafe runes in encoding/json output as
// \u escapes (they can only occur inside strings, so the JSON stays valid).
func EscapeTerminal(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c >= utf8.RuneSelf || c == 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if terminalRune(r) {
			out = appendU(out, r)
		} else {
			out = append(out, b[i:i+size]...)
		}
		i += size
	}
	return out
}
