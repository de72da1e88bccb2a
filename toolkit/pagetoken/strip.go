package pagetoken

import (
	"net/url"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/toolkit/redact"
)

// secretParams are the query parameters that carry credentials: the
// toolkit's secret keys (redact.DefaultKeys and
// LUMOS_ADDITIONAL_REDACTED_LOG_KEYS) and the usual query-string
// credentials, matched exactly, without regard to case.
var secretParams = sync.OnceValue(func() redact.Keys {
	return redact.NewKeys("key", "apikey", "api-key", "sig", "signature", "auth", "authorization", "id_token",
		"assertion", "client_assertion", "pass", "passwd", "pwd", "x-amz-signature", "x-amz-credential",
		"x-amz-security-token", "x-goog-signature", "x-goog-credential")
})

// StripSecrets returns a page URL (absolute, or a path with a query)
// without its credential query parameters (token, access_token, api_key,
// key, signature, sig, password, client_secret and the like), so a page
// token never stores one; anything else, and a string that is not such a
// URL, is returned unchanged. The connector's client adds its own
// credentials to the next request; an API whose next-page URLs only work
// with their embedded credential cannot be resumed across calls.
func StripSecrets(u string) string {
	q := strings.IndexByte(u, '?')
	if q < 0 || !(strings.HasPrefix(u, "/") || strings.Contains(u[:q], "://")) {
		return u
	}
	query, frag, hasFrag := strings.Cut(u[q+1:], "#")
	parts := strings.Split(query, "&")
	kept := parts[:0]
	for _, p := range parts {
		k, _, _ := strings.Cut(p, "=")
		if key, err := url.QueryUnescape(k); err == nil && secretParams().Has(key) || secretParams().Has(k) {
			continue
		}
		kept = append(kept, p)
	}
	if len(kept) == len(parts) {
		return u
	}
	out := u[:q]
	if len(kept) > 0 {
		out += "?" + strings.Join(kept, "&")
	}
	if hasFrag {
		out += "#" + frag
	}
	return out
}
