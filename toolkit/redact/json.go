package redact

import (
	"bytes"
	"encoding/json"
)

// JSON masks the secrets inside the string values of the JSON document doc,
// compared by what each value means, so any valid JSON spelling of a secret
// (\/, \u00XX escapes in either case, JSON quoted inside JSON) is found.
// Only the matched part of a value is replaced by Mask; object keys,
// numbers, literals and the rest of the structure are never rewritten.
//
//   - A secret of MinSecretLength or more is masked wherever it occurs in a
//     value, except a word secret (one that reads like a plain word such as
//     ACTIVE or status): that one is masked only as a whole word inside
//     longer text, never as a whole value, which would rewrite enum values.
//   - Under a secret key (see SetKeys), at any depth, a value that is
//     exactly a secret is masked whatever the secret's length or kind, and
//     word secrets are masked anywhere in the value.
//
// It returns doc itself when nothing is masked.
func (s *Secrets) JSON(doc []byte) []byte {
	return s.JSONExcept(doc, "")
}

// JSONExcept is JSON leaving the top-level member named member untouched
// (for answers whose purpose is to return credentials). An empty member
// masks the whole document.
func (s *Secrets) JSONExcept(doc []byte, member string) []byte {
	set := s.load()
	if set == nil || len(set.all) == 0 || !set.mayOccur(doc, true) {
		return doc
	}
	m := jsonMasker{set: set, doc: doc, except: member, keys: set.weak && set.keys != nil}
	return m.run()
}

// frame is an open object or array.
type frame struct {
	object    bool
	secret    bool // everything inside is under a secret key
	skip      bool // everything inside is left as is
	keySecret bool // (objects) the pending member's key is a secret key
	keySkip   bool // (objects) the pending member is the excepted one
}

type jsonMasker struct {
	set    *secretSet
	doc    []byte
	except string
	keys   bool // track the secret keys of members
	stack  []frame
	out    []byte
	last   int // doc[:last] is already in out
}

func (m *jsonMasker) run() []byte {
	doc := m.doc
	for i := 0; i < len(doc); i++ {
		switch doc[i] {
		case '{', '[':
			f := frame{object: doc[i] == '{'}
			if parent := m.top(); parent != nil {
				f.secret, f.skip = parent.under()
			}
			m.stack = append(m.stack, f)
		case '}', ']':
			if len(m.stack) > 0 {
				m.stack = m.stack[:len(m.stack)-1]
			}
		case '"':
			end, next := stringEnd(doc, i)
			m.literal(i+1, end, next)
			i = next - 1
		}
	}
	if m.out == nil {
		return doc
	}
	return append(m.out, doc[m.last:]...)
}

func (m *jsonMasker) top() *frame {
	if len(m.stack) == 0 {
		return nil
	}
	return &m.stack[len(m.stack)-1]
}

// under reports whether a value just inside f is under a secret key and
// whether it is to be left as is.
func (f *frame) under() (secret, skip bool) {
	if f.object {
		return f.secret || f.keySecret, f.skip || f.keySkip
	}
	return f.secret, f.skip
}

// literal handles the string whose content is doc[start:end]; next is the
// index just past it.
func (m *jsonMasker) literal(start, end, next int) {
	f := m.top()
	content := m.doc[start:end]
	if f != nil && f.object && isKey(m.doc, next) {
		if m.keys {
			f.keySecret = m.set.keys.Has(keyText(content))
		}
		if m.except != "" && len(m.stack) == 1 {
			f.keySkip = keyText(content) == m.except
		}
		return
	}
	secret, skip := false, false
	if f != nil {
		secret, skip = f.under()
	}
	if skip {
		return
	}
	masked, changed := m.set.maskText(content, secret)
	if !changed {
		return
	}
	m.out = append(m.out, m.doc[m.last:start]...)
	m.out = append(m.out, masked...)
	m.last = end
}

// stringEnd finds the end of the string literal starting at doc[start] (a
// quote): the index of its closing quote and the index past it (both
// len(doc) when it is not closed).
func stringEnd(doc []byte, start int) (end, next int) {
	for i := start + 1; ; i++ {
		j := bytes.IndexByte(doc[i:], '"')
		if j < 0 {
			return len(doc), len(doc)
		}
		i += j
		escaped := false
		for k := i - 1; k > start && doc[k] == '\\'; k-- {
			escaped = !escaped
		}
		if !escaped {
			return i, i + 1
		}
	}
}

// isKey reports whether the string that ended just before doc[next] is an
// object key: a colon follows it.
func isKey(doc []byte, next int) bool {
	for ; next < len(doc); next++ {
		switch doc[next] {
		case ' ', '\t', '\n', '\r':
		case ':':
			return true
		default:
			return false
		}
	}
	return false
}

// keyText decodes a key's content.
func keyText(content []byte) string {
	if bytes.IndexByte(content, '\\') < 0 {
		return string(content)
	}
	var k string
	quoted := make([]byte, 0, len(content)+2)
	quoted = append(append(append(quoted, '"'), content...), '"')
	if json.Unmarshal(quoted, &k) != nil {
		return string(content)
	}
	return k
}
