package symptom

import (
	"strconv"
	"strings"
	"syscall"
)

// Errno is an error class by its C name ("EPERM").
type Errno string

// The error classes rtnl-doctor reasons about.
const (
	EPERM           Errno = "EPERM"
	EACCES          Errno = "EACCES"
	EEXIST          Errno = "EEXIST"
	EOPNOTSUPP      Errno = "EOPNOTSUPP"
	EINVAL          Errno = "EINVAL"
	ENODEV          Errno = "ENODEV"
	ENOENT          Errno = "ENOENT"
	EBUSY           Errno = "EBUSY"
	EMFILE          Errno = "EMFILE"
	ENFILE          Errno = "ENFILE"
	ENOMEM          Errno = "ENOMEM"
	ENOBUFS         Errno = "ENOBUFS"
	ENETUNREACH     Errno = "ENETUNREACH"
	ENETDOWN        Errno = "ENETDOWN"
	EROFS           Errno = "EROFS"
	ENOSPC          Errno = "ENOSPC"
	EPROTONOSUPPORT Errno = "EPROTONOSUPPORT"
	EAFNOSUPPORT    Errno = "EAFNOSUPPORT"
	EADDRNOTAVAIL   Errno = "EADDRNOTAVAIL"
	ESRCH           Errno = "ESRCH"
	ERANGE          Errno = "ERANGE"
	ENXIO           Errno = "ENXIO"
	EADDRINUSE      Errno = "EADDRINUSE"
	EAGAIN          Errno = "EAGAIN"
	EMSGSIZE        Errno = "EMSGSIZE"
	ENOSYS          Errno = "ENOSYS"
	ENOTEMPTY       Errno = "ENOTEMPTY"
	EALREADY        Errno = "EALREADY"
	ENOTCONN        Errno = "ENOTCONN"
	EPROTO          Errno = "EPROTO"
	ETIMEDOUT       Errno = "ETIMEDOUT"
	EIO             Errno = "EIO"
	EFAULT          Errno = "EFAULT"
	ENOPROTOOPT     Errno = "ENOPROTOOPT"
	ELOOP           Errno = "ELOOP"
	EHOSTUNREACH    Errno = "EHOSTUNREACH" // ip6_route_check_nh: the IPv6 gateway is not on-link
	EXFULL          Errno = "EXFULL"       // br_add_if: the bridge has BR_MAX_PORTS ports
	E2BIG           Errno = "E2BIG"
	EPFNOSUPPORT    Errno = "EPFNOSUPPORT" // vxlan/geneve: an IPv6 endpoint on a kernel built without IPv6
	EOVERFLOW       Errno = "EOVERFLOW"
	ENOPKG          Errno = "ENOPKG"   // net/socket.c: the bridge ioctl hook absent (module not loadable)
	ENOTSUPP        Errno = "ENOTSUPP" // 524, kernel-internal, leaks to user space from some drivers
	// Module loading (kernel/module/main.c, kernel/module/signing.c): a
	// module built for another kernel (ENOEXEC), or unsigned / signed with a
	// key the kernel does not trust under Secure Boot or module.sig_enforce
	// (ENOKEY, EKEYREJECTED).
	ENOEXEC Errno = "ENOEXEC"
	// EINTR is what vishvananda/netlink's ErrDumpInterrupted wraps (a dump
	// flagged NLM_F_DUMP_INTR).
	EINTR  Errno = "EINTR"
	ENOKEY Errno = "ENOKEY"
	// Errnos of a program's own mistakes (a descriptor that is not a
	// socket, a closed one: a setns number wrong on ARM, moby/moby#14184)
	// and of a rarer answer (EMLINK: devices nested beyond MAX_NEST_DEV,
	// net/core/dev.c __netdev_upper_dev_link). Errnos no network
	// configuration request answers (ECONNREFUSED, EPIPE) are left out on
	// purpose: a line of them before the real error would take its place.
	ENOTSOCK     Errno = "ENOTSOCK"
	EBADF        Errno = "EBADF"
	EMLINK       Errno = "EMLINK"
	EKEYREJECTED Errno = "EKEYREJECTED"
	// ERFKILL: a radio blocked by rfkill refuses to come up (net/wireless/core.c cfg80211_netdev_notifier_call).
	ERFKILL Errno = "ERFKILL"
	// EUNKNOWN is an error whose number the C library could not name (musl's
	// "No error information", glibc's "Unknown error N" for a number not
	// listed here).
	EUNKNOWN Errno = "EUNKNOWN"
)

