package toolkit

import (
	"bytes"
	"encoding/json"
)

// memberWriter is a success envelope that writes itself member by member.
// encoding/json, given the whole envelope, builds its encoders for every
// type the envelope can hold (the execution summary, its errors, the page)
// before writing a byte, whether or not they are set; a process answering
// one call pays for all of them. Writing the members one by one builds
// encoders only for the values present. The bytes are those encoding/json
// writes for the struct (with HTML escaping off), and so are its errors.
type memberWriter interface {
	writeMembers(buf *bytes.Buffer, enc *json.Encoder) error
}

func (r Response[P]) writeMembers(buf *bytes.Buffer, enc *json.Encoder) error {
	buf.WriteString(`{"response":`)
	if err := encodeMember(buf, enc, r.Response); err != nil {
		return err
	}
	buf.WriteString(`,"raw_data":`)
	if err := encodeMember(buf, enc, r.RawData); err != nil {
		return err
	}
	buf.WriteString(`,"page":`)
	if r.Page == nil {
		buf.WriteString("null")
	} else if err := encodeMember(buf, enc, r.Page); err != nil {
		return err
	}
	buf.WriteString(`,"execution_summary":`)
	if r.ExecutionSummary == nil {
		buf.WriteString("null")
	} else if err := encodeMember(buf, enc, r.ExecutionSummary); err != nil {
		return err
	}
	buf.WriteString("}\n")
	return nil
}

// encodeMember appends v's JSON to buf, without the newline enc adds.
func encodeMember(buf *bytes.Buffer, enc *json.Encoder, v any) error {
	if v == nil {
		buf.WriteString("null")
		return nil
	}
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1)
	return nil
}
