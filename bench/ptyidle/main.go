// Command ptyidle runs a program in a pseudo-terminal of a given size for a
// while, without typing anything, and reports what idling cost it: CPU time
// (user+system, from /proc), bytes written to the terminal, peak resident
// memory, and how long the first frame took. bench/compare uses it to put
// the dashboard side by side with top.
//
//	go run ./bench/ptyidle -d 60s -marker rtnl-doctor -- rtnl-doctor --netns big
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	d := flag.Duration("d", 60*time.Second, "how long to idle")
	cols := flag.Int("cols", 80, "terminal width")
	rows := flag.Int("rows", 24, "terminal height")
	marker := flag.String("marker", "", "text whose first appearance ends the first frame")
	warm := flag.Duration("warmup", 3*time.Second, "time allowed to start before measuring")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: ptyidle [-d 60s] [-marker TEXT] -- PROGRAM ARGS...")
		os.Exit(2)
	}
	master, slave, err := openPTY(*cols, *rows)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ptyidle:", err)
		os.Exit(1)
	}
	cmd := exec.Command(flag.Arg(0), flag.Args()[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.Env = append(os.Environ(), "TERM=xterm-256color")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "ptyidle:", err)
		os.Exit(1)
	}
	slave.Close()
	var total, sinceMark atomic.Int64
	var measuring atomic.Bool
	firstFrame := make(chan time.Duration, 1)
	go func() {
		buf := make([]byte, 64<<10)
		var seen []byte
		found := *marker == ""
		for {
			n, err := master.Read(buf)
			if n > 0 {
				total.Add(int64(n))
				if measuring.Load() {
					sinceMark.Add(int64(n))
				}
				if !found {
					seen = append(seen, buf[:n]...)
					if bytes.Contains(seen, []byte(*marker)) {
						found = true
						firstFrame <- time.Since(start)
						seen = nil
					}
				}
				// Answer the terminal queries a real terminal would (cursor
				// position, background colour) so the program does not wait.
				if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
					master.Write([]byte("\x1b[1;1R"))
				}
			}
			if err != nil {
				return
			}
		}
	}()
	time.Sleep(*warm)
	cpu0 := cpuTime(cmd.Process.Pid)
	measuring.Store(true)
	time.Sleep(*d)
	measuring.Store(false)
	cpu1 := cpuTime(cmd.Process.Pid)
	rss := hwm(cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		cmd.Process.Kill()
	}
	ff := "n/a"
	select {
	case f := <-firstFrame:
		ff = strconv.FormatFloat(f.Seconds()*1000, 'f', 1, 64)
	default:
	}
	used := cpu1 - cpu0
	fmt.Printf("idle_seconds=%.0f cpu_seconds=%.3f cpu_percent=%.3f bytes=%d bytes_per_minute=%.0f peak_rss_kb=%d first_frame_ms=%s\n",
		d.Seconds(), used, 100*used/d.Seconds(), sinceMark.Load(), float64(sinceMark.Load())/d.Minutes(), rss, ff)
}

// openPTY opens a pseudo-terminal pair of the given size.
func openPTY(cols, rows int) (*os.File, *os.File, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	unlock := 0
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, master.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		return nil, nil, e
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		return nil, nil, err
	}
	slave, err := os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	ws := &unix.Winsize{Row: uint16(rows), Col: uint16(cols)}
	if err := unix.IoctlSetWinsize(int(slave.Fd()), unix.TIOCSWINSZ, ws); err != nil {
		return nil, nil, err
	}
	return master, slave, nil
}

// cpuTime is the process's user+system CPU seconds, its threads included.
func cpuTime(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100 // USER_HZ
}

// hwm is the process's peak resident set in kB.
func hwm(pid int) int {
	b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}
