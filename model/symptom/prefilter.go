package symptom

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// A prefilter is a literal every match of a vocabulary row's regular
// expression must contain: a line without it cannot match, and Go's regexp
// engine would spend a backtracking run finding that out. With about 130
// rows tried on every line of a 64 KiB paste this is most of the parse
// (BenchmarkParseSymptom64KDistinct: 135 ms before, about 50 ms with the
// prefilters; the README's Performance section).
// TestPrefilterNeverRejectsAMatch checks it against every example and every
// line of the corpus.
type prefilter struct {
	// any are literals of which every match contains at least one; none:
	// always try the row.
	any []needle
}

type needle struct {
	lit  string
	fold bool // compare with the lower-cased line
}

// foldLine is the line lower-cased for the case-folded literals, or "" when
// it holds a byte outside ASCII: Unicode folding makes letters match that
// lower-casing does not turn into ASCII (ſ matches (?i)s, K matches (?i)k),
// so such a line skips no row on a folded literal.
func foldLine(line string) string {
	for i := 0; i < len(line); i++ {
		if line[i] >= 0x80 {
			return ""
		}
	}
	return strings.ToLower(line)
}

// pass reports whether line may match; lower is foldLine(line).
func (p prefilter) pass(line, lower string) bool {
	if len(p.any) == 0 {
		return true
	}
	for _, n := range p.any {
		if n.fold && (lower == "" || strings.Contains(lower, n.lit)) || !n.fold && strings.Contains(line, n.lit) {
			return true
		}
	}
	return false
}

// find is re.FindString(line) for a line the filter passes, "" otherwise.
func (p prefilter) find(re *regexp.Regexp, line, lower string) string {
	if !p.pass(line, lower) {
		return ""
	}
	return re.FindString(line)
}

// shortest is the length of the shortest literal, the filter's strength.
func (p prefilter) shortest() int {
	m := 0
	for i, n := range p.any {
		if i == 0 || len(n.lit) < m {
			m = len(n.lit)
		}
	}
	return m
}

// newPrefilter finds literals every match of re contains one of.
func newPrefilter(re *regexp.Regexp) prefilter {
	t, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return prefilter{}
	}
	p := required(t.Simplify())
	if p.shortest() < 3 {
		return prefilter{}
	}
	return p
}

// maxAlternatives bounds how many literals one filter tries.
const maxAlternatives = 12

// required is the strongest set of literals of a node that every match
// includes one of.
func required(n *syntax.Regexp) prefilter {
	switch n.Op {
	case syntax.OpLiteral:
		lit := string(n.Rune)
		if strings.ContainsRune(lit, utf8.RuneError) {
			// The engine reads an invalid byte as U+FFFD: a line holding
			// the byte matches without holding the literal's encoding.
			return prefilter{}
		}
		fold := n.Flags&syntax.FoldCase != 0
		if fold {
			for _, r := range lit {
				if r >= 0x80 { // folding outside ASCII (K, ſ): not worth the risk
					return prefilter{}
				}
			}
			lit = strings.ToLower(lit)
		}
		return prefilter{any: []needle{{lit, fold}}}
	case syntax.OpCapture, syntax.OpPlus:
		return required(n.Sub[0])
	case syntax.OpRepeat:
		if n.Min >= 1 {
			return required(n.Sub[0])
		}
	case syntax.OpConcat:
		var best prefilter
		for _, sub := range n.Sub {
			if p := required(sub); p.shortest() > best.shortest() {
				best = p
			}
		}
		return best
	case syntax.OpAlternate:
		var all prefilter
		for _, sub := range n.Sub {
			p := required(sub)
			if len(p.any) == 0 || len(all.any)+len(p.any) > maxAlternatives {
				return prefilter{} // a branch without a literal: no filter
			}
			all.any = append(all.any, p.any...)
		}
		return all
	}
	return prefilter{}
}

var lineFormFilters, opPhraseFilters []prefilter

func init() {
	for _, f := range lineForms {
		var p prefilter
		if f.re != nil && f.find == nil {
			p = newPrefilter(f.re)
		}
		lineFormFilters = append(lineFormFilters, p)
	}
	for _, f := range opPhrases {
		opPhraseFilters = append(opPhraseFilters, newPrefilter(f.re))
	}
}
