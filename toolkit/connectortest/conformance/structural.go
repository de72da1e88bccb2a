package conformance

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// SchemaCompiler compiles a JSON Schema (any JSON value, as a Go value that
// encoding/json can marshal) into a function validating JSON documents
// against it. It returns an error when the schema is not a valid schema.
type SchemaCompiler func(schema any) (validate func(doc []byte) error, err error)

// StructuralSchema is the suite's built-in SchemaCompiler, used when
// Options.CompileSchema is nil. It needs no JSON Schema library (the lumos
// binary links none: santhosh-tekuri/jsonschema compiles its metaschemas at
// start-up, which would slow every command), so it is lighter than a full
// implementation:
//
//   - compiling checks the schema's structure: every keyword the JSON Schema
//     drafts define has a value of the right kind (type names, schemas,
//     arrays of schemas, strings, non-negative integers…), and every local
//     $ref resolves;
//   - validating applies type, enum, const, properties, required,
//     additionalProperties, items, prefixItems, allOf, anyOf, oneOf, not,
//     $ref, the numeric, length and size bounds, uniqueItems and pattern
//     (where Go's regexp accepts it); format and the other keywords are not
//     asserted.
//
// package connectortest plugs in a full draft 2020-12 implementation instead.
func StructuralSchema(schema any) (func(doc []byte) error, error) {
	raw, err := json.Marshal(schema)
	if err != nil {
		return nil, fmt.Errorf("cannot encode the schema: %v", err)
	}
	root, err := decodeValue(raw)
	if err != nil {
		return nil, err
	}
	var problems []string
	checkSchema(root, root, "#", &problems)
	if len(problems) > 0 {
		return nil, errors.New(listProblems(problems))
	}
	return func(doc []byte) error {
		v, err := decodeValue(doc)
		if err != nil {
			return err
		}
		var errs []string
		validateValue(root, root, v, "", &errs, 0)
		if len(errs) > 0 {
			return errors.New(listProblems(errs))
		}
		return nil
	}, nil
}

func listProblems(p []string) string {
	if len(p) > 5 {
		p = append(p[:5:5], fmt.Sprintf("… and %d more", len(p)-5))
	}
	return strings.Join(p, "\n")
}

