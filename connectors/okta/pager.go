package okta

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// MaxUpstreamPage is Okta's largest limit for users, groups and most lists.
const MaxUpstreamPage = 200

// DefaultPageSize is the Lumos page size when a request names none.
const DefaultPageSize = 100

// MaxPageSize is the largest Lumos page size served: 50 Okta requests of 200.
const MaxPageSize = 10_000

// nestedBudget bounds the upstream requests of one call walking nested
// listings (each group's members, each app's users), so a call stays short
// even when many groups are empty.
const nestedBudget = 200

// listPath is the first page of endpoint with limit n and the extra query.
func listPath(endpoint string, n int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("limit", strconv.Itoa(n))
	return endpoint + "?" + q.Encode()
}

// limitOf reads the limit of a page URL (Okta carries it into its Link
// URLs), else 0.
func limitOf(at string) int {
	_, query, _ := strings.Cut(at, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return 0
	}
	n, err := strconv.Atoi(q.Get("limit"))
	if err != nil {
		return 0 // absent, not a number, or beyond an int
	}
	return max(n, 0)
}

// getList reads one page of an Okta list, refusing null entries and the
// entries valid rejects, and returns the next page's URL from the Link
// header ("" on the last page).
func getList[T any](ctx context.Context, ss *session, at string, valid func(*T) error) ([]T, string, error) {
	var list []*T
	resp, err := ss.c.GetJSON(ctx, at, &list)
	if err != nil {
		return nil, "", err
	}
	page := at
	if u, err := ss.c.URL(at); err == nil {
		page = u
	}
	if err := httpclient.CheckList(page, list, valid); err != nil {
		return nil, "", err
	}
	out := make([]T, len(list))
	for i, e := range list {
		out[i] = *e
	}
	return out, paginate.NextLink(resp.Header), nil
}

// flat is a Flat phase over an Okta listing endpoint (with extra query
// parameters), each item giving entries.
func flat[T, E any](ss *session, endpoint string, extra url.Values, valid func(*T) error, entries func(*T) []E) paginate.Flat[E] {
	return paginate.Flat[E]{
		FirstFor: func(pp int) string { return listPath(endpoint, min(pp, ss.s.PageSize), extra) },
		SizeOf:   limitOf,
		Fetch: func(ctx context.Context, at string) ([]E, string, error) {
			items, next, err := getList(ctx, ss, at, valid)
			if err != nil {
				return nil, "", err
			}
			var out []E
			for i := range items {
				out = append(out, entries(&items[i])...)
			}
			return out, next, nil
		},
	}
}

// scope names a listing's page tokens: a token works only with the same
// capability, org and the settings that shape the listing.
func (ss *session) scope(cap toolkit.CapabilityName) string {
	return fmt.Sprintf("okta/%s/%s/%d/%t/%t", cap, tenantHost(ss.s.BaseURL), ss.s.PageSize, ss.s.IncludeDeprovisioned, ss.s.IncludeAppAssignments)
}

// page runs one Lumos page of a listing made of phases.
func page[E any](ctx context.Context, ss *session, cap toolkit.CapabilityName, p *toolkit.Page, wholePages bool, phases ...paginate.Phase[E]) ([]E, *toolkit.Page, error) {
	l := paginate.Lister[E]{Scope: ss.scope(cap), Phases: phases, PerPage: ss.s.PageSize, WholePages: wholePages,
		Headroom: ss.c.RateLimitRemaining, NestedBudget: nestedBudget}
	return l.Serve(ctx, p, DefaultPageSize)
}

// scan reads a whole listing within one call, page by page, handing each
// page's items to each; the repeat guard and the call's budget bound it.
func scan[T any](ctx context.Context, ss *session, first string, valid func(*T) error, each func([]T) (done bool)) error {
	pg, err := paginate.ByLink("okta/scan").Resume("", first)
	if err != nil {
		return err
	}
	for {
		items, next, err := getList(ctx, ss, pg.At, valid)
		if err != nil {
			return err
		}
		if each(items) {
			return nil
		}
		more, err := pg.Advance(next)
		if err != nil || !more {
			return err
		}
	}
}

// hasID refuses an entry without an id.
func hasID(id string) error {
	if id == "" {
		return errors.New("its id is missing")
	}
	return nil
}
