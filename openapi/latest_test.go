package openapi_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/openapi"
	"github.com/lumosgo/lumos/openapi/render"
	"github.com/lumosgo/lumos/toolkit"
)

func specLatest(t *testing.T, v openapi.Version, f openapi.Format) []byte {
	t.Helper()
	doc, err := openapi.SpecLatest(toolkit.LatestProtocolVersion, v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := render.Encode(doc, f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(out, []byte("\n")) {
		out = append(out, '\n')
	}
	return out
}

func TestSpecLatestGolden(t *testing.T) {
	for _, v := range []openapi.Version{openapi.OpenAPI30, openapi.OpenAPI31} {
		for _, f := range []openapi.Format{openapi.YAML, openapi.JSON} {
			t.Run(string(v)+"/"+string(f), func(t *testing.T) {
				out := specLatest(t, v, f)
				validate(t, out)
				goldenAt(t, openapi.GeneratedLatestName(v, f), out)
				if !*update {
					embedded, err := openapi.GeneratedLatest(v, f)
					if err != nil || !bytes.Equal(embedded, out) {
						t.Fatalf("the embedded %s is stale (%v); run `go test ./openapi -update` and rebuild", openapi.GeneratedLatestName(v, f), err)
					}
				}
			})
		}
	}
}

func TestSpecLatestStructure(t *testing.T) {
	is := is.New(t)
	var doc struct {
		Info struct {
			Version string `json:"version"`
		} `json:"info"`
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]struct {
				Properties map[string]map[string]any `json:"properties"`
				Enum       []string                  `json:"enum"`
			} `json:"schemas"`
		} `json:"components"`
	}
	is.NoErr(json.Unmarshal(specLatest(t, openapi.OpenAPI31, openapi.JSON), &doc))
	is.Equal(doc.Info.Version, toolkit.LatestProtocolVersion)
	var old struct {
		Paths map[string]any `json:"paths"`
	}
	is.NoErr(json.Unmarshal(spec(t, openapi.OpenAPI31, openapi.JSON), &old))
	is.Equal(len(doc.Paths), len(old.Paths)) // the same operations
	schemas := doc.Components.Schemas
	for _, name := range []string{"ListAccountsRequest", "ListAccountsResponse", "CreateAccountRequest", "RefreshAccessTokenResponse"} {
		_, ok := schemas[name].Properties["rate_limit"]
		is.True(ok) // every envelope has rate_limit
	}
	for _, name := range []string{"RateLimitRequestInfo", "RateLimitResponseInfo", "RateLimitStateSnapshot", "ConnectorErrorCode", "ConnectorErrorMetadata", "ConnectorErrorFault", "ConnectorErrorCategory"} {
		_, ok := schemas[name]
		is.True(ok)
	}
	var codes []string
	for _, c := range errs.CurrentCodes() {
		codes = append(codes, string(c))
	}
	is.Equal(schemas["ConnectorErrorCode"].Enum, codes)
	latestError := schemas["ErrorResponse"].Properties["error"]["$ref"]
	is.Equal(latestError, "#/components/schemas/ErrorLatest")
	_, ok := schemas["ErrorLatest"].Properties["error_metadata"]
	is.True(ok)
	is.Equal(len(schemas["ErrorLatest"].Properties["error_code"]["anyOf"].([]any)), 2)
	_, ok = schemas["Error"].Properties["error_metadata"] // caught_errors keep the 0.37 error
	is.True(!ok)
}
