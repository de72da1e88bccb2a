package cli_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/toolkit"
)

func TestValidateCredentials(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"lumos mock", []string{"lumos", "mock", "validate_credentials", "--json", validJSON}},
		{"mock-connector", []string{"mock-connector", "validate_credentials", "--json", validJSON}},
		{"flag=value", []string{"mock-connector", "validate_credentials", "--json=" + validJSON}},
		{"--use-proxy is accepted", []string{"mock-connector", "validate_credentials", "--json", validJSON, "--use-proxy"}},
		{"--sip is accepted", []string{"lumos", "mock", "validate_credentials", "--sip", "--json", validJSON}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.stderr, "")
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stdout, validOut)
		})
	}
}

func TestBusyboxDispatch(t *testing.T) {
	t.Parallel()

	// chain: mock-connector → lumos-dev → lumos. The name as invoked counts.
	chain := t.TempDir()
	writeDummy(t, filepath.Join(chain, "lumos"))
	symlink(t, "lumos", filepath.Join(chain, "lumos-dev"))
	symlink(t, "lumos-dev", filepath.Join(chain, "mock-connector"))

	// reverse: lumos-dev → mock-connector → lumos. The chain is followed.
	reverse := t.TempDir()
	writeDummy(t, filepath.Join(reverse, "lumos"))
	symlink(t, "lumos", filepath.Join(reverse, "mock-connector"))
	symlink(t, "mock-connector", filepath.Join(reverse, "lumos-dev"))

	// absolute: tool → /abs/mock (an absolute link target).
	absolute := t.TempDir()
	writeDummy(t, filepath.Join(absolute, "mock"))
	symlink(t, filepath.Join(absolute, "mock"), filepath.Join(absolute, "tool"))

	// loop: loop-a → loop-b → loop-a, which must not hang and runs as lumos.
	loop := t.TempDir()
	symlink(t, "loop-b", filepath.Join(loop, "loop-a"))
	symlink(t, "loop-a", filepath.Join(loop, "loop-b"))

	tests := []struct {
		name  string
		argv0 string
		mock  bool // runs as the mock connector, else as lumos
	}{
		{"path/mock-connector", "/some/dir/mock-connector", true},
		{"bare mock", "mock", true},
		{"mock.exe", "mock.exe", true},
		{"mock-connector.exe", "mock-connector.exe", true},
		{"upper-case .EXE", filepath.Join("some", "dir", "mock-connector.EXE"), true},
		{"upper-case name", "MOCK-CONNECTOR", false},
		{"symlink chain by name", filepath.Join(chain, "mock-connector"), true},
		{"symlink chain followed", filepath.Join(reverse, "lumos-dev"), true},
		{"absolute link target", filepath.Join(absolute, "tool"), true},
		{"link to lumos", filepath.Join(chain, "lumos-dev"), false},
		{"symlink loop", filepath.Join(loop, "loop-a"), false},
		{"lumos", "/usr/local/bin/lumos", false},
		{"other name", "mock-connectorx", false},
		{"empty argv0", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.argv0, "validate_credentials", "--json", validJSON)
			if tt.mock {
				is.Equal(r.stderr, "")
				is.Equal(r.code, cli.ExitOK)
				is.Equal(r.stdout, validOut)
				return
			}
			is.Equal(r.code, cli.ExitUsage) // lumos has no validate_credentials command
			is.Equal(r.stdout, "")
			// As lumos, the connector is named after the program.
			r = run("", tt.argv0, "mock", "validate_credentials", "--json", validJSON)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stdout, validOut)
		})
	}
}

