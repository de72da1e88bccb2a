package github_test

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	_ "github.com/lumosgo/lumos/connectors/github" // registers the connector
	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// echoingGitHub is the GitHub fake behind a front that repeats every
// request's Authorization: in each JSON object it answers (echo), or as a
// 401 whose message quotes it (on paths containing failOn). It records the
// credentials it saw.
type echoingGitHub struct {
	how    hostile.Spelling
	echo   bool
	failOn string

	mu   sync.Mutex
	seen []string
}

func (g *echoingGitHub) serve(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		g.mu.Lock()
		g.seen = append(g.seen, auth)
		g.mu.Unlock()
		echoed := hostile.Spell(auth, g.how)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if g.failOn != "" && strings.Contains(r.URL.Path, g.failOn) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"message":"Bad credentials: Authorization: Bearer %s","documentation_url":"https://docs.github.com/rest"}`, echoed)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		body := rec.Body.Bytes()
		if g.echo && bytes.HasPrefix(body, []byte("{")) {
			body = append([]byte(`{"echo":"Bearer `+echoed+`",`), body[1:]...)
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	}
}

func (g *echoingGitHub) credentials() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.seen
}

// With the GitHub App credential, the signed JWT and the installation
// token (ghs_…) never reach stdout, stderr (trace and log) or the log
// file, even when GitHub echoes the Authorization header, in any spelling,
// into raw data or error messages.
func TestAppCredentialsNeverLeak(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	privateKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	tests := []struct {
		name   string
		echo   bool
		failOn string
		code   string // the error code; "" for a success
	}{
		{name: "raw data", echo: true},
		{name: "the installation lookup", failOn: "/installation", code: "unauthorized"},
		{name: "the token creation", failOn: "/access_tokens", code: "unauthorized"},
		{name: "the member listing", failOn: "/members", code: "unauthorized"},
	}
	for _, tt := range tests {
		for _, how := range hostile.Spellings {
			t.Run(tt.name+" "+string(how), func(t *testing.T) {
				is := is.New(t)
				f := githubfake.New(githubfake.Options{NoServer: true})
				f.AddOrg("acme")
				f.AddMember("acme", "boss", "admin")
				f.AddApp(githubfake.App{ID: 4242, PublicKey: &key.PublicKey})
				f.AddInstallation(4242, "acme", map[string]string{"members": "read", "metadata": "read"})
				g := &echoingGitHub{how: how, echo: tt.echo, failOn: tt.failOn}
				srv := httptest.NewServer(g.serve(githubfake.Validating(t, f)))
				defer srv.Close()

				logDir := t.TempDir()
				t.Setenv("LUMOS_LOG_DIRECTORY", logDir)
				t.Setenv("LUMOS_LOG_LEVEL", "DEBUG")
				t.Setenv("LUMOS_TRACE", "1")
				req, err := json.Marshal(map[string]any{
					"credentials":      []any{map[string]any{"id": "app", "key_pair": map[string]any{"key_identifier": "4242", "private_key": privateKey}}},
					"settings":         map[string]any{"org": "acme", "base_url": srv.URL},
					"request":          map[string]any{},
					"include_raw_data": true,
				})
				is.NoErr(err)
				var stdout, stderr bytes.Buffer
				is.Equal(cli.Run([]string{"lumos", "github", "list_accounts", "--json", string(req)}, strings.NewReader(""), &stdout, &stderr), 0)
				var doc struct {
					IsError bool `json:"is_error"`
					Error   struct {
						ErrorCode string `json:"error_code"`
					} `json:"error"`
				}
				is.NoErr(json.Unmarshal(stdout.Bytes(), &doc))
				is.Equal(doc.Error.ErrorCode, tt.code)
				is.True(strings.Contains(stdout.String(), "REDACTED")) // the echo was there, masked
				logs := hostile.ReadFiles(t, logDir)
				is.True(strings.Contains(logs, "REDACTED"))

				var jwts, installationTokens int
				for _, secret := range g.credentials() {
					switch {
					case strings.HasPrefix(secret, "ghs_"):
						installationTokens++
					case strings.Count(secret, ".") == 2:
						jwts++
					}
					for _, form := range []string{secret, hostile.Spell(secret, how), literal(hostile.Spell(secret, how))} {
						is.True(!strings.Contains(stdout.String(), form))
						is.True(!strings.Contains(stderr.String(), form))
						is.True(!strings.Contains(logs, form))
					}
				}
				is.True(jwts > 0)
				is.Equal(installationTokens > 0, tt.failOn == "" || tt.failOn == "/members")
			})
		}
	}
}

// literal is text as the contents of a JSON string.
func literal(text string) string { return hostile.Spell(text, hostile.Literal) }
