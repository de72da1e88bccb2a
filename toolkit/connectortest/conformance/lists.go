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
	l := &listing{}
	r.listings[ci.Name] = l
	keys := uniqueKeys(ci.Result().Elem())
	validate := r.schemas.of(ci.Name)
	var problems, notes []string
	tokens := map[string]int{} // token → the page that issued it
	ids := map[string]int{}    // id → the page it was first seen on
	dups, schemaFailures, total, pages := 0, 0, 0, 0
	page := &toolkit.Page{Size: r.opts.PageSize}
	for {
		if pages >= r.opts.MaxPages {
			notes = append(notes, fmt.Sprintf("stopped after %d pages (the MaxPages bound); the rest was not read", pages))
			break
		}
		if r.spent() {
			r.report.BudgetSpent = true
			notes = append(notes, fmt.Sprintf("stopped after %s: %s", plural(pages, "page"), r.budgetText()))
			break
		}
		a, err := r.call(ci.Name, nil, page)
		if errors.Is(err, errBudget) {
			r.report.BudgetSpent = true
			notes = append(notes, fmt.Sprintf("stopped after %s: %s", plural(pages, "page"), r.budgetText()))
			break
		}
		pages++
		if err == nil && a.IsError {
			err = fmt.Errorf("the connector answered an error: %s", a.failure())
		}
		if err != nil {
			problems = append(problems, fmt.Sprintf("page %d: %v", pages, err))
			l.firstFailed = pages == 1
			break
		}
		if validate != nil {
			if err := validate(a.raw); err != nil {
				if schemaFailures++; schemaFailures <= 3 {
					problems = append(problems, fmt.Sprintf("page %d does not match the response schema: %s", pages, schemaError(err)))
				}
			}
		}
		items, err := decodeItems(a.Response)
		if err != nil {
			problems = append(problems, fmt.Sprintf("page %d: %v", pages, err))
			break
		}
		for _, it := range items {
			if keys != nil {
				id := idOf(it, keys)
				if first, dup := ids[id]; dup {
					if dups++; dups <= maxListed {
						problems = append(problems, fmt.Sprintf("duplicate id %s: on page %d, first seen on page %d", id, pages, first))
					}
				} else {
					ids[id] = pages
				}
			}
			if len(l.items) < r.opts.MaxItems {
				l.items = append(l.items, it)
			}
		}
		total += len(items)
		l.total = total
		if a.Page == nil {
			l.complete = true
			break
		}
		if a.Page.Token == "" {
			problems = append(problems, fmt.Sprintf("page %d announces a next page but gives no token (following it would restart the listing)", pages))
			break
		}
		if first, seen := tokens[a.Page.Token]; seen {
			problems = append(problems, fmt.Sprintf("repeated token: page %d returns the same next-page token as page %d, so the listing would loop forever", pages, first))
			break
		}
		tokens[a.Page.Token] = pages
		if l.token == "" {
			l.token, l.tokenSize = a.Page.Token, a.Page.Size
		}
		if total >= r.opts.MaxItems {
			notes = append(notes, fmt.Sprintf("stopped after %d items (the MaxItems bound); the rest was not read", total))
			break
		}
		size := a.Page.Size
		if size <= 0 {
			size = r.opts.PageSize
		}
		page = &toolkit.Page{Token: a.Page.Token, Size: size}
	}
	if dups > maxListed {
		problems = append(problems, fmt.Sprintf("… and %d more duplicate ids", dups-maxListed))
	}
	if schemaFailures > 3 {
		problems = append(problems, fmt.Sprintf("… and %d more pages not matching the response schema", schemaFailures-3))
	}
	read := fmt.Sprintf("%s in %s", plural(total, "item"), plural(pages, "page"))
	if len(problems) > 0 {
		return Result{Status: Fail, Summary: fmt.Sprintf("%s; %s", read, plural(len(problems), "problem")), Problems: problems, Notes: notes}
	}
	idText := "ids not checked: the items have no id field"
	if keys != nil {
		idText = "no duplicate id (" + strings.Join(keys, ", ") + ")"
	}
	end := "to the end"
	if !l.complete {
		end = "not to the end (see note)"
	}
	return Result{Status: Pass, Summary: fmt.Sprintf("%s, %s; no repeated token; %s", read, end, idText), Notes: notes}
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
