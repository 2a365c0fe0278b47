package probes

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type entry struct {
	name, link string
	typ        byte
	body       string
}

func tarball(t *testing.T, gz bool, es ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	var w = tar.NewWriter(&b)
	for _, e := range es {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Linkname: e.link, Mode: 0o644, Size: int64(len(e.body))}
		if e.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := w.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			w.Write([]byte(e.body))
		}
	}
	w.Close()
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	return z.Bytes()
}

func TestUnpackRefuses(t *testing.T) {
	reg := func(n string) entry { return entry{name: n, typ: tar.TypeReg, body: "x"} }
	for _, c := range []struct {
		name    string
		entries []entry
		want    string
	}{
		{"absolute path", []entry{reg("/etc/passwd")}, "absolute path"},
		{"dot-dot", []entry{reg("proc/../../x")}, `".." component`},
		{"absolute symlink", []entry{{name: "etc/x", typ: tar.TypeSymlink, link: "/etc/shadow"}}, "absolute path"},
		{"escaping symlink", []entry{{name: "etc/x", typ: tar.TypeSymlink, link: "../../../etc/shadow"}}, "out of the tree"},
		{"dot-dot inside a symlink", []entry{{name: "etc/x", typ: tar.TypeSymlink, link: "a/../b"}}, "out of the tree"},
		{"write below a symlink", []entry{{name: "etc", typ: tar.TypeSymlink, link: "var"}, reg("etc/passwd")}, "below the symlink"},
		{"replace a symlink", []entry{{name: "x", typ: tar.TypeSymlink, link: "y"}, reg("x")}, "replaces a symlink"},
		{"char device", []entry{{name: "dev/net/tun", typ: tar.TypeChar}}, "device node"},
		{"block device", []entry{{name: "dev/sda", typ: tar.TypeBlock}}, "device node"},
		{"fifo", []entry{{name: "run/x", typ: tar.TypeFifo}}, "fifo"},
		{"hard link", []entry{reg("a"), {name: "b", typ: tar.TypeLink, link: "a"}}, "hard link"},
		{"relative link to a magic link", []entry{{name: "proc/1/fd/3", typ: tar.TypeSymlink, link: "/root/.ssh/id_rsa"},
			{name: "etc/NetworkManager/system-connections/x.nmconnection", typ: tar.TypeSymlink, link: "../../../proc/1/fd/3"}}, ".."},
		{"relative link chain to a magic link", []entry{{name: "proc/1/fd/3", typ: tar.TypeSymlink, link: "/root/.ssh/id_rsa"},
			{name: "a", typ: tar.TypeSymlink, link: "proc/1/fd/3"}}, "a link out of the tree"},
		{"relative link through a link to a magic dir", []entry{{name: "proc/1/fd/3", typ: tar.TypeSymlink, link: "/etc"},
			{name: "p", typ: tar.TypeSymlink, link: "proc/1/fd"}, {name: "q", typ: tar.TypeSymlink, link: "p/3/shadow"}}, "a link out of the tree"},
		{"too big", []entry{{name: "big", typ: tar.TypeReg, body: strings.Repeat("x", 2048)}}, "more than"},
		// A magic link's target is read back into a path below the tree
		// (file capabilities of /proc/PID/exe): ".." in it would leave the
		// tree (attacker review).
		{"magic link climbing out", []entry{{name: "proc/4242/exe", typ: tar.TypeSymlink, link: "/../../../../tmp/x/capfile"}}, "out of the tree"},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, gz := range []bool{false, true} {
				dest := t.TempDir()
				_, err := Unpack(bytes.NewReader(tarball(t, gz, c.entries...)), dest, 1024)
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("gzip=%v: err = %v, want %q", gz, err, c.want)
				}
			}
		})
	}
}

