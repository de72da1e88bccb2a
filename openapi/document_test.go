package openapi

import (
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/matryer/is"
)

// The YAML and JSON writers are checked by reading their output back with
// kin-openapi, whose root extensions keep any JSON value. (A bare "<<" is
// left out: yaml.v2 writes it unquoted, and YAML readers take it for a merge
// key; no lumos document holds one.)
func TestDocumentEncodingRoundTrips(t *testing.T) {
	t.Parallel()
	values := []any{
		"plain", "Read Capabilities", "", " leading", "trailing ", "yes", "No", "ON", "null", "Null", "~", "true",
		"1", "1.0", "0x1F", "1e3", ".5", "-x", "- x", "a: b", "a #b", "#c", "x5t#S256", "$ref", "/{connector_id}/x",
		"multi\nline", "tab\there", `quote " and \ backslash`, "it's", "[x]", "{x}", "*alias", "&anchor", "!tag",
		"%percent", "@at", "`tick`", "émoji ✓", "<html> & stuff", "=",
		0.0, 1.0, -2.5, 1e9, 123456789012.0, true, false, nil,
		map[string]any{}, []any{},
		map[string]any{"a": []any{map[string]any{"b": []any{}, "c": map[string]any{}}, []any{"x", []any{"y"}}, []any{}}},
		[]any{[]any{[]any{"deep"}}, map[string]any{"k": "v", "l": []any{"m"}}},
		map[string]any{"200": "status", "yes": 1.0, "": "empty key", "a b": nil},
	}
	doc := &Document{tree: map[string]any{
		"openapi":  "3.0.3",
		"info":     map[string]any{"title": "t", "version": "1"},
		"paths":    map[string]any{},
		"x-values": values,
	}}
	want, err := jsonValue(values)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{YAML, JSON} {
		t.Run(string(f), func(t *testing.T) {
			is := is.New(t)
			out, err := doc.Encode(f)
			is.NoErr(err)
			loaded, err := openapi3.NewLoader().LoadFromData(out)
			if err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			got, err := jsonValue(loaded.Extensions["x-values"])
			is.NoErr(err)
			is.Equal(got, want)
		})
	}
}

func TestToOpenAPI30(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		in, want map[string]any
	}{
		{"nullable type", map[string]any{"type": []any{"null", "string"}}, map[string]any{"type": "string", "nullable": true}},
		{"two types", map[string]any{"type": []any{"string", "integer", "null"}},
			map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}, "nullable": true}},
		{"anyOf ref or null", map[string]any{"anyOf": []any{map[string]any{"$ref": "#/components/schemas/Page"}, map[string]any{"type": "null"}}, "title": "Page"},
			map[string]any{"allOf": []any{map[string]any{"$ref": "#/components/schemas/Page"}}, "title": "Page", "nullable": true}},
		{"bare ref kept", map[string]any{"$ref": "#/components/schemas/Page"}, map[string]any{"$ref": "#/components/schemas/Page"}},
		{"anyOf kept", map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}, map[string]any{"type": "null"}}},
			map[string]any{"anyOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}, "nullable": true}},
		{"const", map[string]any{"const": "x"}, map[string]any{"enum": []any{"x"}}},
		{"examples", map[string]any{"examples": []any{"a", "b"}}, map[string]any{"example": "a"}},
		{"exclusive bounds", map[string]any{"exclusiveMinimum": 1.0, "exclusiveMaximum": 9.0},
			map[string]any{"minimum": 1.0, "exclusiveMinimum": true, "maximum": 9.0, "exclusiveMaximum": true}},
		{"nested", map[string]any{"type": "object", "properties": map[string]any{
			"type": map[string]any{"type": []any{"array", "null"}, "items": map[string]any{"type": []any{"string", "null"}}},
		}}, map[string]any{"type": "object", "properties": map[string]any{
			"type": map[string]any{"type": "array", "nullable": true, "items": map[string]any{"type": "string", "nullable": true}},
		}}},
		{"values untouched", map[string]any{"enum": []any{map[string]any{"type": []any{"null"}}}, "x-y": map[string]any{"const": 1.0}},
			map[string]any{"enum": []any{map[string]any{"type": []any{"null"}}}, "x-y": map[string]any{"const": 1.0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			is.Equal(toOpenAPI30(tt.in), tt.want)
		})
	}
}
