package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
)

// TestTrafficIsConfirmedTwice: a fix whose preview says it cuts traffic
// (a link UP with addresses carrying the default route) shows that and
// needs a second y, after a second grace period (issue 10, finding 5).
func TestTrafficIsConfirmedTwice(t *testing.T) {
	now := clock
	m := newTestModel(t, fixtureFacts(t), veth0Exists, 100, 40)
	m.opt.Now = func() time.Time { return now }
	m.opt.Env = &fix.ActionEnv{DryRun: true}
	fx := fix.Fix{ID: "name-conflict/delete-stale", Title: "Delete the leftover veth veth0", Command: "ip link del dev veth0",
		Action: &fix.Action{Kind: "link-delete", Params: map[string]string{"name": "veth0"}}}
	feed(m, previewMsg{fix: fx, cause: "name-conflict", preview: fix.Preview{Changes: []string{"veth0 (veth): exists → deleted"},
		Traffic: "it is UP; the default route goes through it"}})
	if !strings.Contains(ansi.Strip(content(m)), "Carries traffic now: it is UP; the default route goes through it") {
		t.Fatalf("the confirmation does not say it cuts traffic:\n%s", ansi.Strip(content(m)))
	}
	now = now.Add(confirmGrace + time.Millisecond)
	press(m, "y")
	if m.dialog != dialogConfirm || m.confirm == nil || !m.confirm.again {
		t.Fatalf("one y applied a change that cuts traffic: dialog %v status %q", m.dialog, m.status)
	}
	if !strings.Contains(ansi.Strip(content(m)), "press y again") {
		t.Fatalf("the second question is not shown:\n%s", ansi.Strip(content(m)))
	}
	press(m, "y") // held key: inside the second grace period
	if m.dialog != dialogConfirm {
		t.Fatal("a key inside the second grace period confirmed")
	}
	now = now.Add(confirmGrace + time.Millisecond)
	press(m, "y")
	if m.dialog != dialogNone || !strings.Contains(m.status, "applying") && !strings.Contains(m.status, "dry run") {
		t.Fatalf("the second y did not apply: dialog %v status %q", m.dialog, m.status)
	}
}
