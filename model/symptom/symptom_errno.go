package symptom

import (
	"regexp"
	"sort"
	"strings"
)

// The errno vocabulary: every way an error number reaches a pasted text.
//
// Two tables. strerrorTexts is what the C libraries print for each class
// (glibc, musl, and Go's lower-case copies of glibc's). errnoForms are the
// shapes numbers and names are printed in by languages and daemons. To add a
// form, add a row with an example taken from a real text (keep the text
// exact and say where it comes from): TestErrnoFormsExamples runs every
// example through the parser and checks the row matches it.

// strerrorText is one C library's text for an errno class.
type strerrorText struct {
	text  string
	errno Errno
	libc  string // glibc, musl, or both
}

var strerrorTexts = []strerrorText{
	{"Operation not permitted", EPERM, "both"},
	{"Permission denied", EACCES, "both"},
	{"File exists", EEXIST, "both"},
	{"Operation not supported", EOPNOTSUPP, "glibc"},
	{"Not supported", EOPNOTSUPP, "musl"},
	{"Invalid argument", EINVAL, "both"},
	{"No such device", ENODEV, "both"},
	{"No such file or directory", ENOENT, "both"},
	{"Device or resource busy", EBUSY, "glibc"},
	{"Resource busy", EBUSY, "musl"},
	{"Too many open files", EMFILE, "glibc"},
	{"No file descriptors available", EMFILE, "musl"},
	{"Too many open files in system", ENFILE, "both"},
	{"Cannot allocate memory", ENOMEM, "glibc"},
	{"Out of memory", ENOMEM, "musl"},
	{"No buffer space available", ENOBUFS, "both"},
	{"Network is unreachable", ENETUNREACH, "glibc"},
	{"Network unreachable", ENETUNREACH, "musl"},
	{"Network is down", ENETDOWN, "both"},
	{"Read-only file system", EROFS, "both"},
	{"No space left on device", ENOSPC, "both"},
	{"Protocol not supported", EPROTONOSUPPORT, "both"},
	{"Address family not supported by protocol", EAFNOSUPPORT, "both"},
	{"Cannot assign requested address", EADDRNOTAVAIL, "glibc"},
	{"Address not available", EADDRNOTAVAIL, "musl"},
	{"No such process", ESRCH, "both"},
	{"Numerical result out of range", ERANGE, "glibc"},
	{"Result not representable", ERANGE, "musl"},
	{"No such device or address", ENXIO, "both"},
	{"Address already in use", EADDRINUSE, "glibc"},
	{"Address in use", EADDRINUSE, "musl"},
	{"Resource temporarily unavailable", EAGAIN, "both"},
	{"Message too long", EMSGSIZE, "glibc"},
	{"Message too large", EMSGSIZE, "musl"},
	{"Function not implemented", ENOSYS, "both"},
	{"Directory not empty", ENOTEMPTY, "both"},
	{"Operation already in progress", EALREADY, "both"},
	{"Transport endpoint is not connected", ENOTCONN, "glibc"},
	{"Protocol error", EPROTO, "both"},
	{"Connection timed out", ETIMEDOUT, "glibc"},
	{"Operation timed out", ETIMEDOUT, "musl"},
	{"Input/output error", EIO, "glibc"},
	{"I/O error", EIO, "musl"},
	{"Bad address", EFAULT, "both"},
	{"Protocol not available", ENOPROTOOPT, "both"},
	{"Too many levels of symbolic links", ELOOP, "glibc"},
	{"Symbolic link loop", ELOOP, "musl"},
	{"Unknown error 524", ENOTSUPP, "glibc"},
	{"No error information", EUNKNOWN, "musl"},
	// Errnos people rarely meet (glibc's string.h texts, musl's
	// src/errno/__strerror.h): an IPv6 gateway that is not on-link
	// (systemd/systemd#20217, sonic-net/sonic-buildimage#26322), a bridge
	// with 1024 ports (moby/moby#18814), an attribute or map too large.
	{"No route to host", EHOSTUNREACH, "glibc"},
	{"Host is unreachable", EHOSTUNREACH, "musl"},
	{"Exchange full", EXFULL, "glibc"},
	{"Protocol family not supported", EPFNOSUPPORT, "both"},
	// net/socket.c sock_ioctl: SIOCBRADDBR without the bridge module
	// (raspberrypi/documentation#762 "add bridge failed: Package not installed").
	{"Package not installed", ENOPKG, "glibc"},
	{"Argument list too long", E2BIG, "both"},
	// modprobe/insmod for a module the kernel will not load: built for
	// another kernel, or unsigned under Secure Boot (kernel/module/signing.c).
	{"Exec format error", ENOEXEC, "both"},
	{"Interrupted system call", EINTR, "both"},
	// A sysctl(8) build that prints EROFS in its own words (corpus
	// cfg8-016: `sysctl: setting key "kernel.shmall": read-only filesystem`).
	{"read-only filesystem", EROFS, "sysctl"},
	{"Socket operation on non-socket", ENOTSOCK, "glibc"},
	{"Not a socket", ENOTSOCK, "musl"},
	{"Bad file descriptor", EBADF, "both"},
	{"Too many links", EMLINK, "both"},
	{"Invalid module format", ENOEXEC, "kmod"},
	{"Required key not available", ENOKEY, "both"},
	{"Key was rejected by service", EKEYREJECTED, "both"},
	{"Operation not possible due to RF-kill", ERFKILL, "both"},
	{"Value too large for defined data type", EOVERFLOW, "glibc"},
	{"Value too large for data type", EOVERFLOW, "musl"},
	// libnl's nl_geterror() texts (thom311/libnl lib/error.c), printed by
	// NetworkManager's older platform layer, keepalived, hostapd, libvirt
	// and other libnl users instead of strerror: the class is the errno
	// nl_syserr2nlerr() folded into it (EEXIST and EADDRINUSE are "Object
	// exists", ENOENT and ESRCH "Object not found"). Example:
	// thom311/libnl#131 `genl_connect() is failing with -6 (NLE_EXIST
	// "Object exists")`. Texts libnl shares with glibc are not repeated.
	{"Object exists", EEXIST, "libnl"},
	{"Object not found", ENOENT, "libnl"},
	{"Object busy", EBUSY, "libnl"},
	{"Invalid input data or parameter", EINVAL, "libnl"},
	{"Input data out of range", ERANGE, "libnl"},
	{"Address family not supported", EAFNOSUPPORT, "libnl"},
	{"Invalid address for specified address family", EADDRNOTAVAIL, "libnl"},
	// iptables' libiptc (iptc_strerror, libiptc/libiptc.c) prints its own
	// text for the errno of a table operation instead of strerror; the
	// class is the errno of that row. Example:
	// telnetdoogie/synology-docker#99 `can't initialize ip6tables table
	// `nat': Table does not exist (do you need to insmod?)`.
	{"Table does not exist (do you need to insmod?)", ENOENT, "libiptc"},
	{"Permission denied (you must be root)", EPERM, "libiptc"},
	{"Module is wrong version", EINVAL, "libiptc"},
	{"Chain already exists", EEXIST, "libiptc"},
	{"iptables who? (do you need to insmod?)", ENOPROTOOPT, "libiptc"},
	// ("No chain/target/match by that name" and "Bad rule (does a matching
	// rule exist in that chain?)", ENOENT, are left out: scripts print them
	// while deleting rules that are not there, before the error that
	// matters: ctr13-036.)
}

