package oauth_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/internal/oauthdesc"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/oauth/oauthtest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// Each test integration gets its own app id, for readable errors;
// integrations here are never registered.
var appSeq atomic.Int64

// quiet is the context of test calls: the error records of the calls that
// fail on purpose are not logged.
var quiet = toolkit.WithLogger(context.Background(), slog.New(slog.DiscardHandler))

// tenantSettings are the settings of the test connectors: where their
// authorization server is.
type tenantSettings struct {
	BaseURL string `json:"base_url" required:"true"`
}

// tenantURL is an endpoint of the server the settings name.
func tenantURL(path string) oauth.URL {
	return oauth.FromSettings(func(s tenantSettings) (string, error) { return s.BaseURL + path, nil })
}

func validateCredentials(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: "t"}}, nil
}

// newConnector declares a single-credential connector with the given OAuth
// settings; by default its URLs come from settings.base_url.
func newConnector(t *testing.T, auth toolkit.AuthModel, s oauth.Settings) *toolkit.Integration {
	t.Helper()
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:   fmt.Sprintf("oauth-test-%d", appSeq.Add(1)),
		Version: "1.0.0", Auth: auth, Settings: tenantSettings{},
		Description: toolkit.DescriptionData{UserFriendlyName: "OAuth test", LogoURL: "https://example.com/logo.png"},
	})
	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
	if s.TokenURL == nil {
		s.TokenURL = tenantURL("/token")
	}
	if s.AuthorizationURL == nil && (s.FlowType == "" || s.FlowType == oauth.CodeFlow) {
		s.AuthorizationURL = tenantURL("/authorize")
	}
	oauth.Register(in, s)
	return in
}

// reply is either envelope of a call.
type reply struct {
	Response json.RawMessage `json:"response"`
	RawData  json.RawMessage `json:"raw_data"`
	IsError  bool            `json:"is_error"`
	Error    struct {
		Message      string  `json:"message"`
		ErrorCode    string  `json:"error_code"`
		AppErrorCode *string `json:"app_error_code"`
	} `json:"error"`
}

// call dispatches a request built from payload and settings.
func call(t *testing.T, in *toolkit.Integration, capability toolkit.CapabilityName, payload any, settings any, rawData bool) reply {
	t.Helper()
	body, err := json.Marshal(map[string]any{"request": payload, "settings": settings, "include_raw_data": rawData})
	if err != nil {
		t.Fatal(err)
	}
	out := in.Dispatch(quiet, string(capability), body)
	var r reply
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%s: %v\n%s", capability, err, out)
	}
	return r
}

// must decodes a successful reply's payload.
func must[T any](t *testing.T, r reply) T {
	t.Helper()
	var v T
	if r.IsError {
		t.Fatalf("unexpected error %s: %s", r.Error.ErrorCode, r.Error.Message)
	}
	if err := json.Unmarshal(r.Response, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

const redirectURI = "https://app.example/oauth/callback"

// codeFlow runs get_authorization_url and the server's authorization on
// the connector and returns the redirect and the code verifier.
func codeFlow(t *testing.T, in *toolkit.Integration, srv *oauthtest.Server, settings any, clientID string, credentialID *string) (redirect string, verifier *string) {
	t.Helper()
	au := must[toolkit.AuthorizationURL](t, call(t, in, toolkit.CapGetAuthorizationURL.Name(), toolkit.GetAuthorizationURL{
		CredentialID: credentialID, ClientID: clientID, Scopes: []string{}, RedirectURI: redirectURI, State: "state-1",
	}, settings, false))
	redirect, err := srv.Authorize(context.Background(), au.AuthorizationURL)
	if err != nil {
		t.Fatal(err)
	}
	return redirect, au.CodeVerifier
}

func TestGetAuthorizationURL(t *testing.T) {
	t.Parallel()
	settings := map[string]any{"base_url": "https://tenant-1.idp.example"}
	scopes := map[toolkit.CapabilityName]string{
		toolkit.CapValidateCredentials.Name(): "profile",
		toolkit.CapListAccounts.Name():        "users:read groups:read",
		toolkit.CapGetAccount.Name():          "users:read",
	}
	tests := []struct {
		name      string
		s         oauth.Settings
		requested []string
		want      string // the URL, without the PKCE parameters
	}{
		{"settings scopes, deduplicated", oauth.Settings{Scopes: scopes}, nil,
			"https://tenant-1.idp.example/authorize?client_id=my+client&response_type=code&scope=users%3Aread+groups%3Aread+profile" +
				"&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback&state=s+1%2F2"},
		{"requested scopes win", oauth.Settings{Scopes: scopes}, []string{"a", "b c"},
			"https://tenant-1.idp.example/authorize?client_id=my+client&response_type=code&scope=a+b+c" +
				"&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback&state=s+1%2F2"},
		{"scopes from a function of the settings", oauth.Settings{ScopesFunc: func(_ context.Context, raw json.RawMessage) (map[toolkit.CapabilityName]string, error) {
			s, err := toolkit.DecodeSettings[tenantSettings](raw)
			return map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "read@" + strings.TrimPrefix(s.BaseURL, "https://")}, err
		}}, nil,
			"https://tenant-1.idp.example/authorize?client_id=my+client&response_type=code&scope=read%40tenant-1.idp.example" +
				"&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback&state=s+1%2F2"},
		{"no scopes", oauth.Settings{}, nil,
			"https://tenant-1.idp.example/authorize?client_id=my+client&response_type=code&scope=" +
				"&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback&state=s+1%2F2"},
		{"pkce", oauth.Settings{PKCE: true}, []string{"x"},
			"https://tenant-1.idp.example/authorize?client_id=my+client&response_type=code&scope=x" +
				"&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback&state=s+1%2F2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			in := newConnector(t, toolkit.AuthOAuth, tt.s)
			requested := tt.requested
			if requested == nil {
				requested = []string{}
			}
			r := call(t, in, toolkit.CapGetAuthorizationURL.Name(), toolkit.GetAuthorizationURL{
				ClientID: "my client", Scopes: requested, RedirectURI: redirectURI, State: "s 1/2",
				FormData: map[string]string{"prompt": "consent"}, // ignored, as upstream
			}, settings, false)
			var doc map[string]any
			is.NoErr(json.Unmarshal(r.Response, &doc))
			got := must[toolkit.AuthorizationURL](t, r)
			if !tt.s.PKCE {
				is.Equal(got.AuthorizationURL, tt.want)
				is.Equal(doc["code_verifier"], nil) // null without PKCE
				return
			}
			base, pkce, ok := strings.Cut(got.AuthorizationURL, "&code_challenge=")
			is.True(ok)
			is.Equal(base, tt.want)
			challenge, method, ok := strings.Cut(pkce, "&")
			is.True(ok)
			is.Equal(method, "code_challenge_method=S256")
			is.True(got.CodeVerifier != nil)
			sum := sha256Sum(*got.CodeVerifier)
			is.Equal(challenge, base64.RawURLEncoding.EncodeToString(sum[:])) // challenge = S256(verifier)
			is.Equal(len(*got.CodeVerifier), 43)                              // 32 bytes, unpadded base64url
		})
	}
}

