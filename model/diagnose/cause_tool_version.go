package diagnose

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// tool-version: the program refused the request itself because it does not
// know it: a tc without a parser for the qdisc, an ip older than the object
// or keyword, BusyBox's ip applet, a netlink client older or newer than the
// kernel's family. The kernel was not asked, or was asked in a dialect it
// does not speak; the fix is the tool, not the system.
var causeToolVersion = &Cause{
	ID:      "tool-version",
	Answers: fix.Answers(nil, symptom.EINVAL, symptom.EOPNOTSUPP),
	Checks:  "whether the tool refused the request itself because it does not know it: tc without a parser for the qdisc, an ip older than the object or keyword, BusyBox's ip applet",
	Needs:   []probes.Group{probes.GroupHost, probes.GroupModules},
	Eval:    evalToolVersion,
	Fixes:   fixesToolVersion,
	Next:    "With the newer tool, run the command again: the kernel now gets the request (and may still refuse it for its own reasons).",
}

// The refusals' regular expressions take quotes escaped or not (a paste of
// a JSON string or an Erlang charlist keeps \").
var (
	tcUnknownKindRE = regexp.MustCompile(`Unknown (qdisc|filter) \\?"([^"\\]{1,32})\\?", hence option`)
	ipObjectRE      = regexp.MustCompile(`Object \\?"([^"\\]{1,32})\\?" is unknown, try`)
	// lib/utils.c duparg2: iproute2 "Error: either "dev" is duplicate, or
	// "xdp" is a garbage." (6.13 dropped the "a"), BusyBox's applet "ip:
	// either "dev" is duplicate, or "type" is garbage" (also posted as "is
	// duplicated or"); and ip's "Garbage instead of arguments "X ..."".
	ipGarbageRE   = regexp.MustCompile(`(Error: |ip: )?either \\?"[^"\\]{1,32}\\?" is (duplicated?,? )or \\?"([^"\\]{1,64})\\?" is (?:a )?garbage|Garbage instead of arguments \\?"([^"\\ ]{1,64})`)
	busyboxInvarg = regexp.MustCompile(`ip: invalid argument '([^']{1,64})' to '([^']{1,32})'`)
	busyboxIPLine = regexp.MustCompile(`(?m)^ip: (?:invalid argument|either|bad |can't|unknown)`)
	// BusyBox prints its banner and the applet's usage when the applet
	// does not take the arguments given (openwrt/packages#26302: ip -json).
	busyboxUsageRE = regexp.MustCompile(`BusyBox v\d[^\n]{0,80}multi-call binary`)
	busyboxIPUsage = regexp.MustCompile(`(?m)(?:Usage: ip \[OPTIONS\]|^\W{0,4}ip (?:addr|address|link|route|rule|neigh|tunnel) )`)
	// iproute2 before ip rule list took selectors (ip/iprule.c).
	ipRuleNoArgsRE = regexp.MustCompile(`ip rule show\\?"? does not take any arguments`)
	// A program's netlink library refusing what the kernel's family sends
	// or has: weaveworks/go-odp ("unknown flow key type 22", "unsupported
	// OVS_ACTION_ATTR_SET attribute"), florianl/go-tc ("unsupported kind:
	// sfq").
	libraryRefusalRE = regexp.MustCompile(`unknown flow key type \d{1,5}|unsupported OVS_[A-Z_]{1,40} attribute|extractTCAOptions\(\): unsupported kind: [\w-]{1,32}`)
)

// newerIPObjects are `ip` objects later iproute2 releases added (ip/ip.c
// cmds): an ip that calls one unknown predates it.
var newerIPObjects = map[string]bool{"nexthop": true, "mptcp": true, "vrf": true, "ioam": true, "stats": true, "macsec": true,
	"sr": true, "netconf": true, "tcpmetrics": true, "tcp_metrics": true, "token": true, "fou": true, "ila": true, "l2tp": true}

