package toolkit_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/matryer/is"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lumosgo/lumos/toolkit"
)

// compiled compiles a schema document as draft 2020-12.
func compiled(t *testing.T, s map[string]any) *jsonschema.Schema {
	t.Helper()
	raw, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("mem://s.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem://s.json")
	if err != nil {
		t.Fatalf("not a valid 2020-12 schema: %v", err)
	}
	return sch
}

func instance(t *testing.T, doc string) any {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestJSONSchemaOfRequest(t *testing.T) {
	is := is.New(t)
	s, err := demo().JSONSchema(toolkit.CapGetAccount.Name(), false)
	is.NoErr(err)
	is.Equal(s["$schema"], "https://json-schema.org/draft/2020-12/schema")
	is.Equal(s["title"], "GetAccountRequest")
	sch := compiled(t, s)
	tests := []struct {
		name, doc string
		valid     bool
	}{
		{"valid", `{"request":{"account_id":"a"},` + okAuth + `,` + okSettings + `}`, true},
		{"missing settings", `{"request":{"account_id":"a"},` + okAuth + `}`, false},
		{"settings missing org", `{"request":{"account_id":"a"},` + okAuth + `,"settings":{"base_url":"u"}}`, false},
		{"settings wrong type", `{"request":{"account_id":"a"},` + okAuth + `,"settings":{"base_url":"u","org":"o","limit":"x"}}`, false},
		{"missing payload field", `{"request":{},` + okAuth + `,` + okSettings + `}`, false},
		{"string for bool", `{"request":{"account_id":"a"},"include_raw_data":"yes",` + okSettings + `}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sch.Validate(instance(t, tt.doc))
			if (err == nil) != tt.valid {
				t.Fatalf("valid = %v, want %v: %v", err == nil, tt.valid, err)
			}
		})
	}
}

func TestJSONSchemaOfResponseAcceptsRealOutput(t *testing.T) {
	is := is.New(t)
	in := demo()
	s, err := in.JSONSchema(toolkit.CapGetAccount.Name(), true)
	is.NoErr(err)
	sch := compiled(t, s)
	ok := in.Dispatch(context.Background(), "get_account", []byte(`{"request":{"account_id":"a"},`+okAuth+`,`+okSettings+`}`))
	is.NoErr(sch.Validate(instance(t, string(ok))))
	failed := in.Dispatch(context.Background(), "get_account", []byte(`{"request":{}}`))
	is.NoErr(sch.Validate(instance(t, string(failed))))
	is.True(sch.Validate(instance(t, `{"response":{}}`)) != nil) // integration_specific_id is required

	_, err = in.JSONSchema("list_everything", false)
	is.True(err != nil)
}
