package okta

import (
	"math"
	"net/url"
	"strings"
	"testing"
)

// FuzzCheckID: an id checkID accepts makes user and group paths with one
// segment for it, never "." or "..", that unescapes to the id.
func FuzzCheckID(f *testing.F) {
	for _, seed := range []string{"00ub0oNGTSWTBKOLGLNR", "00g1emaKYZTWRYYRRTSK", ".", "..", " ", "a/b", "%2e%2e", "?x", "#", "...", "a\\b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, id string) {
		if checkID(id, "account") != nil {
			return
		}
		for _, p := range []struct {
			path   string
			segs   int
			idSegs []int
		}{
			{userPath(id, "groups"), 3, []int{1}},
			{"/api/v1/groups/" + url.PathEscape(id) + "/users/" + url.PathEscape(id), 4, []int{1, 3}},
		} {
			segs := strings.Split(strings.TrimPrefix(p.path, "/api/v1/"), "/")
			if len(segs) != p.segs {
				t.Fatalf("id %q makes the path %q", id, p.path)
			}
			for _, i := range p.idSegs {
				got, err := url.PathUnescape(segs[i])
				if segs[i] == "." || segs[i] == ".." || err != nil || got != id {
					t.Fatalf("id %q makes the path %q, with %q for it", id, p.path, segs[i])
				}
			}
		}
	})
}

// FuzzLimitOf: the limit a page URL is built with reads back from it,
// whatever the endpoint and the extra query hold; from any URL (an Okta
// Link header's), limitOf is a page size or 0 (cannot tell), never
// negative, and a limit beyond an int reads as 0.
func FuzzLimitOf(f *testing.F) {
	f.Add("/api/v1/users", 200, "status eq \"ACTIVE\"", "/api/v1/users?after=00u1&limit=200")
	f.Add("/api/v1/groups", 0, "", "?limit=-5")
	f.Add("/x", math.MaxInt, "limit=3&limit=4", "?limit=99999999999999999999")
	f.Add("/a%3Fb", 1, "?#", "?limit=%zz")
	f.Fuzz(func(t *testing.T, endpoint string, n int, search, link string) {
		if got := limitOf(link); got < 0 || (got > 0 && !strings.Contains(link, "limit")) {
			t.Fatalf("limitOf(%q) = %d", link, got)
		}
		if n < 0 {
			return
		}
		at := listPath("/"+url.PathEscape(endpoint), n, url.Values{"search": {search}})
		if got := limitOf(at); got != n {
			t.Fatalf("listPath(%q, %d, search=%q) = %q: limitOf reads %d", endpoint, n, search, at, got)
		}
	})
}

// TestLimitOf: what limitOf reads from page URLs an upstream may hand out.
func TestLimitOf(t *testing.T) {
	for _, tc := range []struct {
		at   string
		want int
	}{
		{"/api/v1/users?after=00u1&limit=200", 200},
		{"/api/v1/users?after=00u1", 0},
		{"/api/v1/users?limit=-5", 0},
		{"/api/v1/users?limit=abc", 0},
		{"/api/v1/users?limit=99999999999999999999", 0},
		{"/api/v1/users?limit=%zz", 0},
	} {
		if got := limitOf(tc.at); got != tc.want {
			t.Errorf("limitOf(%q) = %d, want %d", tc.at, got, tc.want)
		}
	}
}
