package fix

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"
)

// shellsAndRuntimes are programs a file capability must never go on: with
// it, everyone who may run them gets the capability for any code they
// choose (a shell, an interpreter, a runtime, a tool that runs commands).
// A name matches as is, or followed by a version ("python3", "python3.12",
// "lua5.4", "php8.2", "ld-linux-x86-64.so.2").
var shellsAndRuntimes = []string{
	"sh", "bash", "rbash", "dash", "ash", "mksh", "ksh", "ksh93", "pdksh", "tcsh", "csh", "zsh", "fish", "yash", "elvish", "nu", "xonsh",
	"busybox", "toybox", "awk", "gawk", "mawk", "nawk", "busybox-awk", "tclsh", "wish", "expect",
	"perl", "python", "pypy", "ruby", "irb", "jruby", "node", "nodejs", "deno", "bun", "java", "jshell", "php", "php-cgi",
	"lua", "luajit", "guile", "racket", "R", "Rscript", "julia", "erl", "escript", "ghci", "ocaml", "sbcl", "emacs", "vim", "vi", "nvim", "gdb",
	"env", "sudo", "su", "doas", "pkexec", "runuser", "setpriv", "capsh", "nsenter", "unshare", "chroot", "xargs", "find", "script",
	"ld.so", "ld-linux", "ld-linux-x86-64", "ld-linux-aarch64", "ld-musl",
	"docker", "dockerd", "containerd", "containerd-shim", "containerd-shim-runc-v2", "runc", "crun", "youki", "podman", "conmon",
	"lxc", "lxd", "systemd-nspawn", "qemu", "qemu-system-x86_64", "bwrap", "firejail",
}

// IsShellOrRuntime reports whether the program at p (by its name) is a
// shell, an interpreter, a container runtime or a tool that runs other
// programs: a file capability must never go on it.
func IsShellOrRuntime(p string) bool {
	base := filepath.Base(p)
	for _, name := range shellsAndRuntimes {
		if base == name {
			return true
		}
		rest, ok := strings.CutPrefix(base, name)
		if ok && rest != "" && (rest[0] >= '0' && rest[0] <= '9' || rest[0] == '.' || rest[0] == '-' && len(rest) > 1 && rest[1] >= '0' && rest[1] <= '9') {
			return true
		}
	}
	return false
}

// setcapForbiddenDirs: no program below them gets a capability (system
// configuration, kernel interfaces, devices, directories anyone may write).
var setcapForbiddenDirs = []string{"/etc", "/proc", "/sys", "/dev", "/tmp", "/var/tmp"}

// checkSetcapPath is what can be told from setcap's path alone: a clean
// absolute path, not below setcapForbiddenDirs, not a shell or runtime.
func checkSetcapPath(v string) error {
	if err := cleanAbs(v); err != nil {
		return err
	}
	for _, d := range setcapForbiddenDirs {
		if v == d || strings.HasPrefix(v, d+"/") {
			return fmt.Errorf("%s is below %s: rtnl-doctor puts no capability on a file there", v, d)
		}
	}
	if IsShellOrRuntime(v) {
		return fmt.Errorf("%s is a shell, interpreter or runtime: a file capability there is the capability for everyone who runs it", v)
	}
	if v == "/" {
		return fmt.Errorf("/ is not a program")
	}
	return nil
}

// checkSetcapFile is what the file itself must be, checked through the
// descriptor setcap acts on: a regular, executable file, writable by no
// one but its owner, in directories (from the root down) that only their
// owner can write. root is the directory the action's paths are below
// ("/" on a live system); p is the action's path.
func checkSetcapFile(f *os.File, root, p string) error {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return err
	}
	switch {
	case st.Mode&unix.S_IFMT != unix.S_IFREG:
		return fmt.Errorf("%s is not a regular file: rtnl-doctor puts no capability on it", p)
	case st.Mode&0o111 == 0:
		return fmt.Errorf("%s is not executable: rtnl-doctor puts capabilities only on programs", p)
	case st.Mode&0o022 != 0:
		return fmt.Errorf("%s is writable by its group or others (mode %04o): whoever can write it would get the capability", p, st.Mode&0o7777)
	}
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		var ds unix.Stat_t
		if err := unix.Stat(filepath.Join(root, d), &ds); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
		if ds.Mode&0o002 != 0 {
			return fmt.Errorf("%s is below %s, which anyone can write (mode %04o): rtnl-doctor puts no capability on a file there", p, d, ds.Mode&0o7777)
		}
		if d == "/" {
			break
		}
	}
	return nil
}
