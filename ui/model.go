// Package ui is the dashboard: a Bubble Tea program that renders the facts
// and the diagnosis, and sends the model commands. All I/O runs in commands
// (cmds.go); Update only changes state.
package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/model/diagnose"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/model/live"
	"github.com/rtnl-doctor/rtnl-doctor/model/reproduce"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// dialog is what takes the keyboard before the panes.
type dialog int

const (
	dialogNone dialog = iota
	dialogSymptom
	dialogConfirm
	dialogHelp
	dialogDetail
)

// confirmGrace is how long a confirmation ignores keys after it opens, so
// type-ahead cannot confirm a fix by accident.
const confirmGrace = 400 * time.Millisecond

// Minimum size; below it the dashboard says so instead of drawing.
const minWidth, minHeight = 60, 16

// Options configure the dashboard.
type Options struct {
	Target   probes.Target
	Symptom  string
	Interval time.Duration
	ReadOnly bool
	DryRun   bool
	Env      *fix.ActionEnv
	// Gather reads facts; nil means probes.Gather.
	Gather Gatherer
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
	// NoPoll stops the periodic refresh (tests drive updates by hand).
	NoPoll bool
	// Live delivers the findings of a watcher (rtnl-doctor watch) for the
	// Live pane; LiveInfo says which back end, or why there is none.
	Live     <-chan *live.Finding
	LiveInfo string
	// AutoReproduce retries a pasted link or tun creation in a throwaway
	// network namespace as soon as the facts allow it (the t key does it
	// by hand).
	AutoReproduce bool
}

// Model is the root model: it owns the facts, the diagnosis and the
// state of every pane and dialog.
type Model struct {
	opt    Options
	keys   KeyMap
	styles Styles
	help   help.Model

	width, height int
	pane          pane

	facts   *probes.Facts
	diag    *diagnose.Diagnosis
	symptom symptom.Symptom
	repro   *reproduce.Reproduction
	// reproPending: a new symptom waits for facts to be reproduced.
	reproPending bool
	diagGen      int // bumps with each new fact set or symptom
	// byHand: fix ID → why rtnl-doctor cannot apply it, decided in the
	// diagnosis command (CanApply reads the system).
	byHand map[string]string

	interval    time.Duration
	tickGen     int
	polls       int
	gathering   bool
	lastRefresh time.Time

	status    string
	statusErr bool

	// walk-through
	step      int
	fixSel    int
	detailTop int
	lastFix   string    // journal id of the last fix applied in this session
	lastEntry fix.Entry // its journal entry (undone: cleared)
	// appliedSymptom is the symptom lastFix was applied for.
	appliedSymptom string
	verifyOf       string // cause being verified
	// plan is the next step of the plan whose step was just applied (a
	// link brought up, then the route added): previewed once that step
	// is verified; planCause is its cause.
	plan      *fix.Fix
	planCause string
	// toTop makes the next diagnosis open on its first cause (a new
	// symptom), instead of staying on the cause shown.
	toTop bool

	// panes is every pane, in tab order (from paneRegistry).
	panes []paneSpec

	dialog    dialog
	input     textarea.Model
	confirm   *confirmState
	detail    string // text of the detail dialog
	detailOff int
	helpOff   int // first line of the ? overlay shown

	cache renderCache
}

type confirmState struct {
	// undo, when set, asks to undo this journal entry instead of applying
	// fix.
	undo     *fix.Entry
	fix      fix.Fix
	cause    string
	preview  fix.Preview
	openedAt time.Time
	// again: the first y was given for a change that cuts traffic
	// (preview.Traffic); a second y applies it.
	again bool
}

