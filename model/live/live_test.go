package live

import (
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

func TestContainerOf(t *testing.T) {
	for in, want := range map[string]string{
		"/system.slice/docker-3f2a9c1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd.scope": "container docker 3f2a9c1b7d4e",
		"/docker/3f2a9c1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd":                    "container docker 3f2a9c1b7d4e",
		"/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1234_5678.slice":            "kubernetes pod 1234_5678",
		"/system.slice/NetworkManager.service":                                                        "unit NetworkManager.service",
		"/user.slice/user-1000.slice/user@1000.service/app.slice/foo.service":                         "user unit foo.service",
		"/user.slice/user-0.slice/session-3.scope":                                                    "unit session-3.scope",
		"/": "",
	} {
		if got := ContainerOf(in); got != want {
			t.Errorf("ContainerOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func ev(tid int, at time.Duration, k watch.Kind, mod func(*watch.Event)) watch.Event {
	e := watch.Event{Time: time.Unix(1000, 0).Add(at), Kind: k, TID: tid, PID: tid, Comm: "ip", Cap: -1,
		Proc: watch.Process{PID: tid, Comm: "ip", Gone: true}}
	if mod != nil {
		mod(&e)
	}
	return e
}

// Events of one thread within the window are one finding; another thread,
// or a pause longer than the window, starts another.
func TestGrouping(t *testing.T) {
	g := NewGrouper("test", Filter{})
	var got []*Finding
	add := func(e watch.Event) { got = append(got, g.Add(e)...) }
	add(ev(10, 0, watch.KindCap, func(e *watch.Event) { e.Cap, e.Errno = 12, 1 }))
	add(ev(10, 5*time.Millisecond, watch.KindCap, func(e *watch.Event) { e.Cap, e.Errno = 12, 1 }))
	add(ev(11, 6*time.Millisecond, watch.KindExtAck, func(e *watch.Event) { e.Msg = "Unknown device type" }))
	add(ev(10, 200*time.Millisecond, watch.KindCap, func(e *watch.Event) { e.Cap, e.Errno = 12, 1 }))
	got = append(got, g.Flush(time.Unix(1000, 0).Add(time.Second), false)...)
	if len(got) != 3 {
		t.Fatalf("got %d findings, want 3: %+v", len(got), got)
	}
	if got[0].Count != 2 || got[0].Symptom.Errno != symptom.EPERM {
		t.Errorf("first finding: count %d errno %s", got[0].Count, got[0].Symptom.Errno)
	}
	if got[1].Symptom.ExtAck != "Unknown device type" || got[1].Symptom.Errno != symptom.EOPNOTSUPP {
		t.Errorf("extack finding: %+v", got[1].Symptom)
	}
}

func TestNoise(t *testing.T) {
	g := NewGrouper("test", Filter{})
	// iproute2's empty RTM_NEWLINK probe.
	g.Add(ev(1, 0, watch.KindNetlinkErr, func(e *watch.Event) { e.MsgType, e.ReqLen, e.Errno = 16, 32, 19 }))
	// memory accounting's CAP_SYS_ADMIN check.
	g.Add(ev(2, 0, watch.KindCap, func(e *watch.Event) { e.Cap, e.Errno = 21, 1 }))
	// A real ENODEV (an RTM_NEWLINK with attributes) is kept.
	g.Add(ev(3, 0, watch.KindNetlinkErr, func(e *watch.Event) { e.MsgType, e.ReqLen, e.Errno = 16, 60, 19 }))
	fs := g.Flush(time.Unix(2000, 0), true)
	if g.Suppressed != 2 || len(fs) != 1 || fs[0].Symptom.Errno != symptom.ENODEV {
		t.Fatalf("suppressed %d, findings %+v", g.Suppressed, fs)
	}
}

// Each kind of event becomes the symptom the engine knows.
func TestSymptoms(t *testing.T) {
	cases := []struct {
		name  string
		evs   []watch.Event
		op    string
		errno symptom.Errno
	}{
		{"eexist", []watch.Event{ev(1, 0, watch.KindNetlinkErr, func(e *watch.Event) { e.MsgType, e.ReqLen, e.Errno, e.ReqFlags = 24, 60, 17, 0x600 })}, symptom.OpRouteAdd, symptom.EEXIST},
		{"link set", []watch.Event{ev(1, 0, watch.KindNetlinkErr, func(e *watch.Event) { e.MsgType, e.ReqLen, e.Errno = 16, 60, 1 })}, symptom.OpLinkSet, symptom.EPERM},
		{"tun", []watch.Event{ev(1, 0, watch.KindTunOpen, func(e *watch.Event) { e.Path, e.Errno = "/dev/net/tun", 13 })}, symptom.OpTunOpen, symptom.EACCES},
		{"emfile", []watch.Event{ev(1, 0, watch.KindSyscall, func(e *watch.Event) { e.Syscall, e.Errno = "socket", 24 })}, symptom.OpNetlink, symptom.EMFILE},
		{"unshare", []watch.Event{ev(1, 0, watch.KindSyscall, func(e *watch.Event) { e.Syscall, e.Errno = "unshare", 28 })}, symptom.OpUserns, symptom.ENOSPC},
		{"probe then the real request", []watch.Event{
			ev(1, 0, watch.KindNetlinkErr, func(e *watch.Event) { e.MsgType, e.ReqLen, e.Errno = 16, 32, 1 }),
			ev(1, time.Millisecond, watch.KindNetlinkErr, func(e *watch.Event) { e.MsgType, e.ReqLen, e.Errno, e.ReqFlags = 16, 64, 1, 0x605 }),
		}, symptom.OpLinkAdd, symptom.EPERM},
		{"cap+extack", []watch.Event{
			ev(1, 0, watch.KindCap, func(e *watch.Event) { e.Cap, e.Errno = 12, 1 }),
			ev(1, time.Millisecond, watch.KindExtAck, func(e *watch.Event) { e.Msg = "Unknown device type" }),
			// Only a link add gets "Unknown device type" (__rtnl_newlink):
			// the message's row names the operation.
		}, symptom.OpLinkAdd, symptom.EOPNOTSUPP},
	}
	for _, c := range cases {
		g := NewGrouper("test", Filter{})
		for _, e := range c.evs {
			g.Add(e)
		}
		fs := g.Flush(time.Unix(2000, 0), true)
		if len(fs) != 1 {
			t.Errorf("%s: %d findings", c.name, len(fs))
			continue
		}
		s := fs[0].Symptom
		if s.Operation != c.op || s.Errno != c.errno || s.PID != 1 || !s.Recognised {
			t.Errorf("%s: symptom %+v (want op %q errno %s)", c.name, s, c.op, c.errno)
		}
	}
}

// The failing process's command line names the objects the kernel's error
// does not: a route refused with "Nexthop has invalid gateway" is diagnosed
// with its device and gateway (without them link-state was ruled out for a
// route over a link that was down).
func TestSymptomReadsCommandLine(t *testing.T) {
	g := NewGrouper("test", Filter{})
	g.Add(ev(1, 0, watch.KindExtAck, func(e *watch.Event) {
		e.Msg = "Nexthop has invalid gateway"
		e.Proc.Gone, e.Proc.Cmdline = false, "ip route add 10.3.0.0/24 via 10.9.0.2 dev d1"
	}))
	g.Add(ev(1, time.Millisecond, watch.KindNetlinkErr, func(e *watch.Event) {
		e.MsgType, e.ReqLen, e.Errno, e.ReqFlags = 24, 60, 101, 0x600
		e.Proc.Gone, e.Proc.Cmdline = false, "ip route add 10.3.0.0/24 via 10.9.0.2 dev d1"
	}))
	fs := g.Flush(time.Unix(2000, 0), true)
	if len(fs) != 1 {
		t.Fatalf("%d findings", len(fs))
	}
	s := fs[0].Symptom
	if s.Operation != symptom.OpRouteAdd || s.Errno != symptom.ENETUNREACH || s.Device != "d1" || s.Gateway != "10.9.0.2" || s.Route != "10.3.0.0/24" {
		t.Errorf("symptom %+v: want route add ENETUNREACH, device d1, gateway 10.9.0.2, route 10.3.0.0/24", s)
	}
	if s.Command == "" {
		t.Error("the command line is not kept")
	}
}

func TestFilter(t *testing.T) {
	e := ev(50, 0, watch.KindCap, func(e *watch.Event) {
		e.Proc.Ancestors = []int{40, 1}
		e.Proc.Cgroup = "/system.slice/docker-3f2a9c1b7d4e5f60718293a4b5c6d7e8f90123456789abcdef0123456789abcd.scope"
		e.Proc.ParentComm = "dockerd"
	})
	for _, c := range []struct {
		f    Filter
		want bool
	}{
		{Filter{}, true}, {Filter{PID: 40}, true}, {Filter{PID: 41}, false}, {Filter{Comm: "dockerd"}, true},
		{Filter{Comm: "nm"}, false}, {Filter{Cgroup: "3f2a9c1b7d4e"}, true}, {Filter{Cgroup: "kubepods"}, false},
	} {
		if got := c.f.Match(e); got != c.want {
			t.Errorf("%+v.Match = %v, want %v", c.f, got, c.want)
		}
	}
}