// decodeValue decodes one JSON value, numbers as json.Number.
func decodeValue(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

var jsonTypes = []string{"null", "boolean", "object", "array", "number", "string", "integer"}

// The keywords checkSchema knows, by the kind of value they take.
var (
	schemaMapKeywords  = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
	schemaKeywords     = []string{"additionalProperties", "unevaluatedProperties", "unevaluatedItems", "not", "if", "then", "else", "contains", "propertyNames", "additionalItems", "contentSchema"}
	schemaListKeywords = []string{"prefixItems", "allOf", "anyOf", "oneOf"}
	numberKeywords     = []string{"minimum", "maximum", "multipleOf"}
	countKeywords      = []string{"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"}
	stringKeywords     = []string{"$ref", "$schema", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$comment", "format", "title", "description", "pattern", "contentEncoding", "contentMediaType"}
	boolKeywords       = []string{"uniqueItems", "deprecated", "readOnly", "writeOnly"}
)

// checkSchema checks the structure of the schema s found at `at` in root.
func checkSchema(s, root any, at string, problems *[]string) {
	if _, ok := s.(bool); ok {
		return
	}
	m, ok := s.(map[string]any)
	if !ok {
		*problems = append(*problems, fmt.Sprintf("%s: a schema must be an object or a boolean, got %s", at, kindOf(s)))
		return
	}
	for _, k := range sortedKeys(m) {
		v := m[k]
		sub := at + "/" + escapePointer(k)
		add := func(format string, args ...any) {
			*problems = append(*problems, sub+": "+fmt.Sprintf(format, args...))
		}
		switch {
		case k == "type":
			if !validType(v) {
				add("type must be one of %v or a list of them, got %s", jsonTypes, compact(v))
			}
		case slices.Contains(schemaMapKeywords, k):
			obj, ok := v.(map[string]any)
			if !ok {
				add("%s must be an object of schemas, got %s", k, kindOf(v))
				continue
			}
			for _, name := range sortedKeys(obj) {
				checkSchema(obj[name], root, sub+"/"+escapePointer(name), problems)
			}
		case slices.Contains(schemaKeywords, k):
			checkSchema(v, root, sub, problems)
		case k == "items":
			if list, ok := v.([]any); ok { // the draft-07 tuple form
				for i, item := range list {
					checkSchema(item, root, fmt.Sprintf("%s/%d", sub, i), problems)
				}
			} else {
				checkSchema(v, root, sub, problems)
			}
		case slices.Contains(schemaListKeywords, k):
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				add("%s must be a non-empty array of schemas, got %s", k, compact(v))
				continue
			}
			for i, item := range list {
				checkSchema(item, root, fmt.Sprintf("%s/%d", sub, i), problems)
			}
		case k == "required":
			list, ok := v.([]any)
			if !ok {
				add("required must be an array of strings, got %s", kindOf(v))
				continue
			}
			seen := map[string]bool{}
			for _, item := range list {
				name, ok := item.(string)
				if !ok || seen[name] {
					add("required must hold distinct strings, got %s", compact(v))
					break
				}
				seen[name] = true
			}
		case k == "enum":
			if _, ok := v.([]any); !ok {
				add("enum must be an array, got %s", kindOf(v))
			}
		case slices.Contains(numberKeywords, k), k == "exclusiveMinimum", k == "exclusiveMaximum":
			n, ok := v.(json.Number)
			if _, isBool := v.(bool); isBool && (k == "exclusiveMinimum" || k == "exclusiveMaximum") {
				continue // draft-04's boolean form
			}
			if !ok {
				add("%s must be a number, got %s", k, kindOf(v))
			} else if f, _ := n.Float64(); k == "multipleOf" && f <= 0 {
				add("multipleOf must be greater than 0, got %s", n)
			}
		case slices.Contains(countKeywords, k):
			if n, ok := v.(json.Number); !ok || !isNonNegativeInteger(n) {
				add("%s must be a non-negative integer, got %s", k, compact(v))
			}
		case slices.Contains(stringKeywords, k):
			str, ok := v.(string)
			if !ok {
				add("%s must be a string, got %s", k, kindOf(v))
				continue
			}
			if k == "$ref" && strings.HasPrefix(str, "#") {
				if _, ok := resolveRef(root, str); !ok {
					add("$ref %q does not resolve", str)
				}
			}
		case slices.Contains(boolKeywords, k):
			if _, ok := v.(bool); !ok {
				add("%s must be a boolean, got %s", k, kindOf(v))
			}
		}
	}
}

func validType(v any) bool {
	switch t := v.(type) {
	case string:
		return slices.Contains(jsonTypes, t)
	case []any:
		if len(t) == 0 {
			return false
		}
		seen := map[string]bool{}
		for _, item := range t {
			s, ok := item.(string)
			if !ok || !slices.Contains(jsonTypes, s) || seen[s] {
				return false
			}
			seen[s] = true
		}
		return true
	}
	return false
}

func isNonNegativeInteger(n json.Number) bool {
	f, ok := new(big.Float).SetString(string(n))
	return ok && f.IsInt() && f.Sign() >= 0
}

// resolveRef resolves a local reference ("#" or "#/json/pointer").
func resolveRef(root any, ref string) (any, bool) {
	return resolvePointer(root, strings.TrimPrefix(ref, "#"))
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// maxDepth bounds $ref chains and nesting while validating.
const maxDepth = 200

// validateValue validates v (at path in the document) against schema s.
func validateValue(s, root, v any, path string, errs *[]string, depth int) {
	at := path
	if at == "" {
		at = "/"
	}
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	if depth > maxDepth {
		return
	}
	if b, ok := s.(bool); ok {
		if !b {
			fail("no value is allowed here")
		}
		return
	}
	m, ok := s.(map[string]any)
	if !ok {
		return
	}
	if ref, ok := m["$ref"].(string); ok && strings.HasPrefix(ref, "#") {
		if target, ok := resolveRef(root, ref); ok {
			validateValue(target, root, v, path, errs, depth+1)
		}
	}
	if t, ok := m["type"]; ok && !hasType(t, v) {
		fail("expected %s, got %s", typeText(t), kindOf(v))
		return
	}
	if enum, ok := m["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return sameJSON(e, v) }) {
		fail("%s is not one of %s", compact(v), compact(enum))
	}
	if c, ok := m["const"]; ok && !sameJSON(c, v) {
		fail("%s is not %s", compact(v), compact(c))
	}
	for _, k := range []string{"allOf", "anyOf", "oneOf"} {
		list, ok := m[k].([]any)
		if !ok {
			continue
		}
		matched := 0
		var first []string
		for i, sub := range list {
			var subErrs []string
			validateValue(sub, root, v, path, &subErrs, depth+1)
			if len(subErrs) == 0 {
				matched++
			} else if k == "allOf" {
				*errs = append(*errs, subErrs...)
			} else if len(first) < 3 {
				first = append(first, fmt.Sprintf("[%d] %s", i, subErrs[0]))
			}
		}
		switch {
		case k == "anyOf" && matched == 0:
			fail("matches none of the anyOf schemas: %s", strings.Join(first, "; "))
		case k == "oneOf" && matched != 1:
			fail("matches %d of the oneOf schemas, want exactly 1: %s", matched, strings.Join(first, "; "))
		}
	}
	if not, ok := m["not"]; ok {
		var subErrs []string
		validateValue(not, root, v, path, &subErrs, depth+1)
		if len(subErrs) == 0 {
			fail("matches the schema under not")
		}
	}
	switch x := v.(type) {
	case map[string]any:
		validateObject(m, root, x, path, errs, depth, fail)
	case []any:
		validateArray(m, root, x, path, errs, depth, fail)
	case string:
		n := utf8.RuneCountInString(x)
		if lim, ok := count(m, "minLength"); ok && n < lim {
			fail("%d characters, fewer than minLength %d", n, lim)
		}
		if lim, ok := count(m, "maxLength"); ok && n > lim {
			fail("%d characters, more than maxLength %d", n, lim)
		}
		if p, ok := m["pattern"].(string); ok {
			if re, err := regexp.Compile(p); err == nil && !re.MatchString(x) {
				fail("%q does not match the pattern %q", x, p)
			}
		}
	case json.Number:
		f, _ := new(big.Float).SetString(string(x))
		bound := func(k string) (*big.Float, bool) {
			n, ok := m[k].(json.Number)
			if !ok {
				return nil, false
			}
			b, ok := new(big.Float).SetString(string(n))
			return b, ok
		}
		if b, ok := bound("minimum"); ok && f.Cmp(b) < 0 {
			fail("%s is less than the minimum %s", x, m["minimum"])
		}
		if b, ok := bound("maximum"); ok && f.Cmp(b) > 0 {
			fail("%s is more than the maximum %s", x, m["maximum"])
		}
		if b, ok := bound("exclusiveMinimum"); ok && f.Cmp(b) <= 0 {
			fail("%s is not more than the exclusive minimum %s", x, m["exclusiveMinimum"])
		}
		if b, ok := bound("exclusiveMaximum"); ok && f.Cmp(b) >= 0 {
			fail("%s is not less than the exclusive maximum %s", x, m["exclusiveMaximum"])
		}
	}
}

func validateObject(m map[string]any, root any, x map[string]any, path string, errs *[]string, depth int, fail func(string, ...any)) {
	props, _ := m["properties"].(map[string]any)
	for _, name := range sortedKeys(props) {
		if val, present := x[name]; present {
			validateValue(props[name], root, val, path+"/"+escapePointer(name), errs, depth+1)
		}
	}
	if req, ok := m["required"].([]any); ok {
		for _, r := range req {
			if name, ok := r.(string); ok {
				if _, present := x[name]; !present {
					fail("the required property %q is missing", name)
				}
			}
		}
	}
	patterns, _ := m["patternProperties"].(map[string]any)
	additional, hasAdditional := m["additionalProperties"]
	for _, name := range sortedKeys(x) {
		if _, declared := props[name]; declared {
			continue
		}
		matchedPattern := false
		for p, sub := range patterns {
			if re, err := regexp.Compile(p); err == nil && re.MatchString(name) {
				matchedPattern = true
				validateValue(sub, root, x[name], path+"/"+escapePointer(name), errs, depth+1)
			}
		}
		if !matchedPattern && hasAdditional {
			validateValue(additional, root, x[name], path+"/"+escapePointer(name), errs, depth+1)
		}
	}
	if lim, ok := count(m, "minProperties"); ok && len(x) < lim {
		fail("%d properties, fewer than minProperties %d", len(x), lim)
	}
	if lim, ok := count(m, "maxProperties"); ok && len(x) > lim {
		fail("%d properties, more than maxProperties %d", len(x), lim)
	}
}

func validateArray(m map[string]any, root any, x []any, path string, errs *[]string, depth int, fail func(string, ...any)) {
	prefix, _ := m["prefixItems"].([]any)
	for i, item := range x {
		sub := fmt.Sprintf("%s/%d", path, i)
		switch items := m["items"].(type) {
		case []any: // the draft-07 tuple form
			if i < len(items) {
				validateValue(items[i], root, item, sub, errs, depth+1)
			}
			continue
		default:
			if i < len(prefix) {
				validateValue(prefix[i], root, item, sub, errs, depth+1)
			} else if items != nil {
				validateValue(items, root, item, sub, errs, depth+1)
			}
		}
	}
	if lim, ok := count(m, "minItems"); ok && len(x) < lim {
		fail("%d items, fewer than minItems %d", len(x), lim)
	}
	if lim, ok := count(m, "maxItems"); ok && len(x) > lim {
		fail("%d items, more than maxItems %d", len(x), lim)
	}
	if u, _ := m["uniqueItems"].(bool); u {
		for i := range x {
			for j := i + 1; j < len(x); j++ {
				if sameJSON(x[i], x[j]) {
					fail("items %d and %d are equal, but uniqueItems is set", i, j)
					return
				}
			}
		}
	}
}

func count(m map[string]any, k string) (int, bool) {
	n, ok := m[k].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := n.Int64()
	return int(i), err == nil
}

// hasType reports whether v has the type (or one of the types) t names.
func hasType(t, v any) bool {
	switch x := t.(type) {
	case string:
		return isType(x, v)
	case []any:
		for _, item := range x {
			if s, ok := item.(string); ok && isType(s, v) {
				return true
			}
		}
	}
	return false
}

func isType(t string, v any) bool {
	switch x := v.(type) {
	case nil:
		return t == "null"
	case bool:
		return t == "boolean"
	case map[string]any:
		return t == "object"
	case []any:
		return t == "array"
	case string:
		return t == "string"
	case json.Number:
		if t == "number" {
			return true
		}
		f, ok := new(big.Float).SetString(string(x))
		return t == "integer" && ok && f.IsInt()
	}
	return false
}

func typeText(t any) string {
	if s, ok := t.(string); ok {
		return s
	}
	return compact(t)
}

// kindOf names the JSON type of a decoded value.
func kindOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		if f, ok := new(big.Float).SetString(string(x)); ok && f.IsInt() {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", v)
}

// sameJSON compares decoded JSON values, numbers by value.
func sameJSON(a, b any) bool {
	switch x := a.(type) {
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		fa, ok1 := new(big.Float).SetString(string(x))
		fb, ok2 := new(big.Float).SetString(string(y))
		return ok1 && ok2 && fa.Cmp(fb) == 0
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, present := y[k]
			if !present || !sameJSON(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a, b)
}

// compact writes a decoded value as short JSON.
func compact(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return oneLine(string(b), 120)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