func TestExitCodesAndStreams(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.json")
	noSettings := `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{}}`
	badToken := `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h"},"page":{"token":"not-a-token"}}`
	emptyPassword := `{"auth":{"basic":{"username":"foo","password":""}},"request":{},"settings":{"host":"h"}}`
	unknownAccount := `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{"account_id":"nobody"},"settings":{"host":"h"}}`
	noAuth := `{"request":{},"settings":{"host":"h"}}`

	tests := []struct {
		name       string
		args       []string
		code       int
		errorCode  string // the error envelope's error_code; "" when stdout must be empty
		stderrHas  string
		stderrNone bool // stderr must be empty
	}{
		// Handled capability errors: exit 0, one error envelope on stdout.
		{"missing settings", []string{"lumos", "mock", "validate_credentials", "--json", noSettings}, cli.ExitOK, "bad_request", "", true},
		{"bad page token", []string{"mock-connector", "list_accounts", "--json", badToken}, cli.ExitOK, "invalid_page_token", "", true},
		{"handler error", []string{"mock-connector", "validate_credentials", "--json", emptyPassword}, cli.ExitOK, "unauthorized", "", true},
		{"not found", []string{"mock-connector", "get_account", "--json", unknownAccount}, cli.ExitOK, "not_found", "", true},
		{"missing auth", []string{"mock-connector", "list_accounts", "--json", noAuth}, cli.ExitOK, "bad_request", "", true},
		{"invalid JSON", []string{"mock-connector", "list_accounts", "--json", "{"}, cli.ExitOK, "bad_request", "", true},
		{"whitespace JSON", []string{"mock-connector", "list_accounts", "--json", " "}, cli.ExitOK, "bad_request", "", true},
		{"empty --json", []string{"mock-connector", "validate_credentials", "--json", ""}, cli.ExitOK, "bad_request", "", true},

		// Usage errors: exit 2, usage on stderr, nothing on stdout.
		{"unknown capability", []string{"lumos", "mock", "no_such_capability", "--json", validJSON}, cli.ExitUsage, "", "no_such_capability", false},
		{"unknown capability busybox", []string{"mock-connector", "list_users", "--json", validJSON}, cli.ExitUsage, "", "list_users", false},
		{"unknown connector", []string{"lumos", "nosuch", "validate_credentials", "--json", validJSON}, cli.ExitUsage, "", "nosuch", false},
		{"unknown flag", []string{"lumos", "mock", "validate_credentials", "--json", validJSON, "--bogus"}, cli.ExitUsage, "", "--bogus", false},
		{"unknown flag busybox", []string{"mock-connector", "--bogus", "validate_credentials", "--json", validJSON}, cli.ExitUsage, "", "--bogus", false},
		{"unknown root flag", []string{"lumos", "--bogus"}, cli.ExitUsage, "", "--bogus", false},
		{"missing --json", []string{"lumos", "mock", "validate_credentials"}, cli.ExitUsage, "", "--json", false},
		{"missing --json busybox", []string{"mock-connector", "list_accounts", "--result-file-path", filepath.Join(dir, "out.gz")}, cli.ExitUsage, "", "--json", false},
		{"--json and --json-file", []string{"mock-connector", "validate_credentials", "--json", validJSON, "--json-file", missing}, cli.ExitUsage, "", "can't be used together", false},
		{"--json without value", []string{"mock-connector", "validate_credentials", "--json"}, cli.ExitUsage, "", "--json", false},
		{"info --json", []string{"lumos", "mock", "info", "--json", "{}"}, cli.ExitUsage, "", "--json", false},
		{"info --json busybox", []string{"mock-connector", "info", "--json", "{}"}, cli.ExitUsage, "", "--json", false},
		{"info extra argument", []string{"mock-connector", "info", "extra"}, cli.ExitUsage, "", "extra", false},
		{"connectors without command", []string{"lumos", "connectors"}, cli.ExitUsage, "", "list", false},

		// Fatal errors: exit 1, nothing on stdout.
		{"no command", []string{"lumos"}, cli.ExitFatal, "", "No command passed in", false},
		{"no capability", []string{"lumos", "mock"}, cli.ExitFatal, "", "No command passed in", false},
		{"no capability busybox", []string{"mock-connector"}, cli.ExitFatal, "", "No command passed in", false},
		{"no args at all", nil, cli.ExitFatal, "", "No command passed in", false},
		{"result file not .gz", []string{"lumos", "mock", "validate_credentials", "--json", validJSON, "--result-file-path", filepath.Join(dir, "out.txt")}, cli.ExitFatal, "", ".gz", false},
		{"info result file not .gz", []string{"mock-connector", "info", "--result-file-path", filepath.Join(dir, "out.json")}, cli.ExitFatal, "", ".gz", false},
		{"result file in missing folder", []string{"mock-connector", "validate_credentials", "--json", validJSON, "--result-file-path", filepath.Join(dir, "no", "out.gz")}, cli.ExitFatal, "", "result-file-path", false},
		{"--json-file missing", []string{"mock-connector", "validate_credentials", "--json-file", missing}, cli.ExitFatal, "", "missing.json", false},
		{"--json-file is a folder", []string{"mock-connector", "validate_credentials", "--json-file", dir}, cli.ExitFatal, "", "--json-file", false},
		{"--json-file empty name", []string{"mock-connector", "validate_credentials", "--json-file", ""}, cli.ExitFatal, "", "--json-file", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.code, tt.code)
			assertStdoutClean(is, r.stdout)
			if tt.stderrNone {
				is.Equal(r.stderr, "")
			}
			is.True(strings.Contains(r.stderr, tt.stderrHas)) // stderr explains
			for _, name := range []string{"out.txt", "out.json", "out.gz"} {
				_, err := os.Stat(filepath.Join(dir, name))
				is.True(os.IsNotExist(err)) // no result file is written on a usage or fatal error
			}
			if tt.errorCode == "" {
				is.Equal(r.stdout, "") // nothing on stdout
				return
			}
			var env errorEnvelope
			is.NoErr(json.Unmarshal([]byte(r.stdout), &env))
			is.True(env.IsError)
			is.Equal(env.Error.ErrorCode, tt.errorCode)
			is.Equal(env.Error.AppID, "mock")
			is.True(env.Error.Message != "")
		})
	}
}

