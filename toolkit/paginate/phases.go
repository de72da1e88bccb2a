package paginate

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/pagetoken"
)

// MaxEmptyPages is how many empty upstream pages in a row, each linking to
// another, one call of a Lister accepts before failing with api_error: an
// API that keeps answering nothing but a next link is looping.
const MaxEmptyPages = 10

// Phase is one part of a listing walked by a Lister: a Static, a Flat or a
// Nested phase (the only implementations). A listing is its phases one
// after the other.
type Phase[E any] interface {
	// fill appends the phase's entries to r from r's cursor until the
	// Lumos page is full, a limit stops the call, or the phase ends.
	fill(ctx context.Context, r *run[E]) error
}

// Static is a phase whose entries come without an upstream listing, such
// as the organization itself or a fixed set of roles.
type Static[E any] struct {
	// Entries returns the phase's entries. It runs once per call that
	// reaches the phase, so it should be cheap or a single request.
	Entries func(ctx context.Context) ([]E, error)
}

// Flat is a phase read from one paged upstream listing.
type Flat[E any] struct {
	// First is the first page's path or URL.
	First string
	// FirstFor, when set, gives the first page's path or URL for an
	// upstream page size. A Lister with WholePages calls it with the room
	// left in the Lumos page; otherwise it is used when First is empty.
	FirstFor func(perPage int) string
	// SizeOf, when set, tells from a page's position how many entries that
	// page holds at most (e.g. its per_page), or 0 when it cannot tell.
	// WholePages uses it for pages reached through next links; pages of
	// unknown size count as Lister.PerPage.
	SizeOf func(at string) int
	// Fetch reads the page at at and returns its entries and the position
	// of the next page ("" on the last page).
	Fetch func(ctx context.Context, at string) (entries []E, next string, err error)
	// FetchNumbered, when set, is used instead of Fetch: it reads the page
	// at at likewise and also returns the position of the listing's last
	// page ("" when the answer does not tell), e.g. LastLink of a Link
	// header. When next and last are the same URL but for a page number
	// (one query parameter counting up by one, as in GitHub's Link URLs),
	// the pages after at that the Lumos page still takes are known in
	// advance, and the Lister fetches them concurrently (see
	// Lister.MaxConcurrentPages). Each is used only if the page before it
	// links to it, so an API that links otherwise loses nothing: the call
	// goes on one page at a time from where the links lead.
	FetchNumbered func(ctx context.Context, at string) (entries []E, next, last string, err error)
}

// Nested is a phase read from an outer listing (teams, repositories) whose
// every item has its own inner listing (its members, its collaborators).
// The outer page being walked is fetched again by each call that resumes
// inside it.
type Nested[O, E any] struct {
	// First is the outer listing's first page.
	First string
	// Outer reads one outer page: its items and the next outer page ("" on
	// the last one). Its items must come back in the same order when the
	// page is read again.
	Outer func(ctx context.Context, at string) (items []O, next string, err error)
	// InnerFirst is the first page of an item's inner listing.
	InnerFirst func(item O) string
	// Inner reads one page of item's inner listing. An item that vanished
	// since the outer page was read should give no entries and no error.
	Inner func(ctx context.Context, item O, at string) (entries []E, next string, err error)
}

