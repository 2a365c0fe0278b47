package promexport

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

// diagnosis evaluates every cause over the shared fixture tree.
func diagnosis(t *testing.T) *diagnose.Diagnosis {
	t.Helper()
	f := probes.Gather(t.Context(), probes.Target{Root: "../../probes/testdata/roots/base", Timeout: 5 * time.Second})
	f.Memory.Buddy = []probes.BuddyZone{{Node: "0", Zone: "Normal", Free: []uint64{9, 9, 9, 9, 3, 2, 1}}}
	now := f.Collected
	f.Denials.Sources = []string{"/var/log/audit/audit.log"}
	f.Denials.Denials = []lsm.Denial{
		{Time: now.Add(-10 * time.Minute), Relevant: true},
		{Time: now.Add(-2 * time.Hour), Relevant: true},
		{Time: now.Add(-5 * time.Minute), Relevant: false},
	}
	f.NetConfig.NetworkManager.Findings = []netconfig.Finding{
		{File: "/etc/NetworkManager/system-connections/a.nmconnection", Severity: netconfig.SeverityError},
		{File: "/etc/NetworkManager/system-connections/a.nmconnection", Severity: netconfig.SeverityError},
		{File: "/etc/NetworkManager/system-connections/b.nmconnection", Severity: netconfig.SeverityWarning},
	}
	return diagnose.Diagnose(f, symptom.ParseSymptom(""), nil)
}

func render(t *testing.T, in Input) []byte {
	t.Helper()
	reg, err := Registry(in)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, reg); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestMetrics(t *testing.T) {
	d := diagnosis(t)
	out := render(t, Input{Diagnosis: d, Version: "v9.9.9", WorstFD: &probes.FDUsage{Ratio: 0.5}})
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("output does not parse: %v\n%s", err, out)
	}
	for name, mf := range mfs {
		if mf.GetHelp() == "" {
			t.Errorf("%s has no HELP", name)
		}
		for _, m := range mf.Metric {
			if m.TimestampMs != nil {
				t.Errorf("%s has a sample timestamp (the textfile collector refuses them)", name)
			}
		}
	}
	// Every cause: one series per status, exactly one of them 1, the
	// current status.
	cs := mfs["rtnl_doctor_cause_status"]
	if cs == nil {
		t.Fatal("no rtnl_doctor_cause_status")
	}
	ones := map[string]string{}
	count := map[string]int{}
	for _, m := range cs.Metric {
		var cause, status string
		for _, l := range m.Label {
			switch l.GetName() {
			case "cause":
				cause = l.GetValue()
			case "status":
				status = l.GetValue()
			}
		}
		count[cause]++
		if m.GetGauge().GetValue() == 1 {
			if prev, dup := ones[cause]; dup {
				t.Errorf("%s is both %s and %s", cause, prev, status)
			}
			ones[cause] = status
		}
	}
	if len(count) != len(d.Results) {
		t.Errorf("%d causes in the metrics, %d in the diagnosis", len(count), len(d.Results))
	}
	for _, r := range d.Results {
		if count[r.ID] != len(Statuses) {
			t.Errorf("%s: %d series, want %d", r.ID, count[r.ID], len(Statuses))
		}
		if ones[r.ID] != string(r.Status) {
			t.Errorf("%s: metric says %q, diagnosis %q", r.ID, ones[r.ID], r.Status)
		}
	}
	want := map[string]float64{
		"rtnl_doctor_high_order_free_blocks":     6, // orders 4, 5, 6
		"rtnl_doctor_lsm_denials_last_hour":      1, // relevant and within the hour
		"rtnl_doctor_process_fd_usage_ratio_max": 0.5,
	}
	for name, v := range want {
		mf := mfs[name]
		if mf == nil || len(mf.Metric) != 1 || mf.Metric[0].GetGauge().GetValue() != v {
			t.Errorf("%s: got %v, want %v", name, mf, v)
		}
	}
	ign := mfs["rtnl_doctor_config_files_ignored"]
	got := map[string]float64{}
	for _, m := range ign.GetMetric() {
		got[m.Label[0].GetValue()] = m.GetGauge().GetValue()
	}
	if got["NetworkManager"] != 1 || got["networkd"] != 0 {
		t.Errorf("ignored files: %v, want NetworkManager 1 (one file, two errors), networkd 0", got)
	}
	if !bytes.Contains(out, []byte(`rtnl_doctor_build_info{version="v9.9.9"} 1`)) {
		t.Errorf("no build_info with the version:\n%s", out)
	}
	if nr := d.Facts.FDs.FileNR; nr != nil && !bytes.Contains(out, []byte("rtnl_doctor_file_handles_in_use ")) {
		t.Error("file-nr was read but is not exported")
	}
}

