package fix

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

func testEnv(t *testing.T, root string) *ActionEnv {
	t.Helper()
	j, err := OpenJournal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &ActionEnv{Root: root, Journal: j}
}

// applyUndo applies a fix, runs check after it, undoes it, and returns the
// journal's view of the action.
func applyUndo(t *testing.T, env *ActionEnv, f Fix, after func()) Entry {
	t.Helper()
	ctx := context.Background()
	if ok, why := CanApply(f, env); !ok {
		t.Fatalf("cannot apply %s: %s", f.ID, why)
	}
	e, err := ApplyFix(ctx, env, f)
	if err != nil {
		t.Fatalf("apply %s: %v", f.ID, err)
	}
	after()
	if _, err := UndoFix(ctx, env, ""); err != nil {
		t.Fatalf("undo %s: %v", f.ID, err)
	}
	acts, _ := env.Journal.Actions()
	last := acts[len(acts)-1]
	if last.ID != e.ID || last.Phase != PhaseUndone {
		t.Fatalf("journal: %+v", last)
	}
	return last
}

func TestFileActionsAgainstTempRoot(t *testing.T) {
	root := t.TempDir()
	env := testEnv(t, root)
	fixture.Write(t, root, map[string]string{
		"etc/sysctl.d/90-rtnl-doctor.conf":                     "# ours\nvm.swappiness = 10\n",
		"etc/NetworkManager/system-connections/a.nmconnection": "[connection]\nid=a\n",
	})
	conf := filepath.Join(root, "etc/sysctl.d/90-rtnl-doctor.conf")
	before, _ := os.ReadFile(conf)

	f := PersistFix("t/persist", "fs.file-max", "400000")
	applyUndo(t, env, f, func() {
		b, _ := os.ReadFile(conf)
		if string(b) != "# ours\nvm.swappiness = 10\nfs.file-max = 400000\n" {
			t.Fatalf("persisted %q", b)
		}
	})
	if b, _ := os.ReadFile(conf); string(b) != string(before) {
		t.Fatalf("undo left %q", b)
	}

	limits := filepath.Join(root, "etc/security/limits.d/90-rtnl-doctor.conf")
	f = Fix{ID: "t/limits", Action: Act("write-file", "path", "/etc/security/limits.d/90-rtnl-doctor.conf", "content", "*  soft  nofile  65536\n", "mode", "0644")}
	applyUndo(t, env, f, func() {
		if b, _ := os.ReadFile(limits); !strings.Contains(string(b), "65536") {
			t.Fatalf("limits %q", b)
		}
	})
	if _, err := os.Stat(limits); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("undo of a new file must remove it")
	}

	kf := filepath.Join(root, "etc/NetworkManager/system-connections/a.nmconnection")
	os.Chmod(kf, 0o644)
	f = Fix{ID: "t/keyfile", Action: Act("chmod", "path", "/etc/NetworkManager/system-connections/a.nmconnection", "mode", "0600", "uid", "0", "gid", "0")}
	if os.Geteuid() == 0 {
		applyUndo(t, env, f, func() {
			if st, _ := os.Stat(kf); st.Mode().Perm() != 0o600 {
				t.Fatalf("mode %v", st.Mode())
			}
		})
		if st, _ := os.Stat(kf); st.Mode().Perm() != 0o644 {
			t.Fatalf("undo mode %v", st.Mode())
		}
	}

	// The editor: a fake one that appends a line; undo restores the file.
	t.Setenv("EDITOR", "")
	env.Edit = func(path string, line int) error {
		if line != 3 {
			t.Errorf("editor line %d", line)
		}
		b, _ := os.ReadFile(path)
		return os.WriteFile(path, append(b, "# edited\n"...), 0o600)
	}
	f = Fix{ID: "t/edit", Action: Act("edit", "path", "/etc/NetworkManager/system-connections/a.nmconnection", "line", "3")}
	applyUndo(t, env, f, func() {
		if b, _ := os.ReadFile(kf); !strings.HasSuffix(string(b), "# edited\n") {
			t.Fatalf("edited %q", b)
		}
	})
	if b, _ := os.ReadFile(kf); string(b) != "[connection]\nid=a\n" {
		t.Fatalf("undo of an edit left %q", b)
	}
}

