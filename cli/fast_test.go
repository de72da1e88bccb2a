package cli

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	_ "github.com/lumosgo/lumos/mock" // registers the mock connector
)

// TestFastPathMatchesGrammar runs each command line twice, as Run does
// (through the fast path where it applies) and forced through the kong
// grammar, and checks that stdout, stderr, the exit code and any result
// file are the same byte for byte.
func TestFastPathMatchesGrammar(t *testing.T) {
	const good = `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"google.com"}}`
	const secret = `{"auth":{"basic":{"username":"foo","password":"hunter2-secret"}},"request":{"nope":1},"settings":{}}`
	const list = `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h"},"page":{"size":2}}`
	dir := t.TempDir()
	requestFile := filepath.Join(dir, "request.json")
	if err := os.WriteFile(requestFile, []byte(`'`+good+`'`), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		argv  []string
		stdin string
		fast  bool // whether Run takes the fast path
	}{
		{"good request", []string{"lumos", "mock", "validate_credentials", "--json", good}, "", true},
		{"inline --json=", []string{"lumos", "mock", "validate_credentials", "--json=" + good}, "", true},
		{"a page", []string{"lumos", "mock", "list_accounts", "--json", list}, "", true},
		{"bad JSON", []string{"lumos", "mock", "validate_credentials", "--json", `{"auth":`}, "", true},
		{"not an object", []string{"lumos", "mock", "validate_credentials", "--json", `[1]`}, "", true},
		{"secrets in a bad request", []string{"lumos", "mock", "list_accounts", "--json", secret}, "", true},
		{"empty --json", []string{"lumos", "mock", "validate_credentials", "--json", ""}, "", true},
		{"empty inline --json=", []string{"lumos", "mock", "validate_credentials", "--json="}, "", true},
		{"--json-file", []string{"lumos", "mock", "validate_credentials", "--json-file", requestFile}, "", true},
		{"--json-file=", []string{"lumos", "mock", "validate_credentials", "--json-file=" + requestFile}, "", true},
		{"--json-file -", []string{"lumos", "mock", "validate_credentials", "--json-file", "-"}, good, true},
		{"--json-file missing", []string{"lumos", "mock", "validate_credentials", "--json-file", filepath.Join(dir, "none.json")}, "", true},
		{"--json value starting with -", []string{"lumos", "mock", "validate_credentials", "--json", "-1"}, "", false},
		{"unknown capability", []string{"lumos", "mock", "no_such_thing", "--json", good}, "", false},
		{"unknown connector", []string{"lumos", "no-such", "validate_credentials", "--json", good}, "", false},
		{"missing --json", []string{"lumos", "mock", "validate_credentials"}, "", false},
		{"--json without value", []string{"lumos", "mock", "validate_credentials", "--json"}, "", false},
		{"both --json and --json-file", []string{"lumos", "mock", "validate_credentials", "--json", good, "--json-file", requestFile}, "", false},
		{"unknown flag with secrets", []string{"lumos", "mock", "validate_credentials", "--json", secret, "--bogus"}, "", false},
		{"extra argument", []string{"lumos", "mock", "validate_credentials", "--json", good, "extra"}, "", false},
		{"--result-file-path", []string{"lumos", "mock", "validate_credentials", "--json", good, "--result-file-path", "RESULT.gz"}, "", false},
		{"--result-file-path not .gz", []string{"lumos", "mock", "validate_credentials", "--json", good, "--result-file-path", "RESULT.txt"}, "", false},
		{"--use-proxy", []string{"lumos", "mock", "validate_credentials", "--use-proxy", "--json", good}, "", false},
		{"info", []string{"lumos", "mock", "info"}, "", false},
		{"no command", []string{"lumos", "mock"}, "", false},
		{"busybox", []string{"mock-connector", "validate_credentials", "--json", good}, "", true},
		{"busybox by app id", []string{"mock", "validate_credentials", "--json", good}, "", true},
		{"busybox with a path", []string{filepath.Join("somewhere", "bin", "mock-connector"), "validate_credentials", "--json", good}, "", true},
		{"busybox .exe", []string{"mock-connector.exe", "validate_credentials", "--json", good}, "", true},
		{"busybox bad JSON", []string{"mock-connector", "validate_credentials", "--json", "{"}, "", true},
		{"busybox secrets", []string{"mock-connector", "list_accounts", "--json", secret}, "", true},
		{"busybox unknown capability", []string{"mock-connector", "nope", "--json", good}, "", false},
		{"busybox missing --json", []string{"mock-connector", "validate_credentials"}, "", false},
		{"busybox --json-file -", []string{"mock-connector", "validate_credentials", "--json-file=-"}, good, true},
		{"busybox no command", []string{"mock-connector"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(chooseMode(tt.argv, runOptions{}).mode == modeFast, tt.fast) // the fast path is taken exactly when expected
			is.True(chooseMode(tt.argv, runOptions{noFastPath: true}).mode != modeFast)
			fast := runCaptured(t, tt.argv, tt.stdin, runOptions{})
			grammar := runCaptured(t, tt.argv, tt.stdin, runOptions{noFastPath: true})
			is.Equal(fast.stdout, grammar.stdout)
			is.Equal(fast.stderr, grammar.stderr)
			is.Equal(fast.code, grammar.code)
			is.Equal(fast.resultFile, grammar.resultFile)
			is.True(!strings.Contains(fast.stdout+fast.stderr, "hunter2-secret")) // secrets never leave
		})
	}
}

// captured is one in-process run: its streams, exit code and the content of
// the result file, if the command wrote one.
type captured struct {
	code           int
	stdout, stderr string
	resultFile     string
}

// runCaptured runs argv in a fresh folder, in which "RESULT.gz" and
// "RESULT.txt" arguments name files, and returns what it produced.
func runCaptured(t *testing.T, argv []string, stdin string, o runOptions) captured {
	t.Helper()
	t.Chdir(t.TempDir()) // relative result files land here
	var stdout, stderr bytes.Buffer
	code := run(argv, &Streams{Stdin: strings.NewReader(stdin), Stdout: &stdout, Stderr: &stderr}, o)
	c := captured{code: code, stdout: stdout.String(), stderr: stderr.String()}
	if f, err := os.Open("RESULT.gz"); err == nil {
		defer f.Close()
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		c.resultFile = string(b)
	}
	return c
}
