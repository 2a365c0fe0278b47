package lsm

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/probes/internal/logseed"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// checkDenialBounds fails when a string field of d is longer than the
// parsers promise: Raw source.MaxLogLine, the others maxDenialField (plus the "…"
// that marks a cut).
func checkDenialBounds(t testing.TB, d Denial) {
	t.Helper()
	v := reflect.ValueOf(d)
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if f.Kind() != reflect.String {
			continue
		}
		name := v.Type().Field(i).Name
		limit := maxDenialField + len("…")
		if name == "Raw" {
			limit = source.MaxLogLine + len("…")
		}
		if f.Len() > limit {
			t.Errorf("Denial.%s is %d bytes, more than %d", name, f.Len(), limit)
		}
	}
}

// addLogSeeds seeds a fuzz target with every line of the test logs.
func addLogSeeds(f *testing.F) {
	for _, p := range []string{"../testdata/audit/audit.log", "../testdata/log/kern.log"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			f.Add(string(line))
		}
	}
}

func readTestdata(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", p))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func gatherDenialsAt(t *testing.T, dir string) DenialFacts {
	t.Helper()
	e := testEnv(dir)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	df := GatherDenials(ctx, e)
	for _, d := range df.Denials {
		checkDenialBounds(t, d)
	}
	return df
}

func findDenial(df DenialFacts, serial uint64) (Denial, int) {
	n := 0
	var found Denial
	for _, d := range df.Denials {
		if d.Serial == serial {
			if n == 0 {
				found = d
			}
			n++
		}
	}
	return found, n
}

