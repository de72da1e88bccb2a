package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// Sequences and functions: the object kinds "sequences" and "functions".
// Both live in one database, like tables, and are read through that
// database's connection; their ids carry the database's OID and their own.

// Constant SQL of sequences (pg_class, alias c) and functions (pg_proc,
// alias p), each joined with its pg_namespace (alias n).
const (
	// listedSequence is the condition on pg_class of the sequences listed.
	listedSequence = `c.relkind = 'S'`
	// functionArgs is the function's argument types as format_type writes
	// them, comma-separated: its label's part in parentheses.
	functionArgs = `COALESCE((SELECT string_agg(format_type(a.t, NULL), ', ' ORDER BY a.i)
		FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i)), '')`
	// functionLabel is the label of a function: database.schema.name(types).
	functionLabel = `current_database() || '.' || n.nspname || '.' || p.proname || '(' || ` + functionArgs + ` || ')'`
)

// publicPrivileges is the SQL of the privileges PUBLIC holds on an object
// whose ACL column is acl (the default of type aclType for owner when
// NULL), in name order, comma-separated ("" when none).
func publicPrivileges(acl, aclType, owner string) string {
	return `COALESCE((SELECT string_agg(DISTINCT e.privilege_type, ',' ORDER BY e.privilege_type)
		FROM aclexplode(COALESCE(` + acl + `, acldefault('` + aclType + `', ` + owner + `))) e WHERE e.grantee = 0), '')`
}

// publicHolds is the SQL of whether PUBLIC holds the privilege named by
// the column priv on an object whose ACL column is acl (the default of
// type aclType for owner when NULL).
func publicHolds(acl, aclType, owner, priv string) string {
	return `EXISTS (SELECT 1 FROM aclexplode(COALESCE(` + acl + `, acldefault('` + aclType + `', ` + owner + `))) e
		WHERE e.grantee = 0 AND e.privilege_type = ` + priv + `)`
}

// prokinds names pg_proc.prokind values in extra_data.
var prokinds = map[string]string{"f": "function", "p": "procedure", "a": "aggregate", "w": "window function"}

// sequenceResources pages the sequences of database db by OID.
func (ss *session) sequenceResources(db string) keyQuery[toolkit.FoundResourceData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundResourceData], error) {
		sql := `SELECT ` + currentDB + `, current_database(), c.oid, n.nspname, c.relname, pg_get_userbyid(c.relowner),
			` + publicPrivileges("c.relacl", "s", "c.relowner") + `
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE ` + listedSequence + ` AND ` + userSchema + ` AND c.oid > $1 ORDER BY c.oid LIMIT $2`
		return collect(ctx, ss, db, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundResourceData], error) {
			var dbOID, oid uint32
			var dbName, schema, name, owner, public string
			err := rows.Scan(&dbOID, &dbName, &oid, &schema, &name, &owner, &public)
			o := object{Kind: ResourceTypeSequence, DB: dbOID, OID: oid}
			return row[toolkit.FoundResourceData]{key: key{A: oid}, entry: toolkit.FoundResourceData{
				IntegrationSpecificID: o.id(), Label: dbName + "." + schema + "." + name, ResourceType: ResourceTypeSequence,
				ExtraData: map[string]string{"database": dbName, "schema": schema, "sequence": name, "owner": owner, "public_privileges": public},
			}}, err
		})
	}
}

// functionResources pages the functions (procedures, aggregates and
// window functions included) of database db by OID.
func (ss *session) functionResources(db string) keyQuery[toolkit.FoundResourceData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundResourceData], error) {
		sql := `SELECT ` + currentDB + `, p.oid, ` + functionLabel + `, current_database(), n.nspname, p.proname,
			pg_get_function_identity_arguments(p.oid), p.prokind::text, pg_get_userbyid(p.proowner),
			` + publicPrivileges("p.proacl", "f", "p.proowner") + `
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
			WHERE ` + userSchema + ` AND p.oid > $1 ORDER BY p.oid LIMIT $2`
		return collect(ctx, ss, db, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundResourceData], error) {
			var dbOID, oid uint32
			var label, dbName, schema, name, args, kind, owner, public string
			err := rows.Scan(&dbOID, &oid, &label, &dbName, &schema, &name, &args, &kind, &owner, &public)
			o := object{Kind: ResourceTypeFunction, DB: dbOID, OID: oid}
			return row[toolkit.FoundResourceData]{key: key{A: oid}, entry: toolkit.FoundResourceData{
				IntegrationSpecificID: o.id(), Label: label, ResourceType: ResourceTypeFunction,
				ExtraData: map[string]string{"database": dbName, "schema": schema, "function": name, "arguments": args,
					"kind": prokinds[kind], "owner": owner, "public_privileges": public},
			}}, err
		})
	}
}

