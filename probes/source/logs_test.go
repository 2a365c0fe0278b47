package source

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/probes/internal/logseed"
)

// addLogFileSeeds seeds a []byte fuzz target with each whole test log and
// the journal lines.
func addLogFileSeeds(f *testing.F) {
	for _, p := range logseed.Files(filepath.Join("..", "testdata")) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range logseed.Journal {
		f.Add([]byte(s))
	}
}

// FuzzSplitLog splits arbitrary bytes as a syslog file or journalctl's
// output: every line kept is bounded and is one line.
func FuzzSplitLog(f *testing.F) {
	addLogFileSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, stamp := range []func(string) (time.Time, string){ParseSyslogTime, nil} {
			for _, l := range SplitLog(b, "/var/log/syslog", stamp) {
				if len(l.Text) > MaxLogLine+len("…") {
					t.Fatalf("LogLine.Text is %d bytes, more than %d", len(l.Text), MaxLogLine+len("…"))
				}
				if strings.IndexByte(l.Text, '\n') >= 0 {
					t.Fatalf("LogLine.Text %q holds a newline", l.Text)
				}
				if l.Source != "/var/log/syslog" {
					t.Fatalf("Source = %q", l.Source)
				}
			}
		}
	})
}
