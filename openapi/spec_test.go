package openapi_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/cli"
	"github.com/lumosgo/lumos/openapi"
	"github.com/lumosgo/lumos/openapi/render"
	"github.com/lumosgo/lumos/toolkit"
)

// specVersion is the version written into the documents.
const specVersion = toolkit.ProtocolVersion

func spec(t *testing.T, v openapi.Version, f openapi.Format) []byte {
	t.Helper()
	doc, err := openapi.Spec(specVersion, v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := render.Encode(doc, f)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSpecValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		version openapi.Version
		format  openapi.Format
		openapi string
	}{
		{openapi.OpenAPI30, openapi.YAML, "3.0.3"},
		{openapi.OpenAPI30, openapi.JSON, "3.0.3"},
		{openapi.OpenAPI31, openapi.YAML, "3.1.0"},
		{openapi.OpenAPI31, openapi.JSON, "3.1.0"},
	}
	for _, tt := range tests {
		t.Run(string(tt.version)+"/"+string(tt.format), func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			out := spec(t, tt.version, tt.format)
			doc := validate(t, out)
			is.Equal(doc.OpenAPI, tt.openapi)
			is.Equal(doc.Info.Title, "Lumos Connectors")
			is.Equal(doc.Info.Version, specVersion)
			is.Equal(doc.Paths.Len(), len(toolkit.StandardCapabilities()))
			is.Equal(out, spec(t, tt.version, tt.format)) // byte-deterministic
		})
	}
}

// The YAML writer is checked against encoding/json: both forms of a
// document load to the same thing.
func TestSpecYAMLEqualsJSON(t *testing.T) {
	t.Parallel()
	for _, v := range []openapi.Version{openapi.OpenAPI30, openapi.OpenAPI31} {
		t.Run(string(v), func(t *testing.T) {
			is := is.New(t)
			fromYAML, err := validate(t, spec(t, v, openapi.YAML)).MarshalJSON()
			is.NoErr(err)
			fromJSON, err := validate(t, spec(t, v, openapi.JSON)).MarshalJSON()
			is.NoErr(err)
			is.Equal(string(fromYAML), string(fromJSON))
		})
	}
}

// TestSpecGolden keeps the documents `lumos spec` prints (embedded from
// openapi/generated) equal to what Spec builds.
func TestSpecGolden(t *testing.T) {
	t.Parallel()
	for _, v := range []openapi.Version{openapi.OpenAPI30, openapi.OpenAPI31} {
		for _, f := range []openapi.Format{openapi.YAML, openapi.JSON} {
			out := spec(t, v, f)
			if !bytes.HasSuffix(out, []byte("\n")) {
				out = append(out, '\n')
			}
			goldenAt(t, openapi.GeneratedName(v, f), out)
			if !*update {
				embedded, err := openapi.Generated(v, f)
				if err != nil || !bytes.Equal(embedded, out) {
					t.Fatalf("the embedded %s is stale (%v); run `go test ./openapi -update` and rebuild", openapi.GeneratedName(v, f), err)
				}
			}
		}
	}
}

var badComponentName = regexp.MustCompile(`[0-9]$|\[`)

func TestSpecStructure(t *testing.T) {
	t.Parallel()
	for _, v := range []openapi.Version{openapi.OpenAPI30, openapi.OpenAPI31} {
		t.Run(string(v), func(t *testing.T) {
			is := is.New(t)
			doc, err := openapi.Spec(specVersion, v)
			is.NoErr(err)
			m := doc.Map()
			paths := object(t, m, "paths")
			schemas := object(t, m, "components", "schemas")

			for _, c := range toolkit.StandardCapabilities() {
				path := "/{connector_id}/" + string(c.Name)
				op := object(t, paths, path, "post")
				is.Equal(op["operationId"], string(c.Name))
				is.Equal(len(paths[path].(map[string]any)), 1) // POST only
				tags := stringList(t, op["tags"])
				is.Equal(len(tags), 1)
				is.True(slices.Contains([]string{"Read Capabilities", "Write Capabilities", "OAuth Capabilities"}, tags[0]))
				if c.Level == toolkit.LevelAuth {
					is.Equal(tags[0], "OAuth Capabilities")
				}

				param := op["parameters"].([]any)[0].(map[string]any)
				is.Equal(param["name"], "connector_id")
				is.Equal(param["in"], "path")
				is.Equal(param["required"], true)

				stem := strings.ReplaceAll(c.Name.DisplayName(), " ", "")
				body := object(t, op, "requestBody")
				is.Equal(body["required"], true)
				is.Equal(object(t, body, "content", "application/json", "schema")["$ref"], "#/components/schemas/"+stem+"Request")
				resp := object(t, op, "responses", "200", "content", "application/json", "schema")
				is.Equal(resp["anyOf"], []any{
					map[string]any{"$ref": "#/components/schemas/" + stem + "Response"},
					map[string]any{"$ref": "#/components/schemas/ErrorResponse"},
				})
				is.True(object(t, op, "responses", "200")["description"] != "")
				is.Equal(object(t, schemas, stem+"Request")["title"], stem+"Request")
				is.Equal(object(t, schemas, stem+"Response")["title"], stem+"Response")
			}

			for _, name := range []string{"ListAccountsRequest", "ListAccountsResponse", "ListAccounts", "FoundAccountData",
				"AuthCredential", "Page", "ErrorResponse", "Error", "ErrorCode", "BasicCredential"} {
				_, ok := schemas[name]
				is.True(ok) // a component has its upstream model name
				if !ok {
					t.Errorf("no component %q", name)
				}
			}
			for name := range schemas {
				if badComponentName.MatchString(name) {
					t.Errorf("component name %q has a generic or de-duplicated name", name)
				}
			}

			// Two capabilities with one Go envelope type get a component each.
			find := object(t, schemas, "FindEntitlementAssociationsResponse")
			get := object(t, schemas, "GetAccountEntitlementAssociationsResponse")
			delete(find, "title")
			delete(get, "title")
			is.Equal(find, get)

			// A list result is never null.
			listResp := object(t, schemas, "ListAccountsResponse", "properties", "response")
			is.Equal(listResp["type"], "array")
			if v == openapi.OpenAPI30 {
				is.Equal(listResp["nullable"], nil)
			}
		})
	}
}

