package lsm

// This file holds what the SELinux (avc.go) and AppArmor (apparmor.go) record
// parsers share: finding a record inside a log line whatever prefix the log
// added (audit.log's "type=AVC msg=", the kernel log's "audit: type=1400",
// a dmesg "[ 8812.123456] " stamp, a syslog or journal prefix), reading the
// audit(SECONDS.MILLIS:SERIAL) stamp, and splitting the key=value fields,
// decoding audit's hex form of untrusted strings.
//
// Every line comes from a log that other people and their processes write
// to, so nothing here trusts the shape of its input: the work per line is
// bounded by maxRecordParse, and every string handed out is bounded by
// maxDenialField.

import (
	"encoding/hex"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

const (
	// maxRecordParse bounds how much of one line the parsers look at. The
	// kernel never emits an audit record longer than MAX_AUDIT_MESSAGE_LENGTH
	// (8970 bytes), so a longer line holds nothing more worth reading.
	maxRecordParse = 16 << 10
	// maxDenialField bounds every string field of a Denial except Raw (which
	// is bounded by source.MaxLogLine); a longer value is cut and ends in "…".
	maxDenialField = 1024
	// maxRecordFields bounds how many key=value fields are split from one
	// record (a real AVC or AppArmor record has about twenty).
	maxRecordFields = 64
	// maxPerms bounds how many SELinux permissions are kept from "{ ... }".
	maxPerms = 32
)

// auditRecord is an SELinux or AppArmor record found in a log line.
type auditRecord struct {
	kind string // "selinux" or "apparmor"
	// body runs from the record's marker ("avc:" or `apparmor="`) to the
	// end of the record: it is the same whichever log the record was read
	// from, so it identifies a record copied into several logs.
	body   string
	time   time.Time // from audit(SECONDS.MILLIS:SERIAL), UTC; zero if absent
	serial uint64    // the audit event serial; 0 if absent
	// userspace is set for USER_AVC records: decisions of userspace object
	// managers (dbus, systemd) quoted inside msg='...', not the kernel's.
	userspace bool
}

// findRecord locates the SELinux ("avc:") or AppArmor (`apparmor="`) record
// in a log line and reads its audit stamp.
func findRecord(line string) (auditRecord, bool) {
	var rec auditRecord
	if len(line) > maxRecordParse {
		line = line[:maxRecordParse]
	}
	// auditd's "enriched" log format appends interpreted fields after a
	// 0x1d (group separator) byte; a record never spans lines.
	if i := strings.IndexAny(line, "\x1d\r\n"); i >= 0 {
		line = line[:i]
	}
	avc := markerIndex(line, "avc:")
	aa := markerIndex(line, `apparmor="`)
	at := -1
	switch {
	case avc >= 0 && (aa < 0 || avc < aa):
		rec.kind, at = "selinux", avc
	case aa >= 0:
		rec.kind, at = "apparmor", aa
	default:
		return rec, false
	}
	prefix := line[:at]
	rec.body = strings.TrimRight(line[at:], " \t")
	rec.userspace = strings.HasSuffix(prefix, "'") || strings.Contains(prefix, "USER_AVC") ||
		strings.Contains(prefix, "type=1107")
	rec.time, rec.serial, _ = parseAuditStamp(prefix)
	return rec, true
}

// markerIndex returns the index of the first occurrence of marker in s that
// starts a word (at the start of s, or after a blank or the quote that opens
// a USER_AVC msg='...'), or -1.
func markerIndex(s, marker string) int {
	off := 0
	for {
		i := strings.Index(s[off:], marker)
		if i < 0 {
			return -1
		}
		i += off
		if i == 0 || s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\'' {
			return i
		}
		off = i + 1
	}
}

// parseAuditStamp reads the last "audit(SECONDS.MILLIS:SERIAL)" in s: the
// event's time (UTC) and serial number. The kernel writes the fraction as
// three digits (milliseconds); up to nine are accepted.
func parseAuditStamp(s string) (time.Time, uint64, bool) {
	i := strings.LastIndex(s, "audit(")
	if i < 0 {
		return time.Time{}, 0, false
	}
	s = s[i+len("audit("):]
	end := strings.IndexByte(s, ')')
	if end < 0 || end > 64 {
		return time.Time{}, 0, false
	}
	stamp, ser, ok := strings.Cut(s[:end], ":")
	if !ok {
		return time.Time{}, 0, false
	}
	secs, frac, _ := strings.Cut(stamp, ".")
	if !isDecimal(secs) || len(secs) > 12 || len(frac) > 9 || (frac != "" && !isDecimal(frac)) {
		return time.Time{}, 0, false
	}
	sec, err := strconv.ParseInt(secs, 10, 64)
	if err != nil {
		return time.Time{}, 0, false
	}
	var nsec int64
	if frac != "" {
		n, _ := strconv.ParseInt(frac, 10, 64)
		for k := len(frac); k < 9; k++ {
			n *= 10
		}
		nsec = n
	}
	if !isDecimal(ser) {
		return time.Time{}, 0, false
	}
	serial, err := strconv.ParseUint(ser, 10, 64)
	if err != nil {
		return time.Time{}, 0, false
	}
	return time.Unix(sec, nsec).UTC(), serial, true
}

func isDecimal(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// auditField is one key=value of a record. quoted says the value was in
// double quotes: audit writes an untrusted string quoted when it is plain
// printable ASCII without blanks or quotes, and as bare upper-case hex
// otherwise.
type auditField struct {
	key, val string
	quoted   bool
}

type auditFields []auditField

// splitAuditFields splits `k=v k2="v 2" word k3=v3` into fields. Words
// without '=' ("for") are skipped; a quoted value missing its closing quote
// (a cut line) runs to the end. At most maxRecordFields are kept.
func splitAuditFields(s string) auditFields {
	var out auditFields
	for len(out) < maxRecordFields {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		j := strings.IndexAny(s, "= \t")
		if j < 0 {
			break
		}
		if s[j] != '=' {
			s = s[j:]
			continue
		}
		f := auditField{key: s[:j]}
		s = s[j+1:]
		if strings.HasPrefix(s, `"`) {
			s = s[1:]
			f.quoted = true
			if k := strings.IndexByte(s, '"'); k >= 0 {
				f.val, s = s[:k], s[k+1:]
			} else {
				f.val, s = s, ""
			}
		} else {
			k := strings.IndexAny(s, " \t")
			if k < 0 {
				k = len(s)
			}
			f.val, s = s[:k], s[k:]
		}
		out = append(out, f)
	}
	return out
}

// get returns the first field named key.
func (fs auditFields) get(key string) (auditField, bool) {
	for _, f := range fs {
		if f.key == key {
			return f, true
		}
	}
	return auditField{}, false
}

// plain returns a field the kernel writes itself (tclass, scontext,
// operation, family...), cut to maxDenialField.
func (fs auditFields) plain(key string) string {
	f, _ := fs.get(key)
	return clipField(f.val)
}

// untrusted returns a field audit encodes as an untrusted string (comm,
// exe, name, path, profile, dev, kmod...): a bare upper-case hex value is
// decoded. The result is what the process or file was called, byte for byte
// (it may hold control characters: rendering sanitises it), cut to
// maxDenialField.
func (fs auditFields) untrusted(key string) string {
	f, ok := fs.get(key)
	if !ok {
		return ""
	}
	return clipField(decodeUntrusted(f))
}

// decodeUntrusted undoes audit_log_n_untrustedstring: a bare value made of
// an even number of upper-case hex digits is hex; anything else ("?",
// "(null)", a quoted string) is kept as it is.
func decodeUntrusted(f auditField) string {
	v := f.val
	if f.quoted || v == "" || len(v)%2 != 0 {
		return v
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if (c < '0' || c > '9') && (c < 'A' || c > 'F') {
			return v
		}
	}
	if len(v) > 2*maxDenialField+2 {
		v = v[:2*maxDenialField+2]
	}
	b, err := hex.DecodeString(v)
	if err != nil {
		return f.val
	}
	return string(b)
}

// intField parses a decimal field such as pid=4242 or error=-13; 0 when
// absent or not a number that fits in 32 bits.
func (fs auditFields) intField(key string) int {
	f, ok := fs.get(key)
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(f.val, 10, 32)
	if err != nil {
		return 0
	}
	return int(n)
}

// clipField cuts s to maxDenialField bytes without splitting a UTF-8
// sequence.
func clipField(s string) string { return clipAt(s, maxDenialField) }

func clipAt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for k := 0; k < utf8.UTFMax && n > 0 && !utf8.RuneStart(s[n]); k++ {
		n--
	}
	return source.Clip(s, n)
}

// capDisplayName names capability number n the way both LSMs print it in
// their own records ("net_admin"): libcap's name without its "cap_" prefix,
// or the decimal number for one libcap does not know.
func capDisplayName(n uint64) string {
	if n > 63 {
		return strconv.FormatUint(n, 10)
	}
	return strings.TrimPrefix(cap.Value(n).String(), "cap_")
}

// capNumber parses a capability=N field; ok is false when absent or not a
// number.
func (fs auditFields) capNumber() (uint64, bool) {
	f, ok := fs.get("capability")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(f.val, 10, 32)
	return n, err == nil
}
