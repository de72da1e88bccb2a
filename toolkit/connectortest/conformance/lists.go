package conformance

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
)

// listing is what the drain of one list capability kept for later checks.
type listing struct {
	items       []map[string]any // the items read, at most MaxItems
	complete    bool             // the last page was reached
	total       int              // the items read, kept or not
	firstFailed bool             // the first page was an error
	token       string           // the first page token issued
	tokenSize   int              // the page size that came with it
	firstIDs    map[string]bool  // the ids of the items on the first page
}

// listCapabilities returns the standard read capabilities whose result is a
// list and whose payload has no required field, in name order.
func (r *runner) listCapabilities() []toolkit.CapabilityInfo {
	var out []toolkit.CapabilityInfo
	for _, ci := range r.in.CapabilityInfos() {
		if ci.Level != toolkit.LevelRead || ci.Custom {
			continue
		}
		if res := ci.Result(); res == nil || res.Kind() != reflect.Slice {
			continue
		}
		if p := ci.Payload(); p == nil || len(requiredFields(p)) > 0 {
			continue
		}
		out = append(out, ci)
	}
	return out
}

// requiredFields returns the required fields of a payload type's schema;
// a type whose schema cannot be built counts as having one.
func requiredFields(t reflect.Type) []string {
	s, err := toolkit.SchemaOf(t)
	if err != nil {
		return []string{"?"}
	}
	return stringsOf(s["required"])
}

// uniqueKeys returns the fields that identify an item of the type: its
// schema's x-unique-hash, else "id" when it has such a property, else nil.
func uniqueKeys(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	s, err := toolkit.SchemaOf(t)
	if err != nil {
		return nil
	}
	if keys := stringsOf(s["x-unique-hash"]); len(keys) > 0 {
		return keys
	}
	if props, ok := s["properties"].(map[string]any); ok {
		if _, ok := props["id"]; ok {
			return []string{"id"}
		}
	}
	return nil
}

// stringsOf converts a []string or a []any of strings.
func stringsOf(v any) []string {
	switch x := v.(type) {
	case []string:
		return x
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// idOf renders an item's identifying fields, e.g. integration_specific_id="a".
func idOf(item map[string]any, keys []string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		v, err := json.Marshal(item[k])
		if err != nil {
			v = []byte(fmt.Sprint(item[k]))
		}
		parts[i] = k + "=" + string(v)
	}
	return strings.Join(parts, ", ")
}

// maxListed bounds the problems of one kind a check lists.
const maxListed = 10

// checkDrain pages a listing to its end, within the bounds.
func (r *runner) checkDrain(ci toolkit.CapabilityInfo) Result {
	d := &drain{
		r:        r,
		name:     ci.Name,
		l:        &listing{firstIDs: map[string]bool{}},
		keys:     uniqueKeys(ci.Result().Elem()),
		validate: r.schemas.of(ci.Name),
		tokens:   map[string]int{},
		ids:      map[string]int{},
	}
	r.listings[ci.Name] = d.l
	for page := (&toolkit.Page{Size: r.opts.PageSize}); page != nil; {
		page = d.step(page)
	}
	return d.result()
}

// drain is the state of one checkDrain.
type drain struct {
	r        *runner
	name     toolkit.CapabilityName
	l        *listing
	keys     []string               // the fields identifying an item, nil when none do
	validate func(doc []byte) error // the response schema's, nil when there is none

	problems, notes []string
	tokens          map[string]int // token → the page that issued it
	ids             map[string]int // id → the page it was first seen on
	dups            int            // items whose id was seen before
	schemaFailures  int            // pages not matching the response schema
	pages           int            // pages asked for and answered
}

// step reads the page asked for and returns the request of the next one,
// or nil when the drain ends.
func (d *drain) step(page *toolkit.Page) *toolkit.Page {
	a := d.fetch(page)
	if a == nil {
		return nil
	}
	if d.validate != nil {
		if err := d.validate(a.raw); err != nil {
			if d.schemaFailures++; d.schemaFailures <= 3 {
				d.problems = append(d.problems, fmt.Sprintf("page %d does not match the response schema: %s", d.pages, schemaError(err)))
			}
		}
	}
	items, err := decodeItems(a.Response)
	if err != nil {
		d.problems = append(d.problems, fmt.Sprintf("page %d: %v", d.pages, err))
		return nil
	}
	for _, it := range items {
		d.keep(it)
	}
	d.l.total += len(items)
	return d.next(a.Page)
}

// fetch asks for a page within the bounds; it returns nil when the drain
// ends without one (a bound reached, the budget spent, an error).
func (d *drain) fetch(page *toolkit.Page) *answer {
	r := d.r
	if d.pages >= r.opts.MaxPages {
		d.notes = append(d.notes, fmt.Sprintf("stopped after %d pages (the MaxPages bound); the rest was not read", d.pages))
		return nil
	}
	if r.spent() {
		d.stopSpent()
		return nil
	}
	a, err := r.call(d.name, nil, page)
	if errors.Is(err, errBudget) {
		d.stopSpent()
		return nil
	}
	d.pages++
	if err == nil && a.IsError {
		err = fmt.Errorf("the connector answered an error: %s", a.failure())
	}
	if err != nil {
		d.problems = append(d.problems, fmt.Sprintf("page %d: %v", d.pages, err))
		d.l.firstFailed = d.pages == 1
		return nil
	}
	return a
}

// stopSpent ends the drain because the run's budget is spent.
func (d *drain) stopSpent() {
	d.r.report.BudgetSpent = true
	d.notes = append(d.notes, fmt.Sprintf("stopped after %s: %s", plural(d.pages, "page"), d.r.budgetText()))
}

// keep checks an item's id for duplicates and keeps the item, up to MaxItems.
func (d *drain) keep(it map[string]any) {
	if d.keys != nil {
		id := idOf(it, d.keys)
		if d.pages == 1 {
			d.l.firstIDs[id] = true
		}
		if first, dup := d.ids[id]; dup {
			if d.dups++; d.dups <= maxListed {
				d.problems = append(d.problems, fmt.Sprintf("duplicate id %s: on page %d, first seen on page %d", id, d.pages, first))
			}
		} else {
			d.ids[id] = d.pages
		}
	}
	if len(d.l.items) < d.r.opts.MaxItems {
		d.l.items = append(d.l.items, it)
	}
}

// next checks the page a page announces and returns the request for it, or
// nil when the listing ends there or cannot be followed.
func (d *drain) next(p *toolkit.Page) *toolkit.Page {
	if p == nil {
		d.l.complete = true
		return nil
	}
	if p.Token == "" {
		d.problems = append(d.problems, fmt.Sprintf("page %d announces a next page but gives no token (following it would restart the listing)", d.pages))
		return nil
	}
	if first, seen := d.tokens[p.Token]; seen {
		d.problems = append(d.problems, fmt.Sprintf("repeated token: page %d returns the same next-page token as page %d, so the listing would loop forever", d.pages, first))
		return nil
	}
	d.tokens[p.Token] = d.pages
	if d.l.token == "" {
		d.l.token, d.l.tokenSize = p.Token, p.Size
	}
	if d.l.total >= d.r.opts.MaxItems {
		d.notes = append(d.notes, fmt.Sprintf("stopped after %d items (the MaxItems bound); the rest was not read", d.l.total))
		return nil
	}
	size := p.Size
	if size <= 0 {
		size = d.r.opts.PageSize
	}
	return &toolkit.Page{Token: p.Token, Size: size}
}

// result sums the drain up.
func (d *drain) result() Result {
	problems := d.problems
	if d.dups > maxListed {
		problems = append(problems, fmt.Sprintf("… and %d more duplicate ids", d.dups-maxListed))
	}
	if d.schemaFailures > 3 {
		problems = append(problems, fmt.Sprintf("… and %d more pages not matching the response schema", d.schemaFailures-3))
	}
	read := fmt.Sprintf("%s in %s", plural(d.l.total, "item"), plural(d.pages, "page"))
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("%s; %s", read, plural(len(problems), "problem")), Problems: problems, Notes: d.notes}
	}
	idText := "ids not checked: the items have no id field"
	if d.keys != nil {
		idText = "no duplicate id (" + strings.Join(d.keys, ", ") + ")"
	}
	end := "to the end"
	if !d.l.complete {
		end = "not to the end (see note)"
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("%s, %s; no repeated token; %s", read, end, idText), Notes: d.notes}
}

