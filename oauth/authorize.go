package oauth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// forCapability picks the settings of a request and checks that they
// provide capability c (a connector with several OAuth credentials may
// provide a capability for some of them only).
func (m *module) forCapability(c toolkit.CapabilityName, credentialID *string) (*Settings, error) {
	s, err := m.settingsFor(credentialID)
	if err != nil {
		return nil, err
	}
	if !s.enabled(c) {
		id := ""
		if credentialID != nil {
			id = *credentialID
		}
		return nil, errs.Newf(errs.NotImplemented, "Capability '%s' is not implemented for credential '%s'.", c, id)
	}
	return s, nil
}

// getAuthorizationURL builds
// <authorization_url>?client_id=…&response_type=code&scope=…&redirect_uri=…&state=…
// with every value quote_plus-encoded, then, with PKCE,
// &code_challenge=…&code_challenge_method=S256. form_data is ignored, as
// upstream does.
func (m *module) getAuthorizationURL(ctx context.Context, req toolkit.GetAuthorizationURLRequest) (toolkit.GetAuthorizationURLResponse, error) {
	p := req.Request
	s, err := m.forCapability(toolkit.CapGetAuthorizationURL.Name(), p.CredentialID)
	if err != nil {
		return toolkit.GetAuthorizationURLResponse{}, err
	}
	base, err := s.AuthorizationURL(ctx, req.Settings)
	if err != nil {
		return toolkit.GetAuthorizationURLResponse{}, err
	}
	scope, err := s.scopeString(ctx, req.Settings, p.Scopes)
	if err != nil {
		return toolkit.GetAuthorizationURLResponse{}, err
	}
	var verifier *string
	challenge := ""
	if s.PKCE {
		v, c, err := newPKCE()
		if err != nil {
			return toolkit.GetAuthorizationURLResponse{}, err
		}
		verifier, challenge = &v, c
	}
	return toolkit.GetAuthorizationURLResponse{Response: toolkit.AuthorizationURL{
		AuthorizationURL: authorizationURL(base, p.ClientID, scope, p.RedirectURI, p.State, challenge),
		CodeVerifier:     verifier,
	}}, nil
}

// authorizationURL writes the authorization URL; challenge is "" without
// PKCE. A base URL that already has a query gets the parameters after "&"
// (upstream always writes "?").
func authorizationURL(base, clientID, scope, redirectURI, state, challenge string) string {
	q := params{
		{"client_id", clientID},
		{"response_type", "code"},
		{"scope", scope},
		{"redirect_uri", redirectURI},
		{"state", state},
	}
	if challenge != "" {
		q = append(q, param{"code_challenge", challenge}, param{"code_challenge_method", "S256"})
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + q.encode()
}

// newPKCE returns a PKCE code verifier, base64url (unpadded) of 32 random
// bytes, and its S256 challenge, base64url (unpadded) of its SHA-256.
func newPKCE() (verifier, challenge string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	verifier = base64.RawURLEncoding.EncodeToString(b[:])
	return verifier, pkceChallenge(verifier), nil
}

// pkceChallenge is the S256 challenge of a code verifier.
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// param is one request parameter; params keep their order, as Python dicts do.
type param struct{ key, value string }

type params []param

// encode writes the parameters as upstream's urlencode(quote_via=quote_plus)
// does: in order, spaces as "+", everything but letters, digits and "-._~"
// percent-encoded.
func (ps params) encode() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(p.key))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(p.value))
	}
	return b.String()
}
