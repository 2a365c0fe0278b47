package probes

import "testing"

func TestParseSubID(t *testing.T) {
	r, bad := parseSubID(sample(t, "subuid"))
	if len(r) != 4 || len(bad) != 1 {
		t.Fatalf("ranges %v, problems %v", r, bad)
	}
	if r[1] != (SubIDRange{Owner: "builder", Start: 165536, Count: 65536, Line: 2}) {
		t.Fatalf("builder range = %+v", r[1])
	}
	if r[2].Owner != "1001" || r[3].Count != 1000000000 {
		t.Fatalf("ranges = %+v", r)
	}
	for _, in := range []string{"x:1:0", "x:-1:5", "x:1", ":1:2", "x:1:2:3", "x:99999999999:1"} {
		if r, bad := parseSubID([]byte(in)); len(r) != 0 || len(bad) != 1 {
			t.Errorf("%q: ranges %v problems %v", in, r, bad)
		}
	}
	pw := parsePasswd([]byte("root:x:0:0:root:/root:/bin/bash\ndockremap:x:999:999::/home/dockremap:/bin/false\nbad\n"))
	if pw["dockremap"] != 999 || len(pw) != 2 {
		t.Fatalf("passwd = %v", pw)
	}
}

func TestParseDaemonJSON(t *testing.T) {
	d, err := parseDaemonJSON(sample(t, "daemon.json-remap"))
	if err != nil || d.UsernsRemap != "default" || d.RemapUser != "dockremap" || d.Iptables == nil || !*d.Iptables {
		t.Fatalf("remap default: %+v %v", d, err)
	}
	d, err = parseDaemonJSON(sample(t, "daemon.json-user"))
	if err != nil || d.RemapUser != "builder" || d.RemapGroup != "buildgroup" || d.Bridge != "none" || *d.IPv6 {
		t.Fatalf("remap user:group: %+v %v", d, err)
	}
	if _, err := parseDaemonJSON(sample(t, "daemon.json-broken")); err == nil {
		t.Fatal("trailing comma must be an error (dockerd refuses it)")
	}
	if _, err := parseDaemonJSON([]byte(`{"userns-remap": 5}`)); err == nil {
		t.Fatal("wrong type must be an error")
	}
	if d, err := parseDaemonJSON([]byte(`{}`)); err != nil || d.RemapUser != "" {
		t.Fatal("empty config")
	}
}

func FuzzParseSubID(f *testing.F) {
	seedSamples(f, "subuid")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, _ := parseSubID(b)
		for _, x := range r {
			if x.Count == 0 || x.Owner == "" {
				t.Fatalf("bad range kept: %+v", x)
			}
		}
		_ = parsePasswd(b)
	})
}

func FuzzParseDaemonJSON(f *testing.F) {
	seedSamples(f, "daemon.json")
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := parseDaemonJSON(b)
		if err == nil && d.UsernsRemap != "" && d.RemapUser == "" && d.UsernsRemap[0] != ':' {
			t.Fatalf("remap %q without user", d.UsernsRemap)
		}
		if len(d.UsernsRemap) > 260 {
			t.Fatal("unbounded field")
		}
	})
}
