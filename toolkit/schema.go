package toolkit

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/swaggest/jsonschema-go"

	"github.com/lumosgo/lumos/errs"
)

// SchemaOf reflects the JSON schema of Go type t, pydantic-style: the type's
// name as title, each property titled in Title Case, nested named types in
// "$defs", and the lumos tags turned into the protocol's extensions
// (secret → x-secret, fieldType → x-field_type, semantic → x-semantic,
// resourceType/entitlementType → x-resource-type/x-entitlement-type).
func SchemaOf(t reflect.Type) (map[string]any, error) {
	defs := map[string]jsonschema.Schema{}
	var r jsonschema.Reflector
	s, err := r.Reflect(reflect.New(t).Elem().Interface(),
		jsonschema.DefinitionsPrefix("#/$defs/"),
		jsonschema.CollectDefinitions(func(name string, s jsonschema.Schema) { defs[name] = s }),
		jsonschema.InterceptDefName(func(t reflect.Type, _ string) string { return DefinitionName(t) }),
		jsonschema.InterceptProp(propertyExtras),
	)
	if err != nil {
		return nil, fmt.Errorf("reflecting %s: %w", t, err)
	}
	if s.Title == nil && t.Name() != "" {
		s.WithTitle(DefinitionName(t))
	}
	out, err := toMap(s)
	if err != nil {
		return nil, err
	}
	if _, ok := out["properties"]; !ok && t.Kind() == reflect.Struct {
		out["properties"] = map[string]any{} // an empty model still lists its (no) properties, as pydantic does
	}
	if len(defs) > 0 {
		m := map[string]any{}
		for name, d := range defs {
			dm, err := toMap(d)
			if err != nil {
				return nil, err
			}
			dropNull(dm) // a definition is a type; nullability belongs to the property using it
			m[name] = dm
		}
		out["$defs"] = m
	}
	return out, nil
}

// SchemasOf is SchemaOf for many types at once: it reflects them in one
// pass, so the types they share (AuthCredential, Page, ...) are reflected
// once, and returns each type's schema as SchemaOf would, except that every
// schema's "$defs" is one map shared by all, holding the definitions of all
// the types. Callers must treat it as read-only or copy it first.
//
// Distinct types with one DefinitionName (the instantiations of a generic
// envelope) get distinct definition names: the later ones are suffixed _2,
// _3, ... in the order of types. Callers name them as they see fit.
func SchemasOf(types []reflect.Type) ([]map[string]any, error) {
	fields := make([]reflect.StructField, len(types))
	for i, t := range types {
		fields[i] = reflect.StructField{Name: fmt.Sprintf("F%d", i), Type: t, Tag: reflect.StructTag(fmt.Sprintf(`json:"f%d"`, i))}
	}
	holder := reflect.StructOf(fields)
	named := map[string]reflect.Type{}
	byType := map[reflect.Type]string{}
	defName := func(t reflect.Type, _ string) string {
		if name, ok := byType[t]; ok {
			return name
		}
		name := DefinitionName(t)
		for n := 2; ; n++ {
			if other, taken := named[name]; !taken || other == t {
				break
			}
			name = fmt.Sprintf("%s_%d", DefinitionName(t), n) // deterministic: reflection order is the field order
		}
		named[name], byType[t] = t, name
		return name
	}
	collected := map[string]jsonschema.Schema{}
	var r jsonschema.Reflector
	_, err := r.Reflect(reflect.New(holder).Elem().Interface(),
		jsonschema.DefinitionsPrefix("#/$defs/"),
		jsonschema.CollectDefinitions(func(name string, s jsonschema.Schema) { collected[name] = s }),
		jsonschema.InterceptDefName(defName),
		jsonschema.InterceptProp(propertyExtras),
	)
	if err != nil {
		return nil, fmt.Errorf("reflecting %d types: %w", len(types), err)
	}
	defs := make(map[string]any, len(collected))
	for name, d := range collected {
		dm, err := toMap(d)
		if err != nil {
			return nil, err
		}
		dropNull(dm)
		defs[name] = dm
	}
	out := make([]map[string]any, len(types))
	for i, t := range types {
		name, ok := byType[t]
		root, isDef := defs[name].(map[string]any)
		if !ok || !isDef {
			return nil, fmt.Errorf("reflecting %s: it has no definition; SchemasOf takes named struct types", t)
		}
		cp := make(map[string]any, len(root)+1)
		for k, v := range root {
			cp[k] = v
		}
		if _, ok := cp["properties"]; !ok && t.Kind() == reflect.Struct {
			cp["properties"] = map[string]any{}
		}
		cp["title"] = DefinitionName(t)
		cp["$defs"] = defs
		out[i] = cp
	}
	return out, nil
}

