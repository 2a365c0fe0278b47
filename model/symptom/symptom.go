package symptom

import (
	"fmt"
	"net/netip"
	"os"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// Operations a symptom can name.
const (
	OpLinkAdd    = "link add"
	OpLinkSet    = "link set"
	OpLinkDel    = "link del"
	OpTuntapAdd  = "tuntap add"
	OpAddrAdd    = "addr add"
	OpAddrDel    = "addr del"
	OpRouteAdd   = "route add"
	OpRouteDel   = "route del"
	OpNeighAdd   = "neigh add"
	OpSysctl     = "sysctl write"
	OpNetlink    = "netlink socket open"
	OpUserns     = "user-namespace setup"
	OpTunOpen    = "tun open"
	OpModprobe   = "module load"
	OpNetnsEnter = "netns enter"
	// OpRule is a policy-routing rule request (ip rule add/list).
	OpRule = "rule"
	// OpTC is a traffic-control change: a qdisc, class or filter added,
	// replaced, changed or deleted (tc qdisc add ..., symptom_tc.go).
	OpTC = "tc"
)

// Symptom is what the user saw, parsed: the operation that failed, on what,
// and how it failed.
type Symptom struct {
	Raw string `json:"raw"`
	// Recognised is false when nothing in the text matched a known form:
	// the diagnosis then runs as a general health check.
	Recognised bool   `json:"recognised"`
	Source     string `json:"source,omitempty"` // kernel (its log lines), iproute2, busybox, go, rust, docker, cni, networkd, NetworkManager, openvpn, wireguard, libvirt, lxc, sysctl, unshare, modprobe, selinux, apparmor
	Operation  string `json:"operation,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Device     string `json:"device,omitempty"`
	Peer       string `json:"peer,omitempty"`
	Master     string `json:"master,omitempty"`
	Lower      string `json:"lower,omitempty"` // "link DEV" of a vlan/macvlan/ipvlan/vxlan
	// Netns is the namespace the command ran in (ip -n NS, ip netns exec NS);
	// PeerNetns the one a veth's peer is created in (peer ... netns NS).
	Netns     string `json:"netns,omitempty"`
	PeerNetns string `json:"peer_netns,omitempty"`
	// PID and Program name the process that logged the error
	// ("dockerd[812]: ..." or an audit record's pid=).
	PID     int    `json:"pid,omitempty"`
	Program string `json:"program,omitempty"`
	Address string `json:"address,omitempty"` // a prefix being added or deleted
	Route   string `json:"route,omitempty"`   // a route's destination ("default" or a prefix)
	PrefSrc string `json:"src,omitempty"`     // a route's preferred source (ip route ... src ADDR)
	Gateway string `json:"gateway,omitempty"`
	Family  string `json:"family,omitempty"` // inet, inet6
	Errno   Errno  `json:"errno,omitempty"`
	// Message is the error as printed; ExtAck the kernel's extended-ACK
	// message when iproute2 showed one ("Unknown device type"), or a
	// program's own refusal when no request reached the kernel ("iproute2
	// refused the command line: ...", nft's, netplan's, ethtool's).
	Message   string `json:"message,omitempty"`
	ExtAck    string `json:"ext_ack,omitempty"`
	SysctlKey string `json:"sysctl_key,omitempty"`
	// TCKind is the qdisc, classifier or action a tc command names, with its
	// object: "qdisc netem", "filter flower".
	TCKind string `json:"tc_kind,omitempty"`
	// TCActions are the actions a tc filter or `tc actions` command names,
	// in order ("mirred" in "... action mirred egress redirect dev eth1";
	// "police" for a filter's police keyword; "gact" for "action drop"):
	// the kernel loads act_KIND for each.
	TCActions []string `json:"tc_actions,omitempty"`
	// MTU is the MTU the command asked for (mtu N), 0 if none.
	MTU    int    `json:"mtu,omitempty"`
	Path   string `json:"path,omitempty"`
	Module string `json:"module,omitempty"`
	// Invalid is set when iproute2 rejected a name before asking the kernel.
	InvalidName bool `json:"invalid_name,omitempty"`
	// Command is the failing command line when one was pasted.
	Command string `json:"command,omitempty"`
	// Matched names the vocabulary rows that matched ("cmd:iproute2",
	// "line:iproute2-rtnetlink-answers", "errno:strerror", "wrap:json-string").
	Matched []string `json:"matched,omitempty"`
	// AsRoot is what in the text says the failing command ran as root (a
	// root prompt, sudo or doas): root holds every capability unless a
	// container or a user namespace took them, a hint for the ranking.
	AsRoot string `json:"as_root,omitempty"`
	// ContainerHint is what in the text says the command ran inside a
	// container (a prompt whose host name is a container id, "docker
	// exec"): a hint for the ranking only, never proof of a container.
	ContainerHint string `json:"container_hint,omitempty"`
	// Emulator names the kernel emulation the text shows the program ran
	// on, when its own form says so: "gVisor" (the sentry's strace lines,
	// runsc --strace), "WSL" (a Windows host's default name in a prompt:
	// DESKTOP-XXXXXXX). A hint for the ranking only.
	Emulator string `json:"emulator,omitempty"`
	// Unit is the systemd unit whose sandbox failed ("x.service" in
	// "x.service: Failed to set up network namespacing").
	Unit string `json:"unit,omitempty"`
	// Cut says how a text beyond maxSymptom was shortened.
	Cut string `json:"cut,omitempty"`
	// Escapes is set when the text held terminal escape sequences, which
	// are removed before reading it: a name in it may have held some too,
	// so its absence proves nothing.
	Escapes bool `json:"escapes,omitempty"`

	// Parser state: the line being read is a warning or info line; the
	// error such lines gave.
	weak      bool
	weakErrno Errno
	weakMsg   string
	// weakOpLine is the first warning or info line that names an
	// operation, used when no error line names one.
	weakOpLine string
}

// maxSymptom bounds what is parsed of a pasted symptom.
const maxSymptom = 64 << 10

// ParseSymptom parses pasted text: a command line and its output, or a log
// line from a daemon. It never fails: unknown text gives Recognised=false.
func ParseSymptom(text string) Symptom {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text, cut := cutText(text, maxSymptom)
	s := Symptom{Raw: text, Cut: cut}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	// A text escaped as a whole (a JSON string, "\n" typed on the command
	// line); JSON and logfmt records are unescaped line by line instead.
	if t, ok := unescapeText(text); ok && !strings.Contains(text, `{"`) && !strings.Contains(text, `msg="`) {
		text = t
		s.match("wrap:escaped-text")
	}
	if m := detectVirtRE.FindStringSubmatch(text); m != nil {
		s.ContainerHint = "systemd-detect-virt answered " + m[1]
	}
	for _, raw := range strings.Split(text, "\n") {
		if plain := StripANSI(raw); plain != raw {
			s.Escapes = true
			raw = plain
		}
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if len(raw) > 4096 {
			raw = raw[:4096]
		}
		s.notePID(raw)
		s.noteContainerHint(raw)
		s.noteEmulator(raw)
		hadErr := s.Errno != ""
		rawWeak := weakLineRE.MatchString(raw)
		lines, wraps := unwrapLine(raw, 0)
		for _, w := range wraps {
			s.match("wrap:" + w)
		}
		for _, line := range lines {
			if line == "" {
				continue
			}
			// A warning under a log prefix ("ufw-init[4985]: Warning:
			// ...") is as weak as one without.
			s.weak = rawWeak || weakLineRE.MatchString(line)
			if argv, ok := CommandLine(line); ok {
				if (s.Errno != "" || s.ExtAck != "") && s.Operation != "" {
					// After the error (an errno, or iproute2's own refusal
					// with none): cleanup (wg-quick's "ip link delete"),
					// not the command that failed.
					continue
				}
				s.parseCommand(argv)
				s.AsRoot = asRoot(line)
				// "ip route add 10.1.0.0/16 dev tun0: file exists": a
				// command and its error on one line; also a program named
				// first and its failure after it ("podman system service:
				// /usr/bin/slirp4netns failed: open("/dev/net/tun")").
				if i := strings.LastIndex(line, ": "); i > 0 {
					if e, _, _ := findErrno(line[i:]); e != "" || failedWordRE.MatchString(line) {
						s.parseLine(line)
					}
				}
				continue
			}
			s.parseLine(line)
		}
		if !hadErr && s.Errno != "" {
			// The process that logged the error, rather than the first
			// one named in the paste.
			var e Symptom
			e.notePID(raw)
			if e.PID != 0 {
				s.PID, s.Program = e.PID, e.Program
			}
		}
	}
	s.weak = false
	if src, ok := programSources[s.Program]; ok && (s.Source == "" || s.Source == "go") {
		s.Source = src
	}
	if s.Operation == "" && s.Program != "" {
		// A unit named for its job: "wireguard-wg0-start[2975]: ...".
		s.applyPhrase(s.Program)
	}
	if s.Operation == "" && s.weakOpLine != "" {
		s.applyPhrase(s.weakOpLine)
	}
	if s.Operation == "" || s.Family == "" {
		s.noteEchoedHeader(text)
	}
	if s.Errno == "" && s.weakErrno == "" {
		if e, form, m := findWeakErrno(text); e != "" {
			s.weakErrno, s.weakMsg = e, clipText(m, 300)
			s.match("errno:" + form)
		}
	}
	if s.Errno == "" && s.weakErrno != "" {
		s.setErr(s.weakErrno, s.weakMsg)
	}
	if s.Errno == "" && strings.Count(text, "\n") > 0 && len(text) < 16<<10 {
		// A message wrapped over lines as pasted ("Address family not\n
		// supported by protocol").
		if e, form, _ := findErrno(strings.Join(strings.Fields(text), " ")); e != "" && form == "strerror" {
			s.setErr(e, "")
			s.match("errno:strerror-across-lines")
		}
	}
	s.infer()
	s.Recognised = s.Errno != "" || s.Operation != "" || s.ExtAck != "" || s.InvalidName
	if !s.Recognised && knownWords != nil {
		// No errno, operation or refusal, but a program's own message
		// whose meaning the diagnosis knows ("Your kernel might be
		// terribly out of date or missing nftables"): the text is
		// understood, not a case for the health check of every cause.
		if w := knownWords(s); w != "" {
			s.Recognised = true
			s.match("words:" + w)
		}
	}
	return s
}

// knownWords names the words of a program's or tool's own message that the
// text carries and the diagnosis knows the meaning of, "" when none. The
// diagnosis registers it from its ranking table (model/diagnose
// knownWords), once, in its init: the parser keeps no second list of those
// messages. Without the diagnosis linked in, no text is recognised by its
// words alone.
var knownWords func(Symptom) string

// RegisterKnownWords sets knownWords; only an init may call it (it is read
// without a lock afterwards).
func RegisterKnownWords(f func(Symptom) string) { knownWords = f }

// containerPromptRE finds a shell prompt whose host name is a container id
// (docker's default hostname: 12 hex digits; podman the same) or a
// Kubernetes pod's name (DEPLOYMENT-RSHASH-SUFFIX, in the alphabet
// Kubernetes draws both from: istio/istio#13577), and
// commands that enter a container.
var containerPromptRE = regexp.MustCompile(`^(?:\S+@([0-9a-f]{12})[:\s][^#$]*[#$]\s|\[\S+@([0-9a-f]{12})[^\]]*\][#$]\s|\S+@[a-z0-9][a-z0-9-]{0,40}-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}:[^#$]*[#$]\s)|\b(?:docker|podman|kubectl|nerdctl|lxc|incus) (?:exec|attach)\b|\blxc-attach\b|\b(?:docker|podman|nerdctl) run\b[^\n]*?[\s"'](?:ip|ifconfig|brctl|tc|sysctl|route|wg-quick|openvpn|tunctl|unshare)\s`)

// noteEmulator notes a line whose form only a kernel emulation prints.
func (s *Symptom) noteEmulator(line string) {
	if s.Emulator != "" {
		return
	}
	switch {
	case gvisorStraceRE.MatchString(line):
		s.Emulator = "gVisor"
	case windowsHostRE.MatchString(line):
		s.Emulator = "WSL"
	}
}

// gvisorStraceRE is a system call as gVisor's sentry traces it (runsc
// --strace; pkg/sentry/strace): "[  26] ip X setsockopt(0x3, ...) = 0x0
// errno=92 (protocol not available) (11.807µs)": Linux's strace prints
// "= -1 ENOPROTOOPT (...)" and results in decimal.
var gvisorStraceRE = regexp.MustCompile(`(?:^|\] )(?:\S+ )?X [a-z_0-9]{2,24}\(.*\) = 0x[0-9a-f]+(?: errno=\d+|$| \()`)

// windowsHostRE is a prompt or log line of a host that keeps Windows'
// default computer name (DESKTOP-/LAPTOP- and 7 or 8 letters and digits):
// a WSL distribution.
var windowsHostRE = regexp.MustCompile(`^\S+@(?:DESKTOP|LAPTOP)-[A-Z0-9]{7,8}:[^$#]*[$#]\s`)

// ashPromptRE is BusyBox ash's prompt with no PS1 set, root in a
// directory ("/ # ", "/app # "): what a shell in an Alpine-based container
// shows (aceberg/WatchYourLAN#107); a host's shell reads a profile that
// names the user or the host.
var ashPromptRE = regexp.MustCompile(`^(/[\w./-]{0,64} #) \S`)

// containerWordsRE is the text saying in words that the command ran in a
// container ("inside the container", "in my docker container").
var containerWordsRE = regexp.MustCompile(`(?i)\b(?:inside|within|in) (?:a|the|my|this|our|an unprivileged|a rootless|the rootless) (?:docker |podman |lxc |lxd |incus |kubernetes |k8s |alpine |debian |ubuntu |unprivileged |rootless )?container\b`)

// containerLogRE finds a line as a container's log shows it: compose's
// service prefix ("openvpn_udp_1 | ", "wg-easy-1  | ") and the CRI log
// format kubelet writes under /var/log/pods ("2020-11-07T22:17:44.5Z stderr
// F ..."): the program that printed it ran in a container.
var containerLogRE = regexp.MustCompile(`^(?:[A-Za-z0-9][\w.-]*[_-]\d+\s+\|\s|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d) std(?:out|err) [FP] )`)

// containerInitRE finds the init of container images: s6-overlay's
// (linuxserver.io and many others: "[cont-init.d] ...", "[custom-init]
// ..."), which runs nowhere else (s6-rc itself also boots hosts: Artix).
var containerInitRE = regexp.MustCompile(`^(?:\[cont-init\.d\]|\[custom-init\]|\[s6-init\])`)

// failedWordRE finds a failure in words on a line that also reads as a
// command.
var failedWordRE = regexp.MustCompile(`\b(?:failed|failure|error|cannot|can't|couldn't)\b[: ]`)

// journalContainerHostRE finds a syslog or journal line whose host name
// is a container id (docker's and podman's default hostname: 12 hex
// digits): "Feb 28 12:45:53 0b2420135953 systemd[1]: ...".
var journalContainerHostRE = regexp.MustCompile(`^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d ([0-9a-f]{12}) (\S+?)(?:\[\d+\])?: `)

// detectVirtRE finds systemd-detect-virt's answer naming a container
// manager on the line after the command (its list in
// src/basic/virt.c container_table).
var detectVirtRE = regexp.MustCompile(`(?m)systemd-detect-virt\s*\n\s*(lxc|lxc-libvirt|docker|podman|systemd-nspawn|openvz|rkt|proot|pouch|container-other)\s*$`)

var capAddAdviceRE = regexp.MustCompile(`(?i)(?:--cap-add[= ]?|\bcap_add\b\W{0,8}|\bcapabilities\W{0,20}add\W{0,8})(?:CAP_)?NET_ADMIN\b`)

// Literals without which the container hints cannot match (prefilter.go).
var capAddAdviceFilter, containerWordsFilter = newPrefilter(capAddAdviceRE), newPrefilter(containerWordsRE)

func (s *Symptom) noteContainerHint(line string) {
	if s.ContainerHint != "" {
		return
	}
	// The program's own message asking for a capability to be added to
	// its container (dockur/windows-arm#66: "Please add the following
	// setting to your container: --cap-add NET_ADMIN"; compose's
	// cap_add: list, a pod's securityContext capabilities add).
	lower := foldLine(line)
	if m := capAddAdviceFilter.find(capAddAdviceRE, line, lower); m != "" {
		s.ContainerHint = "the message asks to add NET_ADMIN to the container (" + clipText(m, 80) + ")"
		return
	}
	if m := containerWordsFilter.find(containerWordsRE, line, lower); m != "" {
		s.ContainerHint = "the text says so (" + clipText(m, 60) + ")"
		return
	}
	if m := containerLogRE.FindString(line); m != "" {
		s.ContainerHint = "the line is a container's log (" + clipText(strings.TrimSpace(m), 40) + ")"
		return
	}
	if m := journalContainerHostRE.FindStringSubmatch(line); m != nil && strings.ContainsAny(m[1], "abcdef") && !strings.HasPrefix(m[1], "b827eb") && m[2] != "kernel" {
		// (A name of digits only, or a Raspberry Pi's MAC-derived one,
		// is a host's; the kernel's lines are the host's own.)
		s.ContainerHint = "the log's host name " + m[1] + " is a container id"
		return
	}
	if m := containerInitRE.FindString(line); m != "" {
		s.ContainerHint = "the line is from a container image's init (" + clipText(m, 40) + ")"
		return
	}
	if m := ashPromptRE.FindStringSubmatch(line); m != nil {
		s.ContainerHint = "the prompt \"" + m[1] + "\" is a BusyBox shell's without user or host name, as in an Alpine container (docker run -it alpine sh)"
		return
	}
	if m := containerPromptRE.FindStringSubmatch(line); m != nil {
		switch {
		case m[1] != "" || m[2] != "":
			s.ContainerHint = "the prompt's host name " + m[1] + m[2] + " is a container id"
		default:
			s.ContainerHint = "the command ran through " + strings.Fields(m[0])[0]
			if f := strings.Fields(m[0]); len(f) > 1 {
				s.ContainerHint += " " + f[1]
			}
		}
	}
}

// programSources names the source of a line by the program that logged it.
var programSources = map[string]string{
	"systemd-networkd": "networkd", "NetworkManager": "NetworkManager", "dockerd": "docker", "containerd": "containerd",
	"kubelet": "kubelet", "wg-quick": "wireguard", "openvpn": "openvpn", "libvirtd": "libvirt", "podman": "podman",
}

// weakLineRE finds warning and info lines (logrus, klog, logfmt, syslog
// levels): their errors are consequences or noise unless nothing else failed.
var weakLineRE = regexp.MustCompile(`(?i)^(?:\S+\s+){0,3}(?:level=(?:warn|warning|info|debug)\b|(?:WARN|INFO|DEBU)\[\d+\]|<(?:warn|info|debug)>|\[?(?:WARN|WARNING|INFO|DEBUG|DEBU|TINFO)\]?:?\s)|^[WI]\d{4} \d\d:\d\d|\bnon-?fatal (?:error|failure)\b|, proceeding without\b`)

var ansiRE = regexp.MustCompile(`\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]`)

// StripANSI removes terminal escape sequences (CSI, OSC, two-byte ESC).
func StripANSI(s string) string {
	if !strings.ContainsRune(s, 0x1b) {
		return s
	}
	return ansiRE.ReplaceAllString(s, "")
}

// promptRE matches shell prompts pasted with the command: "$ ", "# ",
// "root@host:~# ", "[user@host dir]$ ".
var promptRE = regexp.MustCompile(`^(?:[^\s#$%]*[@:][^\s#$%]*\s?[#$%]\s+|\[[^\]]*\]\s?[#$%]\s+|[~/]\S*\s[#$%]\s+|[#$%>+]\s+)`)

// rootPromptRE matches a root shell's prompt: "root@host:~# ",
// "[root@host dir]# ".
var rootPromptRE = regexp.MustCompile(`^\s*(?:root@[^\s#$%]*\s?#|\[root@[^\]]*\]\s?#)\s`)

// asRoot says what in a command line shows it ran as root, "" if nothing.
func asRoot(line string) string {
	if m := rootPromptRE.FindString(line); m != "" {
		return "the prompt " + strconv.Quote(strings.TrimSpace(m)) + " is root's"
	}
	f := SplitWords(promptRE.ReplaceAllString(line, ""))
	if len(f) > 0 && (f[0] == "sudo" || f[0] == "doas") {
		return "the command ran through " + f[0]
	}
	return ""
}

// CommandLine recognises a pasted command line and splits it into argv
// (simple quoting only: this is for reading, never for running).
func CommandLine(line string) ([]string, bool) {
	line = promptRE.ReplaceAllString(line, "")
	argv := SplitWords(line)
	for len(argv) > 0 && (argv[0] == "sudo" || argv[0] == "doas" || argv[0] == "busybox" || argv[0] == "exec" ||
		strings.HasPrefix(argv[0], "-")) {
		argv = argv[1:]
	}
	if len(argv) == 0 {
		return nil, false
	}
	base := argv[0]
	if i := strings.LastIndexByte(base, '/'); i >= 0 {
		base = base[i+1:]
	}
	f := commandFormFor(base)
	if f == nil {
		return nil, false
	}
	if len(argv) == 1 && base != "ip" {
		return argv, true
	}
	if len(argv) > 1 && !strings.HasSuffix(argv[1], ":") && !strings.HasSuffix(argv[0], ":") {
		argv[0] = base
		return argv, true
	}
	return nil, false
}

func SplitWords(s string) []string {
	var out []string
	var cur strings.Builder
	quote := byte(0)
	have := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, have = c, true
		case c == ' ' || c == '\t':
			if have || cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
		}
	}
	if have || cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// parseCommand reads a command line for the operation and its objects, by
// the row of commandForms for its program.
func (s *Symptom) parseCommand(argv []string) {
	s.Command = clipText(strings.Join(argv, " "), 300)
	if f := commandFormFor(argv[0]); f != nil {
		s.match("cmd:" + f.name)
		f.parse(s, argv)
	}
}

// parseIP reads an iproute2 command line (after "ip").
func (s *Symptom) parseIP(a []string) {
	if s.Source == "" {
		s.Source = "iproute2"
	}
	// Global options.
	for len(a) > 0 && strings.HasPrefix(a[0], "-") {
		switch a[0] {
		case "-6":
			s.Family = "inet6"
		case "-4":
			s.Family = "inet"
		case "-n", "-netns", "--netns":
			if len(a) > 1 {
				s.Netns = a[1]
				a = a[1:]
			}
		case "-b", "-batch", "--batch":
			if len(a) > 1 {
				a = a[1:]
			}
		}
		a = a[1:]
	}
	// ifupdown2 logs the commands it fed to "ip -batch -" in brackets.
	if len(a) > 0 {
		a[0] = strings.TrimPrefix(a[0], "[")
		a[len(a)-1] = strings.TrimSuffix(a[len(a)-1], "]")
	}
	if len(a) < 2 {
		return
	}
	obj, verb, rest := a[0], a[1], a[2:]
	isVerb := func(prefixes ...string) bool {
		for _, p := range prefixes {
			if verb == p || (len(verb) >= 1 && strings.HasPrefix(p, verb) && len(verb) >= 3) {
				return true
			}
		}
		return false
	}
	switch {
	case PrefixOf(obj, "link", 1):
		switch {
		case isVerb("add"):
			s.Operation = OpLinkAdd
			s.parseLinkAdd(rest)
		case isVerb("set", "change"):
			s.Operation = OpLinkSet
			s.parseLinkSet(rest)
		case isVerb("delete", "del"):
			s.Operation = OpLinkDel
			s.Device = firstDev(rest)
		case verb == "property":
			s.Operation = OpLinkSet
			s.Device = valueAfter(rest, "dev")
		}
	case strings.HasPrefix(obj, "tunn"):
		// ip tunnel add NAME mode MODE ...: an ipip/gre/sit/vti link,
		// made through the SIOCADDTUNNEL ioctl.
		switch {
		case isVerb("add"):
			s.Operation = OpLinkAdd
		case isVerb("change"):
			s.Operation = OpLinkSet
		case isVerb("delete", "del"):
			s.Operation = OpLinkDel
		default:
			return
		}
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case "name":
				if i+1 < len(rest) {
					s.Device = rest[i+1]
					i++
				}
			case "mode":
				if i+1 < len(rest) {
					s.Kind = rest[i+1]
					i++
				}
			case "local", "remote", "dev", "ttl", "tos", "key", "ikey", "okey", "encaplimit", "hoplimit", "flowlabel", "tclass", "6rd-prefix", "encap", "encap-sport", "encap-dport":
				i++
			default:
				if s.Device == "" && !strings.HasPrefix(rest[i], "-") {
					s.Device = rest[i]
				}
			}
		}
	case PrefixOf(obj, "tuntap", 2):
		if isVerb("add") {
			s.Operation = OpTuntapAdd
			s.Kind = "tun"
			for i := 0; i < len(rest); i++ {
				switch rest[i] {
				case "dev", "name":
					if i+1 < len(rest) {
						s.Device = rest[i+1]
						i++
					}
				case "mode":
					if i+1 < len(rest) {
						s.Kind = rest[i+1]
						i++
					}
				case "user", "group":
					i++
				case "tun", "tap":
					s.Kind = rest[i]
				default:
					if s.Device == "" && !strings.HasPrefix(rest[i], "-") && !isTuntapFlag(rest[i]) {
						s.Device = rest[i]
					}
				}
			}
		}
	case PrefixOf(obj, "address", 1):
		if isVerb("add", "replace", "change") {
			s.Operation = OpAddrAdd
		} else if isVerb("delete", "del") {
			s.Operation = OpAddrDel
		} else {
			return
		}
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case "dev":
				if i+1 < len(rest) {
					s.Device = rest[i+1]
					i++
				}
			case "peer", "broadcast", "brd", "label", "scope", "valid_lft", "preferred_lft", "local", "metric":
				if rest[i] == "local" && i+1 < len(rest) && s.Address == "" {
					s.Address = rest[i+1]
				}
				i++
			default:
				if s.Address == "" && LooksLikeAddr(rest[i]) {
					s.Address = rest[i]
				}
			}
		}
		s.setFamily(s.Address)
	case PrefixOf(obj, "route", 1):
		if isVerb("add", "replace", "append", "change") {
			s.Operation = OpRouteAdd
		} else if isVerb("delete", "del") {
			s.Operation = OpRouteDel
		} else {
			return
		}
		for i := 0; i < len(rest); i++ {
			switch rest[i] {
			case "via":
				if i+1 < len(rest) {
					s.Gateway = rest[i+1]
					i++
				}
			case "dev", "oif":
				if i+1 < len(rest) {
					s.Device = rest[i+1]
					i++
				}
			case "src":
				if i+1 < len(rest) {
					s.PrefSrc = clipText(rest[i+1], 64)
					i++
				}
			case "table", "metric", "proto", "scope", "mtu", "weight", "nexthop", "type", "onlink":
				if rest[i] != "onlink" {
					i++
				}
			default:
				if s.Route == "" && (rest[i] == "default" || LooksLikeAddr(rest[i])) {
					s.Route = rest[i]
				}
			}
		}
		s.setFamily(s.Route)
		s.setFamily(s.Gateway)
	case PrefixOf(obj, "neighbour", 1) || obj == "neighbor":
		if isVerb("add", "replace") {
			s.Operation = OpNeighAdd
			s.Device = valueAfter(rest, "dev")
		}
	case obj == "rule" || obj == "ru":
		s.Operation = OpRule
	case obj == "netns":
		if isVerb("exec") || isVerb("add") {
			s.Operation = OpNetnsEnter
		}
	}
}

