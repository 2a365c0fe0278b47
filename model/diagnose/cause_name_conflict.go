package diagnose

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

var causeNameConflict = &Cause{
	ID:      "name-conflict",
	Checks:  "the names the failing command asks for: valid for the kernel, and not already used by a link or an altname",
	Needs:   []probes.Group{probes.GroupNet},
	Eval:    evalNameConflict,
	Fixes:   fixesNameConflict,
	Answers: fix.Answers([]string{symptom.OpLinkAdd, symptom.OpTuntapAdd, symptom.OpLinkSet}, symptom.EEXIST, symptom.EINVAL, symptom.ENODEV, symptom.EBUSY, symptom.ERANGE),
	Next:    "Once the link exists it has no address and no route: add them (the next error is often \"File exists\" from an address or route that is already there).",
}

// proposedNames are the interface names the symptom asks the kernel to
// create (the device, a veth's peer, a tuntap device).
func proposedNames(s symptom.Symptom) []string {
	var out []string
	if s.Operation == symptom.OpLinkAdd || s.Operation == symptom.OpTuntapAdd || s.InvalidName || slices.Contains(s.Matched, "line:udev-rename") {
		if s.Device != "" {
			out = append(out, s.Device)
		}
		if s.Peer != "" {
			out = append(out, s.Peer)
		}
	}
	return out
}

// linkNames are the links to compare against: rtnetlink's when read, else
// /proc/net/dev's names (the seed's cross-check, names only).
func linkNames(c *Context) ([]probes.Link, string, bool) {
	n := &c.Facts.Net
	if _, gap := n.Gaps.Reason("links"); !gap && c.gathered(probes.GroupNet) {
		return n.Links, "rtnetlink", true
	}
	if len(n.NetDev) > 0 {
		links := make([]probes.Link, len(n.NetDev))
		for i, name := range n.NetDev {
			links[i] = probes.Link{Name: name}
		}
		return links, "/proc/net/dev (no altnames)", true
	}
	return nil, "", false
}

// escapedNamesLike lists, quoted, the links whose names read as name once
// their terminal escape sequences are removed.
func escapedNamesLike(links []probes.Link, name string) []string {
	var out []string
	for _, l := range links {
		if l.Name != name && symptom.StripANSI(l.Name) == name {
			out = append(out, strconv.Quote(l.Name))
		}
	}
	return out
}

// refusedAsMalformed: the text says a name was refused as too long or
// malformed, not as taken: whether a link has the name says nothing, and
// deleting one would never answer it.
func refusedAsMalformed(s symptom.Symptom) bool { return s.InvalidName && s.Errno != symptom.EEXIST }

// bareExists: the symptom is EEXIST without the command that got it.
func bareExists(s symptom.Symptom) bool { return s.Errno == symptom.EEXIST && s.Operation == "" }

