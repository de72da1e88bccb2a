package ldap

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	goldap "github.com/go-ldap/ldap/v3"
)

// Id ranges: a search sorted by the server costs it a sort of every entry
// the filter matches, so a page after a position asks only for the ids up
// to a bound above it, wide enough for about two pages as far as the last
// page's ids tell (position.span, over the ids' first 64 bits). A range
// that holds less than the page is followed by the next, wider (twice, or
// 256 times after an empty one), within the same page, at most maxRanges
// of them. Ids that are not UUIDs or GUIDs are never bounded.

// maxRanges bounds the searches of one page: past it the rest is read
// unbounded.
const maxRanges = 8

// keyNumber is the first 64 bits of an id in the server's order ("" is 0).
func (c *config) keyNumber(id string) (uint64, bool) {
	if id == "" {
		return 0, true
	}
	if c.guidIDs() {
		b, err := parseGUID(id)
		if err != nil {
			return 0, false
		}
		return binary.BigEndian.Uint64(b), true
	}
	h := strings.ReplaceAll(id, "-", "")
	if len(h) != 32 {
		return 0, false
	}
	b, err := hex.DecodeString(h[:16])
	if err != nil {
		return 0, false
	}
	return binary.BigEndian.Uint64(b), true
}

// numberID is the smallest id whose first 64 bits are x.
func (c *config) numberID(x uint64) string {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, x)
	if c.guidIDs() {
		return formatGUID(b)
	}
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// rangedPage reads the n entries after p.after in id order, a bounded range
// at a time, and returns them, the position after them, and whether more
// follow.
func (ss *session) rangedPage(ctx context.Context, base, filter string, p position, attrs []string) ([]keyed, position, bool, error) {
	var out []keyed
	start, ranged := ss.keyNumber(p.after)
	if !ranged || ss.noSort {
		p.span = 0
	}
	for i := 0; ; i++ {
		upper := ""
		if a, _ := ss.keyNumber(p.after); p.span > 0 && i < maxRanges && a <= math.MaxUint64-p.span {
			upper = ss.numberID(a + p.span)
		}
		want := p.n - len(out)
		items, more, err := ss.sortedPage(ctx, base, filter, p.after, upper, want, attrs)
		if err != nil {
			return nil, position{}, false, err
		}
		out = append(out, items...)
		if more {
			next := position{n: p.n, after: out[len(out)-1].id}
			if ranged {
				next.span = ss.learnSpan(start, out)
			}
			return out, next, true, nil
		}
		if upper == "" {
			return out, position{}, false, nil
		}
		if len(out) == p.n {
			// The page is full and the range is spent: the next page
			// starts after the range, if anything lies beyond it.
			beyond, err := ss.anyAfter(ctx, base, filter, upper)
			if err != nil {
				return nil, position{}, false, err
			}
			return out, position{n: p.n, after: upper, span: p.span}, beyond, nil
		}
		// The range held less than the page: go on after it, wider when
		// it held less than half of what was wanted, much wider when it
		// was empty (ids are often clustered: time-based UUIDs).
		p.after = upper
		switch {
		case len(items) == 0:
			p.span = min(p.span, math.MaxUint64/256) * 256
		case 2*len(items) < want:
			p.span = min(p.span, math.MaxUint64/2) * 2
		}
	}
}

// learnSpan is twice the width the page's ids covered from start (the
// position the page began at, or its first id): about two pages' worth
// next time. 0 (unbounded) when the ids say nothing or it would overflow.
func (ss *session) learnSpan(start uint64, page []keyed) uint64 {
	if start == 0 && len(page) > 0 {
		start, _ = ss.keyNumber(page[0].id)
	}
	last, ok := ss.keyNumber(page[len(page)-1].id)
	if !ok || last < start {
		return 0
	}
	covered := last - start + 1
	if covered > math.MaxUint64/2 {
		return 0
	}
	return 2 * covered
}

// anyAfter reports whether base/filter holds an entry whose id comes
// after after: one unsorted search for at most one entry, no attributes,
// so that a page ending exactly at a range's end knows whether more
// follow without asking for a page (cheap when there are: the server
// stops at the first).
func (ss *session) anyAfter(ctx context.Context, base, filter, after string) (bool, error) {
	v, err := ss.idValue(after)
	if err != nil {
		return false, err
	}
	req := goldap.NewSearchRequest(base, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases, 1, 0, false,
		fmt.Sprintf("(&%s(%s>=%s)(!(%s=%s)))", filter, ss.IDAttribute, v, ss.IDAttribute, v), []string{"1.1"}, nil)
	res, err := ss.search(ctx, req)
	if goldap.IsErrorWithCode(err, goldap.LDAPResultSizeLimitExceeded) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return len(res.Entries) > 0, nil
}