// Lister walks a listing made of phases, one Lumos page per call: a page
// of size entries is filled from as many upstream pages as it takes, and
// the page token it returns resumes exactly after the last entry returned,
// in the middle of an upstream page if need be (that page is then fetched
// again and the entries already returned are skipped). Tokens carry the
// repeat guard of ByCursor: a listing that links back to a page it already
// fetched fails with api_error ("Pagination loop: …").
type Lister[E any] struct {
	// Scope names the listing's tokens, e.g. "<app_id>/<capability>/<tenant>";
	// a token works only with the same scope. Include in it whatever
	// changes the phases (settings that add or remove one).
	Scope string
	// Phases are the listing's parts, in order. Phases are identified by
	// their index: a token resumes in the same phase of the same list.
	Phases []Phase[E]
	// PerPage is the upstream page size the phases ask for; 0 means the
	// Lumos page size.
	PerPage int
	// WholePages fetches an upstream page only once: a call stops before
	// a page that might not fit in what is left of the Lumos page. A Flat
	// phase with FirstFor that starts with room for at least half a page
	// asks for pages of exactly that room; with less room it starts on the
	// next call. Pages may then hold fewer than size entries where a phase
	// ends. The exception is a call that has no entry yet and a page
	// larger than its whole size (the caller lowered page.size since the
	// token, or the API's next link names a larger page): it reads that
	// page and returns the part that fits, and the next call reads it
	// again to go on inside it, so every call makes progress. Use it where
	// one upstream item gives one entry.
	WholePages bool
	// NestedBudget bounds the upstream requests of one call that reaches a
	// Nested phase: once that many requests were made, the call returns
	// what it has (possibly nothing) and a token to go on. 0 means no
	// bound; 1 counts as 2, so that a call resuming inside an outer page
	// (which reads that page again) still makes progress.
	NestedBudget int
	// History is the repeat guard's reach, as Follower.History.
	History int
	// MaxConcurrentPages bounds how many upstream pages of a Flat phase
	// with FetchNumbered one call fetches at once: 0 means
	// DefaultMaxConcurrentPages (4), 1 one at a time; at most
	// MaxConcurrentPagesLimit. The environment variable
	// LUMOS_MAX_CONCURRENT_PAGES, when set to a positive integer, overrides
	// it. Pages are handed out in order; a call that fails on one page
	// cancels the others and waits for them before returning. A call that
	// records raw data fetches one page at a time.
	MaxConcurrentPages int
	// Headroom, when set, tells how many requests the upstream's rate
	// limit still allows (e.g. httpclient's Client.RateLimitRemaining), or
	// a negative number when it is not known. Below LowHeadroom, pages are
	// fetched one at a time.
	Headroom func() int
}

// cursor is where a listing stands; it travels in the page token as a
// ByCursor position.
type cursor struct {
	Phase int    `json:"p"`
	URL   string `json:"u,omitempty"` // the upstream page to fetch ("" = the phase's, or the item's, first page), as linked
	Skip  int    `json:"s,omitempty"` // entries of that page already returned
	Outer string `json:"o,omitempty"` // nested phases: the outer page being walked
	Item  int    `json:"i,omitempty"` // nested phases: the item of the outer page being listed
}

func (c cursor) encode() string {
	c.URL, c.Outer = pagetoken.StripSecrets(c.URL), pagetoken.StripSecrets(c.Outer)
	b, _ := json.Marshal(c)
	return string(b)
}

// run is one call of a Lister: the page being filled and where it stands.
type run[E any] struct {
	l        *Lister[E]
	size     int
	perPage  int
	cur      cursor
	out      []E
	requests int  // upstream requests made so far
	done     bool // the call stops: the page is full or a limit was reached
	pos      *Page[string]
	fetched  []uint64 // fingerprints of the upstream pages fetched by this call
	startKey uint64   // fingerprint of the token's page, Skip left out
	empties  int      // empty pages in a row, each with a next page
	last     string   // the current Flat phase's last page, as its latest answer linked it ("" unknown)

	resumesInside bool // the token points into a page an earlier call read
}

// Page returns the entries of one Lumos page of at most size entries (a
// size below 1 counts as 1) and the token of the next page, "" on the last
// one. An empty token starts the listing. A bad token gives an *errs.Error
// of code invalid_page_token; an error of a phase's functions is returned
// as is.
func (l *Lister[E]) Page(ctx context.Context, token string, size int) ([]E, string, error) {
	if len(l.Phases) == 0 {
		return nil, "", nil
	}
	r, err := l.start(token, max(size, 1))
	if err != nil {
		return nil, "", err
	}
	for !r.done && r.cur.Phase < len(l.Phases) {
		if r.room() <= 0 {
			break
		}
		if err := l.Phases[r.cur.Phase].fill(ctx, r); err != nil {
			return nil, "", err
		}
	}
	if r.cur.Phase >= len(l.Phases) {
		return r.out, "", nil
	}
	next, err := r.pos.next(r.cur.encode(), r.last)
	if err != nil {
		return nil, "", err
	}
	return r.out, next, nil
}

