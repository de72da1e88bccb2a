// Package render writes OpenAPI documents of package openapi as JSON or
// YAML, through swaggest/openapi-go's typed OpenAPI 3.0 and 3.1 models,
// which check the document's shape and write it in a stable order.
package render

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/swaggest/openapi-go/openapi3"
	"github.com/swaggest/openapi-go/openapi31"

	"github.com/lumosgo/lumos/openapi"
)

// Encode writes the document in format f: indented JSON without a trailing
// newline, or block YAML ending with one.
func Encode(d *openapi.Document, f openapi.Format) ([]byte, error) {
	switch f {
	case openapi.YAML:
		return YAML(d)
	case openapi.JSON:
		return JSON(d)
	}
	return nil, fmt.Errorf("openapi: unknown format %q; use %q or %q", f, openapi.YAML, openapi.JSON)
}

// spec is the typed form of a document.
type spec interface {
	MarshalJSON() ([]byte, error)
	MarshalYAML() ([]byte, error)
}

func typed(d *openapi.Document) (spec, error) {
	raw, err := json.Marshal(d.Map())
	if err != nil {
		return nil, err
	}
	if d.Version() == openapi.OpenAPI31 {
		var s openapi31.Spec
		if err := s.UnmarshalJSON(raw); err != nil {
			return nil, fmt.Errorf("openapi: the 3.1 document does not fit the OpenAPI model: %w", err)
		}
		return &s, nil
	}
	var s openapi3.Spec
	if err := s.UnmarshalJSON(raw); err != nil {
		return nil, fmt.Errorf("openapi: the 3.0 document does not fit the OpenAPI model: %w", err)
	}
	return &s, nil
}

// JSON writes the document as JSON indented by two spaces, without a
// trailing newline.
func JSON(d *openapi.Document) ([]byte, error) {
	s, err := typed(d)
	if err != nil {
		return nil, err
	}
	raw, err := s.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// YAML writes the document as block YAML, ending with a newline.
func YAML(d *openapi.Document) ([]byte, error) {
	s, err := typed(d)
	if err != nil {
		return nil, err
	}
	return s.MarshalYAML()
}