func evalNameConflict(c *Context) Verdict {
	var v Verdict
	names := proposedNames(c.Symptom)
	if len(names) == 0 {
		if c.Symptom.InvalidName {
			v.fail("the text shows an interface name refused as too long, empty or malformed (%s): the kernel takes 1 to 15 bytes, not \".\" or \"..\", without '/', ':' or white space (net/core/dev.c dev_valid_name)", fix.OrName(c.Symptom.Message, "no name given"))
			return v
		}
		if bareExists(c.Symptom) {
			v.unknown("the error is File exists, but not what was being added: paste the command line with it (ip link add NAME …, ip addr add …, ip route add …) to find what already exists")
			return v
		}
		if strings.Contains(c.Symptom.Raw, "failed to find a unique veth name") {
			// containernetworking/plugins SetupVethWithName: every name it
			// tried exists (the container side's is the caller's CNI_IFNAME).
			v.warn("the CNI plugin found every veth name it tried already taken: the container-side name it was given (CNI_IFNAME) most likely exists in the container's namespace already; the names are not in the text to check")
			return v
		}
		if op := c.Symptom.Operation; op == symptom.OpLinkAdd || op == symptom.OpTuntapAdd {
			// A link was being created, but its name is not in the text
			// (watch sees the request, not the command line): nothing
			// rules a taken name out (review).
			v.unknown("an interface was being created, but the text does not say its name: paste the command line (ip link add NAME …) to check it")
			return v
		}
		v.ok("the symptom names no interface to create, so there is no name to check")
		return v
	}
	links, src, have := linkNames(c)
	for _, name := range names {
		nc := probes.CheckIfName(name, links)
		if nc.Problem != "" {
			v.fail("%s", nc.Problem)
		}
		if refusedAsMalformed(c.Symptom) {
			if nc.Problem == "" {
				v.unknown("%q is a valid interface name here (1 to 15 bytes, no '/', ':' or white space): the refusal the text shows was of another name, or for another reason", name)
			}
			continue
		}
		if !have {
			r, _ := c.Facts.Net.Gaps.Reason("links")
			v.unknown("cannot check whether %q is taken: links unavailable (%s)", name, r)
			continue
		}
		if nc.Clash != nil {
			v.fail("%s", describeClash(c, nc))
		} else if nc.Problem == "" {
			if nc.Template {
				v.ok("%q is a template: the kernel picks the first free number", name)
			} else if real := escapedNamesLike(links, name); c.Symptom.Escapes && len(real) > 0 {
				v.fail("a link named %s exists: its name holds terminal escape sequences, which the pasted text lost when it was displayed; it reads as %q", strings.Join(real, ", "), name)
			} else if c.Symptom.Escapes {
				v.unknown("no link is named %q now, but the pasted text held terminal escape sequences, removed before reading it: the name may have held some too (compare with: ip -d link show)", name)
			} else {
				v.ok("no link is named %q now (%s, %s checked)", name, src, Plural(len(links), "link", "links"))
			}
		}
		if len(nc.Suggestions) > 0 && (nc.Problem != "" || nc.Clash != nil) {
			v.Evidence = append(v.Evidence, fmt.Sprintf("free valid names: %s", strings.Join(nc.Suggestions, ", ")))
		}
	}
	if v.Status == OK && c.Symptom.Errno == symptom.EEXIST && c.Symptom.Operation == symptom.OpLinkAdd {
		v.Evidence = append(v.Evidence, "the name is free now: the clashing link may have been removed since the error, or the peer's name clashed in the namespace the peer was created in")
	}
	return v
}

// describeClash says what the existing link is and what it is attached to.
func describeClash(c *Context, nc probes.NameCheck) string {
	l := *nc.Clash
	var b strings.Builder
	if nc.ClashIsAltName {
		fmt.Fprintf(&b, "%q is already an altname of link %s (index %d)", nc.Name, l.Name, l.Index)
	} else {
		fmt.Fprintf(&b, "a link named %q already exists (index %d", nc.Name, l.Index)
		if l.Kind != "" {
			b.WriteString(", " + l.Kind)
		}
		b.WriteString(")")
	}
	b.WriteString(": " + linkDetails(c, l))
	return b.String()
}

// linkDetails is a link's state and what it is attached to.
func linkDetails(c *Context, l probes.Link) string {
	n := &c.Facts.Net
	var att []string
	state := "DOWN"
	if l.Up() {
		state = "UP (operstate " + l.OperState + ")"
	}
	att = append(att, "state "+state)
	if l.Master != 0 {
		if m, ok := n.LinkByIndex(l.Master); ok {
			att = append(att, "port of "+m.Name)
		}
	}
	if l.Kind == "veth" && l.Parent != 0 {
		if l.ParentNetNSID != nil {
			att = append(att, fmt.Sprintf("its peer is in another namespace (netnsid %d)", *l.ParentNetNSID))
		} else if p, ok := n.LinkByIndex(l.Parent); ok {
			att = append(att, "peer "+p.Name)
		}
	}
	if addrs := n.AddrsOf(l.Index); len(addrs) > 0 {
		var as []string
		for _, a := range addrs {
			if a.Scope != "link" {
				as = append(as, a.Prefix.String())
			}
		}
		if len(as) > 0 {
			att = append(att, "addresses "+strings.Join(as, ", "))
		}
	}
	if l.Alias != "" {
		att = append(att, fmt.Sprintf("alias %q", l.Alias))
	}
	return strings.Join(att, "; ")
}

