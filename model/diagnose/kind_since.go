package diagnose

import (
	"fmt"
	"strconv"
	"strings"
)

// kindSince is the first mainline kernel release with each link kind's
// driver (its rtnl_link_ops), for the kinds that arrived late enough to
// meet old kernels in the field: a kernel older than that cannot be given
// the kind by a module package, only by another kernel (or a backport).
// Sources: the kernel release notes (kernelnewbies.org LinuxVERSION) of
// each driver's merge.
var kindSince = map[string][2]int{
	"team": {3, 3}, "vxlan": {3, 7}, "nlmon": {3, 10}, "hsr": {3, 12}, "ipvlan": {3, 19},
	"vrf": {4, 3}, "geneve": {4, 3}, "macsec": {4, 6}, "gtp": {4, 7}, "vxcan": {4, 12},
	"erspan": {4, 14}, "rmnet": {4, 14}, "ip6erspan": {4, 16}, "xfrm": {4, 19},
	"wireguard": {5, 6}, "bareudp": {5, 7}, "amt": {5, 16}, "netkit": {6, 7},
}

// kernelVersion reads major.minor from a release such as
// "5.4.0-150-generic" or "4.4.0-19041-Microsoft".
func kernelVersion(release string) (int, int, bool) {
	parts := strings.SplitN(release, ".", 3)
	if len(parts) < 2 {
		return 0, 0, false
	}
	maj, err1 := strconv.Atoi(parts[0])
	minDigits := parts[1]
	if end := strings.IndexFunc(minDigits, func(r rune) bool { return r < '0' || r > '9' }); end >= 0 {
		minDigits = minDigits[:end]
	}
	min, err2 := strconv.Atoi(minDigits)
	return maj, min, err1 == nil && err2 == nil
}

// kernelTooOld says, for a kind the running kernel lacks, that the kernel
// predates the kind's driver, or "".
func kernelTooOld(kind, release string) string {
	since, ok := kindSince[kind]
	if !ok {
		return ""
	}
	maj, min, ok := kernelVersion(release)
	if !ok || maj > since[0] || maj == since[0] && min >= since[1] {
		return ""
	}
	return fmt.Sprintf("kernel %s is older than the %s driver, which arrived in Linux %d.%d: no module package for this kernel has it", release, kind, since[0], since[1])
}
