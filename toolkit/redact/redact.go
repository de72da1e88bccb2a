// Package redact keeps secrets out of everything lumos writes: it finds the
// secrets in a request (by key) and masks them wherever they appear later
// (by value): logs, error messages, raw_data, the response document.
package redact

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
)

// Mask replaces a secret.
const Mask = "REDACTED"

// MinSecretLength is the shortest secret masked by value; shorter ones
// (which would match ordinary text) are still redacted by key in logs.
const MinSecretLength = 6

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

// Secrets is a set of secret values to mask.
type Secrets struct {
	values   []string // longest first, so a secret containing another is masked whole
	patterns [][]byte // each value as it appears inside a JSON string
}

// Add records a secret value; values shorter than MinSecretLength are ignored.
func (s *Secrets) Add(v string) {
	if len(v) < MinSecretLength {
		return
	}
	for _, have := range s.values {
		if have == v {
			return
		}
	}
	s.values = append(s.values, v)
	sort.Slice(s.values, func(i, j int) bool { return len(s.values[i]) > len(s.values[j]) })
	s.patterns = s.patterns[:0]
	for _, v := range s.values {
		s.patterns = append(s.patterns, jsonEscaped(v))
	}
}

// Empty reports whether there is nothing to mask.
func (s *Secrets) Empty() bool { return s == nil || len(s.values) == 0 }

// String masks every secret in text.
func (s *Secrets) String(text string) string {
	if s.Empty() {
		return text
	}
	for _, v := range s.values {
		if strings.Contains(text, v) {
			text = strings.ReplaceAll(text, v, Mask)
		}
	}
	return text
}

// JSON masks every secret inside the string literals of the JSON document
// doc, leaving its structure intact. It returns doc itself when no secret
// occurs in it.
func (s *Secrets) JSON(doc []byte) []byte {
	if s.Empty() {
		return doc
	}
	found := false
	for _, p := range s.patterns {
		if bytes.Contains(doc, p) {
			found = true
			break
		}
	}
	if !found {
		return doc
	}
	out := make([]byte, 0, len(doc))
	for i := 0; i < len(doc); {
		if doc[i] != '"' {
			out = append(out, doc[i])
			i++
			continue
		}
		end := stringEnd(doc, i)
		out = append(out, s.maskLiteral(doc[i:end])...)
		i = end
	}
	return out
}

// maskLiteral masks the secrets in one JSON string literal, quotes included.
func (s *Secrets) maskLiteral(lit []byte) []byte {
	for _, p := range s.patterns {
		if bytes.Contains(lit, p) {
			lit = bytes.ReplaceAll(lit, p, []byte(Mask))
		}
	}
	return lit
}

// stringEnd returns the index just past the JSON string literal starting at doc[start].
func stringEnd(doc []byte, start int) int {
	for i := start + 1; i < len(doc); i++ {
		switch doc[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(doc)
}

func jsonEscaped(v string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // a string always encodes
	out := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	return out[1 : len(out)-1]
}

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
