package redact

import (
	"unicode/utf16"
	"unicode/utf8"
)

// A character of a secret may be written literally or as any JSON escape of
// it: \uXXXX (hex digits in either case, a surrogate pair beyond U+FFFF),
// \/ for '/', and \" \b \f \n \r \t. The backslash of an escape may itself be
// escaped any number of times (\\u0041, \\\\u0041), as when JSON is quoted
// inside JSON, so text nested at any depth is matched too.

// charAt decodes the character at text[p]: a literal UTF-8 rune or an
// escape. A run of backslashes that starts no escape is one backslash.
// It returns the character and how many bytes it spans.
func charAt(text []byte, p int) (rune, int) {
	if text[p] != '\\' {
		r, n := utf8.DecodeRune(text[p:])
		return r, n
	}
	if r, n, ok := escapeAt(text, p); ok {
		return r, n
	}
	q := p
	for q < len(text) && text[q] == '\\' {
		q++
	}
	return '\\', q - p
}

// escapeAt decodes the escape starting at text[p] (a backslash).
func escapeAt(text []byte, p int) (r rune, n int, ok bool) {
	q := p
	for q < len(text) && text[q] == '\\' {
		q++
	}
	if q >= len(text) {
		return 0, 0, false
	}
	if c := shortEscape(text[q]); c >= 0 {
		return c, q + 1 - p, true
	}
	if text[q] != 'u' {
		return 0, 0, false
	}
	r, ok = hex4(text, q+1)
	if !ok {
		return 0, 0, false
	}
	end := q + 5
	if utf16.IsSurrogate(r) && r < 0xdc00 { // a high surrogate: look for its low half, escaped alike
		k := q - p
		if lo := end + k; lo+5 <= len(text) && allBackslashes(text[end:lo]) && text[lo] == 'u' {
			if low, ok := hex4(text, lo+1); ok {
				if pair := utf16.DecodeRune(r, low); pair != utf8.RuneError {
					return pair, lo + 5 - p, true
				}
			}
		}
	}
	return r, end - p, true
}

// shortEscape decodes JSON's two-character escapes, but for \\, which is a
// run of backslashes here; -1 when c ends no such escape.
func shortEscape(c byte) rune {
	switch c {
	case '/', '"':
		return rune(c)
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return -1
}

func allBackslashes(b []byte) bool {
	for _, c := range b {
		if c != '\\' {
			return false
		}
	}
	return true
}

// hex4 reads four hex digits, in either case, at text[p:].
func hex4(text []byte, p int) (rune, bool) {
	if p+4 > len(text) {
		return 0, false
	}
	var r rune
	for _, c := range text[p : p+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// matchAt reports whether text[p:] begins with a spelling of secret, and
// where that spelling ends. A run of backslashes in the secret matches any
// run of backslashes in the text (each level of quoting doubles them).
func matchAt(text []byte, p int, secret string) (int, bool) {
	for i := 0; i < len(secret); {
		if p >= len(text) {
			return 0, false
		}
		c := secret[i]
		if c != '\\' && text[p] == c {
			n := 1
			if c >= utf8.RuneSelf {
				_, n = utf8.DecodeRuneInString(secret[i:])
			}
			if p+n <= len(text) && string(text[p:p+n]) == secret[i:i+n] {
				p, i = p+n, i+n
				continue
			}
		}
		if text[p] != '\\' {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(secret[i:])
		if er, n, ok := escapeAt(text, p); ok && er == r {
			p, i = p+n, i+size
			continue
		}
		if c != '\\' {
			return 0, false
		}
		for i < len(secret) && secret[i] == '\\' {
			i++
		}
		for p < len(text) && text[p] == '\\' {
			p++
		}
	}
	return p, true
}
