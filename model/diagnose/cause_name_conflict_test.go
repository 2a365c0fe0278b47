package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// A name refused as empty or malformed is judged as a name: the old name
// of a rename, or a word of a sentence, is never taken for it, and no fix
// deletes a link because one has the name (a review found `ip link del dev
// eth0` offered for udev's rename of eth0 to ”).
func TestNameRefusedAsMalformed(t *testing.T) {
	links := []probes.Link{{Name: "lo", Index: 1}, {Name: "eth0", Index: 2}}
	for _, tc := range []struct {
		text   string
		status Status
		words  string
	}{
		// Mellanox/mlnx-tools#96
		{"systemd-udevd[164885]: Error changing net interface name 'eth0' to '': Invalid argument", Fail, "refused as too long, empty or malformed"},
		{"lxc 20190101 ERROR confile.c: invalid interface name: eth0", Unknown, `"eth0" is a valid interface name here`},
		{"Error: Invalid interface name specified", OK, "no interface to create"},
		{"ovs-vsctl: Invalid interface name or index 7", OK, "no interface to create"},
		{"The interface name is too long", Fail, "refused as too long, empty or malformed"},
	} {
		f := &probes.Facts{Gathered: probes.AllGroups}
		f.Net.Links = links
		c := &Context{Facts: f, Symptom: symptom.ParseSymptom(tc.text)}
		v := evalNameConflict(c)
		if v.Status == "" {
			v.Status = OK
		}
		if v.Status != tc.status || !strings.Contains(strings.Join(v.Evidence, " "), tc.words) {
			t.Errorf("%q: %s %q, want %s with %q", tc.text, v.Status, v.Evidence, tc.status, tc.words)
		}
		for _, fx := range fixesNameConflict(c, v) {
			if fx.ID == "name-conflict/delete-stale" {
				t.Errorf("%q: offers to delete a link: %+v", tc.text, fx)
			}
		}
	}
	// A rename to a name that is taken is a conflict of that name.
	f := &probes.Facts{Gathered: probes.AllGroups}
	f.Net.Links = links
	s := symptom.ParseSymptom("systemd-udevd[1]: Failed to rename network interface 3 from 'eth1' to 'eth0': File exists")
	if v := evalNameConflict(&Context{Facts: f, Symptom: s}); v.Status != Fail || !strings.Contains(strings.Join(v.Evidence, " "), `"eth0" already exists`) {
		t.Errorf("rename to a taken name: %s %q", v.Status, v.Evidence)
	}
}
