package openapi_test

import (
	"context"
	"encoding/json"
	"flag"
	"path/filepath"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	goldenfile "github.com/lumosgo/lumos/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// golden compares got with the golden file name (under testdata/golden at
// the module root), or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	goldenAt(t, filepath.Join("..", "testdata", "golden", name), got)
}

// goldenAt compares got with the file at path, or rewrites it with -update.
func goldenAt(t *testing.T, path string, got []byte) {
	t.Helper()
	goldenfile.Check(t, path, got, *update, "go test ./openapi -update")
}

// validate loads an OpenAPI document (YAML or JSON) with kin-openapi and
// validates it; kin-openapi picks 3.0 or 3.1 rules from its openapi field.
func validate(t *testing.T, data []byte) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		t.Fatalf("kin-openapi cannot load the document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("kin-openapi rejects the document: %v", err)
	}
	return doc
}

// object returns m[key] as an object, failing the test otherwise.
func object(t *testing.T, m map[string]any, keys ...string) map[string]any {
	t.Helper()
	cur := m
	for _, k := range keys {
		next, ok := cur[k].(map[string]any)
		if !ok {
			t.Fatalf("%v: %q is not an object: %v", keys, k, cur[k])
		}
		cur = next
	}
	return cur
}

// strings converts a decoded JSON array of strings.
func stringList(t *testing.T, v any) []string {
	t.Helper()
	list, ok := v.([]any)
	if !ok {
		t.Fatalf("not an array: %v", v)
	}
	out := make([]string, 0, len(list))
	for _, e := range list {
		s, ok := e.(string)
		if !ok {
			t.Fatalf("not a string: %v", e)
		}
		out = append(out, s)
	}
	return out
}

// decode parses a JSON document.
func decode(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("not a JSON object: %v", err)
	}
	return m
}
