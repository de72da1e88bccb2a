package paginate_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// upstream is an in-memory paged API. A listing is a name and its items;
// a page's position is "<name>:<offset>:<per_page>", and a listing read
// with per_page n links to its next page like a Link header would.
type upstream struct {
	lists   map[string][]string
	per     int            // per_page of first pages not asked for a size
	fetches map[string]int // how often each position was fetched
	fail    string         // a position whose fetch fails with errBoom
	links   map[string]string
}

var errBoom = errors.New("boom")

func newUpstream(per int) *upstream {
	return &upstream{lists: map[string][]string{}, per: per, fetches: map[string]int{}, links: map[string]string{}}
}

// add makes a listing of n items "<name>-<i>".
func (u *upstream) add(name string, n int) {
	items := make([]string, n)
	for i := range items {
		items[i] = name + "-" + strconv.Itoa(i)
	}
	u.lists[name] = items
}

func (u *upstream) first(name string) string { return u.firstFor(name, u.per) }

func (u *upstream) firstFor(name string, per int) string {
	return name + ":0:" + strconv.Itoa(per)
}

func sizeOf(at string) int {
	n, _ := strconv.Atoi(at[strings.LastIndexByte(at, ':')+1:])
	return n
}

// fetch reads one page.
func (u *upstream) fetch(_ context.Context, at string) ([]string, string, error) {
	u.fetches[at]++
	if at == u.fail {
		return nil, "", fmt.Errorf("reading %s: %w", at, errBoom)
	}
	parts := strings.Split(at, ":")
	off, _ := strconv.Atoi(parts[1])
	per, _ := strconv.Atoi(parts[2])
	items, ok := u.lists[parts[0]]
	if !ok {
		return nil, "", fmt.Errorf("no listing %q", parts[0])
	}
	off = min(off, len(items))
	end := min(off+per, len(items))
	next := ""
	if end < len(items) {
		next = parts[0] + ":" + strconv.Itoa(end) + ":" + strconv.Itoa(per)
	}
	if l, ok := u.links[at]; ok {
		next = l
	}
	return items[off:end], next, nil
}

func (u *upstream) requests() int {
	n := 0
	for _, c := range u.fetches {
		n += c
	}
	return n
}

func (u *upstream) flat(name string) paginate.Flat[string] {
	return paginate.Flat[string]{First: u.first(name), Fetch: u.fetch}
}

// wholeFlat is a flat phase that can start with pages of any size.
func (u *upstream) wholeFlat(name string) paginate.Flat[string] {
	return paginate.Flat[string]{
		FirstFor: func(per int) string { return u.firstFor(name, per) },
		SizeOf:   sizeOf,
		Fetch:    u.fetch,
	}
}

// nested walks the listing outer, whose every item names its own listing.
func (u *upstream) nested(outer string) paginate.Nested[string, string] {
	return paginate.Nested[string, string]{
		First:      u.first(outer),
		Outer:      u.fetch,
		InnerFirst: u.first,
		Inner: func(ctx context.Context, item, at string) ([]string, string, error) {
			return u.fetch(ctx, at)
		},
	}
}

func fixed(entries ...string) paginate.Static[string] {
	return paginate.Static[string]{Entries: func(context.Context) ([]string, error) { return entries, nil }}
}

// drain lists everything, page after page, and returns the entries and the
// number of calls; it fails after 10,000 calls.
func drain(l *paginate.Lister[string], size int) ([]string, int, error) {
	var all []string
	token := ""
	for calls := 1; calls <= 10000; calls++ {
		got, next, err := l.Page(context.Background(), token, size)
		if err != nil {
			return all, calls, err
		}
		if len(got) > max(size, 1) {
			return all, calls, fmt.Errorf("call %d: %d entries for a page of %d", calls, len(got), size)
		}
		all = append(all, got...)
		if next == "" {
			return all, calls, nil
		}
		token = next
	}
	return all, 10000, errors.New("the listing does not end")
}

