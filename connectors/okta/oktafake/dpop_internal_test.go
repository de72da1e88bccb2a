package oktafake

import (
	"encoding/json"
	"testing"

	"github.com/matryer/is"
)

// TestThumbprint: the fake binds tokens to RFC 7638 thumbprints, checked
// against the RFCs' own examples (RFC 7638 section 3.1, an RSA key; RFC
// 9449 section 6.1, the P-256 key of its example proof), and refuses keys
// it cannot use.
func TestThumbprint(t *testing.T) {
	cases := []struct {
		name, jwk, want string
		refused         bool
	}{
		{"rfc7638_rsa", `{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}`,
			"NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", false},
		{"rfc9449_ec", `{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}`,
			"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", false},
		{"ec_not_on_curve", `{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"AVE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}`, "", true},
		{"ec_p384", `{"kty":"EC","x":"AA","y":"AA","crv":"P-384"}`, "", true},
		{"oct", `{"kty":"oct","k":"c2VjcmV0"}`, "", true},
		{"rsa_small", `{"kty":"RSA","n":"AQAB","e":"AQAB"}`, "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			is := is.New(t)
			_, jkt, why := parseJWK(json.RawMessage(c.jwk))
			is.Equal(why != nil, c.refused)
			is.Equal(jkt, c.want)
		})
	}
}
