package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// session is one capability call's view of the organization: its settings
// and an authenticated client.
type session struct {
	s   Settings
	org string // the organization login, path-escaped
	c   *httpclient.Client
}

// httpOptions lets tests inject a clock, a sleep and a wait cap into every
// client the connector makes; nil in production.
var httpOptions func(*httpclient.Options)

// apiHeader is sent with every REST request.
var apiHeader = http.Header{
	"Accept":               {"application/vnd.github+json"},
	"X-Github-Api-Version": {APIVersion},
}

func clientOptions(baseURL string, auth httpclient.Auth) httpclient.Options {
	o := httpclient.Options{AppID: "github", BaseURL: baseURL, Auth: auth, Header: apiHeader}
	if httpOptions != nil {
		httpOptions(&o)
	}
	return o
}

// newSession decodes the settings, picks the request's credential and
// builds the client (for a GitHub App, after getting an installation token).
func newSession[P any](ctx context.Context, req toolkit.Request[P]) (*session, error) {
	s, err := decodeSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	cred, err := pickCredential(req.Credentials)
	if err != nil {
		return nil, err
	}
	var auth httpclient.Auth
	switch {
	case cred.Token != nil:
		auth = httpclient.Bearer(cred.Token.Token)
	case cred.OAuth != nil:
		auth = httpclient.Bearer(cred.OAuth.AccessToken)
	case cred.KeyPair != nil:
		tok, err := installationToken(ctx, s, cred.KeyPair)
		if err != nil {
			return nil, err
		}
		auth = httpclient.Bearer(tok)
	}
	return &session{s: s, org: url.PathEscape(s.Org), c: httpclient.New(ctx, clientOptions(s.BaseURL, auth))}, nil
}

// decodeSettings applies the defaults and checks what the schema cannot.
func decodeSettings(raw json.RawMessage) (Settings, error) {
	s, err := toolkit.DecodeSettings[Settings](raw)
	if err != nil {
		return s, err
	}
	s.Org = strings.TrimSpace(s.Org)
	if s.Org == "" || strings.ContainsAny(s.Org, "/?#") {
		return s, errs.Newf(errs.BadRequest, "Invalid settings: org %q is not a GitHub organization login.", s.Org)
	}
	s.BaseURL = strings.TrimRight(strings.TrimSpace(s.BaseURL), "/")
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return s, errs.Newf(errs.BadRequest, "Invalid settings: base_url %q must be an absolute URL such as https://api.github.com or https://HOST/api/v3.", s.BaseURL)
	}
	for _, r := range s.CustomRepositoryRoles {
		if r == "" || isBuiltinRepoRole(r) {
			return s, errs.Newf(errs.BadRequest, "Invalid settings: custom_repository_roles lists %q, which is empty or a built-in role.", r)
		}
	}
	return s, nil
}

// pickCredential returns the one credential the request carries.
func pickCredential(creds []toolkit.AuthCredential) (*toolkit.AuthCredential, error) {
	var found []*toolkit.AuthCredential
	for i := range creds {
		c := &creds[i]
		if c.Token != nil || c.OAuth != nil || c.KeyPair != nil {
			found = append(found, c)
		}
	}
	switch {
	case len(found) == 0:
		return nil, errs.New(errs.BadRequest, `Missing credential: send one of {"id":"token","token":{…}}, {"id":"oauth","oauth":{…}} or {"id":"app","key_pair":{…}} in credentials.`)
	case len(found) > 1:
		return nil, errs.New(errs.BadRequest, "Send exactly one credential (token, oauth or app); this request carries several.")
	}
	c := found[0]
	id := ""
	if c.ID != nil {
		id = *c.ID
	}
	want := map[string]bool{CredentialToken: c.Token != nil, CredentialOAuth: c.OAuth != nil, CredentialApp: c.KeyPair != nil}
	if !want[id] {
		return nil, errs.Newf(errs.BadRequest, "Credential %q does not carry its kind (token for %q, oauth for %q, key_pair for %q).",
			id, CredentialToken, CredentialOAuth, CredentialApp)
	}
	switch {
	case c.Token != nil && strings.TrimSpace(c.Token.Token) == "",
		c.OAuth != nil && strings.TrimSpace(c.OAuth.AccessToken) == "":
		return nil, errs.New(errs.Unauthorized, "The GitHub token is empty.")
	}
	return c, nil
}

