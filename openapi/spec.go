package openapi

import (
	"fmt"
	"reflect"

	"github.com/lumosgo/lumos/internal/oas"
	"github.com/lumosgo/lumos/toolkit"
)

// The tags of the protocol-wide document, as upstream's.
const (
	tagRead  = "Read Capabilities"
	tagWrite = "Write Capabilities"
	tagOAuth = "OAuth Capabilities"
)

// specTag maps a capability level to its tag in Spec. Upstream's document
// has only the three tags, so validation (validate_credential_config) and
// specification (app_info) capabilities, which read and change nothing in
// the remote system, are filed under Read Capabilities.
func specTag(l toolkit.Level) string {
	switch l {
	case toolkit.LevelWrite:
		return tagWrite
	case toolkit.LevelAuth:
		return tagOAuth
	default: // LevelRead, LevelValidation, LevelSpec
		return tagRead
	}
}

const specDescription = "The Lumos connector protocol: every capability a connector can implement, " +
	"as one JSON-over-POST operation.\n\n" +
	"A request is an envelope holding the capability's own arguments under `request`, the connector's " +
	"`settings` and its credentials (`auth`, or `credentials` for connectors that take several); the OAuth " +
	"capabilities run before a credential exists and take none. A listing returns one page at a time: " +
	"when a response carries `page`, send it back unchanged to get the next one. Every capability answers " +
	"either its response envelope or an `ErrorResponse`, recognised by `is_error`.\n\n" +
	"Connectors run as commands (`<app_id>-connector <capability> --json '<request>'`) that print the " +
	"response; `{connector_id}` in the paths is the connector's app id."

// Spec builds the OpenAPI document of the whole protocol, as upstream's
// `connector spec` prints it: one POST /{connector_id}/<capability>
// operation per standard capability (toolkit.StandardCapabilities), whose
// body is the capability's <Pascal>Request envelope and whose 200 response
// is its <Pascal>Response envelope or an ErrorResponse. lumosVersion is the
// document's info.version.
func Spec(lumosVersion string, v Version) (*Document, error) {
	return build(lumosVersion, v, false)
}

// SpecLatest builds the OpenAPI document of the latest protocol (see
// toolkit.LatestProtocolVersion): Spec's, with the rate_limit member on
// every request (RateLimitRequestInfo) and response envelope
// (RateLimitResponseInfo), and the latest ErrorResponse, whose error_code
// is the union of the newer code set (ConnectorErrorCode) and the
// deprecated one, and whose error carries error_metadata
// (ConnectorErrorMetadata). It has the same operations as Spec: the
// graph capabilities and the probe are not described (their models were
// not found).
func SpecLatest(lumosVersion string, v Version) (*Document, error) {
	return build(lumosVersion, v, true)
}

