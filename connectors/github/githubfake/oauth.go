package githubfake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OAuth web flow on the github.com side: GET /login/oauth/authorize (a stub
// that approves at once) and POST /login/oauth/access_token, which answers
// form-encoded by default, JSON or XML by Accept, and reports errors with
// HTTP 200 and an `error` field, as GitHub does.

const troubleshootTokenErrors = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/"

var oauthErrors = map[string][2]string{
	"incorrect_client_credentials": {"The client_id and/or client_secret passed are incorrect.", troubleshootTokenErrors + "#incorrect-client-credentials"},
	"redirect_uri_mismatch":        {"The redirect_uri MUST match the registered callback URL for this application.", troubleshootTokenErrors + "#redirect-uri-mismatch2"},
	"bad_verification_code":        {"The code passed is incorrect or expired.", troubleshootTokenErrors + "#bad-verification-code"},
	"unsupported_grant_type":       {"The grant type is not supported.", troubleshootTokenErrors},
	"bad_refresh_token":            {"The refresh token passed is incorrect or expired.", "https://docs.github.com/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens"},
}

func (f *Fake) serveOAuth(c *reqCtx) {
	switch {
	case c.r.URL.Path == "/login/oauth/authorize" && c.r.Method == http.MethodGet:
		f.authorize(c)
	case c.r.URL.Path == "/login/oauth/access_token" && c.r.Method == http.MethodPost:
		f.accessToken(c)
	default:
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		c.w.WriteHeader(http.StatusNotFound)
		io.WriteString(c.w, "<!DOCTYPE html><html><body><h1>404</h1><p>Not Found</p></body></html>\n")
	}
}

// redirectAllowed: GitHub requires the redirect_uri host and port to match
// the callback URL and its path to be the callback path or below it.
func redirectAllowed(callback, redirect string) bool {
	if callback == "" {
		return true
	}
	cb, err1 := url.Parse(callback)
	rd, err2 := url.Parse(redirect)
	if err1 != nil || err2 != nil {
		return false
	}
	cbPath := strings.TrimSuffix(cb.Path, "/")
	return cb.Scheme == rd.Scheme && cb.Host == rd.Host && (rd.Path == cb.Path || rd.Path == cbPath || strings.HasPrefix(rd.Path, cbPath+"/"))
}

func (f *Fake) authorize(c *reqCtx) {
	q := c.r.URL.Query()
	a := f.oauth[q.Get("client_id")]
	if a == nil {
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		c.w.WriteHeader(http.StatusNotFound)
		io.WriteString(c.w, "<!DOCTYPE html><html><body><h1>404</h1><p>Not Found</p></body></html>\n")
		return
	}
	redirect := q.Get("redirect_uri")
	target := redirect
	if target == "" {
		target = a.CallbackURL
	}
	state := q.Get("state")
	if redirect != "" && !redirectAllowed(a.CallbackURL, redirect) {
		e := oauthErrors["redirect_uri_mismatch"]
		f.redirectWith(c, a.CallbackURL, url.Values{"error": {"redirect_uri_mismatch"}, "error_description": {e[0]},
			"error_uri": {"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch"}}, state)
		return
	}
	login := a.User
	if login == "" {
		login = q.Get("login")
	}
	if login == "" || target == "" {
		c.w.Header().Set("Content-Type", "text/html; charset=utf-8")
		c.w.WriteHeader(http.StatusOK)
		io.WriteString(c.w, "<!DOCTYPE html><html><body><h1>Sign in to GitHub</h1><p>githubfake: set OAuthApp.User or pass login=</p></body></html>\n")
		return
	}
	var scopes []string
	for _, s := range strings.FieldsFunc(q.Get("scope"), func(r rune) bool { return r == ' ' || r == ',' }) {
		if !slices.Contains(scopes, s) {
			scopes = append(scopes, s)
		}
	}
	if a.ExpiringTokens {
		scopes = nil // GitHub Apps have permissions, not scopes
	}
	code := f.newCode(a, f.ensureUser(login), scopes, redirect)
	f.redirectWith(c, target, url.Values{"code": {code}}, state)
}

func (f *Fake) redirectWith(c *reqCtx, target string, v url.Values, state string) {
	if state != "" {
		v.Set("state", state)
	}
	u, err := url.Parse(target)
	if err != nil {
		c.w.WriteHeader(http.StatusBadRequest)
		return
	}
	q := u.Query()
	for k, vs := range v {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	c.w.Header().Set("Location", u.String())
	c.w.WriteHeader(http.StatusFound)
}

// oauthParams reads parameters from the query, a form body or a JSON body.
func oauthParams(c *reqCtx) url.Values {
	v := c.r.URL.Query()
	ct, _, _ := mime.ParseMediaType(c.r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(c.body))
		dec.UseNumber()
		if dec.Decode(&m) == nil {
			for k, x := range m {
				v.Set(k, fmt.Sprint(x))
			}
		}
	default:
		form, err := url.ParseQuery(string(c.body))
		if err == nil {
			for k, vs := range form {
				v[k] = vs
			}
		}
	}
	return v
}

func (f *Fake) accessToken(c *reqCtx) {
	p := oauthParams(c)
	a := f.oauth[p.Get("client_id")]
	if a == nil || a.ClientSecret == "" || p.Get("client_secret") != a.ClientSecret {
		f.oauthError(c, "incorrect_client_credentials")
		return
	}
	now := f.now()
	var uid int64
	var scopes []string
	switch p.Get("grant_type") {
	case "", "authorization_code":
		code := f.codes[p.Get("code")]
		if code == nil || code.client != a.ClientID || !now.Before(code.expires) {
			f.oauthError(c, "bad_verification_code")
			return
		}
		if r := p.Get("redirect_uri"); r != "" && (!redirectAllowed(a.CallbackURL, r) || (code.redirect != "" && r != code.redirect)) {
			f.oauthError(c, "redirect_uri_mismatch")
			return
		}
		delete(f.codes, p.Get("code")) // codes are single-use
		uid, scopes = code.user, code.scopes
	case "refresh_token":
		old := f.refresh[p.Get("refresh_token")]
		if !a.ExpiringTokens || old == nil || old.revoked || !now.Before(old.refreshExp) {
			f.oauthError(c, "bad_refresh_token")
			return
		}
		// The used refresh token and the old access token stop working.
		delete(f.refresh, p.Get("refresh_token"))
		old.revoked = true
		uid = old.user
	default:
		f.oauthError(c, "unsupported_grant_type")
		return
	}
	resp := [][2]string{}
	if a.ExpiringTokens {
		t := &token{value: "ghu_" + f.secret("ghu", 36), kind: appUserToken, user: uid, sso: map[int64]bool{},
			expires: now.Add(8 * time.Hour), refresh: "ghr_" + f.secret("ghr", 76), refreshExp: now.Add(15811200 * time.Second)}
		f.tokens[t.value] = t
		f.refresh[t.refresh] = t
		resp = append(resp, [2]string{"access_token", t.value}, [2]string{"expires_in", "28800"},
			[2]string{"refresh_token", t.refresh}, [2]string{"refresh_token_expires_in", "15811200"},
			[2]string{"scope", ""}, [2]string{"token_type", "bearer"})
	} else {
		t := &token{value: "gho_" + f.secret("gho", 36), kind: oauthToken, user: uid, scopes: scopes, sso: map[int64]bool{}}
		f.tokens[t.value] = t
		resp = append(resp, [2]string{"access_token", t.value}, [2]string{"scope", strings.Join(scopes, ",")}, [2]string{"token_type", "bearer"})
	}
	f.oauthWrite(c, resp)
}

func (f *Fake) oauthError(c *reqCtx, code string) {
	e := oauthErrors[code]
	f.oauthWrite(c, [][2]string{{"error", code}, {"error_description", e[0]}, {"error_uri", e[1]}})
}

// oauthWrite answers 200 in the format the Accept header asks for.
func (f *Fake) oauthWrite(c *reqCtx, kv [][2]string) {
	accept := c.r.Header.Get("Accept")
	var body []byte
	switch {
	case strings.Contains(accept, "application/json"):
		var b bytes.Buffer
		b.WriteByte('{')
		for i, p := range kv {
			if i > 0 {
				b.WriteByte(',')
			}
			k, _ := json.Marshal(p[0])
			b.Write(k)
			b.WriteByte(':')
			if n, err := strconv.Atoi(p[1]); err == nil && strings.HasSuffix(p[0], "expires_in") {
				b.WriteString(strconv.Itoa(n))
			} else {
				v, _ := json.Marshal(p[1])
				b.Write(v)
			}
		}
		b.WriteByte('}')
		body = b.Bytes()
		c.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	case strings.Contains(accept, "application/xml"):
		var b bytes.Buffer
		b.WriteString("<OAuth>")
		for _, p := range kv {
			b.WriteString("<" + p[0] + ">")
			xml.EscapeText(&b, []byte(p[1]))
			b.WriteString("</" + p[0] + ">")
		}
		b.WriteString("</OAuth>")
		body = b.Bytes()
		c.w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	default:
		v := url.Values{}
		for _, p := range kv {
			v.Set(p[0], p[1])
		}
		body = []byte(v.Encode())
		c.w.Header().Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	}
	c.w.WriteHeader(http.StatusOK)
	c.w.Write(body)
}