// glibcText is the text Strerror shows for a class.
var glibcText = func() map[Errno]string {
	m := map[Errno]string{}
	for _, t := range strerrorTexts {
		if _, ok := m[t.errno]; !ok && (t.libc == "glibc" || t.libc == "both") {
			m[t.errno] = t.text
		}
	}
	return m
}()

var strerrorByText = func() map[string]Errno {
	m := map[string]Errno{}
	for _, t := range strerrorTexts {
		m[strings.ToLower(t.text)] = t.errno
	}
	return m
}()

// strerrorRE finds any of the texts, longest first so "Too many open files
// in system" is not read as "Too many open files".
var strerrorRE = func() *regexp.Regexp {
	var alts []string
	for _, t := range strerrorTexts {
		alts = append(alts, regexp.QuoteMeta(t.text))
	}
	sort.Slice(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`(?i)(?:^|[^a-z])(` + strings.Join(alts, "|") + `)(?:$|[^a-z])`)
}()

// ErrnoFromText finds the class of a strerror text ("Operation not
// permitted", "operation not supported", musl's "Not supported"), or "".
func ErrnoFromText(s string) Errno {
	s = strings.ToLower(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".")))
	if e, ok := strerrorByText[s]; ok {
		return e
	}
	if n, ok := strings.CutPrefix(s, "unknown error "); ok {
		return ErrnoFromNumber(n)
	}
	return ""
}

