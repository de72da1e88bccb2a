package cli_test

import (
	"flag"
	"path/filepath"
	"slices"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/internal/golden"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenMockInfo is the golden `lumos mock info` output, from the module root.
var goldenMockInfo = filepath.Join("..", "testdata", "golden", "mock_info.json")

// mockCapabilities are the capabilities mock/mock.go registers.
var mockCapabilities = []string{
	"find_entitlement_associations",
	"get_account",
	"get_account_entitlement_associations",
	"get_last_activity",
	"list_accounts",
	"list_custom_attributes_schema",
	"list_entitlements",
	"list_resources",
	"validate_credentials",
}

func TestMockInfoGolden(t *testing.T) {
	is := is.New(t)
	r := run("", "lumos", "mock", "info")
	is.Equal(r.code, cli.ExitOK)
	is.Equal(r.stderr, "")
	doc := assertOneDocument(is, r.stdout)

	// The facts the golden file must show, checked on the output itself so
	// that a wrong golden file cannot be blessed by -update.
	resp := assertInfoDocument(t, doc)
	is.Equal(resp["version"], mockIntegration(t).Version())
	caps := stringList(t, resp["capabilities"])
	is.True(slices.IsSorted(caps)) // capabilities are sorted
	for _, c := range mockCapabilities {
		if !slices.Contains(caps, c) {
			t.Errorf("capabilities lacks %q: %v", c, caps)
		}
	}
	var registered []string
	for _, c := range mockIntegration(t).Capabilities() {
		registered = append(registered, string(c))
	}
	is.Equal(caps, registered) // capabilities are exactly the registered ones
	schemas, ok := resp["capability_schema"].(map[string]any)
	is.True(ok) // capability_schema is an object
	is.Equal(len(schemas), len(caps))
	for _, c := range caps {
		s, ok := schemas[c].(map[string]any)
		if !ok {
			t.Fatalf("capability_schema lacks %q", c)
		}
		for _, k := range []string{"argument", "output", "display_name"} {
			if _, ok := s[k]; !ok {
				t.Errorf("capability_schema[%q] lacks %q", c, k)
			}
		}
	}
	is.Equal(fieldOrder(t, resp, "request_settings_schema"), []string{"host", "tenant_size"})
	is.Equal(fieldOrder(t, resp, "authentication_schema"), []string{"username", "password"})

	golden.Check(t, goldenMockInfo, []byte(r.stdout), *update, "go test ./cli -run TestMockInfoGolden -update")
}

// fieldOrder returns the field_order of the schema resp[key].
func fieldOrder(t *testing.T, resp map[string]any, key string) []string {
	t.Helper()
	s, ok := resp[key].(map[string]any)
	if !ok {
		t.Fatalf("%s is not an object: %v", key, resp[key])
	}
	return stringList(t, s["field_order"])
}

// stringList converts a decoded JSON array of strings.
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
