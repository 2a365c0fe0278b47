package probes

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
)

// LogLine is one line of a log, with where it came from.
type LogLine struct {
	Time   time.Time `json:"time,omitempty"`
	Source string    `json:"source"`
	Text   string    `json:"text"`
}

// maxLogLine bounds one line kept from a log (audit records can be long;
// a 100 KB line of garbage is cut).
const maxLogLine = 8 << 10

// kernelLog reads the kernel log once per gather: /dev/kmsg on a live system
// (it needs CAP_SYSLOG when kernel.dmesg_restrict=1), else the journal's
// kernel messages, else the syslog files. Under a captured root only files
// (and a journal directory) are read.
type kernelLog struct {
	once  sync.Once
	lines []LogLine
	src   string
	err   error
}

func (e *env) kernelLog(ctx context.Context) ([]LogLine, string, error) {
	k := &e.klog
	k.once.Do(func() { k.lines, k.src, k.err = readKernelLog(ctx, e) })
	return k.lines, k.src, k.err
}

func readKernelLog(ctx context.Context, e *env) ([]LogLine, string, error) {
	var errs []string
	if e.root.Live() {
		lines, err := readKmsg(e.root)
		if err == nil {
			return lines, "/dev/kmsg", nil
		}
		errs = append(errs, "/dev/kmsg: "+Reason(err))
		lines, err = readJournal(ctx, e.root, "-k")
		if err == nil && len(lines) > 0 {
			return lines, "journal (kernel)", nil
		}
		if err != nil {
			errs = append(errs, "journal: "+Reason(err))
		}
	} else if lines, err := readJournal(ctx, e.root, "-k"); err == nil && len(lines) > 0 {
		return lines, "journal (kernel)", nil
	}
	for _, f := range []string{"/var/log/kern.log", "/var/log/dmesg", "/var/log/messages", "/var/log/syslog"} {
		lines, err := readLogFile(e.root, f)
		if err == nil {
			return lines, f, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, f+": "+Reason(err))
		}
	}
	if len(errs) == 0 {
		errs = append(errs, "no kernel log found (/dev/kmsg, journal, /var/log/kern.log, messages, syslog)")
	}
	return nil, "", errors.New(strings.Join(errs, "; "))
}

// readKmsg reads every record /dev/kmsg still holds, without blocking.
func readKmsg(r Root) ([]LogLine, error) {
	fd, err := syscall.Open(r.Path("/dev/kmsg"), syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: r.Path("/dev/kmsg"), Err: err}
	}
	defer syscall.Close(fd)
	boot := bootTime(r)
	var lines []LogLine
	buf := make([]byte, 16<<10)
	total := 0
	for total < MaxLogTail {
		n, err := syscall.Read(fd, buf)
		if err == syscall.EPIPE { // a record was overwritten while reading: go on
			continue
		}
		if err != nil || n <= 0 {
			break
		}
		total += n
		msg, since, ok := parseKmsgRecord(string(buf[:n]))
		if !ok {
			continue
		}
		l := LogLine{Source: "/dev/kmsg", Text: clip(msg, maxLogLine)}
		if !boot.IsZero() {
			l.Time = boot.Add(since)
		}
		lines = append(lines, l)
	}
	return lines, nil
}

// bootTime reads btime from /proc/stat.
func bootTime(r Root) time.Time {
	b, err := r.ReadFile("/proc/stat")
	if err != nil {
		return time.Time{}
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "btime "); ok {
			if s, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
				return time.Unix(s, 0)
			}
		}
	}
	return time.Time{}
}

// readLogFile reads the tail of a text log below the root.
func readLogFile(r Root, path string) ([]LogLine, error) {
	b, err := ReadTail(r.Path(path), MaxLogTail)
	if err != nil {
		return nil, err
	}
	return splitLog(b, path, parseSyslogTime), nil
}

// splitLog splits a log into lines, cutting each at maxLogLine and dropping
// empty ones. stamp, if set, extracts a line's time and its text without it.
func splitLog(b []byte, source string, stamp func(string) (time.Time, string)) []LogLine {
	var out []LogLine
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), MaxLogTail+1)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		l := LogLine{Source: source, Text: line}
		if stamp != nil {
			l.Time, l.Text = stamp(line)
		}
		l.Text = clip(l.Text, maxLogLine)
		out = append(out, l)
	}
	return out
}

