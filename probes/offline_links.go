package probes

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"golang.org/x/sys/unix"
)

// Offline (a captured tree), links, addresses and routes come from files:
// a capture's rtnl-doctor/net.json, or a sosreport's ip command outputs
// (sos.go). The live path never comes here: it dumps over rtnetlink.

// offlineNet returns the net facts of a captured tree, and false when the
// tree has none (a hand-made tree: the caller says they are unavailable).
func offlineNet(e *env) (NetFacts, bool) {
	if n, ok := capturedNet(e.root); ok {
		return n, true
	}
	return sosNet(e.root)
}

func capturedNet(r Root) (NetFacts, bool) {
	p := "/" + CaptureMeta + "/net.json"
	if !r.Exists(p) {
		return NetFacts{}, false
	}
	var n NetFacts
	b, err := r.ReadLimit(p, 256<<20)
	var cn CapturedNet
	if err == nil {
		err = json.Unmarshal(b, &cn)
	}
	if err != nil {
		for _, f := range []string{"links", "addrs", "routes"} {
			n.Gaps.AddReason(f, "the capture's "+p+" cannot be read: "+Reason(err))
		}
		return n, true
	}
	n.Links, n.Addrs, n.Routes, n.Drivers = cn.Links, cn.Addrs, cn.Routes, cn.Drivers
	for _, g := range cn.Gaps {
		if g.Fact == "links" || g.Fact == "addrs" || g.Fact == "routes" || g.Fact == "drivers" {
			n.Gaps.AddReason(g.Fact, "not captured: "+g.Reason)
		}
	}
	n.Index()
	return n, true
}

// capturedDevices reads a capture's description of device nodes; ok is
// false when the tree is not a capture.
func capturedDevices(r Root) ([]CapturedDevice, bool, error) {
	p := "/" + CaptureMeta + "/devices.json"
	if !r.Exists(p) {
		return nil, false, nil
	}
	b, err := r.ReadFile(p)
	if err != nil {
		return nil, true, err
	}
	var devs []CapturedDevice
	if err := json.Unmarshal(b, &devs); err != nil {
		return nil, true, fmt.Errorf("%s: %v", r.Path(p), err)
	}
	return devs, true, nil
}

// lstatNode is os.Lstat of a device node path below the root; in a capture
// (which holds no device nodes) the node is answered from devices.json:
// listed means it existed as described, unlisted that it did not.
func lstatNode(e *env, p, shown string) (fs.FileInfo, error) {
	if e.root.Live() {
		return os.Lstat(p)
	}
	devs, ok, err := capturedDevices(e.root)
	if !ok {
		return os.Lstat(p)
	}
	if err != nil {
		return nil, err
	}
	for _, d := range devs {
		if d.Path == shown {
			return capturedNode{d}, nil
		}
	}
	return nil, &os.PathError{Op: "lstat", Path: p, Err: fs.ErrNotExist}
}

// capturedNode is a CapturedDevice as a FileInfo.
type capturedNode struct{ d CapturedDevice }

func (c capturedNode) Name() string       { return filepath.Base(c.d.Path) }
func (c capturedNode) Size() int64        { return 0 }
func (c capturedNode) ModTime() time.Time { return time.Time{} }
func (c capturedNode) IsDir() bool        { return c.d.Mode&syscall.S_IFMT == syscall.S_IFDIR }
func (c capturedNode) Mode() fs.FileMode {
	m := fs.FileMode(c.d.Mode & 0o777)
	switch c.d.Mode & syscall.S_IFMT {
	case syscall.S_IFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case syscall.S_IFBLK:
		m |= fs.ModeDevice
	case syscall.S_IFDIR:
		m |= fs.ModeDir
	case syscall.S_IFLNK:
		m |= fs.ModeSymlink
	case syscall.S_IFIFO:
		m |= fs.ModeNamedPipe
	case syscall.S_IFSOCK:
		m |= fs.ModeSocket
	}
	return m
}
func (c capturedNode) Sys() any {
	return &syscall.Stat_t{Mode: c.d.Mode, Uid: c.d.UID, Gid: c.d.GID, Rdev: unix.Mkdev(c.d.Major, c.d.Minor)}
}

// captureManifest reads a capture's manifest; ok is false when the tree is
// not a capture.
func captureManifest(r Root) (CaptureManifest, bool) {
	var m CaptureManifest
	if r.Live() {
		return m, false
	}
	b, err := r.ReadFile("/" + CaptureMeta + "/manifest.json")
	if err != nil || json.Unmarshal(b, &m) != nil || m.Format == 0 {
		return m, false
	}
	return m, true
}

// captureSources describes a capture for the report: who made it, and what
// it says it could not hold.
func captureSources(m CaptureManifest) []string {
	out := []string{fmt.Sprintf("a capture of %s (kernel %s) made %s by rtnl-doctor %s: %d files",
		m.Host, m.Kernel, m.Time.Format(time.RFC3339), m.Tool, m.Files)}
	out = append(out, "links, addresses, routes: "+CaptureMeta+"/net.json (rtnetlink dump of the network namespace "+m.Target.NetNS+")")
	for _, g := range m.NotCaptured {
		out = append(out, "not captured: "+g.Fact+": "+g.Reason)
	}
	for _, g := range m.Unreadable {
		out = append(out, "could not be captured: "+g.Fact+": "+g.Reason)
	}
	return out
}

// capturedInfos caches each capture's CaptureInfo, keyed by its root and
// its manifest's size and time.
var capturedInfos sync.Map

// capturedInfo is source.Captured: what a capture's manifest says of the
// symlinks met and the directories looked in; nil for a tree that is not
// an rtnl-doctor capture.
func capturedInfo(r Root) *source.CaptureInfo {
	st, err := os.Lstat(r.Path("/" + CaptureMeta + "/manifest.json"))
	if err != nil || !st.Mode().IsRegular() {
		return nil
	}
	key := fmt.Sprintf("%s\x00%d\x00%d", r.Dir, st.Size(), st.ModTime().UnixNano())
	if v, ok := capturedInfos.Load(key); ok {
		return v.(*source.CaptureInfo)
	}
	m, ok := captureManifest(r)
	if !ok {
		return nil
	}
	ci := &source.CaptureInfo{Symlinks: m.Symlinks, Looked: map[string]bool{}}
	for _, d := range m.Looked {
		ci.Looked[d] = true
	}
	capturedInfos.Store(key, ci)
	return ci
}
