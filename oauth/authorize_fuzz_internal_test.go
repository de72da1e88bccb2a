package oauth

import (
	"net/url"
	"strings"
	"testing"
)

// FuzzAuthorizationURL writes the authorization URL for any base URL,
// client id, scope, redirect URI and state: it starts with the base, adds
// exactly its parameters, in order, each reading back as given, and
// outside letters, digits and "-._~" writes only %XX and "+", so no value
// can add a parameter or end the query.
func FuzzAuthorizationURL(f *testing.F) {
	f.Add("https://github.com/login/oauth/authorize", "Iv1.8a61f9b3a7aba766", "read:org admin:org", "https://app.example.test/callback?x=1&y=2", "st4te", true)
	f.Add("https://acme.okta.com/oauth2/v1/authorize?prompt=consent", "0oa1b2c3", "okta.users.read okta.groups.manage", "http://localhost:8080/cb", "", false)
	f.Add("https://h/auth?", "id&state=evil", "a+b c%20", "javascript:alert(1)#frag", "x&redirect_uri=https://evil.test", true)
	f.Add("https://h/auth", "é\xff", "\x00\r\n", "=", "%", false)
	f.Fuzz(func(t *testing.T, base, clientID, scope, redirectURI, state string, pkce bool) {
		challenge := ""
		if pkce {
			challenge = pkceChallenge(state)
		}
		out := authorizationURL(base, clientID, scope, redirectURI, state, challenge)
		if !strings.HasPrefix(out, base) || len(out) <= len(base) {
			t.Fatalf("authorizationURL(%q, …) = %q does not start with the base", base, out)
		}
		want := [][2]string{{"client_id", clientID}, {"response_type", "code"}, {"scope", scope}, {"redirect_uri", redirectURI}, {"state", state}}
		if pkce {
			want = append(want, [2]string{"code_challenge", challenge}, [2]string{"code_challenge_method", "S256"})
		}
		if sep := out[len(base)]; sep != '?' && sep != '&' || (sep == '?') == strings.Contains(base, "?") {
			t.Fatalf("authorizationURL(%q, …) = %q joins the parameters with %q", base, out, sep)
		}
		checkAddedParams(t, out[len(base)+1:], want)
		if strings.ContainsAny(base, "?#") {
			return
		}
		u, err := url.Parse(out)
		if err != nil {
			return // the base itself is no URL
		}
		if q := u.Query(); q.Get("state") != state || q.Get("redirect_uri") != redirectURI || q.Get("client_id") != clientID || q.Get("scope") != scope {
			t.Fatalf("url.Parse(%q).Query() = %v, want the state %q, redirect_uri %q, client_id %q, scope %q", out, q, state, redirectURI, clientID, scope)
		}
	})
}

// checkAddedParams asserts that added, the parameters authorizationURL
// appended, are exactly want, in order, escaped as quote_plus does.
func checkAddedParams(t *testing.T, added string, want [][2]string) {
	t.Helper()
	if i := strings.IndexFunc(added, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~%+=&", r))
	}); i >= 0 {
		t.Fatalf("the parameters %q hold %q, which is neither unreserved nor an escape", added, added[i])
	}
	pairs := strings.Split(added, "&")
	if len(pairs) != len(want) {
		t.Fatalf("the parameters %q are %d pairs, want %d", added, len(pairs), len(want))
	}
	for i, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		key, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil || key != want[i][0] || value != want[i][1] {
			t.Fatalf("pair %d of %q reads as %q=%q (%v, %v), want %q=%q", i, added, key, value, err1, err2, want[i][0], want[i][1])
		}
	}
}