// The code flow against a real authorization server, with each client
// authentication method, PKCE and refresh.
func TestCodeFlowClientAuth(t *testing.T) {
	t.Parallel()
	for _, auth := range []oauth.ClientAuth{oauth.ClientSecretPost, oauth.ClientSecretBasic} {
		t.Run(string(auth), func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			srv := oauthtest.NewServer(t)
			srv.AddClient("client-1", "secret-1", "https://app.example")
			in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{ClientAuth: auth, PKCE: true,
				Scopes: map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "users:read"}})
			settings := map[string]any{"base_url": srv.URL}

			redirect, verifier := codeFlow(t, in, srv, settings, "client-1", nil)
			is.True(strings.HasPrefix(redirect, redirectURI+"?"))
			r := call(t, in, toolkit.CapHandleAuthorizationCallback.Name(), toolkit.HandleAuthorizationCallback{
				ClientID: "client-1", ClientSecret: "secret-1", RedirectURIWithCode: redirect, CodeVerifier: verifier,
			}, settings, true)
			creds := must[toolkit.OAuthCredentials](t, r)
			is.True(creds.AccessToken != "")
			is.Equal(creds.TokenType, toolkit.TokenTypeBearer) // the server says "Bearer"
			is.True(creds.RefreshToken != nil)
			var raw map[string]any
			is.NoErr(json.Unmarshal(r.RawData, &raw)) // raw_data: the token answer
			is.Equal(raw["access_token"], creds.AccessToken)
			is.Equal(raw["scope"], "users:read")
			is.Equal(raw["token_type"], "bearer")
			is.Equal(raw["expires_in"], float64(7200))

			reqs := srv.TokenRequests()
			is.Equal(len(reqs), 1)
			is.Equal(reqs[0].Method, http.MethodPost)
			is.Equal(reqs[0].ContentType, "application/x-www-form-urlencoded")
			is.Equal(reqs[0].Basic, auth == oauth.ClientSecretBasic)
			is.Equal(reqs[0].Form.Has("client_secret"), auth == oauth.ClientSecretPost)
			is.Equal(reqs[0].Form.Get("redirect_uri"), redirectURI) // the redirect without its query
			is.Equal(reqs[0].Form.Get("code_verifier"), *verifier)

			refreshed := must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{
				ClientID: "client-1", ClientSecret: "secret-1", RefreshToken: *creds.RefreshToken,
			}, settings, false))
			is.True(refreshed.AccessToken != creds.AccessToken)
			is.True(refreshed.RefreshToken != nil && *refreshed.RefreshToken != *creds.RefreshToken) // rotated

			// The server dropped the old refresh token.
			r = call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{
				ClientID: "client-1", ClientSecret: "secret-1", RefreshToken: *creds.RefreshToken,
			}, settings, false)
			is.True(r.IsError)
			is.Equal(r.Error.ErrorCode, "api_error")
			is.Equal(*r.Error.AppErrorCode, "invalid_grant")
			is.True(strings.HasPrefix(r.Error.Message, "[401]["+srv.URL+"/token] OAuth request failed: "))
		})
	}
}

