package rtnl

import (
	"encoding/binary"
	"errors"
	"syscall"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/testns"
	"golang.org/x/sys/unix"
)

func errMsg(errno int32, flags uint16, msg string) (Header, []byte) {
	b := make([]byte, 4+unix.NLMSG_HDRLEN)
	binary.NativeEndian.PutUint32(b[0:4], uint32(-errno))
	binary.NativeEndian.PutUint32(b[4:8], unix.NLMSG_HDRLEN+32) // the request was 48 bytes
	if msg != "" {
		b = Attr(b, unix.NLMSGERR_ATTR_MSG, append([]byte(msg), 0))
	}
	return Header{Type: unix.NLMSG_ERROR, Flags: flags}, b
}

func TestParseErr(t *testing.T) {
	h, b := errMsg(int32(syscall.EOPNOTSUPP), unix.NLM_F_CAPPED|unix.NLM_F_ACK_TLVS, "Unknown device type")
	err := parseErr(h, b)
	var e *Error
	if !errors.As(err, &e) || e.Errno != syscall.EOPNOTSUPP || e.Msg != "Unknown device type" || !errors.Is(err, syscall.EOPNOTSUPP) {
		t.Fatalf("err = %#v", err)
	}
	h, b = errMsg(int32(syscall.EPERM), unix.NLM_F_CAPPED, "")
	if err := parseErr(h, b); err.Error() != "operation not permitted" {
		t.Fatalf("plain errno: %v", err)
	}
	h, b = errMsg(0, 0, "")
	if err := parseErr(h, b); err != nil {
		t.Fatalf("ack: %v", err)
	}
	if err := parseErr(Header{}, []byte{1}); err == nil {
		t.Fatal("short message")
	}
	ForEachAttr([]byte{0xff, 0xff, 1, 0, 9}, func(uint16, []byte) { t.Fatal("malformed attribute visited") })
}

// TestRequestInFreshNamespace asks a throwaway namespace's kernel for a link
// of a kind that does not exist and checks the errno and extended ACK.
func TestRequestInFreshNamespace(t *testing.T) {
	testns.Require(t)
	err := netns.DoFresh(func() error {
		s, err := Dial("")
		if err != nil {
			return err
		}
		defer s.Close()
		body := make([]byte, 16)
		body = Attr(body, unix.IFLA_IFNAME, []byte("x0\x00"))
		info := Attr(nil, unix.IFLA_INFO_KIND, []byte("no-such-kind\x00"))
		body = Attr(body, unix.IFLA_LINKINFO|unix.NLA_F_NESTED, info)
		return s.Request(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, body)
	})
	var e *Error
	if !errors.As(err, &e) || e.Errno != syscall.EOPNOTSUPP || e.Msg != "Unknown device type" {
		t.Fatalf("err = %#v", err)
	}
}
