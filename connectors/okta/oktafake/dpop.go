package oktafake

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// DPoPWindow is how far a proof's iat may be from the fake's clock.
const DPoPWindow = time.Minute

// dpopState is the fake's side of DPoP (RFC 9449): which service apps
// require it, the tokens bound to a key, the nonces it hands out and the
// jti values it has seen. Its zero value is ready to use.
type dpopState struct {
	mu          sync.Mutex
	required    map[string]bool   // client ids that require DPoP
	bound       map[string]string // access token → the RFC 7638 thumbprint of its key
	jtis        map[string]bool
	asNonce     string // the token endpoint's nonce
	rsNonce     string // the API's nonce, when demanded
	demand      bool   // the API demands rsNonce in every proof
	rotateEvery int    // the API rotates rsNonce every n-th request (0: never)
	apiProofs   int    // API proofs accepted
	accepted    int
	refused     int
}

// RequireDPoP makes the service app require DPoP ("Require Demonstrating
// Proof of Possession (DPoP) header in token requests"): its token requests
// without a proof are refused with 400 invalid_dpop_proof, as Okta does.
func (f *Fake) RequireDPoP(clientID string) {
	d := &f.dpop
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.required == nil {
		d.required = map[string]bool{}
	}
	d.required[clientID] = true
}

// DemandDPoPNonce makes the API (not only the token endpoint) demand a
// nonce of its own in every proof, answering a proof without it with 401,
// WWW-Authenticate: DPoP error="use_dpop_nonce" and a DPoP-Nonce header;
// every is how often it changes that nonce (after every n-th proof it
// accepted at the API), 0 never.
func (f *Fake) DemandDPoPNonce(on bool, every int) {
	d := &f.dpop
	d.mu.Lock()
	defer d.mu.Unlock()
	d.demand, d.rotateEvery = on, every
	d.rsNonce = newNonce()
}

// DPoPStats are the proofs the fake accepted and refused (token endpoint
// and API; a request without a proof is not counted), and the distinct jti
// values of the signed proofs it has seen.
func (f *Fake) DPoPStats() (accepted, refused, jtis int) {
	d := &f.dpop
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.accepted, d.refused, len(d.jtis)
}

// DPoPBound reports whether an access token the fake issued is bound to a
// DPoP key (token_type DPoP).
func (f *Fake) DPoPBound(token string) bool {
	d := &f.dpop
	d.mu.Lock()
	defer d.mu.Unlock()
	_, ok := d.bound[token]
	return ok
}

func newNonce() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// requires reports whether the client requires DPoP.
func (d *dpopState) requires(clientID string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.required[clientID]
}

// bind records that token is bound to the key of thumbprint jkt.
func (d *dpopState) bind(token, jkt string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bound == nil {
		d.bound = map[string]string{}
	}
	d.bound[token] = jkt
}

// binding is the thumbprint a token is bound to.
func (d *dpopState) binding(token string) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	jkt, ok := d.bound[token]
	return jkt, ok
}

// refusal is why a proof is refused: an OAuth error code and description.
type refusal struct{ code, desc string }

func refuse(code, format string, args ...any) *refusal {
	return &refusal{code: code, desc: fmt.Sprintf(format, args...)}
}

// proofHead and proofClaims are the parts of a proof the fake reads.
type proofHead struct {
	Typ string          `json:"typ"`
	Alg string          `json:"alg"`
	JWK json.RawMessage `json:"jwk"`
}

type proofClaims struct {
	Htm   string          `json:"htm"`
	Htu   string          `json:"htu"`
	Iat   json.RawMessage `json:"iat"`
	Jti   string          `json:"jti"`
	Nonce *string         `json:"nonce"`
	Ath   *string         `json:"ath"`
}

// check verifies one DPoP proof as RFC 9449 section 4.3 lists it, for a
// request of method to target, presenting accessToken ("" at the token
// endpoint), with nonce the nonce the server demands ("" for none). It
// returns the thumbprint of the proof's key.
func (d *dpopState) check(proofs []string, method string, target *url.URL, accessToken, nonce string) (string, *refusal) {
	r := d.verify(proofs, method, target, accessToken, nonce)
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(proofs) == 0 {
		return "", r.why // not a proof: not counted
	}
	if r.why != nil {
		d.refused++
		return "", r.why
	}
	d.accepted++
	return r.jkt, nil
}

type verdict struct {
	jkt string
	why *refusal
}