func TestHelp(t *testing.T) {
	t.Parallel()
	var capabilities []string
	for _, c := range mockIntegration(t).Capabilities() {
		capabilities = append(capabilities, string(c))
	}
	connectorHelp := append([]string{"info", "Capabilities:"}, capabilities...)
	tests := []struct {
		name string
		args []string
		has  []string
	}{
		{"root", []string{"lumos", "--help"}, []string{"Usage: lumos", "mock", "connectors", "--version"}},
		{"root short", []string{"lumos", "-h"}, []string{"Usage: lumos", "mock"}},
		{"connector", []string{"lumos", "mock", "--help"}, append([]string{"Usage: lumos mock"}, connectorHelp...)},
		{"busybox root", []string{"mock-connector", "--help"}, append([]string{"Usage: mock-connector", "--version"}, connectorHelp...)},
		{"capability", []string{"lumos", "mock", "validate_credentials", "--help"}, []string{"Usage: lumos mock validate_credentials", "--json", "--json-file", "--result-file-path"}},
		{"busybox capability", []string{"mock-connector", "list_accounts", "--help"}, []string{"Usage: mock-connector list_accounts", "--json"}},
		{"help wins over a missing --json", []string{"mock-connector", "list_accounts", "-h"}, []string{"list_accounts"}},
		{"info", []string{"mock-connector", "info", "--help"}, []string{"Usage: mock-connector info", "--result-file-path"}},
		{"connectors", []string{"lumos", "connectors", "--help"}, []string{"list", "link"}},
		{"connectors link", []string{"lumos", "connectors", "link", "--help"}, []string{"--force"}},
		{"help command", []string{"lumos", "help"}, []string{"Usage: lumos", "mock", "completion"}},
		{"help command for a connector", []string{"lumos", "help", "mock"}, append([]string{"Usage: lumos mock"}, connectorHelp...)},
		{"help command after the connector", []string{"lumos", "mock", "help", "list_accounts"}, []string{"Usage: lumos mock list_accounts"}},
		{"capability teaches a request", []string{"lumos", "mock", "list_accounts", "--help"}, []string{
			`"auth": {`, `"basic": {`, `"password": "<password>"`, `"host": "<host>"`, `"size": 100`,
			"LUMOS_MOCK_HOST", "LUMOS_MOCK_USERNAME", "LUMOS_MOCK_PASSWORD", "auth.basic.username", "custom_attributes"}},
		{"credentials list teaches ids and kinds", []string{"lumos", "help", "mock", "validate_credential_config"}, []string{"Credentials"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stderr, "") // help asked for goes to stdout
			for _, s := range tt.has {
				if !strings.Contains(r.stdout, s) {
					t.Fatalf("help lacks %q:\n%s", s, r.stdout)
				}
			}
		})
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	in := mockIntegration(t)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"lumos", []string{"lumos", "--version"}, "lumos " + cli.Version() + "\n"},
		{"lumos under a connector", []string{"lumos", "mock", "--version"}, "lumos " + cli.Version() + "\n"},
		{"busybox", []string{"mock-connector", "--version"}, "mock " + in.Version() + " (lumos " + cli.Version() + ")\n"},
		{"busybox after a capability", []string{"mock-connector", "list_accounts", "--version"}, "mock " + in.Version() + " (lumos " + cli.Version() + ")\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stdout, tt.want)
			is.Equal(r.stderr, "")
		})
	}
	is := is.New(t)
	is.True(cli.Version() != "") // Version always names something
}

func TestJSONFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "request.json")
	is := is.New(t)
	is.NoErr(os.WriteFile(path, []byte(validJSON+"\n"), 0o644))
	spaced := filepath.Join(dir, "with space.json")
	is.NoErr(os.WriteFile(spaced, []byte(validJSON), 0o644))

	tests := []struct {
		name  string
		file  string
		stdin string
	}{
		{"path", path, ""},
		{"double-quoted path", `"` + path + `"`, ""},
		{"single-quoted path", `'` + path + `'`, ""},
		{"path with a space", spaced, ""},
		{"quoted path with a space", `'` + spaced + `'`, ""},
		{"stdin", "-", validJSON},
		{"quoted stdin", `"-"`, validJSON},
	}
	for _, tt := range tests {
		for _, form := range []string{"separate", "equals"} {
			t.Run(tt.name+"/"+form, func(t *testing.T) {
				t.Parallel()
				is := is.New(t)
				args := []string{"mock-connector", "validate_credentials", "--json-file", tt.file}
				if form == "equals" {
					args = []string{"lumos", "mock", "validate_credentials", "--json-file=" + tt.file}
				}
				r := run(tt.stdin, args...)
				is.Equal(r.stderr, "")
				is.Equal(r.code, cli.ExitOK)
				is.Equal(r.stdout, validOut)
			})
		}
	}

	t.Run("empty stdin is a handled error", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "mock-connector", "validate_credentials", "--json-file", "-")
		is.Equal(r.code, cli.ExitOK)
		var env errorEnvelope
		is.NoErr(json.Unmarshal([]byte(assertOneDocument(is, r.stdout)), &env))
		is.True(env.IsError)
		is.Equal(env.Error.ErrorCode, "bad_request")
	})

	t.Run("oversized request is a handled error", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		// An endless stdin: the command must stop reading past the limit.
		var stdout, stderr bytes.Buffer
		code := cli.Run([]string{"mock-connector", "list_accounts", "--json-file", "-"}, endless{}, &stdout, &stderr)
		is.Equal(code, cli.ExitOK)
		var env errorEnvelope
		is.NoErr(json.Unmarshal([]byte(assertOneDocument(is, stdout.String())), &env))
		is.Equal(env.Error.ErrorCode, "bad_request")
		is.True(strings.Contains(env.Error.Message, "limit")) // names the size limit
	})
}

// endless is a reader that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

func TestInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
	}{
		{"lumos mock info", []string{"lumos", "mock", "info"}},
		{"mock-connector info", []string{"mock-connector", "info"}},
		{"info with --use-proxy", []string{"mock-connector", "info", "--use-proxy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", tt.args...)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stderr, "")
			doc := assertOneDocument(is, r.stdout)
			assertInfoDocument(t, doc)
		})
	}
}

