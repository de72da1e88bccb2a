package redact

import (
	"bytes"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"
)

// MinSecretLength is the shortest secret searched for by value. A shorter
// one would match ordinary text: it is masked only in logged requests (by
// key) and, in JSON documents, where a string value under a secret key is
// exactly that secret.
const MinSecretLength = 6

// Secrets is a set of secret values to mask, each matched in any valid JSON
// spelling of it (see String and JSON for the rules). The zero value is an
// empty set, ready to use. It is safe for concurrent use: Add may run while
// other goroutines mask; a Secrets must not be copied after first use.
type Secrets struct {
	mu  sync.Mutex                // serializes Add and SetKeys
	cur atomic.Pointer[secretSet] // immutable; replaced whole on every change
}

// strength says where a secret is searched for.
type strength uint8

const (
	// strong secrets are searched for everywhere inside string values.
	strong strength = iota
	// word secrets read like a plain word or identifier (ACTIVE, status,
	// read_write): they are masked where they are a whole word inside longer
	// text, or under a secret key, but never as a whole value elsewhere (an
	// enum value or an ordinary datum).
	word
	// short secrets (under MinSecretLength) are masked only as the whole
	// value under a secret key.
	short
)

type secret struct {
	value    string
	strength strength
	closed   []byte // the value and a closing quote: every literal whole-value occurrence holds it
}

// secretSet is one immutable state of a Secrets.
type secretSet struct {
	all      []secret // longest first, so a secret containing another is masked whole
	keys     Keys     // the secret keys, for the rules that depend on the key of a value
	weak     bool     // some secret is short or a word: JSON tracks keys
	searched int      // how many secrets are searched by value (MinSecretLength or more)
	first    [256]bool
}

func (s *Secrets) load() *secretSet {
	if s == nil {
		return nil
	}
	return s.cur.Load()
}

// Add records a secret value (any length; see MinSecretLength for how short
// ones are used). Adding a value twice, or an empty one, does nothing.
func (s *Secrets) Add(v string) {
	if v == "" {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.cur.Load()
	next := &secretSet{}
	if old != nil {
		if slices.ContainsFunc(old.all, func(have secret) bool { return have.value == v }) {
			return
		}
		next.all = append(next.all, old.all...)
		next.keys = old.keys
	}
	next.all = append(next.all, secret{value: v, strength: strengthOf(v), closed: []byte(v + `"`)})
	slices.SortStableFunc(next.all, func(a, b secret) int { return len(b.value) - len(a.value) })
	next.index()
	s.cur.Store(next)
}

// SetKeys gives the set the secret keys of the documents it masks: in JSON,
// a string value under one of them (at any depth) is masked when it is
// exactly a secret, whatever its length or kind.
func (s *Secrets) SetKeys(keys Keys) {
	s.mu.Lock()
	defer s.mu.Unlock()
	next := &secretSet{keys: keys}
	if old := s.cur.Load(); old != nil {
		next.all = old.all
	}
	next.index()
	s.cur.Store(next)
}

// Clone returns a Secrets holding the secrets recorded so far; later Adds
// to either do not change the other.
func (s *Secrets) Clone() *Secrets {
	c := &Secrets{}
	c.cur.Store(s.load())
	return c
}

// Empty reports whether no secret is searched for by value (none of
// MinSecretLength or more is recorded).
func (s *Secrets) Empty() bool {
	set := s.load()
	return set == nil || set.searched == 0
}

// index fills the derived fields of a set.
func (set *secretSet) index() {
	set.first['\\'] = true // any character may be spelt as an escape
	for _, sc := range set.all {
		set.first[sc.value[0]] = true
		if sc.strength == strong {
			set.searched++
			continue
		}
		set.weak = true
		if sc.strength == word {
			set.searched++
		}
	}
}

// strengthOf classifies a secret. A word is made of letters and '_' only,
// and is all lower case, ALL UPPER CASE or one Capitalized word: the shape of
// enum values, keys and ordinary words an upstream may send for other
// reasons (ACTIVE, status, read_write, Password).
func strengthOf(v string) strength {
	if utf8.RuneCountInString(v) < MinSecretLength {
		return short
	}
	upper, lower := 0, 0
	for _, r := range v {
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case r != '_':
			return strong // a digit or another symbol
		}
	}
	letters := upper + lower
	first, _ := utf8.DecodeRuneInString(v)
	capitalized := upper == 1 && unicode.IsUpper(first) && !strings.Contains(v, "_")
	if letters == 0 || (upper > 0 && lower > 0 && !capitalized) {
		return strong
	}
	return word
}

// mayOccur is a fast check: false means no secret can occur in b.
func (set *secretSet) mayOccur(b []byte, underKeys bool) bool {
	if bytes.IndexByte(b, '\\') >= 0 {
		return true
	}
	for _, sc := range set.all {
		switch {
		case sc.strength == short:
			if underKeys && set.keys != nil && bytes.Contains(b, sc.closed) {
				return true
			}
		case bytes.Contains(b, []byte(sc.value)):
			return true
		}
	}
	return false
}

// String masks the secrets of MinSecretLength or more in text, in any JSON
// spelling: a strong secret wherever it occurs, a word secret where it is a
// whole word within longer text (never when text is exactly the word).
func (s *Secrets) String(text string) string {
	set := s.load()
	if set == nil || set.searched == 0 || !set.mayOccurString(text) {
		return text
	}
	out, changed := set.maskText([]byte(text), false)
	if !changed {
		return text
	}
	return string(out)
}

func (set *secretSet) mayOccurString(text string) bool {
	if strings.IndexByte(text, '\\') >= 0 {
		return true
	}
	for _, sc := range set.all {
		if sc.strength != short && strings.Contains(text, sc.value) {
			return true
		}
	}
	return false
}

// maskText masks the secrets in text, the content of a JSON string literal
// or plain text, in any JSON spelling. underKey says text is a value under a
// secret key. It returns text itself when nothing was masked.
func (set *secretSet) maskText(text []byte, underKey bool) ([]byte, bool) {
	var out []byte
	last, prev := 0, rune(-1)
	for p := 0; p < len(text); {
		if set.first[text[p]] {
			if end, ok := set.matchAny(text, p, prev, underKey); ok {
				out = append(out, text[last:p]...)
				out = append(out, Mask...)
				p, last, prev = end, end, 'D'
				continue
			}
		}
		r, n := charAt(text, p)
		prev = r
		p += n
	}
	if out == nil {
		return text, false
	}
	return append(out, text[last:]...), true
}

// matchAny returns the end of the longest secret spelt at text[p:] that its
// rule allows masking there. prev is the character before p (-1 at the start).
func (set *secretSet) matchAny(text []byte, p int, prev rune, underKey bool) (int, bool) {
	for _, sc := range set.all {
		if sc.strength == short && !underKey {
			continue
		}
		end, ok := matchAt(text, p, sc.value)
		if !ok {
			continue
		}
		whole := p == 0 && end == len(text)
		switch {
		case sc.strength == short && !whole:
			continue
		case sc.strength == word && !underKey:
			if whole || wordChar(prev) || (end < len(text) && wordChar(firstChar(text[end:]))) {
				continue
			}
		}
		return end, true
	}
	return 0, false
}

// wordChar reports whether r continues a word: a letter, a digit, '_' or '-'.
func wordChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-'
}

func firstChar(b []byte) rune {
	r, _ := charAt(b, 0)
	return r
}
