package toolkit

// ValidateCredentialConfig is the payload of validate_credential_config:
// one credential to check against the connector's credential configs.
type ValidateCredentialConfig struct {
	Credential AuthCredential `json:"credential" required:"true" description:"The credential to check; its id names the credential config it answers."`
}

// ValidatedCredentialConfig is the result of validate_credential_config.
type ValidatedCredentialConfig struct {
	Valid            bool     `json:"valid" required:"true" description:"Whether the credential is usable; when false, validation_errors says why."`
	ValidationErrors []string `json:"validation_errors" description:"Problems found, worded for the person who entered the credential."`
}

// Request and response envelopes of validate_credential_config. As upstream,
// its request has no auth or credentials: the credential to check travels in
// the payload.
type (
	ValidateCredentialConfigRequest  = UnauthenticatedRequest[ValidateCredentialConfig]
	ValidateCredentialConfigResponse = Response[ValidatedCredentialConfig]
)
