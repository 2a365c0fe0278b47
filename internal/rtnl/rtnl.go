// Package rtnl is a small, allocation-conscious NETLINK_ROUTE socket: dumps
// are streamed through one reusable buffer (a 20,000-link dump never sits in
// memory at once), requests return the kernel's errno together with its
// extended-ACK message, and multicast groups can be joined for change
// notifications. Decoding the messages is the caller's business.
package rtnl

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"golang.org/x/sys/unix"
)

// Sock is a NETLINK_ROUTE socket. It is not safe for concurrent use.
type Sock struct {
	fd   int
	seq  uint32
	pid  uint32
	buf  []byte
	Lost atomic.Bool // set when the kernel reported lost notifications (ENOBUFS)
}

// bufSize is the receive buffer: the kernel sends dump parts of up to 32 KiB
// (iproute2 reads with the same size).
const bufSize = 64 << 10

// Dial opens a socket in the network namespace at nsPath ("" for the
// caller's own), subscribed to the given multicast groups (RTNLGRP_* numbers).
func Dial(nsPath string, groups ...uint32) (*Sock, error) {
	var s *Sock
	open := func() error {
		var err error
		s, err = open(groups)
		return err
	}
	var err error
	if nsPath == "" {
		err = open()
	} else {
		err = netns.Do(nsPath, open)
	}
	return s, err
}

func open(groups []uint32) (*Sock, error) {
	fd, err := unix.Socket(unix.AF_NETLINK, unix.SOCK_RAW|unix.SOCK_CLOEXEC, unix.NETLINK_ROUTE)
	if err != nil {
		return nil, os.NewSyscallError("socket(AF_NETLINK)", err)
	}
	s := &Sock{fd: fd, buf: make([]byte, bufSize)}
	// Ask for extended ACKs (error strings) and no echo of the request in
	// errors; both are best effort on old kernels.
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_EXT_ACK, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_CAP_ACK, 1)
	_ = unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_RCVBUF, 1<<20)
	if err := unix.Bind(fd, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("bind", err)
	}
	for _, g := range groups {
		if err := unix.SetsockoptInt(fd, unix.SOL_NETLINK, unix.NETLINK_ADD_MEMBERSHIP, int(g)); err != nil {
			unix.Close(fd)
			return nil, os.NewSyscallError("join group", err)
		}
	}
	sa, err := unix.Getsockname(fd)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	if nl, ok := sa.(*unix.SockaddrNetlink); ok {
		s.pid = nl.Pid
	}
	return s, nil
}

// Close closes the socket.
func (s *Sock) Close() error { return unix.Close(s.fd) }

// Fd is the socket's descriptor (for poll).
func (s *Sock) Fd() int { return s.fd }

// SetTimeout bounds every following receive.
func (s *Sock) SetTimeout(d time.Duration) error {
	tv := unix.NsecToTimeval(d.Nanoseconds())
	return unix.SetsockoptTimeval(s.fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv)
}

// Error is a negative acknowledgement from the kernel: the errno, and the
// extended-ACK message when the kernel gave one (what iproute2 prints after
// "Error: ").
type Error struct {
	Errno syscall.Errno
	Msg   string
}

func (e *Error) Error() string {
	if e.Msg != "" {
		return fmt.Sprintf("%s (%s)", e.Msg, e.Errno.Error())
	}
	return e.Errno.Error()
}

// Unwrap lets errors.Is(err, syscall.EPERM) work.
func (e *Error) Unwrap() error { return e.Errno }

func (s *Sock) send(typ, flags uint16, body []byte) (uint32, error) {
	s.seq++
	msg := make([]byte, unix.NLMSG_HDRLEN+len(body))
	binary.NativeEndian.PutUint32(msg[0:4], uint32(len(msg)))
	binary.NativeEndian.PutUint16(msg[4:6], typ)
	binary.NativeEndian.PutUint16(msg[6:8], flags)
	binary.NativeEndian.PutUint32(msg[8:12], s.seq)
	binary.NativeEndian.PutUint32(msg[12:16], 0)
	copy(msg[unix.NLMSG_HDRLEN:], body)
	if err := unix.Sendto(s.fd, msg, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}); err != nil {
		return 0, os.NewSyscallError("sendto", err)
	}
	return s.seq, nil
}

