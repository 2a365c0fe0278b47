package fix

import (
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

// Fix is one way to remove a cause: what it does, the exact equivalent
// shell commands, and what it costs when it widens access.
type Fix struct {
	// ID is stable: "CAUSE/what", e.g. "fd-exhaustion/raise-nofile".
	ID    string `json:"id"`
	Title string `json:"title"`
	// Command is the exact equivalent shell commands, one per line.
	Command   string `json:"command"`
	NeedsRoot bool   `json:"needs_root"`
	// Risk says what the fix costs when it widens access for the whole
	// system (setenforce 0, chmod 666, disabling userns-remap, ...).
	Risk string `json:"risk,omitempty"`
	// Manual is true when rtnl-doctor cannot apply the fix itself (a
	// container must be re-created, a reboot is needed): the commands are
	// instructions, and Why says why.
	Manual bool   `json:"manual,omitempty"`
	Why    string `json:"why,omitempty"`
	// Action is what rtnl-doctor runs to apply the fix (nil when Manual).
	Action *Action `json:"action,omitempty"`
	// Answers are the failures this fix answers: an operation (or any)
	// and the errno. A fix is offered only for a symptom it answers
	// (Fits); its cause's Answers when the fix names none.
	Answers []Answer `json:"answers"`
	// Then is the next step of a plan (bring the link up, then add the
	// route): offered once this step is verified, by `fix` and by the
	// dashboard alike.
	Then *Fix `json:"then,omitempty"`
}

// Answer is one failure a fix answers: the operation ("" for any
// operation) and the errno.
type Answer struct {
	Op    string        `json:"op,omitempty"`
	Errno symptom.Errno `json:"errno"`
}

// Answers is every pair of ops (nil: any operation) and errnos.
func Answers(ops []string, errnos ...symptom.Errno) []Answer {
	if ops == nil {
		ops = []string{""}
	}
	var out []Answer
	for _, op := range ops {
		for _, e := range errnos {
			out = append(out, Answer{Op: op, Errno: e})
		}
	}
	return out
}

// Fits reports whether the fix answers the symptom's failure: its errno
// (and its operation, when both name one). A symptom without an errno (a
// health check, an error not recognised) leaves the decision to the
// evidence.
func (f Fix) Fits(s symptom.Symptom) bool {
	if s.Errno == "" {
		return true
	}
	for _, a := range f.Answers {
		if a.Errno == s.Errno && (a.Op == "" || s.Operation == "" || a.Op == s.Operation) {
			return true
		}
	}
	return false
}

// PlanCommand is the commands of the fix and of every next step of its
// plan, one per line: what a person copies to do the whole plan by hand.
func (f Fix) PlanCommand() string {
	cmds := []string{f.Command}
	for s := f.Then; s != nil; s = s.Then {
		cmds = append(cmds, s.Command)
	}
	return Lines(cmds...)
}

// Act attaches an action to a fix.
func Act(kind string, params ...string) *Action {
	a := &Action{Kind: kind, Params: map[string]string{}}
	for i := 0; i+1 < len(params); i += 2 {
		if params[i+1] != "" {
			a.Params[params[i]] = params[i+1]
		}
	}
	return a
}

// Argv renders one command line from its arguments, quoting each as a shell
// would need: the result is for people to read and copy, never executed.
func Argv(args ...string) string { return sysexec.Quote(args...) }

// Lines joins command lines.
func Lines(cmds ...string) string {
	out := cmds[:0:0]
	for _, c := range cmds {
		if c != "" {
			out = append(out, c)
		}
	}
	return strings.Join(out, "\n")
}

// PromptLines renders a fix's commands for reading: "$ " before each
// command, nothing before a comment ("# ...") or the body of a here-document
// (after `<<'EOF'`, up to the line EOF), so what looks typed is typed.
func PromptLines(cmd string) []string {
	var out []string
	end := ""
	for _, line := range strings.Split(cmd, "\n") {
		switch {
		case end != "":
			out = append(out, "  "+line)
			if line == end {
				end = ""
			}
		case strings.HasPrefix(line, "#"):
			out = append(out, line)
		default:
			out = append(out, "$ "+line)
			if i := strings.Index(line, "<<'"); i >= 0 {
				if j := strings.Index(line[i+3:], "'"); j > 0 {
					end = line[i+3 : i+3+j]
				}
			}
		}
	}
	return out
}

// OrName is name, or a placeholder when the symptom gave none.
func OrName(name, placeholder string) string {
	if name == "" {
		return placeholder
	}
	return name
}
