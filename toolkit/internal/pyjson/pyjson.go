// Package pyjson writes JSON the way Python's json.dumps(obj, sort_keys=True)
// does: keys sorted at every depth, ", " and ": " separators, and every
// character outside printable ASCII escaped as \uXXXX.
package pyjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf16"
)

// Marshal encodes v as encoding/json would, then rewrites the result in
// Python's json.dumps(v, sort_keys=True) style.
func Marshal(v any) ([]byte, error) { return marshal(v, ", ", ": ", false) }

// MarshalCanonical writes v as Python's json.dumps(v, sort_keys=True,
// separators=(",", ":"), ensure_ascii=True) does, leaving out object members
// whose value is null at every depth, as pydantic's exclude_none does.
func MarshalCanonical(v any) ([]byte, error) { return marshal(v, ",", ":", true) }

func marshal(v any, itemSep, keySep string, dropNulls bool) ([]byte, error) {
	var raw bytes.Buffer
	enc := json.NewEncoder(&raw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(&raw)
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	w := writer{itemSep: itemSep, keySep: keySep, dropNulls: dropNulls}
	if err := w.write(generic); err != nil {
		return nil, err
	}
	return w.Bytes(), nil
}

type writer struct {
	bytes.Buffer
	itemSep, keySep string
	dropNulls       bool
}

func (b *writer) write(v any) error {
	switch x := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		if x {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case json.Number:
		b.WriteString(x.String())
	case string:
		writeString(&b.Buffer, x)
	case []any:
		b.WriteByte('[')
		for i, item := range x {
			if i > 0 {
				b.WriteString(b.itemSep)
			}
			if err := b.write(item); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k, item := range x {
			if item != nil || !b.dropNulls {
				keys = append(keys, k)
			}
		}
		slices.Sort(keys)
		b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				b.WriteString(b.itemSep)
			}
			writeString(&b.Buffer, k)
			b.WriteString(b.keySep)
			if err := b.write(x[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
	default:
		return fmt.Errorf("pyjson: unexpected %T", v)
	}
	return nil
}

const hexDigits = "0123456789abcdef"

func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r >= 0x20 && r <= 0x7e:
			b.WriteRune(r)
		case r > 0xffff:
			r1, r2 := utf16.EncodeRune(r)
			writeU(b, r1)
			writeU(b, r2)
		default:
			writeU(b, r)
		}
	}
	b.WriteByte('"')
}

func writeU(b *bytes.Buffer, r rune) {
	b.WriteString(`\u`)
	for shift := 12; shift >= 0; shift -= 4 {
		b.WriteByte(hexDigits[(r>>shift)&0xf])
	}
}
