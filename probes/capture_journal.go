package probes

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/probes/netconfig"
)

// The journal is binary and large: a capture keeps instead the answers to
// the queries the diagnosis makes (rtnl-doctor/journal.json), and offline
// readJournal answers them from there. The kernel's messages are in
// var/log/kern.log already.

const capturedJournalFile = CaptureMeta + "/journal.json"

// maxCapturedJournal bounds the journal lines kept, over all queries.
const maxCapturedJournal = 4 << 20

type capturedAnswer struct {
	Lines []LogLine `json:"lines,omitempty"`
	Error string    `json:"error,omitempty"`
}

// journalQueries are the diagnosis's journal queries (besides -k).
func journalQueries() [][]string {
	return [][]string{
		{"_TRANSPORT=audit"},
		{"-u", "systemd-networkd", "-p", "warning", "-n", strconv.Itoa(netconfig.MaxManagerJournal)},
		{"-u", "NetworkManager", "-p", "warning", "-n", strconv.Itoa(netconfig.MaxManagerJournal)},
	}
}

// journal records the live answers to the journal queries.
func (c *capturer) journal(ctx context.Context) {
	if !c.r.Live() {
		return
	}
	out := map[string]capturedAnswer{}
	budget := maxCapturedJournal
	for _, q := range journalQueries() {
		lines, err := readJournal(ctx, c.r, q...)
		a := capturedAnswer{}
		if errors.Is(err, os.ErrNotExist) {
			continue // no journal: offline there is none either
		}
		if err != nil {
			a.Error = Reason(err)
		}
		// Keep the newest lines within the budget.
		n := 0
		i := len(lines)
		for i > 0 && n+len(lines[i-1].Text)+64 <= budget {
			i--
			n += len(lines[i].Text) + 64
		}
		if i > 0 {
			c.m.Truncated = append(c.m.Truncated, "journal "+strings.Join(q, " ")+": the newest "+strconv.Itoa(len(lines)-i)+" of "+strconv.Itoa(len(lines))+" lines")
		}
		budget -= n
		a.Lines = lines[i:]
		out[strings.Join(q, " ")] = a
	}
	if len(out) == 0 {
		c.m.NotCaptured.AddReason("journal", "this system has no journal (or journalctl)")
		return
	}
	b, _ := json.Marshal(out)
	c.write(capturedJournalFile, EscapeTerminal(b))
}

// capturedJournal answers a journal query from a capture; ok is false when
// the root holds no recorded answers (then the journal files are read).
func capturedJournal(r Root, args []string) (lines []LogLine, ok bool, err error) {
	if r.Live() || !r.Exists("/"+capturedJournalFile) {
		return nil, false, nil
	}
	b, err := r.ReadLimit("/"+capturedJournalFile, 64<<20)
	if err != nil {
		return nil, true, err
	}
	var m map[string]capturedAnswer
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, true, err
	}
	a, found := m[strings.Join(args, " ")]
	if !found {
		return nil, true, errNoJournal
	}
	if a.Error != "" {
		return nil, true, errors.New(a.Error)
	}
	return a.Lines, true, nil
}

var errNoJournal = errors.New("the capture holds no answer to this journal query")
