//go:build !lumos_runtime

package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/format"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lumosgo/lumos/internal/treetest"
	"github.com/matryer/is"
)

// fakeModule makes a minimal lumos module (go.mod and connectors/doc.go)
// in a temporary folder and returns its root. It is enough for every
// scaffold check that does not build.
func fakeModule(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	treetest.WriteFile(t, filepath.Join(root, "go.mod"), "module github.com/lumosgo/lumos\n\ngo 1.26.0\n")
	treetest.WriteFile(t, filepath.Join(root, "connectors", "doc.go"), "package connectors\n")
	return root
}

func TestScaffoldRejectsNames(t *testing.T) {
	root := fakeModule(t)
	t.Chdir(root)
	before := treetest.Describe(t, root)
	tests := []struct{ name, stderrHas string }{
		{"", "invalid connector name"},
		{"Acme", "invalid connector name"},
		{"sample_idp", "invalid connector name"},
		{"-acme", "invalid connector name"},
		{"acme-", "invalid connector name"},
		{"acme--hr", "invalid connector name"},
		{"1acme", "invalid connector name"},
		{"acme hr", "invalid connector name"},
		{"acmé", "invalid connector name"},
		{"../acme", "invalid connector name"},
		{strings.Repeat("a", 65), "invalid connector name"},
		{"connectors", "reserved"},
		{"spec", "reserved"},
		{"scaffold", "reserved"},
		{"conformance", "reserved"},
		{"compile-on-prem", "reserved"},
		{"mock", "already built into lumos"},
		{"help", "reserved"},
		{"version", "reserved"},
		{"lumos", "reserved"},
		{"main", "reserved"},
		{"acme-connector", "reserved"},
		{"type", "Go keyword"},
		{"acme-test", "test file"},
		{"acme-linux", "built only for that system"},
		{"acme-windows-amd64", "built only for that system"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			r := run("", "lumos", "scaffold", "--", tt.name)
			is.Equal(r.code, 2) // a bad name is a usage error
			is.Equal(r.stdout, "")
			is.True(strings.Contains(r.stderr, tt.stderrHas)) // stderr explains
			is.Equal(treetest.Describe(t, root), before)      // nothing written
		})
	}
}

func TestScaffoldOutsideTheModule(t *testing.T) {
	is := is.New(t)

	t.Run("no go.mod", func(t *testing.T) {
		dir := t.TempDir()
		t.Chdir(dir)
		r := run("", "lumos", "scaffold", "sample-idp")
		is.Equal(r.code, 1)
		is.True(strings.Contains(r.stderr, "not inside the lumos module"))
		is.Equal(treetest.Describe(t, dir), "./\n")
	})

	t.Run("another module", func(t *testing.T) {
		dir := t.TempDir()
		treetest.WriteFile(t, filepath.Join(dir, "go.mod"), "module example.com/other\n")
		treetest.WriteFile(t, filepath.Join(dir, "connectors", "doc.go"), "package connectors\n")
		before := treetest.Describe(t, dir)
		t.Chdir(filepath.Join(dir, "connectors"))
		r := run("", "lumos", "scaffold", "sample-idp")
		is.Equal(r.code, 1)
		is.True(strings.Contains(r.stderr, `module "example.com/other"`))
		is.Equal(treetest.Describe(t, dir), before)
	})

	t.Run("folder outside the module", func(t *testing.T) {
		root := fakeModule(t)
		elsewhere := t.TempDir()
		before, beforeElsewhere := treetest.Describe(t, root), treetest.Describe(t, elsewhere)
		t.Chdir(root)
		r := run("", "lumos", "scaffold", "sample-idp", filepath.Join(elsewhere, "acme"))
		is.Equal(r.code, 1)
		is.True(strings.Contains(r.stderr, "not a folder inside the lumos module"))
		is.Equal(treetest.Describe(t, root), before)
		is.Equal(treetest.Describe(t, elsewhere), beforeElsewhere)
	})

	t.Run("the connectors folder itself", func(t *testing.T) {
		root := fakeModule(t)
		before := treetest.Describe(t, root)
		t.Chdir(root)
		for _, dir := range []string{".", "connectors"} {
			r := run("", "lumos", "scaffold", "sample-idp", dir, "--force")
			is.Equal(r.code, 1)
			is.Equal(treetest.Describe(t, root), before)
		}
	})
}