// newerIPKeywords are arguments of ip link/route/address that later
// iproute2 releases learned: an ip that calls one "a garbage" predates it.
var newerIPKeywords = map[string]bool{"xdp": true, "xdpgeneric": true, "xdpdrv": true, "xdpoffload": true, "altname": true,
	"protodown": true, "protodown_reason": true, "gso_max_size": true, "gso_max_segs": true, "gro_max_size": true,
	"gso_ipv4_max_size": true, "gro_ipv4_max_size": true, "addrgenmode": true, "vrf": true, "nhid": true,
	"link-netns": true, "link-netnsid": true, "ttl-propagate": true, "fastopen_no_cookie": true, "encap": true, "noprefixroute": true,
	"autojoin": true, "mngtmpaddr": true}

// iproute2Since are the iproute2 releases that first knew a word, where
// sure (release notes): a system whose iproute2 is this new did not print
// the refusal with its own tool.
var iproute2Since = map[string][2]int{"qdisc cake": {4, 19}, "xdp": {4, 10}, "nexthop": {5, 3}}

// The refusals the parser reads from ip rule, the netfilter tools and
// netplan (model/symptom: iprule-unknown-keyword,
// netfilter-tool-unknown-argument, netplan-definition).
var (
	ipRuleTypeRE       = regexp.MustCompile(`Error: argument "([^"]{1,64})" is wrong: Failed to parse rule type`)
	netfilterUnknownRE = regexp.MustCompile(`^(\w+) refused the command line: (?:an option later \w+ releases added|an argument or option it does not know) \(([^)]{1,64})\)`)
	netplanNewerKeyRE  = regexp.MustCompile(`^netplan: unknown key ([\w-]{1,64}), a key netplan reads since ([\d.]{1,12}):`)
)

// otherToolPackages are the Debian and Fedora packages of the tools whose
// refusals tool-version reads besides ip and tc.
var otherToolPackages = map[string][2]string{
	"ipset": {"ipset", "ipset"}, "iptables": {"iptables", "iptables"}, "ip6tables": {"iptables", "iptables"},
	"ebtables": {"ebtables", "ebtables"}, "arptables": {"arptables", "arptables"}, "ipvsadm": {"ipvsadm", "ipvsadm"},
	"conntrack": {"conntrack", "conntrack-tools"}, "nft": {"nftables", "nftables"}, "netplan": {"netplan.io", "netplan"},
}

// toolRefusal is what the symptom shows the tool refusing, and whether the
// refusal proves the tool too old or too limited.
type toolRefusal struct {
	tool, what string
	word       string // the key of iproute2Since
	proof      bool
	busybox    bool
	// library: a program's own netlink library refused (not ip or tc).
	library bool
}

