package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
)

// change is the assign/unassign payload of one entitlement.
func change(account, resource, etype, ent string) map[string]any {
	return map[string]any{"account_integration_specific_id": account, "resource_integration_specific_id": resource,
		"resource_type": "", "entitlement_type": etype, "entitlement_integration_specific_id": ent}
}

// effect is the kind of an answer's execution summary.
func effect(t testing.TB, env envelope) toolkit.EffectKind {
	t.Helper()
	if env.ExecutionSummary == nil {
		t.Fatalf("no execution summary in %s", env.Response)
	}
	return env.ExecutionSummary.Effect.Kind
}

// query1 reads one value with the superuser in database db.
func query1[T any](t testing.TB, srv *pgtest.Server, db, sql string, args ...any) T {
	t.Helper()
	var v T
	if err := srv.Connect(t, db).QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return v
}

// canLogin connects as user with password to database db.
func canLogin(srv *pgtest.Server, user, password, db string) error {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("host=%s port=%d sslmode=disable", srv.Host, srv.Port))
	if err != nil {
		return err
	}
	cfg.User, cfg.Password, cfg.Database = user, password, db
	c, err := pgx.ConnectConfig(context.Background(), cfg)
	if err != nil {
		return err
	}
	return c.Close(context.Background())
}

// roundTrip creates an account named name with password, grants it every
// kind of entitlement (twice: the second a noop), checks the catalogs,
// revokes them (twice), deactivates and activates it, refuses to delete
// it while it owns a table, then deletes it (twice).
func roundTrip(t *testing.T, srv *pgtest.Server, f fixture, group uint32, schema, table uint32, name, password string) {
	is := is.New(t)
	tg := superTarget(t, map[string]any{"extra_databases": []string{f.db}, "object_kinds": []string{"databases", "schemas", "tables"}})
	env := tg.ok(t, "create_account", map[string]any{"username": name, "password": password, "entitlements": []any{}}, nil)
	var created struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	is.NoErr(json.Unmarshal(env.Response, &created))
	is.Equal(created.Status, "ACTIVE")
	is.Equal(created.ID, id(roleOID(t, srv, name))) // the role exists under its exact name
	is.NoErr(canLogin(srv, name, password, "postgres"))
	tg.fail(t, "create_account", map[string]any{"username": name, "entitlements": []any{}}, "bad_request", "already exists")

	db := fmt.Sprintf("db:%d", f.dbOID)
	sch := fmt.Sprintf("schema:%d:%d", f.dbOID, schema)
	tbl := fmt.Sprintf("table:%d:%d", f.dbOID, table)
	grants := []struct {
		payload map[string]any
		held    func() bool
	}{
		{change(created.ID, "", "role_member", fmt.Sprintf("role:%d", group)), func() bool {
			return query1[bool](t, srv, "postgres", "SELECT EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = $1 AND member = $2)", group, roleOID(t, srv, name))
		}},
		{change(created.ID, db, "database_privilege", db+":CONNECT"), func() bool {
			return query1[bool](t, srv, "postgres", "SELECT has_database_privilege($1, $2::oid, 'CONNECT') AND EXISTS (SELECT 1 FROM pg_database d, aclexplode(d.datacl) a WHERE d.oid = $2 AND a.grantee = $3)", name, f.dbOID, roleOID(t, srv, name))
		}},
		{change(created.ID, sch, "schema_privilege", sch+":USAGE"), func() bool {
			return query1[bool](t, srv, f.db, "SELECT has_schema_privilege($1, $2::oid, 'USAGE')", name, schema)
		}},
		{change(created.ID, tbl, "table_privilege", tbl+":SELECT"), func() bool {
			return query1[bool](t, srv, f.db, "SELECT has_table_privilege($1, $2::oid, 'SELECT')", name, table)
		}},
	}
	for _, g := range grants {
		is.True(!g.held())
		is.Equal(effect(t, tg.ok(t, "assign_entitlement", g.payload, nil)), toolkit.EffectCreated)
		is.True(g.held())
		is.Equal(effect(t, tg.ok(t, "assign_entitlement", g.payload, nil)), toolkit.EffectNoop)
	}
	mine := drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": created.ID}, 100)
	is.Equal(len(mine), len(grants))
	for _, g := range grants {
		is.Equal(effect(t, tg.ok(t, "unassign_entitlement", g.payload, nil)), toolkit.EffectDeleted)
		is.True(!g.held())
		is.Equal(effect(t, tg.ok(t, "unassign_entitlement", g.payload, nil)), toolkit.EffectNoop)
	}

	is.Equal(effect(t, tg.ok(t, "deactivate_account", map[string]any{"account_id": created.ID}, nil)), toolkit.EffectUpdated)
	is.True(!query1[bool](t, srv, "postgres", "SELECT rolcanlogin FROM pg_roles WHERE oid = $1", roleOID(t, srv, name)))
	is.True(canLogin(srv, name, password, "postgres") != nil)
	is.Equal(effect(t, tg.ok(t, "deactivate_account", map[string]any{"account_id": created.ID}, nil)), toolkit.EffectNoop)
	is.Equal(effect(t, tg.ok(t, "activate_account", map[string]any{"account_id": created.ID}, nil)), toolkit.EffectUpdated)
	is.NoErr(canLogin(srv, name, password, "postgres"))
	is.Equal(effect(t, tg.ok(t, "activate_account", map[string]any{"account_id": created.ID}, nil)), toolkit.EffectNoop)

	// a role owning a table and holding a privilege is not dropped; the error names both
	owned := name + " owned"
	srv.Exec(t, f.db, fmt.Sprintf("CREATE TABLE app.%s (id int); ALTER TABLE app.%s OWNER TO %s", q(owned), q(owned), q(name)))
	srv.Exec(t, "postgres", fmt.Sprintf("GRANT CONNECT ON DATABASE %s TO %s", q(f.db), q(name)))
	tg.fail(t, "delete_account", map[string]any{"account_id": created.ID}, "bad_request", "owner of table app.", "privileges on database "+f.db)
	srv.Exec(t, f.db, fmt.Sprintf("DROP TABLE app.%s", q(owned)))
	srv.Exec(t, "postgres", fmt.Sprintf("REVOKE CONNECT ON DATABASE %s FROM %s", q(f.db), q(name)))
	is.Equal(effect(t, tg.ok(t, "delete_account", map[string]any{"account_id": created.ID}, nil)), toolkit.EffectDeleted)
	is.Equal(query1[int](t, srv, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = $1", name), 0)
	is.Equal(effect(t, tg.ok(t, "delete_account", map[string]any{"account_id": created.ID}, nil)), toolkit.EffectNoop)
}

// TestWrites runs the write round trip with plain and hostile names: the
// role, the group role, the schema and the table all carry the name, and
// each must come back exactly, with no other statement run (the sentinel
// role x survives).
func TestWrites(t *testing.T) {
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("writes"))
	srv.Exec(t, "postgres", `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'x') THEN CREATE ROLE x; END IF; END $$`)
	names := []struct{ name, password string }{
		{"plain_user", "plain-password-123"},
		{`quote"inside`, `pa'ss"wo\rd`},
		{"with space", "  spaces around  "},
		{"Ünïcødé 名前", "pässwörd-ünicode-名前"},
		{"select", "select"},
		{`"; DROP ROLE x; --`, `'; DROP ROLE x; --`},
		{`'single'quote`, `\'; DROP ROLE x; --\`},
		{"MixedCase", "E'x'"},
	}
	for i, c := range names {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			group := c.name + " group"
			srv.Exec(t, "postgres", "CREATE ROLE "+q(group)+" NOLOGIN")
			srv.Exec(t, f.db, fmt.Sprintf("CREATE SCHEMA %[1]s; CREATE TABLE %[1]s.%[1]s (id int)", q(c.name)))
			schema := oidOf(t, srv, f.db, "SELECT oid FROM pg_namespace WHERE nspname = $1", c.name)
			table := oidOf(t, srv, f.db, "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $1", c.name)
			roundTrip(t, srv, f, roleOID(t, srv, group), schema, table, c.name, c.password)
			is.New(t).Equal(query1[int](t, srv, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'x'"), 1) // the sentinel survived
		})
	}
}

// TestCreateWithEntitlements creates a suspended account holding a role
// and a privilege from the start.
func TestCreateWithEntitlements(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("create"))
	tg := superTarget(t, map[string]any{"extra_databases": []string{f.db}})
	db := fmt.Sprintf("db:%d", f.dbOID)
	name := f.prefix + "new"
	env := tg.ok(t, "create_account", map[string]any{"username": name, "user_status": "SUSPENDED", "entitlements": []any{
		map[string]any{"integration_specific_resource_id": "", "entitlement_type": "role_member", "integration_specific_id": fmt.Sprintf("role:%d", f.groups[0])},
		map[string]any{"integration_specific_resource_id": db, "entitlement_type": "database_privilege", "integration_specific_id": db + ":TEMP"},
	}}, nil)
	var created struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	is.NoErr(json.Unmarshal(env.Response, &created))
	is.Equal(created.Status, "SUSPENDED")
	mine := drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": created.ID}, 100)
	is.Equal(len(mine), 2)
	is.Equal(mine[0].EntitlementID, fmt.Sprintf("role:%d", f.groups[0]))
	is.Equal(mine[1].EntitlementID, db+":TEMPORARY")
	is.True(!query1[bool](t, srv, "postgres", "SELECT rolcanlogin FROM pg_roles WHERE rolname = $1", name))
}
