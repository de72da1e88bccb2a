package paginate_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/lumosgo/lumos/toolkit/paginate"
	"github.com/matryer/is"
)

// TestListerWholePagesProgressWhenThePageIsSmallerThanTheLink: a token
// whose upstream page holds more entries than the Lumos page now asks for
// (the caller lowered page.size between calls, or the API's next link names
// a larger page than was asked for) still gives entries on every call, and
// the drain loses and repeats nothing.
func TestListerWholePagesProgressWhenThePageIsSmallerThanTheLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		firstSize   int // the Lumos page size of the first call
		thenSize    int // the size of every later call
		upstreamPer int // what the API's next links name, whatever was asked
	}{
		{name: "page size lowered", firstSize: 10, thenSize: 3, upstreamPer: 0},
		{name: "page size lowered to one", firstSize: 10, thenSize: 1, upstreamPer: 0},
		{name: "link names a larger page", firstSize: 4, thenSize: 4, upstreamPer: 50},
		{name: "link names a huge page", firstSize: 4, thenSize: 4, upstreamPer: 1 << 40},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			u := newUpstream(10)
			u.add("members", 37)
			f := u.wholeFlat("members")
			if tc.upstreamPer > 0 {
				fetch := f.Fetch
				f.Fetch = func(ctx context.Context, at string) ([]string, string, error) {
					entries, next, err := fetch(ctx, at)
					if next != "" {
						next = next[:len(next)-len(itoa(sizeOf(next)))] + itoa(tc.upstreamPer)
					}
					return entries, next, err
				}
			}
			l := &paginate.Lister[string]{Scope: "test/whole", PerPage: 10, WholePages: true, Phases: []paginate.Phase[string]{f}}
			var all []string
			token, size := "", tc.firstSize
			for calls := 0; ; calls++ {
				is.True(calls < 100) // the drain ends
				got, next, err := l.Page(context.Background(), token, size)
				is.NoErr(err)
				is.True(len(got) <= size)
				is.True(len(got) > 0 || next == "") // every call but the last makes progress
				all = append(all, got...)
				if next == "" {
					break
				}
				token, size = next, tc.thenSize
			}
			is.Equal(len(all), 37)
			for i, e := range all {
				is.Equal(e, "members-"+itoa(i))
			}
		})
	}
}
func itoa(n int) string { return strconv.Itoa(n) }
