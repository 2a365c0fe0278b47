package fix

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/atomicfile"
	"golang.org/x/sys/unix"
)

// Journal phases. An action is journaled before it runs ("begin", with the
// old state, fsynced before the change) and after ("done" with the new
// state, "partial" when the change was made but a later step failed, or
// "failed"); undoing it adds "undone" or "undo-failed". A "begin" with no
// outcome is an interrupted apply: it is reconciled against the live state.
const (
	PhaseBegin      = "begin"
	PhaseDone       = "done"
	PhasePartial    = "partial"
	PhaseFailed     = "failed"
	PhaseUndone     = "undone"
	PhaseUndoFailed = "undo-failed"
	PhaseVerified   = "verified"
)

var phases = map[string]bool{PhaseBegin: true, PhaseDone: true, PhasePartial: true, PhaseFailed: true,
	PhaseUndone: true, PhaseUndoFailed: true, PhaseVerified: true}

// Entry is one line of the journal.
type Entry struct {
	ID     string    `json:"id"`
	Time   time.Time `json:"time"`
	Phase  string    `json:"phase"`
	Fix    string    `json:"fix"`
	Title  string    `json:"title,omitempty"`
	Action *Action   `json:"action,omitempty"`
	// Command is the equivalent shell commands (shown, never run).
	Command string `json:"command,omitempty"`
	// Object identifies the namespace and process the action acted on.
	Object *Identity `json:"object,omitempty"`
	// Old is the state before the change (what undo restores); New the
	// state after it (what undo expects to find).
	Old   map[string]string `json:"old,omitempty"`
	New   map[string]string `json:"new,omitempty"`
	Note  string            `json:"note,omitempty"`
	Error string            `json:"error,omitempty"`
	// Forced: undone with --force although the object had changed since.
	Forced bool `json:"forced,omitempty"`
	// Signal names a termination signal that arrived while the change was
	// being made: it was held until the change and its journal entry were
	// complete.
	Signal string `json:"signal,omitempty"`
}

// Interrupted says the apply of this (folded) action never recorded an
// outcome: the process died between the intent and the end.
func (e Entry) Interrupted() bool { return e.Phase == PhaseBegin }

// Journal is an append-only JSON-lines file, mode 0600, in a directory of
// the effective user's that no other user can write. It is data, never a
// script: every entry is validated against the action types on reading.
//
// Its directory and files are made when first written (an apply or an
// undo takes the lock, then appends), never by opening or reading it: a
// journal that does not exist yet reads as no entries.
type Journal struct {
	dir      string
	readOnly bool

	mu    sync.Mutex
	dirfd int // the directory, once it exists and was checked; -1 before
}

const (
	journalName = "journal.jsonl"
	lockName    = "lock"
	// maxLine: a longer line is skipped (it costs that line only).
	maxLine = 4 << 20
)

// rotateAt: a journal this large is renamed journal-TIME.jsonl and a new
// one begun; rotated files are read too (nothing is dropped).
var rotateAt int64 = 8 << 20

// ErrNoJournal: no journal exists yet (nothing was ever applied).
var ErrNoJournal = errors.New("no journal")

// RefusedError is a journal directory or file rtnl-doctor will not use:
// someone else could write it. The CLI exits 2.
type RefusedError struct{ Msg string }

func (e *RefusedError) Error() string { return e.Msg }

func refuse(format string, args ...any) error {
	return &RefusedError{fmt.Sprintf(format, args...)}
}

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

// checkOwned refuses a journal directory or file not owned by the
// effective uid, or writable by group or others.
func checkOwned(what, p string, st *unix.Stat_t) error {
	euid := uint32(os.Geteuid())
	if st.Uid != euid {
		return refuse("journal %s %s belongs to uid %d, not to uid %d: refusing to use it (another user could forge entries that root would run)", what, p, st.Uid, euid)
	}
	if st.Mode&0o022 != 0 {
		return refuse("journal %s %s is writable by its group or others (mode %04o): refusing to use it; fix it with chmod go-w %s", what, p, st.Mode&0o7777, p)
	}
	return nil
}

