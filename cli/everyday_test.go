package cli_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
)

// listReq asks the mock for a tenant of n accounts, 2 a page.
func listReq(n int) string {
	return `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h","tenant_size":` + strconv.Itoa(n) + `},"page":{"size":2}}`
}

func TestOutputFormats(t *testing.T) {
	t.Parallel()
	page := run("", "lumos", "mock", "list_accounts", "--json", listReq(5))
	var env struct {
		Response []map[string]any `json:"response"`
	}
	if err := json.Unmarshal([]byte(page.stdout), &env); err != nil || len(env.Response) != 2 {
		t.Fatalf("the mock's first page: %v\n%s", err, page.stdout)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout func(*is.I, string)
		stderr string // a part of stderr, or "" for none at all
	}{
		{"compact by default off a terminal", []string{"validate_credentials", "--json", validJSON}, 0,
			func(is *is.I, out string) { is.Equal(out, validOut) }, ""},
		{"--compact is the same bytes", []string{"validate_credentials", "--json", validJSON, "--compact"}, 0,
			func(is *is.I, out string) { is.Equal(out, validOut) }, ""},
		{"--pretty indents the same document", []string{"validate_credentials", "--json", validJSON, "--pretty"}, 0,
			func(is *is.I, out string) {
				is.True(strings.HasPrefix(out, "{\n  \"response\": {\n    \"valid\": true,"))
				var a, b any
				is.NoErr(json.Unmarshal([]byte(out), &a))
				is.NoErr(json.Unmarshal([]byte(validOut), &b))
				is.Equal(a, b)
			}, ""},
		{"-o ndjson prints one item a line", []string{"list_accounts", "--json", listReq(5), "-o", "ndjson"}, 0,
			func(is *is.I, out string) {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				is.Equal(len(lines), 2)
				var item map[string]any
				is.NoErr(json.Unmarshal([]byte(lines[1]), &item))
				is.Equal(item, env.Response[1])
			}, ""},
		{"-o csv has a header and a record an item", []string{"list_accounts", "--json", listReq(5), "-o", "csv"}, 0,
			func(is *is.I, out string) {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				is.Equal(len(lines), 3)
				is.True(strings.HasPrefix(lines[0], "integration_specific_id,email,"))
				is.True(strings.HasPrefix(lines[1], "user-0,"+env.Response[0]["email"].(string)+","))
			}, ""},
		{"-o table aligns columns", []string{"list_accounts", "--json", listReq(5), "-o", "table"}, 0,
			func(is *is.I, out string) {
				lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
				is.Equal(len(lines), 3)
				is.True(strings.HasPrefix(lines[0], "INTEGRATION_SPECIFIC_ID  EMAIL"))
				is.Equal(strings.Index(lines[0], "EMAIL"), strings.Index(lines[1], env.Response[0]["email"].(string)))
			}, ""},
		{"-o table on a non-list prints the document", []string{"validate_credentials", "--json", validJSON, "-o", "table"}, 0,
			func(is *is.I, out string) { is.Equal(out, validOut) }, "not a list"},
		{"-o table on an error prints the envelope", []string{"list_accounts", "--json", "{}", "-o", "table"}, 0,
			func(is *is.I, out string) { is.True(strings.HasPrefix(out, `{"is_error":true,`)) }, ""},
		{"an error envelope exits 0", []string{"list_accounts", "--json", "{}"}, 0,
			func(is *is.I, out string) { is.True(strings.HasPrefix(out, `{"is_error":true,`)) }, ""},
		{"--fail-on-error exits 3 on an error envelope", []string{"list_accounts", "--json", "{}", "--fail-on-error"}, cli.ExitCapabilityError,
			func(is *is.I, out string) { is.True(strings.HasPrefix(out, `{"is_error":true,`)) }, "--fail-on-error"},
		{"--fail-on-error exits 0 on success", []string{"validate_credentials", "--json", validJSON, "--fail-on-error"}, 0,
			func(is *is.I, out string) { is.Equal(out, validOut) }, ""},
		{"--pretty and --compact conflict", []string{"validate_credentials", "--json", validJSON, "--pretty", "--compact"}, cli.ExitUsage,
			func(is *is.I, out string) { is.Equal(out, "") }, "--pretty"},
		{"an unknown -o is a usage error", []string{"list_accounts", "--json", validJSON, "-o", "xml"}, cli.ExitUsage,
			func(is *is.I, out string) { is.Equal(out, "") }, "xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", append([]string{"lumos", "mock"}, tt.args...)...)
			is.Equal(r.code, tt.code)
			tt.stdout(is, r.stdout)
			if tt.stderr == "" {
				is.Equal(r.stderr, "")
			} else {
				is.True(strings.Contains(r.stderr, tt.stderr)) // stderr explains
			}
		})
	}
}

