package okta

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/asn1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// Values of the oauth_dpop setting.
const (
	DPoPAuto   = "auto"   // a plain token request first; DPoP when Okta says the app requires it
	DPoPAlways = "always" // every token request carries a DPoP proof
	DPoPNever  = "never"  // bearer tokens only; an app that requires DPoP is refused
)

// dpopHeader is the request header of a DPoP proof, and dpopNonceHeader
// the response header of a server's nonce (RFC 9449 sections 4.1 and 8).
const (
	dpopHeader      = "DPoP"
	dpopNonceHeader = "DPoP-Nonce"
)

// onDPoPKey lets the leak tests see each ephemeral key (to look for it in
// every output); nil in production.
var onDPoPKey func(*ecdsa.PrivateKey)

// b64 is base64url without padding, the encoding of every JWS part.
var b64 = base64.RawURLEncoding

// dpopKey is a call's ephemeral P-256 key pair and the nonce the org last
// handed out. The key lives in memory only: it is made when the call needs
// it and is never written, logged or sent (only its public half, in each
// proof's header).
type dpopKey struct {
	priv   *ecdsa.PrivateKey
	header string // the base64url JOSE header shared by every proof: typ, alg, jwk

	mu    sync.Mutex
	nonce string
}

// newDPoPKey makes a fresh key pair, registering its private scalar as a
// secret of the call.
func newDPoPKey(ctx context.Context) (*dpopKey, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("making a DPoP key: %w", err)
	}
	if d, err := priv.Bytes(); err == nil {
		toolkit.AddSecret(ctx, b64.EncodeToString(d)) // the form a JWK would carry it in ("d"); it is never written at all
	}
	if onDPoPKey != nil {
		onDPoPKey(priv)
	}
	jwk, err := publicJWK(&priv.PublicKey)
	if err != nil {
		return nil, err
	}
	head, err := json.Marshal(map[string]any{"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk})
	if err != nil {
		return nil, err
	}
	k := &dpopKey{priv: priv, header: b64.EncodeToString(head)}
	// Every proof of the call starts with this header, which no other text
	// holds (it carries the call's own public key): as a secret it masks
	// the start of any proof, leaving text whose signature cannot be
	// checked or used. One secret per call, rather than one per proof,
	// keeps the masking of a page's output as cheap as with a bearer token
	// (see BenchmarkDPoPDrainBinary).
	toolkit.AddSecret(ctx, k.header)
	return k, nil
}

// publicJWK is the JWK of a P-256 public key (RFC 7518 section 6.2.1):
// exactly the members its RFC 7638 thumbprint is made of.
func publicJWK(pub *ecdsa.PublicKey) (map[string]string, error) {
	raw, err := pub.Bytes() // 0x04 || X || Y, 32 bytes each
	if err != nil || len(raw) != 65 {
		return nil, errors.New("encoding the DPoP public key failed")
	}
	return map[string]string{"kty": "EC", "crv": "P-256", "x": b64.EncodeToString(raw[1:33]), "y": b64.EncodeToString(raw[33:])}, nil
}

// currentNonce is the nonce to put in the next proof ("" for none yet).
func (k *dpopKey) currentNonce() string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.nonce
}

// learn keeps the nonce of an answer's DPoP-Nonce header, if any: a server
// may hand out a new one with any answer (RFC 9449 section 8.2).
func (k *dpopKey) learn(h http.Header) {
	if n := strings.TrimSpace(h.Get(dpopNonceHeader)); n != "" && validNonce(n) {
		k.mu.Lock()
		k.nonce = n
		k.mu.Unlock()
	}
}

