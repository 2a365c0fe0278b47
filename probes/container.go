package probes

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/prometheus/procfs"
)

// ContainerFacts say whether the target runs in a container and which
// runtime started it, and the host-side configuration of user-namespace
// remapping (docker's userns-remap, /etc/subuid and /etc/subgid).
type ContainerFacts struct {
	InContainer bool   `json:"in_container"`
	Runtime     string `json:"runtime,omitempty"` // docker, podman, kubernetes, containerd, lxc, systemd-nspawn
	ID          string `json:"id,omitempty"`
	// Evidence are the facts that prove a container, in words.
	Evidence []string `json:"evidence,omitempty"`
	// Hints are signs that prove nothing alone (/.dockerenv,
	// /run/.containerenv, an overlay root); Unknown the proofs that could
	// not be checked and why.
	Hints   []string `json:"hints,omitempty"`
	Unknown []string `json:"unknown,omitempty"`
	// PIDNamespace is the target's PID namespace ("pid:[4026531836]" is
	// the initial one), "" when unreadable.
	PIDNamespace string   `json:"pid_namespace,omitempty"`
	Cgroups      []string `json:"cgroups,omitempty"`
	// WithTool is true when the target has rtnl-doctor's root directory:
	// the same container (or none), so what rtnl-doctor itself may do shows
	// what the runtime allows.
	WithTool bool `json:"with_tool,omitempty"`
	// SameMounts is true when the target is in rtnl-doctor's mount
	// namespace: it sees the same /dev (a service with PrivateDevices= or
	// its own private mounts has the same root but another /dev).
	SameMounts bool          `json:"same_mount_ns,omitempty"`
	Docker     *DockerDaemon `json:"docker,omitempty"`
	// SubUID and SubGID are the ranges of the docker remap user (or of the
	// target's user when no remap is configured).
	SubUIDOwner string       `json:"subuid_owner,omitempty"`
	SubUID      []SubIDRange `json:"subuid,omitempty"`
	SubGID      []SubIDRange `json:"subgid,omitempty"`
	// SubIDProblems are lines of /etc/subuid and /etc/subgid that do not parse.
	SubIDProblems []string `json:"subid_problems,omitempty"`
	Gaps          Gaps     `json:"unavailable,omitempty"`

	// SubIDTaken are every range of /etc/subuid and /etc/subgid, of every
	// owner: a range given to a user must overlap none of them.
	SubIDTaken []SubIDRange `json:"subid_taken,omitempty"`
}

var (
	dockerCgroupRE = regexp.MustCompile(`(?:/docker/|docker-)([0-9a-f]{12,64})`)
	podmanCgroupRE = regexp.MustCompile(`libpod-(?:conmon-)?([0-9a-f]{12,64})`)
	criCgroupRE    = regexp.MustCompile(`(?:cri-containerd-|crio-|containerd-)([0-9a-f]{12,64})`)
)

// GroupContainer is the fact group of whether the process runs in a
// container, and what its runtime set.
const GroupContainer Group = "container"

var containerGroup = newGroup(GroupContainer, RefreshSlow, func(f *Facts) *ContainerFacts { return &f.Container },
	func(_ context.Context, e *env) ContainerFacts { return gatherContainer(e) })