func findToolRefusal(s symptom.Symptom, h *probes.HostFacts) (toolRefusal, bool) {
	text := s.Raw
	if m := tcUnknownKindRE.FindStringSubmatch(text); m != nil {
		if _, known := probes.KindInfoTC(m[1] + " " + m[2]); known {
			return toolRefusal{tool: "tc", proof: true, word: m[1] + " " + m[2], what: fmt.Sprintf("tc has no parser for the %s %s, which newer tc releases know: this tc is older than it or built without it (cake came with iproute2 4.19; some distributions patched it into older ones); nothing reached the kernel", m[1], sanitize.Clip(m[2], 32))}, true
		}
		return toolRefusal{tool: "tc", what: fmt.Sprintf("tc does not know the %s %s, and neither does rtnl-doctor: a typing error, or a %s newer than both", m[1], sanitize.Clip(m[2], 32), m[1])}, true
	}
	if m := busyboxInvarg.FindStringSubmatch(text); m != nil {
		// BusyBox's invarg_1_to_2 wording (iproute2 says "Error: argument
		// ... is wrong"): its applet reads a subset of each argument.
		return toolRefusal{tool: "ip", proof: h.IPRoute2.BusyBox, busybox: true, what: fmt.Sprintf("ip is BusyBox's applet (its wording: '%s'), which reads only part of what iproute2's ip accepts: it refused '%s' for '%s'", sanitize.Clip(m[0], 80), sanitize.Clip(m[1], 64), sanitize.Clip(m[2], 32))}, true
	}
	if m := ipObjectRE.FindStringSubmatch(text); m != nil {
		if newerIPObjects[m[1]] {
			return toolRefusal{tool: "ip", proof: true, word: m[1], what: fmt.Sprintf("this ip does not know `ip %s`, an object later iproute2 releases added", m[1])}, true
		}
		return toolRefusal{}, false // a typing error: invalid-request's
	}
	if m := ipGarbageRE.FindStringSubmatch(text); m != nil {
		word := m[3] + m[4]
		switch {
		case m[1] == "ip: " || m[2] == "duplicated ":
			return toolRefusal{tool: "ip", proof: true, busybox: true, what: fmt.Sprintf("ip is BusyBox's applet (its wording: '%s', where iproute2 says 'Error: either ...'), which knows a small part of iproute2's arguments: it refused '%s'", sanitize.Clip(strings.ReplaceAll(m[0], `\"`, `"`), 80), sanitize.Clip(word, 64))}, true
		case h.IPRoute2.BusyBox || busyboxIPLine.MatchString(text):
			return toolRefusal{tool: "ip", proof: true, busybox: true, what: fmt.Sprintf("ip is BusyBox's applet, which knows a small part of iproute2's arguments: it refused '%s'", sanitize.Clip(word, 64))}, true
		case newerIPKeywords[word]:
			return toolRefusal{tool: "ip", proof: true, word: word, what: fmt.Sprintf("this ip calls '%s' a garbage: a keyword later iproute2 releases learned", sanitize.Clip(word, 64))}, true
		}
		return toolRefusal{tool: "ip", what: fmt.Sprintf("ip refused '%s': a typing error (invalid-request), or a keyword of an iproute2 newer than this one", sanitize.Clip(word, 64))}, true
	}
	if busyboxUsageRE.MatchString(text) && busyboxIPUsage.MatchString(text) {
		return toolRefusal{tool: "ip", proof: h.IPRoute2.BusyBox, busybox: true, what: "BusyBox printed its ip applet's usage: the applet does not take the arguments it was given (a script written for iproute2's ip, with -json or -details, ran BusyBox's)"}, true
	}
	if ipRuleNoArgsRE.MatchString(text) {
		return toolRefusal{tool: "ip", proof: true, what: "this ip's `ip rule show` takes no selectors (\"does not take any arguments\"), which later iproute2 releases accept: the script was written for a newer ip; nothing reached the kernel"}, true
	}
	if m := ipRuleTypeRE.FindStringSubmatch(text); m != nil {
		if symptom.NewerIPRuleKeywords[m[1]] {
			return toolRefusal{tool: "ip", proof: true, what: fmt.Sprintf("this ip read '%s' as a rule type: a selector later iproute2 releases added (ip/iprule.c); nothing reached the kernel", sanitize.Clip(m[1], 64))}, true
		}
		return toolRefusal{tool: "ip", what: fmt.Sprintf("ip rule refused '%s' (\"Failed to parse rule type\"): a typing error (invalid-request), or a selector of an iproute2 newer than this one", sanitize.Clip(m[1], 64))}, true
	}
	if m := netfilterUnknownRE.FindStringSubmatch(s.ExtAck); m != nil {
		if strings.Contains(m[0], "an option later") {
			return toolRefusal{tool: m[1], proof: true, what: fmt.Sprintf("%s calls unknown an option its later releases added (%s): this %s is older than the command; nothing reached the kernel", m[1], sanitize.Clip(m[2], 64), m[1])}, true
		}
		return toolRefusal{tool: m[1], what: fmt.Sprintf("%s does not know '%s': mistyped or missing its context (invalid-request), or newer than this %s", m[1], sanitize.Clip(m[2], 64), m[1])}, true
	}
	if strings.HasPrefix(s.ExtAck, "nft refused the ruleset: ") {
		return toolRefusal{tool: "nft", what: "nft could not read the ruleset (" + sanitize.Clip(strings.TrimPrefix(s.ExtAck, "nft refused the ruleset: "), 100) + "): a typing error (invalid-request), or syntax newer than this nft; nothing reached the kernel"}, true
	}
	if m := netplanNewerKeyRE.FindStringSubmatch(s.ExtAck); m != nil {
		return toolRefusal{tool: "netplan", what: fmt.Sprintf("netplan does not know the key %s, which netplan reads since %s: this netplan is older, or the key stands in a section that does not take it", m[1], m[2])}, true
	}
	if m := libraryRefusalRE.FindString(text); m != "" {
		return toolRefusal{tool: "the program's netlink library", library: true, what: fmt.Sprintf("the program's netlink library refused what the kernel's family sent or has (its words: %q): the library is older than the kernel, or lacks that object; the kernel is not at fault", sanitize.Clip(m, 80))}, true
	}
	return toolRefusal{}, false
}

