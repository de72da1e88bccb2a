package okta

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// now is the connector's clock for client assertions; tests replace it.
var now = time.Now

// tokenPath is the org authorization server's token endpoint, the only one
// that issues tokens for Okta's management API.
const tokenPath = "/oauth2/v1/token"

// assertionType is the client_assertion_type of a private-key JWT (RFC 7523).
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// serviceApp is a parsed service_app credential.
type serviceApp struct {
	clientID string
	key      *rsa.PrivateKey
}

// parseServiceApp reads the client id and the PEM RSA private key
// (PKCS#1 or PKCS#8).
func parseServiceApp(kp *toolkit.KeyPairCredential) (*serviceApp, error) {
	id := strings.TrimSpace(kp.KeyIdentifier)
	if id == "" {
		return nil, errors.New("key_identifier is empty: set it to the service app's client id")
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(kp.PrivateKey)))
	if block == nil {
		return nil, errors.New("private_key is not a PEM block: paste the RSA private key, -----BEGIN PRIVATE KEY----- included")
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("private_key is not a valid PKCS#1 RSA key")
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("private_key is not a valid PKCS#8 key")
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("private_key is not an RSA key; the client assertion is signed with RS256")
		}
		key = rk
	default:
		return nil, fmt.Errorf("private_key is a %q PEM block, not a private key", block.Type)
	}
	return &serviceApp{clientID: id, key: key}, nil
}

// assertion signs the client assertion for the token endpoint aud: RS256,
// iss and sub the client id, a random jti, valid five minutes.
func (a *serviceApp) assertion(aud, kid string) (string, error) {
	t := now()
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return "", err
	}
	tok, err := oauth.SignRS256(a.key, kid, map[string]any{"iss": a.clientID, "sub": a.clientID, "aud": aud,
		"iat": t.Unix(), "exp": t.Add(5 * time.Minute).Unix(), "jti": hex.EncodeToString(jti)})
	if err != nil {
		return "", errors.New("signing the client assertion failed")
	}
	return tok, nil
}

// validateServiceApp is validate_credential_config's check of the
// service_app credential: the key parses and signs (nothing is sent).
func validateServiceApp(_ context.Context, cred toolkit.AuthCredential) (toolkit.ValidatedCredentialConfig, error) {
	if cred.KeyPair == nil {
		return toolkit.ValidatedCredentialConfig{Valid: false, ValidationErrors: []string{"The service_app credential needs key_pair."}}, nil
	}
	a, err := parseServiceApp(cred.KeyPair)
	if err == nil {
		_, err = a.assertion("https://example.okta.com"+tokenPath, "")
	}
	if err != nil {
		return toolkit.ValidatedCredentialConfig{Valid: false, ValidationErrors: []string{err.Error()}}, nil
	}
	return toolkit.ValidatedCredentialConfig{Valid: true, ValidationErrors: []string{}}, nil
}

