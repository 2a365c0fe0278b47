package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

func TestEmulatedKernel(t *testing.T) {
	for _, tc := range []struct {
		name, release, version, text string
		status                       Status
		evidence, fix                string
	}{
		// microsoft/WSL#2249 (the uname of a WSL 1 build) with ss's error.
		{"WSL 1, ss", "4.4.0-19041-Microsoft", "#1237-Microsoft Sat Sep 11 14:32:00 PST 2021",
			"$ ss\nCannot open netlink socket: Protocol not supported", Fail, "the kernel is WSL 1", "emulated-kernel/wsl2"},
		{"gVisor, tuntap", "4.4.0", gvisorVersion,
			"ip tuntap add mode tun dev tun0\nioctl(TUNSETIFF): Invalid argument", Fail, "the kernel is gVisor", "emulated-kernel/runc"},
		{"gVisor, another errno", "4.4.0", gvisorVersion,
			"RTNETLINK answers: File exists", Warn, "gVisor's sentry", "emulated-kernel/runc"},
		{"WSL 2 is Linux", "5.15.167.4-microsoft-standard-WSL2", "#1 SMP Tue Nov 5 00:21:55 UTC 2024",
			"$ ss\nCannot open netlink socket: Protocol not supported", OK, "is Linux 5.15.167.4-microsoft-standard-WSL2", ""},
		{"a 4.4.0 Linux is Linux", "4.4.0-210-generic", "#242-Ubuntu SMP Fri Apr 16 09:57:56 UTC 2021",
			"RTNETLINK answers: Invalid argument", OK, "is Linux 4.4.0-210-generic", ""},
		{"release unread", "", "", "RTNETLINK answers: Invalid argument", Unknown, "unavailable", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &probes.Facts{Host: probes.HostFacts{KernelRelease: tc.release, KernelVersion: tc.version}}
			c := &Context{Facts: f, Symptom: symptom.ParseSymptom(tc.text)}
			v := evalEmulatedKernel(c)
			ev := strings.Join(v.Evidence, "\n")
			if v.Status == "" {
				v.Status = OK // the engine's reading of a verdict with only ok evidence
			}
			if v.Status != tc.status || !strings.Contains(ev, tc.evidence) {
				t.Fatalf("status %s evidence %q, want %s with %q", v.Status, ev, tc.status, tc.evidence)
			}
			fixes := fixesEmulatedKernel(c, v)
			if tc.fix == "" && len(fixes) != 0 || tc.fix != "" && (len(fixes) != 1 || fixes[0].ID != tc.fix) {
				t.Fatalf("fixes %v, want %q", fixes, tc.fix)
			}
		})
	}
	// The text alone: a pasted WSL 1 uname or a runsc log ranks it first.
	for _, text := range []string{
		"$ uname -a\nLinux host 4.4.0-19041-Microsoft #1237-Microsoft Sat Sep 11 14:32:00 PST 2021 x86_64 GNU/Linux\n$ ss\nCannot open netlink socket: Protocol not supported",
		"runsc: ip tuntap add mode tun dev tun0\nioctl(TUNSETIFF): Invalid argument",
	} {
		if ks, _ := rankedCauses(symptom.ParseSymptom(text)); len(ks) == 0 || ks[0] != causeEmulatedKernel {
			t.Errorf("%q ranked %v, want emulated-kernel first", text, ks)
		}
	}
}