// world is an upstream with two flat listings and teams of several sizes,
// among them empty ones and one of exactly a page.
func world(per int) (*upstream, []string) {
	u := newUpstream(per)
	u.add("owners", 2)
	u.add("members", 11)
	u.add("empty", 0)
	u.lists["teams"] = []string{"t-none", "t-one", "t-page", "t-big", "t-none2", "t-last"}
	u.add("t-none", 0)
	u.add("t-one", 1)
	u.add("t-page", per)
	u.add("t-big", 2*per+1)
	u.add("t-none2", 0)
	u.add("t-last", 3)
	want := []string{"org", "admin"}
	for _, name := range []string{"owners", "members", "t-none", "t-one", "t-page", "t-big", "t-none2", "t-last"} {
		want = append(want, u.lists[name]...)
	}
	return u, want
}

func TestListerDrainsEveryPhase(t *testing.T) {
	t.Parallel()
	tests := []struct {
		per   int
		sizes []int
	}{
		{per: 1, sizes: []int{1, 2, 3}},
		{per: 3, sizes: []int{1, 2, 3, 4, 5, 7, 100}},
		{per: 4, sizes: []int{1, 3, 4, 6, 8, 13, 37, 100000}},
	}
	for _, tc := range tests {
		for _, size := range tc.sizes {
			t.Run(fmt.Sprintf("per %d size %d", tc.per, size), func(t *testing.T) {
				is := is.New(t)
				u, want := world(tc.per)
				l := &paginate.Lister[string]{Scope: "test/drain", Phases: []paginate.Phase[string]{
					fixed("org", "admin"), u.flat("owners"), u.flat("empty"), u.flat("members"), u.nested("teams"), fixed(),
				}}
				got, calls, err := drain(l, size)
				is.NoErr(err)
				is.Equal(got, want) // every entry once, in order, whatever the page boundaries
				is.True(calls >= (len(want)+size-1)/size)
				if size >= len(want) {
					is.Equal(calls, 1)
				}
			})
		}
	}
}

// TestListerResumesAtEveryBoundary: pages of one entry stop at every
// possible place (inside a static phase, mid upstream page, at a page's
// end, at a phase's end, at an inner listing's end, before empty ones),
// and each token resumes with the very next entry.
func TestListerResumesAtEveryBoundary(t *testing.T) {
	t.Parallel()
	is := is.New(t)
	u, want := world(3)
	l := &paginate.Lister[string]{Scope: "test/boundaries", Phases: []paginate.Phase[string]{
		fixed("org", "admin"), u.flat("owners"), u.flat("members"), u.nested("teams"),
	}}
	token := ""
	for i, w := range want {
		got, next, err := l.Page(context.Background(), token, 1)
		is.NoErr(err)
		is.Equal(got, []string{w})
		if i == len(want)-1 {
			break
		}
		is.True(next != "")
		// The same token again gives the same page (a retry after a failure).
		again, next2, err := l.Page(context.Background(), token, 1)
		is.NoErr(err)
		is.Equal(again, got)
		is.Equal(next2, next)
		token = next
	}
	// The last entry's token leads to nothing more: the walk over the
	// remaining empty teams ends the listing.
	got, next, err := l.Page(context.Background(), token, 1)
	is.NoErr(err)
	is.Equal(len(got), 1)
	if next != "" {
		got, next, err = l.Page(context.Background(), next, 1)
		is.NoErr(err)
		is.Equal(len(got), 0)
		is.Equal(next, "")
	}
}

func TestListerWholePages(t *testing.T) {
	t.Parallel()
	for _, size := range []int{1, 2, 5, 9, 10, 17, 20, 1000} {
		t.Run(strconv.Itoa(size), func(t *testing.T) {
			is := is.New(t)
			u := newUpstream(10)
			u.add("owners", 3)
			u.add("members", 47)
			u.add("outside", 0)
			u.add("invited", 12)
			l := &paginate.Lister[string]{Scope: "test/whole", PerPage: min(size, 10), WholePages: true, Phases: []paginate.Phase[string]{
				u.wholeFlat("owners"), u.wholeFlat("members"), u.wholeFlat("outside"), u.wholeFlat("invited"),
			}}
			got, calls, err := drain(l, size)
			is.NoErr(err)
			is.Equal(len(got), 3+47+12)
			is.Equal(got[3], "members-0")
			is.Equal(got[len(got)-1], "invited-11")
			pp := min(size, 10)
			for at, n := range u.fetches {
				is.Equal(n, 1) // no upstream page is fetched twice
				is.True(sizeOf(at) <= pp && sizeOf(at) >= (pp+1)/2)
			}
			is.True(calls >= (len(got)+size-1)/size)
		})
	}
}

