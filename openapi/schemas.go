package openapi

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

const componentsPrefix = "#/components/schemas/"

// components collects the schemas of a document's components.schemas.
type components map[string]map[string]any

// reflect returns the schema of t from toolkit.SchemaOf, with the named
// types it uses added as components and its references pointing at them.
// name is the component name the root stands for ("" for DefinitionName);
// a recursive root refers to itself by it.
func (c components) reflect(t reflect.Type, name string) (map[string]any, error) {
	s, err := toolkit.SchemaOf(t)
	if err != nil {
		return nil, err
	}
	return c.adopt(t, s, name)
}

// adopt is reflect for a schema SchemaOf already returned.
func (c components) adopt(t reflect.Type, s map[string]any, name string) (map[string]any, error) {
	if name == "" && t.Name() != "" {
		name = toolkit.DefinitionName(t)
	}
	if err := c.hoist(s, name); err != nil {
		return nil, fmt.Errorf("openapi: reflecting %s: %w", t, err)
	}
	return s, nil
}

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
		out[i] = deepCopy(s).(map[string]any)
	}
	return out, defs, nil
}

// hoist moves the "$defs" of a SchemaOf schema into the components and
// points the references at them; root is the component name of s itself.
func (c components) hoist(s map[string]any, root string) error {
	defs, _ := s["$defs"].(map[string]any)
	delete(s, "$defs")
	rewriteRefs(s, root)
	for _, defName := range sortedKeys(defs) {
		def, ok := defs[defName].(map[string]any)
		if !ok {
			return fmt.Errorf("definition %q is not an object", defName)
		}
		rewriteRefs(def, root)
		if err := c.add(defName, def); err != nil {
			return err
		}
	}
	return nil
}

// add adds a component. Components are pydantic-like: titled with their
// name, and an object without properties lists its (no) properties. The
// same name twice must mean the same schema.
func (c components) add(name string, s map[string]any) error {
	if _, ok := s["title"]; !ok {
		s["title"] = name
	}
	if s["type"] == "object" && s["properties"] == nil && s["additionalProperties"] == nil {
		s["properties"] = map[string]any{}
	}
	if old, ok := c[name]; ok {
		if !reflect.DeepEqual(old, s) {
			return fmt.Errorf("openapi: two different schemas are named %q; model names are global, so rename one of the Go types", name)
		}
		return nil
	}
	c[name] = s
	return nil
}

// rewriteRefs points SchemaOf's "#/$defs/X" references at the components,
// and the root's own "#" at the component named root.
func rewriteRefs(v any, root string) {
	walk(v, func(m map[string]any) {
		ref, ok := m["$ref"].(string)
		switch {
		case !ok:
		case strings.HasPrefix(ref, "#/$defs/"):
			m["$ref"] = componentsPrefix + strings.TrimPrefix(ref, "#/$defs/")
		case ref == "#" && root != "":
			m["$ref"] = componentsPrefix + root
		}
	})
}

// walk calls f on every object in v, parents before children.
func walk(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(x)
		for _, k := range sortedKeys(x) {
			walk(x[k], f)
		}
	case []any:
		for _, e := range x {
			walk(e, f)
		}
	}
}

// refName returns the component a schema refers to, if it is a reference.
func refName(s map[string]any) (string, bool) {
	ref, ok := s["$ref"].(string)
	if !ok || !strings.HasPrefix(ref, componentsPrefix) {
		return "", false
	}
	return strings.TrimPrefix(ref, componentsPrefix), true
}

func ref(name string) map[string]any { return map[string]any{"$ref": componentsPrefix + name} }

// prune drops the components that nothing in doc refers to, directly or
// through other components. The names in keep count as used.
func (c components) prune(doc map[string]any, keep ...string) {
	used := map[string]bool{}
	var visit func(v any)
	visit = func(v any) {
		walk(v, func(m map[string]any) {
			if name, ok := refName(m); ok && !used[name] {
				used[name] = true
				visit(c[name])
			}
		})
	}
	for _, name := range keep {
		if !used[name] {
			used[name] = true
			visit(c[name])
		}
	}
	for k, v := range doc {
		if k != "components" {
			visit(v)
		}
	}
	for name := range c {
		if !used[name] {
			delete(c, name)
		}
	}
}

