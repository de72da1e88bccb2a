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

// BenchmarkDrainFunctions drains list_entitlements (object_kinds
// functions) over 10,000 functions and find_entitlement_associations over
// their 20,000 grants (EXECUTE held by the owner and granted to a login
// role) through the built binary, one process per Lumos page of 1,000,
// against a real server on loopback, its catalogs analyzed. After each
// call a plain pgx loop connects and runs the catalog query of that page
// (same SQL, keys and limit), scanning the rows into Go values; a third
// loop reads the same functions with a bare keyset query (OID, schema,
// name, raw ACL), the least any reader of them must do. It reports:
//
//   - ratio: Σ binary call time / Σ plain loop time (same SQL, one
//     connection per page, as the binary);
//   - sql-cost: the same-SQL loop over the bare loop for list_entitlements
//     (what the label with its argument types and PUBLIC's flag cost);
//   - maxrss-MB: the largest peak RSS of one binary call;
//   - binary-ms, loop-ms: the drain times.
//
// Run it with
//
//	go test ./connectors/postgres -run '^$' -bench DrainFunctions -benchtime 2x
func BenchmarkDrainFunctions(b *testing.B) {
	const functions, size = 10_000, 1000
	bin := connectortest.BuildLumos(b)
	srv := pgtest.Start(b)
	srv.Exec(b, "postgres", fmt.Sprintf(`CREATE ROLE bench_user LOGIN; CREATE SCHEMA bench; DO $$ BEGIN FOR i IN 1..%d LOOP
		EXECUTE format('CREATE FUNCTION bench.%%I(int, text) RETURNS int LANGUAGE sql AS %%L', 'f' || i, 'SELECT 1');
		EXECUTE format('GRANT EXECUTE ON FUNCTION bench.%%I(int, text) TO bench_user', 'f' || i);
		END LOOP; END $$`, functions))
	srv.Exec(b, "postgres", "ANALYZE pg_proc; ANALYZE pg_namespace; ANALYZE pg_authid")
	ctx := context.Background()
	settings := map[string]any{"host": srv.Host, "port": srv.Port, "sslmode": "disable", "object_kinds": []string{"functions"}}
	var binTime, loopTime, sameSQL, bare time.Duration
	var maxRSS int64
	for b.Loop() {
		for _, c := range []struct {
			capName string
			want    int
			plain   func(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error)
		}{{"list_entitlements", functions, plainFunctionEntitlements}, {"find_entitlement_associations", 2 * functions, plainFunctionGrants}} {
			page := &toolkit.Page{Size: size}
			got, after := 0, key3{}
			for page != nil {
				call := connectortest.RunLumos(b, bin, "postgres", c.capName, map[string]any{
					"auth":    map[string]any{"basic": map[string]any{"username": pgtest.Superuser, "password": pgtest.SuperPassword}},
					"request": map[string]any{}, "settings": settings, "page": page})
				binTime += call.Took
				maxRSS = max(maxRSS, call.MaxRSSKiB)
				got += call.Items
				page = call.Page
				start := time.Now()
				conn := srv.Connect(b, "postgres")
				after = drainPage(b, ctx, conn, c.plain, after, size)
				_ = conn.Close(ctx)
				took := time.Since(start)
				loopTime += took
				if c.capName == "list_entitlements" {
					sameSQL += took
				}
			}
			if got < c.want {
				b.Fatalf("%s: %d items, want at least %d", c.capName, got, c.want)
			}
		}
		for k := (key3{}); ; {
			start := time.Now()
			conn := srv.Connect(b, "postgres")
			n, next, err := plainFunctionsBare(ctx, conn, k, size)
			_ = conn.Close(ctx)
			bare += time.Since(start)
			if err != nil {
				b.Fatal(err)
			}
			if n < size {
				break
			}
			k = next
		}
	}
	b.ReportMetric(float64(binTime)/float64(loopTime), "ratio")
	b.ReportMetric(float64(sameSQL)/float64(bare), "sql-cost")
	b.ReportMetric(float64(maxRSS)/1024, "maxrss-MB")
	b.ReportMetric(float64(binTime.Milliseconds())/float64(b.N), "binary-ms")
	b.ReportMetric(float64(loopTime.Milliseconds())/float64(b.N), "loop-ms")
}

