package watch

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// Logs is the last back end: the kernel log (/dev/kmsg) and the audit log
// (/var/log/audit/audit.log), followed from their current end. It sees
// what the kernel and the audit daemon write down: SELinux and AppArmor
// denials with pid and comm, and capability or netlink errors some drivers
// log. It never sees a netlink error code.
type Logs struct {
	files   []*os.File
	kmsg    int // /dev/kmsg's descriptor (non-blocking), -1 when not read
	names   []string
	self    int
	journal *exec.Cmd // journalctl -f, when the journal is running
}

// OpenLogs opens the logs it can read.
func OpenLogs(o Options) (*Logs, error) {
	l := &Logs{self: o.Self, kmsg: -1}
	if l.self == 0 {
		l.self = os.Getpid()
	}
	var why []string
	if f, err := os.Open("/dev/kmsg"); err == nil {
		if _, err := f.Seek(0, io.SeekEnd); err == nil {
			// One record per read; non-blocking, so a read never outlives
			// the watch.
			l.kmsg = int(f.Fd())
			unix.SetNonblock(l.kmsg, true)
			l.files, l.names = append(l.files, f), append(l.names, "/dev/kmsg")
		} else {
			f.Close()
			why = append(why, "/dev/kmsg: "+err.Error())
		}
	} else {
		why = append(why, "/dev/kmsg: "+err.Error())
	}
	if f, err := os.Open("/var/log/audit/audit.log"); err == nil {
		f.Seek(0, io.SeekEnd)
		l.files, l.names = append(l.files, f), append(l.names, "/var/log/audit/audit.log")
	} else {
		why = append(why, "audit log: "+err.Error())
	}
	if err := l.followJournal(); err != nil {
		why = append(why, "journal: "+err.Error())
	}
	if len(l.files) == 0 {
		return nil, fmt.Errorf("no log to follow (%s)", strings.Join(why, "; "))
	}
	return l, nil
}

// followJournal starts journalctl -f (by absolute path, argv only) from
// now on, when systemd-journald runs.
func (l *Logs) followJournal() error {
	if _, err := os.Stat("/run/systemd/journal"); err != nil {
		return errors.New("systemd-journald is not running")
	}
	for _, p := range []string{"/usr/bin/journalctl", "/bin/journalctl"} {
		if _, err := os.Stat(p); err != nil {
			continue
		}
		cmd := exec.Command(p, "--follow", "--lines=0", "--output=short-iso", "--quiet")
		cmd.Env = []string{"SYSTEMD_PAGER=", "LC_ALL=C"}
		out, err := cmd.StdoutPipe()
		if err != nil {
			return err
		}
		if err := cmd.Start(); err != nil {
			return err
		}
		f, ok := out.(*os.File)
		if !ok {
			cmd.Process.Kill()
			cmd.Wait()
			return errors.New("journalctl: no pipe")
		}
		l.journal = cmd
		l.files, l.names = append(l.files, f), append(l.names, "the journal")
		return nil
	}
	return errors.New("journalctl is not installed")
}

// Name implements Source.
func (l *Logs) Name() string { return "logs" }

// Sees implements Source.
func (l *Logs) Sees() string {
	return "following " + strings.Join(l.names, " and ") + ": SELinux and AppArmor denials (with pid and comm), and netlink errors daemons log " +
		"(\"RTNETLINK answers: ...\", \"Cannot open netlink socket\") with their pid; the kernel logs no netlink error, extended-ACK message " +
		"or capability check, so a failure nobody logs is invisible in this mode"
}

// Lost implements Source (the kernel log says when it overwrote records).
func (l *Logs) Lost() uint64 { return 0 }

// Close implements Source.
func (l *Logs) Close() error {
	for _, f := range l.files {
		f.Close()
	}
	l.files = nil
	if l.journal != nil {
		l.journal.Process.Kill()
		l.journal.Wait()
		l.journal = nil
	}
	return nil
}

