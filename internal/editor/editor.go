// Package editor builds the command that opens a file at a line in the
// user's editor: $VISUAL or $EDITOR split into words (never given to a
// shell); a name without a slash is taken from the fixed system directories
// only (never from $PATH, which a root shell may have inherited from a
// user); else vi or nano.
package editor

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
)

// Command returns the editor command for path at line (1-based; 0 for
// none). Its environment is the user's, since an editor needs TERM and HOME.
func Command(path string, line int) (*exec.Cmd, error) {
	var argv []string
	for _, v := range []string{"VISUAL", "EDITOR"} {
		if f := strings.Fields(os.Getenv(v)); len(f) > 0 {
			argv = f
			break
		}
	}
	if len(argv) == 0 {
		for _, name := range []string{"vi", "nano"} {
			if p, err := sysexec.Find(name); err == nil {
				argv = []string{p}
				break
			}
		}
	}
	if len(argv) == 0 {
		return nil, fmt.Errorf("no editor: set EDITOR (looked for vi and nano in %s)", strings.Join(sysexec.Dirs, ", "))
	}
	bin := argv[0]
	switch {
	case filepath.IsAbs(bin):
	case strings.ContainsRune(bin, '/'):
		return nil, fmt.Errorf("editor %q: give an absolute path or a program name", bin)
	default:
		p, err := sysexec.Find(bin)
		if err != nil {
			return nil, fmt.Errorf("editor: %w (set EDITOR to an absolute path)", err)
		}
		bin = p
	}
	args := append([]string{}, argv[1:]...)
	if line > 0 {
		switch filepath.Base(bin) {
		case "code", "codium", "subl":
			args = append(args, "--goto", path+":"+strconv.Itoa(line))
			return exec.Command(bin, args...), nil
		default: // vi, vim, nvim, nano, emacs, micro, helix, kak all take +LINE
			args = append(args, "+"+strconv.Itoa(line))
		}
	}
	args = append(args, "--", path)
	if b := filepath.Base(bin); b == "nano" || b == "micro" {
		// They do not all take "--" before the file.
		args = append(args[:len(args)-2], path)
	}
	return exec.Command(bin, args...), nil
}
