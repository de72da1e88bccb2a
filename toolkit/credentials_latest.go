package toolkit

import (
	"strings"

	"github.com/lumosgo/lumos/errs"
)

// allowedCombinations returns the credential combinations a request may
// satisfy: Declaration.AllowedCredentials when set, else, as the reference
// infers them, every required credential together, then each optional
// one on its own.
func (in *Integration) allowedCombinations() [][]string {
	if len(in.decl.AllowedCredentials) > 0 {
		return in.decl.AllowedCredentials
	}
	var out [][]string
	var required []string
	for _, c := range in.decl.Credentials {
		if !c.Optional {
			required = append(required, c.ID)
		}
	}
	if len(required) > 0 {
		out = append(out, required)
	}
	for _, c := range in.decl.Credentials {
		if c.Optional {
			out = append(out, []string{c.ID})
		}
	}
	return out
}

// credentialConfig returns the credential config id, or nil.
func (in *Integration) credentialConfig(id string) *CredentialConfig {
	for i := range in.decl.Credentials {
		if in.decl.Credentials[i].ID == id {
			return &in.decl.Credentials[i]
		}
	}
	return nil
}

// checkCredentialsLatest applies the newer protocol's auth and credentials
// checks, with the reference's messages. It differs from 0.37's in the
// credentials form only: of several entries with the same id the one
// carrying its config's kind counts, and the request must satisfy one of
// the allowed combinations (see allowedCombinations), not merely carry
// every required credential; when none is satisfied, the message names
// the kinds missing from the closest one ("Missing 'token, jwt'
// credential in request").
func (in *Integration) checkCredentialsLatest(auth *AuthCredential, creds []AuthCredential) error {
	if auth != nil || creds == nil || len(creds) == 0 {
		return in.checkCredentials(auth, creds)
	}
	byID := map[string]*AuthCredential{}
	for i := range creds {
		cr := &creds[i]
		if cr.ID == nil || *cr.ID == "" {
			return badRequestf("Missing ID in credential at index %d", i)
		}
		cfg := in.credentialConfig(*cr.ID)
		if cfg == nil {
			return badRequestf("Credential with id '%s' not expected", *cr.ID)
		}
		if old := byID[*cr.ID]; old == nil || !old.Has(cfg.Type) && cr.Has(cfg.Type) {
			byID[*cr.ID] = cr
		}
	}
	combos := in.allowedCombinations()
	if len(combos) == 0 {
		return nil
	}
	var closest []string
	for _, combo := range combos {
		missing := in.missingKinds(combo, byID)
		if len(missing) == 0 && in.declaresAll(combo) {
			return nil
		}
		if closest == nil || len(missing) < len(closest) {
			closest = missing
		}
	}
	if len(closest) == 0 {
		return badRequestf("Missing auth/credentials in request")
	}
	return badRequestf("Missing '%s' credential in request", strings.Join(closest, ", "))
}

// missingKinds lists the kinds of the credentials of combo that the
// request lacks or sends without their payload.
func (in *Integration) missingKinds(combo []string, byID map[string]*AuthCredential) []string {
	missing := []string{}
	for _, id := range combo {
		cfg := in.credentialConfig(id)
		if cfg == nil {
			continue
		}
		if !byID[id].Has(cfg.Type) {
			missing = append(missing, string(cfg.Type))
		}
	}
	return missing
}

// declaresAll reports whether every id of combo is a declared credential.
func (in *Integration) declaresAll(combo []string) bool {
	for _, id := range combo {
		if in.credentialConfig(id) == nil {
			return false
		}
	}
	return true
}

// authTypeNames are the names the reference's missing-auth message gives
// each credential kind.
var authTypeNames = map[AuthModel]string{
	AuthOAuth:                  "OAuth 2.0",
	AuthOAuthClientCredentials: "OAuth 2.0",
	AuthOAuth1:                 "OAuth 1.0",
	AuthBasic:                  "Basic",
	AuthToken:                  "Token",
	AuthJWT:                    "JWT",
	AuthServiceAccount:         "Service Account",
	AuthKeyPair:                "Key Pair",
}

// MissingAuth is the reference's typed error for a handler that needs a
// credential of kind m the request does not carry: code
// integration_missing_parameter, message "Wrong auth: required credential
// for Token authentication is missing or not configured." (the kind named
// as the reference names it). It reads the same in both protocols.
func MissingAuth(m AuthModel) *errs.Error {
	name, ok := authTypeNames[m]
	if !ok {
		name = string(m)
	}
	return errs.MissingAuth(name)
}
