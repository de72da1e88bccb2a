package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
)

// hostileAuth carries the planted secret, which must never be printed.
const hostileAuth = `"auth":{"basic":{"username":"foo","password":"` + plantedSecret + `"}}`

func TestHostileInputThroughTheBinary(t *testing.T) {
	dir := lumosBinary(t)
	good := `"request":{},"settings":{"host":"h","tenant_size":5}`
	tests := []struct {
		name string
		args []string // after the program name; "@body" is replaced by --json-file <body file>
		body string
		code int
		want string // error_code of the envelope; "" for a success; "-" for no document
	}{
		{"malformed", []string{"list_accounts", "@body"}, `{"request":`, 0, "bad_request"},
		{"truncated", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,"request":{}`, 0, "bad_request"},
		{"array", []string{"list_accounts", "@body"}, `[]`, 0, "bad_request"},
		{"string", []string{"list_accounts", "@body"}, `"` + plantedSecret + `"`, 0, "bad_request"},
		{"number", []string{"list_accounts", "@body"}, `42`, 0, "bad_request"},
		{"null", []string{"list_accounts", "@body"}, `null`, 0, "bad_request"},
		{"invalid UTF-8", []string{"list_accounts", "@body"}, "{" + hostileAuth + `,"request":{"x":"` + "\xff\xfe" + `"}}`, 0, "bad_request"},
		{"NaN", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"page":{"size":NaN}}`, 0, "bad_request"},
		{"Infinity", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"page":{"size":Infinity}}`, 0, "bad_request"},
		{"trailing garbage", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `} trailing`, 0, "bad_request"},
		{"huge string", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"x":"` + strings.Repeat("a", 10<<20) + `"}`, 0, ""},
		{"huge array", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"x":[` + strings.Repeat("1,", 1<<20) + `1]}`, 0, ""},
		{"deep nesting", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, 0, "bad_request"},
		{"oversized", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"x":"` + strings.Repeat("a", 33<<20) + `"}`, 0, "bad_request"},
		{"string for bool", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"include_raw_data":"true"}`, 0, "bad_request"},
		{"string for int", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"page":{"size":"2"}}`, 0, "bad_request"},
		{"settings array", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,"request":{},"settings":[]}`, 0, "bad_request"},
		{"auth string", []string{"list_accounts", "@body"}, `{"auth":"` + plantedSecret + `",` + good + `}`, 0, "bad_request"},
		{"bad page token", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `,"page":{"token":"` + plantedSecret + `"}}`, 0, "invalid_page_token"},
		{"auth and credentials", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,"credentials":[],` + good + `}`, 0, "bad_request"},
		{"missing auth", []string{"list_accounts", "@body"}, `{` + good + `}`, 0, "bad_request"},
		{"missing settings", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,"request":{}}`, 0, "bad_request"},
		{"wrong settings type", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,"request":{},"settings":{"host":"h","tenant_size":"` + plantedSecret + `"}}`, 0, "bad_request"},
		{"success", []string{"list_accounts", "@body"}, `{` + hostileAuth + `,` + good + `}`, 0, ""},
		{"unknown capability", []string{"drop_tables", "@body"}, `{}`, 2, "-"},
		{"conflicting flags", []string{"list_accounts", "@body", "--json", "{}"}, `{}`, 2, "-"},
		{"unknown flag", []string{"list_accounts", "@body", "--jsn"}, `{}`, 2, "-"},
		{"request without --json", []string{"list_accounts", `{` + hostileAuth + `,` + good + `}`}, ``, 2, "-"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			bodyFile := filepath.Join(t.TempDir(), "body.json")
			is.NoErr(os.WriteFile(bodyFile, []byte(tt.body), 0o600))
			var args []string
			for _, a := range tt.args {
				if a == "@body" {
					args = append(args, "--json-file", bodyFile)
				} else {
					args = append(args, a)
				}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, filepath.Join(dir, "mock-connector"), args...)
			cmd.Dir = t.TempDir()
			cmd.Env = append(os.Environ(), "LUMOS_LOG_TO_STDOUT=true", "LUMOS_LOG_LEVEL=DEBUG")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			is.True(ctx.Err() == nil) // bounded time
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else {
				is.NoErr(err)
			}
			is.Equal(code, tt.code)
			out, logs := stdout.String(), stderr.String()
			is.True(!strings.Contains(out, plantedSecret))  // the planted secret is never printed
			is.True(!strings.Contains(logs, plantedSecret)) // nor logged
			is.True(!strings.Contains(logs, "goroutine "))  // no panic
			if tt.want == "-" {
				is.Equal(out, "")
				return
			}
			is.True(strings.HasSuffix(out, "\n"))
			is.Equal(strings.Count(out, "\n"), 1) // one document
			var env struct {
				IsError bool `json:"is_error"`
				Error   struct {
					ErrorCode string `json:"error_code"`
				} `json:"error"`
			}
			is.NoErr(json.Unmarshal([]byte(out), &env))
			is.Equal(env.IsError, tt.want != "")
			is.Equal(env.Error.ErrorCode, tt.want)
		})
	}
}
