package httpclient

import (
	"net/url"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/toolkit/redact"
)

// secretKeys are the query keys whose values are masked: the toolkit's
// secret keys (with LUMOS_ADDITIONAL_REDACTED_LOG_KEYS) and the usual
// query-string credentials.
var secretKeys = sync.OnceValue(func() redact.Keys {
	return redact.NewKeys("key", "apikey", "api-key", "sig", "signature", "code", "auth", "authorization",
		"id_token", "assertion", "client_assertion", "session", "sessionid", "pass", "passwd", "pwd",
		"x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature", "x-goog-credential")
})

// secretQueryKey reports whether a query key names a secret: a listed key,
// or one mentioning a token, secret, password, signature or credential
// (page and cursor keys excepted, as they are what a trace is for).
func secretQueryKey(k string) bool {
	if secretKeys().Has(k) {
		return true
	}
	k = strings.ToLower(k)
	if strings.Contains(k, "page") || strings.Contains(k, "cursor") {
		return false
	}
	for _, s := range []string{"token", "secret", "password", "signature", "credential", "apikey", "api_key"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// RedactURL returns raw with the values of secret query parameters (such
// as access_token, key, signature) replaced by REDACTED and any password
// in its user information removed; the rest of the query is kept, so a
// trace still shows which page was asked for.
func RedactURL(raw string) string { return redactURL(raw) }

func redactURL(raw string) string {
	q := strings.IndexByte(raw, '?')
	at := strings.IndexByte(raw, '@')
	if q < 0 && at < 0 {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		changed := false
		for i, p := range parts {
			k, _, found := strings.Cut(p, "=")
			key, err := url.QueryUnescape(k)
			if err != nil {
				key = k
			}
			if found && secretQueryKey(key) {
				parts[i] = k + "=" + redact.Mask
				changed = true
			}
		}
		if changed {
			u.RawQuery = strings.Join(parts, "&")
		}
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
