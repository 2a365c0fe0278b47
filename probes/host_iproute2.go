package probes

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// IPRoute2 is the iproute2 the examined system has (ip, tc, bridge), read
// from its package database: a tool older than the kernel feature it is
// asked for refuses the command itself ("Unknown qdisc", "Object ... is
// unknown"). Nothing is executed: the files are read below the root, so a
// captured tree answers the same as the live system.
type IPRoute2 struct {
	// Version is the package's version as the database writes it
	// ("6.1.0-3", "5.15.0-1", "20120521-3"), "" when not found.
	Version string `json:"version,omitempty"`
	// Package and Source name the package and the database it was read
	// from ("iproute2" in /var/lib/dpkg/status).
	Package string `json:"package,omitempty"`
	Source  string `json:"source,omitempty"`
	// BusyBox: ip is BusyBox's applet (a symlink to busybox), which knows
	// a small part of iproute2's commands.
	BusyBox bool `json:"busybox,omitempty"`
}

// iproute2Packages are the names distributions give iproute2, best first
// (OpenWrt splits it: ip-full, ip-tiny, tc-full, tc-tiny; "iproute" is
// Debian's and Ubuntu's transitional dummy, kept installed after upgrades
// at its old version: the last resort).
var iproute2Packages = map[string]int{"iproute2": 1, "ip-full": 2, "iproute2-minimal": 3, "ip-tiny": 4, "tc-full": 5, "tc-tiny": 6,
	"iproute2-tc": 7, "tc": 8, "iproute": 9}

// gatherIPRoute2 reads the iproute2 package's version from dpkg's, apk's,
// opkg's or pacman's database, whichever the root has (rpm's database is
// binary: unavailable there).
func gatherIPRoute2(e *env, gaps *Gaps) IPRoute2 {
	var v IPRoute2
	// The first ip in root's PATH order decides (a file that is no link is
	// iproute2's; a link to busybox is BusyBox's applet). Readlink, which
	// resolves a captured tree's directories inside it, tells the three
	// apart: a link, EINVAL for a file that is none, ENOENT for nothing.
	for _, p := range []string{"/usr/sbin/ip", "/usr/bin/ip", "/sbin/ip", "/bin/ip"} {
		t, err := e.root.Readlink(p)
		if err == nil {
			v.BusyBox = filepath.Base(t) == "busybox"
			break
		}
		if errors.Is(err, unix.EINVAL) {
			break
		}
	}
	for _, db := range []struct{ path, pkgKey, verKey string }{
		{"/var/lib/dpkg/status", "Package: ", "Version: "},
		{"/usr/lib/opkg/status", "Package: ", "Version: "},
		{"/lib/apk/db/installed", "P:", "V:"},
	} {
		b, err := e.root.ReadFile(db.path)
		if err != nil {
			if !os.IsNotExist(err) {
				gaps.Add("iproute2", err)
				return v
			}
			continue
		}
		if pkg, ver := stanzaVersion(b, db.pkgKey, db.verKey); ver != "" {
			v.Package, v.Version, v.Source = pkg, ver, db.path
			return v
		}
	}
	// pacman: one directory per installed package, NAME-VERSION-REL.
	if names, err := e.root.ReadDirNames("/var/lib/pacman/local"); err == nil {
		for _, name := range names {
			if rest, ok := strings.CutPrefix(name, "iproute2-"); ok && rest != "" && rest[0] >= '0' && rest[0] <= '9' {
				v.Package, v.Version, v.Source = "iproute2", rest, "/var/lib/pacman/local"
				return v
			}
		}
	}
	if e.root.Exists("/var/lib/rpm") || e.root.Exists("/usr/lib/sysimage/rpm") {
		gaps.AddReason("iproute2", "the rpm database is binary: rpm -q iproute2 tells the version")
	} else {
		gaps.AddReason("iproute2", "no dpkg, apk, opkg or pacman database names an iproute2 package")
	}
	return v
}

// stanzaVersion finds the installed iproute2 package of the best name (by
// iproute2Packages) in a database of blank-line-separated stanzas and
// returns its name and version.
func stanzaVersion(b []byte, pkgKey, verKey string) (pkg, ver string) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	var name, version string
	removed := false
	best := 0
	flush := func() {
		if r := iproute2Packages[name]; r != 0 && version != "" && !removed && (best == 0 || r < best) {
			pkg, ver, best = name, version, r
		}
		name, version, removed = "", "", false
	}
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, pkgKey):
			name = strings.TrimSpace(line[len(pkgKey):])
		case strings.HasPrefix(line, verKey):
			version = strings.TrimSpace(line[len(verKey):])
		case strings.HasPrefix(line, "Status: ") && !strings.HasSuffix(line, " installed"):
			removed = true // dpkg keeps removed packages' stanzas ("deinstall ok config-files")
		}
	}
	flush()
	return pkg, ver
}

// Major and minor of an iproute2 version ("6.1.0-3" is 6, 1; the
// snapshot versions of old releases, "20120521", are 0, 0: older than any
// numbered release).
func (v IPRoute2) Release() (major, minor int, ok bool) {
	s := v.Version
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[i+1:] // a Debian epoch
	}
	f := strings.SplitN(s, ".", 3)
	if n, ok := leadingInt(f[0]); ok && n > 1000 {
		return 0, 0, true // a date: iproute2 before 3.x numbered its releases by date
	}
	if len(f) < 2 {
		return 0, 0, false
	}
	major, ok1 := leadingInt(f[0])
	minor, ok2 := leadingInt(f[1])
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	return major, minor, true
}

func leadingInt(s string) (int, bool) {
	n, digits := 0, 0
	for _, c := range s {
		if c < '0' || c > '9' || n > 1<<24 {
			break
		}
		n = n*10 + int(c-'0')
		digits++
	}
	return n, digits > 0
}
