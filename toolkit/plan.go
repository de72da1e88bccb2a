package toolkit

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"sync"
)

// plan is what the pipeline knows of a struct type from its tags: which keys
// are required, their titles and defaults, and which fields hold nested
// structs to check in turn. Plans are built once per type and cached; a
// nested struct's plan is built when first needed (nestedPlan), so a call
// plans only the types its document holds, not every credential kind.
type plan struct {
	typ         reflect.Type
	fields      []fieldPlan
	byKey       map[string]int // JSON key → index in fields
	hasRequired bool           // this type has a required field, or a nested struct that may have one
	hasDefaults bool
	// custom: the type decodes itself (it implements json.Unmarshaler), so
	// its keys are its own business, not its fields'.
	custom bool
}

type fieldPlan struct {
	index    []int
	key      string // JSON key
	label    string // what upstream calls the field in messages: the title tag, else the key
	required bool
	nullable bool // with required: the key must be present, null is allowed
	secret   bool
	dflt     string // default tag, applied to scalar fields
	hasDflt  bool
	elem     reflect.Type // the struct type held (directly, in a list or in a map), or nil; see nestedPlan
	shape    reflect.Kind // Struct, Slice or Map: how nested values are held
	jsonType string       // JSON type name of the field, for messages
}

var plans sync.Map // reflect.Type → *plan

// planFor returns the plan of struct type t.
func planFor(t reflect.Type) (*plan, error) {
	if p, ok := plans.Load(t); ok {
		return p.(*plan), nil
	}
	p, err := buildPlan(t)
	if err != nil {
		return nil, err
	}
	actual, _ := plans.LoadOrStore(t, p)
	return actual.(*plan), nil
}

// checkPlans builds the plans of t and of every struct type it holds, and
// returns the first error: what registration checks once, so that
// nestedPlan cannot fail later.
func checkPlans(t reflect.Type) error {
	seen := map[reflect.Type]bool{}
	var check func(t reflect.Type) error
	check = func(t reflect.Type) error {
		if seen[t] {
			return nil
		}
		seen[t] = true
		p, err := planFor(t)
		if err != nil {
			return err
		}
		for _, f := range p.fields {
			if f.elem == nil {
				continue
			}
			if err := check(f.elem); err != nil {
				return fmt.Errorf("%s: %w", f.key, err)
			}
		}
		return nil
	}
	return check(t)
}

// nestedPlan is the plan of the struct type f holds, or nil when it holds
// none. Registration checked every plan a request or settings type holds
// (checkPlans), so it only fails for a type nothing checked; that type's
// values are then left to encoding/json alone.
func (f *fieldPlan) nestedPlan() *plan {
	if f.elem == nil {
		return nil
	}
	p, err := planFor(f.elem)
	if err != nil {
		return nil
	}
	return p
}

func buildPlan(t reflect.Type) (*plan, error) {
	p := &plan{typ: t, byKey: map[string]int{}, custom: reflect.PointerTo(t).Implements(unmarshalerType)}
	for _, f := range visibleFields(t) {
		tags, ok := readTags(f)
		if !ok {
			continue
		}
		fp := fieldPlan{
			index:    f.Index,
			key:      tags.key,
			label:    tags.title,
			required: tags.required,
			nullable: tags.nullable,
			secret:   tags.secret,
			jsonType: jsonTypeName(f.Type),
		}
		if fp.label == "" {
			// As upstream, which names a field by its explicit title and
			// otherwise by its name, never by the Title Case schemas show.
			fp.label = tags.key
		}
		if tags.hasDefault {
			if err := checkDefault(f.Type, tags.dflt); err != nil {
				return nil, fmt.Errorf("field %s: default %q: %v", f.Name, tags.dflt, err)
			}
			fp.dflt, fp.hasDflt = tags.dflt, true
			p.hasDefaults = true
		}
		elem := f.Type
		shape := reflect.Struct
		for {
			switch elem.Kind() {
			case reflect.Pointer:
				elem = elem.Elem()
				continue
			case reflect.Slice, reflect.Array:
				shape = reflect.Slice
				elem = elem.Elem()
				continue
			case reflect.Map:
				shape = reflect.Map
				elem = elem.Elem()
				continue
			}
			break
		}
		if elem.Kind() == reflect.Struct && elem != rawMessageType {
			fp.elem, fp.shape = elem, shape
		}
		if fp.required || fp.elem != nil {
			p.hasRequired = true
		}
		if _, dup := p.byKey[fp.key]; !dup {
			p.byKey[fp.key] = len(p.fields)
		}
		p.fields = append(p.fields, fp)
	}
	return p, nil
}

