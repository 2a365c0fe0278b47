package model

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
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
	d := Diagnose(f, ParseSymptom("RTNETLINK answers: Operation not permitted"), nil)
	r, _ := d.Result("container-restricted")
	if r.Status != OK || !strings.Contains(strings.Join(r.Evidence, " "), "PID "+strconv.Itoa(cmd.Process.Pid)) {
		t.Fatalf("container-restricted = %s %q", r.Status, r.Evidence)
	}
}
