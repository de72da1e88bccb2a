package pyjson_test

import (
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/internal/pyjson"
)

func TestMarshalMatchesPythonJSONDumps(t *testing.T) {
	// Expected values are what Python 3's json.dumps(v, sort_keys=True) prints.
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nested keys sorted", map[string]any{"b": 1, "a": map[string]any{"z": true, "y": nil}}, `{"a": {"y": null, "z": true}, "b": 1}`},
		{"list separators", []any{1, "x", false, []any{}}, `[1, "x", false, []]`},
		{"empty object", map[string]any{}, `{}`},
		{"non-ASCII escaped", "héllo", `"h\u00e9llo"`},
		{"astral plane as surrogates", "😀", `"\ud83d\ude00"`},
		{"controls", "a\nb\tc\x01\x7f", `"a\nb\tc\u0001\u007f"`},
		{"quotes and backslash", `"\`, `"\"\\"`},
		{"html not escaped", "<a&b>", `"<a&b>"`},
		{"numbers kept", map[string]any{"n": 1.5, "m": 10000000}, `{"m": 10000000, "n": 1.5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, err := pyjson.Marshal(tt.in)
			is.NoErr(err)
			is.Equal(string(got), tt.want)
		})
	}
}

func TestMarshalStructUsesJSONTags(t *testing.T) {
	is := is.New(t)
	type S struct {
		Zed   string `json:"zed"`
		Alpha *int   `json:"alpha"`
	}
	got, err := pyjson.Marshal(S{Zed: "z"})
	is.NoErr(err)
	is.Equal(string(got), `{"alpha": null, "zed": "z"}`)
}
