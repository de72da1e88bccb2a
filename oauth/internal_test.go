package oauth

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"regexp"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

func TestAuthorizationURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                                        string
		base, client, scope, redirect, state, chall string
		want                                        string
	}{
		{"order", "https://idp.example/authorize", "client", "read", "https://app.example/cb", "xyz", "",
			"https://idp.example/authorize?client_id=client&response_type=code&scope=read&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=xyz"},
		{"quote_plus", "https://idp.example/authorize", "my client", "read write a:b", "https://app.example/cb?x=1&y=é", "s t&u=v~_.-", "",
			"https://idp.example/authorize?client_id=my+client&response_type=code&scope=read+write+a%3Ab" +
				"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1%26y%3D%C3%A9&state=s+t%26u%3Dv~_.-"},
		{"empty scope", "https://idp.example/a", "c", "", "r", "s", "",
			"https://idp.example/a?client_id=c&response_type=code&scope=&redirect_uri=r&state=s"},
		{"pkce", "https://idp.example/a", "c", "x", "r", "s", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
			"https://idp.example/a?client_id=c&response_type=code&scope=x&redirect_uri=r&state=s" +
				"&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256"},
		{"base with a query", "https://idp.example/a?tenant=t1", "c", "x", "r", "s", "",
			"https://idp.example/a?tenant=t1&client_id=c&response_type=code&scope=x&redirect_uri=r&state=s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(authorizationURL(tt.base, tt.client, tt.scope, tt.redirect, tt.state, tt.chall), tt.want)
		})
	}
}

func TestPKCE(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	// RFC 7636, appendix B.
	is.Equal(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
	unpadded := regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)
	v1, c1, err := newPKCE()
	is.NoErr(err)
	v2, _, err := newPKCE()
	is.NoErr(err)
	is.True(unpadded.MatchString(v1)) // base64url of 32 bytes, unpadded
	is.True(unpadded.MatchString(c1)) // base64url of a SHA-256, unpadded
	raw, err := base64.RawURLEncoding.DecodeString(v1)
	is.NoErr(err)
	is.Equal(len(raw), 32)
	is.Equal(c1, pkceChallenge(v1))
	is.True(v1 != v2) // random
}

func TestUnionScopes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		scopes map[toolkit.CapabilityName]string
		want   string
	}{
		{"none", nil, ""},
		{"capability order, first place kept", map[toolkit.CapabilityName]string{
			toolkit.CapListAccounts.Name():        "users:read groups:read",
			toolkit.CapValidateCredentials.Name(): "profile users:read",
			toolkit.CapGetAccount.Name():          "users:read",
		}, "users:read groups:read profile"},
		{"extra spaces and empty values", map[toolkit.CapabilityName]string{
			toolkit.CapListAccounts.Name(): "  a   b ", toolkit.CapListResources.Name(): "",
		}, "a b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is.New(t).Equal(unionScopes(tt.scopes), tt.want)
		})
	}
}

func TestParseRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, code, redirect string
		errCode            errs.ErrorCode
	}{
		{"https://app.example/cb?code=abc&state=s", "abc", "https://app.example/cb", ""},
		{"https://app.example:8443/a%20b/cb?state=s&code=a+b", "a b", "https://app.example:8443/a%20b/cb", ""},
		{"https://app.example?code=c", "c", "https://app.example", ""},
		{"https://app.example/cb?state=s", "", "", errs.BadRequest},
		{"/cb?code=c", "", "", errs.BadRequest},
		{"https://app.example/cb?error=access_denied&error_description=no", "", "", errs.Unauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			is := is.New(t)
			code, redirect, err := parseRedirect(tt.in)
			if tt.errCode != "" {
				c, _ := errs.CodeOf(err)
				is.Equal(c, tt.errCode)
				return
			}
			is.NoErr(err)
			is.Equal(code, tt.code)
			is.Equal(redirect, tt.redirect)
		})
	}
}