// Header is a netlink message header.
type Header struct {
	Len   uint32
	Type  uint16
	Flags uint16
	Seq   uint32
	Pid   uint32
}

// Dump sends a dump request (NLM_F_REQUEST|NLM_F_DUMP) and calls fn with each
// reply's type and body (valid only during the call) until the dump ends.
func (s *Sock) Dump(typ uint16, body []byte, fn func(typ uint16, data []byte) error) error {
	seq, err := s.send(typ, unix.NLM_F_REQUEST|unix.NLM_F_DUMP, body)
	if err != nil {
		return err
	}
	var fnErr error
	for {
		done, err := s.receive(seq, func(h Header, data []byte) (bool, error) {
			switch h.Type {
			case unix.NLMSG_DONE:
				if len(data) >= 4 {
					if code := int32(binary.NativeEndian.Uint32(data[:4])); code < 0 {
						return true, parseErr(h, data)
					}
				}
				return true, nil
			case unix.NLMSG_ERROR:
				return true, parseErr(h, data)
			}
			if h.Flags&unix.NLM_F_DUMP_INTR != 0 {
				return true, ErrDumpInterrupted
			}
			if fnErr == nil {
				fnErr = fn(h.Type, data)
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		if done {
			return fnErr
		}
	}
}

// ErrDumpInterrupted says a dump raced with a change and is inconsistent.
var ErrDumpInterrupted = errors.New("the dump was interrupted by a concurrent change (NLM_F_DUMP_INTR): try again")

// Request sends a request that asks for an acknowledgement and returns the
// kernel's verdict as an *Error (nil on success).
func (s *Sock) Request(typ, flags uint16, body []byte) error {
	seq, err := s.send(typ, unix.NLM_F_REQUEST|unix.NLM_F_ACK|flags, body)
	if err != nil {
		return err
	}
	for {
		var result error
		done, err := s.receive(seq, func(h Header, data []byte) (bool, error) {
			if h.Type == unix.NLMSG_ERROR {
				result = parseErr(h, data)
				return true, nil
			}
			return false, nil
		})
		if err != nil {
			return err
		}
		if done {
			return result
		}
	}
}

// Receive reads one datagram of notifications (or waits for the timeout set
// with SetTimeout) and calls fn for each message. ENOBUFS (the kernel dropped
// notifications because we read too slowly) sets Lost and is returned.
func (s *Sock) Receive(fn func(h Header, data []byte)) error {
	_, err := s.receive(0, func(h Header, data []byte) (bool, error) {
		fn(h, data)
		return false, nil
	})
	return err
}

// Poll reads every datagram already queued, without waiting, and calls fn
// for each message; it returns how many datagrams were read. ENOBUFS (the
// kernel dropped notifications because the queue overflowed) sets Lost and
// is returned.
func (s *Sock) Poll(fn func(h Header, data []byte)) (int, error) {
	n := 0
	for {
		_, err := s.receiveFlags(unix.MSG_DONTWAIT, 0, func(h Header, data []byte) (bool, error) {
			fn(h, data)
			return false, nil
		})
		if errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EWOULDBLOCK) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// receive reads one datagram and walks its messages. Messages with a sequence
// number other than seq (when seq != 0) are notifications and are skipped.
func (s *Sock) receive(seq uint32, fn func(h Header, data []byte) (bool, error)) (bool, error) {
	return s.receiveFlags(0, seq, fn)
}

func (s *Sock) receiveFlags(flags int, seq uint32, fn func(h Header, data []byte) (bool, error)) (bool, error) {
	n, _, err := unix.Recvfrom(s.fd, s.buf, flags)
	if err != nil {
		if errors.Is(err, unix.ENOBUFS) {
			s.Lost.Store(true)
		}
		return false, os.NewSyscallError("recvfrom", err)
	}
	b := s.buf[:n]
	for len(b) >= unix.NLMSG_HDRLEN {
		h := Header{
			Len:   binary.NativeEndian.Uint32(b[0:4]),
			Type:  binary.NativeEndian.Uint16(b[4:6]),
			Flags: binary.NativeEndian.Uint16(b[6:8]),
			Seq:   binary.NativeEndian.Uint32(b[8:12]),
			Pid:   binary.NativeEndian.Uint32(b[12:16]),
		}
		if h.Len < unix.NLMSG_HDRLEN || int(h.Len) > len(b) {
			return true, errors.New("netlink: malformed message from the kernel")
		}
		data := b[unix.NLMSG_HDRLEN:h.Len]
		next := nlmsgAlign(int(h.Len))
		if next > len(b) {
			next = len(b)
		}
		b = b[next:]
		if seq != 0 && (h.Seq != seq || h.Pid != s.pid) {
			continue
		}
		done, err := fn(h, data)
		if done || err != nil {
			return done, err
		}
	}
	return false, nil
}

func nlmsgAlign(n int) int { return (n + unix.NLMSG_ALIGNTO - 1) &^ (unix.NLMSG_ALIGNTO - 1) }

// parseErr decodes an NLMSG_ERROR (or an error in NLMSG_DONE) body: the
// negative errno, the echoed request (only its header when NLM_F_CAPPED),
// then, when NLM_F_ACK_TLVS is set, attributes with the extended-ACK message.
func parseErr(h Header, data []byte) error {
	if len(data) < 4 {
		return errors.New("netlink: short error message")
	}
	code := int32(binary.NativeEndian.Uint32(data[:4]))
	if code == 0 {
		return nil
	}
	e := &Error{Errno: syscall.Errno(-code)}
	if h.Type == unix.NLMSG_DONE || h.Flags&unix.NLM_F_ACK_TLVS == 0 || len(data) < 4+unix.NLMSG_HDRLEN {
		return e
	}
	off := 4 + unix.NLMSG_HDRLEN
	if h.Flags&unix.NLM_F_CAPPED == 0 {
		off = 4 + nlmsgAlign(int(binary.NativeEndian.Uint32(data[4:8])))
	}
	if off < len(data) {
		ForEachAttr(data[off:], func(typ uint16, v []byte) {
			if typ == unix.NLMSGERR_ATTR_MSG {
				e.Msg = CString(v)
			}
		})
	}
	return e
}

// ForEachAttr walks netlink attributes (rtattr/nlattr), stopping quietly at
// the first malformed one.
func ForEachAttr(b []byte, fn func(typ uint16, v []byte)) {
	for len(b) >= 4 {
		l := int(binary.NativeEndian.Uint16(b[0:2]))
		typ := binary.NativeEndian.Uint16(b[2:4]) & 0x3fff // drop NLA_F_NESTED and NLA_F_NET_BYTEORDER
		if l < 4 || l > len(b) {
			return
		}
		fn(typ, b[4:l])
		next := (l + 3) &^ 3
		if next > len(b) {
			return
		}
		b = b[next:]
	}
}

// CString returns a NUL-terminated attribute as a string.
func CString(v []byte) string {
	for i, c := range v {
		if c == 0 {
			return string(v[:i])
		}
	}
	return string(v)
}

// Attr appends one attribute to b.
func Attr(b []byte, typ uint16, v []byte) []byte {
	l := 4 + len(v)
	var h [4]byte
	binary.NativeEndian.PutUint16(h[0:2], uint16(l))
	binary.NativeEndian.PutUint16(h[2:4], typ)
	b = append(b, h[:]...)
	b = append(b, v...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	return b
}

// U32 encodes a native-endian uint32 attribute value.
func U32(v uint32) []byte {
	var b [4]byte
	binary.NativeEndian.PutUint32(b[:], v)
	return b[:]
}
