package probes

import "testing"

func TestParseLimits(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		key     string
		want    Limit
		wantErr bool
	}{
		{"this machine", sample(t, "limits"), "Max open files", Limit{20000, 20000}, false},
		{"ulimit -n 8", sample(t, "limits-nofile-8"), "Max open files", Limit{8, 8}, false},
		{"unlimited", sample(t, "limits"), "Max cpu time", Limit{Unlimited, Unlimited}, false},
		{"no units column", sample(t, "limits"), "Max nice priority", Limit{0, 0}, false},
		{"soft below hard", []byte("Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n"), "Max open files", Limit{1024, 524288}, false},
		{"huge is unlimited", []byte("Max open files            18446744073709551615 18446744073709551615 files\n"), "Max open files", Limit{Unlimited, Unlimited}, false},
		{"garbage value", []byte("Max open files            lots                 8                    files\n"), "", Limit{}, true},
		{"one column", []byte("Max open files\n"), "", Limit{}, true},
		{"empty", nil, "", Limit{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseLimits(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.key == "" {
				return
			}
			if got[tt.key] != tt.want {
				t.Fatalf("%s = %+v, want %+v", tt.key, got[tt.key], tt.want)
			}
		})
	}
}

func FuzzParseLimits(f *testing.F) {
	seedSamples(f, "limits")
	f.Fuzz(func(t *testing.T, b []byte) {
		m, _ := parseLimits(b)
		for k, l := range m {
			if l.Soft < Unlimited || l.Hard < Unlimited {
				t.Fatalf("%q: %+v below Unlimited", k, l)
			}
		}
	})
}
