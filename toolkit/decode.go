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
// Keys match exactly, as upstream's do; unknown keys, and so keys that
// differ from a field's only in case, are ignored, as upstream does.
func decodeStrict(raw []byte, target any, p *plan) []fieldError {
	trimmed := bytes.TrimSpace(raw)
	if bytes.Equal(trimmed, []byte("null")) {
		return []fieldError{{problem: "expected a JSON object, got null"}}
	}
	raw = exactKeys(raw, p)
	v := reflect.ValueOf(target).Elem()
	before := reflect.New(v.Type()).Elem()
	before.Set(v) // the defaults already set, restored if the shallow decode gives up
	if !shallowDecode(raw, v, p) {
		v.Set(before)
		if err := json.Unmarshal(raw, target); err != nil {
			return []fieldError{describeDecodeError(err, reflect.TypeOf(target))}
		}
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
	for _, f := range visibleFields(t) {
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

// exactKeys returns raw with every object key that only differs in case
// from a field's JSON key renamed to "", which matches no field. The
// protocol's keys are case-sensitive, but encoding/json matches them
// case-insensitively: after exactKeys, "AUTH" is an unknown key, ignored as
// upstream ignores unknown keys, and can no longer fill or overwrite auth.
// It walks the objects p's type describes, nested structs, lists and maps
// of structs included, but not the inside of types that decode themselves.
// Malformed JSON comes back unchanged, for the decoder to report; raw is
// only copied when a key is renamed.
func exactKeys(raw []byte, p *plan) []byte {
	w := keyWalker{doc: raw}
	i := w.space(0)
	if i >= len(raw) || raw[i] != '{' {
		return raw
	}
	if _, ok := w.object(i, p); !ok || len(w.renames) == 0 {
		return raw
	}
	out := make([]byte, 0, len(raw))
	last := 0
	for _, r := range w.renames {
		out = append(out, raw[last:r[0]]...)
		out = append(out, `""`...)
		last = r[1]
	}
	return append(out, raw[last:]...)
}

// keyWalker scans a JSON document for keys to rename (see exactKeys).
type keyWalker struct {
	doc     []byte
	renames [][2]int // [start, end) of key tokens, quotes included, in order
}

// space skips white space from i.
func (w *keyWalker) space(i int) int {
	for i < len(w.doc) {
		switch w.doc[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// object walks the object at i (w.doc[i] == '{') as a value of p's type
// and returns the index after it.
func (w *keyWalker) object(i int, p *plan) (int, bool) {
	return w.members(i, func(key string, keyStart, keyEnd, value int) (int, bool) {
		k, found := p.byKey[key]
		if !found {
			if p.foldsTo(key) {
				w.renames = append(w.renames, [2]int{keyStart, keyEnd})
			}
			return w.skip(value)
		}
		f := &p.fields[k]
		if np := f.nestedPlan(); np != nil && !np.custom {
			return w.nested(value, np, f.shape)
		}
		return w.skip(value)
	})
}

// nested walks the value at i, held by a field of the given shape whose
// element type is p's: an object, a list of them (or of lists of them), or a
// map of them. Any other value is skipped: the decoder will refuse it.
func (w *keyWalker) nested(i int, p *plan, shape reflect.Kind) (int, bool) {
	switch {
	case i >= len(w.doc):
		return 0, false
	case w.doc[i] == '{' && shape == reflect.Map:
		return w.members(i, func(_ string, _, _, value int) (int, bool) {
			return w.nested(value, p, reflect.Struct)
		})
	case w.doc[i] == '{':
		return w.object(i, p)
	case w.doc[i] == '[' && shape == reflect.Slice:
		return w.list(i, func(item int) (int, bool) { return w.nested(item, p, shape) })
	}
	return w.skip(i)
}

// members walks the object at i (w.doc[i] == '{'), calling each with every
// member's key, the bounds of its key token and the index of its value;
// each returns the index after the value. members returns the index after
// the object.
func (w *keyWalker) members(i int, each func(key string, keyStart, keyEnd, value int) (int, bool)) (int, bool) {
	i = w.space(i + 1)
	if i < len(w.doc) && w.doc[i] == '}' {
		return i + 1, true
	}
	for {
		key, end, ok := w.str(i)
		if !ok {
			return 0, false
		}
		colon := w.space(end)
		if colon >= len(w.doc) || w.doc[colon] != ':' {
			return 0, false
		}
		next, ok := each(key, i, end, w.space(colon+1))
		if !ok {
			return 0, false
		}
		if i = w.space(next); i >= len(w.doc) {
			return 0, false
		}
		switch w.doc[i] {
		case '}':
			return i + 1, true
		case ',':
			i = w.space(i + 1)
		default:
			return 0, false
		}
	}
}

// list walks the array at i (w.doc[i] == '['), calling each with the index
// of every item; each returns the index after the item. list returns the
// index after the array.
func (w *keyWalker) list(i int, each func(item int) (int, bool)) (int, bool) {
	i = w.space(i + 1)
	if i < len(w.doc) && w.doc[i] == ']' {
		return i + 1, true
	}
	for {
		next, ok := each(i)
		if !ok {
			return 0, false
		}
		if i = w.space(next); i >= len(w.doc) {
			return 0, false
		}
		switch w.doc[i] {
		case ']':
			return i + 1, true
		case ',':
			i = w.space(i + 1)
		default:
			return 0, false
		}
	}
}

// str reads the string token at i and returns its value and the index
// after it.
func (w *keyWalker) str(i int) (string, int, bool) {
	end, escaped, ok := w.strEnd(i)
	switch {
	case !ok:
		return "", 0, false
	case !escaped:
		return string(w.doc[i+1 : end-1]), end, true
	}
	var s string
	if json.Unmarshal(w.doc[i:end], &s) != nil {
		return "", 0, false
	}
	return s, end, true
}

// strEnd returns the index after the string token at i and whether it
// holds escapes.
func (w *keyWalker) strEnd(i int) (end int, escaped, ok bool) {
	if i >= len(w.doc) || w.doc[i] != '"' {
		return 0, false, false
	}
	for j := i + 1; j < len(w.doc); j++ {
		switch w.doc[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped, true
		}
	}
	return 0, false, false
}

// skip returns the index after the value at i, without looking inside it.
func (w *keyWalker) skip(i int) (int, bool) {
	if i >= len(w.doc) {
		return 0, false
	}
	switch w.doc[i] {
	case '"':
		end, _, ok := w.strEnd(i)
		return end, ok
	case '{', '[':
		depth := 0
		for j := i; j < len(w.doc); j++ {
			switch w.doc[j] {
			case '"':
				end, _, ok := w.strEnd(j)
				if !ok {
					return 0, false
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return j + 1, true
				}
			}
		}
		return 0, false
	}
	j := i
	for j < len(w.doc) && !endsScalar(w.doc[j]) {
		j++
	}
	return j, j > i
}

// endsScalar reports whether c ends a number or a literal.
func endsScalar(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}

// foldsTo reports whether key matches one of p's JSON keys the way
// encoding/json matches keys (bytes.EqualFold), though not exactly.
func (p *plan) foldsTo(key string) bool {
	for _, f := range p.fields {
		if f.key != key && strings.EqualFold(f.key, key) {
			return true
		}
	}
	return false
}

// topMember returns the raw value of the member key of the JSON object
// doc (exact key; the last one when repeated), and false when doc is not
// an object or has no such member.
func topMember(doc []byte, key string) ([]byte, bool) {
	w := keyWalker{doc: doc}
	i := w.space(0)
	if i >= len(doc) || doc[i] != '{' {
		return nil, false
	}
	var found []byte
	_, ok := w.members(i, func(k string, _, _, value int) (int, bool) {
		end, ok := w.skip(value)
		if ok && k == key {
			found = doc[value:end]
		}
		return end, ok
	})
	return found, ok && found != nil
}
