package okta_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/connectors/okta"
	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

var readScopes = []string{"okta.users.read", "okta.groups.read", "okta.apps.read", "okta.roles.read", "okta.orgs.read"}

// newAppEnv is newEnv with a service app (requiring DPoP when dpop) as
// the credential.
func newAppEnv(t *testing.T, dpop bool, settings map[string]any) *env {
	t.Helper()
	key, pemKey := newKey(t)
	e := newEnv(t, settings)
	e.f.AddServiceApp(clientID, &key.PublicKey, "", readScopes...)
	if dpop {
		e.f.RequireDPoP(clientID)
	}
	e.creds = appCreds(clientID, pemKey)
	return e
}

// TestServiceAppDPoP: the oauth_dpop setting against apps that require
// DPoP and apps that do not. An app that does not require it costs what it
// did before DPoP was supported (one token request) unless always is set;
// one that does gets a DPoP-bound token (after a plain request with auto)
// through Okta's nonce round trip, and every API request carries a proof.
func TestServiceAppDPoP(t *testing.T) {
	cases := []struct {
		name         string
		requires     bool
		mode         string // "" leaves the default (auto)
		resNonce     bool   // the API demands a nonce of its own
		code         string // "" for a success
		want         string
		tokenCalls   int64
		bound        bool
		apiRefusals  int // proofs refused at the API (nonce challenges)
		tokenRefused int // proofs refused at the token endpoint
	}{
		{name: "bearer_app_auto", mode: "", tokenCalls: 1},
		{name: "bearer_app_never", mode: "never", tokenCalls: 1},
		{name: "bearer_app_always", mode: "always", tokenCalls: 2, bound: true, tokenRefused: 1},
		{name: "dpop_app_auto", requires: true, tokenCalls: 3, bound: true, tokenRefused: 1},
		{name: "dpop_app_auto_spelled", requires: true, mode: "auto", tokenCalls: 3, bound: true, tokenRefused: 1},
		{name: "dpop_app_always", requires: true, mode: "always", tokenCalls: 2, bound: true, tokenRefused: 1},
		{name: "dpop_app_resource_nonce", requires: true, resNonce: true, tokenCalls: 3, bound: true, tokenRefused: 1, apiRefusals: 1},
		{name: "dpop_app_never", requires: true, mode: "never", code: "bad_request", want: "set oauth_dpop to auto or always", tokenCalls: 1},
		{name: "bad_setting", mode: "sometimes", code: "bad_request", want: "oauth_dpop", tokenCalls: 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			settings := map[string]any{}
			if c.mode != "" {
				settings["oauth_dpop"] = c.mode
			}
			e := newAppEnv(t, c.requires, settings)
			e.f.AddUsers(2)
			if c.resNonce {
				e.f.DemandDPoPNonce(true, 0)
			}
			if c.code != "" {
				e.fail("list_accounts", map[string]any{}, toolkit.ErrorCode(c.code), c.want)
				is.Equal(e.f.RouteRequests("POST /oauth2/v1/token"), c.tokenCalls)
				return
			}
			env := e.ok("list_accounts", map[string]any{}, nil)
			var accs []account
			is.NoErr(json.Unmarshal(env.Response, &accs))
			is.Equal(len(accs), 2)
			is.Equal(e.f.RouteRequests("POST /oauth2/v1/token"), c.tokenCalls)
			apiCalls := int64(1 + c.apiRefusals) // one page of users (and the nonce challenge's second try)
			is.Equal(e.f.Requests(), c.tokenCalls+apiCalls)
			minted := e.f.MintedTokens()
			is.Equal(len(minted), 1)
			is.Equal(e.f.DPoPBound(minted[0]), c.bound)
			accepted, refused, jtis := e.f.DPoPStats()
			if c.bound {
				is.Equal(accepted, 2) // the token request with the nonce and the listing
				is.Equal(refused, c.tokenRefused+c.apiRefusals)
				is.Equal(jtis, accepted+refused) // every proof had its own jti
			} else {
				is.Equal(accepted+refused, 0) // no proof was sent
			}
		})
	}
}

