package cli_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
)

// An empty request body, however it is given, is answered as upstream
// answers it: a bad_request envelope on stdout, exit 0, nothing on stderr.
func TestEmptyRequestBody(t *testing.T) {
	t.Parallel()
	empty := filepath.Join(t.TempDir(), "empty.json")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	want := `{"is_error":true,"error":{"message":"Invalid request - invalid JSON: unexpected end of JSON input","status_code":null,"app_error_code":null,"error_code":"bad_request","app_id":"mock","raised_by":null,"raised_in":null},"raw_data":null,"page":null}` + "\n"
	tests := []struct {
		name string
		args []string
	}{
		{"--json ''", []string{"mock-connector", "list_accounts", "--json", ""}},
		{"--json=", []string{"mock-connector", "list_accounts", "--json="}},
		{"--json '' through the full grammar", []string{"lumos", "mock", "list_accounts", "--json", "", "--use-proxy"}},
		{"an empty --json-file", []string{"mock-connector", "list_accounts", "--json-file", empty}},
		{"an empty --json-file, quoted", []string{"lumos", "mock", "list_accounts", "--json-file", `"` + empty + `"`}},
		{"empty stdin", []string{"mock-connector", "list_accounts", "--json-file", "-"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stderr, "")
			is.Equal(r.stdout, want)
		})
	}
}
