package probes

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/rtnl-doctor/rtnl-doctor/probes/source"

	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// IdentityFacts are who the target process is and what it may do:
// credentials, capability sets by name, no_new_privs, seccomp, its user
// namespace, and the file capabilities of its executable.
type IdentityFacts struct {
	Name   string   `json:"name,omitempty"`
	UID    uint32   `json:"uid"`
	EUID   uint32   `json:"euid"`
	GID    uint32   `json:"gid"`
	EGID   uint32   `json:"egid"`
	Groups []uint32 `json:"groups,omitempty"`
	Caps   *CapSets `json:"caps,omitempty"`
	// NoNewPrivs: execve can no longer grant privileges (setuid bits and
	// file capabilities are ignored).
	NoNewPrivs bool `json:"no_new_privs"`
	// LastCap is kernel.cap_last_cap, the highest capability this kernel
	// knows (0 when unreadable).
	LastCap        int    `json:"cap_last_cap,omitempty"`
	Seccomp        string `json:"seccomp,omitempty"` // disabled, strict, filter
	SeccompFilters int    `json:"seccomp_filters,omitempty"`
	// SeccompOrigin is where the filter comes from, when there is one.
	SeccompOrigin *SeccompOrigin `json:"seccomp_origin,omitempty"`
	UIDMap        []IDMap        `json:"uid_map,omitempty"`
	GIDMap        []IDMap        `json:"gid_map,omitempty"`
	// InitialUserNS is true when the process runs in the initial user
	// namespace (its uid_map is the identity map), so its capabilities hold
	// over the host's network namespace too.
	InitialUserNS *bool  `json:"initial_userns,omitempty"`
	UserNSInode   uint64 `json:"userns_inode,omitempty"`
	// NetNSOwnerInode is the user namespace that owns the examined network
	// namespace. CapsApplyToNetNS is whether the target's capabilities count
	// there: its user namespace is the owner or an ancestor of it. A root in
	// a child user namespace has CAP_NET_ADMIN only over network namespaces
	// its own user namespace owns: acting on the host's gives EPERM.
	NetNSOwnerInode  uint64    `json:"netns_owner_userns_inode,omitempty"`
	CapsApplyToNetNS *bool     `json:"caps_apply_to_netns,omitempty"`
	FileCaps         *FileCaps `json:"file_caps,omitempty"`
	Gaps             Gaps      `json:"unavailable,omitempty"`
	// CredsKnown: UID, EUID, GID and EGID were read (/proc/PID/status).
	// Without them the JSON leaves them out rather than show root's 0.
	CredsKnown bool `json:"-"`
}

// identityPlain is IdentityFacts without its JSON methods.
type identityPlain IdentityFacts

// identityJSON is IdentityFacts as JSON: the credentials (fields at the
// outer level, so they win over identityPlain's) only when known.
type identityJSON struct {
	UID  *uint32 `json:"uid,omitempty"`
	EUID *uint32 `json:"euid,omitempty"`
	GID  *uint32 `json:"gid,omitempty"`
	EGID *uint32 `json:"egid,omitempty"`
	identityPlain
}

