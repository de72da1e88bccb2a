package openapi

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/lumosgo/lumos/internal/oas"
	"github.com/lumosgo/lumos/toolkit"
)

// schemasOf reflects every type with toolkit.SchemasOf, which reflects
// the types they share once, and returns each type's root schema (a copy of
// its own, without "$defs") in the order of types, and the definitions of
// them all.
func schemasOf(types []reflect.Type) ([]map[string]any, map[string]any, error) {
	out, err := toolkit.SchemasOf(types)
	if err != nil {
		return nil, nil, fmt.Errorf("openapi: %w", err)
	}
	var defs map[string]any
	for i, s := range out {
		defs, _ = s["$defs"].(map[string]any)
		delete(s, "$defs")
		out[i] = oas.DeepCopy(s).(map[string]any)
	}
	return out, defs, nil
}

// adopt adds the definitions of s, the reflected schema of t, as
// components; name is the component s stands for ("" for t's definition name).
func adopt(c oas.Components, t reflect.Type, s map[string]any, name string) (map[string]any, error) {
	if name == "" && t.Name() != "" {
		name = toolkit.DefinitionName(t)
	}
	return c.Adopt(s, name, t.String())
}

// pascal is a capability name in PascalCase, the stem of its envelope
// model names: list_accounts → ListAccounts.
func pascal(name toolkit.CapabilityName) string {
	return strings.ReplaceAll(name.DisplayName(), " ", "")
}
