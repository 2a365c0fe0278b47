package diagnose

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A host whose only sign of a container is a stray /.dockerenv (VM images
// ship it): the report claims no container and names the hint.
func TestReportStrayDockerenvIsNoContainer(t *testing.T) {
	d := diagnoseFixture(t, "$ ip link add br0 type bridge\nRTNETLINK answers: Operation not permitted", "stray-dockerenv")
	r, _ := d.Result("container-restricted")
	ev := strings.Join(r.Evidence, "\n")
	if r.Status != OK || !strings.Contains(ev, "does not run in a container") || !strings.Contains(ev, "/.dockerenv exists") ||
		!strings.Contains(ev, "not in the captured tree") {
		t.Fatalf("container-restricted = %s %q", r.Status, r.Evidence)
	}
	var buf bytes.Buffer
	if err := d.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "runs in a docker container") || strings.Contains(buf.String(), "runs in a container ") {
		t.Fatalf("report claims a container:\n%s", buf.String())
	}
}

// The same with proof beside the hint: a runtime's cgroup.
func TestContainerWithProofIsClaimed(t *testing.T) {
	d := diagnoseFixture(t, "$ ip link add br0 type bridge\nRTNETLINK answers: Operation not permitted", "container-docker")
	r, _ := d.Result("container-restricted")
	ev := strings.Join(r.Evidence, "\n")
	if r.Status != Fail || !strings.Contains(ev, "is a docker container's") || !strings.Contains(ev, "also: /.dockerenv") {
		t.Fatalf("container-restricted = %s %q", r.Status, r.Evidence)
	}
}

// Live: a process in a private mount namespace whose /run holds a
// /run/.containerenv (and, on hosts that have one, a stray /.dockerenv) is
// not in a container.
func TestLiveContainerHintOnly(t *testing.T) {
	testns.Require(t)
	cmd := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mount -t tmpfs tmpfs /run && : > /run/.containerenv && exec "+testns.Sleep+" 60")
	f := probes.Gather(context.Background(), probes.Target{PID: cmd.Process.Pid}, probes.GroupContainer, probes.GroupIdentity, probes.GroupSysctls)
	if f.Container.InContainer {
		t.Fatalf("claimed a container: %+v", f.Container)
	}
	if !strings.Contains(strings.Join(f.Container.Hints, ";"), "/run/.containerenv") {
		t.Fatalf("hints = %v", f.Container.Hints)
	}
	d := Diagnose(f, symptom.ParseSymptom("RTNETLINK answers: Operation not permitted"), nil)
	r, _ := d.Result("container-restricted")
	if r.Status != OK || !strings.Contains(strings.Join(r.Evidence, " "), "PID "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("container-restricted = %s %q", r.Status, r.Evidence)
	}
}

// Live: /dev/net/tun on a tmpfs mounted nodev in a private mount namespace.
// Opening it fails with EACCES even as root; the diagnosis proves the
// tun-device fault by the mount and offers the remount.
func TestLiveTunNodev(t *testing.T) {
	testns.Require(t)
	cmd := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		"mount -t tmpfs -o nodev,mode=0755 tmpfs /dev/net && mknod -m 0666 /dev/net/tun c 10 200 && exec "+testns.Sleep+" 60")
	pid := strconv.Itoa(cmd.Process.Pid)
	out := mustFail(t, "/usr/bin/nsenter", "--target", pid, "--mount", testns.IP, "tuntap", "add", "dev", "tap9", "mode", "tap")
	if !strings.Contains(out, "Permission denied") {
		t.Fatalf("ip tuntap add on a nodev mount: %q", out)
	}
	d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "ip tuntap add dev tap9 mode tap", out)
	expectFirst(t, d, "tun-device")
	r, _ := d.Result("tun-device")
	if !strings.Contains(strings.Join(r.Evidence, " "), "mounted nodev") || len(r.Fixes) == 0 || r.Fixes[0].ID != "tun-device/remount-dev" ||
		!strings.Contains(r.Fixes[0].Command, "remount,dev") {
		t.Fatalf("evidence %q fixes %+v", r.Evidence, r.Fixes)
	}
}

// The reproduction run where /dev/net/tun is on a nodev mount names EACCES
// as the kernel's refusal to open the node, not as a missing CAP_SYS_ADMIN.
func TestReproduceTunNodevNamesEACCES(t *testing.T) {
	if os.Getenv("RTNL_DOCTOR_NODEV_CHILD") == "1" {
		r := reproduce.Reproduce(symptom.ParseSymptom("$ ip tuntap add dev tap9 mode tap\nopen: Permission denied"), "")
		fmt.Printf("ran=%v errno=%s step=%q\n%s\n", r.Ran, r.Errno, r.Step, r.Conclusion)
		os.Exit(0)
	}
	testns.Require(t)
	cmd := exec.Command("/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
		`mount -t tmpfs -o nodev,mode=0755 tmpfs /dev/net && mknod -m 0666 /dev/net/tun c 10 200 && exec "$0" -test.run '^TestReproduceTunNodevNamesEACCES$'`, os.Args[0])
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_NODEV_CHILD=1")
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil || !strings.Contains(out, "ran=true errno=EACCES") || !strings.Contains(out, "failed with EACCES") || strings.Contains(out, "CAP_SYS_ADMIN") {
		t.Fatalf("reproduction on a nodev /dev/net: %v\n%s", err, out)
	}
}

