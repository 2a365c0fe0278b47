package probes

import (
	"strings"
	"testing"
)

func TestValidIfName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
		want string // a word the reason must contain
	}{
		{"eth0", true, ""},
		{"veth1a2b3c4d5e6", true, ""}, // 15 bytes
		{"veth1a2b3c4d5e6f", false, "16 bytes"},
		{"", false, "empty"},
		{".", false, "directory"},
		{"..", false, "directory"},
		{"all", false, "reserved"},
		{"default", false, "reserved"},
		{"a/b", false, "'/'"},
		{"eth0:1", false, "':'"},
		{"bad name", false, "white space"},
		{"tab\tname", false, "white space"},
		{"nbsp\xa0x", false, "white space"},
		{"x%d", true, ""},
		{"x%s", false, "template"},
		{"x%d%d", false, "template"},
		{"\x1b[2Jx", true, ""}, // the kernel allows escape bytes: rendering must sanitise
		{"défaut", true, ""},
	}
	for _, tt := range tests {
		err := ValidIfName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("%q: err = %v, want ok %v", tt.name, err, tt.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v does not say %q", tt.name, err, tt.want)
		}
	}
}

func TestCheckIfName(t *testing.T) {
	links := []Link{{Index: 1, Name: "lo"}, {Index: 5, Name: "eth0", AltNames: []string{"enp0s3"}}, {Index: 6, Name: "br0"}, {Index: 7, Name: "br01"}}
	nc := CheckIfName("enp0s3", links)
	if nc.Clash == nil || nc.Clash.Name != "eth0" || !nc.ClashIsAltName {
		t.Fatalf("altname clash: %+v", nc)
	}
	nc = CheckIfName("br0", links)
	if nc.Clash == nil || nc.Clash.Index != 6 || nc.ClashIsAltName {
		t.Fatalf("name clash: %+v", nc)
	}
	if len(nc.Suggestions) != 3 || nc.Suggestions[0] != "br02" {
		t.Fatalf("suggestions = %v (br01 is taken)", nc.Suggestions)
	}
	nc = CheckIfName("averyveryverylongname", links)
	if nc.Problem == "" || len(nc.Suggestions) == 0 || len(nc.Suggestions[0]) > 15 || nc.Suggestions[0] != "averyveryverylo" {
		t.Fatalf("too long: %+v", nc)
	}
	nc = CheckIfName("my iface", links)
	if nc.Suggestions[0] != "my-iface" {
		t.Fatalf("space: %v", nc.Suggestions)
	}
	nc = CheckIfName("all", links)
	if nc.Problem == "" || nc.Suggestions[0] != "if-all" {
		t.Fatalf("reserved: %+v", nc)
	}
	if nc := CheckIfName("free0", links); nc.Problem != "" || nc.Clash != nil || nc.Suggestions != nil {
		t.Fatalf("free name: %+v", nc)
	}
	for _, s := range SuggestIfNames("\x1b[2J", func(string) bool { return false }, 3) {
		if ValidIfName(s) != nil || strings.ContainsRune(s, 0x1b) {
			t.Fatalf("suggestion %q", s)
		}
	}
}

func FuzzCheckIfName(f *testing.F) {
	for _, s := range []string{"eth0", "all", "a/b", "x%d", "veth1a2b3c4d5e6f", "\x1b[2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		nc := CheckIfName(name, []Link{{Name: "eth0"}, {Name: name + "1"}})
		for _, s := range nc.Suggestions {
			if err := ValidIfName(s); err != nil || s == name {
				t.Fatalf("suggested %q for %q: %v", s, name, err)
			}
		}
	})
}