// Failures of the code flow come back as the server's errors.
func TestCodeFlowFailures(t *testing.T) {
	t.Parallel()
	srv := oauthtest.NewServer(t)
	srv.AddClient("client-1", "secret-1", "https://app.example")
	in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{PKCE: true})
	settings := map[string]any{"base_url": srv.URL}

	tests := []struct {
		name     string
		mutate   func(p *toolkit.HandleAuthorizationCallback)
		code     string
		appError string
		status   string
	}{
		{"bad code", func(p *toolkit.HandleAuthorizationCallback) {
			p.RedirectURIWithCode = redirectURI + "?code=not-a-code&state=state-1"
		}, "api_error", "invalid_grant", "[401]"},
		{"bad secret", func(p *toolkit.HandleAuthorizationCallback) { p.ClientSecret = "wrong" }, "api_error", "invalid_client", "[401]"},
		{"unknown client", func(p *toolkit.HandleAuthorizationCallback) { p.ClientID = "nobody" }, "api_error", "", "[500]"},
		{"wrong code verifier", func(p *toolkit.HandleAuthorizationCallback) { p.CodeVerifier = toolkit.Ptr(strings.Repeat("x", 43)) }, "api_error", "invalid_grant", "[401]"},
		{"missing code verifier", func(p *toolkit.HandleAuthorizationCallback) { p.CodeVerifier = nil }, "api_error", "", "["},
		{"no code in the redirect", func(p *toolkit.HandleAuthorizationCallback) { p.RedirectURIWithCode = redirectURI + "?state=state-1" }, "bad_request", "", ""},
		{"refused", func(p *toolkit.HandleAuthorizationCallback) {
			p.RedirectURIWithCode = redirectURI + "?error=access_denied&error_description=The+user+said+no&state=state-1"
		}, "unauthorized", "access_denied", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			redirect, verifier := codeFlow(t, in, srv, settings, "client-1", nil)
			p := toolkit.HandleAuthorizationCallback{ClientID: "client-1", ClientSecret: "secret-1", RedirectURIWithCode: redirect, CodeVerifier: verifier}
			tt.mutate(&p)
			r := call(t, in, toolkit.CapHandleAuthorizationCallback.Name(), p, settings, false)
			is.True(r.IsError)
			is.Equal(r.Error.ErrorCode, tt.code)
			if tt.appError != "" {
				is.Equal(*r.Error.AppErrorCode, tt.appError)
			}
			is.True(strings.HasPrefix(r.Error.Message, tt.status))
			is.True(!strings.Contains(r.Error.Message, "secret-1")) // never the secret
		})
	}
}

func TestClientCredentials(t *testing.T) {
	t.Parallel()
	scopes := map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "users:read", toolkit.CapGetAccount.Name(): "users:read audit"}
	tests := []struct {
		name      string
		s         oauth.Settings
		requested []string
		wantScope string // "" when no scope is sent
		method    string
		where     string // form or query
	}{
		{"in the body, settings scopes", oauth.Settings{Scopes: scopes}, nil, "users:read audit", "POST", "form"},
		{"basic, requested scopes", oauth.Settings{Scopes: scopes, ClientAuth: oauth.ClientSecretBasic}, []string{"x", "y"}, "x y", "POST", "form"},
		{"no scope at all", oauth.Settings{}, nil, "", "POST", "form"},
		{"query, POST", oauth.Settings{Request: oauth.RequestType{Data: oauth.Query}}, []string{"s"}, "s", "POST", "query"},
		{"query, GET", oauth.Settings{Request: oauth.RequestType{Method: http.MethodGet, Data: oauth.Query}}, []string{"s"}, "s", "GET", "query"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			srv := oauthtest.NewServer(t)
			srv.AddClient("svc", "svc-secret", "https://app.example")
			settings := map[string]any{"base_url": srv.URL}
			tt.s.FlowType = oauth.ClientCredentialsFlow
			in := newConnector(t, toolkit.AuthOAuthClientCredentials, tt.s)
			is.Equal(in.Capabilities(), []toolkit.CapabilityName{toolkit.CapAppInfo.Name(), toolkit.CapHandleClientCredentialsRequest.Name(),
				toolkit.CapRefreshAccessToken.Name(), toolkit.CapValidateCredentials.Name()})
			if tt.requested == nil {
				tt.requested = []string{}
			}
			creds := must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapHandleClientCredentialsRequest.Name(), toolkit.HandleClientCredentials{
				ClientID: "svc", ClientSecret: "svc-secret", Scopes: tt.requested,
			}, settings, false))
			is.True(creds.AccessToken != "")
			is.Equal(creds.RefreshToken, nil) // the server issues none for this grant

			reqs := srv.TokenRequests()
			is.Equal(len(reqs), 1)
			got := reqs[0]
			is.Equal(got.Method, tt.method)
			values := got.Form
			if tt.where == "query" {
				values = got.Query
				is.Equal(len(got.Form), 0)
			}
			is.Equal(values.Get("grant_type"), "client_credentials")
			is.Equal(values.Has("scope"), tt.wantScope != "")
			is.Equal(values.Get("scope"), tt.wantScope)

			r := call(t, in, toolkit.CapHandleClientCredentialsRequest.Name(), toolkit.HandleClientCredentials{
				ClientID: "svc", ClientSecret: "wrong", Scopes: tt.requested,
			}, settings, false)
			is.True(r.IsError)
			is.Equal(r.Error.ErrorCode, "api_error")
			is.Equal(*r.Error.AppErrorCode, "invalid_client")
		})
	}
}

