package probes

import (
	"context"
	"sync"
	"time"
)

// Group names a group of facts gathered (and failing) together.
type Group string

// The fact groups.
const (
	GroupHost      Group = "host"
	GroupFDs       Group = "fds"
	GroupMemory    Group = "memory"
	GroupNet       Group = "net"
	GroupModules   Group = "modules"
	GroupIdentity  Group = "identity"
	GroupSecurity  Group = "security"
	GroupDenials   Group = "denials"
	GroupTun       Group = "tun"
	GroupNetConfig Group = "netconfig"
	GroupSysctls   Group = "sysctls"
	GroupContainer Group = "container"
)

// AllGroups lists every group, in the order they are shown.
var AllGroups = []Group{GroupHost, GroupFDs, GroupMemory, GroupNet, GroupModules, GroupIdentity,
	GroupSecurity, GroupDenials, GroupTun, GroupNetConfig, GroupSysctls, GroupContainer}

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
	switch g {
	case GroupHost:
		return run(ctx, e, mu, &f.Host, func(context.Context) HostFacts { return gatherHost(e) })
	case GroupFDs:
		return run(ctx, e, mu, &f.FDs, func(context.Context) FDFacts { return gatherFDs(e) })
	case GroupMemory:
		return run(ctx, e, mu, &f.Memory, func(ctx context.Context) MemoryFacts { return gatherMemory(ctx, e) })
	case GroupNet:
		return run(ctx, e, mu, &f.Net, func(context.Context) NetFacts { return gatherNet(e) })
	case GroupModules:
		return run(ctx, e, mu, &f.Modules, func(context.Context) ModulesFacts { return gatherModules(e) })
	case GroupIdentity:
		return run(ctx, e, mu, &f.Identity, func(context.Context) IdentityFacts { return gatherIdentity(e) })
	case GroupSecurity:
		return run(ctx, e, mu, &f.Security, func(context.Context) SecurityFacts { return gatherSecurity(e) })
	case GroupDenials:
		return run(ctx, e, mu, &f.Denials, func(ctx context.Context) DenialFacts { return gatherDenials(ctx, e) })
	case GroupNetConfig:
		return run(ctx, e, mu, &f.NetConfig, func(ctx context.Context) NetConfigFacts { return gatherNetConfig(ctx, e) })
	case GroupTun:
		return run(ctx, e, mu, &f.Tun, func(context.Context) TunFacts { return gatherTun(e) })
	case GroupSysctls:
		return run(ctx, e, mu, &f.Sysctls, func(context.Context) SysctlFacts { return gatherSysctls(e) })
	case GroupContainer:
		return run(ctx, e, mu, &f.Container, func(context.Context) ContainerFacts { return gatherContainer(e) })
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
		switch g {
		case GroupHost:
			out.Host = newer.Host
		case GroupFDs:
			out.FDs = newer.FDs
		case GroupMemory:
			mem := newer.Memory
			if mem.Quick { // keep the last kernel log scan and slabinfo
				old := f.Memory
				mem.AllocFailures, mem.KernelLog, mem.Quick = old.AllocFailures, old.KernelLog, old.Quick
				mem.TopSlabs, mem.NetSlabs, mem.SlabBytes, mem.SlabCaches = old.TopSlabs, old.NetSlabs, old.SlabBytes, old.SlabCaches
				for _, k := range []string{"alloc_failures", "slabinfo"} {
					if r, ok := old.Gaps.Reason(k); ok {
						mem.Gaps.AddReason(k, r)
					}
				}
			}
			out.Memory = mem
		case GroupNet:
			out.Net = newer.Net
		case GroupModules:
			out.Modules = newer.Modules
		case GroupIdentity:
			out.Identity = newer.Identity
		case GroupSecurity:
			out.Security = newer.Security
		case GroupDenials:
			out.Denials = newer.Denials
		case GroupTun:
			out.Tun = newer.Tun
		case GroupNetConfig:
			out.NetConfig = newer.NetConfig
		case GroupSysctls:
			out.Sysctls = newer.Sysctls
		case GroupContainer:
			out.Container = newer.Container
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
