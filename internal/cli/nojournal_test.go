package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/cli"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testtmux"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"github.com/rtnl-doctor/rtnl-doctor/ui"
)

// `fix NAME` opened (and so created) the journal before it knew whether
// the fix exists or can be applied here: an unknown fix, or a captured
// tree's fix (instructions only), created the journal directory — without
// --journal, /var/lib/rtnl-doctor on the host, from a test. Now only a fix
// rtnl-doctor will apply opens it.
func TestFixThatAppliesNothingCreatesNoJournal(t *testing.T) {
	r := root(t, "fd-exhaustion")
	j := filepath.Join(t.TempDir(), "never")
	symptom := "Cannot open netlink socket: Too many open files in system"
	if code, _, errs := runCLI(t, "fix", "no-such/fix", "--root", r, "--journal", j, "--symptom", symptom); code != 2 || !strings.Contains(errs, "--list") {
		t.Fatalf("unknown fix: %d %s", code, errs)
	}
	if _, err := os.Stat(j); !os.IsNotExist(err) {
		t.Fatalf("an unknown fix created the journal %s: %v", j, err)
	}
	code, out, errs := runCLI(t, "fix", "fd-exhaustion/raise-file-max", "--root", r, "--journal", j, "--symptom", symptom)
	if code != 1 || !strings.Contains(out, "captured tree") {
		t.Fatalf("offline fix: %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(j); !os.IsNotExist(err) {
		t.Fatalf("a captured tree's fix (instructions only) created the journal %s: %v", j, err)
	}
}

// The dashboard creates no journal by being opened (review finding: `go
// run . --symptom …` made /var/lib/rtnl-doctor/{journal.jsonl,lock} at
// start-up with nothing applied). Its start-up (DashboardEnv: the journal
// opened for applying, interrupted applies reconciled), then the dashboard
// itself gathering, diagnosing and answering keys that apply, verify and
// undo nothing, leave a journal directory that did not exist absent, and
// an empty one empty.
func TestDashboardStartCreatesNoJournal(t *testing.T) {
	r := root(t, "fd-exhaustion")
	symptom := "Cannot open netlink socket: Too many open files in system"
	missing := filepath.Join(t.TempDir(), "state", "rtnl-doctor")
	empty := t.TempDir()
	for _, dir := range []string{missing, empty} {
		var errb bytes.Buffer
		env, code := cli.DashboardEnv(context.Background(), dir, false, false, &errb)
		if code != 0 || env.Journal == nil || env.ReadOnly || errb.Len() > 0 {
			t.Fatalf("dashboard start with the journal %s: exit %d, env %+v: %s", dir, code, env, errb.String())
		}
		m := ui.New(ui.Options{Target: probes.Target{Root: r}, Symptom: symptom, Env: env, NoPoll: true})
		drive(m, m.Init(), 0)
		drive(m, func() tea.Msg { return tea.WindowSizeMsg{Width: 120, Height: 40} }, 0)
		for _, k := range []string{"f", "v", "u", "e", "t", "r", "2", "3", "q"} {
			_, cmd := m.Update(keyPress(k))
			drive(m, cmd, 0)
		}
		if !strings.Contains(m.View().Content, "fd-exhaustion") {
			t.Fatalf("the dashboard did not diagnose:\n%s", m.View().Content)
		}
		env.Journal.Close()
		if dir == missing {
			if _, err := os.Lstat(filepath.Dir(missing)); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("the dashboard made the journal directory %s: %v", filepath.Dir(missing), err)
			}
		} else if ents, _ := os.ReadDir(empty); len(ents) != 0 {
			t.Fatalf("the dashboard made files in the journal directory: %v", ents)
		}
	}
}

// keyPress is a key as the terminal sends it.
func keyPress(k string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: []rune(k)[0], Text: k} }

// drive runs a command and hands what it returns to the model, as the
// program would (quitting ends it; a tick would wait, and none is asked
// for without polling).
func drive(m tea.Model, cmd tea.Cmd, depth int) {
	if cmd == nil || depth > 8 {
		return
	}
	switch msg := cmd().(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			drive(m, c, depth+1)
		}
	default:
		_, next := m.Update(msg)
		drive(m, next, depth+1)
	}
}

// The real dashboard, started in a terminal (tmux) on the live system and
// quit, made no journal.
func TestDashboardBinaryCreatesNoJournal(t *testing.T) {
	tmuxBin, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed")
	}
	bin := binary(t)
	j := filepath.Join(t.TempDir(), "state", "rtnl-doctor")
	sock := testtmux.Socket(t, tmuxBin)
	tm := func(a ...string) string {
		o, _ := exec.Command(tmuxBin, append([]string{"-S", sock}, a...)...).CombinedOutput()
		return strings.TrimSpace(string(o))
	}
	tm("new-session", "-d", "-s", "j", "-x", "80", "-y", "24", bin, "--symptom", "RTNETLINK answers: File exists", "--no-watch", "--interval", "1h", "--journal", j)
	tm("set-option", "-t", "j", "remain-on-exit", "on")
	wait := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; screen:\n%s", what, tm("capture-pane", "-p", "-t", "j"))
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	wait("the diagnosis", func() bool { return strings.Contains(tm("capture-pane", "-p", "-t", "j"), "cause 1/") })
	tm("send-keys", "-t", "j", "q")
	wait("the program to end", func() bool { return tm("display-message", "-p", "-t", "j", "#{pane_dead}") == "1" })
	if _, err := os.Lstat(filepath.Dir(j)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the dashboard made the journal directory %s: %v", filepath.Dir(j), err)
	}
}

// Listing and previewing fixes, and listing, previewing or asking to undo
// with no journal, create none.
func TestFixAndUndoWithoutJournalCreateNone(t *testing.T) {
	r := root(t, "fd-exhaustion")
	j := filepath.Join(t.TempDir(), "state", "rtnl-doctor")
	symptom := "Cannot open netlink socket: Too many open files in system"
	for _, args := range [][]string{
		{"fix", "--list", "--root", r, "--symptom", symptom},
		{"fix", "fd-exhaustion/raise-file-max", "--dry-run", "--root", r, "--symptom", symptom},
		{"fix", "--list", "--symptom", "RTNETLINK answers: File exists"},
		{"undo", "--list"},
		{"undo", "--dry-run"},
		{"undo"},
		{"undo", "20260101-000000-aaaaaa"},
	} {
		code, out, errs := runCLI(t, append(args, "--journal", j)...)
		if code > 1 {
			t.Errorf("%q: exit %d\n%s%s", args, code, out, errs)
		}
		if _, err := os.Lstat(filepath.Dir(j)); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("%q made the journal directory %s: %v", args, filepath.Dir(j), err)
		}
	}
}