// checkAncestors refuses a path whose directories another user could
// change: each must be owned by root or the effective uid, and writable by
// no one else unless sticky and owned by root (as /tmp), where the next
// component must then be ours.
func checkAncestors(dir string) error {
	euid := uint32(os.Geteuid())
	var chain []string
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		chain = append([]string{d}, chain...)
		if d == "/" {
			break
		}
	}
	for _, cur := range chain {
		var st unix.Stat_t
		if err := unix.Lstat(cur, &st); err != nil {
			if errors.Is(err, unix.ENOENT) {
				return nil // created by us, 0700
			}
			return fmt.Errorf("journal directory: %s: %w", cur, err)
		}
		switch {
		case st.Mode&unix.S_IFMT == unix.S_IFLNK:
			return refuse("journal directory: %s is a symlink: refusing to follow it", cur)
		case st.Mode&unix.S_IFMT != unix.S_IFDIR:
			return refuse("journal directory: %s is not a directory", cur)
		case st.Uid != 0 && st.Uid != euid:
			return refuse("journal directory: %s belongs to uid %d, who could replace the journal: refusing", cur, st.Uid)
		case st.Mode&0o022 != 0 && (st.Mode&unix.S_ISVTX == 0 || st.Uid != 0):
			// A sticky root-owned directory (/tmp) lets only the owner of an
			// entry rename it; the next component's owner is checked next.
			return refuse("journal directory: %s is writable by others (mode %04o), who could replace the journal: refusing", cur, st.Mode&0o7777)
		}
	}
	return nil
}

func openDirNoFollow(dir string) (int, error) {
	fd, err := unix.Openat2(unix.AT_FDCWD, dir, &unix.OpenHow{
		Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
		Resolve: unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
	if errors.Is(err, unix.ELOOP) {
		return -1, refuse("journal directory %s: a symlink is in its path: refusing to follow it", dir)
	}
	if errors.Is(err, unix.ENOSYS) { // before Linux 5.6: walk the path
		fd, err = atomicfile.OpenDir(dir)
		if errors.Is(err, atomicfile.ErrSymlink) {
			return -1, refuse("journal directory %s: a symlink is in its path: refusing to follow it", dir)
		}
	}
	if errors.Is(err, unix.ENOENT) || errors.Is(err, os.ErrNotExist) {
		return -1, ErrNoJournal
	}
	if err != nil {
		return -1, fmt.Errorf("journal directory %s: %w", dir, err)
	}
	return fd, nil
}

// mkdirs creates the missing directories of dir (0700) without following
// a symlink.
func mkdirs(dir string) error {
	parent := filepath.Dir(dir)
	if parent != dir {
		if _, err := os.Lstat(parent); errors.Is(err, os.ErrNotExist) {
			if err := mkdirs(parent); err != nil {
				return err
			}
		}
	}
	pfd, err := openDirNoFollow(parent)
	if err != nil {
		return err
	}
	defer unix.Close(pfd)
	if err := unix.Mkdirat(pfd, filepath.Base(dir), 0o700); err != nil && !errors.Is(err, unix.EEXIST) {
		return fmt.Errorf("journal directory: mkdir %s: %w", dir, err)
	}
	return nil
}

// OpenJournal opens dir/journal.jsonl for fixing and undoing. It creates
// nothing: the directory (0700) and the file (0600) are made when a fix is
// applied (the first Lock or Append). A directory or file owned by another
// user or writable by others is refused (RefusedError), never repaired, at
// opening when they exist and again when they are made; so is a symlink
// anywhere in the path.
func OpenJournal(dir string) (*Journal, error) {
	return openJournal(dir, false)
}

// OpenJournalReadOnly opens an existing journal for listing and dry runs:
// it creates, changes and locks nothing. ErrNoJournal when there is none.
func OpenJournalReadOnly(dir string) (*Journal, error) {
	return openJournal(dir, true)
}

func openJournal(dir string, readOnly bool) (*Journal, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if err := checkAncestors(dir); err != nil {
		return nil, err
	}
	j := &Journal{dir: dir, dirfd: -1, readOnly: readOnly}
	fd, err := openCheckedDir(dir)
	if errors.Is(err, ErrNoJournal) && !readOnly {
		return j, nil // made when first written
	}
	if err != nil {
		return nil, err
	}
	j.dirfd = fd
	// An existing journal file is checked now (owner, mode, one link, no
	// symlink), so a journal that will be refused is refused at start.
	f, err := j.openFile(journalName, unix.O_RDONLY)
	switch {
	case errors.Is(err, ErrNoJournal) && !readOnly:
		return j, nil
	case err != nil:
		unix.Close(fd)
		return nil, err
	}
	f.Close()
	return j, nil
}

// openCheckedDir opens an existing journal directory, never through a
// symlink, and checks that it is the effective user's and writable by no
// one else. ErrNoJournal when it does not exist.
func openCheckedDir(dir string) (int, error) {
	fd, err := openDirNoFollow(dir)
	if err != nil {
		return -1, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	if err := checkOwned("directory", dir, &st); err != nil {
		unix.Close(fd)
		return -1, err
	}
	return fd, nil
}

// dirFD is the journal's directory, opened and checked on first use. With
// create (a write: the lock, an entry) a missing directory is made, 0700,
// after checking its ancestors again; without, a missing one is
// ErrNoJournal and nothing is made.
func (j *Journal) dirFD(create bool) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dirfd >= 0 {
		return j.dirfd, nil
	}
	fd, err := openCheckedDir(j.dir)
	if errors.Is(err, ErrNoJournal) && create && !j.readOnly {
		if err := checkAncestors(j.dir); err != nil {
			return -1, err
		}
		if err := mkdirs(j.dir); err != nil {
			return -1, err
		}
		fd, err = openCheckedDir(j.dir)
	}
	if err != nil {
		return -1, err
	}
	j.dirfd = fd
	return fd, nil
}

// Close releases the journal's directory.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.dirfd < 0 {
		return nil
	}
	fd := j.dirfd
	j.dirfd = -1
	return unix.Close(fd)
}