// start reads the token into a new run.
func (l *Lister[E]) start(token string, size int) (*run[E], error) {
	f := ByCursor(l.Scope)
	f.History = l.History
	pos, err := f.Resume(token, cursor{}.encode())
	if err != nil {
		return nil, err
	}
	var cur cursor
	dec := json.NewDecoder(strings.NewReader(pos.At))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cur); err != nil || cur.Phase < 0 || cur.Phase >= len(l.Phases) || cur.Skip < 0 || cur.Item < 0 {
		return nil, errs.New(errs.InvalidPageToken, "Invalid page token: its content does not match this listing. Start the listing again without a page token.")
	}
	perPage := l.PerPage
	if perPage <= 0 {
		perPage = size
	}
	key := cur
	key.Skip = 0
	return &run[E]{l: l, size: size, perPage: perPage, cur: cur, pos: pos, out: make([]E, 0, min(size, 1000)),
		startKey: fingerprint(key.encode()), resumesInside: cur.Skip > 0, last: pos.last}, nil
}

// room is how many entries the page still takes.
func (r *run[E]) room() int { return r.size - len(r.out) }

// overBudget reports whether a nested phase must stop for this call.
func (r *run[E]) overBudget() bool {
	return r.l.NestedBudget > 0 && r.requests >= max(r.l.NestedBudget, 2)
}

// take appends the entries of the upstream page at at that were not
// returned yet, up to the room left. It reports whether the page is full
// before the end of those entries; the cursor then points into the page.
func (r *run[E]) take(entries []E, at string) bool {
	entries = entries[min(r.cur.Skip, len(entries)):]
	room := r.room()
	if len(entries) > room {
		r.out = append(r.out, entries[:room]...)
		r.cur.URL, r.cur.Skip = at, r.cur.Skip+room
		r.done = true
		return true
	}
	r.out = append(r.out, entries...)
	return false
}

// nextPhase moves the cursor to the start of the next phase.
func (r *run[E]) nextPhase() { r.cur, r.last = cursor{Phase: r.cur.Phase + 1}, "" }

// fetching counts an upstream request for the page named by key (a
// cursor without Skip) and fails with api_error if the API linked back to
// a page already fetched: by this call (no call fetches a page twice), or
// by an earlier one as recorded in the token's history (only the page the
// token points to is fetched again, to skip the entries already returned).
func (r *run[E]) fetching(key cursor) error {
	fp := fingerprint(key.encode())
	if slices.Contains(r.fetched, fp) || (fp != r.startKey && slices.Contains(r.pos.seen, fp)) {
		return r.pos.loop(key.encode())
	}
	r.fetched = append(r.fetched, fp)
	r.requests++
	return nil
}

// checkPage fails the call when the upstream page at key, whose next page
// is next, holds the same entries (same length, same first and last entry)
// as a page this listing already read before it, in this call or (through
// the token's history) an earlier one, or when it is the
// MaxEmptyPages+1-th empty page in a row: an API answering the same page
// again under new URLs. Pages are compared within one inner listing only.
func (r *run[E]) checkPage(entries []E, key cursor, next string) error {
	if next == "" {
		r.empties = 0
		return nil
	}
	if len(entries) == 0 {
		r.empties++
		if r.empties > MaxEmptyPages {
			return errs.Newf(errs.APIError,
				"Pagination loop: the API answered %d empty pages in a row, each linking to another (the last at %s); stopping instead of paging forever.",
				r.empties, errs.URLWithoutQuery(key.URL))
		}
		return nil
	}
	r.empties = 0
	fp := contentFingerprint(key, entries)
	refetch := r.resumesInside && fingerprint(key.encode()) == r.startKey // read again to skip what was returned
	if slices.Contains(r.pos.seen, fp) && !refetch {
		return errs.Newf(errs.APIError,
			"Pagination loop: the API's page at %s repeats a page this listing already fetched; stopping instead of paging forever.", errs.URLWithoutQuery(key.URL))
	}
	r.pos.seen = append(r.pos.seen, fp)
	return nil
}

// contentFingerprint names what a page holds, within its listing (the
// phase, and for nested phases the outer page and item): its length and its
// first and last entries.
func contentFingerprint[E any](key cursor, entries []E) uint64 {
	b, _ := json.Marshal(struct {
		P, I, N int
		O       string
		F, L    E
	}{key.Phase, key.Item, len(entries), pagetoken.StripSecrets(key.Outer), entries[0], entries[len(entries)-1]})
	return fingerprint(string(b))
}

func (s Static[E]) fill(ctx context.Context, r *run[E]) error {
	entries, err := s.Entries(ctx)
	if err != nil {
		return err
	}
	if !r.take(entries, "") {
		r.nextPhase()
	}
	return nil
}

