package serve_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/internal/serve"
	"github.com/lumosgo/lumos/toolkit"
)

// TestEnvelopeBytesMatchCLI runs each request through the command line
// in-process and through the server: the bodies are the same bytes.
func TestEnvelopeBytesMatchCLI(t *testing.T) {
	url, _ := newServer(t, serve.Config{})
	// A page token minted by a first call, to resume a listing.
	first := do(t, http.MethodPost, url+"/connectors/mock/list_accounts", `{`+mockAuth+`,"request":{},"page":{"size":3}}`)
	var page struct {
		Page struct{ Token string } `json:"page"`
	}
	if err := json.Unmarshal([]byte(first.body), &page); err != nil || page.Page.Token == "" {
		t.Fatalf("no page token in %s", first.body)
	}
	cases := []struct {
		name, connector, capability, body string
	}{
		{"validate", "mock", "validate_credentials", `{` + mockAuth + `,"request":{}}`},
		{"first page", "mock", "list_accounts", `{` + mockAuth + `,"request":{},"page":{"size":3}}`},
		{"next page", "mock", "list_accounts", `{` + mockAuth + `,"request":{},"page":{"size":3,"token":"` + page.Page.Token + `"}}`},
		{"raw data", "mock", "list_entitlements", `{` + mockAuth + `,"request":{},"include_raw_data":true,"page":{"size":2}}`},
		{"app_info", "mock", "app_info", `{"request":{}}`},
		{"missing auth", "mock", "validate_credentials", `{"request":{},"settings":{"host":"x"}}`},
		{"secret echoed in a bad request", "mock", "list_accounts", `{"auth":{"basic":{"username":"u","password":"hunter2-s3cret"}},"settings":{"host":"x"},"request":{"nope":1}}`},
		{"not JSON", "mock", "validate_credentials", `{"auth":`},
		{"empty body", "mock", "validate_credentials", ``},
		{"bad page token", "mock", "list_accounts", `{` + mockAuth + `,"request":{},"page":{"token":"garbage"}}`},
		{"github without settings", "github", "validate_credentials", `{"credentials":[{"id":"token","token":{"token":"t0k3n-secret"}}],"request":{}}`},
		{"scim bad settings", "scim", "list_accounts", `{"auth":{"token":{"token":"abc-secret"}},"settings":{"base_url":7},"request":{}}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			want, code := cliRun(t, tc.connector, tc.capability, "--json", tc.body)
			is.Equal(code, 0)
			got := do(t, http.MethodPost, url+"/connectors/"+tc.connector+"/"+tc.capability, tc.body)
			is.Equal(got.status, http.StatusOK) // every capability result is a 200, error envelopes included
			is.Equal(got.header.Get("Content-Type"), "application/json")
			is.Equal(got.body, want) // the CLI's bytes
			assertEnvelope(is, got.body)
			is.True(!strings.Contains(got.body, "hunter2-s3cret")) // secrets masked as the CLI masks them
		})
	}
}

// TestUnknownCapability answers the protocol's not_implemented envelope,
// the toolkit dispatch's own answer for a capability the connector lacks.
func TestUnknownCapability(t *testing.T) {
	is := is.New(t)
	url, _ := newServer(t, serve.Config{})
	in, _ := toolkit.Lookup("github")
	body := `{"credentials":[{"id":"token","token":{"token":"t"}}],"request":{}}`
	got := do(t, http.MethodPost, url+"/connectors/github/list_expenses", body)
	is.Equal(got.status, http.StatusOK)
	is.Equal(got.body, string(in.Dispatch(context.Background(), "list_expenses", []byte(body)))+"\n")
	is.True(strings.Contains(got.body, `"error_code":"not_implemented"`))
}

// TestRoutes checks every route of `lumos serve` but the capability calls.
func TestRoutes(t *testing.T) {
	url, _ := newServer(t, serve.Config{Version: "test"})
	info, _ := cliRun(t, "mock", "info")
	cases := []struct {
		name, method, path string
		status             int
		body               string // the whole body, when not empty
		contains           string // a part of the body, when not empty
		allow              string
	}{
		{"list", "GET", "/connectors", 200, string(cliList(t)), "", ""},
		{"info", "GET", "/connectors/mock/info", 200, info, "", ""},
		{"info by POST, as the CLI's info command", "POST", "/connectors/mock/info", 200, info, "", ""},
		{"app schema", "GET", "/connectors/mock/openapi.json", 200, "", `"url": "/connectors/mock"`, ""},
		{"spec json", "GET", "/openapi.json", 200, "", `"/connectors/{connector_id}/list_accounts"`, ""},
		{"spec yaml", "GET", "/openapi.yaml", 200, "", "/connectors/{connector_id}/list_accounts:", ""},
		{"healthz", "GET", "/healthz", 200, "ok\n", "", ""},
		{"readyz (not serving through Serve)", "GET", "/readyz", 503, `{"detail":"not ready"}`, "", ""},
		{"metrics", "GET", "/metrics", 200, "", "lumos_serve_http_requests_total", ""},
		{"docs", "GET", "/docs", 200, "", "swagger-ui", ""},
		{"docs asset", "GET", "/docs/swagger-ui-bundle.js", 200, "", "SwaggerUIBundle", ""},
		{"unknown connector", "POST", "/connectors/nope/list_accounts", 404, `{"detail":"Not Found"}`, "", ""},
		{"unknown route", "GET", "/nope", 404, `{"detail":"Not Found"}`, "", ""},
		{"root", "GET", "/", 404, `{"detail":"Not Found"}`, "", ""},
		{"connector alone", "GET", "/connectors/mock", 404, `{"detail":"Not Found"}`, "", ""},
		{"too deep", "POST", "/connectors/mock/list_accounts/x", 404, `{"detail":"Not Found"}`, "", ""},
		{"capability name with odd bytes", "POST", "/connectors/mock/List.Accounts", 404, `{"detail":"Not Found"}`, "", ""},
		{"GET a capability", "GET", "/connectors/mock/list_accounts", 405, `{"detail":"Method Not Allowed"}`, "", "POST"},
		{"POST the list", "POST", "/connectors", 405, `{"detail":"Method Not Allowed"}`, "", "GET"},
		{"DELETE info", "DELETE", "/connectors/mock/info", 405, `{"detail":"Method Not Allowed"}`, "", "GET, POST"},
		{"PUT healthz", "PUT", "/healthz", 405, `{"detail":"Method Not Allowed"}`, "", "GET"},
		{"POST openapi", "POST", "/openapi.json", 405, `{"detail":"Method Not Allowed"}`, "", "GET"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got := do(t, tc.method, url+tc.path, "")
			is.Equal(got.status, tc.status)
			if tc.body != "" {
				is.Equal(got.body, tc.body)
			}
			if tc.contains != "" {
				is.True(strings.Contains(got.body, tc.contains)) // the body says what the route serves
			}
			is.Equal(got.header.Get("Allow"), tc.allow)
		})
	}
}

// TestSingleConnectorForm checks the reference server's routes.
func TestSingleConnectorForm(t *testing.T) {
	mock, _ := toolkit.Lookup("mock")
	url, _ := newServer(t, serve.Config{Single: mock})
	valid, _ := cliRun(t, "mock", "validate_credentials", "--json", `{`+mockAuth+`,"request":{}}`)
	cases := []struct {
		name, method, path, body string
		status                   int
		want, contains           string
	}{
		{"capability", "POST", "/validate_credentials", `{` + mockAuth + `,"request":{}}`, 200, valid, ""},
		{"hyphens", "POST", "/validate-credentials", `{` + mockAuth + `,"request":{}}`, 200, valid, ""},
		{"unknown capability", "POST", "/list_nothing", `{}`, 200, "", `"error_code":"not_implemented"`},
		{"openapi is app_info's document", "GET", "/openapi.json", "", 200, "", `"/list_accounts"`},
		{"docs", "GET", "/docs", "", 200, "", "swagger-ui"},
		{"wrong method", "GET", "/validate_credentials", "", 405, `{"detail":"Method Not Allowed"}`, ""},
		{"unknown route", "GET", "/a/b", "", 404, `{"detail":"Not Found"}`, ""},
		{"no /connectors routes", "POST", "/connectors/mock/validate_credentials", `{}`, 404, `{"detail":"Not Found"}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			got := do(t, tc.method, url+tc.path, tc.body)
			is.Equal(got.status, tc.status)
			if tc.want != "" {
				is.Equal(got.body, tc.want)
			}
			if tc.contains != "" {
				is.True(strings.Contains(got.body, tc.contains)) // the body says what the route serves
			}
		})
	}
}

