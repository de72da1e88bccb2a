package connectortest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// Options configure the conformance suite; see conformance.Options.
type Options = conformance.Options

// Report is the outcome of the conformance suite; see conformance.Report.
type Report = conformance.Report

// Check runs the conformance suite on in and returns its report, as
// conformance.Check does, with full validators unless opts sets its own:
// JSON Schemas are compiled (and answers validated) as draft 2020-12 by
// santhosh-tekuri/jsonschema, and app_info is validated by kin-openapi.
func Check(ctx context.Context, in *toolkit.Integration, opts Options) Report {
	if opts.ValidateOpenAPI == nil {
		opts.ValidateOpenAPI = ValidateOpenAPI
	}
	if opts.CompileSchema == nil {
		opts.CompileSchema = JSONSchemaCompiler()
	}
	return conformance.Check(ctx, in, opts)
}

// JSONSchemaCompiler returns a conformance.SchemaCompiler that compiles
// schemas as JSON Schema draft 2020-12 (unless they name another draft in
// $schema), checking each against its metaschema, with
// santhosh-tekuri/jsonschema. It is safe for concurrent use.
func JSONSchemaCompiler() conformance.SchemaCompiler {
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	var mu sync.Mutex
	n := 0
	return func(schema any) (func([]byte) error, error) {
		raw, err := json.Marshal(schema)
		if err != nil {
			return nil, fmt.Errorf("cannot encode the schema: %w", err)
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return nil, err
		}
		mu.Lock()
		defer mu.Unlock()
		n++
		url := fmt.Sprintf("mem://conformance/schema-%d.json", n)
		if err := c.AddResource(url, doc); err != nil {
			return nil, err
		}
		sch, err := c.Compile(url)
		if err != nil {
			return nil, err
		}
		return func(doc []byte) error {
			v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
			if err != nil {
				return err
			}
			return sch.Validate(v)
		}, nil
	}
}

// Conformance runs the conformance suite on in as part of a Go test: the
// whole report is logged (go test -v shows it) and each failed check is a
// test error naming the check and its problems. It returns the report for
// further assertions. A connector's tests call it once:
//
//	func TestConformance(t *testing.T) {
//		connectortest.Conformance(t, demo.Integration, connectortest.Options{
//			Request: `{"auth":{"token":{"token":"t"}},"settings":{"base_url":"` + fake.URL + `"}}`,
//			AllowWrites: true,
//		})
//	}
func Conformance(t testing.TB, in *toolkit.Integration, opts Options) Report {
	t.Helper()
	report := Check(t.Context(), in, opts)
	t.Log("\n" + report.Text())
	for _, f := range report.Failures() {
		msg := fmt.Sprintf("conformance of %s: %s: %s", in.AppID(), f.Name, f.Summary)
		for _, p := range f.Problems {
			msg += "\n  - " + strings.ReplaceAll(p, "\n", "\n    ")
		}
		t.Errorf("%s", msg)
	}
	return report
}

// ValidateOpenAPI loads an OpenAPI document with kin-openapi and validates
// it (3.0 or 3.1 rules, from its openapi field).
func ValidateOpenAPI(ctx context.Context, doc []byte) error {
	loaded, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		return fmt.Errorf("kin-openapi cannot load the document: %w", err)
	}
	if err := loaded.Validate(ctx); err != nil {
		return fmt.Errorf("kin-openapi: %w", err)
	}
	return nil
}