func TestGatherDenialsFixture(t *testing.T) {
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{
		AuditLogPath:        readTestdata(t, "audit/audit.log"),
		"/var/log/kern.log": readTestdata(t, "log/kern.log"),
		// syslog repeats a kernel line (a copy to drop) and has one of its own.
		"/var/log/syslog": "Nov 22 06:49:00 node1 kernel: [ 8810.998877] audit: type=1400 audit(1732258140.998:8811): apparmor=\"DENIED\" operation=\"capable\" class=\"cap\" profile=\"docker-default\" pid=2133 comm=\"ip\" capability=12  capname=\"net_admin\"\n" +
			"Nov 22 06:52:00 node1 audispd: node=node1 type=AVC msg=audit(1732258320.000:9990): avc:  denied  { create } for  pid=77 comm=\"vpn\" scontext=a:b:c tcontext=a:b:c tclass=tun_socket permissive=0\n" +
			"Nov 22 06:52:01 node1 systemd[1]: Started Session 4 of User admin.\n",
	})
	df := gatherDenialsAt(t, dir)
	if len(df.Gaps) != 0 {
		t.Errorf("gaps: %+v", df.Gaps)
	}
	wantSources := []string{AuditLogPath, "/var/log/kern.log", "/var/log/syslog"}
	if !reflect.DeepEqual(df.Sources, wantSources) {
		t.Errorf("Sources = %q, want %q", df.Sources, wantSources)
	}

	// What each serial must give: the source that wins, relevance, and a
	// few fields.
	want := map[uint64]struct {
		source, kind, exe string
		relevant          bool
	}{
		8812: {AuditLogPath, "selinux", "/usr/sbin/ip", true}, // also in kern.log: one copy
		8820: {AuditLogPath, "selinux", "/usr/bin/wg-quick", true},
		8825: {AuditLogPath, "selinux", "", true},
		8831: {AuditLogPath, "selinux", "", true},
		8832: {AuditLogPath, "selinux", "/usr/sbin/openvpn", true},
		8840: {AuditLogPath, "selinux", "", true},
		8845: {AuditLogPath, "selinux", "", true},
		8850: {AuditLogPath, "selinux", "", true}, // permissive=1, still networking
		8855: {AuditLogPath, "selinux", "/usr/sbin/httpd", false},
		9001: {AuditLogPath, "selinux", "", true},
		9050: {AuditLogPath, "apparmor", "/usr/bin/ip", true},
		9053: {AuditLogPath, "apparmor", "", true},
		9054: {AuditLogPath, "apparmor", "", true},
		8811: {"/var/log/kern.log", "apparmor", "", true}, // also in syslog: one copy
		8901: {"/var/log/kern.log", "apparmor", "", true},
		8950: {"/var/log/kern.log", "apparmor", "", true},
		8951: {"/var/log/kern.log", "apparmor", "", false},
		8952: {"/var/log/kern.log", "apparmor", "", true},
		8953: {"/var/log/kern.log", "selinux", "", true},
		8960: {"/var/log/kern.log", "apparmor", "", true},
		9990: {"/var/log/syslog", "selinux", "", true},
	}
	if len(df.Denials) != len(want) {
		for _, d := range df.Denials {
			t.Logf("%d %s %s %s", d.Serial, d.Source, d.Kind, d.Why)
		}
		t.Fatalf("%d denials, want %d", len(df.Denials), len(want))
	}
	relevant := 0
	for serial, w := range want {
		d, n := findDenial(df, serial)
		if n != 1 {
			t.Errorf("serial %d: %d copies, want 1", serial, n)
			continue
		}
		if d.Source != w.source || d.Kind != w.kind || d.Exe != w.exe || d.Relevant != w.relevant {
			t.Errorf("serial %d: source %q kind %q exe %q relevant %v, want %+v", serial, d.Source, d.Kind, d.Exe, d.Relevant, w)
		}
		if d.Relevant != (d.Why != "") {
			t.Errorf("serial %d: Relevant %v but Why %q", serial, d.Relevant, d.Why)
		}
		if w.relevant {
			relevant++
		}
	}
	if df.Relevant != relevant {
		t.Errorf("Relevant = %d, want %d", df.Relevant, relevant)
	}
	for i := 1; i < len(df.Denials); i++ {
		if df.Denials[i].Time.After(df.Denials[i-1].Time) {
			t.Errorf("denial %d (%v) is newer than denial %d (%v): want newest first", i, df.Denials[i].Time, i-1, df.Denials[i-1].Time)
		}
	}
	if d, _ := findDenial(df, 8825); d.Comm != "net setup" {
		t.Errorf("hex comm decoded as %q", d.Comm)
	}
	if d, _ := findDenial(df, 8812); !strings.Contains(d.Why, "rtnetlink") {
		t.Errorf("8812 Why = %q", d.Why)
	}
}

func TestGatherDenialsGarbageAndLongLines(t *testing.T) {
	dir := t.TempDir()
	long := "Nov 22 06:49:01 node1 kernel: audit: type=1400 audit(1732258400.000:7001): avc:  denied  { nlmsg_write } for  pid=1 comm=\"ip\" tclass=netlink_route_socket junk=" +
		strings.Repeat("\xff\x00A", 100<<10/3)
	garbage := make([]byte, 64<<10)
	for i := range garbage {
		garbage[i] = byte(i*7 + i/256)
	}
	fixture.Write(t, dir, map[string]string{
		"/var/log/kern.log": readTestdata(t, "log/kern.log") + long + "\n" + string(garbage) + "\n" +
			"Nov 22 06:53:00 node1 kernel: audit: type=1400 audit(1732258380.000:7002): apparmor=\"DENIED\" operation=\"capable\" class=\"cap\" profile=\"p\" pid=2 comm=\"ip\" capability=12  capname=\"net_admin\"\n",
	})
	df := gatherDenialsAt(t, dir)
	for _, serial := range []uint64{7001, 7002, 8811} {
		if _, n := findDenial(df, serial); n != 1 {
			t.Errorf("serial %d found %d times", serial, n)
		}
	}
	if d, _ := findDenial(df, 7001); d.Class != "netlink_route_socket" || len(d.Raw) > source.MaxLogLine+len("…") {
		t.Errorf("100 KB line: class %q, raw %d bytes", d.Class, len(d.Raw))
	}
}