// TestDPoPDrain pages users through several calls with a DPoP-bound token
// while the fake answers list requests with 429s (per-endpoint and
// concurrency limits) and changes its API nonce every few requests: every
// user comes back once, every attempt carried a proof of its own (a retry
// resending a proof would be refused for its jti), and the nonce
// challenges were followed.
func TestDPoPDrain(t *testing.T) {
	cases := []struct {
		name        string
		rate, conc  int
		nonceEvery  int
		wantRefusal bool
	}{
		{"pages", 0, 0, 0, false},
		{"rate_limits", 3, 4, 0, false},
		{"rate_limits_and_nonces", 3, 4, 5, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newAppEnv(t, true, map[string]any{"page_size": 10})
			ids := e.f.AddUsers(95)
			e.f.ThrottleEvery(c.rate, false)
			e.f.ThrottleEvery(c.conc, true)
			if c.nonceEvery > 0 {
				e.f.DemandDPoPNonce(true, c.nonceEvery)
			}
			before := sleeps.Load()
			accs, calls := drain[account](e, "list_accounts", 40)
			is.Equal(calls, 3)
			is.Equal(len(accs), len(ids))
			for i, a := range accs {
				is.Equal(a.ID, ids[i]) // each once, in order
			}
			listings := e.f.RouteRequests("GET /api/v1/users")
			is.True(listings >= 10) // ten pages of ten (a page token resumes after the last user returned)
			if c.rate+c.conc > 0 {
				is.True(sleeps.Load() > before) // 429s were waited out and retried
			}
			accepted, refused, jtis := e.f.DPoPStats()
			is.Equal(int64(accepted), listings-int64(refused-calls)+int64(calls)) // every listing attempt but the challenged ones, and each call's token
			is.Equal(jtis, accepted+refused)                                      // never a proof twice
			is.Equal(refused > calls, c.wantRefusal)                              // beyond each call's first token proof: the API's nonce challenges
		})
	}
}

// tamper changes the DPoP proofs of API requests before they are sent.
type tamper struct {
	next http.RoundTripper
	edit func(proof string) string
}

func (t tamper) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		r = r.Clone(r.Context())
		if p := t.edit(r.Header.Get("DPoP")); p == "" {
			r.Header.Del("DPoP")
		} else {
			r.Header.Set("DPoP", p)
		}
	}
	return t.next.RoundTrip(r)
}

// withTransport makes every client of the connector send through rt (over
// the default transport) for the rest of the test.
func withTransport(t *testing.T, wrap func(http.RoundTripper) http.RoundTripper) {
	t.Helper()
	sleep := func(ctx context.Context, d time.Duration) error { sleeps.Add(1); return ctx.Err() }
	okta.SetHTTPOptions(func(o *httpclient.Options) { o.Sleep = sleep; o.Transport = wrap(http.DefaultTransport) })
	t.Cleanup(func() { okta.SetHTTPOptions(func(o *httpclient.Options) { o.Sleep = sleep }) })
}

// TestDPoPProofRefused: a proof Okta refuses (here spoilt on its way) ends
// the call with unauthorized, naming Okta's reason; it is not retried.
func TestDPoPProofRefused(t *testing.T) {
	cases := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"missing", func(string) string { return "" }, "header is missing"},
		{"signature", func(p string) string {
			i := strings.LastIndexByte(p, '.')
			sig, _ := base64.RawURLEncoding.DecodeString(p[i+1:])
			sig[0] ^= 1
			return p[:i+1] + base64.RawURLEncoding.EncodeToString(sig)
		}, "signature is invalid"},
		{"claims", func(p string) string {
			parts := strings.Split(p, ".")
			cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
			cb = bytes.Replace(cb, []byte(`"GET"`), []byte(`"PUT"`), 1)
			return parts[0] + "." + base64.RawURLEncoding.EncodeToString(cb) + "." + parts[2]
		}, "signature is invalid"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newAppEnv(t, true, nil)
			e.f.AddUsers(1)
			withTransport(t, func(next http.RoundTripper) http.RoundTripper { return tamper{next: next, edit: c.edit} })
			e.fail("list_accounts", map[string]any{}, toolkit.ErrorCode("unauthorized"), "Okta refused the DPoP proof of GET", "/api/v1/users", c.want)
			is.Equal(e.f.RouteRequests("GET /api/v1/users"), int64(1)) // no retry
		})
	}
}

