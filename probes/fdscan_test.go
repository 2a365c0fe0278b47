package probes

import "testing"

func TestWorstFDUsage(t *testing.T) {
	w, err := WorstFDUsage("testdata/roots/base")
	if err != nil {
		t.Fatal(err)
	}
	if w.PID != 4242 || w.Open != 6 || w.Soft != 1024 || w.Ratio != 6.0/1024 {
		t.Errorf("got %+v, want PID 4242 with 6 of 1024", w)
	}
	if _, err := WorstFDUsage(t.TempDir()); err == nil {
		t.Error("no error for a root without /proc")
	}
	live, err := WorstFDUsage("")
	if err != nil || live.Scanned == 0 || live.Ratio <= 0 {
		t.Errorf("live scan: %+v, %v", live, err)
	}
}
