package lsm

// This file gathers recent SELinux and AppArmor denials: the proof that a
// security module, not the kernel's networking code, refused an operation
// (an rtnetlink write, a netlink or TUN socket, CAP_NET_ADMIN, a user
// namespace). It reads the end of every log a denial is copied to:
//
//   - /var/log/audit/audit.log, written by auditd (root-only);
//   - the kernel log (source.Env.KernelLog, read once per gather by
//     probes): kauditd prints records there when no auditd is running;
//   - /var/log/syslog and /var/log/messages, unless one of them already was
//     the kernel log;
//   - the journal's audit transport (journalctl _TRANSPORT=audit): on the
//     live system, or the captured journal under a captured root.
//
// The same record often reaches several of these; copies are dropped. Only
// a bounded tail of each file is read (source.ReadTail, source.MaxLogTail), so a 1 GiB
// audit.log costs what a 4 MiB one does.
//
// Lines in syslog and the journal can be forged by any local user (logger
// -t kernel ...); Source says where each denial was read, and audit.log
// (written only by auditd) is the authoritative copy.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// Denial is one SELinux or AppArmor denial read from a log.
type Denial struct {
	Time   time.Time `json:"time,omitzero"`
	Serial uint64    `json:"serial,omitempty"` // the audit event's serial number
	Source string    `json:"source"`           // the file, "journal" or "/dev/kmsg"
	Kind   string    `json:"kind"`             // "selinux" or "apparmor"
	PID    int       `json:"pid,omitempty"`
	Comm   string    `json:"comm,omitempty"`
	Exe    string    `json:"exe,omitempty"`
	// Operation is AppArmor's operation, or the SELinux permissions joined
	// by " ".
	Operation  string `json:"operation,omitempty"`
	Class      string `json:"class,omitempty"`      // SELinux tclass or AppArmor class
	Capability string `json:"capability,omitempty"` // without "cap_": "net_admin"
	Profile    string `json:"profile,omitempty"`    // AppArmor profile
	Scontext   string `json:"scontext,omitempty"`
	Tcontext   string `json:"tcontext,omitempty"`
	Name       string `json:"name,omitempty"` // object path (/dev/net/tun), or the module a module_request asked for
	Family     string `json:"family,omitempty"`
	SockType   string `json:"sock_type,omitempty"` // AppArmor: stream, dgram, raw...
	Protocol   string `json:"protocol,omitempty"`  // AppArmor: the socket protocol ("0" is rtnetlink for netlink)
	Denied     string `json:"denied,omitempty"`    // denied permissions / mask
	Requested  string `json:"requested,omitempty"` // AppArmor: requested permissions / mask
	Info       string `json:"info,omitempty"`      // AppArmor's explanation
	Error      int    `json:"error,omitempty"`     // AppArmor: the errno returned (-13 is EACCES)
	// Permissive is SELinux permissive=1: the denial was logged but the
	// access allowed, so it cannot be what failed.
	Permissive bool   `json:"permissive,omitempty"`
	Relevant   bool   `json:"relevant"`      // touches networking
	Why        string `json:"why,omitempty"` // why it is relevant, in words
	// Raw is the line as read (after the log's own time stamp), cut to
	// source.MaxLogLine. It is untrusted text: sanitise before printing.
	Raw string `json:"raw"`
}

// DenialFacts are the recent denials found in the logs.
type DenialFacts struct {
	// Denials are newest first, at most maxDenials; when more were found,
	// the networking ones are kept in preference.
	Denials []Denial `json:"denials,omitempty"`
	// Relevant counts the networking denials found, including any cut from
	// Denials.
	Relevant int `json:"relevant"`
	// Cut is how many denials were found but left out of Denials.
	Cut int `json:"cut,omitempty"`
	// Sources are the logs read, e.g. "/var/log/audit/audit.log (last 4 MiB)".
	Sources []string    `json:"sources,omitempty"`
	Gaps    source.Gaps `json:"unavailable,omitempty"`

	// AppArmorProfiles are the files of the AppArmor profiles named in
	// relevant denials, by profile.
	AppArmorProfiles map[string]AppArmorProfileFile `json:"apparmor_profiles,omitempty"`
}

// maxDenials bounds DenialFacts.Denials.
const maxDenials = 200

const AuditLogPath = "/var/log/audit/audit.log"

