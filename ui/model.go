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

// pane identifies a pane.
type pane int

const (
	paneTroubleshoot pane = iota
	paneResources
	paneLinks
	paneModules
	paneCaps
	paneDenials
	paneConfig
	paneLive
)

var paneNames = []string{"Troubleshoot", "Resources", "Links", "Modules", "Capabilities", "Denials", "Config", "Live"}

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

	// tables
	links, modules, denials, config, resources, caps scrollState
	linkFilter                                       string
	filtering                                        bool

	dialog    dialog
	input     textarea.Model
	confirm   *confirmState
	detail    string // text of the detail dialog
	detailOff int

	live liveState

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
	in := textarea.New()
	in.Placeholder = "Paste what failed: the command and its output, or a log line. Enter twice or ctrl+d to diagnose."
	in.ShowLineNumbers = false
	in.CharLimit = 64 << 10
	m := &Model{opt: o, keys: DefaultKeys(), styles: NewStyles(true) /* dark until the terminal says (BackgroundColorMsg) */, help: help.New(), input: in, interval: o.Interval}
	m.help.Styles = help.DefaultStyles(true)
	if o.Symptom != "" {
		m.symptom = symptom.ParseSymptom(o.Symptom)
		m.pane = paneTroubleshoot
		m.reproPending = o.AutoReproduce && !o.ReadOnly && !o.DryRun
	}
	if clamped > 0 {
		m.setStatus(false, "--interval %s is too short: polling every %s", clamped, MinInterval)
	}
	m.target()
	return m
}

// target is the probe target, completed from the symptom (its interfaces,
// the namespace and process it names).
func (m *Model) target() probes.Target {
	t, _ := symptom.TargetFor(m.symptom, m.opt.Target)
	return t
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
		cmds = append(cmds, gatherCmd(m.opt.Gather, m.target(), true))
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
		m.input.SetWidth(max(20, m.width-6))
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
			cmds = append(cmds, gatherCmd(m.opt.Gather, m.target(), m.polls%slowEvery == 0))
		}
		return m, tea.Batch(cmds...)
	case watcherMsg:
		if msg.err == nil {
			m.opt.Target.Watcher = msg.w
		}
		return m, gatherCmd(m.opt.Gather, m.target(), true)
	case factsMsg:
		m.gathering = false
		m.facts = m.facts.Merge(msg.facts)
		m.lastRefresh = m.opt.Now()
		m.diagGen++
		m.cache.invalidateData()
		return m, tea.Batch(diagnoseCmd(m.facts, m.symptom, m.repro, m.diagGen), m.autoReproduce())
	case diagMsg:
		if msg.gen != m.diagGen {
			return m, nil // facts or symptom changed since: a newer one is coming
		}
		m.setDiag(msg.diag)
		return m, nil
	case previewMsg:
		if m.dialog != dialogNone {
			// Another dialog opened meanwhile: never swap it for this one.
			m.setStatus(true, "%s was not applied: another dialog was open (press f again)", msg.fix.ID)
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
			if msg.journal != "" {
				fixID := ""
				if msg.journal == m.lastEntry.ID {
					fixID = m.lastEntry.Fix
				}
				diagnose.RecordVerified(m.opt.Env, msg.journal, fixID, r)
			}
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
		return m, diagnoseCmd(m.facts, m.symptom, m.repro, m.diagGen)
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
	return gatherCmd(m.opt.Gather, m.target(), true)
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
	return verifyCmd(m.target(), k, m.symptom, m.appliedFor(cause))
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
		cmds = append(cmds, diagnoseCmd(m.facts, m.symptom, m.repro, m.diagGen))
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
		if msg.String() == "q" || msg.String() == "ctrl+c" {
			return m.quit()
		}
		return nil
	}
	switch m.dialog {
	case dialogSymptom:
		switch msg.String() {
		case "esc":
			m.input.Blur()
			m.dialog = dialogNone
			m.cache.invalidate()
			return nil
		case "ctrl+d":
			return m.submitSymptom()
		case "enter":
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
		m.dialog = dialogNone
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
		case key.Matches(msg, k.Quit) && msg.String() == "ctrl+c":
			return tea.Quit
		default:
			m.dialog = dialogNone
		}
		m.cache.invalidate()
		return nil
	}
	if m.filtering {
		return m.filterKey(msg)
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.dialog = dialogHelp
		m.cache.invalidate()
		return nil
	case key.Matches(msg, k.NextPane):
		m.pane = (m.pane + 1) % pane(len(paneNames))
		m.cache.invalidate()
		return nil
	case key.Matches(msg, k.PrevPane):
		m.pane = (m.pane + pane(len(paneNames)) - 1) % pane(len(paneNames))
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
	if m.pane == paneTroubleshoot {
		return m.walkKey(msg)
	}
	return m.tableKey(msg)
}

