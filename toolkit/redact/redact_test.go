package redact_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/redact"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestCollectAndMask(t *testing.T) {
	is := is.New(t)
	t.Setenv(redact.EnvAdditionalKeys, "Org_Secret, pin")
	keys := redact.NewKeys("private_key")
	req := decode(t, `{"auth":{"basic":{"username":"alice","password":"hunter2-xyz"}},
		"credentials":[{"id":"api","token":{"token":"ghp_abcdef123456"}}],
		"settings":{"org":"acme","ORG_SECRET":"org-s3cret","pin":"1234","private_key":"-----BEGIN KEY-----\nabc"},
		"request":{"note":"password is not a key here","nested":{"Access_Token":"tok-777777"}},
		"service_account":{"key":{"client_email":"svc@x.iam","private":"pk-998877"}}}`)
	var s redact.Secrets
	redact.Collect(req, keys, &s)

	masked := s.String("upstream said: bad token ghp_abcdef123456 for alice (hunter2-xyz) org-s3cret tok-777777 1234")
	is.Equal(masked, "upstream said: bad token REDACTED for alice (REDACTED) REDACTED REDACTED 1234") // "1234" is too short to mask by value

	doc := []byte(`{"message":"echo \"hunter2-xyz\" and -----BEGIN KEY-----\nabc","raw_data":{"k":"ghp_abcdef123456"},"n":12}`)
	out := s.JSON(doc)
	is.Equal(string(out), `{"message":"echo \"REDACTED\" and REDACTED","raw_data":{"k":"REDACTED"},"n":12}`)
	is.True(json.Valid(out))

	logged, err := json.Marshal(redact.Value(req, keys))
	is.NoErr(err)
	for _, secret := range []string{"hunter2-xyz", "ghp_abcdef123456", "org-s3cret", "tok-777777", "1234", "BEGIN KEY"} {
		if strings.Contains(string(logged), secret) {
			t.Fatalf("logged request still holds %q: %s", secret, logged)
		}
	}
	is.True(strings.Contains(string(logged), `"username":"alice"`)) // non-secrets stay
	is.True(strings.Contains(string(logged), `"org":"acme"`))
}

func TestJSONKeepsStructureWhenASecretLooksLikeSyntax(t *testing.T) {
	is := is.New(t)
	var s redact.Secrets
	s.Add(`12,34,56`) // would match a JSON array's text
	doc := []byte(`{"a":[12,34,56],"b":"x12,34,56y"}`)
	out := s.JSON(doc)
	is.Equal(string(out), `{"a":[12,34,56],"b":"xREDACTEDy"}`) // only inside strings
	is.True(json.Valid(out))
}

func TestNothingToMask(t *testing.T) {
	is := is.New(t)
	var s redact.Secrets
	s.Add("short") // under MinSecretLength
	is.True(s.Empty())
	doc := []byte(`{"a":"short"}`)
	is.Equal(&s.JSON(doc)[0], &doc[0]) // the same slice comes back, no copy
	s.Add("longer-secret")
	doc = []byte(`{"a":"nothing here"}`)
	is.Equal(&s.JSON(doc)[0], &doc[0])
}
