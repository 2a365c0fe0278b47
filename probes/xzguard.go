package probes

import (
	"errors"
	"fmt"
	"io"
)

// maxXZDict bounds the LZMA2 dictionary an xz stream may declare. The
// decoder (github.com/ulikunitz/xz) allocates what each block header
// declares, up to 4 GiB, before reading any data; a hostile archive could
// make that allocation fail and end the process. xz -9 and -9e, the
// largest presets, use 64 MiB; sos uses smaller ones.
const maxXZDict = 64 << 20

// xzGuard passes an xz file through unchanged while walking its container
// structure without decompressing (stream header, block headers, LZMA2
// chunk headers, which carry their own sizes, block padding and check,
// index, footer, stream padding), and fails the read that would hand the
// decoder a block header declaring a dictionary above maxXZDict or a filter
// chain other than one LZMA2 filter (what xz and sos write). The library
// has no hook for this, hence the hand-written walk (formats: xz-file-format
// 1.1.0 sections 2-4, LZMA2 chunk headers as in liblzma's lzma2_decoder.c).
type xzGuard struct {
	r   io.Reader
	err error
	// The walk's state: what the next bytes are, and how many to skip.
	state    xzState
	skip     int64
	need     int    // bytes to collect for the header being read
	buf      []byte // its bytes so far
	check    int64  // size of a block's check field (from the stream flags)
	blockLen int64  // bytes of the current block so far (for its padding)
	idxLen   int64  // bytes of the index so far (for its padding)
	records  uint64 // index records left
	varints  int    // varints left in the current index record
	streams  int    // streams begun
}

// maxXZStreams bounds concatenated streams: each one sets up a decoder
// (and its dictionary), a cost thousands of tiny streams multiply; xz and
// sos write one, pxz and parallel tools a few.
const maxXZStreams = 64

type xzState int

const (
	xzStreamHeader xzState = iota
	xzBlockOrIndex
	xzBlockHeader
	xzChunk
	xzBlockPadCheck
	xzIndexCount
	xzIndexRecords
	xzFooter
	xzStreamPadding
)

func newXZGuard(r io.Reader) *xzGuard { return &xzGuard{r: r, state: xzStreamHeader} }

func (g *xzGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i := 0; i < n; i++ {
		if e := g.step(p[i]); e != nil {
			// Hand over nothing of this read: the decoder never sees the
			// offending header.
			g.err = fmt.Errorf("xz: %w", e)
			return 0, g.err
		}
	}
	return n, err
}

var errXZFormat = errors.New("not a well-formed xz file")

