package paginate

import (
	"context"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"

	"github.com/lumosgo/lumos/toolkit"
)

// Concurrent page fetching: the knobs of a Lister's Flat phases whose
// FetchNumbered tells where the listing's last page is.
const (
	// DefaultMaxConcurrentPages is how many upstream pages of one Flat
	// phase a call fetches at once when Lister.MaxConcurrentPages is 0.
	DefaultMaxConcurrentPages = 4
	// MaxConcurrentPagesLimit caps Lister.MaxConcurrentPages and
	// LUMOS_MAX_CONCURRENT_PAGES.
	MaxConcurrentPagesLimit = 16
	// EnvMaxConcurrentPages is the environment variable that, when it
	// holds a positive integer, overrides Lister.MaxConcurrentPages for
	// every listing of the process; 1 fetches one page at a time.
	EnvMaxConcurrentPages = "LUMOS_MAX_CONCURRENT_PAGES"
	// LowHeadroom is the rate-limit headroom (requests left, see
	// Lister.Headroom) below which pages are fetched one at a time.
	LowHeadroom = 100
)

// LastLink returns the target of the first link with relation "last" in
// h's Link headers, exactly as given, or "" when there is none.
func LastLink(h http.Header) string {
	for _, l := range ParseLinks(h.Values("Link")) {
		if l.HasRel("last") {
			return l.URL
		}
	}
	return ""
}

// concurrency is how many pages of a Flat phase this call may fetch at
// once, before the rate-limit headroom is looked at: the environment's
// LUMOS_MAX_CONCURRENT_PAGES, else MaxConcurrentPages, else the default,
// within 1 and MaxConcurrentPagesLimit. A call that records raw data
// fetches one page at a time, so raw_data keeps the pages in order.
func (l *Lister[E]) concurrency(ctx context.Context) int {
	n := l.MaxConcurrentPages
	if v, err := strconv.Atoi(strings.TrimSpace(os.Getenv(EnvMaxConcurrentPages))); err == nil && v > 0 {
		n = v
	}
	if n == 0 {
		n = DefaultMaxConcurrentPages
	}
	if toolkit.WantsRawData(ctx) {
		n = 1
	}
	return min(max(n, 1), MaxConcurrentPagesLimit)
}

// inFlight is how many requests may be in flight now, out of most: one
// when the upstream's rate limit is running low.
func (l *Lister[E]) inFlight(most int) int {
	if l.Headroom != nil {
		if left := l.Headroom(); left >= 0 && left < LowHeadroom {
			return 1
		}
	}
	return most
}

// pageNumbers reads next and last as the same URL (or path) but for one
// query parameter holding a page number, written in decimal without sign
// or leading zeros, with last's number not below next's. It returns the
// position of any page number n (at(from) is next itself) and the numbers
// of next and last.
func pageNumbers(next, last string) (at func(n int) string, from, to int, ok bool) {
	if next == last {
		return func(int) string { return next }, 0, 0, next != ""
	}
	base, nq, found := strings.Cut(next, "?")
	lbase, lq, lfound := strings.Cut(last, "?")
	if !found || !lfound || base != lbase || strings.ContainsRune(next+last, '#') {
		return nil, 0, 0, false
	}
	np, lp := strings.Split(nq, "&"), strings.Split(lq, "&")
	if len(np) != len(lp) {
		return nil, 0, 0, false
	}
	which := -1
	for i := range np {
		if np[i] == lp[i] {
			continue
		}
		if which >= 0 {
			return nil, 0, 0, false // more than one parameter differs
		}
		which = i
	}
	key, nv, _ := strings.Cut(np[which], "=")
	lkey, lv, _ := strings.Cut(lp[which], "=")
	from, ok1 := pageNumber(nv)
	to, ok2 := pageNumber(lv)
	if key != lkey || key == "" || !ok1 || !ok2 || to < from {
		return nil, 0, 0, false
	}
	at = func(n int) string {
		parts := append([]string(nil), np...)
		parts[which] = key + "=" + strconv.Itoa(n)
		return base + "?" + strings.Join(parts, "&")
	}
	return at, from, to, true
}

