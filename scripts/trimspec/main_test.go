package main

import (
	"strings"
	"testing"
)

const tiny = `{
 "openapi": "3.0.3",
 "info": {"title": "t", "version": "1"},
 "tags": [{"name": "orgs"}, {"name": "unused"}],
 "paths": {
  "/orgs/{org}": {
   "get": {"tags": ["orgs"], "parameters": [{"$ref": "#/components/parameters/org"}],
           "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/org"}}}}}},
   "patch": {"responses": {"200": {"$ref": "#/components/responses/big"}}}
  },
  "/gists": {"get": {"responses": {"200": {"$ref": "#/components/responses/big"}}}}
 },
 "components": {
  "parameters": {"org": {"name": "org", "in": "path", "required": true, "schema": {"type": "string"}}},
  "schemas": {
   "org": {"type": "object", "properties": {"owner": {"$ref": "#/components/schemas/user"}, "n": {"type": "integer", "example": 12345678901234567890}}},
   "user": {"type": "object", "properties": {"self": {"$ref": "#/components/schemas/user"}}},
   "unused": {"type": "string"}
  },
  "responses": {"big": {"description": "x"}}
 },
 "x-webhooks": {}
}`

func TestTrim(t *testing.T) {
	doc, err := decode([]byte(tiny))
	if err != nil {
		t.Fatal(err)
	}
	out, stats, err := trim(doc, []string{"GET /orgs/{org}"}, []string{"GET /nope"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := encode(out)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"user"`, `"org"`, `12345678901234567890`, `"x-lumos-trimmed"`, `"orgs"`} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %s:\n%s", want, s)
		}
	}
	for _, unwanted := range []string{`"unused"`, `"patch"`, `"/gists"`, `"big"`, `x-webhooks`} {
		if strings.Contains(s, unwanted) {
			t.Errorf("output keeps %s:\n%s", unwanted, s)
		}
	}
	if !strings.Contains(stats, "1 paths, 1 operations") {
		t.Errorf("stats %q", stats)
	}
	// Deterministic: encoding again gives the same bytes.
	doc2, _ := decode([]byte(tiny))
	out2, _, _ := trim(doc2, []string{"GET /orgs/{org}"}, nil)
	b2, _ := encode(out2)
	if string(b2) != s {
		t.Error("output is not deterministic")
	}
	if _, _, err := trim(doc, []string{"GET /missing"}, nil); err == nil {
		t.Error("a missing required operation must fail")
	}
}
