package oktafake_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/matryer/is"
	"github.com/okta/okta-sdk-golang/v5/okta"

	"github.com/lumosgo/lumos/connectors/okta/oktafake"
)

// This file checks the fake's DPoP side with proofs made here, by a signer
// independent of the connector's: a right proof passes and each wrong
// field is refused the way Okta refuses it. The connector's own tests then
// show that it passes every one of these checks.

var enc = base64.RawURLEncoding

// prover makes DPoP proofs with a P-256 key.
type prover struct {
	key *ecdsa.PrivateKey
	jwk map[string]any
}

func newProver(t *testing.T) *prover {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := k.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return &prover{key: k, jwk: map[string]any{"kty": "EC", "crv": "P-256", "x": enc.EncodeToString(raw[1:33]), "y": enc.EncodeToString(raw[33:])}}
}

// jws is a proof's JOSE header and claims, before signing.
type jws struct{ h, c map[string]any }

// sign makes a compact JWS of x, ES256.
func (p *prover) sign(t *testing.T, x jws) string {
	t.Helper()
	hb, _ := json.Marshal(x.h)
	cb, _ := json.Marshal(x.c)
	input := enc.EncodeToString(hb) + "." + enc.EncodeToString(cb)
	sum := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, p.key, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + enc.EncodeToString(sig)
}

// parts are a right proof's header and claims for method and htu, with
// ath for token (when not empty) and nonce (when not empty).
func (p *prover) parts(method, htu, token, nonce string) jws {
	jti := make([]byte, 12)
	_, _ = rand.Read(jti)
	head := map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": p.jwk}
	claims := map[string]any{"htm": method, "htu": htu, "iat": time.Now().Unix(), "jti": enc.EncodeToString(jti)}
	if token != "" {
		sum := sha256.Sum256([]byte(token))
		claims["ath"] = enc.EncodeToString(sum[:])
	}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	return jws{head, claims}
}

// assertion is an RS256 client assertion for the fake's token endpoint.
func assertion(t *testing.T, key *rsa.PrivateKey, client, aud string) string {
	t.Helper()
	hb, _ := json.Marshal(map[string]any{"alg": "RS256", "typ": "JWT"})
	now := time.Now()
	cb, _ := json.Marshal(map[string]any{"iss": client, "sub": client, "aud": aud, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"jti": enc.EncodeToString([]byte(now.Format(time.RFC3339Nano)))})
	input := enc.EncodeToString(hb) + "." + enc.EncodeToString(cb)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + enc.EncodeToString(sig)
}

// answer is one exchange's outcome.
type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func send(t *testing.T, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var body map[string]any
	_ = json.Unmarshal(b, &body)
	return answer{resp.StatusCode, resp.Header, body}
}

// dpopOrg is a fake with a DPoP service app and helpers to ask it for
// tokens and users.
type dpopOrg struct {
	f      *oktafake.Fake
	appKey *rsa.PrivateKey
}

const dpopClient = "0oadpopapp"

func newDPoPOrg(t *testing.T) *dpopOrg {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	f := oktafake.NewForTest(t)
	f.AddServiceApp(dpopClient, &k.PublicKey, "", "okta.users.read")
	f.RequireDPoP(dpopClient)
	f.AddUsers(2)
	return &dpopOrg{f: f, appKey: k}
}

// tokenRequest posts a token request with the given DPoP headers.
func (o *dpopOrg) tokenRequest(t *testing.T, proofs ...string) answer {
	t.Helper()
	aud := o.f.URL() + "/oauth2/v1/token"
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"okta.users.read"},
		"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion(t, o.appKey, dpopClient, aud)}}
	req, _ := http.NewRequest(http.MethodPost, aud, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, p := range proofs {
		req.Header.Add("DPoP", p)
	}
	return send(t, req)
}

// token runs the whole DPoP token exchange for p: the nonce challenge, then
// the token. It returns the token and the token endpoint's nonce.
func (o *dpopOrg) token(t *testing.T, p *prover) (string, string) {
	t.Helper()
	aud := o.f.URL() + "/oauth2/v1/token"
	first := o.tokenRequest(t, p.sign(t, p.parts("POST", aud, "", "")))
	nonce := first.header.Get("DPoP-Nonce")
	if first.status != 400 || first.body["error"] != "use_dpop_nonce" || nonce == "" {
		t.Fatalf("first proof: %d %v (nonce %q)", first.status, first.body, nonce)
	}
	got := o.tokenRequest(t, p.sign(t, p.parts("POST", aud, "", nonce)))
	if got.status != 200 || got.body["token_type"] != "DPoP" {
		t.Fatalf("token: %d %v", got.status, got.body)
	}
	return got.body["access_token"].(string), nonce
}

// users sends GET /api/v1/users?limit=1 with the Authorization and DPoP
// headers given.
func (o *dpopOrg) users(t *testing.T, authorization string, proofs ...string) answer {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, o.f.URL()+"/api/v1/users?limit=1", nil)
	req.Header.Set("Authorization", authorization)
	for _, p := range proofs {
		req.Header.Add("DPoP", p)
	}
	return send(t, req)
}

