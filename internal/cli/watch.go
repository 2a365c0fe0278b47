package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// WatchOptions are the watch command's settings.
type WatchOptions struct {
	Source watch.Options
	Filter live.Filter
	// For stops watching after this long (0 = until SIGINT).
	For  time.Duration
	JSON bool
	// NoDiagnose prints findings without running the diagnosis.
	NoDiagnose bool
	// Base is the target the diagnosis starts from (root, timeout); each
	// finding sets its own PID and namespace.
	Base     probes.Target
	Out, Err io.Writer
	// Ready is called once the back end is capturing (run starts its
	// command then).
	Ready func(src watch.Source)
	// Stop ends the watch when closed (besides SIGINT and For).
	Stop <-chan struct{}
	// OnFinding receives every finding with its diagnosis (nil when not
	// diagnosed), after it is printed.
	OnFinding func(f *live.Finding, d *diagnose.Diagnosis)
	// Quiet prints nothing but the start line and the summary.
	Quiet bool
}

// WatchResult sums up a watch.
type WatchResult struct {
	Backend    string          `json:"backend"`
	Findings   int             `json:"findings"`
	Events     int             `json:"events"`
	Suppressed int             `json:"suppressed"`
	Lost       uint64          `json:"lost"`
	Tried      []watch.Attempt `json:"not_used,omitempty"`
}

// FirstCause is the head of a finding's diagnosis, as printed.
type FirstCause struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Status   diagnose.Status `json:"status"`
	Evidence []string        `json:"evidence,omitempty"`
}

// watchLine is one --json line.
type watchLine struct {
	Finding  *live.Finding `json:"finding"`
	Cause    *FirstCause   `json:"first_cause,omitempty"`
	Examined string        `json:"examined,omitempty"`
	Command  string        `json:"command"`
}

// OpenSource opens the first back end that works and says on w which one is
// active and why the others are not.
func OpenSource(o watch.Options, w io.Writer) (watch.Source, []watch.Attempt, error) {
	src, tried, err := watch.Open(o)
	if err != nil {
		return nil, tried, err
	}
	p(w, "rtnl-doctor watch: back end %s: %s\n", src.Name(), src.Sees())
	for _, a := range tried {
		p(w, "rtnl-doctor watch: back end %s not used: %s\n", a.Backend, a.Err)
	}
	return src, tried, nil
}

// Watch runs the watch command and returns the exit status: 0 after a clean
// stop (SIGINT, --for), 1 when no back end works or the back end failed.
func Watch(ctx context.Context, o WatchOptions) (WatchResult, int) {
	ctx, stopSig := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stopSig()
	if o.For > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.For)
		defer cancel()
	}
	if o.Stop != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() {
			select {
			case <-o.Stop:
				cancel()
			case <-ctx.Done():
			}
		}()
	}
	var res WatchResult
	src, tried, err := OpenSource(o.Source, o.Err)
	res.Tried = tried
	if err != nil {
		p(o.Err, "rtnl-doctor watch: %v\n", err)
		return res, 1
	}
	defer src.Close()
	res.Backend = src.Name()
	g := live.NewGrouper(src.Name(), o.Filter)
	start := time.Now()
	pr := newFindingPrinter(ctx, o)
	if o.Ready != nil {
		o.Ready(src)
	}
	runErr := live.Stream(ctx, src, g, func(f *live.Finding) {
		res.Findings++
		pr.add(f)
	})
	pr.close()
	res.Events, res.Suppressed = g.Events-g.Filtered, g.Suppressed
	res.Lost = src.Lost()
	if err := src.Close(); err != nil {
		p(o.Err, "rtnl-doctor watch: cleaning up: %v\n", err)
	}
	lost := "none lost"
	if res.Lost > 0 {
		lost = fmt.Sprintf("%d LOST by the kernel (buffer full: raise --buffer-kb)", res.Lost)
	}
	p(o.Err, "rtnl-doctor watch: %s in %s: %d events, %d suppressed as known noise, %s\n",
		diagnose.Plural(res.Findings, "failure", "failures")+" caught",
		time.Since(start).Round(time.Millisecond), res.Events, res.Suppressed, lost)
	if runErr != nil {
		p(o.Err, "rtnl-doctor watch: %v\n", runErr)
		return res, 1
	}
	return res, 0
}

// findingPrinter diagnoses findings on one goroutine and prints them in
// order; when findings come faster than they can be diagnosed, the excess
// is printed without a diagnosis (saying so) rather than delayed.
type findingPrinter struct {
	ctx   context.Context
	o     WatchOptions
	queue chan *live.Finding
	done  chan struct{}
	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	at    time.Time
	cause *FirstCause
	note  string
	d     *diagnose.Diagnosis
}

func newFindingPrinter(ctx context.Context, o WatchOptions) *findingPrinter {
	fp := &findingPrinter{ctx: ctx, o: o, queue: make(chan *live.Finding, 64), done: make(chan struct{}), cache: map[string]cached{}}
	go fp.loop()
	return fp
}

