package ui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A long pasted line is wrapped by the paste box alone, at every window
// size: each row of the box inside the dialog starts with the box's prompt
// (┃), and no row is wrapped a second time by the dialog (review finding:
// the box was sized from the window, wider than the dialog, so at 120x40
// the dialog cut every row in two, the second part without the prompt, and
// the text's last rows fell below empty prompt rows).
func TestPasteBoxFitsTheDialog(t *testing.T) {
	kubelet := `E1203 13:00:00.123456 1234 pod_workers.go:1298] "Error syncing pod, skipping" err="failed to \"CreatePodSandbox\" for \"web-0_default\" with CreatePodSandboxError: plugin type=bridge failed (add): failed to add the host (veth1234) <=> sandbox (eth0) pair interfaces: RTNETLINK answers: Operation not supported"`
	words := strings.Repeat("a very long kubelet line ", 14)
	noSpace := strings.Repeat("0123456789", 31)
	f := fixtureFacts(t)
	for _, size := range [][2]int{{60, 16}, {80, 24}, {100, 30}, {104, 30}, {120, 40}, {160, 48}, {250, 60}} {
		for name, text := range map[string]string{"kubelet": kubelet, "words": words, "no-space": noSpace} {
			t.Run(fmt.Sprintf("%s_%dx%d", name, size[0], size[1]), func(t *testing.T) {
				w, h := size[0], size[1]
				m := newTestModel(t, f, "", w, h)
				press(m, "s")
				feed(m, tea.PasteMsg{Content: text})
				box := strings.Split(ansi.Strip(m.symptomDialog()), "\n")
				for i, l := range box {
					if n := ansi.StringWidth(l); n != m.dialogWidth() {
						t.Errorf("dialog line %d is %d cells wide, the dialog %d: %q", i, n, m.dialogWidth(), l)
					}
				}
				// The paste box's rows: from the first prompt to the bottom border.
				first := -1
				for i, l := range box {
					if strings.HasPrefix(l, "│ ┃") {
						first = i
						break
					}
				}
				if first < 0 {
					t.Fatalf("no row of the paste box in the dialog:\n%s", strings.Join(box, "\n"))
				}
				rows := box[first : len(box)-1]
				var got strings.Builder
				blank := -1
				for i, l := range rows {
					if !strings.HasPrefix(l, "│ ┃") {
						t.Fatalf("row %d of the paste box has no prompt (wrapped again by the dialog): %q\n%s", i, l, strings.Join(box, "\n"))
					}
					text := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(l, "│ ┃"), "│"))
					switch {
					case text == "" && blank < 0:
						blank = i
					case text != "" && blank >= 0:
						t.Fatalf("row %d holds text after the empty row %d:\n%s", i, blank, strings.Join(box, "\n"))
					}
					got.WriteString(text)
				}
				if len(rows) != m.input.Height() {
					t.Errorf("the paste box has %d rows in the dialog, it is %d high:\n%s", len(rows), m.input.Height(), strings.Join(box, "\n"))
				}
				// The rows hold the paste in order, nothing cut off: all of it
				// when it fits, else its end (the box scrolls to the cursor).
				norm := func(s string) string { return strings.Join(strings.Fields(s), "") }
				shown, all := norm(got.String()), norm(text)
				if !strings.HasSuffix(all, shown) || h >= 24 && shown != all {
					t.Errorf("the paste box shows\n%q\nnot the pasted\n%q\n%s", shown, all, strings.Join(box, "\n"))
				}
				checkFrame(t, content(m), w, h)
			})
		}
	}
}
