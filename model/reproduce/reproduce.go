package reproduce

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"syscall"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sysexec"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"

	"github.com/rtnl-doctor/rtnl-doctor/internal/netns"
	"github.com/rtnl-doctor/rtnl-doctor/internal/rtnl"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
	"golang.org/x/sys/unix"
)

// Reproduction is the result of trying the failing operation for real in a
// throwaway network namespace: the kernel's own answer, with this tool's
// privileges, away from the host's state.
type Reproduction struct {
	// Tried describes the attempt as the equivalent command, run in a
	// throwaway network namespace.
	Tried string `json:"tried"`
	Kind  string `json:"kind,omitempty"`
	// Ran is false when the attempt could not be made (Skipped says why).
	Ran     bool   `json:"ran"`
	Skipped string `json:"skipped,omitempty"`
	// Step is the step that failed when it was not the operation itself
	// ("open /dev/net/tun").
	Step string `json:"step,omitempty"`
	// Errno is "" when the kernel accepted the operation.
	Errno  symptom.Errno `json:"errno,omitempty"`
	ExtAck string        `json:"ext_ack,omitempty"`
	// Conclusion says what the attempt proves, in words.
	Conclusion string `json:"conclusion"`
}

// Message is the kernel's answer as iproute2 would print it.
func (r *Reproduction) Message() string {
	switch {
	case r.Errno == "":
		return "success"
	case r.Step != "":
		return r.Step + ": " + r.Errno.Strerror()
	case r.ExtAck != "":
		return "Error: " + r.ExtAck + "."
	}
	return "RTNETLINK answers: " + r.Errno.Strerror()
}

// reproName is the name used when the symptom gives none (or the same as
// the device, for a veth's peer).
const reproName = "rtnldoc0"

// Reproduce tries the symptom's operation (or kind, when given) in a new,
// empty network namespace on a throwaway thread: the namespace dies with
// the thread, so nothing is left behind and the host is never touched.
// Only creating links and tun/tap devices can be reproduced: other
// operations act on this host's existing objects.
func Reproduce(s symptom.Symptom, kind string) *Reproduction {
	if kind == "" {
		kind = symptom.LinkKind(s)
	}
	r := &Reproduction{Kind: kind}
	if kind == "" {
		r.Skipped = "the symptom names no link kind to create; reproduction covers `ip link add` and `ip tuntap add`"
		r.Conclusion = r.Skipped
		return r
	}
	if !kindKnown(kind) {
		r.Skipped = fmt.Sprintf("kind %q is not one rtnl-doctor knows how to create", kind)
		r.Conclusion = r.Skipped
		return r
	}
	name := s.Device
	if name == "" {
		name = reproName
	}
	peer := s.Peer
	if peer == "" || peer == name {
		peer = name + "p"
		if len(peer) > 15 {
			peer = "rtnldocp"
		}
	}
	if kind == "tun" || kind == "tap" {
		r.Tried = sysexec.Quote("ip", "tuntap", "add", "dev", name, "mode", kind)
	} else {
		r.Tried = sysexec.Quote(reproArgs(kind, name, peer)...)
	}
	err := netns.DoFresh(func() error {
		if kind == "tun" || kind == "tap" {
			return tryTun(name, kind)
		}
		return tryLink(kind, name, peer)
	})
	var ne *rtnl.Error
	var se syscall.Errno
	var oe tunOpenError
	switch {
	case err == nil:
		r.Ran = true
	case errors.As(err, &oe):
		// The kernel's answer to opening the node, not a failure to set up
		// the throwaway namespace: EACCES here is not a missing privilege.
		r.Ran, r.Step, r.Errno = true, "open /dev/net/tun", symptom.ErrnoFromSyscall(oe.errno)
	case errors.As(err, &ne):
		r.Ran = true
		r.Errno, r.ExtAck = symptom.ErrnoFromSyscall(ne.Errno), ne.Msg
	case errors.As(err, &setupError{}):
		r.Skipped = err.Error()
	case errors.As(err, &se) && (se == syscall.EPERM || se == syscall.EACCES):
		r.Skipped = "creating a throwaway network namespace needs CAP_SYS_ADMIN: run rtnl-doctor as root (the file evidence still applies)"
	case errors.As(err, &se):
		r.Ran = true
		r.Errno = symptom.ErrnoFromSyscall(se)
	default:
		r.Skipped = err.Error()
	}
	r.Conclusion = r.conclude()
	return r
}

