package probes

import (
	"bufio"
	"context"
	"sync"
	"time"
)

// Group names a group of facts gathered (and failing) together.
type Group string

// Refresh is how often a dashboard re-reads a group.
type Refresh int

// The refresh classes (the zero value is none: a group must say).
const (
	// RefreshFast groups are what moves by itself: file handles, memory,
	// and links (from notifications). A dashboard re-reads them on every
	// poll.
	RefreshFast Refresh = iota + 1
	// RefreshSlow groups are re-read every few polls (and on demand): they
	// read logs, walk configuration directories, run journalctl, or hardly
	// ever change (credentials, the tun node, sysctls, which a fix's
	// verification re-reads anyway).
	RefreshSlow
)

// A factGroup is one group of facts, declared once, in the file that reads
// it, with newGroup (as node_exporter's collectors are): its name, where
// its facts live in Facts, how it is read, how often a dashboard re-reads
// it, how a newer read replaces an older one, and how probe --json writes
// it. TestGroupRegistry fails when a group lacks a part.
type factGroup struct {
	name    Group
	refresh Refresh
	// field returns a pointer to the group's field in f (the field whose
	// JSON key is the group's name).
	field func(f *Facts) any
	// gather reads the group into f (under mu), bounded by the target's
	// timeout.
	gather func(ctx context.Context, e *env, f *Facts, mu *sync.Mutex) error
	// merge sets the group in out, a copy of old, from newer.
	merge func(out, old, newer *Facts)
	// writeJSON writes the group's value for probe --json.
	writeJSON func(bw *bufio.Writer, f *Facts) error
}

// newGroup declares a group whose facts, of type T, live in the Facts field
// that field returns and are read by read. A newer read replaces the older
// one, and probe --json writes it as encoding/json does (with the terminal
// escapes), unless mergedBy or writtenBy say otherwise.
func newGroup[T any](name Group, r Refresh, field func(f *Facts) *T, read func(ctx context.Context, e *env) T) *factGroup {
	g := &factGroup{name: name, refresh: r}
	if field == nil {
		return g
	}
	g.field = func(f *Facts) any { return field(f) }
	g.merge = func(out, _, newer *Facts) { *field(out) = *field(newer) }
	g.writeJSON = func(bw *bufio.Writer, f *Facts) error { return writeValue(bw, *field(f)) }
	if read != nil {
		g.gather = func(ctx context.Context, e *env, f *Facts, mu *sync.Mutex) error {
			return run(ctx, e, mu, field(f), func(ctx context.Context) T { return read(ctx, e) })
		}
	}
	return g
}

// mergedBy replaces the group's merge.
func (g *factGroup) mergedBy(merge func(out, old, newer *Facts)) *factGroup {
	g.merge = merge
	return g
}

// writtenBy replaces the group's JSON writer.
func (g *factGroup) writtenBy(write func(bw *bufio.Writer, f *Facts) error) *factGroup {
	g.writeJSON = write
	return g
}

// groups is every fact group, in the order they are shown (and listed in
// Facts.Gathered).
//
// HOW TO ADD A GROUP: write its file as tun.go is written (its facts type,
// its gather function, its Group constant and its newGroup declaration),
// add its field to Facts with the group's name as JSON key, and add the
// group here. TestGroupRegistry fails when one of these is missing.
var factGroups = []*factGroup{hostGroup, fdsGroup, memoryGroup, netGroup, modulesGroup, identityGroup,
	securityGroup, denialsGroup, tunGroup, netConfigGroup, sysctlsGroup, containerGroup}

// AllGroups lists every group, in the order they are shown.
var AllGroups = groupNames(factGroups)

func groupNames(gs []*factGroup) []Group {
	out := make([]Group, len(gs))
	for i, g := range gs {
		out[i] = g.name
	}
	return out
}

// lookupGroup returns the group named g, or nil.
func lookupGroup(g Group) *factGroup {
	for _, x := range factGroups {
		if x.name == g {
			return x
		}
	}
	return nil
}

