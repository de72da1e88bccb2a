package okta

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/json"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/matryer/is"
)

// TestDPoPChallenge reads the DPoP challenge of WWW-Authenticate values.
func TestDPoPChallenge(t *testing.T) {
	cases := []struct {
		name       string
		values     []string
		isDPoP     bool
		code, desc string
	}{
		{"nonce", []string{`DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"`}, true, "use_dpop_nonce", "Resource server requires nonce in DPoP proof"},
		{"algs_first", []string{`DPoP algs="ES256 RS256", error="invalid_dpop_proof", error_description="'htu' claim in the DPoP proof JWT is invalid."`}, true, "invalid_dpop_proof", "'htu' claim in the DPoP proof JWT is invalid."},
		{"token_value", []string{`DPoP error=use_dpop_nonce`}, true, "use_dpop_nonce", ""},
		{"lower_case", []string{`dpop error="use_dpop_nonce"`}, true, "use_dpop_nonce", ""},
		{"after_bearer", []string{`Bearer realm="okta", DPoP error="invalid_dpop_proof"`}, true, "invalid_dpop_proof", ""},
		{"second_header", []string{`Bearer realm="okta"`, `DPoP error="invalid_dpop_proof"`}, true, "invalid_dpop_proof", ""},
		{"escaped_quote", []string{`DPoP error="invalid_dpop_proof", error_description="a \"quoted\" word"`}, true, "invalid_dpop_proof", `a "quoted" word`},
		{"bearer_only", []string{`Bearer error="invalid_token"`}, false, "", ""},
		{"dpop_as_a_value", []string{`Bearer realm=dpop`}, false, "", ""},
		{"none", nil, false, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			h := http.Header{}
			for _, v := range c.values {
				h.Add("WWW-Authenticate", v)
			}
			isDPoP, code, desc := dpopChallenge(h)
			is.Equal(isDPoP, c.isDPoP)
			is.Equal(code, c.code)
			is.Equal(desc, c.desc)
		})
	}
}

// TestDPoPProof: a proof's header and claims, and its ES256 signature (r
// and s, 32 bytes each) verifies with the public key of its jwk.
func TestDPoPProof(t *testing.T) {
	k, err := newDPoPKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, method, raw, token, nonce string
		htu                             string
	}{
		{"token_endpoint", "POST", "https://acme.okta.com/oauth2/v1/token", "", "", "https://acme.okta.com/oauth2/v1/token"},
		{"query_and_fragment_dropped", "GET", "https://ACME.okta.com/api/v1/users?limit=200&after=00u1#x", "tok", "n-1", "https://acme.okta.com/api/v1/users"},
		{"path_decoded", "GET", "https://acme.okta.com/api/v1/users/a%40example.com", "tok", "", "https://acme.okta.com/api/v1/users/a@example.com"},
		{"port_kept", "DELETE", "http://127.0.0.1:8080/api/v1/users/00u1", "tok", "", "http://127.0.0.1:8080/api/v1/users/00u1"},
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			u, err := url.Parse(c.raw)
			is.NoErr(err)
			p, err := k.proof(c.method, htuOf(u), c.token, c.nonce)
			is.NoErr(err)
			parts := strings.Split(p, ".")
			is.Equal(len(parts), 3)
			var head struct {
				Typ, Alg string
				JWK      map[string]string
			}
			var claims map[string]any
			hb, _ := b64.DecodeString(parts[0])
			cb, _ := b64.DecodeString(parts[1])
			is.NoErr(json.Unmarshal(hb, &head))
			is.NoErr(json.Unmarshal(cb, &claims))
			is.Equal(head.Typ, "dpop+jwt")
			is.Equal(head.Alg, "ES256")
			is.Equal(len(head.JWK), 4) // kty, crv, x, y: no private member
			is.Equal(head.JWK["kty"], "EC")
			is.Equal(claims["htm"], c.method)
			is.Equal(claims["htu"], c.htu)
			jti, _ := claims["jti"].(string)
			is.True(len(jti) >= 16 && !seen[jti])
			seen[jti] = true
			_, hasAth := claims["ath"]
			is.Equal(hasAth, c.token != "")
			if c.token != "" {
				sum := sha256.Sum256([]byte(c.token))
				is.Equal(claims["ath"], b64.EncodeToString(sum[:]))
			}
			nonce, _ := claims["nonce"].(string)
			is.Equal(nonce, c.nonce)
			sig, _ := b64.DecodeString(parts[2])
			is.Equal(len(sig), 64)
			sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			is.True(ecdsa.Verify(&k.priv.PublicKey, sum[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])))
		})
	}
}

// FuzzDPoPChallenge: any WWW-Authenticate value is read without a panic
// or an endless loop, and what is read out of it is no longer than it.
func FuzzDPoPChallenge(f *testing.F) {
	for _, s := range []string{`DPoP error="use_dpop_nonce"`, `Bearer realm="x", DPoP algs="ES256", error=invalid_dpop_proof`, `DPoP error="a\"b`, `DPoP ,,=,"`, `dpop`, "\u0130\u0130 DPoP error=x", "\u0130dpop"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		_, code, desc := dpopChallenge(http.Header{"Www-Authenticate": {v}})
		if len(code) > len(v) || len(desc) > len(v) {
			t.Fatalf("%q: read error %q, description %q", v, code, desc)
		}
	})
}

// TestAcceptToken: the token's type decides how it is sent; a type the
// connector cannot send is an api_error.
func TestAcceptToken(t *testing.T) {
	key, err := newDPoPKey(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		typ      string
		key      *dpopKey
		token    string
		wantKey  bool
		wantFail bool
	}{
		{"bearer", "Bearer", nil, "t", false, false},
		{"untyped", "", nil, "t", false, false},
		{"bearer_after_proof", "bearer", key, "t", false, false},
		{"dpop", "DPoP", key, "t", true, false},
		{"dpop_without_proof", "DPoP", nil, "t", false, true},
		{"unknown_type", "N_A", key, "t", false, true},
		{"no_token", "DPoP", key, "", false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			tok, k, err := acceptToken(tokenResponse{TokenType: c.typ, AccessToken: c.token}, c.key)
			is.Equal(err != nil, c.wantFail)
			is.Equal(k != nil, c.wantKey)
			if !c.wantFail {
				is.Equal(tok, c.token)
			}
		})
	}
}
