package probes

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseStatus(t *testing.T) {
	netAdmin := uint64(1) << unix.CAP_NET_ADMIN
	tests := []struct {
		name        string
		in          []byte
		uid         uint32
		netAdmin    bool
		bndNetAdmin bool
		nnp         bool
		seccomp     int
		wantErr     bool
	}{
		{"root", sample(t, "status-root"), 0, true, true, false, 0, false},
		{"nobody, no caps", sample(t, "status-nobody"), 65534, false, false, false, 0, false},
		{"root without net_admin in bounding set", sample(t, "status-root-no-net-admin"), 0, false, false, false, 0, false},
		{"user namespace root", sample(t, "status-userns"), 0, true, true, false, 0, false},
		{"docker default", sample(t, "status-docker-default"), 0, false, false, true, 2, false},
		{"minimal", []byte("Name:\tx\nUid:\t1\t2\t3\t4\nCapEff:\t0000000000001000\n"), 1, true, false, false, -1, false},
		{"bad uid line keeps caps", []byte("Uid:\tzero\nCapEff:\t0000000000001000\n"), 0, true, false, false, -1, false},
		{"no identity", []byte("Name:\tx\nState:\tR\n"), 0, false, false, false, -1, true},
		{"garbage", []byte("\x00\xff:\n::::\n"), 0, false, false, false, -1, true},
		{"overlong cap mask", []byte("Uid:\t0\t0\t0\t0\nCapEff:\t00000000000000000001\n"), 0, false, false, false, -1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := parseStatus(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if s.UID[0] != tt.uid {
				t.Errorf("uid = %d, want %d", s.UID[0], tt.uid)
			}
			if got := s.CapEff&netAdmin != 0; got != tt.netAdmin {
				t.Errorf("CapEff net_admin = %v, want %v", got, tt.netAdmin)
			}
			if tt.name != "minimal" && tt.name != "bad uid line keeps caps" {
				if got := s.CapBnd&netAdmin != 0; got != tt.bndNetAdmin {
					t.Errorf("CapBnd net_admin = %v, want %v", got, tt.bndNetAdmin)
				}
			}
			if s.NoNewPrivs != tt.nnp || s.Seccomp != tt.seccomp {
				t.Errorf("NoNewPrivs=%v Seccomp=%d, want %v %d", s.NoNewPrivs, s.Seccomp, tt.nnp, tt.seccomp)
			}
		})
	}
}

func TestCapNames(t *testing.T) {
	s, _ := parseStatus(sample(t, "status-docker-default"))
	names := CapNames(s.CapEff)
	want := []string{"cap_chown", "cap_dac_override", "cap_fowner", "cap_fsetid", "cap_kill", "cap_setgid", "cap_setuid",
		"cap_setpcap", "cap_net_bind_service", "cap_net_raw", "cap_sys_chroot", "cap_mknod", "cap_audit_write", "cap_setfcap"}
	if len(names) != len(want) {
		t.Fatalf("docker default caps = %v, want %v", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("docker default caps = %v, want %v", names, want)
		}
	}
}

func FuzzParseStatus(f *testing.F) {
	seedSamples(f, "status")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := parseStatus(b)
		if err == nil && !s.Have["Uid"] && !s.Have["CapEff"] {
			t.Fatal("no error but no identity")
		}
		_ = CapNames(s.CapEff)
	})
}
