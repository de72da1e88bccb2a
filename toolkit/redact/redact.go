// Package redact keeps secrets out of everything lumos writes: it finds the
// secrets in a request (by key) and masks them wherever they appear later
// (by value): logs, error messages, raw_data, the response document.
package redact

import (
	"os"
	"strings"
)

// Mask replaces a secret.
const Mask = "REDACTED"

// DefaultKeys are the keys whose values are secrets, matched without regard
// to case at any depth (upstream's list).
var DefaultKeys = []string{"password", "secret", "token", "api_key", "api_token", "api_secret",
	"access_token", "refresh_token", "client_secret", "consumer_secret", "token_secret"}

// EnvAdditionalKeys names the environment variable with more secret keys, comma-separated.
const EnvAdditionalKeys = "LUMOS_ADDITIONAL_REDACTED_LOG_KEYS"

// Keys is a set of secret keys.
type Keys map[string]bool

// NewKeys returns the default keys, those of LUMOS_ADDITIONAL_REDACTED_LOG_KEYS and extra.
func NewKeys(extra ...string) Keys {
	k := Keys{}
	for _, s := range DefaultKeys {
		k[s] = true
	}
	for _, s := range strings.Split(os.Getenv(EnvAdditionalKeys), ",") {
		if s = strings.ToLower(strings.TrimSpace(s)); s != "" {
			k[s] = true
		}
	}
	for _, s := range extra {
		k[strings.ToLower(s)] = true
	}
	return k
}

// Has reports whether key names a secret.
func (k Keys) Has(key string) bool { return k[strings.ToLower(key)] }

// Collect walks a decoded JSON value and adds to secrets every string found
// under a secret key, at any depth (all string leaves of a secret object,
// such as a service-account key document, count).
func Collect(v any, keys Keys, secrets *Secrets) {
	collect(v, keys, secrets, false)
}

func collect(v any, keys Keys, secrets *Secrets, secret bool) {
	switch x := v.(type) {
	case string:
		if secret {
			secrets.Add(x)
		}
	case map[string]any:
		for k, item := range x {
			_, bare := item.(string)
			collect(item, keys, secrets, secret || keys.Has(k) || (bare && credentialKeys[k]))
		}
	case []any:
		for _, item := range x {
			collect(item, keys, secrets, secret)
		}
	}
}

// credentialKeys hold credential objects; a bare string in their place is
// taken for a credential too.
var credentialKeys = map[string]bool{"auth": true, "credentials": true, "credential": true}

// Value returns a copy of a decoded JSON value with every string under a
// secret key replaced by Mask, for logging.
func Value(v any, keys Keys) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			_, bare := item.(string)
			if keys.Has(k) || (bare && credentialKeys[k]) {
				out[k] = maskStrings(item)
			} else {
				out[k] = Value(item, keys)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = Value(item, keys)
		}
		return out
	}
	return v
}

func maskStrings(v any) any {
	switch x := v.(type) {
	case string:
		return Mask
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, item := range x {
			out[k] = maskStrings(item)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, item := range x {
			out[i] = maskStrings(item)
		}
		return out
	}
	return v
}
