package fix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/fixture"
	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

// The fault-injection child: the test binary re-executed with
// RTNL_DOCTOR_KILL_AT set applies (or undoes) one fix and SIGKILLs itself
// at the named step.
func TestMain(m *testing.M) {
	if at := os.Getenv("RTNL_DOCTOR_KILL_AT"); at != "" {
		os.Exit(faultChild(at))
	}
	if dir := os.Getenv("RTNL_DOCTOR_PIDNS_CHILD"); dir != "" {
		os.Exit(pidReuseChild(dir))
	}
	if dir := os.Getenv("RTNL_DOCTOR_PINRACE_CHILD"); dir != "" {
		os.Exit(pinRaceChild(dir))
	}
	if os.Getenv("RTNL_DOCTOR_FOREIGN_PROC_CHILD") != "" {
		os.Exit(foreignProcChild())
	}
	os.Exit(m.Run())
}

func faultChild(at string) int {
	var f Fix
	if err := json.Unmarshal([]byte(os.Getenv("RTNL_DOCTOR_KILL_FIX")), &f); err != nil {
		fmt.Fprintln(os.Stderr, "fix:", err)
		return 5
	}
	root := os.Getenv("RTNL_DOCTOR_KILL_ROOT")
	j, err := OpenJournal(os.Getenv("RTNL_DOCTOR_KILL_JOURNAL"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "journal:", err)
		return 5
	}
	env := faultEnv(root, j)
	faultHook = func(step string) {
		if step == at {
			unix.Kill(os.Getpid(), unix.SIGKILL)
			select {}
		}
	}
	if os.Getenv("RTNL_DOCTOR_KILL_MODE") == "undo" {
		_, err = UndoFix(context.Background(), env, "")
	} else {
		_, err = ApplyFix(context.Background(), env, f)
	}
	fmt.Fprintln(os.Stderr, "not killed:", err)
	return 6
}

// fakeRunner stands in for modprobe, setenforce, aa-complain/aa-enforce,
// networkctl and nmcli: it changes files below root the way the real
// program changes the kernel's state. Results are "not verified on a live
// system".
func fakeRunner(root string) Runner {
	return func(_ context.Context, _ time.Duration, name string, args ...string) (sysexec.Result, error) {
		switch name {
		case "modprobe":
			if args[0] == "-r" {
				os.Remove(filepath.Join(root, "sys/module", args[2]))
			} else {
				os.MkdirAll(filepath.Join(root, "sys/module", args[1]), 0o755)
			}
		case "setenforce":
			os.WriteFile(filepath.Join(root, "sys/fs/selinux/enforce"), []byte(args[0]+"\n"), 0o644)
		case "aa-complain":
			os.WriteFile(filepath.Join(root, "sys/kernel/security/apparmor/profiles"), []byte(args[0]+" (complain)\n"), 0o644)
		case "aa-enforce":
			os.WriteFile(filepath.Join(root, "sys/kernel/security/apparmor/profiles"), []byte(args[0]+" (enforce)\n"), 0o644)
		case "semanage":
			list := filepath.Join(root, "semanage-permissive")
			switch args[1] {
			case "-a":
				os.WriteFile(list, []byte(args[2]+"\n"), 0o644)
			case "-d":
				os.Remove(list)
			case "-l":
				b, _ := os.ReadFile(list)
				return sysexec.Result{Path: "/simulated/semanage", Stdout: b}, nil
			}
		case "networkctl", "nmcli":
		default:
			return sysexec.Result{}, fmt.Errorf("%s: not simulated", name)
		}
		return sysexec.Result{Path: "/simulated/" + name, Args: args}, nil
	}
}

func faultEnv(root string, j *Journal) *ActionEnv {
	env := &ActionEnv{Root: root, Journal: j, Run: fakeRunner(root)}
	env.Edit = func(path string, _ int) error {
		b, _ := os.ReadFile(path)
		return os.WriteFile(path, append(b, "# edited\n"...), 0o600)
	}
	return env
}

// faultCase is one reversible action, on an object made for it, with a
// reading of the object that must come back after undo.
type faultCase struct {
	name      string
	simulated bool // helper programs simulated: not verified on a live system
	live      bool // acts on the live system's paths (inside objects the case made)
	setup     func(t *testing.T, root string) (Fix, func() string)
}

