package symptom

import (
	"strings"
	"testing"
)

func TestParseSymptomUnrecognised(t *testing.T) {
	for _, in := range []string{"", "hello world", "the network is slow today", "\x00\xff\xfe", strings.Repeat("A", 1<<20)} {
		s := ParseSymptom(in)
		if s.Recognised {
			t.Errorf("%q: recognised as %+v", clipText(in, 20), s)
		}
	}
}
