package conformance_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// onePage lists the accounts ids on every page, announcing next.
func onePage(ids []string, next *toolkit.Page) func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	return func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		out := toolkit.ListAccountsResponse{Page: next}
		for _, id := range ids {
			out.Response = append(out.Response, toolkit.FoundAccountData{IntegrationSpecificID: id})
		}
		return out, nil
	}
}

// rejectAll is a SchemaCompiler whose validators reject every document.
func rejectAll(any) (func([]byte) error, error) {
	return func([]byte) error { return errors.New("rejected") }, nil
}

// The drain reports what makes a listing unusable, and bounds the lists of
// repeated problems.
func TestDrainProblems(t *testing.T) {
	tests := []struct {
		name     string
		list     func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error)
		opts     conformance.Options
		summary  string
		problems []string
	}{
		{
			name:     "a next page without a token",
			list:     onePage([]string{"a"}, &toolkit.Page{Size: 5}),
			summary:  "1 item in 1 page; 1 problem",
			problems: []string{"page 1 announces a next page but gives no token (following it would restart the listing)"},
		},
		{
			name:    "more duplicate ids than are listed",
			list:    onePage(slices.Repeat([]string{"same"}, 12), nil),
			summary: "12 items in 1 page; 11 problems",
			problems: append(slices.Repeat([]string{`duplicate id integration_specific_id="same": on page 1, first seen on page 1`}, 10),
				"… and 1 more duplicate ids"),
		},
		{
			name:    "more pages off the schema than are listed",
			list:    endless(1),
			opts:    conformance.Options{CompileSchema: rejectAll, MaxPages: 5},
			summary: "5 items in 5 pages; 4 problems",
			problems: []string{
				"page 1 does not match the response schema: rejected",
				"page 2 does not match the response schema: rejected",
				"page 3 does not match the response schema: rejected",
				"… and 2 more pages not matching the response schema",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			opts := tt.opts
			opts.Request = basicAuth
			r := conformance.Check(context.Background(), newConnector(t, "drained", tt.list), opts)
			res := result(t, r, "list_accounts: drain")
			is.Equal(res.Status, conformance.Fail)
			is.Equal(res.Summary, tt.summary)
			is.Equal(res.Problems, tt.problems)
		})
	}
}
