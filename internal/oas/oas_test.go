package oas_test

import (
	"testing"

	"github.com/lumosgo/lumos/internal/oas"
	"github.com/matryer/is"
)

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
			is.Equal(oas.ToOpenAPI30(tt.in), tt.want)
		})
	}
}
