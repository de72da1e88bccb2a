// Package paginate turns where an upstream API's next page is into a Lumos
// page token and back, for the three usual API styles: a Link header
// (RFC 8288 rel="next"), a cursor in the body, and an offset or page number.
//
// A follower guards every listing against loops: a token remembers
// fingerprints of the pages already fetched, and a next page equal to one of
// them fails the listing with an *errs.Error of code api_error instead of
// paging forever. Tokens are made by toolkit/pagetoken (versioned,
// integrity-checked, size-capped), scoped by the caller, typically
// "<app_id>/<capability>":
//
//	pages := paginate.ByLink("github/list_accounts")
//	page, err := pages.Resume(req.Page.Token, "/orgs/acme/members?per_page=100")
//	if err != nil {
//		return resp, err // invalid_page_token
//	}
//	var members []Member
//	r, err := client.GetJSON(ctx, page.At, &members)
//	...
//	token, err := page.Next(paginate.NextLink(r.Header)) // "" on the last page
//
// A listing made of several parts (a few fixed entries, then one upstream
// listing after another, or one inner listing per item of an outer one) is
// a Lister of phases: Static, Flat and Nested. Its Page method fills a
// Lumos page from as many upstream pages as it takes and returns a token
// that resumes exactly after the last entry returned.
package paginate

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// DefaultHistory is how many pages a token remembers for the repeat guard
// when Follower.History is 0: 64 fingerprints take about 900 bytes of the
// token. A token too large for pagetoken.MaxTokenBytes forgets its oldest
// pages first.
const DefaultHistory = 64

// Position is what locates an upstream page: a URL or a cursor (string),
// or an offset or page number (int). Its zero value means "no page".
type Position interface{ ~string | ~int | ~int64 }

// Follower makes and reads the page tokens of one listing style in one scope.
type Follower[P Position] struct {
	// History is how many past pages a token remembers (the repeat guard's
	// reach); 0 means DefaultHistory, a negative value none (only an
	// immediate repeat is caught).
	History int

	scope    string
	describe func(P) string
	clean    func(P) P // what a token stores of a position: secrets stripped
}

// ByLink follows Link headers: positions are the URLs of rel="next", used
// exactly as given (see NextLink). Pass them to httpclient, which refuses a
// URL outside the connector's base URL, so an edited token cannot send
// credentials elsewhere.
func ByLink(scope string) *Follower[string] {
	return &Follower[string]{scope: scope + "\x00link", describe: func(u string) string {
		return errs.URLWithoutQuery(u) + " (query not shown)"
	}, clean: pagetoken.StripSecrets}
}

// ByCursor follows cursors the API returns in its bodies (the caller
// extracts them, e.g. response_metadata.next_cursor or pageInfo.endCursor;
// an empty cursor means the last page).
func ByCursor(scope string) *Follower[string] {
	return &Follower[string]{scope: scope + "\x00cursor", describe: func(c string) string {
		if len(c) > 40 {
			c = c[:40] + "…"
		}
		return "cursor " + strconv.Quote(c)
	}, clean: pagetoken.StripSecrets}
}

// ByOffset follows offsets or page numbers; the caller computes the next
// one (see NextOffset and NextPageNumber), 0 meaning there is none.
func ByOffset(scope string) *Follower[int] {
	return &Follower[int]{scope: scope + "\x00offset", describe: func(n int) string {
		return "offset or page " + strconv.Itoa(n)
	}}
}

// NextOffset returns the offset of the page after one read at offset with
// page size size that held got items, or 0 when that page was not full
// (the last one).
func NextOffset(offset, got, size int) int {
	if got <= 0 || got < size {
		return 0
	}
	return offset + got
}

// NextPageNumber returns the number of the page after page (of size size,
// holding got items), or 0 when that page was not full (the last one).
func NextPageNumber(page, got, size int) int {
	if got <= 0 || got < size {
		return 0
	}
	return page + 1
}

// Page is where a listing stands: the upstream page to fetch now, and
// (in fingerprints) the pages fetched before it.
type Page[P Position] struct {
	At    P    // the upstream position of the page to fetch
	First bool // no token was given: At is the first page

	f    *Follower[P]
	seen []uint64 // fingerprints, oldest first, At's last
	last string   // a Lister's hint: where the listing's last page is ("" unknown)
}

// state is a token's content.
type state[P Position] struct {
	At   P      `json:"at"`
	Seen string `json:"seen,omitempty"` // base64url of 8-byte fingerprints, oldest first
	Last string `json:"l,omitempty"`    // a Lister's hint: the last page of the Flat phase At is in
}

