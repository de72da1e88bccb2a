package toolkit

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"github.com/lumosgo/lumos/internal/oas"
	"github.com/lumosgo/lumos/internal/oauthdesc"
)

// The five tags of every app_info document, in upstream's order.
var appInfoTags = []any{
	map[string]any{"name": "Read Capabilities", "description": "Capabilities that only read from the remote system."},
	map[string]any{"name": "Write Capabilities", "description": "Capabilities that change the remote system (and may read from it too)."},
	map[string]any{"name": "Authorization", "description": "The OAuth 2.0 steps that obtain and refresh a credential."},
	map[string]any{"name": "Specification", "description": "Capabilities that describe the connector itself."},
	map[string]any{"name": "Validation", "description": "Capabilities that check the connector's credentials."},
}

// appInfoTag maps a capability level to its app_info tag. Upstream derives
// it from the payload's x-capability-level ("<Level> Capabilities") or
// x-capability-category (capitalized); validation capabilities get the
// declared "Validation" tag rather than upstream's undeclared
// "Validation Capabilities".
func appInfoTag(l Level) string {
	switch l {
	case LevelRead:
		return "Read Capabilities"
	case LevelWrite:
		return "Write Capabilities"
	case LevelAuth:
		return "Authorization"
	case LevelSpec:
		return "Specification"
	case LevelValidation:
		return "Validation"
	}
	return "Capabilities"
}

// appInfoDocument builds a connector's own OpenAPI 3.0.0 document, the app_schema
// of its app_info response, as upstream's InfoModule does: the connector's
// catalogue data as info extensions, one POST /<capability> path per
// registered capability, and the Settings, Auth or Credentials components
// its requests carry.
func appInfoDocument(ctx context.Context, in *Integration, req AppInfoRequest) (map[string]any, error) {
	d := in.Declaration()
	info, err := in.Info() // the settings and credential schemas with their field order
	if err != nil {
		return nil, err
	}
	comps := oas.Components{}
	if err := addFieldOrdered(comps, "Settings", info.RequestSettingsSchema); err != nil {
		return nil, err
	}
	keep := []string{"Settings"}
	schemes := map[string]any{}
	var security []any
	authKey := ""
	var oauthSettings any = map[string]any{} // x-oauth-settings; upstream's default when there are none
	switch {
	case d.Auth != "":
		authKey = "auth"
		keep = append(keep, "Auth")
		cred := info.AuthenticationSchema
		if err := hoistFieldOrdered(comps, cred, "Auth"); err != nil {
			return nil, err
		}
		kind := string(d.Auth)
		if err := comps.Add("Auth", map[string]any{
			"type":       "object",
			"properties": map[string]any{kind: cred},
			"required":   []any{kind},
		}); err != nil {
			return nil, err
		}
		schemes[d.AppID] = securityScheme(d.Auth)
		scopes := []any{}
		if o, ok := resolveOAuth(ctx, in, "", req.Settings); ok {
			oauthSettings, schemes[d.AppID], scopes = o.settings, o.scheme, o.scopes
		}
		security = append(security, map[string]any{d.AppID: scopes})
	default:
		authKey = "credentials"
		keep = append(keep, "Credentials")
		var alts []any
		byID := map[string]any{}
		for i, cfg := range d.Credentials {
			cred := info.CredentialsSchema[i]
			delete(cred, "id")             // the id is the enum beside it; it is no schema keyword
			delete(cred, "oauth_settings") // info's; app_info has x-oauth-settings
			if err := hoistFieldOrdered(comps, cred, "Credentials"); err != nil {
				return nil, err
			}
			kind := string(cfg.Type)
			alts = append(alts, map[string]any{
				"type": "object",
				"properties": map[string]any{
					"id": map[string]any{"type": "string", "enum": []any{cfg.ID}},
					kind: cred,
				},
				"required": []any{"id", kind},
			})
			schemes[cfg.ID] = securityScheme(cfg.Type)
			scopes := []any{}
			if o, ok := resolveOAuth(ctx, in, cfg.ID, req.Settings); ok {
				byID[cfg.ID], schemes[cfg.ID], scopes = o.settings, o.scheme, o.scopes
			}
			security = append(security, map[string]any{cfg.ID: scopes})
		}
		if len(byID) > 0 {
			oauthSettings = byID
		}
		if err := comps.Add("Credentials", map[string]any{"type": "array", "items": map[string]any{"allOf": alts}}); err != nil {
			return nil, err
		}
	}

	paths := map[string]any{}
	var names []any
	for _, c := range in.CapabilityInfos() {
		names = append(names, string(c.Name))
		op, err := appInfoOperation(comps, c, authKey, security)
		if err != nil {
			return nil, fmt.Errorf("app_info of %s: capability %s: %w", d.AppID, c.Name, err)
		}
		paths["/"+string(c.Name)] = map[string]any{"post": op}
	}

	tree := map[string]any{
		"openapi": "3.0.0",
		"info":    appInfoInfo(in, names, oauthSettings),
		"servers": []any{},
		"tags":    appInfoTags,
		"paths":   paths,
	}
	comps.Prune(tree, keep...)
	schemas := []any{paths}
	for _, s := range comps {
		schemas = append(schemas, s)
	}
	setTypeEnums(schemas, "x-entitlement-type", typeIDs(d.EntitlementTypes, func(t EntitlementType) string { return t.TypeID }))
	setTypeEnums(schemas, "x-resource-type", typeIDs(d.ResourceTypes, func(t ResourceType) string { return t.TypeID }))
	for _, s := range comps {
		oas.ToOpenAPI30(s)
	}
	for _, p := range paths {
		oas.ToOpenAPI30(p.(map[string]any)["post"].(map[string]any)["requestBody"])
		oas.ToOpenAPI30(p.(map[string]any)["post"].(map[string]any)["responses"])
	}
	tree["components"] = map[string]any{"schemas": map[string]map[string]any(comps), "securitySchemes": schemes}
	doc, err := oas.JSONValue(tree)
	if err != nil {
		return nil, err
	}
	return doc.(map[string]any), nil
}

