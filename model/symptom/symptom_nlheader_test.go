package symptom

import "testing"

func TestEchoedHeader(t *testing.T) {
	for _, tc := range []struct {
		text, op, family string
	}{
		// kata-containers/kata-containers#11227 (corpus ctr3-052), joined.
		{`Failed to add address fe80::c44c:1cff:fe84:f6b7: NetlinkError(ErrorMessage { code: Some(-13), header: [64, 0, 0, 0, 20, 0, 5, 5, 19, 0, 0, 0, 0, 0, 0, 0, 10, 64, 0, 0] })`, OpAddrAdd, "inet6"},
		{`NetlinkError(ErrorMessage { code: Some(-17), header: [32, 0, 0, 0, 16, 0, 5, 6, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] })`, OpLinkAdd, ""},
		{`NetlinkError(ErrorMessage { code: Some(-19), header: [32, 0, 0, 0, 16, 0, 5, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] })`, OpLinkSet, ""},
		{`NetlinkError(ErrorMessage { code: Some(-17), header: [60, 0, 0, 0, 24, 0, 5, 6, 1, 0, 0, 0, 0, 0, 0, 0, 2, 24, 0, 0] })`, OpRouteAdd, "inet"},
		// Too short, or a byte out of range: nothing.
		{`header: [40, 0, 0, 0, 16, 0]`, "", ""},
		{`header: [40, 0, 0, 0, 20, 0, 5, 5, 1, 0, 0, 0, 0, 0, 0, 0, 999, 0]`, "", ""},
	} {
		s := ParseSymptom(tc.text)
		if s.Operation != tc.op || s.Family != tc.family {
			t.Errorf("%q: op %q family %q, want %q %q", tc.text, s.Operation, s.Family, tc.op, tc.family)
		}
	}
}
