package paginate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/toolkit/paginate"
)

// numberedAPI is an HTTP listing of items "item-<i>" paged like GitHub's:
// /items?page=N&per_page=P, with Link next and last URLs. It counts the
// requests in flight and each page's fetches.
type numberedAPI struct {
	srv   *httptest.Server
	items int
	delay time.Duration

	mu       sync.Mutex
	inFlight int
	most     int            // the most requests in flight at once
	fetches  map[string]int // "page/per_page" → requests
	fail     int            // a page answered 500 (0: none)
	hang     map[int]bool   // pages that answer only once their request is cancelled
	links    map[int]int    // page → the page its next link names instead of page+1
	lastSays int            // the page rel="last" names instead of the real last (0: the real one)
}

func newNumberedAPI(t *testing.T, items int, delay time.Duration) *numberedAPI {
	a := &numberedAPI{items: items, delay: delay, fetches: map[string]int{}, hang: map[int]bool{}, links: map[int]int{}}
	a.srv = httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(a.srv.Close)
	return a
}

func (a *numberedAPI) serve(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	page, err := strconv.Atoi(q.Get("page"))
	if err != nil {
		page = 1
	}
	a.mu.Lock()
	a.inFlight++
	a.most = max(a.most, a.inFlight)
	a.fetches[fmt.Sprintf("%d/%d", page, per)]++
	fail, hang := a.fail == page, a.hang[page]
	next, linked := a.links[page]
	lastSays := a.lastSays
	a.mu.Unlock()
	if hang {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	} else {
		time.Sleep(a.delay)
	}
	a.mu.Lock()
	a.inFlight-- // before answering: the client may send its next request as soon as it has the answer
	a.mu.Unlock()
	if hang {
		return
	}
	if fail {
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	}
	last := max((a.items+per-1)/per, 1)
	if !linked {
		next = page + 1
	}
	if lastSays != 0 {
		last = lastSays
	}
	link := func(p int, rel string) string {
		return fmt.Sprintf(`<%s/items?page=%d&per_page=%d>; rel="%s"`, a.srv.URL, p, per, rel)
	}
	if page*per < a.items {
		w.Header().Set("Link", link(next, "next")+", "+link(last, "last"))
	}
	var out []string
	for i := (page - 1) * per; i < min(page*per, a.items); i++ {
		out = append(out, "item-"+strconv.Itoa(i))
	}
	json.NewEncoder(w).Encode(out)
}

// fetch reads the page at at (a path or a URL).
func (a *numberedAPI) fetch(ctx context.Context, at string) ([]string, string, string, error) {
	if !strings.HasPrefix(at, "http") {
		at = a.srv.URL + at
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, at, nil)
	if err != nil {
		return nil, "", "", err
	}
	resp, err := a.srv.Client().Do(req)
	if err != nil {
		return nil, "", "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", "", fmt.Errorf("GET %s: %s", at, resp.Status)
	}
	var items []string
	if err := json.NewDecoder(resp.Body).Decode(&items); err != nil {
		return nil, "", "", err
	}
	return items, paginate.NextLink(resp.Header), paginate.LastLink(resp.Header), nil
}

// phase is a Flat phase over the API; whole asks for pages of the room
// left, as a WholePages Lister wants.
func (a *numberedAPI) phase(whole bool) paginate.Flat[string] {
	f := paginate.Flat[string]{First: "/items?per_page=5", FetchNumbered: a.fetch}
	if whole {
		f.First = ""
		f.FirstFor = func(per int) string { return "/items?per_page=" + strconv.Itoa(per) }
		f.SizeOf = func(at string) int {
			n, _ := strconv.Atoi(at[strings.LastIndex(at, "per_page=")+len("per_page="):])
			return n
		}
	}
	return f
}

func (a *numberedAPI) stats() (most, requests int, fetches map[string]int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	fetches = map[string]int{}
	for k, v := range a.fetches {
		fetches[k] = v
		requests += v
	}
	return a.most, requests, fetches
}

func itemsUpTo(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "item-" + strconv.Itoa(i)
	}
	return out
}

// aheadGoroutines counts the goroutines of paginate's fetch-ahead.
func aheadGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	return strings.Count(string(buf), "paginate.(*ahead[")
}

// left is a Headroom of n requests.
func left(n int) func() int { return func() int { return n } }

