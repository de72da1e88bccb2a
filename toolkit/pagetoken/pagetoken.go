// Package pagetoken makes the opaque page tokens a connector hands back to
// the caller in page.token: a versioned, integrity-checked, size-capped
// encoding of the connector's own resume state.
//
// A token is the base64url (unpadded) form of a version byte, the state as
// JSON, and a 16-byte HMAC-SHA256 tag keyed by the token's scope (typically
// "<app_id>/<capability>"). The tag detects garbled, truncated, edited and
// foreign tokens (minted by another connector or capability, or for other
// settings when the scope names them); it is not a secret, so tokens must
// never carry credentials (see StripSecrets).
package pagetoken

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/lumosgo/lumos/errs"
)

// MaxTokenBytes is the longest token Decode accepts and Encode produces.
const MaxTokenBytes = 4096

const (
	version = 1
	tagSize = 16
)

var encoding = base64.RawURLEncoding.Strict()

func tag(scope string, body []byte) []byte {
	key := sha256.Sum256([]byte("lumos page token v1\x00" + scope))
	m := hmac.New(sha256.New, key[:])
	m.Write(body)
	return m.Sum(nil)[:tagSize]
}

// Encode returns the token carrying state, a JSON-encodable value, for scope.
func Encode(scope string, state any) (string, error) {
	payload, err := json.Marshal(state)
	if err != nil {
		return "", fmt.Errorf("pagetoken: encoding state: %w", err)
	}
	body := append([]byte{version}, payload...)
	token := encoding.EncodeToString(append(body, tag(scope, body)...))
	if len(token) > MaxTokenBytes {
		return "", fmt.Errorf("pagetoken: state makes a %d-byte token; the limit is %d", len(token), MaxTokenBytes)
	}
	return token, nil
}

// Decode checks token against scope and decodes its state into state, a
// pointer. Any problem is an *errs.Error with code invalid_page_token.
func Decode(scope, token string, state any) error {
	invalid := func(why string) error {
		return errs.Newf(errs.InvalidPageToken, "Invalid page token: %s. Start the listing again without a page token.", why)
	}
	if len(token) > MaxTokenBytes {
		return invalid(fmt.Sprintf("it is %d bytes long; the limit is %d", len(token), MaxTokenBytes))
	}
	raw, err := encoding.DecodeString(token)
	if err != nil || len(raw) < 1+tagSize {
		return invalid("it is not a token this connector issued")
	}
	body, got := raw[:len(raw)-tagSize], raw[len(raw)-tagSize:]
	if body[0] != version {
		return invalid("it was issued by another version of the connector")
	}
	if !hmac.Equal(got, tag(scope, body)) {
		return invalid("it was altered, or issued for another connector, capability or settings")
	}
	dec := json.NewDecoder(bytes.NewReader(body[1:]))
	dec.DisallowUnknownFields()
	if err := dec.Decode(state); err != nil {
		return invalid("its content does not match this capability")
	}
	return nil
}
