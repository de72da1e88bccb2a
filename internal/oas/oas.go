// Package oas builds OpenAPI documents from JSON Schemas: it gathers the
// definitions of reflected schemas as components, points references at
// them, prunes what a document does not use and rewrites JSON Schema
// 2020-12 as OpenAPI 3.0 where needed. The toolkit's app_info and package
// openapi's spec share it.
package oas

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

const componentsPrefix = "#/components/schemas/"

// Adopt adds the "$defs" of s, a schema the toolkit reflected, as
// components and points its references at them; name is the component
// name s itself stands for, what names it in errors.
func (c Components) Adopt(s map[string]any, name, what string) (map[string]any, error) {
	if err := c.Hoist(s, name); err != nil {
		return nil, fmt.Errorf("openapi: reflecting %s: %w", what, err)
	}
	return s, nil
}

// Components collects the schemas of a document's components.schemas.
type Components map[string]map[string]any

// Hoist moves the "$defs" of a SchemaOf schema into the components and
// points the references at them; root is the component name of s itself.
func (c Components) Hoist(s map[string]any, root string) error {
	defs, _ := s["$defs"].(map[string]any)
	delete(s, "$defs")
	rewriteRefs(s, root)
	for _, defName := range sortedKeys(defs) {
		def, ok := defs[defName].(map[string]any)
		if !ok {
			return fmt.Errorf("definition %q is not an object", defName)
		}
		rewriteRefs(def, root)
		if err := c.Add(defName, def); err != nil {
			return err
		}
	}
	return nil
}

// Add adds a component. Components are pydantic-like: titled with their
// name, and an object without properties lists its (no) properties. The
// same name twice must mean the same schema.
func (c Components) Add(name string, s map[string]any) error {
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
	Walk(v, func(m map[string]any) {
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

// Walk calls f on every object in v, parents before children.
func Walk(v any, f func(map[string]any)) {
	switch x := v.(type) {
	case map[string]any:
		f(x)
		for _, k := range sortedKeys(x) {
			Walk(x[k], f)
		}
	case []any:
		for _, e := range x {
			Walk(e, f)
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

// Ref is a reference to the component name.
func Ref(name string) map[string]any { return map[string]any{"$ref": componentsPrefix + name} }

// Prune drops the components that nothing in doc refers to, directly or
// through other components. The names in keep count as used.
func (c Components) Prune(doc map[string]any, keep ...string) {
	used := map[string]bool{}
	var visit func(v any)
	visit = func(v any) {
		Walk(v, func(m map[string]any) {
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

// DropNull removes "null" from a schema's type list, for values the
// protocol never writes as null (a list result is [] when empty).
func DropNull(s map[string]any) {
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

// ToOpenAPI30 rewrites a JSON schema (2020-12 shaped, as SchemaOf writes it)
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
func ToOpenAPI30(v any) any {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			x[i] = ToOpenAPI30(e)
		}
		return x
	case map[string]any:
		for _, k := range sortedKeys(x) {
			if k == "properties" || k == "$defs" || k == "definitions" || k == "patternProperties" {
				if props, ok := x[k].(map[string]any); ok {
					for _, p := range sortedKeys(props) {
						props[p] = ToOpenAPI30(props[p])
					}
					continue
				}
			}
			if k == "enum" || k == "default" || k == "example" || k == "examples" || k == "required" || k == "const" ||
				strings.HasPrefix(k, "x-") {
				continue // values, not schemas
			}
			x[k] = ToOpenAPI30(x[k])
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

// JSONValue turns v into a tree of plain JSON values.
func JSONValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

// DeepCopy copies a tree of JSON values.
func DeepCopy(v any) any {
	switch x := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = DeepCopy(e)
		}
		return m
	case []any:
		s := make([]any, len(x))
		for i, e := range x {
			s[i] = DeepCopy(e)
		}
		return s
	}
	return v
}

// sortedKeys returns m's keys in order, for deterministic documents.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
