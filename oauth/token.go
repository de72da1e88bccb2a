package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

// MaxTokenResponseBytes bounds the token endpoint's answer that is read.
const MaxTokenResponseBytes = 1 << 20

// handleAuthorizationCallback trades the code of the redirect for tokens:
// grant_type=authorization_code, code (the redirect's code parameter),
// redirect_uri (the redirect without its query) and, for PKCE,
// code_verifier.
func (m *module) handleAuthorizationCallback(ctx context.Context, req toolkit.HandleAuthorizationCallbackRequest) (toolkit.HandleAuthorizationCallbackResponse, error) {
	p := req.Request
	s, err := m.forCapability(toolkit.CapHandleAuthorizationCallback.Name(), p.CredentialID)
	if err != nil {
		return toolkit.HandleAuthorizationCallbackResponse{}, err
	}
	code, redirectURI, err := parseRedirect(p.RedirectURIWithCode)
	if err != nil {
		return toolkit.HandleAuthorizationCallbackResponse{}, err
	}
	data := params{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", redirectURI}}
	if p.CodeVerifier != nil && *p.CodeVerifier != "" {
		data = append(data, param{"code_verifier", *p.CodeVerifier})
	}
	creds, raw, err := s.requestToken(ctx, m.in.AppID(), req.Settings, data, p.ClientID, p.ClientSecret)
	if err != nil {
		return toolkit.HandleAuthorizationCallbackResponse{}, err
	}
	return toolkit.HandleAuthorizationCallbackResponse{Response: creds, RawData: rawIf(req.IncludeRawData, raw)}, nil
}

// handleClientCredentials runs a client-credentials grant, with scope (the
// request's scopes, else the settings' scopes) only when there is one.
func (m *module) handleClientCredentials(ctx context.Context, req toolkit.HandleClientCredentialsRequestRequest) (toolkit.HandleClientCredentialsRequestResponse, error) {
	p := req.Request
	s, err := m.forCapability(toolkit.CapHandleClientCredentialsRequest.Name(), p.CredentialID)
	if err != nil {
		return toolkit.HandleClientCredentialsRequestResponse{}, err
	}
	scope, err := s.scopeString(ctx, req.Settings, p.Scopes)
	if err != nil {
		return toolkit.HandleClientCredentialsRequestResponse{}, err
	}
	data := params{{"grant_type", "client_credentials"}}
	if scope != "" {
		data = append(data, param{"scope", scope})
	}
	creds, raw, err := s.requestToken(ctx, m.in.AppID(), req.Settings, data, p.ClientID, p.ClientSecret)
	if err != nil {
		return toolkit.HandleClientCredentialsRequestResponse{}, err
	}
	return toolkit.HandleClientCredentialsRequestResponse{Response: creds, RawData: rawIf(req.IncludeRawData, raw)}, nil
}

// refreshAccessToken trades a refresh token for new tokens.
func (m *module) refreshAccessToken(ctx context.Context, req toolkit.RefreshAccessTokenRequest) (toolkit.RefreshAccessTokenResponse, error) {
	p := req.Request
	s, err := m.forCapability(toolkit.CapRefreshAccessToken.Name(), p.CredentialID)
	if err != nil {
		return toolkit.RefreshAccessTokenResponse{}, err
	}
	data := params{{"grant_type", "refresh_token"}, {"refresh_token", p.RefreshToken}}
	creds, raw, err := s.requestToken(ctx, m.in.AppID(), req.Settings, data, p.ClientID, p.ClientSecret)
	if err != nil {
		return toolkit.RefreshAccessTokenResponse{}, err
	}
	return toolkit.RefreshAccessTokenResponse{Response: creds, RawData: rawIf(req.IncludeRawData, raw)}, nil
}

// rawIf is raw when the request asked for raw data, else nil (an untyped
// nil, so raw_data stays null).
func rawIf(want bool, raw map[string]any) any {
	if !want {
		return nil
	}
	return raw
}

// parseRedirect reads the code from the URL the service redirected to, and
// the redirect URI it was sent to: scheme://host/path without the query.
func parseRedirect(raw string) (code, redirectURI string, err error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", "", errs.New(errs.BadRequest, "Invalid redirect_uri_with_code: it is not an absolute URL")
	}
	q := u.Query()
	if e := q.Get("error"); e != "" {
		msg := "The authorization was refused: " + e
		if d := q.Get("error_description"); d != "" {
			msg += ": " + d
		}
		return "", "", &errs.Error{Message: msg, Code: errs.Unauthorized, AppErrorCode: e}
	}
	code = q.Get("code")
	if code == "" {
		return "", "", errs.New(errs.BadRequest, "Invalid redirect_uri_with_code: it has no code parameter")
	}
	netloc := u.Host
	if u.User != nil {
		netloc = u.User.String() + "@" + netloc
	}
	return code, u.Scheme + "://" + netloc + u.EscapedPath(), nil
}

