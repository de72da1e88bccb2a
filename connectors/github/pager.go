package github

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// DefaultPageSize is the Lumos page size when a request names none.
const DefaultPageSize = 100

// MaxPageSize is the largest Lumos page size served (declared to the
// toolkit, which serves a larger page.size at this one): 100 GitHub
// requests of 100 items.
const MaxPageSize = 10_000

// maxPerPage is GitHub's largest per_page.
const maxPerPage = 100

// nestedBudget bounds the upstream requests of one call walking nested
// listings (teams' members, repositories' collaborators), so a call stays
// short even when many teams or repositories have nothing to report.
const nestedBudget = 200

// lister is a paginate.Lister sized by a request's page: GitHub pages of
// min(size, 100), at most nestedBudget requests once a nested phase is
// reached.
type lister[E any] struct {
	paginate.Lister[E]
	size int
}

// newLister sizes a listing of capability cap from the request's page;
// its pages known in advance are fetched concurrently while the rate limit
// leaves room (paginate.Lister.Headroom).
func newLister[E any](ss *session, cap toolkit.CapabilityName, page *toolkit.Page) *lister[E] {
	size := DefaultPageSize
	if page != nil && page.Size > 0 {
		size = page.Size
	}
	return &lister[E]{size: size, Lister: paginate.Lister[E]{
		Scope: ss.scope(cap), PerPage: min(size, maxPerPage), NestedBudget: nestedBudget,
		Headroom: ss.c.RateLimitRemaining,
	}}
}

// run returns the entries of one Lumos page and the page to ask for next
// (nil on the last page).
func (l *lister[E]) run(ctx context.Context, page *toolkit.Page) ([]E, *toolkit.Page, error) {
	return l.Serve(ctx, page, l.size)
}

// perPageOf reads the per_page of a page URL (GitHub carries it into its
// Link URLs), else 0 (the lister's own page size).
func perPageOf(path string) int {
	_, query, _ := strings.Cut(path, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return 0
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		return n
	}
	return 0
}

// vanished reads a 404 of a team's or repository's listing as an empty
// listing: the team or repository was deleted since the outer page was read.
func vanished[E any](entries []E, next string, err error) ([]E, string, error) {
	if status(err) == http.StatusNotFound {
		return nil, "", nil
	}
	return entries, next, err
}

// listPage is one page of a GitHub list: its entries and the Link
// header's next and last pages ("" when absent).
type listPage[T any] struct {
	items      []T
	next, last string
}

// getList reads one page of a GitHub list into out's element type,
// refusing null entries and entries valid rejects: either is an
// invalid_response error naming the page and the entry. It returns the next
// page's URL ("" on the last page).
func getList[T any](ctx context.Context, ss *session, path string, valid func(*T) error) ([]T, string, error) {
	p, err := getPage(ctx, ss, path, valid)
	return p.items, p.next, err
}

// getPage is getList keeping the Link header's last page too.
func getPage[T any](ctx context.Context, ss *session, path string, valid func(*T) error) (listPage[T], error) {
	var list []*T
	resp, err := ss.c.GetJSON(ctx, path, &list)
	if err != nil {
		return listPage[T]{}, err
	}
	page := path
	if u, err := ss.c.URL(path); err == nil {
		page = u
	}
	if err := httpclient.CheckList(page, list, valid); err != nil {
		return listPage[T]{}, err
	}
	out := make([]T, len(list))
	for i, e := range list {
		out[i] = *e
	}
	return listPage[T]{items: out, next: nextLink(resp.Header), last: paginate.LastLink(resp.Header)}, nil
}

// numbered is a Flat phase's FetchNumbered reading pages of T with getPage
// and turning their items into entries with entries; fail rewrites an
// error.
func numbered[T, E any](ss *session, valid func(*T) error, fail func(error) error, entries func([]T) []E) func(context.Context, string) ([]E, string, string, error) {
	return func(ctx context.Context, path string) ([]E, string, string, error) {
		p, err := getPage(ctx, ss, path, valid)
		if err != nil {
			return nil, "", "", fail(err)
		}
		return entries(p.items), p.next, p.last, nil
	}
}

// each turns every item into one entry.
func each[T, E any](entry func(*T) E) func([]T) []E {
	return func(items []T) []E {
		out := make([]E, len(items))
		for i := range items {
			out[i] = entry(&items[i])
		}
		return out
	}
}

// scaledPerPage is a SizeOf for pages whose every item gives n entries.
func scaledPerPage(n int) func(string) int {
	return func(at string) int { return n * perPageOf(at) }
}

// scan reads a listing within one call, from first, page by page: fetch
// reads the page at at and returns the next page ("" on the last) and
// whether the scan is done. A next link back to a page the scan already
// read ends it with api_error (paginate's repeat guard), so a scan always
// ends; the call's budget bounds the rest.
func scan(first string, fetch func(at string) (next string, done bool, err error)) error {
	page, err := paginate.ByLink("github/scan").Resume("", first)
	if err != nil {
		return err
	}
	for {
		next, done, err := fetch(page.At)
		if err != nil || done {
			return err
		}
		more, err := page.Advance(next)
		if err != nil || !more {
			return err
		}
	}
}

// positiveID checks an entry's numeric id.
func positiveID(id int64) error {
	if id <= 0 {
		return errors.New("its id is missing, zero or negative")
	}
	return nil
}

// nextLink is the rel="next" target of a GitHub answer, as given.
func nextLink(h http.Header) string { return paginate.NextLink(h) }
