package symptom

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// checkPrefilters fails when a row's prefilter would skip a line its
// regular expression matches.
func checkPrefilters(t testing.TB, line string) {
	lower := foldLine(line)
	for i, f := range lineForms {
		if f.re != nil && f.find == nil && f.re.MatchString(line) && !lineFormFilters[i].pass(line, lower) {
			t.Errorf("line row %s matches %q but its prefilter %+v skips it", f.name, line, lineFormFilters[i])
		}
	}
	for _, c := range []struct {
		re interface{ MatchString(string) bool }
		f  prefilter
	}{{capAddAdviceRE, capAddAdviceFilter}, {containerWordsRE, containerWordsFilter}} {
		if c.re.MatchString(line) && !c.f.pass(line, lower) {
			t.Errorf("a container hint matches %q but its prefilter %+v skips it", line, c.f)
		}
	}
	for i, f := range opPhrases {
		if f.re.MatchString(line) && !opPhraseFilters[i].pass(line, lower) {
			t.Errorf("phrase row %s matches %q but its prefilter %+v skips it", f.name, line, opPhraseFilters[i])
		}
	}
}

// The prefilters never skip a line their row matches: every example, and
// every line of every corpus text (as pasted and unwrapped).
func TestPrefilterNeverRejectsAMatch(t *testing.T) {
	var lines []string
	for _, f := range lineForms {
		lines = append(lines, strings.Split(f.example, "\n")...)
	}
	for _, f := range opPhrases {
		lines = append(lines, strings.Split(f.example, "\n")...)
	}
	// Letters Unicode folds onto ASCII ones: ſ (long s) matches (?i)s,
	// K (Kelvin) matches (?i)k; lower-casing does not make them ASCII.
	for _, l := range append([]string(nil), lines...) {
		lines = append(lines, strings.ReplaceAll(l, "s", "ſ"), strings.ReplaceAll(l, "k", "K"))
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.jsonl"))
	if len(files) == 0 {
		t.Fatal("no corpus files")
	}
	for _, name := range files {
		fh, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r struct{ Text string }
			if json.Unmarshal(sc.Bytes(), &r) != nil {
				continue
			}
			text := r.Text
			if u, ok := unescapeText(text); ok {
				text += "\n" + u
			}
			for _, l := range strings.Split(text, "\n") {
				l = strings.TrimSpace(l)
				unwrapped, _ := unwrapLine(l, 0)
				lines = append(lines, l)
				lines = append(lines, unwrapped...)
			}
		}
		fh.Close()
	}
	n := 0
	for _, f := range lineFormFilters {
		if len(f.any) > 0 {
			n++
		}
	}
	for _, f := range opPhraseFilters {
		if len(f.any) > 0 {
			n++
		}
	}
	t.Logf("%d of %d rows have a prefilter; %d lines checked", n, len(lineForms)+len(opPhrases), len(lines))
	for _, l := range lines {
		checkPrefilters(t, l)
	}
}

// FuzzPrefilter: for any line, a row whose expression matches is tried.
func FuzzPrefilter(f *testing.F) {
	for _, r := range lineForms {
		f.Add(r.example)
	}
	for _, r := range opPhrases {
		f.Add(r.example)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if len(line) > 4096 {
			return
		}
		checkPrefilters(t, line)
	})
}

// A literal U+FFFD gives no filter: the engine reads an invalid byte as
// U+FFFD, so a line can match without holding the literal's encoding.
func TestPrefilterReplacementChar(t *testing.T) {
	re := regexp.MustCompile(`\x{FFFD}abc`)
	if p := newPrefilter(re); !re.MatchString("\xffabc") || !p.pass("\xffabc", foldLine("\xffabc")) {
		t.Fatalf("prefilter %+v skips a line its expression matches", p)
	}
}
