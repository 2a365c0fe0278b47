package diagnose

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// fixtureRoot builds a captured tree: probes' base tree with overlays.
func fixtureRoot(t *testing.T, overlays ...string) string {
	dirs := []string{filepath.Join("..", "..", "probes", "testdata", "roots", "base")}
	for _, o := range overlays {
		dirs = append(dirs, filepath.Join("..", "..", "probes", "testdata", "roots", o))
	}
	return fixture.Root(t, dirs...)
}

func diagnoseFixture(t *testing.T, text string, overlays ...string) *Diagnosis {
	t.Helper()
	s := symptom.ParseSymptom(text)
	f := probes.Gather(context.Background(), probes.Target{Root: fixtureRoot(t, overlays...), Interfaces: s.Interfaces()})
	return Diagnose(f, s, nil)
}

// firstFail is the id of the highest-ranked proven cause.
func firstFail(d *Diagnosis) string {
	for _, r := range d.Results {
		if r.Status == Fail {
			return r.ID
		}
	}
	return ""
}

func dump(d *Diagnosis) string {
	var b bytes.Buffer
	d.WriteText(&b)
	return b.String()
}

// Faults that cannot be caused safely on a shared machine, as captured trees.
func TestDiagnoseFixtures(t *testing.T) {
	cases := []struct {
		name     string
		overlays []string
		symptom  string
		want     string
		evidence string // a word the first failing cause's evidence must contain
	}{
		{"system-wide fd exhaustion", []string{"fd-exhaustion"},
			"Cannot open netlink socket: Too many open files in system", "fd-exhaustion", "199812 of 200000"},
		{"kernel memory fragmentation", []string{"memory-fragmented"},
			"docker: Error response from daemon: failed to create endpoint web on network bridge: failed to add the host (veth3a1b2c4) <=> sandbox (veth9f8e7d6) pair interfaces: cannot allocate memory.",
			"kernel-memory", "order:4"},
		{"kernel upgraded without reboot", []string{"kernel-upgraded"},
			"failed to add the host (veth3a1b2c4) <=> sandbox (veth9f8e7d6) pair interfaces: operation not supported",
			"module-missing", "upgraded without a reboot"},
		{"kernel without module support", []string{"no-modules"},
			"ip link add dummy0 type dummy\nError: Unknown device type.", "module-missing", "no module support"},
		{"SELinux AVC denial", []string{"selinux-denial"},
			"ip link add veth0 type veth\nRTNETLINK answers: Permission denied", "mac-denial", "nlmsg_write"},
		{"AppArmor denial", []string{"apparmor-denial"},
			"ip link add veth0 type veth\nRTNETLINK answers: Permission denied", "mac-denial", "docker-default"},
		{"container without NET_ADMIN", []string{"container-docker"},
			"ip link add veth0 type veth\nRTNETLINK answers: Operation not permitted", "container-restricted", "NET_ADMIN"},
		{"container read-only /proc/sys", []string{"container-docker"},
			`sysctl: setting key "net.ipv4.ip_forward": Read-only file system`, "container-restricted", "read-only"},
		{"docker userns-remap without subuid", []string{"userns-remap"},
			"ip link add veth0 type veth\nRTNETLINK answers: Operation not permitted", "userns-remap", "dockremap"},
		{"networkd configuration", []string{"netconfig-networkd"},
			"Nov 22 06:29:01 node1 systemd-networkd[612]: br-lan: Could not create netdev: Invalid argument", "netconfig", ".netdev"},
		{"NetworkManager keyfile", []string{"netconfig-nm"},
			"Nov 22 06:29:01 node1 NetworkManager[812]: <error> [1763792941.1234] platform-linux: do-add-link[br-lan/bridge]: failure 22 (Invalid argument)", "netconfig", "NetworkManager"},
		{"name in /proc/net/dev", nil,
			"ip link add docker0 type bridge\nRTNETLINK answers: File exists", "name-conflict", "docker0"},
		{"name too long", nil,
			"ip link add veth-aaaaaaaaaaaaaaa type veth\nError: Attribute failed policy validation.", "name-conflict", "at most 15"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			d := diagnoseFixture(t, tt.symptom, tt.overlays...)
			got := firstFail(d)
			if got != tt.want {
				t.Fatalf("first fail = %q, want %q\n%s", got, tt.want, dump(d))
			}
			r, _ := d.Result(got)
			if !strings.Contains(strings.Join(r.Evidence, "\n"), tt.evidence) {
				t.Fatalf("evidence of %s lacks %q: %q", got, tt.evidence, r.Evidence)
			}
			if !d.Failed() {
				t.Fatal("Failed() is false with a failing cause")
			}
		})
	}
}