func TestFailuresLeaveNothing(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	env := testEnv(t, root)
	// A symlink planted where the action writes.
	victim := filepath.Join(root, "victim")
	os.WriteFile(victim, []byte("precious"), 0o644)
	os.MkdirAll(filepath.Join(root, "etc/sysctl.d"), 0o755)
	os.Symlink(victim, filepath.Join(root, "etc/sysctl.d/90-rtnl-doctor.conf"))
	_, err := ApplyFix(ctx, env, PersistFix("t/persist", "fs.file-max", "1"))
	if err == nil || !strings.Contains(err.Error(), "symlink") {
		t.Fatalf("symlink planted: %v", err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Fatal("the symlink's target changed")
	}
	// A read-only sysctl (0444 even for root): the write fails, the journal
	// says so, nothing changed.
	if os.Geteuid() == 0 {
		live := testEnv(t, "")
		e, err := ApplyFix(ctx, live, Fix{ID: "t/ro", Action: Act("sysctl", "key", "net.ipv4.tcp_available_congestion_control", "value", "evil")})
		if err == nil {
			t.Fatal("writing a read-only sysctl succeeded")
		}
		acts, _ := live.Journal.Actions()
		if len(acts) != 1 || acts[0].Phase != PhaseFailed || acts[0].Note != "nothing was changed" || e.Phase != PhaseFailed {
			t.Fatalf("journal after a failure: %+v", acts)
		}
		if _, err := UndoFix(ctx, live, acts[0].ID); err == nil {
			t.Fatal("a failed action must not be undone")
		}
	}
	// A vanished process.
	cmd := exec.Command("/bin/true")
	cmd.Run()
	pid := strconv.Itoa(cmd.Process.Pid)
	if _, err := ApplyFix(ctx, env, Fix{ID: "t/gone", Action: Act("prlimit", "pid", pid, "soft", "100", "hard", "100")}); err == nil || !strings.Contains(err.Error(), "gone") {
		if os.Geteuid() == 0 {
			t.Fatalf("prlimit of a dead process: %v", err)
		}
	}
	// Read-only and dry-run change nothing.
	ro := &ActionEnv{ReadOnly: true}
	if ok, why := CanApply(Fix{Action: Act("compact-memory")}, ro); ok || !strings.Contains(why, "read-only") {
		t.Fatalf("read-only: %v %q", ok, why)
	}
	dry := &ActionEnv{Root: root, DryRun: true}
	if _, err := ApplyFix(ctx, dry, Fix{ID: "t/dry", Action: Act("write-file", "path", "/etc/modules-load.d/dry.conf", "content", "x")}); !errors.Is(err, ErrDryRun) {
		if os.Geteuid() == 0 {
			t.Fatalf("dry run: %v", err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "etc/modules-load.d/dry.conf")); err == nil {
		t.Fatal("dry run wrote a file")
	}
}

func TestCanApplyWithoutPrivileges(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("run as a user to see the instructions")
	}
	ok, why := CanApply(Fix{Action: Act("link-set", "name", "eth0", "state", "up")}, &ActionEnv{})
	if ok || !strings.Contains(why, "CAP_NET_ADMIN") || !strings.Contains(why, "sudo") {
		t.Fatalf("%v %q", ok, why)
	}
}

func TestLiveNetActions(t *testing.T) {
	ns := testns.New(t)
	ns.IP("link", "add", "veth0", "type", "veth", "peer", "name", "veth1")
	ns.IP("link", "property", "add", "dev", "veth0", "altname", "spare0")
	ns.IP("addr", "add", "10.0.0.1/24", "dev", "veth0")
	path := ns.Path()
	env := testEnv(t, "")
	show := func(args ...string) string { return ns.IP(args...) }
	// (no snapshot here: bringing veth0 up and down again leaves the kernel's
	// qdisc noqueue in place of noop, so the comparison starts below)
	applyUndo(t, env, Fix{ID: "t/up", Action: Act("link-set", "netns", path, "name", "veth0", "state", "up")}, func() {
		if !strings.Contains(show("link", "show", "veth0"), ",UP") {
			t.Fatal("veth0 not up")
		}
	})
	applyUndo(t, env, Fix{ID: "t/sysctl", Action: Act("sysctl", "netns", path, "key", "net.ipv6.conf.veth0.disable_ipv6", "dev", "veth0", "value", "1")}, func() {
		if out, _ := ns.Exec("/bin/cat", "/proc/sys/net/ipv6/conf/veth0/disable_ipv6"); strings.TrimSpace(out) != "1" {
			t.Fatalf("disable_ipv6 = %q", out)
		}
	})
	applyUndo(t, env, Fix{ID: "t/addr", Action: Act("addr-replace", "netns", path, "dev", "veth0", "prefix", "10.0.0.2/24")}, func() {
		if !strings.Contains(show("addr", "show", "veth0"), "10.0.0.2/24") {
			t.Fatal("address not added")
		}
	})
	applyUndo(t, env, Fix{ID: "t/addr-del", Action: Act("addr-delete", "netns", path, "dev", "veth0", "prefix", "10.0.0.1/24")}, func() {
		if strings.Contains(show("addr", "show", "veth0"), "10.0.0.1/24") {
			t.Fatal("address not deleted")
		}
	})
	ns.IP("link", "set", "veth0", "up")
	ns.IP("link", "set", "veth1", "up")
	ns.IP("route", "add", "10.9.0.0/16", "via", "10.0.0.254")
	// The veth pair's carrier comes up asynchronously: snapshot once both
	// ends say state UP, or a busy machine catches them half way.
	for i := 0; i < 200 && strings.Count(show("link", "show"), "state UP") < 2; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	start := show("-4", "addr", "show") + show("link", "show") + show("route", "show")
	applyUndo(t, env, Fix{ID: "t/route", Action: Act("route-replace", "netns", path, "dst", "10.9.0.0/16", "via", "10.0.0.253", "family", "inet")}, func() {
		if !strings.Contains(show("route", "show"), "10.9.0.0/16 via 10.0.0.253") {
			t.Fatalf("route not replaced: %s", show("route", "show"))
		}
	})
	applyUndo(t, env, Fix{ID: "t/route-del", Action: Act("route-delete", "netns", path, "dst", "10.9.0.0/16", "family", "inet")}, func() {
		if strings.Contains(show("route", "show"), "10.9.0.0/16") {
			t.Fatal("route not deleted")
		}
	})
	applyUndo(t, env, Fix{ID: "t/altname", Action: Act("altname-delete", "netns", path, "name", "veth0", "altname", "spare0")}, func() {
		if strings.Contains(show("link", "show", "veth0"), "spare0") {
			t.Fatal("altname not removed")
		}
	})
	if end := show("-4", "addr", "show") + show("link", "show") + show("route", "show"); end != start {
		t.Fatalf("the namespace did not return to its start:\n%s\n---\n%s", start, end)
	}
	// link-delete has no undo, and says so.
	e, err := ApplyFix(context.Background(), env, Fix{ID: "t/del", Action: Act("link-delete", "netns", path, "name", "veth1", "attached", "peer veth0")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := UndoFix(context.Background(), env, e.ID); err == nil || !strings.Contains(err.Error(), "cannot be undone") {
		t.Fatalf("undo of a delete: %v", err)
	}
}

func TestLivePrlimitOfChild(t *testing.T) {
	testns.Require(t)
	cmd := testns.Start(t, nil, "sleep", testns.Sleep, "60")
	pid := cmd.Process.Pid
	var before unix.Rlimit
	unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &before)
	soft := before.Cur / 2
	env := testEnv(t, "")
	applyUndo(t, env, Fix{ID: "t/prlimit", Action: Act("prlimit", "pid", strconv.Itoa(pid), "soft", strconv.FormatUint(soft, 10), "hard", rlimText(before.Max))}, func() {
		var now unix.Rlimit
		unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &now)
		if now.Cur != soft {
			t.Fatalf("soft = %d, want %d", now.Cur, soft)
		}
	})
	var after unix.Rlimit
	unix.Prlimit(pid, unix.RLIMIT_NOFILE, nil, &after)
	if after != before {
		t.Fatalf("limits %+v, want %+v", after, before)
	}
}

// setcapTestProg is the program setcap tests act on, below a temporary
// root (the environment's Root): /tmp itself is refused, anyone can write it.
const setcapTestProg = "/usr/local/bin/prog"

// writeProg makes an executable at p, its directories 0755.
func writeProg(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func TestLiveSetcapOnTempFile(t *testing.T) {
	testns.Require(t)
	root := t.TempDir()
	p := filepath.Join(root, setcapTestProg)
	writeProg(t, p)
	env := testEnv(t, root)
	applyUndo(t, env, Fix{ID: "t/setcap", Action: Act("setcap", "path", setcapTestProg, "caps", "cap_net_admin+ep")}, func() {
		if c, _ := fileCapText(p); !strings.Contains(c, "cap_net_admin") {
			t.Fatalf("caps %q", c)
		}
	})
	if c, _ := fileCapText(p); c != "" {
		t.Fatalf("undo left caps %q", c)
	}
}

// TestLiveTunNodeInMountNamespace runs in a private mount namespace with a
// tmpfs over /dev/net (the test binary re-executes itself there).
func TestLiveTunNodeInMountNamespace(t *testing.T) {
	if os.Getenv("RTNL_DOCTOR_IN_MNTNS") == "1" {
		if err := unix.Mount("tmpfs", "/dev/net", "tmpfs", 0, "mode=0755"); err != nil {
			t.Fatalf("mount tmpfs: %v", err)
		}
		env := testEnv(t, "")
		f := Fix{ID: "t/mknod", Action: Act("mknod-tun", "path", "/dev/net/tun", "mode", "0666")}
		applyUndo(t, env, f, func() {
			var st unix.Stat_t
			if err := unix.Stat("/dev/net/tun", &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 10 || unix.Minor(st.Rdev) != 200 || st.Mode&0o777 != 0o666 {
				t.Fatalf("node: %v %+v", err, st)
			}
		})
		if _, err := os.Stat("/dev/net/tun"); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("undo left the node")
		}
		return
	}
	testns.Require(t)
	cmd := exec.Command("/usr/bin/unshare", "--mount", "--propagation", "private", os.Args[0], "-test.run", "^TestLiveTunNodeInMountNamespace$", "-test.v")
	cmd.Env = append(os.Environ(), "RTNL_DOCTOR_IN_MNTNS=1")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS") {
		t.Fatalf("in a private mount namespace: %v\n%s", err, out)
	}
	if _, err := os.Stat("/dev/net/tun"); err != nil {
		t.Fatalf("the host's /dev/net/tun is affected: %v", err)
	}
}

// Route table, protocol and scope are numbers in an action: a name would
// be read as 0 (the main table) and act on another route (attacker review).
func TestRouteParamsAreNumbers(t *testing.T) {
	base := []string{"netns", "/run/netns/x", "dst", "10.77.0.0/24", "via", "10.0.0.2", "dev", "d0", "family", "inet"}
	for _, kv := range [][2]string{{"table", "blue"}, {"proto", "dhcp"}, {"scope", "link"}, {"table", "-1"}, {"proto", "256"}} {
		a := Act("route-add", append(append([]string{}, base...), kv[0], kv[1])...)
		if err := ValidateAction(a); err == nil {
			t.Errorf("%s=%s accepted", kv[0], kv[1])
		}
	}
	if err := ValidateAction(Act("route-add", append(append([]string{}, base...), "table", "100", "proto", "16", "scope", "253")...)); err != nil {
		t.Errorf("numbers refused: %v", err)
	}
}

// /dev/vhost-net is created as the misc device 10:238 (VHOST_NET_MINOR),
// below the environment's root, and removed by undo; chmod accepts it and
// nothing else directly under /dev.
func TestMknodVhostNet(t *testing.T) {
	testns.Require(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "dev"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := testEnv(t, root)
	p := filepath.Join(root, "dev/vhost-net")
	applyUndo(t, env, Fix{ID: "t/mknod-vhost", Action: MknodNodeAct("/dev/vhost-net", 0o666, "")}, func() {
		var st unix.Stat_t
		if err := unix.Lstat(p, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR || unix.Major(st.Rdev) != 10 || unix.Minor(st.Rdev) != 238 || st.Mode&0o777 != 0o666 {
			t.Fatalf("node: %v %+v", err, st)
		}
	})
	if _, err := os.Lstat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("undo left the node: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(root, "dev")); err != nil {
		t.Fatalf("undo removed /dev, which it did not create: %v", err)
	}
	for _, a := range []*Action{ChmodAct("/dev/vhost-net", 0o666, -1, -1, ""), MknodNodeAct("/dev/net/tun", 0o666, "")} {
		if err := ValidateAction(a); err != nil {
			t.Errorf("%v refused: %v", a.Params, err)
		}
	}
	for _, a := range []*Action{ChmodAct("/dev/kvm", 0o666, -1, -1, ""), ChmodAct("/dev/null", 0o666, -1, -1, ""), MknodNodeAct("/dev/kvm", 0o666, "")} {
		if err := ValidateAction(a); err == nil {
			t.Errorf("%v accepted", a.Params)
		}
	}
}
