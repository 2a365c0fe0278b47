package diagnose

import (
	"fmt"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"strconv"
	"strings"
)

// fitting gives each fix its cause's answers when it declares none, and
// keeps only the fixes that answer the symptom.
func fitting(k *Cause, s symptom.Symptom, fixes []fix.Fix) []fix.Fix {
	out := fixes[:0]
	for _, f := range fixes {
		for s := &f; s != nil; s = s.Then {
			if len(s.Answers) == 0 {
				s.Answers = k.Answers
			}
		}
		if f.Fits(s) {
			out = append(out, f)
		}
	}
	return out
}

// nsArgv prefixes a command so that it runs in the examined network
// namespace: `ip -n NAME ...` for ip with a named namespace, `ip netns exec
// NAME ...` for other programs, `nsenter --net=PATH ...` for a process's
// namespace; nothing for rtnl-doctor's own.
func nsArgv(c *Context, args ...string) []string {
	t := c.Facts.Target
	switch {
	case namedNetns(t.NetNS) != "":
		name := namedNetns(t.NetNS)
		if len(args) > 0 && args[0] == "ip" {
			return append([]string{"ip", "-n", name}, args[1:]...)
		}
		return append([]string{"ip", "netns", "exec", name}, args...)
	case strings.HasPrefix(t.NetNS, "of PID "):
		return append([]string{"nsenter", fmt.Sprintf("--net=/proc/%d/ns/net", t.PID)}, args...)
	case strings.HasPrefix(t.NetNS, "/"):
		return append([]string{"nsenter", "--net=" + t.NetNS}, args...)
	}
	return args
}

// ipCmd renders an ip command for the examined namespace.
func ipCmd(c *Context, args ...string) string {
	return fix.Argv(nsArgv(c, append([]string{"ip"}, args...)...)...)
}

// mountPIDParam is the "pid" parameter of a /dev action for the examined
// process: its mount namespace is where the node must be ("" when the
// process is rtnl-doctor itself, or the system is a captured tree).
func mountPIDParam(c *Context) string {
	t := c.Facts.Target
	if !t.Live || t.Self || t.PID <= 0 {
		return ""
	}
	return strconv.Itoa(t.PID)
}

// namedNetns is the name in a target description `named "NAME"` (which
// probes writes with strconv.Quote, and a captured tree follows with
// " (as captured)"), or "".
func namedNetns(desc string) string {
	rest, ok := strings.CutPrefix(desc, "named ")
	if !ok {
		return ""
	}
	q, err := strconv.QuotedPrefix(rest)
	if err != nil {
		return ""
	}
	name, err := strconv.Unquote(q)
	if err != nil {
		return ""
	}
	return name
}

// netnsParam is the nsfs path of the examined namespace for actions ("" for
// rtnl-doctor's own).
func netnsParam(c *Context) string {
	t := c.Facts.Target
	switch {
	case namedNetns(t.NetNS) != "":
		return "/run/netns/" + namedNetns(t.NetNS)
	case strings.HasPrefix(t.NetNS, "of PID "):
		return fmt.Sprintf("/proc/%d/ns/net", t.PID)
	case strings.HasPrefix(t.NetNS, "/"):
		return t.NetNS
	}
	return ""
}