// Path is the journal file.
func (j *Journal) Path() string { return filepath.Join(j.dir, journalName) }

// Dir is the journal's directory.
func (j *Journal) Dir() string { return j.dir }

// ReadOnly says the journal was opened for listing only.
func (j *Journal) ReadOnly() bool { return j.readOnly }

// openFile opens name in the journal directory, never through a symlink,
// and checks its owner and mode (never changing them). Only a flag to
// create it (O_CREAT) makes the directory, when it is missing.
func (j *Journal) openFile(name string, flags int) (*os.File, error) {
	dirfd, err := j.dirFD(flags&unix.O_CREAT != 0)
	if err != nil {
		return nil, err
	}
	fd, err := unix.Openat(dirfd, name, flags|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if errors.Is(err, unix.ELOOP) {
		return nil, refuse("journal %s is a symlink: refusing", filepath.Join(j.dir, name))
	}
	if errors.Is(err, unix.ENOENT) {
		return nil, ErrNoJournal
	}
	if err != nil {
		return nil, fmt.Errorf("journal %s: %w", filepath.Join(j.dir, name), err)
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return nil, err
	}
	p := filepath.Join(j.dir, name)
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Nlink != 1 {
		unix.Close(fd)
		return nil, refuse("journal %s is not a plain file with one link: refusing", p)
	}
	if err := checkOwned("file", p, &st); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), p), nil
}

// Lock takes the journal's lock (flock on dir/lock): one apply or undo at
// a time, across processes. It blocks until the lock is free.
func (j *Journal) Lock() (func(), error) {
	if j.readOnly {
		return nil, errors.New("the journal was opened read-only")
	}
	f, err := j.openFile(lockName, unix.O_RDWR|unix.O_CREAT)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("journal lock: %w", err)
	}
	return func() { unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
}

// Append writes one entry as a single line with one write, then syncs: a
// crash leaves either the whole line or a torn line, which costs that line
// only (the next entry starts on a line of its own).
func (j *Journal) Append(e Entry) error {
	if j.readOnly {
		return errors.New("the journal was opened read-only")
	}
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if err := j.rotate(); err != nil {
		return err
	}
	f, err := j.openFile(journalName, unix.O_RDWR|unix.O_APPEND|unix.O_CREAT)
	if err != nil {
		return err
	}
	defer f.Close()
	line := append(b, '\n')
	if st, err := f.Stat(); err == nil && st.Size() > 0 {
		var last [1]byte
		if _, err := f.ReadAt(last[:], st.Size()-1); err == nil && last[0] != '\n' {
			line = append([]byte{'\n'}, line...) // end the torn line first
		}
	}
	if _, err := f.Write(line); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("journal: %w", err)
	}
	return nil
}

