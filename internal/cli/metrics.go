package cli

import (
	"fmt"
	"io"

	"github.com/rtnl-doctor/rtnl-doctor/internal/promexport"
	"github.com/rtnl-doctor/rtnl-doctor/internal/version"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Metrics writes the diagnosis as Prometheus metrics: to out, or, when
// textfileDir is set, atomically to textfileDir/rtnl_doctor.prom (for
// node_exporter's textfile collector). The worst process fd ratio is
// scanned here: the report's facts hold only the target process's fds.
func Metrics(d *diagnose.Diagnosis, textfileDir string, out, errw io.Writer) error {
	in := promexport.Input{Diagnosis: d, Version: version.String()}
	f := d.Facts.FDs
	switch {
	case d.Facts.Target.Live:
		if w, err := probes.WorstFDUsage(""); err == nil {
			in.WorstFD = &w
		} else {
			fmt.Fprintf(errw, "rtnl-doctor report: worst process fd ratio left out: %s\n", probes.Reason(err))
		}
	case f.Limit != nil && f.Limit.Soft > 0 && f.Open > 0:
		// A captured tree holds one process's fd table: the examined one.
		in.WorstFD = &probes.FDUsage{PID: d.Facts.Target.PID, Comm: d.Facts.Target.Comm, Open: f.Open, Soft: f.Limit.Soft,
			Ratio: float64(f.Open) / float64(f.Limit.Soft), Scanned: 1}
	}
	reg, err := promexport.Registry(in)
	if err != nil {
		return err
	}
	if textfileDir == "" {
		return promexport.Write(out, reg)
	}
	_, err = promexport.WriteTextfile(textfileDir, reg)
	return err
}
