package okta

import (
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