func TestReadToken(t *testing.T) {
	t.Parallel()
	const tokenURL = "https://idp.example/token"
	type want struct {
		access, refresh, tokenType string
		raw                        map[string]any
		errCode                    errs.ErrorCode
		appErrorCode, message      string
	}
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		want        want
	}{
		{"json", 200, "application/json", `{"access_token":"at","refresh_token":"rt","token_type":"Bearer","expires_in":7200,"scope":"a b"}`,
			want{access: "at", refresh: "rt", tokenType: "bearer"}},
		{"json without token_type", 200, "application/json;charset=UTF-8", `{"access_token":"at"}`,
			want{access: "at", tokenType: "bearer", raw: map[string]any{"access_token": "at", "token_type": "bearer"}}},
		{"form-encoded (GitHub's default)", 200, "application/x-www-form-urlencoded",
			"access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer",
			want{access: "gho_16C7e42F292c6912E7710c838347Ae178B4a", tokenType: "bearer",
				raw: map[string]any{"access_token": "gho_16C7e42F292c6912E7710c838347Ae178B4a", "scope": "repo,gist", "token_type": "bearer"}}},
		{"form-encoded, wrong content type", 200, "text/html", "access_token=x&token_type=BEARER",
			want{access: "x", tokenType: "bearer"}},
		{"200 with a JSON error (GitHub)", 200, "application/json",
			`{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"}`,
			want{errCode: errs.APIError, appErrorCode: "bad_verification_code",
				message: "[200][https://idp.example/token] OAuth request failed: bad_verification_code: The code passed is incorrect or expired."}},
		{"200 with a form-encoded error (GitHub)", 200, "application/x-www-form-urlencoded",
			"error=incorrect_client_credentials&error_description=The+client_id+and%2For+client_secret+passed+are+incorrect.",
			want{errCode: errs.APIError, appErrorCode: "incorrect_client_credentials",
				message: "[200][https://idp.example/token] OAuth request failed: incorrect_client_credentials: The client_id and/or client_secret passed are incorrect."}},
		{"401 with JSON", 401, "application/json", `{"error":"invalid_client","error_description":"Client authentication failed"}` + "\n",
			want{errCode: errs.APIError, appErrorCode: "invalid_client",
				message: `[401][https://idp.example/token] OAuth request failed: {"error":"invalid_client","error_description":"Client authentication failed"}`}},
		{"500 with text", 500, "text/plain", "  boom  ",
			want{errCode: errs.APIError, message: "[500][https://idp.example/token] OAuth request failed: boom"}},
		{"no access_token", 200, "application/json", `{"token_type":"bearer"}`,
			want{errCode: errs.APIError, message: "[200][https://idp.example/token] OAuth request failed: the answer has no access_token"}},
		{"not a token answer", 200, "text/html", "<html>login</html>",
			want{errCode: errs.APIError, message: "[200][https://idp.example/token] OAuth request failed: the answer is neither a JSON object nor form-encoded: <html>login</html>"}},
		{"broken JSON", 200, "application/json", `{"access_token":`,
			want{errCode: errs.APIError}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			creds, raw, err := readToken(tt.status, tt.contentType, tokenURL, []byte(tt.body))
			if tt.want.errCode != "" {
				var e *errs.Error
				is.True(errors.As(err, &e)) // an *errs.Error
				is.Equal(e.Code, tt.want.errCode)
				is.Equal(e.AppErrorCode, tt.want.appErrorCode)
				if tt.want.message != "" {
					is.Equal(e.Message, tt.want.message)
				}
				return
			}
			is.NoErr(err)
			is.Equal(creds.AccessToken, tt.want.access)
			is.Equal(string(creds.TokenType), tt.want.tokenType)
			if tt.want.refresh != "" {
				is.Equal(*creds.RefreshToken, tt.want.refresh)
			} else {
				is.Equal(creds.RefreshToken, nil)
			}
			if tt.want.raw != nil {
				is.Equal(raw, tt.want.raw)
			}
			is.Equal(raw["token_type"], tt.want.tokenType) // raw_data carries the normalized token_type
		})
	}
}

func TestSettingsDefaults(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	s, err := Settings{TokenURL: Static("https://idp.example/token")}.withDefaults()
	is.NoErr(err)
	is.Equal(s.FlowType, CodeFlow)
	is.Equal(s.ClientAuth, ClientSecretPost)
	is.Equal(s.Request, RequestType{Method: "POST", Data: Form})

	bad := []Settings{
		{}, // no token URL
		{TokenURL: Static("x"), FlowType: "IMPLICIT"}, // unknown flow
		{TokenURL: Static("x"), ClientAuth: "PRIVATE_KEY_JWT"},
		{TokenURL: Static("x"), Request: RequestType{Method: "PUT"}},
		{TokenURL: Static("x"), Request: RequestType{Data: "XML"}},
		{TokenURL: Static("x"), Scopes: map[toolkit.CapabilityName]string{}, ScopesFunc: func(context.Context, json.RawMessage) (map[toolkit.CapabilityName]string, error) { return nil, nil }},
		{TokenURL: Static("x"), Disable: []toolkit.CapabilityName{toolkit.CapListAccounts.Name()}},
		{TokenURL: Static("x"), ClientAuth: ClientSecretBasic, ClientAuthFunc: func(context.Context, json.RawMessage) (ClientAuth, error) { return ClientSecretPost, nil }},
	}
	for i, b := range bad {
		_, err := b.withDefaults()
		if err == nil {
			t.Errorf("settings %d: no error", i)
		}
	}
}

// TestClientAuthFunc: a per-request choice leaves ClientAuth empty, is
// asked each time, and an unknown method it returns is an error.
func TestClientAuthFunc(t *testing.T) {
	t.Parallel()
	pick := func(_ context.Context, raw json.RawMessage) (ClientAuth, error) { return ClientAuth(raw), nil }
	s, err := Settings{TokenURL: Static("x"), ClientAuthFunc: pick}.withDefaults()
	is.New(t).NoErr(err)
	is.New(t).Equal(s.ClientAuth, ClientAuth(""))
	for _, tc := range []struct {
		raw     string
		want    ClientAuth
		wantErr bool
	}{
		{"CLIENT_SECRET_BASIC", ClientSecretBasic, false},
		{"CLIENT_SECRET_POST", ClientSecretPost, false},
		{"PRIVATE_KEY_JWT", "", true},
	} {
		is := is.New(t)
		got, err := s.clientAuth(context.Background(), json.RawMessage(tc.raw))
		is.Equal(err != nil, tc.wantErr)
		if !tc.wantErr {
			is.Equal(got, tc.want)
		}
	}
}