// MarshalJSON writes the credentials only when they were read: a missing
// /proc/PID/status is no uid 0.
func (id IdentityFacts) MarshalJSON() ([]byte, error) {
	out := identityJSON{identityPlain: identityPlain(id)}
	if id.CredsKnown {
		out.UID, out.EUID, out.GID, out.EGID = &id.UID, &id.EUID, &id.GID, &id.EGID
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads the facts back; the credentials are known when the
// JSON has them.
func (id *IdentityFacts) UnmarshalJSON(b []byte) error {
	var in identityJSON
	if err := json.Unmarshal(b, &in); err != nil {
		return err
	}
	*id = IdentityFacts(in.identityPlain)
	c := in
	id.CredsKnown = c.UID != nil || c.EUID != nil
	for _, x := range []struct {
		dst *uint32
		src *uint32
	}{{&id.UID, c.UID}, {&id.EUID, c.EUID}, {&id.GID, c.GID}, {&id.EGID, c.EGID}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
	return nil
}

// CapSets are a process's capability sets, as capability names.
type CapSets struct {
	Effective   []string `json:"effective"`
	Permitted   []string `json:"permitted"`
	Inheritable []string `json:"inheritable"`
	Bounding    []string `json:"bounding"`
	Ambient     []string `json:"ambient"`
	// Masks are the raw bitmaps, for exact comparisons.
	EffMask uint64 `json:"eff_mask"`
	PrmMask uint64 `json:"prm_mask"`
	InhMask uint64 `json:"inh_mask"`
	BndMask uint64 `json:"bnd_mask"`
	AmbMask uint64 `json:"amb_mask"`
}

// HasCap reports whether the mask holds capability v.
func HasCap(mask uint64, v cap.Value) bool { return v < 64 && mask&(1<<uint(v)) != 0 }

// FileCaps are the capabilities stored in an executable's security.capability
// attribute.
type FileCaps struct {
	Path string `json:"path"`
	// Text is libcap's text form ("cap_net_admin=ep"), "" when the file has
	// none.
	Text string `json:"text"`
	// RootID is the owner uid of namespaced (v3) file capabilities.
	RootID int    `json:"rootid,omitempty"`
	Reason string `json:"unavailable,omitempty"`
	// ElsewhereHere is set when Path, looked up in rtnl-doctor's own mount
	// namespace, is not the file the process runs (another inode, or none):
	// the process runs it from another mount namespace (a container, a
	// service's private mounts), so a change made at Path would change
	// another file.
	ElsewhereHere bool `json:"not_the_file_here,omitempty"`
}

// exeElsewhere: a live process's executable (/proc/PID/exe, which leads
// to the file in the process's own mount namespace) is not the file its
// path names in this one (review: setcap went onto the host's file of the
// same path).
func exeElsewhere(e *env, path, show string) bool {
	if !e.root.Live() || path == show || !strings.HasPrefix(show, "/") {
		return false
	}
	var a, b syscall.Stat_t
	if syscall.Stat(path, &a) != nil {
		return false
	}
	return syscall.Stat(show, &b) != nil || a.Dev != b.Dev || a.Ino != b.Ino
}

// DescribeCaps names the capabilities of mask briefly: "all 41" when it
// holds every capability the kernel knows (lastCap, 40 when unknown), "all
// but cap_x cap_y" when it lacks a few, else their names.
func DescribeCaps(mask uint64, lastCap int) string {
	if lastCap <= 0 || lastCap >= 64 {
		lastCap = 40
	}
	full := uint64(1)<<uint(lastCap+1) - 1
	have, lack := CapNames(mask&full), CapNames(full&^mask)
	switch {
	case len(lack) == 0:
		return fmt.Sprintf("all %d", len(have))
	case len(have) == 0:
		return "none"
	case len(lack) < len(have):
		return "all but " + strings.Join(lack, " ")
	}
	return strings.Join(have, " ")
}

// CapNames turns a capability bitmap into names ("cap_net_admin", ...).
func CapNames(mask uint64) []string {
	names := []string{}
	for v := cap.Value(0); v < 64; v++ {
		if mask&(1<<uint(v)) != 0 {
			names = append(names, v.String())
		}
	}
	return names
}

// GroupIdentity is the fact group of the examined process's credentials,
// capabilities, namespaces and seccomp.
const GroupIdentity Group = "identity"

var identityGroup = newGroup(GroupIdentity, RefreshSlow, func(f *Facts) *IdentityFacts { return &f.Identity },
	func(_ context.Context, e *env) IdentityFacts { return gatherIdentity(e) })

func gatherIdentity(e *env) IdentityFacts {
	var id IdentityFacts
	if v, err := e.root.ReadInt("/proc/sys/kernel/cap_last_cap"); err == nil && v > 0 && v < 64 {
		id.LastCap = int(v)
	}
	b, err := e.root.ReadFile(e.proc + "/status")
	if err != nil {
		id.Gaps.Add("status", err)
	} else if st, err := parseStatus(b); err != nil {
		id.Gaps.Add("status", err)
	} else {
		id.Name = st.Name
		id.CredsKnown = true
		id.UID, id.EUID = st.UID[0], st.UID[1]
		id.GID, id.EGID = st.GID[0], st.GID[1]
		id.Groups = st.Groups
		if st.Have["CapEff"] {
			id.Caps = &CapSets{
				Effective: CapNames(st.CapEff), Permitted: CapNames(st.CapPrm), Inheritable: CapNames(st.CapInh),
				Bounding: CapNames(st.CapBnd), Ambient: CapNames(st.CapAmb),
				EffMask: st.CapEff, PrmMask: st.CapPrm, InhMask: st.CapInh, BndMask: st.CapBnd, AmbMask: st.CapAmb,
			}
		} else {
			id.Gaps.AddReason("caps", "no capability lines in "+e.root.Path(e.proc+"/status"))
		}
		id.NoNewPrivs = st.NoNewPrivs
		switch st.Seccomp {
		case 0:
			id.Seccomp = "disabled"
		case 1:
			id.Seccomp = "strict"
		case 2:
			id.Seccomp = "filter"
		}
		id.SeccompFilters = st.SeccompFilters
		id.SeccompOrigin = seccompOrigin(e, st, &id.Gaps)
	}
	if b, err := e.root.ReadFile(e.proc + "/uid_map"); err != nil {
		id.Gaps.Add("uid_map", err)
	} else if m, err := parseIDMap(b); err != nil {
		id.Gaps.Add("uid_map", err)
	} else {
		id.UIDMap = m
		initial := IsInitialMap(m)
		id.InitialUserNS = &initial
	}
	if b, err := e.root.ReadFile(e.proc + "/gid_map"); err == nil {
		id.GIDMap, _ = parseIDMap(b)
	}
	if e.root.Live() {
		var st syscall.Stat_t
		if syscall.Stat(e.root.Path(e.proc+"/ns/user"), &st) == nil {
			id.UserNSInode = st.Ino
		}
	} else if l, err := e.root.Readlink(e.proc + "/ns/user"); err == nil {
		// A captured tree holds the link's text, "user:[INODE]": stat
		// would follow a link planted there to the host.
		if v, ok := strings.CutPrefix(l, "user:["); ok {
			if n, err := strconv.ParseUint(strings.TrimSuffix(v, "]"), 10, 64); err == nil {
				id.UserNSInode = n
			}
		}
	}
	if e.root.Live() {
		id.netnsOwner(e)
	}
	id.FileCaps = fileCaps(e)
	return id
}

// Namespace ioctls (Linux 4.9): the user namespace owning a namespace, and
// the parent of a user namespace.
const (
	nsGetUserNS = 0xb701 // _IO(0xb7, 0x1)
	nsGetParent = 0xb702 // _IO(0xb7, 0x2)
)

// netnsOwner asks the kernel which user namespace owns the examined network
// namespace, and walks up from it looking for the target's user namespace.
func (id *IdentityFacts) netnsOwner(e *env) {
	if e.netnsErr != nil || id.UserNSInode == 0 {
		return
	}
	p := e.netnsPath
	if p == "" {
		p = e.root.Path(e.proc + "/ns/net")
	}
	f, err := os.Open(p)
	if err != nil {
		id.Gaps.Add("netns_owner", err)
		return
	}
	defer f.Close()
	fd, err := nsIoctl(int(f.Fd()), nsGetUserNS)
	if err != nil {
		id.Gaps.AddReason("netns_owner", "NS_GET_USERNS: "+Reason(err))
		return
	}
	ino, err := fdInode(fd)
	if err != nil {
		syscall.Close(fd)
		id.Gaps.Add("netns_owner", err)
		return
	}
	id.NetNSOwnerInode = ino
	applies := false
	for depth := 0; depth < 33; depth++ { // user namespaces nest at most 32 deep
		if ino == id.UserNSInode {
			applies = true
			break
		}
		parent, err := nsIoctl(fd, nsGetParent)
		syscall.Close(fd)
		if err != nil { // EPERM at the top of our own view: not an ancestor
			fd = -1
			break
		}
		fd = parent
		if ino, err = fdInode(fd); err != nil {
			break
		}
	}
	if fd >= 0 {
		syscall.Close(fd)
	}
	id.CapsApplyToNetNS = &applies
}

func nsIoctl(fd int, req uintptr) (int, error) {
	r, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), req, 0)
	if errno != 0 {
		return -1, errno
	}
	return int(r), nil
}

func fdInode(fd int) (uint64, error) {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return 0, err
	}
	return st.Ino, nil
}

