package pagetoken_test

import (
	"strings"
	"testing"

	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// plantedSecret is the value FuzzStripSecrets hides in a page URL.
const plantedSecret = "Zq8sEcReTvAlUe"

// credentialKeys are query keys StripSecrets drops, spelt as upstreams and
// attackers may spell them.
var credentialKeys = []string{"access_token", "sig", "Key", "api-key", "access%5Ftoken", "X-Amz-Signature",
	"client_assertion", "TOKEN", "password", "x-goog-credential"}

// FuzzStripSecrets hides a credential parameter in any page URL (absolute
// or a path): the result never holds it, keeps the URL before its query,
// and is left unchanged by a second pass; a string that is not such a URL
// comes back as it was.
func FuzzStripSecrets(f *testing.F) {
	f.Add("https://api.github.com/orgs/acme/members", "per_page=100", "page=2", uint8(0))
	f.Add("/api/v1/users", "limit=200", "after=00ub0oNGTSWTBKOLGLNR", uint8(4))
	f.Add("https://graph.microsoft.com/v1.0/users", "$skiptoken=abc", "", uint8(7))
	f.Add("opaque", "token=abc", "", uint8(1))
	f.Add("/x", "a=%zz&&", "=&sig", uint8(2))
	f.Add("/x?first=1", "", "key=b", uint8(9))
	f.Fuzz(func(t *testing.T, base, before, after string, k uint8) {
		if strings.ContainsAny(base+before+after, "#") || strings.Contains(base+before+after, plantedSecret) {
			return // a fragment is kept as it is; the secret must be the planted one
		}
		key := credentialKeys[int(k)%len(credentialKeys)]
		u := base + "?" + before + "&" + key + "=" + plantedSecret + "&" + after
		got := pagetoken.StripSecrets(u)
		q := strings.IndexByte(u, '?')
		if !strings.HasPrefix(u, "/") && !strings.Contains(u[:q], "://") {
			if got != u {
				t.Fatalf("StripSecrets(%q) = %q, want it unchanged (not a URL)", u, got)
			}
			return
		}
		if strings.Contains(got, plantedSecret) {
			t.Fatalf("StripSecrets(%q) = %q keeps the credential", u, got)
		}
		if !strings.HasPrefix(got, u[:q]) {
			t.Fatalf("StripSecrets(%q) = %q changes what is before the query", u, got)
		}
		if again := pagetoken.StripSecrets(got); again != got {
			t.Fatalf("StripSecrets(%q) = %q, but a second pass gives %q", u, got, again)
		}
	})
}
