package githubfake_test

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
)

var (
	otherKeyOnce sync.Once
	otherKey     *rsa.PrivateKey
)

func wrongKey(t *testing.T) *rsa.PrivateKey {
	otherKeyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 1024)
		if err != nil {
			panic(err)
		}
		otherKey = k
	})
	return otherKey
}

func TestInstallationTokenJWT(t *testing.T) {
	b64 := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name    string
		jwt     func(t *testing.T, now time.Time) string
		want    int
		message string
	}{
		{name: "ghinstallation recipe", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "4242", now.Add(-30*time.Second), now.Add(90*time.Second))
		}, want: 201},
		{name: "GitHub docs recipe: iat 60 s back, exp 10 min ahead", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "4242", now.Add(-60*time.Second), now.Add(10*time.Minute))
		}, want: 201},
		{name: "client id as issuer", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "Iv1.lumos", now.Add(-time.Minute), now.Add(time.Minute))
		}, want: 201},
		{name: "expired", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "4242", now.Add(-15*time.Minute), now.Add(-5*time.Minute))
		}, want: 401, message: "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires."},
		{name: "exp more than 10 minutes ahead", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "4242", now, now.Add(11*time.Minute))
		}, want: 401, message: "'Expiration time' claim ('exp') is too far in the future."},
		{name: "iat in the future", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "4242", now.Add(2*time.Minute), now.Add(5*time.Minute))
		}, want: 401, message: "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued."},
		{name: "signed with another key", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, wrongKey(t), "4242", now.Add(-time.Minute), now.Add(time.Minute))
		}, want: 401, message: "A JSON web token could not be decoded"},
		{name: "unknown app", jwt: func(t *testing.T, now time.Time) string {
			return sign(t, testKey(t), "1", now.Add(-time.Minute), now.Add(time.Minute))
		}, want: 401, message: "Integration not found"},
		{name: "alg none", jwt: func(t *testing.T, now time.Time) string {
			return b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + b64([]byte(`{"iss":4242,"iat":1,"exp":2}`)) + "."
		}, want: 401, message: "A JSON web token could not be decoded"},
		{name: "tampered claims", jwt: func(t *testing.T, now time.Time) string {
			parts := strings.Split(sign(t, testKey(t), "4242", now.Add(-time.Minute), now.Add(time.Minute)), ".")
			parts[1] = b64([]byte(`{"iss":4242,"iat":1,"exp":99999999999}`))
			return strings.Join(parts, ".")
		}, want: 401, message: "A JSON web token could not be decoded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f := seed(t, githubfake.Options{})
			res := do(t, f, req{method: "POST", path: "/app/installations/3001/access_tokens",
				header: map[string]string{"Authorization": "Bearer " + tc.jwt(t, f.Now())}})
			is.Equal(res.status, tc.want)
			body := res.object(t)
			if tc.message != "" {
				is.Equal(body["message"], tc.message)
				return
			}
			tok := body["token"].(string)
			is.True(strings.HasPrefix(tok, "ghs_"))
			is.Equal(body["repository_selection"], "all")
			exp, err := time.Parse(time.RFC3339, body["expires_at"].(string))
			is.NoErr(err)
			is.Equal(exp, f.Now().Add(time.Hour))
			is.Equal(do(t, f, req{path: "/orgs/acme/teams", token: tok}).status, 200) // the token works
		})
	}
}

func TestInstallationTokenRequests(t *testing.T) {
	is := is.New(t)
	f := seed(t, githubfake.Options{})
	res := do(t, f, req{method: "POST", path: "/app/installations/3001/access_tokens", token: "jwt:4242",
		body: map[string]any{"repository_ids": []int64{20001}, "permissions": map[string]string{"members": "read"}}})
	is.Equal(res.status, 201)
	body := res.object(t)
	is.Equal(body["repository_selection"], "selected")
	is.Equal(body["permissions"], map[string]any{"members": "read"})
	is.Equal(body["repositories"].([]any)[0].(map[string]any)["name"], "api")
	res = do(t, f, req{method: "POST", path: "/app/installations/3001/access_tokens", token: "jwt:4242",
		body: map[string]any{"permissions": map[string]string{"organization_administration": "write"}}})
	is.Equal(res.status, 422) // not granted to the installation
	// a suspended installation's tokens stop working
	tok := installationToken(t, f, nil)
	f.SuspendInstallation(3001, true)
	is.Equal(do(t, f, req{path: "/orgs/acme/teams", token: tok}).status, 401)
}

func sign(t *testing.T, key *rsa.PrivateKey, iss string, iat, exp time.Time) string {
	t.Helper()
	s, err := githubfake.AppJWT(key, iss, iat, exp)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