// ndjsonIDs reads the integration_specific_id of every NDJSON line.
func ndjsonIDs(is *is.I, out string) []string {
	is.Helper()
	var ids []string
	for line := range strings.SplitSeq(strings.TrimSuffix(out, "\n"), "\n") {
		if line == "" {
			continue
		}
		var item struct {
			ID string `json:"integration_specific_id"`
		}
		is.NoErr(json.Unmarshal([]byte(line), &item)) // every line is one JSON item
		ids = append(ids, item.ID)
	}
	return ids
}

func TestDrainAll(t *testing.T) {
	t.Parallel()
	// The second page's token, to resume from.
	first := run("", "lumos", "mock", "list_accounts", "--json", listReq(7))
	var env struct {
		Page struct {
			Token string `json:"token"`
		} `json:"page"`
	}
	if err := json.Unmarshal([]byte(first.stdout), &env); err != nil || env.Page.Token == "" {
		t.Fatalf("no page token: %v\n%s", err, first.stdout)
	}
	ids := func(from, to int) []string {
		var out []string
		for i := from; i < to; i++ {
			out = append(out, "user-"+strconv.Itoa(i))
		}
		return out
	}
	tests := []struct {
		name  string
		args  []string
		check func(*is.I, result)
	}{
		{"every item once, in order", []string{"--json", listReq(7)}, func(is *is.I, r result) {
			is.Equal(ndjsonIDs(is, r.stdout), ids(0, 7))
			is.Equal(r.stderr, "") // no progress line off a terminal
		}},
		{"resumes from a token", []string{"--json", listReq(7), "--set", "page.token=" + env.Page.Token}, func(is *is.I, r result) {
			is.Equal(ndjsonIDs(is, r.stdout), ids(2, 7))
		}},
		{"an empty tenant prints nothing", []string{"--json", listReq(0)}, func(is *is.I, r result) {
			is.Equal(r.stdout, "")
		}},
		{"csv with one header", []string{"--json", listReq(5), "-o", "csv"}, func(is *is.I, r result) {
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			is.Equal(len(lines), 6)
			is.True(strings.HasPrefix(lines[0], "integration_specific_id,"))
			is.True(strings.HasPrefix(lines[5], "user-4,"))
		}},
		{"an error on the first page is the envelope", []string{"--json", "{}"}, func(is *is.I, r result) {
			is.True(strings.HasPrefix(r.stdout, `{"is_error":true,`))
			is.Equal(strings.Count(r.stdout, "\n"), 1)
		}},
		{"--all with --result-file-path is refused", []string{"--json", listReq(5), "--result-file-path", "x.gz"}, func(is *is.I, r result) {
			is.Equal(r.code, cli.ExitUsage)
			is.True(strings.Contains(r.stderr, "--all"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			tt.check(is, run("", append([]string{"lumos", "mock", "list_accounts", "--all"}, tt.args...)...))
		})
	}
}

// writeFile writes content to name in a new folder with the given mode.
func writeFile(t *testing.T, name, content string, mode os.FileMode) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

// The request is assembled from the connector's variables, --json, the
// files and --set, later sources winning; tenant_size shows which won.
func TestRequestSources(t *testing.T) {
	dir := lumosBinary(t)
	const secret = "hunter2-file-secret"
	auth := writeFile(t, "auth.json", `{"basic":{"username":"foo","password":"`+secret+`"}}`, 0o600)
	credsArray := writeFile(t, "creds.json", `[{"basic":{"username":"foo","password":"`+secret+`"}}]`, 0o600)
	openAuth := writeFile(t, "open.json", `{"auth":{"basic":{"username":"foo","password":"`+secret+`"}}}`, 0o644)
	settings := writeFile(t, "settings.json", `{"tenant_size":9}`, 0o600)
	link := filepath.Join(t.TempDir(), "link.json")
	if err := os.Symlink(auth, link); err != nil {
		t.Fatal(err)
	}
	envAll := []string{"LUMOS_MOCK_USERNAME=foo", "LUMOS_MOCK_PASSWORD=" + secret, "LUMOS_MOCK_HOST=h", "LUMOS_MOCK_TENANT_SIZE=5"}
	list := []string{"mock", "list_accounts", "--all", "--set", "page.size=3"}
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		items  int    // accounts listed, or -1 when stdout is checked otherwise
		stderr string // a part of stderr, or "" for none at all
	}{
		{"variables alone", envAll, list, 0, 5, ""},
		{"--json over the variables", envAll, append(list, "--json", `{"request":{},"settings":{"tenant_size":7}}`), 0, 7, ""},
		{"--settings-file over --json", envAll, append(list, "--json", `{"request":{},"settings":{"tenant_size":7}}`, "--settings-file", settings), 0, 9, ""},
		{"--set over everything", envAll, append(list, "--settings-file", settings, "--set", "settings.tenant_size=11"), 0, 11, ""},
		{"--auth-file with an auth object", []string{"LUMOS_MOCK_HOST=h"}, append(list, "--auth-file", auth, "--set", "settings.tenant_size=4"), 0, 4, ""},
		{"--auth-file replaces the variables' auth", []string{"LUMOS_MOCK_HOST=h", "LUMOS_MOCK_USERNAME=", "LUMOS_MOCK_PASSWORD="},
			append(list, "--auth-file", auth, "--set", "settings.tenant_size=4"), 0, 4, ""},
		{"a file others can read is used with a warning", []string{"LUMOS_MOCK_HOST=h"}, append(list, "--auth-file", openAuth, "--set", "settings.tenant_size=2"), 0, 2, "chmod 600"},
		{"a credentials array", []string{"LUMOS_MOCK_HOST=h"}, append(list, "--auth-file", credsArray, "--set", "settings.tenant_size=2"), 0, -1, ""},
		{"an --auth-file symlink is refused", nil, append(list, "--auth-file", link), cli.ExitFatal, -1, "symbolic link"},
		{"a missing --auth-file", nil, append(list, "--auth-file", filepath.Join(t.TempDir(), "none.json")), cli.ExitFatal, -1, "--auth-file"},
		{"--set without = does not echo its value", nil, append(list, "--set", secret), cli.ExitUsage, -1, "PATH=VALUE"},
		{"--set outside the document", nil, append(list, "--set", "nothing.x=1"), cli.ExitUsage, -1, "must start with"},
		{"variables of the fast path's call", envAll, []string{"mock-connector", "validate_credentials", "--json", `{"request":{}}`}, 0, -1, ""},
	}
	if err := os.Symlink("lumos", filepath.Join(dir, "mock-connector")); err != nil && !os.IsExist(err) {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			args := tt.args
			bin := "lumos"
			if args[0] == "mock-connector" {
				bin, args = args[0], args[1:]
			}
			cmd := exec.Command(filepath.Join(dir, bin), args...)
			cmd.Env = append(os.Environ(), tt.env...)
			var stdout, stderr strings.Builder
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			r := result{0, stdout.String(), stderr.String()}
			if ee, ok := err.(*exec.ExitError); ok {
				r.code = ee.ExitCode()
			}
			is.Equal(r.code, tt.code)
			if tt.items >= 0 {
				is.Equal(len(ndjsonIDs(is, r.stdout)), tt.items)
			}
			if tt.name == "variables of the fast path's call" {
				is.Equal(r.stdout, validOut)
			}
			if tt.name == "a credentials array" {
				is.True(strings.HasPrefix(r.stdout, `{"is_error":true,`)) // the mock takes auth, not credentials: the pipeline says so
			}
			if tt.stderr == "" {
				is.Equal(r.stderr, "")
			} else {
				is.True(strings.Contains(r.stderr, tt.stderr)) // stderr explains
			}
			is.True(!strings.Contains(r.stdout+r.stderr, secret)) // the secret never shows
		})
	}
}