func isTuntapFlag(w string) bool {
	switch w {
	case "multi_queue", "pi", "one_queue", "vnet_hdr", "numqueues":
		return true
	}
	return false
}

// PrefixOf reports whether w abbreviates word (iproute2 accepts prefixes:
// "l" for link, "a" for address) with at least min letters.
func PrefixOf(w, word string, min int) bool {
	return len(w) >= min && strings.HasPrefix(word, w)
}

func valueAfter(a []string, key string) string {
	for i := 0; i+1 < len(a); i++ {
		if a[i] == key {
			return a[i+1]
		}
	}
	return ""
}

func firstDev(a []string) string {
	if v := valueAfter(a, "dev"); v != "" {
		return v
	}
	if len(a) > 0 {
		return a[0]
	}
	return ""
}

func (s *Symptom) parseLinkAdd(a []string) {
	for i := 0; i < len(a); i++ {
		w := a[i]
		next := ""
		if i+1 < len(a) {
			next = a[i+1]
		}
		switch w {
		case "link":
			s.Lower, i = next, i+1
		case "name", "dev":
			s.Device, i = next, i+1
		case "master":
			s.Master, i = next, i+1
		case "netns":
			i++
		case "mtu":
			s.MTU, i = atoiSafe(next), i+1
		case "address", "txqueuelen", "txqlen", "numtxqueues", "numrxqueues", "index", "group", "alias", "broadcast", "brd":
			i++
		case "type":
			s.Kind = next
			s.parseTypeArgs(a[min(i+2, len(a)):])
			return
		default:
			if s.Device == "" {
				s.Device = w
			}
		}
	}
}