// recorder is a token endpoint that records requests and answers with a
// fixed response.
type recorder struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	method, contentType, accept, query, body string
	user, pass                               string
	basic                                    bool
}

func newRecorder(t *testing.T, status int, contentType, answer string) *recorder {
	rec := &recorder{}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		u, p, ok := r.BasicAuth()
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{r.Method, r.Header.Get("Content-Type"), r.Header.Get("Accept"), r.URL.RawQuery, string(body), u, p, ok})
		rec.mu.Unlock()
		w.Header().Set("Content-Type", contentType)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (rec *recorder) last() recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.reqs[len(rec.reqs)-1]
}

// Parameter placement and order, exactly: upstream sends a dict in
// insertion order.
func TestTokenRequestShape(t *testing.T) {
	t.Parallel()
	const answer = `{"access_token":"at","token_type":"Bearer"}`
	tests := []struct {
		name                string
		s                   oauth.Settings
		method, contentType string
		query, body         string
		basic               bool
	}{
		{"form post", oauth.Settings{}, "POST", "application/x-www-form-urlencoded", "",
			"grant_type=refresh_token&refresh_token=r+1&client_id=c&client_secret=s%26t", false},
		{"json post", oauth.Settings{Request: oauth.RequestType{Data: oauth.JSON}}, "POST", "application/json", "",
			`{"grant_type":"refresh_token","refresh_token":"r 1","client_id":"c","client_secret":"s&t"}`, false},
		{"json get, basic", oauth.Settings{ClientAuth: oauth.ClientSecretBasic, Request: oauth.RequestType{Method: "GET", Data: oauth.JSON}},
			"GET", "application/json", "", `{"grant_type":"refresh_token","refresh_token":"r 1"}`, true},
		{"query get", oauth.Settings{Request: oauth.RequestType{Method: "GET", Data: oauth.Query}}, "GET", "",
			"grant_type=refresh_token&refresh_token=r+1&client_id=c&client_secret=s%26t", "", false},
		{"form get", oauth.Settings{Request: oauth.RequestType{Method: "GET"}}, "GET", "application/x-www-form-urlencoded", "",
			"grant_type=refresh_token&refresh_token=r+1&client_id=c&client_secret=s%26t", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			rec := newRecorder(t, 200, "application/json", answer)
			in := newConnector(t, toolkit.AuthOAuth, tt.s)
			must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{
				ClientID: "c", ClientSecret: "s&t", RefreshToken: "r 1",
			}, map[string]any{"base_url": rec.URL}, false))
			got := rec.last()
			is.Equal(got.method, tt.method)
			is.Equal(got.contentType, tt.contentType)
			is.Equal(got.accept, "application/json")
			is.Equal(got.query, tt.query)
			is.Equal(got.body, tt.body)
			is.Equal(got.basic, tt.basic)
			if tt.basic {
				is.Equal(got.user, "c")
				is.Equal(got.pass, "s&t")
			}
		})
	}
}

