package conformance_test

import (
	"encoding/json"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// Each keyword's structure is checked by the kind of value it takes; the
// keywords it does not know are let through.
func TestStructuralSchemaChecksEachKeyword(t *testing.T) {
	tests := []struct {
		schema string
		want   string // the error, "" when the schema compiles
	}{
		{`{"items":[{"type":"string"},{"type":1}]}`, "#/items/1/type: type must be one of [null boolean object array number string integer] or a list of them, got 1"},
		{`{"prefixItems":{}}`, "#/prefixItems: prefixItems must be a non-empty array of schemas, got {}"},
		{`{"$defs":1}`, "#/$defs: $defs must be an object of schemas, got integer"},
		{`{"not":"x"}`, "#/not: a schema must be an object or a boolean, got string"},
		{`{"exclusiveMinimum":true,"exclusiveMaximum":false}`, ""}, // draft-04's boolean form
		{`{"exclusiveMaximum":"1"}`, "#/exclusiveMaximum: exclusiveMaximum must be a number, got string"},
		{`{"minimum":true}`, "#/minimum: minimum must be a number, got boolean"},
		{`{"required":["a",1]}`, `#/required: required must hold distinct strings, got ["a",1]`},
		{`{"$ref":"other.json#/x","x-custom":1,"if":true}`, ""}, // an external $ref, an unknown keyword
		{`{"title":1,"description":2}`, "#/description: description must be a string, got integer\n#/title: title must be a string, got integer"},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			is := is.New(t)
			_, err := conformance.StructuralSchema(json.RawMessage(tt.schema))
			if tt.want == "" {
				is.NoErr(err)
				return
			}
			is.True(err != nil) // the schema is rejected
			is.Equal(err.Error(), tt.want)
		})
	}
}

// Validation applies each keyword in turn and reports every failure, at
// most five of them.
func TestStructuralSchemaValidatesEachKeyword(t *testing.T) {
	tests := []struct {
		name   string
		schema string
		doc    string
		want   string // the error, "" when the document is valid
	}{
		{"tuple items", `{"items":[{"type":"string"}]}`, `[1,2]`, "/0: expected string, got integer"},
		{"prefixItems then items", `{"prefixItems":[{"type":"string"}],"items":{"type":"integer"}}`, `["a","b"]`, "/1: expected integer, got string"},
		{"maxLength", `{"maxLength":2}`, `"abc"`, "/: 3 characters, more than maxLength 2"},
		{"maxLength counts characters", `{"maxLength":2}`, `"éé"`, ""},
		{"exclusiveMinimum", `{"exclusiveMinimum":0}`, `0`, "/: 0 is not more than the exclusive minimum 0"},
		{"maximum", `{"maximum":1.5}`, `2`, "/: 2 is more than the maximum 1.5"},
		{"a boolean bound is no bound", `{"exclusiveMinimum":true,"minimum":1}`, `1`, ""},
		{"a $ref loop ends", `{"$defs":{"A":{"$ref":"#/$defs/A"}},"$ref":"#/$defs/A"}`, `1`, ""},
		{"a $ref to a value that is no schema", `{"title":"t","$ref":"#/title"}`, `1`, ""},
		{"the false schema", `{"properties":{"a":false}}`, `{"a":1}`, "/a: no value is allowed here"},
		{"allOf reports every failure", `{"allOf":[{"type":"string"},{"minimum":5}]}`, `3`,
			"/: expected string, got integer\n/: 3 is less than the minimum 5"},
		{"anyOf names the first three", `{"anyOf":[{"type":"string"},{"type":"boolean"},{"type":"null"},{"type":"array"}]}`, `1`,
			"/: matches none of the anyOf schemas: [0] /: expected string, got integer; [1] /: expected boolean, got integer; [2] /: expected null, got integer"},
		{"oneOf with no match", `{"oneOf":[{"type":"string"}]}`, `1`,
			"/: matches 0 of the oneOf schemas, want exactly 1: [0] /: expected string, got integer"},
		{"const compares numbers by value", `{"const":1}`, `1.0`, ""},
		{"const", `{"const":{"a":[1]}}`, `{"a":[2]}`, `/: {"a":[2]} is not {"a":[1]}`},
		{"at most five errors", `{"items":{"type":"string"}}`, `[1,2,3,4,5,6,7]`,
			"/0: expected string, got integer\n/1: expected string, got integer\n/2: expected string, got integer\n" +
				"/3: expected string, got integer\n/4: expected string, got integer\n… and 2 more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			validate, err := conformance.StructuralSchema(json.RawMessage(tt.schema))
			is.NoErr(err)
			err = validate([]byte(tt.doc))
			if tt.want == "" {
				is.NoErr(err)
				return
			}
			is.True(err != nil) // the document is rejected
			is.Equal(err.Error(), tt.want)
		})
	}
}
