package diagnose

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/model/symptom"
)

// Every cause an extended ACK names is a cause of the catalogue, and the
// message puts it first.
func TestExtAckCauses(t *testing.T) {
	hints := 0
	for _, r := range symptom.ExtAcks() {
		if r.Cause == "" {
			continue
		}
		hints++
		k := CauseByID(r.Cause)
		if k == nil {
			t.Errorf("%q names the cause %q, which is not in the catalogue", r.Text(), r.Cause)
			continue
		}
		msg := strings.NewReplacer("%s", "veth0", "%u", "7", "%d", "7").Replace(r.Text())
		s := symptom.ParseSymptom("Error: " + strings.TrimSuffix(msg, ".") + ".")
		ks, rows := rankedCauses(s)
		if len(ks) == 0 || ks[0] != k {
			t.Errorf("%q: first cause %v, want %s", msg, causeIDs(ks), r.Cause)
		}
		if len(rows) == 0 || !strings.Contains(rows[0].Why, r.Src) {
			t.Errorf("%q: first row %+v does not cite %s", msg, rows, r.Src)
		}
	}
	if hints == 0 {
		t.Fatal("no extended ACK names a cause")
	}
	// A message without a cause adds no row.
	if rows := extAckRows(symptom.ParseSymptom("Error: Invalid source address length.")); rows != nil {
		t.Errorf("a message without a cause gave %+v", rows)
	}
}

func causeIDs(ks []*Cause) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.ID)
	}
	return out
}
