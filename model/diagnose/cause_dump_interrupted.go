package diagnose

import (
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeDumpInterrupted = &Cause{
	ID: "dump-interrupted",
	// Its fixes answer the library's interrupted dump: vishvananda/netlink
	// wraps EINTR in ErrDumpInterrupted (a text without errno fits any fix).
	Answers: fix.Answers(nil, symptom.EINTR),
	Checks:  "whether the program read a netlink dump the kernel flagged as inconsistent (NLM_F_DUMP_INTR: links, addresses or routes changed while it was sent) and gave up instead of dumping again",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalDumpInterrupted,
	Fixes:   fixesDumpInterrupted,
	Next:    "The failing step succeeds once a dump completes unchanged: retried by the program, or when the churn (pods created and deleted at once) calms down.",
}

// dumpInterruptedWords are how programs report a dump the kernel flagged
// NLM_F_DUMP_INTR: vishvananda/netlink's ErrDumpInterrupted ("results may
// be incomplete or inconsistent", v1.2.1+), libnl's NLE_DUMP_INTR ("Dump
// inconsistency detected, interrupted"), and the flag's own name.
var dumpInterruptedWords = []string{"results may be incomplete or inconsistent", "dump interrupted", "nlm_f_dump_intr", "dump was interrupted", "dump inconsistency detected", "nle_dump_intr"}

func dumpInterruptedText(raw string) string {
	low := strings.ToLower(raw)
	for _, w := range dumpInterruptedWords {
		if strings.Contains(low, w) {
			return w
		}
	}
	return ""
}

func evalDumpInterrupted(c *Context) Verdict {
	var v Verdict
	w := dumpInterruptedText(c.Symptom.Raw + "\n" + c.Symptom.Message)
	if w == "" {
		v.ok("the text reports no interrupted netlink dump")
		return v
	}
	v.fail("the program's netlink dump was flagged inconsistent (%q): the kernel sets NLM_F_DUMP_INTR when the table changed while the dump was sent (nl_dump_check_consistent: links, addresses or routes added or removed meanwhile), and the program gave up instead of dumping again", w)
	if n := len(c.Facts.Net.Links); n > 0 {
		v.Evidence = append(v.Evidence, Plural(n, "link", "links")+" in the examined namespace now: many links with constant creation and deletion (pods, veths) make every dump likely to be interrupted")
	}
	return v
}

func fixesDumpInterrupted(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	return []fix.Fix{{ID: "dump-interrupted/retry", Title: "Have the program dump again when the dump is interrupted: update it to a release that retries (answers the interrupted dump)",
		Command: fix.Lines("# vishvananda/netlink v1.2.1+ returns ErrDumpInterrupted with the partial result: the caller must retry;",
			"# aws-vpc-cni v1.20.5 and later retry, cilium wraps its dumps (safenetlink); update the plugin or agent"),
		Manual: true, Why: "the retry is in the program's code or version, not in the system"}}
}
