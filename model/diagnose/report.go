package diagnose

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/rtnl-doctor/rtnl-doctor/internal/sanitize"
	"github.com/rtnl-doctor/rtnl-doctor/internal/version"
	"github.com/rtnl-doctor/rtnl-doctor/model/fix"
	"github.com/rtnl-doctor/rtnl-doctor/probes"
)

// WriteJSON writes the diagnosis in the documented, stable shape:
// {"symptom":{...},"causes":[{"id","status","title","evidence","fixes":[...]}],"facts":{...}}.
// Strings are escaped by the encoder, so no terminal sequence survives.
//
// The facts are streamed (probes.Facts.WriteJSON): 20,000 links never sit in
// memory as one JSON document.
func (d *Diagnosis) WriteJSON(w io.Writer) error {
	part := func(prefix string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, prefix); err != nil {
			return err
		}
		_, err = w.Write(probes.EscapeTerminal(b))
		return err
	}
	if err := part("{\n\"version\": ", version.String()); err != nil {
		return err
	}
	if err := part(",\n\"symptom\": ", d.Symptom); err != nil {
		return err
	}
	if d.Repro != nil {
		if err := part(",\n\"reproduction\": ", d.Repro); err != nil {
			return err
		}
	}
	if err := part(",\n\"causes\": ", d.Results); err != nil {
		return err
	}
	if _, err := io.WriteString(w, ",\n\"facts\": "); err != nil {
		return err
	}
	if err := d.Facts.WriteJSON(w); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n}\n")
	return err
}

// Unavailable lists every fact that could not be read, as "group.fact:
// reason", sorted.
func Unavailable(f *probes.Facts) []string {
	var out []string
	for _, g := range f.Gaps {
		out = append(out, g.Fact+": "+g.Reason)
	}
	v := reflect.ValueOf(f).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		fv := v.Field(i)
		if fv.Kind() != reflect.Struct {
			continue
		}
		gf := fv.FieldByName("Gaps")
		if !gf.IsValid() {
			continue
		}
		gaps, ok := gf.Interface().(probes.Gaps)
		if !ok {
			continue
		}
		name := strings.Split(t.Field(i).Tag.Get("json"), ",")[0]
		for _, g := range gaps {
			out = append(out, name+"."+g.Fact+": "+g.Reason)
		}
	}
	sort.Strings(out)
	return out
}

// ln passes one value from the system through the one line sanitiser: a
// newline in a process name, an audit field or an interface alias must not
// start a line of the report (a fake "✓ OK" or "$ ..." line, a heading).
func ln(s string) string { return sanitize.Line(s) }

// WriteText writes the diagnosis for a terminal, sanitised: every value
// from the system is made one line first.
func (d *Diagnosis) WriteText(w io.Writer) error {
	var b strings.Builder
	f := d.Facts
	fmt.Fprintf(&b, "rtnl-doctor report: %s, kernel %s, %s\n", ln(sanitize.OrDash(f.Host.Hostname)), ln(sanitize.OrDash(f.Host.KernelRelease)), f.Collected.Local().Format("2006-01-02 15:04:05"))
	fmt.Fprintf(&b, "Symptom:   %s\n", ln(d.Symptom.SymptomLine()))
	if d.Symptom.Cut != "" {
		fmt.Fprintf(&b, "           (%s)\n", ln(d.Symptom.Cut))
	}
	c := &Context{Facts: f}
	fmt.Fprintf(&b, "Examined:  %s; network namespace %s\n", ln(c.who()), ln(f.Target.NetNS))
	if d.Note != "" {
		fmt.Fprintf(&b, "           (%s)\n", ln(d.Note))
	}
	fmt.Fprintf(&b, "Tool:      rtnl-doctor %s\n", version.String())
	for _, src := range f.Target.Sources {
		fmt.Fprintf(&b, "From:      %s\n", ln(src))
	}
	if r := d.Repro; r != nil {
		fmt.Fprintf(&b, "Reproduced: %s (in a throwaway network namespace)\n           %s\n", ln(r.Tried), ln(r.Conclusion))
	}
	b.WriteString("\n")
	for _, r := range d.Results {
		fmt.Fprintf(&b, "%s %-7s %s: %s\n", r.Status.Symbol(), strings.ToUpper(string(r.Status)), ln(r.ID), ln(r.Title))
		for _, e := range r.Evidence {
			fmt.Fprintf(&b, "      - %s\n", ln(e))
		}
		for i, fx := range r.Fixes {
			fmt.Fprintf(&b, "      fix %d: %s%s\n", i+1, ln(fx.Title), ln(fixNote(fx)))
			for _, line := range fix.PromptLines(fx.PlanCommand()) {
				fmt.Fprintf(&b, "          %s\n", ln(line))
			}
			if fx.Risk != "" {
				fmt.Fprintf(&b, "          cost: %s\n", ln(fx.Risk))
			}
		}
	}
	if un := Unavailable(f); len(un) > 0 {
		fmt.Fprintf(&b, "\nCould not see (%d):\n", len(un))
		for _, u := range un {
			fmt.Fprintf(&b, "  - %s\n", ln(u))
		}
	}
	_, err := io.WriteString(w, sanitize.Text(b.String()))
	return err
}

