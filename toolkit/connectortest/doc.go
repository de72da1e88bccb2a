// Package connectortest tests connectors: a case harness, the Go
// counterpart of upstream's pytest case files, and the conformance suite
// every connector's tests run.
//
// # Cases
//
// A Case is one capability call: its request, the upstream HTTP calls it
// must make in order (method, path and query, optionally headers and a body
// matcher) with their canned responses, and the response document or error
// it must answer. RunCases runs each case through the integration's full
// Dispatch pipeline against its own loopback server and fails, with a
// unified diff, on a missing, unexpected or out-of-order call, a different
// request body, or a different answer (compared as JSON, not as text):
//
//	connectortest.RunCases(t, demo.Integration, "base_url", []connectortest.Case{{
//		Capability: toolkit.CapListAccounts.Name(),
//		Request:    `{"auth":{"token":{"token":"t"}},"request":{},"settings":{}}`,
//		Calls: []connectortest.Call{{Method: "GET", Path: "/users?per_page=100",
//			Response: connectortest.Reply{Body: `[{"id":1,"login":"ada"}]`}}},
//		Response: `{"response":[{"integration_specific_id":"1","username":"ada", ...}]}`,
//	}})
//
// Cases can also live in testdata files, one JSON file per case, read with
// LoadCases. {{base_url}} (BaseURLPlaceholder) stands for the server's URL
// anywhere in a case, and the string "{{any}}" (AnyPlaceholder) in an
// expected document matches any value (a page token, a fingerprint).
//
// # Conformance
//
// Conformance runs the conformance suite (package conformance) as part of a
// Go test, with full validators: JSON Schema draft 2020-12 by
// santhosh-tekuri/jsonschema and OpenAPI by kin-openapi. Check returns the
// same suite's Report without a testing.TB. The `lumos conformance` command
// runs the suite from the command line against any registered connector,
// with the suite's built-in structural checks instead, as the lumos binary
// links neither library (santhosh-tekuri/jsonschema alone would add 16 ms
// to every start of the binary).
//
// This package imports testing, net/http/httptest, kin-openapi and
// santhosh-tekuri/jsonschema: import it from tests only. Package
// conformance has none of them.
package connectortest