// A figure that could not be read is absent, not 0.
func TestMissingFiguresAbsent(t *testing.T) {
	f := &probes.Facts{Gathered: []probes.Group{probes.GroupFDs}}
	d := diagnose.Diagnose(f, symptom.ParseSymptom(""), nil)
	out := string(render(t, Input{Diagnosis: d, Version: "devel"}))
	for _, name := range []string{"rtnl_doctor_file_handles_in_use", "rtnl_doctor_file_handles_max", "rtnl_doctor_high_order_free_blocks",
		"rtnl_doctor_lsm_denials_last_hour", "rtnl_doctor_process_fd_usage_ratio_max", "rtnl_doctor_config_files_ignored"} {
		if strings.Contains(out, name) {
			t.Errorf("%s is exported though its facts were not read", name)
		}
	}
}

func TestWriteTextfile(t *testing.T) {
	d := diagnosis(t)
	reg, err := Registry(Input{Diagnosis: d, Version: "devel"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, TextfileName), []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := WriteTextfile(dir, reg)
	if err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != TextfileName {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory holds %v, want only %s (no temporary file left)", names, TextfileName)
	}
	b, _ := os.ReadFile(p)
	if !bytes.HasPrefix(b, []byte("# HELP")) {
		t.Errorf("not replaced: %q", b[:min(len(b), 40)])
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644 (node_exporter runs as its own user)", st.Mode().Perm())
	}
	// Never through a symlink.
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if _, err := WriteTextfile(link, reg); err == nil {
		t.Error("wrote through a symlinked directory")
	}
	if _, err := WriteTextfile(filepath.Join(dir, "missing"), reg); err == nil {
		t.Error("no error for a missing directory")
	}
}

// TestWriteTextfileRelative: --textfile . (or any relative DIR) writes
// into the working directory instead of failing "not an absolute path".
func TestWriteTextfileRelative(t *testing.T) {
	reg, err := Registry(Input{Diagnosis: diagnosis(t), Version: "devel"})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, rel := range []string{".", "sub"} {
		p, err := WriteTextfile(rel, reg)
		if err != nil {
			t.Fatalf("WriteTextfile(%q): %v", rel, err)
		}
		want := filepath.Join(dir, rel, TextfileName)
		if p != want {
			t.Errorf("WriteTextfile(%q) wrote %s, want %s", rel, p, want)
		}
		if _, err := os.Stat(want); err != nil {
			t.Error(err)
		}
	}
}

// promtool (Debian package prometheus, installed by .ci/run) accepts the
// textfile and the example rules.
func TestPromtool(t *testing.T) {
	promtool, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian package prometheus; .ci/run installs it)")
	}
	reg, err := Registry(Input{Diagnosis: diagnosis(t), Version: "devel", WorstFD: &probes.FDUsage{Ratio: 0.1}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p, err := WriteTextfile(dir, reg)
	if err != nil {
		t.Fatal(err)
	}
	in, _ := os.Open(p)
	defer in.Close()
	cmd := exec.Command(promtool, "check", "metrics")
	cmd.Stdin = in
	if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	if out, err := exec.Command(promtool, "check", "rules", "../../contrib/prometheus/rtnl-doctor.rules.yml").CombinedOutput(); err != nil {
		t.Errorf("promtool check rules: %v\n%s", err, out)
	}
	// The alerts fire (and stay quiet) as their unit tests say.
	cmd = exec.Command(promtool, "test", "rules", "rtnl-doctor.rules.test.yml")
	cmd.Dir = "../../contrib/prometheus"
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("promtool test rules: %v\n%s", err, out)
	}
}

// The systemd units pass systemd-analyze verify (the binary path is
// replaced by /bin/true: the check is of the units, not the install).
func TestSystemdUnits(t *testing.T) {
	sa, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze not installed (Debian package systemd)")
	}
	dir := t.TempDir()
	var paths []string
	for _, n := range []string{"rtnl-doctor-textfile.service", "rtnl-doctor-textfile.timer"} {
		b, err := os.ReadFile(filepath.Join("../../contrib/systemd", n))
		if err != nil {
			t.Fatal(err)
		}
		b = bytes.ReplaceAll(b, []byte("/usr/local/bin/rtnl-doctor"), []byte("/bin/true"))
		p := filepath.Join(dir, n)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	out, err := exec.Command(sa, append([]string{"verify"}, paths...)...).CombinedOutput()
	if err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