// GitHub answers the token endpoint with 200 and an error, form-encoded
// unless asked for JSON.
func TestGitHubStyleAnswers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, contentType, answer string
		code, appError, message   string
		access                    string
	}{
		{"form success", "application/x-www-form-urlencoded; charset=utf-8", "access_token=gho_abc123&scope=repo%2Cgist&token_type=bearer",
			"", "", "", "gho_abc123"},
		{"form error", "application/x-www-form-urlencoded; charset=utf-8",
			"error=bad_verification_code&error_description=The+code+passed+is+incorrect+or+expired.&error_uri=https%3A%2F%2Fdocs.github.com",
			"api_error", "bad_verification_code", "OAuth request failed: bad_verification_code: The code passed is incorrect or expired.", ""},
		{"json error", "application/json; charset=utf-8",
			`{"error":"incorrect_client_credentials","error_description":"The client_id and/or client_secret passed are incorrect."}`,
			"api_error", "incorrect_client_credentials", "OAuth request failed: incorrect_client_credentials: The client_id and/or client_secret passed are incorrect.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			rec := newRecorder(t, 200, tt.contentType, tt.answer)
			in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{})
			r := call(t, in, toolkit.CapHandleAuthorizationCallback.Name(), toolkit.HandleAuthorizationCallback{
				ClientID: "c", ClientSecret: "s", RedirectURIWithCode: redirectURI + "?code=abc&state=x",
			}, map[string]any{"base_url": rec.URL}, true)
			if tt.code == "" {
				creds := must[toolkit.OAuthCredentials](t, r)
				is.Equal(creds.AccessToken, tt.access)
				is.Equal(creds.TokenType, toolkit.TokenTypeBearer)
				var raw map[string]any
				is.NoErr(json.Unmarshal(r.RawData, &raw))
				is.Equal(raw, map[string]any{"access_token": tt.access, "scope": "repo,gist", "token_type": "bearer"})
				is.Equal(rec.last().body, "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fapp.example%2Foauth%2Fcallback&client_id=c&client_secret=s")
				return
			}
			is.True(r.IsError)
			is.Equal(r.Error.ErrorCode, tt.code)
			is.Equal(*r.Error.AppErrorCode, tt.appError)
			is.Equal(r.Error.Message, "[200]["+rec.URL+"/token] "+tt.message)
			var raw []any // the toolkit's HTTP client recorded the answer
			is.NoErr(json.Unmarshal(r.RawData, &raw))
			is.Equal(len(raw), 1)
		})
	}
}

// Status ≥ 300 is api_error with upstream's message.
func TestErrorStatus(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	rec := newRecorder(t, 503, "text/html", "<h1>down</h1>\n")
	in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{TokenURL: oauth.FromSettings(func(s tenantSettings) (string, error) {
		return s.BaseURL + "/token?tenant=t&key=k", nil
	})})
	r := call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{ClientID: "c", ClientSecret: "s", RefreshToken: "rrrrrr"},
		map[string]any{"base_url": rec.URL}, false)
	is.True(r.IsError)
	is.Equal(r.Error.ErrorCode, "api_error")
	is.Equal(r.Error.Message, "[503]["+rec.URL+"/token] OAuth request failed: <h1>down</h1>") // the URL without its query
	is.Equal(rec.last().query, "tenant=t&key=k")

	// An unreachable server is the standard connection failure.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	is.NoErr(err)
	closed := "http://" + l.Addr().String()
	is.NoErr(l.Close())
	in = newConnector(t, toolkit.AuthOAuth, oauth.Settings{HTTP: httpclient.Options{MaxAttempts: 1}})
	r = call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{ClientID: "c", ClientSecret: "s", RefreshToken: "rrrrrr"},
		map[string]any{"base_url": closed}, false)
	is.True(r.IsError)
	is.Equal(r.Error.ErrorCode, "api_error")
	is.Equal(r.Error.Message, errs.MessageConnectFailed)
}

func TestTrace(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	rec := newRecorder(t, 200, "application/json", `{"access_token":"at"}`)
	in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{Request: oauth.RequestType{Data: oauth.Query}})
	var trace bytes.Buffer
	ctx := toolkit.WithTrace(quiet, &trace)
	body, _ := json.Marshal(map[string]any{"request": toolkit.RefreshAccessToken{ClientID: "c", ClientSecret: "the-secret", RefreshToken: "r"},
		"settings": map[string]any{"base_url": rec.URL}})
	out := in.Dispatch(ctx, "refresh_access_token", body)
	is.True(!bytes.Contains(out, []byte("is_error")))
	line := trace.String() // the toolkit's HTTP client traces, with the secrets of the query masked
	is.True(strings.HasPrefix(line, "http POST "+rec.URL+"/token?grant_type=refresh_token&refresh_token=REDACTED&client_id=c&client_secret=REDACTED -> 200 OK in "))
	is.True(!strings.Contains(line, "the-secret"))
}

