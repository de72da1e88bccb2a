// Package oauth is the OAuth 2.0 module of lumos, upstream's OAuthModule: a
// connector states its provider's endpoints, scopes and quirks in Settings,
// and Register (or RegisterCredentials for a multi-credential connector)
// adds the standard OAuth capabilities built on them:
//
//   - get_authorization_url builds the authorization URL (with a PKCE
//     challenge when asked);
//   - handle_authorization_callback trades the redirect's code for tokens;
//   - handle_client_credentials_request runs a client-credentials grant;
//   - refresh_access_token trades a refresh token for new tokens.
//
// The connector's `info` and app_info then describe the settings
// (oauth_scopes, the credentials' oauth_settings, x-oauth-settings and the
// oauth2 security schemes). A connector keeps its own implementation of
// any of these capabilities by registering it before calling Register.
//
//	oauth.Register(integration, oauth.Settings{
//		AuthorizationURL: oauth.Static("https://example.com/oauth/authorize"),
//		TokenURL:         oauth.Static("https://example.com/oauth/token"),
//		Scopes:           map[toolkit.CapabilityName]string{toolkit.CapListAccounts.Name(): "users:read"},
//		PKCE:             true,
//	})
//
// Package oauthtest starts a real OAuth 2.0 authorization server for tests.
package oauth