// rotate renames a large journal aside; it is still read.
func (j *Journal) rotate() error {
	dirfd, err := j.dirFD(false)
	if err != nil {
		return nil // no directory yet: nothing to rotate
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, journalName, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil || st.Size < rotateAt {
		return nil
	}
	name := "journal-" + time.Now().UTC().Format("20060102T150405.000000000") + ".jsonl"
	if err := unix.Renameat(dirfd, journalName, dirfd, name); err != nil {
		return fmt.Errorf("journal: rotating: %w", err)
	}
	return unix.Fsync(dirfd)
}

// Log is what the journal holds: the valid entries, oldest first, and
// why any line was refused.
type Log struct {
	Entries  []Entry
	Problems []string
}

var rotatedRe = regexp.MustCompile(`^journal-[0-9T.]+\.jsonl$`)

// Read reads every journal file (rotated ones first), validating each
// entry; a line that is torn, too long, not JSON, or not a valid entry is
// refused with the reason and the rest is kept. A journal not made yet
// reads as no entries, and reading makes nothing.
func (j *Journal) Read() (Log, error) {
	var log Log
	dirfd, err := j.dirFD(false)
	if errors.Is(err, ErrNoJournal) {
		return log, nil
	}
	if err != nil {
		return log, err
	}
	fd, err := unix.Openat(dirfd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return log, err
	}
	d := os.NewFile(uintptr(fd), j.dir)
	names, _ := d.Readdirnames(-1)
	d.Close()
	var files []string
	for _, n := range names {
		if rotatedRe.MatchString(n) {
			files = append(files, n)
		}
	}
	sort.Strings(files)
	files = append(files, journalName)
	rd := &lineReader{log: &log, actions: map[string]*Action{}, tainted: map[string]string{}}
	for _, n := range files {
		f, err := j.openFile(n, unix.O_RDONLY)
		if errors.Is(err, ErrNoJournal) {
			continue
		}
		if err != nil {
			return log, err
		}
		rd.readLines(f, n)
		f.Close()
	}
	rd.dropTainted()
	return log, nil
}

// lineReader reads the journal's lines. An outcome entry (done, undone,
// ...) carries no action: its states are checked against the action of
// its intent entry, read before it. When one of an action's entries is
// refused after its intent was taken, the whole action is refused (a
// later state that fails its check must not leave an earlier one to act
// on).
type lineReader struct {
	log     *Log
	actions map[string]*Action // id → the action of its intent entry
	tainted map[string]string  // id → where the refused line was
}

func (rd *lineReader) readLines(r io.Reader, name string) {
	log := rd.log
	br := bufio.NewReaderSize(r, 64<<10)
	for n := 1; ; n++ {
		line, tooLong, err := readLine(br)
		if len(line) > 0 || tooLong {
			switch {
			case tooLong:
				log.Problems = append(log.Problems, fmt.Sprintf("%s line %d: longer than %d bytes: skipped", name, n, maxLine))
			default:
				e, verr := parseEntry(line)
				if verr == nil {
					verr = rd.check(&e)
				}
				if verr != nil {
					log.Problems = append(log.Problems, fmt.Sprintf("%s line %d: refused: %v", name, n, verr))
					if _, ok := rd.actions[e.ID]; ok && e.ID != "" && rd.tainted[e.ID] == "" {
						rd.tainted[e.ID] = fmt.Sprintf("%s line %d", name, n)
					}
				} else {
					log.Entries = append(log.Entries, e)
				}
			}
		}
		if err != nil {
			return
		}
	}
}

// check validates an entry against the action of its intent.
func (rd *lineReader) check(e *Entry) error {
	if e.Phase == PhaseBegin && e.Action != nil {
		if _, ok := rd.actions[e.ID]; !ok {
			rd.actions[e.ID] = e.Action
		}
		return nil
	}
	a := rd.actions[e.ID]
	if e.Action != nil {
		a = e.Action
	}
	if a == nil {
		return nil // no intent: left out when folding
	}
	return validateStates(a, e.Old, e.New)
}

// dropTainted removes every entry of an action one of whose lines was
// refused.
func (rd *lineReader) dropTainted() {
	if len(rd.tainted) == 0 {
		return
	}
	kept := rd.log.Entries[:0]
	for _, e := range rd.log.Entries {
		if _, bad := rd.tainted[e.ID]; !bad {
			kept = append(kept, e)
		}
	}
	rd.log.Entries = kept
	for _, id := range sortedKeys(rd.tainted) {
		rd.log.Problems = append(rd.log.Problems, fmt.Sprintf("action %s: refused as a whole (its entry at %s was refused): check and revert it by hand", id, rd.tainted[id]))
	}
}

// readLine reads one line, discarding (and saying so) past maxLine.
func readLine(br *bufio.Reader) ([]byte, bool, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := br.ReadSlice('\n')
		if !tooLong {
			buf = append(buf, chunk...)
			if len(buf) > maxLine {
				tooLong, buf = true, nil
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		return bytes.TrimRight(buf, "\n"), tooLong, err
	}
}

var (
	idRe       = regexp.MustCompile(`^[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$`)
	stateKeyRe = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)
)

// parseEntry decodes and validates one line: known fields only, a known
// phase, a well-formed id, an action valid for its kind.
func parseEntry(line []byte) (Entry, error) {
	var e Entry
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return e, fmt.Errorf("not a journal entry: %v", err)
	}
	if dec.More() {
		return e, errors.New("text after the entry")
	}
	return e, validateEntry(&e)
}

