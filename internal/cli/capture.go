package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/internal/version"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// CaptureOptions are the capture command's.
type CaptureOptions struct {
	Target probes.Target
	// Out is the archive to write; "" names one after the host and time in
	// the current directory, "-" is stdout.
	Out      string
	MaxBytes int64
	Stdout   io.Writer
	Stderr   io.Writer
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Capture writes a capture of the live system and says what it holds.
func Capture(ctx context.Context, o CaptureOptions) int {
	if o.Target.Root != "" {
		fmt.Fprintln(o.Stderr, "rtnl-doctor capture: captures the live system: --root does not apply")
		return 2
	}
	start := time.Now()
	var buf bytes.Buffer
	m, err := probes.Capture(ctx, &buf, probes.CaptureOptions{Target: o.Target, Version: version.String(), MaxBytes: o.MaxBytes})
	if err != nil {
		fmt.Fprintln(o.Stderr, "rtnl-doctor capture:", err)
		return 1
	}
	out := o.Out
	if out == "" {
		host := unsafeName.ReplaceAllString(m.Host, "_")
		if host == "" {
			host = "host"
		}
		out = fmt.Sprintf("rtnl-doctor-capture-%s-%s.tar.gz", host, m.Time.Format("20060102-150405"))
	}
	if out == "-" {
		if _, err := o.Stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintln(o.Stderr, "rtnl-doctor capture:", err)
			return 1
		}
	} else if abs, err := filepath.Abs(out); err != nil {
		fmt.Fprintln(o.Stderr, "rtnl-doctor capture:", err)
		return 1
	} else if _, err := atomicfile.Write(abs, buf.Bytes(), 0o600); err != nil {
		// 0600: a capture describes the system; it is for whom the operator sends it to.
		fmt.Fprintln(o.Stderr, "rtnl-doctor capture:", err)
		return 1
	}
	// The path is shell-quoted as in every command shown; stdout has no
	// name to give --root.
	where, readWith := out, "read it with --root "+sysexec.QuoteArg(out)
	if out == "-" {
		where, readWith = "the archive to stdout", "save it as FILE.tar.gz and read it with --root FILE.tar.gz"
	}
	msg := fmt.Sprintf("rtnl-doctor capture: wrote %s: %s, %.1f KiB (%.1f KiB unpacked) in %s; %s, %s (see %s/manifest.json); %s\n",
		where, diagnose.Plural(m.Files, "file", "files"), float64(buf.Len())/1024, float64(m.Bytes)/1024, time.Since(start).Round(time.Millisecond),
		diagnose.Plural(len(m.Unreadable), "fact could not be read", "facts could not be read"),
		diagnose.Plural(len(m.Redacted), "secret left out", "secrets left out"), probes.CaptureMeta, readWith)
	io.WriteString(o.Stderr, sanitize.Text(msg))
	return 0
}
