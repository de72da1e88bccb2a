// Package openapi builds the protocol-wide OpenAPI document of the Lumos
// connector protocol, as upstream's `connector spec` prints it: one POST
// /{connector_id}/<capability> operation per standard capability, in
// OpenAPI 3.0 or 3.1, written as YAML or JSON. (One connector's own
// document, the result of app_info, is built by the toolkit; both share
// internal/oas.)
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