func TestScaffoldExisting(t *testing.T) {
	is := is.New(t)
	root := fakeModule(t)
	t.Chdir(filepath.Join(root, "connectors"))
	pkgDir := filepath.Join(root, "connectors", "sample_idp")
	regFile := filepath.Join(root, "connectors", "sample_idp.go")

	// An existing folder, an existing registration file, or both.
	for _, existing := range [][]string{{pkgDir}, {regFile}, {pkgDir, regFile}} {
		for _, path := range existing {
			if path == pkgDir {
				treetest.WriteFile(t, filepath.Join(pkgDir, "old.go"), "package sample_idp\n\nconst Old = 1\n")
			} else {
				treetest.WriteFile(t, regFile, "package connectors\n\n// old\n")
			}
		}
		before := treetest.Describe(t, root)
		r := run("", "lumos", "scaffold", "sample-idp")
		is.Equal(r.code, 1)
		is.True(strings.Contains(r.stderr, "already exist"))
		is.True(strings.Contains(r.stderr, "--force"))
		is.Equal(r.stdout, "")
		is.Equal(treetest.Describe(t, root), before) // untouched
		is.NoErr(os.RemoveAll(pkgDir))
		is.NoErr(os.RemoveAll(regFile))
	}

	// --force replaces both, old content included.
	treetest.WriteFile(t, filepath.Join(pkgDir, "old.go"), "package sample_idp\n\nconst Old = 1\n")
	treetest.WriteFile(t, regFile, "package connectors\n\n// old\n")
	r := run("", "lumos", "scaffold", "sample-idp", "--force")
	is.Equal(r.code, 0)
	is.Equal(r.stdout, pkgDir+"\n"+regFile+"\n")
	_, err := os.Stat(filepath.Join(pkgDir, "old.go"))
	is.True(errors.Is(err, fs.ErrNotExist)) // the old folder is gone
	reg, err := os.ReadFile(regFile)
	is.NoErr(err)
	is.True(strings.HasPrefix(string(reg), "//go:build !custom || connectors.sample_idp\n"))
	leftovers, err := filepath.Glob(filepath.Join(root, "connectors", ".*"))
	is.NoErr(err)
	is.Equal(len(leftovers), 0) // no temporary files left

	// --force never replaces a folder holding another package.
	other := filepath.Join(root, "connectors", "other")
	treetest.WriteFile(t, filepath.Join(other, "other.go"), "package other\n")
	before := treetest.Describe(t, root)
	r = run("", "lumos", "scaffold", "sample-idp", other, "--force")
	is.Equal(r.code, 1)
	is.True(strings.Contains(r.stderr, "holds package other"))
	is.Equal(treetest.Describe(t, root), before)
}

func TestScaffoldFiles(t *testing.T) {
	is := is.New(t)
	root := fakeModule(t)
	t.Chdir(root)
	r := run("", "lumos", "scaffold", "sample-idp")
	is.Equal(r.code, 0)
	pkgDir := filepath.Join(root, "connectors", "sample_idp")
	regFile := filepath.Join(root, "connectors", "sample_idp.go")
	is.Equal(r.stdout, pkgDir+"\n"+regFile+"\n")
	is.True(strings.Contains(r.stderr, "go test ./connectors/sample_idp/...")) // next steps on stderr

	names, err := filepath.Glob(filepath.Join(pkgDir, "*"))
	is.NoErr(err)
	var got []string
	for _, n := range names {
		got = append(got, filepath.Base(n))
	}
	is.Equal(got, []string{"client.go", "integration.go", "integration_test.go", "read.go", "write.go"})
	for _, path := range append(names, regFile) {
		src, err := os.ReadFile(path)
		is.NoErr(err)
		formatted, err := format.Source(src)
		is.NoErr(err)
		is.Equal(string(formatted), string(src))              // gofmt-clean
		is.True(!strings.Contains(string(src), "<no value>")) // every template field was set
	}
	reg, _ := os.ReadFile(regFile)
	is.Equal(string(reg), "//go:build !custom || connectors.sample_idp\n\npackage connectors\n\n"+
		"import _ \"github.com/lumosgo/lumos/connectors/sample_idp\" // registers the Sample Idp connector, sample-idp\n")
	integration, _ := os.ReadFile(filepath.Join(pkgDir, "integration.go"))
	for _, want := range []string{"package sample_idp", `const AppID = "sample-idp"`, "toolkit.AuthToken", "BaseURL", "ResourceTypes", "EntitlementTypes",
		"toolkit.Handle(Integration, toolkit.CapValidateCredentials, ", "toolkit.Handle(Integration, toolkit.CapListAccounts, ", "toolkit.Register(Integration)"} {
		is.True(strings.Contains(string(integration), want)) // the declaration has what it should
	}
	is.True(!strings.Contains(string(integration), "\n\ttoolkit.Handle(Integration, toolkit.CapAssignEntitlement")) // writes are not registered
	read, _ := os.ReadFile(filepath.Join(pkgDir, "read.go"))
	is.True(strings.Contains(string(read), "paginate.Lister"))
	tests, _ := os.ReadFile(filepath.Join(pkgDir, "integration_test.go"))
	for _, want := range []string{"connectortest.RunCases(", "connectortest.Conformance(", `"token":"{{any}}"`} {
		is.True(strings.Contains(string(tests), want)) // the tests use the harness and the conformance suite
	}

	// A folder of one's own, with parents to create; the registration file
	// still goes to connectors/.
	r = run("", "lumos", "scaffold", "beta-app", filepath.Join("internal", "apps", "beta"))
	is.Equal(r.code, 0)
	reg, err = os.ReadFile(filepath.Join(root, "connectors", "beta_app.go"))
	is.NoErr(err)
	is.True(strings.Contains(string(reg), `import _ "github.com/lumosgo/lumos/internal/apps/beta"`))
	src, err := os.ReadFile(filepath.Join(root, "internal", "apps", "beta", "integration.go"))
	is.NoErr(err)
	is.True(strings.Contains(string(src), "package beta_app"))
}

