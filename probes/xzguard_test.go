package probes

import (
	"bytes"
	"crypto/rand"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// xzOf compresses data with the xz program (the tool that writes
// sosreports), or skips.
func xzOf(t *testing.T, data []byte, args ...string) []byte {
	t.Helper()
	const xzBin = "/usr/bin/xz"
	if _, err := os.Stat(xzBin); err != nil {
		t.Skip("no " + xzBin + " to make test streams with")
	}
	cmd := exec.Command(xzBin, append([]string{"-c"}, args...)...)
	cmd.Stdin = bytes.NewReader(data)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("xz %v: %v", args, err)
	}
	return out
}

// Every form xz writes walks through the guard to the end of its streams:
// presets, checks, several blocks, incompressible data (stored chunks),
// concatenated streams.
func TestXZGuardWalksRealStreams(t *testing.T) {
	text := bytes.Repeat([]byte("Module                  Size  Used by\ntun 61440 0\n"), 4000)
	noise := make([]byte, 300000)
	rand.Read(noise)
	for _, tc := range []struct {
		name string
		data []byte
		args []string
	}{
		{"-0", text, []string{"-0"}},
		{"-6 (default)", text, nil},
		{"-9", text, []string{"-9"}},
		{"check none", text, []string{"--check=none"}},
		{"check crc32", text, []string{"--check=crc32"}},
		{"check sha256", text, []string{"--check=sha256"}},
		{"blocks of 16 KiB", text, []string{"--block-size=16384"}},
		{"threads", append(append([]byte{}, text...), noise...), []string{"-T2", "--block-size=65536"}},
		{"incompressible", noise, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := xzOf(t, tc.data, tc.args...)
			if tc.name == "-6 (default)" {
				z = append(append(z, 0, 0, 0, 0), z...) // two streams with padding
			}
			g := newXZGuard(bytes.NewReader(z))
			if _, err := io.Copy(io.Discard, g); err != nil {
				t.Fatal(err)
			}
			if g.state != xzStreamPadding || g.skip != 0 || len(g.buf) != 0 {
				t.Fatalf("the walk ended in state %d (skip %d, %d bytes pending), not after a stream footer", g.state, g.skip, len(g.buf))
			}
		})
	}
}

// A block header declaring a 4 GiB dictionary never reaches the decoder.
func TestXZGuardRefusesHugeDictionary(t *testing.T) {
	z := xzOf(t, []byte("hello"), "-0")
	// The first block header follows the 12-byte stream header: size byte,
	// flags, then (no sizes in a single-threaded stream) the filter: id
	// 0x21, props size 1, the dictionary code.
	h := z[12:]
	i := 2
	if h[1]&0x40 != 0 || h[1]&0x80 != 0 {
		t.Skip("this xz writes sizes in the block header")
	}
	if h[i] != 0x21 || h[i+1] != 1 {
		t.Fatalf("unexpected filter flags % x", h[:8])
	}
	bad := append([]byte{}, z...)
	bad[12+i+2] = 40 // 4 GiB - 1
	_, err := Unpack(bytes.NewReader(bad), t.TempDir(), 1<<20)
	if err == nil || !strings.Contains(err.Error(), "dictionary") {
		t.Fatalf("a 4 GiB dictionary: %v", err)
	}
}