// fileCaps reads the file capabilities of Target.Exec, or of the target's
// executable (through /proc/PID/exe, which works even if the file was
// replaced or deleted since it started).
func fileCaps(e *env) *FileCaps {
	path := e.exec
	show := path
	if path == "" {
		if !e.root.Live() {
			l, err := e.root.Readlink(e.proc + "/exe")
			if err != nil {
				return &FileCaps{Path: e.proc + "/exe", Reason: Reason(err)}
			}
			path, show = l, l
		} else {
			path = e.proc + "/exe"
			show = path
			if l, err := os.Readlink(path); err == nil {
				show = l
			}
		}
	} else if e.root.Live() {
		path = e.root.Path(path)
	}
	fc := &FileCaps{Path: show}
	fc.ElsewhereHere = exeElsewhere(e, path, show)
	var set *cap.Set
	var err error
	if e.root.Live() {
		set, err = cap.GetFile(path)
	} else {
		set, err = fileCapsInRoot(e.root, show)
	}
	switch {
	case errors.Is(err, syscall.ENODATA):
		return fc // no file capabilities: Text stays ""
	case err != nil:
		fc.Reason = Reason(&os.PathError{Op: "getxattr", Path: show, Err: err})
		return fc
	}
	fc.Text = strings.TrimPrefix(set.String(), "=")
	if strings.HasPrefix(fc.Text, " ") {
		fc.Text = strings.TrimSpace(fc.Text)
	}
	if id, err := set.GetNSOwner(); err == nil && id != 0 {
		fc.RootID = id
	}
	return fc
}

// fileCapsInRoot reads the file capabilities of p, a path on the examined
// system, from the file inside the captured tree only: p is resolved in the
// tree (a symlink, absolute or with "..", stays in it), a path into /proc
// (a magic link recorded by a capture, /proc/PID/fd/N) is refused, and the
// attribute is read from the file opened, never by path.
func fileCapsInRoot(r Root, p string) (*cap.Set, error) {
	clean := filepath.Clean("/" + p)
	if clean == "/proc" || strings.HasPrefix(clean, "/proc/") {
		return nil, fmt.Errorf("%s: a /proc link in a captured tree: not followed", p)
	}
	f, err := source.OpenInRoot(r.Dir, clean)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", p)
	}
	// Where it was resolved to: never the tree's /proc, whatever link led
	// there.
	if real, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(f.Fd()))); err == nil {
		if base, err := filepath.EvalSymlinks(r.Dir); err == nil {
			if rel, err := filepath.Rel(base, real); err != nil || rel == ".." || strings.HasPrefix(rel, "../") || rel == "proc" || strings.HasPrefix(rel, "proc/") {
				return nil, fmt.Errorf("%s: resolves to %s, not a file of the captured tree: refused", p, real)
			}
		}
	}
	return cap.GetFd(f)
}