// TestDPoPTokenEndpoint: a DPoP app's token requests: without a proof,
// with a proof but no nonce, with each wrong field, and right.
func TestDPoPTokenEndpoint(t *testing.T) {
	o := newDPoPOrg(t)
	p := newProver(t)
	aud := o.f.URL() + "/oauth2/v1/token"
	_, nonce := o.token(t, p)
	cases := []struct {
		name   string
		proofs func() []string
		status int
		err    string
		desc   string
	}{
		{"missing", func() []string { return nil }, 400, "invalid_dpop_proof", "header is missing"},
		{"no_nonce", func() []string { return []string{p.sign(t, p.parts("POST", aud, "", ""))} }, 400, "use_dpop_nonce", "nonce"},
		{"stale_nonce", func() []string { return []string{p.sign(t, p.parts("POST", aud, "", "old"))} }, 400, "use_dpop_nonce", "nonce"},
		{"htu_other_path", func() []string { return []string{p.sign(t, p.parts("POST", o.f.URL()+"/oauth2/v1/tokens", "", nonce))} }, 400, "invalid_dpop_proof", "'htu'"},
		{"htm_get", func() []string { return []string{p.sign(t, p.parts("GET", aud, "", nonce))} }, 400, "invalid_dpop_proof", "'htm'"},
		{"ath_at_token_endpoint", func() []string { return []string{p.sign(t, p.parts("POST", aud, "tok", nonce))} }, 400, "invalid_dpop_proof", "'ath'"},
		{"right", func() []string { return []string{p.sign(t, p.parts("POST", aud, "", nonce))} }, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			got := o.tokenRequest(t, c.proofs()...)
			is.Equal(got.status, c.status)
			if c.status == 200 {
				is.Equal(got.body["token_type"], "DPoP")
				is.True(o.f.DPoPBound(got.body["access_token"].(string)))
				return
			}
			is.Equal(got.body["error"], c.err)
			is.True(strings.Contains(got.body["error_description"].(string), c.desc))
			if c.err == "use_dpop_nonce" {
				is.Equal(got.header.Get("DPoP-Nonce"), nonce)
			}
		})
	}
}

// TestDPoPResourceProofs: the API accepts a right proof for a DPoP-bound
// token and refuses each wrong one with 400 and WWW-Authenticate: DPoP
// error="invalid_dpop_proof", naming the field, as Okta does.
func TestDPoPResourceProofs(t *testing.T) {
	o := newDPoPOrg(t)
	p := newProver(t)
	other := newProver(t)
	tok, _ := o.token(t, p)
	htu := o.f.URL() + "/api/v1/users"
	right := func() jws { return p.parts("GET", htu, tok, "") }
	with := func(edit func(h, c map[string]any)) func() []string {
		return func() []string {
			x := right()
			edit(x.h, x.c)
			return []string{p.sign(t, x)}
		}
	}
	reused := p.sign(t, right())
	if got := o.users(t, "DPoP "+tok, reused); got.status != 200 {
		t.Fatalf("first use of a proof: %d %v", got.status, got.body)
	}
	cases := []struct {
		name   string
		auth   string
		proofs func() []string
		status int
		desc   string // part of error_description
	}{
		{"right", "", with(func(h, c map[string]any) {}), 200, ""},
		{"missing", "", func() []string { return nil }, 400, "missing"},
		{"two_proofs", "", func() []string { return []string{p.sign(t, right()), p.sign(t, right())} }, 400, "More than one"},
		{"typ_jwt", "", with(func(h, c map[string]any) { h["typ"] = "JWT" }), 400, "'typ'"},
		{"alg_rs256", "", with(func(h, c map[string]any) { h["alg"] = "RS256" }), 400, "'alg'"},
		{"alg_none", "", with(func(h, c map[string]any) { h["alg"] = "none" }), 400, "'alg'"},
		{"private_jwk", "", with(func(h, c map[string]any) {
			j := map[string]any{}
			for k, v := range p.jwk {
				j[k] = v
			}
			j["d"] = "AAAA"
			h["jwk"] = j
		}), 400, "private"},
		{"no_jwk", "", with(func(h, c map[string]any) { delete(h, "jwk") }), 400, "'jwk'"},
		{"bad_signature", "", func() []string {
			parts := strings.Split(p.sign(t, right()), ".")
			x := right()
			x.c["htm"] = "POST"
			cb, _ := json.Marshal(x.c)
			return []string{parts[0] + "." + enc.EncodeToString(cb) + "." + parts[2]}
		}, 400, "signature"},
		{"other_key", "", func() []string { return []string{other.sign(t, other.parts("GET", htu, tok, ""))} }, 400, "bound to"},
		{"htm_post", "", with(func(h, c map[string]any) { c["htm"] = "POST" }), 400, "'htm'"},
		{"htu_query", "", with(func(h, c map[string]any) { c["htu"] = htu + "?limit=1" }), 400, "'htu'"},
		{"htu_other_path", "", with(func(h, c map[string]any) { c["htu"] = o.f.URL() + "/api/v1/groups" }), 400, "'htu'"},
		{"htu_other_host", "", with(func(h, c map[string]any) { c["htu"] = "https://acme.okta.com/api/v1/users" }), 400, "'htu'"},
		{"htu_missing", "", with(func(h, c map[string]any) { delete(c, "htu") }), 400, "'htu'"},
		{"iat_old", "", with(func(h, c map[string]any) { c["iat"] = time.Now().Add(-2 * oktafake.DPoPWindow).Unix() }), 400, "'iat'"},
		{"iat_future", "", with(func(h, c map[string]any) { c["iat"] = time.Now().Add(2 * oktafake.DPoPWindow).Unix() }), 400, "'iat'"},
		{"iat_missing", "", with(func(h, c map[string]any) { delete(c, "iat") }), 400, "'iat'"},
		{"jti_missing", "", with(func(h, c map[string]any) { delete(c, "jti") }), 400, "'jti'"},
		{"jti_reused", "", func() []string { return []string{reused} }, 400, "'jti'"},
		{"ath_missing", "", with(func(h, c map[string]any) { delete(c, "ath") }), 400, "'ath'"},
		{"ath_other_token", "", with(func(h, c map[string]any) {
			sum := sha256.Sum256([]byte(tok + "x"))
			c["ath"] = enc.EncodeToString(sum[:])
		}), 400, "'ath'"},
		{"bearer_scheme", "Bearer " + tok, func() []string { return nil }, 401, ""},
		{"unknown_token", "DPoP eyUnknown", with(func(h, c map[string]any) {}), 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			auth := c.auth
			if auth == "" {
				auth = "DPoP " + tok
			}
			got := o.users(t, auth, c.proofs()...)
			is.Equal(got.status, c.status)
			switch c.status {
			case 200:
				is.Equal(got.header.Get("WWW-Authenticate"), "")
			case 401:
				is.Equal(got.body["errorCode"], "E0000011") // Okta's invalid token
			default:
				www := got.header.Get("WWW-Authenticate")
				is.True(strings.HasPrefix(www, "DPoP "))
				is.True(strings.Contains(www, `error="invalid_dpop_proof"`))
				is.True(strings.Contains(www, c.desc))
			}
		})
	}
}

