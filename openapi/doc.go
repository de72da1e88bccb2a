// Package openapi builds the OpenAPI documents of the Lumos connector
// protocol:
//
//   - Spec is the protocol-wide document, as upstream's `connector spec`
//     prints it: one POST /{connector_id}/<capability> operation per standard
//     capability, in OpenAPI 3.0 or 3.1, written as YAML or JSON.
//   - AppInfo is one connector's own OpenAPI 3.0.0 document, the result of
//     its app_info capability. The package installs it in the toolkit from
//     init, so importing it (the cli package does) is enough to make
//     app_info work.
//
// Every schema comes from toolkit.SchemaOf, so the documents carry the same
// models, titles and x- extensions as `info`. Component names are the
// protocol's model names (toolkit.DefinitionName); the generic envelopes get
// one name per capability, <Pascal>Request and <Pascal>Response, e.g.
// ListAccountsRequest, even when two capabilities share one Go type.
//
// Documents are trees of plain JSON values (maps, slices, strings, float64,
// bool, nil) and are written byte-deterministically: object keys sorted,
// except at the root, which starts openapi, info, servers, tags, paths,
// components.
package openapi
