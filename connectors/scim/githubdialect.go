package scim

import "strings"

// Values of the dialect setting.
const (
	DialectRFC    = "rfc"    // RFC 7643/7644 as written
	DialectGitHub = "github" // GitHub Enterprise Cloud's SCIM (see README.md)
)

// dialectUserBody adds what the dialect requires of a POST /Users body.
// GitHub requires externalId and displayName on every new user: externalId
// is the userName, displayName the given and family names (else the
// userName).
func dialectUserBody(s Settings, body map[string]any) {
	if s.Dialect != DialectGitHub {
		return
	}
	userName, _ := body["userName"].(string)
	if _, ok := body["externalId"]; !ok {
		body["externalId"] = userName
	}
	if _, ok := body["displayName"]; ok {
		return
	}
	display := userName
	if name, ok := body["name"].(map[string]any); ok {
		given, _ := name["givenName"].(string)
		family, _ := name["familyName"].(string)
		if full := strings.TrimSpace(given + " " + family); full != "" {
			display = full
		}
	}
	body["displayName"] = display
}
