package oktafake

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// oauthError answers a token request with an OAuth 2.0 error.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	writeJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

// token is the org authorization server's token endpoint: the
// client-credentials grant with a private-key JWT client assertion
// (RS256), as Okta serves it to service apps, and DPoP (RFC 9449): a
// request with a proof (required for an app marked with RequireDPoP) gets a
// token bound to the proof's key, token_type DPoP. The assertion is checked
// (and its jti spent) before the proof.
func (f *Fake) token(w http.ResponseWriter, r *http.Request) {
	// Okta reads the parameters from the form body or, as Okta's own Go
	// SDK sends them, from the query.
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The request body is not a form.")
		return
	}
	if r.Form.Get("grant_type") != "client_credentials" {
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Only client_credentials is served.")
		return
	}
	if r.Form.Get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "A private-key JWT client assertion is required.")
		return
	}
	clientID, msg := f.checkAssertion(r.Form.Get("client_assertion"), "http://"+r.Host+"/oauth2/v1/token")
	if msg != "" {
		oauthError(w, http.StatusUnauthorized, "invalid_client", msg)
		return
	}
	jkt, ok := f.tokenProof(w, r, clientID)
	if !ok {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	granted := f.clients[clientID].scopes
	asked := strings.Fields(r.Form.Get("scope"))
	if len(asked) == 0 {
		oauthError(w, http.StatusBadRequest, "invalid_scope", "No scope was requested.")
		return
	}
	for _, s := range asked {
		ok := false
		for _, g := range granted {
			ok = ok || g == s
		}
		if !ok {
			oauthError(w, http.StatusBadRequest, "invalid_scope", "The following scopes are not allowed: "+s)
			return
		}
	}
	tok, typ := f.issue(asked, jkt)
	writeJSON(w, http.StatusOK, map[string]any{"token_type": typ, "expires_in": 3600, "access_token": tok, "scope": strings.Join(asked, " ")})
}

// checkAssertion verifies a client assertion: RS256 signed by the client's
// registered key (matching kid when both have one), iss and sub the client
// id, aud the token endpoint (as the request named its host), not expired
// and at most an hour (and a minute of skew) ahead, jti (optional) not seen
// before. It returns
// the client id, or why the assertion is refused.
func (f *Fake) checkAssertion(jwt, aud string) (string, string) {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "", "The client_assertion is not a JWT."
	}
	var head struct{ Alg, Kid string }
	var claims struct {
		Iss, Sub, Aud, Jti string
		Exp, Iat           int64
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	cb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &head) != nil || json.Unmarshal(cb, &claims) != nil {
		return "", "The client_assertion is malformed."
	}
	f.mu.Lock()
	c, ok := f.clients[claims.Iss]
	f.mu.Unlock()
	switch {
	case head.Alg != "RS256":
		return "", "The client_assertion must be signed with RS256."
	case !ok || claims.Sub != claims.Iss:
		return "", "The client_id is unknown, or iss and sub differ."
	case claims.Aud != aud:
		return "", "The audience of the client_assertion is not the token endpoint."
	case claims.Exp < time.Now().Unix() || claims.Exp > time.Now().Add(time.Hour+time.Minute).Unix():
		return "", "The client_assertion is expired or lives longer than an hour."
	case c.kid != "" && head.Kid != "" && head.Kid != c.kid:
		return "", "No key of the client has the kid of the client_assertion."
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(c.key, crypto.SHA256, sum[:], sig) != nil {
		return "", "The client_assertion signature is invalid."
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if claims.Jti != "" && f.jtis[claims.Jti] { // jti is optional; once given, single use
		return "", "The client_assertion jti was used before."
	}
	if claims.Jti != "" {
		f.jtis[claims.Jti] = true
	}
	return claims.Iss, ""
}