func gatherContainer(e *env) ContainerFacts {
	var c ContainerFacts
	say := func(s string) { c.Evidence = append(c.Evidence, s) }
	set := func(rt, id string) {
		c.InContainer = true
		if c.Runtime == "" {
			c.Runtime = rt
		}
		if c.ID == "" {
			c.ID = id
		}
	}
	// The target's root: its own view through /proc/PID/root on a live
	// system, the captured tree otherwise.
	rootOf := func(p string) string {
		if e.root.Live() && !e.self {
			return e.root.Path(e.proc + "/root" + p)
		}
		return e.root.Path(p)
	}
	if b, err := e.root.ReadFile(e.proc + "/cgroup"); err != nil {
		c.Gaps.Add("cgroup", err)
	} else {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if line == "" {
				continue
			}
			c.Cgroups = append(c.Cgroups, clip(line, 300))
			switch {
			case strings.Contains(line, "kubepods"):
				id := ""
				if m := criCgroupRE.FindStringSubmatch(line); m != nil {
					id = m[1]
				} else if m := dockerCgroupRE.FindStringSubmatch(line); m != nil {
					id = m[1]
				}
				set("kubernetes", id)
				say("cgroup " + clip(line, 120) + " is a Kubernetes pod's")
			case podmanCgroupRE.MatchString(line):
				set("podman", podmanCgroupRE.FindStringSubmatch(line)[1])
				say("cgroup " + clip(line, 120) + " is a podman container's")
			case dockerCgroupRE.MatchString(line):
				set("docker", dockerCgroupRE.FindStringSubmatch(line)[1])
				say("cgroup " + clip(line, 120) + " is a docker container's")
			case criCgroupRE.MatchString(line):
				set("containerd", criCgroupRE.FindStringSubmatch(line)[1])
				say("cgroup " + clip(line, 120) + " is a containerd container's")
			case strings.Contains(line, "/lxc/") || strings.Contains(line, "lxc.payload"):
				set("lxc", "")
				say("cgroup " + clip(line, 120) + " is an LXC container's")
			case strings.Contains(line, "systemd-nspawn") || strings.Contains(line, "/machine.slice/machine-"):
				set("systemd-nspawn", "")
				say("cgroup " + clip(line, 120) + " is a systemd-nspawn machine's")
			}
		}
	}
	// Proof, besides a runtime's cgroup: files only a container manager
	// writes, container= in PID 1's environment, a PID namespace that is
	// not the initial one.
	for _, f := range []string{"/run/systemd/container", "/run/host/container-manager"} {
		b, err := readRootOf(rootOf(f))
		switch {
		case err == nil:
			rt := clip(strings.TrimSpace(string(b)), 40)
			set(runtimeName(rt), "")
			say(f + " says " + strconv.Quote(rt))
		case !os.IsNotExist(err):
			c.Gaps.Add(strings.TrimPrefix(f, "/run/"), err)
		case !e.root.Live():
			c.Unknown = append(c.Unknown, f+": not in the captured tree")
		}
	}
	c.containerEnviron(e, set, say)
	c.pidNamespace(e, set, say)
	// Hints only: VM and live images ship /.dockerenv, podman's file is
	// left behind by image builds, live systems boot on overlays.
	for _, f := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Lstat(rootOf(f)); err == nil {
			c.Hints = append(c.Hints, f+" exists in the target's root (VM images ship it too: not proof)")
		}
	}
	if fst := c.rootFSType(e); fst == "overlay" {
		c.Hints = append(c.Hints, "the target's root is an overlay filesystem (live systems boot on overlays too: not proof)")
	}
	if e.root.Live() {
		if e.self {
			c.WithTool, c.SameMounts = true, true
		} else {
			c.WithTool = sameFile("/proc/self/root/", e.root.Path(e.proc+"/root/"))
			// nsfs files: the same inode is the same namespace.
			c.SameMounts = sameFile("/proc/self/ns/mnt", e.root.Path(e.proc+"/ns/mnt"))
		}
	}
	c.dockerRemap(e)
	return c
}

// dockerRemap reads the host's docker daemon.json and the subordinate id
// ranges of the user its userns-remap names.
func (c *ContainerFacts) dockerRemap(e *env) {
	const dj = "/etc/docker/daemon.json"
	if b, err := e.root.ReadFile(dj); err == nil {
		d, perr := parseDaemonJSON(b)
		d.Path = dj
		c.Docker = &d
		if perr != nil {
			c.Gaps.AddReason("daemon.json", perr.Error())
		}
	} else if !os.IsNotExist(err) {
		c.Gaps.Add("daemon.json", err)
	}
	owner := ""
	group := ""
	if c.Docker != nil && c.Docker.RemapUser != "" {
		owner, group = c.Docker.RemapUser, c.Docker.RemapGroup
	}
	if owner == "" {
		return
	}
	c.SubUIDOwner = owner
	uids := map[string]uint32{}
	if b, err := e.root.ReadFile("/etc/passwd"); err == nil {
		uids = parsePasswd(b)
	}
	match := func(who string) func(SubIDRange) bool {
		return func(r SubIDRange) bool {
			if r.Owner == who {
				return true
			}
			if uid, ok := uids[who]; ok && r.Owner == itoa(int(uid)) {
				return true
			}
			return false
		}
	}
	for _, f := range []struct {
		path string
		who  string
		dst  *[]SubIDRange
	}{{"/etc/subuid", owner, &c.SubUID}, {"/etc/subgid", group, &c.SubGID}} {
		b, err := e.root.ReadFile(f.path)
		if err != nil {
			c.Gaps.Add(strings.TrimPrefix(f.path, "/etc/"), err)
			continue
		}
		ranges, bad := parseSubID(b)
		for _, p := range bad {
			c.SubIDProblems = append(c.SubIDProblems, f.path+" "+p)
		}
		ok := match(f.who)
		c.SubIDTaken = append(c.SubIDTaken, ranges...)
		for _, r := range ranges {
			if ok(r) {
				*f.dst = append(*f.dst, r)
			}
		}
	}
	sort.Strings(c.SubIDProblems)
}

