package conformance_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// smallerPages lists 20 accounts by offset; its token is "<offset>:<size
// of the call that issued it>", and onSmaller, when set, answers a call
// whose page is smaller than its token's.
func smallerPages(onSmaller func(offset, size int) (toolkit.ListAccountsResponse, error)) func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	const total = 20
	return func(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		offset, size := 0, 50
		if req.Page != nil && req.Page.Size > 0 {
			size = req.Page.Size
		}
		if req.Page != nil && req.Page.Token != "" {
			at, issued, ok := strings.Cut(req.Page.Token, ":")
			o, err1 := strconv.Atoi(at)
			was, err2 := strconv.Atoi(issued)
			if !ok || err1 != nil || err2 != nil {
				return toolkit.ListAccountsResponse{}, errs.New(errs.InvalidPageToken, "bad token")
			}
			if offset = o; onSmaller != nil && size < was {
				return onSmaller(offset, size)
			}
		}
		var out toolkit.ListAccountsResponse
		for i := offset; i < min(offset+size, total); i++ {
			out.Response = append(out.Response, toolkit.FoundAccountData{IntegrationSpecificID: "u" + strconv.Itoa(i)})
		}
		if offset+size < total {
			out.Page = &toolkit.Page{Token: fmt.Sprintf("%d:%d", offset+size, size), Size: size}
		}
		return out, nil
	}
}

// The smaller-pages check passes a listing that serves any page size from
// any token and names what goes wrong in one that does not.
func TestSmallerPages(t *testing.T) {
	restart := smallerPages(nil)
	tests := []struct {
		name      string
		onSmaller func(offset, size int) (toolkit.ListAccountsResponse, error)
		status    conformance.Status
		summary   string
		problems  []string
	}{
		{
			name:    "any size from any token",
			status:  conformance.Pass,
			summary: "resumed with page size 1 after a token issued for size 2: 3 items, none repeated",
		},
		{
			name: "no progress",
			onSmaller: func(offset, size int) (toolkit.ListAccountsResponse, error) {
				return toolkit.ListAccountsResponse{Page: &toolkit.Page{Token: fmt.Sprintf("%d:%d", offset, 2), Size: size}}, nil
			},
			status:   conformance.Fail,
			summary:  "resuming with page size 1 after a token issued for size 2 fails",
			problems: []string{"call 1 answered no item and another token: a caller would page without progress"},
		},
		{
			name: "starts again",
			onSmaller: func(_, size int) (toolkit.ListAccountsResponse, error) {
				return restart(context.Background(), toolkit.ListAccountsRequest{Page: &toolkit.Page{Size: size}})
			},
			status:   conformance.Fail,
			summary:  "resuming with page size 1 after a token issued for size 2 fails",
			problems: []string{`call 1 repeats integration_specific_id="u0", already returned before`},
		},
		{
			name: "refused",
			onSmaller: func(int, int) (toolkit.ListAccountsResponse, error) {
				return toolkit.ListAccountsResponse{}, errs.New(errs.InvalidPageToken, "this token is for pages of 2")
			},
			status:   conformance.Fail,
			summary:  "resuming with page size 1 after a token issued for size 2 fails",
			problems: []string{"call 1 with page size 1 after a token issued for size 2: invalid_page_token: this token is for pages of 2"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			r := conformance.Check(context.Background(), newConnector(t, "smaller", smallerPages(tt.onSmaller)), conformance.Options{Request: basicAuth})
			res := result(t, r, "list_accounts: smaller pages")
			is.Equal(res.Status, tt.status)
			is.Equal(res.Summary, tt.summary)
			is.Equal(res.Problems, tt.problems)
		})
	}
}
