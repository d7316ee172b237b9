package data

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// data stores and reads; the services put words to what it reports (issue 6, section
// 7). None of app's constructors of person-facing messages is called here: faults are
// plain wrapped errors, refusals are app.NotFound, app.Taken, app.Changed, app.Busy, app.NotStaffDesksFile
// and app.OtherUsersFile, whose words live in app.
func TestDataSaysNothingToAPerson(t *testing.T) {
	worded := map[string]bool{"Internal": true, "Errorf": true, "FieldError": true, "ConflictError": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			// An app.Error written out here with its Message is words too.
			if lit, ok := n.(*ast.CompositeLit); ok {
				if sel, ok := lit.Type.(*ast.SelectorExpr); ok && sel.Sel.Name == "Error" {
					if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "app" {
						for _, e := range lit.Elts {
							if kv, ok := e.(*ast.KeyValueExpr); ok && fmt.Sprint(kv.Key) == "Message" {
								t.Errorf("%s: an app.Error with a Message puts words for a person in data", fset.Position(lit.Pos()))
							}
						}
					}
				}
			}
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if pkg, ok := sel.X.(*ast.Ident); ok && pkg.Name == "app" && worded[sel.Sel.Name] {
				t.Errorf("%s: app.%s puts words for a person in data", fset.Position(call.Pos()), sel.Sel.Name)
			}
			return true
		})
	}
}
