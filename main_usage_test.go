package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestUsageNamesEveryFlag: every flag main.go registers (fs.Bool("name",
// ...) and the like) is named in --help and in the README, so a user can
// find it (--no-dashboard, --max-size and --no-watch were missing).
func TestUsageNamesEveryFlag(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "main.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	registers := map[string]bool{"Bool": true, "String": true, "Int": true, "Int64": true, "Duration": true}
	var flags []string
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 2 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || !registers[sel.Sel.Name] {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "fs" {
			return true
		}
		if lit, ok := call.Args[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			name, _ := strconv.Unquote(lit.Value)
			flags = append(flags, name)
		}
		return true
	})
	if len(flags) < 30 {
		t.Fatalf("found only %d flags in main.go: the test no longer reads it", len(flags))
	}
	for _, name := range flags {
		want := "--" + name
		if len(name) == 1 {
			want = "-" + name + " "
		}
		if !strings.Contains(usage, want) {
			t.Errorf("flag %s is not in the usage (--help)", want)
		}
		if !strings.Contains(string(readme), want) {
			t.Errorf("flag %s is not in README.md", want)
		}
	}
}
