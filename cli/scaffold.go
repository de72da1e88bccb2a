//go:build !lumos_runtime

package cli

import (
	"bufio"
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
	"strconv"
	"strings"
	"text/template"
)

// modulePath is the module lumos scaffold and compile-on-prem work in.
const modulePath = "github.com/lumosgo/lumos"

// scaffoldTemplates are the files of a new connector: text/template sources
// ending in .tmpl, so that gofmt and go vet leave them alone.
//
//go:embed templates/*.tmpl
var scaffoldTemplates embed.FS

// scaffoldFile maps a template to the file it becomes. In is "pkg" for the
// connector's folder, "connectors" for the module's connectors/ folder.
type scaffoldFile struct {
	Template string
	In       string
	Name     string // file name; "{{pkg}}" is replaced by the Go package name
}

// scaffoldFiles are the files lumos scaffold writes, in order.
var scaffoldFiles = []scaffoldFile{
	{"integration.go.tmpl", "pkg", "integration.go"},
	{"client.go.tmpl", "pkg", "client.go"},
	{"read.go.tmpl", "pkg", "read.go"},
	{"write.go.tmpl", "pkg", "write.go"},
	{"integration_test.go.tmpl", "pkg", "integration_test.go"},
	{"registration.go.tmpl", "connectors", "{{pkg}}.go"},
}

// scaffoldCommand is `lumos scaffold <name> [dir]`.
type scaffoldCommand struct {
	Name  string `arg:"" name:"name" help:"The connector's app id: lower-case words joined by '-', e.g. acme-hr. Its Go package is the name with '_' (acme_hr)."`
	Dir   string `arg:"" optional:"" name:"dir" type:"path" help:"Folder for the connector's package, inside the lumos module (default: connectors/<name with '_'> of the module found from the current folder)."`
	Force bool   `short:"f" help:"Replace an existing connector folder and registration file (their old content is deleted). A folder holding another Go package is never replaced."`
}

// scaffoldData is what the templates see.
type scaffoldData struct {
	AppID      string // acme-hr
	Package    string // acme_hr
	Title      string // Acme Hr
	Pascal     string // AcmeHr
	ImportPath string // github.com/lumosgo/lumos/connectors/acme_hr
	Dir        string // connectors/acme_hr, relative to the module root, with '/'
	RegFile    string // connectors/acme_hr.go
	Module     string // github.com/lumosgo/lumos
}

// scaffoldHook, when set (by tests), is called before each step that
// changes the module; an error it returns aborts the scaffold there.
var scaffoldHook func(step string) error

func scaffoldStep(step string) error {
	if scaffoldHook != nil {
		return scaffoldHook(step)
	}
	return nil
}

