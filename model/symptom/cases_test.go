package symptom_test

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/model/symptom/symptomtest"
)

func TestParseSymptom(t *testing.T) {
	if len(symptomtest.Cases) < 40 {
		t.Fatalf("only %d cases", len(symptomtest.Cases))
	}
	for _, tt := range symptomtest.Cases {
		t.Run(tt.Name, func(t *testing.T) {
			got := symptom.ParseSymptom(tt.In)
			if !got.Recognised {
				t.Fatalf("not recognised: %+v", got)
			}
			w := tt.Want
			check := func(field, got, want string) {
				if want != "" && got != want {
					t.Errorf("%s = %q, want %q (symptom %+v)", field, got, want, got)
				}
			}
			check("operation", got.Operation, w.Operation)
			check("kind", got.Kind, w.Kind)
			check("device", got.Device, w.Device)
			check("peer", got.Peer, w.Peer)
			check("lower", got.Lower, w.Lower)
			check("master", got.Master, w.Master)
			check("address", got.Address, w.Address)
			check("route", got.Route, w.Route)
			check("gateway", got.Gateway, w.Gateway)
			check("family", got.Family, w.Family)
			check("errno", string(got.Errno), string(w.Errno))
			check("ext_ack", got.ExtAck, w.ExtAck)
			check("sysctl", got.SysctlKey, w.SysctlKey)
			check("path", got.Path, w.Path)
			check("module", got.Module, w.Module)
			check("source", got.Source, w.Source)
			check("tc_kind", got.TCKind, w.TCKind)
			check("tc_actions", strings.Join(got.TCActions, " "), strings.Join(w.TCActions, " "))
			check("netns", got.Netns, w.Netns)
			if w.InvalidName && !got.InvalidName {
				t.Errorf("invalid name not flagged")
			}
		})
	}
}

func FuzzParseSymptom(f *testing.F) {
	for _, c := range symptomtest.Cases {
		f.Add(c.In)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := symptom.ParseSymptom(in)
		for _, v := range []string{s.Device, s.Peer, s.Kind, s.Message, s.Command, s.Address, s.SysctlKey} {
			if len(v) > 1024 {
				t.Fatalf("unbounded field of %d bytes", len(v))
			}
		}
	})
}