// Resume reads a page token from a request: an empty token starts the
// listing at first. A token that is malformed, altered, or made for another
// scope or style gives an *errs.Error with code invalid_page_token.
func (f *Follower[P]) Resume(token string, first P) (*Page[P], error) {
	if token == "" {
		return &Page[P]{At: first, First: true, f: f, seen: []uint64{fingerprint(first)}}, nil
	}
	var st state[P]
	if err := pagetoken.Decode(f.scope, token, &st); err != nil {
		return nil, err
	}
	var zero P
	raw, err := base64.RawURLEncoding.Strict().DecodeString(st.Seen)
	if st.At == zero || err != nil || len(raw)%8 != 0 {
		return nil, errs.New(errs.InvalidPageToken, "Invalid page token: its content does not match this capability. Start the listing again without a page token.")
	}
	seen := make([]uint64, 0, len(raw)/8+1)
	for i := 0; i < len(raw); i += 8 {
		seen = append(seen, binary.BigEndian.Uint64(raw[i:]))
	}
	return &Page[P]{At: st.At, f: f, seen: append(seen, fingerprint(st.At)), last: st.Last}, nil
}

// Next returns the token for the page after this one, found at next; the
// zero position (empty URL or cursor, offset 0) means this page is the last
// and gives "". A next page the listing already fetched fails with an
// *errs.Error of code api_error. A position too long for a page token, even
// with no history, fails the same way.
//
// A position that is a URL is stored without its credential query
// parameters (see pagetoken.StripSecrets): the next call fetches it without
// them, with the client's own credentials.
func (p *Page[P]) Next(next P) (string, error) { return p.next(next, "") }

// next is Next storing last, where the listing's last page is, as a hint
// the token may drop when it is too long.
func (p *Page[P]) next(next P, last string) (string, error) {
	var zero P
	if next == zero {
		return "", nil
	}
	if p.f.clean != nil {
		next = p.f.clean(next)
	}
	if slices.Contains(p.seen, fingerprint(next)) {
		return "", p.loop(next)
	}
	history := p.f.History
	switch {
	case history == 0:
		history = DefaultHistory
	case history < 0:
		history = 0 // Resume still adds the current page: an immediate repeat is caught
	}
	seen := p.seen
	if len(seen) > history {
		seen = seen[len(seen)-history:]
	}
	last = pagetoken.StripSecrets(last)
	for {
		token, err := pagetoken.Encode(p.f.scope, state[P]{At: next, Seen: encodeSeen(seen), Last: last})
		if err == nil {
			return token, nil
		}
		if last != "" {
			last = "" // a hint only: dropped before any history
			continue
		}
		if len(seen) == 0 {
			return "", errs.Wrap(err, errs.APIError, "The API's next page position is too long to fit in a page token ("+
				strconv.Itoa(pagetoken.MaxTokenBytes)+" bytes at most): "+p.f.describe(next)+".")
		}
		seen = seen[max(1, len(seen)/2):] // forget the older half
	}
}

// Advance moves p to the page at next within one call, for a scan that
// reads a whole listing in one call: it reports false, leaving p as it is,
// when next is the zero position (p was the last page), and fails with an
// *errs.Error of code api_error when next is a page the scan (or the
// token's history) already fetched: a self-link or a cycle. Unlike Next it
// forgets no page.
func (p *Page[P]) Advance(next P) (bool, error) {
	var zero P
	if next == zero {
		return false, nil
	}
	fp := fingerprint(next)
	if slices.Contains(p.seen, fp) {
		return false, p.loop(next)
	}
	p.seen = append(p.seen, fp)
	p.At, p.First = next, false
	return true, nil
}

// loop is the error of a listing whose next page, at next, is one it
// already fetched.
func (p *Page[P]) loop(next P) error {
	return errs.Newf(errs.APIError,
		"Pagination loop: the API's next page (%s) is one this listing already fetched; stopping instead of paging forever.",
		p.f.describe(next))
}

func encodeSeen(seen []uint64) string {
	if len(seen) == 0 {
		return ""
	}
	raw := make([]byte, 0, 8*len(seen))
	for _, fp := range seen {
		raw = binary.BigEndian.AppendUint64(raw, fp)
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// fingerprint names a position in 64 bits: collisions among a listing's
// pages are vanishingly unlikely.
func fingerprint[P Position](p P) uint64 {
	b, _ := json.Marshal(p)
	sum := sha256.Sum256(b)
	return binary.BigEndian.Uint64(sum[:8])
}