// blocking is a connector whose validate_credentials waits until its
// context ends or release is closed.
func blocking(release <-chan struct{}, started chan<- struct{}) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "blocker", Version: "1.0.0", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapValidateCredentials,
		func(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
			if started != nil {
				started <- struct{}{}
			}
			select {
			case <-ctx.Done():
				return toolkit.ValidateCredentialsResponse{}, ctx.Err()
			case <-release:
			}
			return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "t"}}, nil
		})
	return in
}

const blockerBody = `{"auth":{"token":{"token":"t"}},"request":{}}`

// TestConcurrencyLimit answers 503 with Retry-After once every slot is
// taken, and serves again once a slot is free.
func TestConcurrencyLimit(t *testing.T) {
	is := is.New(t)
	release, started := make(chan struct{}), make(chan struct{}, 1)
	url, _ := newServer(t, serve.Config{Connectors: []*toolkit.Integration{blocking(release, started)}, MaxInFlight: 1, RetryAfter: 2 * time.Second})
	first := make(chan reply, 1)
	go func() { first <- do(t, "POST", url+"/connectors/blocker/validate_credentials", blockerBody) }()
	<-started
	busy := do(t, "POST", url+"/connectors/blocker/validate_credentials", blockerBody)
	is.Equal(busy.status, http.StatusServiceUnavailable)
	is.Equal(busy.header.Get("Retry-After"), "2")
	is.Equal(busy.body, `{"detail":"Too many calls in flight; retry later"}`)
	close(release)
	is.Equal((<-first).status, http.StatusOK)
	again := do(t, "POST", url+"/connectors/blocker/validate_credentials", blockerBody)
	is.Equal(again.status, http.StatusOK)
	is.True(strings.Contains(again.body, `"valid":true`))
}