func TestGatherDenialsEmptyRoot(t *testing.T) {
	df := gatherDenialsAt(t, t.TempDir())
	r, ok := df.Gaps.Reason("denials")
	if !ok || !strings.Contains(r, "audit.log") || !strings.Contains(r, "kernel log") {
		t.Errorf("gaps = %+v, want a denials gap naming what was looked for", df.Gaps)
	}
	if len(df.Denials) != 0 || len(df.Sources) != 0 {
		t.Errorf("denials %v, sources %v from an empty root", df.Denials, df.Sources)
	}
}

func TestGatherDenialsAuditLogUnreadable(t *testing.T) {
	dir := t.TempDir()
	// A directory where the file should be: it exists but cannot be read.
	if err := os.MkdirAll(filepath.Join(dir, AuditLogPath), 0o755); err != nil {
		t.Fatal(err)
	}
	fixture.Write(t, dir, map[string]string{"/var/log/kern.log": readTestdata(t, "log/kern.log")})
	df := gatherDenialsAt(t, dir)
	if r, ok := df.Gaps.Reason("audit.log"); !ok || !strings.Contains(r, "not a regular file") {
		t.Errorf("audit.log gap = %q, %v; gaps %+v", r, ok, df.Gaps)
	}
	if _, ok := df.Gaps.Reason("denials"); ok {
		t.Error("the kernel log was read: no denials gap expected")
	}
	if _, n := findDenial(df, 8811); n != 1 {
		t.Error("kernel log denials missing")
	}
}

func TestGatherDenialsAuditLogPermission(t *testing.T) {
	e := testEnv("/srv/capture")
	err := &fs.PathError{Op: "open", Path: "/srv/capture/var/log/audit/audit.log", Err: fs.ErrPermission}
	if r := auditLogReason(e, err); !strings.Contains(r, "permission denied") || !strings.Contains(r, "root only") {
		t.Errorf("reason = %q", r)
	}
	if os.Geteuid() == 0 {
		t.Skip("running as root: file modes do not stop reads")
	}
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{AuditLogPath: readTestdata(t, "audit/audit.log")})
	if err := os.Chmod(filepath.Join(dir, AuditLogPath), 0); err != nil {
		t.Fatal(err)
	}
	df := gatherDenialsAt(t, dir)
	if r, ok := df.Gaps.Reason("audit.log"); !ok || !strings.Contains(r, "root only") {
		t.Errorf("audit.log gap = %q, %v", r, ok)
	}
	if _, ok := df.Gaps.Reason("denials"); !ok {
		t.Error("nothing could be read: want a denials gap")
	}
}

func TestGatherDenialsHugeSparseAuditLog(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, AuditLogPath)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 30); err != nil {
		f.Close()
		t.Skipf("no sparse files here: %v", err)
	}
	tail := "\n" + strings.Join(strings.Split(readTestdata(t, "audit/audit.log"), "\n")[9:13], "\n") + "\n"
	if _, err := f.WriteAt([]byte(tail), 1<<30); err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	df := gatherDenialsAt(t, dir)
	took := time.Since(start)
	if d, n := findDenial(df, 8812); n != 1 || d.Exe != "/usr/sbin/ip" {
		t.Errorf("denial 8812 at the end of a 1 GiB log: %d found, exe %q", n, d.Exe)
	}
	if _, n := findDenial(df, 8820); n != 1 {
		t.Errorf("denial 8820 at the end of a 1 GiB log: %d found", n)
	}
	if len(df.Sources) == 0 || !strings.HasSuffix(df.Sources[0], "(last 4 MiB)") {
		t.Errorf("Sources = %q, want the audit log's tail noted", df.Sources)
	}
	if took > 5*time.Second {
		t.Errorf("reading the tail of a 1 GiB log took %v", took)
	}
}

