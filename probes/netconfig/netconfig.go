package netconfig

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode"
	"unicode/utf8"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
)

// Facts are the network managers' configuration: systemd-networkd's
// .netdev/.network/.link files and NetworkManager's keyfiles and
// NetworkManager.conf, what in them makes the manager ignore a file or ask
// the kernel for something it refuses, whether each manager runs, and its
// recent complaints in the journal.
type Facts struct {
	Networkd       NetworkdFacts `json:"networkd"`
	NetworkManager NMFacts       `json:"network_manager"`
	Gaps           source.Gaps   `json:"unavailable,omitempty"`
}

// Finding is one problem in a network manager's configuration.
type Finding struct {
	Manager  string `json:"manager"` // "networkd" or "NetworkManager"
	File     string `json:"file"`    // as on the examined system
	Line     int    `json:"line,omitempty"`
	Key      string `json:"key,omitempty"`
	Severity string `json:"severity"` // error, warning, info
	Message  string `json:"message"`
	// Devices are the links the file defines or configures (a .netdev's
	// Name= and [Peer] Name=, a .network's or .link's [Match] Name=, a
	// keyfile's interface-name= and master=).
	Devices []string `json:"devices,omitempty"`
}

// Finding severities.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"
)

// Managers named in findings.
const (
	ManagerNetworkd       = "networkd"
	ManagerNetworkManager = "NetworkManager"
)

// ConfigFile is one configuration file a manager reads.
type ConfigFile struct {
	Path string `json:"path"`
	// Type is netdev, network, link or dropin (networkd), nmconnection, nmmeta
	// or conf (NetworkManager).
	Type string `json:"type"`
	// Masked: a symlink to /dev/null or an empty file, which hides the files
	// of the same name in lower-precedence directories.
	Masked bool `json:"masked,omitempty"`
	// ShadowedBy is the file of the same name, in a directory of higher
	// precedence, that the manager reads instead of this one.
	ShadowedBy string `json:"shadowed_by,omitempty"`
	// Symlink is the target of the file when it is a symlink, as the link
	// holds it (offline, from the tree or the capture's manifest).
	Symlink string `json:"symlink,omitempty"`
}

// maxNetConfigFiles bounds how many files of one manager are read, and
// maxNetConfigBytes how much of them.
const (
	maxNetConfigFiles = 2000
	maxNetConfigBytes = 64 << 20
)

// readBudget is what is left to read of one manager's files.
type readBudget struct {
	files int
	bytes int64
	fact  string // the gap reported when it runs out
	out   bool
}

func newReadBudget(fact string) *readBudget {
	return &readBudget{files: maxNetConfigFiles, bytes: maxNetConfigBytes, fact: fact}
}

// take reports whether cf may still be read, and counts it; the first
// refusal is recorded as a gap.
func (b *readBudget) take(cf file, gaps *source.Gaps) bool {
	size := int64(0)
	if cf.info != nil {
		size = min(cf.info.Size(), source.MaxFileSize)
	}
	if b.files <= 0 || b.bytes < size {
		if !b.out {
			b.out = true
			gaps.AddReason(b.fact, fmt.Sprintf("more than %d files or %d MiB: the others were not read", maxNetConfigFiles, maxNetConfigBytes>>20))
		}
		return false
	}
	b.files--
	b.bytes -= size
	return true
}

// MaxDirEntries bounds how many names of one directory are looked at.
const MaxDirEntries = 20000

// Gather reads both managers' configuration. It never fails as a
// whole: what cannot be read is a gap.
func Gather(ctx context.Context, e *source.Env) Facts {
	var f Facts

	// The journals are read while the files are parsed: journalctl is the
	// slow part.
	var wg sync.WaitGroup
	var ndJournal, nmJournal []source.LogLine
	var ndErr, nmErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		ndJournal, ndErr = managerJournal(ctx, e.Root, "systemd-networkd")
	}()
	go func() {
		defer wg.Done()
		nmJournal, nmErr = managerJournal(ctx, e.Root, "NetworkManager")
	}()

	procs := scanDaemons(ctx, e.Root, networkdComm, networkManagerComm)
	hints := containerRuntimeHints(e.Root)

	f.Networkd = gatherNetworkd(e, &f.Gaps, hints)
	f.NetworkManager = gatherNM(e, &f.Gaps)

	if procs.err != nil {
		f.Gaps.AddReason("networkd.running", procs.err.Error())
		f.Gaps.AddReason("network_manager.running", procs.err.Error())
	} else {
		f.Networkd.Running, f.Networkd.PID = procs.running(networkdComm)
		f.NetworkManager.Running, f.NetworkManager.PID = procs.running(networkManagerComm)
		if procs.truncated {
			for _, x := range []struct{ fact, comm string }{{"networkd.running", networkdComm}, {"network_manager.running", networkManagerComm}} {
				if _, ok := procs.pids[x.comm]; !ok {
					f.Gaps.AddReason(x.fact, fmt.Sprintf("not found among the first %d processes; the others were not looked at", maxProcScan))
				}
			}
		}
	}
	f.NetworkManager.addTakeoverFinding(hints)

	wg.Wait()
	if ndErr != nil {
		f.Gaps.AddReason("networkd.journal", journalReason(ndErr))
	} else {
		f.Networkd.Journal = ndJournal
	}
	if nmErr != nil {
		f.Gaps.AddReason("network_manager.journal", journalReason(nmErr))
	} else {
		f.NetworkManager.Journal = nmJournal
	}
	sortFindings(f.Networkd.Findings)
	sortFindings(f.NetworkManager.Findings)
	return f
}

func sortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].File != fs[j].File {
			return fs[i].File < fs[j].File
		}
		return fs[i].Line < fs[j].Line
	})
}

// ---- running daemons ----

// The comm of the daemons (the kernel cuts comm to 15 bytes).
const (
	networkdComm       = "systemd-network"
	networkManagerComm = "NetworkManager"
)

// maxProcScan bounds how many processes are looked at.
const maxProcScan = 100000

type procScan struct {
	pids      map[string]int // comm -> the first PID found with it
	truncated bool           // stopped at maxProcScan before finding all
	err       error          // /proc could not be read: nothing is known
}

// running says whether a process with comm runs, and its PID.
func (p procScan) running(comm string) (*bool, int) {
	pid, ok := p.pids[comm]
	if !ok && p.truncated {
		return nil, 0
	}
	return &ok, pid
}

// scanDaemons looks for processes whose comm is one of comms, in one pass
// over /proc below the root, stopping when all are found.
func scanDaemons(ctx context.Context, r source.Root, comms ...string) (s procScan) {
	s = procScan{pids: map[string]int{}}
	want := map[string]bool{}
	for _, c := range comms {
		want[c] = true
	}
	dir := r.Path("/proc")
	d, err := os.Open(dir)
	if err != nil {
		s.err = errors.New(source.Reason(err) + ": cannot tell which processes run")
		return s
	}
	defer d.Close()
	// With hidepid=1/2 a process that is not root sees only its own
	// processes, and would conclude that no daemon runs.
	if r.Live() && !r.Exists("/proc/1") {
		s.err = errors.New("PID 1 is not visible in /proc (mounted with hidepid?): cannot tell which processes run")
		return s
	}
	seen, named := 0, 0
	defer func() {
		// A copied tree without any process's comm (a sosreport keeps ps
		// output, not /proc/PID/comm) says nothing of what runs.
		if !r.Live() && s.err == nil && named == 0 && len(s.pids) == 0 {
			s.err = errors.New("the examined tree records no process names (/proc/PID/comm): which daemons run is unknown")
		}
	}()
	for len(s.pids) < len(want) {
		if ctx.Err() != nil {
			s.err = errors.New(source.Reason(ctx.Err()))
			return s
		}
		names, err := d.Readdirnames(1024)
		for _, n := range names {
			if !procDigits(n) {
				continue
			}
			if seen >= maxProcScan {
				s.truncated = true
				return s
			}
			seen++
			comm, cerr := r.ReadString("/proc/" + n + "/comm")
			if cerr == nil {
				named++
			}
			if cerr != nil || !want[comm] {
				continue
			}
			if _, dup := s.pids[comm]; !dup {
				s.pids[comm], _ = strconv.Atoi(n)
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.err = errors.New(source.Reason(err) + ": cannot tell which processes run")
			}
			break
		}
	}
	return s
}

func procDigits(s string) bool {
	if s == "" || len(s) > 10 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ---- journal ----

// MaxManagerJournal bounds the journal lines kept per manager.
const MaxManagerJournal = 50

// managerJournal reads a unit's recent warnings and errors and keeps the
// lines that report a failure.
func managerJournal(ctx context.Context, r source.Root, unit string) ([]source.LogLine, error) {
	lines, err := source.ReadJournal(ctx, r, "-u", unit, "-p", "warning", "-n", strconv.Itoa(MaxManagerJournal))
	if err != nil {
		return nil, err
	}
	var out []source.LogLine
	for _, l := range lines {
		if journalFailure(l.Text) {
			out = append(out, l)
		}
	}
	if len(out) > MaxManagerJournal {
		out = out[len(out)-MaxManagerJournal:]
	}
	return out, nil
}

var journalFailureWords = []string{"fail", "could not", "cannot", "can't", "error", "invalid",
	"ignoring", "refus", "not supported", "unknown", "no such", "insecure", "denied", "not found",
	"too long", "exists"}

// journalFailure reports whether a manager's log line reports a failure.
func journalFailure(text string) bool {
	t := strings.ToLower(text)
	for _, w := range journalFailureWords {
		if strings.Contains(t, w) {
			return true
		}
	}
	return false
}

func journalReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) && errors.Is(err, os.ErrNotExist) {
		return "no journal under the root (" + pe.Path + ")"
	}
	return "journal unreadable: " + source.Reason(err)
}