// copyModule copies the lumos module this test runs in (its files that git
// tracks or would track: committed, changed or new, not ignored) to dst;
// without git, it walks the tree skipping .git and build output.
func copyModule(t *testing.T, src, dst string) {
	t.Helper()
	var files []string
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = src
	if out, err := cmd.Output(); err == nil {
		for _, f := range strings.Split(string(out), "\x00") {
			if f != "" {
				files = append(files, filepath.FromSlash(f))
			}
		}
	} else {
		err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(src, path)
			if d.IsDir() && (rel == ".git" || rel == "compiled" || rel == "logs") {
				return filepath.SkipDir
			}
			if !d.IsDir() && !strings.HasSuffix(rel, ".test") {
				files = append(files, rel)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		from, to := filepath.Join(src, f), filepath.Join(dst, f)
		st, err := os.Lstat(from)
		if errors.Is(err, fs.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if st.Mode()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(from)
			if err == nil {
				err = os.Symlink(target, to)
			}
			if err != nil {
				t.Fatal(err)
			}
			continue
		}
		if !st.Mode().IsRegular() {
			continue
		}
		content, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, content, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
}

// goEnv is the environment of the go commands the slow tests run: offline
// (the module cache of this machine), with -trimpath so that builds in
// temporary copies of the module share the build cache.
func goEnv() []string { return append(os.Environ(), goSettings...) }

// goSettings are the variables goEnv sets.
var goSettings = []string{"GOFLAGS=-trimpath -mod=readonly -buildvcs=false", "GOPROXY=off", "GOTOOLCHAIN=local",
	"GOWORK=off", "CGO_ENABLED=0"}

// goCmd runs the go command in dir and fails the test with its output if it fails.
func goCmd(t *testing.T, dir string, args ...string) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("these tests need the go command: %v", err)
	}
	started := time.Now()
	cmd := exec.Command(goTool, args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("go %s: %.1fs", strings.Join(args, " "), time.Since(started).Seconds())
	return string(out)
}

// TestScaffoldEndToEnd scaffolds a connector into a copy of the module with
// the lumos binary, vets and formats it, runs its generated tests, rebuilds
// lumos and runs the new connector through its <name>-connector symlink.
func TestScaffoldEndToEnd(t *testing.T) {
	t.Parallel()
	bin := lumosBinary(t)
	root := filepath.Join(t.TempDir(), "lumos")
	copyModule(t, "..", root)

	r := runIn(t, filepath.Join(root, "connectors"), nil, filepath.Join(bin, "lumos"), "scaffold", "sample-idp")
	if r.code != 0 {
		t.Fatalf("scaffold: exit %d\n%s", r.code, r.stderr)
	}
	pkgDir := filepath.Join(root, "connectors", "sample_idp")
	if r.stdout != pkgDir+"\n"+filepath.Join(root, "connectors", "sample_idp.go")+"\n" {
		t.Fatalf("scaffold printed %q", r.stdout)
	}

	goCmd(t, root, "vet", "./connectors/sample_idp/", "./connectors/")
	out := goCmd(t, root, "test", "-count=1", "-v", "./connectors/sample_idp/...")
	for _, test := range []string{"TestDeclaration", "TestValidateCredentials", "TestListAccounts", "TestListAccountsDrain", "TestSettingsAreChecked", "TestConformance", "TestWriteExamples"} {
		if !strings.Contains(out, "--- PASS: "+test) {
			t.Errorf("the generated tests did not pass %s:\n%s", test, out)
		}
	}
	binDir := t.TempDir()
	goCmd(t, root, "build", "-o", filepath.Join(binDir, "lumos"), ".")
	if err := os.Symlink("lumos", filepath.Join(binDir, "sample-idp-connector")); err != nil {
		t.Fatal(err)
	}

	is := is.New(t)
	var info struct {
		Response struct {
			AppID        string   `json:"app_id"`
			Version      string   `json:"version"`
			Capabilities []string `json:"capabilities"`
		} `json:"response"`
	}
	r = runIn(t, binDir, nil, filepath.Join(binDir, "sample-idp-connector"), "info")
	is.Equal(r.code, 0)
	is.NoErr(json.Unmarshal([]byte(r.stdout), &info))
	is.Equal(info.Response.AppID, "sample-idp")
	is.Equal(info.Response.Version, "0.1.0")
	is.Equal(info.Response.Capabilities, []string{"app_info", "list_accounts", "validate_credentials"})
	viaLumos := runIn(t, binDir, nil, filepath.Join(binDir, "lumos"), "sample-idp", "info")
	is.Equal(viaLumos.code, 0)
	is.Equal(viaLumos.stdout, r.stdout) // the same document either way

	// The new connector, as a process, against a loopback fake of its API.
	var mu sync.Mutex
	var calls []string
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls = append(calls, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/me":
			fmt.Fprint(w, `{"id":"u1","tenant_id":"tenant-7"}`)
		case "/users":
			fmt.Fprint(w, `{"users":[{"id":"u1","email":"ada@example.com","active":true}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	defer api.Close()
	doc := `{"auth":{"token":{"token":"secret-token-123"}},"request":{},"settings":{"base_url":"` + api.URL + `"}}`
	r = runIn(t, binDir, nil, filepath.Join(binDir, "sample-idp-connector"), "validate_credentials", "--json", doc)
	is.Equal(r.code, 0)
	is.Equal(r.stdout, `{"response":{"valid":true,"unique_tenant_id":"tenant-7"},"raw_data":null,"page":null,"execution_summary":null}`+"\n")
	r = runIn(t, binDir, nil, filepath.Join(binDir, "sample-idp-connector"), "list_accounts", "--json", doc)
	is.Equal(r.code, 0)
	is.True(strings.HasPrefix(r.stdout, `{"response":[{"integration_specific_id":"u1","email":"ada@example.com",`))
	is.True(strings.HasSuffix(r.stdout, `"page":null,"execution_summary":null}`+"\n"))
	mu.Lock()
	is.Equal(calls, []string{"GET /me Bearer secret-token-123", "GET /users?limit=100&offset=0 Bearer secret-token-123"})
	calls = nil
	mu.Unlock()

	// The lumos that scaffolded it does not know the new connector; the
	// rebuilt one bundles it for on-prem, and the bundle's main runs it.
	r = runIn(t, root, goSettings, filepath.Join(bin, "lumos"), "compile-on-prem", "--connector", "sample-idp")
	is.Equal(r.code, 2)
	is.True(strings.Contains(r.stderr, `unknown connector "sample-idp"`))
	bundleDir := t.TempDir()
	r = runIn(t, root, goSettings, filepath.Join(binDir, "lumos"), "compile-on-prem", "--connector", "sample-idp", "--output-directory", bundleDir)
	if r.code != 0 {
		t.Fatalf("compile-on-prem: exit %d\n%s", r.code, r.stderr)
	}
	is.Equal(r.stdout, filepath.Join(bundleDir, "sample-idp-0.1.0.tar.gz")+"\n")
	b := readTarGz(t, filepath.Join(bundleDir, "sample-idp-0.1.0.tar.gz"))
	is.Equal(string(b["metadata.toml"].content), "[connector]\napp_id = \"sample-idp_on_prem\"\nversion = \"0.1.0\"\n")
	is.True(strings.Contains(string(b["THIRD_PARTY_LICENSES.txt"].content), "github.com/hashicorp/go-retryablehttp v0.7.8\nLicence: MPL-2.0\n"))
	mainDir := t.TempDir()
	is.NoErr(os.WriteFile(filepath.Join(mainDir, "main"), b["main"].content, 0o770))
	r = runIn(t, mainDir, nil, filepath.Join(mainDir, "main"), "validate_credentials", "--json", doc)
	is.Equal(r.code, 0)
	is.Equal(r.stdout, `{"response":{"valid":true,"unique_tenant_id":"tenant-7"},"raw_data":null,"page":null,"execution_summary":null}`+"\n")
}

// runIn runs a program in dir with extra environment variables.
func runIn(t *testing.T, dir string, env []string, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("running %s: %v", bin, err)
		}
		code = ee.ExitCode()
	}
	return result{code, stdout.String(), stderr.String()}
}

// --force generates a connector anew even under a built-in connector's name
// (the mock here), replacing its registration file.
func TestScaffoldForceBuiltIn(t *testing.T) {
	is := is.New(t)
	root := fakeModule(t)
	treetest.WriteFile(t, filepath.Join(root, "connectors", "mock.go"), "package connectors\n\nimport _ \"github.com/lumosgo/lumos/mock\"\n")
	t.Chdir(root)
	refused := run("", "lumos", "scaffold", "mock")
	is.Equal(refused.code, 2)
	is.True(strings.Contains(refused.stderr, "use --force to generate it anew"))
	r := run("", "lumos", "scaffold", "mock", "--force")
	is.Equal(r.code, 0)
	reg, err := os.ReadFile(filepath.Join(root, "connectors", "mock.go"))
	is.NoErr(err)
	is.True(strings.Contains(string(reg), `import _ "github.com/lumosgo/lumos/connectors/mock"`))
	src, err := os.ReadFile(filepath.Join(root, "connectors", "mock", "integration.go"))
	is.NoErr(err)
	is.True(strings.Contains(string(src), `const AppID = "mock"`))
}

// scaffold --module makes a module of its own whose main.go builds lumos
// plus the connector; built against this checkout (a replace directive),
// its binary runs the new connector and the built-in ones.
func TestScaffoldModule(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	bin := lumosBinary(t)
	work := t.TempDir()
	r := runIn(t, work, nil, filepath.Join(bin, "lumos"), "scaffold", "sample-idp", "--module", "example.com/sample-idp-connector")
	if r.code != 0 {
		t.Fatalf("scaffold --module: exit %d\n%s", r.code, r.stderr)
	}
	dir := filepath.Join(work, "sample-idp")
	is.Equal(r.stdout, dir+"\n")
	is.True(strings.Contains(r.stderr, "go mod tidy"))
	var files []string
	is.NoErr(filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	}))
	is.Equal(files, []string{"go.mod", "main.go", "sample_idp/client.go", "sample_idp/integration.go",
		"sample_idp/integration_test.go", "sample_idp/read.go", "sample_idp/write.go"})
	checkout, err := filepath.Abs("..")
	is.NoErr(err)
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	is.NoErr(err)
	is.True(strings.HasPrefix(string(mod), "module example.com/sample-idp-connector\n"))
	mod = append(mod, []byte("\nrequire github.com/lumosgo/lumos v0.0.0\n\nreplace github.com/lumosgo/lumos => "+checkout+"\n")...)
	is.NoErr(os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644))
	sums, err := os.ReadFile(filepath.Join(checkout, "go.sum")) // lumos's checksums: tidy needs no checksum database
	is.NoErr(err)
	is.NoErr(os.WriteFile(filepath.Join(dir, "go.sum"), sums, 0o644))
	tidy := exec.Command("go", "mod", "tidy")
	tidy.Dir = dir
	tidy.Env = append(goEnv(), "GOFLAGS=-mod=mod") // offline: every module is in the cache already
	if out, err := tidy.CombinedOutput(); err != nil {
		t.Fatalf("go mod tidy: %v\n%s", err, out)
	}
	goCmd(t, dir, "build", "-o", "connector", ".") // (TestScaffoldEndToEnd vets and tests the package's files)
	info := runIn(t, dir, nil, filepath.Join(dir, "connector"), "sample-idp", "info", "--compact")
	is.Equal(info.code, 0)
	if !strings.Contains(info.stdout, `"app_id": "sample-idp"`) {
		t.Fatalf("info: %.300s\n%s", info.stdout, info.stderr)
	}
	mock := runIn(t, dir, nil, filepath.Join(dir, "connector"), "mock", "validate_credentials", "--json", validJSON)
	is.Equal(mock.stdout, validOut) // lumos's own connectors are there too

	refused := runIn(t, work, nil, filepath.Join(bin, "lumos"), "scaffold", "sample-idp", "--module", "example.com/x") // the folder is taken now
	is.Equal(refused.code, 1)
	is.True(strings.Contains(refused.stderr, "not empty"))
	bad := runIn(t, work, nil, filepath.Join(bin, "lumos"), "scaffold", "other-idp", "--module", "not a path")
	is.Equal(bad.code, 2)
	is.True(strings.Contains(bad.stderr, "invalid module path"))
}
