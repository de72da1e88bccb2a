package paginate

import (
	"net/http"
	"strings"
)

// Link is one target of an RFC 8288 Link header.
type Link struct {
	URL    string            // the target exactly as given; a relative reference is not resolved
	Rel    []string          // the relation types, lower-cased: rel="next last" gives two
	Params map[string]string // the other parameters, keys lower-cased, values unquoted
}

// HasRel reports whether the link has relation type rel (case-insensitive).
func (l Link) HasRel(rel string) bool {
	for _, r := range l.Rel {
		if strings.EqualFold(r, rel) {
			return true
		}
	}
	return false
}

// ParseLinks parses Link header values, each holding one or more
// comma-separated links (RFC 8288 §3): `<url>; rel="next", <url>; rel=last`.
// Commas and semicolons inside <…> or quotes are part of the URL or value;
// only the first rel of a link counts. A malformed link is skipped, along
// with the rest of its header value.
func ParseLinks(values []string) []Link {
	var out []Link
	for _, v := range values {
		out = parseValue(v, out)
	}
	return out
}

func parseValue(s string, out []Link) []Link {
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i >= len(s) || s[i] != '<' {
			return out
		}
		end := strings.IndexByte(s[i:], '>')
		if end < 0 {
			return out
		}
		l := Link{URL: strings.TrimSpace(s[i+1 : i+end])}
		i += end + 1
		relSeen := false
		for {
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			if i >= len(s) || s[i] == ',' {
				break
			}
			if s[i] != ';' {
				return out // garbage after a link
			}
			i++
			var name, value string
			name, value, i = param(s, i)
			if name == "" {
				continue
			}
			if name == "rel" {
				if !relSeen {
					relSeen = true
					l.Rel = strings.Fields(strings.ToLower(value))
				}
				continue
			}
			if l.Params == nil {
				l.Params = map[string]string{}
			}
			if _, dup := l.Params[name]; !dup {
				l.Params[name] = value
			}
		}
		out = append(out, l)
	}
}

// param reads `name [= token / quoted-string]` from s[i:].
func param(s string, i int) (name, value string, next int) {
	i = skipSpace(s, i)
	start := i
	for i < len(s) && !strings.ContainsRune("=;, \t", rune(s[i])) {
		i++
	}
	name = strings.ToLower(s[start:i])
	i = skipSpace(s, i)
	if i >= len(s) || s[i] != '=' {
		return name, "", i
	}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '"' {
		value, i = quoted(s, i+1)
		return name, value, i
	}
	start = i
	for i < len(s) && !strings.ContainsRune(";, \t", rune(s[i])) {
		i++
	}
	return name, s[start:i], i
}

// skipSpace returns the index of the first byte of s[i:] that is neither a
// space nor a tab.
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return i
}

// quoted reads the rest of a quoted-string whose opening quote is just
// before s[i:], unescaping backslash pairs, and returns its value and the
// index after the closing quote.
func quoted(s string, i int) (string, int) {
	var b strings.Builder
	for ; i < len(s) && s[i] != '"'; i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	if i < len(s) {
		i++ // closing quote
	}
	return b.String(), i
}

// NextLink returns the target of the first link with relation "next" in
// h's Link headers, exactly as given, or "" when there is none (the last
// page).
func NextLink(h http.Header) string {
	for _, l := range ParseLinks(h.Values("Link")) {
		if l.HasRel("next") {
			return l.URL
		}
	}
	return ""
}