// dropNull removes "null" from a schema's type list, for values the
// protocol never writes as null (a list result is [] when empty).
func dropNull(s map[string]any) {
	types, ok := s["type"].([]any)
	if !ok {
		return
	}
	kept := slices.DeleteFunc(slices.Clone(types), func(t any) bool { return t == "null" })
	if len(kept) == 1 {
		s["type"] = kept[0]
	} else {
		s["type"] = kept
	}
}

// toOpenAPI30 rewrites a JSON schema (2020-12 shaped, as SchemaOf writes it)
// into an OpenAPI 3.0 schema object, in place, at every depth:
//
//   - type: [T, "null"] becomes type: T, nullable: true (several non-null
//     types become an anyOf of them);
//   - anyOf: [X, {type: null}] becomes X's keywords merged into the schema,
//     plus nullable: true, as upstream writes an optional field (for a
//     $ref, that is $ref with nullable and the field's title beside it);
//   - const: v becomes enum: [v]; examples: [v, ...] becomes example: v;
//   - a numeric exclusiveMinimum/exclusiveMaximum becomes the bound with the
//     boolean flag.
func toOpenAPI30(v any) any {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			x[i] = toOpenAPI30(e)
		}
		return x
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if k == "properties" || k == "$defs" || k == "definitions" || k == "patternProperties" {
				if props, ok := x[k].(map[string]any); ok {
					for _, p := range sortedKeys(props) {
						props[p] = toOpenAPI30(props[p])
					}
					continue
				}
			}
			if k == "enum" || k == "default" || k == "example" || k == "examples" || k == "required" || k == "const" ||
				strings.HasPrefix(k, "x-") {
				continue // values, not schemas
			}
			x[k] = toOpenAPI30(x[k])
		}
		nullableSchema30(x)
		return x
	}
	return v
}

func nullableSchema30(s map[string]any) {
	if types, ok := s["type"].([]any); ok {
		var kept []any
		null := false
		for _, t := range types {
			if t == "null" {
				null = true
			} else {
				kept = append(kept, t)
			}
		}
		switch len(kept) {
		case 0:
			delete(s, "type")
		case 1:
			s["type"] = kept[0]
		default:
			delete(s, "type")
			alts := make([]any, len(kept))
			for i, t := range kept {
				alts[i] = map[string]any{"type": t}
			}
			s["anyOf"] = alts
		}
		if null {
			s["nullable"] = true
		}
	}
	if alts, ok := s["anyOf"].([]any); ok {
		var kept []any
		for _, a := range alts {
			if m, ok := a.(map[string]any); ok && isNullSchema(m) {
				continue
			}
			kept = append(kept, a)
		}
		if len(kept) < len(alts) {
			if only, ok := kept[0].(map[string]any); ok && len(kept) == 1 {
				delete(s, "anyOf")
				for k, v := range only {
					s[k] = v // the alternative's keywords win, as in upstream's {**schema, **alternative}
				}
			} else {
				s["anyOf"] = kept
			}
			s["nullable"] = true
		}
	}
	if ref, ok := s["$ref"]; ok && len(s) > 1 {
		// OpenAPI 3.0 ignores everything beside a $ref; keep the reference
		// in an allOf so that nullable, title and description still count.
		delete(s, "$ref")
		s["allOf"] = []any{map[string]any{"$ref": ref}}
	}
	if c, ok := s["const"]; ok {
		delete(s, "const")
		s["enum"] = []any{c}
	}
	if ex, ok := s["examples"].([]any); ok {
		delete(s, "examples")
		if len(ex) > 0 {
			s["example"] = ex[0]
		}
	}
	for _, bound := range []string{"Minimum", "Maximum"} {
		excl := "exclusive" + bound
		if n, ok := s[excl].(float64); ok {
			s[strings.ToLower(bound)] = n
			s[excl] = true
		}
	}
}

// isNullSchema reports whether s is {type: null} (after 3.0 rewriting of
// its own keywords, {nullable: true} with nothing else).
func isNullSchema(s map[string]any) bool {
	if len(s) == 1 && s["type"] == "null" {
		return true
	}
	return len(s) == 1 && s["nullable"] == true
}

// pascal is a capability name in PascalCase, the stem of its envelope
// model names: list_accounts → ListAccounts.
func pascal(name toolkit.CapabilityName) string {
	return strings.ReplaceAll(name.DisplayName(), " ", "")
}

// jsonValue turns v into a tree of plain JSON values.
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

// deepCopy copies a tree of JSON values.
func deepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = deepCopy(e)
		}
		return s
	}
	return v
}