func (fp *findingPrinter) add(f *live.Finding) {
	if fp.o.NoDiagnose {
		fp.print(f, nil, "", nil)
		return
	}
	select {
	case fp.queue <- f:
	default:
		fp.print(f, nil, "diagnosis skipped: findings arrive faster than they can be diagnosed", nil)
	}
}

func (fp *findingPrinter) close() {
	close(fp.queue)
	<-fp.done
}

func (fp *findingPrinter) loop() {
	defer close(fp.done)
	for f := range fp.queue {
		key := f.Key()
		if c, ok := fp.cache[key]; ok && time.Since(c.at) < 5*time.Second {
			fp.print(f, c.cause, c.note+" (same failure as a moment ago: diagnosis reused)", c.d)
			continue
		}
		// The diagnosis outlives a cancelled watch: findings caught before
		// SIGINT are still explained.
		dctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		t, note := f.Target(fp.o.Base)
		began := time.Now()
		facts := probes.Gather(dctx, t)
		cancel()
		if el := time.Since(began); el > time.Second {
			note += fmt.Sprintf(" (reading the facts took %s)", el.Round(100*time.Millisecond))
		}
		d := diagnose.Diagnose(facts, f.Symptom, nil)
		d.Note = note
		var fc *FirstCause
		if len(d.Results) > 0 {
			r := d.Results[0]
			fc = &FirstCause{ID: r.ID, Title: r.Title, Status: r.Status, Evidence: r.Evidence}
		}
		fp.cache[key] = cached{at: time.Now(), cause: fc, note: note, d: d}
		fp.print(f, fc, note, d)
	}
}

// ReportCommand is the command that diagnoses a finding again: it names
// what the diagnosis examines (Finding.Target), so a process that has
// exited since its event (a short-lived ip) is not given as --pid, which
// report refuses ("no such process") or, after PID reuse, reads another
// process; and the named network namespace it acted in is given as --netns.
//
// It is "" when the failing process's network namespace went with it: a
// report could only read another namespace.
func ReportCommand(f *live.Finding) string {
	argv := []string{"rtnl-doctor", "report"}
	t, _ := f.Target(probes.Target{})
	if live.NetnsGone(t) {
		return ""
	}
	if t.PID > 0 {
		argv = append(argv, "--pid", strconv.Itoa(t.PID))
	}
	if t.NetNS != "" {
		argv = append(argv, "--netns", t.NetNS)
	}
	first, rest, _ := strings.Cut(f.Symptom.Raw, "\n")
	if strings.HasPrefix(first, "$ ") {
		// The process's command line comes first: keep the kernel's
		// first error line with it (quoted as one line with \x0a).
		if line, _, _ := strings.Cut(rest, "\n"); line != "" {
			first += "\n" + line
		}
	}
	argv = append(argv, "--symptom", first)
	return sysexec.Quote(argv...)
}

func (fp *findingPrinter) print(f *live.Finding, fc *FirstCause, note string, d *diagnose.Diagnosis) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	if fp.o.OnFinding != nil {
		defer fp.o.OnFinding(f, d)
	}
	if fp.o.Quiet {
		return
	}
	w := fp.o.Out
	if fp.o.JSON {
		b, err := json.Marshal(watchLine{Finding: f, Cause: fc, Examined: note, Command: ReportCommand(f)})
		if err == nil {
			w.Write(append(b, '\n'))
		}
		return
	}
	fmt.Fprintf(w, "%s %s\n", f.Time.Format("15:04:05.000"), sanitize.Line(f.Where()))
	count := ""
	if f.Count > 1 {
		count = fmt.Sprintf(" (%d events)", f.Count)
	}
	fmt.Fprintf(w, "  failed:    %s%s\n", sanitize.Line(f.What), count)
	if f.Proc.Cmdline != "" {
		fmt.Fprintf(w, "  command:   %s\n", sanitize.Clip(f.Proc.Cmdline, 200))
	}
	fmt.Fprintf(w, "  symptom:   %s\n", sanitize.Line(f.Symptom.SymptomLine()))
	if fc != nil {
		ev := ""
		if len(fc.Evidence) > 0 {
			ev = " — " + fc.Evidence[0]
		}
		fmt.Fprintf(w, "  cause:     %s %s %s: %s%s\n", fc.Status.Symbol(), fc.Status, fc.ID, sanitize.Line(fc.Title), sanitize.Clip(ev, 300))
	}
	if note != "" {
		fmt.Fprintf(w, "  examined:  %s\n", sanitize.Line(note))
	}
	if cmd := ReportCommand(f); cmd != "" {
		fmt.Fprintf(w, "  more:      %s\n", sanitize.Line(cmd))
	} else {
		fmt.Fprintf(w, "  more:      none: the process's network namespace went with it, so no later report can read it\n")
	}
}

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }
