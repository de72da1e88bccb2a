// Package oauthdesc carries a connector's OAuth settings from package oauth,
// which registers them, to the toolkit, which shows them in `info` and
// app_info. It lives under internal/ because connector authors never use
// it: they call oauth.Register.
package oauthdesc

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
)

// Description is what `info` and app_info show of the OAuth settings behind
// one credential.
type Description struct {
	// FlowType is the flow's wire name: "CODE_FLOW" or "CLIENT_CREDENTIALS".
	FlowType string
	// PKCE reports whether the code flow sends a PKCE challenge.
	PKCE bool
	// Capabilities maps each capability name of the flow to whether the
	// connector offers it, from the OAuth module or from its own handler.
	Capabilities map[string]bool
	// Scopes is the fixed map of capability name to space-delimited scopes,
	// or nil when there is none or the scopes are computed per request.
	Scopes map[string]string
	// Resolve computes the endpoints and scopes for a request's settings, for
	// app_info. It never fails: what cannot be computed comes back empty.
	Resolve func(ctx context.Context, settings json.RawMessage) Endpoints
}

// Endpoints are OAuth settings computed for one request.
type Endpoints struct {
	AuthorizationURL string            // "" for the client-credentials flow or when unknown
	TokenURL         string            // "" when unknown
	Scopes           map[string]string // capability name → space-delimited scopes; empty when unknown
}

// Describer describes a connector's OAuth settings.
type Describer interface {
	// DescribeOAuth describes the OAuth settings of the credential config
	// credentialID, or of the connector's single credential when
	// credentialID is "". It returns false when that credential has none.
	DescribeOAuth(credentialID string) (Description, bool)
}

var attached sync.Map // integration (a *toolkit.Integration) → Describer

// ErrAttached is returned by Attach for an integration that has OAuth settings already.
var ErrAttached = errors.New("OAuth settings are registered twice; register them once")

// Attach records d as the describer of integration's OAuth settings.
func Attach(integration any, d Describer) error {
	if _, loaded := attached.LoadOrStore(integration, d); loaded {
		return ErrAttached
	}
	return nil
}

// Of returns the describer attached to integration, or nil.
func Of(integration any) Describer {
	d, _ := attached.Load(integration)
	desc, _ := d.(Describer)
	return desc
}