// Offline, a capture without /proc/modules, modules.builtin or the device
// node proves no missing tun driver and no missing node: unknown, with the
// reason.
func TestOfflinePartialCaptureProvesNothingMissing(t *testing.T) {
	d := diagnoseFixture(t, "$ ip tuntap add dev tap9 mode tap\nopen: No such file or directory", "offline-partial")
	for _, id := range []string{"tun-device", "module-missing"} {
		r, _ := d.Result(id)
		ev := strings.Join(r.Evidence, " ")
		if r.Status == Fail || strings.Contains(ev, "driver is missing") || !strings.Contains(ev, "not in the captured tree") && !strings.Contains(ev, "may be built in") {
			t.Errorf("%s = %s %q", id, r.Status, r.Evidence)
		}
	}
}

// systemd's PrivateNetwork= in a container without CAP_SYS_ADMIN: the unit
// could not make its network namespace. The narrow fix is a drop-in for
// that unit; SYS_ADMIN for the container is listed with its cost.
func TestPrivateNetworkInContainerNeedsSysAdmin(t *testing.T) {
	d := diagnoseFixture(t, "Feb 28 12:45:53 web systemd[21]: systemd-resolved.service: Failed to set up network namespacing: Operation not permitted", "container-docker")
	r, _ := d.Result("container-restricted")
	ev := strings.Join(r.Evidence, "\n")
	if r.Status != Fail || !strings.Contains(ev, "PrivateNetwork=") || !strings.Contains(ev, "lacks cap_sys_admin") {
		t.Fatalf("container-restricted = %s %q", r.Status, r.Evidence)
	}
	ids := []string{}
	for _, fx := range r.Fixes {
		ids = append(ids, fx.ID)
		// The fixture is a capture of the container's process, examined
		// from outside: the commands go through the runtime into it.
		if fx.ID == "container-restricted/unit-private-network" && !strings.Contains(fx.Command, "docker exec -it 3f5c2a9d1e8b systemctl edit -- systemd-resolved.service") {
			t.Errorf("drop-in fix names no unit in the container: %q", fx.Command)
		}
	}
	// NET_ADMIN or a sysctl would not help: the drop-in first, the wide
	// fix second, nothing else.
	if got := strings.Join(ids, " "); got != "container-restricted/unit-private-network container-restricted/cap-sys-admin" {
		t.Fatalf("fixes = %s", got)
	}
	// Older systemd's step line is the same failure.
	if s := symptom.ParseSymptom("Jan 10 10:00:00 web systemd[1]: foo.service: Failed at step NETWORK spawning /usr/bin/foo: Operation not permitted"); s.Operation != symptom.OpNetnsEnter || s.Unit != "foo.service" || s.Errno != symptom.EPERM {
		t.Errorf("step NETWORK: %+v", s)
	}
	// A name that would read as an option never reaches systemctl.
	for _, text := range []string{"-Hevil.example.service: Failed to set up network namespacing: Operation not permitted",
		"Feb 28 12:45:53 web systemd[21]: -Hevil.example.service: Failed to set up network namespacing: Operation not permitted"} {
		s := symptom.ParseSymptom(text)
		if s.Unit != "" {
			t.Errorf("%q: unit %q", text, s.Unit)
		}
	}
}

// Live: /dev/vhost-net, the node QEMU opens beside /dev/net/tun, as a
// process in a private mount namespace sees it: missing, on a nodev mount,
// and with a mode its user cannot open. Each fault is made for real and
// opened by a shell in that namespace; the diagnosis reads that node, not
// /dev/net/tun.
func TestLiveVhostNetNode(t *testing.T) {
	testns.Require(t)
	for _, c := range []struct {
		name, setup, fixID, evidence string
		priv                         []string
	}{
		{"missing", "mount -t tmpfs -o mode=0755 tmpfs /dev", "tun-device/mknod-vhost-net", "/dev/vhost-net does not exist", nil},
		{"nodev", "mount -t tmpfs -o nodev,mode=0755 tmpfs /dev && mknod -m 0666 /dev/vhost-net c 10 238", "tun-device/remount-dev", "mounted nodev", nil},
		{"mode", "mount -t tmpfs -o mode=0755 tmpfs /dev && mknod -m 0600 /dev/vhost-net c 10 238", "tun-device/chmod-vhost-net", "mode 0600 denies read-write",
			[]string{"/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			exe := strings.Join(append(append([]string{}, c.priv...), testns.Sleep, "60"), " ")
			cmd := testns.Start(t, nil, "sleep", "/usr/bin/unshare", "--mount", "--propagation", "private", "/bin/sh", "-c", c.setup+" && exec "+exe)
			pid := strconv.Itoa(cmd.Process.Pid)
			open := append(append([]string{"/usr/bin/nsenter", "--target", pid, "--mount"}, c.priv...), "/bin/sh", "-c", "exec 3</dev/vhost-net")
			out := mustFail(t, open...)
			d := diagnoseLive(t, probes.Target{PID: cmd.Process.Pid}, "sh -c 'exec 3</dev/vhost-net'", out)
			if d.Symptom.Path != "/dev/vhost-net" {
				t.Fatalf("symptom path %q from %q", d.Symptom.Path, out)
			}
			expectFirst(t, d, "tun-device")
			r, _ := d.Result("tun-device")
			ev := strings.Join(r.Evidence, " ")
			if !strings.Contains(ev, c.evidence) || strings.Contains(ev, "/dev/net/tun") {
				t.Fatalf("evidence %q", r.Evidence)
			}
			var ids []string
			for _, f := range r.Fixes {
				ids = append(ids, f.ID)
				if strings.Contains(f.Command, "/dev/net/tun") {
					t.Errorf("fix %s acts on /dev/net/tun: %s", f.ID, f.Command)
				}
			}
			if !slices.Contains(ids, c.fixID) {
				t.Fatalf("fixes %v, want %s", ids, c.fixID)
			}
		})
	}
}
