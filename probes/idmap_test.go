package probes

import "testing"

func TestParseIDMap(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    []IDMap
		initial bool
		wantErr bool
	}{
		{"initial", sample(t, "uid_map-initial"), []IDMap{{0, 0, 4294967295}}, true, false},
		{"unshare -Ur", sample(t, "uid_map-userns"), []IDMap{{0, 0, 1}}, false, false},
		{"docker userns-remap", sample(t, "uid_map-remap"), []IDMap{{0, 165536, 65536}}, false, false},
		{"two ranges", []byte("0 1000 1\n1 100000 65536\n"), []IDMap{{0, 1000, 1}, {1, 100000, 65536}}, false, false},
		{"empty map (not yet written)", []byte(""), nil, false, false},
		{"two fields", []byte("0 0\n"), nil, false, true},
		{"overflow", []byte("0 0 4294967296\n"), nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseIDMap(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
			}
			if IsInitialMap(got) != tt.initial {
				t.Fatalf("initial = %v", !tt.initial)
			}
		})
	}
}

func FuzzParseIDMap(f *testing.F) {
	seedSamples(f, "uid_map")
	f.Fuzz(func(t *testing.T, b []byte) { _, _ = parseIDMap(b) })
}
