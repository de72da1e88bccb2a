package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// scimJSON is the media type of SCIM bodies (RFC 7644 §3.1).
const scimJSON = "application/scim+json"

// Schema URIs the connector reads and writes.
const (
	schemaUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	schemaEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	schemaPatchOp    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	schemaError      = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// session is one capability call's view of the service provider: its
// settings and an authenticated client.
type session struct {
	s Settings
	c *httpclient.Client
}

// httpOptions lets tests adjust every client the connector makes; nil in
// production.
var httpOptions func(*httpclient.Options)

var apiHeader = http.Header{"Accept": {scimJSON + ", application/json"}}

// newSession decodes the settings, picks the request's credential and
// builds the client.
func newSession[P any](ctx context.Context, req toolkit.Request[P]) (*session, error) {
	s, err := decodeSettings(req.Settings)
	if err != nil {
		return nil, err
	}
	auth, err := pickAuth(req.Credentials)
	if err != nil {
		return nil, err
	}
	o := httpclient.Options{AppID: "scim", BaseURL: s.BaseURL, Auth: auth, Header: apiHeader}
	if httpOptions != nil {
		httpOptions(&o)
	}
	return &session{s: s, c: httpclient.New(ctx, o)}, nil
}

// decodeSettings applies the defaults and checks what the schema cannot.
func decodeSettings(raw json.RawMessage) (Settings, error) {
	s, err := toolkit.DecodeSettings[Settings](raw)
	if err != nil {
		return s, err
	}
	s.BaseURL = strings.TrimRight(strings.TrimSpace(s.BaseURL), "/")
	if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return s, errs.Newf(errs.BadRequest, "Invalid settings: base_url %q must be an absolute http(s) URL without a query, such as https://example.com/scim/v2.", s.BaseURL)
	}
	for _, p := range []*string{&s.UsersPath, &s.GroupsPath} {
		*p = "/" + strings.Trim(strings.TrimSpace(*p), "/")
		if *p == "/" || strings.ContainsAny(*p, "?#") {
			return s, errs.Newf(errs.BadRequest, "Invalid settings: %q is not a SCIM endpoint path such as /Users.", *p)
		}
	}
	if s.TokenURL = strings.TrimSpace(s.TokenURL); s.TokenURL != "" {
		if _, err := tokenURL(tokenSettings{TokenURL: s.TokenURL}); err != nil {
			return s, err
		}
	}
	if _, err := tokenAuth(s.TokenAuthMethod); err != nil {
		return s, err
	}
	if s.PageSize <= 0 {
		s.PageSize = DefaultPageSize
	}
	s.PageSize = min(s.PageSize, MaxPageSize)
	switch s.PatchOpCase {
	case "":
		s.PatchOpCase = PatchOpLower
	case PatchOpLower, PatchOpCapitalized:
	default:
		return s, errs.Newf(errs.BadRequest, "Invalid settings: patch_op_case %q is neither %q nor %q.", s.PatchOpCase, PatchOpLower, PatchOpCapitalized)
	}
	switch s.MembershipSource {
	case "":
		s.MembershipSource = MembershipGroupMembers
	case MembershipGroupMembers, MembershipUserGroups:
	case MembershipUsersByGroup:
		if !s.FilterSupported {
			return s, errs.Newf(errs.BadRequest, "Invalid settings: membership_source %q filters Users by group, which filter_supported false forbids.", s.MembershipSource)
		}
	default:
		return s, errs.Newf(errs.BadRequest, "Invalid settings: membership_source %q is not %q, %q or %q.", s.MembershipSource,
			MembershipGroupMembers, MembershipUserGroups, MembershipUsersByGroup)
	}
	return s, nil
}

// tokenSettings is the part of the settings the OAuth token URL needs.
type tokenSettings struct {
	TokenURL string `json:"token_url"`
}

// Token endpoint client authentication methods (the token_auth_method
// setting), with RFC 7591's names.
const (
	TokenAuthBasic = "client_secret_basic"
	TokenAuthPost  = "client_secret_post"
)

// authSettings is the part of the settings the token request's client
// authentication needs.
type authSettings struct {
	TokenAuthMethod string `json:"token_auth_method" default:"client_secret_basic"`
}