// TestListerFetchesAheadBounded: the pages a Lumos page takes are fetched
// concurrently, never more at once than allowed (by the Lister, the
// environment, or a low rate-limit headroom), handed out in order, with
// the same upstream requests as one page at a time.
func TestListerFetchesAheadBounded(t *testing.T) {
	tests := []struct {
		name     string
		max      int        // Lister.MaxConcurrentPages
		env      string     // LUMOS_MAX_CONCURRENT_PAGES
		headroom func() int // Lister.Headroom
		want     int        // the most requests in flight allowed
	}{
		{name: "default", want: paginate.DefaultMaxConcurrentPages},
		{name: "one at a time", max: 1, want: 1},
		{name: "two", max: 2, want: 2},
		{name: "eight", max: 8, want: 8},
		{name: "above the cap", max: 1000, want: paginate.MaxConcurrentPagesLimit},
		{name: "environment overrides", max: 8, env: "3", want: 3},
		{name: "environment, one at a time", env: "1", want: 1},
		{name: "environment not a number", max: 2, env: "many", want: 2},
		{name: "rate limit unknown", headroom: left(-1), want: paginate.DefaultMaxConcurrentPages},
		{name: "rate limit ample", headroom: left(paginate.LowHeadroom), want: paginate.DefaultMaxConcurrentPages},
		{name: "rate limit low", headroom: left(paginate.LowHeadroom - 1), want: 1},
		{name: "rate limit spent", max: 8, headroom: left(0), want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			t.Setenv(paginate.EnvMaxConcurrentPages, tt.env)
			const items, size = 213, 60
			a := newNumberedAPI(t, items, 15*time.Millisecond)
			l := &paginate.Lister[string]{Scope: "test/ahead", PerPage: 5, MaxConcurrentPages: tt.max, Phases: []paginate.Phase[string]{a.phase(false)}}
			l.Headroom = tt.headroom
			got, calls, err := drain(l, size)
			is.NoErr(err)
			is.Equal(got, itemsUpTo(items)) // in order, nothing lost or repeated
			is.Equal(calls, (items+size-1)/size)
			most, requests, fetches := a.stats()
			is.True(most <= tt.want) // never more in flight than allowed
			if tt.want > 1 {
				is.True(most >= 2) // and fetched concurrently when allowed
			}
			// The requests a one-at-a-time walk makes: every page once.
			is.Equal(requests, 43)
			for _, n := range fetches {
				is.Equal(n, 1)
			}
			is.Equal(aheadGoroutines(), 0)
		})
	}
}

// TestListerFetchAheadMatchesOneAtATime: with pages fetched ahead, every
// Lumos page size gives the same pages, tokens and upstream requests as
// one page at a time, and every token resumes exactly (asked twice, it
// gives the same page).
func TestListerFetchAheadMatchesOneAtATime(t *testing.T) {
	for _, whole := range []bool{false, true} {
		for _, size := range []int{1, 4, 5, 6, 13, 25, 31, 1000} {
			t.Run(fmt.Sprintf("whole %t size %d", whole, size), func(t *testing.T) {
				is := is.New(t)
				a := newNumberedAPI(t, 67, 0)
				walk := func(most int) (pages [][]string, tokens []string, requests int) {
					_, before, _ := a.stats()
					l := &paginate.Lister[string]{Scope: "test/same", MaxConcurrentPages: most, WholePages: whole,
						PerPage: min(size, 5), Phases: []paginate.Phase[string]{a.phase(whole), a.phase(whole)}}
					token := ""
					for range 1000 {
						got, next, err := l.Page(context.Background(), token, size)
						is.NoErr(err)
						again, next2, err := l.Page(context.Background(), token, size)
						is.NoErr(err)
						is.Equal(again, got) // the same token resumes at the same place
						is.True(next2 == next)
						pages, tokens = append(pages, got), append(tokens, next)
						if next == "" {
							break
						}
						token = next
					}
					_, after, _ := a.stats()
					return pages, tokens, after - before
				}
				pages, tokens, requests := walk(1)
				aPages, aTokens, aRequests := walk(4)
				is.Equal(aPages, pages)
				is.True(slices.Equal(aTokens, tokens)) // the same tokens
				is.Equal(aRequests, requests)          // the same upstream requests
				var all []string
				for _, p := range aPages {
					all = append(all, p...)
				}
				is.Equal(all, append(itemsUpTo(67), itemsUpTo(67)...))
			})
		}
	}
}