// tokenResponse is the token endpoint's answer.
type tokenResponse struct {
	TokenType   string `json:"token_type"`
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// mintToken runs the client-credentials grant with a private-key JWT client
// assertion at the org's token endpoint and returns the access token and,
// for a DPoP-bound token, the key it is bound to (nil for a bearer token).
// The private key, every assertion, the DPoP key (and with it the header
// every proof starts with, see newDPoPKey) and the token are secrets of the
// call from the moment they exist (toolkit.AddSecret).
//
// With oauth_dpop auto the first request carries no proof, as for an app
// that does not require DPoP (nothing more is sent for one); Okta's answer
// invalid_dpop_proof (an app that requires it) makes a key and asks again
// with a proof. With always, the first request carries one. Okta answers
// a first proof with use_dpop_nonce and a DPoP-Nonce: the request is made
// once more with the nonce in the proof. Each request has a new client
// assertion (and jti), so no assertion is presented twice.
func mintToken(ctx context.Context, s Settings, kp *toolkit.KeyPairCredential) (string, *dpopKey, error) {
	toolkit.AddSecret(ctx, kp.PrivateKey)
	if k := strings.TrimSpace(kp.PrivateKey); k != kp.PrivateKey {
		toolkit.AddSecret(ctx, k)
	}
	a, err := parseServiceApp(kp)
	if err != nil {
		return "", nil, errs.Wrap(err, errs.BadRequest, "Invalid Okta service_app credential: "+err.Error()+".")
	}
	var key *dpopKey
	if s.OAuthDPoP == DPoPAlways {
		if key, err = newDPoPKey(ctx); err != nil {
			return "", nil, err
		}
	}
	nonceAsked := false
	for {
		tok, err := requestToken(ctx, s, a, key)
		if err == nil {
			return acceptToken(tok, key)
		}
		switch refusal := oauthRefusal(err); {
		case key == nil && s.OAuthDPoP == DPoPAuto && refusal == "invalid_dpop_proof":
			if key, err = newDPoPKey(ctx); err != nil {
				return "", nil, err
			}
		case key != nil && refusal == "use_dpop_nonce" && !nonceAsked && key.currentNonce() != "":
			nonceAsked = true
		default:
			return "", nil, tokenError(err, s.OAuthDPoP, key != nil)
		}
	}
}

// requestToken makes one token request (with a new client assertion, and
// a DPoP proof when key is set) and decodes the answer.
func requestToken(ctx context.Context, s Settings, a *serviceApp, key *dpopKey) (tokenResponse, error) {
	var tok tokenResponse
	jwt, err := a.assertion(s.BaseURL+tokenPath, s.OAuthKeyID)
	if err != nil {
		return tok, errs.Wrap(err, errs.BadRequest, "Invalid Okta service_app credential: "+err.Error()+".")
	}
	toolkit.AddSecret(ctx, jwt)
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {s.OAuthScopes},
		"client_assertion_type": {assertionType}, "client_assertion": {jwt}}
	var dp *dpopTransport
	if key != nil {
		dp = &dpopTransport{key: key}
	}
	c := httpclient.New(ctx, clientOptions(s.BaseURL, nil, dp))
	req, err := c.NewRequest(ctx, http.MethodPost, tokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return tok, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	var body []byte
	if err == nil {
		defer resp.Body.Close()
		body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
	if len(body) > 0 {
		_ = json.Unmarshal(body, &tok)
		toolkit.AddSecret(ctx, tok.AccessToken) // before anything can print it
	}
	return tok, err
}

// acceptToken checks the token endpoint's answer: an access token whose
// type matches how it was asked for. A bearer token answered to a request
// with a proof (an app that does not require DPoP may not bind) is used
// as a bearer token.
func acceptToken(tok tokenResponse, key *dpopKey) (string, *dpopKey, error) {
	if tok.AccessToken == "" {
		return "", nil, errs.New(errs.APIError, "Okta's token endpoint answered without an access_token.")
	}
	switch tt := strings.ToLower(tok.TokenType); {
	case tt == "" || tt == "bearer":
		return tok.AccessToken, nil, nil
	case tt == "dpop" && key != nil:
		return tok.AccessToken, key, nil
	case key == nil:
		return "", nil, errs.Newf(errs.APIError, "Okta issued a %q token, though the token request carried no DPoP proof to bind it to.", tok.TokenType)
	default:
		return "", nil, errs.Newf(errs.APIError, "Okta issued a %q token; this connector uses Bearer and DPoP tokens.", tok.TokenType)
	}
}

// oauthRefusal is the OAuth error code of a token endpoint's refusal ("" if
// err is not one).
func oauthRefusal(err error) string {
	var he *errs.HTTPStatusError
	if _, ok := errs.CodeOf(err); ok || !errors.As(err, &he) {
		return ""
	}
	var body tokenResponse
	_ = json.Unmarshal(he.Body, &body)
	return body.Error
}

// tokenError names what the token endpoint refused (its OAuth error body);
// mode is the oauth_dpop setting and proved whether the refused request
// carried a DPoP proof.
func tokenError(err error, mode string, proved bool) error {
	if _, ok := errs.CodeOf(err); ok {
		return err
	}
	var he *errs.HTTPStatusError
	if !errors.As(err, &he) {
		return err
	}
	var body tokenResponse
	_ = json.Unmarshal(he.Body, &body)
	msg := strings.TrimSpace(body.Error + ": " + body.Description)
	if body.Error == "" {
		msg = fmt.Sprintf("%d %s", he.StatusCode, http.StatusText(he.StatusCode))
	}
	code := errs.Unauthorized
	switch {
	case strings.HasSuffix(body.Error, "_dpop_proof") || strings.HasSuffix(body.Error, "_dpop_nonce"):
		return dpopTokenError(err, msg, mode, proved)
	case body.Error == "invalid_scope" || he.StatusCode == http.StatusForbidden:
		code = errs.PermissionDenied
	case he.StatusCode >= 500:
		code = errs.HTTPStatusCode(he.StatusCode)
	}
	return errs.Wrap(err, code, "Okta refused the service app's token request ("+msg+"): check the client id, that the public key of private_key is registered on the app, and the scopes granted to it.")
}

// dpopTokenError explains a token request refused for DPoP.
func dpopTokenError(err error, msg, mode string, proved bool) error {
	if !proved {
		return errs.Wrap(err, errs.BadRequest, "Okta refused the service app's token request ("+msg+"): the app requires DPoP "+
			"(\"Require Demonstrating Proof of Possession (DPoP) header in token requests\") and oauth_dpop is "+mode+": set oauth_dpop to auto or always.")
	}
	return errs.Wrap(err, errs.Unauthorized, "Okta refused the DPoP proof of the service app's token request ("+msg+"); a proof lives a short time: check this machine's clock.")
}
