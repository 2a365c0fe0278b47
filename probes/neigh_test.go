package probes

import "testing"

func TestParseNeighStat(t *testing.T) {
	const hdr = "entries  allocs   destroys hash_grows lookups  hits     res_failed rcv_probes_mcast rcv_probes_ucast periodic_gc_runs forced_gc_runs unresolved_discards table_fulls\n"
	tests := []struct {
		name    string
		table   string
		in      string
		want    NeighTable
		wantErr bool
	}{
		{"this machine arp", "arp_cache", string(sample(t, "arp_cache")), NeighTable{Table: "arp_cache", Entries: 2}, false},
		{"this machine ndisc", "ndisc_cache", string(sample(t, "ndisc_cache")), NeighTable{Table: "ndisc_cache", Entries: 4}, false},
		{"full table, two CPUs", "arp_cache", hdr +
			"00000400 00000500 00000100 00000002 00000000 00000000 00000000 00000000 00000000 00000010 00000007 00000000 00000021\n" +
			"00000400 00000001 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 00000000 00000002\n",
			NeighTable{Table: "arp_cache", Entries: 1024, TableFulls: 0x23, ForcedGC: 8}, false},
		{"old kernel without table_fulls", "arp_cache", "entries allocs forced_gc_runs\n0000000a 00000001 00000003\n",
			NeighTable{Table: "arp_cache", Entries: 10, ForcedGC: 3}, false},
		{"header only", "arp_cache", hdr, NeighTable{}, true},
		{"no entries column", "arp_cache", "allocs\n00000001\n", NeighTable{}, true},
		{"short line", "arp_cache", hdr + "00000001 00000002\n", NeighTable{}, true},
		{"not hex", "arp_cache", "entries\nzz\n", NeighTable{}, true},
		{"empty", "arp_cache", "", NeighTable{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseNeighStat(tt.table, []byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got.Table != tt.want.Table || got.Entries != tt.want.Entries || got.TableFulls != tt.want.TableFulls || got.ForcedGC != tt.want.ForcedGC {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func FuzzParseNeighStat(f *testing.F) {
	seedSamples(f, "arp_cache")
	seedSamples(f, "ndisc_cache")
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = parseNeighStat("arp_cache", b)
	})
}