// TestListerFetchAheadFailure: a page that fails fails the call with its
// error, at once: the pages fetched ahead of it are cancelled, even one the
// upstream would keep waiting, and no goroutine is left behind.
func TestListerFetchAheadFailure(t *testing.T) {
	tests := []struct {
		name string
		fail int   // the failing page
		hang []int // pages that never answer on their own
	}{
		{name: "a page fetched ahead", fail: 4},
		{name: "the last page fetched ahead", fail: 7},
		{name: "while later pages hang", fail: 3, hang: []int{4, 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			a := newNumberedAPI(t, 100, 10*time.Millisecond)
			a.fail = tt.fail
			for _, p := range tt.hang {
				a.hang[p] = true
			}
			l := &paginate.Lister[string]{Scope: "test/fail", PerPage: 5, Phases: []paginate.Phase[string]{a.phase(false)}}
			first, token, err := l.Page(context.Background(), "", 5) // page 1: the last page becomes known
			is.NoErr(err)
			is.Equal(len(first), 5)
			start := time.Now()
			got, next, err := l.Page(context.Background(), token, 30)
			is.True(err != nil)
			is.True(strings.Contains(err.Error(), fmt.Sprintf("page=%d&", tt.fail)))
			is.Equal(got, nil)
			is.Equal(next, "")
			is.True(time.Since(start) < 5*time.Second) // the hanging pages were cancelled
			is.Equal(aheadGoroutines(), 0)             // nothing left running
		})
	}
}

// TestListerFetchAheadBrokenPromise: an API whose next links do not follow
// the page numbers its last link suggests loses nothing and repeats
// nothing: entries follow the links, one page at a time once they diverge.
func TestListerFetchAheadBrokenPromise(t *testing.T) {
	tests := []struct {
		name     string
		links    map[int]int
		lastSays int
		want     []string
	}{
		{name: "a page skipped", links: map[int]int{3: 5}, want: append(itemsUpTo(15), itemsUpTo(50)[20:]...)},
		{name: "last link too far", lastSays: 30, want: itemsUpTo(50)},
		{name: "last link too near", lastSays: 4, want: itemsUpTo(50)},
		{name: "last link before next", lastSays: 1, want: itemsUpTo(50)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			a := newNumberedAPI(t, 50, 0)
			a.links, a.lastSays = tt.links, tt.lastSays
			l := &paginate.Lister[string]{Scope: "test/promise", PerPage: 5, Phases: []paginate.Phase[string]{a.phase(false)}}
			got, _, err := drain(l, 100)
			is.NoErr(err)
			is.Equal(got, tt.want)
			is.Equal(aheadGoroutines(), 0)
		})
	}
}

// TestListerFetchAheadRateLimitRunsLow: once the rate limit's headroom
// falls below LowHeadroom during a call, the rest of its pages come one at
// a time.
func TestListerFetchAheadRateLimitRunsLow(t *testing.T) {
	is := is.New(t)
	const delay = 20 * time.Millisecond
	a := newNumberedAPI(t, 200, delay)
	var mu sync.Mutex
	headroom := paginate.LowHeadroom + 4
	l := &paginate.Lister[string]{Scope: "test/low", PerPage: 5, Phases: []paginate.Phase[string]{a.phase(false)}, Headroom: func() int {
		mu.Lock()
		defer mu.Unlock()
		headroom-- // each request spends one
		return headroom
	}}
	_, token, err := l.Page(context.Background(), "", 5) // the last page becomes known
	is.NoErr(err)
	start := time.Now()
	got, _, err := l.Page(context.Background(), token, 195)
	is.NoErr(err)
	is.Equal(got, itemsUpTo(200)[5:])
	most, _, _ := a.stats()
	is.True(most >= 2) // concurrent at first
	// then one at a time: 39 pages, at most the first few together
	is.True(time.Since(start) >= 30*delay)
	is.Equal(aheadGoroutines(), 0)
}

// TestListerTokenRemembersLastPage: a call resuming from a token fetches
// its first pages concurrently too: the token remembers where the phase's
// last page is.
func TestListerTokenRemembersLastPage(t *testing.T) {
	is := is.New(t)
	a := newNumberedAPI(t, 100, 20*time.Millisecond)
	l := &paginate.Lister[string]{Scope: "test/hint", PerPage: 5, Phases: []paginate.Phase[string]{a.phase(false)}}
	first, token, err := l.Page(context.Background(), "", 5)
	is.NoErr(err)
	most, _, _ := a.stats()
	is.Equal(most, 1) // one page: nothing to fetch ahead
	second, _, err := l.Page(context.Background(), token, 10)
	is.NoErr(err)
	is.Equal(append(first, second...), itemsUpTo(15))
	most, requests, _ := a.stats()
	is.Equal(most, 2) // pages 2 and 3 together
	is.Equal(requests, 3)
}
