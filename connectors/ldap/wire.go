package ldap

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	ber "github.com/go-asn1-ber/asn1-ber"
	goldap "github.com/go-ldap/ldap/v3"
)

// The listing reader: LDAP messages read from a server and search result
// entries decoded straight from the bytes into *goldap.Entry, without the
// ber.Packet tree go-ldap builds for every message (see README.md,
// "Performance"). Only entries take this path; every other message
// (results, references, notices) is decoded by asn1-ber and go-ldap.

// maxMessage bounds the size of one LDAP message read from a server.
const maxMessage = 64 << 20

// smallMessage is the size up to which a message's buffer is allocated
// whole from its header; a larger one grows as its bytes arrive, so that
// a header claiming much and sending little costs little.
const smallMessage = 1 << 20

// BER identifier octets of the elements read here (RFC 4511 §4).
const (
	tagInteger        = 0x02
	tagOctetString    = 0x04
	tagSequence       = 0x30
	tagSet            = 0x31
	opBindResponse    = 0x61 // [APPLICATION 1] constructed
	opSearchEntry     = 0x64 // [APPLICATION 4] constructed
	opSearchDone      = 0x65 // [APPLICATION 5] constructed
	opSearchReference = 0x73 // [APPLICATION 19] constructed
	opExtendedResp    = 0x78 // [APPLICATION 24] constructed
)

// errMalformed is wrapped by every error about a message that is not
// well-formed LDAP.
var errMalformed = errors.New("malformed LDAP message")

// malformed is a network-class LDAP error (the connection cannot be
// trusted after it) about a malformed message.
func malformed(format string, args ...any) error {
	return goldap.NewError(goldap.ErrorNetwork, fmt.Errorf("%w: %s", errMalformed, fmt.Sprintf(format, args...)))
}

// message is one LDAPMessage read from a server: its id, the identifier
// octet of its protocol operation, its bytes, and, for a search result
// entry, the entry.
type message struct {
	id    int64
	op    byte
	raw   []byte
	entry *goldap.Entry
}

// packet decodes the whole message with asn1-ber, for go-ldap's helpers.
func (m message) packet() (*ber.Packet, error) {
	p, err := ber.DecodePacketErr(m.raw)
	if err != nil {
		return nil, malformed("%v", err)
	}
	return p, nil
}

// readMessage reads one LDAPMessage from r and decodes it (an entry fully,
// any other operation as far as its id and operation). io.EOF means the
// server closed the connection between messages.
func readMessage(r *bufio.Reader) (message, error) {
	raw, err := readFrame(r)
	if err != nil {
		return message{}, err
	}
	return parseMessage(raw)
}

// readFrame reads the bytes of one LDAPMessage: a SEQUENCE of definite
// length at most maxMessage.
func readFrame(r *bufio.Reader) ([]byte, error) {
	var hdr [10]byte
	t, err := r.ReadByte()
	if err != nil {
		return nil, err
	}
	if t != tagSequence {
		return nil, malformed("a message starts with 0x%02x, not a SEQUENCE", t)
	}
	hdr[0] = t
	b, err := r.ReadByte()
	if err != nil {
		return nil, unexpected(err)
	}
	hdr[1] = b
	h, n := 2, int64(b)
	if b&0x80 != 0 {
		k := int(b & 0x7f)
		if k == 0 || k > 8 {
			return nil, malformed("length form 0x%02x (LDAP uses definite lengths)", b)
		}
		n = 0
		for range k {
			if b, err = r.ReadByte(); err != nil {
				return nil, unexpected(err)
			}
			hdr[h] = b
			h++
			if n = n<<8 | int64(b); n > maxMessage {
				return nil, malformed("a message of more than %d bytes", maxMessage)
			}
		}
	}
	if n <= smallMessage {
		buf := make([]byte, h+int(n))
		copy(buf, hdr[:h])
		if _, err := io.ReadFull(r, buf[h:]); err != nil {
			return nil, unexpected(err)
		}
		return buf, nil
	}
	buf := bytes.NewBuffer(append(make([]byte, 0, smallMessage), hdr[:h]...))
	if _, err := buf.ReadFrom(io.LimitReader(r, n)); err != nil {
		return nil, unexpected(err)
	}
	if int64(buf.Len()) != int64(h)+n {
		return nil, unexpected(io.ErrUnexpectedEOF)
	}
	return buf.Bytes(), nil
}

// unexpected is err, io.EOF inside a message being io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// element reads the BER element at b[i:]: its identifier octet and the
// bounds of its contents, which lie within b.
func element(b []byte, i int) (tag byte, start, end int, err error) {
	if i+2 > len(b) {
		return 0, 0, 0, malformed("element truncated at offset %d", i)
	}
	tag, l := b[i], b[i+1]
	if tag&0x1f == 0x1f {
		return 0, 0, 0, malformed("high tag number at offset %d", i)
	}
	start, n := i+2, int(l)
	if l&0x80 != 0 {
		k := int(l & 0x7f)
		if k == 0 || k > 8 || start+k > len(b) {
			return 0, 0, 0, malformed("length form 0x%02x at offset %d", l, i)
		}
		n = 0
		for _, x := range b[start : start+k] {
			if n = n<<8 | int(x); n > len(b) {
				return 0, 0, 0, malformed("element at offset %d longer than its message", i)
			}
		}
		start += k
	}
	if n > len(b)-start {
		return 0, 0, 0, malformed("element at offset %d longer than its message", i)
	}
	return tag, start, start + n, nil
}

// expect is element checking the identifier octet.
func expect(b []byte, i int, want byte, what string) (start, end int, err error) {
	tag, start, end, err := element(b, i)
	if err != nil {
		return 0, 0, err
	}
	if tag != want {
		return 0, 0, malformed("%s is 0x%02x, want 0x%02x", what, tag, want)
	}
	return start, end, nil
}

