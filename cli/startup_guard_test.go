package cli_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"
)

// TestNoCostlyPackageInitialisers: every package linked into the lumos
// binary runs its initialisers in every process, so lumos's own packages
// compile no regular expression and parse no template at package level;
// they do it on first use (sync.OnceValue). Third-party packages are out
// of reach; docs/testing.md says what they cost.
func TestNoCostlyPackageInitialisers(t *testing.T) {
	is := is.New(t)
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{.Dir}} {{join .GoFiles \",\"}}", "github.com/lumosgo/lumos").Output()
	is.NoErr(err) // go list of the binary's packages
	costly := map[string]bool{"regexp.MustCompile": true, "regexp.Compile": true, "template.Must": true}
	checked := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) != 3 || !strings.HasPrefix(fields[0], "github.com/lumosgo/lumos") {
			continue // not this module's, or no Go files
		}
		dir, files := fields[1], fields[2]
		for _, name := range strings.Split(files, ",") {
			path := filepath.Join(dir, name)
			f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
			is.NoErr(err)
			checked++
			for _, decl := range f.Decls {
				gen, ok := decl.(*ast.GenDecl)
				if !ok || gen.Tok != token.VAR {
					continue
				}
				ast.Inspect(gen, func(n ast.Node) bool {
					switch n := n.(type) {
					case *ast.FuncLit:
						return false // runs when called, not at init
					case *ast.CallExpr:
						if sel, ok := n.Fun.(*ast.SelectorExpr); ok {
							if x, ok := sel.X.(*ast.Ident); ok && costly[x.Name+"."+sel.Sel.Name] {
								t.Errorf("%s: a package-level %s.%s runs in every lumos process; build it on first use", path, x.Name, sel.Sel.Name)
							}
						}
					}
					return true
				})
			}
		}
	}
	is.True(checked > 50) // the module's packages were found and read
}
