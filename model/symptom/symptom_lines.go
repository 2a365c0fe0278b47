package symptom

import (
	"regexp"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// setErr sets the error class once: the first error in a paste is the cause,
// later ones are consequences (wg-quick prints "Unable to access interface"
// after the RTNETLINK error).
func (s *Symptom) setErr(e Errno, msg string) {
	if s.weak {
		// A warning or info line: its error counts only when no error
		// line gives one.
		if s.weakErrno == "" && e != "" {
			s.weakErrno, s.weakMsg = e, clipText(strings.TrimSpace(msg), 300)
		}
		return
	}
	if s.Errno == "" && e != "" {
		s.Errno = e
	}
	if s.Message == "" && msg != "" {
		s.Message = clipText(strings.TrimSpace(msg), 300)
	}
}

func (s *Symptom) setIf(dst *string, v string) {
	if *dst == "" && v != "" {
		*dst = clipText(v, 256)
	}
}

// errnoAtEnd finds an errno text at the end of a Go/C error chain
// ("...: operation not supported", "...: File exists.").
func errnoAtEnd(line string) (Errno, string) {
	l := strings.TrimRight(strings.TrimSpace(line), ".\"')")
	for i := len(l) - 1; i >= 0; i-- {
		if l[i] == ':' {
			tail := strings.TrimSpace(l[i+1:])
			if e := ErrnoFromText(tail); e != "" {
				return e, tail
			}
			break
		}
	}
	if e := ErrnoFromText(l); e != "" {
		return e, l
	}
	return "", ""
}

// goErrRE finds a strerror text that ends a line, as Go and C programs
// print them ("netlink receive: operation not permitted",
// "RTNETLINK: File exists", "bind: too many open files").
var goErrRE = regexp.MustCompile(`(?i)(?:^|: )(operation not permitted|permission denied|file exists|operation not supported|not supported|no such device|no such file or directory|invalid argument|device or resource busy|too many open files(?: in system)?|cannot allocate memory|no buffer space available|network is unreachable|network is down|read-only file system|no space left on device|protocol not supported|cannot assign requested address|address family not supported by protocol)[."'\s]*$`)

// programRE finds the process that logged a line: "dockerd[812]: ..."
// (syslog and journal), or an audit record's pid= and comm=.
var (
	programRE = regexp.MustCompile(`(?:^|\s)([A-Za-z][\w.@-]{0,40})\[(\d{1,9})\]:`)
	auditPID  = regexp.MustCompile(`\bpid=(\d{1,9})\b.*?\bcomm="?([^"\s]{1,40})`)
)

// notePID records the process that logged a line.
func (s *Symptom) notePID(line string) {
	if s.PID != 0 {
		return
	}
	if m := programRE.FindStringSubmatch(line); m != nil && m[1] != "kernel" {
		s.Program = m[1]
		s.PID = atoiSafe(m[2])
	} else if m := auditPID.FindStringSubmatch(line); m != nil {
		s.PID, s.Program = atoiSafe(m[1]), m[2]
	}
}

// parseLine reads one output or log line for the error and its objects.
func (s *Symptom) parseLine(line string) {
	if len(line) > 4096 {
		line = line[:4096]
	}
	if strings.Contains(line, "missing kernel module?") {
		// iptables' warning for an extension the kernel lacks (libxtables
		// xtables.c: "Warning: Extension X revision 0 not supported,
		// missing kernel module?") carries no errno (its "not supported"
		// is no EOPNOTSUPP): the rule's failure on the line after it does
		// (RULE_APPEND failed (No such file or directory)). The ranking
		// still reads it in the text as pasted, and the module it names
		// is checked.
		if s.Module == "" {
			s.noteNetfilterModule(line)
		}
		line = strings.TrimSpace(iptablesExtWarnRE.ReplaceAllString(line, ""))
		if line == "" {
			return
		}
	}
	matched := false
	lower := foldLine(line)
	for i, p := range lineForms {
		if !lineFormFilters[i].pass(line, lower) {
			continue
		}
		if m := p.match(line); m != nil {
			p.apply(s, m)
			s.match("line:" + p.name)
			matched = true
			break
		}
	}
	if matched && s.ExtAck == "" {
		// A line another row read may still quote a kernel message
		// (networkd's "Could not set route: MESSAGE. Strerror").
		if m := findQuotedExtAck(line); m != nil {
			s.noteExtAck(m[1], m[0], m[0])
			s.match("line:kernel-extack-quoted")
		}
	}
	if s.Operation == "" {
		if s.weak {
			// A debug or info line's operation ("failed to cleanup veth
			// pair" before the error) counts only when no error line
			// names one.
			var probe Symptom
			if s.weakOpLine == "" && probe.applyPhraseIn(line) {
				s.weakOpLine = line
			}
		} else {
			s.applyPhrase(line)
		}
	}
	if !matched {
		if m := goErrRE.FindStringSubmatch(line); m != nil {
			s.setIf(&s.Source, "go")
			s.setErr(ErrnoFromText(m[1]), line)
			s.match("line:go-error-chain")
		}
	}
	if s.Errno == "" {
		if e, form, _ := findErrno(line); e != "" {
			s.setErr(e, line)
			s.match("errno:" + form)
		}
	}
	// Hints in the words of daemons and tools.
	low := strings.ToLower(line)
	switch {
	case s.Operation == "" && strings.Contains(low, "netlink socket"):
		s.Operation = OpNetlink
	case s.Operation == "" && strings.Contains(low, "/dev/net/tun"):
		s.Operation, s.Path = OpTunOpen, "/dev/net/tun"
	case s.Operation == "" && strings.Contains(low, "/dev/vhost-net"):
		s.Operation, s.Path = OpTunOpen, "/dev/vhost-net"
		s.setIf(&s.Module, "vhost_net")
	case s.Operation == "" && !s.weak && (strings.Contains(low, "veth") && strings.Contains(low, "pair")):
		// (Not from a debug line: "failed to cleanup veth pair" before
		// the error is housekeeping.)
		s.Operation, s.Kind = OpLinkAdd, "veth"
	}
	if s.Module == "" {
		s.noteNetfilterModule(line)
	}
	if !s.InvalidName && strings.Contains(low, "invalid interface name") {
		// A program's own check of a name (lxc's confile parser:
		// "invalid interface name: veth_haproxy_br0", lxc/lxc#6).
		if m := invalidIfnameRE.FindStringSubmatch(line); m != nil && !notANameWord[strings.ToLower(m[1])] {
			s.InvalidName = true
			s.setIf(&s.Device, m[1])
		}
	}
	if !s.InvalidName && strings.Contains(low, "too long") {
		// A name refused as too long (libvirt's "Network interface name
		// 'X' is too long", docker's "Interface name X too long") is the
		// failure whatever operation another line named.
		if m := nameTooLongRE.FindStringSubmatch(line); m != nil && !notANameWord[strings.ToLower(m[1])] {
			s.InvalidName = true
			s.setIf(&s.Device, m[1])
		}
	}
	if s.Kind == "" {
		for _, k := range []string{"wireguard", "vxlan", "macvlan", "ipvlan", "geneve", "bridge", "bond", "vlan"} {
			if strings.Contains(low, "type "+k) || strings.Contains(low, k+" interface") || strings.Contains(low, "create "+k) {
				s.Kind = k
				break
			}
		}
	}
}

// infer fills what follows from what was found.
func (s *Symptom) infer() {
	if len(s.TCActions) > 0 && s.TCActionRefused() {
		// The kernel could not load an action's module
		// (act_api.c tc_action_load_ops): an action, not the classifier,
		// is the kind that is missing (which one, the kernel does not
		// say: the diagnosis checks each).
		s.TCKind = "action " + s.TCActions[0]
	}
	if s.Operation == "" && s.Kind != "" && (s.Errno == EOPNOTSUPP || s.ExtAck != "") {
		s.Operation = OpLinkAdd
	}
	if s.Operation == OpTuntapAdd || s.Operation == OpTunOpen {
		s.setIf(&s.Path, "/dev/net/tun")
		if s.Kind == "" && s.Path == "/dev/net/tun" {
			s.Kind = "tun"
		}
	}
	// Bringing an interface up (ifup, ifupdown2, networking.service) sets
	// the link up, then adds its addresses and routes: setting a link up
	// never answers EEXIST (dev_change_flags), an address added twice does
	// (bluerobotics/companion#201).
	if s.Operation == OpLinkSet && s.Errno == EEXIST && s.Command == "" && s.matched("op:bring-up-device") {
		s.Operation = OpAddrAdd
	}
	// A socket or address of the IPv6 family named in words (docker/for-linux#1233
	// "listen tcp6 [::]:8888: socket: address family not supported by
	// protocol", boot2docker/boot2docker#1257 "creating tcp6 socket ::1").
	if s.Family == "" {
		if inet6WordsRE.MatchString(s.Raw) {
			s.Family = "inet6"
			// A TCP or UDP socket of that family is not a netlink socket.
			if s.Operation == OpNetlink && !strings.Contains(strings.ToLower(s.Raw), "netlink") {
				s.Operation = ""
			}
		}
	}
	if s.Operation == "" && s.SysctlKey != "" {
		s.Operation = OpSysctl
	}
}

func atoiSafe(s string) int {
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<30 {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// match records a vocabulary row that matched, once.
func (s *Symptom) match(row string) {
	for _, r := range s.Matched {
		if r == row {
			return
		}
	}
	if len(s.Matched) < 32 {
		s.Matched = append(s.Matched, row)
	}
}

// applyPhrase applies the operation phrase that names the operation last
// in the line: in a chain of errors ("failed to add interface veth1 to
// sandbox: failed to set link up: device or resource busy") the innermost
// one is what the kernel refused.
func (s *Symptom) applyPhrase(line string) {
	// "failed to set into network namespace X while creating netlink
	// socket": what follows "while" is the context, not what failed.
	if i := strings.Index(line, " while "); i > 0 && !strings.HasSuffix(line[:i], "failed") && s.applyPhraseIn(line[:i]) {
		return
	}
	s.applyPhraseIn(line)
}

func (s *Symptom) applyPhraseIn(line string) bool {
	best, bestAt := -1, -1
	var bestM []string
	lower := foldLine(line)
	for i, p := range opPhrases {
		if !opPhraseFilters[i].pass(line, lower) {
			continue
		}
		locs := p.re.FindAllStringSubmatchIndex(line, -1)
		if len(locs) == 0 {
			continue
		}
		loc := locs[len(locs)-1]
		if loc[0] > bestAt {
			best, bestAt = i, loc[0]
			bestM = make([]string, len(loc)/2, len(loc)/2+1)
			for j := range bestM {
				if loc[2*j] >= 0 {
					bestM[j] = line[loc[2*j]:loc[2*j+1]]
				}
			}
			// The rest of the line, after the phrase, as the last element.
			bestM = append(bestM, line[loc[1]:])
		}
	}
	if best < 0 {
		return false
	}
	opPhrases[best].apply(s, bestM)
	if s.Operation != "" {
		s.match("op:" + opPhrases[best].name)
	}
	return s.Operation != ""
}

// matched tells whether a vocabulary row matched ("op:bring-up-device").
func (s *Symptom) matched(row string) bool {
	for _, m := range s.Matched {
		if m == row {
			return true
		}
	}
	return false
}

// Go prints a net.IPNet with %v as {IP MASK}: kubernetes-sigs/kind#626
// "failed to add route '{:: 00000000000000000000000000000000} via <nil>".
var inet6WordsRE = regexp.MustCompile(`\b(?:tcp6|udp6|AF_INET6|PF_INET6)\b|\[::[0-9a-fA-F:]*\]:\d+|\bip6 ::1\b|\bsocket ::1\b|\{[0-9a-fA-F:]*:: ?[0-9a-fA-F]{32}\}`)

// nameTooLongRE is an interface name refused as too long, the name quoted
// or not.
var nameTooLongRE = regexp.MustCompile(`(?i)interface name ["']?([^\s"']{1,256})["']? (?:is )?too long`)

// iptablesExtWarnRE is libxtables' warning for an extension revision the
// kernel does not offer.
var iptablesExtWarnRE = regexp.MustCompile(`(?:Warning: )?Extension \S{1,64} revision \d{1,4} not supported, missing kernel module\?`)

// invalidIfnameRE is a name a program refused as an interface name, after
// a colon or in quotes ("invalid interface name: veth_haproxy_br0"), not
// the next word of a sentence ("Invalid interface name specified").
var invalidIfnameRE = regexp.MustCompile(`(?i)invalid interface name(?::\s*["'\x60]?|\s+["'\x60])([^\s"'\x60]{1,256})`)

// notANameWord are words a sentence puts where a name could stand.
var notANameWord = map[string]bool{"is": true, "or": true, "specified": true, "given": true, "for": true, "index": true, "name": true, "was": true, "too": true}

// Firewall tools' words for a table, match or target the kernel does not
// have (iptables' libiptc and libxtables, ebtables' communication.c,
// iptables-nft's generation id).
var (
	iptablesTableRE = regexp.MustCompile("can't initialize (ip6?tables|ebtables) table [`'\"]([a-z]{1,16})['`\"]")
	xtLoadRE        = regexp.MustCompile("Couldn't load (match|target) [`'\"]([A-Za-z0-9_]{1,28})['`\"]")
	xtExtensionRE   = regexp.MustCompile(`Extension ([A-Za-z0-9_]{1,28}) revision \d{1,4} not supported`)
	ebtablesTableRE = regexp.MustCompile(`doesn't support the ebtables '([a-z]{1,16})' table`)
	nftGenerationRE = regexp.MustCompile(`Could not fetch rule set generation id`)
)

// noteNetfilterModule names the module behind a firewall tool's failure
// when the tool's words name a table, match or target rtnl-doctor knows
// (probes.NetfilterModules): "Couldn't load target `DOCKER'" names a
// chain, no module, and is left alone.
func (s *Symptom) noteNetfilterModule(line string) {
	set := func(kind string) {
		if k, ok := probes.NetfilterModule(kind); ok {
			s.Module = k.Module
		}
	}
	switch {
	case strings.Contains(line, "(nf_tables)") && strings.Contains(line, "can't initialize"):
		// iptables-nft: its tables are nf_tables chains, no iptable_ module.
	case iptablesTableRE.MatchString(line):
		m := iptablesTableRE.FindStringSubmatch(line)
		set(m[1] + " table " + m[2])
	case xtLoadRE.MatchString(line):
		m := xtLoadRE.FindStringSubmatch(line)
		set("xt " + m[1] + " " + m[2])
	case xtExtensionRE.MatchString(line):
		m := xtExtensionRE.FindStringSubmatch(line)
		set("xt match " + m[1])
		if s.Module == "" {
			set("xt target " + m[1])
		}
	case ebtablesTableRE.MatchString(line):
		set("ebtables table " + ebtablesTableRE.FindStringSubmatch(line)[1])
	case nftGenerationRE.MatchString(line):
		set("nf_tables")
	}
}
