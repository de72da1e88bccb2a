package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

const plantedSecret = "pl4nted-s3cret-value"

// requestWithSecret is a failing call (no settings) whose password is the planted secret.
var requestWithSecret = `{"auth":{"basic":{"username":"foo","password":"` + plantedSecret + `"}},"request":{}}`

func logFile(dir string) string {
	return filepath.Join(dir, "mock_"+time.Now().UTC().Format("2006-01-02")+".log")
}

func TestLoggingToFile(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	t.Setenv("LUMOS_LOG_DIRECTORY", dir)

	r := run("", "mock-connector", "validate_credentials", "--json", `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h"}}`)
	is.Equal(r.code, 0)
	_, err := os.Stat(logFile(dir))
	is.True(os.IsNotExist(err)) // a quiet run (default level ERROR) creates no log file

	r = run("", "mock-connector", "list_accounts", "--json", requestWithSecret)
	is.Equal(r.code, 0)
	is.Equal(r.stderr, "") // logs never go to the terminal by default
	data, err := os.ReadFile(logFile(dir))
	is.NoErr(err)
	line := regexp.MustCompile(`^\d\d:\d\d:\d\d,\d{1,3} lumos\.mock ERROR mock/bad_request: No settings passed on request: mock requires Settings\n$`)
	if !line.Match(data) {
		t.Fatalf("unexpected log file content: %q", data)
	}
}

func TestLoggingToStderrAtInfo(t *testing.T) {
	is := is.New(t)
	t.Setenv("LUMOS_LOG_TO_STDOUT", "TRUE")
	t.Setenv("LUMOS_LOG_LEVEL", "info")
	r := run("", "lumos", "mock", "list_accounts", "--json", requestWithSecret)
	is.Equal(r.code, 0)
	assertOneDocument(is, r.stdout) // stdout still holds only the document
	is.True(strings.Contains(r.stderr, " lumos.mock INFO invoking capability app_id=mock capability=list_accounts request="))
	is.True(strings.Contains(r.stderr, `\"password\":\"REDACTED\"`)) // redacted by key
	is.True(strings.Contains(r.stderr, " lumos.mock ERROR mock/bad_request: "))
	is.True(!strings.Contains(r.stderr+r.stdout, plantedSecret))
}

func TestInvalidLogLevelIsFatal(t *testing.T) {
	is := is.New(t)
	t.Setenv("LUMOS_LOG_LEVEL", "LOUD")
	r := run("", "mock-connector", "list_accounts", "--json", requestWithSecret)
	is.Equal(r.code, 1)
	is.Equal(r.stdout, "")
	is.True(strings.Contains(r.stderr, `invalid LUMOS_LOG_LEVEL "LOUD"`))
}