func (f Flat[E]) fill(ctx context.Context, r *run[E]) error {
	var pages *ahead[E] // the pages being fetched ahead, when their positions are known
	defer func() { pages.stop() }()
	predict := true
	for !r.done {
		at, ok := f.next(r)
		if !ok {
			r.done = true
			return nil
		}
		if predict && !pages.pending() {
			if plan := f.plan(ctx, r, at); plan != nil {
				pages.stop()
				most := r.l.concurrency(ctx)
				pages = fetchAhead(ctx, f, plan, func() int { return r.l.inFlight(most) })
			}
		}
		if err := r.fetching(cursor{Phase: r.cur.Phase, URL: at}); err != nil {
			return err
		}
		p, planned := pages.take(at)
		if !planned {
			if pages.pending() {
				predict = false // the API links elsewhere than its last link promised: one page at a time from here
			}
			pages.stop()
			pages = nil
			p = f.read(ctx, at)
		}
		if p.err != nil {
			return p.err
		}
		if err := r.checkPage(p.entries, cursor{Phase: r.cur.Phase, URL: at}, p.next); err != nil {
			return err
		}
		if r.take(p.entries, at) {
			return nil
		}
		if p.next == "" {
			r.nextPhase()
			return nil
		}
		r.cur, r.last = cursor{Phase: r.cur.Phase, URL: p.next}, p.last
	}
	return nil
}

// next is the position of the page to fetch now, or false when the call
// must stop before it: the page is full, or (WholePages) the page might
// not fit and the call already has entries. A call that has none reads the
// page anyway and returns the part that fits (the token then points inside
// it), so a caller that lowers page.size between calls, or an API whose
// next link names a larger page than was asked for, still gets entries on
// every call.
func (f Flat[E]) next(r *run[E]) (string, bool) {
	room := r.room()
	if room <= 0 {
		return "", false
	}
	at, size := r.cur.URL, r.perPage
	switch {
	case at == "" && r.l.WholePages && f.FirstFor != nil:
		if room < (r.perPage+1)/2 && len(r.out) > 0 {
			return "", false // start the phase with whole pages on the next call
		}
		size = min(room, r.perPage)
		at = f.FirstFor(size)
	case at == "" && f.First == "" && f.FirstFor != nil:
		at = f.FirstFor(r.perPage)
	case at == "":
		at = f.First
	case r.l.WholePages && f.SizeOf != nil:
		if n := f.SizeOf(at); n > 0 {
			size = n
		}
	}
	if r.l.WholePages && room < size && len(r.out) > 0 {
		return "", false
	}
	return at, true
}

func (n Nested[O, E]) fill(ctx context.Context, r *run[E]) error {
	if r.overBudget() {
		r.done = true
		return nil
	}
	outerAt := r.cur.Outer
	if outerAt == "" {
		outerAt = n.First
	}
	// A call that resumes inside an outer page reads that page again.
	if err := r.fetching(cursor{Phase: r.cur.Phase, Outer: outerAt, URL: outerAt}); err != nil {
		return err
	}
	items, outerNext, err := n.Outer(ctx, outerAt)
	if err != nil {
		return err
	}
	r.cur.Outer = outerAt
	for r.cur.Item < len(items) {
		if err := n.item(ctx, r, items[r.cur.Item]); err != nil || r.done {
			return err
		}
		r.cur.Item, r.cur.URL, r.cur.Skip = r.cur.Item+1, "", 0
	}
	if outerNext == "" {
		r.nextPhase()
	} else {
		r.cur = cursor{Phase: r.cur.Phase, Outer: outerNext}
	}
	return nil
}

// item appends the entries of one outer item's inner listing from the
// cursor until the listing ends or the call must stop (r.done).
func (n Nested[O, E]) item(ctx context.Context, r *run[E], it O) error {
	for {
		if r.room() <= 0 || r.overBudget() {
			r.done = true
			return nil
		}
		at := r.cur.URL
		if at == "" {
			at = n.InnerFirst(it)
		}
		if err := r.fetching(cursor{Phase: r.cur.Phase, Outer: r.cur.Outer, Item: r.cur.Item, URL: at}); err != nil {
			return err
		}
		entries, next, err := n.Inner(ctx, it, at)
		if err != nil {
			return err
		}
		if err := r.checkPage(entries, cursor{Phase: r.cur.Phase, Outer: r.cur.Outer, Item: r.cur.Item, URL: at}, next); err != nil {
			return err
		}
		if r.take(entries, at) || next == "" {
			return nil
		}
		r.cur.URL, r.cur.Skip = next, 0
	}
}
