package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres"
	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

// allKinds is every value of the object_kinds setting.
var allKinds = []string{"databases", "schemas", "tables", "sequences", "functions"}

// routineKinds exposes sequences and functions only.
var routineKinds = []string{"sequences", "functions"}

// fullEntitlement is a listed entitlement with its extra data.
type fullEntitlement struct {
	entitlement
	Description string         `json:"description"`
	Extra       map[string]any `json:"extra_data"`
}

// objectFixture is two fresh databases (the connection's and an extra
// one) holding sequences and functions with hostile names, overloads, a
// procedure and an aggregate, and grants to a login role.
type objectFixture struct {
	main, extra       string // database names
	mainOID, extraOID uint32
	user, owner       uint32 // the grantee (a login role) and the objects' owner (the superuser)
	seq, seq2         uint32 // main: the hostile sequence; extra: app.s2
	fInt, fText       uint32 // main: overloads of one hostile name, f(int) and f(text)
	fType, fNone      uint32 // f(the hostile composite type) and f()
	proc, agg         uint32 // a procedure with an OUT argument, an aggregate
	g                 uint32 // extra: app.g()
	schema            string // the hostile schema's name
}

// hostileSchema is a schema name with quotes, a space, a dot and Unicode.
const hostileSchema = `we.ird "s" ü`

func seedObjects(t testing.TB, srv *pgtest.Server, prefix string) objectFixture {
	t.Helper()
	f := objectFixture{main: prefix + "main", extra: prefix + "extra", schema: hostileSchema}
	user := prefix + "user"
	srv.Exec(t, "postgres", "CREATE ROLE "+q(user)+" LOGIN")
	srv.Exec(t, "postgres", "CREATE DATABASE "+q(f.main))
	srv.Exec(t, "postgres", "CREATE DATABASE "+q(f.extra))
	s := q(f.schema)
	fn := s + "." + q(`f "name".x`)
	srv.Exec(t, f.main, fmt.Sprintf(`CREATE SCHEMA %[1]s; CREATE TYPE %[1]s."my type" AS (a int);
		CREATE SEQUENCE %[1]s.%[2]s;
		CREATE FUNCTION %[3]s(a int) RETURNS int LANGUAGE sql AS 'SELECT 1';
		CREATE FUNCTION %[3]s(VARIADIC b text[]) RETURNS int LANGUAGE sql AS 'SELECT 2';
		CREATE FUNCTION %[3]s(x %[1]s."my type", OUT y int, INOUT z int[]) LANGUAGE sql AS 'SELECT 1, NULL::int[]';
		CREATE FUNCTION %[3]s() RETURNS int LANGUAGE sql AS 'SELECT 3';
		CREATE PROCEDURE %[1]s.%[4]s(IN a int, OUT b int) LANGUAGE plpgsql AS 'BEGIN b := a; END';
		CREATE AGGREGATE %[1]s.agg(int) (sfunc = int4pl, stype = int);
		GRANT USAGE ON SEQUENCE %[1]s.%[2]s TO %[5]s; GRANT EXECUTE ON FUNCTION %[3]s(VARIADIC text[]) TO %[5]s;
		REVOKE EXECUTE ON FUNCTION %[3]s(int) FROM PUBLIC;`,
		s, q(`seq.1 "q"`), fn, q("proc ü"), q(user)))
	srv.Exec(t, f.extra, fmt.Sprintf(`CREATE SCHEMA app; CREATE SEQUENCE app.s2; CREATE FUNCTION app.g() RETURNS int LANGUAGE sql AS 'SELECT 1';
		GRANT SELECT ON SEQUENCE app.s2 TO %s`, q(user)))
	f.user, f.owner = roleOID(t, srv, user), roleOID(t, srv, pgtest.Superuser)
	f.mainOID = oidOf(t, srv, "postgres", "SELECT oid FROM pg_database WHERE datname = $1", f.main)
	f.extraOID = oidOf(t, srv, "postgres", "SELECT oid FROM pg_database WHERE datname = $1", f.extra)
	f.seq = oidOf(t, srv, f.main, "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2", f.schema, `seq.1 "q"`)
	byArgs := func(name, args string) uint32 {
		return oidOf(t, srv, f.main, `SELECT p.oid FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE n.nspname = $1 AND p.proname = $2 AND pg_get_function_identity_arguments(p.oid) = $3`, f.schema, name, args)
	}
	f.fInt, f.fText = byArgs(`f "name".x`, "a integer"), byArgs(`f "name".x`, "VARIADIC b text[]")
	f.fType = byArgs(`f "name".x`, `x `+q(f.schema, "my type")+`, OUT y integer, INOUT z integer[]`)
	f.fNone, f.proc, f.agg = byArgs(`f "name".x`, ""), byArgs("proc ü", "IN a integer, OUT b integer"), byArgs("agg", "integer")
	f.seq2 = oidOf(t, srv, f.extra, "SELECT 'app.s2'::regclass::oid")
	f.g = oidOf(t, srv, f.extra, "SELECT 'app.g()'::regprocedure::oid")
	return f
}