// step consumes one byte.
func (g *xzGuard) step(b byte) error {
	if g.skip > 0 {
		g.skip--
		if g.state == xzChunk {
			g.blockLen++
		}
		if g.skip == 0 && g.state == xzBlockPadCheck {
			g.state = xzBlockOrIndex
		}
		return nil
	}
	switch g.state {
	case xzStreamHeader:
		g.buf = append(g.buf, b)
		if len(g.buf) < 12 {
			return nil
		}
		if g.streams++; g.streams > maxXZStreams {
			return fmt.Errorf("more than %d concatenated streams: refused (unpack it with xz and give the directory)", maxXZStreams)
		}
		if string(g.buf[:6]) != "\xfd7zXZ\x00" || g.buf[6] != 0 || g.buf[7] > 0x0f {
			return errXZFormat
		}
		// The check's size by its id: 0 none, then 4, 8, 16, 32, 64
		// bytes for each group of three ids.
		g.check = 0
		if id := g.buf[7]; id != 0 {
			g.check = 4 << ((id - 1) / 3)
		}
		g.state, g.buf = xzBlockOrIndex, nil
	case xzBlockOrIndex:
		if b == 0 { // the index indicator
			g.state, g.buf, g.idxLen = xzIndexCount, nil, 1
			return nil
		}
		g.state, g.need, g.buf, g.blockLen = xzBlockHeader, (int(b)+1)*4, []byte{b}, 1
	case xzBlockHeader:
		g.buf = append(g.buf, b)
		g.blockLen++
		if len(g.buf) < g.need {
			return nil
		}
		if err := checkXZBlockHeader(g.buf); err != nil {
			return err
		}
		g.state, g.buf = xzChunk, nil
	case xzChunk:
		g.blockLen++
		if len(g.buf) == 0 {
			switch {
			case b == 0x00: // the end of the block's LZMA2 data
				g.skip = (4-g.blockLen%4)%4 + g.check
				g.state = xzBlockPadCheck
				if g.skip == 0 {
					g.state = xzBlockOrIndex
				}
				return nil
			case b == 0x01 || b == 0x02: // uncompressed: 2 size bytes
				g.need = 3
			case b >= 0xc0: // LZMA with new properties: sizes and a props byte
				g.need = 6
			case b >= 0x80: // LZMA: uncompressed and compressed sizes
				g.need = 5
			default:
				return errXZFormat
			}
			g.buf = []byte{b}
			return nil
		}
		g.buf = append(g.buf, b)
		if len(g.buf) < g.need {
			return nil
		}
		c := g.buf
		if c[0] < 0x80 {
			g.skip = int64(c[1])<<8 | int64(c[2]) + 1
		} else {
			g.skip = int64(c[3])<<8 | int64(c[4]) + 1
		}
		g.buf = nil
	case xzIndexCount, xzIndexRecords:
		g.idxLen++
		g.buf = append(g.buf, b)
		if len(g.buf) > 9 {
			return errXZFormat
		}
		if b&0x80 != 0 {
			return nil
		}
		v := uvarint(g.buf)
		g.buf = nil
		if g.state == xzIndexCount {
			g.records, g.varints, g.state = v, 2, xzIndexRecords
		} else if g.varints--; g.varints == 0 {
			g.records, g.varints = g.records-1, 2
		}
		if g.records == 0 {
			// Padding to four bytes, the index's CRC32, then the footer.
			g.skip = (4-g.idxLen%4)%4 + 4
			g.state = xzFooter
		}
	case xzFooter:
		g.buf = append(g.buf, b)
		if len(g.buf) < 12 {
			return nil
		}
		if string(g.buf[10:12]) != "YZ" {
			return errXZFormat
		}
		g.state, g.buf = xzStreamPadding, nil
	case xzStreamPadding:
		// Zero padding between streams, or the next stream's header.
		if b != 0 {
			g.state, g.buf = xzStreamHeader, []byte{b}
		}
	}
	return nil
}

func uvarint(b []byte) uint64 {
	var v uint64
	for i, c := range b {
		v |= uint64(c&0x7f) << (7 * i)
	}
	return v
}

// checkXZBlockHeader reads a block header's filter flags: one LZMA2 filter
// (id 0x21, one property byte) whose dictionary is at most maxXZDict.
func checkXZBlockHeader(h []byte) error {
	if len(h) < 2 {
		return errXZFormat
	}
	flags := h[1]
	if flags&0x03 != 0 {
		return errors.New("a block with a filter chain (BCJ, delta): sosreports use LZMA2 alone; unpack it with xz and give the directory")
	}
	i := 2
	readVarint := func() (uint64, bool) {
		start := i
		for i < len(h) && i-start < 9 {
			c := h[i]
			i++
			if c&0x80 == 0 {
				return uvarint(h[start:i]), true
			}
		}
		return 0, false
	}
	if flags&0x40 != 0 {
		if _, ok := readVarint(); !ok {
			return errXZFormat
		}
	}
	if flags&0x80 != 0 {
		if _, ok := readVarint(); !ok {
			return errXZFormat
		}
	}
	id, ok1 := readVarint()
	size, ok2 := readVarint()
	if !ok1 || !ok2 || id != 0x21 || size != 1 || i >= len(h) {
		return errors.New("a block whose filter is not LZMA2: unpack it with xz and give the directory")
	}
	code := h[i]
	if code > 40 {
		return errXZFormat
	}
	dict := uint64(0xffffffff)
	if code < 40 {
		dict = uint64(2|code&1) << (code/2 + 11)
	}
	if dict > maxXZDict {
		return fmt.Errorf("a block declares a %d MiB dictionary, more than the %d MiB of xz's largest preset: refused (unpack it with xz and give the directory)", dict>>20, maxXZDict>>20)
	}
	return nil
}