// parseMessage decodes a message's envelope and, for a search result
// entry, the entry.
func parseMessage(raw []byte) (message, error) {
	s, e, err := expect(raw, 0, tagSequence, "the message")
	if err != nil {
		return message{}, err
	}
	if e != len(raw) {
		return message{}, malformed("%d bytes after the message", len(raw)-e)
	}
	is, ie, err := expect(raw, s, tagInteger, "the message id")
	if err != nil {
		return message{}, err
	}
	if ie-is < 1 || ie-is > 4 || raw[is]&0x80 != 0 {
		return message{}, malformed("message id of %d bytes", ie-is)
	}
	var id int64
	for _, x := range raw[is:ie] {
		id = id<<8 | int64(x)
	}
	op, os, oe, err := element(raw, ie)
	if err != nil {
		return message{}, err
	}
	m := message{id: id, op: op, raw: raw}
	if op != opSearchEntry {
		return m, nil
	}
	if oe != e {
		// Controls on an entry are rare: take go-ldap's way.
		p, err := m.packet()
		if err != nil {
			return message{}, err
		}
		m.entry, err = entryFromPacket(p)
		return m, err
	}
	m.entry, err = decodeEntry(raw, os, oe)
	return m, err
}

// decodeEntry decodes the SearchResultEntry whose contents are raw[s:e]:
// objectName, then the PartialAttributeList. Names and values are
// substrings of one copy of the contents, byte values slices of raw.
func decodeEntry(raw []byte, s, e int) (*goldap.Entry, error) {
	ds, de, err := expect(raw, s, tagOctetString, "the entry's name")
	if err != nil {
		return nil, err
	}
	as, ae, err := expect(raw, de, tagSequence, "the entry's attributes")
	if err != nil {
		return nil, err
	}
	if ae != e {
		return nil, malformed("%d bytes after the entry's attributes", e-ae)
	}
	// First pass: check the shape and count, so that every slice is
	// allocated once at its size.
	attrs, values := 0, 0
	for i := as; i < ae; attrs++ {
		_, _, vs, ve, next, err := attribute(raw, i, ae)
		if err != nil {
			return nil, err
		}
		j := vs
		for ; j < ve; values++ {
			if _, j, err = expect(raw, j, tagOctetString, "a value"); err != nil {
				return nil, err
			}
		}
		if j != ve {
			return nil, malformed("a value overruns its set")
		}
		i = next
	}
	str := string(raw[s:e])
	sub := func(a, b int) string { return str[a-s : b-s] }
	entry := &goldap.Entry{DN: sub(ds, de), Attributes: make([]*goldap.EntryAttribute, attrs)}
	backing := make([]goldap.EntryAttribute, attrs)
	strs := make([]string, values)
	bins := make([][]byte, values)
	k := 0
	for a, i := 0, as; i < ae; a++ {
		ts, te, vs, ve, next, _ := attribute(raw, i, ae)
		first := k
		for j := vs; j < ve; k++ {
			_, cs, ce, _ := element(raw, j)
			strs[k], bins[k] = sub(cs, ce), raw[cs:ce:ce]
			j = ce
		}
		backing[a] = goldap.EntryAttribute{Name: sub(ts, te), Values: strs[first:k:k], ByteValues: bins[first:k:k]}
		entry.Attributes[a] = &backing[a]
		i = next
	}
	return entry, nil
}

// attribute reads the PartialAttribute at raw[i:] (within end): the
// bounds of its type's contents and of its value set's contents, and the
// offset after it.
func attribute(raw []byte, i, end int) (ts, te, vs, ve, next int, err error) {
	ps, pe, err := expect(raw, i, tagSequence, "an attribute")
	if err == nil && pe > end {
		err = malformed("an attribute overruns its list")
	}
	if err == nil {
		ts, te, err = expect(raw, ps, tagOctetString, "an attribute's type")
	}
	if err == nil {
		vs, ve, err = expect(raw, te, tagSet, "an attribute's values")
	}
	if err == nil && ve != pe {
		err = malformed("%d bytes after an attribute's values", pe-ve)
	}
	if err != nil {
		return 0, 0, 0, 0, 0, err
	}
	return ts, te, vs, ve, pe, nil
}

// entryFromPacket builds an entry from a SearchResultEntry message decoded
// by asn1-ber, as go-ldap's Search does.
func entryFromPacket(p *ber.Packet) (*goldap.Entry, error) {
	str := func(p *ber.Packet) (string, bool) {
		s, ok := p.Value.(string)
		return s, ok
	}
	if len(p.Children) < 2 || len(p.Children[1].Children) < 2 {
		return nil, malformed("a search result entry without its attributes")
	}
	op := p.Children[1]
	dn, ok := str(op.Children[0])
	if !ok {
		return nil, malformed("an entry's name is not a string")
	}
	entry := &goldap.Entry{DN: dn, Attributes: make([]*goldap.EntryAttribute, 0, len(op.Children[1].Children))}
	for _, a := range op.Children[1].Children {
		if len(a.Children) < 2 {
			return nil, malformed("an attribute without values")
		}
		name, ok := str(a.Children[0])
		if !ok {
			return nil, malformed("an attribute's type is not a string")
		}
		vals := a.Children[1].Children
		ea := &goldap.EntryAttribute{Name: name, Values: make([]string, len(vals)), ByteValues: make([][]byte, len(vals))}
		for i, v := range vals {
			if ea.Values[i], ok = str(v); !ok {
				return nil, malformed("a value of %q is not a string", name)
			}
			ea.ByteValues[i] = v.ByteValue
		}
		entry.Attributes = append(entry.Attributes, ea)
	}
	return entry, nil
}
