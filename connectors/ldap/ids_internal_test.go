package ldap

import (
	"testing"

	"github.com/matryer/is"
)

// TestIDForms checks the id conversions the filters and tokens rely on:
// GUID string form round trips, the first 64 bits of ids, made-up range
// bounds, SIDs and AD range descriptions.
func TestIDForms(t *testing.T) {
	uuid := &config{Settings: Settings{IDAttribute: "entryUUID"}}
	guid := &config{Settings: Settings{IDAttribute: "objectGUID"}}
	raw := []byte{0xa2, 0xb6, 0xe3, 0xc1, 0x3c, 0x5d, 0x71, 0x4b, 0x9a, 0x8e, 0x0f, 0x1d, 0x2c, 0x3b, 0x4a, 0x59}
	cases := []struct {
		name string
		run  func(is *is.I)
	}{
		{"guid_format", func(is *is.I) { is.Equal(formatGUID(raw), "c1e3b6a2-5d3c-4b71-9a8e-0f1d2c3b4a59") }},
		{"guid_parse", func(is *is.I) {
			b, err := parseGUID("{C1E3B6A2-5D3C-4B71-9A8E-0F1D2C3B4A59}")
			is.NoErr(err)
			is.Equal(b, raw)
		}},
		{"guid_filter_value", func(is *is.I) {
			v, err := guid.idValue("c1e3b6a2-5d3c-4b71-9a8e-0f1d2c3b4a59")
			is.NoErr(err)
			is.Equal(v, `\a2\b6\e3\c1\3c\5d\71\4b\9a\8e\0f\1d\2c\3b\4a\59`)
		}},
		{"guid_bad", func(is *is.I) { _, err := guid.idValue("not-a-guid"); is.True(err != nil) }},
		{"uuid_filter_value", func(is *is.I) { v, _ := uuid.idValue("a*b(c)"); is.Equal(v, `a\2ab\28c\29`) }},
		{"uuid_number", func(is *is.I) {
			n, ok := uuid.keyNumber("0123abcd-ef01-2345-6789-abcdef012345")
			is.True(ok)
			is.Equal(n, uint64(0x0123abcdef012345))
			is.Equal(uuid.numberID(n), "0123abcd-ef01-2345-0000-000000000000")
		}},
		{"guid_number", func(is *is.I) {
			n, ok := guid.keyNumber(formatGUID(raw))
			is.True(ok)
			is.Equal(n, uint64(0xa2b6e3c13c5d714b))
			b, _ := parseGUID(guid.numberID(n))
			is.Equal(b[:8], raw[:8])
		}},
		{"not_a_uuid", func(is *is.I) { _, ok := uuid.keyNumber("uid-42"); is.True(!ok) }},
		{"position", func(is *is.I) {
			p := position{n: 7, span: 99, after: "x|y"}
			is.Equal(parsePosition(p.String()), p)
		}},
		{"sid", func(is *is.I) {
			sid := []byte{1, 4, 0, 0, 0, 0, 0, 5, 0x15, 0, 0, 0, 0x90, 0xf8, 0x16, 0xb4, 0xe4, 0xab, 0x31, 0x93, 0x75, 0xa9, 0x15, 0x11}
			is.Equal(formatSID(sid), "S-1-5-21-3021404304-2469506020-286632309")
		}},
		{"range", func(is *is.I) {
			a, end, ok := rangeOf("member;range=0-1499")
			is.Equal([]any{a, end, ok}, []any{"member", 1499, true})
			a, end, ok = rangeOf("member;range=1500-*")
			is.Equal([]any{a, end, ok}, []any{"member", -1, true})
			_, _, ok = rangeOf("member")
			is.True(!ok)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.run(is.New(t)) })
	}
}