// dpopEcho is the fake behind a front that repeats the DPoP proof and the
// Authorization of each request into its JSON answers (echo), or quotes
// them (and a token request's form) in a 401 on paths holding failOn.
type dpopEcho struct {
	how    hostile.Spelling
	echo   bool
	failOn string

	mu     sync.Mutex
	seen   []string
	proofs []string
}

func (g *dpopEcho) serve(next http.Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		quoted := r.Header.Get("Authorization") + " " + r.Header.Get("DPoP")
		g.mu.Lock()
		if p := r.Header.Get("DPoP"); p != "" {
			g.proofs = append(g.proofs, p)
		}
		for _, v := range []string{r.Header.Get("DPoP"), strings.TrimPrefix(r.Header.Get("Authorization"), "DPoP ")} {
			if v != "" {
				g.seen = append(g.seen, v)
			}
		}
		if form, err := url.ParseQuery(string(body)); err == nil && form.Get("client_assertion") != "" {
			g.seen = append(g.seen, form.Get("client_assertion"))
			quoted += " " + string(body)
		}
		g.mu.Unlock()
		echoBack(w, r, next, hostile.Spell(quoted, g.how), g.echo, g.failOn)
	}
}

// keyForms are the spellings an ephemeral key could leak in: its private
// scalar raw (base64url, standard base64, hex) and as PKCS#8 and SEC 1 PEM.
func keyForms(t *testing.T, k *ecdsa.PrivateKey) []string {
	t.Helper()
	d, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	p8, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	sec1, err := x509.MarshalECPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	forms := []string{base64.RawURLEncoding.EncodeToString(d), base64.StdEncoding.EncodeToString(d), hex.EncodeToString(d)}
	for _, der := range [][]byte{p8, sec1} {
		lines := strings.Split(string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "\n")
		forms = append(forms, base64.StdEncoding.EncodeToString(der), lines[2]) // the second line of base64 holds the scalar
	}
	return forms
}

