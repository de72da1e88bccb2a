// Package mockoauth is the mock connector's OAuth variant, app id
// "mock-oauth": the mock's synthetic tenant behind a real OAuth 2.0
// authorization-code flow with PKCE (package oauth). It lives apart from
// package mock so a mock-only build links no HTTP stack.
package mockoauth

import (
	"context"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/oauth"
	"github.com/lumosgo/lumos/toolkit"
)

// DefaultOAuthBaseURL is mock-oauth's authorization server when the
// settings name none; it does not exist.
const DefaultOAuthBaseURL = "https://oauth.mock.example"

// Settings are the settings of mock-oauth: the mock's, and the
// authorization server to run the OAuth flows against.
type Settings struct {
	Host         string `json:"host" required:"true" description:"Host name of the mock service; any non-empty name works, nothing is contacted."`
	TenantSize   int64  `json:"tenant_size" default:"100" minimum:"0" maximum:"1000000000" description:"Number of accounts in the synthetic tenant."`
	OAuthBaseURL string `json:"oauth_base_url" default:"https://oauth.mock.example" description:"Base URL of the OAuth 2.0 authorization server: its authorization endpoint is <oauth_base_url>/authorize and its token endpoint <oauth_base_url>/token."`
}

// Scopes are the scopes mock-oauth asks for, per capability.
var Scopes = map[toolkit.CapabilityName]string{
	toolkit.CapValidateCredentials.Name(): "profile",
	toolkit.CapListAccounts.Name():        "accounts:read",
	toolkit.CapGetAccount.Name():          "accounts:read",
	toolkit.CapListResources.Name():       "resources:read",
	toolkit.CapListEntitlements.Name():    "entitlements:read",
}

// Integration returns the mock connector's OAuth variant, app id
// "mock-oauth": the mock's synthetic tenant behind the read capabilities,
// with a credential obtained by a real OAuth 2.0 authorization-code flow
// with PKCE (package oauth) against the server at settings.oauth_base_url.
// Point that at a real server (see package oauthtest) to run the flows end
// to end.
var Integration = sync.OnceValue(build)

func init() { toolkit.RegisterLazy("mock-oauth", Integration) }

// build declares the connector and attaches its capabilities.
func build() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{
		AppID:    "mock-oauth",
		Version:  mock.Version,
		Auth:     toolkit.AuthOAuth,
		Settings: Settings{},
		Description: toolkit.DescriptionData{
			LogoURL:          "https://lumos.com/favicon.ico",
			UserFriendlyName: "OAuth Mock",
			Description:      "The mock's synthetic tenant behind an OAuth 2.0 code flow with PKCE, run against the authorization server at oauth_base_url.",
			Categories:       []toolkit.AppCategory{toolkit.CategoryDevelopers},
			AppVendorDomain:  "lumos.com",
		},
		ResourceTypes:    mock.Integration().Declaration().ResourceTypes,
		EntitlementTypes: mock.Integration().Declaration().EntitlementTypes,
	})

	toolkit.Handle(in, toolkit.CapValidateCredentials, validateOAuthCredentials, toolkit.WithDescription(
		"Accept any non-empty OAuth access token (the authorization server is not asked)."))

	// The mock's reads, unchanged: they read only the settings.
	mock.RegisterReads(in)

	// The OAuth code flow with PKCE, from package oauth.
	oauth.Register(in, oauth.Settings{
		AuthorizationURL: oauthEndpoint("/authorize"),
		TokenURL:         oauthEndpoint("/token"),
		Scopes:           Scopes,
		FlowType:         oauth.CodeFlow,
		PKCE:             true,
	})
	return in
}

// oauthEndpoint returns the URL of an endpoint of the authorization server
// the settings name. It decodes only oauth_base_url, so app_info without
// settings still shows the default server's URLs.
func oauthEndpoint(path string) oauth.URL {
	type server struct {
		OAuthBaseURL string `json:"oauth_base_url" default:"https://oauth.mock.example"`
	}
	return oauth.FromSettings(func(s server) (string, error) {
		base := strings.TrimRight(s.OAuthBaseURL, "/")
		if base == "" {
			return "", errs.New(errs.BadRequest, "Invalid settings: oauth_base_url is empty")
		}
		return base + path, nil
	})
}

// validateOAuthCredentials accepts any non-empty access token: mock-oauth
// does not call the authorization server to check it.
func validateOAuthCredentials(_ context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	s, err := toolkit.DecodeSettings[Settings](req.Settings)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	if s.TenantSize < 0 || s.TenantSize > mock.MaxTenantSize {
		return toolkit.ValidateCredentialsResponse{}, errs.Newf(errs.BadRequest, "Invalid settings: tenant_size must be between 0 and %d", mock.MaxTenantSize)
	}
	if req.Auth.OAuth.AccessToken == "" {
		return toolkit.ValidateCredentialsResponse{}, errs.New(errs.Unauthorized, "mock-oauth rejects an empty access_token.")
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: mock.TenantID}}, nil
}