// pageNumber reads a canonical decimal page number.
func pageNumber(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && strconv.Itoa(n) == s
}

// fetched is one upstream page as a Flat phase read it.
type fetched[E any] struct {
	entries    []E
	next, last string
	err        error
}

// read fetches the page at at with FetchNumbered when set, else Fetch.
func (f Flat[E]) read(ctx context.Context, at string) fetched[E] {
	var p fetched[E]
	if f.FetchNumbered != nil {
		p.entries, p.next, p.last, p.err = f.FetchNumbered(ctx, at)
	} else {
		p.entries, p.next, p.err = f.Fetch(ctx, at)
	}
	return p
}

// plan lists the pages from at on that the Lumos page still takes, when
// their positions are known in advance (at and the phase's last page are
// page-numbered URLs), assuming every page full: the pages a one-at-a-time
// walk would fetch. It returns nil when fewer than two are known or the
// call fetches one page at a time.
func (f Flat[E]) plan(ctx context.Context, r *run[E], at string) []string {
	if f.FetchNumbered == nil || r.last == "" || r.l.concurrency(ctx) < 2 {
		return nil
	}
	page, from, to, ok := pageNumbers(at, r.last)
	if !ok || page(from) != at {
		return nil
	}
	room := r.room()
	var out []string
	for n := from; n <= to && room > 0; n++ {
		pos := page(n)
		size := r.perPage
		if f.SizeOf != nil {
			if s := f.SizeOf(pos); s > 0 {
				size = s
			}
		}
		if r.l.WholePages && room < size {
			break
		}
		out = append(out, pos)
		room -= size
	}
	if len(out) < 2 {
		return nil
	}
	return out
}

// ahead fetches the pages of a plan concurrently, at most a bounded number
// in flight, and hands them out in order.
type ahead[E any] struct {
	ctx      context.Context
	cancel   context.CancelFunc
	read     func(ctx context.Context, at string) fetched[E]
	limit    func() int // how many may be in flight now (at least 1)
	at       []string   // the planned positions, in order
	res      []chan fetched[E]
	head     int // the next position to hand out
	launched int // positions whose fetch was started
	wg       sync.WaitGroup
}

// fetchAhead starts fetching the pages at positions.
func fetchAhead[E any](ctx context.Context, f Flat[E], positions []string, limit func() int) *ahead[E] {
	a := &ahead[E]{read: f.read, limit: limit, at: positions, res: make([]chan fetched[E], len(positions))}
	a.ctx, a.cancel = context.WithCancel(ctx)
	for i := range a.res {
		a.res[i] = make(chan fetched[E], 1) // a fetch never blocks on its result
	}
	a.launch()
	return a
}

// launch starts fetches while fewer than the limit are in flight (started
// and not handed out); the next one to hand out is always started.
func (a *ahead[E]) launch() {
	for a.launched < len(a.at) && (a.launched == a.head || a.launched-a.head < a.limit()) {
		i := a.launched
		a.launched++
		a.wg.Go(func() { a.res[i] <- a.read(a.ctx, a.at[i]) })
	}
}

// take hands out the page at at when it is the next planned one, waiting
// for its fetch; false when it is not (the plan is used up, or the API
// linked elsewhere than planned).
func (a *ahead[E]) take(at string) (fetched[E], bool) {
	if a == nil || a.head >= len(a.at) || a.at[a.head] != at {
		return fetched[E]{}, false
	}
	p := <-a.res[a.head]
	a.head++
	if p.err == nil {
		a.launch()
	}
	return p, true
}

// pending reports whether planned pages remain to be handed out.
func (a *ahead[E]) pending() bool { return a != nil && a.head < len(a.at) }

// stop cancels the fetches not handed out and waits for every fetch to
// return. It may be called on nil and more than once.
func (a *ahead[E]) stop() {
	if a == nil {
		return
	}
	a.cancel()
	a.wg.Wait()
}