func TestCompletion(t *testing.T) {
	t.Parallel()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Fatal("bash is needed to run the bash completion script (Debian: apt-get install bash)")
	}
	tests := []struct {
		name  string
		shell string
		check func(*is.I, string)
	}{
		{"bash completes connectors, capabilities and flags", "bash", func(is *is.I, script string) {
			complete := func(words ...string) string {
				prog := script + "\nCOMP_WORDS=(" + strings.Join(words, " ") + ")\nCOMP_CWORD=" + strconv.Itoa(len(words)-1) +
					"\n_lumos\necho \"${COMPREPLY[@]}\"\n"
				out, err := exec.Command(bash, "--norc", "-c", prog).CombinedOutput()
				is.NoErr(err)
				return strings.TrimSpace(string(out))
			}
			is.Equal(complete("lumos", "mo"), "mock")
			is.Equal(complete("lumos", "mock", "list_acc"), "list_accounts")
			is.Equal(complete("lumos", "mock", "list_accounts", "--auth"), "--auth-file")
			is.Equal(complete("lumos", "compl"), "completion")
		}},
		{"zsh defines a completion function", "zsh", func(is *is.I, script string) {
			is.True(strings.HasPrefix(script, "#compdef lumos\n"))
			is.True(strings.Contains(script, "mock) opts=(info schema "))
			is.True(strings.Contains(script, "compdef _lumos lumos\n"))
		}},
		{"fish completes each connector's capabilities", "fish", func(is *is.I, script string) {
			is.True(strings.Contains(script, "__fish_seen_subcommand_from mock' -a 'info schema "))
			is.True(strings.Contains(script, "-l auth-file\n"))
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			r := run("", "lumos", "completion", tt.shell)
			is.Equal(r.code, 0)
			is.Equal(r.stderr, "")
			tt.check(is, r.stdout)
		})
	}
}