func fixNote(fx fix.Fix) string {
	var n []string
	if fx.NeedsRoot {
		n = append(n, "needs root")
	}
	if fx.Manual {
		n = append(n, "by hand: "+fx.Why)
	}
	if len(n) == 0 {
		return ""
	}
	return " (" + strings.Join(n, "; ") + ")"
}

// WriteMarkdown writes the diagnosis for pasting into a ticket, sanitised:
// every value from the system is made one line, then escaped.
func (d *Diagnosis) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	f := d.Facts
	fmt.Fprintf(&b, "## rtnl-doctor report: %s\n\n", mdEscape(sanitize.OrDash(f.Host.Hostname)))
	fmt.Fprintf(&b, "- **Kernel:** %s\n", mdEscape(sanitize.OrDash(f.Host.KernelRelease)))
	fmt.Fprintf(&b, "- **Time:** %s\n", f.Collected.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "- **Tool:** rtnl-doctor %s\n", mdEscape(version.String()))
	fmt.Fprintf(&b, "- **Symptom:** %s\n", mdEscape(d.Symptom.SymptomLine()))
	if d.Symptom.Cut != "" {
		fmt.Fprintf(&b, "- **Cut:** %s\n", mdEscape(d.Symptom.Cut))
	}
	c := &Context{Facts: f}
	fmt.Fprintf(&b, "- **Examined:** %s; network namespace %s\n", mdEscape(c.who()), mdEscape(f.Target.NetNS))
	if r := d.Repro; r != nil {
		fmt.Fprintf(&b, "- **Reproduced:** `%s`: %s\n", mdCode(r.Tried), mdEscape(r.Conclusion))
	}
	if strings.TrimSpace(d.Symptom.Raw) != "" {
		fmt.Fprintf(&b, "\n```\n%s\n```\n", mdFence(strings.TrimSpace(d.Symptom.Raw)))
	}
	b.WriteString("\n| status | cause | first evidence |\n|---|---|---|\n")
	for _, r := range d.Results {
		first := ""
		if len(r.Evidence) > 0 {
			first = r.Evidence[0]
		}
		fmt.Fprintf(&b, "| %s %s | %s | %s |\n", r.Status.Symbol(), r.Status, mdEscape(r.ID), mdCell(first))
	}
	for _, r := range d.Results {
		if r.Status == OK {
			continue
		}
		fmt.Fprintf(&b, "\n### %s %s: %s\n\n", r.Status.Symbol(), mdEscape(r.ID), mdEscape(r.Title))
		for _, e := range r.Evidence {
			fmt.Fprintf(&b, "- %s\n", mdEscape(e))
		}
		for i, fx := range r.Fixes {
			var cmd []string
			for _, line := range strings.Split(fx.PlanCommand(), "\n") {
				cmd = append(cmd, ln(line))
			}
			fmt.Fprintf(&b, "\n**Fix %d: %s**%s\n\n```sh\n%s\n```\n", i+1, mdEscape(fx.Title), mdEscape(fixNote(fx)), mdFence(strings.Join(cmd, "\n")))
			if fx.Risk != "" {
				fmt.Fprintf(&b, "\n> Cost: %s\n", mdEscape(fx.Risk))
			}
		}
	}
	if un := Unavailable(f); len(un) > 0 {
		b.WriteString("\n<details><summary>Could not see</summary>\n\n")
		for _, u := range un {
			fmt.Fprintf(&b, "- %s\n", mdEscape(u))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, sanitize.Text(b.String()))
	return err
}

var mdReplacer = strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "<", "&lt;", ">", "&gt;", "[", "\\[", "]", "\\]", "|", "\\|")

// mdEscape keeps text from the system from becoming Markdown or HTML: it
// is made one line by the line sanitiser first, then escaped.
func mdEscape(s string) string { return mdReplacer.Replace(ln(s)) }

func mdCell(s string) string { return mdEscape(s) }

func mdCode(s string) string { return strings.ReplaceAll(ln(s), "`", "'") }

// mdFence keeps a code block from being closed early by text inside it.
func mdFence(s string) string { return strings.ReplaceAll(s, "```", "`\u200b``") }