// sameFile reports whether two paths are the same file (device and inode).
func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// initialPIDNS is the inode of the initial PID namespace
// (PROC_PID_INIT_INO in include/linux/proc_ns.h): every other PID namespace
// has another.
const initialPIDNS = "pid:[4026531836]"

// runtimeName maps what a container manager writes (container=,
// /run/systemd/container) to the runtime names used here.
func runtimeName(v string) string {
	switch v {
	case "oci":
		return "docker"
	case "":
		return "container"
	}
	return v
}

func readRootOf(p string) ([]byte, error) { return readBounded(p, 4096) }

// containerEnviron looks for container= in the target's environment and in
// PID 1's (systemd, lxc, nspawn and podman set it in PID 1's). An unreadable
// environment is unknown, not absence.
func (c *ContainerFacts) containerEnviron(e *env, set func(rt, id string), say func(string)) {
	files := []string{e.proc + "/environ"}
	if e.proc != "/proc/1" && (!e.root.Live() || c.samePIDNS(e)) {
		files = append(files, "/proc/1/environ")
	}
	for _, f := range files {
		b, err := e.root.ReadFile(f)
		if err != nil {
			switch {
			case os.IsNotExist(err) && !e.root.Live():
				c.Unknown = append(c.Unknown, "container= in "+f+": not in the captured tree")
			case os.IsNotExist(err):
				c.Unknown = append(c.Unknown, "container= in "+f+": the process is gone")
			default:
				c.Unknown = append(c.Unknown, "container= in "+f+": "+Reason(err))
				c.Gaps.Add("environ", err)
			}
			continue
		}
		for _, kv := range bytes.Split(b, []byte{0}) {
			if v, ok := bytes.CutPrefix(kv, []byte("container=")); ok && len(v) > 0 {
				set(runtimeName(clip(string(v), 40)), "")
				say("container=" + clip(string(v), 40) + " in " + f)
				return
			}
		}
	}
}

// samePIDNS reports whether the live target shares rtnl-doctor's PID
// namespace, so that /proc/1 is its PID 1 too.
func (c *ContainerFacts) samePIDNS(e *env) bool {
	a, err1 := os.Readlink("/proc/self/ns/pid")
	b, err2 := os.Readlink(e.root.Path(e.proc + "/ns/pid"))
	return err1 == nil && err2 == nil && a == b
}

// pidNamespace proves a container when the target's PID namespace is not
// the initial one.
func (c *ContainerFacts) pidNamespace(e *env, set func(rt, id string), say func(string)) {
	l, err := os.Readlink(e.root.Path(e.proc + "/ns/pid"))
	if err != nil {
		if os.IsNotExist(err) && !e.root.Live() {
			c.Unknown = append(c.Unknown, "PID namespace ("+e.proc+"/ns/pid): not in the captured tree")
		} else {
			c.Unknown = append(c.Unknown, "PID namespace: "+Reason(err))
		}
		return
	}
	c.PIDNamespace = clip(l, 40)
	if l != initialPIDNS && strings.HasPrefix(l, "pid:[") {
		set("container", "")
		say(fmt.Sprintf("PID namespace %s is not the initial one (%s)", c.PIDNamespace, initialPIDNS))
	}
}

// rootFSType is the filesystem type of the target's "/", from its
// mountinfo ("" when unreadable).
func (c *ContainerFacts) rootFSType(e *env) string {
	mounts, err := targetMounts(e)
	if err != nil {
		return ""
	}
	fst := ""
	for _, m := range mounts {
		if m.MountPoint == "/" {
			fst = m.FSType // the last one mounted on "/" is the visible one
		}
	}
	return fst
}

// targetMounts reads the target's mountinfo, once per gather. The result
// is shared: callers must not modify it.
func targetMounts(e *env) ([]*procfs.MountInfo, error) {
	e.mountsOnce.Do(func() {
		fs, err := procfs.NewFS(e.root.Path("/proc"))
		if err != nil {
			e.mountsErr = err
			return
		}
		if e.pid > 0 {
			e.mounts, e.mountsErr = fs.GetProcMounts(e.pid)
		} else {
			e.mounts, e.mountsErr = fs.GetMounts()
		}
	})
	return e.mounts, e.mountsErr
}
