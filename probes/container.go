package probes

import (
	"bytes"
	"os"
	"regexp"
	"sort"
	"strings"
)

// ContainerFacts say whether the target runs in a container and which
// runtime started it, and the host-side configuration of user-namespace
// remapping (docker's userns-remap, /etc/subuid and /etc/subgid).
type ContainerFacts struct {
	InContainer bool   `json:"in_container"`
	Runtime     string `json:"runtime,omitempty"` // docker, podman, kubernetes, containerd, lxc, systemd-nspawn
	ID          string `json:"id,omitempty"`
	// Evidence are the facts behind the verdict, in words.
	Evidence []string `json:"evidence,omitempty"`
	Cgroups  []string `json:"cgroups,omitempty"`
	// WithTool is true when the target has rtnl-doctor's root directory:
	// the same container (or none), so what rtnl-doctor itself may do shows
	// what the runtime allows.
	WithTool bool          `json:"with_tool,omitempty"`
	Docker   *DockerDaemon `json:"docker,omitempty"`
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
	if _, err := os.Lstat(rootOf("/.dockerenv")); err == nil {
		set("docker", "")
		say("/.dockerenv exists in the target's root")
	}
	if _, err := os.Lstat(rootOf("/run/.containerenv")); err == nil {
		set("podman", "")
		say("/run/.containerenv exists in the target's root")
	}
	// systemd, lxc, nspawn and podman set container= in PID 1's environment;
	// the target inherits it unless it was cleared.
	envFile := e.proc + "/environ"
	if e.self {
		envFile = "/proc/1/environ"
	}
	if b, err := e.root.ReadFile(envFile); err == nil {
		for _, kv := range bytes.Split(b, []byte{0}) {
			if v, ok := bytes.CutPrefix(kv, []byte("container=")); ok && len(v) > 0 {
				rt := clip(string(v), 40)
				if rt == "oci" {
					rt = "docker"
				}
				set(rt, "")
				say("container=" + clip(string(v), 40) + " in " + envFile)
			}
		}
	}
	if e.root.Live() {
		if e.self {
			c.WithTool = true
		} else {
			c.WithTool = sameFile("/proc/self/root/", e.root.Path(e.proc+"/root/"))
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
