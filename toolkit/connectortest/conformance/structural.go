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
	"sync"
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
	c := &schemaChecker{root: root}
	c.check(root, "#")
	if len(c.problems) > 0 {
		return nil, errors.New(listProblems(c.problems))
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

// The keywords a schemaChecker knows, by the kind of value they take.
var (
	schemaMapKeywords  = []string{"properties", "patternProperties", "$defs", "definitions", "dependentSchemas"}
	schemaKeywords     = []string{"additionalProperties", "unevaluatedProperties", "unevaluatedItems", "not", "if", "then", "else", "contains", "propertyNames", "additionalItems", "contentSchema"}
	schemaListKeywords = []string{"prefixItems", "allOf", "anyOf", "oneOf"}
	numberKeywords     = []string{"minimum", "maximum", "multipleOf"}
	countKeywords      = []string{"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "minContains", "maxContains"}
	stringKeywords     = []string{"$ref", "$schema", "$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$comment", "format", "title", "description", "pattern", "contentEncoding", "contentMediaType"}
	boolKeywords       = []string{"uniqueItems", "deprecated", "readOnly", "writeOnly"}
)

// schemaChecker collects the structural problems of one schema document.
type schemaChecker struct {
	root     any      // the whole document, against which local $refs resolve
	problems []string // one line per problem, prefixed with its location
}

// add records a problem at the location at.
func (c *schemaChecker) add(at, format string, args ...any) {
	c.problems = append(c.problems, at+": "+fmt.Sprintf(format, args...))
}

// keywordCheck checks the value v of the keyword k, found at the location at.
type keywordCheck func(c *schemaChecker, at, k string, v any)

// keywordChecks maps every keyword a schemaChecker knows to its check; the
// keywords it does not know are not checked. It is filled on first use (by
// fillKeywordChecks, under keywordChecksOnce) rather than by a package
// initialiser, so that a binary that links this package but never checks a
// schema does not build it at start-up; and not by a sync.OnceValue, since
// the checks of subschemas lead back to it and Go would see a cycle.
var (
	keywordChecks     map[string]keywordCheck
	keywordChecksOnce sync.Once
)

// keywordCheckFor is the check of keyword k, or nil when it is not checked.
func keywordCheckFor(k string) keywordCheck {
	keywordChecksOnce.Do(fillKeywordChecks)
	return keywordChecks[k]
}

// fillKeywordChecks builds keywordChecks.
func fillKeywordChecks() {
	keywordChecks = map[string]keywordCheck{
		"type":             (*schemaChecker).checkType,
		"items":            (*schemaChecker).checkItems,
		"required":         (*schemaChecker).checkRequired,
		"enum":             (*schemaChecker).checkEnum,
		"exclusiveMinimum": (*schemaChecker).checkExclusiveBound,
		"exclusiveMaximum": (*schemaChecker).checkExclusiveBound,
	}
	groups := []struct {
		keywords []string
		check    keywordCheck
	}{
		{schemaMapKeywords, (*schemaChecker).checkSchemaMap},
		{schemaKeywords, (*schemaChecker).checkSubschema},
		{schemaListKeywords, (*schemaChecker).checkSchemaList},
		{numberKeywords, (*schemaChecker).checkNumber},
		{countKeywords, (*schemaChecker).checkCount},
		{stringKeywords, (*schemaChecker).checkString},
		{boolKeywords, (*schemaChecker).checkBool},
	}
	for _, g := range groups {
		for _, k := range g.keywords {
			keywordChecks[k] = g.check
		}
	}
}

// check checks the schema s found at the location at.
func (c *schemaChecker) check(s any, at string) {
	if _, ok := s.(bool); ok {
		return
	}
	m, ok := s.(map[string]any)
	if !ok {
		c.add(at, "a schema must be an object or a boolean, got %s", kindOf(s))
		return
	}
	for _, k := range sortedKeys(m) {
		if check := keywordCheckFor(k); check != nil {
			check(c, at+"/"+escapePointer(k), k, m[k])
		}
	}
}

func (c *schemaChecker) checkType(at, _ string, v any) {
	if !validType(v) {
		c.add(at, "type must be one of %v or a list of them, got %s", jsonTypes, compact(v))
	}
}

func (c *schemaChecker) checkSchemaMap(at, k string, v any) {
	obj, ok := v.(map[string]any)
	if !ok {
		c.add(at, "%s must be an object of schemas, got %s", k, kindOf(v))
		return
	}
	for _, name := range sortedKeys(obj) {
		c.check(obj[name], at+"/"+escapePointer(name))
	}
}

func (c *schemaChecker) checkSubschema(at, _ string, v any) {
	c.check(v, at)
}

// checkItems accepts a schema or, in the draft-07 tuple form, a list of them.
func (c *schemaChecker) checkItems(at, _ string, v any) {
	if list, ok := v.([]any); ok {
		c.checkEach(at, list)
		return
	}
	c.check(v, at)
}

func (c *schemaChecker) checkSchemaList(at, k string, v any) {
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		c.add(at, "%s must be a non-empty array of schemas, got %s", k, compact(v))
		return
	}
	c.checkEach(at, list)
}

// checkEach checks the schemas of a list found at the location at.
func (c *schemaChecker) checkEach(at string, list []any) {
	for i, item := range list {
		c.check(item, fmt.Sprintf("%s/%d", at, i))
	}
}

func (c *schemaChecker) checkRequired(at, _ string, v any) {
	list, ok := v.([]any)
	if !ok {
		c.add(at, "required must be an array of strings, got %s", kindOf(v))
		return
	}
	seen := map[string]bool{}
	for _, item := range list {
		name, ok := item.(string)
		if !ok || seen[name] {
			c.add(at, "required must hold distinct strings, got %s", compact(v))
			return
		}
		seen[name] = true
	}
}

func (c *schemaChecker) checkEnum(at, _ string, v any) {
	if _, ok := v.([]any); !ok {
		c.add(at, "enum must be an array, got %s", kindOf(v))
	}
}

// checkExclusiveBound also accepts draft-04's boolean form.
func (c *schemaChecker) checkExclusiveBound(at, k string, v any) {
	if _, isBool := v.(bool); !isBool {
		c.checkNumber(at, k, v)
	}
}

func (c *schemaChecker) checkNumber(at, k string, v any) {
	n, ok := v.(json.Number)
	if !ok {
		c.add(at, "%s must be a number, got %s", k, kindOf(v))
		return
	}
	if f, _ := n.Float64(); k == "multipleOf" && f <= 0 {
		c.add(at, "multipleOf must be greater than 0, got %s", n)
	}
}

func (c *schemaChecker) checkCount(at, k string, v any) {
	if n, ok := v.(json.Number); !ok || !isNonNegativeInteger(n) {
		c.add(at, "%s must be a non-negative integer, got %s", k, compact(v))
	}
}

// checkString also checks that a local $ref resolves.
func (c *schemaChecker) checkString(at, k string, v any) {
	str, ok := v.(string)
	if !ok {
		c.add(at, "%s must be a string, got %s", k, kindOf(v))
		return
	}
	if k == "$ref" && strings.HasPrefix(str, "#") {
		if _, ok := resolveRef(c.root, str); !ok {
			c.add(at, "$ref %q does not resolve", str)
		}
	}
}

func (c *schemaChecker) checkBool(at, k string, v any) {
	if _, ok := v.(bool); !ok {
		c.add(at, "%s must be a boolean, got %s", k, kindOf(v))
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
	fail := failAt(path, errs)
	if depth > maxDepth {
		return
	}
	m, ok := s.(map[string]any)
	if !ok {
		if b, isBool := s.(bool); isBool && !b {
			fail("no value is allowed here")
		}
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
	validateEnum(m, v, fail)
	validateCombinations(m, root, v, path, errs, depth, fail)
	switch x := v.(type) {
	case map[string]any:
		validateObject(m, root, x, path, errs, depth, fail)
	case []any:
		validateArray(m, root, x, path, errs, depth, fail)
	case string:
		validateString(m, x, fail)
	case json.Number:
		validateNumber(m, x, fail)
	}
}

// failAt returns a function recording a validation error at path.
func failAt(path string, errs *[]string) func(format string, args ...any) {
	at := path
	if at == "" {
		at = "/"
	}
	return func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
}

// validateEnum applies enum and const.
func validateEnum(m map[string]any, v any, fail func(string, ...any)) {
	if enum, ok := m["enum"].([]any); ok && !slices.ContainsFunc(enum, func(e any) bool { return sameJSON(e, v) }) {
		fail("%s is not one of %s", compact(v), compact(enum))
	}
	if c, ok := m["const"]; ok && !sameJSON(c, v) {
		fail("%s is not %s", compact(v), compact(c))
	}
}

// validateCombinations applies allOf, anyOf, oneOf and not.
func validateCombinations(m map[string]any, root, v any, path string, errs *[]string, depth int, fail func(string, ...any)) {
	if list, ok := m["allOf"].([]any); ok {
		for _, sub := range list {
			validateValue(sub, root, v, path, errs, depth+1)
		}
	}
	if list, ok := m["anyOf"].([]any); ok {
		if matched, first := matchEach(list, root, v, path, depth); matched == 0 {
			fail("matches none of the anyOf schemas: %s", first)
		}
	}
	if list, ok := m["oneOf"].([]any); ok {
		if matched, first := matchEach(list, root, v, path, depth); matched != 1 {
			fail("matches %d of the oneOf schemas, want exactly 1: %s", matched, first)
		}
	}
	if not, ok := m["not"]; ok {
		if matched, _ := matchEach([]any{not}, root, v, path, depth); matched == 1 {
			fail("matches the schema under not")
		}
	}
}

// matchEach validates v against each schema of list and returns how many
// it matches and, for the first three it does not, their first error.
func matchEach(list []any, root, v any, path string, depth int) (matched int, first string) {
	var firsts []string
	for i, sub := range list {
		var subErrs []string
		validateValue(sub, root, v, path, &subErrs, depth+1)
		if len(subErrs) == 0 {
			matched++
		} else if len(firsts) < 3 {
			firsts = append(firsts, fmt.Sprintf("[%d] %s", i, subErrs[0]))
		}
	}
	return matched, strings.Join(firsts, "; ")
}

// validateString applies minLength, maxLength and pattern.
func validateString(m map[string]any, x string, fail func(string, ...any)) {
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
}

// numberBounds are the numeric bounds, each with the results of comparing a
// value to it (-1, 0, 1) that break it and the error that says so.
var numberBounds = []struct {
	keyword  string
	breaking []int
	complain string
}{
	{"minimum", []int{-1}, "%s is less than the minimum %s"},
	{"maximum", []int{1}, "%s is more than the maximum %s"},
	{"exclusiveMinimum", []int{-1, 0}, "%s is not more than the exclusive minimum %s"},
	{"exclusiveMaximum", []int{0, 1}, "%s is not less than the exclusive maximum %s"},
}

// validateNumber applies the numeric bounds.
func validateNumber(m map[string]any, x json.Number, fail func(string, ...any)) {
	f, _ := new(big.Float).SetString(string(x))
	for _, b := range numberBounds {
		n, ok := m[b.keyword].(json.Number)
		if !ok {
			continue
		}
		if bound, ok := new(big.Float).SetString(string(n)); ok && slices.Contains(b.breaking, f.Cmp(bound)) {
			fail(b.complain, x, n)
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