// TestListerWholePagesStopsBeforeAPageThatMightNotFit: with less than half
// a page of room, a phase starts on the next call; with more, it asks for
// pages of the room left.
func TestListerWholePagesStopsBeforeAPageThatMightNotFit(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		owners    int
		wantFirst []string // the positions fetched by the first call
		wantLen   int
	}{
		{name: "room for half a page", owners: 5, wantFirst: []string{"owners:0:10", "members:0:5"}, wantLen: 10},
		{name: "less than half a page", owners: 6, wantFirst: []string{"owners:0:10"}, wantLen: 6},
		{name: "page full", owners: 10, wantFirst: []string{"owners:0:10"}, wantLen: 10},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			u := newUpstream(10)
			u.add("owners", tc.owners)
			u.add("members", 30)
			l := &paginate.Lister[string]{Scope: "test/whole", PerPage: 10, WholePages: true, Phases: []paginate.Phase[string]{
				u.wholeFlat("owners"), u.wholeFlat("members"),
			}}
			got, next, err := l.Page(context.Background(), "", 10)
			is.NoErr(err)
			is.Equal(len(got), tc.wantLen)
			is.True(next != "")
			var fetched []string
			for at := range u.fetches {
				fetched = append(fetched, at)
			}
			slices.Sort(fetched)
			slices.Sort(tc.wantFirst)
			is.Equal(fetched, tc.wantFirst)
		})
	}
}

// TestListerNestedBudget: teams with nobody in them are walked over several
// calls of at most NestedBudget requests each, without losing anyone.
func TestListerNestedBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		budget, teams int
		wantCalls     int
	}{
		{budget: 0, teams: 30, wantCalls: 1},
		{budget: 5, teams: 30, wantCalls: 8},  // 4 or 5 requests of each call reach a team
		{budget: 10, teams: 30, wantCalls: 4}, // (2 outer pages of 20 are re-read by calls resuming in them)
		{budget: 1, teams: 3, wantCalls: 3},   // counts as 2: the outer page and one team a call
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("budget %d", tc.budget), func(t *testing.T) {
			is := is.New(t)
			u := newUpstream(20)
			var teams []string
			for i := range tc.teams {
				name := "team" + strconv.Itoa(i)
				teams = append(teams, name)
				u.add(name, 0)
			}
			u.lists["teams"] = teams
			u.add(teams[len(teams)-1], 2)
			l := &paginate.Lister[string]{Scope: "test/budget", NestedBudget: tc.budget, Phases: []paginate.Phase[string]{
				u.nested("teams"),
			}}
			token, calls := "", 0
			var all []string
			for {
				before := u.requests()
				got, next, err := l.Page(context.Background(), token, 100)
				is.NoErr(err)
				calls++
				if tc.budget > 0 {
					is.True(u.requests()-before <= max(tc.budget, 2))
				}
				all = append(all, got...)
				if next == "" {
					break
				}
				token = next
			}
			is.Equal(all, []string{teams[len(teams)-1] + "-0", teams[len(teams)-1] + "-1"})
			is.Equal(calls, tc.wantCalls)
		})
	}
}

func TestListerTokens(t *testing.T) {
	t.Parallel()
	u := newUpstream(2)
	u.add("a", 5)
	u.add("b", 5)
	two := &paginate.Lister[string]{Scope: "test/tokens", Phases: []paginate.Phase[string]{u.flat("a"), u.flat("b")}}
	_, inB, err := two.Page(context.Background(), "", 7) // stops in the second phase
	if err != nil || inB == "" {
		t.Fatal(inB, err)
	}
	tests := []struct {
		name   string
		lister *paginate.Lister[string]
		token  string
	}{
		{name: "garbled", lister: two, token: "not-a-token"},
		{name: "altered", lister: two, token: alteredToken(inB)},
		{name: "truncated", lister: two, token: inB[:len(inB)/2]},
		{name: "another scope", lister: &paginate.Lister[string]{Scope: "test/other", Phases: two.Phases}, token: inB},
		{name: "a phase the listing does not have", lister: &paginate.Lister[string]{Scope: "test/tokens", Phases: two.Phases[:1]}, token: inB},
		{name: "a Follower's token", lister: two, token: func() string {
			p, _ := paginate.ByCursor("test/tokens").Resume("", "x")
			tok, _ := p.Next("y")
			return tok
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			before := u.requests()
			_, _, err := tc.lister.Page(context.Background(), tc.token, 3)
			is.Equal(code(err), errs.InvalidPageToken)
			is.Equal(u.requests(), before) // nothing is fetched
		})
	}
}