// webBase is the github.com side of a REST base URL: https://api.github.com
// → https://github.com; https://HOST/api/v3 → https://HOST;
// https://api.SUB.ghe.com → https://SUB.ghe.com.
func webBase(baseURL string) (string, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || u.Host == "" {
		return "", errs.Newf(errs.BadRequest, "Invalid settings: base_url %q is not an absolute URL.", baseURL)
	}
	host := u.Host
	if rest, ok := strings.CutPrefix(host, "api."); ok && strings.Contains(rest, ".") {
		host = rest
	}
	return u.Scheme + "://" + host, nil
}

// oauthURL is an OAuth endpoint on the web host of the settings' base URL.
func oauthURL(path string) oauth.URL {
	type server struct {
		BaseURL string `json:"base_url" default:"https://api.github.com"`
	}
	return oauth.FromSettings(func(s server) (string, error) {
		if strings.TrimSpace(s.BaseURL) == "" {
			s.BaseURL = DefaultBaseURL
		}
		web, err := webBase(s.BaseURL)
		if err != nil {
			return "", err
		}
		return web + path, nil
	})
}

// ---- request helpers --------------------------------------------------------

// get fetches one page (a relative path or a Link URL) into out and returns
// the next page's URL ("" on the last page).
func (ss *session) get(ctx context.Context, path string, out any) (string, error) {
	resp, err := ss.c.GetJSON(ctx, path, out)
	if err != nil {
		return "", err
	}
	return nextLink(resp.Header), nil
}

// orgPath is /orgs/<org> followed by the formatted rest.
func (ss *session) orgPath(format string, args ...any) string {
	return "/orgs/" + ss.org + fmt.Sprintf(format, args...)
}

// repoPath is /repos/<org>/<repo> followed by the formatted rest.
func (ss *session) repoPath(repo string, format string, args ...any) string {
	return "/repos/" + ss.org + "/" + url.PathEscape(repo) + fmt.Sprintf(format, args...)
}

// user is the part of GitHub's simple-user (and public-user) we use.
type user struct {
	Login     string `json:"login"`
	ID        int64  `json:"id"`
	NodeID    string `json:"node_id"`
	Type      string `json:"type"`
	SiteAdmin bool   `json:"site_admin"`
	HTMLURL   string `json:"html_url"`
	Name      string `json:"name"`
	Email     string `json:"email"`
}

// check refuses a user entry without an id or a login.
func (u *user) check() error {
	if err := positiveID(u.ID); err != nil {
		return err
	}
	if u.Login == "" {
		return errors.New("its login is missing")
	}
	return nil
}

// userByID resolves an account id to the user, through GET /user/{id}
// (GitHub's lookup by durable id).
func (ss *session) userByID(ctx context.Context, id int64) (*user, error) {
	var u user
	if _, err := ss.c.GetJSON(ctx, "/user/"+strconv.FormatInt(id, 10), &u); err != nil {
		if httpclient.StatusOf(err) == http.StatusNotFound {
			return nil, errs.Wrap(err, errs.NotFound, fmt.Sprintf("No GitHub account has the id %d.", id))
		}
		return nil, err
	}
	return &u, nil
}

// userByLogin resolves a login through GET /users/{username}.
func (ss *session) userByLogin(ctx context.Context, login string) (*user, error) {
	var u user
	if _, err := ss.c.GetJSON(ctx, "/users/"+url.PathEscape(login), &u); err != nil {
		if httpclient.StatusOf(err) == http.StatusNotFound {
			return nil, errs.Wrap(err, errs.NotFound, fmt.Sprintf("No GitHub account has the login %q.", login))
		}
		return nil, err
	}
	return &u, nil
}