// In 3.0 nothing of JSON Schema 2020-12 is left: no type lists, no null
// types; 3.1 keeps them.
func TestSpecNullability(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	d30, err := openapi.Spec(specVersion, openapi.OpenAPI30)
	is.NoErr(err)
	d31, err := openapi.Spec(specVersion, openapi.OpenAPI31)
	is.NoErr(err)
	j30, _ := json.Marshal(d30.Map())
	j31, _ := json.Marshal(d31.Map())
	is.True(!bytes.Contains(j30, []byte(`"null"`)))         // no null type in 3.0
	is.True(bytes.Contains(j30, []byte(`"nullable":true`))) // but nullable fields
	is.True(!bytes.Contains(j31, []byte(`"nullable"`)))     // no nullable in 3.1
	is.True(bytes.Contains(j31, []byte(`"null"`)))

	email30 := object(t, d30.Map(), "components", "schemas", "FoundAccountData", "properties", "email")
	is.Equal(email30["type"], "string")
	is.Equal(email30["nullable"], true)
	email31 := object(t, d31.Map(), "components", "schemas", "FoundAccountData", "properties", "email")
	is.Equal(email31["type"], []any{"null", "string"})

	page30 := object(t, d30.Map(), "components", "schemas", "ListAccountsRequest", "properties", "page")
	is.Equal(page30["allOf"], []any{map[string]any{"$ref": "#/components/schemas/Page"}}) // 3.0 ignores siblings of a bare $ref
	is.Equal(page30["nullable"], true)
}

func TestSpecUnknownVersion(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	_, err := openapi.Spec(specVersion, "2.0")
	is.True(err != nil)
	doc, err := openapi.Spec(specVersion, openapi.OpenAPI30)
	is.NoErr(err)
	_, err = render.Encode(doc, "xml")
	is.True(err != nil)
}

// `lumos spec` prints the document; bad values are usage errors.
func TestSpecCommand(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args    []string
		code    int
		version openapi.Version
		format  openapi.Format
	}{
		{[]string{"spec"}, cli.ExitOK, openapi.OpenAPI30, openapi.YAML},
		{[]string{"spec", "--format", "json"}, cli.ExitOK, openapi.OpenAPI30, openapi.JSON},
		{[]string{"spec", "--openapi", "3.1"}, cli.ExitOK, openapi.OpenAPI31, openapi.YAML},
		{[]string{"spec", "--format=json", "--openapi=3.1"}, cli.ExitOK, openapi.OpenAPI31, openapi.JSON},
		{[]string{"spec", "--format", "xml"}, cli.ExitUsage, "", ""},
		{[]string{"spec", "--openapi", "2.0"}, cli.ExitUsage, "", ""},
		{[]string{"spec", "extra"}, cli.ExitUsage, "", ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			is := is.New(t)
			var stdout, stderr bytes.Buffer
			code := cli.Run(append([]string{"lumos"}, tt.args...), strings.NewReader(""), &stdout, &stderr)
			is.Equal(code, tt.code)
			if tt.code != cli.ExitOK {
				is.Equal(stdout.String(), "")
				is.True(stderr.Len() > 0) // a usage error explains itself
				return
			}
			is.Equal(stderr.String(), "")
			doc, err := openapi.Spec(specVersion, tt.version)
			is.NoErr(err)
			want, err := render.Encode(doc, tt.format)
			is.NoErr(err)
			is.Equal(stdout.String(), strings.TrimSuffix(string(want), "\n")+"\n")
		})
	}
}