// Run generates the connector: every file is rendered, formatted and
// written into a temporary folder first, then moved into place, so a
// failure leaves the module as it was.
func (c *scaffoldCommand) Run(s *Streams) error {
	if err := checkScaffoldName(c.Name); err != nil {
		return usageError{err.Error()}
	}
	cwd, err := os.Getwd()
	if err != nil {
		return fmt.Errorf("finding the current folder: %w", err)
	}
	root, err := findModuleRoot(cwd)
	if err != nil {
		return err
	}
	pkg := strings.ReplaceAll(c.Name, "-", "_")
	dir := filepath.Join(root, "connectors", pkg)
	if c.Dir != "" {
		if dir, err = filepath.Abs(c.Dir); err != nil {
			return err
		}
	}
	rel, err := packageDir(root, dir)
	if err != nil {
		return err
	}
	reg := filepath.Join(root, "connectors", pkg+".go")
	data := scaffoldData{
		AppID:      c.Name,
		Package:    pkg,
		Title:      titleCase(c.Name),
		Pascal:     strings.ReplaceAll(titleCase(c.Name), " ", ""),
		ImportPath: modulePath + "/" + rel,
		Dir:        rel,
		RegFile:    "connectors/" + pkg + ".go",
		Module:     modulePath,
	}
	dirExists, err := exists(dir)
	if err != nil {
		return err
	}
	regExists, err := exists(reg)
	if err != nil {
		return err
	}
	if !c.Force {
		switch {
		case dirExists && regExists:
			return fmt.Errorf("%s and %s already exist; use --force to replace them", dir, reg)
		case dirExists:
			return fmt.Errorf("%s already exists; use --force to replace it", dir)
		case regExists:
			return fmt.Errorf("the registration file %s already exists; use --force to replace it", reg)
		}
	}
	if dirExists {
		if err := replaceable(dir, pkg); err != nil {
			return err
		}
	}
	files, err := renderScaffold(data)
	if err != nil {
		return err
	}
	if err := writeScaffold(dir, reg, files, dirExists, regExists); err != nil {
		return err
	}
	fmt.Fprintln(s.Stdout, dir)
	fmt.Fprintln(s.Stdout, reg)
	fmt.Fprintf(s.Stderr, `Created the connector %[1]s (package %[2]s) in %[3]s and registered it in %[4]s.
Next:
  go test ./%[5]s/...          # its tests, against a loopback fake of the API
  go build -o lumos .            # rebuild (in %[6]s)
  ./lumos %[1]s info
  ln -s lumos %[1]s-connector && ./%[1]s-connector info
Then fill in client.go and read.go for the real API, and see write.go for write capabilities.
`, c.Name, pkg, dir, reg, rel, root)
	return nil
}

// checkScaffoldName checks a connector name: lower-case words joined by '-'
// that make a valid app id, Go package and file name, and that no command
// or existing connector uses.
func checkScaffoldName(name string) error {
	valid := name != "" && len(name) <= 64 && name[0] >= 'a' && name[0] <= 'z' && !strings.HasSuffix(name, "-") &&
		!strings.Contains(name, "--")
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			valid = false
		}
	}
	if !valid {
		return fmt.Errorf("invalid connector name %q: use lower-case words of letters and digits joined by '-', starting with a letter, at most 64 characters (e.g. acme-hr)", name)
	}
	pkg := strings.ReplaceAll(name, "-", "_")
	switch {
	case reservedScaffoldNames[name] || strings.HasSuffix(name, "-connector"):
		return fmt.Errorf("the connector name %q is reserved by lumos (a command, a built-in connector, or a name Go treats specially); choose another", name)
	case token.IsKeyword(pkg):
		return fmt.Errorf("the connector name %q is a Go keyword and cannot be a package name; choose another", name)
	case isConnector(name):
		return fmt.Errorf("a connector named %q is already built into lumos; choose another name", name)
	}
	// Go reads suffixes of file names as build constraints (foo_linux.go,
	// foo_test.go): the registration file connectors/<pkg>.go must not have one.
	parts := strings.Split(pkg, "_")
	last := parts[len(parts)-1]
	if len(parts) > 1 && (last == "test" || knownGOOS[last] || knownGOARCH[last] ||
		len(parts) > 2 && knownGOOS[parts[len(parts)-2]] && knownGOARCH[last]) {
		return fmt.Errorf("the connector name %q ends in %q: Go would read the registration file connectors/%s.go as a test file or as built only for that system; choose another name", name, "-"+last, pkg)
	}
	return nil
}

// reservedScaffoldNames are names a new connector may not take: lumos's own
// commands and words, the built-in connectors, and folder names Go or the
// module treat specially.
var reservedScaffoldNames = map[string]bool{
	"connectors": true, "spec": true, "scaffold": true, "conformance": true, "compile-on-prem": true, "compile": true,
	"help": true, "version": true, "completion": true, "lumos": true, "info": true, "schema": true,
	"mock": true, "mock-oauth": true, "github": true,
	"main": true, "doc": true, "internal": true, "testdata": true, "vendor": true, "all": true, "std": true, "cmd": true,
	"toolkit": true, "errs": true, "cli": true, "openapi": true, "oauth": true,
}