// ---- files below the root ----

// errMaskedLink says a path is a symlink to /dev/null.
var errMaskedLink = errors.New("a symlink to /dev/null")

// resolveInRoot resolves every symlink in p (a path on the examined system)
// the way the examined system would: absolute link targets are taken below
// the root, and ".." never leaves it. It returns the resolved path on the
// examined system, or errMaskedLink when p leads to /dev/null.
func resolveInRoot(r source.Root, p string) (string, error) {
	rest := strings.Split(path.Clean("/"+p), "/")
	cur := "/"
	links := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, c)
		// A captured root usually has no /dev: what leads to /dev/null is
		// recognised by its path.
		if path.Join(append([]string{next}, rest...)...) == "/dev/null" {
			return "", errMaskedLink
		}
		fi, err := os.Lstat(r.Path(next))
		if err != nil {
			return "", err
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			cur = next
			continue
		}
		links++
		if links > 40 {
			return "", &os.PathError{Op: "resolve", Path: r.Path(p), Err: syscall.ELOOP}
		}
		target, err := os.Readlink(r.Path(next))
		if err != nil {
			return "", err
		}
		if strings.HasPrefix(target, "/") {
			cur = "/"
		}
		rest = append(strings.Split(target, "/"), rest...)
	}
	return cur, nil
}

// file is a configuration file found in a directory.
type file struct {
	path     string      // as on the examined system
	resolved string      // with symlinks resolved below the root
	info     os.FileInfo // of the resolved file
	masked   bool        // /dev/null, or empty
	err      error       // cannot be resolved or examined
	link     string      // the symlink's target text, when p is one
}

// notInTreeError says a file is a symlink whose target the captured tree
// does not hold: offline that is not knowing what the file is, not a
// dangling link (a capture records a link that was dangling; a sosreport
// copies what its plugins chose). Offline without a capture's record, an
// absolute target missing from the tree is not in it; a relative one,
// copied with its directory, still dangles.
type notInTreeError struct{ target string }

func (e notInTreeError) Error() string {
	return "a symlink to " + shown(e.target) + ", whose target is not in the captured tree: what it holds is unknown"
}

func isNotInTree(err error) bool {
	var e notInTreeError
	return errors.As(err, &e)
}

// examine resolves p below the root and says whether it masks (a link
// to /dev/null, a character device, an empty file).
func examine(r source.Root, p string) file {
	cf := file{path: p}
	if l, err := r.Readlink(p); err == nil {
		cf.link = l
	}
	dangling := false
	if ci := r.Capture(); ci != nil {
		if rec, ok := ci.Symlinks[p]; ok {
			cf.link, dangling = rec.Target, rec.Dangling
			if _, err := os.Lstat(r.Path(p)); errors.Is(err, os.ErrNotExist) {
				// The capture recorded the link but stored neither it nor
				// its target's content.
				if dangling {
					cf.err = &os.PathError{Op: "stat", Path: p, Err: os.ErrNotExist}
				} else {
					cf.err = notInTreeError{rec.Target}
				}
				return cf
			}
		}
	}
	res, err := resolveInRoot(r, p)
	if errors.Is(err, errMaskedLink) {
		cf.masked = true
		return cf
	}
	if err != nil && !r.Live() && strings.HasPrefix(cf.link, "/") && !dangling && errors.Is(err, os.ErrNotExist) {
		err = notInTreeError{cf.link}
	}
	if err != nil {
		cf.err = err
		return cf
	}
	cf.resolved = res
	fi, err := os.Stat(r.Path(res))
	if err != nil {
		cf.err = err
		return cf
	}
	cf.info = fi
	switch {
	case fi.Mode()&os.ModeCharDevice != 0:
		cf.masked = true
	case fi.Mode().IsRegular() && fi.Size() == 0:
		cf.masked = true
	}
	return cf
}

// readFile reads a regular file found by examine (never a FIFO or a
// device, whose open could block).
func readFile(r source.Root, cf file) ([]byte, error) {
	if cf.info == nil || !cf.info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", cf.path)
	}
	return r.ReadFile(cf.resolved)
}

