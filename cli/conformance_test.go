//go:build !lumos_runtime

package cli_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// mockCalls is what every call of the suite carries on the mock.
const mockCalls = `{"auth":{"basic":{"username":"foo","password":"bar"}},"settings":{"host":"h","tenant_size":60}}`

func TestConformanceOnTheMock(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	r := run("", "lumos", "conformance", "mock", "--json", mockCalls)
	is.Equal(r.stderr, "")
	is.Equal(r.code, cli.ExitOK)
	for _, want := range []string{
		"Conformance of mock 1.0.0\n",
		"PASS  info ", "(structural check)",
		"PASS  app_info ", "OpenAPI 3.0.0 with 41 paths (structural check)",
		"PASS  list_accounts: drain ", "60 items in 2 pages, to the end; no repeated token; no duplicate id (integration_specific_id)",
		"PASS  list_accounts: tampered token ",
		"PASS  hostile envelopes ",
		"SKIP  writes: assign_entitlement twice ", "writes are not allowed",
		"Limits: page size 50; at most 10000 items and 1000 pages per listing; time budget 5m0s\n",
		"\nPASS: 38 checks, 34 passed, 0 failed, 4 skipped in ",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.stdout)
		}
	}
	is.True(!strings.Contains(r.stdout, "FAIL"))
}

func TestConformanceWrites(t *testing.T) {
	t.Parallel()
	t.Run("stateless writes pass on the mock", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "conformance", "mock", "--json", mockCalls, "--allow-writes", "--stateless-writes", "--skip", "hostile envelopes")
		is.Equal(r.code, cli.ExitOK)
		is.True(strings.Contains(r.stdout, `PASS  writes: assign_entitlement twice`))
		is.True(strings.Contains(r.stdout, `account "user-0", entitlement "admin": noop, then noop`))
		is.True(strings.Contains(r.stdout, `account "user-0", entitlement "billing": noop, then noop`))
		is.True(strings.Contains(r.stdout, "SKIP  hostile envelopes"))
	})
	t.Run("the round trip fails on the mock, whose writes do not persist", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "conformance", "mock", "--json", mockCalls, "--allow-writes")
		is.Equal(r.code, cli.ExitFatal)
		is.True(strings.Contains(r.stdout, "FAIL  writes: assign_entitlement twice"))
		is.True(strings.Contains(r.stdout, "use StatelessWrites (--stateless-writes)"))
		is.Equal(r.stderr, "lumos: conformance: 1 of 38 checks failed: writes: assign_entitlement twice\n")
	})
}

func TestConformanceJSONReport(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	r := run("", "lumos", "conformance", "mock", "--json", mockCalls, "--format", "json", "--page-size", "25", "--max-items", "40")
	is.Equal(r.code, cli.ExitOK)
	doc := assertOneDocument(is, r.stdout)
	var report conformance.Report
	is.NoErr(json.Unmarshal([]byte(doc), &report))
	is.Equal(report.AppID, "mock")
	is.True(report.OK())
	is.Equal(report.Limits.PageSize, 25)
	is.Equal(report.Limits.MaxItems, 40)
	drain, ok := report.Result("list_accounts: drain")
	is.True(ok)
	is.Equal(drain.Status, conformance.Pass)
	is.Equal(drain.Notes, []string{"stopped after 50 items (the MaxItems bound); the rest was not read"})
}

// Bad credentials or settings make a report of failures and exit 1.
func TestConformanceFailures(t *testing.T) {
	t.Parallel()
	t.Run("bad auth", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "conformance", "mock", "--json", `{"auth":{"basic":{"username":"","password":""}},"settings":{"host":"h"}}`)
		is.Equal(r.code, cli.ExitFatal)
		is.True(strings.Contains(r.stdout, "FAIL  validate_credentials "))
		is.True(strings.Contains(r.stdout, "validate_credentials failed: unauthorized: The mock rejects an empty username or password."))
		is.True(regexp.MustCompile(`\nSKIP  list_accounts: drain +not run: validate_credentials failed\n`).MatchString(r.stdout))
		is.True(strings.Contains(r.stdout, "PASS  hostile envelopes ")) // checks needing no credentials still run
		is.True(strings.Contains(r.stdout, "\nFAIL: 38 checks, 5 passed, 1 failed, 32 skipped in "))
		is.Equal(r.stderr, "lumos: conformance: 1 of 38 checks failed: validate_credentials\n")
	})
	t.Run("bad auth skips the writes", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "conformance", "mock", "--json", `{"auth":{"basic":{"username":"","password":""}},"settings":{"host":"h"}}`,
			"--allow-writes", "--stateless-writes")
		is.Equal(r.code, cli.ExitFatal)
		is.True(regexp.MustCompile(`\nSKIP  writes: assign_entitlement twice +not run: validate_credentials failed\n`).MatchString(r.stdout))
		is.True(regexp.MustCompile(`\nSKIP  writes: unassign_entitlement twice +not run: validate_credentials failed\n`).MatchString(r.stdout))
	})
	t.Run("no settings", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "conformance", "mock", "--json", `{"auth":{"basic":{"username":"foo","password":"bar"}}}`, "--skip", "hostile envelopes")
		is.Equal(r.code, cli.ExitFatal)
		is.True(strings.Contains(r.stdout, "validate_credentials failed: bad_request: No settings passed on request: mock requires Settings"))
		is.Equal(r.stderr, "lumos: conformance: 1 of 38 checks failed: validate_credentials\n") // the listings are skipped, not failed again
	})
}

func TestConformanceUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{"unknown connector", []string{"nope", "--json", mockCalls}, "", cli.ExitUsage, `lumos: error: unknown connector "nope"; the connectors are: mock`},
		{"no connector", []string{"--json", mockCalls}, "", cli.ExitUsage, `expected "<connector>"`},
		{"no --json", []string{"mock"}, "", cli.ExitUsage, "one of --json or --json-file is required"},
		{"both --json and --json-file", []string{"mock", "--json", mockCalls, "--json-file", "-"}, "", cli.ExitUsage, "--json and --json-file can't be used together"},
		{"not an object", []string{"mock", "--json", `[1]`}, "", cli.ExitUsage, "the auth and settings must be a JSON object"},
		{"not JSON", []string{"mock", "--json", `{"auth":`}, "", cli.ExitUsage, "the auth and settings must be a JSON object"},
		{"unknown format", []string{"mock", "--json", mockCalls, "--format", "yaml"}, "", cli.ExitUsage, "--format must be one of"},
		{"unreadable --json-file", []string{"mock", "--json-file", filepath.Join(os.TempDir(), "lumos-no-such-file.json")}, "", cli.ExitFatal, "reading --json-file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run(tt.stdin, append([]string{"lumos", "conformance"}, tt.args...)...)
			is.Equal(r.code, tt.code)
			is.Equal(r.stdout, "")
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, r.stderr)
			}
		})
	}
}

func TestConformanceReadsStdin(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	r := run(mockCalls, "lumos", "conformance", "mock", "--json-file", "-", "--skip", "hostile envelopes", "--max-items", "10")
	is.Equal(r.stderr, "")
	is.Equal(r.code, cli.ExitOK)
	is.True(strings.Contains(r.stdout, "PASS  list_accounts: drain"))
}

func TestConformanceHelp(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	r := run("", "lumos", "conformance", "--help")
	is.Equal(r.code, cli.ExitOK)
	for _, want := range []string{"Usage: lumos conformance <connector>", "--json", "--json-file", "--allow-writes", "--stateless-writes",
		"--page-size", "--max-items", "--max-pages", "--timeout", "--call-timeout", "--skip", "--format", "--trace", "--logs"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, r.stdout)
		}
	}
	root := run("", "lumos", "--help")
	is.True(strings.Contains(root.stdout, "conformance"))
}

// The text report streams: a check's line is out while the run goes on.
func TestConformanceStreams(t *testing.T) {
	dir := lumosBinary(t)
	is := is.New(t)
	req := `{"auth":{"basic":{"username":"foo","password":"bar"}},"settings":{"host":"h","tenant_size":10000000}}`
	cmd := exec.Command(filepath.Join(dir, "lumos"), "conformance", "mock", "--json", req, "--page-size", "1", "--max-items", "1000000", "--max-pages", "1000000")
	stdout, err := cmd.StdoutPipe()
	is.NoErr(err)
	is.NoErr(cmd.Start())
	sc := bufio.NewScanner(stdout)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if strings.HasPrefix(sc.Text(), "PASS  validate_credentials ") {
			is.NoErr(cmd.Process.Signal(syscall.SIGINT)) // still running: the drains of ten million accounts take long
		}
	}
	var ee *exec.ExitError
	is.True(errors.As(cmd.Wait(), &ee))
	is.Equal(ee.ExitCode(), 130)
	is.Equal(lines[0], "Conformance of mock 1.0.0")
	is.True(strings.HasPrefix(lines[2], "PASS  info "))
	is.True(strings.HasPrefix(lines[len(lines)-1], "FAIL: ") || strings.HasPrefix(lines[len(lines)-1], "PASS: ")) // the summary ends the report
}