func nsRead(ns *testns.NS, argv ...string) string {
	out, _ := ns.Exec(argv...)
	return strings.TrimSpace(out)
}

func faultCases() []faultCase {
	netCase := func(name string, prep func(ns *testns.NS), fix func(ns *testns.NS) *Action, read func(ns *testns.NS) string) faultCase {
		return faultCase{name: name, setup: func(t *testing.T, _ string) (Fix, func() string) {
			ns := testns.New(t)
			ns.IP("link", "add", "d0", "type", "veth", "peer", "name", "d1")
			prep(ns)
			return Fix{ID: "t/" + name, Title: name, Action: fix(ns)}, func() string { return read(ns) }
		}}
	}
	routes := func(ns *testns.NS) string { return ns.IP("-4", "route", "show", "10.99.0.0/24") }
	addrs := func(ns *testns.NS) string { return ns.IP("-4", "-o", "addr", "show", "dev", "d0") }
	upD0 := func(ns *testns.NS) {
		ns.IP("link", "set", "d0", "up")
		ns.IP("addr", "add", "10.9.0.1/24", "dev", "d0")
	}
	return []faultCase{
		{name: "sysctl", live: true, setup: func(t *testing.T, _ string) (Fix, func() string) {
			ns := testns.New(t)
			return Fix{ID: "t/sysctl", Title: "sysctl", Action: Act("sysctl", "key", "net.ipv4.ip_forward", "value", "1", "netns", ns.Path())},
				func() string { return nsRead(ns, "/bin/cat", "/proc/sys/net/ipv4/ip_forward") }
		}},
		{name: "sysctl-persist", setup: func(t *testing.T, root string) (Fix, func() string) {
			fixture.Write(t, root, map[string]string{"etc/sysctl.d/90-rtnl-doctor.conf": "vm.swappiness = 10\n"})
			return PersistFix("t/persist", "fs.file-max", "400000"), readFile(filepath.Join(root, "etc/sysctl.d/90-rtnl-doctor.conf"))
		}},
		{name: "write-file", setup: func(t *testing.T, root string) (Fix, func() string) {
			os.MkdirAll(filepath.Join(root, "etc/modules-load.d"), 0o755)
			return Fix{ID: "t/write", Action: Act("write-file", "path", "/etc/modules-load.d/rtnl-doctor-x.conf", "content", "x\n", "mode", "0644")},
				readFile(filepath.Join(root, "etc/modules-load.d/rtnl-doctor-x.conf"))
		}},
		{name: "chmod", setup: func(t *testing.T, root string) (Fix, func() string) {
			fixture.Write(t, root, map[string]string{"etc/NetworkManager/system-connections/a.nmconnection": "[connection]\n"})
			p := filepath.Join(root, "etc/NetworkManager/system-connections/a.nmconnection")
			os.Chmod(p, 0o644)
			return Fix{ID: "t/chmod", Action: Act("chmod", "path", "/etc/NetworkManager/system-connections/a.nmconnection", "mode", "0600", "uid", "0", "gid", "0")},
				func() string { st, err := os.Stat(p); return fmt.Sprint(st.Mode(), err) }
		}},
		{name: "mknod-tun", setup: func(t *testing.T, root string) (Fix, func() string) {
			os.MkdirAll(filepath.Join(root, "dev"), 0o755)
			return Fix{ID: "t/mknod", Action: Act("mknod-tun", "path", "/dev/net/tun", "mode", "0666")},
				func() string {
					_, err := os.Lstat(filepath.Join(root, "dev/net"))
					return fmt.Sprint(errors.Is(err, os.ErrNotExist))
				}
		}},
		{name: "setcap", setup: func(t *testing.T, root string) (Fix, func() string) {
			p := filepath.Join(root, setcapTestProg)
			writeProg(t, p)
			return Fix{ID: "t/setcap", Action: Act("setcap", "path", setcapTestProg, "caps", "cap_net_admin+ep")},
				func() string { c, err := fileCapText(p); return c + fmt.Sprint(err) }
		}},
		{name: "prlimit", live: true, setup: func(t *testing.T, _ string) (Fix, func() string) {
			cmd := testns.Start(t, nil, "sleep", testns.Sleep, "60")
			pid := cmd.Process.Pid
			cur, _ := getNofile(pid)
			return Fix{ID: "t/prlimit", Action: Act("prlimit", "pid", strconv.Itoa(pid), "soft", "777", "hard", rlimText(cur.Max))},
				func() string { l, err := getNofile(pid); return fmt.Sprint(l, err) }
		}},
		netCase("link-set", func(*testns.NS) {}, func(ns *testns.NS) *Action {
			return Act("link-set", "netns", ns.Path(), "name", "d0", "state", "up")
		}, func(ns *testns.NS) string { // the flags: bringing a link up also gives it a qdisc
			out := ns.IP("-o", "link", "show", "d0")
			return out[strings.Index(out, "<"):strings.Index(out, ">")]
		}),
		netCase("addr-replace", func(*testns.NS) {}, func(ns *testns.NS) *Action {
			return Act("addr-replace", "netns", ns.Path(), "dev", "d0", "prefix", "10.9.0.1/24")
		}, addrs),
		netCase("addr-delete", func(ns *testns.NS) { ns.IP("addr", "add", "10.9.0.1/24", "dev", "d0") }, func(ns *testns.NS) *Action {
			return Act("addr-delete", "netns", ns.Path(), "dev", "d0", "prefix", "10.9.0.1/24")
		}, addrs),
		netCase("route-add", upD0, func(ns *testns.NS) *Action {
			return Act("route-add", "netns", ns.Path(), "dst", "10.99.0.0/24", "via", "10.9.0.2", "dev", "d0", "family", "inet")
		}, routes),
		netCase("route-replace", func(ns *testns.NS) { upD0(ns); ns.IP("route", "add", "10.99.0.0/24", "via", "10.9.0.2") }, func(ns *testns.NS) *Action {
			return Act("route-replace", "netns", ns.Path(), "dst", "10.99.0.0/24", "via", "10.9.0.3", "dev", "d0", "family", "inet")
		}, routes),
		netCase("route-delete", func(ns *testns.NS) { upD0(ns); ns.IP("route", "add", "10.99.0.0/24", "via", "10.9.0.2") }, func(ns *testns.NS) *Action {
			return Act("route-delete", "netns", ns.Path(), "dst", "10.99.0.0/24", "family", "inet")
		}, routes),
		netCase("link-mtu", func(*testns.NS) {}, func(ns *testns.NS) *Action {
			return LinkMTUAct(ns.Path(), "d0", 9000)
		}, func(ns *testns.NS) string { return ns.IP("-o", "link", "show", "d0") }),
		netCase("altname-delete", func(ns *testns.NS) { ns.IP("link", "property", "add", "dev", "d0", "altname", "alt0") }, func(ns *testns.NS) *Action {
			return Act("altname-delete", "netns", ns.Path(), "name", "d0", "altname", "alt0")
		}, func(ns *testns.NS) string { return ns.IP("-o", "link", "show", "d0") }),
		{name: "modprobe", simulated: true, setup: func(t *testing.T, root string) (Fix, func() string) {
			os.MkdirAll(filepath.Join(root, "sys/module"), 0o755)
			return Fix{ID: "t/modprobe", Action: Act("modprobe", "module", "rtnldoc_test")},
				func() string {
					_, err := os.Stat(filepath.Join(root, "sys/module/rtnldoc_test"))
					return fmt.Sprint(err == nil)
				}
		}},
		{name: "setenforce", simulated: true, setup: func(t *testing.T, root string) (Fix, func() string) {
			fixture.Write(t, root, map[string]string{"sys/fs/selinux/enforce": "1\n"})
			return Fix{ID: "t/setenforce", Action: Act("helper", "op", "selinux-permissive")}, readFile(filepath.Join(root, "sys/fs/selinux/enforce"))
		}},
		{name: "aa-complain", simulated: true, setup: func(t *testing.T, root string) (Fix, func() string) {
			fixture.Write(t, root, map[string]string{"sys/kernel/security/apparmor/profiles": "foo (enforce)\n"})
			return Fix{ID: "t/aa", Action: Act("helper", "op", "apparmor-complain", "arg", "foo")}, readFile(filepath.Join(root, "sys/kernel/security/apparmor/profiles"))
		}},
		{name: "semanage-permissive", simulated: true, setup: func(t *testing.T, root string) (Fix, func() string) {
			return Fix{ID: "t/semanage", Action: Act("helper", "op", "selinux-permissive-domain", "arg", "svirt_t")}, readFile(filepath.Join(root, "semanage-permissive"))
		}},
		{name: "edit", simulated: true, setup: func(t *testing.T, root string) (Fix, func() string) {
			fixture.Write(t, root, map[string]string{"etc/systemd/network/10-a.network": "[Match]\nName=a\n"})
			return Fix{ID: "t/edit", Action: Act("edit", "path", "/etc/systemd/network/10-a.network", "line", "1", "reload", "networkd")},
				readFile(filepath.Join(root, "etc/systemd/network/10-a.network"))
		}},
	}
}