var errnoNumbers = map[Errno]syscall.Errno{
	EPERM: syscall.EPERM, EACCES: syscall.EACCES, EEXIST: syscall.EEXIST, EOPNOTSUPP: syscall.EOPNOTSUPP,
	EINVAL: syscall.EINVAL, ENODEV: syscall.ENODEV, ENOENT: syscall.ENOENT, EBUSY: syscall.EBUSY,
	EMFILE: syscall.EMFILE, ENFILE: syscall.ENFILE, ENOMEM: syscall.ENOMEM, ENOBUFS: syscall.ENOBUFS,
	ENETUNREACH: syscall.ENETUNREACH, ENETDOWN: syscall.ENETDOWN, EROFS: syscall.EROFS, ENOSPC: syscall.ENOSPC,
	EPROTONOSUPPORT: syscall.EPROTONOSUPPORT, EAFNOSUPPORT: syscall.EAFNOSUPPORT, EADDRNOTAVAIL: syscall.EADDRNOTAVAIL,
	ESRCH: syscall.ESRCH, ERANGE: syscall.ERANGE, ENXIO: syscall.ENXIO, EADDRINUSE: syscall.EADDRINUSE,
	EAGAIN: syscall.EAGAIN, EMSGSIZE: syscall.EMSGSIZE, ENOSYS: syscall.ENOSYS, ENOTEMPTY: syscall.ENOTEMPTY,
	EALREADY: syscall.EALREADY, ENOTCONN: syscall.ENOTCONN, EPROTO: syscall.EPROTO, ETIMEDOUT: syscall.ETIMEDOUT,
	EIO: syscall.EIO, EFAULT: syscall.EFAULT, ENOPROTOOPT: syscall.ENOPROTOOPT, ELOOP: syscall.ELOOP, ENOTSUPP: syscall.Errno(524),
	EHOSTUNREACH: syscall.EHOSTUNREACH, EXFULL: syscall.Errno(54), E2BIG: syscall.E2BIG, EOVERFLOW: syscall.EOVERFLOW,
	ENOPKG: syscall.Errno(65), ENOEXEC: syscall.ENOEXEC, ENOKEY: syscall.Errno(126), EKEYREJECTED: syscall.Errno(129), ERFKILL: syscall.Errno(132),
	EPFNOSUPPORT: syscall.EPFNOSUPPORT, EINTR: syscall.EINTR,
	ENOTSOCK: syscall.ENOTSOCK, EBADF: syscall.EBADF, EMLINK: syscall.EMLINK,
}

// ErrnoFromNumber finds the class of an errno number (Rust's "(os error
// 95)", OpenVPN's "(errno=1)", NetworkManager's "failure 17").
func ErrnoFromNumber(s string) Errno {
	n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(s), "-"))
	if err != nil {
		return ""
	}
	for name, v := range errnoNumbers {
		if int(v) == n {
			return name
		}
	}
	return ""
}

// Strerror is the C library's text for a class.
func (e Errno) Strerror() string {
	if t, ok := glibcText[e]; ok {
		return t
	}
	if n, ok := errnoNumbers[e]; ok {
		s := n.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	return string(e)
}

// ErrnoFromSyscall names a syscall.Errno.
func ErrnoFromSyscall(n syscall.Errno) Errno {
	for name, v := range errnoNumbers {
		if v == n {
			return name
		}
	}
	return Errno("errno " + strconv.Itoa(int(n)))
}
