// Package scaffold generates a new connector inside the lumos module, as
// `lumos scaffold` does: its package (declaration, client, reads, writes,
// tests) and its registration file in connectors/, rendered from templates,
// gofmt-ed, and moved into place all at once or not at all.
package scaffold

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"go/format"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/template"

	"github.com/lumosgo/lumos/internal/module"
	"github.com/lumosgo/lumos/toolkit"
)

// UsageError is a mistake in the options, such as a name a connector may
// not take, as opposed to a failure while writing.
type UsageError string

// Error returns the explanation.
func (e UsageError) Error() string { return string(e) }

// Options say which connector to generate, and where.
type Options struct {
	Name  string // the connector's app id: lower-case words joined by '-', e.g. acme-hr
	Dir   string // folder for the package, inside the module; empty for connectors/<name with '_'>
	Force bool   // replace an existing package folder and registration file; allow a built-in connector's name
	// WorkDir is a folder inside the lumos module; a relative Dir is taken
	// from it.
	WorkDir string
	// Reserved reports names the command line reserves, with why; nil when
	// it reserves none.
	Reserved func(name string) error
}

// Result says what Generate wrote.
type Result struct {
	Root    string // the module's root folder
	Dir     string // the package folder
	RelDir  string // the package folder relative to Root, with '/'
	RegFile string // the registration file, in Root/connectors
	Package string // the Go package name
}

// templates are the files of a new connector: text/template sources
// ending in .tmpl, so that gofmt and go vet leave them alone.
//
//go:embed templates/*.tmpl
var templates embed.FS

// templateFile maps a template to the file it becomes. In is "pkg" for the
// connector's folder, "connectors" for the module's connectors/ folder.
type templateFile struct {
	Template string
	In       string
	Name     string // file name; "{{pkg}}" is replaced by the Go package name
}

// templateFiles are the files lumos scaffold writes, in order.
var templateFiles = []templateFile{
	{"integration.go.tmpl", "pkg", "integration.go"},
	{"client.go.tmpl", "pkg", "client.go"},
	{"read.go.tmpl", "pkg", "read.go"},
	{"write.go.tmpl", "pkg", "write.go"},
	{"integration_test.go.tmpl", "pkg", "integration_test.go"},
	{"registration.go.tmpl", "connectors", "{{pkg}}.go"},
}

// data is what the templates see.
type data struct {
	AppID      string // acme-hr
	Package    string // acme_hr
	Title      string // Acme Hr
	Pascal     string // AcmeHr
	ImportPath string // github.com/lumosgo/lumos/connectors/acme_hr
	Dir        string // connectors/acme_hr, relative to the module root, with '/'
	RegFile    string // connectors/acme_hr.go
	Module     string // github.com/lumosgo/lumos
	Standalone bool   // the connector is a module of its own (scaffold --module)
}

// hook, when set (by tests), is called before each step that changes the
// module; an error it returns aborts the scaffold there.
var hook func(step string) error

func step(name string) error {
	if hook != nil {
		return hook(name)
	}
	return nil
}

// Generate writes the connector: every file is rendered, formatted and
// written into a temporary folder first, then moved into place, so a
// failure leaves the module as it was.
func Generate(o Options) (Result, error) {
	if err := checkName(o.Name, o.Reserved, !o.Force); err != nil {
		return Result{}, err
	}
	root, err := module.FindRoot(o.WorkDir)
	if err != nil {
		return Result{}, err
	}
	pkg := strings.ReplaceAll(o.Name, "-", "_")
	dir := filepath.Join(root, "connectors", pkg)
	if o.Dir != "" {
		dir = o.Dir
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(o.WorkDir, dir)
		}
	}
	rel, err := packageDir(root, dir)
	if err != nil {
		return Result{}, err
	}
	reg := filepath.Join(root, "connectors", pkg+".go")
	d := data{
		AppID:      o.Name,
		Package:    pkg,
		Title:      titleCase(o.Name),
		Pascal:     strings.ReplaceAll(titleCase(o.Name), " ", ""),
		ImportPath: module.Path + "/" + rel,
		Dir:        rel,
		RegFile:    "connectors/" + pkg + ".go",
		Module:     module.Path,
	}
	dirExists, err := exists(dir)
	if err != nil {
		return Result{}, err
	}
	regExists, err := exists(reg)
	if err != nil {
		return Result{}, err
	}
	if !o.Force {
		switch {
		case dirExists && regExists:
			return Result{}, fmt.Errorf("%s and %s already exist; use --force to replace them", dir, reg)
		case dirExists:
			return Result{}, fmt.Errorf("%s already exists; use --force to replace it", dir)
		case regExists:
			return Result{}, fmt.Errorf("the registration file %s already exists; use --force to replace it", reg)
		}
	}
	if dirExists {
		if err := replaceable(dir, pkg); err != nil {
			return Result{}, err
		}
	}
	rendered, err := render(d)
	if err != nil {
		return Result{}, err
	}
	if err := write(dir, reg, rendered, dirExists, regExists); err != nil {
		return Result{}, err
	}
	return Result{Root: root, Dir: dir, RelDir: rel, RegFile: reg, Package: pkg}, nil
}