func TestDenialsKeepsRelevantWhenCutting(t *testing.T) {
	var b strings.Builder
	// 10 old networking denials, then 300 newer unrelated ones.
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "type=AVC msg=audit(%d.000:%d): avc:  denied  { nlmsg_write } for  pid=1 comm=\"ip\" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0\n", 1000+i, 1+i)
	}
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "type=AVC msg=audit(%d.000:%d): avc:  denied  { read } for  pid=2 comm=\"httpd\" name=\"f\" scontext=a:b:c tcontext=a:b:d tclass=file permissive=0\n", 2000+i, 100+i)
	}
	dir := t.TempDir()
	fixture.Write(t, dir, map[string]string{AuditLogPath: b.String()})
	df := gatherDenialsAt(t, dir)
	if len(df.Denials) != maxDenials || df.Cut != 310-maxDenials || df.Relevant != 10 {
		t.Fatalf("%d denials, cut %d, relevant %d", len(df.Denials), df.Cut, df.Relevant)
	}
	rel := 0
	for _, d := range df.Denials {
		if d.Relevant {
			rel++
		}
	}
	if rel != 10 {
		t.Errorf("%d networking denials kept, want all 10", rel)
	}
	if df.Denials[0].Serial != 399 || df.Denials[len(df.Denials)-1].Serial != 1 {
		t.Errorf("first %d, last %d: want newest (399) first and the oldest networking one (1) last",
			df.Denials[0].Serial, df.Denials[len(df.Denials)-1].Serial)
	}
}

func TestDenialCollectorJournalCopies(t *testing.T) {
	audit := `type=AVC msg=audit(1732258141.312:8812): avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0`
	journal := `2024-11-22T06:49:01.312000+0000 node1 audit[4242]: AVC avc:  denied  { nlmsg_write } for  pid=4242 comm="ip" scontext=a:b:c tcontext=a:b:c tclass=netlink_route_socket permissive=0`
	journalOnly := `2024-11-22T06:49:02.500000+0000 node1 audit[4243]: AVC avc:  denied  { create } for  pid=4243 comm="ip" scontext=a:b:c tcontext=a:b:c tclass=netlink_socket permissive=0`
	c := newDenialCollector()
	c.add([]source.LogLine{{Source: AuditLogPath, Text: audit}}, AuditLogPath)
	c.add([]source.LogLine{{Source: "journal", Text: journal}, {Source: "journal", Text: journalOnly}, {Source: "journal", Text: journalOnly}}, "journal")
	ds, rel, cut := c.result()
	if len(ds) != 2 || rel != 2 || cut != 0 {
		t.Fatalf("got %d denials (%d relevant, %d cut), want 2: %+v", len(ds), rel, cut, ds)
	}
	if ds[0].Source != "journal" || ds[0].PID != 4243 {
		t.Errorf("newest = %+v", ds[0])
	}
	if want := time.Date(2024, 11, 22, 6, 49, 2, 500e6, time.UTC); !ds[0].Time.Equal(want) {
		t.Errorf("journal denial time %v, want %v (from the journal's stamp)", ds[0].Time, want)
	}
	if ds[1].Source != AuditLogPath || ds[1].Serial != 8812 {
		t.Errorf("the audit.log copy must win: %+v", ds[1])
	}
}

func TestGatherDenialsLive(t *testing.T) {
	e := testEnv("")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	df := GatherDenials(ctx, e)
	for _, d := range df.Denials {
		checkDenialBounds(t, d)
	}
	if len(df.Sources) == 0 && len(df.Gaps) == 0 {
		t.Error("nothing read and no gap saying why")
	}
	t.Logf("sources %q, %d denials, gaps %+v", df.Sources, len(df.Denials), df.Gaps)
}

func TestLeadingTime(t *testing.T) {
	for in, want := range map[string]time.Time{
		"2024-11-22T06:49:01.312000+0000 host audit[1]: AVC":  time.Date(2024, 11, 22, 6, 49, 1, 312e6, time.UTC),
		"2024-11-22T06:49:01.312000+00:00 host audit[1]: AVC": time.Date(2024, 11, 22, 6, 49, 1, 312e6, time.UTC),
		"Nov 22 06:49:01 host kernel: audit: type=1400":       {},
		"\xff\xfe": {},
		"2024-11-22T06:49:01.312000+0000000000000000000000000": {},
	} {
		if got := leadingTime(in); !got.Equal(want) {
			t.Errorf("leadingTime(%q) = %v, want %v", in, got, want)
		}
	}
}

