package toolkit

import "reflect"

// visibleFields returns what reflect.VisibleFields(t) returns, for struct
// type t. reflect.VisibleFields builds maps to sort out which promoted
// fields hide which, even for a struct that embeds nothing, and it runs for
// every model a call plans (a few microseconds each, which a process
// answering one call pays in full). Without embedded structs the visible
// fields are t's own, in order; with embedded structs whose fields' names
// all differ they are the depth-first walk, each embedded field followed by
// its promoted ones. Anything else — a name met twice, which Go's hiding
// rules decide, or an embedded pointer type seen before — goes to
// reflect.VisibleFields.
func visibleFields(t reflect.Type) []reflect.StructField {
	n := t.NumField()
	simple := true
	for i := range n {
		if t.Field(i).Anonymous {
			simple = false
			break
		}
	}
	if simple {
		out := make([]reflect.StructField, n)
		for i := range n {
			out[i] = t.Field(i)
		}
		return out
	}
	w := fieldWalker{names: map[string]bool{}, types: map[reflect.Type]bool{t: true}}
	if !w.walk(t, nil) {
		return reflect.VisibleFields(t)
	}
	return w.out
}

// fieldWalker collects the fields of a struct and of the structs it
// embeds, giving up when Go's hiding rules would have a say.
type fieldWalker struct {
	out   []reflect.StructField
	names map[string]bool       // every field name met, to detect hiding
	types map[reflect.Type]bool // the struct types walked, to detect cycles
}

// walk adds t's fields, with index paths below index, and reports whether
// no name was met twice.
func (w *fieldWalker) walk(t reflect.Type, index []int) bool {
	for i := range t.NumField() {
		f := t.Field(i)
		if w.names[f.Name] {
			return false
		}
		w.names[f.Name] = true
		f.Index = append(append([]int(nil), index...), i)
		w.out = append(w.out, f)
		if !f.Anonymous {
			continue
		}
		et := f.Type
		if et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		if et.Kind() != reflect.Struct {
			continue
		}
		if w.types[et] {
			return false
		}
		w.types[et] = true
		if !w.walk(et, f.Index) {
			return false
		}
	}
	return true
}