func (d *dpopState) verify(proofs []string, method string, target *url.URL, accessToken, nonce string) verdict {
	const bad = "invalid_dpop_proof"
	switch {
	case len(proofs) == 0:
		return verdict{why: refuse(bad, "The DPoP proof JWT header is missing.")}
	case len(proofs) > 1:
		return verdict{why: refuse(bad, "More than one DPoP header was sent.")}
	}
	parts := strings.Split(proofs[0], ".")
	if len(parts) != 3 {
		return verdict{why: refuse(bad, "The DPoP proof is not a JWS in compact serialization.")}
	}
	var head proofHead
	var claims proofClaims
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &head) != nil || json.Unmarshal(cb, &claims) != nil {
		return verdict{why: refuse(bad, "The DPoP proof is malformed.")}
	}
	if head.Typ != "dpop+jwt" {
		return verdict{why: refuse(bad, "The 'typ' header of the DPoP proof JWT must be 'dpop+jwt'.")}
	}
	pub, jkt, why := parseJWK(head.JWK)
	if why != nil {
		return verdict{why: why}
	}
	if why := verifySignature(head.Alg, pub, parts[0]+"."+parts[1], sig); why != nil {
		return verdict{why: why}
	}
	if why := checkClaims(claims, method, target, accessToken); why != nil {
		return verdict{why: why}
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.jtis == nil {
		d.jtis = map[string]bool{}
	}
	if d.jtis[claims.Jti] {
		return verdict{why: refuse(bad, "The 'jti' claim of the DPoP proof JWT was used before.")}
	}
	d.jtis[claims.Jti] = true // a signed proof is spent, even when its nonce is refused below
	if nonce != "" && (claims.Nonce == nil || *claims.Nonce != nonce) {
		return verdict{why: refuse("use_dpop_nonce", "Authorization server requires nonce in DPoP proof.")}
	}
	return verdict{jkt: jkt}
}

// checkClaims checks htm, htu, iat, jti and ath.
func checkClaims(c proofClaims, method string, target *url.URL, accessToken string) *refusal {
	const bad = "invalid_dpop_proof"
	var iat int64
	if err := json.Unmarshal(c.Iat, &iat); err != nil {
		return refuse(bad, "The 'iat' claim of the DPoP proof JWT is missing or not a number.")
	}
	switch skew := time.Since(time.Unix(iat, 0)); {
	case c.Htm != method:
		return refuse(bad, "'htm' claim in the DPoP proof JWT is invalid.")
	case !sameHTU(c.Htu, target):
		return refuse(bad, "'htu' claim in the DPoP proof JWT is invalid.")
	case skew > DPoPWindow || skew < -DPoPWindow:
		return refuse(bad, "The DPoP proof JWT was issued outside the accepted window ('iat').")
	case len(c.Jti) < 8:
		return refuse(bad, "The 'jti' claim of the DPoP proof JWT is missing or too short.")
	}
	if accessToken == "" {
		if c.Ath != nil {
			return refuse(bad, "The token request's DPoP proof must not have an 'ath' claim.")
		}
		return nil
	}
	sum := sha256.Sum256([]byte(accessToken))
	if c.Ath == nil || *c.Ath != base64.RawURLEncoding.EncodeToString(sum[:]) {
		return refuse(bad, "'ath' claim in the DPoP proof JWT is invalid.")
	}
	return nil
}

// sameHTU compares a proof's htu with the request's URL as RFC 9449
// section 4.3 asks: no query or fragment, scheme and host without regard
// to case, and the path compared decoded (as Okta compares it).
func sameHTU(htu string, target *url.URL) bool {
	u, err := url.Parse(htu)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || strings.Contains(htu, "?") || strings.Contains(htu, "#") {
		return false
	}
	path, want := u.Path, target.Path
	if path == "" {
		path = "/"
	}
	if want == "" {
		want = "/"
	}
	return strings.EqualFold(u.Scheme, target.Scheme) && strings.EqualFold(u.Host, target.Host) && path == want
}

// parseJWK reads the public key of a proof's header and its RFC 7638
// thumbprint: an EC P-256 or RSA public key, never one with private parts.
func parseJWK(raw json.RawMessage) (crypto.PublicKey, string, *refusal) {
	const bad = "invalid_dpop_proof"
	var k struct{ Kty, Crv, X, Y, N, E, D string }
	if len(raw) == 0 || json.Unmarshal(raw, &k) != nil {
		return nil, "", refuse(bad, "The 'jwk' header of the DPoP proof JWT is missing or not a JWK.")
	}
	if k.D != "" {
		return nil, "", refuse(bad, "The 'jwk' header of the DPoP proof JWT holds a private key.")
	}
	dec := base64.RawURLEncoding
	var canon string
	var pub crypto.PublicKey
	switch k.Kty {
	case "EC":
		x, err1 := dec.DecodeString(k.X)
		y, err2 := dec.DecodeString(k.Y)
		if k.Crv != "P-256" || err1 != nil || err2 != nil || len(x) != 32 || len(y) != 32 {
			return nil, "", refuse(bad, "The 'jwk' header of the DPoP proof JWT is not a P-256 key.")
		}
		p, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, "", refuse(bad, "The 'jwk' header of the DPoP proof JWT is not a point of P-256.")
		}
		pub = p
		canon = fmt.Sprintf(`{"crv":"P-256","kty":"EC","x":"%s","y":"%s"}`, k.X, k.Y)
	case "RSA":
		n, err1 := dec.DecodeString(k.N)
		e, err2 := dec.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(n) < 256 || len(e) == 0 || len(e) > 4 {
			return nil, "", refuse(bad, "The 'jwk' header of the DPoP proof JWT is not an RSA key of 2048 bits or more.")
		}
		pub = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
		canon = fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, k.E, k.N)
	default:
		return nil, "", refuse(bad, "The 'jwk' header of the DPoP proof JWT has an unsupported kty.")
	}
	sum := sha256.Sum256([]byte(canon))
	return pub, base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

