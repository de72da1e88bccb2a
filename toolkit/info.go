package toolkit

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/lumosgo/lumos/toolkit/internal/pyjson"
)

// Info is what `info` reports about a connector.
type Info struct {
	AppID                 string                      `json:"app_id"`
	AppVendorDomain       string                      `json:"app_vendor_domain"`
	Version               string                      `json:"version"`
	Capabilities          []CapabilityName            `json:"capabilities"`
	CapabilitySchema      map[string]CapabilitySchema `json:"capability_schema"`
	OAuthScopes           map[string]string           `json:"oauth_scopes"` // capability → scopes of the single credential's fixed OAuth scopes, else null
	AuthenticationSchema  map[string]any              `json:"authentication_schema"`
	CredentialsSchema     []map[string]any            `json:"credentials_schema"`
	LogoURL               string                      `json:"logo_url"`
	UserFriendlyName      string                      `json:"user_friendly_name"`
	Description           string                      `json:"description"`
	Categories            []AppCategory               `json:"categories"`
	EntitlementTypes      []EntitlementType           `json:"entitlement_types"`
	ResourceTypes         []ResourceType              `json:"resource_types"`
	RequestSettingsSchema map[string]any              `json:"request_settings_schema"`
}

// CapabilitySchema describes one capability in `info`: the JSON schemas of
// its payload and result, and its names for people.
type CapabilitySchema struct {
	Argument    map[string]any `json:"argument"`
	Output      map[string]any `json:"output"`
	DisplayName string         `json:"display_name"`
	Description *string        `json:"description"`
}

// emptySchema stands in for list payloads and connectors without settings,
// as upstream does.
func emptySchema(title string) map[string]any {
	return map[string]any{"properties": map[string]any{}, "title": title, "type": "object"}
}

// Info builds the connector's Info. Its schemas are reflected on each call;
// InfoDocument caches the rendered document.
func (in *Integration) Info() (Info, error) {
	d := in.decl
	info := Info{
		AppID:             d.AppID,
		AppVendorDomain:   d.Description.AppVendorDomain,
		Version:           d.Version,
		Capabilities:      in.Capabilities(),
		CapabilitySchema:  map[string]CapabilitySchema{},
		CredentialsSchema: []map[string]any{},
		LogoURL:           d.Description.LogoURL,
		UserFriendlyName:  d.Description.UserFriendlyName,
		Description:       d.Description.Description,
		Categories:        nonNil(d.Description.Categories),
		EntitlementTypes:  nonNil(d.EntitlementTypes),
		ResourceTypes:     nonNil(d.ResourceTypes),
	}
	schemas, err := in.payloadSchemas(info.Capabilities)
	if err != nil {
		return Info{}, fmt.Errorf("connector %q: %w", d.AppID, err)
	}
	for _, name := range info.Capabilities {
		c := in.capability(name)
		cs, err := c.schema(schemas)
		if err != nil {
			return Info{}, fmt.Errorf("connector %q: capability %q: %w", d.AppID, name, err)
		}
		info.CapabilitySchema[string(name)] = cs
	}
	if d.Auth != "" {
		if info.AuthenticationSchema, err = modelSchema(kindOf(d.Auth).typ); err != nil {
			return Info{}, err
		}
	} else {
		info.AuthenticationSchema = map[string]any{}
	}
	for _, cfg := range d.Credentials {
		s, err := modelSchema(kindOf(cfg.Type).typ)
		if err != nil {
			return Info{}, err
		}
		s["id"], s["description"], s["x-optional"] = cfg.ID, cfg.Description, cfg.Optional
		info.CredentialsSchema = append(info.CredentialsSchema, s)
	}
	if in.settingsType != nil {
		if info.RequestSettingsSchema, err = modelSchema(in.settingsType); err != nil {
			return Info{}, err
		}
	} else {
		info.RequestSettingsSchema = emptySchema("EmptySettings")
		info.RequestSettingsSchema["field_order"] = []string{}
	}
	in.oauthInfo(&info) // oauth_scopes and the credentials' oauth_settings, see oauthinfo.go
	return info, nil
}

