package diagnose

import (
	"strings"
	"testing"
)

func TestKernelTooOld(t *testing.T) {
	for _, tc := range []struct {
		kind, release, want string
	}{
		{"wireguard", "5.4.0-150-generic", "older than the wireguard driver, which arrived in Linux 5.6"},
		{"wireguard", "5.6.0", ""},
		{"wireguard", "6.8.0-45-generic", ""},
		{"vxlan", "3.2.0-4-amd64", "Linux 3.7"},
		{"ipvlan", "3.10.0-1160.el7.x86_64", "Linux 3.19"},
		{"bridge", "2.6.32", ""},
		{"netkit", "6.6.30", "Linux 6.7"},
		{"wireguard", "garbage", ""},
		{"wireguard", "4.19-rc1", "Linux 5.6"},
	} {
		got := kernelTooOld(tc.kind, tc.release)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s on %s: %q, want %q", tc.kind, tc.release, got, tc.want)
		}
	}
}
