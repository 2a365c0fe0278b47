package source

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
)

// LogLine is one line of a log, with where it came from.
type LogLine struct {
	Time   time.Time `json:"time,omitempty"`
	Source string    `json:"source"`
	Text   string    `json:"text"`
}

// MaxLogLine bounds one line kept from a log (audit records can be long;
// a 100 KB line of garbage is cut).
const MaxLogLine = 8 << 10

// ReadLogFile reads the tail of a text log below the root.
func ReadLogFile(r Root, path string) ([]LogLine, error) {
	b, err := r.ReadTail(path, MaxLogTail)
	if err != nil {
		return nil, err
	}
	return SplitLog(b, path, ParseSyslogTime), nil
}

// SplitLog splits a log into lines, cutting each at MaxLogLine and dropping
// empty ones. stamp, if set, extracts a line's time and its text without it.
func SplitLog(b []byte, source string, stamp func(string) (time.Time, string)) []LogLine {
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
		l.Text = Clip(l.Text, MaxLogLine)
		out = append(out, l)
	}
	return out
}

// ParseSyslogTime recognises the two time stamps syslog files use:
// RFC 3339 ("2026-11-22T06:29:01.123456+00:00 host ...") and the classic
// "Nov 22 06:29:01 host ..." (which has no year: the current one is assumed,
// or last year's when that would be in the future).
func ParseSyslogTime(line string) (time.Time, string) {
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
	dirs := []string{"/var/log/journal", "/run/log/journal"}
	if !r.Live() {
		dirs = dirs[:1] // what runJournal reads, once checked
		if _, err := JournalDir(r); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "refused" // runJournal says why
		}
	}
	for _, d := range dirs {
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

// CapturedJournal answers a journal query from a capture made by
// "rtnl-doctor capture"; ok is false when r holds no such answer. probes sets
// it (the capture's layout is its own), so this package needs no probes.
var CapturedJournal func(r Root, args []string) (lines []LogLine, ok bool, err error)

// ReadJournal runs journalctl (by absolute path, with a timeout) for the last
// lines matching args; under a captured root it reads ROOT/var/log/journal.
// Answers are reused while the journal files do not change.
func ReadJournal(ctx context.Context, r Root, args ...string) ([]LogLine, error) {
	if CapturedJournal != nil {
		if lines, ok, err := CapturedJournal(r, args); ok { // a capture's recorded answers
			return lines, err
		}
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
		dir, err := JournalDir(r)
		if err != nil {
			return nil, err
		}
		argv = append(argv, "-D", dir)
	}
	argv = append(argv, args...)
	res, err := sysexec.Run(ctx, 3*time.Second, "journalctl", argv...)
	if err != nil {
		return nil, err
	}
	return SplitLog(res.Stdout, "journal", ParseSyslogTime), nil
}

// maxJournalFiles bounds the files of a captured journal directory.
const maxJournalFiles = 10000

// JournalDir returns ROOT/var/log/journal of a captured tree once checked
// for journalctl, which runs as root on files that came with the tree: no
// component of the path may be a symlink (it would lead journalctl out of
// the tree, to the host's journal), and the directory may hold only
// directories (one level: the machine IDs) and regular files.
func JournalDir(r Root) (string, error) {
	cur := r.Dir
	for _, c := range []string{"var", "log", "journal"} {
		cur = filepath.Join(cur, c)
		st, err := os.Lstat(cur)
		if err != nil {
			return "", err
		}
		if st.Mode()&os.ModeSymlink != 0 {
			return "", fmt.Errorf("%s is a symlink: journalctl would read outside the examined tree: refused", cur)
		}
		if !st.IsDir() {
			return "", fmt.Errorf("%s: not a directory", cur)
		}
	}
	n := 0
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, de := range ents {
			p := filepath.Join(dir, de.Name())
			if n++; n > maxJournalFiles {
				return fmt.Errorf("%s: more than %d files: refused", cur, maxJournalFiles)
			}
			switch t := de.Type(); {
			case t.IsDir() && depth == 0:
				if err := walk(p, depth+1); err != nil {
					return err
				}
			case t.IsRegular():
			default:
				return fmt.Errorf("%s is not a regular file (%s): journalctl is not run on the examined tree's journal", p, t)
			}
		}
		return nil
	}
	if err := walk(cur, 0); err != nil {
		return "", err
	}
	return cur, nil
}