// A connector's own handler wins; disabled capabilities are left out.
func TestRegistration(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "oauth-own", Version: "1", Auth: toolkit.AuthOAuth})
	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
	own := func(context.Context, toolkit.RefreshAccessTokenRequest) (toolkit.RefreshAccessTokenResponse, error) {
		return toolkit.RefreshAccessTokenResponse{Response: toolkit.OAuthCredentials{AccessToken: "own", TokenType: toolkit.TokenTypeBearer}}, nil
	}
	toolkit.Handle(in, toolkit.CapRefreshAccessToken, own)
	oauth.Register(in, oauth.Settings{TokenURL: oauth.Static("https://idp.example/token"), Disable: []toolkit.CapabilityName{toolkit.CapGetAuthorizationURL.Name()}})
	is.Equal(in.Capabilities(), []toolkit.CapabilityName{toolkit.CapAppInfo.Name(), toolkit.CapHandleAuthorizationCallback.Name(),
		toolkit.CapRefreshAccessToken.Name(), toolkit.CapValidateCredentials.Name()}) // no authorization URL needed
	creds := must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{ClientID: "c", ClientSecret: "s", RefreshToken: "r"}, nil, false))
	is.Equal(creds.AccessToken, "own")
	od, ok := oauthdesc.Of(in).DescribeOAuth("")
	is.True(ok)
	is.Equal(od.Capabilities, map[string]bool{"get_authorization_url": false, "handle_authorization_callback": true, "refresh_access_token": true})

	panics := []struct {
		name string
		f    func()
	}{
		{"twice", func() { oauth.Register(in, oauth.Settings{TokenURL: oauth.Static("x")}) }},
		{"no token URL", func() {
			oauth.Register(toolkit.NewIntegration(toolkit.Declaration{AppID: "p1", Version: "1", Auth: toolkit.AuthOAuth}), oauth.Settings{})
		}},
		{"code flow without authorization URL", func() {
			oauth.Register(toolkit.NewIntegration(toolkit.Declaration{AppID: "p2", Version: "1", Auth: toolkit.AuthOAuth}), oauth.Settings{TokenURL: oauth.Static("x")})
		}},
		{"credentials connector", func() {
			oauth.Register(toolkit.NewIntegration(toolkit.Declaration{AppID: "p3", Version: "1",
				Credentials: []toolkit.CredentialConfig{{ID: "o", Type: toolkit.AuthOAuth}}}), oauth.Settings{TokenURL: oauth.Static("x")})
		}},
		{"auth connector", func() {
			oauth.RegisterCredentials(toolkit.NewIntegration(toolkit.Declaration{AppID: "p4", Version: "1", Auth: toolkit.AuthOAuth}),
				map[string]oauth.Settings{"o": {TokenURL: oauth.Static("x")}})
		}},
		{"undeclared credential", func() {
			oauth.RegisterCredentials(toolkit.NewIntegration(toolkit.Declaration{AppID: "p5", Version: "1",
				Credentials: []toolkit.CredentialConfig{{ID: "o", Type: toolkit.AuthOAuth}}}), map[string]oauth.Settings{"x": {TokenURL: oauth.Static("x")}})
		}},
	}
	for _, p := range panics {
		t.Run(p.name, func(t *testing.T) {
			defer func() {
				r := recover()
				if r == nil {
					t.Fatal("no panic")
				}
				if !strings.Contains(fmtPanic(r), "lumos: connector") {
					t.Errorf("panic %v does not name the connector", r)
				}
			}()
			p.f()
		})
	}
}

func fmtPanic(r any) string {
	if err, ok := r.(error); ok {
		return err.Error()
	}
	s, _ := r.(string)
	return s
}

