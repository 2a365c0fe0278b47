package model

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// Journal phases. An action is journaled before it runs ("begin", with the
// old state) and after ("done" with the new state, or "failed"); undoing it
// adds "undone" or "undo-failed".
const (
	PhaseBegin      = "begin"
	PhaseDone       = "done"
	PhaseFailed     = "failed"
	PhaseUndone     = "undone"
	PhaseUndoFailed = "undo-failed"
	PhaseVerified   = "verified"
)

// Entry is one line of the journal.
type Entry struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Phase  string    `json:"phase"`
	Fix    string    `json:"fix"`
	Title  string    `json:"title,omitempty"`
	Action *Action   `json:"action,omitempty"`
	// Command is the equivalent shell commands.
	Command string `json:"command,omitempty"`
	// Old is the state before the change (what undo restores); New the
	// state after it.
	Old   map[string]string `json:"old,omitempty"`
	New   map[string]string `json:"new,omitempty"`
	Note  string            `json:"note,omitempty"`
	Error string            `json:"error,omitempty"`
	// Signal names a termination signal that arrived while the change was
	// being made: it was held until the change and its journal entry were
	// complete.
	Signal string `json:"signal,omitempty"`
}

// Journal is an append-only JSON-lines file, mode 0600.
type Journal struct {
	path string
}

// maxJournal bounds how much of the journal is read back.
const maxJournal = 16 << 20

// DefaultJournalDir is /var/lib/rtnl-doctor for root, else
// $XDG_STATE_HOME/rtnl-doctor (~/.local/state/rtnl-doctor).
func DefaultJournalDir() string {
	if os.Geteuid() == 0 {
		return "/var/lib/rtnl-doctor"
	}
	if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "rtnl-doctor")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "rtnl-doctor")
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("rtnl-doctor-%d", os.Geteuid()))
}

// OpenJournal opens (creating) dir/journal.jsonl. The directory is made
// 0700 and the file 0600; a symlink at either is refused.
func OpenJournal(dir string) (*Journal, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("journal directory: %w", err)
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return nil, err
	}
	if st.Mode()&os.ModeSymlink != 0 || !st.IsDir() {
		return nil, fmt.Errorf("journal directory %s is not a plain directory: refusing", dir)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return nil, err
		}
	}
	j := &Journal{path: filepath.Join(dir, "journal.jsonl")}
	f, err := j.open(os.O_RDONLY | os.O_CREATE)
	if err != nil {
		return nil, err
	}
	return j, f.Close()
}

// Path is the journal file.
func (j *Journal) Path() string { return j.path }

func (j *Journal) open(flag int) (*os.File, error) {
	f, err := os.OpenFile(j.path, flag|syscall.O_NOFOLLOW|syscall.O_CLOEXEC, 0o600)
	if err != nil {
		if errors.Is(err, syscall.ELOOP) {
			return nil, fmt.Errorf("journal %s is a symlink: refusing", j.path)
		}
		return nil, fmt.Errorf("journal: %w", err)
	}
	if st, err := f.Stat(); err == nil && st.Mode().Perm() != 0o600 {
		if err := f.Chmod(0o600); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}

// Append writes one entry as a single line with one write, then syncs: a
// crash leaves either the whole line or nothing.
func (j *Journal) Append(e Entry) error {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := j.open(os.O_WRONLY | os.O_APPEND | os.O_CREATE)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("journal: %w", err)
	}
	return f.Close()
}

// Entries reads the journal (its last 16 MiB), skipping lines that do not
// parse (a truncated last line after a power cut).
func (j *Journal) Entries() ([]Entry, error) {
	f, err := j.open(os.O_RDONLY)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > maxJournal {
		f.Seek(st.Size()-maxJournal, io.SeekStart)
	}
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.ID != "" {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

// Actions folds the journal into one record per action: its begin entry
// with the phase it reached last, oldest first.
func (j *Journal) Actions() ([]Entry, error) {
	es, err := j.Entries()
	if err != nil {
		return nil, err
	}
	var order []string
	by := map[string]*Entry{}
	for _, e := range es {
		cur, ok := by[e.ID]
		if !ok {
			c := e
			by[e.ID] = &c
			order = append(order, e.ID)
			continue
		}
		cur.Phase = e.Phase
		if e.New != nil {
			cur.New = e.New
		}
		if e.Old != nil && cur.Old == nil {
			cur.Old = e.Old
		}
		if e.Error != "" {
			cur.Error = e.Error
		}
		if e.Note != "" {
			cur.Note = e.Note
		}
		if e.Signal != "" {
			cur.Signal = e.Signal
		}
	}
	out := make([]Entry, 0, len(order))
	for _, id := range order {
		out = append(out, *by[id])
	}
	return out, nil
}

// newID makes a journal id: time and randomness, sortable.
func newID() string {
	var b [3]byte
	rand.Read(b[:])
	return time.Now().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}
