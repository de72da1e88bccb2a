//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
)

func TestResultFileNeverFollowsSymlinks(t *testing.T) {
	t.Parallel()
	const victimText = "must stay as it is"
	tests := []struct {
		name   string
		args   []string // the result path is appended
		target string   // what the link points to: "victim" (an existing file) or "missing"
	}{
		{"link to a file", []string{"mock-connector", "validate_credentials", "--json", validJSON}, "victim"},
		{"dangling link", []string{"mock-connector", "validate_credentials", "--json", validJSON}, "missing"},
		{"info through a link", []string{"mock-connector", "info"}, "victim"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			dir := t.TempDir()
			victim := filepath.Join(dir, "victim")
			is.NoErr(os.WriteFile(victim, []byte(victimText), 0o644))
			link := filepath.Join(dir, "out.gz")
			is.NoErr(os.Symlink(filepath.Join(dir, tt.target), link))
			r := run("", append(tt.args, "--result-file-path", link)...)
			is.Equal(r.code, cli.ExitFatal)
			is.Equal(r.stdout, "")
			is.True(strings.Contains(r.stderr, "symbolic link")) // a clear error
			data, err := os.ReadFile(victim)
			is.NoErr(err)
			is.Equal(string(data), victimText) // the target is untouched
			_, err = os.Stat(filepath.Join(dir, "missing"))
			is.True(os.IsNotExist(err)) // a dangling link's target is not created
			fi, err := os.Lstat(link)
			is.NoErr(err)
			is.True(fi.Mode()&os.ModeSymlink != 0) // the link itself stays
		})
	}
}

func TestResultFileIsPrivateAndReplacedAtomically(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		stale bool // a file with other content and mode 0644 is there already
	}{
		{"new file", false},
		{"existing file", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			dir := t.TempDir()
			path := filepath.Join(dir, "out.gz")
			if tt.stale {
				is.NoErr(os.WriteFile(path, []byte("stale"), 0o644))
			}
			r := run("", "mock-connector", "validate_credentials", "--json", validJSON, "--result-file-path", path)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(gunzipFile(t, path)+"\n", validOut)
			fi, err := os.Stat(path)
			is.NoErr(err)
			is.Equal(fi.Mode().Perm(), os.FileMode(0o600)) // readable by its owner only
			entries, err := os.ReadDir(dir)
			is.NoErr(err)
			is.Equal(len(entries), 1) // no temporary file left behind
		})
	}
}

func TestResultFileRefusedBeforeTheCall(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	dir := t.TempDir()
	r := run("", "mock-connector", "validate_credentials", "--json", validJSON, "--result-file-path", dir+string(filepath.Separator)+"folder.gz"+string(filepath.Separator))
	is.Equal(r.code, cli.ExitFatal)
	is.NoErr(os.Mkdir(filepath.Join(dir, "folder.gz"), 0o700))
	r = run("", "mock-connector", "validate_credentials", "--json", validJSON, "--result-file-path", filepath.Join(dir, "folder.gz"))
	is.Equal(r.code, cli.ExitFatal)
	is.True(strings.Contains(r.stderr, "is a folder"))
	is.Equal(r.stdout, "")
}

func TestLogFileNeverFollowsSymlinks(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	t.Setenv("LUMOS_LOG_DIRECTORY", dir)
	victim := filepath.Join(dir, "victim")
	is.NoErr(os.WriteFile(victim, []byte("untouched"), 0o644))
	is.NoErr(os.Symlink(victim, logFile(dir)))

	r := run("", "mock-connector", "list_accounts", "--json", requestWithSecret) // logs an ERROR
	is.Equal(r.code, cli.ExitOK)
	assertOneDocument(is, r.stdout)
	is.Equal(strings.Count(r.stderr, "\n"), 1) // said once
	is.True(strings.Contains(r.stderr, "symbolic link"))
	data, err := os.ReadFile(victim)
	is.NoErr(err)
	is.Equal(string(data), "untouched")
}

func TestLogFileIsPrivate(t *testing.T) {
	is := is.New(t)
	dir := filepath.Join(t.TempDir(), "logs")
	t.Setenv("LUMOS_LOG_DIRECTORY", dir)
	r := run("", "mock-connector", "list_accounts", "--json", requestWithSecret)
	is.Equal(r.code, cli.ExitOK)
	fi, err := os.Stat(logFile(dir))
	is.NoErr(err)
	is.Equal(fi.Mode().Perm(), os.FileMode(0o600))
	di, err := os.Stat(dir)
	is.NoErr(err)
	is.Equal(di.Mode().Perm(), os.FileMode(0o700)) // a folder lumos creates is private too
}
