package scim

import (
	"math"
	"net/url"
	"testing"

	"github.com/matryer/is"
)

// FuzzPagePosition: the position a page path is built with reads back from
// it, also after its startIndex is replaced, whatever the endpoint and the
// extra query value hold.
func FuzzPagePosition(f *testing.F) {
	f.Add("/Users", 1, 100, "", 51)
	f.Add("/Groups", 0, 0, "members", 1)
	f.Add("/a%2Fb", math.MaxInt, math.MaxInt, "a&startIndex=7", 2)
	f.Add("/x#frag", 3, 4, "count=9?", math.MaxInt)
	f.Fuzz(func(t *testing.T, endpoint string, start, count int, extra string, next int) {
		if start < 0 || count < 0 || next < 0 {
			return // positions are never negative
		}
		endpoint = "/" + url.PathEscape(endpoint) // a path, as the settings give it
		at := listPath(endpoint, start, count, url.Values{"attributes": {extra}})
		if s, c := position(at); s != start || c != count {
			t.Fatalf("listPath(%q, %d, %d, %q) = %q reads back as (%d, %d)", endpoint, start, count, extra, at, s, c)
		}
		moved := withStart(at, next)
		if s, c := position(moved); s != next || c != count {
			t.Fatalf("withStart(%q, %d) = %q reads back as (%d, %d)", at, next, moved, s, c)
		}
		if q, _ := url.ParseQuery(moved[len(endpoint)+1:]); q.Get("attributes") != extra {
			t.Fatalf("withStart(%q, %d) = %q loses attributes=%q", at, next, moved, extra)
		}
	})
}

// FuzzNextStart: the next page starts after the page read, or the listing
// ends; an empty page always ends it; no answer of a server (any count of
// items, any totalResults) makes it go back or overflow.
func FuzzNextStart(f *testing.F) {
	f.Add(1, 100, 100, 250, true)
	f.Add(201, 100, 50, 250, true)
	f.Add(1, 10, 0, 0, false)
	f.Add(math.MaxInt-5, 100, 100, math.MaxInt, true)
	f.Add(1, 100, 100, -1, true)
	f.Fuzz(func(t *testing.T, start, count, got, total int, hasTotal bool) {
		if start < 1 || count < 0 || got < 0 {
			return // startIndex is 1-based; counts are lengths
		}
		var tot *int
		if hasTotal {
			tot = &total
		}
		n := nextStart(start, count, got, tot)
		if n != 0 && n <= start {
			t.Fatalf("nextStart(%d, %d, %d, %v) = %d: not after the page read", start, count, got, total, n)
		}
		if got == 0 && n != 0 {
			t.Fatalf("an empty page goes on to %d", n)
		}
	})
}

// TestNextStartAtTheEndOfInt: a page ending past the largest int ends the
// listing rather than wrapping to a negative start.
func TestNextStartAtTheEndOfInt(t *testing.T) {
	is := is.New(t)
	is.Equal(nextStart(math.MaxInt-5, 100, 100, nil), 0)
	total := math.MaxInt
	is.Equal(nextStart(math.MaxInt-5, 100, 100, &total), 0)
	is.Equal(nextStart(math.MaxInt-5, 100, 5, &total), math.MaxInt)
}