// appInfoInfo is the info object: the catalogue entry as extensions.
func appInfoInfo(in *Integration, capabilities []any, oauthSettings any) map[string]any {
	d := in.Declaration()
	title := d.Description.UserFriendlyName
	if title == "" {
		title = d.AppID // OpenAPI requires a title
	}
	categories := []any{}
	for _, c := range d.Description.Categories {
		categories = append(categories, string(c))
	}
	// Derived as upstream does without explicit allowed credentials: the
	// required credentials together, then each optional one on its own. A
	// single-auth connector has none.
	allowed := []any{}
	var required []any
	for _, c := range d.Credentials {
		if !c.Optional {
			required = append(required, c.ID)
		}
	}
	if len(required) > 0 {
		allowed = append(allowed, required)
	}
	for _, c := range d.Credentials {
		if c.Optional {
			allowed = append(allowed, []any{c.ID})
		}
	}
	if len(d.AllowedCredentials) > 0 { // declared explicitly
		allowed = allowed[:0]
		for _, combo := range d.AllowedCredentials {
			ids := make([]any, len(combo))
			for i, id := range combo {
				ids[i] = id
			}
			allowed = append(allowed, ids)
		}
	}
	return map[string]any{
		"title":                 title,
		"description":           d.Description.Description,
		"version":               d.Version,
		"x-app-id":              d.AppID,
		"x-app-logo-url":        d.Description.LogoURL,
		"x-app-vendor-domain":   d.Description.AppVendorDomain,
		"x-entitlement-types":   nonNil(d.EntitlementTypes),
		"x-resource-types":      nonNil(d.ResourceTypes),
		"x-categories":          map[string]any{"type": "enum", "enum": categories},
		"x-oauth-settings":      oauthSettings,
		"x-capabilities":        capabilities,
		"x-multi-credential":    len(d.Credentials) > 0,
		"x-allowed-credentials": allowed,
	}
}

// appInfoOperation is the POST operation of one capability.
func appInfoOperation(comps oas.Components, c CapabilityInfo, authKey string, security []any) (map[string]any, error) {
	request, err := inlineSchema(comps, c.Payload())
	if err != nil {
		return nil, err
	}
	switch c.Level {
	case LevelAuth, LevelSpec:
		request["x-capability-category"] = string(c.Level)
	default:
		request["x-capability-level"] = string(c.Level)
	}
	response, err := inlineSchema(comps, c.Result())
	if err != nil {
		return nil, err
	}
	body := map[string]any{
		"type":       "object",
		"properties": map[string]any{"request": request, "settings": oas.Ref("Settings")},
		"required":   []any{"request", "settings"},
	}
	if c.Level != LevelAuth && hasField(c.Request, "Auth") {
		name := "Auth"
		if authKey == "credentials" {
			name = "Credentials"
		}
		body["properties"].(map[string]any)[authKey] = oas.Ref(name)
		body["required"] = append(body["required"].([]any), authKey)
	}
	op := map[string]any{
		"operationId": string(c.Name),
		"tags":        []any{appInfoTag(c.Level)},
		"summary":     c.DisplayName,
		"description": c.Summary,
		"requestBody": map[string]any{
			"required": true,
			"content":  map[string]any{"application/json": map[string]any{"schema": body}},
		},
		"responses": map[string]any{
			"200": map[string]any{
				"description": "Successful response",
				"content":     map[string]any{"application/json": map[string]any{"schema": response}},
			},
		},
		"security": security,
	}
	if c.Description != "" {
		op["description"] = c.Description
	}
	return op, nil
}

