package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
)

// The Modules detail shows each evidence line on its own line, not joined
// by a sanitised "\x0a".
func TestModulesDetailLines(t *testing.T) {
	f := fixtureFacts(t)
	if len(f.Modules.Kinds) == 0 {
		t.Fatal("the fixture has no link kinds")
	}
	i := len(f.Modules.Kinds) - 1
	f.Modules.Kinds[i].Evidence = append(f.Modules.Kinds[i].Evidence, "a second line of evidence")
	m := newTestModel(t, f, "", 100, 30)
	press(m, "4")
	for range i {
		press(m, "down")
	}
	press(m, "enter")
	if m.dialog != dialogDetail {
		t.Fatalf("no detail: %v", m.dialog)
	}
	if strings.Contains(m.detail, `\x0a`) {
		t.Fatalf("detail shows an escaped newline:\n%s", m.detail)
	}
	for _, e := range f.Modules.Kinds[i].Evidence {
		if !strings.Contains(m.detail, "\n"+e) {
			t.Errorf("detail lacks the line %q:\n%s", e, m.detail)
		}
	}
}

// plainMarkdown drops emphasis, not every star: "net.*" in a code span or
// "a * b" stay as written.
func TestPlainMarkdownStars(t *testing.T) {
	for in, want := range map[string]string{
		"the *effective* set":            "the effective set",
		"**Bounding** limits":            "Bounding limits",
		"`net.*` sysctls":                "net.* sysctls",
		"a * b and c*":                   "a * b and c*",
		"`*` alone, *then* emphasis":     "* alone, then emphasis",
		"line one\nline *two*\n\npara 2": "line one line two\n\npara 2",
	} {
		if got := plainMarkdown(in); got != want {
			t.Errorf("plainMarkdown(%q) = %q, want %q", in, got, want)
		}
	}
}

// --interval 1ns would busy-loop the probes: it is clamped, and the status
// line says so.
func TestIntervalClamped(t *testing.T) {
	m := New(Options{Interval: time.Nanosecond, NoPoll: true, Env: &fix.ActionEnv{ReadOnly: true}})
	if m.interval != MinInterval {
		t.Fatalf("interval = %s, want %s", m.interval, MinInterval)
	}
	if !strings.Contains(m.status, "1ns is too short") || !strings.Contains(m.status, MinInterval.String()) {
		t.Fatalf("status = %q", m.status)
	}
	if m := New(Options{Interval: 3 * time.Second, NoPoll: true}); m.interval != 3*time.Second || m.status != "" {
		t.Fatalf("a normal interval changed: %s %q", m.interval, m.status)
	}
}

// A WARN cause without fixes is not "none needed": only a ruled-out (OK)
// cause needs none.
func TestNoFixesWording(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), "", 100, 30)
	c := &diagnose.Cause{ID: "t/warn", Checks: "a test"}
	for st, want := range map[diagnose.Status]string{diagnose.Warn: "a warning", diagnose.OK: "none needed", diagnose.Unknown: "missing", diagnose.Fail: "none that"} {
		r := &diagnose.Result{Cause: c, ID: c.ID, Title: "test", Verdict: diagnose.Verdict{Status: st}}
		out := m.causeDetail(r, 100)
		if !strings.Contains(out, want) || st != diagnose.OK && strings.Contains(out, "none needed") {
			t.Errorf("%s: %q", st, out)
		}
	}
}

// A cause ruled out after this session's fix for it says so, with the key
// that undoes it (review finding: it read "none needed: ruled out").
func TestNoFixesAfterThisSessionsFix(t *testing.T) {
	m := newTestModel(t, fixtureFacts(t), "", 100, 30)
	c := &diagnose.Cause{ID: "mtu", Checks: "a test"}
	r := &diagnose.Result{Cause: c, ID: c.ID, Title: "test", Verdict: diagnose.Verdict{Status: diagnose.OK}}
	m.lastFix, m.lastEntry = "20261202-090000-abcdef", fix.Entry{ID: "20261202-090000-abcdef", Fix: "mtu/raise-lower"}
	if out := m.causeDetail(r, 100); !strings.Contains(out, "ruled out since this session's fix mtu/raise-lower") || !strings.Contains(out, "u undoes it") {
		t.Errorf("%q", out)
	}
	m.lastEntry.Fix = "sysctl/ipv6"
	if out := m.causeDetail(r, 100); !strings.Contains(out, "none needed: ruled out") {
		t.Errorf("another cause's fix: %q", out)
	}
}

// A word that fits on a line is not cut at its hyphens; a longer one still is.
func TestWrapKeepsHyphenatedWords(t *testing.T) {
	got := wrap("Let the unit systemd-networkd.service run without a namespace", 30)
	for _, l := range strings.Split(got, "\n") {
		if strings.HasSuffix(l, "-") {
			t.Fatalf("cut at a hyphen:\n%s", got)
		}
	}
	if !strings.Contains(got, "systemd-networkd.service") {
		t.Fatalf("word lost:\n%s", got)
	}
	long := wrap("aaaa-bbbb-cccc-dddd-eeee", 10)
	if strings.Count(long, "\n") < 2 || strings.ReplaceAll(long, "\n", "") != "aaaa-bbbb-cccc-dddd-eeee" {
		t.Fatalf("long word: %q", long)
	}
}

// ctrl+c quits from everywhere the ? overlay says: the panes, the help
// overlay, the paste box and a confirmation.
func TestCtrlCQuitsEverywhere(t *testing.T) {
	for _, open := range [][]string{nil, {"?"}, {"s"}} {
		m := newTestModel(t, fixtureFacts(t), "", 120, 36)
		press(m, open...)
		_, cmd := m.Update(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
		if cmd == nil {
			t.Fatalf("after %v: ctrl+c gave no command", open)
		}
		if _, ok := cmd().(tea.QuitMsg); !ok {
			t.Fatalf("after %v: ctrl+c did not quit", open)
		}
	}
}
