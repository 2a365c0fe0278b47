// Package assets holds the text people read: the explanation of every
// cause, embedded in the binary.
package assets

import (
	"embed"
	"strings"
)

//go:embed causes/*.md
var causes embed.FS

// Cause returns the explanation of the cause with the given id, or "" when
// there is none. The first line is a Markdown heading with the title.
func Cause(id string) string {
	b, err := causes.ReadFile("causes/" + id + ".md")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// CauseBody is the explanation without its title line.
func CauseBody(id string) string {
	s := Cause(id)
	if strings.HasPrefix(s, "# ") {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return strings.TrimSpace(s[i+1:])
		}
		return ""
	}
	return s
}

// CauseTitle is the explanation's title (its first heading).
func CauseTitle(id string) string {
	s := Cause(id)
	if t, ok := strings.CutPrefix(s, "# "); ok {
		if i := strings.IndexByte(t, '\n'); i >= 0 {
			t = t[:i]
		}
		return strings.TrimSpace(t)
	}
	return ""
}