// Run implements Source: each log is read on its own goroutine; files at
// their end are polled.
func (l *Logs) Run(ctx context.Context, out chan<- Event) error {
	lines := make(chan string, 256)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // no reader outlives Run: Close closes their files
	defer cancel()
	for _, f := range l.files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.follow(ctx, f, lines)
		}()
	}
	pr := newProcReader("")
	for {
		select {
		case <-ctx.Done():
			return nil
		case line := <-lines:
			ev, ok := parseLogLine(line)
			if !ok || ev.PID == l.self {
				continue
			}
			ev.Proc = pr.lookup(ev.PID, time.Now())
			if ev.Proc.Comm == "" {
				ev.Proc.Comm = ev.Comm
			}
			select {
			case out <- ev:
			case <-ctx.Done():
				return nil
			}
		}
	}
}

func (l *Logs) follow(ctx context.Context, f *os.File, lines chan<- string) {
	kmsg := l.kmsg >= 0 && f.Name() == "/dev/kmsg"
	r := bufio.NewReaderSize(f, 64<<10)
	buf := make([]byte, 8192)
	partial := "" // a line cut by a read deadline
	for ctx.Err() == nil {
		var line string
		var err error
		if kmsg {
			var n int
			n, err = unix.Read(l.kmsg, buf)
			if n > 0 {
				line = string(buf[:n])
			}
			if errors.Is(err, unix.EPIPE) { // records overwritten: go on
				continue
			}
		} else {
			// A pipe (the journal) honours the deadline; a file returns at
			// its end.
			f.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
			line, err = r.ReadString('\n')
			if err != nil {
				if len(partial) < 64<<10 {
					partial += line
				}
				line = ""
			} else {
				line, partial = partial+line, ""
			}
		}
		if line != "" && (err == nil || kmsg) {
			select {
			case lines <- strings.TrimSpace(line):
			case <-ctx.Done():
				return
			}
			continue
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(200 * time.Millisecond):
		}
	}
}

var (
	logPID  = regexp.MustCompile(`\bpid=(\d{1,9})\b`)
	logComm = regexp.MustCompile(`\bcomm="?([^"\s]{1,64})`)
)

// logFailure matches what daemons log when netlink or a tun open failed.
var (
	logFailure = regexp.MustCompile(`RTNETLINK answers: |Cannot open netlink socket|netlink receive: |(?i)/dev/net/tun.*(denied|not permitted|no such)|Error: (Unknown device type|Nexthop|Device for nexthop|ipv[46]: |Invalid prefix|Attribute failed policy validation)`)
	logProgram = regexp.MustCompile(`\s([A-Za-z][\w.@-]{0,40})\[(\d{1,9})\]: `)
)

// parseLogLine recognises an AppArmor or SELinux denial, or a daemon's
// logged netlink failure ("dockerd[812]: ... RTNETLINK answers: ...").
func parseLogLine(line string) (Event, bool) {
	if logFailure.MatchString(line) {
		if m := logProgram.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.Atoi(m[2])
			return Event{Time: time.Now(), Kind: KindLog, PID: pid, TID: pid, Cap: -1, Comm: m[1], Msg: clip(line, 512)}, true
		}
	}
	if _, rest, ok := strings.Cut(line, ";"); ok && strings.HasPrefix(line, strings.SplitN(line, ",", 2)[0]) && strings.Count(line[:len(line)-len(rest)], ",") >= 3 {
		line = rest // a /dev/kmsg record: "6,1234,5678,-;text"
	}
	denied := strings.Contains(line, `apparmor="DENIED"`) || strings.Contains(line, "avc:  denied") || strings.Contains(line, "avc: denied")
	if !denied {
		return Event{}, false
	}
	m := logPID.FindStringSubmatch(line)
	if m == nil {
		return Event{}, false
	}
	pid, _ := strconv.Atoi(m[1])
	ev := Event{Time: time.Now(), Kind: KindAVC, PID: pid, TID: pid, Cap: -1, Errno: int(unix.EACCES), Msg: clip(line, 512)}
	if c := logComm.FindStringSubmatch(line); c != nil {
		ev.Comm = c[1]
	}
	return ev, true
}
