package postgres_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
)

// fixture is a seeded set of roles, memberships, a database with a schema,
// a table, a view, a sequence and two overloads of a function, and grants.
type fixture struct {
	prefix                  string
	db                      string // the extra database
	dbOID, schemaOID, table uint32
	users                   []uint32 // alice, bob, carol (carol NOLOGIN), dave (expired)
	groups                  []uint32 // readers, writers (writers is a member of readers)
}

// seed makes a fixture named after prefix.
func seed(t testing.TB, srv *pgtest.Server, prefix string) fixture {
	t.Helper()
	f := fixture{prefix: prefix, db: prefix + "db"}
	n := func(s string) string { return q(prefix + s) }
	srv.Exec(t, "postgres", fmt.Sprintf(`
		CREATE ROLE %[1]s NOLOGIN; CREATE ROLE %[2]s NOLOGIN; GRANT %[1]s TO %[2]s;
		CREATE ROLE %[3]s LOGIN PASSWORD 'alice-pw'; CREATE ROLE %[4]s LOGIN; CREATE ROLE %[5]s NOLOGIN;
		CREATE ROLE %[6]s LOGIN VALID UNTIL '2001-01-01';
		GRANT %[2]s TO %[3]s; GRANT %[1]s TO %[4]s;`,
		n("readers"), n("writers"), n("alice"), n("bob"), n("carol"), n("dave")))
	srv.Exec(t, "postgres", "CREATE DATABASE "+q(f.db))
	srv.Exec(t, "postgres", fmt.Sprintf(`GRANT CONNECT ON DATABASE %[1]s TO %[2]s; GRANT CREATE, TEMPORARY ON DATABASE %[1]s TO %[3]s;`,
		q(f.db), n("alice"), n("bob")))
	srv.Exec(t, f.db, fmt.Sprintf(`
		CREATE SCHEMA app; CREATE TABLE app.items (id int); CREATE VIEW app.items_view AS SELECT * FROM app.items;
		GRANT USAGE ON SCHEMA app TO %[1]s; GRANT SELECT ON app.items TO %[1]s; GRANT INSERT, UPDATE ON app.items TO %[2]s;
		CREATE SEQUENCE app.items_seq; CREATE FUNCTION app.touch(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
		CREATE FUNCTION app.touch(text) RETURNS int LANGUAGE sql AS 'SELECT 2';
		GRANT USAGE ON SEQUENCE app.items_seq TO %[1]s; GRANT SELECT, UPDATE ON SEQUENCE app.items_seq TO %[3]s;
		GRANT EXECUTE ON FUNCTION app.touch(int) TO %[2]s; GRANT EXECUTE ON FUNCTION app.touch(text) TO %[4]s;`,
		n("readers"), n("writers"), n("alice"), n("bob")))
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		f.users = append(f.users, roleOID(t, srv, prefix+u))
	}
	for _, g := range []string{"readers", "writers"} {
		f.groups = append(f.groups, roleOID(t, srv, prefix+g))
	}
	f.dbOID = oidOf(t, srv, "postgres", "SELECT oid FROM pg_database WHERE datname = $1", f.db)
	f.schemaOID = oidOf(t, srv, f.db, "SELECT oid FROM pg_namespace WHERE nspname = 'app'")
	f.table = oidOf(t, srv, f.db, "SELECT 'app.items'::regclass::oid")
	return f
}

func id(oid uint32) string { return fmt.Sprint(oid) }