// plainFunctionEntitlements is list_entitlements' query of function
// privileges, scanned into Go values.
func plainFunctionEntitlements(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error) {
	rows, err := conn.Query(ctx, `SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), p.oid,
		current_database() || '.' || n.nspname || '.' || p.proname || '(' || COALESCE((SELECT string_agg(format_type(a.t, NULL), ', ' ORDER BY a.i)
		FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i)), '') || ')', v.priv, v.ord,
		EXISTS (SELECT 1 FROM aclexplode(COALESCE(p.proacl, acldefault('f', p.proowner))) e WHERE e.grantee = 0 AND e.privilege_type = v.priv)
		FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN unnest($3::text[]) WITH ORDINALITY v(priv, ord)
		WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND p.oid >= $1 AND (p.oid, v.ord) > ($1, $2) ORDER BY p.oid, v.ord LIMIT $4`,
		after.a, int64(after.b), []string{"EXECUTE"}, limit)
	if err != nil {
		return 0, after, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var db, oid uint32
		var label, priv string
		var ord int64
		var public bool
		if err := rows.Scan(&db, &oid, &label, &priv, &ord, &public); err != nil {
			return n, after, err
		}
		after, n = key3{a: oid, b: uint32(ord)}, n+1
	}
	return n, after, rows.Err()
}

// plainFunctionGrants is find_entitlement_associations' query of the
// grants on functions (from their ACLs, to accounts).
func plainFunctionGrants(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error) {
	rows, err := conn.Query(ctx, `SELECT DISTINCT (SELECT oid FROM pg_database WHERE datname = current_database()), o.oid, x.ord, x.grantee, x.priv
		FROM pg_proc o JOIN pg_namespace n ON n.oid = o.pronamespace CROSS JOIN LATERAL (
		SELECT p.ord, e.grantee, p.priv FROM aclexplode(COALESCE(o.proacl, acldefault('f', o.proowner))) e
		JOIN unnest($4::text[]) WITH ORDINALITY p(priv, ord) ON p.priv = e.privilege_type) x
		JOIN pg_roles g ON g.oid = x.grantee
		WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND g.rolname !~ '^pg_' AND g.rolcanlogin
		AND o.oid >= $1 AND (o.oid, x.ord, x.grantee) > ($1, $2, $3) ORDER BY 2, 3, 4 LIMIT $5`,
		after.a, int64(after.b), after.c, []string{"EXECUTE"}, limit)
	if err != nil {
		return 0, after, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var db, oid, grantee uint32
		var ord int64
		var priv string
		if err := rows.Scan(&db, &oid, &ord, &grantee, &priv); err != nil {
			return n, after, err
		}
		after, n = key3{a: oid, b: uint32(ord), c: grantee}, n+1
	}
	return n, after, rows.Err()
}

// plainFunctionsBare reads the functions by key with nothing computed:
// OID, schema, name and the ACL as text.
func plainFunctionsBare(ctx context.Context, conn *pgx.Conn, after key3, limit int) (int, key3, error) {
	rows, err := conn.Query(ctx, `SELECT p.oid, n.nspname, p.proname, COALESCE(p.proacl::text, '') FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND p.oid > $1 ORDER BY p.oid LIMIT $2`, after.a, limit)
	if err != nil {
		return 0, after, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var oid uint32
		var schema, name, acl string
		if err := rows.Scan(&oid, &schema, &name, &acl); err != nil {
			return n, after, err
		}
		after, n = key3{a: oid}, n+1
	}
	return n, after, rows.Err()
}