// publicPrivilegeRows pages (object, privilege) pairs of sequences or
// functions as privilegeRows does; sql selects, after privilegeRows'
// columns, whether PUBLIC holds the privilege.
func publicPrivilegeRows(ctx context.Context, ss *session, db, kind string, privs []string, sql string, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
	return collect(ctx, ss, db, sql, []any{after.A, int64(after.B), privs, limit}, func(rows pgx.Rows) (row[toolkit.FoundEntitlementData], error) {
		var dbOID, oid uint32
		var ord int64
		var name, priv string
		var public bool
		err := rows.Scan(&dbOID, &oid, &name, &priv, &ord, &public)
		o := object{Kind: kind, DB: dbOID, OID: oid}
		e := privilegeEntitlement(o, priv, name)
		e.ExtraData["public"] = public
		if public {
			e.Description = toolkit.Ptr(*e.Description + " (also granted to PUBLIC: every role holds it)")
		}
		return row[toolkit.FoundEntitlementData]{key: key{A: oid, B: uint32(ord)}, entry: e}, err
	})
}

func (ss *session) sequenceEntitlements(db string) keyQuery[toolkit.FoundEntitlementData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
		sql := `SELECT ` + currentDB + `, c.oid, current_database() || '.' || n.nspname || '.' || c.relname, p.priv, p.ord,
			` + publicHolds("c.relacl", "s", "c.relowner", "p.priv") + `
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN unnest($3::text[]) WITH ORDINALITY p(priv, ord)
			WHERE ` + listedSequence + ` AND ` + userSchema + ` AND c.oid >= $1 AND (c.oid, p.ord) > ($1, $2) ORDER BY c.oid, p.ord LIMIT $4`
		return publicPrivilegeRows(ctx, ss, db, ResourceTypeSequence, sequencePrivileges, sql, after, limit)
	}
}

func (ss *session) functionEntitlements(db string) keyQuery[toolkit.FoundEntitlementData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
		// the privileges are aliased v here, as p is the function
		sql := `SELECT ` + currentDB + `, p.oid, ` + functionLabel + `, v.priv, v.ord, ` + publicHolds("p.proacl", "f", "p.proowner", "v.priv") + `
			FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace CROSS JOIN unnest($3::text[]) WITH ORDINALITY v(priv, ord)
			WHERE ` + userSchema + ` AND p.oid >= $1 AND (p.oid, v.ord) > ($1, $2) ORDER BY p.oid, v.ord LIMIT $4`
		return publicPrivilegeRows(ctx, ss, db, ResourceTypeFunction, functionPrivileges, sql, after, limit)
	}
}

// The ACLs of sequences and functions, read as those of tables are.
var (
	sequenceACL = aclSource{kind: ResourceTypeSequence, from: "pg_class o JOIN pg_namespace n ON n.oid = o.relnamespace",
		cond: "o.relkind = 'S' AND " + userSchema, acl: "o.relacl", aclType: "s", owner: "o.relowner", dbOID: currentDB, privs: sequencePrivileges}
	functionACL = aclSource{kind: ResourceTypeFunction, from: "pg_proc o JOIN pg_namespace n ON n.oid = o.pronamespace",
		cond: userSchema, acl: "o.proacl", aclType: "f", owner: "o.proowner", dbOID: currentDB, privs: functionPrivileges}
)

// functionSignatureSQL reads a function ($1) by OID as GRANT names it: its
// schema and name, and the schema and name of each argument type in order
// (the input arguments: proargtypes), with their count.
const functionSignatureSQL = `SELECT n.nspname, p.proname, p.pronargs,
	ARRAY(SELECT tn.nspname FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i)
		JOIN pg_type ty ON ty.oid = a.t JOIN pg_namespace tn ON tn.oid = ty.typnamespace ORDER BY a.i),
	ARRAY(SELECT ty.typname FROM unnest(p.proargtypes) WITH ORDINALITY a(t, i)
		JOIN pg_type ty ON ty.oid = a.t ORDER BY a.i)
	FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.oid = $1`

// signature is a function as functionSignatureSQL reads it.
type signature struct {
	schema, name    string
	nargs           int16
	typeNS, typeNam []string
}

// clause is the function as GRANT … ON names it: ROUTINE (which covers
// functions, procedures, aggregates and window functions), the quoted
// schema and name, and each argument type quoted with its schema, so that
// nothing depends on the search path and no name is read as SQL.
func (sig signature) clause() (string, error) {
	if len(sig.typeNS) != int(sig.nargs) || len(sig.typeNam) != int(sig.nargs) {
		return "", errs.Newf(errs.APIError, "PostgreSQL: the argument types of the function %s.%s cannot all be read.", sig.schema, sig.name)
	}
	types := make([]string, sig.nargs)
	for i := range types {
		types[i] = ident(sig.typeNS[i], sig.typeNam[i])
	}
	return "ROUTINE " + ident(sig.schema, sig.name) + "(" + strings.Join(types, ", ") + ")", nil
}

// functionClause reads the function o of database db by OID and names it
// as GRANT does; not_found when it is gone.
func (ss *session) functionClause(ctx context.Context, db string, o object) (string, error) {
	sigs, err := collect(ctx, ss, db, functionSignatureSQL, []any{o.OID}, func(rows pgx.Rows) (signature, error) {
		var sig signature
		err := rows.Scan(&sig.schema, &sig.name, &sig.nargs, &sig.typeNS, &sig.typeNam)
		return sig, err
	})
	if err != nil {
		return "", err
	}
	if len(sigs) == 0 {
		return "", errs.Newf(errs.NotFound, "PostgreSQL: the %s %q does not exist in the database %q.", o.Kind, o.id(), db)
	}
	return sigs[0].clause()
}