func evalToolVersion(c *Context) Verdict {
	var v Verdict
	h := &c.Facts.Host
	ver := iproute2Words(h)
	r, found := findToolRefusal(c.Symptom, h)
	if !found {
		v.ok("the symptom shows no refusal by the tool itself (%s)", ver)
		return v
	}
	since, dated := iproute2Since[r.word]
	_, _, known := h.IPRoute2.Release()
	if r.tool != "ip" && r.tool != "tc" && !r.library {
		// Another tool's refusal (ipset, iptables, nft, netplan): the
		// iproute2 installed says nothing of it.
		if r.proof {
			v.fail("%s", r.what)
		} else {
			v.warn("%s", r.what)
		}
		return v
	}
	switch {
	case r.library:
		v.warn("%s", r.what)
	case r.busybox && !h.IPRoute2.BusyBox && h.IPRoute2.Version != "":
		// BusyBox's words on a system whose ip is iproute2's: the applet
		// that printed them runs elsewhere (an image, another host).
		v.warn("%s; but %s and its ip is iproute2's: the BusyBox that printed this is another system's (a container image, a router, a script's PATH)", r.what, ver)
	case r.proof && knownHere(r, h):
		v.warn("%s; but %s, which knows it (since iproute2 %d.%d): the %s that printed this is another one (a container's, an older copy earlier on PATH, another machine's)",
			r.what, ver, since[0], since[1], r.tool)
	case r.proof:
		if dated && known {
			ver += fmt.Sprintf(", older than %d.%d, the first release that knows it", since[0], since[1])
		}
		v.fail("%s; %s", r.what, ver)
		if _, kind := symptom.TCKindParts(c.Symptom); r.tool == "tc" && kind != "" {
			if ks, ok := c.Facts.Modules.TCKind(c.Symptom.TCKind); ok && ks.State != probes.ModMissing && ks.State != probes.ModUnknown {
				v.Evidence = append(v.Evidence, fmt.Sprintf("the kernel has it: %s is %s", ks.Module, ks.State))
			}
		}
	default:
		v.warn("%s; %s", r.what, ver)
	}
	return v
}

// knownHere: the iproute2 installed here is at least the release that
// first knew the refused word, so the tool that refused it was another.
func knownHere(r toolRefusal, h *probes.HostFacts) bool {
	since, dated := iproute2Since[r.word]
	maj, min, known := h.IPRoute2.Release()
	return dated && known && !r.busybox && !h.IPRoute2.BusyBox && (maj > since[0] || maj == since[0] && min >= since[1])
}

