package probes

import (
	"strings"
	"testing"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
)

// TestJSONSharesUnsafeList: the JSON encoder escapes every code point the
// line sanitiser treats as unsafe (one list: bidi marks U+200E/U+200F/U+061C
// and the separators U+2028/U+2029 included).
func TestJSONSharesUnsafeList(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if !sanitize.Unsafe(r) {
			continue
		}
		in := "a" + string(r) + "b"
		outs := []string{string(AppendJSONString(nil, in))}
		if r >= 0x20 { // encoding/json escapes C0 itself; EscapeTerminal sees its output
			outs = append(outs, string(EscapeTerminal([]byte(`"`+in+`"`))))
		}
		for _, out := range outs {
			if strings.ContainsRune(out, r) {
				t.Errorf("%U reaches JSON raw: %q", r, out)
			}
		}
	}
}
