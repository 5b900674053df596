// Package i18nscan finds the translation keys the UI uses, for the
// translation files' generator and their completeness test.
package i18nscan

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
)

// Extract finds every T("key", "fallback") and Tf("key", "fallback", …)
// call with literal strings in the Go files of dir.
func Extract(dir string) (map[string]string, error) {
	fset := token.NewFileSet()
	files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
	out := map[string]string{}
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			return nil, err
		}
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) < 2 {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok || (id.Name != "T" && id.Name != "Tf") {
				return true
			}
			k, ok1 := call.Args[0].(*ast.BasicLit)
			v, ok2 := call.Args[1].(*ast.BasicLit)
			if ok1 && ok2 && k.Kind == token.STRING && v.Kind == token.STRING {
				ks, _ := strconv.Unquote(k.Value)
				vs, _ := strconv.Unquote(v.Value)
				out[ks] = vs
			}
			return true
		})
	}
	return out, nil
}
