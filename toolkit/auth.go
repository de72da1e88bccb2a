package toolkit

import "github.com/swaggest/jsonschema-go"

// AuthCredential holds one credential: exactly one of its kind fields is set
// for the connector's auth model. In a credentials list, ID names the
// connector's credential config it answers.
type AuthCredential struct {
	ID                     *string                   `json:"id" description:"The credential config this credential answers (credentials lists only)."`
	OAuth                  *OAuthCredential          `json:"oauth"`
	OAuthClientCredentials *OAuthClientCredential    `json:"oauth_client_credentials"`
	OAuth1                 *OAuth1Credential         `json:"oauth1"`
	Basic                  *BasicCredential          `json:"basic"`
	Token                  *TokenCredential          `json:"token"`
	JWT                    *JWTCredential            `json:"jwt"`
	ServiceAccount         *ServiceAccountCredential `json:"service_account"`
	KeyPair                *KeyPairCredential        `json:"key_pair"`
}

// credentialType tags a credential model's schema with the auth model it implements.
func credentialType(s *jsonschema.Schema, m AuthModel) error {
	s.WithExtraPropertiesItem("x-credential-type", string(m))
	return nil
}

// OAuthCredential is an OAuth 2.0 access token obtained by a code flow.
type OAuthCredential struct {
	AccessToken string `json:"access_token" required:"true" secret:"true" fieldType:"HIDDEN" description:"The OAuth access token."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (OAuthCredential) PrepareJSONSchema(s *jsonschema.Schema) error {
	return credentialType(s, AuthOAuth)
}

// OAuthClientCredential is an OAuth 2.0 client-credentials grant and its token.
type OAuthClientCredential struct {
	AccessToken  string   `json:"access_token" required:"true" secret:"true" fieldType:"HIDDEN" description:"The OAuth access token."`
	ClientID     string   `json:"client_id" required:"true" description:"The OAuth client id."`
	ClientSecret string   `json:"client_secret" required:"true" secret:"true" fieldType:"SECRET" description:"The OAuth client secret."`
	Scopes       []string `json:"scopes" required:"true" description:"The scopes granted to the client."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (OAuthClientCredential) PrepareJSONSchema(s *jsonschema.Schema) error {
	return credentialType(s, AuthOAuthClientCredentials)
}

// OAuth1Credential is a set of OAuth 1.0a consumer and token keys.
type OAuth1Credential struct {
	ConsumerKey    string `json:"consumer_key" required:"true" description:"The OAuth 1.0a consumer key."`
	ConsumerSecret string `json:"consumer_secret" required:"true" secret:"true" fieldType:"SECRET" description:"The OAuth 1.0a consumer secret."`
	TokenID        string `json:"token_id" required:"true" description:"The OAuth 1.0a token id."`
	TokenSecret    string `json:"token_secret" required:"true" secret:"true" fieldType:"SECRET" description:"The OAuth 1.0a token secret."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (OAuth1Credential) PrepareJSONSchema(s *jsonschema.Schema) error {
	return credentialType(s, AuthOAuth1)
}

// BasicCredential is a user name and password.
type BasicCredential struct {
	Username string `json:"username" required:"true" description:"The user name."`
	Password string `json:"password" required:"true" secret:"true" fieldType:"SECRET" description:"The password."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (BasicCredential) PrepareJSONSchema(s *jsonschema.Schema) error {
	return credentialType(s, AuthBasic)
}

// TokenCredential is an API token or personal access token.
type TokenCredential struct {
	Token string `json:"token" required:"true" secret:"true" fieldType:"SECRET" description:"The API token."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (TokenCredential) PrepareJSONSchema(s *jsonschema.Schema) error {
	return credentialType(s, AuthToken)
}

// JWTCredential is the material to sign a JSON Web Token.
type JWTCredential struct {
	Headers JWTHeaders `json:"headers" required:"true" description:"The JOSE header of the token."`
	Claims  JWTClaims  `json:"claims" required:"true" description:"The claims of the token."`
	Secret  string     `json:"secret" required:"true" secret:"true" fieldType:"SECRET" description:"The signing secret or key."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (JWTCredential) PrepareJSONSchema(s *jsonschema.Schema) error { return credentialType(s, AuthJWT) }

// JWTHeaders is the JOSE header of a JSON Web Token.
type JWTHeaders struct {
	Alg     string   `json:"alg" required:"true" description:"Signing algorithm."`
	Jku     string   `json:"jku" required:"true" description:"JWK set URL."`
	Jwk     string   `json:"jwk" required:"true" description:"JSON Web Key."`
	Typ     string   `json:"typ" required:"true" description:"Token type."`
	Kid     string   `json:"kid" required:"true" description:"Key id."`
	X5u     string   `json:"x5u" required:"true" description:"X.509 URL."`
	X5c     string   `json:"x5c" required:"true" description:"X.509 certificate chain."`
	X5t     string   `json:"x5t" required:"true" description:"X.509 SHA-1 thumbprint."`
	X5tS256 string   `json:"x5t#S256" required:"true" description:"X.509 SHA-256 thumbprint."`
	Cty     string   `json:"cty" required:"true" description:"Content type."`
	Crit    []string `json:"crit" required:"true" description:"Critical header names."`
}

// JWTClaims is the claim set of a JSON Web Token.
type JWTClaims struct {
	Iss      string   `json:"iss" required:"true" description:"Issuer."`
	Sub      string   `json:"sub" required:"true" description:"Subject."`
	Aud      string   `json:"aud" required:"true" description:"Audience."`
	Exp      int64    `json:"exp" required:"true" description:"Expiry, in seconds since the epoch."`
	Nbf      int64    `json:"nbf" required:"true" description:"Not-before time, in seconds since the epoch."`
	Iat      int64    `json:"iat" required:"true" description:"Issue time, in seconds since the epoch."`
	Jti      string   `json:"jti" required:"true" description:"Token id."`
	Act      string   `json:"act" required:"true" description:"Actor."`
	Scope    []string `json:"scope" required:"true" description:"Scopes."`
	ClientID string   `json:"client_id" required:"true" description:"Client id."`
	MayAct   string   `json:"may_act" required:"true" description:"Authorised actor."`
}

// ServiceAccountCredential is a cloud platform's service-account key.
type ServiceAccountCredential struct {
	ServiceType        *ServiceAccountType `json:"service_type" description:"The platform the key belongs to."`
	Key                map[string]any      `json:"key" required:"true" secret:"true" fieldType:"HIDDEN" description:"The service-account key document."`
	ImpersonationEmail string              `json:"impersonation_email" required:"true" description:"The user the service account acts as."`
	TenantID           string              `json:"tenant_id" required:"true" description:"The tenant the key belongs to."`
	Scopes             []string            `json:"scopes" required:"true" fieldType:"HIDDEN" description:"The scopes requested for the key."`
}

// PrepareJSONSchema tags the schema with its credential kind.
func (ServiceAccountCredential) PrepareJSONSchema(s *jsonschema.Schema) error {
	return credentialType(s, AuthServiceAccount)
}

// KeyPairCredential is a key identifier with its private key.
type KeyPairCredential struct {
	KeyIdentifier string `json:"key_identifier" required:"true" fieldType:"HIDDEN" description:"The identifier of the key registered with the service."`
	PrivateKey    string `json:"private_key" required:"true" secret:"true" fieldType:"HIDDEN" description:"The private key."`
}

// PrepareJSONSchema tags the schema with its credential kind and key format.
func (KeyPairCredential) PrepareJSONSchema(s *jsonschema.Schema) error {
	s.WithExtraPropertiesItem("x-keygen-type", string(KeyGenSSH))
	s.WithExtraPropertiesItem("x-semantic", "key-pair")
	return credentialType(s, AuthKeyPair)
}
