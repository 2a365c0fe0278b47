package probes

import (
	"os"
	"path"
	"sort"
	"strings"

	"github.com/prometheus/procfs"
)

// NetnsName is one name under /run/netns as the target's mount namespace
// sees it. `ip netns add` creates an empty file there and bind-mounts the
// namespace's nsfs file on it; only that mount makes the name usable. A
// plain file (the mount is gone: `umount`, a crash between the two steps, a
// reboot of the mount table) or a name whose mount was not propagated into
// this mount namespace (a private /run/netns, systemd PrivateMounts=, a
// containerised agent) makes open+setns fail with EINVAL and the kernel
// answer "Peer netns reference is invalid" to RTM_GETNSID/RTM_NEWNSID.
type NetnsName struct {
	Name string `json:"name"`
	// Type is what the name is: "nsfs" (a usable namespace), "file" (an
	// empty placeholder without its mount), "dir", "symlink", "other".
	Type string `json:"type"`
	// Mounted is true when an nsfs mount sits on the name in the target's
	// mountinfo.
	Mounted bool `json:"mounted"`
	// Size of the placeholder when it is a plain file.
	Size int64 `json:"size,omitempty"`
	// MountedForTool is set, for another process's view, when the same
	// name is a namespace in rtnl-doctor's own mount namespace: the mount
	// exists but did not propagate to the target's.
	MountedForTool *bool `json:"mounted_for_tool,omitempty"`
}

// Usable reports whether the name refers to a network namespace.
func (n NetnsName) Usable() bool { return n.Type == "nsfs" && n.Mounted }

// NetnsNames are the names under /run/netns and the mount holding the
// directory.
type NetnsNames struct {
	// Dir is the directory listed (/run/netns, as iproute2's NETNS_RUN_DIR
	// /var/run/netns resolves on current systems).
	Dir   string      `json:"dir"`
	Names []NetnsName `json:"names,omitempty"`
	// DirMount describes the mount /run/netns is on, and Propagation its
	// propagation ("shared:N", "master:N" or "private"): names added in
	// another mount namespace appear here only through a shared mount.
	DirMount    string `json:"dir_mount,omitempty"`
	Propagation string `json:"propagation,omitempty"`
	Gaps        Gaps   `json:"unavailable,omitempty"`
}

// Name finds a name.
func (n NetnsNames) Name(name string) (NetnsName, bool) {
	for _, x := range n.Names {
		if x.Name == name {
			return x, true
		}
	}
	return NetnsName{}, false
}

// nsfsMagic is NSFS_MAGIC (include/uapi/linux/magic.h).
const nsfsMagic = 0x6e736673

// gatherNetnsNames lists /run/netns in the target's mount namespace and
// checks each name against the target's mountinfo.
func gatherNetnsNames(e *env) NetnsNames {
	n := NetnsNames{Dir: "/run/netns"}
	dir := e.root.Path("/run/netns")
	if e.root.Live() && !e.self && e.pid > 0 {
		dir = e.root.Path(e.proc + "/root/run/netns")
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) && e.root.Live() {
			return n // no named namespace was ever made here
		}
		if os.IsNotExist(err) {
			n.Gaps.AddReason("names", "/run/netns is not in the captured tree")
			return n
		}
		n.Gaps.Add("names", err)
		return n
	}
	mounts, merr := targetMounts(e)
	if merr != nil {
		n.Gaps.Add("mounts", merr)
	}
	nsfs := map[string]bool{}
	for _, m := range mounts {
		mp := m.MountPoint
		if strings.HasPrefix(mp, "/var/run/netns/") {
			mp = "/run" + strings.TrimPrefix(mp, "/var/run")
		}
		if path.Dir(mp) == "/run/netns" {
			nsfs[path.Base(mp)] = m.FSType == "nsfs"
		}
		if mp == "/run/netns" || mp == "/run" || mp == "/" {
			if n.DirMount == "" || len(mp) >= len(strings.Fields(n.DirMount)[0]) {
				n.DirMount = mp + " (" + m.FSType + ")"
				n.Propagation = propagation(m)
			}
		}
	}
	for i, d := range ents {
		if i >= 4096 {
			n.Gaps.AddReason("names", "more than 4096 names: the rest were not examined")
			break
		}
		x := NetnsName{Name: clip(d.Name(), 256)}
		p := dir + "/" + d.Name()
		st, err := os.Lstat(p)
		switch {
		case err != nil:
			x.Type = "other"
		case st.Mode()&os.ModeSymlink != 0:
			x.Type = "symlink"
		case st.IsDir():
			x.Type = "dir"
		case !st.Mode().IsRegular():
			x.Type = "other"
		default:
			x.Type = "file"
			x.Size = st.Size()
		}
		if mounted, ok := nsfs[d.Name()]; ok && mounted {
			x.Mounted = true
			x.Type = "nsfs"
		} else if e.root.Live() && x.Type == "file" && isNsfs(p) {
			// mountinfo unread, but the file is an nsfs inode.
			x.Mounted, x.Type = true, "nsfs"
		}
		if e.root.Live() && !e.self && e.pid > 0 && !x.Usable() {
			here := isNsfs("/run/netns/" + d.Name())
			x.MountedForTool = &here
		}
		n.Names = append(n.Names, x)
	}
	sort.Slice(n.Names, func(i, j int) bool { return n.Names[i].Name < n.Names[j].Name })
	return n
}

// propagation renders a mount's propagation from mountinfo's optional
// fields.
func propagation(m *procfs.MountInfo) string {
	var out []string
	for _, k := range []string{"shared", "master", "propagate_from"} {
		if v, ok := m.OptionalFields[k]; ok {
			out = append(out, k+":"+v)
		}
	}
	if _, ok := m.OptionalFields["unbindable"]; ok {
		out = append(out, "unbindable")
	}
	if len(out) == 0 {
		return "private"
	}
	return strings.Join(out, " ")
}