// verifySignature checks a JWS signature made with ES256 (r and s, 32
// bytes each) or RS256 (PKCS #1 v1.5), the key's type matching alg.
func verifySignature(alg string, pub crypto.PublicKey, input string, sig []byte) *refusal {
	const bad = "invalid_dpop_proof"
	sum := sha256.Sum256([]byte(input))
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if alg != "ES256" {
			return refuse(bad, "The 'alg' header of the DPoP proof JWT does not match its key.")
		}
		if len(sig) != 64 || !ecdsa.Verify(k, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
			return refuse(bad, "The DPoP proof JWT signature is invalid.")
		}
	case *rsa.PublicKey:
		if alg != "RS256" {
			return refuse(bad, "The 'alg' header of the DPoP proof JWT does not match its key.")
		}
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum[:], sig) != nil {
			return refuse(bad, "The DPoP proof JWT signature is invalid.")
		}
	}
	return nil
}

// tokenProof checks the DPoP proof of a token request for clientID: none
// is needed unless the app requires DPoP; a proof, once sent, must be
// right and carry the token endpoint's nonce. It answers a refusal itself
// and returns the thumbprint to bind the token to ("" for a bearer token)
// and whether to go on.
func (f *Fake) tokenProof(w http.ResponseWriter, r *http.Request, clientID string) (string, bool) {
	d := &f.dpop
	proofs := r.Header.Values("DPoP")
	if len(proofs) == 0 && !d.requires(clientID) {
		return "", true
	}
	d.mu.Lock()
	if d.asNonce == "" {
		d.asNonce = newNonce()
	}
	nonce := d.asNonce
	d.mu.Unlock()
	target := &url.URL{Scheme: "http", Host: r.Host, Path: tokenPath}
	jkt, why := d.check(proofs, http.MethodPost, target, "", nonce)
	if why == nil {
		return jkt, true
	}
	if why.code == "use_dpop_nonce" {
		w.Header().Set("DPoP-Nonce", nonce)
	}
	oauthError(w, http.StatusBadRequest, why.code, why.desc)
	return "", false
}

// apiAuthz authorizes an API request made with "Authorization: DPoP
// <token>": the token must be one the fake bound to a key, and the request's
// proof must be right, made with that key and, when demanded, carry the
// API's nonce. A refused proof is answered with 400 and WWW-Authenticate:
// DPoP error="invalid_dpop_proof" (Okta's way), a missing nonce with 401 and
// error="use_dpop_nonce".
func (f *Fake) apiAuthz(r *http.Request, token string) authz {
	d := &f.dpop
	jkt, bound := d.binding(token)
	f.mu.Lock()
	scopes, found := f.bearers[token]
	f.mu.Unlock()
	if !found || !bound {
		return authz{}
	}
	d.mu.Lock()
	nonce := ""
	if d.demand {
		nonce = d.rsNonce
	}
	d.mu.Unlock()
	target := &url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path}
	got, why := d.check(r.Header.Values("DPoP"), r.Method, target, token, nonce)
	if why == nil && got != jkt {
		why = refuse("invalid_dpop_proof", "The DPoP proof JWT was not signed with the key the access token is bound to.")
	}
	if why == nil {
		d.mu.Lock()
		d.apiProofs++
		if d.demand && d.rotateEvery > 0 && d.apiProofs%d.rotateEvery == 0 {
			d.rsNonce = newNonce() // the next request is challenged
		}
		d.mu.Unlock()
		return authz{ok: true, scopes: scopes, bearer: true}
	}
	return authz{refuse: func(w http.ResponseWriter) {
		status := http.StatusBadRequest
		if why.code == "use_dpop_nonce" {
			status = http.StatusUnauthorized
			w.Header().Set("DPoP-Nonce", nonce)
		}
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`DPoP algs="ES256 RS256", error=%q, error_description=%q`, why.code, why.desc))
		f.fail(w, status, why.code, why.desc)
	}}
}

// issue makes an access token with scopes, bound to jkt when it is set.
func (f *Fake) issue(scopes []string, jkt string) (token, tokenType string) {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	token = "eyFakeAccess" + hex.EncodeToString(b)
	f.bearers[token] = scopes
	if jkt == "" {
		return token, "Bearer"
	}
	f.dpop.bind(token, jkt)
	return token, "DPoP"
}

// tokenPath is the org authorization server's token endpoint.
const tokenPath = "/oauth2/v1/token"