// Refresh is the group's refresh class (0 for a name that is no group).
func (g Group) Refresh() Refresh {
	if x := lookupGroup(g); x != nil {
		return x.refresh
	}
	return 0
}

// Facts is everything the probes found, group by group. A group that could
// not be read at all has a Gap named after the group; single facts that
// could not be read have their own Gaps inside their group.
type Facts struct {
	Collected time.Time      `json:"collected"`
	Took      Duration       `json:"took"`
	Target    TargetFacts    `json:"target"`
	Host      HostFacts      `json:"host"`
	FDs       FDFacts        `json:"fds"`
	Memory    MemoryFacts    `json:"memory"`
	Net       NetFacts       `json:"net"`
	Modules   ModulesFacts   `json:"modules"`
	Identity  IdentityFacts  `json:"identity"`
	Security  SecurityFacts  `json:"security"`
	Denials   DenialFacts    `json:"denials"`
	NetConfig NetConfigFacts `json:"netconfig"`
	Tun       TunFacts       `json:"tun"`
	Sysctls   SysctlFacts    `json:"sysctls"`
	Container ContainerFacts `json:"container"`
	// Gathered lists the groups this gather read (a partial gather, for a
	// fix's verification, reads only some).
	Gathered []Group `json:"gathered"`
	// Gaps are whole groups that failed (timed out).
	Gaps Gaps `json:"unavailable,omitempty"`
}

// Duration marshals as a string like "12.3ms".
type Duration time.Duration

func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Gather reads the given groups (all when none are given) for the target.
// Groups run concurrently, each bounded by the target's timeout; a group that
// times out is reported in Facts.Gaps and the others are kept.
func Gather(ctx context.Context, t Target, groups ...Group) *Facts {
	start := time.Now()
	e, tf := resolve(t)
	f := &Facts{Collected: start, Target: tf}
	if len(groups) == 0 {
		groups = AllGroups
	}
	f.Gathered = groups
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, g := range groups {
		wg.Add(1)
		go func(g Group) {
			defer wg.Done()
			err := runGroup(ctx, e, g, f, &mu)
			if err != nil {
				mu.Lock()
				f.Gaps.AddReason(string(g), "timed out after "+e.timeout.String()+" (a read is stuck: hung filesystem or unresponsive helper)")
				mu.Unlock()
			}
		}(g)
	}
	wg.Wait()
	f.Took = Duration(time.Since(start))
	return f
}

// runGroup gathers one group within the timeout and stores it under mu.
func runGroup(ctx context.Context, e *env, g Group, f *Facts, mu *sync.Mutex) error {
	if x := lookupGroup(g); x != nil {
		return x.gather(ctx, e, f, mu)
	}
	return nil
}

// run gathers one group with the target's timeout and stores the result.
func run[T any](ctx context.Context, e *env, mu *sync.Mutex, dst *T, fn func(context.Context) T) error {
	v, err := bounded(ctx, e.timeout, fn)
	mu.Lock()
	*dst = v
	mu.Unlock()
	return err
}

// Merge returns a copy of f with the groups newer gathered replaced by
// newer's (a dashboard refreshes cheap groups often and costly ones rarely).
// Target, Collected and Took come from newer.
func (f *Facts) Merge(newer *Facts) *Facts {
	if f == nil {
		return newer
	}
	out := *f
	out.Target, out.Collected, out.Took = newer.Target, newer.Collected, newer.Took
	out.Gaps = nil
	for _, g := range f.Gaps { // keep old whole-group failures of groups not re-read
		if !hasGroup(newer.Gathered, Group(g.Fact)) {
			out.Gaps = append(out.Gaps, g)
		}
	}
	out.Gaps = append(out.Gaps, newer.Gaps...)
	for _, g := range newer.Gathered {
		if x := lookupGroup(g); x != nil {
			x.merge(&out, f, newer)
		}
	}
	gathered := append([]Group{}, f.Gathered...)
	for _, g := range newer.Gathered {
		if !hasGroup(gathered, g) {
			gathered = append(gathered, g)
		}
	}
	out.Gathered = gathered
	return &out
}

func hasGroup(gs []Group, g Group) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}