// CheckName checks a connector name: a valid app id (toolkit.CheckAppID)
// with '-' between words, that reserved (when set) does not refuse, that no
// registered connector has, and that makes a valid Go package and
// registration file name. Its errors are UsageErrors.
func CheckName(name string, reserved func(name string) error) error {
	return checkName(name, reserved, true)
}

// checkName is CheckName; builtIn says whether a built-in connector's name
// is refused (with --force it is not: the connector is generated anew).
func checkName(name string, reserved func(name string) error, builtIn bool) error {
	if toolkit.CheckAppID(name) != nil || strings.Contains(name, "_") {
		return UsageError(fmt.Sprintf("invalid connector name %q: use lower-case words of letters and digits joined by '-', starting with a letter, at most %d characters (e.g. acme-hr)",
			name, toolkit.MaxAppIDLength))
	}
	if reserved != nil {
		if err := reserved(name); err != nil {
			return UsageError(fmt.Sprintf("reserved connector name: %v; choose another", err))
		}
	}
	pkg := strings.ReplaceAll(name, "-", "_")
	switch {
	case goNames.has(name):
		return UsageError(fmt.Sprintf("the connector name %q is reserved: Go or the lumos module give the folder or package %s a meaning of its own; choose another", name, pkg))
	case token.IsKeyword(pkg):
		return UsageError(fmt.Sprintf("the connector name %q is a Go keyword and cannot be a package name; choose another", name))
	}
	if _, ok := toolkit.Lookup(name); ok && builtIn {
		return UsageError(fmt.Sprintf("a connector named %q is already built into lumos; choose another name, or use --force to generate it anew", name))
	}
	// Go reads suffixes of file names as build constraints (foo_linux.go,
	// foo_test.go): the registration file connectors/<pkg>.go must not have one.
	parts := strings.Split(pkg, "_")
	last := parts[len(parts)-1]
	if len(parts) > 1 && (last == "test" || knownGOOS.has(last) || knownGOARCH.has(last) ||
		len(parts) > 2 && knownGOOS.has(parts[len(parts)-2]) && knownGOARCH.has(last)) {
		return UsageError(fmt.Sprintf("the connector name %q ends in %q: Go would read the registration file connectors/%s.go as a test file or as built only for that system; choose another name", name, "-"+last, pkg))
	}
	return nil
}

// goNames are names a connector's package may not take: folder and package
// names Go, the go command or the lumos module treat specially.
var goNames = wordSet{"main", "doc", "internal", "testdata", "vendor", "all", "std", "cmd",
	"toolkit", "errs", "cli", "openapi", "oauth", "connectors"}

// knownGOOS and knownGOARCH are the names Go reads as build constraints in
// file names (go/build's lists).
var (
	knownGOOS = wordSet{"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
		"nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos"}
	knownGOARCH = wordSet{"386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
		"mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390",
		"s390x", "sparc", "sparc64", "wasm"}
)

// wordSet is a short list of words. Unlike a map, a slice literal is
// static data: a binary that links the package builds nothing at start-up.
type wordSet []string

// has reports whether w is one of the words.
func (s wordSet) has(w string) bool { return slices.Contains(s, w) }

// titleCase turns acme-hr into "Acme Hr".
func titleCase(name string) string {
	words := strings.Split(name, "-")
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// packageDir checks that dir can hold the connector's package and returns
// it relative to the module root, with '/'.
func packageDir(root, dir string) (string, error) {
	rel, err := filepath.Rel(root, dir)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is not a folder inside the lumos module at %s; the connector's package must be in the module", dir, root)
	}
	rel = filepath.ToSlash(rel)
	if rel == "connectors" || strings.HasPrefix("connectors/", rel+"/") {
		return "", fmt.Errorf("%s holds the module's connectors/ folder; give the connector a folder of its own", dir)
	}
	for _, part := range strings.Split(rel, "/") {
		if strings.HasPrefix(part, ".") || strings.HasPrefix(part, "_") || part == "testdata" || part == "vendor" {
			return "", fmt.Errorf("%s: the go command ignores folders named %q; choose another folder", dir, part)
		}
	}
	return rel, nil
}

func exists(path string) (bool, error) {
	_, err := os.Lstat(path)
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

// replaceable refuses to replace (with --force) a folder that is not a
// connector package named pkg: one holding a module or another package.
func replaceable(dir, pkg string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s exists and is not a folder; remove it first", dir)
	}
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if d.Name() == "go.mod" {
			return fmt.Errorf("%s holds a Go module (%s); not replacing it, even with --force", dir, path)
		}
		if filepath.Dir(path) != dir || !strings.HasSuffix(d.Name(), ".go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.PackageClauseOnly)
		if err != nil {
			return nil // not Go we can read: it goes with the folder
		}
		if name := strings.TrimSuffix(f.Name.Name, "_test"); name != pkg {
			return fmt.Errorf("%s holds package %s, not %s; not replacing it, even with --force", dir, f.Name.Name, pkg)
		}
		return nil
	})
}

