package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/swaggest/openapi-go/openapi3"
	"github.com/swaggest/openapi-go/openapi31"
)

// Version is the OpenAPI version a document is written in.
type Version string

// The OpenAPI versions Spec writes.
const (
	OpenAPI30 Version = "3.0" // written as "openapi: 3.0.3": nullable, no type lists (the default, as upstream)
	OpenAPI31 Version = "3.1" // written as "openapi: 3.1.0": JSON Schema 2020-12 type lists
)

// Format is how a document is written.
type Format string

// The formats a document can be written in.
const (
	YAML Format = "yaml" // block YAML, the default, as upstream ships its spec
	JSON Format = "json" // indented JSON
)

// Document is an OpenAPI document as a tree of JSON values.
type Document struct {
	version Version
	tree    map[string]any
}

// Map returns the document's tree. It is the document itself, not a copy:
// callers must not modify it.
func (d *Document) Map() map[string]any { return d.tree }

// Encode writes the document in format f.
func (d *Document) Encode(f Format) ([]byte, error) {
	switch f {
	case YAML:
		return d.YAML()
	case JSON:
		return d.JSON()
	}
	return nil, fmt.Errorf("openapi: unknown format %q; use %q or %q", f, YAML, JSON)
}

// spec is the typed form of the document, from swaggest/openapi-go, which
// checks its shape and writes it in a stable order.
type spec interface {
	MarshalJSON() ([]byte, error)
	MarshalYAML() ([]byte, error)
}

func (d *Document) spec() (spec, error) {
	raw, err := json.Marshal(d.tree)
	if err != nil {
		return nil, err
	}
	if d.version == OpenAPI31 {
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
func (d *Document) JSON() ([]byte, error) {
	s, err := d.spec()
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
func (d *Document) YAML() ([]byte, error) {
	s, err := d.spec()
	if err != nil {
		return nil, err
	}
	return s.MarshalYAML()
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	return slices.Sorted(maps.Keys(m))
}