// validNonce accepts the nonce syntax of RFC 9449 section 8.1 (NQCHAR:
// printable ASCII but the double quote and the backslash).
func validNonce(n string) bool {
	for i := 0; i < len(n); i++ {
		if c := n[i]; c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return len(n) <= 1024
}

// proof signs a DPoP proof JWT (RFC 9449 section 4.2) for one request:
// htm and htu, the time, a random jti, the current nonce if any and, for
// a request carrying an access token, ath (the token's SHA-256, base64url).
func (k *dpopKey) proof(method, htu, accessToken, nonce string) (string, error) {
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	claims := map[string]any{"htm": method, "htu": htu, "iat": now().Unix(), "jti": b64.EncodeToString(jti)}
	if nonce != "" {
		claims["nonce"] = nonce
	}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims["ath"] = b64.EncodeToString(sum[:])
	}
	body, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := k.header + "." + b64.EncodeToString(body)
	sig, err := signES256(k.priv, input)
	if err != nil {
		return "", err
	}
	return input + "." + b64.EncodeToString(sig), nil
}

// signES256 signs input with ES256 (RFC 7518 section 3.4): the SHA-256 of
// the input signed with ECDSA P-256, the signature being r and s as two
// 32-byte big-endian numbers, not the ASN.1 structure crypto/ecdsa makes.
func signES256(priv *ecdsa.PrivateKey, input string) ([]byte, error) {
	sum := sha256.Sum256([]byte(input))
	der, err := ecdsa.SignASN1(rand.Reader, priv, sum[:])
	if err != nil {
		return nil, fmt.Errorf("signing a DPoP proof: %w", err)
	}
	var rs struct{ R, S *big.Int }
	if rest, err := asn1.Unmarshal(der, &rs); err != nil || len(rest) > 0 || rs.R.Sign() <= 0 || rs.S.Sign() <= 0 ||
		rs.R.BitLen() > 256 || rs.S.BitLen() > 256 {
		return nil, errors.New("signing a DPoP proof: unexpected ECDSA signature")
	}
	out := make([]byte, 64)
	rs.R.FillBytes(out[:32])
	rs.S.FillBytes(out[32:])
	return out, nil
}

// htuOf is a request URL as a proof's htu: scheme, host and path, without
// query or fragment (RFC 9449 section 4.2). The path is written the way Go
// writes a decoded path, with only the characters that must be escaped
// escaped, as Okta compares htu with the path it decoded.
func htuOf(u *url.URL) string {
	v := url.URL{Scheme: strings.ToLower(u.Scheme), Host: strings.ToLower(u.Host), Path: u.Path}
	if v.Path == "" {
		v.Path = "/"
	}
	return v.String()
}

// dpopChallenge reads a WWW-Authenticate header: whether it is a DPoP
// challenge, and its error and error_description parameters.
func dpopChallenge(h http.Header) (isDPoP bool, code, desc string) {
	for _, v := range h.Values("WWW-Authenticate") {
		params, ok := dpopParams(v)
		if !ok {
			continue
		}
		return true, authParam(params, "error"), authParam(params, "error_description")
	}
	return false, "", ""
}

// dpopParams finds the DPoP challenge in one WWW-Authenticate value (which
// may list several schemes) and returns its parameters (and what follows
// them).
func dpopParams(v string) (string, bool) {
	const scheme = "dpop"
	for i := 0; i+len(scheme) <= len(v); i++ {
		end := i + len(scheme)
		if !strings.EqualFold(v[i:end], scheme) { // byte by byte: ASCII only, so indices stay v's
			continue
		}
		before := i == 0 || v[i-1] == ' ' || v[i-1] == ','
		after := end == len(v) || v[end] == ' '
		if before && after && !strings.HasSuffix(strings.TrimRight(v[:i], " "), "=") {
			return v[end:], true
		}
	}
	return "", false
}

