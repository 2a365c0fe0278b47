package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A name pasted with terminal escape sequences loses them when the text is
// read: its absence among the links proves nothing (unknown, never a false
// ok), and a link whose name reads the same once its escapes are removed is
// the clash.
func TestPastedEscapesProveNoAbsence(t *testing.T) {
	const evil = "\x1b[31mEVIL\x1b[0m"
	paste := "$ ip link add " + evil + " type dummy\nRTNETLINK answers: File exists"
	s := symptom.ParseSymptom(paste)
	if !s.Escapes {
		t.Fatalf("the symptom does not note its escape sequences: %+v", s)
	}
	for _, c := range []struct {
		links []probes.Link
		want  Status
		words string
	}{
		{[]probes.Link{{Name: "lo"}, {Name: evil}}, Fail, `"\x1b[31mEVIL\x1b[0m"`},
		{[]probes.Link{{Name: "lo"}}, Unknown, "terminal escape sequences"},
	} {
		f := &probes.Facts{Gathered: probes.AllGroups}
		f.Net.Links = c.links
		v := evalNameConflict(&Context{Facts: f, Symptom: s})
		if v.Status != c.want || !strings.Contains(strings.Join(v.Evidence, " "), c.words) {
			t.Errorf("links %+v: %s %q, want %s with %q", c.links, v.Status, v.Evidence, c.want, c.words)
		}
	}
	// Without escapes in the paste, absence is still a ruling.
	f := &probes.Facts{Gathered: probes.AllGroups}
	f.Net.Links = []probes.Link{{Name: "lo"}}
	if v := evalNameConflict(&Context{Facts: f, Symptom: symptom.ParseSymptom("$ ip link add EVIL type dummy\nRTNETLINK answers: File exists")}); v.Status != OK && v.Status != "" {
		t.Errorf("plain paste: %s %q, want ok", v.Status, v.Evidence)
	}
}

// The same for link-state: a device that seems absent is no proof when the
// pasted text held escape sequences.
func TestPastedEscapesLinkStateUnknown(t *testing.T) {
	s := symptom.ParseSymptom("$ ip addr add 10.0.0.1/24 dev \x1b[1mwan0\x1b[0m\nCannot find device \"wan0\"")
	f := &probes.Facts{Gathered: probes.AllGroups}
	f.Net.Links = []probes.Link{{Name: "lo"}, {Name: "\x1b[1mwan0\x1b[0m"}}
	v := evalLinkState(&Context{Facts: f, Symptom: s})
	if v.Status == Fail || !strings.Contains(strings.Join(v.Evidence, " "), "escape sequences") {
		t.Errorf("%s %q, want no proof and the reason", v.Status, v.Evidence)
	}
}