// knownGOOS and knownGOARCH are the names Go reads as build constraints in
// file names (go/build's lists).
var (
	knownGOOS = setOf("aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
		"nacl", "netbsd", "openbsd", "plan9", "solaris", "wasip1", "windows", "zos")
	knownGOARCH = setOf("386", "amd64", "amd64p32", "arm", "armbe", "arm64", "arm64be", "loong64", "mips", "mipsle",
		"mips64", "mips64le", "mips64p32", "mips64p32le", "ppc", "ppc64", "ppc64le", "riscv", "riscv64", "s390",
		"s390x", "sparc", "sparc64", "wasm")
)

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// titleCase turns acme-hr into "Acme Hr".
func titleCase(name string) string {
	words := strings.Split(name, "-")
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

// findModuleRoot walks up from dir to the nearest go.mod, which must be
// the lumos module's.
func findModuleRoot(dir string) (string, error) {
	start := dir
	for {
		gomod := filepath.Join(dir, "go.mod")
		b, err := os.ReadFile(gomod)
		if err == nil {
			if p := goModPath(b); p != modulePath {
				return "", fmt.Errorf("%s is not inside the lumos module: the nearest go.mod, %s, is module %q, not %s; run this command inside a checkout of %s", start, gomod, p, modulePath, modulePath)
			}
			return dir, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("reading %s: %w", gomod, err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("%s is not inside the lumos module: no go.mod in it or any folder above; run this command inside a checkout of %s", start, modulePath)
		}
		dir = parent
	}
}

// goModPath returns the module path a go.mod declares.
func goModPath(gomod []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(gomod))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "//")
		fields := strings.Fields(line)
		if len(fields) == 2 && fields[0] == "module" {
			if p, err := strconv.Unquote(fields[1]); err == nil {
				return p
			}
			return fields[1]
		}
	}
	return ""
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

// renderScaffold renders every template and gofmts the Go files. The
// result maps "pkg/<file>" and "connectors/<file>" to content.
func renderScaffold(data scaffoldData) (map[string][]byte, error) {
	out := make(map[string][]byte, len(scaffoldFiles))
	for _, f := range scaffoldFiles {
		src, err := scaffoldTemplates.ReadFile("templates/" + f.Template)
		if err != nil {
			return nil, fmt.Errorf("internal error: template %s: %w", f.Template, err)
		}
		tmpl, err := template.New(f.Template).Option("missingkey=error").Parse(string(src))
		if err != nil {
			return nil, fmt.Errorf("internal error: template %s: %w", f.Template, err)
		}
		var buf bytes.Buffer
		if err := tmpl.Execute(&buf, data); err != nil {
			return nil, fmt.Errorf("internal error: template %s: %w", f.Template, err)
		}
		content := buf.Bytes()
		if strings.HasSuffix(f.Name, ".go") {
			if content, err = format.Source(content); err != nil {
				return nil, fmt.Errorf("internal error: template %s does not give valid Go: %w", f.Template, err)
			}
		}
		out[f.In+"/"+strings.ReplaceAll(f.Name, "{{pkg}}", data.Package)] = content
	}
	return out, nil
}

// writeScaffold writes the package folder dir and the registration file
// reg all at once, as far as a file system allows: everything goes to
// temporary names beside the targets first, then is renamed into place; an
// existing folder or file is moved aside and deleted only once the new ones
// are in place, and restored if anything fails.
func writeScaffold(dir, reg string, files map[string][]byte, dirExists, regExists bool) (err error) {
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
	if err := scaffoldStep("write"); err != nil {
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

	if err := scaffoldStep("folder"); err != nil {
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

	if err := scaffoldStep("registration"); err != nil {
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

	if err := scaffoldStep("done"); err != nil {
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
