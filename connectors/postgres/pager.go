package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// key is the sort key of a catalog row, compared as a row value: OIDs, and
// for privilege rows the privilege name. A listing resumes after a key.
type key struct {
	A, B, C uint32 // OIDs, 0 when unused or at the start
	P       string // a privilege name, "" when unused or at the start
}

// position is where a keyset page starts: its size and the key it follows.
func position(limit int, after key) string {
	return fmt.Sprintf("%d/%d/%d/%d/%s", limit, after.A, after.B, after.C, after.P)
}

// parsePosition reads a position back.
func parsePosition(at string) (int, key, error) {
	parts := strings.SplitN(at, "/", 5)
	bad := errs.New(errs.InvalidPageToken, "Invalid page token: its position is not a catalog key. Start the listing again without a page token.")
	if len(parts) != 5 {
		return 0, key{}, bad
	}
	n, err := strconv.Atoi(parts[0])
	if err != nil || n < 1 || n > MaxPageSize {
		return 0, key{}, bad
	}
	var k key
	for i, dst := range []*uint32{&k.A, &k.B, &k.C} {
		v, err := strconv.ParseUint(parts[i+1], 10, 32)
		if err != nil {
			return 0, key{}, bad
		}
		*dst = uint32(v)
	}
	k.P = parts[4]
	return n, k, nil
}

// row is one catalog row as a listing reads it: its entry and its key.
type row[E any] struct {
	entry E
	key   key
}

// keyQuery reads at most limit rows after a key, in key order.
type keyQuery[E any] func(ctx context.Context, after key, limit int) ([]row[E], error)

// keyset is a Flat phase over a catalog query paged by its key
// (WHERE (k...) > (after...) ORDER BY k... LIMIT n): one row gives one
// entry, so every page is fetched once and resumed exactly. The first
// page asks for the room the Lumos page has left, the next ones for
// perPage rows.
func keyset[E any](perPage int, q keyQuery[E]) paginate.Flat[E] {
	return paginate.Flat[E]{
		FirstFor: func(n int) string { return position(n, key{}) },
		SizeOf: func(at string) int {
			n, _, _ := parsePosition(at)
			return n
		},
		Fetch: func(ctx context.Context, at string) ([]E, string, error) {
			n, after, err := parsePosition(at)
			if err != nil {
				return nil, "", err
			}
			rows, err := q(ctx, after, n)
			if err != nil {
				return nil, "", err
			}
			out := make([]E, len(rows))
			for i, r := range rows {
				out[i] = r.entry
			}
			if len(rows) < n {
				return out, "", nil
			}
			return out, position(perPage, rows[len(rows)-1].key), nil
		},
	}
}

// scope names a listing's page tokens: a token works only with the same
// capability, cluster and the settings that shape the listing.
func (ss *session) scope(cap toolkit.CapabilityName, extra string) string {
	s := ss.s
	return fmt.Sprintf("postgres/%s/%s/%q/%q/%v/%t/%t/%s", cap, hostPort(s), s.Database, s.ExtraDatabases, s.ObjectKinds,
		s.IncludeSystemRoles, s.ListNoLoginRoles, extra)
}

// pageSize is the Lumos page size asked for (DefaultPageSize when none).
func pageSize(p *toolkit.Page) int {
	if p == nil || p.Size <= 0 {
		return DefaultPageSize
	}
	return min(p.Size, MaxPageSize)
}

// page runs one Lumos page of a listing made of phases.
func page[E any](ctx context.Context, scope string, p *toolkit.Page, phases ...paginate.Phase[E]) ([]E, *toolkit.Page, error) {
	l := paginate.Lister[E]{Scope: scope, Phases: phases, WholePages: true}
	return l.Serve(ctx, p, pageSize(p))
}