// checkTamperedToken sends altered page tokens, which must be answered
// with invalid_page_token.
func (r *runner) checkTamperedToken(ci toolkit.CapabilityInfo) Result {
	l := r.listings[ci.Name]
	if l == nil || l.firstFailed {
		return Result{Status: Skip, Summary: "the listing's first page failed (see its drain)"}
	}
	token, size := l.token, l.tokenSize
	if token == "" {
		// The whole listing fit one page: ask for pages of one item.
		if a, err := r.call(ci.Name, nil, &toolkit.Page{Size: 1}); err == nil && !a.IsError && a.Page != nil {
			token, size = a.Page.Token, a.Page.Size
		}
	}
	if token == "" {
		return Result{Status: Skip, Summary: "the listing issues no page token, even with page size 1: nothing to tamper with"}
	}
	if size <= 0 {
		size = r.opts.PageSize
	}
	variants := []struct{ name, token string }{{"a token with one character changed", changeOne(token)}}
	if len(token) >= 2 {
		variants = append(variants, struct{ name, token string }{"a truncated token", token[:len(token)/2]})
	}
	variants = append(variants,
		struct{ name, token string }{"a token with a character added", token + "A"},
		struct{ name, token string }{"a token that was never issued", "conformance-not-a-page-token"},
	)
	var problems []string
	for _, v := range variants {
		a, err := r.call(ci.Name, nil, &toolkit.Page{Token: v.token, Size: size})
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s: %v", v.name, err))
		case !a.IsError:
			problems = append(problems, fmt.Sprintf("%s is accepted (a page came back), want invalid_page_token", v.name))
		case a.Error == nil || a.Error.ErrorCode != "invalid_page_token":
			problems = append(problems, fmt.Sprintf("%s is answered %s, want invalid_page_token", v.name, a.failure()))
		}
	}
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("%d of %d altered tokens not answered invalid_page_token", len(problems), len(variants)), Problems: problems}
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("%d altered tokens (changed, truncated, extended, never issued) answered invalid_page_token", len(variants))}
}

// changeOne replaces the middle character of a token.
func changeOne(token string) string {
	if token == "" {
		return "A"
	}
	i := len(token) / 2
	c := byte('A')
	if token[i] == 'A' {
		c = 'B'
	}
	return token[:i] + string(c) + token[i+1:]
}