// Settings per credential id: each request uses the settings its
// credential_id names, for the capability and for the token request.
func TestMultiCredential(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	users := oauthtest.NewServer(t)
	users.AddClient("web", "web-secret", "https://app.example")
	services := oauthtest.NewServer(t)
	services.AddClient("svc", "svc-secret", "https://app.example")

	type multiSettings struct {
		UsersURL    string `json:"users_url"`
		ServicesURL string `json:"services_url"`
	}
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "oauth-multi", Version: "1", Settings: multiSettings{},
		Credentials: []toolkit.CredentialConfig{
			{ID: "admin", Type: toolkit.AuthToken},
			{ID: "user", Type: toolkit.AuthOAuth},
			{ID: "service", Type: toolkit.AuthOAuthClientCredentials, Optional: true},
		},
		Description: toolkit.DescriptionData{UserFriendlyName: "Multi", LogoURL: "https://example.com/logo.png"},
	})
	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
	oauth.RegisterCredentials(in, map[string]oauth.Settings{
		"user": {
			AuthorizationURL: oauth.FromSettings(func(s multiSettings) (string, error) { return s.UsersURL + "/authorize", nil }),
			TokenURL:         oauth.FromSettings(func(s multiSettings) (string, error) { return s.UsersURL + "/token", nil }),
			Scopes:           map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "users:read"},
			PKCE:             true,
		},
		"service": {
			FlowType:   oauth.ClientCredentialsFlow,
			TokenURL:   oauth.FromSettings(func(s multiSettings) (string, error) { return s.ServicesURL + "/token", nil }),
			ClientAuth: oauth.ClientSecretBasic,
		},
	})
	is.Equal(in.Capabilities(), []toolkit.CapabilityName{toolkit.CapAppInfo.Name(), toolkit.CapGetAuthorizationURL.Name(), toolkit.CapHandleAuthorizationCallback.Name(),
		toolkit.CapHandleClientCredentialsRequest.Name(), toolkit.CapRefreshAccessToken.Name(), toolkit.CapValidateCredentialConfig.Name(), toolkit.CapValidateCredentials.Name()})
	settings := map[string]any{"users_url": users.URL, "services_url": services.URL}

	user := toolkit.Ptr("user")
	redirect, verifier := codeFlow(t, in, users, settings, "web", user)
	creds := must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapHandleAuthorizationCallback.Name(), toolkit.HandleAuthorizationCallback{
		CredentialID: user, ClientID: "web", ClientSecret: "web-secret", RedirectURIWithCode: redirect, CodeVerifier: verifier,
	}, settings, false))
	must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{
		CredentialID: user, ClientID: "web", ClientSecret: "web-secret", RefreshToken: *creds.RefreshToken,
	}, settings, false))
	must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapHandleClientCredentialsRequest.Name(), toolkit.HandleClientCredentials{
		CredentialID: toolkit.Ptr("service"), ClientID: "svc", ClientSecret: "svc-secret", Scopes: []string{},
	}, settings, false))
	is.Equal(len(users.TokenRequests()), 2)
	is.Equal(len(services.TokenRequests()), 1)
	is.True(services.TokenRequests()[0].Basic) // the service credential's own client auth

	errCases := []struct {
		name       string
		capability toolkit.CapabilityName
		payload    any
		code       string
	}{
		{"no credential_id with two OAuth credentials", toolkit.CapRefreshAccessToken.Name(),
			toolkit.RefreshAccessToken{ClientID: "web", ClientSecret: "web-secret", RefreshToken: "r"}, "bad_request"},
		{"unknown credential_id", toolkit.CapRefreshAccessToken.Name(),
			toolkit.RefreshAccessToken{CredentialID: toolkit.Ptr("admin"), ClientID: "web", ClientSecret: "web-secret", RefreshToken: "r"}, "bad_request"},
		{"capability of another flow", toolkit.CapGetAuthorizationURL.Name(),
			toolkit.GetAuthorizationURL{CredentialID: toolkit.Ptr("service"), ClientID: "svc", Scopes: []string{}, RedirectURI: redirectURI, State: "s"}, "not_implemented"},
	}
	for _, tc := range errCases {
		r := call(t, in, tc.capability, tc.payload, settings, false)
		is.True(r.IsError)                   // tc.name
		is.Equal(r.Error.ErrorCode, tc.code) // tc.name
	}

	// info: each OAuth credential's settings.
	info, err := in.Info()
	is.NoErr(err)
	is.Equal(info.OAuthScopes, nil) // only a single-credential connector has them
	is.Equal(info.CredentialsSchema[0]["oauth_settings"], nil)
	is.Equal(info.CredentialsSchema[1]["oauth_settings"], map[string]any{
		"oauth_type": "CODE_FLOW", "scopes": map[string]any{"list_accounts": "users:read"}, "pkce_enabled": true})
	is.Equal(info.CredentialsSchema[2]["oauth_settings"], map[string]any{
		"oauth_type": "CLIENT_CREDENTIALS", "scopes": nil, "pkce_enabled": false})

	// app_info: x-oauth-settings keyed by credential id, URLs from the request's settings.
	doc := appInfo(t, in, settings)
	validateOpenAPI(t, doc)
	xo := doc["info"].(map[string]any)["x-oauth-settings"].(map[string]any)
	is.Equal(len(xo), 2)
	is.Equal(xo["user"], map[string]any{
		"oauth_type": "CODE_FLOW", "token_url": users.URL + "/token", "authorization_url": users.URL + "/authorize",
		"capabilities": map[string]any{"get_authorization_url": true, "handle_authorization_callback": true, "refresh_access_token": true},
		"scopes":       map[string]any{"users:read": "Required for list_accounts"}, "pkce_enabled": true,
	})
	is.Equal(xo["service"], map[string]any{
		"oauth_type": "CLIENT_CREDENTIALS", "token_url": services.URL + "/token", "authorization_url": "",
		"capabilities": map[string]any{"handle_client_credentials_request": true, "refresh_access_token": true},
		"scopes":       map[string]any{}, "pkce_enabled": false,
	})
	schemes := doc["components"].(map[string]any)["securitySchemes"].(map[string]any)
	is.Equal(schemes["user"], map[string]any{"type": "oauth2", "flows": map[string]any{"authorizationCode": map[string]any{
		"authorizationUrl": users.URL + "/authorize", "tokenUrl": users.URL + "/token", "scopes": map[string]any{"users:read": "Required for list_accounts"}}}})
	is.Equal(schemes["service"], map[string]any{"type": "oauth2", "flows": map[string]any{"clientCredentials": map[string]any{
		"tokenUrl": services.URL + "/token", "scopes": map[string]any{}}}})
	is.Equal(schemes["admin"].(map[string]any)["type"], "apiKey")
	op := doc["paths"].(map[string]any)["/validate_credentials"].(map[string]any)["post"].(map[string]any)
	is.Equal(op["security"], []any{map[string]any{"admin": []any{}}, map[string]any{"user": []any{"users:read"}}, map[string]any{"service": []any{}}})
}

