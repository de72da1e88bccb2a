package github

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// DefaultPageSize is the Lumos page size when a request names none.
const DefaultPageSize = 100

// maxPerPage is GitHub's largest per_page.
const maxPerPage = 100

// nestedBudget bounds the upstream requests of one call walking nested
// listings (teams' members, repositories' collaborators), so a call stays
// short even when many teams or repositories have nothing to report.
const nestedBudget = 200

// cursor is where a listing stands; it travels in the page token (through
// toolkit/paginate, which adds integrity and a repeated-page guard).
type cursor struct {
	Phase int    `json:"p"`
	URL   string `json:"u,omitempty"` // the upstream page to fetch ("" = the phase's, or the item's, first page), as GitHub linked it
	Skip  int    `json:"s,omitempty"` // entries of that page already returned
	Outer string `json:"o,omitempty"` // nested phases: the outer page being walked
	Item  int    `json:"i,omitempty"` // nested phases: the item of the outer page being listed
}

// outerItem is one item of a nested phase's outer listing (a team, a
// repository): the first page of its own listing and the resource id its
// entries belong to.
type outerItem struct {
	Path string
	Key  string
}

// phase is one part of a listing. Exactly one of static, fetch and outer is set.
type phase[E any] struct {
	// static gives entries without a listing (e.g. the organization).
	static func(ctx context.Context) ([]E, error)
	// first and fetch make a flat listing: fetch reads one page and returns
	// its entries and the next page's URL. firstFor, if set, replaces first
	// in whole-page listings: the first page's path for a per_page.
	first    string
	firstFor func(perPage int) string
	fetch    func(ctx context.Context, path string) ([]E, string, error)
	// outerFirst, outer and inner make a nested listing: the entries of each
	// item of the outer listing.
	outerFirst string
	outer      func(ctx context.Context, path string) ([]outerItem, string, error)
	inner      func(ctx context.Context, it outerItem, path string) ([]E, string, error)
}

// lister runs phases page after page: a Lumos page of size entries is
// filled from as many upstream pages as it takes, and the token resumes
// exactly after the last entry returned, in the middle of an upstream page
// if need be (that page is then fetched again and the entries already
// returned are skipped).
type lister[E any] struct {
	scope   string
	size    int
	perPage int
	// whole never fetches an upstream page twice: it stops before a page
	// that might not fit. A phase that starts with room for at least half a
	// page asks for pages of exactly that room (firstFor), so a phase
	// following a short one does not leave the Lumos page half empty; with
	// less room the phase starts on the next call. Used for flat,
	// one-entry-per-item listings (list_accounts).
	whole  bool
	phases []phase[E]
}

// newLister sizes a listing from the request's page.
func newLister[E any](scope string, page *toolkit.Page) *lister[E] {
	size := DefaultPageSize
	if page != nil && page.Size > 0 {
		size = page.Size
	}
	return &lister[E]{scope: scope, size: size, perPage: min(size, maxPerPage)}
}

