// Package promexport turns a diagnosis into Prometheus metrics, for
// node_exporter's textfile collector (or any scraper of the text format): a
// fleet already running Prometheus sees which hosts are one step from an
// RTNETLINK failure without a new server.
//
// The metrics are built with client_golang's registry and written by
// prometheus/common's expfmt, without sample timestamps (the textfile
// collector refuses them).
package promexport

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/probes/lsm"
	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

// TextfileName is the file written into the textfile collector's directory.
const TextfileName = "rtnl_doctor.prom"

// Statuses are the values of the status label, every one present for each
// cause (1 for the current status, 0 for the others) so that an alert on
// status="fail" sees the series go to 0, not vanish.
var Statuses = []diagnose.Status{diagnose.Fail, diagnose.Warn, diagnose.Unknown, diagnose.OK}

// highOrder is the smallest buddy order counted as a high-order block: a
// veth's queues need order-4 (64 KiB) blocks, the same threshold the
// kernel-memory cause uses.
const highOrder = 4

// Input is what the metrics are made of.
type Input struct {
	Diagnosis *diagnose.Diagnosis
	Version   string
	// WorstFD is the process nearest its fd limit (probes.WorstFDUsage);
	// nil when it could not be found.
	WorstFD *probes.FDUsage
}

// Registry builds a registry holding one snapshot of the metrics.
func Registry(in Input) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	d := in.Diagnosis
	f := d.Facts
	add := func(c prometheus.Collector) error { return reg.Register(c) }

	build := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "rtnl_doctor_build_info",
		Help: "The rtnl-doctor build that wrote these metrics (value always 1).",
	}, []string{"version"})
	build.WithLabelValues(in.Version).Set(1)

	causes := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "rtnl_doctor_cause_status",
		Help: "Verdict on each cause of RTNETLINK failures: 1 for the cause's current status (fail: proven; warn: plausible or a limit is near; unknown: a needed fact was unavailable; ok: ruled out), 0 for the others.",
	}, []string{"cause", "status"})
	for _, r := range d.Results {
		for _, s := range Statuses {
			v := 0.0
			if r.Status == s {
				v = 1
			}
			causes.WithLabelValues(r.ID, string(s)).Set(v)
		}
	}
	for _, c := range []prometheus.Collector{build, causes} {
		if err := add(c); err != nil {
			return nil, err
		}
	}

	gauge := func(name, help string, v float64) error {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		return add(g)
	}
	var errs []error
	try := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}

	// A figure that could not be read is left out (absent), never 0.
	if nr := f.FDs.FileNR; nr != nil {
		try(gauge("rtnl_doctor_file_handles_in_use", "File handles in use system-wide (/proc/sys/fs/file-nr: allocated minus unused).", float64(nr.InUse())))
	}
	if f.FDs.FileMax > 0 {
		try(gauge("rtnl_doctor_file_handles_max", "The system-wide file handle limit (fs.file-max); at it, every socket() fails with ENFILE.", float64(f.FDs.FileMax)))
	}
	if w := in.WorstFD; w != nil {
		try(gauge("rtnl_doctor_process_fd_usage_ratio_max", "Open descriptors over the soft RLIMIT_NOFILE of the process nearest its limit (1 means it can open no socket, netlink included).", w.Ratio))
	}
	if len(f.Memory.Buddy) > 0 {
		try(gauge("rtnl_doctor_high_order_free_blocks", fmt.Sprintf("Free memory blocks of order %d (64 KiB) and above, summed over every zone of /proc/buddyinfo; few means veth/bridge creation may fail with ENOMEM.", highOrder),
			float64(f.Memory.FreeAtLeast(highOrder))))
	}
	if hasGroup(f, probes.GroupDenials) && len(f.Denials.Sources) > 0 {
		try(gauge("rtnl_doctor_lsm_denials_last_hour", "SELinux/AppArmor denials touching networking logged in the hour before the check.",
			float64(denialsSince(f.Denials, f.Collected.Add(-time.Hour)))))
	}
	if hasGroup(f, probes.GroupNetConfig) {
		nd, nm := ignoredFiles(f.NetConfig)
		ign := prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "rtnl_doctor_config_files_ignored",
			Help: "Network configuration files the manager does not load (a finding of severity error on the file: bad permissions, a syntax error, an invalid name or key).",
		}, []string{"manager"})
		ign.WithLabelValues(netconfig.ManagerNetworkd).Set(float64(nd))
		ign.WithLabelValues(netconfig.ManagerNetworkManager).Set(float64(nm))
		try(add(ign))
	}
	try(gauge("rtnl_doctor_facts_unavailable", "Facts rtnl-doctor could not read in this check (the report lists them under \"Could not see\").", float64(len(diagnose.Unavailable(f)))))
	try(gauge("rtnl_doctor_check_duration_seconds", "How long reading the facts took.", time.Duration(f.Took).Seconds()))
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return reg, nil
}

// Write writes the registry in the Prometheus text format.
func Write(w io.Writer, reg prometheus.Gatherer) error {
	mfs, err := reg.Gather()
	if err != nil {
		return err
	}
	enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return err
		}
	}
	return nil
}

// WriteTextfile writes the metrics to DIR/rtnl_doctor.prom atomically: a
// temporary file in the same directory (whose name does not end in .prom,
// so the collector never reads it half-written), then a rename. A symlink
// in the path is refused; on failure no temporary file is left.
func WriteTextfile(dir string, reg prometheus.Gatherer) (string, error) {
	var b bytes.Buffer
	if err := Write(&b, reg); err != nil {
		return "", err
	}
	// A relative DIR (--textfile .) is the operator's working directory;
	// the symlink-refusing writer takes absolute paths only.
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	st, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	p := filepath.Join(dir, TextfileName)
	if _, err := atomicfile.Write(p, b.Bytes(), 0o644); err != nil {
		return "", err
	}
	return p, nil
}

func denialsSince(df lsm.DenialFacts, since time.Time) int {
	n := 0
	for _, d := range df.Denials {
		if d.Relevant && !d.Time.IsZero() && !d.Time.Before(since) {
			n++
		}
	}
	return n
}

// ignoredFiles counts, per manager, the distinct files with an error
// finding: the manager does not load them (or the part in error).
func ignoredFiles(nc netconfig.Facts) (networkd, nm int) {
	count := func(fs []netconfig.Finding) int {
		seen := map[string]bool{}
		for _, x := range fs {
			if x.Severity == netconfig.SeverityError && x.File != "" {
				seen[x.File] = true
			}
		}
		return len(seen)
	}
	return count(nc.Networkd.Findings), count(nc.NetworkManager.Findings)
}

func hasGroup(f *probes.Facts, g probes.Group) bool {
	for _, x := range f.Gathered {
		if x == g {
			return true
		}
	}
	return false
}
