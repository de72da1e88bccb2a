package toolkit_test

import (
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
)

// Test payloads shaped like upstream's write payloads; the expected digests
// were computed from the reference's algorithm with Python's json and
// hashlib: sha256(json.dumps(payload without None members, sort_keys=True,
// separators=(",", ":"), ensure_ascii=True)).
type assignPayload struct {
	AccountIntegrationSpecificID     string `json:"account_integration_specific_id"`
	ResourceIntegrationSpecificID    string `json:"resource_integration_specific_id"`
	ResourceType                     string `json:"resource_type"`
	EntitlementType                  string `json:"entitlement_type"`
	EntitlementIntegrationSpecificID string `json:"entitlement_integration_specific_id"`
}

type entitlementRef struct {
	IntegrationSpecificResourceID *string `json:"integration_specific_resource_id"`
	EntitlementType               string  `json:"entitlement_type"`
	IntegrationSpecificID         string  `json:"integration_specific_id"`
}

type createPayload struct {
	Email        *string          `json:"email"`
	Username     *string          `json:"username"`
	GivenName    *string          `json:"given_name"`
	FamilyName   *string          `json:"family_name"`
	UserStatus   *string          `json:"user_status"`
	Entitlements []entitlementRef `json:"entitlements"`
}

type uniquePayload struct {
	A string `json:"a" unique:"true"`
	B string `json:"b"`
}

func TestFingerprintMatchesUpstream(t *testing.T) {
	tests := []struct {
		name    string
		payload any
		want    string
	}{
		{"assign", assignPayload{"user-1", "", "tenant", "role", "admin"},
			"1877693fe8d50d574d72ef37e3021a35cae1ad1c28b32bcf920d503b858204d5"},
		{"nulls dropped, nested, non-ASCII escaped", createPayload{Email: toolkit.Ptr("zoë@example.com"), GivenName: toolkit.Ptr("Zoë"),
			Entitlements: []entitlementRef{{IntegrationSpecificResourceID: toolkit.Ptr(""), EntitlementType: "role", IntegrationSpecificID: "member"}}},
			"026820540f6bc61e01b5ae0e2fbbc2980aa06507437f6b0c20706fd247c28502"},
		{"single field", map[string]string{"account_id": "user-7"},
			"f090947ac4ff7c70a820776a068245192294a3fa4d04307755bf187a3c4e8296"},
		{"x-unique fields only", uniquePayload{A: "keep", B: "drop"},
			"d65c4044d58b20ea7579bd96cfb3f6b2080ff0d5bf4d3dc1b8a6f7a4d86b4482"},
		{"pointer to payload", &uniquePayload{A: "keep", B: "other"},
			"d65c4044d58b20ea7579bd96cfb3f6b2080ff0d5bf4d3dc1b8a6f7a4d86b4482"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, err := toolkit.Fingerprint(tt.payload)
			is.NoErr(err)
			is.Equal(got, tt.want)
		})
	}
}

func TestSummarize(t *testing.T) {
	is := is.New(t)
	s, err := toolkit.Summarize(assignPayload{"user-1", "", "tenant", "role", "admin"}, toolkit.Noop(), true)
	is.NoErr(err)
	is.Equal(s.Effect, toolkit.Effect{Kind: toolkit.EffectNoop, Reason: toolkit.NoopStateAlreadyMatches})
	is.Equal(s.RequestFingerprint, "1877693fe8d50d574d72ef37e3021a35cae1ad1c28b32bcf920d503b858204d5")
	is.True(s.IsIdempotent)
	_, err = toolkit.Summarize(map[string]any{"f": func() {}}, toolkit.Created(), false)
	is.True(err != nil) // an unencodable payload is an error, not a panic
}