func (r *Reproduction) conclude() string {
	switch {
	case !r.Ran:
		return "not reproduced: " + r.Skipped
	case r.Errno == "" && stackedKinds[r.Kind]:
		return fmt.Sprintf("the kernel created a %s link on a veth (Ethernet) lower device in a throwaway namespace: it supports this kind, so the failure comes from the failing process's rights, its namespaces, or this host's existing state (its lower device among them)", r.Kind)
	case r.Errno == "":
		return fmt.Sprintf("the kernel created a %s link in a throwaway namespace: it supports this kind, so the failure comes from the failing process's rights, its namespaces, or this host's existing state", r.Kind)
	case r.Step != "" && r.Errno == symptom.EACCES:
		return "opening /dev/net/tun failed with EACCES (" + r.Message() + ") even as root in a throwaway namespace: not a missing capability, the node is refused as a file (a nodev mount, a device cgroup or a security module)"
	case r.Step != "" && (r.Errno == symptom.ENOENT || r.Errno == symptom.ENODEV):
		return "opening /dev/net/tun failed (" + r.Message() + "): the node or the tun driver is missing"
	case r.Step != "":
		return "opening /dev/net/tun failed even as root: " + r.Message()
	case r.Errno == symptom.EOPNOTSUPP:
		return fmt.Sprintf("the kernel refused to create a %s link even as root in an empty namespace (%s): the kind is not available in this kernel", r.Kind, r.Message())
	case r.Errno == symptom.EINVAL && r.ExtAck == "Attribute failed policy validation":
		return "the kernel refused the name itself (" + r.Message() + "): it is too long or invalid"
	case r.Errno == symptom.EINVAL:
		return "the kernel refused the request's arguments even in an empty namespace (" + r.Message() + ")"
	case r.Errno == symptom.ENOENT || r.Errno == symptom.ENODEV:
		return "the kernel has no " + r.Kind + " support or device node (" + r.Message() + ")"
	}
	return "the kernel refused it even as root in an empty namespace: " + r.Message()
}

// setupError is a failure of the test setup itself (not the kernel's answer
// to the operation being reproduced).
type setupError struct{ msg string }

func (e setupError) Error() string { return e.msg }

// stackedKinds are reproduced on a veth lower device (veth-lower).
var stackedKinds = map[string]bool{"vlan": true, "macvlan": true, "macvtap": true, "ipvlan": true, "ipvtap": true, "macsec": true}

// reproArgs is the iproute2 command equivalent to the attempt.
func reproArgs(kind, name, peer string) []string {
	args := []string{"ip", "link", "add"}
	if stackedKinds[kind] {
		args = append(args, "link", "veth-lower")
	}
	args = append(args, name, "type", kind)
	switch kind {
	case "veth":
		args = append(args, "peer", "name", peer)
	case "vlan":
		args = append(args, "id", "100")
	case "vxlan":
		args = append(args, "id", "42", "dstport", "4789")
	case "geneve":
		args = append(args, "id", "42", "remote", "192.0.2.1")
	case "vrf":
		args = append(args, "table", "100")
	case "xfrm":
		args = append(args, "if_id", "1")
	}
	return args
}

func ifinfomsg(index int32) []byte {
	b := make([]byte, 16)
	binary.NativeEndian.PutUint32(b[4:8], uint32(index))
	return b
}

func cstr(s string) []byte { return append([]byte(s), 0) }

func u16(v uint16) []byte {
	var b [2]byte
	binary.NativeEndian.PutUint16(b[:], v)
	return b[:]
}

// tryLink creates a link of the kind (with a lower veth when the kind needs
// one) on a socket opened in the current (throwaway) namespace.
func tryLink(kind, name, peer string) error {
	s, err := rtnl.Dial("")
	if err != nil {
		return setupError{"netlink socket: " + err.Error()}
	}
	defer s.Close()
	var lower int32
	if stackedKinds[kind] {
		if err := s.Request(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, vethRequest("veth-lower", "veth-lowerp")); err != nil {
			return setupError{fmt.Sprintf("cannot create the lower device (a veth) this kind needs: %v", err)}
		}
		idx, err := linkIndex(s, "veth-lower")
		if err != nil {
			return setupError{err.Error()}
		}
		lower = idx
	}
	var req []byte
	if kind == "veth" {
		req = vethRequest(name, peer)
	} else {
		req = rtnl.Attr(ifinfomsg(0), unix.IFLA_IFNAME, cstr(name))
		if lower != 0 {
			req = rtnl.Attr(req, unix.IFLA_LINK, rtnl.U32(uint32(lower)))
		}
		info := rtnl.Attr(nil, unix.IFLA_INFO_KIND, cstr(kind))
		if data := kindData(kind); data != nil {
			info = rtnl.Attr(info, unix.IFLA_INFO_DATA|unix.NLA_F_NESTED, data)
		}
		req = rtnl.Attr(req, unix.IFLA_LINKINFO|unix.NLA_F_NESTED, info)
	}
	return s.Request(unix.RTM_NEWLINK, unix.NLM_F_CREATE|unix.NLM_F_EXCL, req)
}