func seqID(db, oid uint32) string  { return fmt.Sprintf("sequence:%d:%d", db, oid) }
func funcID(db, oid uint32) string { return fmt.Sprintf("function:%d:%d", db, oid) }

// TestObjectReads lists sequences and functions of two databases: ids by
// OID (overloads apart), labels and extra data with the catalogs' names,
// PUBLIC's privileges reported on resources and entitlements but never as
// associations, and an object without an ACL held by its owner.
func TestObjectReads(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	f := seedObjects(t, srv, uniq("objreads"))
	tg := superTarget(t, map[string]any{"database": f.main, "extra_databases": []string{f.extra}, "object_kinds": routineKinds})
	m, x := f.mainOID, f.extraOID
	label := func(rest string) string { return f.main + "." + f.schema + "." + rest }

	resources := drain[resource](t, tg, "list_resources", map[string]any{}, 100)
	var ids []string
	rs := map[string]resource{}
	for _, r := range resources {
		ids = append(ids, r.ID)
		rs[r.ID] = r
	}
	// the cluster, then sequences of each database, then functions of each, by OID
	is.Equal(ids, []string{"", seqID(m, f.seq), seqID(x, f.seq2),
		funcID(m, f.fInt), funcID(m, f.fText), funcID(m, f.fType), funcID(m, f.fNone), funcID(m, f.proc), funcID(m, f.agg), funcID(x, f.g)})
	cases := []struct {
		id, typ, label, kind, args, public string
	}{
		{seqID(m, f.seq), "sequence", label(`seq.1 "q"`), "", "", ""},
		{seqID(x, f.seq2), "sequence", f.extra + ".app.s2", "", "", ""},
		{funcID(m, f.fInt), "function", label(`f "name".x(integer)`), "function", "a integer", ""},
		{funcID(m, f.fText), "function", label(`f "name".x(text[])`), "function", "VARIADIC b text[]", "EXECUTE"},
		{funcID(m, f.fType), "function", label(`f "name".x(` + q(f.schema, "my type") + `, integer[])`), "function",
			"x " + q(f.schema, "my type") + ", OUT y integer, INOUT z integer[]", "EXECUTE"},
		{funcID(m, f.fNone), "function", label(`f "name".x()`), "function", "", "EXECUTE"},
		{funcID(m, f.proc), "function", label("proc ü(integer)"), "procedure", "IN a integer, OUT b integer", "EXECUTE"},
		{funcID(m, f.agg), "function", label("agg(integer)"), "aggregate", "integer", "EXECUTE"},
		{funcID(x, f.g), "function", f.extra + ".app.g()", "function", "", "EXECUTE"},
	}
	for _, c := range cases {
		r := rs[c.id]
		is.Equal(r.Type, c.typ)
		is.Equal(r.Label, c.label)
		is.Equal(r.Extra["public_privileges"], c.public)
		is.Equal(r.Extra["owner"], pgtest.Superuser)
		if c.typ == "function" {
			is.Equal(r.Extra["kind"], c.kind)
			is.Equal(r.Extra["arguments"], c.args)
		}
	}
	is.Equal(rs[funcID(m, f.fInt)].Extra["schema"], f.schema)
	is.Equal(rs[funcID(m, f.fInt)].Extra["function"], `f "name".x`)
	is.Equal(rs[seqID(m, f.seq)].Extra["sequence"], `seq.1 "q"`)

	ents := drain[fullEntitlement](t, tg, "list_entitlements", map[string]any{}, 100)
	es := map[string]fullEntitlement{}
	for _, e := range ents {
		if e.Type != "role_member" {
			es[e.ID] = e
			is.True(strings.HasPrefix(e.ID, e.ResourceID+":")) // on its object
		}
	}
	is.Equal(len(es), 2*3+7) // three privileges per sequence, EXECUTE per function
	for _, c := range []struct {
		id, typ, label string
		public         bool
	}{
		{seqID(m, f.seq) + ":SELECT", "sequence_privilege", "SELECT on " + label(`seq.1 "q"`), false},
		{seqID(m, f.seq) + ":UPDATE", "sequence_privilege", "UPDATE on " + label(`seq.1 "q"`), false},
		{seqID(x, f.seq2) + ":USAGE", "sequence_privilege", "USAGE on " + f.extra + ".app.s2", false},
		{funcID(m, f.fInt) + ":EXECUTE", "function_privilege", "EXECUTE on " + label(`f "name".x(integer)`), false},
		{funcID(m, f.fText) + ":EXECUTE", "function_privilege", "EXECUTE on " + label(`f "name".x(text[])`), true},
		{funcID(x, f.g) + ":EXECUTE", "function_privilege", "EXECUTE on " + f.extra + ".app.g()", true},
	} {
		e, ok := es[c.id]
		is.True(ok) // entitlement listed
		is.Equal(e.Type, c.typ)
		is.Equal(e.Label, c.label)
		is.Equal(e.Extra["public"], c.public)
		is.Equal(strings.Contains(e.Description, "PUBLIC"), c.public)
	}

	assocs := drain[association](t, tg, "find_entitlement_associations", map[string]any{}, 100)
	got := map[string]bool{}
	for _, a := range assocs {
		is.True(a.AccountID != "0") // PUBLIC is no account
		got[a.String()] = true
	}
	user, owner := id(f.user), id(f.owner)
	for _, want := range []association{
		{user, seqID(m, f.seq) + ":USAGE", seqID(m, f.seq)},
		{user, seqID(x, f.seq2) + ":SELECT", seqID(x, f.seq2)},
		{user, funcID(m, f.fText) + ":EXECUTE", funcID(m, f.fText)},
		{owner, funcID(m, f.fInt) + ":EXECUTE", funcID(m, f.fInt)},   // explicit ACL, PUBLIC revoked: the owner keeps it
		{owner, funcID(m, f.fNone) + ":EXECUTE", funcID(m, f.fNone)}, // no ACL: the owner's default
		{owner, seqID(x, f.seq2) + ":UPDATE", seqID(x, f.seq2)},
	} {
		is.True(got[want.String()]) // association listed
	}
	is.True(!got[association{user, funcID(m, f.fInt) + ":EXECUTE", funcID(m, f.fInt)}.String()])

	mine := drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": user}, 1)
	var names []string
	for _, a := range mine {
		names = append(names, a.String())
	}
	is.Equal(names, []string{
		association{user, seqID(m, f.seq) + ":USAGE", seqID(m, f.seq)}.String(),
		association{user, seqID(x, f.seq2) + ":SELECT", seqID(x, f.seq2)}.String(),
		association{user, funcID(m, f.fText) + ":EXECUTE", funcID(m, f.fText)}.String(),
	})

	// PUBLIC's grant changes what is reported, never the associations
	srv.Exec(t, f.main, fmt.Sprintf("GRANT SELECT ON SEQUENCE %s.%s TO PUBLIC", q(f.schema), q(`seq.1 "q"`)))
	resources = drain[resource](t, tg, "list_resources", map[string]any{}, 100)
	is.Equal(resources[1].Extra["public_privileges"], "SELECT")
	is.Equal(len(drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": user}, 100)), 3)
}

// TestObjectWrites grants and revokes each sequence privilege and EXECUTE
// on each overload of a name (functions, a procedure, an aggregate), twice each (the second a noop), with
// hostile schema, object, type and role names: the catalogs show the
// change on that object only, and no other statement ran (the sentinel
// role x survives).
func TestObjectWrites(t *testing.T) {
	srv := pgtest.Shared(t)
	prefix := uniq("objwrites")
	srv.Exec(t, "postgres", `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'x') THEN CREATE ROLE x; END IF; END $$`)
	db := prefix + "db"
	srv.Exec(t, "postgres", "CREATE DATABASE "+q(db))
	dbOID := oidOf(t, srv, "postgres", "SELECT oid FROM pg_database WHERE datname = $1", db)
	tg := superTarget(t, map[string]any{"extra_databases": []string{db}, "object_kinds": routineKinds})
	for i, name := range []string{"plain", `quote"inside`, "with space", "dot.ted", "Ünïcødé 名前", "select", `"; DROP ROLE x; --`, `'single'quote`, "MixedCase"} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			is := is.New(t)
			role := prefix + name
			srv.Exec(t, "postgres", "CREATE ROLE "+q(role)+" LOGIN")
			n := q(name)
			srv.Exec(t, db, fmt.Sprintf(`CREATE SCHEMA %[1]s; CREATE TYPE %[1]s.%[1]s AS (a int); CREATE SEQUENCE %[1]s.%[2]s;
				CREATE FUNCTION %[1]s.%[1]s(%[1]s.%[1]s) RETURNS int LANGUAGE sql AS 'SELECT 1';
				CREATE FUNCTION %[1]s.%[1]s(int) RETURNS int LANGUAGE sql AS 'SELECT 2';
				CREATE PROCEDURE %[1]s.%[1]s(text, OUT int) LANGUAGE sql AS 'SELECT 3';
				CREATE AGGREGATE %[1]s.%[1]s(bigint) (sfunc = int8pl, stype = bigint);
				REVOKE EXECUTE ON FUNCTION %[1]s.%[1]s(%[1]s.%[1]s) FROM PUBLIC`, n, q(name+".seq")))
			member, schema := roleOID(t, srv, role), oidOf(t, srv, db, "SELECT oid FROM pg_namespace WHERE nspname = $1", name)
			seq := oidOf(t, srv, db, "SELECT oid FROM pg_class WHERE relnamespace = $1 AND relkind = 'S'", schema)
			typ := oidOf(t, srv, db, "SELECT oid FROM pg_type WHERE typnamespace = $1 AND typname = $2", schema, name)
			overload := func(arg uint32) uint32 { // the routine of the schema whose one argument has the type arg
				return oidOf(t, srv, db, "SELECT oid FROM pg_proc WHERE pronamespace = $1 AND pronargs = 1 AND proargtypes[0] = $2", schema, arg)
			}
			typed, integer, proc, agg := overload(typ), overload(23), overload(25), overload(20)
			overloads := map[uint32]bool{typed: true, integer: true, proc: true, agg: true}
			conn := srv.Connect(t, db) // one connection for the checks
			ask := func(sql string, args ...any) bool {
				var v bool
				if err := conn.QueryRow(context.Background(), sql, args...).Scan(&v); err != nil {
					t.Fatalf("%s: %v", sql, err)
				}
				return v
			}
			direct := func(oid uint32, priv string) bool { // an ACL entry naming the role
				return ask(`SELECT EXISTS (SELECT 1 FROM pg_proc p, aclexplode(p.proacl) a WHERE p.oid = $1 AND a.grantee = $2 AND a.privilege_type = $3)
					OR EXISTS (SELECT 1 FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1 AND a.grantee = $2 AND a.privilege_type = $3)`, oid, member, priv)
			}
			account := id(member)
			for _, c := range []struct {
				resource, etype, priv string
				oid                   uint32
				check                 string // has_*_privilege, true exactly while granted ("" when PUBLIC holds it anyway)
			}{
				{seqID(dbOID, seq), "sequence_privilege", "USAGE", seq, "has_sequence_privilege"},
				{seqID(dbOID, seq), "sequence_privilege", "SELECT", seq, "has_sequence_privilege"},
				{seqID(dbOID, seq), "sequence_privilege", "UPDATE", seq, "has_sequence_privilege"},
				{funcID(dbOID, typed), "function_privilege", "EXECUTE", typed, "has_function_privilege"}, // PUBLIC revoked
				{funcID(dbOID, integer), "function_privilege", "EXECUTE", integer, ""},                   // PUBLIC holds it
				{funcID(dbOID, proc), "function_privilege", "EXECUTE", proc, ""},                         // a procedure
				{funcID(dbOID, agg), "function_privilege", "EXECUTE", agg, ""},                           // an aggregate
			} {
				payload := change(account, c.resource, c.etype, c.resource+":"+strings.ToLower(c.priv))
				has := func() bool {
					if c.check == "" {
						return true
					}
					return ask("SELECT "+c.check+"($1::oid, $2::oid, $3)", member, c.oid, c.priv)
				}
				is.True(!direct(c.oid, c.priv))
				is.Equal(has(), c.check == "")
				is.Equal(effect(t, tg.ok(t, "assign_entitlement", payload, nil)), toolkit.EffectCreated)
				is.True(direct(c.oid, c.priv))
				is.True(has())
				is.Equal(effect(t, tg.ok(t, "assign_entitlement", payload, nil)), toolkit.EffectNoop)
				for other := range overloads { // the other overloads are untouched
					is.Equal(direct(other, "EXECUTE"), other == c.oid && c.priv == "EXECUTE")
				}
				is.Equal(effect(t, tg.ok(t, "unassign_entitlement", payload, nil)), toolkit.EffectDeleted)
				is.True(!direct(c.oid, c.priv))
				is.Equal(has(), c.check == "")
				is.Equal(effect(t, tg.ok(t, "unassign_entitlement", payload, nil)), toolkit.EffectNoop)
			}
			is.Equal(query1[int](t, srv, "postgres", "SELECT count(*) FROM pg_roles WHERE rolname = 'x'"), 1) // the sentinel survived
		})
	}
}

