package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/watch"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

// A finding caught live shows in the Live pane, newest first, and counts in
// the header; enter opens its walk-through with its symptom.
func TestLivePane(t *testing.T) {
	f := fixtureFacts(t)
	m := newTestModel(t, f, "", 120, 30)
	ch := make(chan *live.Finding, 2)
	m.opt.Live, m.opt.LiveInfo = ch, "Live via tracefs"
	g := live.NewGrouper("tracefs", live.Filter{})
	at := time.Unix(1000, 0)
	for i, msg := range []string{"Unknown device type", "Device for nexthop is not up"} {
		g.Add(watch.Event{Time: at.Add(time.Duration(i) * time.Second), Kind: watch.KindExtAck, TID: 100 + i, PID: 100 + i, Comm: "ip", Msg: msg,
			Proc: watch.Process{PID: 100 + i, Comm: "ip", Gone: true, Cgroup: "/system.slice/docker.service"}})
	}
	for _, fd := range g.Flush(at.Add(time.Hour), true) {
		m.Update(liveMsg{f: fd})
	}
	m.Update(tea.KeyPressMsg{Code: '8', Text: "8"})
	if _, live := paneOf[*livePane](m); m.pane != live {
		t.Fatalf("pane %d after 8", m.pane)
	}
	v := m.View().Content
	if !strings.Contains(v, "2 failures caught") {
		t.Errorf("header lacks the count:\n%s", v)
	}
	first, second := strings.Index(v, "Device for"), strings.Index(v, "Unknown dev")
	if first < 0 || second < 0 || first > second {
		t.Errorf("findings not newest first:\n%s", v)
	}
	if !strings.Contains(v, "unit docker.service") {
		t.Errorf("no unit named:\n%s", v)
	}
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	if cmd == nil {
		t.Fatal("enter on a finding did nothing")
	}
	m.Update(cmd())
	if m.pane != paneTroubleshoot || m.symptom.Errno != symptom.ENETDOWN || m.symptom.ExtAck == "" {
		t.Errorf("after enter: pane %d, symptom %+v", m.pane, m.symptom)
	}
	if !strings.Contains(m.status, "has exited") {
		t.Errorf("status does not say what is examined: %q", m.status)
	}
}