func TestDiagnoseHealthy(t *testing.T) {
	for _, symptom := range []string{"", "the network is slow"} {
		d := diagnoseFixture(t, symptom, "netconfig-clean")
		if d.Failed() {
			t.Fatalf("%q: a healthy tree fails:\n%s", symptom, dump(d))
		}
		if len(d.Results) != len(Catalogue) {
			t.Fatalf("%d results for %d causes", len(d.Results), len(Catalogue))
		}
		for _, r := range d.Results {
			if r.Status == Fail || len(r.Evidence) == 0 || r.Title == "" {
				t.Errorf("%s: %s %q %q", r.ID, r.Status, r.Title, r.Evidence)
			}
			if r.Status == Unknown && !strings.Contains(strings.Join(r.Evidence, " "), "unavailable") {
				t.Errorf("%s is unknown without saying what is unavailable: %q", r.ID, r.Evidence)
			}
		}
	}
}

func TestDiagnoseEmptyRoot(t *testing.T) {
	f := probes.Gather(context.Background(), probes.Target{Root: t.TempDir()})
	d := Diagnose(f, symptom.ParseSymptom("RTNETLINK answers: Operation not permitted"), nil)
	for _, r := range d.Results {
		if r.Status == Fail {
			t.Errorf("%s fails on an empty root: %q", r.ID, r.Evidence)
		}
	}
	var b bytes.Buffer
	if err := d.WriteText(&b); err != nil || !strings.Contains(b.String(), "Could not see") {
		t.Fatalf("report: %v\n%s", err, b.String())
	}
}

func TestRankingBySymptom(t *testing.T) {
	for _, tt := range []struct {
		symptom string
		first   []string // the plausible causes in order
	}{
		{"RTNETLINK answers: Operation not permitted", []string{"cap-net-admin", "container-restricted", "userns-remap", "mac-denial", "sysctl"}},
		{"ip addr add 10.0.0.1/24 dev eth0\nRTNETLINK answers: File exists", []string{"already-exists", "name-conflict"}},
		{"ip link add x type veth\nRTNETLINK answers: File exists", []string{"name-conflict", "already-exists"}},
		{"Error: Unknown device type.", []string{"module-missing"}},
		{"RTNETLINK answers: Cannot allocate memory", []string{"kernel-memory"}},
		{"Cannot open netlink socket: Too many open files", []string{"fd-exhaustion"}},
		{"ip tuntap add tap0 mode tap\nopen: No such file or directory", []string{"tun-device"}},
		{"ip -6 addr add 2001:db8::1/64 dev eth0\nRTNETLINK answers: Permission denied", []string{"sysctl"}},
		{`sysctl: setting key "net.ipv4.ip_forward": Read-only file system`, []string{"container-restricted", "sysctl"}},
	} {
		d := diagnoseFixture(t, tt.symptom)
		var ids []string
		for _, r := range d.Results {
			ids = append(ids, r.ID)
		}
		for i, want := range tt.first {
			if ids[i] != want {
				t.Errorf("%q: ranked %v, want %v first", tt.symptom, ids[:len(tt.first)], tt.first)
				break
			}
		}
	}
}

func TestReportFormats(t *testing.T) {
	root := fixtureRoot(t, "container-docker")
	// A hostile program name: what the system reports must reach no terminal.
	fixture.Write(t, root, map[string]string{"proc/4242/comm": "\x1b[2Jip\x1b]52;c;ZWNobyBoaQ==\x07\n"})
	s := symptom.ParseSymptom("ip link add docker0 type bridge\nRTNETLINK answers: File exists")
	d := Diagnose(probes.Gather(context.Background(), probes.Target{Root: root}), s, nil)
	var j bytes.Buffer
	if err := d.WriteJSON(&j); err != nil {
		t.Fatal(err)
	}
	var shape struct {
		Symptom map[string]any `json:"symptom"`
		Causes  []struct {
			ID       string   `json:"id"`
			Status   string   `json:"status"`
			Title    string   `json:"title"`
			Evidence []string `json:"evidence"`
			Fixes    []struct {
				ID        string `json:"id"`
				Title     string `json:"title"`
				Command   string `json:"command"`
				NeedsRoot *bool  `json:"needs_root"`
			} `json:"fixes"`
		} `json:"causes"`
		Facts map[string]any `json:"facts"`
	}
	if err := json.Unmarshal(j.Bytes(), &shape); err != nil {
		t.Fatal(err)
	}
	if len(shape.Causes) != len(Catalogue) || shape.Symptom["errno"] != "EEXIST" || shape.Facts["fds"] == nil {
		t.Fatalf("json shape: %+v", shape)
	}
	for _, c := range shape.Causes {
		for _, f := range c.Fixes {
			if f.ID == "" || f.Title == "" || f.Command == "" || f.NeedsRoot == nil {
				t.Fatalf("fix of %s: %+v", c.ID, f)
			}
		}
	}
	if bytes.Contains(j.Bytes(), []byte("\x1b")) {
		t.Fatal("raw escape in JSON")
	}
	for name, write := range map[string]func(*bytes.Buffer) error{
		"text":     func(b *bytes.Buffer) error { return d.WriteText(b) },
		"markdown": func(b *bytes.Buffer) error { return d.WriteMarkdown(b) },
	} {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatal(err)
		}
		if bytes.ContainsAny(b.Bytes(), "\x1b\x07") {
			t.Fatalf("%s: a control character reached the output", name)
		}
		if !strings.Contains(b.String(), `\x1b`) || !strings.Contains(b.String(), `\x07`) {
			t.Fatalf("%s: the escape is not shown visibly", name)
		}
	}
}