// TestDPoPSecretsNeverLeak: with a DPoP-bound token, the access token, the
// client assertions, every DPoP proof (not even its JOSE header, which the
// connector masks in every proof of the call), the app's private key and
// the ephemeral DPoP key never reach stdout, stderr (trace and log) or the
// log file, even when Okta echoes the proofs and tokens, in any JSON
// spelling, into raw data or error messages.
func TestDPoPSecretsNeverLeak(t *testing.T) {
	key, pemKey := newKey(t)
	cases := []struct {
		name   string
		echo   bool
		failOn string
		code   string
	}{
		{name: "raw data", echo: true},
		{name: "listing refused", failOn: "/api/v1/users", code: "unauthorized"},
		{name: "token refused", failOn: "/oauth2/v1/token", code: "unauthorized"},
	}
	for _, c := range cases {
		for _, how := range hostile.Spellings {
			t.Run(c.name+" "+string(how), func(t *testing.T) {
				is := is.New(t)
				f := oktafake.NewForTest(t)
				f.AddServiceApp(clientID, &key.PublicKey, "", readScopes...)
				f.RequireDPoP(clientID)
				f.AddUsers(3)
				g := &dpopEcho{how: how, echo: c.echo, failOn: c.failOn}
				srv := httptest.NewServer(g.serve(f))
				defer srv.Close()
				var mu sync.Mutex
				var keys []*ecdsa.PrivateKey
				okta.OnDPoPKey(func(k *ecdsa.PrivateKey) { mu.Lock(); keys = append(keys, k); mu.Unlock() })
				defer okta.OnDPoPKey(nil)

				logDir := t.TempDir()
				t.Setenv("LUMOS_LOG_DIRECTORY", logDir)
				t.Setenv("LUMOS_LOG_LEVEL", "DEBUG")
				t.Setenv("LUMOS_TRACE", "1")
				req, err := json.Marshal(map[string]any{"credentials": appCreds(clientID, pemKey),
					"settings": map[string]any{"base_url": srv.URL, "oauth_dpop": "always"}, "request": map[string]any{}, "include_raw_data": true})
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

				is.Equal(len(keys), 1) // one ephemeral key for the call
				secrets := append(g.secrets(), pemKey, strings.Split(pemKey, "\n")[1])
				secrets = append(secrets, f.MintedTokens()...)
				secrets = append(secrets, keyForms(t, keys[0])...)
				is.True(len(g.secrets()) >= 2) // a proof and an assertion, at least
				g.mu.Lock()
				is.True(len(g.proofs) > 0)
				for _, p := range g.proofs {
					secrets = append(secrets, strings.Split(p, ".")[0]) // no part of a proof its signature covers
				}
				g.mu.Unlock()
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

func (g *dpopEcho) secrets() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.seen...)
}

// TestDPoPWritesUnderNonceChallenges: when the API changes its nonce
// after every request, each write is challenged and sent once more with
// the new nonce, its body included: the user is created once, with its
// group, and deleted.
func TestDPoPWritesUnderNonceChallenges(t *testing.T) {
	is := is.New(t)
	key, pemKey := newKey(t)
	e := newEnv(t, map[string]any{"oauth_scopes": "okta.users.manage okta.groups.manage"})
	e.f.AddServiceApp(clientID, &key.PublicKey, "", "okta.users.manage", "okta.groups.manage")
	e.f.RequireDPoP(clientID)
	e.f.DemandDPoPNonce(true, 1)
	e.creds = appCreds(clientID, pemKey)
	g := e.f.AddGroup(oktafake.Group{Name: "New hires"})
	env := e.ok("create_account", map[string]any{"email": "new@example.com", "given_name": "New", "family_name": "Hire",
		"entitlements": []any{map[string]any{"entitlement_type": okta.EntitlementTypeGroupMember, "integration_specific_id": g}}}, nil)
	var created toolkit.CreatedAccount
	is.NoErr(json.Unmarshal(env.Response, &created))
	u, ok := e.f.User(*created.ID)
	is.True(ok)
	is.Equal(u.Login, "new@example.com")
	is.Equal(e.f.Members(g), []string{*created.ID})
	is.Equal(len(e.f.UserIDs()), 1) // created once
	e.ok("delete_account", map[string]any{"account_id": *created.ID}, nil)
	_, ok = e.f.User(*created.ID)
	is.True(!ok)
	accepted, refused, jtis := e.f.DPoPStats()
	is.True(refused >= 4) // the token's nonce round trip, then a challenge per request
	is.Equal(jtis, accepted+refused)
}

// TestConformanceDPoP runs the toolkit's conformance suite (every listing
// drained with tampered tokens, writes, secrets) with a service app that
// requires DPoP, the API changing its nonce every seven requests.
func TestConformanceDPoP(t *testing.T) {
	scopes := append([]string{"okta.users.manage", "okta.groups.manage", "okta.roles.manage"}, readScopes...)
	key, pemKey := newKey(t)
	e := newEnv(t, map[string]any{"include_app_assignments": true, "include_deprovisioned": true, "page_size": 5, "oauth_scopes": strings.Join(scopes, " ")})
	e.f.AddServiceApp(clientID, &key.PublicKey, "", scopes...)
	e.f.RequireDPoP(clientID)
	e.f.DemandDPoPNonce(true, 7)
	e.creds = appCreds(clientID, pemKey)
	users, _, _ := seedOrg(e)
	g := e.f.AddGroup(oktafake.Group{Name: "Large"})
	for _, u := range append(users, e.f.AddUsers(20)...) {
		e.f.AddMember(g, u)
	}
	connectortest.Conformance(t, okta.Integration(), connectortest.Options{
		Request:     map[string]any{"credentials": e.creds, "settings": e.settings},
		AllowWrites: true,
		PageSize:    7,
	})
	accepted, refused, jtis := e.f.DPoPStats()
	if accepted < 50 || jtis != accepted+refused {
		t.Fatalf("DPoP proofs: %d accepted, %d refused, %d distinct jti", accepted, refused, jtis)
	}
}

// challenger is the fake behind a front that answers with nonce challenges
// of its own: at the token endpoint (a request with a proof) or at the API,
// with the nonce nonce returns for the n-th challenge ("" sends none).
type challenger struct {
	next  http.Handler
	token bool
	nonce func(n int) string

	mu sync.Mutex
	n  int
}

func (c *challenger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	isToken := r.URL.Path == "/oauth2/v1/token"
	if isToken != c.token || (isToken && r.Header.Get("DPoP") == "") {
		c.next.ServeHTTP(w, r)
		return
	}
	c.mu.Lock()
	c.n++
	nonce := c.nonce(c.n)
	c.mu.Unlock()
	if nonce != "" {
		w.Header().Set("DPoP-Nonce", nonce)
	}
	w.Header().Set("Content-Type", "application/json")
	if isToken {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"use_dpop_nonce","error_description":"Authorization server requires nonce in DPoP proof."}`)
		return
	}
	w.Header().Set("WWW-Authenticate", `DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`)
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = io.WriteString(w, `{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorCauses":[]}`)
}

// TestDPoPHostileNonces: an org that keeps asking for a nonce, hands out
// none, or one that is not a nonce, ends the call (unauthorized) after a
// bounded number of requests: one nonce round trip per request, never a
// loop.
func TestDPoPHostileNonces(t *testing.T) {
	fresh := func(n int) string { return fmt.Sprintf("nonce-%d", n) }
	cases := []struct {
		name       string
		token      bool
		nonce      func(int) string
		tokenCalls int64 // requests at the token endpoint
		apiCalls   int64 // requests at GET /api/v1/users
		want       string
	}{
		{"token_always_new", true, fresh, 3, 0, "use_dpop_nonce"},
		{"token_same", true, func(int) string { return "same" }, 3, 0, "use_dpop_nonce"},
		{"token_none", true, func(int) string { return "" }, 2, 0, "use_dpop_nonce"},
		{"token_not_a_nonce", true, func(int) string { return `bad "nonce"` }, 2, 0, "use_dpop_nonce"},
		{"token_huge", true, func(int) string { return strings.Repeat("n", 5000) }, 2, 0, "use_dpop_nonce"},
		{"api_always_new", false, fresh, 3, 2, "Invalid token"},
		{"api_none", false, func(int) string { return "" }, 3, 1, "Invalid token"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			e := newAppEnv(t, true, nil)
			e.f.AddUsers(1)
			front := &challenger{next: e.f, token: c.token, nonce: c.nonce}
			srv := httptest.NewServer(front)
			defer srv.Close()
			e.settings["base_url"] = srv.URL
			tokens := func() int64 {
				if c.token {
					return int64(front.n) + e.f.RouteRequests("POST /oauth2/v1/token")
				}
				return e.f.RouteRequests("POST /oauth2/v1/token")
			}
			e.fail("list_accounts", map[string]any{}, toolkit.ErrorCode("unauthorized"), c.want)
			is.Equal(tokens(), c.tokenCalls)
			api := e.f.RouteRequests("GET /api/v1/users")
			if !c.token {
				api = int64(front.n)
			}
			is.Equal(api, c.apiCalls)
		})
	}
}