// On SIGINT a drain stops with whole lines on stdout and says, on stderr,
// which token resumes it; resuming lists the rest.
func TestDrainInterrupted(t *testing.T) {
	dir := lumosBinary(t)
	is := is.New(t)
	req := `{"auth":{"basic":{"username":"foo","password":"bar"}},"request":{},"settings":{"host":"h","tenant_size":100000},"page":{"size":1}}`
	cmd := exec.Command(filepath.Join(dir, "lumos"), "mock", "list_accounts", "--all", "--json", req)
	stdout, err := cmd.StdoutPipe()
	is.NoErr(err)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	is.NoErr(cmd.Start())
	sc := bufio.NewScanner(stdout)
	var lines []string
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) == 50 {
			is.NoErr(cmd.Process.Signal(syscall.SIGINT))
		}
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	is.True(err != nil)
	if e, ok := err.(*exec.ExitError); ok {
		ee = e
	}
	is.True(ee != nil)
	is.Equal(ee.ExitCode(), 130)
	is.True(len(lines) >= 50)
	for _, l := range lines {
		var v map[string]any
		is.NoErr(json.Unmarshal([]byte(l), &v)) // each line is a whole item
	}
	_, token, ok := strings.Cut(stderr.String(), "--set 'page.token=")
	is.True(ok) // stderr names the token to resume from
	token, _, _ = strings.Cut(token, "'")
	rest := run("", "lumos", "mock", "list_accounts", "--json", req, "--set", "page.token="+token, "--set", "settings.tenant_size="+strconv.Itoa(len(lines)+3), "--all")
	is.Equal(ndjsonIDs(is, rest.stdout), []string{"user-" + strconv.Itoa(len(lines)), "user-" + strconv.Itoa(len(lines)+1), "user-" + strconv.Itoa(len(lines)+2)})
}