// DefinitionName is the stable schema name of a Go type: its type name, with
// any type arguments dropped and the characters outside [A-Za-z0-9_] removed.
// Two packages' types with one name share a definition name on purpose: the
// protocol's model names are global, so connectors must not reuse them. A
// few models whose upstream names are not Go's spelling (AuthorizationUrl)
// take that name from wireModelNames.
func DefinitionName(t reflect.Type) string {
	if name, ok := wireModelNames[t]; ok {
		return name
	}
	name, _, _ := strings.Cut(t.Name(), "[")
	return strings.Map(func(r rune) rune {
		if r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, name)
}

// wireModelNames are the upstream model names of the types whose Go names
// spell an initialism as Go does (URL, OAuth) where upstream does not.
var wireModelNames = map[reflect.Type]string{
	reflect.TypeFor[GetAuthorizationURL](): "GetAuthorizationUrl",
	reflect.TypeFor[AuthorizationURL]():    "AuthorizationUrl",
	reflect.TypeFor[OAuthCredentials]():    "OauthCredentials",
	// The latest protocol's models, named as the reference names them.
	reflect.TypeFor[RateLimitState]():    "RateLimitStateSnapshot",
	reflect.TypeFor[RateLimitRequest]():  "RateLimitRequestInfo",
	reflect.TypeFor[RateLimitResponse](): "RateLimitResponseInfo",
	reflect.TypeFor[errs.Metadata]():     "ConnectorErrorMetadata",
	reflect.TypeFor[errs.Fault]():        "ConnectorErrorFault",
	reflect.TypeFor[errs.Category]():     "ConnectorErrorCategory",
}

func propertyExtras(p jsonschema.InterceptPropParams) error {
	if !p.Processed || p.PropertySchema == nil {
		return nil
	}
	ps, tag := p.PropertySchema, tagsOf(p.Field.Tag)
	if ps.Ref != nil && p.Field.Type.Kind() == reflect.Pointer {
		// An optional field of a named type: the reference or null.
		ref := jsonschema.Schema{Ref: ps.Ref}
		null := jsonschema.Schema{}
		null.WithType(jsonschema.Null.Type())
		ps.Ref = nil
		ps.AnyOf = []jsonschema.SchemaOrBool{ref.ToSchemaOrBool(), null.ToSchemaOrBool()}
	}
	if ps.Ref == nil && ps.Title == nil {
		title := tag.title
		if title == "" {
			title = CapabilityName(p.Name).DisplayName()
		}
		ps.WithTitle(title)
	}
	if tag.secret {
		ps.WithExtraPropertiesItem("x-secret", true)
		if tag.fieldType == "" {
			ps.WithExtraPropertiesItem("x-field_type", "SECRET")
		}
	}
	extras := []struct {
		key string
		set bool
		val any
	}{
		{"x-field_type", tag.fieldType != "", tag.fieldType},
		{"x-semantic", tag.semantic != "", tag.semantic},
		{"x-unique", tag.unique, true},
		{"x-resource-type", tag.resourceType, true},
		{"x-entitlement-type", tag.entitlementType, true},
	}
	for _, x := range extras {
		if x.set {
			ps.WithExtraPropertiesItem(x.key, x.val)
		}
	}
	return nil
}

// dropNull removes "null" from a schema's type list.
func dropNull(s map[string]any) {
	types, ok := s["type"].([]any)
	if !ok {
		return
	}
	kept := make([]any, 0, len(types))
	for _, t := range types {
		if t != "null" {
			kept = append(kept, t)
		}
	}
	if len(kept) == 1 {
		s["type"] = kept[0]
	} else {
		s["type"] = kept
	}
}

func toMap(s jsonschema.Schema) (map[string]any, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	return m, json.Unmarshal(b, &m)
}
