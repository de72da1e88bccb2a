package scim

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// MaxPageSize is the largest Lumos page size served.
const MaxPageSize = 10_000

// nestedBudget bounds the upstream requests of one call of a listing that
// reads each group's members in turn (membership_source users_by_group):
// past it the call returns what it has and a token to go on, so many small
// or empty groups cannot make one call unbounded.
const nestedBudget = 200

// listResponse is a SCIM ListResponse (RFC 7644 §3.4.2).
type listResponse[T any] struct {
	TotalResults *int `json:"totalResults"`
	StartIndex   int  `json:"startIndex"`
	ItemsPerPage int  `json:"itemsPerPage"`
	Resources    []*T `json:"Resources"`
}

// listPath is the path of the page of endpoint at startIndex start, count
// count, with the extra query parameters.
func listPath(endpoint string, start, count int, extra url.Values) string {
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	q.Set("startIndex", strconv.Itoa(start))
	q.Set("count", strconv.Itoa(count))
	return endpoint + "?" + q.Encode()
}

// position reads startIndex and count back from a page's path (0 when absent).
func position(at string) (start, count int) {
	_, query, _ := strings.Cut(at, "?")
	q, _ := url.ParseQuery(query)
	start, _ = strconv.Atoi(q.Get("startIndex"))
	count, _ = strconv.Atoi(q.Get("count"))
	return start, count
}

// withStart is at with its startIndex replaced by start.
func withStart(at string, start int) string {
	path, query, _ := strings.Cut(at, "?")
	q, _ := url.ParseQuery(query)
	q.Set("startIndex", strconv.Itoa(start))
	return path + "?" + q.Encode()
}

// nextStart is the startIndex of the page after one read at start that
// held got items out of total (nil when the server did not say), asked
// with count; 0 when that page was the last. An empty page always ends the
// listing; a server that ignores count is followed by what it returned; a
// changing total is read from the latest page. A page ending past the
// largest int ends the listing.
func nextStart(start, count, got int, total *int) int {
	if got == 0 || got > math.MaxInt-start {
		return 0
	}
	next := start + got
	if total != nil {
		if next > *total {
			return 0
		}
		return next
	}
	if got < count {
		return 0
	}
	return next
}

// getList reads one SCIM list page at at, refusing null resources.
func getList[T any](ctx context.Context, ss *session, at string) ([]T, string, error) {
	var lr listResponse[T]
	if _, err := ss.c.GetJSON(ctx, at, &lr); err != nil {
		return nil, "", err
	}
	out := make([]T, 0, len(lr.Resources))
	for i, r := range lr.Resources {
		if r == nil {
			return nil, "", errs.Newf(errs.InvalidResponse, "SCIM: resource %d of the page %s is null.", i, errs.URLWithoutQuery(at))
		}
		out = append(out, *r)
	}
	start, count := position(at)
	if start < 1 {
		start = 1
	}
	if n := nextStart(start, count, len(out), lr.TotalResults); n > 0 {
		return out, withStart(at, n), nil
	}
	return out, "", nil
}

// flat is a Flat phase over the SCIM listing endpoint (with extra query
// parameters), each resource giving entries.
func flat[T, E any](ss *session, endpoint string, extra url.Values, entries func(*T) []E) paginate.Flat[E] {
	return paginate.Flat[E]{
		FirstFor: func(pp int) string { return listPath(endpoint, 1, pp, extra) },
		SizeOf:   func(at string) int { _, c := position(at); return c },
		Fetch: func(ctx context.Context, at string) ([]E, string, error) {
			items, next, err := getList[T](ctx, ss, at)
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
// capability and the settings that shape the listing.
func (ss *session) scope(cap toolkit.CapabilityName) string {
	return fmt.Sprintf("scim/%s/%s/%s/%s/%d/%s/%t", cap, tenantID(ss.s.BaseURL), ss.s.UsersPath, ss.s.GroupsPath,
		ss.s.PageSize, ss.s.MembershipSource, ss.s.FilterSupported)
}

// page runs one Lumos page of a listing made of phases.
func page[E any](ctx context.Context, ss *session, cap toolkit.CapabilityName, p *toolkit.Page, wholePages bool, phases ...paginate.Phase[E]) ([]E, *toolkit.Page, error) {
	l := paginate.Lister[E]{Scope: ss.scope(cap), Phases: phases, PerPage: ss.s.PageSize, WholePages: wholePages,
		Headroom: ss.c.RateLimitRemaining, NestedBudget: nestedBudget}
	return l.Serve(ctx, p, DefaultPageSize)
}

// scan reads a whole listing within one call, page by page, handing each
// page's resources to each; the repeat guard and the call's budget bound it.
func scan[T any](ctx context.Context, ss *session, first string, each func([]T) (done bool)) error {
	pg, err := paginate.ByLink("scim/scan").Resume("", first)
	if err != nil {
		return err
	}
	for {
		items, next, err := getList[T](ctx, ss, pg.At)
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
