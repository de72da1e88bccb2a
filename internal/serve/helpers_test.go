package serve_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	_ "github.com/lumosgo/lumos/connectors" // registers every built-in connector, as the binary does
	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

// mockAuth is the auth and settings of the README's mock example.
const mockAuth = `"auth":{"basic":{"username":"foo","password":"bar"}},"settings":{"host":"google.com"}`

// cliRun runs the lumos command line in-process and returns its stdout
// and exit code.
func cliRun(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := cli.Run(append([]string{"lumos"}, args...), strings.NewReader(""), &stdout, &stderr)
	return stdout.String(), code
}

// cliList is `lumos connectors list --json`.
func cliList(t *testing.T) []byte {
	out, code := cliRun(t, "connectors", "list", "--json")
	if code != 0 {
		t.Fatalf("connectors list --json exited %d", code)
	}
	return []byte(out)
}

// newServer serves cfg (every connector by default) on a loopback
// httptest server and returns its URL.
func newServer(t *testing.T, cfg serve.Config) (string, *serve.Server) {
	t.Helper()
	t.Setenv(cli.EnvLogToStdout, "true") // the in-process CLI runs must not leave ./logs behind
	if cfg.Connectors == nil && cfg.Single == nil {
		cfg.Connectors = toolkit.Integrations()
		cfg.ConnectorList = cliList(t)
	}
	srv, err := serve.New(cfg)
	if err != nil {
		t.Fatalf("serve.New: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL, srv
}

// reply is one HTTP answer.
type reply struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, method, url, body string, header ...string) reply {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	c := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return reply{resp.StatusCode, resp.Header, string(b)}
}

// assertEnvelope checks that body is exactly one JSON document followed by
// one newline.
func assertEnvelope(is *is.I, body string) map[string]any {
	is.Helper()
	is.True(strings.HasSuffix(body, "\n")) // the envelope ends with a newline, as the CLI prints it
	is.Equal(strings.Count(body, "\n"), 1) // one line: one document
	var v map[string]any
	is.NoErr(json.Unmarshal([]byte(body), &v)) // one whole JSON document
	return v
}