// TestReads drains every listing over a seeded fixture and checks what
// it says against the catalogs.
func TestReads(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("reads"))
	tg := superTarget(t, map[string]any{"extra_databases": []string{f.db}, "object_kinds": []string{"databases", "schemas", "tables"}})
	db := fmt.Sprintf("db:%d", f.dbOID)
	schema := fmt.Sprintf("schema:%d:%d", f.dbOID, f.schemaOID)
	table := fmt.Sprintf("table:%d:%d", f.dbOID, f.table)

	accounts := drain[account](t, tg, "list_accounts", map[string]any{}, 100)
	byID := map[string]account{}
	for _, a := range accounts {
		byID[a.ID] = a
	}
	cases := []struct {
		oid    uint32
		status string
		listed bool
	}{{f.users[0], "ACTIVE", true}, {f.users[1], "ACTIVE", true}, {f.users[2], "SUSPENDED", false}, {f.users[3], "INACTIVE", true}, {f.groups[0], "", false}}
	for _, c := range cases {
		a, ok := byID[id(c.oid)]
		is.Equal(ok, c.listed) // login roles only
		if ok {
			is.Equal(a.UserStatus, c.status)
		}
	}
	is.Equal(byID[id(f.users[0])].Username, f.prefix+"alice")
	is.Equal(byID[id(f.users[0])].ExtraData["superuser"], false)
	is.Equal(byID[id(roleOID(t, srv, "postgres"))].ExtraData["superuser"], true)
	for _, a := range accounts {
		is.True(len(a.Username) < 3 || a.Username[:3] != "pg_") // no system roles by default
	}

	// with list_nologin_roles, carol is listed as suspended
	all := drain[account](t, target{srv: srv, user: tg.user, password: tg.password, settings: map[string]any{"list_nologin_roles": true}}, "list_accounts", map[string]any{}, 100)
	is.True(slices.ContainsFunc(all, func(a account) bool { return a.ID == id(f.users[2]) && a.UserStatus == "SUSPENDED" }))

	// get_account: direct and inherited memberships
	var alice account
	is.NoErr(json.Unmarshal(tg.ok(t, "get_account", map[string]any{"account_id": id(f.users[0])}, nil).Response, &alice))
	is.Equal(alice.ExtraData["member_of"], []any{fmt.Sprintf("role:%d", f.groups[1])})
	is.Equal(alice.ExtraData["inherited_member_of"], []any{fmt.Sprintf("role:%d", f.groups[0])})
	var carol account
	is.NoErr(json.Unmarshal(tg.ok(t, "get_account", map[string]any{"account_id": id(f.users[2])}, nil).Response, &carol))
	is.Equal(carol.UserStatus, "SUSPENDED")

	resources := drain[resource](t, tg, "list_resources", map[string]any{}, 100)
	rs := map[string]resource{}
	for _, r := range resources {
		rs[r.ID] = r
	}
	is.Equal(rs[""].Type, "cluster")
	is.Equal(rs[db].Label, f.db)
	is.Equal(rs[schema].Label, f.db+".app")
	is.Equal(rs[table].Label, f.db+".app.items")
	is.Equal(rs[table].Extra["kind"], "table")

	ents := drain[entitlement](t, tg, "list_entitlements", map[string]any{}, 100)
	es := map[string]entitlement{}
	for _, e := range ents {
		es[e.ID+"@"+e.ResourceID] = e
	}
	for _, want := range []string{
		fmt.Sprintf("role:%d@", f.groups[0]), fmt.Sprintf("role:%d@", f.groups[1]),
		db + ":CONNECT@" + db, db + ":TEMPORARY@" + db, schema + ":USAGE@" + schema, table + ":SELECT@" + table, table + ":TRUNCATE@" + table,
	} {
		_, ok := es[want]
		is.True(ok) // entitlement listed
	}
	_, ok := es[fmt.Sprintf("role:%d@", f.users[0])]
	is.True(!ok) // a login role without members is no entitlement

	assocs := drain[association](t, tg, "find_entitlement_associations", map[string]any{}, 100)
	got := map[string]bool{}
	for _, a := range assocs {
		is.True(!got[a.String()]) // no duplicates
		got[a.String()] = true
	}
	alices, bobs := id(f.users[0]), id(f.users[1])
	for _, want := range []association{
		{alices, fmt.Sprintf("role:%d", f.groups[1]), ""},
		{bobs, fmt.Sprintf("role:%d", f.groups[0]), ""},
		{alices, db + ":CONNECT", db},
		{bobs, db + ":CREATE", db},
		{bobs, db + ":TEMPORARY", db},
	} {
		is.True(got[want.String()]) // association listed
	}
	// grants to group roles are not associations of accounts; writers in readers is not an account's
	is.True(!got[association{id(f.groups[1]), fmt.Sprintf("role:%d", f.groups[0]), ""}.String()])
	is.True(!got[association{id(f.groups[0]), schema + ":USAGE", schema}.String()])

	// one account's associations, including a NOLOGIN role asked for by id
	mine := drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": bobs}, 2)
	var names []string
	for _, a := range mine {
		names = append(names, a.String())
	}
	is.Equal(names, []string{
		association{bobs, fmt.Sprintf("role:%d", f.groups[0]), ""}.String(),
		association{bobs, db + ":CREATE", db}.String(),
		association{bobs, db + ":TEMPORARY", db}.String(),
	})
	writers := drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": id(f.groups[1])}, 100)
	is.Equal(len(writers), 3) // member of readers, INSERT and UPDATE on app.items
}
