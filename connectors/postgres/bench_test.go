//go:build linux

package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// BenchmarkDrainBinary drains list_accounts over 20,000 login roles and
// find_entitlement_associations over their 20,000 memberships (each in
// one of 50 group roles) through the built binary (`lumos postgres
// <capability> --json …`, one process per Lumos page of 1,000) against a
// real server on loopback, its catalogs analyzed. After each call, a plain pgx loop runs the
// same catalog queries that call ran (same SQL, same keys, same limits)
// and scans the rows into Go values. It reports:
//
//   - ratio: Σ binary call time / Σ plain loop time when the loop, like
//     the binary, connects once per page (goal ≤ 1.3);
//   - ratio-1conn: the same against a loop that keeps one connection for
//     the whole drain (what connection set-up costs a call);
//   - maxrss-MB: the largest peak RSS of one binary call (rusage Maxrss);
//   - binary-ms, loop-ms: the drain times.
//
// Run it with
//
//	go test ./connectors/postgres -run '^$' -bench DrainBinary -benchtime 2x
func BenchmarkDrainBinary(b *testing.B) {
	const roles, groups, size = 20_000, 50, 1000
	bin := connectortest.BuildLumos(b)
	srv := pgtest.Start(b)
	srv.Exec(b, "postgres", fmt.Sprintf(`DO $$ BEGIN
		FOR g IN 1..%[2]d LOOP EXECUTE format('CREATE ROLE %%I NOLOGIN', 'bench_g' || g); END LOOP;
		FOR i IN 1..%[1]d LOOP EXECUTE format('CREATE ROLE %%I LOGIN IN ROLE %%I', 'bench_u' || i, 'bench_g' || (i %% %[2]d + 1)); END LOOP;
		END $$`, roles, groups))
	// statistics, as autovacuum would gather them on a live cluster (without them the planner scans pg_authid whole)
	srv.Exec(b, "postgres", "ANALYZE pg_authid; ANALYZE pg_auth_members")
	ctx := context.Background()
	one := srv.Connect(b, "postgres")
	var binTime, loopTime, oneTime time.Duration
	var maxRSS int64
	for b.Loop() {
		for _, c := range []struct {
			capName string
			want    int
			plain   func(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error)
		}{{"list_accounts", roles + 1, plainAccounts}, {"find_entitlement_associations", roles, plainMemberships}} {
			page := &toolkit.Page{Size: size}
			got, after := 0, key3{}
			for page != nil {
				n, next, took, rss := runBinary(b, bin, srv, c.capName, page)
				binTime += took
				maxRSS = max(maxRSS, rss)
				got += n
				page = next
				// the same queries: a connection, then pages of the phase until the Lumos page is full or the phase ends
				start := time.Now()
				conn := srv.Connect(b, "postgres")
				after = drainPage(b, ctx, conn, c.plain, after, size)
				_ = conn.Close(ctx)
				loopTime += time.Since(start)
			}
			start := time.Now()
			for k := (key3{}); ; {
				n, next, err := c.plain(ctx, one, k, size)
				if err != nil {
					b.Fatal(err)
				}
				if n < size {
					break
				}
				k = next
			}
			oneTime += time.Since(start)
			if got < c.want {
				b.Fatalf("%s: %d items, want at least %d", c.capName, got, c.want)
			}
		}
	}
	b.ReportMetric(float64(binTime)/float64(loopTime), "ratio")
	b.ReportMetric(float64(binTime)/float64(oneTime), "ratio-1conn")
	b.ReportMetric(float64(maxRSS)/1024, "maxrss-MB")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(loopTime.Milliseconds())/float64(b.N), "loop-ms")
}

// key3 is the keyset position of the plain loop.
type key3 struct{ a, b, c uint32 }

// drainPage runs the plain queries of one Lumos page from after: pages of
// size rows until one comes back short (the phase ended) or size rows
// were read. It returns where the next page starts.
func drainPage(b *testing.B, ctx context.Context, conn *pgx.Conn, q func(context.Context, *pgx.Conn, key3, int) (int, key3, error), after key3, size int) key3 {
	n, next, err := q(ctx, conn, after, size)
	if err != nil {
		b.Fatal(err)
	}
	if n < size {
		return key3{}
	}
	return next
}

// plainAccounts is list_accounts' catalog query, scanned into Go values.
func plainAccounts(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error) {
	rows, err := conn.Query(ctx, `SELECT r.oid, r.rolname, r.rolcanlogin, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
	r.rolreplication, r.rolbypassrls, r.rolconnlimit,
	COALESCE(CASE WHEN isfinite(r.rolvaliduntil) THEN to_json(r.rolvaliduntil)#>>'{}' ELSE r.rolvaliduntil::text END, ''),
	COALESCE(r.rolvaliduntil < now(), false) FROM pg_roles r WHERE r.oid > $1 AND r.rolname !~ '^pg_' AND r.rolcanlogin ORDER BY r.oid LIMIT $2`, after.a, limit)
	if err != nil {
		return 0, after, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var oid uint32
		var name, valid string
		var f1, f2, f3, f4, f5, f6, f7, f8 bool
		var limit int32
		if err := rows.Scan(&oid, &name, &f1, &f2, &f3, &f4, &f5, &f6, &f7, &limit, &valid, &f8); err != nil {
			return n, after, err
		}
		after, n = key3{a: oid}, n+1
	}
	return n, after, rows.Err()
}

// plainMemberships is find_entitlement_associations' membership query.
func plainMemberships(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error) {
	rows, err := conn.Query(ctx, `SELECT DISTINCT m.roleid, m.member FROM pg_auth_members m
			JOIN pg_roles a ON a.oid = m.member JOIN pg_roles r ON r.oid = m.roleid
			WHERE a.rolname !~ '^pg_' AND a.rolcanlogin AND r.rolname !~ '^pg_'
			AND m.roleid >= $1 AND (m.roleid, m.member) > ($1, $2) ORDER BY m.roleid, m.member LIMIT $3`, after.a, after.b, limit)
	if err != nil {
		return 0, after, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var role, member uint32
		if err := rows.Scan(&role, &member); err != nil {
			return n, after, err
		}
		after, n = key3{a: role, b: member}, n+1
	}
	return n, after, rows.Err()
}

// runBinary runs one call and returns the number of items, the next page,
// the call's wall time and its peak RSS in KiB.
func runBinary(b *testing.B, bin string, srv *pgtest.Server, capName string, page *toolkit.Page) (int, *toolkit.Page, time.Duration, int64) {
	b.Helper()
	c := connectortest.RunLumos(b, bin, "postgres", capName, map[string]any{"auth": map[string]any{"basic": map[string]any{"username": pgtest.Superuser, "password": pgtest.SuperPassword}},
		"request": map[string]any{}, "settings": map[string]any{"host": srv.Host, "port": srv.Port, "sslmode": "disable"}, "page": page})
	return c.Items, c.Page, c.Took, c.MaxRSSKiB
}
