package toolkit

import (
	"context"
	"reflect"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// CredentialValidator checks a credential beyond its shape, e.g. by calling
// the remote system. valid:false with no message is reported as
// "Credential is invalid, unexpected error occurred".
type CredentialValidator func(ctx context.Context, credential AuthCredential) (ValidatedCredentialConfig, error)

// Messages of validate_credential_config, as upstream.
const (
	msgNoCredentialID      = "Received credential without an ID"
	msgMissingFields       = "Credential is missing required fields"
	msgEmptyRequiredField  = "A required field is empty, please provide a value before submitting again"
	msgExtraWhitespace     = "Credential has extra whitespace, please remove it before submitting it again"
	msgInvalidUnexplained  = "Credential is invalid, unexpected error occurred"
	msgUnknownCredentialID = "Missing credential configuration for ID %s"
)

// validateCredentialConfig is the validate_credential_config capability of
// multi-credential connectors: shape problems are soft errors (valid:false
// with reasons), an unknown or missing id is a bad_request, then the
// credential's own validator, if any, has its say.
func (in *Integration) validateCredentialConfig(ctx context.Context, req ValidateCredentialConfigRequest) (ValidateCredentialConfigResponse, error) {
	cred := req.Request.Credential
	if cred.ID == nil {
		return ValidateCredentialConfigResponse{}, errs.New(errs.BadRequest, msgNoCredentialID)
	}
	i := slices.IndexFunc(in.decl.Credentials, func(c CredentialConfig) bool { return c.ID == *cred.ID })
	if i < 0 {
		return ValidateCredentialConfigResponse{}, errs.Newf(errs.BadRequest, msgUnknownCredentialID, *cred.ID)
	}
	cfg := in.decl.Credentials[i]
	problems := credentialProblems(cred, cfg.Type)
	if len(problems) == 0 && cfg.Validate != nil {
		r, err := cfg.Validate(ctx, cred)
		if err != nil {
			return ValidateCredentialConfigResponse{}, err
		}
		if !r.Valid {
			problems = append(problems, r.ValidationErrors...)
			if len(r.ValidationErrors) == 0 {
				problems = append(problems, msgInvalidUnexplained)
			}
		}
	}
	return ValidateCredentialConfigResponse{Response: ValidatedCredentialConfig{
		Valid: len(problems) == 0, ValidationErrors: append([]string{}, problems...)}}, nil
}

// credentialProblems finds the soft errors of a credential of kind m.
func credentialProblems(cred AuthCredential, m AuthModel) []string {
	v := reflect.ValueOf(cred)
	var kind reflect.Value
	for i := range v.NumField() {
		if tags, ok := readTags(v.Type().Field(i)); ok && tags.key == string(m) {
			kind = v.Field(i)
		}
	}
	if !kind.IsValid() || kind.IsNil() {
		return []string{msgMissingFields}
	}
	var problems []string
	var empty, spaces bool
	walkStrings(kind.Elem(), func(s string, required bool) {
		empty = empty || (required && s == "")
		spaces = spaces || (s != strings.TrimSpace(s))
	})
	if empty {
		problems = append(problems, msgEmptyRequiredField)
	}
	if spaces {
		problems = append(problems, msgExtraWhitespace)
	}
	return problems
}

// walkStrings calls f with every string in v (a struct), and whether its
// field is required.
func walkStrings(v reflect.Value, f func(s string, required bool)) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walkStrings(v.Elem(), f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			field := v.Type().Field(i)
			if !field.IsExported() {
				continue
			}
			if fv := v.Field(i); fv.Kind() == reflect.String {
				f(fv.String(), tagsOf(field.Tag).required)
			} else {
				walkStrings(fv, f)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			walkStrings(v.Index(i), f)
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			walkStrings(v.MapIndex(k), f)
		}
	case reflect.String:
		f(v.String(), false)
	}
}