// errnoByName maps symbolic names, including aliases, to classes.
var errnoByName = func() map[string]Errno {
	m := map[string]Errno{"ENOTSUP": EOPNOTSUPP, "EWOULDBLOCK": EAGAIN}
	for e := range errnoNumbers {
		m[string(e)] = e
	}
	return m
}()

// errnoForm is one shape an errno is printed in.
type errnoForm struct {
	name string
	// example is a real text the row must match, with its source.
	example string
	want    Errno
	re      *regexp.Regexp
	// errno reads the class from the match; "" means the match is not an
	// errno after all (an exit code, a number no class has).
	errno func(m []string) Errno
	// weak: words that imply an errno without printing one; read only when
	// no line of the text prints an errno (findWeakErrno).
	weak bool
}

func numberAt(i int) func(m []string) Errno {
	return func(m []string) Errno { return ErrnoFromNumber(m[i]) }
}

var errnoForms = []errnoForm{
	{name: "libnl-error-name", want: EEXIST,
		// libnl's own error numbers (NLE_*, not errnos: NLE_EXIST is 6)
		// by name; read before the numbers so "-6" is not taken for ENXIO.
		// thom311/libnl#131.
		example: `genl_connect() is failing with -6 (NLE_EXIST "Object exists")`,
		re:      regexp.MustCompile(`\bNLE_([A-Z_]{3,20})\b`),
		errno:   func(m []string) Errno { return libnlErrors[m[1]] }},
	{name: "rust-netlink-code", want: EEXIST,
		// The Debug form of the rtnetlink crate's NetlinkError (form listed
		// in issue 11; its code is the kernel's negative errno).
		example: `Error: NetlinkError(ErrorMessage { code: Some(-17), header: [40, 0, 0, 0, 16, 0, 5, 6] })`,
		re:      regexp.MustCompile(`code: Some\(-?(\d{1,4})\)`), errno: numberAt(1)},
	{name: "rust-os-debug", want: EPERM,
		// urunc-dev/urunc#310 (corpus ctr-124).
		example: `TapOpen(IfreqExecuteError(Os { code: 1, kind: PermissionDenied, message: "Operation not permitted" }, ""))`,
		re:      regexp.MustCompile(`Os \{ code: (\d{1,4}), kind: \w+`), errno: numberAt(1)},
	{name: "rust-os-error", want: EOPNOTSUPP,
		// containers/netavark#426 (corpus ctr-102).
		example: `to delete if podman4: Received a netlink error message Operation not supported (os error 95)`,
		re:      regexp.MustCompile(`\(os error (\d{1,4})\)`), errno: numberAt(1)},
	{name: "pyroute2-netlinkerror", want: EEXIST,
		// networkop/docker-topo#15.
		example: `pyroute2.netlink.exceptions.NetlinkError: (17, 'File exists')`,
		re:      regexp.MustCompile(`NetlinkError:? ?\(\s*(\d{1,4}),`), errno: numberAt(1)},
	{name: "python-errno", want: ENOBUFS,
		// projectcalico/felix#595 (corpus ctr-016).
		example: `    error: [Errno 105] No buffer space available`,
		re:      regexp.MustCompile(`\[Errno (\d{1,4})\]`), errno: numberAt(1)},
	{name: "networkmanager-failure", want: EOPNOTSUPP,
		// NetworkManager/NetworkManager#376 (corpus host-139).
		example: `platform-linux: do-add-ip6-address[2: fe80::a945:4203:a653:76c]: failure 95 (Operation not supported)`,
		re:      regexp.MustCompile(`failure (\d{1,4}) \(`), errno: numberAt(1)},
	{name: "errno-equals", want: ENODEV,
		// kata-containers/kata-containers#8871 (corpus ctr-025).
		example: `Cannot open TUN/TAP dev: no such device errno=19`,
		re:      regexp.MustCompile(`(?i)\berrno ?[=:]? ?-?(\d{1,4})\b`), errno: numberAt(1)},
	{name: "bracketed-text-number", want: ENOSYS,
		// Steam's CreateBoundSocket (ValveSoftware/steam-for-linux#13149).
		example: `CreateBoundSocket: failed to create socket, error [no name available] (38)`,
		re:      regexp.MustCompile(`error \[[^\]]{1,60}\] \((\d{1,4})\)`), errno: numberAt(1)},
	{name: "go-no-such-interface", want: ENODEV,
		// Go's net package (errNoSuchInterface) after a failed lookup by name.
		example: `could not find bridge docker0: route ip+net: no such network interface`,
		re:      regexp.MustCompile(`no such network interface`),
		errno:   func([]string) Errno { return ENODEV }},
	{name: "go-link-not-found", want: ENODEV,
		// vishvananda/netlink's LinkNotFoundError (moby/libnetwork#198).
		example: `Cannot start container 729e0b1a4b68: Link not found`,
		re:      regexp.MustCompile(`\bLink not found\b`),
		errno:   func([]string) Errno { return ENODEV }},
	{name: "libuv-system-error", want: EPERM,
		// Node's libuv for an errno it has no name for (NVIDIA/OpenShell#1006).
		example: `Unknown system error 1`,
		re:      regexp.MustCompile(`Unknown system error (-?\d{1,4})`), errno: numberAt(1)},
	{name: "glibc-unknown-error", want: ENOTSUPP,
		// glibc's text for the kernel-internal ENOTSUPP (form listed in issue 11).
		example: `RTNETLINK answers: Unknown error 524`,
		re:      regexp.MustCompile(`Unknown error (\d{1,4})`), errno: numberAt(1)},
	{name: "steam-error-bracket", want: ENOSYS,
		// Valve's Steam client libraries (EvilOlaf/scum#49,
		// ValveSoftware/steam-for-linux#13149): the errno number after
		// the library's own text in brackets.
		example: `CreateBoundSocket: failed to create socket, error [no name available] (38)`,
		re:      regexp.MustCompile(`\berror \[[^\]]{0,80}\] \((\d{1,4})\)`), errno: numberAt(1)},
	{name: "keepalived-error-number", want: EEXIST,
		// keepalived's IPVS errors, "error: %s(%d)" (acassen/keepalived#1772).
		example: `IPVS cmd IP_VS_SO_SET_ADD(1154) error: Service already exists(17)`,
		re:      regexp.MustCompile(`\berror: [A-Za-z][^()]{2,80}\((\d{1,3})\)\s*$`), errno: numberAt(1)},
	{name: "libnl-receive-nomem", want: ENOBUFS,
		// libnl (and OpenWrt's libnl-tiny) folds ENOBUFS into NLE_NOMEM,
		// whose text is "Out of memory" (lib/error.c nl_syserr2nlerr): on a
		// receive that is the socket's buffer overrun (jow-/nlbwmon#43).
		example: `daemon.err nlbwmon[21812]: Netlink receive failure: Out of memory`,
		re:      regexp.MustCompile(`(?i)netlink receive failure: out of memory`),
		errno:   func([]string) Errno { return ENOBUFS }},
	{name: "dump-interrupted", want: EINTR,
		// A netlink dump the kernel flagged NLM_F_DUMP_INTR, in its
		// libraries' words: vishvananda/netlink's ErrDumpInterrupted
		// (slackhq/nebula, corpus fld5-020), pyroute2's
		// NetlinkDumpInterrupted, libnl's NLE_DUMP_INTR text. Not
		// iproute2's "Dump was interrupted and may be inconsistent": a
		// warning it prints before going on (lib/libnetlink.c), whose
		// command may still fail for another reason on a later line.
		example: `failed to start nebula: failed to get tun address list: results may be incomplete or inconsistent`,
		re:      regexp.MustCompile(`(?i)results may be incomplete or inconsistent|NetlinkDumpInterrupted|Dump inconsistency detected, interrupted`),
		errno:   func([]string) Errno { return EINTR }},
	{name: "strerror", want: EEXIST,
		// jpetazzo/pipework#216.
		example: `ip: RTNETLINK answers: File exists`,
		re:      strerrorRE, errno: func(m []string) Errno { return ErrnoFromText(m[1]) }},
	{name: "err-in-parentheses", want: EINVAL,
		// DPDK's drivers log a negative errno in parentheses
		// (cisco-system-traffic-generator/trex-core#914: "Cannot
		// configure slave device: port 0, err (-22)").
		example: `slave_configure(1757) - Cannot configure slave device: port 0, err (-22)`,
		re:      regexp.MustCompile(`(?i)\b(?:err|error|ret|rc) \(-(\d{1,4})\)`), errno: numberAt(1)},
	{name: "negative-return", want: EPERM,
		// The kernel's and C programs' "error -17", "err=-22", "rc = -95":
		// raspberrypi/linux#2726 (corpus host-058).
		example: `netlink error -1 (Operation not permitted)`,
		re:      regexp.MustCompile(`(?i)\b(?:rc|ret|err|error|errno|returned|result|status|failed with)\s*[=:]?\s*-(\d{1,4})\b`), errno: numberAt(1)},
	{name: "code-number", want: EEXIST,
		// Form listed in issue 11 ("code: N").
		example: `Error: netlink error, code: -17`,
		// The word before "code", apart or joined ("exit code: 1",
		// Kubernetes' "exitCode: 1": old13-010), says when it is no errno.
		// netavark's "code: 4, msg: ..." is the exit status of the
		// iptables it ran (containers/netavark#816, containers/qm#267).
		re: regexp.MustCompile(`(?i)(\w+ )?\b([a-z]*?)[_-]?code[:=] ?(-?\d{1,4})\b(,\s*msg:)?`),
		// Only an error's code: alone ("netlink error, code: -17"), or
		// after error/err/errno/netlink ("errorCode: -13"); exit, status,
		// HTTP, reason and op codes are other numbers (retcode: 2,
		// exit-code: 1, opcode: 3).
		errno: func(m []string) Errno {
			if m[4] != "" && !strings.HasPrefix(m[3], "-") {
				return "" // an exit status; a negative code is still an errno
			}
			for _, w := range []string{strings.TrimSpace(m[1]), m[2]} {
				switch strings.ToLower(w) {
				case "", "error", "err", "errno", "netlink", "nl":
				default:
					return ""
				}
			}
			return ErrnoFromNumber(m[3])
		}},
	{name: "libiptc-no-chain", want: ENOENT, weak: true,
		// libiptc's text for ENOENT (iptc_strerror): a chain, target or
		// match the kernel does not know (sshuttle/sshuttle#253,
		// rancher/rke2#1229). Weak: scripts print it while deleting rules
		// that are not there, before the error that matters (ctr13-036).
		example: `iptables: No chain/target/match by that name.`,
		re:      regexp.MustCompile(`\b(?:ip6?tables|ebtables|arptables)(?:-restore)?(?: v[\d.]+(?: \([\w-]+\))?)?: No chain/target/match by that name`),
		errno:   func([]string) Errno { return ENOENT }},
	{name: "privilege-words", want: EPERM, weak: true,
		// A program's own check for the privilege the kernel would refuse
		// without (capable(CAP_NET_ADMIN) answers EPERM), in its words:
		// pi-hole/FTL "process is missing required capability NET_ADMIN"
		// (corpus app7-017), "must be run as root". A negation before it
		// ("does not need to be run as root") says nothing.
		example: `dnsmasq: process is missing required capability NET_ADMIN`,
		re:      regexp.MustCompile(`(?i)(\bnot |n't |\bno need )?(?:\b(?:missing (?:the )?(?:required )?capabilit(?:y|ies)|lacks? (?:the )?capability|requires? (?:the )?capability|without (?:the )?capability) (?:CAP_)?NET_(?:ADMIN|RAW)\b|\b(?:must|needs? to|has to) be run as root\b|\brequires root privileges\b)`),
		errno: func(m []string) Errno {
			if m[1] != "" {
				return ""
			}
			return EPERM
		}},
	{name: "symbolic-name", want: EEXIST,
		// Form listed in issue 11 (symbolic names, as strace and Go's
		// syscall.Errno.Error() on some platforms print them).
		example: `ioctl(3, SIOCBRADDBR, "br0") = -1 EEXIST`,
		re:      regexp.MustCompile(`\b(E[A-Z0-9]{3,14})\b`),
		errno:   func(m []string) Errno { return errnoByName[m[1]] }},
}

