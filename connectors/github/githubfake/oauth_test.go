package githubfake_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/github/githubfake"
	"github.com/matryer/is"
	"golang.org/x/oauth2"
)

const (
	clientID     = "Ov23liTestClient"
	clientSecret = "s3cret"
)

func oauthFake(t *testing.T, expiring bool) (*githubfake.Fake, string) {
	f := seed(t, githubfake.Options{})
	callback := "http://127.0.0.1:9/callback"
	f.AddOAuthApp(githubfake.OAuthApp{ClientID: clientID, ClientSecret: clientSecret, CallbackURL: callback, ExpiringTokens: expiring, User: "alice"})
	return f, callback
}

// postToken calls the token endpoint and returns status, Content-Type, body.
func postToken(t *testing.T, f *githubfake.Fake, form url.Values, accept string, asJSON bool) (int, string, string) {
	t.Helper()
	var body io.Reader = strings.NewReader(form.Encode())
	ct := "application/x-www-form-urlencoded"
	if asJSON {
		var parts []string
		for k := range form {
			parts = append(parts, `"`+k+`":"`+form.Get(k)+`"`)
		}
		body = strings.NewReader("{" + strings.Join(parts, ",") + "}")
		ct = "application/json"
	}
	r, err := http.NewRequest("POST", f.WebURL()+"/login/oauth/access_token", body)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", ct)
	if accept != "" {
		r.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

func TestOAuthTokenEndpoint(t *testing.T) {
	tests := []struct {
		name     string
		form     func(f *githubfake.Fake) url.Values
		accept   string
		asJSON   bool
		wantCT   string
		contains []string
	}{
		{name: "form response by default", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "code": {f.IssueOAuthCode(clientID, "alice", "repo", "read:org")}}
		}, wantCT: "application/x-www-form-urlencoded", contains: []string{"access_token=gho_", "scope=repo%2Cread%3Aorg", "token_type=bearer"}},
		{name: "JSON by Accept, JSON request body", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "code": {f.IssueOAuthCode(clientID, "alice", "repo")}}
		}, accept: "application/json", asJSON: true, wantCT: "application/json", contains: []string{`"access_token":"gho_`, `"scope":"repo"`, `"token_type":"bearer"`}},
		{name: "XML by Accept", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "code": {f.IssueOAuthCode(clientID, "alice")}}
		}, accept: "application/xml", wantCT: "application/xml", contains: []string{"<OAuth><access_token>gho_", "<token_type>bearer</token_type>"}},
		{name: "bad code: 200 with error", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "code": {"nope"}}
		}, accept: "application/json", wantCT: "application/json", contains: []string{`"error":"bad_verification_code"`, `"error_description":"The code passed is incorrect or expired."`, `"error_uri":"https://docs.github.com/`}},
		{name: "bad secret", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {"wrong"}, "code": {f.IssueOAuthCode(clientID, "alice")}}
		}, wantCT: "application/x-www-form-urlencoded", contains: []string{"error=incorrect_client_credentials"}},
		{name: "unknown client", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {"nope"}, "client_secret": {clientSecret}, "code": {"x"}}
		}, accept: "application/json", wantCT: "application/json", contains: []string{`"error":"incorrect_client_credentials"`}},
		{name: "redirect_uri outside the callback", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "code": {f.IssueOAuthCode(clientID, "alice")}, "redirect_uri": {"http://evil.example/cb"}}
		}, accept: "application/json", wantCT: "application/json", contains: []string{`"error":"redirect_uri_mismatch"`}},
		{name: "unsupported grant type", form: func(f *githubfake.Fake) url.Values {
			return url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"password"}}
		}, accept: "application/json", wantCT: "application/json", contains: []string{`"error":"unsupported_grant_type"`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			f, _ := oauthFake(t, false)
			status, ct, body := postToken(t, f, tc.form(f), tc.accept, tc.asJSON)
			is.Equal(status, 200) // GitHub reports token errors with 200
			is.True(strings.HasPrefix(ct, tc.wantCT))
			for _, c := range tc.contains {
				if !strings.Contains(body, c) {
					t.Errorf("body %q lacks %q", body, c)
				}
			}
		})
	}
}

func TestOAuthCodeIsSingleUseAndExpires(t *testing.T) {
	is := is.New(t)
	f, _ := oauthFake(t, false)
	form := url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "code": {f.IssueOAuthCode(clientID, "alice", "read:org")}}
	_, _, body := postToken(t, f, form, "", false)
	v, err := url.ParseQuery(body)
	is.NoErr(err)
	tok := v.Get("access_token")
	is.True(strings.HasPrefix(tok, "gho_"))
	res := do(t, f, req{path: "/user", token: tok})
	is.Equal(res.status, 200)
	is.Equal(res.object(t)["login"], "alice")
	is.Equal(res.header.Get("X-OAuth-Scopes"), "read:org")

	_, _, body = postToken(t, f, form, "", false)
	is.True(strings.Contains(body, "error=bad_verification_code")) // reused code

	form.Set("code", f.IssueOAuthCode(clientID, "alice"))
	f.Advance(11 * time.Minute)
	_, _, body = postToken(t, f, form, "", false)
	is.True(strings.Contains(body, "error=bad_verification_code")) // expired code
}