func GatherDenials(ctx context.Context, e *source.Env) DenialFacts {
	var df DenialFacts
	c := newDenialCollector()
	var absent []string // sources that do not exist here, and why that is normal
	read := 0

	// auditd's log: the complete, authoritative record.
	if lines, err := source.ReadLogFile(e.Root, AuditLogPath); err == nil {
		read++
		df.Sources = append(df.Sources, AuditLogPath+tailNote(e.Root, AuditLogPath))
		c.add(lines, AuditLogPath)
	} else if errors.Is(err, fs.ErrNotExist) {
		absent = append(absent, AuditLogPath+": not present (auditd is not installed or does not log to a file)")
	} else {
		df.Gaps.AddReason("audit.log", auditLogReason(e, err))
	}

	// The kernel log: kauditd's copy when auditd is not running.
	klines, ksrc, kerr := e.KernelLog(ctx)
	switch {
	case kerr == nil:
		read++
		df.Sources = append(df.Sources, ksrc+tailNote(e.Root, ksrc))
		c.add(klines, ksrc)
	case strings.Contains(source.Reason(kerr), "permission denied"):
		df.Gaps.AddReason("kernel_log", "kernel log unreadable: "+source.Reason(kerr))
	default:
		absent = append(absent, "kernel log: "+source.Reason(kerr))
	}

	// syslog files: they hold kernel lines too, and audispd's syslog copy.
	for _, p := range []string{"/var/log/syslog", "/var/log/messages"} {
		if p == ksrc || ctx.Err() != nil {
			continue
		}
		lines, err := source.ReadLogFile(e.Root, p)
		switch {
		case err == nil:
			read++
			df.Sources = append(df.Sources, p+tailNote(e.Root, p))
			c.add(lines, p)
		case errors.Is(err, fs.ErrNotExist):
			absent = append(absent, p+": not present")
		default:
			df.Gaps.AddReason(strings.TrimPrefix(p, "/var/log/"), source.Reason(err))
		}
	}

	// The journal's audit transport (journald listens to audit too).
	if ctx.Err() == nil {
		lines, err := source.ReadJournal(ctx, e.Root, "_TRANSPORT=audit")
		switch {
		case err == nil:
			read++
			df.Sources = append(df.Sources, "journal (audit)")
			c.add(lines, "journal")
		case errors.Is(err, sysexec.ErrNotFound):
			absent = append(absent, "journal: journalctl is not installed")
		case errors.Is(err, fs.ErrNotExist):
			absent = append(absent, "journal: no /var/log/journal")
		default:
			absent = append(absent, "journal: "+source.Reason(err))
		}
	}

	if ctx.Err() != nil {
		df.Gaps.AddReason("denials", "stopped early: "+source.Reason(ctx.Err()))
	}
	if read == 0 {
		df.Gaps.AddReason("denials", "no log that records security denials could be read: "+strings.Join(absent, "; "))
	}
	df.Denials, df.Relevant, df.Cut = c.result()
	df.AppArmorProfiles = appArmorProfileFiles(e.Root, df.Denials)
	return df
}

// auditLogReason explains why audit.log exists but cannot be read.
func auditLogReason(e *source.Env, err error) string {
	if errors.Is(err, fs.ErrPermission) {
		return "permission denied reading " + e.Root.Path(AuditLogPath) +
			": auditd's log (and /var/log/audit) is readable by root only; run as root to see SELinux and AppArmor denials"
	}
	return source.Reason(err)
}

// tailNote says " (last 4 MiB)" when only the end of a file was read.
func tailNote(r source.Root, p string) string {
	if !strings.HasPrefix(p, "/") {
		return "" // "/dev/kmsg" is a file, but "journal (kernel)" is not
	}
	st, err := os.Stat(r.Path(p))
	if err != nil || !st.Mode().IsRegular() || st.Size() <= source.MaxLogTail {
		return ""
	}
	return fmt.Sprintf(" (last %d MiB)", source.MaxLogTail>>20)
}

// denialCollector parses lines from several logs, drops the copies of a
// record already seen, and remembers the executable of each audit event
// (from its SYSCALL record, which the AVC record lacks).
type denialCollector struct {
	bySerial map[eventKey]bool
	byBody   map[string]bool
	exes     map[eventKey]string
	all      []Denial
	keys     []eventKey
}

// eventKey identifies an audit event: its stamp's time (ms) and serial.
type eventKey struct {
	ms     int64
	serial uint64
}

// maxSyscallExes bounds the SYSCALL records remembered for their exe.
const maxSyscallExes = 100000

func newDenialCollector() *denialCollector {
	return &denialCollector{bySerial: map[eventKey]bool{}, byBody: map[string]bool{}, exes: map[eventKey]string{}}
}