// requestToken sends a token request with the client's credentials, as
// the settings place them, through the toolkit's HTTP client (timeouts,
// User-Agent, trace, retries of requests that never left), and reads the
// answer.
func (s *Settings) requestToken(ctx context.Context, appID string, settings json.RawMessage, data params, clientID, clientSecret string) (toolkit.OAuthCredentials, map[string]any, error) {
	tokenURL, err := s.TokenURL(ctx, settings)
	if err != nil {
		return toolkit.OAuthCredentials{}, nil, err
	}
	clientAuth, err := s.clientAuth(ctx, settings)
	if err != nil {
		return toolkit.OAuthCredentials{}, nil, err
	}
	if clientAuth != ClientSecretBasic {
		data = append(data, param{"client_id", clientID}, param{"client_secret", clientSecret})
	}
	target := tokenURL
	var body io.Reader
	contentType := ""
	switch s.Request.Data {
	case Query:
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + data.encode()
	case JSON:
		body, contentType = bytes.NewReader(data.json()), "application/json"
	default:
		body, contentType = strings.NewReader(data.encode()), "application/x-www-form-urlencoded"
	}
	req, err := http.NewRequestWithContext(ctx, s.Request.Method, target, body)
	if err != nil {
		return toolkit.OAuthCredentials{}, nil, errs.Wrap(err, errs.BadRequest,
			fmt.Sprintf("Invalid token URL %q", errs.URLWithoutQuery(tokenURL)))
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json") // GitHub and others answer form-encoded otherwise
	if clientAuth == ClientSecretBasic {
		req.SetBasicAuth(clientID, clientSecret)
	}
	opts := s.HTTP
	if opts.AppID == "" {
		opts.AppID = appID
	}
	resp, err := httpclient.New(ctx, opts).Do(req)
	if err != nil {
		var ce *errs.Error // e.g. a rate limit outlasting the allowed wait
		var he *errs.HTTPStatusError
		if !errors.As(err, &ce) && errors.As(err, &he) {
			return readToken(he.StatusCode, headerValue(he.Header, "Content-Type"), errs.URLWithoutQuery(tokenURL), he.Body)
		}
		return toolkit.OAuthCredentials{}, nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, MaxTokenResponseBytes))
	if err != nil {
		return toolkit.OAuthCredentials{}, nil, err
	}
	return readToken(resp.StatusCode, resp.Header.Get("Content-Type"), errs.URLWithoutQuery(tokenURL), answer)
}

// headerValue is http.Header.Get for the plain map errs keeps headers in.
func headerValue(h map[string][]string, key string) string {
	return http.Header(h).Get(key)
}

// json writes the parameters as a JSON object, in order.
func (ps params) json() []byte {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		writeJSONString(&b, p.key)
		b.WriteByte(':')
		writeJSONString(&b, p.value)
	}
	b.WriteByte('}')
	return b.Bytes()
}