// info and app_info of a single-credential connector.
func TestDescribeSingle(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{
		Scopes: map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "users:read groups:read", toolkit.CapValidateCredentials.Name(): "users:read"},
	})
	info, err := in.Info()
	is.NoErr(err)
	is.Equal(info.OAuthScopes, map[string]string{"list_accounts": "users:read groups:read", "validate_credentials": "users:read"})
	doc, err := in.InfoDocument()
	is.NoErr(err)
	is.True(bytes.Contains(doc, []byte(`"oauth_scopes": {"list_accounts": "users:read groups:read", "validate_credentials": "users:read"}`)))

	app := appInfo(t, in, map[string]any{"base_url": "https://t1.idp.example"})
	validateOpenAPI(t, app)
	is.Equal(app["info"].(map[string]any)["x-oauth-settings"], map[string]any{
		"oauth_type": "CODE_FLOW", "token_url": "https://t1.idp.example/token", "authorization_url": "https://t1.idp.example/authorize",
		"capabilities": map[string]any{"get_authorization_url": true, "handle_authorization_callback": true, "refresh_access_token": true},
		"scopes":       map[string]any{"users:read groups:read": "Required for list_accounts", "users:read": "Required for validate_credentials"},
		"pkce_enabled": false,
	})
	op := app["paths"].(map[string]any)["/list_accounts"]
	is.Equal(op, nil) // not registered
	op = app["paths"].(map[string]any)["/validate_credentials"]
	is.Equal(op.(map[string]any)["post"].(map[string]any)["security"], []any{map[string]any{in.AppID(): []any{"users:read groups:read", "users:read"}}})

	// Without settings, the settings-made URLs cannot be computed: "".
	app = appInfo(t, in, nil)
	xo := app["info"].(map[string]any)["x-oauth-settings"].(map[string]any)
	is.Equal(xo["token_url"], "")
	is.Equal(xo["authorization_url"], "")

	// Computed scopes are not in info, but are in app_info.
	in = newConnector(t, toolkit.AuthOAuth, oauth.Settings{ScopesFunc: func(context.Context, json.RawMessage) (map[toolkit.CapabilityName]string, error) {
		return map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "dyn"}, nil
	}})
	info, err = in.Info()
	is.NoErr(err)
	is.Equal(info.OAuthScopes, nil)
	app = appInfo(t, in, map[string]any{"base_url": "https://t1.idp.example"})
	is.Equal(app["info"].(map[string]any)["x-oauth-settings"].(map[string]any)["scopes"], map[string]any{"dyn": "Required for list_accounts"})

	// A failing or panicking scopes function leaves the scopes empty.
	in = newConnector(t, toolkit.AuthOAuth, oauth.Settings{ScopesFunc: func(context.Context, json.RawMessage) (map[toolkit.CapabilityName]string, error) {
		panic("boom")
	}})
	app = appInfo(t, in, map[string]any{"base_url": "https://t1.idp.example"})
	is.Equal(app["info"].(map[string]any)["x-oauth-settings"].(map[string]any)["scopes"], map[string]any{})
	r := call(t, in, toolkit.CapGetAuthorizationURL.Name(), toolkit.GetAuthorizationURL{ClientID: "c", Scopes: []string{}, RedirectURI: "r", State: "s"},
		map[string]any{"base_url": "https://t1.idp.example"}, false)
	is.True(r.IsError)
	is.Equal(r.Error.ErrorCode, "unexpected_error")
}

// appInfo runs app_info with settings and returns the document.
func appInfo(t *testing.T, in *toolkit.Integration, settings any) map[string]any {
	t.Helper()
	body := map[string]any{"request": map[string]any{}}
	if settings != nil {
		body["settings"] = settings
	}
	raw, _ := json.Marshal(body)
	out := in.Dispatch(quiet, "app_info", raw)
	var resp struct {
		Response struct {
			AppSchema map[string]any `json:"app_schema"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.Response.AppSchema == nil {
		t.Fatalf("app_info: %s", out)
	}
	return resp.Response.AppSchema
}

// A provider that does not rotate refresh tokens answers a refresh with the
// refresh token it was sent. The toolkit masks every secret of the request
// wherever it appears in the response document, so that token comes back as
// "REDACTED" (Python's SDK redacts only its logs). The fix belongs in the
// toolkit's masking; this test asserts the wanted behaviour once it is there.
func TestRefreshTokenNotRotated(t *testing.T) {
	is := is.New(t)
	rec := newRecorder(t, 200, "application/json", `{"access_token":"new-access-token","refresh_token":"the-same-refresh-token"}`)
	in := newConnector(t, toolkit.AuthOAuth, oauth.Settings{})
	creds := must[toolkit.OAuthCredentials](t, call(t, in, toolkit.CapRefreshAccessToken.Name(), toolkit.RefreshAccessToken{
		ClientID: "c", ClientSecret: "s", RefreshToken: "the-same-refresh-token",
	}, map[string]any{"base_url": rec.URL}, false))
	is.Equal(*creds.RefreshToken, "the-same-refresh-token")
}
