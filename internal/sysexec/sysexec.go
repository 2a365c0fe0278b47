// Package sysexec runs the few external programs rtnl-doctor needs
// (journalctl, modprobe, ip, networkctl, nmcli, semodule, aa-complain, ...):
// found by absolute path in a fixed list of system directories, run with argv
// (never through a shell), a clean environment and a timeout.
package sysexec

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
)

// Dirs are the only directories programs are taken from, in order.
var Dirs = []string{"/usr/sbin", "/usr/bin", "/sbin", "/bin"}

// Env is the whole environment a program runs with.
var Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", "LANG=C"}

// ErrNotFound says a program is not installed in any of Dirs.
var ErrNotFound = errors.New("not installed")

// Find returns the absolute path of the program name in Dirs.
func Find(name string) (string, error) {
	if name == "" || strings.ContainsRune(name, '/') {
		return "", fmt.Errorf("%q: a program name, not a path, is expected", name)
	}
	for _, d := range Dirs {
		p := filepath.Join(d, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s: %w (looked in %s)", name, ErrNotFound, strings.Join(Dirs, ", "))
}

// Result is what a program printed and how it ended.
type Result struct {
	Path   string
	Args   []string
	Stdout []byte
	Stderr []byte
	Exit   int
}

// MaxOutput bounds what is kept of a program's stdout and of its stderr.
const MaxOutput = 8 << 20

// Run runs the program name (looked up with Find) with args, waiting at most
// timeout. A non-zero exit is an error that quotes the program's stderr.
func Run(ctx context.Context, timeout time.Duration, name string, args ...string) (Result, error) {
	path, err := Find(name)
	if err != nil {
		return Result{Args: args}, err
	}
	return RunPath(ctx, timeout, path, args...)
}

// RunPath is Run with an absolute path already chosen.
func RunPath(ctx context.Context, timeout time.Duration, path string, args ...string) (Result, error) {
	res := Result{Path: path, Args: args}
	if !filepath.IsAbs(path) {
		return res, fmt.Errorf("%q: not an absolute path", path)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Env = Env
	cmd.Dir = "/"
	var out, errb limitedBuffer
	out.max, errb.max = MaxOutput, MaxOutput
	cmd.Stdout, cmd.Stderr = &out, &errb
	cmd.WaitDelay = time.Second
	err := cmd.Run()
	res.Stdout, res.Stderr = out.Bytes(), errb.Bytes()
	if cmd.ProcessState != nil {
		res.Exit = cmd.ProcessState.ExitCode()
	}
	if ctx.Err() == context.DeadlineExceeded {
		return res, fmt.Errorf("%s: timed out after %s", filepath.Base(path), timeout)
	}
	if err != nil {
		msg := strings.TrimSpace(string(res.Stderr))
		if msg == "" {
			msg = strings.TrimSpace(string(res.Stdout))
		}
		if i := strings.IndexByte(msg, '\n'); i > 0 && len(msg) > 300 {
			msg = msg[:i]
		}
		if msg != "" {
			return res, fmt.Errorf("%s: %w: %s", filepath.Base(path), err, msg)
		}
		return res, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return res, nil
}

// Quote renders argv as a shell command line for people to read and copy
// (never to execute): every argument that is not plainly safe is quoted.
// It is the one quoting function: every value from the system placed in a
// command that is shown or copied goes through it.
func Quote(argv ...string) string {
	var b strings.Builder
	for i, a := range argv {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(QuoteArg(a))
	}
	return b.String()
}

// QuoteArg quotes one argument for a POSIX shell: plain words as they are,
// others in single quotes. A value holding a control character, a line
// separator, a bidirectional control (sanitize.Unsafe) or invalid UTF-8 is
// written in ANSI-C quoting ($'...', bash, zsh, ksh and POSIX.1-2024 sh) with
// those characters as byte escapes, so the command stays one visible line that
// pastes exactly the value.
func QuoteArg(a string) string {
	if a == "" {
		return "''"
	}
	safe, visible := true, utf8.ValidString(a)
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+,@%", r)) {
			safe = false
		}
		if sanitize.Unsafe(r) {
			visible = false
		}
	}
	switch {
	case safe:
		return a
	case visible:
		return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(a); {
		r, size := utf8.DecodeRuneInString(a[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\x%02x`, a[i])
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case sanitize.Unsafe(r):
			// Each byte as \xHH: \u depends on the shell's locale.
			for _, c := range []byte(a[i : i+size]) {
				fmt.Fprintf(&b, `\x%02x`, c)
			}
		default:
			b.WriteString(a[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}

type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		if len(p) > room {
			b.Buffer.Write(p[:room])
		} else {
			b.Buffer.Write(p)
		}
	}
	return len(p), nil
}
