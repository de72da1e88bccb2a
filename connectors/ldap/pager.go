package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// nestedBudget bounds the LDAP requests of one call of the memberships
// listing: past it the call returns what it has and a token to go on.
const nestedBudget = 200

// position is where a sorted listing stands: n entries a page, after the
// id after ("" at the start), the next search bounded to ids at most span
// above it (0: unbounded). Encoded "<n>|<span>|<after>" in page tokens.
type position struct {
	n     int
	span  uint64
	after string
}

func (p position) String() string {
	return strconv.Itoa(p.n) + "|" + strconv.FormatUint(p.span, 10) + "|" + p.after
}

// parsePosition reads a position back; a malformed one starts over with
// DefaultPageSize (tokens are integrity-checked, so only a bug makes one).
func parsePosition(at string) position {
	n, rest, _ := strings.Cut(at, "|")
	span, after, _ := strings.Cut(rest, "|")
	size, err := strconv.Atoi(n)
	if err != nil || size <= 0 {
		size = DefaultPageSize
	}
	sp, _ := strconv.ParseUint(span, 10, 64)
	return position{n: size, span: sp, after: after}
}

// sorted is a Flat phase over the entries of base/filter in id order: each
// upstream page is the n entries after the last id seen, so resuming needs
// no server state (see README.md, "Paging").
func sorted[E any](ss *session, base, filter string, attrs []string, entries func(keyed) []E) paginate.Flat[E] {
	return paginate.Flat[E]{
		FirstFor: func(pp int) string { return position{n: pp}.String() },
		SizeOf:   func(at string) int { return parsePosition(at).n },
		Fetch: func(ctx context.Context, at string) ([]E, string, error) {
			items, next, more, err := ss.rangedPage(ctx, base, filter, parsePosition(at), attrs)
			if err != nil {
				return nil, "", err
			}
			var out []E
			for _, it := range items {
				out = append(out, entries(it)...)
			}
			if !more {
				return out, "", nil
			}
			return out, next.String(), nil
		},
	}
}

// scope names a listing's page tokens: a token works only with the same
// capability and the settings that shape the listing.
func (ss *session) scope(cap toolkit.CapabilityName) string {
	return fmt.Sprintf("ldap/%s/%s/%s/%s/%s/%s/%s/%s/%s", cap, strings.ToLower(ss.URL), ss.UsersBaseDN, ss.GroupsBaseDN,
		ss.UsersFilter, ss.GroupsFilter, ss.IDAttribute, ss.MemberAttribute, ss.LoginAttribute)
}

// page runs one Lumos page of a listing made of phases.
func page[E any](ctx context.Context, ss *session, cap toolkit.CapabilityName, p *toolkit.Page, wholePages bool, phases ...paginate.Phase[E]) ([]E, *toolkit.Page, error) {
	l := paginate.Lister[E]{Scope: ss.scope(cap), Phases: phases, WholePages: wholePages, NestedBudget: nestedBudget}
	return l.Serve(ctx, p, DefaultPageSize)
}