func TestUnpackAccepts(t *testing.T) {
	dest := t.TempDir()
	root, err := Unpack(bytes.NewReader(tarball(t, true,
		entry{name: "proc/42/limits", typ: tar.TypeReg, body: "l"},
		entry{name: "proc/42/fd/3", typ: tar.TypeSymlink, link: "/dev/net/tun"},
		entry{name: "proc/42/exe", typ: tar.TypeSymlink, link: "/usr/sbin/ip"},
		entry{name: "proc/42/ns/net", typ: tar.TypeSymlink, link: "net:[4026531840]"},
		entry{name: "etc/systemd/network/10-x.network", typ: tar.TypeSymlink, link: "/dev/null"},
		entry{name: "proc/self", typ: tar.TypeSymlink, link: "42"},
	)), dest, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if root != dest {
		t.Errorf("root %s, want %s", root, dest)
	}
	r := NewRoot(root)
	if l, _ := os.Readlink(r.Path("/proc/self/fd/3")); l != "/dev/net/tun" {
		t.Errorf("fd link = %q", l)
	}
	// A sosreport's single top-level directory is the root.
	dest = t.TempDir()
	root, err = Unpack(bytes.NewReader(tarball(t, false, entry{name: "sosreport-h-2026/sos_commands/kernel/lsmod", typ: tar.TypeReg, body: "Module"})), dest, 1<<20)
	if err != nil || root != filepath.Join(dest, "sosreport-h-2026") {
		t.Errorf("root = %s, %v", root, err)
	}
	// A broken xz stream is named, not misread as a tar.
	if _, err := Unpack(bytes.NewReader([]byte("\xfd7zXZ\x00rest")), t.TempDir(), 1<<20); err == nil || !strings.Contains(err.Error(), "xz") {
		t.Errorf("xz: %v", err)
	}
}

// sosreports come as .tar.xz (sos's default) or .tar.bz2 (sos -z bzip2):
// both unpack directly. The fixtures were made with xz -9 and bzip2 -9 from
// a one-file tree (testdata/archive/README).
func TestUnpackXZAndBzip2(t *testing.T) {
	for _, f := range []string{"sosreport-mini.tar.xz", "sosreport-mini.tar.bz2"} {
		b, err := os.ReadFile(filepath.Join("testdata", "archive", f))
		if err != nil {
			t.Fatal(err)
		}
		dest := t.TempDir()
		root, err := Unpack(bytes.NewReader(b), dest, 1<<20)
		if err != nil || root != filepath.Join(dest, "sosreport-h-2026") {
			t.Fatalf("%s: root %s, %v", f, root, err)
		}
		if got, _ := os.ReadFile(filepath.Join(root, "sos_commands", "kernel", "lsmod")); !strings.Contains(string(got), "tun 61440 0") {
			t.Fatalf("%s: lsmod %q", f, got)
		}
		// Truncated: an error, never a partial tree taken for the whole.
		if _, err := Unpack(bytes.NewReader(b[:len(b)/2]), t.TempDir(), 1<<20); err == nil {
			t.Errorf("%s cut in half unpacked without an error", f)
		}
	}
}

// A refused archive makes the whole root unavailable with the reason; the
// other commands keep working.
func TestArchiveRootRefused(t *testing.T) {
	t.Cleanup(CloseArchives)
	p := filepath.Join(t.TempDir(), "evil.tar.gz")
	os.WriteFile(p, tarball(t, true, entry{name: "../../etc/cron.d/x", typ: tar.TypeReg, body: "x"}), 0o600)
	f := Gather(t.Context(), Target{Root: p}, GroupHost)
	if r, ok := f.Target.Gaps.Reason("root"); !ok || !strings.Contains(r, `".." component`) {
		t.Fatalf("target gaps = %+v", f.Target.Gaps)
	}
	if f.Target.Live {
		t.Error("a refused archive is not the live system")
	}
}

// CloseArchives removes the temporary directory, not only the sosreport's
// directory inside it (which is what --root reads).
func TestCloseArchivesRemovesTheTemporaryDirectory(t *testing.T) {
	root, err := ArchiveRoot(filepath.Join("testdata", "archive", "sosreport-mini.tar.xz"))
	if err != nil {
		t.Fatal(err)
	}
	temp := filepath.Dir(root)
	if filepath.Base(root) != "sosreport-h-2026" || !strings.HasPrefix(filepath.Base(temp), "rtnl-doctor-root-") {
		t.Fatalf("root %s", root)
	}
	CloseArchives()
	if _, err := os.Stat(temp); !os.IsNotExist(err) {
		t.Fatalf("%s is left behind: %v", temp, err)
	}
}

// Root.Path never leaves an offline tree, whatever ".." the path holds.
func TestRootPathStaysInTheTree(t *testing.T) {
	r := NewRoot("/tmp/tree")
	for _, p := range []string{"/../../etc/shadow", "proc/../../../etc/shadow", "/proc/1/exe/../../../../x"} {
		if got := r.Path(p); !strings.HasPrefix(got, "/tmp/tree/") {
			t.Errorf("Path(%q) = %q, out of the tree", p, got)
		}
	}
}

// A skipped entry still costs its decompression: every decompressed byte
// counts against twice the unpack limit; and a stream whose check fails
// after the tar's end is refused (attacker review).
func TestUnpackBoundsDecompressionAndChecksTheStream(t *testing.T) {
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	tw.WriteHeader(&tar.Header{Name: ".", Typeflag: tar.TypeReg, Mode: 0o644, Size: 8 << 20})
	tw.Write(make([]byte, 8<<20))
	tw.WriteHeader(&tar.Header{Name: "proc/version", Typeflag: tar.TypeReg, Mode: 0o644, Size: 5})
	tw.Write([]byte("Linux"))
	tw.Close()
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(b.Bytes())
	zw.Close()
	if _, err := Unpack(bytes.NewReader(z.Bytes()), t.TempDir(), 1<<20); err == nil || !strings.Contains(err.Error(), "decompresses to more than") {
		t.Fatalf("8 MiB skipped entry with a 1 MiB limit: %v", err)
	}
	// A good archive whose gzip CRC is flipped.
	good := tarball(t, true, entry{name: "proc/version", typ: tar.TypeReg, body: "Linux version 6.1"})
	if _, err := Unpack(bytes.NewReader(good), t.TempDir(), 1<<20); err != nil {
		t.Fatal(err)
	}
	bad := append([]byte(nil), good...)
	bad[len(bad)-8] ^= 0xff // the CRC32 in gzip's trailer
	if _, err := Unpack(bytes.NewReader(bad), t.TempDir(), 1<<20); err == nil {
		t.Fatal("a gzip stream with a wrong CRC was accepted")
	}
}
