package httpclient_test

import (
	"strings"
	"testing"

	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// plantedSecret is the value the URL fuzz targets hide in a URL.
const plantedSecret = "Zq8sEcReTvAlUe"

// secretQueryKeys are query keys RedactURL masks, spelt as upstreams and
// attackers may spell them.
var secretQueryKeys = []string{"access_token", "key", "sig", "X-Amz-Signature", "client_secret", "code",
	"access%5Ftoken", "PASSWORD", "api-key", "refresh_token", "x-goog-credential", "id_token"}

// FuzzRedactURL hides a secret in any URL, as the value of a secret query
// parameter and as the password of its user information: RedactURL's
// result never holds it, whatever surrounds it.
func FuzzRedactURL(f *testing.F) {
	f.Add("https://api.github.com/orgs/acme/members", "per_page=100", "page=2", "octocat", uint8(0))
	f.Add("https://acme.okta.com/api/v1/users", "limit=200", "after=00ub0oNGTSWTBKOLGLNR", "", uint8(6))
	f.Add("/scim/v2/Users", "startIndex=1&count=100", "", "u%40x", uint8(2))
	f.Add("http://[::1]:8080/x", "a=%zz", "b=1;c=2", "user name", uint8(3))
	f.Add("mailto:someone", "", "", "", uint8(1))
	f.Add("https://h/x?already=1", "x&&", "=&=", ":", uint8(5))
	f.Fuzz(func(t *testing.T, base, before, after, user string, k uint8) {
		if strings.ContainsAny(base+before+after+user, "#") || strings.Contains(base+before+after+user, plantedSecret) {
			return // a fragment is dropped whole; the secret must be the planted one
		}
		key := secretQueryKeys[int(k)%len(secretQueryKeys)]
		raw := base + "?" + before + "&" + key + "=" + plantedSecret + "&" + after
		if got := httpclient.RedactURL(raw); strings.Contains(got, plantedSecret) {
			t.Fatalf("RedactURL(%q) = %q keeps the secret", raw, got)
		}
		if strings.ContainsAny(user, "/?@") {
			return // not user information
		}
		raw = "https://" + user + ":" + plantedSecret + "@api.example.test/" + base + "?" + before
		if got := httpclient.RedactURL(raw); strings.Contains(got, plantedSecret) {
			t.Fatalf("RedactURL(%q) = %q keeps the password", raw, got)
		}
	})
}
