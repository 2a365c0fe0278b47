package probes

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// logSeedFiles are the test logs: audit.log, kern.log and every log file of
// the captured roots.
func logSeedFiles() []string {
	files := []string{
		filepath.Join("testdata", "audit", "audit.log"),
		filepath.Join("testdata", "log", "kern.log"),
	}
	roots, _ := filepath.Glob(filepath.Join("testdata", "roots", "*", "var", "log"))
	for _, dir := range roots {
		_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
	}
	return files
}

// journalSeeds are lines in journalctl's short-iso-precise output, as
// readJournal reads them.
var journalSeeds = []string{
	"2024-11-22T06:49:01.312000+0000 node1 audit[4242]: AVC avc:  denied  { nlmsg_write } for  pid=4242 comm=\"ip\" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0\n",
	"2024-11-22T06:49:02.500000+0000 node1 kernel: audit: type=1400 audit(1732258141.312:8812): apparmor=\"DENIED\" operation=\"capable\" class=\"cap\" profile=\"docker-default\" pid=2133 comm=\"ip\" capability=12  capname=\"net_admin\"\n",
	"2026-11-22T06:29:01.123456+00:00 node1 NetworkManager[812]: <warn>  [1732258141.3121] device (eth0): failed\r\n",
	"Nov  2 06:29:01 node1 kernel: hello\n\n   \nNov 22 06:29:01 x\n",
}

// addLogFileSeeds seeds a []byte fuzz target with each whole test log and
// the journal lines.
func addLogFileSeeds(f *testing.F) {
	for _, p := range logSeedFiles() {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range journalSeeds {
		f.Add([]byte(s))
	}
}

// FuzzSplitLog splits arbitrary bytes as a syslog file or journalctl's
// output: every line kept is bounded and is one line.
func FuzzSplitLog(f *testing.F) {
	addLogFileSeeds(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, stamp := range []func(string) (time.Time, string){parseSyslogTime, nil} {
			for _, l := range splitLog(b, "/var/log/syslog", stamp) {
				if len(l.Text) > maxLogLine+len("…") {
					t.Fatalf("LogLine.Text is %d bytes, more than %d", len(l.Text), maxLogLine+len("…"))
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