// iproute2Words says which iproute2 the system has.
func iproute2Words(h *probes.HostFacts) string {
	v := h.IPRoute2
	switch {
	case v.BusyBox && v.Version == "":
		return "ip is BusyBox's applet; no iproute2 package installed"
	case v.Version != "" && v.BusyBox:
		return fmt.Sprintf("ip is BusyBox's applet although %s %s is installed (%s)", v.Package, v.Version, v.Source)
	case v.Version != "":
		return fmt.Sprintf("%s %s is installed (%s)", v.Package, v.Version, v.Source)
	}
	r, _ := h.Gaps.Reason("iproute2")
	return "iproute2's version unavailable: " + fix.OrName(r, "not read")
}

func fixesToolVersion(c *Context, v Verdict) []fix.Fix {
	if v.Status != Fail && v.Status != Warn {
		return nil
	}
	r, _ := findToolRefusal(c.Symptom, &c.Facts.Host)
	if r.library {
		return []fix.Fix{{ID: "tool-version/update-program", Title: "Update the program to a release whose netlink library knows what this kernel sends",
			Command: "# upgrade the program (or the library it vendors); its changelog or issue tracker names the release that learned the object or attribute",
			Manual:  true, Why: "which program and release is in the paste's context, not in facts rtnl-doctor can read"}}
	}
	if r.busybox {
		title := "Install iproute2: BusyBox's ip applet knows only part of its commands (answers ip's own refusal)"
		if !c.Facts.Host.IPRoute2.BusyBox && c.Facts.Host.IPRoute2.Version != "" {
			title = "Install iproute2 where BusyBox's ip ran (the image or system that printed this; this one has it)"
		}
		return []fix.Fix{{ID: "tool-version/install-iproute2", Title: title,
			Command: fix.Lines("# Alpine:", fix.Argv("apk", "add", "iproute2"), "# OpenWrt:", fix.Argv("opkg", "install", "ip-full"),
				"# Buildroot/Nerves images: enable BR2_PACKAGE_IPROUTE2 and rebuild"),
			NeedsRoot: true, Manual: true, Why: "the package manager depends on the system; scripts then find iproute2's ip before BusyBox's on PATH"}}
	}
	if pkgs, ok := otherToolPackages[r.tool]; ok {
		// ipset, iptables, nft, netplan: their own packages, not iproute2.
		if !r.proof {
			return nil // a typing error is as likely: invalid-request's fixes
		}
		return []fix.Fix{{ID: "tool-version/upgrade-tool", Title: "Install a newer " + r.tool + " (answers its own refusal: the kernel was not asked)",
			Command: fix.Lines("# Debian/Ubuntu (a newer release's or the backports' package):", fix.Argv("apt-get", "install", pkgs[0]),
				"# Fedora/RHEL:", fix.Argv("dnf", "upgrade", pkgs[1])),
			NeedsRoot: true, Manual: true, Why: "in a container the image's " + r.tool + " is the one to update (rebuild or pull a newer image); the distribution's stable release may not carry a newer one"}}
	}
	if knownHere(r, &c.Facts.Host) {
		return []fix.Fix{{ID: "tool-version/use-installed", Title: "Run the " + r.tool + " of the iproute2 installed here: the one that refused the request is another",
			Command: fix.Lines(fix.Argv("type", "-a", r.tool), fix.Argv("/usr/sbin/"+r.tool, "-V")), Manual: true,
			Why: "a script's PATH, a container's image or another machine may hold an older copy"}}
	}
	pkg := fix.OrName(c.Facts.Host.IPRoute2.Package, "iproute2")
	return []fix.Fix{{ID: "tool-version/upgrade-iproute2", Title: "Install a newer " + pkg + " (answers the tool's own refusal: the kernel was not asked)",
		Command: fix.Lines("# Debian/Ubuntu (a newer release's or the backports' package):", fix.Argv("apt-get", "install", "iproute2"),
			"# Fedora/RHEL:", fix.Argv("dnf", "upgrade", "iproute", "iproute-tc"), "# OpenWrt:", fix.Argv("opkg", "install", "ip-full", "tc-full")),
		NeedsRoot: true, Manual: true, Why: "the distribution's stable release may not carry a newer iproute2: a backport or a build from source is the way then"}}
}