// confDropins lists the *.conf files (not hidden ones) of dirs, by name in
// name order: byName[name] holds every directory's copy, the first
// directory's first (it wins; the others are shadowed). A directory that
// cannot be listed is a gap under key.
func confDropins(r source.Root, dirs []string, key string, gaps *source.Gaps) ([]string, map[string][]string) {
	byName := map[string][]string{}
	for _, d := range dirs {
		_, names, err := listDir(r, d)
		if err != nil {
			gaps.AddReason(key, d+": "+source.Reason(err))
			continue
		}
		for _, n := range names {
			if !strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".conf") {
				byName[n] = append(byName[n], path.Join(d, n))
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, byName
}

// listDir returns the sorted names in dir (a directory on the examined
// system, resolved below the root), at most MaxDirEntries of them, and the
// resolved directory. A missing directory is not an error: it returns
// ("", nil, nil).
func listDir(r source.Root, dir string) (string, []string, error) {
	res, err := resolveInRoot(r, dir)
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, errMaskedLink) || errors.Is(err, syscall.ENOTDIR) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	d, err := os.Open(r.Path(res))
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	defer d.Close()
	var names []string
	for len(names) < MaxDirEntries {
		n, err := d.Readdirnames(512)
		names = append(names, n...)
		if err != nil {
			break
		}
	}
	if len(names) > MaxDirEntries {
		names = names[:MaxDirEntries]
	}
	// A capture records the symlinks it stored neither as links nor as
	// files (their targets were left out): they are entries all the same.
	if ci := r.Capture(); ci != nil && len(names) < MaxDirEntries {
		have := map[string]bool{}
		for _, n := range names {
			have[n] = true
		}
		for p := range ci.Symlinks {
			if path.Dir(p) == path.Clean(dir) && !have[path.Base(p)] {
				names = append(names, path.Base(p))
			}
		}
	}
	sort.Strings(names)
	return res, names, nil
}

// absentUnknown reports, for a manager none of whose directories exist in
// the examined tree, why that absence proves nothing: the tree is a copy
// (a sosreport, a capture that does not say it looked for them). "" when
// the absence is a fact (the live system; a capture that looked).
func absentUnknown(r source.Root, dirs []string) string {
	if r.Live() {
		return ""
	}
	ci := r.Capture()
	for _, d := range dirs {
		if ci == nil || !ci.Looked[d] {
			return "none of " + strings.Join(dirs, ", ") + " is in the examined tree, which does not record looking for " + d + ": whether there are files is unknown"
		}
	}
	return ""
}

// dirIdentity identifies a directory, to skip one reached twice (/lib is
// often a symlink to /usr/lib).
func dirIdentity(r source.Root, resolved string) (uint64, uint64, bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(r.Path(resolved), &st); err != nil {
		return 0, 0, false
	}
	return uint64(st.Dev), st.Ino, true
}

// containerRuntimeHints lists the paths showing that docker, containerd,
// Kubernetes or CNI are installed: the interfaces they create (docker0,
// br-*, cni0, veth*) are the ones a network manager must leave alone.
func containerRuntimeHints(r source.Root) []string {
	var out []string
	for _, p := range []string{"/var/lib/docker", "/etc/docker", "/run/docker.sock", "/var/lib/containerd",
		"/run/containerd", "/etc/cni/net.d", "/opt/cni/bin", "/var/lib/cni", "/var/lib/kubelet"} {
		if r.Exists(p) {
			out = append(out, p)
		}
	}
	return out
}

// containerLink is an interface docker or CNI creates, with what a match on
// kind or driver sees.
type containerLink struct {
	name, kind, driver string
}

// containerLinks are typical names of the interfaces container runtimes
// create: veth ends (docker, CNI bridge plugin, Calico), docker's default
// and per-network bridges, the CNI bridge, flannel's VXLAN device.
var containerLinks = []containerLink{
	{"veth1a2b3c4", "veth", "veth"},
	{"docker0", "bridge", "bridge"},
	{"br-0123456789ab", "bridge", "bridge"},
	{"cni0", "bridge", "bridge"},
	{"cali0123456789a", "veth", "veth"},
	{"flannel.1", "vxlan", "vxlan"},
}

// shown renders a value or a path from the examined system for a message:
// as it is when short and printable, quoted with escapes otherwise, so that
// no control character from a file reaches the operator's terminal.
func shown(s string) string {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return strconv.Quote(source.Clip(s, 120))
		}
	}
	if !utf8.ValidString(s) {
		return strconv.Quote(source.Clip(s, 120))
	}
	return source.Clip(s, 120)
}

// shownList renders several paths for a message.
func shownList(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = shown(p)
	}
	return strings.Join(out, ", ")
}

// addFinding appends a finding.
func addFinding(fs *[]Finding, f Finding) { *fs = append(*fs, f) }

// tagDevices names the devices a file defines or configures on its
// findings.
func tagDevices(fs []Finding, files map[string]bool, names []string) {
	if len(names) == 0 {
		return
	}
	for i := range fs {
		if files[fs[i].File] {
		next:
			for _, n := range names {
				for _, have := range fs[i].Devices {
					if have == n {
						continue next
					}
				}
				fs[i].Devices = append(fs[i].Devices, n)
			}
		}
	}
}
