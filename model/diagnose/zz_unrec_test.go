package diagnose

import (
	"fmt"
	"testing"
)

func TestZZUnrec(t *testing.T) {
	for _, r := range readCorpus(t) {
		if r.Holdout {
			continue
		}
		o := judgeCorpusRow(r)
		if !o.recognised {
			txt := r.Text
			if len(txt) > 300 {
				txt = txt[len(txt)-300:]
			}
			fmt.Printf("== %s %s [%s] op=%q errno=%q\n%s\n", r.ID, r.Source, r.Cause, r.Op, r.Errno, txt)
		}
	}
}
