package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"
)

func TestSchemaCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		code  int
		title string
	}{
		{"request", []string{"lumos", "mock", "schema", "get_account"}, 0, "GetAccountRequest"},
		{"response", []string{"lumos", "mock", "schema", "list_accounts", "--response"}, 0, "ListAccountsResponseOrError"},
		{"busybox", []string{"mock-connector", "schema", "validate_credentials"}, 0, "ValidateCredentialsRequest"},
		{"unknown capability", []string{"lumos", "mock", "schema", "nope"}, 2, ""},
		{"no capability", []string{"lumos", "mock", "schema"}, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.code, tt.code)
			if tt.code != 0 {
				is.Equal(r.stdout, "")
				is.True(r.stderr != "")
				return
			}
			var s map[string]any
			is.NoErr(json.Unmarshal([]byte(r.stdout), &s))
			is.Equal(s["$schema"], "https://json-schema.org/draft/2020-12/schema")
			is.Equal(s["title"], tt.title)
			is.True(strings.HasSuffix(r.stdout, "}\n"))
		})
	}
	is := is.New(t)
	r := run("", "lumos", "mock", "schema", "nope")
	is.True(strings.Contains(r.stderr, "list_accounts")) // the error lists the capabilities
}