// kindData is the minimal IFLA_INFO_DATA a kind requires.
func kindData(kind string) []byte {
	switch kind {
	case "vlan":
		return rtnl.Attr(nil, unix.IFLA_VLAN_ID, u16(100))
	case "vxlan":
		d := rtnl.Attr(nil, unix.IFLA_VXLAN_ID, rtnl.U32(42))
		return rtnl.Attr(d, unix.IFLA_VXLAN_PORT, []byte{0x12, 0xb5}) // 4789, network order
	case "geneve":
		d := rtnl.Attr(nil, unix.IFLA_GENEVE_ID, rtnl.U32(42))
		return rtnl.Attr(d, unix.IFLA_GENEVE_REMOTE, netip.MustParseAddr("192.0.2.1").AsSlice())
	case "vrf":
		return rtnl.Attr(nil, unix.IFLA_VRF_TABLE, rtnl.U32(100))
	case "xfrm":
		return rtnl.Attr(nil, 2 /* IFLA_XFRM_IF_ID */, rtnl.U32(1))
	}
	return nil
}

func vethRequest(name, peer string) []byte {
	req := rtnl.Attr(ifinfomsg(0), unix.IFLA_IFNAME, cstr(name))
	peerMsg := rtnl.Attr(ifinfomsg(0), unix.IFLA_IFNAME, cstr(peer))
	data := rtnl.Attr(nil, 1 /* VETH_INFO_PEER */, peerMsg)
	info := rtnl.Attr(nil, unix.IFLA_INFO_KIND, cstr("veth"))
	info = rtnl.Attr(info, unix.IFLA_INFO_DATA|unix.NLA_F_NESTED, data)
	return rtnl.Attr(req, unix.IFLA_LINKINFO|unix.NLA_F_NESTED, info)
}

func linkIndex(s *rtnl.Sock, name string) (int32, error) {
	var idx int32
	err := s.Dump(unix.RTM_GETLINK, make([]byte, 16), func(typ uint16, data []byte) error {
		if typ != unix.RTM_NEWLINK || len(data) < 16 {
			return nil
		}
		rtnl.ForEachAttr(data[16:], func(t uint16, v []byte) {
			if t == unix.IFLA_IFNAME && rtnl.CString(v) == name {
				idx = int32(binary.NativeEndian.Uint32(data[4:8]))
			}
		})
		return nil
	})
	if err == nil && idx == 0 {
		err = fmt.Errorf("the lower device %s vanished", name)
	}
	return idx, err
}

// tryTun opens /dev/net/tun and asks for a tun or tap device: it is created
// in this thread's (throwaway) namespace and vanishes when the file closes.
func tryTun(name, kind string) error {
	f, err := os.OpenFile("/dev/net/tun", os.O_RDWR, 0)
	if err != nil {
		var se syscall.Errno
		if errors.As(err, &se) {
			return tunOpenError{se}
		}
		return err
	}
	defer f.Close()
	ifr, err := unix.NewIfreq(name)
	if err != nil {
		return &rtnl.Error{Errno: syscall.EINVAL, Msg: "invalid interface name"}
	}
	flags := uint16(unix.IFF_TUN | unix.IFF_NO_PI)
	if kind == "tap" {
		flags = unix.IFF_TAP | unix.IFF_NO_PI
	}
	ifr.SetUint16(flags)
	if err := unix.IoctlIfreq(int(f.Fd()), unix.TUNSETIFF, ifr); err != nil {
		var se syscall.Errno
		if errors.As(err, &se) {
			return &rtnl.Error{Errno: se}
		}
		return err
	}
	return nil
}

// tunOpenError is the kernel's refusal to open /dev/net/tun.
type tunOpenError struct{ errno syscall.Errno }

func (e tunOpenError) Error() string { return "open /dev/net/tun: " + e.errno.Error() }

// kindKnown reports whether reproduction knows how to build the kind.
func kindKnown(kind string) bool {
	if kind == "tun" || kind == "tap" {
		return true
	}
	_, ok := probes.KindInfo(kind)
	return ok
}

// CanReproduce reports whether reproducing the symptom makes sense here: it
// names a kind to create, the system is live, and this tool may create a
// network namespace.
func CanReproduce(s symptom.Symptom, f *probes.Facts) bool {
	k := symptom.LinkKind(s)
	if k == "" || !f.Target.Live || !f.Host.Tool.SysAdmin {
		return false
	}
	switch s.Operation {
	case symptom.OpLinkAdd, symptom.OpTuntapAdd, symptom.OpTunOpen, symptom.OpModprobe, "":
		return kindKnown(k)
	}
	return false
}