func (m *Model) quit() tea.Cmd {
	if w := m.opt.Target.Watcher; w != nil {
		w.Close()
		m.opt.Target.Watcher = nil
	}
	return tea.Quit
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

// walkKey handles the walk-through's keys.
func (m *Model) walkKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.keys
	r := m.currentResult()
	switch {
	case key.Matches(msg, k.NextCause):
		if m.diag != nil && m.step < len(m.diag.Results)-1 {
			m.step++
			m.fixSel, m.detailTop = 0, 0
		}
	case key.Matches(msg, k.PrevCause):
		if m.step > 0 {
			m.step--
			m.fixSel, m.detailTop = 0, 0
		}
	case key.Matches(msg, k.Down):
		if n := len(m.currentFixes()); m.fixSel < n-1 {
			m.fixSel++
		} else {
			m.detailTop++
		}
	case key.Matches(msg, k.Up):
		if m.fixSel > 0 {
			m.fixSel--
		} else if m.detailTop > 0 {
			m.detailTop--
		}
	case key.Matches(msg, k.PageDown):
		m.detailTop += max(1, m.bodyHeight()-4)
	case key.Matches(msg, k.PageUp):
		m.detailTop = max(0, m.detailTop-max(1, m.bodyHeight()-4))
	case key.Matches(msg, k.Top):
		m.detailTop = 0
	case key.Matches(msg, k.Apply):
		return m.startApply(false)
	case key.Matches(msg, k.Edit):
		return m.startApply(true)
	case key.Matches(msg, k.Verify):
		if r == nil {
			return nil
		}
		m.verifyOf = r.ID
		m.setStatus(false, "verifying %s…", r.ID)
		return verifyCmd(m.target(), r.Cause, m.symptom, m.appliedFor(r.ID))
	case key.Matches(msg, k.Undo):
		if m.opt.Env == nil || m.opt.Env.Journal == nil {
			m.setStatus(true, "undo: no journal (read-only or dry-run mode)")
			return nil
		}
		if m.lastFix == "" {
			m.setStatus(true, "undo: no fix was applied in this session (earlier ones: rtnl-doctor undo --list)")
			return nil
		}
		e := m.lastEntry
		if ok, why := fix.CanUndo(e); !ok {
			m.setStatus(true, "%s cannot be undone: %s", e.Title, why)
			return nil
		}
		m.confirm = &confirmState{undo: &e, openedAt: m.opt.Now()}
		m.dialog = dialogConfirm
		m.cache.invalidate()
		return tea.Tick(confirmGrace, func(time.Time) tea.Msg { return graceMsg{} })
	case key.Matches(msg, k.Reproduce):
		if m.opt.ReadOnly {
			m.setStatus(true, "cannot reproduce in read-only mode: it creates (and deletes) a network namespace")
			return nil
		}
		if m.facts == nil || !reproduce.CanReproduce(m.symptom, m.facts) {
			m.setStatus(true, "cannot reproduce: %s", reproWhy(m.symptom, m.facts))
			return nil
		}
		m.setStatus(false, "reproducing in a throwaway network namespace…")
		return reproCmd(m.symptom)
	case key.Matches(msg, k.CopyFix):
		fixes := m.currentFixes()
		if len(fixes) == 0 {
			m.setStatus(true, "this cause has no fix to copy")
			return nil
		}
		f := fixes[min(m.fixSel, len(fixes)-1)]
		m.setStatus(false, "copied the commands of %s to the clipboard (OSC 52)", f.ID)
		return tea.SetClipboard(sanitize.Text(f.PlanCommand()))
	default:
		return nil
	}
	m.cache.invalidate()
	return nil
}

func reproWhy(s symptom.Symptom, f *probes.Facts) string {
	switch {
	case f == nil:
		return "no facts yet"
	case !f.Target.Live:
		return "the facts come from a captured tree"
	case !f.Host.Tool.SysAdmin:
		return "creating a throwaway network namespace needs CAP_SYS_ADMIN: run as root"
	}
	return "the symptom names no link kind to create (paste the command line, e.g. `ip link add x type dummy`)"
}

// startApply opens the confirmation for the selected fix (or the cause's
// edit fix with e), after previewing it in a command.
func (m *Model) startApply(edit bool) tea.Cmd {
	r := m.currentResult()
	if r == nil || len(r.Fixes) == 0 {
		m.setStatus(true, "this cause has no fix")
		return nil
	}
	f := r.Fixes[min(m.fixSel, len(r.Fixes)-1)]
	isEdit := func(x fix.Fix) bool { return x.Action != nil && x.Action.Kind == "edit" }
	if edit && !isEdit(f) {
		// The selected fix is not an edit: take the cause's first one.
		found := false
		for _, x := range r.Fixes {
			if isEdit(x) {
				f, found = x, true
				break
			}
		}
		if !found {
			m.setStatus(true, "e opens a configuration file in $EDITOR, and no fix of %s edits one: f applies the selected fix", r.ID)
			return nil
		}
	}
	if ok, why := fix.CanApply(f, m.opt.Env); !ok {
		m.setStatus(true, "%s: instructions only: %s (y copies the commands)", f.ID, why)
		return nil
	}
	m.setStatus(false, "previewing %s…", f.ID)
	return previewCmd(m.opt.Env, f, r.ID)
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