// denialCase is one line given to a denial parser and what it must yield.
type denialCase struct {
	name string
	line string
	ok   bool
	want Denial // fields compared when ok; Raw, Relevant and Why checked apart
	rel  bool
	why  string // a substring of Why
}

// runDenialCases runs table tests for parseAVC and parseAppArmor.
func runDenialCases(t *testing.T, name string, parse func(string) (Denial, bool), tests []denialCase) {
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := parse(tt.line)
			checkDenialBounds(t, d)
			if ok != tt.ok {
				t.Fatalf("%s ok = %v, want %v (%+v)", name, ok, tt.ok, d)
			}
			if !ok {
				return
			}
			if d.Raw != tt.line {
				t.Errorf("Raw = %q, want the line", d.Raw)
			}
			if d.Relevant != tt.rel {
				t.Errorf("Relevant = %v, want %v (Why %q)", d.Relevant, tt.rel, d.Why)
			}
			if !strings.Contains(d.Why, tt.why) || (!tt.rel && d.Why != "") {
				t.Errorf("Why = %q, want it to mention %q", d.Why, tt.why)
			}
			got := d
			got.Raw, got.Relevant, got.Why = "", false, ""
			if !got.Time.Equal(tt.want.Time) {
				t.Errorf("Time = %v, want %v", got.Time, tt.want.Time)
			}
			got.Time, tt.want.Time = time.Time{}, time.Time{}
			if got != tt.want {
				t.Errorf("%s =\n %+v\nwant\n %+v", name, got, tt.want)
			}
		})
	}
}

// FuzzDenialCollector feeds arbitrary lines through the collector
// GatherDenials uses, as audit.log, a syslog file and the journal would hand
// them over (the same lines from several logs, so copies are dropped), with a
// fuzzed LogLine.Source: whatever the logs hold, the counts add up and every
// field stays bounded.
func FuzzDenialCollector(f *testing.F) {
	for _, p := range logseed.Files(filepath.Join("..", "testdata")) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, "")
		f.Add(b, AuditLogPath)
	}
	for _, s := range logseed.Journal {
		f.Add([]byte(s), "journal")
	}
	f.Fuzz(func(t *testing.T, data []byte, src string) {
		c := newDenialCollector()
		// audit.log: read as source.ReadLogFile reads it.
		c.add(source.SplitLog(data, AuditLogPath, source.ParseSyslogTime), AuditLogPath)
		// A syslog file read without its time stamps parsed, and the
		// journal, whose lines may name any source.
		c.add(source.SplitLog(data, "/var/log/syslog", nil), "/var/log/syslog")
		var journal []source.LogLine
		for _, line := range strings.Split(string(data), "\n") {
			journal = append(journal, source.LogLine{Source: src, Text: line})
		}
		c.add(journal, "journal")

		kept, relevant, cut := c.result()
		total := len(kept) + cut
		if len(kept) > maxDenials || cut < 0 || relevant < 0 || relevant > total {
			t.Fatalf("%d kept, %d cut, %d relevant", len(kept), cut, relevant)
		}
		keptRelevant := 0
		for _, d := range kept {
			checkDenialBounds(t, d)
			if d.Relevant {
				keptRelevant++
			}
			if d.Kind != "selinux" && d.Kind != "apparmor" {
				t.Fatalf("kind %q: %+v", d.Kind, d)
			}
			if d.Source == "" {
				t.Fatalf("no source: %+v", d)
			}
		}
		if keptRelevant > relevant {
			t.Fatalf("%d relevant denials kept, but %d counted", keptRelevant, relevant)
		}
	})
}