// TestListerPaginationLoop: an API that links back to a page already
// fetched fails the listing with api_error, in the same call or a later
// one, even when the pages are empty.
func TestListerPaginationLoop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		items int
		links map[string]string
		size  int
	}{
		{name: "back to the first page, across calls", items: 4, links: map[string]string{"a:2:2": "a:0:2"}, size: 2},
		{name: "back to the first page, in one call", items: 4, links: map[string]string{"a:2:2": "a:0:2"}, size: 100},
		{name: "to itself", items: 4, links: map[string]string{"a:2:2": "a:2:2"}, size: 3},
		{name: "empty pages linking to each other", items: 0, links: map[string]string{"a:0:2": "a:1:2", "a:1:2": "a:0:2"}, size: 5},
		{name: "mid page, across calls", items: 6, links: map[string]string{"a:4:2": "a:2:2"}, size: 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			u := newUpstream(2)
			u.add("a", tc.items)
			u.links = tc.links
			l := &paginate.Lister[string]{Scope: "test/loop", Phases: []paginate.Phase[string]{fixed("x"), u.flat("a")}}
			_, calls, err := drain(l, tc.size)
			is.Equal(code(err), errs.APIError)
			is.True(strings.HasPrefix(err.Error(), "Pagination loop: the API's ")) // next page, or a page it repeats
			is.True(calls <= 6)
			for _, n := range u.fetches {
				is.True(n <= 3)
			}
		})
	}
}

func TestListerErrorsPropagate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		fail string
		size int
	}{
		{name: "flat, first page", fail: "a:0:2"},
		{name: "flat, later page", fail: "a:2:2"},
		{name: "outer listing", fail: "teams:0:2"},
		{name: "outer listing, second page", fail: "teams:2:2"},
		{name: "inner listing", fail: "t1:0:2"},
		{name: "inner listing, later page", fail: "t1:2:2"},
		{name: "static", fail: "static"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			u := newUpstream(2)
			u.add("a", 3)
			u.lists["teams"] = []string{"t0", "t1", "t2"}
			u.add("t0", 1)
			u.add("t1", 5)
			u.add("t2", 0)
			u.fail = tc.fail
			static := paginate.Static[string]{Entries: func(context.Context) ([]string, error) {
				if tc.fail == "static" {
					return nil, errBoom
				}
				return []string{"x"}, nil
			}}
			l := &paginate.Lister[string]{Scope: "test/errors", Phases: []paginate.Phase[string]{static, u.flat("a"), u.nested("teams")}}
			got, _, err := drain(l, 2)
			is.True(errors.Is(err, errBoom))
			is.True(len(got) <= 10) // what came before the failure, nothing after it
		})
	}
}

func TestListerEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		phases []paginate.Phase[string]
		size   int
		want   []string
		calls  int
	}{
		{name: "size 0 counts as 1", phases: []paginate.Phase[string]{fixed("a", "b")}, size: 0, want: []string{"a", "b"}, calls: 2},
		{name: "negative size", phases: []paginate.Phase[string]{fixed("a", "b")}, size: -5, want: []string{"a", "b"}, calls: 2},
		{name: "no phases", size: 10, calls: 1},
		{name: "only empty phases", phases: []paginate.Phase[string]{fixed(), fixed()}, size: 10, calls: 1},
		{name: "a page exactly full at the end", phases: []paginate.Phase[string]{fixed("a"), fixed("b")}, size: 2, want: []string{"a", "b"}, calls: 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			is := is.New(t)
			l := &paginate.Lister[string]{Scope: "test/edges", Phases: tc.phases}
			got, calls, err := drain(l, tc.size)
			is.NoErr(err)
			is.Equal(got, tc.want)
			is.Equal(calls, tc.calls)
		})
	}
}

// alteredToken changes one character in the middle of token to another one,
// so it differs from the token issued whatever its bytes.
func alteredToken(token string) string {
	i := len(token) / 2
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}
