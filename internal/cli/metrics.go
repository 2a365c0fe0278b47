package cli

import (
	"fmt"
	"io"

	"github.com/rtnl-doctor/rtnl-doctor/internal/promexport"
	"github.com/rtnl-doctor/rtnl-doctor/internal/version"
	"github.com/rtnl-doctor/rtnl-doctor/model"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Metrics writes the diagnosis as Prometheus metrics: to out, or, when
// textfileDir is set, atomically to textfileDir/rtnl_doctor.prom (for
// node_exporter's textfile collector). The worst process fd ratio is
// scanned here: the report's facts hold only the target process's fds.
func Metrics(d *model.Diagnosis, textfileDir string, out, errw io.Writer) error {
	in := promexport.Input{Diagnosis: d, Version: version.String()}
	if w, err := probes.WorstFDUsage(d.Facts.Target.Root); err == nil {
		in.WorstFD = &w
	} else {
		fmt.Fprintf(errw, "rtnl-doctor report: worst process fd ratio left out: %s\n", probes.Reason(err))
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
