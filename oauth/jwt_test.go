package oauth_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/oauth"
)

// TestSignRS256: the token's header names RS256 (and the key id when
// given), its payload is the claims, and its signature verifies with the
// public key.
func TestSignRS256(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, kid, header string
	}{
		{"no key id", "", `{"alg":"RS256","typ":"JWT"}`},
		{"key id", "k1", `{"alg":"RS256","kid":"k1","typ":"JWT"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			tok, err := oauth.SignRS256(key, tt.kid, map[string]any{"iss": "app", "exp": 10})
			is.NoErr(err)
			parts := strings.Split(tok, ".")
			is.Equal(len(parts), 3)
			h, err := base64.RawURLEncoding.DecodeString(parts[0])
			is.NoErr(err)
			is.Equal(string(h), tt.header)
			c, err := base64.RawURLEncoding.DecodeString(parts[1])
			is.NoErr(err)
			var claims map[string]any
			is.NoErr(json.Unmarshal(c, &claims))
			is.Equal(claims["iss"], "app")
			sig, err := base64.RawURLEncoding.DecodeString(parts[2])
			is.NoErr(err)
			sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
			is.NoErr(rsa.VerifyPKCS1v15(&key.PublicKey, crypto.SHA256, sum[:], sig)) // signed by the key
		})
	}
	_, err = oauth.SignRS256(nil, "", map[string]any{})
	is.New(t).True(err != nil) // no key, no token
}