// assertInfoDocument checks the shape and formatting of an info document.
func assertInfoDocument(t *testing.T, doc string) map[string]any {
	t.Helper()
	is := is.New(t)
	is.True(strings.HasPrefix(doc, `{"execution_summary": null, "page": null, "raw_data": null, "response": {`))
	v, err := decodeStrictly(doc)
	is.NoErr(err)
	top, ok := v.(map[string]any)
	is.True(ok) // info is a JSON object
	is.Equal(len(top), 4)
	for _, k := range []string{"execution_summary", "page", "raw_data", "response"} {
		_, ok := top[k]
		is.True(ok) // every top-level key of the envelope is there
	}
	for _, r := range doc {
		is.True(r >= ' ' && r <= '~') // ASCII only, as json.dumps(ensure_ascii=True); exact bytes: TestMockInfoGolden
	}
	resp, ok := top["response"].(map[string]any)
	is.True(ok) // response is an object
	is.Equal(resp["app_id"], "mock")
	return resp
}

func TestResultFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	listJSON := `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h","tenant_size":3}}`
	tests := []struct {
		name  string
		args  []string // without --result-file-path
		quote string   // wraps the result path
		stale bool     // a longer file is there already and must be truncated
	}{
		{"validate_credentials", []string{"mock-connector", "validate_credentials", "--json", validJSON}, "", false},
		{"list_accounts", []string{"lumos", "mock", "list_accounts", "--json", listJSON}, "", false},
		{"handled error", []string{"mock-connector", "list_accounts", "--json", "{}"}, "", false},
		{"info", []string{"lumos", "mock", "info"}, "", false},
		{"info busybox", []string{"mock-connector", "info"}, "", true},
		{"double-quoted path", []string{"mock-connector", "validate_credentials", "--json", validJSON}, `"`, false},
		{"single-quoted path", []string{"mock-connector", "info"}, `'`, false},
		{"truncates", []string{"mock-connector", "validate_credentials", "--json", validJSON}, "", true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			want := run("", tt.args...)
			is.Equal(want.code, cli.ExitOK)
			wantDoc := assertOneDocument(is, want.stdout)

			path := filepath.Join(dir, fmt.Sprintf("out-%d.json.gz", i))
			if tt.stale {
				is.NoErr(os.WriteFile(path, []byte(strings.Repeat("stale ", 100_000)), 0o600))
			}
			r := run("", append(tt.args, "--result-file-path", tt.quote+path+tt.quote)...)
			is.Equal(r.code, cli.ExitOK)
			is.Equal(r.stdout, "") // the result goes to the file only
			is.Equal(r.stderr, "")
			is.Equal(gunzipFile(t, path), wantDoc)
		})
	}
}

func TestConnectorsList(t *testing.T) {
	t.Parallel()
	in := mockIntegration(t)

	t.Run("table", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "connectors", "list")
		is.Equal(r.code, cli.ExitOK)
		is.Equal(r.stderr, "")
		lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
		is.True(len(lines) >= 2)                          // a header and a row per connector
		is.True(strings.HasPrefix(lines[0], "APP ID"))    // header first
		is.True(strings.Contains(r.stdout, "\nmock "))    // a row for mock
		is.True(strings.Contains(r.stdout, in.Version())) // with its version
		is.True(strings.HasSuffix(r.stdout, "Mock\n"))    // and its name
	})

	t.Run("json", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "connectors", "list", "--json")
		is.Equal(r.code, cli.ExitOK)
		is.Equal(r.stderr, "")
		doc := assertOneDocument(is, r.stdout)
		var list []struct {
			AppID            string   `json:"app_id"`
			Version          string   `json:"version"`
			UserFriendlyName string   `json:"user_friendly_name"`
			Description      string   `json:"description"`
			Capabilities     []string `json:"capabilities"`
		}
		is.NoErr(json.Unmarshal([]byte(doc), &list))
		found := false
		for _, c := range list {
			if c.AppID != "mock" {
				continue
			}
			found = true
			is.Equal(c.Version, in.Version())
			is.Equal(c.UserFriendlyName, "Mock")
			is.True(c.Description != "")
			is.True(len(c.Capabilities) > 0)
			for i := 1; i < len(c.Capabilities); i++ {
				is.True(c.Capabilities[i-1] < c.Capabilities[i]) // capabilities are sorted and distinct
			}
			var want []string
			for _, n := range in.Capabilities() {
				want = append(want, string(n))
			}
			is.Equal(c.Capabilities, want)
		}
		is.True(found) // mock is listed
	})
}

