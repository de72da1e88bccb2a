package toolkit

import "reflect"

// authKind is everything lumos knows about one kind of credential. The
// table below is the only list of kinds: the AuthModel enum, the
// credential checks, `info`, app_info's security schemes and the secret
// keys of requests all derive from it.
type authKind struct {
	model   AuthModel
	typ     reflect.Type                 // the credential's model, e.g. TokenCredential
	present func(a *AuthCredential) bool // whether a credential of this kind is set
	scheme  func() map[string]any        // app_info's security scheme (OAuth URLs filled in later when known)
}

// apiKeyScheme is the scheme of a credential sent in the Authorization
// header: OpenAPI has none for most of the protocol's kinds, so upstream
// writes an API key.
func apiKeyScheme(desc string) func() map[string]any {
	return func() map[string]any {
		return map[string]any{"type": "apiKey", "in": "header", "name": "Authorization", "description": desc}
	}
}

// oauth2Scheme is an OAuth 2.0 scheme of one flow with empty URLs and scopes.
func oauth2Scheme(flow string, withAuthorizationURL bool) func() map[string]any {
	return func() map[string]any {
		f := map[string]any{"tokenUrl": "", "scopes": map[string]any{}}
		if withAuthorizationURL {
			f["authorizationUrl"] = ""
		}
		return map[string]any{"type": "oauth2", "flows": map[string]any{flow: f}}
	}
}

// authKinds lists the credential kinds in the protocol's order.
var authKinds = []authKind{
	{AuthOAuth, reflect.TypeFor[OAuthCredential](), func(a *AuthCredential) bool { return a.OAuth != nil },
		oauth2Scheme("authorizationCode", true)},
	{AuthOAuthClientCredentials, reflect.TypeFor[OAuthClientCredential](), func(a *AuthCredential) bool { return a.OAuthClientCredentials != nil },
		oauth2Scheme("clientCredentials", false)},
	{AuthOAuth1, reflect.TypeFor[OAuth1Credential](), func(a *AuthCredential) bool { return a.OAuth1 != nil },
		apiKeyScheme("An OAuth 1.0a consumer and token key pair, to sign requests with.")},
	{AuthBasic, reflect.TypeFor[BasicCredential](), func(a *AuthCredential) bool { return a.Basic != nil },
		func() map[string]any {
			return map[string]any{"type": "http", "scheme": "basic", "description": "A user name and password."}
		}},
	{AuthToken, reflect.TypeFor[TokenCredential](), func(a *AuthCredential) bool { return a.Token != nil },
		apiKeyScheme("An API token or API key.")},
	{AuthJWT, reflect.TypeFor[JWTCredential](), func(a *AuthCredential) bool { return a.JWT != nil },
		apiKeyScheme("A signed JSON Web Token.")},
	{AuthServiceAccount, reflect.TypeFor[ServiceAccountCredential](), func(a *AuthCredential) bool { return a.ServiceAccount != nil },
		apiKeyScheme("A cloud platform's service-account key.")},
	{AuthKeyPair, reflect.TypeFor[KeyPairCredential](), func(a *AuthCredential) bool { return a.KeyPair != nil },
		apiKeyScheme("A key identifier and its private key.")},
}

// kindOf returns the table entry of m, or nil for an unknown kind.
func kindOf(m AuthModel) *authKind {
	for i := range authKinds {
		if authKinds[i].model == m {
			return &authKinds[i]
		}
	}
	return nil
}

// allAuthModels lists the AuthModel values, in the protocol's order.
var allAuthModels = func() []AuthModel {
	out := make([]AuthModel, len(authKinds))
	for i, k := range authKinds {
		out[i] = k.model
	}
	return out
}()

// Has reports whether the credential of kind m is present.
func (a *AuthCredential) Has(m AuthModel) bool {
	k := kindOf(m)
	return a != nil && k != nil && k.present(a)
}