// writeJSONString writes s as a JSON string without HTML escaping.
func writeJSONString(b *bytes.Buffer, s string) {
	enc := json.NewEncoder(b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)       // a string always encodes
	b.Truncate(b.Len() - 1) // the newline Encode adds
}

// readToken reads a token endpoint's answer: status ≥ 300 is an api_error
// with the body, as upstream's raise_for_oauth_status does; a JSON object
// or a form-encoded body (GitHub's default) is read alike; an "error" in
// a 2xx answer (GitHub's way) is an api_error too. The provider's error
// code, when there is one, becomes the app_error_code. token_type is
// lower-cased, "bearer" when absent. It returns the credentials and the
// whole answer (with that token_type) for raw_data.
func readToken(status int, contentType, tokenURL string, body []byte) (toolkit.OAuthCredentials, map[string]any, error) {
	failed := func(detail, providerCode string) error {
		return &errs.Error{
			Message:      fmt.Sprintf("[%d][%s] OAuth request failed: %s", status, tokenURL, detail),
			Code:         errs.APIError,
			AppErrorCode: providerCode,
		}
	}
	data, parseErr := decodeTokenBody(contentType, body)
	if status >= 300 {
		code, _ := data["error"].(string)
		return toolkit.OAuthCredentials{}, nil, failed(bodyText(body), code)
	}
	if parseErr != nil {
		return toolkit.OAuthCredentials{}, nil, failed("the answer is neither a JSON object nor form-encoded: "+bodyText(body), "")
	}
	if e, ok := data["error"].(string); ok && e != "" {
		detail := e
		if d, ok := data["error_description"].(string); ok && d != "" {
			detail += ": " + d
		}
		return toolkit.OAuthCredentials{}, nil, failed(detail, e)
	}
	tokenType := toolkit.TokenTypeBearer
	if t, ok := data["token_type"].(string); ok {
		tokenType = toolkit.TokenType(strings.ToLower(t))
	}
	data["token_type"] = string(tokenType)
	access, _ := data["access_token"].(string)
	if access == "" {
		return toolkit.OAuthCredentials{}, nil, failed("the answer has no access_token", "")
	}
	creds := toolkit.OAuthCredentials{AccessToken: access, TokenType: tokenType}
	if r, ok := data["refresh_token"].(string); ok {
		creds.RefreshToken = &r
	}
	if st, ok := data["state"].(string); ok {
		creds.State = &st
	}
	return creds, data, nil
}

// decodeTokenBody decodes a JSON object, or a form-encoded body when the
// answer says so or does not look like JSON.
func decodeTokenBody(contentType string, body []byte) (map[string]any, error) {
	trimmed := bytes.TrimSpace(body)
	media, _, _ := mime.ParseMediaType(contentType)
	isForm := media == "application/x-www-form-urlencoded" || media == "text/plain"
	if !isForm || bytes.HasPrefix(trimmed, []byte("{")) {
		var data map[string]any
		dec := json.NewDecoder(bytes.NewReader(trimmed))
		dec.UseNumber() // keep numbers as written in raw_data
		if err := dec.Decode(&data); err == nil && data != nil && !dec.More() {
			return data, nil
		} else if bytes.HasPrefix(trimmed, []byte("{")) {
			if err == nil {
				err = errors.New("not a single JSON object")
			}
			return nil, err
		}
	}
	values, err := url.ParseQuery(string(trimmed))
	if err != nil {
		return nil, err
	}
	if !values.Has("access_token") && !values.Has("error") {
		return nil, errors.New("no access_token or error in a form-encoded answer")
	}
	data := make(map[string]any, len(values))
	for k, v := range values {
		data[k] = v[0]
	}
	return data, nil
}

// bodyText is a body for an error message: trimmed and cut to
// errs.MaxBodyInMessage bytes.
func bodyText(body []byte) string {
	text := strings.TrimSpace(string(body))
	if len(text) > errs.MaxBodyInMessage {
		cut := errs.MaxBodyInMessage
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return text
}