// TestObjectCreateAndErrors creates an account holding a sequence and a
// function privilege, and checks the errors of ids that name no such
// object or a privilege of another kind.
func TestObjectCreateAndErrors(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	prefix := uniq("objerrors")
	f := seedObjects(t, srv, prefix)
	tg := superTarget(t, map[string]any{"database": f.main, "extra_databases": []string{f.extra}, "object_kinds": routineKinds})
	m := f.mainOID
	seq, fn := seqID(m, f.seq), funcID(m, f.fInt)
	env := tg.ok(t, "create_account", map[string]any{"username": prefix + "new", "entitlements": []any{
		map[string]any{"integration_specific_resource_id": seq, "entitlement_type": "sequence_privilege", "integration_specific_id": seq + ":USAGE"},
		map[string]any{"integration_specific_resource_id": fn, "entitlement_type": "function_privilege", "integration_specific_id": fn + ":EXECUTE"},
	}}, nil)
	var created struct {
		ID string `json:"id"`
	}
	is.NoErr(json.Unmarshal(env.Response, &created))
	mine := drain[association](t, tg, "get_account_entitlement_associations", map[string]any{"account_id": created.ID}, 100)
	is.Equal(len(mine), 2)
	is.Equal(mine[0].EntitlementID, seq+":USAGE")
	is.Equal(mine[1].EntitlementID, fn+":EXECUTE")

	table := oidOf(t, srv, f.main, "SELECT oid FROM pg_class WHERE relkind = 'r' LIMIT 1") // a catalog table's OID is no sequence nor function
	srv.Exec(t, f.main, "CREATE FUNCTION public.dropped() RETURNS int LANGUAGE sql AS 'SELECT 1'")
	gone := oidOf(t, srv, f.main, "SELECT 'public.dropped()'::regprocedure::oid")
	srv.Exec(t, f.main, "DROP FUNCTION public.dropped()")
	other := uniq("objother") + "db"
	srv.Exec(t, "postgres", "CREATE DATABASE "+q(other))
	srv.Exec(t, other, "CREATE FUNCTION public.h() RETURNS int LANGUAGE sql AS 'SELECT 1'")
	otherFn := funcID(oidOf(t, srv, "postgres", "SELECT oid FROM pg_database WHERE datname = $1", other), oidOf(t, srv, other, "SELECT 'public.h()'::regprocedure::oid"))
	user := id(f.user)
	for _, c := range []struct {
		name          string
		resource, ent string
		code          toolkit.ErrorCode
		want          []string
	}{
		{"SELECT on a function", fn, fn + ":SELECT", "not_found", []string{"SELECT", "EXECUTE"}},
		{"EXECUTE on a sequence", seq, seq + ":EXECUTE", "not_found", []string{"EXECUTE", "USAGE"}},
		{"a table's OID as a sequence", seqID(m, table), seqID(m, table) + ":USAGE", "not_found", []string{seqID(m, table)}},
		{"a table's OID as a function", funcID(m, table), funcID(m, table) + ":EXECUTE", "not_found", []string{funcID(m, table)}},
		{"a dropped function", funcID(m, gone), funcID(m, gone) + ":EXECUTE", "not_found", []string{funcID(m, gone)}},
		{"a database not inspected", otherFn, otherFn + ":EXECUTE", "bad_request", []string{other, "extra_databases"}},
		{"a function id with its signature", fn + "(integer)", fn + "(integer):EXECUTE", "not_found", nil},
		{"an entitlement on another function", funcID(m, f.fText), fn + ":EXECUTE", "not_found", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			tg.fail(t, "assign_entitlement", change(user, c.resource, "function_privilege", c.ent), c.code, c.want...)
		})
	}
	tg2 := superTarget(t, map[string]any{"object_kinds": []string{"functions", "routines"}})
	tg2.fail(t, "list_resources", map[string]any{}, "bad_request", "routines", "sequences", "functions")
}

