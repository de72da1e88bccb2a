package github

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// now is the connector's clock for App JWTs; tests replace it.
var now = time.Now

// appKey is a parsed GitHub App credential.
type appKey struct {
	issuer any // the app id (a number) or the client id (a string)
	key    *rsa.PrivateKey
}

// parseAppCredential reads key_identifier (App ID or client ID) and the
// PEM private key (PKCS#1, as GitHub generates it, or PKCS#8).
func parseAppCredential(kp *toolkit.KeyPairCredential) (*appKey, error) {
	id := strings.TrimSpace(kp.KeyIdentifier)
	if id == "" {
		return nil, errors.New("key_identifier is empty: set it to the GitHub App's App ID or client ID")
	}
	var issuer any = id
	if n, err := strconv.ParseInt(id, 10, 64); err == nil {
		if n <= 0 {
			return nil, fmt.Errorf("key_identifier %q is not a valid App ID", id)
		}
		issuer = n
	}
	block, _ := pem.Decode([]byte(strings.TrimSpace(kp.PrivateKey)))
	if block == nil {
		return nil, errors.New("private_key is not a PEM block: paste the .pem file GitHub generated for the app, -----BEGIN RSA PRIVATE KEY----- included")
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("private_key: %v", err)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("private_key: %v", err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, errors.New("private_key is not an RSA key; GitHub Apps sign with RS256")
		}
		key = rk
	default:
		return nil, fmt.Errorf("private_key is a %q PEM block, not an RSA private key", block.Type)
	}
	return &appKey{issuer: issuer, key: key}, nil
}

// jwt signs a GitHub App JWT: RS256, iat a minute in the past (clock
// drift), exp nine minutes ahead (GitHub accepts at most ten).
func (a *appKey) jwt() (string, error) {
	t := now()
	tok, err := oauth.SignRS256(a.key, "", map[string]any{"iat": t.Add(-time.Minute).Unix(), "exp": t.Add(9 * time.Minute).Unix(), "iss": a.issuer})
	if err != nil {
		return "", fmt.Errorf("signing the GitHub App JWT: %w", err)
	}
	return tok, nil
}

// validateAppCredential is validate_credential_config's check of the app
// credential: the key parses and signs (nothing is sent).
func validateAppCredential(_ context.Context, cred toolkit.AuthCredential) (toolkit.ValidatedCredentialConfig, error) {
	if cred.KeyPair == nil {
		return toolkit.ValidatedCredentialConfig{Valid: false, ValidationErrors: []string{"The app credential needs key_pair."}}, nil
	}
	k, err := parseAppCredential(cred.KeyPair)
	if err == nil {
		_, err = k.jwt()
	}
	if err != nil {
		return toolkit.ValidatedCredentialConfig{Valid: false, ValidationErrors: []string{err.Error()}}, nil
	}
	return toolkit.ValidatedCredentialConfig{Valid: true, ValidationErrors: []string{}}, nil
}

// installationToken authenticates as the app (JWT), finds its installation
// on the organization unless the settings name it, and creates an
// installation access token for this call. Both the JWT and the token are
// secrets of the call from the moment they exist (toolkit.AddSecret).
func installationToken(ctx context.Context, s Settings, kp *toolkit.KeyPairCredential) (string, error) {
	k, err := parseAppCredential(kp)
	if err != nil {
		return "", errs.Wrap(err, errs.BadRequest, "Invalid GitHub App credential: "+err.Error()+".")
	}
	jwt, err := k.jwt()
	if err != nil {
		return "", err
	}
	toolkit.AddSecret(ctx, jwt) // masked from now on, should GitHub echo it
	c := httpclient.New(ctx, clientOptions(s.BaseURL, httpclient.Bearer(jwt)))
	id := s.AppInstallationID
	if id == 0 {
		var inst struct {
			ID int64 `json:"id"`
		}
		if _, err := c.GetJSON(ctx, "/orgs/"+pathEscape(s.Org)+"/installation", &inst); err != nil {
			return "", appError(err, fmt.Sprintf("The GitHub App is not installed on the organization %q (or the organization does not exist)", s.Org))
		}
		id = inst.ID
	}
	var tok struct {
		Token string `json:"token"`
	}
	_, err = c.PostJSON(ctx, "/app/installations/"+strconv.FormatInt(id, 10)+"/access_tokens", nil, &tok)
	toolkit.AddSecret(ctx, tok.Token) // before anything can print it (raw_data holds the answer)
	if err != nil {
		return "", appError(err, fmt.Sprintf("The GitHub App has no installation %d", id))
	}
	if tok.Token == "" {
		return "", errs.New(errs.APIError, "GitHub created an installation token without a token.")
	}
	return tok.Token, nil
}

// appError names what failed while authenticating as the app.
func appError(err error, notFound string) error {
	if classified(err) {
		return err
	}
	switch httpclient.StatusOf(err) {
	case http.StatusUnauthorized:
		return errs.Wrap(err, errs.Unauthorized, "GitHub rejected the GitHub App's JWT: "+githubMessage(err)+
			". Check the App ID (or client ID) and that the private key belongs to the app.")
	case http.StatusNotFound:
		return errs.Wrap(err, errs.NotFound, notFound+": GitHub answered 404 Not Found.")
	case http.StatusForbidden:
		return errs.Wrap(err, errs.PermissionDenied, "GitHub refused the GitHub App: "+githubMessage(err)+".")
	}
	return err
}
