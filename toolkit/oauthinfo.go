package toolkit

import (
	"context"
	"encoding/json"
	"fmt"
)

// OAuthDescription is what `info` and app_info show about the OAuth settings
// behind one credential. Package oauth fills it; the toolkit only renders it.
type OAuthDescription struct {
	// FlowType is the flow's wire name: "CODE_FLOW" or "CLIENT_CREDENTIALS".
	FlowType string
	// PKCE reports whether the code flow sends a PKCE challenge.
	PKCE bool
	// Capabilities maps each capability of the flow to whether the connector
	// offers it, from the OAuth module or from its own handler.
	Capabilities map[CapabilityName]bool
	// Scopes is the fixed map of capability to space-delimited scopes, or nil
	// when there is none or the scopes are computed per request. `info`
	// shows only a fixed map.
	Scopes map[CapabilityName]string
	// Resolve computes the endpoints and scopes for a request's settings, for
	// app_info. It never fails: an endpoint or the scopes that cannot be
	// computed come back as "" or an empty map, as upstream does.
	Resolve func(ctx context.Context, settings json.RawMessage) OAuthEndpoints
}

// OAuthEndpoints are OAuth settings computed for one request.
type OAuthEndpoints struct {
	AuthorizationURL string                    // "" for the client-credentials flow or when unknown
	TokenURL         string                    // "" when unknown
	Scopes           map[CapabilityName]string // capability → space-delimited scopes; empty when unknown
}

// OAuthDescriber describes a connector's OAuth settings to `info` and
// app_info. Package oauth installs one with SetOAuth when it registers the
// OAuth capabilities; the toolkit cannot import that package.
type OAuthDescriber interface {
	// DescribeOAuth describes the OAuth settings of the credential config
	// credentialID, or of the connector's single credential (Declaration.Auth)
	// when credentialID is "". It returns false when that credential has none.
	DescribeOAuth(credentialID string) (OAuthDescription, bool)
}

// SetOAuth installs the describer of the connector's OAuth settings, once;
// package oauth calls it. It returns an error when one is already installed.
func (in *Integration) SetOAuth(d OAuthDescriber) error {
	if d == nil {
		return fmt.Errorf("lumos: connector %q: SetOAuth called with a nil describer", in.decl.AppID)
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.oauth != nil {
		return fmt.Errorf("lumos: connector %q: OAuth settings are registered twice; register them once", in.decl.AppID)
	}
	in.oauth = d
	in.info = nil // `info` now shows the OAuth settings
	return nil
}

// OAuth returns the describer of the connector's OAuth settings, or nil when
// it has none.
func (in *Integration) OAuth() OAuthDescriber {
	in.mu.RLock()
	defer in.mu.RUnlock()
	return in.oauth
}

// DescribeOAuth describes the OAuth settings of a credential (see
// OAuthDescriber); false when the connector or the credential has none.
func (in *Integration) DescribeOAuth(credentialID string) (OAuthDescription, bool) {
	d := in.OAuth()
	if d == nil {
		return OAuthDescription{}, false
	}
	return d.DescribeOAuth(credentialID)
}

// oauthInfo adds the OAuth settings to `info`, as upstream does: the fixed
// scopes of the single credential as oauth_scopes (null otherwise), and an
// oauth_settings object on every credential config that has OAuth settings.
func (in *Integration) oauthInfo(info *Info) {
	if in.OAuth() == nil {
		return
	}
	if in.decl.Auth != "" {
		if od, ok := in.DescribeOAuth(""); ok && od.Scopes != nil {
			info.OAuthScopes = map[string]string{}
			for c, s := range od.Scopes {
				info.OAuthScopes[string(c)] = s
			}
		}
	}
	for i, cfg := range in.decl.Credentials {
		od, ok := in.DescribeOAuth(cfg.ID)
		if !ok || i >= len(info.CredentialsSchema) {
			continue
		}
		var scopes any // null unless a fixed map
		if od.Scopes != nil {
			m := map[string]any{}
			for c, s := range od.Scopes {
				m[string(c)] = s
			}
			scopes = m
		}
		info.CredentialsSchema[i]["oauth_settings"] = map[string]any{
			"oauth_type":   od.FlowType,
			"scopes":       scopes,
			"pkce_enabled": od.PKCE,
		}
	}
}