// parseSyslogTime recognises the two time stamps syslog files use:
// RFC 3339 ("2026-11-22T06:29:01.123456+00:00 host ...") and the classic
// "Nov 22 06:29:01 host ..." (which has no year: the current one is assumed,
// or last year's when that would be in the future).
func parseSyslogTime(line string) (time.Time, string) {
	if sp := strings.IndexByte(line, ' '); sp > 0 {
		if t, err := time.Parse(time.RFC3339Nano, line[:sp]); err == nil {
			return t, line[sp+1:]
		}
	}
	if len(line) > 16 && line[15] == ' ' {
		if t, err := time.ParseInLocation("Jan _2 15:04:05", line[:15], time.Local); err == nil {
			now := time.Now()
			t = t.AddDate(now.Year(), 0, 0)
			if t.After(now.Add(24 * time.Hour)) {
				t = t.AddDate(-1, 0, 0)
			}
			return t, line[16:]
		}
	}
	return time.Time{}, line
}

// journalCache keeps journalctl's answers while the journal files are
// unchanged: a dashboard refreshing every 30 s then runs no process at all
// on a quiet system.
var journalCache struct {
	sync.Mutex
	m map[string]journalEntry
}

type journalEntry struct {
	stamp string
	lines []LogLine
	err   error
}

// journalStamp summarises the journal files (names, sizes, times) below the
// journal directories, two levels deep; "" when there is no journal.
func journalStamp(r Root) string {
	var b strings.Builder
	for _, d := range []string{"/var/log/journal", "/run/log/journal"} {
		ents, err := os.ReadDir(r.Path(d))
		if err != nil {
			continue
		}
		b.WriteString(d)
		for _, m := range ents {
			if !m.IsDir() {
				continue
			}
			files, _ := os.ReadDir(r.Path(d, m.Name()))
			for i, f := range files {
				if i == 10000 {
					break
				}
				if info, err := f.Info(); err == nil {
					fmt.Fprintf(&b, "|%s:%d:%d", f.Name(), info.Size(), info.ModTime().UnixNano())
				}
			}
		}
	}
	return b.String()
}

// readJournal runs journalctl (by absolute path, with a timeout) for the last
// lines matching args; under a captured root it reads ROOT/var/log/journal.
// Answers are reused while the journal files do not change.
func readJournal(ctx context.Context, r Root, args ...string) ([]LogLine, error) {
	if lines, ok, err := capturedJournal(r, args); ok { // a capture's recorded answers
		return lines, err
	}
	stamp := journalStamp(r)
	if stamp == "" {
		return nil, &os.PathError{Op: "open", Path: r.Path("/var/log/journal"), Err: os.ErrNotExist}
	}
	key := r.Dir + "\x00" + strings.Join(args, "\x00")
	journalCache.Lock()
	if c, ok := journalCache.m[key]; ok && c.stamp == stamp {
		journalCache.Unlock()
		return c.lines, c.err
	}
	journalCache.Unlock()
	lines, err := runJournal(ctx, r, args...)
	if ctx.Err() == nil {
		journalCache.Lock()
		if journalCache.m == nil {
			journalCache.m = map[string]journalEntry{}
		}
		journalCache.m[key] = journalEntry{stamp: stamp, lines: lines, err: err}
		journalCache.Unlock()
	}
	return lines, err
}

func runJournal(ctx context.Context, r Root, args ...string) ([]LogLine, error) {
	argv := []string{"--no-pager", "-q", "-o", "short-iso-precise", "-n", "5000"}
	if !r.Live() {
		dir := r.Path("/var/log/journal")
		if _, err := os.Stat(dir); err != nil {
			return nil, err
		}
		argv = append(argv, "-D", dir)
	}
	argv = append(argv, args...)
	res, err := sysexec.Run(ctx, 3*time.Second, "journalctl", argv...)
	if err != nil {
		return nil, err
	}
	return splitLog(res.Stdout, "journal", parseSyslogTime), nil
}