// parseTypeArgs reads the kind-specific arguments after "type KIND".
func (s *Symptom) parseTypeArgs(a []string) {
	for i := 0; i < len(a); i++ {
		switch a[i] {
		case "peer":
			if i+2 < len(a) && a[i+1] == "name" {
				s.Peer = a[i+2]
				i += 2
			} else if i+1 < len(a) {
				s.Peer = a[i+1]
				i++
			}
		case "netns":
			if s.Peer != "" && i+1 < len(a) {
				s.PeerNetns = a[i+1]
				i++
			}
		case "dev":
			if s.Lower == "" && i+1 < len(a) {
				s.Lower = a[i+1]
			}
			i++
		}
	}
}

func (s *Symptom) parseLinkSet(a []string) {
	for i := 0; i < len(a); i++ {
		switch a[i] {
		case "dev":
			if i+1 < len(a) {
				s.Device = a[i+1]
				i++
			}
		case "master":
			if i+1 < len(a) {
				s.Master = a[i+1]
				i++
			}
		case "netns":
			if i+1 < len(a) {
				s.Netns = a[i+1]
				i++
			}
		case "up", "down", "nomaster", "arp", "multicast", "promisc", "on", "off":
		case "mtu":
			if i+1 < len(a) {
				s.MTU = atoiSafe(a[i+1])
				i++
			}
		case "name", "address", "alias", "txqueuelen", "group", "type":
			i++
		default:
			if s.Device == "" {
				s.Device = a[i]
			}
		}
	}
}

