package paginate_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/httpclient"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

const scope = "github/list_accounts"

func code(err error) errs.ErrorCode {
	c, _ := errs.CodeOf(err)
	return c
}

func TestRoundTrips(t *testing.T) {
	t.Parallel()
	t.Run("link", func(t *testing.T) {
		is := is.New(t)
		pages := paginate.ByLink(scope)
		p, err := pages.Resume("", "/orgs/acme/members?per_page=100")
		is.NoErr(err)
		is.True(p.First)
		is.Equal(p.At, "/orgs/acme/members?per_page=100")
		urls := []string{"https://api.github.com/organizations/1/members?per_page=100&page=2", "https://api.github.com/organizations/1/members?per_page=100&page=3"}
		for _, u := range urls {
			token, err := p.Next(u)
			is.NoErr(err)
			is.True(token != "")
			p, err = pages.Resume(token, "ignored")
			is.NoErr(err)
			is.True(!p.First)
			is.Equal(p.At, u) // the URL comes back exactly as given
		}
		token, err := p.Next("")
		is.NoErr(err)
		is.Equal(token, "") // last page
	})
	t.Run("cursor", func(t *testing.T) {
		is := is.New(t)
		pages := paginate.ByCursor(scope)
		p, err := pages.Resume("", "")
		is.NoErr(err)
		is.Equal(p.At, "")
		for _, c := range []string{"dXNlcjpXMDc=", "dXNlcjpXMTQ=", "Y3Vyc29yOnYyOpK5MjAyMy0wMS0wMVQwMDowMDowMCswMDowMM4AAAAB"} {
			token, err := p.Next(c)
			is.NoErr(err)
			p, err = pages.Resume(token, "")
			is.NoErr(err)
			is.Equal(p.At, c)
		}
	})
	t.Run("offset", func(t *testing.T) {
		is := is.New(t)
		pages := paginate.ByOffset(scope)
		p, err := pages.Resume("", 0)
		is.NoErr(err)
		const size = 100
		for _, got := range []int{100, 100, 37} {
			token, err := p.Next(paginate.NextOffset(p.At, got, size))
			is.NoErr(err)
			if got < size {
				is.Equal(token, "")
				break
			}
			p, err = pages.Resume(token, 0)
			is.NoErr(err)
		}
		is.Equal(p.At, 200)
		is.Equal(paginate.NextPageNumber(1, 50, 50), 2)
		is.Equal(paginate.NextPageNumber(2, 49, 50), 0)
		is.Equal(paginate.NextOffset(0, 0, 50), 0)
	})
}

func TestInvalidTokens(t *testing.T) {
	t.Parallel()
	p, err := paginate.ByLink(scope).Resume("", "/a")
	if err != nil {
		t.Fatal(err)
	}
	good, err := p.Next("https://h.test/b?page=2")
	if err != nil {
		t.Fatal(err)
	}
	tampered := []byte(good)
	if tampered[5] == 'A' {
		tampered[5] = 'B'
	} else {
		tampered[5] = 'A'
	}
	forged, _ := pagetoken.Encode(scope, map[string]string{"at": "https://evil.test/"})
	tests := []struct {
		name  string
		token string
		use   func(string) error
	}{
		{"tampered", string(tampered), func(s string) error { _, err := paginate.ByLink(scope).Resume(s, ""); return err }},
		{"truncated", good[:len(good)-3], func(s string) error { _, err := paginate.ByLink(scope).Resume(s, ""); return err }},
		{"garbage", "not a token!", func(s string) error { _, err := paginate.ByLink(scope).Resume(s, ""); return err }},
		{"another capability", good, func(s string) error { _, err := paginate.ByLink("github/list_resources").Resume(s, ""); return err }},
		{"another style", good, func(s string) error { _, err := paginate.ByCursor(scope).Resume(s, ""); return err }},
		{"another style and type", good, func(s string) error { _, err := paginate.ByOffset(scope).Resume(s, 0); return err }},
		{"made outside paginate", forged, func(s string) error { _, err := paginate.ByLink(scope).Resume(s, ""); return err }},
		{"too long", strings.Repeat("A", pagetoken.MaxTokenBytes+1), func(s string) error { _, err := paginate.ByLink(scope).Resume(s, ""); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			is.Equal(code(tt.use(tt.token)), errs.InvalidPageToken)
		})
	}
}

