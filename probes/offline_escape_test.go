package probes

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"github.com/rtnl-doctor/rtnl-doctor/probes/source"
	"kernel.org/pub/linux/libs/security/libcap/cap"
)

// withCaps makes an executable file with cap_net_admin=ep at p.
func withCaps(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte("#!/bin/true\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	set, err := cap.FromText("cap_net_admin=ep")
	if err != nil {
		t.Fatal(err)
	}
	if err := set.SetFile(p); err != nil {
		t.Skipf("cannot set file capabilities here: %v", err)
	}
}

// Offline, the file capabilities of the target's executable are read from
// the captured tree only: no symlink of the tree (an absolute exe target, a
// symlinked directory, a /proc fd link) leads to a host file.
func TestFileCapsStayInTree(t *testing.T) {
	testns.Require(t)
	victim := filepath.Join(t.TempDir(), "victim")
	withCaps(t, victim)
	for _, tc := range []struct {
		name  string
		links map[string]string // in the tree
		exe   string
	}{
		{"absolute exe", nil, victim},
		{"symlinked directory", map[string]string{"bin": filepath.Dir(victim)}, "/bin/victim"},
		{"through a recorded fd link", map[string]string{"proc/4242/fd/3": victim}, "/proc/4242/fd/3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			copyTree(t, "testdata/roots/base", root)
			os.Remove(filepath.Join(root, "proc/4242/exe"))
			if err := os.Symlink(tc.exe, filepath.Join(root, "proc/4242/exe")); err != nil {
				t.Fatal(err)
			}
			for l, tgt := range tc.links {
				os.MkdirAll(filepath.Dir(filepath.Join(root, l)), 0o755)
				os.Remove(filepath.Join(root, l))
				if err := os.Symlink(tgt, filepath.Join(root, l)); err != nil {
					t.Fatal(err)
				}
			}
			f := Gather(t.Context(), Target{Root: root}, GroupIdentity)
			fc := f.Identity.FileCaps
			if fc == nil || fc.Text != "" || fc.Reason == "" {
				t.Fatalf("file caps of a host file were read: %+v", fc)
			}
		})
	}
	// A file inside the tree is read, through an absolute link resolved in
	// the tree.
	root := t.TempDir()
	copyTree(t, "testdata/roots/base", root)
	withCaps(t, filepath.Join(root, "usr/sbin/ip"))
	f := Gather(t.Context(), Target{Root: root}, GroupIdentity)
	if fc := f.Identity.FileCaps; fc == nil || !strings.Contains(fc.Text, "cap_net_admin") {
		t.Fatalf("file caps of the tree's own file: %+v", fc)
	}
}

// journalctl runs on a captured tree's journal only when no component of
// var/log/journal is a symlink and it holds nothing but directories and
// regular files.
func TestJournalDirStaysInTree(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, root string)
		ok    bool
	}{
		{"a real directory", func(t *testing.T, root string) {
			plant(t, root, "var/log/journal/0123/system.journal", "x", 0o644)
		}, true},
		{"journal is a symlink out", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "var/log"), 0o755)
			os.Symlink(t.TempDir(), filepath.Join(root, "var/log/journal"))
		}, false},
		{"log is a symlink", func(t *testing.T, root string) {
			out := t.TempDir()
			os.MkdirAll(filepath.Join(out, "journal"), 0o755)
			os.MkdirAll(filepath.Join(root, "var"), 0o755)
			os.Symlink(out, filepath.Join(root, "var/log"))
		}, false},
		{"a symlinked journal file", func(t *testing.T, root string) {
			plant(t, root, "var/log/journal/0123/system.journal", "x", 0o644)
			os.Symlink(filepath.Join(t.TempDir(), "x.journal"), filepath.Join(root, "var/log/journal/0123/user.journal"))
		}, false},
		{"a symlinked machine directory", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "var/log/journal"), 0o755)
			os.Symlink(t.TempDir(), filepath.Join(root, "var/log/journal/0123"))
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			tc.setup(t, root)
			_, err := source.JournalDir(NewRoot(root))
			if (err == nil) != tc.ok {
				t.Fatalf("JournalDir: %v", err)
			}
			if !tc.ok {
				_, err := readJournal(t.Context(), NewRoot(root), "-u", "x")
				if err == nil || !strings.Contains(err.Error(), "refused") && !strings.Contains(err.Error(), "not a regular file") {
					t.Fatalf("readJournal: %v", err)
				}
			}
		})
	}
}

// Without /proc/PID/status the credentials are unknown: the JSON has no
// uid 0, and reads back unknown; with it they are there.
func TestIdentityCredsUnknownWithoutStatus(t *testing.T) {
	root := t.TempDir()
	copyTree(t, "testdata/roots/base", root)
	f := Gather(t.Context(), Target{Root: root}, GroupIdentity)
	b, _ := json.Marshal(f.Identity)
	if !f.Identity.CredsKnown || !strings.Contains(string(b), `"euid":`) {
		t.Fatalf("with status: %s", b)
	}
	var back IdentityFacts
	if err := json.Unmarshal(b, &back); err != nil || !back.CredsKnown || back.EUID != f.Identity.EUID || back.UID != f.Identity.UID {
		t.Fatalf("read back: %v %+v", err, back)
	}
	os.Remove(filepath.Join(root, "proc/4242/status"))
	f = Gather(t.Context(), Target{Root: root}, GroupIdentity)
	var sb strings.Builder
	if err := f.WriteJSON(&sb); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{`"uid":`, `"euid":`, `"gid":`, `"egid":`} {
		if strings.Contains(sb.String(), k) {
			t.Errorf("%s in the facts without status: %s", k, sb.String())
		}
	}
	if err := json.Unmarshal([]byte(sb.String()), &struct{}{}); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(f.Identity)
	back = IdentityFacts{}
	if err := json.Unmarshal(b, &back); err != nil || back.CredsKnown {
		t.Fatalf("read back: %v %+v", err, back)
	}
}
