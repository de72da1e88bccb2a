package conformance_test

import (
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// goodOpenAPI returns a fresh app_info document without problems for the
// capabilities app_info and list_accounts.
func goodOpenAPI() map[string]any {
	return map[string]any{
		"openapi": "3.0.0",
		"info":    map[string]any{"title": "t", "version": "1", "x-capabilities": []any{"list_accounts", "app_info"}},
		"paths": map[string]any{
			"/app_info":      map[string]any{"post": map[string]any{"operationId": "app_info", "responses": map[string]any{}}},
			"/list_accounts": map[string]any{"post": map[string]any{"operationId": "list_accounts", "responses": map[string]any{}}},
		},
	}
}

// Each fault of an app_info document is reported once, and what is not a
// fault (extensions, external references) is not.
func TestStructuralOpenAPIProblemsOneByOne(t *testing.T) {
	caps := []toolkit.CapabilityName{"app_info", "list_accounts"}
	paths := func(doc map[string]any) map[string]any { return doc["paths"].(map[string]any) }
	tests := []struct {
		name   string
		change func(doc map[string]any)
		want   []string // the problems, each a prefix of the one reported
	}{
		{"good", func(map[string]any) {}, nil},
		{"no info", func(doc map[string]any) { delete(doc, "info") }, []string{"info is missing or not an object"}},
		{"a capability that is not a string", func(doc map[string]any) {
			doc["info"].(map[string]any)["x-capabilities"] = []any{"list_accounts", 1}
		}, []string{"info.x-capabilities is [ list_accounts], want the registered capabilities [app_info list_accounts]"}},
		{"no x-capabilities", func(doc map[string]any) { delete(doc["info"].(map[string]any), "x-capabilities") }, nil},
		{"no paths", func(doc map[string]any) { delete(doc, "paths") }, []string{
			"paths has no /app_info for capability app_info",
			"paths has no /list_accounts for capability list_accounts",
			"paths is missing or not an object",
		}},
		{"a path without /", func(doc map[string]any) {
			paths(doc)["app_info"] = paths(doc)["/app_info"]
			delete(paths(doc), "/app_info")
		}, []string{
			`path "app_info" does not start with /`,
			"paths has no /app_info for capability app_info",
		}},
		{"a path item that is not an object", func(doc map[string]any) { paths(doc)["/app_info"] = "post" }, []string{
			`paths has no /app_info for capability app_info`,
			`paths["/app_info"] is not an object`,
		}},
		{"an operation that is not an object", func(doc map[string]any) {
			paths(doc)["/app_info"] = map[string]any{"post": "app_info"}
		}, []string{
			`paths["/app_info"] has no post operation`,
			`paths["/app_info"].post is not an object`,
		}},
		{"fields of a path item that are no operation", func(doc map[string]any) {
			paths(doc)["/app_info"].(map[string]any)["parameters"] = []any{}
			paths(doc)["/app_info"].(map[string]any)["x-note"] = "n"
		}, nil},
		{"an operationId used twice", func(doc map[string]any) {
			paths(doc)["/app_info"].(map[string]any)["get"] = map[string]any{"operationId": "list_accounts", "responses": map[string]any{}}
		}, []string{`operationId "list_accounts" is used by `}}, // then both operations, in map order
		{"an external reference", func(doc map[string]any) {
			paths(doc)["/app_info"].(map[string]any)["post"].(map[string]any)["responses"] = map[string]any{"200": map[string]any{"$ref": "other.yaml#/x"}}
		}, nil},
		{"a local reference that does not resolve", func(doc map[string]any) {
			paths(doc)["/app_info"].(map[string]any)["post"].(map[string]any)["responses"] = map[string]any{"200": map[string]any{"$ref": "#/components/x"}}
		}, []string{`$ref "#/components/x" does not resolve`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			doc := goodOpenAPI()
			tt.change(doc)
			got := conformance.StructuralOpenAPIProblems(doc, caps)
			for i := range min(len(got), len(tt.want)) {
				if strings.HasPrefix(got[i], tt.want[i]) {
					got[i] = tt.want[i]
				}
			}
			is.Equal(got, tt.want)
		})
	}
}