// InfoDocument renders the `info` response document the way upstream's CLI
// prints it: the response envelope, keys sorted at every depth, Python's
// separators, non-ASCII escaped. It is computed once and cached.
func (in *Integration) InfoDocument() ([]byte, error) {
	withOAuth := in.oauthDescriber() != nil
	in.mu.RLock()
	cached, cachedWithOAuth := in.info, in.infoWithOAuth
	in.mu.RUnlock()
	if cached != nil && cachedWithOAuth == withOAuth {
		return cached, nil
	}
	info, err := in.Info()
	if err != nil {
		return nil, err
	}
	doc, err := pyjson.Marshal(Response[Info]{Response: info})
	if err != nil {
		return nil, err
	}
	in.mu.Lock()
	in.info, in.infoWithOAuth = doc, withOAuth
	in.mu.Unlock()
	return doc, nil
}

// modelSchema is a model's schema with its "field_order".
func modelSchema(t reflect.Type) (map[string]any, error) {
	s, err := SchemaOf(t)
	if err != nil {
		return nil, err
	}
	p, err := planFor(t)
	if err != nil {
		return nil, err
	}
	s["field_order"] = p.fieldOrder()
	return s, nil
}

// payloadSchemas reflects the payload and result types of the capabilities
// in one pass (SchemasOf), so the models they share are reflected once, and
// returns each struct type's standalone schema, as SchemaOf would give it.
func (in *Integration) payloadSchemas(names []CapabilityName) (map[reflect.Type]map[string]any, error) {
	var types []reflect.Type
	seen := map[reflect.Type]bool{}
	for _, name := range names {
		c := in.capability(name)
		for _, t := range []reflect.Type{fieldType(c.spec.request, "Request"), fieldType(c.spec.response, "Response")} {
			if t.Kind() == reflect.Struct && !seen[t] {
				seen[t] = true
				types = append(types, t)
			}
		}
	}
	reflected, err := SchemasOf(types)
	if err != nil {
		return nil, err
	}
	out := make(map[reflect.Type]map[string]any, len(types))
	for i, t := range types {
		out[t] = standalone(reflected[i])
	}
	return out, nil
}

// standalone cuts a SchemasOf schema down to the definitions it uses.
func standalone(s map[string]any) map[string]any {
	all, _ := s["$defs"].(map[string]any)
	out := make(map[string]any, len(s))
	for k, v := range s {
		if k != "$defs" {
			out[k] = v
		}
	}
	used := map[string]any{}
	var visit func(v any)
	visit = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/$defs/")
				if _, done := used[name]; !done && all[name] != nil {
					used[name] = all[name]
					visit(all[name])
				}
			}
			for _, item := range x {
				visit(item)
			}
		case []any:
			for _, item := range x {
				visit(item)
			}
		}
	}
	visit(out)
	if len(used) > 0 {
		out["$defs"] = used
	}
	return out
}

// schema builds the capability's entry in `info` from the reflected payload schemas.
func (c *capability) schema(schemas map[reflect.Type]map[string]any) (CapabilitySchema, error) {
	payload := func(t reflect.Type) map[string]any {
		s, ok := schemas[t]
		if !ok { // a list (or another non-struct type): upstream shows Empty
			return emptySchema("Empty")
		}
		cp := make(map[string]any, len(s)+1)
		for k, v := range s {
			cp[k] = v
		}
		return cp
	}
	arg := payload(fieldType(c.spec.request, "Request"))
	c.spec.level.annotate(arg)
	out := payload(fieldType(c.spec.response, "Response"))
	cs := CapabilitySchema{Argument: arg, Output: out, DisplayName: c.spec.name.DisplayName()}
	if c.displayName != "" {
		cs.DisplayName = c.displayName
	}
	if c.description != "" {
		cs.Description = Ptr(c.description)
	}
	return cs, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