// TestCallDeadline: a call past the server's deadline is answered with an
// error envelope (200) naming the deadline.
func TestCallDeadline(t *testing.T) {
	is := is.New(t)
	url, _ := newServer(t, serve.Config{Connectors: []*toolkit.Integration{blocking(make(chan struct{}), nil)}, CallTimeout: 200 * time.Millisecond})
	start := time.Now()
	got := do(t, "POST", url+"/connectors/blocker/validate_credentials", blockerBody)
	is.Equal(got.status, http.StatusOK)
	env := assertEnvelope(is, got.body)
	is.Equal(env["is_error"], true)
	is.True(time.Since(start) < 5*time.Second) // the deadline, not the client, ended the call
}

// TestMetrics: calls are counted by connector, capability and outcome,
// upstream requests by connector, and unknown capabilities under one label.
func TestMetrics(t *testing.T) {
	is := is.New(t)
	f := slowGitHub(t, 0)
	url, _ := newServer(t, serve.Config{})
	do(t, "POST", url+"/connectors/mock/validate_credentials", `{`+mockAuth+`,"request":{}}`)
	do(t, "POST", url+"/connectors/mock/validate_credentials", `{"request":{}}`)
	do(t, "POST", url+"/connectors/mock/no_such_capability", `{}`)
	do(t, "POST", url+"/connectors/mock/another_one", `{}`)
	got := do(t, "POST", url+"/connectors/github/list_accounts", githubBody(f, ""))
	is.True(strings.HasPrefix(got.body, `{"response":[`)) // the GitHub call succeeded
	m := do(t, "GET", url+"/metrics", "").body
	for _, want := range []string{
		`lumos_serve_calls_total{capability="validate_credentials",connector="mock",outcome="ok"} 1`,
		`lumos_serve_calls_total{capability="validate_credentials",connector="mock",outcome="bad_request"} 1`,
		`lumos_serve_calls_total{capability="unknown",connector="mock",outcome="not_implemented"} 2`,
		`lumos_serve_calls_total{capability="list_accounts",connector="github",outcome="ok"} 1`,
		`lumos_serve_call_duration_seconds_count{capability="list_accounts",connector="github"} 1`,
		`lumos_serve_calls_in_flight 0`,
		`lumos_serve_http_requests_total{code="200"} 5`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	is.True(strings.Contains(m, `lumos_serve_upstream_requests_total{connector="github"}`)) // upstream requests counted
	is.True(!strings.Contains(m, `no_such_capability`))                                     // no label from a client's typo
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestAccessLog: one JSON record per request with what was called and how
// it went, and nothing of the headers or the body.
func TestAccessLog(t *testing.T) {
	is := is.New(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "token")
	is.NoErr(os.WriteFile(file, []byte("tok-3x4mpl3-s3cret"), 0o600))
	var logs, callLogs syncBuffer
	url, _ := newServer(t, serve.Config{TokenFile: file, Connectors: toolkit.Integrations(),
		AccessLog: slog.New(slog.NewJSONHandler(&logs, nil)), Log: slog.New(slog.NewJSONHandler(&callLogs, nil))})
	body := `{"auth":{"basic":{"username":"u","password":"pa55-w0rd-s3cret"}},"settings":{"host":"h"},"request":{"nope":1}}`
	got := do(t, "POST", url+"/connectors/mock/list_accounts", body, "Authorization", "Bearer tok-3x4mpl3-s3cret")
	is.Equal(got.status, 200)
	do(t, "GET", url+"/connectors", "", "Authorization", "Bearer wrong-guess-s3cret")
	lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
	is.Equal(len(lines), 2) // one record per request
	var rec map[string]any
	is.NoErr(json.Unmarshal([]byte(lines[0]), &rec))
	is.Equal(rec["connector"], "mock")
	is.Equal(rec["capability"], "list_accounts")
	is.Equal(rec["status"], float64(200))
	is.Equal(rec["bytes"], float64(len(got.body)))
	_, timed := rec["duration_ms"].(float64)
	is.True(timed) // the duration is logged
	is.NoErr(json.Unmarshal([]byte(lines[1]), &rec))
	is.Equal(rec["status"], float64(401))
	all := logs.String() + callLogs.String()
	for _, secret := range []string{"tok-3x4mpl3", "wrong-guess", "pa55-w0rd", `"nope"`} {
		is.True(!strings.Contains(all, secret)) // no header, token or body in any log
	}
}
