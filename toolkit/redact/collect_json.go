package redact

import (
	"encoding/json"
	"slices"
	"unicode/utf8"
)

// CollectJSON adds to secrets every string of the JSON document doc that
// Collect would find in its decoded value: strings under a secret key, at
// any depth, and bare strings under a credential key. It reads doc in
// place rather than decoding it, and a key repeated in one object has all
// its values collected (decoding keeps only the last). Top-level members
// named in skip are left out (e.g. "page", whose token is the connector's
// own cursor). Malformed JSON stops the scan; what was found until then is
// kept.
func CollectJSON(doc []byte, keys Keys, secrets *Secrets, skip ...string) {
	s := jsonScanner{doc: doc, keys: keys, secrets: secrets, skip: skip}
	s.value(s.space(0), false, true)
}

// jsonScanner walks a JSON document for CollectJSON.
type jsonScanner struct {
	doc     []byte
	keys    Keys
	secrets *Secrets
	skip    []string
}

func (s *jsonScanner) space(i int) int {
	for i < len(s.doc) && (s.doc[i] == ' ' || s.doc[i] == '\t' || s.doc[i] == '\n' || s.doc[i] == '\r') {
		i++
	}
	return i
}

// value scans the value at i and returns the index after it, or -1 on
// malformed JSON. secret says whether its strings are secrets.
func (s *jsonScanner) value(i int, secret, top bool) int {
	if i >= len(s.doc) {
		return -1
	}
	switch s.doc[i] {
	case '"':
		str, end := s.str(i)
		if end >= 0 && secret {
			s.secrets.Add(str)
		}
		return end
	case '{':
		return s.object(i, secret, top)
	case '[':
		return s.array(i, secret)
	}
	for i < len(s.doc) && !isDelimiter(s.doc[i]) {
		i++
	}
	return i
}

func (s *jsonScanner) object(i int, secret, top bool) int {
	i = s.space(i + 1)
	if i < len(s.doc) && s.doc[i] == '}' {
		return i + 1
	}
	for i < len(s.doc) {
		key, end := s.str(i)
		if end < 0 {
			return -1
		}
		i = s.space(end)
		if i >= len(s.doc) || s.doc[i] != ':' {
			return -1
		}
		i = s.space(i + 1)
		bare := i < len(s.doc) && s.doc[i] == '"'
		if top && slices.Contains(s.skip, key) {
			kept := s.secrets
			s.secrets = &Secrets{} // scanned, nothing kept
			i = s.value(i, false, false)
			s.secrets = kept
		} else {
			i = s.value(i, secret || s.keys.Has(key) || (bare && credentialKeys[key]), false)
		}
		if i < 0 {
			return -1
		}
		var more bool
		if i, more = s.after(i, '}'); !more {
			return i
		}
	}
	return -1
}

// after reads what follows a member or an element ending at i: a comma
// (the index of the next one, and true) or the closing delimiter (the
// index after it, and false); -1 and false for anything else.
func (s *jsonScanner) after(i int, closing byte) (int, bool) {
	i = s.space(i)
	switch {
	case i < len(s.doc) && s.doc[i] == ',':
		return s.space(i + 1), true
	case i < len(s.doc) && s.doc[i] == closing:
		return i + 1, false
	}
	return -1, false
}

func (s *jsonScanner) array(i int, secret bool) int {
	i = s.space(i + 1)
	if i < len(s.doc) && s.doc[i] == ']' {
		return i + 1
	}
	for i < len(s.doc) {
		if i = s.value(i, secret, false); i < 0 {
			return -1
		}
		var more bool
		if i, more = s.after(i, ']'); !more {
			return i
		}
	}
	return -1
}

// str reads the string token at i: its value and the index after it, or
// -1.
func (s *jsonScanner) str(i int) (string, int) {
	if i >= len(s.doc) || s.doc[i] != '"' {
		return "", -1
	}
	escaped := false
	for j := i + 1; j < len(s.doc); j++ {
		switch s.doc[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			if raw := s.doc[i+1 : j]; !escaped && utf8.Valid(raw) {
				return string(raw), j + 1
			}
			// Escapes and invalid UTF-8 (U+FFFD for each bad byte) read as
			// a decoder reads them, so the secret is what a handler sees.
			var v string
			if json.Unmarshal(s.doc[i:j+1], &v) != nil {
				return "", -1
			}
			return v, j + 1
		}
	}
	return "", -1
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', '}', ']', ' ', '\t', '\n', '\r':
		return true
	}
	return false
}