func fixesNameConflict(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail {
		return nil
	}
	links, _, _ := linkNames(c)
	var fixes []fix.Fix
	// One command with every clashing or invalid name replaced: a veth's
	// name and its peer's may both be taken.
	rename := map[string]string{}
	var from, to []string
	taken := map[string]bool{}
	for _, name := range proposedNames(c.Symptom) {
		nc := probes.CheckIfName(name, links)
		if nc.Problem == "" && nc.Clash == nil {
			continue
		}
		for _, sug := range nc.Suggestions {
			if !taken[sug] {
				rename[name], taken[sug] = sug, true
				from, to = append(from, strconv.Quote(name)), append(to, strconv.Quote(sug))
				break
			}
		}
	}
	if len(rename) > 0 {
		words := symptom.SplitWords(c.Symptom.Command)
		changed := false
		for i, w := range words {
			if r, ok := rename[w]; ok {
				words[i], changed = r, true
			}
		}
		cmd := fix.Argv(words...)
		if changed && len(words) > 1 && (words[0] == "ip" || strings.HasSuffix(words[0], "/ip")) && !slices.Contains(words, "-n") && !slices.Contains(words, "-netns") {
			// The user's ip command, in the namespace the diagnosis
			// examined (ip -n NAME when it is a named one; review).
			cmd = ipCmd(c, words[1:]...)
		}
		if !changed {
			args := []string{"link", "add", fix.OrName(rename[c.Symptom.Device], c.Symptom.Device), "type", orKind(c.Symptom.Kind)}
			if p := c.Symptom.Peer; p != "" {
				// The peer keeps its name unless it is the taken one.
				args = append(args, "peer", "name", fix.OrName(rename[p], p))
			}
			cmd = ipCmd(c, args...)
		}
		fixes = append(fixes, fix.Fix{
			ID:      "name-conflict/use-free-name",
			Title:   fmt.Sprintf("Use the free name %s instead of %s", quoteList(to), quoteList(from)),
			Command: cmd,
			Manual:  true,
			Why:     "rtnl-doctor does not run your command for you: copy it with the free names",
		})
	}
	for _, name := range proposedNames(c.Symptom) {
		nc := probes.CheckIfName(name, links)
		if nc.Clash != nil && !nc.ClashIsAltName && !refusedAsMalformed(c.Symptom) {
			title := fmt.Sprintf("Delete the existing link %s (check first that nothing uses it)", nc.Clash.Name)
			if nc.Clash.Kind == "veth" {
				title = fmt.Sprintf("Delete the leftover veth %s (this deletes its peer too)", nc.Clash.Name)
			}
			if t := linkCarries(c, *nc.Clash); t != "" {
				title += "; it carries traffic now (" + t + ")"
			}
			fixes = append(fixes, fix.Fix{
				ID:        "name-conflict/delete-stale",
				Title:     title,
				Command:   ipCmd(c, "link", "del", "dev", nc.Clash.Name),
				NeedsRoot: true,
				Risk:      "whatever used the link (a container, a VM, a bridge port) loses it; a deleted link cannot be undone",
				Action:    fix.Act("link-delete", "netns", netnsParam(c), "name", nc.Clash.Name, "attached", linkDetails(c, *nc.Clash)),
			})
		}
		if nc.Clash != nil && nc.ClashIsAltName {
			fixes = append(fixes, fix.Fix{
				ID:        "name-conflict/delete-altname",
				Title:     fmt.Sprintf("Remove the altname %q from %s", name, nc.Clash.Name),
				Command:   ipCmd(c, "link", "property", "del", "dev", nc.Clash.Name, "altname", name),
				NeedsRoot: true,
				Action:    fix.Act("altname-delete", "netns", netnsParam(c), "name", nc.Clash.Name, "altname", name),
			})
		}
	}
	return fixes
}

func orKind(k string) string {
	if k == "" {
		return "KIND"
	}
	return k
}

// linkCarries says what traffic a link carries in the snapshot: UP, its
// addresses, the default route through it ("" when none).
func linkCarries(c *Context, l probes.Link) string {
	n := &c.Facts.Net
	var what []string
	if l.Up() {
		what = append(what, "UP")
	}
	for _, a := range n.AddrsOf(l.Index) {
		if a.Scope != "link" && a.Scope != "host" {
			what = append(what, "addresses")
			break
		}
	}
	for _, r := range n.Routes {
		if r.Default() && r.OutIndex == l.Index {
			what = append(what, "the default route")
			break
		}
	}
	return quoteList(what)
}
