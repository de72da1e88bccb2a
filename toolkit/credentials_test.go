package toolkit_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

func multiCredential(validate toolkit.CredentialValidator) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "multi-validate", Version: "1", Credentials: []toolkit.CredentialConfig{
		{ID: "api", Type: toolkit.AuthToken, Validate: validate},
		{ID: "admin", Type: toolkit.AuthBasic, Optional: true},
	}})
	toolkit.Handle(in, toolkit.CapListAccounts, listAccountsOK)
	return in
}

func TestValidateCredentialConfig(t *testing.T) {
	rejectRevoked := func(_ context.Context, c toolkit.AuthCredential) (toolkit.ValidatedCredentialConfig, error) {
		switch c.Token.Token {
		case "revoked-token-1":
			return toolkit.ValidatedCredentialConfig{Valid: false, ValidationErrors: []string{"The token was revoked."}}, nil
		case "mystery":
			return toolkit.ValidatedCredentialConfig{Valid: false}, nil
		case "down":
			return toolkit.ValidatedCredentialConfig{}, errs.New(errs.APIError, "The API is down.")
		}
		return toolkit.ValidatedCredentialConfig{Valid: true}, nil
	}
	in := multiCredential(rejectRevoked)
	tests := []struct {
		name, credential string
		want             string // the whole response, or an error message
	}{
		{"valid", `{"id":"api","token":{"token":"good"}}`, `{"valid":true,"validation_errors":[]}`},
		{"valid optional", `{"id":"admin","basic":{"username":"u","password":"p"}}`, `{"valid":true,"validation_errors":[]}`},
		{"kind missing", `{"id":"api","basic":{"username":"u","password":"p"}}`, `{"valid":false,"validation_errors":["Credential is missing required fields"]}`},
		{"empty field", `{"id":"api","token":{"token":""}}`, `{"valid":false,"validation_errors":["A required field is empty, please provide a value before submitting again"]}`},
		{"whitespace", `{"id":"admin","basic":{"username":" u","password":"p"}}`, `{"valid":false,"validation_errors":["Credential has extra whitespace, please remove it before submitting it again"]}`},
		{"both", `{"id":"admin","basic":{"username":"","password":"p\n"}}`, `{"valid":false,"validation_errors":["A required field is empty, please provide a value before submitting again","Credential has extra whitespace, please remove it before submitting it again"]}`},
		{"validator rejects", `{"id":"api","token":{"token":"revoked-token-1"}}`, `{"valid":false,"validation_errors":["The token was revoked."]}`},
		{"validator rejects silently", `{"id":"api","token":{"token":"mystery"}}`, `{"valid":false,"validation_errors":["Credential is invalid, unexpected error occurred"]}`},
		{"validator fails", `{"id":"api","token":{"token":"down"}}`, "The API is down."},
		{"no id", `{"token":{"token":"good"}}`, "Received credential without an ID"},
		{"unknown id", `{"id":"legacy","token":{"token":"good"}}`, "Missing credential configuration for ID legacy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			// No auth or credentials: the credential to check is the payload.
			doc := string(in.Dispatch(context.Background(), "validate_credential_config", []byte(`{"request":{"credential":`+tt.credential+`}}`)))
			if strings.HasPrefix(tt.want, "{") {
				is.Equal(doc, `{"response":`+tt.want+`,"raw_data":null,"page":null,"execution_summary":null}`)
				return
			}
			is.Equal(errorOf(t, []byte(doc)).Message, tt.want)
		})
	}
}

func TestValidateCredentialConfigRegistration(t *testing.T) {
	is := is.New(t)
	in := multiCredential(nil)
	is.True(containsCap(in.Capabilities(), toolkit.CapValidateCredentialConfig.Name())) // registered for multi-credential connectors
	msg := panicMessage(func() {
		toolkit.Handle(in, toolkit.CapValidateCredentialConfig, func(context.Context, toolkit.ValidateCredentialConfigRequest) (toolkit.ValidateCredentialConfigResponse, error) {
			return toolkit.ValidateCredentialConfigResponse{}, errors.New("x")
		})
	})
	is.True(strings.Contains(msg, "CredentialConfig.Validate"))                              // points to the way to customize it
	is.True(!containsCap(demo().Capabilities(), toolkit.CapValidateCredentialConfig.Name())) // not for single-auth connectors
}

func containsCap(list []toolkit.CapabilityName, name toolkit.CapabilityName) bool {
	return slices.Contains(list, name)
}