func readFile(p string) func() string {
	return func() string { b, err := os.ReadFile(p); return string(b) + fmt.Sprint(err) }
}

// TestKillAtEveryStep: for every reversible action this kernel allows, a
// process applying (or undoing) it is SIGKILLed at each step in turn; the
// next rtnl-doctor reconciles the journal with the live state, and undo
// returns the object to its old state (or refuses saying exactly what to
// check). Helper programs (modprobe, setenforce, aa-complain, networkctl)
// run against a simulated runner: those results are not verified on a
// live system.
func TestKillAtEveryStep(t *testing.T) {
	testns.Require(t)
	for _, c := range faultCases() {
		for _, at := range []string{"intent", "changed", "recorded", "undone"} {
			t.Run(c.name+"/"+at, func(t *testing.T) {
				if c.simulated {
					t.Log("helper programs simulated: not verified on a live system")
				}
				root, jdir := t.TempDir(), t.TempDir()
				f, read := c.setup(t, root)
				if c.live {
					root = ""
				}
				before := read()
				j, err := OpenJournal(jdir)
				if err != nil {
					t.Fatal(err)
				}
				env := faultEnv(root, j)
				ctx := context.Background()
				mode := "apply"
				if at == "undone" {
					mode = "undo"
					if _, err := ApplyFix(ctx, env, f); err != nil {
						t.Fatalf("apply: %v", err)
					}
					if read() == before {
						t.Fatalf("the fix changed nothing: %q", before)
					}
				}
				fj, _ := json.Marshal(f)
				cmd := exec.Command(os.Args[0])
				cmd.Env = append(os.Environ(), "RTNL_DOCTOR_KILL_AT="+at, "RTNL_DOCTOR_KILL_MODE="+mode,
					"RTNL_DOCTOR_KILL_FIX="+string(fj), "RTNL_DOCTOR_KILL_ROOT="+root, "RTNL_DOCTOR_KILL_JOURNAL="+jdir)
				out, err := cmd.CombinedOutput()
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
					t.Fatalf("the child was not killed at %s: %v\n%s", at, err, out)
				}
				// The next run: reconcile, then plain undo.
				if _, err := Reconcile(ctx, env); err != nil {
					t.Fatalf("reconcile: %v", err)
				}
				_, uerr := UndoFix(ctx, env, "")
				if got := read(); got != before {
					t.Fatalf("after kill at %s and undo (%v): state %q, want %q", at, uerr, got, before)
				}
				if uerr != nil && !strings.Contains(uerr.Error(), "nothing to undo") && !strings.Contains(uerr.Error(), "already undone") {
					t.Fatalf("undo after kill at %s: %v", at, uerr)
				}
				acts, _ := j.Actions()
				for _, a := range acts {
					if a.Interrupted() {
						t.Fatalf("an interrupted entry is left unreconciled: %+v", a)
					}
				}
				if root != "" {
					if left, _ := filepath.Glob(filepath.Join(root, "*/*/.rtnl-doctor-tmp.*")); len(left) > 0 {
						t.Fatalf("temporary files survived: %v", left)
					}
				}
			})
		}
	}
}