// findErrno reads the first errno the line prints, by the first form that
// gives a class. form is the row's name.
func findErrno(line string) (e Errno, form, text string) {
	for _, f := range errnoForms {
		if f.weak {
			continue
		}
		for _, m := range f.re.FindAllStringSubmatch(line, 8) {
			if e := f.errno(m); e != "" {
				return e, f.name, strings.TrimSpace(m[0])
			}
		}
	}
	return "", "", ""
}

// findWeakErrno reads an errno the text implies without printing one (the
// weak forms), for a text in which no line prints an errno.
func findWeakErrno(text string) (e Errno, form, match string) {
	for _, f := range errnoForms {
		if !f.weak {
			continue
		}
		for _, m := range f.re.FindAllStringSubmatch(text, 8) {
			if e := f.errno(m); e != "" {
				return e, f.name, strings.TrimSpace(m[0])
			}
		}
	}
	return "", "", ""
}

// libnlErrors maps libnl's error names (thom311/libnl include/netlink/errno.h)
// to the errno nl_syserr2nlerr() made them from.
var libnlErrors = map[string]Errno{
	"EXIST": EEXIST, "OBJ_NOTFOUND": ENOENT, "BUSY": EBUSY, "NOACCESS": EACCES, "PERM": EPERM,
	"INVAL": EINVAL, "RANGE": ERANGE, "OPNOTSUPP": EOPNOTSUPP, "AF_NOSUPPORT": EAFNOSUPPORT,
	"NOMEM": ENOMEM, "NODEV": ENODEV, "NOADDR": EADDRNOTAVAIL, "AGAIN": EAGAIN,
	"DUMP_INTR": EINTR, "MSG_OVERFLOW": ENOBUFS,
}

