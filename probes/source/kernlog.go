package source

import (
	"context"
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ReadKernelLog reads the kernel log below r: /dev/kmsg on a live system
// (it needs CAP_SYSLOG when kernel.dmesg_restrict=1), else the journal's
// kernel messages, else the syslog files. Under a captured root only files
// (and a journal directory) are read. It returns the lines and where they
// came from.
func ReadKernelLog(ctx context.Context, r Root) ([]LogLine, string, error) {
	var errs []string
	if r.Live() {
		lines, err := readKmsg(r)
		if err == nil {
			return lines, "/dev/kmsg", nil
		}
		errs = append(errs, "/dev/kmsg: "+Reason(err))
		lines, err = ReadJournal(ctx, r, "-k")
		if err == nil && len(lines) > 0 {
			return lines, "journal (kernel)", nil
		}
		if err != nil {
			errs = append(errs, "journal: "+Reason(err))
		}
	} else if lines, err := ReadJournal(ctx, r, "-k"); err == nil && len(lines) > 0 {
		return lines, "journal (kernel)", nil
	}
	for _, f := range []string{"/var/log/kern.log", "/var/log/dmesg", "/var/log/messages", "/var/log/syslog"} {
		lines, err := ReadLogFile(r, f)
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
		l := LogLine{Source: "/dev/kmsg", Text: Clip(msg, MaxLogLine)}
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
