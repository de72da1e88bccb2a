package oauth

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
)

// SignRS256 returns claims as a compact JSON Web Token signed with key
// (RS256), with kid in its header when not empty: what a client assertion
// (RFC 7523) or an app's JWT (GitHub Apps) is. The caller registers the
// token with toolkit.AddSecret when it is a secret of the call.
func SignRS256(key *rsa.PrivateKey, kid string, claims any) (string, error) {
	if key == nil {
		return "", errors.New("signing a JWT: no private key")
	}
	header := map[string]string{"alg": "RS256", "typ": "JWT"}
	if kid != "" {
		header["kid"] = kid
	}
	hb, err := json.Marshal(header)
	if err != nil {
		return "", err
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	input := base64.RawURLEncoding.EncodeToString(hb) + "." + base64.RawURLEncoding.EncodeToString(cb)
	sum := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", errors.New("signing a JWT failed")
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}
