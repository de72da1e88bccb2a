package cli_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"
)

// The lumos binary, built once per test run by lumosBinary.
var (
	buildOnce sync.Once
	buildDir  string // holds lumos and the mock-connector link
	buildErr  error
)

func TestMain(m *testing.M) {
	// Keep the logs the commands write out of the source tree.
	logDir, err := os.MkdirTemp("", "lumos-cli-test-logs-")
	if err != nil {
		panic(err)
	}
	os.Setenv("LUMOS_LOG_DIRECTORY", logDir)
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.RemoveAll(logDir)
	os.Exit(code)
}

// lumosBinary builds github.com/lumosgo/lumos into a temporary folder, links
// mock-connector → lumos beside it and returns the folder.
func lumosBinary(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the lumos binary; skipped with -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to build lumos with: %v", err)
	}
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "lumos-binary-test-"); buildErr != nil {
			return
		}
		cmd := exec.Command(goTool, "build", "-o", filepath.Join(buildDir, "lumos"), "github.com/lumosgo/lumos")
		cmd.Dir = ".." // the module root
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		buildErr = os.Symlink("lumos", filepath.Join(buildDir, "mock-connector"))
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

// runBinary runs the program bin of the build folder as a process.
func runBinary(t *testing.T, dir, stdin string, bin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, bin), args...)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(stdin)
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

func TestBinary(t *testing.T) {
	dir := lumosBinary(t)
	listJSON := `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"google.com","tenant_size":5},"page":{"size":2}}`

	t.Run("busybox validate_credentials", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := runBinary(t, dir, "", "mock-connector", "validate_credentials", "--json", validJSON)
		is.Equal(r.stderr, "")
		is.Equal(r.code, 0)
		is.Equal(r.stdout, validOut)
	})

	t.Run("lumos mock list_accounts", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := runBinary(t, dir, "", "lumos", "mock", "list_accounts", "--json", listJSON)
		is.Equal(r.stderr, "")
		is.Equal(r.code, 0)
		var doc struct {
			Response []struct {
				IntegrationSpecificID string `json:"integration_specific_id"`
			} `json:"response"`
			Page *struct {
				Token string `json:"token"`
				Size  int    `json:"size"`
			} `json:"page"`
		}
		is.NoErr(json.Unmarshal([]byte(assertOneDocument(is, r.stdout)), &doc))
		is.Equal(len(doc.Response), 2)
		is.Equal(doc.Response[0].IntegrationSpecificID, "user-0")
		is.Equal(doc.Response[1].IntegrationSpecificID, "user-1")
		is.True(doc.Page != nil) // more pages follow
		is.True(doc.Page.Token != "")
		is.Equal(doc.Page.Size, 2)
	})

	t.Run("same output as in-process", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		for _, args := range [][]string{
			{"mock", "list_accounts", "--json", listJSON},
			{"mock", "info"},
		} {
			want := run("", append([]string{"lumos"}, args...)...)
			got := runBinary(t, dir, "", "lumos", args...)
			is.Equal(got.code, want.code)
			is.Equal(got.stdout, want.stdout)
		}
	})

	t.Run("json-file from stdin and result file", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		out := filepath.Join(t.TempDir(), "out.json.gz")
		r := runBinary(t, dir, validJSON, "mock-connector", "validate_credentials", "--json-file", "-", "--result-file-path", out)
		is.Equal(r.stderr, "")
		is.Equal(r.code, 0)
		is.Equal(r.stdout, "")
		is.Equal(gunzipFile(t, out)+"\n", validOut)
	})

	tests := []struct {
		name      string
		bin       string
		args      []string
		code      int
		stdout    string // exact stdout, or a prefix with "…" at its end
		stderrHas string
	}{
		{"handled error", "mock-connector", []string{"list_accounts", "--json", "{}"}, 0, `{"is_error":true,…`, ""},
		{"unknown capability", "lumos", []string{"mock", "no_such_capability", "--json", "{}"}, 2, "", "no_such_capability"},
		{"unknown capability busybox", "mock-connector", []string{"no_such_capability", "--json", "{}"}, 2, "", "no_such_capability"},
		{"unknown flag", "mock-connector", []string{"validate_credentials", "--json", "{}", "--bogus"}, 2, "", "--bogus"},
		{"missing --json", "mock-connector", []string{"validate_credentials"}, 2, "", "--json"},
		{"info --json", "lumos", []string{"mock", "info", "--json", "{}"}, 2, "", "--json"},
		{"no command", "lumos", nil, 1, "", "No command passed in"},
		{"no command busybox", "mock-connector", nil, 1, "", "No command passed in"},
		{"result file not .gz", "mock-connector", []string{"info", "--result-file-path", "out.txt"}, 1, "", ".gz"},
		{"help", "mock-connector", []string{"--help"}, 0, "Usage: mock-connector <command> [flags]…", ""},
		{"help command", "mock-connector", []string{"help", "list_accounts"}, 0, "Usage: mock-connector list_accounts [flags]…", ""},
		{"lumos help command", "lumos", []string{"help", "mock"}, 0, "Usage: lumos mock <command> [flags]…", ""},
		{"usage on stderr", "lumos", []string{"mock", "list_accounts", "--bogus"}, 2, "", "Usage: lumos mock list_accounts"},
		{"version", "mock-connector", []string{"--version"}, 0, "mock 1.0.0 (lumos …", ""},
		{"version -v", "mock-connector", []string{"-v"}, 0, "mock 1.0.0 (lumos …", ""},
		{"version command busybox", "mock-connector", []string{"version"}, 0, "mock 1.0.0 (lumos …", ""},
		{"version command", "lumos", []string{"version"}, 0, "lumos …", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := runBinary(t, dir, "", tt.bin, tt.args...)
			is.Equal(r.code, tt.code)
			if prefix, ok := strings.CutSuffix(tt.stdout, "…"); ok {
				is.True(strings.HasPrefix(r.stdout, prefix)) // stdout starts as expected
			} else {
				is.Equal(r.stdout, tt.stdout)
			}
			if strings.HasPrefix(r.stdout, "{") {
				assertOneDocument(is, r.stdout)
			}
			is.True(strings.Contains(r.stderr, tt.stderrHas)) // stderr explains
		})
	}
}
