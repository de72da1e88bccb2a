package scaffold

import (
	"fmt"
	"go/format"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/internal/module"
)

// ModuleOptions say which connector to generate as a Go module of its own.
type ModuleOptions struct {
	Name   string // the connector's app id, e.g. acme-hr
	Module string // the new module's path, e.g. example.com/acme-hr-connector
	// Dir is the folder to create; empty for <WorkDir>/<Name>. It must not
	// exist, or be empty.
	Dir     string
	WorkDir string
	// Reserved reports names the command line reserves, with why.
	Reserved func(name string) error
	// LumosVersion is the lumos version go.mod requires; when it is not a
	// release version (a development build), go.mod requires none and
	// `go mod tidy` picks the latest.
	LumosVersion string
}

// modulePathRE is what Generate accepts as a module path: slash-separated
// elements of letters, digits and . _ ~ -, the first with a dot-free or
// dotted host name. Compiled on first use: a package-level regexp is
// compiled by every lumos process at start-up, scaffolding or not.
var modulePathRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._~-]*(/[A-Za-z0-9._~-]+)*$`)
})

// releaseRE matches the versions go.mod can require as they are.
var releaseRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)
})

// GenerateModule writes a connector as its own Go module: go.mod, a
// main.go building lumos with every built-in connector plus this one, and
// the connector's package in a folder named after it (the files Generate
// writes, without the registration file). Everything is written into a
// temporary folder first and moved into place at once.
func GenerateModule(o ModuleOptions) (Result, error) {
	if err := checkName(o.Name, o.Reserved, true); err != nil {
		return Result{}, err
	}
	if !modulePathRE().MatchString(o.Module) || strings.Contains(o.Module, "..") {
		return Result{}, UsageError(fmt.Sprintf("invalid module path %q: use a path such as example.com/%s-connector", o.Module, o.Name))
	}
	if o.Module == module.Path || strings.HasPrefix(o.Module, module.Path+"/") {
		return Result{}, UsageError("the module path must not be lumos's own; to add a connector to lumos itself, leave out --module")
	}
	dir := o.Dir
	if dir == "" {
		dir = o.Name
	}
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(o.WorkDir, dir)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Result{}, fmt.Errorf("%s exists and is not empty; choose a new folder", dir)
	} else if err == nil {
		if err := os.Remove(dir); err != nil {
			return Result{}, err
		}
	}
	pkg := strings.ReplaceAll(o.Name, "-", "_")
	d := data{
		AppID: o.Name, Package: pkg, Title: titleCase(o.Name), Pascal: strings.ReplaceAll(titleCase(o.Name), " ", ""),
		ImportPath: o.Module + "/" + pkg, Dir: pkg, RegFile: "main.go", Module: module.Path, Standalone: true,
	}
	rendered, err := render(d)
	if err != nil {
		return Result{}, err
	}
	files := map[string][]byte{"go.mod": goMod(o.Module, o.LumosVersion), "main.go": mainGo(d)}
	for name, content := range rendered {
		if where, file, _ := strings.Cut(name, "/"); where == "pkg" {
			files[filepath.Join(pkg, file)] = content
		}
	}
	if err := writeTree(dir, files); err != nil {
		return Result{}, err
	}
	return Result{Root: dir, Dir: filepath.Join(dir, pkg), RelDir: pkg, RegFile: filepath.Join(dir, "main.go"), Package: pkg}, nil
}

// goMod is the new module's go.mod.
func goMod(path, lumosVersion string) []byte {
	s := fmt.Sprintf("module %s\n\ngo 1.26.0\n", path)
	if releaseRE().MatchString(lumosVersion) {
		s += fmt.Sprintf("\nrequire %s %s\n", module.Path, lumosVersion)
	}
	return []byte(s)
}

// mainGo is the new module's main package.
func mainGo(d data) []byte {
	return []byte(fmt.Sprintf(`// Command %[1]s-connector is lumos with the %[2]s connector added: run
// it as `+"`%[1]s-connector <capability> --json ...`"+` (through a symlink of that
// name) or as `+"`<binary> %[1]s <capability> ...`"+`; lumos's built-in connectors
// and commands are there too.
package main

import (
	"os"

	"%[3]s/cli"
	_ "%[3]s/connectors" // lumos's built-in connectors
	_ "%[4]s" // registers the %[2]s connector, %[1]s
)

func main() {
	os.Exit(cli.Run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
`, d.AppID, d.Title, module.Path, d.ImportPath))
}

// writeTree writes files (relative paths) into a new folder dir, via a
// temporary folder beside it renamed into place.
func writeTree(dir string, files map[string][]byte) (err error) {
	parent := filepath.Dir(dir)
	top := firstMissing(parent)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".scaffold-"+filepath.Base(dir)+"-")
	if err != nil {
		return fmt.Errorf("creating a temporary folder beside %s: %w", dir, err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
			if top != "" {
				os.RemoveAll(top)
			}
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	for name, content := range files {
		path := filepath.Join(tmp, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		if strings.HasSuffix(name, ".go") {
			content = gofmtOr(content)
		}
		if err := os.WriteFile(path, content, 0o644); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("moving the new module into %s: %w", dir, err)
	}
	return nil
}

// gofmtOr is content gofmt-ed, or as it is when it does not parse.
func gofmtOr(content []byte) []byte {
	if out, err := format.Source(content); err == nil {
		return out
	}
	return content
}