func pageToken(page *toolkit.Page) string {
	if page == nil {
		return ""
	}
	return page.Token
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// run returns the entries of one Lumos page and the page to ask for next
// (nil on the last page).
func (l *lister[E]) run(ctx context.Context, token string) ([]E, *toolkit.Page, error) {
	f := paginate.ByCursor(l.scope)
	pos, err := f.Resume(token, encodeCursor(cursor{}))
	if err != nil {
		return nil, nil, err
	}
	var cur cursor
	dec := json.NewDecoder(strings.NewReader(pos.At))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cur); err != nil || cur.Phase < 0 || cur.Phase > len(l.phases) || cur.Skip < 0 || cur.Item < 0 {
		return nil, nil, errs.New(errs.InvalidPageToken, "Invalid page token: its content does not match this listing. Start the listing again without a page token.")
	}
	out := make([]E, 0, min(l.size, 1000))
	requests := 0
	done := false
	for !done && cur.Phase < len(l.phases) {
		ph := l.phases[cur.Phase]
		switch {
		case ph.static != nil:
			entries, err := ph.static(ctx)
			if err != nil {
				return nil, nil, err
			}
			entries = entries[min(cur.Skip, len(entries)):]
			if room := l.size - len(out); len(entries) > room {
				out = append(out, entries[:room]...)
				cur.Skip += room
				done = true
				break
			}
			out = append(out, entries...)
			cur = cursor{Phase: cur.Phase + 1}
		case ph.fetch != nil:
			for {
				room := l.size - len(out)
				if room <= 0 {
					done = true
					break
				}
				path, pp := cur.URL, l.perPage
				switch {
				case path == "" && l.whole && ph.firstFor != nil:
					if room < (l.perPage+1)/2 {
						done = true // start the phase with whole pages on the next call
						break
					}
					pp = min(room, l.perPage)
					path = ph.firstFor(pp)
				case path == "":
					path = ph.first
				case l.whole:
					pp = perPageOf(path, l.perPage)
				}
				if done || (l.whole && room < pp) {
					done = true // the next page might not fit
					break
				}
				entries, next, err := ph.fetch(ctx, path)
				if err != nil {
					return nil, nil, err
				}
				requests++
				entries = entries[min(cur.Skip, len(entries)):]
				if len(entries) > room {
					out = append(out, entries[:room]...)
					cur.URL, cur.Skip = path, cur.Skip+room
					done = true
					break
				}
				out = append(out, entries...)
				if next == "" {
					cur = cursor{Phase: cur.Phase + 1}
					break
				}
				cur = cursor{Phase: cur.Phase, URL: next}
			}
		default:
			if requests >= nestedBudget || l.size-len(out) <= 0 {
				done = true
				break
			}
			outerPath := cur.Outer
			if outerPath == "" {
				outerPath = ph.outerFirst
			}
			items, outerNext, err := ph.outer(ctx, outerPath)
			if err != nil {
				return nil, nil, err
			}
			requests++
			cur.Outer = outerPath
		items:
			for cur.Item < len(items) {
				it := items[cur.Item]
				for {
					room := l.size - len(out)
					if room <= 0 || requests >= nestedBudget {
						done = true
						break items
					}
					path := cur.URL
					if path == "" {
						path = it.Path
					}
					entries, next, err := ph.inner(ctx, it, path)
					requests++
					if status(err) == http.StatusNotFound {
						entries, next, err = nil, "", nil // deleted since the outer page was read
					}
					if err != nil {
						return nil, nil, err
					}
					entries = entries[min(cur.Skip, len(entries)):]
					if len(entries) > room {
						out = append(out, entries[:room]...)
						cur.URL, cur.Skip = path, cur.Skip+room
						done = true
						break items
					}
					out = append(out, entries...)
					if next == "" {
						break
					}
					cur.URL, cur.Skip = next, 0
				}
				cur.Item, cur.URL, cur.Skip = cur.Item+1, "", 0
			}
			if done {
				break
			}
			if outerNext == "" {
				cur = cursor{Phase: cur.Phase + 1}
			} else {
				cur = cursor{Phase: cur.Phase, Outer: outerNext}
			}
		}
	}
	if cur.Phase >= len(l.phases) {
		return out, nil, nil
	}
	next, err := pos.Next(encodeCursor(cur))
	if err != nil {
		return nil, nil, err
	}
	if next == "" {
		return out, nil, nil
	}
	return out, &toolkit.Page{Token: next, Size: l.size}, nil
}

// perPageOf reads the per_page of a page URL (GitHub carries it into its
// Link URLs), else def.
func perPageOf(path string, def int) int {
	_, query, _ := strings.Cut(path, "?")
	q, err := url.ParseQuery(query)
	if err != nil {
		return def
	}
	if n, err := strconv.Atoi(q.Get("per_page")); err == nil && n > 0 {
		return n
	}
	return def
}

// nextLink is the rel="next" target of a GitHub answer, as given.
func nextLink(h http.Header) string { return paginate.NextLink(h) }