func TestConnectorsLink(t *testing.T) {
	t.Parallel()
	is := is.New(t)

	dir := t.TempDir()
	link := filepath.Join(dir, "mock-connector")
	r := run("", "lumos", "connectors", "link", dir)
	is.Equal(r.stderr, "")
	is.Equal(r.code, cli.ExitOK)
	is.True(strings.Contains(r.stdout, link+"\n")) // prints the link made
	assertLinked(t, link)

	r = run("", "lumos", "connectors", "link", dir)
	is.Equal(r.code, cli.ExitFatal) // an existing link is kept without --force
	is.True(strings.Contains(r.stderr, "--force"))
	assertLinked(t, link)

	r = run("", "lumos", "connectors", "link", "--force", dir)
	is.Equal(r.stderr, "")
	is.Equal(r.code, cli.ExitOK)
	assertLinked(t, link)

	// A dangling symlink is replaced with --force.
	is.NoErr(os.Remove(link))
	symlink(t, filepath.Join(dir, "gone"), link)
	r = run("", "lumos", "connectors", "link", dir, "--force")
	is.Equal(r.code, cli.ExitOK)
	assertLinked(t, link)

	tests := []struct {
		name  string
		setup func(t *testing.T) string // returns the folder to link into
		args  []string
	}{
		{"regular file", withFile, nil},
		{"regular file with --force", withFile, []string{"--force"}},
		{"folder named mock-connector with --force", func(t *testing.T) string {
			dir := t.TempDir()
			is.New(t).NoErr(os.Mkdir(filepath.Join(dir, "mock-connector"), 0o755))
			return dir
		}, []string{"--force"}},
		{"missing folder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing") }, nil},
		{"not a folder", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "file")
			writeDummy(t, p)
			return p
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			dir := tt.setup(t)
			before := snapshot(t, filepath.Join(dir, "mock-connector"))
			r := run("", append([]string{"lumos", "connectors", "link", dir}, tt.args...)...)
			is.Equal(r.code, cli.ExitFatal)
			is.Equal(r.stdout, "")
			is.True(r.stderr != "")
			is.Equal(snapshot(t, filepath.Join(dir, "mock-connector")), before) // nothing was replaced
		})
	}

	t.Run("missing folder argument", func(t *testing.T) {
		t.Parallel()
		is := is.New(t)
		r := run("", "lumos", "connectors", "link")
		is.Equal(r.code, cli.ExitUsage)
		is.Equal(r.stdout, "")
	})
}

// assertLinked checks that link is a symlink to an existing absolute path.
func assertLinked(t *testing.T, link string) {
	t.Helper()
	is := is.New(t)
	st, err := os.Lstat(link)
	is.NoErr(err)
	is.True(st.Mode()&os.ModeSymlink != 0) // mock-connector is a symlink
	target, err := os.Readlink(link)
	is.NoErr(err)
	is.True(filepath.IsAbs(target)) // to an absolute path
	_, err = os.Stat(target)
	is.NoErr(err) // that exists
}

// withFile makes a folder holding a regular file named mock-connector.
func withFile(t *testing.T) string {
	dir := t.TempDir()
	is.New(t).NoErr(os.WriteFile(filepath.Join(dir, "mock-connector"), []byte("keep me"), 0o755))
	return dir
}

// snapshot describes what is at path: its kind and, for a file, its content.
func snapshot(t *testing.T, path string) string {
	t.Helper()
	st, err := os.Lstat(path)
	switch {
	case os.IsNotExist(err):
		return "absent"
	case err != nil:
		return "unreadable: " + err.Error()
	case st.Mode()&os.ModeSymlink != 0:
		target, _ := os.Readlink(path)
		return "symlink to " + target
	case st.IsDir():
		return "folder"
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return "file: " + string(b)
}

func mockIntegration(t *testing.T) *toolkit.Integration {
	t.Helper()
	in, ok := toolkit.Lookup("mock")
	if !ok {
		t.Fatal("the mock connector is not registered")
	}
	return in
}

func writeDummy(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, []byte("#!/bin/false\n"), 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatalf("cannot create a symlink: %v", err)
	}
}