func TestOAuthAuthorizeStubAndX2Client(t *testing.T) {
	is := is.New(t)
	f, callback := oauthFake(t, false)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	conf := &oauth2.Config{
		ClientID: clientID, ClientSecret: clientSecret, RedirectURL: callback + "/done",
		Scopes:   []string{"read:org", "repo"},
		Endpoint: oauth2.Endpoint{AuthURL: f.WebURL() + "/login/oauth/authorize", TokenURL: f.WebURL() + "/login/oauth/access_token"},
	}
	res, err := noFollow.Get(conf.AuthCodeURL("xyz"))
	is.NoErr(err)
	res.Body.Close()
	is.Equal(res.StatusCode, http.StatusFound)
	loc, err := url.Parse(res.Header.Get("Location"))
	is.NoErr(err)
	is.True(strings.HasPrefix(loc.String(), callback+"/done?"))
	is.Equal(loc.Query().Get("state"), "xyz")

	// golang.org/x/oauth2 understands the response...
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.Client())
	tok, err := conf.Exchange(ctx, loc.Query().Get("code"))
	is.NoErr(err)
	is.True(strings.HasPrefix(tok.AccessToken, "gho_"))
	is.Equal(tok.Extra("scope"), "read:org,repo")
	// ...and turns GitHub's 200-with-error into an error.
	_, err = conf.Exchange(ctx, "bogus")
	var re *oauth2.RetrieveError
	is.True(errors.As(err, &re))
	is.Equal(re.ErrorCode, "bad_verification_code")

	// authorize errors
	res, err = noFollow.Get(f.WebURL() + "/login/oauth/authorize?client_id=nope")
	is.NoErr(err)
	res.Body.Close()
	is.Equal(res.StatusCode, 404)
	res, err = noFollow.Get(f.WebURL() + "/login/oauth/authorize?client_id=" + clientID + "&redirect_uri=" + url.QueryEscape("http://evil.example/") + "&state=s")
	is.NoErr(err)
	res.Body.Close()
	loc, _ = url.Parse(res.Header.Get("Location"))
	is.Equal(loc.Query().Get("error"), "redirect_uri_mismatch")
	is.Equal(loc.Query().Get("state"), "s")
}

func TestGitHubAppUserTokensRefresh(t *testing.T) {
	is := is.New(t)
	f, _ := oauthFake(t, true)
	conf := &oauth2.Config{ClientID: clientID, ClientSecret: clientSecret,
		Endpoint: oauth2.Endpoint{TokenURL: f.WebURL() + "/login/oauth/access_token", AuthStyle: oauth2.AuthStyleInParams}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, f.Client())
	tok, err := conf.Exchange(ctx, f.IssueOAuthCode(clientID, "alice"))
	is.NoErr(err)
	is.True(strings.HasPrefix(tok.AccessToken, "ghu_"))
	is.True(strings.HasPrefix(tok.RefreshToken, "ghr_"))
	is.Equal(fmt.Sprint(tok.Extra("refresh_token_expires_in")), "15811200")
	is.True(time.Until(tok.Expiry) > 7*time.Hour)
	is.Equal(do(t, f, req{path: "/user", token: tok.AccessToken}).status, 200)

	// refresh: new pair; the old access and refresh tokens stop working
	form := url.Values{"client_id": {clientID}, "client_secret": {clientSecret}, "grant_type": {"refresh_token"}, "refresh_token": {tok.RefreshToken}}
	_, _, body := postToken(t, f, form, "", false)
	v, _ := url.ParseQuery(body)
	is.True(strings.HasPrefix(v.Get("access_token"), "ghu_"))
	is.Equal(v.Get("expires_in"), "28800")
	is.Equal(do(t, f, req{path: "/user", token: tok.AccessToken}).status, 401)
	is.Equal(do(t, f, req{path: "/user", token: v.Get("access_token")}).status, 200)
	_, _, body = postToken(t, f, form, "", false)
	is.True(strings.Contains(body, "error=bad_refresh_token"))

	// user tokens expire after 8 hours
	f.Advance(8 * time.Hour)
	is.Equal(do(t, f, req{path: "/user", token: v.Get("access_token")}).status, 401)
}