var addrRE = regexp.MustCompile(`^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)(?:/\d{1,3})?$`)

func LooksLikeAddr(w string) bool { return len(w) <= 64 && addrRE.MatchString(w) }

func (s *Symptom) setFamily(addr string) {
	if s.Family != "" || addr == "" || addr == "default" {
		return
	}
	if strings.Contains(addr, ":") {
		s.Family = "inet6"
	} else if LooksLikeAddr(addr) {
		s.Family = "inet"
	}
}

// moduleKinds maps a module name to the link kind it provides.
var moduleKinds = map[string]string{
	"veth": "veth", "tun": "tun", "bridge": "bridge", "vxlan": "vxlan", "macvlan": "macvlan", "ipvlan": "ipvlan",
	"bonding": "bond", "8021q": "vlan", "wireguard": "wireguard", "ip_gre": "gre", "ipip": "ipip", "sit": "sit",
	"geneve": "geneve", "vrf": "vrf", "dummy": "dummy", "ifb": "ifb", "team": "team", "macsec": "macsec",
	"nlmon": "nlmon", "vcan": "vcan", "vxcan": "vxcan", "macvtap": "macvtap", "ip6_gre": "ip6gre",
}

func (s *Symptom) setKindFromModule(mod string) {
	mod = strings.ReplaceAll(mod, "-", "_")
	if k, ok := moduleKinds[mod]; ok && s.Kind == "" {
		s.Kind = k
	}
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// Interfaces are the interface names the symptom involves, for the probes
// that read per-interface settings.
func (s Symptom) Interfaces() []string {
	var out []string
	for _, n := range []string{s.Device, s.Lower, s.Master} {
		if n != "" {
			out = append(out, n)
		}
	}
	return out
}

// TargetFor completes what to examine from the symptom: the interfaces it
// names; the namespace the command ran in (ip -n NS, ip netns exec NS) unless
// one was chosen; and the process that logged the error when none was
// chosen and it still runs. note says what was taken from the symptom.
func TargetFor(s Symptom, t probes.Target) (probes.Target, string) {
	t.Interfaces = append(append([]string{}, t.Interfaces...), s.Interfaces()...)
	if probes.ValidModuleName(s.Module) {
		t.Modules = append(append([]string{}, t.Modules...), s.Module)
	}
	live := t.Root == "" || t.Root == "/"
	var notes []string
	if t.NetNS == "" && s.Netns != "" && live && !strings.ContainsAny(s.Netns, "/\x00") {
		if _, err := os.Stat("/run/netns/" + s.Netns); err == nil {
			t.NetNS = s.Netns
			notes = append(notes, "network namespace "+strconv.Quote(s.Netns)+" from the command")
		}
	}
	if t.PID == 0 && s.PID > 0 && live {
		if comm, err := os.ReadFile("/proc/" + strconv.Itoa(s.PID) + "/comm"); err == nil &&
			(s.Program == "" || strings.HasPrefix(s.Program, strings.TrimSpace(string(comm))) || strings.HasPrefix(strings.TrimSpace(string(comm)), s.Program)) {
			t.PID = s.PID
			notes = append(notes, fmt.Sprintf("PID %d (%s) from the log line", s.PID, strings.TrimSpace(string(comm))))
		}
	}
	return t, strings.Join(notes, "; ")
}

// LinkKind is the link kind the symptom needs, "" if none.
func LinkKind(s Symptom) string {
	if s.Kind != "" {
		return s.Kind
	}
	if (s.Operation == OpTuntapAdd || s.Operation == OpTunOpen) && s.Path != "/dev/vhost-net" {
		// (Opening /dev/vhost-net asks for the vhost_net module, Module,
		// not for a tun link.)
		return "tun"
	}
	return ""
}

// RefusedByTool: the tool refused the command line itself (an argument it
// does not know, a qdisc it has no parser for, a malformed value): the
// kernel was not asked, so nothing on the system answered. (iproute2's
// "Device does not exist" for an argument is its own lookup of a link:
// that one the system did answer.)
func (s Symptom) RefusedByTool() bool {
	return s.matched("line:iproute2-garbage") || s.matched("line:tc-unknown-kind") ||
		strings.HasPrefix(s.ExtAck, "iproute2 refused the command line") && s.Errno != ENODEV
}

// DockerRefusesHostNetns: dockerd's message that it will not share the
// host's network namespace under userns-remap.
func (s Symptom) DockerRefusesHostNetns() bool {
	for _, r := range s.Matched {
		if r == "op:docker-userns-host-network" {
			return true
		}
	}
	return false
}

// DockerRefusesPrivileged: dockerd's own words that a privileged container
// cannot run while user namespaces (userns-remap) are enabled.
func (s Symptom) DockerRefusesPrivileged() bool {
	for _, r := range s.Matched {
		if r == "op:docker-userns-privileged" {
			return true
		}
	}
	return false
}

// SymptomLine describes the symptom in one line.
func (s Symptom) SymptomLine() string {
	if strings.TrimSpace(s.Raw) == "" {
		return "none given: a health check of every cause"
	}
	if !s.Recognised {
		return "not recognised: a health check of every cause"
	}
	var parts []string
	if s.Operation != "" {
		op := s.Operation
		if s.Kind != "" {
			op += " (" + s.Kind + ")"
		}
		parts = append(parts, op)
	}
	for _, kv := range [][2]string{{"device", s.Device}, {"peer", s.Peer}, {"lower", s.Lower}, {"master", s.Master},
		{"address", s.Address}, {"route", s.Route}, {"via", s.Gateway}, {"sysctl", s.SysctlKey}, {"path", s.Path}, {"module", s.Module}} {
		if kv[1] != "" {
			parts = append(parts, kv[0]+" "+kv[1])
		}
	}
	if s.Errno != "" {
		parts = append(parts, string(s.Errno))
	}
	if len(parts) == 0 && s.ExtAck != "" && !strings.EqualFold(strings.TrimSpace(s.ExtAck), strings.TrimSpace(s.Message)) {
		// A program's own refusal, no operation or errno: what it said.
		parts = append(parts, s.ExtAck)
	}
	line := strings.Join(parts, ", ")
	switch {
	case s.Message != "" && line == "":
		line = fmt.Sprintf("%q", s.Message)
	case s.Message != "":
		line += fmt.Sprintf(" — %q", s.Message)
	}
	if line == "" {
		// Recognised by a known message alone (KnownWords).
		for _, m := range s.Matched {
			if w, ok := strings.CutPrefix(m, "words:"); ok {
				line = fmt.Sprintf("a known message: %q", w)
				break
			}
		}
	}
	if s.Source != "" {
		line += " [" + s.Source + "]"
	}
	if s.Cut != "" {
		line += " (text cut to 64 KiB, the error lines kept)"
	}
	return line
}

// ParsePrefix parses the symptom's address ("10.0.0.1/24", or a bare
// address taken as a host prefix).
func ParsePrefix(s string) (netip.Prefix, bool) {
	if s == "" {
		return netip.Prefix{}, false
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		return p, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), true
	}
	return netip.Prefix{}, false
}