// New builds the dashboard.
func New(o Options) *Model {
	if o.Gather == nil {
		o.Gather = probes.Gather
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	var clamped time.Duration
	switch {
	case o.Interval <= 0:
		o.Interval = 2 * time.Second
	case o.Interval < MinInterval:
		clamped, o.Interval = o.Interval, MinInterval // a shorter one would only busy-loop the probes
	}
	km := DefaultKeys()
	in := textarea.New()
	in.Placeholder = "Paste what failed: the command and its output, or a log line. " + name(km.SubmitBlank) + " or " + name(km.Submit) + " to diagnose."
	in.ShowLineNumbers = false
	in.CharLimit = 64 << 10
	m := &Model{opt: o, keys: km, styles: NewStyles(true) /* dark until the terminal says (BackgroundColorMsg) */, help: help.New(), input: in, interval: o.Interval, panes: newPanes()}
	m.help.Styles = help.DefaultStyles(true)
	if o.Symptom != "" {
		m.symptom = symptom.ParseSymptom(o.Symptom)
		m.pane = paneTroubleshoot
		m.reproPending = o.AutoReproduce && !o.ReadOnly && !o.DryRun
	}
	if clamped > 0 {
		m.setStatus(false, "--interval %s is too short: polling every %s", clamped, MinInterval)
	}
	return m
}

// Init starts the first gather, the poll and asks for the background.
func (m *Model) Init() tea.Cmd {
	m.gathering = true
	cmds := []tea.Cmd{tea.RequestBackgroundColor}
	if r := m.opt.Target.Root; !m.opt.NoPoll && (r == "" || r == "/") {
		// Subscribe first; the first gather then reads the links from the
		// watcher's dump instead of dumping them a second time.
		cmds = append(cmds, watchCmd(m.opt.Target), tickCmd(m.interval, m.tickGen))
	} else {
		cmds = append(cmds, gatherCmd(m.opt.Gather, m.opt.Target, m.symptom, true))
		if !m.opt.NoPoll {
			cmds = append(cmds, tickCmd(m.interval, m.tickGen))
		}
	}
	if m.opt.Live != nil {
		cmds = append(cmds, waitLiveCmd(m.opt.Live))
	}
	return tea.Batch(cmds...)
}

func (m *Model) setStatus(err bool, format string, args ...any) {
	m.status, m.statusErr = sanitize.Line(fmt.Sprintf(format, args...)), err
	m.cache.invalidate()
}

// Update handles one message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if cmd, ok := m.updateLive(msg); ok {
		return m, cmd
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		// The paste box fills the symptom dialog's content exactly: wider,
		// the dialog would wrap each of its lines again, without the prompt.
		m.input.SetWidth(m.dialogInner())
		m.input.SetHeight(max(3, min(10, m.height-10)))
		m.help.SetWidth(m.width)
		m.cache.invalidate()
		return m, nil
	case tea.BackgroundColorMsg:
		m.styles = NewStyles(msg.IsDark())
		m.help.Styles = help.DefaultStyles(msg.IsDark())
		m.cache.invalidate()
		return m, nil
	case tickMsg:
		if msg.gen != m.tickGen || m.opt.NoPoll {
			return m, nil
		}
		m.polls++
		cmds := []tea.Cmd{tickCmd(m.interval, m.tickGen)}
		if !m.gathering {
			m.gathering = true
			cmds = append(cmds, gatherCmd(m.opt.Gather, m.opt.Target, m.symptom, m.polls%slowEvery == 0))
		}
		return m, tea.Batch(cmds...)
	case watcherMsg:
		if msg.err == nil {
			m.opt.Target.Watcher = msg.w
		}
		return m, gatherCmd(m.opt.Gather, m.opt.Target, m.symptom, true)
	case factsMsg:
		m.gathering = false
		m.facts = m.facts.Merge(msg.facts)
		m.lastRefresh = m.opt.Now()
		m.diagGen++
		m.cache.invalidateData()
		return m, tea.Batch(diagnoseCmd(m.opt.Env, m.facts, m.symptom, m.repro, m.diagGen), m.autoReproduce())
	case diagMsg:
		if msg.gen != m.diagGen {
			return m, nil // facts or symptom changed since: a newer one is coming
		}
		m.byHand = msg.byHand
		m.setDiag(msg.diag)
		return m, nil
	case previewMsg:
		if m.dialog != dialogNone {
			// Another dialog opened meanwhile: never swap it for this one.
			m.setStatus(true, "%s was not applied: another dialog was open (press %s again)", msg.fix.ID, name(m.keys.Apply))
			return m, nil
		}
		if msg.err != nil {
			m.setStatus(true, "cannot preview %s: %v (nothing was changed)", msg.fix.ID, msg.err)
			return m, nil
		}
		m.confirm = &confirmState{fix: msg.fix, cause: msg.cause, preview: msg.preview, openedAt: m.opt.Now()}
		m.dialog = dialogConfirm
		m.status = "" // the preview is done: the dialog shows it
		m.cache.invalidate()
		// Redraw when the grace period ends, to show the keys.
		return m, tea.Tick(confirmGrace, func(time.Time) tea.Msg { return graceMsg{} })
	case graceMsg:
		m.cache.invalidate()
		return m, nil
	case appliedMsg:
		return m, m.afterApply(msg.fix, msg.cause, msg.entry, msg.err)
	case editDoneMsg:
		return m, m.afterApply(msg.fix, msg.cause, msg.entry, msg.err)
	case verifiedMsg:
		m.verifyOf = ""
		r := msg.result
		if r.Status == diagnose.OK {
			if step := m.plan; step != nil && m.planCause == r.ID {
				// The plan continues: preview its next step.
				m.plan = nil
				m.setStatus(false, "✓ verified: %s is now ok (%s). Next step of this plan: %s", r.ID, first(r.Evidence), step.Title)
				return m, tea.Batch(m.refreshAll(), previewCmd(m.opt.Env, *step, r.ID))
			}
			next := ""
			if r.Cause != nil && r.Cause.Next != "" {
				next = " Next: " + r.Cause.Next
			}
			m.setStatus(false, "✓ verified: %s is now ok (%s).%s", r.ID, first(r.Evidence), next)
		} else {
			stopped := ""
			if m.plan != nil {
				stopped = " (the plan stops here: " + m.plan.Title + " waits until this is ok)"
			}
			m.plan = nil
			m.setStatus(true, "%s %s is still %s: %s%s", r.Status.Symbol(), r.ID, r.Status, first(r.Evidence), stopped)
		}
		return m, m.refreshAll()
	case undoneMsg:
		if msg.err != nil {
			m.setStatus(true, "undo: %v", msg.err)
			return m, nil
		}
		m.lastFix, m.lastEntry = "", fix.Entry{}
		m.setStatus(false, "↶ undone: %s (%s)%s", msg.entry.Title, msg.entry.ID, suffix(msg.entry.Note))
		return m, m.refreshAll()
	case reproMsg:
		if msg.symptom != m.symptom.Raw {
			return m, nil // it was for a symptom since replaced
		}
		m.repro = msg.repro
		if rp := msg.repro; rp.Ran {
			m.setStatus(false, "reproduced in a throwaway namespace: the kernel answered %s (details under the fixes)", rp.Message())
		} else {
			m.setStatus(true, "reproduction: %s", rp.Conclusion)
		}
		m.diagGen++
		return m, diagnoseCmd(m.opt.Env, m.facts, m.symptom, m.repro, m.diagGen)
	case statusMsg:
		m.setStatus(msg.err, "%s", msg.text)
		return m, nil
	case tea.PasteMsg:
		if m.dialog == dialogNone {
			m.openSymptom()
		}
		return m, m.updateInput(msg)
	case tea.KeyPressMsg:
		return m, m.key(msg)
	}
	return m, m.updateInput(msg)
}

