package cli

import (
	"strings"
	"unicode/utf8"
)

// escapeControls returns s with every character that could end a log line
// or drive a terminal written as a visible escape: C0 controls (\n, \r,
// \t, \x1b, ...), DEL, C1 controls (\u0085, \u009b, ...), the Unicode line
// and paragraph separators, and each byte of invalid UTF-8 (\xff). All
// other text, backslashes included, is kept as it is, so a record whose
// text came from upstream is still exactly one line.
func escapeControls(s string) string {
	i := firstControl(s)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			writeHexByte(&b, `\x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			writeHexByte(&b, `\x`, byte(r))
		case isWideControl(r):
			b.WriteString(`\u`)
			writeHexByte(&b, "", byte(r>>8))
			writeHexByte(&b, "", byte(r))
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// firstControl is the index of the first character escapeControls
// rewrites, or -1.
func firstControl(s string) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || isWideControl(r) {
			return i
		}
		i += size
	}
	return -1
}

// isWideControl reports the controls beyond ASCII: C1 and U+2028, U+2029.
func isWideControl(r rune) bool {
	return (r >= 0x80 && r <= 0x9f) || r == 0x2028 || r == 0x2029
}

func writeHexByte(b *strings.Builder, prefix string, c byte) {
	const hex = "0123456789abcdef"
	b.WriteString(prefix)
	b.WriteByte(hex[c>>4])
	b.WriteByte(hex[c&0xf])
}
