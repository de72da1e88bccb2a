package openapi

import (
	"reflect"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/internal/oas"
	"github.com/lumosgo/lumos/toolkit"
)

// latestTypes are the models the latest protocol adds, reflected after the
// envelopes, with their component names (the reference's).
var (
	latestTypes = []reflect.Type{reflect.TypeFor[toolkit.RateLimitRequest](), reflect.TypeFor[toolkit.RateLimitResponse]()}
	latestNames = []string{"RateLimitRequestInfo", "RateLimitResponseInfo"}
)

// addLatest adds the latest protocol's components: the rate_limit models
// (reflected, in latestTypes' order), ConnectorErrorCode, and the union of
// codes the latest error's error_code takes.
func addLatest(comps oas.Components, reflected []map[string]any) error {
	for i, t := range latestTypes {
		s, err := adopt(comps, t, reflected[i], latestNames[i])
		if err != nil {
			return err
		}
		s["title"] = latestNames[i]
		if err := comps.Add(latestNames[i], s); err != nil {
			return err
		}
	}
	codes := []any{}
	for _, c := range errs.CurrentCodes() {
		codes = append(codes, string(c))
	}
	if err := comps.Add("ConnectorErrorCode", map[string]any{
		"title": "ConnectorErrorCode", "type": "string", "enum": codes,
		"description": "The error codes of the latest protocol; the deprecated ErrorCode values are still accepted on input.",
	}); err != nil {
		return err
	}
	// The latest error (ErrorLatest) answers a code of the newer set; the
	// reference types the field as the union of both enums.
	for name, s := range comps {
		props, _ := s["properties"].(map[string]any)
		if _, ok := props["error_metadata"]; !ok || name == "ErrorResponse" {
			continue
		}
		if code, ok := props["error_code"].(map[string]any); ok {
			props["error_code"] = map[string]any{
				"anyOf":       []any{oas.Ref("ConnectorErrorCode"), oas.Ref("ErrorCode")},
				"description": code["description"],
			}
		}
	}
	return nil
}

// withRateLimit adds the rate_limit member, a nullable reference to the
// component model, to a reflected envelope schema.
func withRateLimit(s map[string]any, model, desc string) {
	props, ok := s["properties"].(map[string]any)
	if !ok {
		return
	}
	props["rate_limit"] = map[string]any{
		"anyOf":       []any{oas.Ref(model), map[string]any{"type": "null"}},
		"title":       "Rate Limit",
		"description": desc,
	}
}

// description is the document's description: the latest protocol's adds a
// paragraph on what differs.
func description(latest bool) string {
	if !latest {
		return specDescription
	}
	return specDescription + "\n\n" +
		"This document describes the latest protocol (connector-sdk-types " + toolkit.LatestProtocolVersion + "): " +
		"a request may carry `rate_limit` (a time limit and the last known state of the upstream's rate limits), " +
		"a response carries `rate_limit` (its current state, or null), and an error carries `error_metadata` " +
		"and a code of the newer set. A call is answered in this protocol when its request has a top-level " +
		"`rate_limit` key or the connector is told to (LUMOS_PROTOCOL=latest)."
}
