package conformance

import (
	"fmt"

	"github.com/lumosgo/lumos/toolkit"
)

// smallerPageCalls is how many calls checkSmallerPages makes from the token.
const smallerPageCalls = 3

// checkSmallerPages resumes a listing from a token it issued with pages a
// third of the size the token came with (at least one item): a caller may
// lower page.size between calls. Every call must answer a page with at
// least one item unless the listing ends there, repeating no item of the
// page before the token nor of an earlier call. (A page larger than asked
// for is not a failure: page.size is a hint.)
func (r *runner) checkSmallerPages(ci toolkit.CapabilityInfo) Result {
	l := r.listings[ci.Name]
	if l == nil || l.firstFailed {
		return Result{Status: Skip, Summary: "the listing's first page failed (see its drain)"}
	}
	token, size, seen := l.token, l.tokenSize, l.firstIDs
	if token == "" || size <= 1 {
		// The whole listing fit one page, or pages of one item cannot get
		// smaller: start again with pages of two items.
		token, size, seen = r.firstPageOf(ci, 2)
	}
	if token == "" {
		return Result{Status: Skip, Summary: "the listing issues no page token, even with page size 2: no page to make smaller"}
	}
	keys := uniqueKeys(ci.Result().Elem())
	smaller := max(size/3, 1)
	var problems []string
	items := 0
	for call := 1; call <= smallerPageCalls && token != "" && len(problems) == 0; call++ {
		a, err := r.call(ci.Name, nil, &toolkit.Page{Token: token, Size: smaller})
		if err != nil || a.IsError {
			problems = append(problems, fmt.Sprintf("call %d with page size %d after a token issued for size %d: %s", call, smaller, size, callFailure(a, err)))
			break
		}
		got, err := decodeItems(a.Response)
		if err != nil {
			problems = append(problems, fmt.Sprintf("call %d: %v", call, err))
			break
		}
		token = ""
		if a.Page != nil {
			token = a.Page.Token
		}
		problems = append(problems, pageProblems(call, got, token, keys, seen)...)
		items += len(got)
	}
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("resuming with page size %d after a token issued for size %d fails", smaller, size), Problems: problems}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("resumed with page size %d after a token issued for size %d: %s, none repeated", smaller, size, plural(items, "item"))}
}

// pageProblems checks one page of checkSmallerPages and records its ids in seen.
func pageProblems(call int, items []map[string]any, next string, keys []string, seen map[string]bool) []string {
	var problems []string
	if len(items) == 0 && next != "" {
		problems = append(problems, fmt.Sprintf("call %d answered no item and another token: a caller would page without progress", call))
	}
	if keys == nil {
		return problems
	}
	for _, it := range items {
		id := idOf(it, keys)
		if seen[id] {
			problems = append(problems, fmt.Sprintf("call %d repeats %s, already returned before", call, id))
		}
		seen[id] = true
	}
	return problems
}

// firstPageOf asks for the listing's first page with the given size and
// returns its token, the size that came with it and its items' ids ("" and
// nil when the call fails or the listing ends on it).
func (r *runner) firstPageOf(ci toolkit.CapabilityInfo, size int) (string, int, map[string]bool) {
	a, err := r.call(ci.Name, nil, &toolkit.Page{Size: size})
	if err != nil || a.IsError || a.Page == nil || a.Page.Token == "" {
		return "", 0, nil
	}
	items, err := decodeItems(a.Response)
	if err != nil {
		return "", 0, nil
	}
	seen := map[string]bool{}
	if keys := uniqueKeys(ci.Result().Elem()); keys != nil {
		for _, it := range items {
			seen[idOf(it, keys)] = true
		}
	}
	if a.Page.Size > 0 {
		size = a.Page.Size
	}
	return a.Page.Token, size, seen
}

// callFailure describes a call that failed or answered an error.
func callFailure(a *answer, err error) string {
	if err != nil {
		return err.Error()
	}
	return a.failure()
}
