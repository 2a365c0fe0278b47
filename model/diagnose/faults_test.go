package diagnose

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"golang.org/x/sys/unix"
)

// TestSignalDuringApply sends SIGTERM (and SIGHUP) to a process while it
// applies a fix: the change completes, the journal records its end, and
// only then does the signal take effect.
func TestSignalDuringApply(t *testing.T) {
	if dir := os.Getenv("RTNL_DOCTOR_SIGNAL_CHILD"); dir != "" {
		j, err := fix.OpenJournal(dir)
		if err != nil {
			os.Exit(4)
		}
		slow := func(context.Context, time.Duration, string, ...string) (sysexec.Result, error) {
			time.Sleep(time.Second)
			return sysexec.Result{}, nil
		}
		env := &fix.ActionEnv{Journal: j, Run: slow}
		os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
		// A slow action: a helper that takes a second.
		e, _ := fix.ApplyFix(context.Background(), env, fix.Fix{ID: "t/slow", Action: fix.Act("helper", "op", "networkd-reload")})
		if e.Signal != "" {
			os.Exit(7) // what a program does once the change is complete
		}
		os.Exit(3)
	}
	testns.Require(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run", "^TestSignalDuringApply$")
			cmd.Env = append(os.Environ(), "RTNL_DOCTOR_SIGNAL_CHILD="+dir)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 100; i++ {
				if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
			time.Sleep(300 * time.Millisecond) // inside the action
			start := time.Now()
			cmd.Process.Signal(sig)
			err := cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 7 {
				t.Fatalf("the child did not finish the change and report %v: %v", sig, err)
			}
			if time.Since(start) < 300*time.Millisecond {
				t.Fatalf("the signal interrupted the change (ended after %s)", time.Since(start))
			}
			j, _ := fix.OpenJournal(dir)
			acts, _ := j.Actions()
			if len(acts) != 1 || acts[0].Phase != fix.PhaseDone || acts[0].Signal == "" {
				t.Fatalf("journal after %v: %+v", sig, acts)
			}
		})
	}
}

// TestReadOnlyEtc: a file action against a read-only /etc fails, changes
// nothing, and the journal says so. It runs in a private mount namespace
// (the test binary re-executes itself there) with a read-only bind mount.
func TestReadOnlyEtc(t *testing.T) {
	if root := os.Getenv("RTNL_DOCTOR_RO_CHILD"); root != "" {
		etc := filepath.Join(root, "etc")
		if err := unix.Mount(etc, etc, "", unix.MS_BIND, ""); err != nil {
			t.Fatalf("bind: %v", err)
		}
		if err := unix.Mount("", etc, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY, ""); err != nil {
			t.Fatalf("remount ro: %v", err)
		}
		j, err := fix.OpenJournal(filepath.Join(root, "journal"))
		if err != nil {
			t.Fatal(err)
		}
		env := &fix.ActionEnv{Root: root, Journal: j}
		_, err = fix.ApplyFix(context.Background(), env, fix.PersistFix("t/persist", "fs.file-max", "400000"))
		if err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Fatalf("write to a read-only /etc: %v", err)
		}
		acts, _ := j.Actions()
		if len(acts) != 1 || acts[0].Phase != fix.PhaseFailed || acts[0].Note != "nothing was changed" {
			t.Fatalf("journal: %+v", acts)
		}
		return
	}
	testns.Require(t)
	root := t.TempDir()
	conf := filepath.Join(root, "etc/sysctl.d/90-rtnl-doctor.conf")
	os.MkdirAll(filepath.Dir(conf), 0o755)
	os.WriteFile(conf, []byte("vm.swappiness = 10\n"), 0o644)
	cmd := exec.Command("/usr/bin/unshare", "--mount", "--propagation", "private", os.Args[0], "-test.run", "^TestReadOnlyEtc$", "-test.v")
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_RO_CHILD="+root)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(conf); string(b) != "vm.swappiness = 10\n" {
		t.Fatalf("the file changed: %q", b)
	}
	if left, _ := filepath.Glob(filepath.Join(root, "etc/sysctl.d/.*")); len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
}