// TestObjectDrain pages a few hundred sequences and functions and their
// grants at several page sizes: the same items in the same order as one
// page, none twice, every one there.
func TestObjectDrain(t *testing.T) {
	srv := pgtest.Shared(t)
	prefix := uniq("objdrain")
	db := prefix + "db"
	user := prefix + "user"
	const n = 150
	srv.Exec(t, "postgres", "CREATE ROLE "+q(user)+" LOGIN")
	srv.Exec(t, "postgres", "CREATE DATABASE "+q(db))
	srv.Exec(t, db, fmt.Sprintf(`CREATE SCHEMA many; DO $$ BEGIN FOR i IN 1..%d LOOP
		EXECUTE format('CREATE SEQUENCE many.%%I', 's ' || i);
		EXECUTE format('CREATE FUNCTION many.%%I(int) RETURNS int LANGUAGE sql AS %%L', 'f ' || i, 'SELECT 1');
		EXECUTE format('GRANT USAGE ON SEQUENCE many.%%I TO %%I', 's ' || i, %s);
		EXECUTE format('GRANT EXECUTE ON FUNCTION many.%%I(int) TO %%I', 'f ' || i, %s);
		END LOOP; END $$`, n, ql(user), ql(user)))
	tg := superTarget(t, map[string]any{"database": db, "object_kinds": routineKinds})
	account := id(roleOID(t, srv, user))
	for _, c := range []struct {
		capName string
		request map[string]any
		want    int // items of the new kinds (-1: not counted)
	}{
		{"list_resources", map[string]any{}, 2 * n},
		{"list_entitlements", map[string]any{}, 3*n + n},
		{"find_entitlement_associations", map[string]any{}, -1},
		{"get_account_entitlement_associations", map[string]any{"account_id": account}, 2 * n},
	} {
		t.Run(c.capName, func(t *testing.T) {
			is := is.New(t)
			whole := drain[map[string]any](t, tg, c.capName, c.request, 10_000)
			seen := map[string]bool{}
			count := 0
			for _, e := range whole {
				k := fmt.Sprint(e)
				is.True(!seen[k]) // no item twice
				seen[k] = true
				ref := fmt.Sprint(e["integration_specific_id"], e["integration_specific_resource_id"])
				if strings.Contains(ref, "sequence:") || strings.Contains(ref, "function:") {
					count++
				}
			}
			if c.want >= 0 {
				is.Equal(count, c.want)
			}
			for _, size := range []int{7, 100} {
				got := drain[map[string]any](t, tg, c.capName, c.request, size)
				is.Equal(len(got), len(whole))
				for i := range got {
					is.Equal(fmt.Sprint(got[i]), fmt.Sprint(whole[i])) // same items, same order
				}
			}
		})
	}
	// every function is listed once
	resources := drain[resource](t, tg, "list_resources", map[string]any{}, 10_000)
	funcs := slices.DeleteFunc(resources, func(r resource) bool { return r.Type != "function" })
	is.New(t).Equal(len(funcs), n)
}

