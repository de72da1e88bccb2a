package openapi

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

// Document is an OpenAPI document as a tree of JSON values. Package
// openapi/render writes it as JSON or YAML; it lives apart so the lumos
// binary, which prints pre-rendered documents, does not link a YAML library.
type Document struct {
	version Version
	tree    map[string]any
}

// Map returns the document's tree. It is the document itself, not a copy:
// callers must not modify it.
func (d *Document) Map() map[string]any { return d.tree }

// NewDocument returns the document of version v whose tree is tree.
func NewDocument(v Version, tree map[string]any) *Document { return &Document{version: v, tree: tree} }

// Version is the OpenAPI version the document is written for.
func (d *Document) Version() Version { return d.version }
