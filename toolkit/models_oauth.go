package toolkit

// GetAuthorizationURL is the payload of get_authorization_url: what is
// needed to build the URL that starts an OAuth code flow.
// Its wire model name is upstream's GetAuthorizationUrl.
type GetAuthorizationURL struct {
	CredentialID *string           `json:"credential_id" description:"The connector's credential config the flow is for."`
	ClientID     string            `json:"client_id" required:"true" description:"The OAuth client id issued by the remote service."`
	Scopes       []string          `json:"scopes" required:"true" description:"The OAuth scopes to ask for."`
	RedirectURI  string            `json:"redirect_uri" required:"true" description:"Where the remote service sends the user back; it must match the connector's settings."`
	State        string            `json:"state" required:"true" description:"Opaque value echoed back to the redirect, to tie the callback to this request."`
	FormData     map[string]string `json:"form_data" description:"Extra form values for the authorization request."`
}

// AuthorizationURL is the result of get_authorization_url; its wire model
// name is upstream's AuthorizationUrl.
type AuthorizationURL struct {
	AuthorizationURL string  `json:"authorization_url" required:"true" description:"The URL to send the user to."`
	CodeVerifier     *string `json:"code_verifier" description:"The PKCE code verifier behind the URL's challenge, when PKCE is used; pass it to handle_authorization_callback."`
}

// HandleAuthorizationCallback is the payload of
// handle_authorization_callback: the redirect to exchange for tokens.
type HandleAuthorizationCallback struct {
	CredentialID        *string `json:"credential_id" description:"The connector's credential config the flow is for."`
	ClientID            string  `json:"client_id" required:"true" description:"The OAuth client id issued by the remote service."`
	ClientSecret        string  `json:"client_secret" required:"true" description:"The secret of that client."`
	RedirectURIWithCode string  `json:"redirect_uri_with_code" required:"true" description:"The URL the remote service redirected to, with the authorization code in its query."`
	State               *string `json:"state" description:"The state value of the flow, to check against the callback."`
	CodeVerifier        *string `json:"code_verifier" description:"The PKCE code verifier get_authorization_url returned, when PKCE is used."`
}

// HandleClientCredentials is the payload of
// handle_client_credentials_request: a client-credentials grant.
type HandleClientCredentials struct {
	CredentialID *string  `json:"credential_id" description:"The connector's credential config the grant is for."`
	ClientID     string   `json:"client_id" required:"true" description:"The OAuth client id issued by the remote service."`
	ClientSecret string   `json:"client_secret" required:"true" description:"The secret of that client."`
	Scopes       []string `json:"scopes" required:"true" description:"The OAuth scopes to ask for."`
}

// RefreshAccessToken is the payload of refresh_access_token.
type RefreshAccessToken struct {
	CredentialID *string `json:"credential_id" description:"The connector's credential config the token belongs to."`
	ClientID     string  `json:"client_id" required:"true" description:"The OAuth client id issued by the remote service."`
	ClientSecret string  `json:"client_secret" required:"true" description:"The secret of that client."`
	RefreshToken string  `json:"refresh_token" required:"true" description:"The refresh token to trade for a new access token."`
	State        *string `json:"state" description:"The state value of the flow, if any."`
}

// OAuthCredentials is the result of the token-issuing OAuth capabilities:
// enough to call the remote API. Its wire model name is upstream's
// OauthCredentials.
type OAuthCredentials struct {
	AccessToken  string    `json:"access_token" required:"true" description:"The token that authorizes API calls."`
	RefreshToken *string   `json:"refresh_token" description:"A token to get a new access token without the user, if the service issued one."`
	TokenType    TokenType `json:"token_type" required:"true" description:"How the access token is presented; bearer."`
	State        *string   `json:"state" description:"The state value of the flow, if any."`
}

// Request and response envelopes of the OAuth capabilities, which run before
// any credential exists and so carry no auth or credentials. The names
// follow the capability names, hence the doubled word in
// HandleClientCredentialsRequestRequest.
type (
	GetAuthorizationURLRequest             = UnauthenticatedRequest[GetAuthorizationURL]
	GetAuthorizationURLResponse            = Response[AuthorizationURL]
	HandleAuthorizationCallbackRequest     = UnauthenticatedRequest[HandleAuthorizationCallback]
	HandleAuthorizationCallbackResponse    = Response[OAuthCredentials]
	HandleClientCredentialsRequestRequest  = UnauthenticatedRequest[HandleClientCredentials]
	HandleClientCredentialsRequestResponse = Response[OAuthCredentials]
	RefreshAccessTokenRequest              = UnauthenticatedRequest[RefreshAccessToken]
	RefreshAccessTokenResponse             = Response[OAuthCredentials]
)