// TestObjectConformance runs the toolkit's conformance suite, writes
// included, on a cluster of its own whose only entitlements are sequence
// and function privileges (a fresh cluster has no group role), so that the
// write round trip is made on one of them.
func TestObjectConformance(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Start(t)
	srv.Exec(t, "postgres", "CREATE ROLE member LOGIN")
	srv.Exec(t, "postgres", `CREATE SCHEMA app; CREATE SEQUENCE app.s; CREATE FUNCTION app.f(int) RETURNS int LANGUAGE sql AS 'SELECT 1';
		CREATE FUNCTION app.f(text) RETURNS int LANGUAGE sql AS 'SELECT 2'; GRANT EXECUTE ON FUNCTION app.f(text) TO member`)
	report := connectortest.Conformance(t, postgres.Integration(), connectortest.Options{
		Request: map[string]any{"auth": map[string]any{"basic": map[string]any{"username": pgtest.Superuser, "password": pgtest.SuperPassword}},
			"settings": map[string]any{"host": srv.Host, "port": srv.Port, "object_kinds": routineKinds}},
		AllowWrites: true,
		PageSize:    2,
	})
	writes := 0
	for _, c := range report.Checks {
		if strings.HasPrefix(c.Name, "writes: ") {
			writes++
			is.Equal(c.Status, conformance.Pass)
			is.True(strings.Contains(c.Summary, `"sequence:`) || strings.Contains(c.Summary, `"function:`)) // the grant is a new kind's
		}
	}
	is.Equal(writes, 2)
}
