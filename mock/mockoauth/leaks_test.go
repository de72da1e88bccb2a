package mockoauth_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/mock/mockoauth"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// The secrets of the OAuth requests: each with a '/' and a '+', so that
// their escaped spellings differ from the literal ones.
const (
	leakClientSecret = "cl/ient+S3cret-leak"
	leakRefreshToken = "rt/Refresh+Leak-0042"
	newAccessToken   = "new-access-T0ken-1"
	newRefreshToken  = "new-refresh-T0ken-1"
)

// tlsOAuth is mock-oauth's OAuth flow again, under app id mock-oauth-tls,
// with a client that trusts the hostile server's https listener (the
// transport of the running test).
var (
	tlsTransportMu sync.Mutex
	tlsTransport   http.RoundTripper = http.DefaultTransport
	tlsOAuth                         = toolkit.NewIntegration(toolkit.Declaration{
		AppID: "mock-oauth-tls", Version: "1.0.0", Auth: toolkit.AuthOAuth, Settings: mockoauth.Settings{},
		Description: toolkit.DescriptionData{UserFriendlyName: "OAuth Mock over TLS", Categories: []toolkit.AppCategory{toolkit.CategoryDevelopers}},
	})
)

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func init() {
	endpoint := func(path string) oauth.URL {
		return oauth.FromSettings(func(s mockoauth.Settings) (string, error) { return s.OAuthBaseURL + path, nil })
	}
	oauth.Register(tlsOAuth, oauth.Settings{
		AuthorizationURL: endpoint("/authorize"), TokenURL: endpoint("/token"), PKCE: true,
		HTTP: httpclient.Options{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
			tlsTransportMu.Lock()
			t := tlsTransport
			tlsTransportMu.Unlock()
			return t.RoundTrip(r)
		})},
	})
	toolkit.Register(tlsOAuth)
}

// tokenShape is a token answer carrying the echo.
func tokenShape(echo string) string {
	return `{"access_token":"` + newAccessToken + `","refresh_token":"` + newRefreshToken + `","token_type":"bearer","expires_in":3600,"echo":` + echo + `}`
}