func validateEntry(e *Entry) error {
	if !idRe.MatchString(e.ID) {
		return fmt.Errorf("id %q is malformed", e.ID)
	}
	if !phases[e.Phase] {
		return fmt.Errorf("unknown phase %q", e.Phase)
	}
	if e.Phase == PhaseBegin && e.Action == nil {
		return errors.New("an intent entry without its action")
	}
	if e.Action != nil {
		if err := ValidateAction(e.Action); err != nil {
			return err
		}
	}
	if e.Object != nil && e.Object.Link != nil {
		l := e.Object.Link
		if err := checkIfname(l.Name); err != nil {
			return fmt.Errorf("object link: %v", err)
		}
		if l.Index == 0 {
			return errors.New("object link: ifindex 0")
		}
		if e.Action != nil {
			if k := actionKinds[e.Action.Kind]; k.link == nil || k.link(e.Action) != l.Name {
				return fmt.Errorf("object link %s is not the link the action %s names", l, e.Action.Kind)
			}
		}
	}
	for _, m := range []map[string]string{e.Old, e.New} {
		for k := range m {
			if !stateKeyRe.MatchString(k) {
				return fmt.Errorf("state key %q is malformed", k)
			}
		}
	}
	if e.Action != nil {
		if err := validateStates(e.Action, e.Old, e.New); err != nil {
			return err
		}
		if err := validateProc(e.Action, e.Object); err != nil {
			return err
		}
	}
	return nil
}

// validateStates checks an entry's old and new states against its
// action's kind (stateKeys): a key it does not keep, or a value its check
// refuses, refuses the entry.
func validateStates(a *Action, old, new map[string]string) error {
	if err := validateState(a, "old", old); err != nil {
		return err
	}
	return validateState(a, "new", new)
}

// validateProc: an action with a "pid" parameter acts on that process (or
// in its mount namespace), which the entry must record (Object.Proc) under
// the same PID; undo then finds the very process or refuses.
func validateProc(a *Action, obj *Identity) error {
	p := a.Param("pid")
	if p == "" {
		return nil
	}
	if obj == nil || obj.Proc == nil {
		return fmt.Errorf("action %s names PID %s but the entry does not record which process that was (object.proc: PID, start time; entries of older versions lack it): refusing it; check and revert it by hand", a.Kind, p)
	}
	if strconv.Itoa(obj.Proc.PID) != p {
		return fmt.Errorf("action %s names PID %s but the entry recorded process %d: refusing an entry that names two processes", a.Kind, p, obj.Proc.PID)
	}
	return nil
}

// Entries reads the valid entries (see Read).
func (j *Journal) Entries() ([]Entry, error) {
	log, err := j.Read()
	return log.Entries, err
}

// Actions folds the journal into one record per action: its begin entry
// with the phase it reached last, oldest first. Entries of an action whose
// intent entry is missing (refused, or never written) are left out.
func (j *Journal) Actions() ([]Entry, error) {
	log, err := j.Read()
	return fold(log.Entries), err
}

func fold(es []Entry) []Entry {
	var order []string
	by := map[string]*Entry{}
	for _, e := range es {
		cur, ok := by[e.ID]
		if !ok {
			if e.Phase != PhaseBegin {
				continue
			}
			c := e
			by[e.ID] = &c
			order = append(order, e.ID)
			continue
		}
		if e.Phase == PhaseBegin {
			continue // a second intent for one id is ignored
		}
		cur.Phase = e.Phase
		if e.New != nil {
			cur.New = e.New
		}
		cur.Error = e.Error
		if e.Note != "" {
			cur.Note = e.Note
		}
		if e.Signal != "" {
			cur.Signal = e.Signal
		}
		if e.Forced {
			cur.Forced = true
		}
	}
	out := make([]Entry, 0, len(order))
	for _, id := range order {
		out = append(out, *by[id])
	}
	return out
}

// newID makes a journal id: time and randomness, sortable.
func newID() string {
	var b [3]byte
	rand.Read(b[:])
	return time.Now().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}
