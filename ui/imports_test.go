package ui

import (
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"
)

// The windows reach the mail server only through app: ui's code imports no SMTP
// package (its tests may, to run a test server).
func TestUIImportsNoMailPackage(t *testing.T) {
	files, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		name := f.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		parsed, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if mailPackage(path) {
				t.Errorf("%s imports %s; the windows take what they need from app", name, path)
			}
		}
	}
}

// mailPackage reports whether path is the SMTP package or one under it, or a package
// under app/ (where the SMTP package used to live).
func mailPackage(path string) bool {
	const module = "github.com/staffdesk/staffdesk/"
	return path == module+"smtp" || strings.HasPrefix(path, module+"smtp/") ||
		strings.HasPrefix(path, module+"app/")
}
