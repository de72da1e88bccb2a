package paginate_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// TestServe: Serve turns a request's page into one Lumos page of a listing
// and back: the default size without a page, the page's size otherwise,
// [] for an empty listing, nil after the last page, and the upstream page
// size capped at the Lumos page size.
func TestServe(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	var asked []int // upstream page sizes asked for
	lister := func(perPage int, list []int) paginate.Lister[int] {
		// a position is "start/n": n entries from start
		return paginate.Lister[int]{Scope: "serve-test", PerPage: perPage, Phases: []paginate.Phase[int]{
			paginate.Flat[int]{
				FirstFor: func(n int) string { return "0/" + strconv.Itoa(n) },
				Fetch: func(_ context.Context, at string) ([]int, string, error) {
					a, b, _ := strings.Cut(at, "/")
					start, _ := strconv.Atoi(a)
					n, _ := strconv.Atoi(b)
					asked = append(asked, n)
					end := min(start+n, len(list))
					if end >= len(list) {
						return list[start:end], "", nil
					}
					return list[start:end], strconv.Itoa(end) + "/" + b, nil
				},
			},
		}}
	}
	ctx := context.Background()
	tests := []struct {
		name     string
		perPage  int
		list     []int
		page     *toolkit.Page
		want     []int
		nextSize int // 0: no next page
		asked    int // the upstream page size of the first request
	}{
		{"no page: the default size", 0, items, nil, []int{1, 2}, 2, 2},
		{"the page's size", 0, items, &toolkit.Page{Size: 3}, []int{1, 2, 3}, 3, 3},
		{"zero size: the default", 0, items, &toolkit.Page{Size: 0}, []int{1, 2}, 2, 2},
		{"upstream pages capped at the Lumos size", 100, items, &toolkit.Page{Size: 4}, []int{1, 2, 3, 4}, 4, 4},
		{"smaller upstream pages kept", 1, items, &toolkit.Page{Size: 2}, []int{1, 2}, 2, 1},
		{"the last page", 0, items, &toolkit.Page{Size: 10}, items, 0, 10},
		{"an empty listing is []", 0, nil, nil, []int{}, 0, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			asked = nil
			got, next, err := lister(tt.perPage, tt.list).Serve(ctx, tt.page, 2)
			is.NoErr(err)
			is.Equal(got, tt.want)
			is.Equal(asked[0], tt.asked)
			if tt.nextSize == 0 {
				is.True(next == nil)
				return
			}
			is.Equal(next.Size, tt.nextSize)
			rest, _, err := lister(tt.perPage, tt.list).Serve(ctx, next, 2)
			is.NoErr(err)
			is.Equal(rest[0], tt.want[len(tt.want)-1]+1) // resumes right after
		})
	}
}
