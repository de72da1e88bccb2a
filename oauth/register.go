package oauth

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/internal/oauthdesc"
	"github.com/lumosgo/lumos/toolkit"
)

// module is the OAuth settings of one connector and the capabilities
// built on them.
type module struct {
	in     *toolkit.Integration
	single *Settings            // the settings of a connector declared with Auth
	byID   map[string]*Settings // the settings per credential config otherwise
	ids    []string             // the keys of byID in declaration order
}

// Register gives a connector declared with a single credential
// (Declaration.Auth) the OAuth capabilities of s's flow:
// get_authorization_url, handle_authorization_callback and
// refresh_access_token for CodeFlow; handle_client_credentials_request and
// refresh_access_token for ClientCredentialsFlow. A capability is left out
// when s disables it or the connector has already registered its own
// handler, so call Register after your own Handle calls. `info` and app_info
// then describe the settings.
//
// Register panics, naming the fix, when the connector declares Credentials
// (use RegisterCredentials), when s is invalid, or when OAuth settings are
// already registered; call it from init.
func Register(in *toolkit.Integration, s Settings) {
	if len(in.Declaration().Credentials) > 0 {
		panic(fail(in, "the connector declares Credentials; use oauth.RegisterCredentials with settings per credential id"))
	}
	s, err := s.withDefaults()
	if err != nil {
		panic(fail(in, "%v", err))
	}
	register(&module{in: in, single: &s})
}

// RegisterCredentials is Register for a connector declared with
// Credentials: settings per credential config id (upstream's OAuthConfig).
// The capabilities of every flow named are registered once; a request picks
// its settings by its credential_id, which may be left out when only one
// credential has OAuth settings.
//
// RegisterCredentials panics, naming the fix, when the connector declares
// Auth, when an id is not a declared credential, when settings are invalid,
// or when OAuth settings are already registered.
func RegisterCredentials(in *toolkit.Integration, byID map[string]Settings) {
	d := in.Declaration()
	if d.Auth != "" {
		panic(fail(in, "the connector declares Auth; use oauth.Register"))
	}
	if len(byID) == 0 {
		panic(fail(in, "no OAuth settings given; pass settings for at least one credential id"))
	}
	m := &module{in: in, byID: map[string]*Settings{}}
	for _, c := range d.Credentials {
		s, ok := byID[c.ID]
		if !ok {
			continue
		}
		s, err := s.withDefaults()
		if err != nil {
			panic(fail(in, "credential %q: %v", c.ID, err))
		}
		m.byID[c.ID] = &s
		m.ids = append(m.ids, c.ID)
	}
	for id := range byID {
		if _, ok := m.byID[id]; !ok {
			panic(fail(in, "credential %q is not declared; declare it in Credentials or fix the id", id))
		}
	}
	register(m)
}

func fail(in *toolkit.Integration, format string, args ...any) error {
	return fmt.Errorf("lumos: connector %q: oauth: %s", in.AppID(), fmt.Sprintf(format, args...))
}

// all returns every settings object, in declaration order.
func (m *module) all() []*Settings {
	if m.single != nil {
		return []*Settings{m.single}
	}
	out := make([]*Settings, 0, len(m.ids))
	for _, id := range m.ids {
		out = append(out, m.byID[id])
	}
	return out
}

// register adds the capabilities the settings enable and the connector does
// not implement itself, and installs the describer.
func register(m *module) {
	in := m.in
	own := in.Capabilities()
	wanted := map[toolkit.CapabilityName]bool{}
	for _, s := range m.all() {
		for _, c := range s.FlowType.Capabilities() {
			if s.enabled(c) && !slices.Contains(own, c) {
				wanted[c] = true
			}
		}
	}
	if wanted[toolkit.CapGetAuthorizationURL.Name()] {
		for _, s := range m.all() {
			if s.FlowType == CodeFlow && s.AuthorizationURL == nil && s.enabled(toolkit.CapGetAuthorizationURL.Name()) {
				panic(fail(in, "AuthorizationURL is nil; the code flow's get_authorization_url needs it (or disable that capability)"))
			}
		}
	}
	if err := oauthdesc.Attach(in, m); err != nil {
		panic(fail(in, "%v", err))
	}
	if wanted[toolkit.CapGetAuthorizationURL.Name()] {
		toolkit.Handle(in, toolkit.CapGetAuthorizationURL, m.getAuthorizationURL)
	}
	if wanted[toolkit.CapHandleAuthorizationCallback.Name()] {
		toolkit.Handle(in, toolkit.CapHandleAuthorizationCallback, m.handleAuthorizationCallback)
	}
	if wanted[toolkit.CapHandleClientCredentialsRequest.Name()] {
		toolkit.Handle(in, toolkit.CapHandleClientCredentialsRequest, m.handleClientCredentials)
	}
	if wanted[toolkit.CapRefreshAccessToken.Name()] {
		toolkit.Handle(in, toolkit.CapRefreshAccessToken, m.refreshAccessToken)
	}
}

