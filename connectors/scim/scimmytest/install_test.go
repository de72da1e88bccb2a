package scimmytest

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/matryer/is"
)

// writeFiles writes name → content under dir, making folders as needed.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestMissingPackages(t *testing.T) {
	manifest := `{"dependencies":{"a":"1.0.0","b":"2.0.0"}}`
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{"all installed at their pins", map[string]string{
			"package.json":                manifest,
			"node_modules/a/package.json": `{"version":"1.0.0"}`,
			"node_modules/b/package.json": `{"version":"2.0.0"}`,
		}, nil},
		{"one at another version", map[string]string{
			"package.json":                manifest,
			"node_modules/a/package.json": `{"version":"1.0.0"}`,
			"node_modules/b/package.json": `{"version":"2.0.1"}`,
		}, []string{"b@2.0.0"}},
		{"one missing", map[string]string{
			"package.json":                manifest,
			"node_modules/b/package.json": `{"version":"2.0.0"}`,
		}, []string{"a@1.0.0"}},
		{"no package.json", map[string]string{}, []string{"package.json (unreadable)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			dir := t.TempDir()
			writeFiles(t, dir, tt.files)
			is.Equal(missingPackages(dir), tt.want)
		})
	}
}

// recorder is a testing.TB whose Fatal is recorded and ends the goroutine.
type recorder struct {
	testing.TB
	msg string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fatalOf runs fn with a recorder and returns the Fatal message ("" if none).
func fatalOf(t *testing.T, fn func(tb testing.TB)) string {
	r := &recorder{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(r)
	}()
	<-done
	return r.msg
}

// TestEnsureInstalled installs the pinned packages into a copy of the server
// folder, and shows a failed `npm ci` fails the test with npm's output.
func TestEnsureInstalled(t *testing.T) {
	src := serverDir(t)
	copyOf := func(t *testing.T, manifest string) string {
		dir := t.TempDir()
		files := map[string]string{}
		for _, name := range []string{"package.json", "package-lock.json", ".npmrc"} {
			raw, err := os.ReadFile(filepath.Join(src, name))
			if err != nil {
				t.Fatal(err)
			}
			files[name] = string(raw)
		}
		if manifest != "" {
			files["package.json"] = manifest
		}
		writeFiles(t, dir, files)
		return dir
	}
	tests := []struct {
		name     string
		manifest string
		fatal    string
	}{
		{"installs the pinned packages", "", ""},
		{"npm ci refuses a manifest out of step with the lock file",
			`{"name":"x","version":"0.0.0","dependencies":{"scimmy":"1.3.5","left-pad":"1.3.0"}}`, "`npm ci` in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			dir := copyOf(t, tt.manifest)
			msg := fatalOf(t, func(tb testing.TB) { ensureInstalled(tb, dir) })
			if tt.fatal == "" {
				is.Equal(msg, "")
				is.Equal(missingPackages(dir), nil)
				return
			}
			is.True(strings.Contains(msg, tt.fatal))
			is.True(strings.Contains(msg, "left-pad@1.3.0"))
		})
	}
}
