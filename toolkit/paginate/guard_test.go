package paginate_test

import (
	"context"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// hostileFetch is an upstream listing that never ends on its own.
type hostileFetch func(at string) (entries []string, next string)

var hostileListings = []struct {
	name    string
	fetch   hostileFetch
	fetches int    // pages the call may fetch
	message string // in the api_error
}{
	{name: "self-link", fetch: func(at string) ([]string, string) { return []string{"a"}, at },
		fetches: 1, message: "is one this listing already fetched"},
	{name: "self-link, empty", fetch: func(at string) ([]string, string) { return nil, at },
		fetches: 1, message: "is one this listing already fetched"},
	{name: "cycle of two URLs", fetch: func(at string) ([]string, string) {
		if strings.HasSuffix(at, "b") {
			return nil, strings.TrimSuffix(at, "b")
		}
		return nil, at + "b"
	}, fetches: 2, message: "is one this listing already fetched"},
	{name: "the same page at new URLs", fetch: func(at string) ([]string, string) { return []string{"a", "b", "c"}, at + "+" },
		fetches: 2, message: "repeats a page this listing already fetched"},
	{name: "empty pages at new URLs", fetch: func(at string) ([]string, string) { return nil, at + "+" },
		fetches: paginate.MaxEmptyPages + 1, message: "empty pages in a row"},
}

// TestListerEndsHostileListings: one call of a Lister stops a listing
// that loops, in a flat phase and in a nested one's inner listings.
func TestListerEndsHostileListings(t *testing.T) {
	for _, tt := range hostileListings {
		for _, nested := range []bool{false, true} {
			name := tt.name
			if nested {
				name += ", nested"
			}
			t.Run(name, func(t *testing.T) {
				is := is.New(t)
				fetches := 0
				fetch := func(_ context.Context, at string) ([]string, string, error) {
					fetches++
					if fetches > 1000 {
						t.Fatal("the listing did not stop")
					}
					e, next := tt.fetch(at)
					return e, next, nil
				}
				var phase paginate.Phase[string] = paginate.Flat[string]{First: "/p", Fetch: fetch}
				if nested {
					phase = paginate.Nested[string, string]{First: "/outer",
						Outer:      func(context.Context, string) ([]string, string, error) { return []string{"team"}, "", nil },
						InnerFirst: func(item string) string { return "/" + item },
						Inner: func(ctx context.Context, _ string, at string) ([]string, string, error) {
							return fetch(ctx, at)
						}}
				}
				l := paginate.Lister[string]{Scope: "test", Phases: []paginate.Phase[string]{phase}}
				_, _, err := l.Page(context.Background(), "", 100_000)
				var e *errs.Error
				is.True(errors.As(err, &e))
				is.Equal(e.Code, errs.APIError)
				is.True(strings.Contains(e.Message, "Pagination loop"))
				is.True(strings.Contains(e.Message, tt.message))
				is.Equal(fetches, tt.fetches) // stopped as soon as the loop showed
			})
		}
	}
}

// TestAdvanceEndsScans: a scan that reads a whole listing in one call
// with Page.Advance stops at a self-link or a cycle, and reads an ordinary
// listing to its end.
func TestAdvanceEndsScans(t *testing.T) {
	tests := []struct {
		name  string
		links map[string]string
		pages int // pages read
		err   bool
	}{
		{name: "ordinary", links: map[string]string{"/1": "/2", "/2": "/3", "/3": ""}, pages: 3},
		{name: "self-link", links: map[string]string{"/1": "/2", "/2": "/2"}, pages: 2, err: true},
		{name: "cycle", links: map[string]string{"/1": "/2", "/2": "/3", "/3": "/1"}, pages: 3, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			page, err := paginate.ByLink("test").Resume("", "/1")
			is.NoErr(err)
			pages := 0
			for more := true; more && err == nil; {
				pages++
				more, err = page.Advance(tt.links[page.At])
			}
			is.Equal(pages, tt.pages)
			is.Equal(err != nil, tt.err)
			if tt.err {
				is.True(strings.Contains(err.Error(), "Pagination loop"))
			}
		})
	}
}

// TestTokensHoldNoCredentials: a next-page URL carrying a credential is
// stored without it, by a Follower and by a Lister.
func TestTokensHoldNoCredentials(t *testing.T) {
	is := is.New(t)
	const secret = "s3cr3t-value"
	next := "https://api.example.com/users?page=2&access_token=" + secret + "&sig=" + secret + "&per_page=50"
	want := "https://api.example.com/users?page=2&per_page=50"

	f := paginate.ByLink("test")
	page, err := f.Resume("", "https://api.example.com/users")
	is.NoErr(err)
	token, err := page.Next(next)
	is.NoErr(err)
	raw, err := base64.RawURLEncoding.DecodeString(token)
	is.NoErr(err)
	is.True(!strings.Contains(string(raw), secret)) // the token does not carry the credential
	resumed, err := f.Resume(token, "")
	is.NoErr(err)
	is.Equal(resumed.At, want)

	var fetched []string
	l := paginate.Lister[string]{Scope: "test", Phases: []paginate.Phase[string]{paginate.Flat[string]{First: "/users",
		Fetch: func(_ context.Context, at string) ([]string, string, error) {
			fetched = append(fetched, at)
			if at == "/users" {
				return []string{"a"}, next, nil
			}
			return []string{"b", "c"}, "", nil
		}}}}
	_, tok, err := l.Page(context.Background(), "", 2) // stops inside the second page
	is.NoErr(err)
	raw, err = base64.RawURLEncoding.DecodeString(tok)
	is.NoErr(err)
	is.True(!strings.Contains(string(raw), secret))
	_, _, err = l.Page(context.Background(), tok, 2)
	is.NoErr(err)
	is.Equal(fetched, []string{"/users", next, want}) // the next call fetches the page without the credential
}