// TestHostileTokenEndpointLeaksNothing runs handle_authorization_callback
// and refresh_access_token through the whole command line against a
// hostile token endpoint, with raw data, a DEBUG log file and --trace:
// every call ends in time with one JSON document of the right error code
// (or the new tokens), the request's client secret and refresh token
// never reach stdout, stderr or the log in any spelling (the new tokens
// show in the answer, as documented), and no log record is forged.
func TestHostileTokenEndpointLeaksNothing(t *testing.T) {
	type attack struct {
		name  string
		route string // the route the token endpoint is under; "" mounts handler at /attack/token
		h     http.Handler
		tls   bool
		code  string // "" for a success; a token endpoint's failure is an api_error, as upstream
		echo  bool   // the answer echoes the request
	}
	var attacks []attack
	for _, sp := range hostile.Spellings {
		attacks = append(attacks,
			attack{name: "echo in an error, " + string(sp), route: "echo-error-" + string(sp), code: "api_error", echo: true},
			attack{name: "echo in the token answer, " + string(sp), h: hostile.Echo(http.StatusOK, sp, tokenShape), echo: true})
	}
	attacks = append(attacks,
		attack{name: "https to http, 302", route: "https-to-http", tls: true, code: "api_error"},
		attack{name: "https to http, 307", route: "https-to-http-307", tls: true, code: "api_error"},
		attack{name: "endless fat pages", route: "endless-fat", code: "api_error"},
		attack{name: "a fat token answer", h: hostile.Static(http.StatusOK, nil, `{"access_token":"a","pad":"`+strings.Repeat("x", 2<<20)+`"}`), code: "api_error"},
		attack{name: "a truncated token answer", h: hostile.Static(http.StatusOK, nil, `{"access_token":"`), code: "api_error"},
		attack{name: "a null access token", h: hostile.Static(http.StatusOK, nil, `{"access_token":null,"token_type":"bearer"}`), code: "api_error"},
		attack{name: "log injection in a JSON error", route: "log-injection", code: "api_error"},
		attack{name: "log injection in a text error", route: "log-injection-text", code: "api_error"},
		attack{name: "a malformed header", route: "malformed-header", code: "api_error"},
		attack{name: "Retry-After 1e308", route: "retry-after-1e308", code: "rate_limit"},
	)
	capabilities := []struct {
		name    toolkit.CapabilityName
		payload any
	}{
		{toolkit.CapHandleAuthorizationCallback.Name(), toolkit.HandleAuthorizationCallback{ClientID: "lumos", ClientSecret: leakClientSecret,
			RedirectURIWithCode: "https://lumos.example/callback?code=c0de&state=s"}},
		{toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{ClientID: "lumos", ClientSecret: leakClientSecret, RefreshToken: leakRefreshToken}},
	}
	for _, at := range attacks {
		for _, c := range capabilities {
			t.Run(at.name+"/"+string(c.name), func(t *testing.T) {
				is := is.New(t)
				t.Setenv(toolkit.EnvMaxUpstreamRequests, "20")
				t.Setenv(toolkit.EnvMaxUpstreamBytes, "1048576")
				t.Setenv(toolkit.EnvMaxCallDuration, "20s")
				t.Setenv(httpclient.EnvMaxRateLimitWait, "1s")
				srv := hostile.New(t, nil)
				route := at.route
				if route == "" {
					route = "attack"
					srv.Mount("/attack/token", at.h)
				}
				base, app := srv.URL(), "mock-oauth"
				if at.tls {
					base, app = srv.TLSURL(), "mock-oauth-tls"
					tlsTransportMu.Lock()
					tlsTransport = srv.Transport()
					tlsTransportMu.Unlock()
				}
				doc, err := json.Marshal(map[string]any{"request": c.payload, "include_raw_data": true,
					"settings": map[string]any{"host": "h", "oauth_base_url": base + "/" + route}})
				is.NoErr(err)
				stdout, stderr, logs := runOAuthCLI(t, app, string(c.name), doc)
				is.True(srv.Requests() <= 20) // within the budget

				var env struct {
					IsError  bool            `json:"is_error"`
					Response json.RawMessage `json:"response"`
					Error    struct {
						ErrorCode string `json:"error_code"`
						Message   string `json:"message"`
					} `json:"error"`
				}
				dec := json.NewDecoder(strings.NewReader(stdout))
				is.NoErr(dec.Decode(&env))
				is.True(!dec.More()) // one document
				is.True(strings.HasSuffix(stdout, "\n"))
				if env.IsError != (at.code != "") || env.Error.ErrorCode != at.code {
					t.Fatalf("got %v %q (%s), want %q", env.IsError, env.Error.ErrorCode, env.Error.Message, at.code)
				}
				if !env.IsError { // the new tokens are the answer, shown as they are
					is.True(strings.Contains(string(env.Response), `"access_token":"`+newAccessToken+`"`))
				}
				if at.echo {
					is.True(strings.Contains(stdout, "REDACTED")) // the echo was there, masked
				}
				for _, r := range srv.Received() {
					if at.tls && !r.TLS { // nothing secret over plain http
						is.Equal(r.Header.Get("Authorization"), "")
						is.True(!strings.Contains(r.URL, "ient"))
					}
				}
				var decoded any
				is.NoErr(json.Unmarshal([]byte(stdout), &decoded))
				for _, secret := range []string{leakClientSecret, leakRefreshToken} {
					for _, s := range hostile.StringsOf(decoded) {
						is.True(!strings.Contains(s, secret)) // in no spelling in the answer
					}
					forms := []string{secret}
					for _, sp := range hostile.Spellings {
						b, _ := json.Marshal(hostile.Spell(secret, sp))
						forms = append(forms, hostile.Spell(secret, sp), string(b[1:len(b)-1]))
					}
					for _, f := range forms {
						is.True(!strings.Contains(stdout, f))
						is.True(!strings.Contains(stderr, f))
						is.True(!strings.Contains(logs, f))
					}
				}
				checkRecords(t, app, logs, stderr)
			})
		}
	}
}

// runOAuthCLI runs app's capability in-process with a DEBUG log file and
// --trace, and fails the test if it takes too long.
func runOAuthCLI(t *testing.T, app, capability string, doc []byte) (stdout, stderr, logs string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("LUMOS_LOG_DIRECTORY", dir)
	t.Setenv("LUMOS_LOG_LEVEL", "DEBUG")
	t.Setenv("LUMOS_LOG_TO_STDOUT", "")
	var out, errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- cli.Run([]string{"lumos", app, capability, "--trace", "--json", string(doc)}, strings.NewReader(""), &out, &errOut)
	}()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the call did not end in time")
	}
	return out.String(), errOut.String(), hostile.ReadFiles(t, dir)
}

var rawControl = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0085\u2028\u2029]")

// checkRecords checks that every line of the log is one record of app and
// that neither the log nor stderr holds a raw control character or line
// break, or a line starting with a forged record.
func checkRecords(t *testing.T, app, logs, stderr string) {
	t.Helper()
	record := regexp.MustCompile(`^\d\d:\d\d:\d\d,\d{3} lumos\.` + regexp.QuoteMeta(app) + ` (DEBUG|INFO|WARNING|ERROR|CRITICAL) `)
	if logs == "" {
		t.Fatal("no log file was written")
	}
	for _, line := range strings.Split(strings.TrimSuffix(logs, "\n"), "\n") {
		if !record.MatchString(line) || rawControl.MatchString(line) {
			t.Fatalf("a log line that is not one clean record: %q", line)
		}
	}
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, hostile.ForgedRecord) || rawControl.MatchString(line) {
			t.Fatalf("a forged or raw stderr line: %q", line)
		}
	}
}
