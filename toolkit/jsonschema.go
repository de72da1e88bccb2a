package toolkit

import (
	"fmt"
	"reflect"
)

// JSONSchemaDialect is the JSON Schema draft of the documents JSONSchema returns.
const JSONSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// JSONSchema returns a JSON Schema (draft 2020-12) of a registered
// capability's request document, or of its response document when response
// is set, for validating payloads with any JSON Schema tool. The request
// schema carries the connector's own settings schema; the response schema
// accepts the success envelope or an ErrorResponse.
func (in *Integration) JSONSchema(name CapabilityName, response bool) (map[string]any, error) {
	c := in.capability(name)
	if c == nil {
		return nil, fmt.Errorf("connector %q has no capability %q", in.decl.AppID, name)
	}
	if response {
		return in.responseSchema(c)
	}
	s, err := SchemaOf(c.spec.request)
	if err != nil {
		return nil, err
	}
	s["title"] = name.pascal() + "Request"
	if in.settingsType != nil {
		settings, err := SchemaOf(in.settingsType)
		if err != nil {
			return nil, err
		}
		defs := definitions(s)
		for k, v := range definitions(settings) {
			defs[k] = v
		}
		delete(settings, "$defs")
		settingsName := DefinitionName(in.settingsType)
		defs[settingsName] = settings
		props := s["properties"].(map[string]any)
		props["settings"] = map[string]any{"$ref": "#/$defs/" + settingsName, "description": "The connector's settings."}
		s["required"] = appendMissing(s["required"], "settings")
	}
	s["$schema"] = JSONSchemaDialect
	return s, nil
}

func (in *Integration) responseSchema(c *capability) (map[string]any, error) {
	ok, err := SchemaOf(c.spec.response)
	if err != nil {
		return nil, err
	}
	failed, err := SchemaOf(reflect.TypeFor[ErrorResponse]())
	if err != nil {
		return nil, err
	}
	defs := map[string]any{}
	for _, s := range []map[string]any{ok, failed} {
		for k, v := range definitions(s) {
			defs[k] = v
		}
		delete(s, "$defs")
	}
	okName := c.spec.name.pascal() + "Response"
	ok["title"] = okName
	defs[okName], defs["ErrorResponse"] = ok, failed
	return map[string]any{
		"$schema": JSONSchemaDialect,
		"title":   okName + "OrError",
		"anyOf":   []any{map[string]any{"$ref": "#/$defs/" + okName}, map[string]any{"$ref": "#/$defs/ErrorResponse"}},
		"$defs":   defs,
	}, nil
}

// definitions returns s's "$defs", creating it when absent.
func definitions(s map[string]any) map[string]any {
	d, ok := s["$defs"].(map[string]any)
	if !ok {
		d = map[string]any{}
		s["$defs"] = d
	}
	return d
}

func appendMissing(list any, item string) []any {
	out, _ := list.([]any)
	for _, v := range out {
		if v == item {
			return out
		}
	}
	return append(out, item)
}