// render renders every template and gofmts the Go files. The
// result maps "pkg/<file>" and "connectors/<file>" to content.
func render(d data) (map[string][]byte, error) {
	out := make(map[string][]byte, len(templateFiles))
	for _, f := range templateFiles {
		src, err := templates.ReadFile("templates/" + f.Template)
		if err != nil {
			return nil, fmt.Errorf("internal error: template %s: %w", f.Template, err)
		}
		tmpl, err := template.New(f.Template).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("internal error: template %s: %w", f.Template, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, d); err != nil {
			return nil, fmt.Errorf("internal error: template %s: %w", f.Template, err)
		}
		content := buf.Bytes()
		if strings.HasSuffix(f.Name, ".go") {
			if content, err = format.Source(content); err != nil {
				return nil, fmt.Errorf("internal error: template %s does not give valid Go: %w", f.Template, err)
			}
		}
		out[f.In+"/"+strings.ReplaceAll(f.Name, "{{pkg}}", d.Package)] = content
	}
	return out, nil
}

// write writes the package folder dir and the registration file
// reg all at once, as far as a file system allows: everything goes to
// temporary names beside the targets first, then is renamed into place; an
// existing folder or file is moved aside and deleted only once the new ones
// are in place, and restored if anything fails.
func write(dir, reg string, files map[string][]byte, dirExists, regExists bool) (err error) {
	var undo []func()
	defer func() {
		if err != nil {
			for _, f := range slices.Backward(undo) {
				f()
			}
		}
	}()
	// Create missing parent folders (a custom dir may need some), removing
	// them again on failure.
	parent := filepath.Dir(dir)
	if top := firstMissing(parent); top != "" {
		if err := os.MkdirAll(parent, 0o755); err != nil {
			return err
		}
		undo = append(undo, func() { os.RemoveAll(top) })
	}
	if err := step("write"); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, ".scaffold-"+filepath.Base(dir)+"-")
	if err != nil {
		return fmt.Errorf("creating a temporary folder beside %s: %w", dir, err)
	}
	undo = append(undo, func() { os.RemoveAll(tmp) })
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	pkgTmp := filepath.Join(tmp, "pkg")
	if err := os.Mkdir(pkgTmp, 0o755); err != nil {
		return err
	}
	var regContent []byte
	for name, content := range files {
		where, file, _ := strings.Cut(name, "/")
		if where == "connectors" {
			regContent = content
			continue
		}
		if err := os.WriteFile(filepath.Join(pkgTmp, file), content, 0o644); err != nil {
			return err
		}
	}
	// The registration file's temporary name starts with '.', which the go
	// command ignores.
	regTmp, err := os.CreateTemp(filepath.Dir(reg), "."+filepath.Base(reg)+".tmp-")
	if err != nil {
		return fmt.Errorf("creating a temporary file beside %s: %w", reg, err)
	}
	undo = append(undo, func() { os.Remove(regTmp.Name()) })
	if _, err := regTmp.Write(regContent); err != nil {
		regTmp.Close()
		return err
	}
	if err := regTmp.Chmod(0o644); err != nil {
		regTmp.Close()
		return err
	}
	if err := regTmp.Close(); err != nil {
		return err
	}

	if err := step("folder"); err != nil {
		return err
	}
	old := filepath.Join(tmp, "old")
	if dirExists {
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("moving the old %s aside: %w", dir, err)
		}
		undo = append(undo, func() { os.Rename(old, dir) })
	}
	if err := os.Rename(pkgTmp, dir); err != nil {
		return fmt.Errorf("moving the new connector into %s: %w", dir, err)
	}
	undo = append(undo, func() { os.RemoveAll(dir) })

	if err := step("registration"); err != nil {
		return err
	}
	oldReg := filepath.Join(tmp, "old.go")
	if regExists {
		if err := os.Rename(reg, oldReg); err != nil {
			return fmt.Errorf("moving the old %s aside: %w", reg, err)
		}
		undo = append(undo, func() { os.Rename(oldReg, reg) })
	}
	if err := os.Rename(regTmp.Name(), reg); err != nil {
		return fmt.Errorf("writing %s: %w", reg, err)
	}
	undo = append(undo, func() { os.Remove(reg) })

	if err := step("done"); err != nil {
		return err
	}
	os.RemoveAll(tmp) // the old folder and file, if any
	return nil
}

// firstMissing returns the topmost folder of path's ancestry (path
// included) that does not exist, or "" when path exists.
func firstMissing(path string) string {
	top := ""
	for p := path; ; p = filepath.Dir(p) {
		if _, err := os.Lstat(p); err == nil {
			return top
		}
		top = p
		if filepath.Dir(p) == p {
			return top
		}
	}
}
