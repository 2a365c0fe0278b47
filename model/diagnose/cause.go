package diagnose

import (
	"fmt"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/assets"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Status is the verdict on one cause.
type Status string

// Verdicts, from most to least alarming.
const (
	Fail    Status = "fail"    // the evidence proves it
	Warn    Status = "warn"    // plausible, or a limit is near
	Unknown Status = "unknown" // a needed fact was unavailable
	OK      Status = "ok"      // ruled out, with the evidence
)

func (s Status) rank() int {
	switch s {
	case Fail:
		return 3
	case Warn:
		return 2
	case Unknown:
		return 1
	}
	return 0
}

// Symbol is the status as one character, so it is never shown by colour
// alone.
func (s Status) Symbol() string {
	switch s {
	case Fail:
		return "✗"
	case Warn:
		return "!"
	case Unknown:
		return "?"
	}
	return "✓"
}

// Verdict is a cause's status and the concrete evidence behind it.
type Verdict struct {
	Status   Status   `json:"status"`
	Evidence []string `json:"evidence"`
	// checkedNamed: the evaluation checked the very object the text names
	// (the module of a firewall tool's table): its "ok" is a finding, not
	// checks that missed the words (wordsSaid leaves it).
	checkedNamed bool
}

// add records one piece of evidence and raises the status to st if st is
// more alarming.
func (v *Verdict) add(st Status, format string, args ...any) {
	v.Evidence = append(v.Evidence, fmt.Sprintf(format, args...))
	if st.rank() > v.Status.rank() {
		v.Status = st
	}
}

func (v *Verdict) fail(format string, args ...any)    { v.add(Fail, format, args...) }
func (v *Verdict) warn(format string, args ...any)    { v.add(Warn, format, args...) }
func (v *Verdict) ok(format string, args ...any)      { v.add(OK, format, args...) }
func (v *Verdict) unknown(format string, args ...any) { v.add(Unknown, format, args...) }

// Context is what a cause is evaluated against.
type Context struct {
	Facts   *probes.Facts
	Symptom symptom.Symptom
	// Repro is the result of reproducing the failure in a throwaway
	// namespace, when that was done.
	Repro *reproduce.Reproduction
	// words is the ranking row that put a cause first on the text's own
	// words (a Msg row, not the kernel's extended ACK), when one did: set
	// by Diagnose, read by wordsSaid.
	words *rankRow
}

// who names the examined process for evidence: "PID 4242 (ip)".
func (c *Context) who() string {
	t := c.Facts.Target
	name := t.Comm
	if name == "" {
		name = c.Facts.Identity.Name
	}
	switch {
	case t.Self && t.Live:
		return fmt.Sprintf("rtnl-doctor itself (PID %d)", t.PID)
	case t.PID > 0 && name != "":
		return fmt.Sprintf("PID %d (%s)", t.PID, name)
	case t.PID > 0:
		return fmt.Sprintf("PID %d", t.PID)
	}
	return "the captured process"
}

// examinesSelf is true when the examined process is rtnl-doctor itself,
// not the program that failed.
func (c *Context) examinesSelf() bool { return c.Facts.Target.Self && c.Facts.Target.Live }

// gathered reports whether a group was read in this snapshot.
func (c *Context) gathered(g probes.Group) bool {
	for _, x := range c.Facts.Gathered {
		if x == g {
			return true
		}
	}
	return false
}

// groupGap returns why a whole group is missing (timed out), if it is.
func (c *Context) groupGap(g probes.Group) (string, bool) {
	if !c.gathered(g) {
		return "not gathered", true
	}
	return c.Facts.Gaps.Reason(string(g))
}

// linksGap returns why the examined namespace's links are unknown: the net
// group missing as a whole, or its links unreadable.
func (c *Context) linksGap() (string, bool) {
	if r, gap := c.groupGap(probes.GroupNet); gap {
		return r, true
	}
	return c.Facts.Net.Gaps.Reason("links")
}

// Cause is one entry of the catalogue: a way an RTNETLINK operation fails.
type Cause struct {
	ID string
	// Checks says in one line what is examined.
	Checks string
	// Needs are the fact groups the evaluation reads: a fix's verification
	// re-gathers exactly these.
	Needs []probes.Group
	// Require is the group without which the cause cannot be judged at
	// all: when it was not read or failed as a whole, Evaluate answers
	// unknown ("fd facts unavailable: why") without calling Eval. A cause
	// that first rules itself out from the symptom alone checks its groups
	// in Eval instead.
	Require Requirement
	Eval    func(c *Context) Verdict
	Fixes   func(c *Context, v Verdict) []fix.Fix
	// Answers are the failures (operation, errno) the cause's fixes
	// answer, unless a fix declares its own: a fix is never offered for
	// another errno (no route deletion for "Network is unreachable").
	Answers []fix.Answer
	// Next is what usually comes next once this cause is fixed (the seeds'
	// follow-ups), checked by the walk-through.
	Next string
}

// Requirement is a fact group a cause cannot be judged without, and the
// words its evidence names those facts by ("fd facts").
type Requirement struct {
	Group probes.Group
	Facts string
}

// unavailable is the verdict when the required group is missing, if it is.
func (r Requirement) unavailable(c *Context) (Verdict, bool) {
	var v Verdict
	if r.Group == "" {
		return v, false
	}
	why, gap := c.groupGap(r.Group)
	if gap {
		v.unknown("%s unavailable: %s", r.Facts, why)
	}
	return v, gap
}

// Title is the cause's title, from its explanation in assets/.
func (k *Cause) Title() string { return assets.CauseTitle(k.ID) }

// Explanation is the text a person reads, from assets/.
func (k *Cause) Explanation() string { return assets.CauseBody(k.ID) }

// Catalogue is every cause, in the order a health check lists them.
//
// HOW TO ADD A CAUSE: write model/cause_ID.go (its Cause value, as
// cause_fd_exhaustion.go does: Checks, Needs, Require when it cannot be
// judged without one group, Eval, Fixes, Answers) and assets/causes/ID.md
// (a "# Title" line, then the explanation), add the value here and to the
// rows of the ranking table (model/rank_table.go) whose symptoms it
// explains. TestCatalogue fails when one of these is missing.
var Catalogue = []*Cause{
	causeNameConflict,
	causeAlreadyExists,
	causeModuleMissing,
	causeCapNetAdmin,
	causeContainerRestricted,
	causeUsernsRemap,
	causeMACDenial,
	causeSysctl,
	causeLinkState,
	causeTunDevice,
	causeFDExhaustion,
	causeKernelMemory,
	causeNetconfig,
	causeNetnsReference,
	causeMTU,
	causeDeviceBusy,
	causeNetlinkBuffer,
	causeNeighTable,
	causeSeccomp,
	causeAddressInUse,
	causeInvalidRequest,
	causeBridgePortLimit,
	causeEmulatedKernel,
	causeDumpInterrupted,
	causeUnsupportedFeature,
	causeToolVersion,
}

// CauseByID finds a cause.
func CauseByID(id string) *Cause {
	for _, k := range Catalogue {
		if k.ID == id {
			return k
		}
	}
	return nil
}

// Plural returns "1 thing" or "2 things".
func Plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// quoteList renders names as "a, b and c".
func quoteList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