// authParam is the value of one name="value" (or name=token) parameter of
// a challenge, "" when absent.
func authParam(params, name string) string {
	for rest := params; rest != ""; {
		rest = strings.TrimLeft(rest, " ,")
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return ""
		}
		key = strings.TrimSpace(key)
		var val string
		if strings.HasPrefix(after, `"`) {
			end := 1
			for end < len(after) && after[end] != '"' {
				if after[end] == '\\' {
					end++
				}
				end++
			}
			val = strings.ReplaceAll(after[1:min(end, len(after))], `\`, "")
			rest = after[min(end+1, len(after)):]
		} else {
			val, rest, _ = strings.Cut(after, ",")
			val = strings.TrimSpace(val)
		}
		if strings.EqualFold(key, name) {
			return val
		}
	}
	return ""
}

// dpopTransport adds a fresh DPoP proof to every request to the org's
// origin, on every attempt: each retry (after a rate limit, a 5xx or a
// broken connection) and each page is signed again with a new jti. The
// httpclient's Auth runs once per request, before the first attempt, so the
// proof cannot be made there. For API requests (token set), when the org
// answers with a nonce challenge (WWW-Authenticate: DPoP
// error="use_dpop_nonce" and a new DPoP-Nonce), the request is sent once
// more with the new nonce (charged to the call's budget); a refused proof
// (error="invalid_dpop_proof") becomes an unauthorized error naming Okta's
// reason.
type dpopTransport struct {
	next   http.RoundTripper
	key    *dpopKey
	origin *url.URL
	token  string // the DPoP-bound access token; "" at the token endpoint
}

// dpopBase is the transport under every dpopTransport: a pooled transport
// set up as the HTTP client's own (connect timeout, idle connections per
// host, proxy variables).
var dpopBase = sync.OnceValue(func() http.RoundTripper {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: httpclient.DefaultConnectTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = httpclient.DefaultConnectTimeout
	t.MaxIdleConnsPerHost = 16
	return t
})

// RoundTrip sends one attempt with a proof, and once more after a nonce
// challenge.
func (t *dpopTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !sameOrigin(req.URL, t.origin) {
		return t.next.RoundTrip(req) // a redirect elsewhere: no credential goes along
	}
	sent := t.key.currentNonce()
	resp, err := t.send(req, sent)
	if err != nil || t.token == "" {
		return resp, err // the token endpoint's answers are read by mintToken
	}
	isDPoP, code, desc := dpopChallenge(resp.Header)
	if !isDPoP || resp.StatusCode < 400 {
		return resp, nil
	}
	switch {
	case code == "use_dpop_nonce" && t.key.currentNonce() != sent && rewindable(req):
		drain(resp)
		if s := toolkit.SpendingOf(req.Context()); s != nil {
			if err := s.Request(); err != nil {
				return nil, err
			}
		}
		again := req
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			again = req.Clone(req.Context())
			again.Body = body
		}
		toolkit.Logger(req.Context()).Debug("upstream asked for a DPoP nonce: sending the request again with it",
			"method", req.Method, "url", errs.URLWithoutQuery(req.URL.String()))
		return t.send(again, t.key.currentNonce())
	case code == "invalid_dpop_proof":
		drain(resp)
		if len(desc) > 300 {
			desc = strings.ToValidUTF8(desc[:300], "") + "…"
		}
		return nil, errs.Newf(errs.Unauthorized, "Okta refused the DPoP proof of %s %s (%d, invalid_dpop_proof: %s).",
			req.Method, errs.URLWithoutQuery(req.URL.String()), resp.StatusCode, desc)
	}
	return resp, nil
}

// send signs a proof for req with nonce and sends it; the answer's nonce,
// if any, is kept for the next proofs.
func (t *dpopTransport) send(req *http.Request, nonce string) (*http.Response, error) {
	proof, err := t.key.proof(req.Method, htuOf(req.URL), t.token, nonce)
	if err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	out := req.Clone(req.Context())
	out.Header.Set(dpopHeader, proof)
	resp, err := t.next.RoundTrip(out)
	if resp != nil {
		t.key.learn(resp.Header)
	}
	return resp, err
}

// rewindable reports whether req's body can be sent again.
func rewindable(req *http.Request) bool {
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

// drain reads what is left of a small answer and closes it, so that the
// connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}

// sameOrigin reports whether a and b have the same scheme, host and port.
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && portOf(a) == portOf(b)
}

func portOf(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "http") {
		return "80"
	}
	return "443"
}
