package probes

import "testing"

func TestParseFileNR(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    FileNR
		wantErr bool
	}{
		{"this machine", string(sample(t, "file-nr")), FileNR{}, false},
		{"tabs", "1952\t0\t9223372036854775807\n", FileNR{1952, 0, 9223372036854775807}, false},
		{"exhausted", "199812\t0\t200000\n", FileNR{199812, 0, 200000}, false},
		{"old kernel with unused", "8192 1024 65536", FileNR{8192, 1024, 65536}, false},
		{"two fields", "1 2", FileNR{}, true},
		{"negative", "-1 0 5", FileNR{}, true},
		{"words", "a b c", FileNR{}, true},
		{"empty", "", FileNR{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseFileNR([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.name == "this machine" {
				if got.Max == 0 || got.Allocated == 0 {
					t.Fatalf("real sample parsed to %+v", got)
				}
				return
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
	if (FileNR{Allocated: 5, Unused: 9}).InUse() != 0 {
		t.Fatal("InUse must not underflow")
	}
}

func FuzzParseFileNR(f *testing.F) {
	seedSamples(f, "file-nr")
	f.Add([]byte("1 2 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		nr, err := parseFileNR(b)
		if err == nil && nr.InUse() > nr.Allocated {
			t.Fatalf("in use %d > allocated %d", nr.InUse(), nr.Allocated)
		}
	})
}
