// Package probes gathers facts about a Linux system and nothing else.
//
// Every probe reads below a root directory ("/" for the live system, or a
// captured tree for tests and offline snapshots), is bounded in time and size,
// and fails alone: a fact that cannot be read is recorded as a Gap with a
// reason, and the other facts are still gathered. The Root, Gaps and log
// readers live in probes/source, below probes and its sub-packages
// (probes/netconfig, probes/lsm); the names here are aliases of them.
package probes

import (
	"context"
	"strconv"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// MaxFileSize bounds every whole-file read (source.MaxFileSize).
const MaxFileSize = source.MaxFileSize

// MaxLogTail bounds how much of the end of a log file is read.
const MaxLogTail = source.MaxLogTail

// Root is the directory the system is read below.
type Root = source.Root

// Gap records a fact that could not be read, and why.
type Gap = source.Gap

// Gaps is the list of facts of a group that could not be read.
type Gaps = source.Gaps

// LogLine is one line of a log, with where it came from.
type LogLine = source.LogLine

// NewRoot returns a Root for dir; "" means the live system ("/"). A
// sosreport's command outputs answer the reads of files it did not copy.
func NewRoot(dir string) Root {
	return source.NewRoot(dir, func(dir string) source.Outputs {
		if s := sosFor(dir); s != nil {
			return s
		}
		return nil
	})
}

func init() {
	source.CapturedJournal = capturedJournal
	source.Captured = capturedInfo
}

// sosOf returns the sosreport behind r, if any.
func sosOf(r Root) *sosTree {
	s, _ := r.Outputs.(*sosTree)
	return s
}

// Reason turns an error from a read into the words an operator reads after
// "unavailable: ".
func Reason(err error) string { return source.Reason(err) }

// ReadTail reads at most max bytes from the end of the file at path (see
// source.ReadTail).
func ReadTail(path string, max int64) ([]byte, error) { return source.ReadTail(path, max) }

func readBounded(path string, limit int64) ([]byte, error) { return source.ReadBounded(path, limit) }

func clip(s string, n int) string { return source.Clip(s, n) }

func splitLog(b []byte, src string, stamp func(string) (time.Time, string)) []LogLine {
	return source.SplitLog(b, src, stamp)
}

func parseSyslogTime(line string) (time.Time, string) { return source.ParseSyslogTime(line) }

func readJournal(ctx context.Context, r Root, args ...string) ([]LogLine, error) {
	return source.ReadJournal(ctx, r, args...)
}

// bounded runs fn and gives up waiting after d. A stuck read (a hung
// filesystem) cannot be interrupted, so fn keeps running in the background and
// its late result is dropped; fn must therefore build and return a fresh value
// rather than write into shared state.
func bounded[T any](ctx context.Context, d time.Duration, fn func(ctx context.Context) T) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	done := make(chan T, 1)
	go func() { done <- fn(ctx) }()
	select {
	case v := <-done:
		return v, nil
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// source returns what the probes of the sub-packages read through.
func (e *env) source() *source.Env {
	return &source.Env{Root: e.root, Proc: e.proc, KernelLog: e.kernelLog}
}