// add parses lines read from source. A record is a copy of one already
// seen when it has the same audit stamp (time and serial) or, lacking a
// stamp (the journal drops it from the message), the same text from its
// marker on.
func (c *denialCollector) add(lines []source.LogLine, source string) {
	for _, l := range lines {
		t := l.Text
		if !strings.Contains(t, "avc:") && !strings.Contains(t, "apparmor=") {
			if strings.Contains(t, "SYSCALL") || strings.Contains(t, "type=1300") {
				c.syscall(t)
			}
			continue
		}
		d, rec, ok := parseAVCRecord(t)
		if !ok {
			d, rec, ok = parseAppArmorRecord(t)
		}
		if !ok {
			continue
		}
		key := eventKey{serial: rec.serial}
		if !rec.time.IsZero() {
			key.ms = rec.time.UnixMilli()
		}
		if rec.serial != 0 {
			if c.bySerial[key] {
				continue
			}
			c.bySerial[key] = true
		} else if c.byBody[rec.body] {
			continue
		}
		c.byBody[rec.body] = true
		d.Source = clipField(l.Source)
		if d.Source == "" {
			d.Source = source
		}
		if d.Time.IsZero() {
			d.Time = l.Time
			if d.Time.IsZero() {
				d.Time = leadingTime(t)
			}
		}
		c.all = append(c.all, d)
		c.keys = append(c.keys, key)
	}
}

// syscall remembers the exe of a SYSCALL record (type=SYSCALL in
// audit.log, type=1300 in the kernel log, "SYSCALL arch=" in the journal).
func (c *denialCollector) syscall(line string) {
	if len(c.exes) >= maxSyscallExes {
		return
	}
	if len(line) > maxRecordParse {
		line = line[:maxRecordParse]
	}
	if i := strings.IndexAny(line, "\x1d\r\n"); i >= 0 {
		line = line[:i]
	}
	i := strings.Index(line, "audit(")
	if i < 0 {
		return
	}
	tm, serial, ok := parseAuditStamp(line[:min(len(line), i+80)])
	if !ok || serial == 0 {
		return
	}
	rest := line[i:]
	if j := strings.Index(rest, "): "); j >= 0 {
		rest = rest[j+3:]
	}
	if exe := splitAuditFields(rest).untrusted("exe"); exe != "" {
		c.exes[eventKey{ms: tm.UnixMilli(), serial: serial}] = exe
	}
}

// result fills in executables from SYSCALL records, orders the denials
// newest first and keeps at most maxDenials, networking ones first.
func (c *denialCollector) result() (kept []Denial, relevant, cut int) {
	for i := range c.all {
		if c.all[i].Exe == "" && c.keys[i].serial != 0 {
			c.all[i].Exe = c.exes[c.keys[i]]
		}
		if c.all[i].Relevant {
			relevant++
		}
	}
	newestFirst := func(ds []Denial) {
		sort.SliceStable(ds, func(i, j int) bool {
			a, b := ds[i], ds[j]
			if a.Time.IsZero() != b.Time.IsZero() {
				return b.Time.IsZero()
			}
			if !a.Time.Equal(b.Time) {
				return a.Time.After(b.Time)
			}
			return a.Serial > b.Serial
		})
	}
	all := c.all
	newestFirst(all)
	if len(all) <= maxDenials {
		return all, relevant, 0
	}
	kept = make([]Denial, 0, maxDenials)
	for _, d := range all {
		if d.Relevant && len(kept) < maxDenials {
			kept = append(kept, d)
		}
	}
	for _, d := range all {
		if !d.Relevant && len(kept) < maxDenials {
			kept = append(kept, d)
		}
	}
	newestFirst(kept)
	return kept, relevant, len(all) - len(kept)
}

// leadingTime reads the time stamp journalctl's short-iso-precise output
// starts a line with ("2024-11-22T06:29:01.312000+0000"), for the records
// whose own stamp the journal removed.
func leadingTime(line string) time.Time {
	tok, _, _ := strings.Cut(line, " ")
	if len(tok) < 19 || len(tok) > 40 {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999-0700", time.RFC3339Nano} {
		if t, err := time.Parse(layout, tok); err == nil {
			return t
		}
	}
	return time.Time{}
}

// capWhy explains, in words, why denying a capability matters for
// networking; "" for capabilities that do not.
func capWhy(name string, userns bool) string {
	where := ""
	if userns {
		where = " inside a user namespace"
	}
	switch name {
	case "net_admin":
		return "denies CAP_NET_ADMIN" + where + ", which every link, address and route change needs"
	case "net_raw":
		return "denies CAP_NET_RAW" + where + ", which raw and packet sockets need (ping, DHCP clients, some CNI plugins)"
	case "sys_module":
		return "denies CAP_SYS_MODULE" + where + ": the kernel module for a new link type cannot be loaded"
	case "sys_admin":
		return "denies CAP_SYS_ADMIN" + where + ", which creating and entering namespaces and mounting need"
	}
	return ""
}