// libnlCodes are libnl's NLE_* codes (include/netlink/errno.h) with the
// errno each stands for and nl_geterror's text (lib/error.c), for the
// programs that print the code.
var libnlCodes = map[int]struct {
	name, text string
	errno      Errno
}{
	4: {"NLE_AGAIN", "Try again", EAGAIN}, 5: {"NLE_NOMEM", "Out of memory", ENOMEM},
	6: {"NLE_EXIST", "Object exists", EEXIST}, 7: {"NLE_INVAL", "Invalid input data or parameter", EINVAL},
	8: {"NLE_RANGE", "Input data out of range", ERANGE}, 10: {"NLE_OPNOTSUPP", "Operation not supported", EOPNOTSUPP},
	12: {"NLE_OBJ_NOTFOUND", "Object not found", ENOENT}, 16: {"NLE_SEQ_MISMATCH", "Sequence number mismatch", ""},
	17: {"NLE_MSG_OVERFLOW", "Message buffer too small", ENOBUFS}, 25: {"NLE_BUSY", "Object busy", EBUSY},
	27: {"NLE_NOACCESS", "No Access", EACCES}, 28: {"NLE_PERM", "Operation not permitted", EPERM},
	31: {"NLE_NODEV", "No such device", ENODEV}, 33: {"NLE_DUMP_INTR", "Dump inconsistency detected, interrupted", EINTR},
}
