package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

func TestStructuralSchemaRejectsMalformedSchemas(t *testing.T) {
	tests := []struct {
		schema string
		want   string
	}{
		{`"object"`, "#: a schema must be an object or a boolean, got string"},
		{`{"type":"strin"}`, `#/type: type must be one of`},
		{`{"type":[]}`, `#/type: type must be one of`},
		{`{"type":["string","string"]}`, `#/type: type must be one of`},
		{`{"properties":[]}`, "#/properties: properties must be an object of schemas, got array"},
		{`{"properties":{"a":{"type":1}}}`, "#/properties/a/type: type must be one of"},
		{`{"required":["a","a"]}`, "#/required: required must hold distinct strings"},
		{`{"required":"a"}`, "#/required: required must be an array of strings, got string"},
		{`{"anyOf":[]}`, "#/anyOf: anyOf must be a non-empty array of schemas"},
		{`{"items":{"$ref":"#/$defs/Nope"}}`, `#/items/$ref: $ref "#/$defs/Nope" does not resolve`},
		{`{"$defs":{"A":{"$ref":"#/$defs/B"}}}`, `#/$defs/A/$ref: $ref "#/$defs/B" does not resolve`},
		{`{"minLength":-1}`, "#/minLength: minLength must be a non-negative integer, got -1"},
		{`{"maxItems":1.5}`, "#/maxItems: maxItems must be a non-negative integer, got 1.5"},
		{`{"minimum":"1"}`, "#/minimum: minimum must be a number, got string"},
		{`{"multipleOf":0}`, "#/multipleOf: multipleOf must be greater than 0, got 0"},
		{`{"enum":{}}`, "#/enum: enum must be an array, got object"},
		{`{"title":1}`, "#/title: title must be a string, got integer"},
		{`{"uniqueItems":"yes"}`, "#/uniqueItems: uniqueItems must be a boolean, got string"},
	}
	for _, tt := range tests {
		_, err := conformance.StructuralSchema(json.RawMessage(tt.schema))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error = %v, want %q", tt.schema, err, tt.want)
		}
		// The full implementation agrees that the schema is invalid, except
		// for repeated type names and an unused definition's $ref, which it
		// lets pass.
		lenient := tt.schema == `{"type":["string","string"]}` || strings.HasPrefix(tt.schema, `{"$defs"`)
		if _, err := fullCompile(tt.schema); err == nil && !lenient {
			t.Errorf("%s: santhosh-tekuri/jsonschema compiles it", tt.schema)
		}
	}
}

func TestStructuralSchemaValidates(t *testing.T) {
	schema := `{
		"$defs": {"Item": {"type": "object", "required": ["id"], "additionalProperties": false,
			"properties": {"id": {"type": "string", "minLength": 1, "pattern": "^[a-z]+$"}, "n": {"type": ["integer", "null"], "minimum": 0, "exclusiveMaximum": 10}}}},
		"type": "object",
		"required": ["items", "kind"],
		"properties": {
			"items": {"type": "array", "items": {"$ref": "#/$defs/Item"}, "maxItems": 2, "uniqueItems": true},
			"kind": {"enum": ["a", "b"]},
			"one": {"oneOf": [{"type": "string"}, {"const": "x"}]},
			"any": {"anyOf": [{"type": "string"}, {"type": "boolean"}]},
			"not": {"not": {"type": "null"}},
			"all": {"allOf": [{"type": "number"}, {"maximum": 5}]}
		}
	}`
	tests := []struct {
		doc  string
		want string // "" for valid
	}{
		{`{"items":[{"id":"a","n":1},{"id":"b","n":null}],"kind":"a","any":true,"all":5.0}`, ""},
		{`{"items":[],"kind":"c"}`, `/kind: "c" is not one of ["a","b"]`},
		{`{"items":[{"id":""}],"kind":"a"}`, "/items/0/id: 0 characters, fewer than minLength 1"},
		{`{"items":[{"id":"A"}],"kind":"a"}`, `/items/0/id: "A" does not match the pattern "^[a-z]+$"`},
		{`{"items":[{"id":"a","n":1.5}],"kind":"a"}`, "/items/0/n: expected [\"integer\",\"null\"], got number"},
		{`{"items":[{"id":"a","n":10}],"kind":"a"}`, "/items/0/n: 10 is not less than the exclusive maximum 10"},
		{`{"items":[{"id":"a","n":-1}],"kind":"a"}`, "/items/0/n: -1 is less than the minimum 0"},
		{`{"items":[{"id":"a","x":1}],"kind":"a"}`, "/items/0/x: no value is allowed here"},
		{`{"items":[{}],"kind":"a"}`, `/items/0: the required property "id" is missing`},
		{`{"items":[{"id":"a"},{"id":"a"}],"kind":"a"}`, "/items: items 0 and 1 are equal, but uniqueItems is set"},
		{`{"items":[{"id":"a"},{"id":"b"},{"id":"c"}],"kind":"a"}`, "/items: 3 items, more than maxItems 2"},
		{`{"items":[],"kind":"a","one":"x"}`, "/one: matches 2 of the oneOf schemas, want exactly 1"},
		{`{"items":[],"kind":"a","any":1}`, "/any: matches none of the anyOf schemas: [0] /any: expected string, got integer; [1] /any: expected boolean, got integer"},
		{`{"items":[],"kind":"a","not":null}`, "/not: matches the schema under not"},
		{`{"items":[],"kind":"a","all":6}`, "/all: 6 is more than the maximum 5"},
		{`{"kind":"a"}`, `/: the required property "items" is missing`},
		{`[]`, "/: expected object, got array"},
	}
	validate, err := conformance.StructuralSchema(json.RawMessage(schema))
	if err != nil {
		t.Fatal(err)
	}
	full, err := fullCompile(schema)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		err := validate([]byte(tt.doc))
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.doc, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error = %v, want %q", tt.doc, err, tt.want)
		}
		// The full implementation agrees.
		if fullErr := full([]byte(tt.doc)); (fullErr == nil) != (tt.want == "") {
			t.Errorf("%s: santhosh-tekuri/jsonschema says %v", tt.doc, fullErr)
		}
	}
}

