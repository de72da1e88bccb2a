package openapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

// appSchema runs in's app_info as the Lumos agent does and returns the
// document, failing the test on an error response.
func appSchema(t *testing.T, in *toolkit.Integration) (map[string]any, []byte) {
	t.Helper()
	out := in.Dispatch(context.Background(), "app_info", []byte(`{"request":{}}`))
	var resp struct {
		Response *struct {
			AppID     string          `json:"app_id"`
			AppSchema json.RawMessage `json:"app_schema"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.Response == nil {
		t.Fatalf("app_info failed: %s", out)
	}
	if resp.Response.AppID != in.AppID() {
		t.Fatalf("app_id = %q, want %q", resp.Response.AppID, in.AppID())
	}
	return decode(t, resp.Response.AppSchema), resp.Response.AppSchema
}

// indent writes a JSON document the way the golden file holds it.
func indent(t *testing.T, v any) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func capabilityNames(in *toolkit.Integration) []string {
	var out []string
	for _, c := range in.Capabilities() {
		out = append(out, string(c))
	}
	return out
}

// checkWellFormed asserts what holds for every app_info document: OpenAPI
// 3.0.0 accepted by kin-openapi, no JSON Schema 2020-12 left, every
// reference resolving, no unused component, the paths and x-capabilities
// being exactly the registered capabilities.
func checkWellFormed(t *testing.T, in *toolkit.Integration, doc map[string]any, raw []byte) {
	t.Helper()
	is := is.New(t)
	validate(t, raw)
	is.Equal(doc["openapi"], "3.0.0")
	is.Equal(doc["servers"], []any{})
	var tags []string
	for _, tag := range doc["tags"].([]any) {
		tags = append(tags, tag.(map[string]any)["name"].(string))
	}
	is.Equal(tags, []string{"Read Capabilities", "Write Capabilities", "Authorization", "Specification", "Validation"})

	info := object(t, doc, "info")
	is.Equal(info["x-app-id"], in.AppID())
	is.Equal(info["version"], in.Version())
	is.Equal(stringList(t, info["x-capabilities"]), capabilityNames(in))
	is.Equal(info["x-multi-credential"], len(in.Declaration().Credentials) > 0)
	for _, k := range []string{"x-app-logo-url", "x-app-vendor-domain", "x-entitlement-types", "x-resource-types", "x-categories", "x-oauth-settings", "x-allowed-credentials"} {
		if _, ok := info[k]; !ok {
			t.Errorf("info lacks %s", k)
		}
	}

	paths := object(t, doc, "paths")
	var pathNames []string
	for p := range paths {
		pathNames = append(pathNames, p)
	}
	slices.Sort(pathNames)
	var want []string
	for _, c := range capabilityNames(in) {
		want = append(want, "/"+c)
	}
	is.Equal(pathNames, want) // one path per registered capability
	for _, c := range in.CapabilityInfos() {
		item := object(t, paths, "/"+string(c.Name))
		is.Equal(len(item), 1) // POST only
		op := object(t, item, "post")
		is.Equal(op["operationId"], string(c.Name))
		is.Equal(op["summary"], c.DisplayName)
		object(t, op, "responses", "200", "content", "application/json", "schema")
		body := object(t, op, "requestBody", "content", "application/json", "schema")
		required := stringList(t, body["required"])
		is.Equal(required[:2], []string{"request", "settings"})
		is.Equal(object(t, body, "properties", "settings")["$ref"], "#/components/schemas/Settings")
	}

	schemas := object(t, doc, "components", "schemas")
	object(t, schemas, "Settings")
	text := string(raw)
	is.True(!strings.Contains(text, `"null"`))  // 3.0: no null type
	is.True(!strings.Contains(text, `"$defs"`)) // every definition hoisted
	is.True(!strings.Contains(text, `"const"`))
	used := map[string]bool{"Settings": true, "Auth": true, "Credentials": true}
	for _, part := range strings.Split(text, `"#/components/schemas/`)[1:] {
		name, _, _ := strings.Cut(part, `"`)
		used[name] = true
		if _, ok := schemas[name]; !ok {
			t.Errorf("reference to missing component %q", name)
		}
	}
	for name := range schemas {
		if !used[name] {
			t.Errorf("component %q is not used", name)
		}
	}
}

func TestMockAppInfo(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	doc, raw := appSchema(t, mock.Integration())
	checkWellFormed(t, mock.Integration(), doc, raw)

	info := object(t, doc, "info")
	is.Equal(info["title"], "Mock")
	is.Equal(info["x-categories"], map[string]any{"type": "enum", "enum": []any{"DEVELOPERS"}})
	is.Equal(info["x-allowed-credentials"], []any{})
	is.Equal(info["x-multi-credential"], false)

	schemas := object(t, doc, "components", "schemas")
	is.Equal(stringList(t, object(t, schemas, "Settings")["x-field_order"]), []string{"host", "tenant_size"})
	basic := object(t, schemas, "Auth", "properties", "basic")
	is.Equal(stringList(t, basic["x-field_order"]), []string{"username", "password"})
	is.Equal(basic["x-credential-type"], "basic")
	is.Equal(stringList(t, object(t, schemas, "Auth")["required"]), []string{"basic"})
	_, hasCredentials := schemas["Credentials"]
	is.True(!hasCredentials)
	is.Equal(object(t, doc, "components", "securitySchemes", "mock"), map[string]any{
		"type": "http", "scheme": "basic", "description": "A user name and password."})

	// Typed ids are the connector's declared types.
	is.Equal(object(t, schemas, "FoundResourceData", "properties", "resource_type")["enum"], []any{"tenant", "team"})
	is.Equal(object(t, schemas, "FoundEntitlementData", "properties", "entitlement_type")["enum"], []any{"role", "team_member", "team_maintainer"})
	// Optional fields are nullable in the 3.0 way.
	email := object(t, schemas, "FoundAccountData", "properties", "email")
	is.Equal(email["type"], "string")
	is.Equal(email["nullable"], true)

	paths := object(t, doc, "paths")
	list := object(t, paths, "/list_accounts", "post")
	is.Equal(list["tags"], []any{"Read Capabilities"})
	is.Equal(list["security"], []any{map[string]any{"mock": []any{}}})
	body := object(t, list, "requestBody", "content", "application/json", "schema")
	is.Equal(stringList(t, body["required"]), []string{"request", "settings", "auth"})
	is.Equal(object(t, body, "properties", "auth")["$ref"], "#/components/schemas/Auth")
	is.Equal(object(t, body, "properties", "request")["x-capability-level"], "read")
	is.Equal(object(t, list, "responses", "200", "content", "application/json", "schema"), map[string]any{
		"type": "array", "items": map[string]any{"$ref": "#/components/schemas/FoundAccountData"}})
	is.Equal(object(t, paths, "/app_info", "post")["tags"], []any{"Specification"})

	golden(t, "mock_app_info.json", indent(t, doc))
}

func validateCredentials(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	return toolkit.ValidateCredentialsResponse{}, nil
}

func getAuthorizationURL(context.Context, toolkit.GetAuthorizationURLRequest) (toolkit.GetAuthorizationURLResponse, error) {
	return toolkit.GetAuthorizationURLResponse{}, nil
}

func TestAppInfoCredentials(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "multi-app-info", Version: "2.0.0",
		Credentials: []toolkit.CredentialConfig{
			{ID: "api", Type: toolkit.AuthToken, Description: "An admin token."},
			{ID: "login", Type: toolkit.AuthBasic},
			{ID: "signing", Type: toolkit.AuthKeyPair, Optional: true},
			{ID: "claims", Type: toolkit.AuthJWT, Optional: true},
		},
		Description: toolkit.DescriptionData{UserFriendlyName: "Multi"},
	})
	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
	doc, raw := appSchema(t, in)
	checkWellFormed(t, in, doc, raw)

	info := object(t, doc, "info")
	is.Equal(info["x-multi-credential"], true)
	is.Equal(info["x-allowed-credentials"], []any{[]any{"api", "login"}, []any{"signing"}, []any{"claims"}})
	is.Equal(info["x-entitlement-types"], []any{})
	is.Equal(info["x-categories"], map[string]any{"type": "enum", "enum": []any{}})

	schemas := object(t, doc, "components", "schemas")
	settings := object(t, schemas, "Settings") // no settings: an empty model
	is.Equal(settings["type"], "object")
	is.Equal(settings["properties"], map[string]any{})
	is.Equal(settings["x-field_order"], []any{})
	_, hasAuth := schemas["Auth"]
	is.True(!hasAuth)

	creds := object(t, schemas, "Credentials")
	is.Equal(creds["type"], "array")
	alts := object(t, creds, "items")["allOf"].([]any)
	is.Equal(len(alts), 4)
	for i, want := range []struct{ id, kind string }{{"api", "token"}, {"login", "basic"}, {"signing", "key_pair"}, {"claims", "jwt"}} {
		alt := alts[i].(map[string]any)
		is.Equal(stringList(t, alt["required"]), []string{"id", want.kind})
		is.Equal(object(t, alt, "properties", "id"), map[string]any{"type": "string", "enum": []any{want.id}})
		cred := object(t, alt, "properties", want.kind)
		is.Equal(cred["x-credential-type"], want.kind)
		is.Equal(cred["x-optional"], i >= 2)
		_, hasID := cred["id"]
		is.True(!hasID)
		if _, ok := cred["x-field_order"]; !ok {
			t.Errorf("credential %s has no x-field_order", want.id)
		}
	}
	is.Equal(object(t, alts[0].(map[string]any), "properties", "token")["description"], "An admin token.")
	object(t, schemas, "JWTHeaders") // the credential models' own models are components

	op := object(t, doc, "paths", "/validate_credentials", "post")
	body := object(t, op, "requestBody", "content", "application/json", "schema")
	is.Equal(stringList(t, body["required"]), []string{"request", "settings", "credentials"})
	is.Equal(object(t, body, "properties", "credentials")["$ref"], "#/components/schemas/Credentials")
	is.Equal(op["security"], []any{
		map[string]any{"api": []any{}}, map[string]any{"login": []any{}},
		map[string]any{"signing": []any{}}, map[string]any{"claims": []any{}},
	})
	schemes := object(t, doc, "components", "securitySchemes")
	is.Equal(len(schemes), 4)
	is.Equal(object(t, schemes, "login")["type"], "http")
	is.Equal(object(t, schemes, "api")["type"], "apiKey")
}