func TestRepeatedPage(t *testing.T) {
	t.Parallel()
	walk := func(f *paginate.Follower[string], first string, next ...string) error {
		p, err := f.Resume("", first)
		if err != nil {
			return err
		}
		for _, n := range next {
			token, err := p.Next(n)
			if err != nil {
				return err
			}
			if p, err = f.Resume(token, first); err != nil {
				return err
			}
		}
		return nil
	}
	history2 := paginate.ByCursor(scope)
	history2.History = 2
	none := paginate.ByCursor(scope)
	none.History = -1
	tests := []struct {
		name  string
		f     *paginate.Follower[string]
		first string
		next  []string
		fails bool
	}{
		{"no repeat", paginate.ByCursor(scope), "", []string{"a", "b", "c"}, false},
		{"same cursor again", paginate.ByCursor(scope), "", []string{"a", "a"}, true},
		{"back to an earlier page", paginate.ByCursor(scope), "", []string{"a", "b", "c", "a"}, true},
		{"back to the first page", paginate.ByLink(scope), "https://h.test/1", []string{"https://h.test/2", "https://h.test/1"}, true},
		{"history 2 catches a cycle of 3", history2, "", []string{"a", "b", "c", "a"}, true},
		{"history 2 misses a cycle of 4", history2, "", []string{"a", "b", "c", "d", "a"}, false},
		{"no history still catches an immediate repeat", none, "", []string{"a", "a"}, true},
		{"no history misses a cycle of 2", none, "", []string{"a", "b", "a"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			err := walk(tt.f, tt.first, tt.next...)
			if !tt.fails {
				is.NoErr(err)
				return
			}
			is.Equal(code(err), errs.APIError)
			is.True(strings.HasPrefix(err.Error(), "Pagination loop: the API's next page ("))
		})
	}
	is := is.New(t)
	p, _ := paginate.ByOffset(scope).Resume("", 0)
	token, _ := p.Next(100)
	p, _ = paginate.ByOffset(scope).Resume(token, 0)
	_, err := p.Next(100)
	is.Equal(err.Error(), "Pagination loop: the API's next page (offset or page 100) is one this listing already fetched; stopping instead of paging forever.")
}

func TestSizeCap(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	f := paginate.ByCursor(scope)
	p, err := f.Resume("", "")
	is.NoErr(err)
	_, err = p.Next(strings.Repeat("x", pagetoken.MaxTokenBytes))
	is.Equal(code(err), errs.APIError) // never fits
	is.True(strings.Contains(err.Error(), "too long to fit in a page token"))

	// A long cursor with a full history: the oldest pages are forgotten.
	for i := range paginate.DefaultHistory + 10 {
		token, err := p.Next(fmt.Sprintf("cursor-%d-%s", i, strings.Repeat("y", 2500)))
		is.NoErr(err)
		is.True(len(token) <= pagetoken.MaxTokenBytes)
		p, err = f.Resume(token, "")
		is.NoErr(err)
	}
	// Short cursors keep the whole history.
	p, _ = f.Resume("", "")
	for i := range paginate.DefaultHistory + 10 {
		token, err := p.Next("c" + strconv.Itoa(i))
		is.NoErr(err)
		is.True(len(token) <= pagetoken.MaxTokenBytes)
		p, _ = f.Resume(token, "")
	}
	_, err = p.Next("c20") // 53 pages back: still remembered
	is.Equal(code(err), errs.APIError)
}

// TestWithClient drains a Link-paginated listing through httpclient, with
// an upstream whose third page links back to the second.
func TestWithClient(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		if page == 0 {
			page = 1
		}
		next := page + 1
		if page == 3 {
			next = 2 // the bug
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s/organizations/1/members?page=%d>; rel="next", <%s/organizations/1/members?page=1>; rel="first"`, srv.URL, next, srv.URL))
		fmt.Fprintf(w, `[{"login":"user%d"}]`, page)
	}))
	t.Cleanup(srv.Close)
	c := httpclient.New(context.Background(), httpclient.Options{BaseURL: srv.URL})
	pages := paginate.ByLink("test/list_accounts")
	token, logins := "", []string{}
	var err error
	for range 10 {
		var p *paginate.Page[string]
		if p, err = pages.Resume(token, "/orgs/acme/members"); err != nil {
			break
		}
		var members []struct{ Login string }
		r, e := c.GetJSON(context.Background(), p.At, &members)
		if err = e; err != nil {
			break
		}
		logins = append(logins, members[0].Login)
		if token, err = p.Next(paginate.NextLink(r.Header)); err != nil || token == "" {
			break
		}
	}
	is.Equal(logins, []string{"user1", "user2", "user3"})
	is.Equal(code(err), errs.APIError)
	is.True(strings.Contains(err.Error(), "/organizations/1/members (query not shown)"))
}
