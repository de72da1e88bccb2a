package okta_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// echoingOkta is the fake behind a front that repeats what the connector
// sent: every request's Authorization in each JSON answer (echo), or a 401
// whose errorSummary quotes it (on paths containing failOn; for the token
// endpoint, it quotes the whole form, client assertion included).
type echoingOkta struct {
	how    hostile.Spelling
	echo   bool
	failOn string

	mu   sync.Mutex
	seen []string // Authorization values and client assertions
}

func (g *echoingOkta) serve(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		auth := r.Header.Get("Authorization")
		quoted := auth
		g.mu.Lock()
		if auth != "" {
			g.seen = append(g.seen, strings.TrimPrefix(strings.TrimPrefix(auth, "SSWS "), "Bearer "))
		}
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_assertion") != "" {
			g.seen = append(g.seen, form.Get("client_assertion"))
			quoted = string(body)
		}
		g.mu.Unlock()
		echoBack(w, r, next, hostile.Spell(quoted, g.how), g.echo, g.failOn)
	}
}

// echoBack answers r from next with echoed put in: as the first member of
// each JSON answer (echo), or quoted in Okta's 401 error body instead of
// the answer on paths containing failOn.
func echoBack(w http.ResponseWriter, r *http.Request, next http.Handler, echoed string, echo bool, failOn string) {
	w.Header().Set("Content-Type", "application/json")
	if failOn != "" && strings.Contains(r.URL.Path, failOn) {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"errorCode":"E0000011","errorSummary":"Invalid token provided: %s","error":"invalid_client","error_description":"%s","errorCauses":[]}`, echoed, echoed)
		return
	}
	rec := httptest.NewRecorder()
	next.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.Header().Del("Content-Length")
	out := rec.Body.Bytes()
	if echo {
		switch {
		case bytes.HasPrefix(out, []byte("{")):
			out = append([]byte(`{"echo":"`+echoed+`",`), out[1:]...)
		case bytes.HasPrefix(out, []byte("[{")):
			out = append([]byte(`[{"echo":"`+echoed+`",`), out[2:]...)
		}
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(out)
}

func (g *echoingOkta) secrets() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.seen...)
}

// TestSecretsNeverLeak: the API token, the service app's private key, its
// client assertion and the minted access token never reach stdout, stderr
// (trace and log) or the log file, even when Okta echoes them, in any JSON
// spelling, into raw data or error messages.
func TestSecretsNeverLeak(t *testing.T) {
	key, pemKey := newKey(t)
	cases := []struct {
		name    string
		service bool
		echo    bool
		failOn  string
		code    string // the error code; "" for a success
	}{
		{name: "api token in raw data", echo: true},
		{name: "api token in an error", failOn: "/api/v1/users", code: "unauthorized"},
		{name: "service app in raw data", service: true, echo: true},
		{name: "service app token refused", service: true, failOn: "/oauth2/v1/token", code: "unauthorized"},
		{name: "service app listing refused", service: true, failOn: "/api/v1/users", code: "unauthorized"},
	}
	for _, c := range cases {
		for _, how := range hostile.Spellings {
			t.Run(c.name+" "+string(how), func(t *testing.T) {
				is := is.New(t)
				f := oktafake.NewForTest(t)
				f.AddToken(apiToken)
				f.AddServiceApp(clientID, &key.PublicKey, "", "okta.users.read", "okta.groups.read", "okta.apps.read", "okta.roles.read", "okta.orgs.read")
				f.AddUsers(3)
				g := &echoingOkta{how: how, echo: c.echo, failOn: c.failOn}
				srv := httptest.NewServer(g.serve(f))
				defer srv.Close()

				logDir := t.TempDir()
				t.Setenv("LUMOS_LOG_DIRECTORY", logDir)
				t.Setenv("LUMOS_LOG_LEVEL", "DEBUG")
				t.Setenv("LUMOS_TRACE", "1")
				creds := tokenCreds(apiToken)
				if c.service {
					creds = appCreds(clientID, pemKey)
				}
				req, err := json.Marshal(map[string]any{"credentials": creds, "settings": map[string]any{"base_url": srv.URL},
					"request": map[string]any{}, "include_raw_data": true})
				is.NoErr(err)
				var stdout, stderr bytes.Buffer
				cli.Run([]string{"lumos", "okta", "list_accounts", "--json", string(req)}, strings.NewReader(""), &stdout, &stderr)
				var doc struct {
					Error struct {
						ErrorCode string `json:"error_code"`
					} `json:"error"`
				}
				is.NoErr(json.Unmarshal(stdout.Bytes(), &doc))
				is.Equal(doc.Error.ErrorCode, c.code)
				is.True(strings.Contains(stdout.String(), "REDACTED")) // the echo was there, masked
				logs := hostile.ReadFiles(t, logDir)

				secrets := append(g.secrets(), apiToken)
				if c.service {
					secrets = append(secrets, pemKey, strings.Split(pemKey, "\n")[1])
					secrets = append(secrets, f.MintedTokens()...)
					is.Equal(len(f.MintedTokens()) > 0, c.failOn != "/oauth2/v1/token")
				}
				for _, secret := range secrets {
					for _, form := range []string{secret, hostile.Spell(secret, how), hostile.Spell(secret, hostile.Literal)} {
						is.True(!strings.Contains(stdout.String(), form))
						is.True(!strings.Contains(stderr.String(), form))
						is.True(!strings.Contains(logs, form))
					}
				}
			})
		}
	}
}