// Every schema of the mock compiles with the built-in check as with the
// full implementation, and both accept the mock's answers and reject the
// same broken ones.
func TestStructuralSchemaAgreesOnTheMock(t *testing.T) {
	ctx := toolkit.WithLogger(context.Background(), slog.New(slog.DiscardHandler))
	body := func(payload string, page string) []byte {
		return []byte(`{"auth":{"basic":{"username":"foo","password":"bar"}},"request":` + payload + `,"settings":{"host":"h","tenant_size":30}` + page + `}`)
	}
	docs := map[toolkit.CapabilityName][][]byte{}
	for _, ci := range mock.Integration().CapabilityInfos() {
		if ci.Level != toolkit.LevelRead {
			continue
		}
		docs[ci.Name] = append(docs[ci.Name],
			mock.Integration().Dispatch(ctx, string(ci.Name), body(`{}`, "")),
			mock.Integration().Dispatch(ctx, string(ci.Name), body(`{}`, `,"page":{"size":7}`)),
			mock.Integration().Dispatch(ctx, string(ci.Name), body(`{"account_id":"user-1","account_ids":["user-1"]}`, "")),
		)
	}
	for _, name := range mock.Integration().Capabilities() {
		s, err := mock.Integration().JSONSchema(name, true)
		if err != nil {
			t.Fatal(err)
		}
		structural, err := conformance.StructuralSchema(s)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		raw, _ := json.Marshal(s)
		full, err := fullCompile(string(raw))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if req, err := mock.Integration().JSONSchema(name, false); err != nil {
			t.Fatal(err)
		} else if _, err := conformance.StructuralSchema(req); err != nil {
			t.Errorf("%s request: %v", name, err)
		}
		broken := [][]byte{[]byte(`{"response":null,"raw_data":null,"page":{"token":1}}`), []byte(`{"is_error":true,"error":{}}`)}
		for _, doc := range append(docs[name], broken...) {
			errS, errF := structural(doc), full(doc)
			if (errS == nil) != (errF == nil) {
				t.Errorf("%s: %s\nbuilt-in: %v\nfull: %v", name, doc, errS, errF)
			}
		}
		for _, doc := range docs[name] {
			if err := structural(doc); err != nil {
				t.Errorf("%s rejects the mock's answer %s: %v", name, doc, err)
			}
		}
	}
}

// fullCompile compiles a schema with santhosh-tekuri/jsonschema.
func fullCompile(schema string) (func([]byte) error, error) {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(schema))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("mem://s.json", doc); err != nil {
		return nil, err
	}
	sch, err := c.Compile("mem://s.json")
	if err != nil {
		return nil, err
	}
	return func(doc []byte) error {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
		if err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		return sch.Validate(v)
	}, nil
}