// TestDPoPResourceNonce: when the API demands a nonce of its own, a proof
// without it gets 401 use_dpop_nonce with the nonce; with it, the answer.
func TestDPoPResourceNonce(t *testing.T) {
	is := is.New(t)
	o := newDPoPOrg(t)
	p := newProver(t)
	tok, asNonce := o.token(t, p)
	o.f.DemandDPoPNonce(true, 0)
	htu := o.f.URL() + "/api/v1/users"
	got := o.users(t, "DPoP "+tok, p.sign(t, p.parts("GET", htu, tok, asNonce)))
	is.Equal(got.status, 401)
	is.True(strings.Contains(got.header.Get("WWW-Authenticate"), `error="use_dpop_nonce"`))
	nonce := got.header.Get("DPoP-Nonce")
	is.True(nonce != "" && nonce != asNonce)
	got = o.users(t, "DPoP "+tok, p.sign(t, p.parts("GET", htu, tok, nonce)))
	is.Equal(got.status, 200)
	accepted, refused, jtis := o.f.DPoPStats()
	is.Equal(accepted, 2) // the token request with the nonce, then the users
	is.Equal(refused, 2)  // the token request without it, the users without it
	is.Equal(jtis, 4)
}

// TestOfficialSDKDPoP: Okta's own SDK, in private-key mode, against an app
// that requires DPoP: it asks without a proof, is refused with
// invalid_dpop_proof, signs RS256 proofs (its jwk with kid, use and alg
// members the thumbprint leaves out), follows the nonce challenge and lists
// users with the DPoP-bound token. The fake agrees with Okta's client.
func TestOfficialSDKDPoP(t *testing.T) {
	is := is.New(t)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	is.NoErr(err)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	f := oktafake.NewForTest(t)
	f.AddServiceApp("0oasdk", &key.PublicKey, "kid-1", "okta.users.read")
	f.RequireDPoP("0oasdk")
	f.AddUsers(3)
	cfg, err := okta.NewConfiguration(okta.WithOrgUrl(f.URL()), okta.WithAuthorizationMode("PrivateKey"), okta.WithClientId("0oasdk"),
		okta.WithScopes([]string{"okta.users.read"}), okta.WithPrivateKey(pemKey), okta.WithPrivateKeyId("kid-1"),
		okta.WithTestingDisableHttpsCheck(true), okta.WithCache(false))
	is.NoErr(err)
	cfg.Host = strings.TrimPrefix(f.URL(), "http://")
	users, _, err := okta.NewAPIClient(cfg).UserAPI.ListUsers(context.Background()).Execute()
	is.NoErr(err)
	is.Equal(len(users), 3)
	minted := f.MintedTokens()
	is.Equal(len(minted), 1)
	is.True(f.DPoPBound(minted[0]))
	is.Equal(f.RouteRequests("POST /oauth2/v1/token"), int64(3)) // plain, proof without nonce, proof with it
}