// clientAuth is how the client-credentials grant presents the client: the
// token_auth_method setting.
func clientAuth(_ context.Context, raw json.RawMessage) (oauth.ClientAuth, error) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		raw = nil
	}
	s, err := toolkit.DecodeSettings[authSettings](raw)
	if err != nil {
		return "", err
	}
	return tokenAuth(s.TokenAuthMethod)
}

// tokenAuth reads a token_auth_method value.
func tokenAuth(method string) (oauth.ClientAuth, error) {
	switch method {
	case TokenAuthBasic, "":
		return oauth.ClientSecretBasic, nil
	case TokenAuthPost:
		return oauth.ClientSecretPost, nil
	}
	return "", errs.Newf(errs.BadRequest, "Invalid settings: token_auth_method %q is neither %q nor %q.", method, TokenAuthBasic, TokenAuthPost)
}

// tokenURL is the client-credentials grant's token endpoint: the token_url
// setting, an absolute http(s) URL.
func tokenURL(s tokenSettings) (string, error) {
	raw := strings.TrimSpace(s.TokenURL)
	if raw == "" {
		return "", errs.New(errs.BadRequest, "Invalid settings: token_url is required for the oauth_client_credentials credential (the OAuth token endpoint, e.g. https://example.com/oauth/token).")
	}
	if u, err := url.Parse(raw); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", errs.Newf(errs.BadRequest, "Invalid settings: token_url %q must be an absolute http(s) URL such as https://example.com/oauth/token.", raw)
	}
	return raw, nil
}

// pickAuth returns the auth of the one credential the request carries.
func pickAuth(creds []toolkit.AuthCredential) (httpclient.Auth, error) {
	var found []*toolkit.AuthCredential
	for i := range creds {
		if creds[i].Token != nil || creds[i].Basic != nil || creds[i].OAuthClientCredentials != nil {
			found = append(found, &creds[i])
		}
	}
	switch {
	case len(found) == 0:
		return nil, errs.New(errs.BadRequest, `Missing credential: send {"id":"token","token":{…}}, {"id":"basic","basic":{…}} or {"id":"oauth_client_credentials","oauth_client_credentials":{…}} in credentials.`)
	case len(found) > 1:
		return nil, errs.New(errs.BadRequest, "Send exactly one credential (token, basic or oauth_client_credentials); this request carries several.")
	}
	c := found[0]
	if c.OAuthClientCredentials != nil {
		if strings.TrimSpace(c.OAuthClientCredentials.AccessToken) == "" {
			return nil, errs.New(errs.Unauthorized, "The SCIM OAuth access token is empty: run handle_client_credentials_request first.")
		}
		return httpclient.Bearer(c.OAuthClientCredentials.AccessToken), nil
	}
	if c.Token != nil {
		if strings.TrimSpace(c.Token.Token) == "" {
			return nil, errs.New(errs.Unauthorized, "The SCIM bearer token is empty.")
		}
		return httpclient.Bearer(c.Token.Token), nil
	}
	if c.Basic.Username == "" {
		return nil, errs.New(errs.Unauthorized, "The SCIM basic credential has an empty user name.")
	}
	return httpclient.Basic(c.Basic.Username, c.Basic.Password), nil
}

// tenantID is the stable tenant id of a base URL: scheme, host and path,
// lower-cased, without a trailing slash (the query is refused by the
// settings, a user or fragment dropped).
func tenantID(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return strings.ToLower(strings.TrimRight(baseURL, "/"))
	}
	return strings.ToLower(u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/"))
}

// userPath is the path of one User.
func (ss *session) userPath(id string) string { return ss.s.UsersPath + "/" + url.PathEscape(id) }

// groupPath is the path of one Group.
func (ss *session) groupPath(id string) string { return ss.s.GroupsPath + "/" + url.PathEscape(id) }

// op is a PATCH operation name in the settings' casing.
func (ss *session) op(name string) string {
	if ss.s.PatchOpCase == PatchOpCapitalized {
		return strings.ToUpper(name[:1]) + name[1:]
	}
	return name
}

// patchOp is one operation of a SCIM PATCH.
type patchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// patch sends a PatchOp request with ops to path.
func (ss *session) patch(ctx context.Context, path string, ops ...patchOp) error {
	body := map[string]any{"schemas": []string{schemaPatchOp}, "Operations": ops}
	_, err := ss.c.PatchJSON(ctx, path, body, nil)
	return err
}