// Authorization capabilities run before a credential exists: their body
// has no auth or credentials.
func TestAppInfoAuthorizationCapability(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "oauth-app-info", Version: "1", Auth: toolkit.AuthToken})
	toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
	toolkit.Handle(in, toolkit.CapGetAuthorizationURL, getAuthorizationURL, toolkit.WithDescription("Start the OAuth flow."))
	doc, raw := appSchema(t, in)
	checkWellFormed(t, in, doc, raw)

	op := object(t, doc, "paths", "/get_authorization_url", "post")
	is.Equal(op["tags"], []any{"Authorization"})
	is.Equal(op["description"], "Start the OAuth flow.")
	body := object(t, op, "requestBody", "content", "application/json", "schema")
	is.Equal(stringList(t, body["required"]), []string{"request", "settings"})
	_, hasAuth := object(t, body, "properties")["auth"]
	is.True(!hasAuth)
	is.Equal(object(t, body, "properties", "request")["x-capability-category"], "authorization")
}

// Each single-auth kind gets a security scheme named after the connector.
func TestAppInfoSecuritySchemes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind   toolkit.AuthModel
		scheme map[string]any
	}{
		{toolkit.AuthBasic, map[string]any{"type": "http", "scheme": "basic"}},
		{toolkit.AuthToken, map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"}},
		{toolkit.AuthJWT, map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"}},
		{toolkit.AuthServiceAccount, map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"}},
		{toolkit.AuthOAuth1, map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"}},
		{toolkit.AuthKeyPair, map[string]any{"type": "apiKey", "in": "header", "name": "Authorization"}},
		{toolkit.AuthOAuth, map[string]any{"type": "oauth2", "flows": map[string]any{
			"authorizationCode": map[string]any{"authorizationUrl": "", "tokenUrl": "", "scopes": map[string]any{}}}}},
		{toolkit.AuthOAuthClientCredentials, map[string]any{"type": "oauth2", "flows": map[string]any{
			"clientCredentials": map[string]any{"tokenUrl": "", "scopes": map[string]any{}}}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			appID := "scheme-" + strings.ReplaceAll(string(tt.kind), "_", "-")
			in := toolkit.NewIntegration(toolkit.Declaration{AppID: appID, Version: "1", Auth: tt.kind})
			toolkit.Handle(in, toolkit.CapValidateCredentials, validateCredentials)
			doc, raw := appSchema(t, in)
			scheme := object(t, doc, "components", "securitySchemes", appID)
			delete(scheme, "description")
			is.Equal(scheme, tt.scheme)
			auth := object(t, doc, "components", "schemas", "Auth")
			is.Equal(stringList(t, auth["required"]), []string{string(tt.kind)})
			is.Equal(object(t, auth, "properties", string(tt.kind))["x-credential-type"], string(tt.kind))
			if tt.scheme["type"] != "oauth2" { // OAuth URLs are empty until OAuth settings exist
				checkWellFormed(t, in, doc, raw)
			}
		})
	}
}

// app_info, like upstream's, requires the request key.
func TestAppInfoRequiresRequest(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	out := mock.Integration().Dispatch(context.Background(), "app_info", []byte(`{}`))
	doc := decode(t, out)
	is.Equal(doc["is_error"], true)
}
