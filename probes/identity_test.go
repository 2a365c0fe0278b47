package probes

import "testing"

func TestDescribeCaps(t *testing.T) {
	all := uint64(1)<<41 - 1
	for _, tt := range []struct {
		mask uint64
		last int
		want string
	}{
		{all, 40, "all 41"},
		{all, 0, "all 41"},
		{all &^ (1 << 12), 40, "all but cap_net_admin"},
		{1<<12 | 1<<13, 40, "cap_net_admin cap_net_raw"},
		{0, 40, "none"},
		{uint64(1)<<38 - 1, 37, "all 38"},
	} {
		if got := DescribeCaps(tt.mask, tt.last); got != tt.want {
			t.Errorf("DescribeCaps(%#x, %d) = %q, want %q", tt.mask, tt.last, got, tt.want)
		}
	}
}

func TestServiceUnit(t *testing.T) {
	for in, want := range map[string]string{
		"0::/system.slice/docker.service\n":                                         "docker.service",
		"0::/system.slice/containerd.service/kubepods-burstable-pod1.slice\n":       "containerd.service",
		"0::/user.slice/user-1000.slice/session-3.scope\n":                          "",
		"12:name=systemd:/system.slice/NetworkManager.service\n1:cpu:/\n":           "NetworkManager.service",
		"0::/system.slice/evil$(id).service\n":                                      "",
		"0::/\n":                                                                    "",
		"0::/user.slice/user-1000.slice/user@1000.service/app.slice/tmux.service\n": "",
		"garbage": "",
	} {
		if got := serviceUnit(in); got != want {
			t.Errorf("serviceUnit(%q) = %q, want %q", in, got, want)
		}
	}
}
