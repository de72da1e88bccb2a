package render_test

import (
	"encoding/json"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/openapi"
	"github.com/lumosgo/lumos/openapi/render"
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
	doc := openapi.NewDocument(openapi.OpenAPI30, map[string]any{
		"openapi":  "3.0.3",
		"info":     map[string]any{"title": "t", "version": "1"},
		"paths":    map[string]any{},
		"x-values": values,
	})
	want, err := jsonValue(values)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []openapi.Format{openapi.YAML, openapi.JSON} {
		t.Run(string(f), func(t *testing.T) {
			is := is.New(t)
			out, err := render.Encode(doc, f)
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

func jsonValue(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var out any
	return out, json.Unmarshal(b, &out)
}

func TestEncodeRejects(t *testing.T) {
	is := is.New(t)
	doc := openapi.NewDocument(openapi.OpenAPI30, map[string]any{"openapi": "3.0.3", "info": "not an object", "paths": map[string]any{}})
	_, err := render.Encode(doc, openapi.JSON)
	is.True(err != nil) // the typed model refuses a malformed document
	_, err = render.Encode(doc, "xml")
	is.True(err != nil)
}