// inlineSchema is the schema of a payload or result type, written in
// place as upstream does. A named root is also added as a component, which
// a recursive type refers to (pruned when nothing does).
func inlineSchema(comps oas.Components, t reflect.Type) (map[string]any, error) {
	if t == nil {
		return map[string]any{"type": "object", "properties": map[string]any{}}, nil
	}
	s, err := SchemaOf(t)
	if err != nil {
		return nil, err
	}
	if s, err = comps.Adopt(s, DefinitionName(t), t.String()); err != nil {
		return nil, err
	}
	if t.Name() != "" {
		if err := comps.Add(DefinitionName(t), oas.DeepCopy(s).(map[string]any)); err != nil {
			return nil, err
		}
	}
	if t.Kind() == reflect.Slice {
		oas.DropNull(s) // a list result is [] when empty
	}
	return s, nil
}

func hasField(t reflect.Type, name string) bool {
	if t == nil || t.Kind() != reflect.Struct {
		return false
	}
	_, ok := t.FieldByName(name)
	return ok
}

// addFieldOrdered adds a model schema from Info, whose "field_order"
// becomes upstream's "x-field_order", as the component name.
func addFieldOrdered(comps oas.Components, name string, s map[string]any) error {
	if err := hoistFieldOrdered(comps, s, name); err != nil {
		return err
	}
	return comps.Add(name, s)
}

// hoistFieldOrdered renames "field_order" and hoists the definitions of a
// model schema from Info; root is the component the schema stands for.
func hoistFieldOrdered(comps oas.Components, s map[string]any, root string) error {
	if order, ok := s["field_order"]; ok {
		delete(s, "field_order")
		s["x-field_order"] = order
	}
	return comps.Hoist(s, root)
}

// securityScheme describes how a credential of kind m is presented. The
// OAuth URLs are empty here; a credential with OAuth settings gets its
// scheme from resolveOAuth.
func securityScheme(m AuthModel) map[string]any { return kindOf(m).scheme() }

// setTypeEnums gives every property marked with the extension mark (e.g.
// x-entitlement-type) the connector's declared type ids as its enum. With
// no declared types the property is left open.
func setTypeEnums(v any, mark string, ids []any) {
	if len(ids) == 0 {
		return
	}
	oas.Walk(v, func(m map[string]any) {
		props, ok := m["properties"].(map[string]any)
		if !ok {
			return
		}
		for _, p := range props {
			if ps, ok := p.(map[string]any); ok && ps[mark] == true {
				ps["enum"] = slices.Clone(ids)
			}
		}
	})
}

func typeIDs[T any](types []T, id func(T) string) []any {
	out := make([]any, 0, len(types))
	for _, t := range types {
		out = append(out, id(t))
	}
	return out
}

// oauthParts are what app_info shows of a credential's OAuth settings.
type oauthParts struct {
	settings map[string]any // the x-oauth-settings object
	scheme   map[string]any // the oauth2 security scheme
	scopes   []any          // the scopes its security requirement lists
}

// resolveOAuth describes the OAuth settings of a credential ("" for the
// single credential of a connector declared with Auth) as upstream's
// InfoModule does, with the URLs and scopes computed for the request's
// settings (empty when they cannot be): x-oauth-settings
// {oauth_type, token_url, authorization_url, capabilities, scopes,
// pkce_enabled}, whose scopes map each scope string to "Required for
// <capability>"; an oauth2 scheme of the settings' flow with the same URLs
// and scopes; and the scope strings for the security requirement. Upstream
// fills neither the scopes of a multi-credential connector nor the token URL
// and scopes of a single-credential connector's scheme; here both are.
func resolveOAuth(ctx context.Context, in *Integration, credentialID string, settings json.RawMessage) (oauthParts, bool) {
	od, ok := in.describeOAuth(credentialID)
	if !ok {
		return oauthParts{}, false
	}
	var ep oauthdesc.Endpoints
	if od.Resolve != nil {
		ep = od.Resolve(ctx, settings)
	}
	// Capabilities in name order; a scope string named by several keeps its
	// first place and the last capability, as a Python dict comprehension does.
	caps := make([]string, 0, len(ep.Scopes))
	for c := range ep.Scopes {
		caps = append(caps, c)
	}
	slices.Sort(caps)
	scopes := map[string]any{}
	order := []any{}
	for _, c := range caps {
		s := ep.Scopes[c]
		if s == "" {
			continue
		}
		if _, seen := scopes[s]; !seen {
			order = append(order, s)
		}
		scopes[s] = "Required for " + c
	}
	capabilities := map[string]any{}
	for c, on := range od.Capabilities {
		capabilities[c] = on
	}
	flow := map[string]any{"tokenUrl": ep.TokenURL, "scopes": scopes}
	flowName := "clientCredentials"
	if od.FlowType == "CODE_FLOW" {
		flowName = "authorizationCode"
		flow["authorizationUrl"] = ep.AuthorizationURL
	}
	return oauthParts{
		settings: map[string]any{
			"oauth_type":        od.FlowType,
			"token_url":         ep.TokenURL,
			"authorization_url": ep.AuthorizationURL,
			"capabilities":      capabilities,
			"scopes":            oas.DeepCopy(scopes),
			"pkce_enabled":      od.PKCE,
		},
		scheme: map[string]any{"type": "oauth2", "flows": map[string]any{flowName: flow}},
		scopes: order,
	}, true
}
