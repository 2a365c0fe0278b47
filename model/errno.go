package model

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
)

var errnoNumbers = map[Errno]syscall.Errno{
	EPERM: syscall.EPERM, EACCES: syscall.EACCES, EEXIST: syscall.EEXIST, EOPNOTSUPP: syscall.EOPNOTSUPP,
	EINVAL: syscall.EINVAL, ENODEV: syscall.ENODEV, ENOENT: syscall.ENOENT, EBUSY: syscall.EBUSY,
	EMFILE: syscall.EMFILE, ENFILE: syscall.ENFILE, ENOMEM: syscall.ENOMEM, ENOBUFS: syscall.ENOBUFS,
	ENETUNREACH: syscall.ENETUNREACH, ENETDOWN: syscall.ENETDOWN, EROFS: syscall.EROFS, ENOSPC: syscall.ENOSPC,
	EPROTONOSUPPORT: syscall.EPROTONOSUPPORT, EAFNOSUPPORT: syscall.EAFNOSUPPORT, EADDRNOTAVAIL: syscall.EADDRNOTAVAIL,
	ESRCH: syscall.ESRCH, ERANGE: syscall.ERANGE,
}

// strerrors maps glibc's strerror text (lower-cased, as Go prints it) to
// the class. Both "Operation not supported" (EOPNOTSUPP, 95) and the
// historical ENOTSUP spelling are the same number on Linux.
var strerrors = func() map[string]Errno {
	m := map[string]Errno{}
	for name, n := range errnoNumbers {
		m[strings.ToLower(n.Error())] = name
	}
	// glibc spellings that differ from Go's.
	m["operation not permitted"] = EPERM
	m["too many open files in system"] = ENFILE
	m["no such device or address"] = ENODEV
	m["address already in use"] = EEXIST
	m["not supported"] = EOPNOTSUPP
	return m
}()

// ErrnoFromText finds the class of a strerror text ("Operation not
// permitted", "operation not supported"), or "".
func ErrnoFromText(s string) Errno {
	s = strings.ToLower(strings.TrimSpace(strings.TrimRight(strings.TrimSpace(s), ".")))
	return strerrors[s]
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