// settingsFor picks the settings a request's credential_id names. A
// single-credential connector has one settings object, whatever the id. A
// multi-credential connector looks the id up; without an id, the only
// credential with OAuth settings is meant.
//
// Upstream looks the id up for the capability but then sends the token
// request with the first settings object, which fails for every
// multi-credential connector; here the request uses the settings its id
// names.
func (m *module) settingsFor(credentialID *string) (*Settings, error) {
	if m.single != nil {
		return m.single, nil
	}
	if credentialID == nil || *credentialID == "" {
		if len(m.ids) == 1 {
			return m.byID[m.ids[0]], nil
		}
		return nil, errs.Newf(errs.BadRequest, "OAuth settings were not provided for app '%s'! Name the credential in credential_id (one of %s).",
			m.in.AppID(), strings.Join(m.ids, ", "))
	}
	s, ok := m.byID[*credentialID]
	if !ok {
		return nil, errs.Newf(errs.BadRequest, "OAuth settings for credential ID: %s were not provided!", *credentialID)
	}
	return s, nil
}

// DescribeOAuth describes the OAuth settings of a credential for `info` and app_info.
func (m *module) DescribeOAuth(credentialID string) (oauthdesc.Description, bool) {
	var s *Settings
	switch {
	case m.single != nil && credentialID == "":
		s = m.single
	case m.byID != nil:
		s = m.byID[credentialID]
	}
	if s == nil {
		return oauthdesc.Description{}, false
	}
	registered := m.in.Capabilities()
	caps := map[string]bool{}
	for _, c := range s.FlowType.Capabilities() {
		// As upstream: available when enabled, or implemented by the connector.
		caps[string(c)] = !slices.Contains(s.Disable, c) || slices.Contains(registered, c)
	}
	return oauthdesc.Description{
		FlowType:     string(s.FlowType),
		PKCE:         s.PKCE,
		Capabilities: caps,
		Scopes:       scopeNames(s.Scopes),
		Resolve: func(ctx context.Context, settings json.RawMessage) oauthdesc.Endpoints {
			return s.resolve(ctx, settings)
		},
	}, true
}

// resolve computes the endpoints and scopes for app_info; what fails is
// left empty, as upstream does. A panicking URL or scopes function counts
// as failing.
func (s *Settings) resolve(ctx context.Context, settings json.RawMessage) oauthdesc.Endpoints {
	out := oauthdesc.Endpoints{Scopes: map[string]string{}}
	if s.FlowType == CodeFlow && s.AuthorizationURL != nil {
		out.AuthorizationURL = quietly(func() (string, error) { return s.AuthorizationURL(ctx, settings) })
	}
	out.TokenURL = quietly(func() (string, error) { return s.TokenURL(ctx, settings) })
	scopes, _ := quietlyScopes(func() (map[toolkit.CapabilityName]string, error) { return s.scopes(ctx, settings) })
	for c, v := range scopes {
		out.Scopes[string(c)] = v
	}
	return out
}

// scopeNames is a fixed scopes map keyed by plain names; nil stays nil (no fixed map).
func scopeNames(scopes map[toolkit.CapabilityName]string) map[string]string {
	if scopes == nil {
		return nil
	}
	out := make(map[string]string, len(scopes))
	for c, v := range scopes {
		out[string(c)] = v
	}
	return out
}

func quietly(f func() (string, error)) (out string) {
	defer func() {
		if recover() != nil {
			out = ""
		}
	}()
	v, err := f()
	if err != nil {
		return ""
	}
	return v
}

func quietlyScopes(f func() (map[toolkit.CapabilityName]string, error)) (out map[toolkit.CapabilityName]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("panic: %v", r)
		}
	}()
	return f()
}

// scopes returns the capability → scopes map for a request.
func (s *Settings) scopes(ctx context.Context, settings json.RawMessage) (map[toolkit.CapabilityName]string, error) {
	if s.ScopesFunc != nil {
		return s.ScopesFunc(ctx, settings)
	}
	return s.Scopes, nil
}

// scopeString is the scope parameter for a request: the request's scopes
// joined by spaces, else every scope of the settings, once each. Upstream
// de-duplicates through a Python set, so its order varies from run to run;
// here the capabilities are taken in name order and each scope keeps its
// first place.
func (s *Settings) scopeString(ctx context.Context, settings json.RawMessage, requested []string) (string, error) {
	if len(requested) > 0 {
		return strings.Join(requested, " "), nil
	}
	byCap, err := s.scopes(ctx, settings)
	if err != nil {
		return "", err
	}
	return unionScopes(byCap), nil
}

// unionScopes joins the scopes of every capability, each once.
func unionScopes(byCap map[toolkit.CapabilityName]string) string {
	caps := make([]toolkit.CapabilityName, 0, len(byCap))
	for c := range byCap {
		caps = append(caps, c)
	}
	slices.Sort(caps)
	var out []string
	seen := map[string]bool{}
	for _, c := range caps {
		for _, scope := range strings.Fields(byCap[c]) {
			if !seen[scope] {
				seen[scope] = true
				out = append(out, scope)
			}
		}
	}
	return strings.Join(out, " ")
}

// Check the interfaces are satisfied.
var _ oauthdesc.Describer = (*module)(nil)