// updateInput hands a message to the symptom input while it is open.
func (m *Model) updateInput(msg tea.Msg) tea.Cmd {
	if m.dialog != dialogSymptom {
		return nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	m.cache.invalidate()
	return cmd
}

func first(ev []string) string {
	if len(ev) == 0 {
		return ""
	}
	return ev[0]
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// setDiag installs a diagnosis, keeping the walk-through on the same cause.
func (m *Model) setDiag(d *diagnose.Diagnosis) {
	cur := ""
	if m.diag != nil && m.step < len(m.diag.Results) && !m.toTop {
		cur = m.diag.Results[m.step].ID
	}
	m.toTop = false
	m.diag = d
	m.step = 0
	for i, r := range d.Results {
		if r.ID == cur {
			m.step = i
		}
	}
	if m.fixSel >= len(m.currentFixes()) {
		m.fixSel = 0
	}
	m.cache.invalidateData()
}

func (m *Model) refreshAll() tea.Cmd {
	if m.gathering {
		return nil
	}
	m.gathering = true
	return gatherCmd(m.opt.Gather, m.opt.Target, m.symptom, true)
}

// afterApply reports an applied fix and starts its verification.
func (m *Model) afterApply(f fix.Fix, cause string, e fix.Entry, err error) tea.Cmd {
	if err != nil {
		if err == fix.ErrDryRun {
			m.setStatus(false, "dry run: %s was not applied", f.ID)
			return nil
		}
		m.setStatus(true, "✗ %s failed: %v (%s)", f.ID, err, orText(e.Note, "journal "+e.ID))
		if e.Phase == fix.PhasePartial { // saved, reload failed: u undoes it
			m.lastFix, m.lastEntry, m.appliedSymptom = e.ID, e, m.symptom.Raw
		}
		return nil
	}
	m.lastFix, m.lastEntry, m.appliedSymptom = e.ID, e, m.symptom.Raw
	m.plan, m.planCause = f.Then, cause
	m.setStatus(false, "applied %s (journal %s): verifying…", f.ID, e.ID)
	k := diagnose.CauseByID(cause)
	if k == nil {
		return nil
	}
	m.verifyOf = cause
	return verifyCmd(m.opt.Env, m.opt.Target, k, m.symptom, m.appliedFor(cause))
}

// autoReproduce starts the reproduction a new symptom waits for, once the
// facts say whether it can run (the host group: privileges).
func (m *Model) autoReproduce() tea.Cmd {
	if !m.reproPending || m.facts == nil || !slices.Contains(m.facts.Gathered, probes.GroupHost) {
		return nil
	}
	m.reproPending = false
	if !reproduce.CanReproduce(m.symptom, m.facts) {
		return nil
	}
	m.setStatus(false, "reproducing in a throwaway network namespace…")
	return reproCmd(m.symptom)
}

// appliedFor is this session's last applied fix when it belongs to cause
// and was applied for the symptom shown now.
func (m *Model) appliedFor(cause string) *fix.Entry {
	if m.lastFix == "" || m.appliedSymptom != m.symptom.Raw || !strings.HasPrefix(m.lastEntry.Fix, cause+"/") {
		return nil
	}
	e := m.lastEntry
	return &e
}

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

// currentResult is the cause the walk-through shows.
func (m *Model) currentResult() *diagnose.Result {
	if m.diag == nil || len(m.diag.Results) == 0 {
		return nil
	}
	if m.step >= len(m.diag.Results) {
		m.step = len(m.diag.Results) - 1
	}
	return &m.diag.Results[m.step]
}

func (m *Model) currentFixes() []fix.Fix {
	if r := m.currentResult(); r != nil {
		return r.Fixes
	}
	return nil
}

func (m *Model) openSymptom() {
	m.dialog = dialogSymptom
	// Always empty: a paste replaces the symptom, it never appends to it.
	m.input.Reset()
	m.input.Focus()
	m.cache.invalidate()
}

// submitSymptom parses the pasted text and re-diagnoses.
func (m *Model) submitSymptom() tea.Cmd {
	text := strings.TrimSpace(m.input.Value())
	m.input.Blur()
	m.dialog = dialogNone
	m.symptom = symptom.ParseSymptom(text)
	m.repro = nil
	m.reproPending = m.opt.AutoReproduce && !m.opt.ReadOnly && !m.opt.DryRun
	// The symptom's session-fix link ends here: v verifies against the new
	// symptom, not the fix applied for the old one (u still undoes it).
	m.appliedSymptom = ""
	m.pane = paneTroubleshoot
	m.step, m.fixSel, m.detailTop = 0, 0, 0
	m.toTop = true
	m.diagGen++
	if !m.symptom.Recognised && text != "" {
		m.setStatus(true, "the text matches no known error form: showing the health check of every cause")
	} else {
		m.setStatus(false, "symptom: %s", m.symptom.SymptomLine())
	}
	// New interfaces may need their sysctls: gather again, then diagnose.
	cmds := []tea.Cmd{}
	if m.facts != nil {
		cmds = append(cmds, diagnoseCmd(m.opt.Env, m.facts, m.symptom, m.repro, m.diagGen))
	}
	if c := m.refreshAll(); c != nil {
		cmds = append(cmds, c)
	}
	return tea.Batch(append(cmds, m.autoReproduce())...)
}

// key handles a key press: dialogs first, then global keys, then the pane.
func (m *Model) key(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	if m.tooSmall() {
		// Nothing is visible to act on: only quitting works.
		if key.Matches(msg, k.Quit) {
			return m.quit()
		}
		return nil
	}
	if key.Matches(msg, k.Interrupt) {
		// ctrl+c quits from everywhere, dialogs and the filter included,
		// as the ? overlay says (nothing is applied on the way out).
		return m.quit()
	}
	switch m.dialog {
	case dialogSymptom:
		switch {
		case key.Matches(msg, k.Back):
			m.input.Blur()
			m.dialog = dialogNone
			m.cache.invalidate()
			return nil
		case key.Matches(msg, k.Submit):
			return m.submitSymptom()
		case key.Matches(msg, k.SubmitBlank):
			// Enter on an empty last line submits (a paste keeps its newlines).
			v := m.input.Value()
			if strings.TrimSpace(v) != "" && strings.HasSuffix(v, "\n") {
				return m.submitSymptom()
			}
		}
		return m.updateInput(msg)
	case dialogConfirm:
		if m.opt.Now().Sub(m.confirm.openedAt) < confirmGrace {
			return nil // type-ahead guard
		}
		switch {
		case key.Matches(msg, k.Confirm) && m.confirm.undo == nil && m.confirm.preview.Traffic != "" && !m.confirm.again:
			// A change that cuts traffic is confirmed twice, with a new
			// grace period so one held key cannot confirm both.
			m.confirm.again, m.confirm.openedAt = true, m.opt.Now()
			m.cache.invalidate()
			return tea.Tick(confirmGrace, func(time.Time) tea.Msg { return graceMsg{} })
		case key.Matches(msg, k.Confirm):
			c := m.confirm
			m.confirm, m.dialog = nil, dialogNone
			if c.undo != nil {
				m.setStatus(false, "undoing %s…", c.undo.ID)
				return undoCmd(m.opt.Env, c.undo.ID)
			}
			m.setStatus(false, "applying %s…", c.fix.ID)
			if c.fix.Action != nil && c.fix.Action.Kind == "edit" {
				return editCmd(m.opt.Env, c.fix, c.cause, c.fix.Action.Params["path"], atoi(c.fix.Action.Params["line"]))
			}
			return applyCmd(m.opt.Env, c.fix, c.cause, c.preview)
		case key.Matches(msg, k.Cancel), key.Matches(msg, k.Quit):
			if m.confirm.undo != nil {
				m.setStatus(false, "not undone")
			} else {
				m.setStatus(false, "not applied")
			}
			m.confirm, m.dialog = nil, dialogNone
		}
		return nil
	case dialogHelp:
		// The overlay scrolls when the window is small; any other key closes it.
		switch {
		case key.Matches(msg, k.Down):
			m.helpOff++
		case key.Matches(msg, k.Up):
			m.helpOff--
		case key.Matches(msg, k.PageDown):
			m.helpOff += m.helpRoom()
		case key.Matches(msg, k.PageUp):
			m.helpOff -= m.helpRoom()
		default:
			m.dialog = dialogNone
		}
		m.helpOff = max(0, min(m.helpOff, len(m.helpLines())-m.helpRoom()))
		m.cache.invalidate()
		return nil
	case dialogDetail:
		switch {
		case key.Matches(msg, k.Down):
			m.detailOff++
		case key.Matches(msg, k.Up):
			m.detailOff = max(0, m.detailOff-1)
		case key.Matches(msg, k.PageDown):
			m.detailOff += m.bodyHeight() - 4
		case key.Matches(msg, k.PageUp):
			m.detailOff = max(0, m.detailOff-(m.bodyHeight()-4))
		case key.Matches(msg, k.Interrupt):
			return m.quit()
		default:
			m.dialog = dialogNone
		}
		m.clampDetailOff()
		m.cache.invalidate()
		return nil
	}
	if t, ok := m.current().(tabled); ok && t.table().filtering {
		return m.paneKey(msg) // the filter takes every key while it is typed
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.dialog, m.helpOff = dialogHelp, 0
		m.cache.invalidate()
		return nil
	case key.Matches(msg, k.NextPane):
		m.pane = (m.pane + 1) % pane(len(m.panes))
		m.cache.invalidate()
		return nil
	case key.Matches(msg, k.PrevPane):
		m.pane = (m.pane + pane(len(m.panes)) - 1) % pane(len(m.panes))
		m.cache.invalidate()
		return nil
	case key.Matches(msg, k.Refresh):
		m.setStatus(false, "refreshing…")
		return m.refreshAll()
	case key.Matches(msg, k.Faster), key.Matches(msg, k.Slower):
		return m.changeInterval(key.Matches(msg, k.Faster))
	case key.Matches(msg, k.Symptom):
		m.openSymptom()
		return textarea.Blink
	case key.Matches(msg, k.CopyReport):
		return m.copyReport()
	}
	for i, b := range k.Panes {
		if key.Matches(msg, b) {
			m.pane = pane(i)
			m.cache.invalidate()
			return nil
		}
	}
	return m.paneKey(msg)
}

// quit closes the link watcher's socket (in a command: Update does no I/O)
// and then ends the program.
func (m *Model) quit() tea.Cmd {
	w := m.opt.Target.Watcher
	m.opt.Target.Watcher = nil
	if w == nil {
		return tea.Quit
	}
	return tea.Sequence(closeWatcherCmd(w), tea.Quit)
}

// tooSmall: the window cannot show the dashboard (before the first size
// arrives it is 0x0, which is not "too small").
func (m *Model) tooSmall() bool {
	return m.width > 0 && (m.width < minWidth || m.height < minHeight)
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// MinInterval is the shortest refresh: a gather of every group takes tens
// of milliseconds, so a shorter interval would only keep a core busy.
const MinInterval = 500 * time.Millisecond

func (m *Model) changeInterval(faster bool) tea.Cmd {
	steps := []time.Duration{MinInterval, time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 30 * time.Second}
	i := 0
	for i < len(steps)-1 && steps[i] < m.interval {
		i++
	}
	if faster && i > 0 {
		i--
	} else if !faster && i < len(steps)-1 {
		i++
	}
	m.interval = steps[i]
	m.tickGen++
	m.setStatus(false, "polling every %s", m.interval)
	if m.opt.NoPoll {
		return nil
	}
	return tickCmd(m.interval, m.tickGen)
}

func (m *Model) copyReport() tea.Cmd {
	if m.diag == nil {
		m.setStatus(true, "no diagnosis yet")
		return nil
	}
	var b strings.Builder
	m.diag.WriteMarkdown(&b)
	m.setStatus(false, "copied the report as Markdown (%d bytes) to the clipboard (OSC 52)", b.Len())
	return tea.SetClipboard(b.String())
}
