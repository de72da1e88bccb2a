package toolkit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// decodeStrict decodes the JSON document raw into target, a pointer to a
// value of p's type, and reports every problem as field errors: malformed
// JSON, a value of the wrong JSON type, a missing or null required field.
// Unknown keys are ignored, as upstream does.
func decodeStrict(raw []byte, target any, p *plan) []fieldError {
	trimmed := bytes.TrimSpace(raw)
	if bytes.Equal(trimmed, []byte("null")) {
		return []fieldError{{problem: "expected a JSON object, got null"}}
	}
	if err := json.Unmarshal(raw, target); err != nil {
		return []fieldError{describeDecodeError(err, reflect.TypeOf(target))}
	}
	return p.missing(raw, "", nil)
}

// describeDecodeError turns an encoding/json error, from decoding into a
// value of type root, into a located message.
func describeDecodeError(err error, root reflect.Type) fieldError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		if syn.Offset == 0 || strings.Contains(syn.Error(), "unexpected end") {
			return fieldError{problem: "invalid JSON: " + syn.Error()}
		}
		return fieldError{problem: fmt.Sprintf("invalid JSON at byte %d: %s", syn.Offset, syn.Error())}
	case errors.As(err, &typ):
		got, _, _ := strings.Cut(typ.Value, " ")
		if got == "bool" {
			got = "boolean"
		}
		want := jsonTypeName(typ.Type)
		if typ.Field == "" {
			return fieldError{problem: fmt.Sprintf("expected a JSON %s, got %s", want, got)}
		}
		return fieldError{path: jsonPath(root, typ.Field), problem: fmt.Sprintf("expected %s, got %s", want, got)}
	}
	return fieldError{problem: err.Error()}
}

// jsonPath is the JSON path of an encoding/json error's Field within a
// value of type root. encoding/json names an embedded struct by its Go
// name in that path, though its fields sit at the embedding level on the
// wire; jsonPath leaves those names out.
func jsonPath(root reflect.Type, field string) string {
	segments := strings.Split(field, ".")
	kept := segments[:0]
	t := root
	for _, seg := range segments {
		for t != nil && (t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map) {
			t = t.Elem()
		}
		if t == nil || t.Kind() != reflect.Struct {
			t = nil
			kept = append(kept, seg)
			continue
		}
		if f, ok := t.FieldByName(seg); ok && inlined(f) {
			t = f.Type
			continue
		}
		t = fieldByKey(t, seg)
		kept = append(kept, seg)
	}
	return strings.Join(kept, ".")
}

// inlined reports whether encoding/json lays f's fields out at the level of
// the struct embedding f.
func inlined(f reflect.StructField) bool {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	t := f.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return f.Anonymous && name == "" && t.Kind() == reflect.Struct
}

// fieldByKey is the type of struct t's field with JSON key key, embedded
// fields' included; nil when there is none.
func fieldByKey(t reflect.Type, key string) reflect.Type {
	for _, f := range reflect.VisibleFields(t) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" && !f.Anonymous {
			name = f.Name
		}
		if f.IsExported() && name == key {
			return f.Type
		}
	}
	return nil
}

// joinFieldErrors renders field errors as one line.
func joinFieldErrors(errs []fieldError) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		parts[i] = e.String()
	}
	return strings.Join(parts, "; ")
}

// DecodeSettings decodes a request's raw settings into the connector's
// settings type T, with the defaults of T's default tags applied first.
// The dispatch pipeline has already validated the settings, so handlers
// may call it freely; it fails only on settings it has not seen.
func DecodeSettings[T any](raw json.RawMessage) (T, error) {
	var out T
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return out, fmt.Errorf("lumos: DecodeSettings needs a struct type, got %s", t)
	}
	p, err := planFor(t)
	if err != nil {
		return out, err
	}
	p.applyDefaults(reflect.ValueOf(&out).Elem())
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	if errs := decodeStrict(raw, &out, p); len(errs) > 0 {
		return out, badRequestf("Invalid request settings: %s", joinFieldErrors(errs))
	}
	return out, nil
}