// build is Spec, or SpecLatest with latest.
func build(lumosVersion string, v Version, latest bool) (*Document, error) {
	var openapiVersion string
	switch v {
	case OpenAPI30:
		openapiVersion = "3.0.3"
	case OpenAPI31:
		openapiVersion = "3.1.0"
	default:
		return nil, fmt.Errorf("openapi: unknown OpenAPI version %q; use %q or %q", v, OpenAPI30, OpenAPI31)
	}
	caps := toolkit.StandardCapabilities()
	errType := reflect.TypeFor[toolkit.ErrorResponse]()
	if latest {
		errType = reflect.TypeFor[toolkit.ErrorResponseLatest]()
	}
	types := []reflect.Type{errType}
	for _, c := range caps {
		types = append(types, c.Request, c.Response)
	}
	if latest {
		types = append(types, latestTypes...)
	}
	reflected, defs, err := schemasOf(types)
	if err != nil {
		return nil, err
	}
	comps := oas.Components{}
	if err := comps.Hoist(map[string]any{"$defs": defs}, ""); err != nil {
		return nil, err
	}
	errSchema, err := adopt(comps, errType, reflected[0], "")
	if err != nil {
		return nil, err
	}
	if err := comps.Add("ErrorResponse", errSchema); err != nil {
		return nil, err
	}
	if latest {
		if err := addLatest(comps, reflected[1+2*len(caps):]); err != nil {
			return nil, err
		}
	}
	paths := map[string]any{}
	for i, c := range caps {
		reqName, respName := pascal(c.Name)+"Request", pascal(c.Name)+"Response"
		if latest {
			withRateLimit(reflected[1+2*i], "RateLimitRequestInfo", "The caller's time limit and what it knows of the upstream's rate limits.")
			withRateLimit(reflected[2+2*i], "RateLimitResponseInfo", "What the call observed of the upstream's rate limits; null when nothing.")
		}
		if err := addEnvelope(comps, c.Request, reflected[1+2*i], reqName); err != nil {
			return nil, fmt.Errorf("openapi: capability %s: %w", c.Name, err)
		}
		if err := addEnvelope(comps, c.Response, reflected[2+2*i], respName); err != nil {
			return nil, fmt.Errorf("openapi: capability %s: %w", c.Name, err)
		}
		paths["/{connector_id}/"+string(c.Name)] = map[string]any{"post": specOperation(c, reqName, respName)}
	}
	tree := map[string]any{
		"openapi": openapiVersion,
		"info": map[string]any{
			"title":       "Lumos Connectors",
			"version":     lumosVersion,
			"description": description(latest),
		},
		"tags": []any{
			map[string]any{"name": tagRead, "description": "Capabilities that only read from the remote system."},
			map[string]any{"name": tagWrite, "description": "Capabilities that change the remote system: accounts, entitlements, applications."},
			map[string]any{"name": tagOAuth, "description": "The OAuth 2.0 steps that obtain and refresh a credential; they take no credential themselves."},
		},
		"paths": paths,
	}
	comps.Prune(tree)
	if v == OpenAPI30 {
		for _, s := range comps {
			oas.ToOpenAPI30(s)
		}
	}
	tree["components"] = map[string]any{"schemas": map[string]map[string]any(comps)}
	doc, err := oas.JSONValue(tree)
	if err != nil {
		return nil, err
	}
	return &Document{version: v, tree: doc.(map[string]any)}, nil
}

// addEnvelope adds the schema of a request or response envelope type, as
// SchemaOf reflected it, as the component name. Each capability reflects its own envelope, so two
// capabilities sharing a Go envelope type still get a component each.
func addEnvelope(c oas.Components, t reflect.Type, reflected map[string]any, name string) error {
	s, err := adopt(c, t, reflected, name)
	if err != nil {
		return err
	}
	s["title"] = name
	if props, ok := s["properties"].(map[string]any); ok {
		// A list result is written as [] when empty, never null.
		if resp, ok := props["response"].(map[string]any); ok && t.Kind() == reflect.Struct {
			if f, ok := t.FieldByName("Response"); ok && f.Type.Kind() == reflect.Slice {
				oas.DropNull(resp)
			}
		}
	}
	return c.Add(name, s)
}

func specOperation(c toolkit.CapabilityInfo, reqName, respName string) map[string]any {
	op := map[string]any{
		"operationId": string(c.Name),
		"summary":     c.DisplayName,
		"tags":        []any{specTag(c.Level)},
		"parameters": []any{map[string]any{
			"name":        "connector_id",
			"in":          "path",
			"required":    true,
			"description": "The app id of the connector to run, e.g. mock.",
			"schema":      map[string]any{"type": "string"},
		}},
		"requestBody": map[string]any{
			"required": true,
			"content":  map[string]any{"application/json": map[string]any{"schema": oas.Ref(reqName)}},
		},
		"responses": map[string]any{
			"200": map[string]any{
				"description": "The capability's response envelope, or an ErrorResponse (is_error: true) when it failed.",
				"content": map[string]any{"application/json": map[string]any{
					"schema": map[string]any{"anyOf": []any{oas.Ref(respName), oas.Ref("ErrorResponse")}},
				}},
			},
		},
	}
	if desc := c.Description; desc != "" {
		op["description"] = desc
	} else if c.Summary != "" {
		op["description"] = c.Summary
	}
	return op
}