// TestFDFixesWhenTheHardLimitIsReached: with soft = hard and no
// CAP_SYS_RESOURCE, the raise is an instruction saying why, and the
// system-wide fixes are still offered.
func TestFDFixesWhenTheHardLimitIsReached(t *testing.T) {
	f := &probes.Facts{}
	f.Target = probes.TargetFacts{PID: 4242, Comm: "dockerd", Live: true}
	f.FDs = probes.FDFacts{Limit: &probes.Limit{Soft: 1024, Hard: 1024}, Open: 1024, NrOpen: 1048576,
		FileNR: &probes.FileNR{Allocated: 99000, Max: 100000}}
	fixes := fixesFDExhaustion(&Context{Facts: f}, Verdict{Status: Fail})
	ids := map[string]fix.Fix{}
	for _, x := range fixes {
		ids[x.ID] = x
	}
	r, ok := ids["fd-exhaustion/raise-nofile"]
	if !ok || !r.Manual || r.Action != nil || !strings.Contains(r.Why, "already equals the hard limit (1024)") ||
		r.Command != "prlimit --pid 4242 --nofile=65536:65536" {
		t.Fatalf("raise-nofile = %+v", r)
	}
	if _, ok := ids["fd-exhaustion/raise-file-max"]; !ok {
		t.Fatalf("the system-wide fix is missing: %+v", fixes)
	}
	// With CAP_SYS_RESOURCE rtnl-doctor raises both limits itself.
	f.Host.Tool.SysResource = true
	fixes = fixesFDExhaustion(&Context{Facts: f}, Verdict{Status: Fail})
	if fixes[0].Manual || fixes[0].Command != "prlimit --pid 4242 --nofile=65536:65536" {
		t.Fatalf("with CAP_SYS_RESOURCE: %+v", fixes[0])
	}
}

// TestBareFileExists: "File exists" without the command cannot be checked,
// and says what to paste instead of claiming all is well.
func TestBareFileExists(t *testing.T) {
	d := diagnoseFixture(t, "RTNETLINK answers: File exists")
	for _, id := range []string{"name-conflict", "already-exists"} {
		r, _ := d.Result(id)
		if r.Status != Unknown || !strings.Contains(strings.Join(r.Evidence, " "), "paste the command line") {
			t.Errorf("%s: %s %q", id, r.Status, r.Evidence)
		}
	}
}

// TestDisableIPv6TheInterfaceDecides: for an existing interface its own
// disable_ipv6 counts; all and default only explain it.
func TestDisableIPv6TheInterfaceDecides(t *testing.T) {
	s := symptom.ParseSymptom("$ ip -6 addr add 2001:db8::1/64 dev eth0\nRTNETLINK answers: Permission denied")
	for _, tt := range []struct {
		dev, all, def string
		want          Status
		fixes         []string
	}{
		{"1", "0", "0", Fail, []string{"sysctl/enable-ipv6"}},
		{"0", "1", "1", OK, nil},
		{"1", "0", "1", Fail, []string{"sysctl/enable-ipv6", "sysctl/enable-ipv6-default", "sysctl/persist-default"}},
		{"", "1", "0", Fail, []string{"sysctl/enable-ipv6-all", "sysctl/persist-all"}},
	} {
		f := &probes.Facts{Gathered: probes.AllGroups}
		host := true // the host's namespace: persisting applies to it
		f.Target.HostNetNS = &host
		f.Sysctls.Values = map[string]string{"net.ipv6.conf.all.disable_ipv6": tt.all, "net.ipv6.conf.default.disable_ipv6": tt.def}
		if tt.dev != "" {
			f.Sysctls.Values["net.ipv6.conf.eth0.disable_ipv6"] = tt.dev
		}
		c := &Context{Facts: f, Symptom: s}
		v := evalSysctl(c)
		var ids []string
		for _, x := range fixesSysctl(c, v) {
			ids = append(ids, x.ID)
		}
		if v.Status != tt.want || strings.Join(ids, " ") != strings.Join(tt.fixes, " ") {
			t.Errorf("eth0=%q all=%s default=%s: %s %q, fixes %v, want %s %v", tt.dev, tt.all, tt.def, v.Status, v.Evidence, ids, tt.want, tt.fixes)
		}
	}
}

func TestActionFitsSymptom(t *testing.T) {
	s := symptom.ParseSymptom("$ ip route add 10.2.0.0/16 via 10.0.0.1\nRTNETLINK answers: File exists")
	if fix.ActionFitsSymptom(fix.Act("route-replace", "dst", "10.1.0.0/16"), s) || !fix.ActionFitsSymptom(fix.Act("route-replace", "dst", "10.2.0.0/16"), s) {
		t.Fatal("a route fix must concern the symptom's route to verify it")
	}
}
