package toolkit

import (
	"encoding/json"
	"reflect"
)

// shallowDecode fills the struct v (of p's type, addressable) from the JSON
// object doc, member by member in document order, and reports whether it
// did so exactly as json.Unmarshal would. It exists for start-up: given a
// whole envelope, encoding/json first builds its field tables and encoders
// for every type the envelope can reach (every credential kind, every
// nested model), which costs a process that answers one call more than the
// call itself. shallowDecode walks the document with the plan instead and
// hands json.Unmarshal only the members' own values, so only the types
// present in the document are looked at.
//
// It gives up (false) on anything it does not decode exactly like
// encoding/json: invalid JSON, a value of the wrong JSON type, a key that
// matches a field only without regard to case, a repeated key holding a
// list or map, embedded pointers, two fields with one key. The caller then
// zeroes v and decodes the whole document with json.Unmarshal, which gives
// the same result or the same error as before.
func shallowDecode(doc []byte, v reflect.Value, p *plan) bool {
	if !json.Valid(doc) {
		return false
	}
	d := shallowDecoder{w: keyWalker{doc: doc}}
	i := d.w.space(0)
	if i >= len(doc) || doc[i] != '{' {
		return false
	}
	_, ok := d.object(i, v, p)
	return ok
}

// shallowDecoder holds the document being decoded.
type shallowDecoder struct {
	w keyWalker
}

// object decodes the object at i into the struct v of p's type and returns
// the index after it.
func (d *shallowDecoder) object(i int, v reflect.Value, p *plan) (int, bool) {
	if p.custom || len(p.byKey) != len(p.fields) {
		return 0, false // the type decodes itself, or two fields share a key: encoding/json's rules apply
	}
	var seen map[int]bool
	return d.w.members(i, func(key string, _, _, value int) (int, bool) {
		k, found := p.byKey[key]
		if !found {
			if p.foldsTo(key) {
				return 0, false // encoding/json would match it without regard to case
			}
			return d.w.skip(value)
		}
		f := &p.fields[k]
		field, err := v.FieldByIndexErr(f.index)
		if err != nil {
			return 0, false // through a nil embedded pointer, which encoding/json would allocate
		}
		if seen[k] && field.Kind() != reflect.Struct && field.Kind() != reflect.Pointer {
			return 0, false // a repeated list or map: encoding/json reuses what the first one decoded
		}
		if seen == nil {
			seen = map[int]bool{}
		}
		seen[k] = true
		return d.member(value, field, f)
	})
}

// member decodes the value at i into field, described by f.
func (d *shallowDecoder) member(i int, field reflect.Value, f *fieldPlan) (int, bool) {
	end, ok := d.w.skip(i)
	if !ok {
		return 0, false
	}
	if np := f.nestedPlan(); np != nil && !np.custom && f.shape == reflect.Struct && d.w.doc[i] == '{' {
		switch {
		case field.Kind() == reflect.Struct && field.Type() == np.typ:
			return d.object(i, field, np)
		case field.Kind() == reflect.Pointer && field.Type().Elem() == np.typ:
			if field.IsNil() {
				field.Set(reflect.New(np.typ))
			}
			return d.object(i, field.Elem(), np)
		}
	}
	if err := json.Unmarshal(d.w.doc[i:end], field.Addr().Interface()); err != nil {
		return 0, false
	}
	return end, true
}