var (
	rawMessageType  = reflect.TypeFor[json.RawMessage]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// jsonTypeName names the JSON type a Go type decodes from.
func jsonTypeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		if t == rawMessageType {
			return "value"
		}
		return "array"
	case reflect.Map, reflect.Struct:
		return "object"
	}
	return "value"
}

// checkDefault reports whether d can fill a field of type t.
func checkDefault(t reflect.Type, d string) error {
	return setScalar(reflect.New(t).Elem(), d)
}

// setScalar parses s into the scalar value v.
func setScalar(v reflect.Value, s string) error {
	if v.Kind() == reflect.Pointer {
		v.Set(reflect.New(v.Type().Elem()))
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return err
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(s, 10, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		n, err := strconv.ParseUint(s, 10, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetUint(n)
	case reflect.Float32, reflect.Float64:
		n, err := strconv.ParseFloat(s, v.Type().Bits())
		if err != nil {
			return err
		}
		v.SetFloat(n)
	default:
		return fmt.Errorf("defaults are supported on string, bool and number fields, not %s", v.Type())
	}
	return nil
}

// applyDefaults fills the fields of struct v that carry a default tag.
func (p *plan) applyDefaults(v reflect.Value) {
	if !p.hasDefaults {
		return
	}
	for _, f := range p.fields {
		if f.hasDflt {
			_ = setScalar(v.FieldByIndex(f.index), f.dflt) // checked when the plan was built
		}
	}
}

// fieldError is one problem found in a request, located by its JSON path.
type fieldError struct {
	path    string
	label   string // the field's label (see fieldPlan), for a missing field
	problem string
}

func (e fieldError) String() string {
	if e.path == "" {
		return e.problem
	}
	return e.path + ": " + e.problem
}

// missing appends an error for every required key of p absent or null in
// the JSON object raw, looking into nested objects and arrays of objects.
// raw has already been decoded successfully into p's type.
func (p *plan) missing(raw []byte, prefix string, out []fieldError) []fieldError {
	if !p.hasRequired {
		return out
	}
	obj, ok := members(raw)
	if !ok {
		return out // null, or a shape the typed decode already accepted
	}
	for _, f := range p.fields {
		val, present := obj[f.key]
		isNull := !present || bytes.Equal(bytes.TrimSpace(val), []byte("null"))
		path := joinPath(prefix, f.key)
		if f.required && (!present || (isNull && !f.nullable)) {
			out = append(out, fieldError{path: path, label: f.label, problem: "field required"})
			continue
		}
		nested := f.nestedPlan()
		if isNull || nested == nil || !nested.hasRequired {
			continue
		}
		switch f.shape {
		case reflect.Struct:
			out = nested.missing(val, path, out)
		case reflect.Slice:
			var items []json.RawMessage
			if json.Unmarshal(val, &items) == nil {
				for i, item := range items {
					out = nested.missing(item, path+"."+strconv.Itoa(i), out)
				}
			}
		case reflect.Map:
			var items map[string]json.RawMessage
			if json.Unmarshal(val, &items) == nil {
				for _, k := range slices.Sorted(maps.Keys(items)) {
					out = nested.missing(items[k], path+"."+k, out)
				}
			}
		}
	}
	return out
}

func joinPath(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

// fieldOrder lists p's JSON keys in declaration order.
func (p *plan) fieldOrder() []string {
	out := make([]string, len(p.fields))
	for i, f := range p.fields {
		out[i] = f.key
	}
	return out
}

// secretFields lists the JSON keys of t's fields tagged secret:"true".
func secretFields(t reflect.Type) []string {
	p, err := planFor(t)
	if err != nil {
		return nil
	}
	var keys []string
	for _, f := range p.fields {
		if f.secret {
			keys = append(keys, f.key)
		}
	}
	return keys
}

// members maps the keys of the JSON object raw to their values, the last
// one of a repeated key winning (as decoding into a map does); ok is false
// when raw is not an object. It scans raw in place: no value is decoded.
func members(raw []byte) (map[string][]byte, bool) {
	w := keyWalker{doc: raw}
	i := w.space(0)
	if i >= len(raw) || raw[i] != '{' {
		return nil, false
	}
	obj := map[string][]byte{}
	_, ok := w.members(i, func(key string, _, _, value int) (int, bool) {
		end, ok := w.skip(value)
		if ok {
			obj[key] = raw[value:end]
		}
		return end, ok
	})
	return obj, ok
}
