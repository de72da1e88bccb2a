package toolkit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/lumosgo/lumos/toolkit/internal/pyjson"
)

// Fingerprint returns the request fingerprint of a capability payload, the
// value upstream computes for the same payload: the SHA-256 (hex) of the
// payload's JSON with null members left out, keys sorted, no spaces and
// non-ASCII escaped. When the payload's type marks fields with
// `unique:"true"` (upstream's x-unique), only those fields count.
func Fingerprint(payload any) (string, error) {
	raw, err := json.Marshal(payload)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	var v any
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	if keys := uniqueKeys(reflect.TypeOf(payload)); len(keys) > 0 {
		if m, ok := v.(map[string]any); ok {
			kept := make(map[string]any, len(keys))
			for _, k := range keys {
				if val, ok := m[k]; ok {
					kept[k] = val
				}
			}
			v = kept
		}
	}
	canonical, err := pyjson.MarshalCanonical(v)
	if err != nil {
		return "", fmt.Errorf("fingerprint: %w", err)
	}
	sum := sha256.Sum256(canonical)
	return hex.EncodeToString(sum[:]), nil
}

// uniqueKeys lists the JSON keys of t's fields tagged unique:"true".
func uniqueKeys(t reflect.Type) []string {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var keys []string
	for _, f := range visibleFields(t) {
		if tags, ok := readTags(f); ok && tags.unique {
			keys = append(keys, tags.key)
		}
	}
	return keys
}

// Created is the effect of a write that created something.
func Created() Effect { return Effect{Kind: EffectCreated} }

// Updated is the effect of a write that changed something.
func Updated() Effect { return Effect{Kind: EffectUpdated} }

// Deleted is the effect of a write that removed something.
func Deleted() Effect { return Effect{Kind: EffectDeleted} }

// Noop is the effect of a write that changed nothing because the remote
// system was already in the requested state.
func Noop() Effect { return Effect{Kind: EffectNoop, Reason: NoopStateAlreadyMatches} }

// Summarize builds the execution summary of a write capability from its
// payload and what it did. idempotent says whether repeating the request is safe.
func Summarize(payload any, effect Effect, idempotent bool) (*ExecutionSummary, error) {
	fp, err := Fingerprint(payload)
	if err != nil {
		return nil, err
	}
	return &ExecutionSummary{Effect: effect, RequestFingerprint: fp, IsIdempotent: idempotent}, nil
}
