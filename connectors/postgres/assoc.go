package postgres

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

type association = toolkit.FoundEntitlementAssociation

// membershipRows pages the direct role memberships of accounts, keyed by
// (role, member); who, when not 0, keeps one member's.
func (ss *session) membershipRows(who uint32) keyQuery[association] {
	return func(ctx context.Context, after key, limit int) ([]row[association], error) {
		sql := `SELECT DISTINCT m.roleid, m.member FROM pg_auth_members m
			JOIN pg_roles a ON a.oid = m.member JOIN pg_roles r ON r.oid = m.roleid
			WHERE ` + accountCond(ss.s, "a", who) + ` AND ` + ss.s.systemFilter("r") + `
			AND m.roleid >= $1 AND (m.roleid, m.member) > ($1, $2)`
		args := []any{after.A, after.B, limit}
		if who != 0 {
			sql += ` AND m.member = $4`
			args = append(args, who)
		}
		sql += ` ORDER BY m.roleid, m.member LIMIT $3`
		return collect(ctx, ss, ss.s.Database, sql, args, func(rows pgx.Rows) (row[association], error) {
			var roleOID, member uint32
			err := rows.Scan(&roleOID, &member)
			return row[association]{key: key{A: roleOID, B: member}, entry: association{
				AccountID: u32(member), IntegrationSpecificEntitlementID: roleEntitlementID(roleOID), IntegrationSpecificResourceID: "",
			}}, err
		})
	}
}

// aclSource is a kind of object whose ACL is read: the FROM clause (the
// object aliased o), its condition, its ACL column, aclexplode's default
// ACL type and owner column, and the expression of its database's OID.
type aclSource struct {
	kind, from, cond, acl, aclType, owner, dbOID string
	privs                                        []string
}

var (
	databaseACL = aclSource{kind: ResourceTypeDatabase, from: "pg_database o", cond: "NOT o.datistemplate",
		acl: "o.datacl", aclType: "d", owner: "o.datdba", dbOID: "o.oid", privs: databasePrivileges}
	schemaACL = aclSource{kind: ResourceTypeSchema, from: "pg_namespace o", cond: "o.nspname !~ '^pg_' AND o.nspname <> 'information_schema'",
		acl: "o.nspacl", aclType: "n", owner: "o.nspowner", dbOID: currentDB, privs: schemaPrivileges}
	tableACL = aclSource{kind: ResourceTypeTable, from: "pg_class o JOIN pg_namespace n ON n.oid = o.relnamespace",
		cond: "o.relkind IN ('r', 'p', 'v', 'm', 'f') AND " + userSchema, acl: "o.relacl", aclType: "r", owner: "o.relowner",
		dbOID: currentDB, privs: tablePrivileges}
)

// sql is the query of the direct grants to accounts on the source's
// objects, keyed by (object, privilege position, grantee): $1..$3 the key,
// $4 the privileges, $5 the limit, and $6 the grantee when grantee is set.
// An object without an ACL has its default one (the owner's privileges).
// Grants to PUBLIC are not listed (PUBLIC is no account).
func (a aclSource) sql(s Settings, grantee bool) string {
	cond := s.accountFilter("g")
	if grantee {
		cond = "true"
	}
	q := `SELECT DISTINCT ` + a.dbOID + `, o.oid, x.ord, x.grantee, x.priv FROM ` + a.from + ` CROSS JOIN LATERAL (
		SELECT p.ord, e.grantee, p.priv FROM aclexplode(COALESCE(` + a.acl + `, acldefault('` + a.aclType + `', ` + a.owner + `))) e
		JOIN unnest($4::text[]) WITH ORDINALITY p(priv, ord) ON p.priv = e.privilege_type) x
		JOIN pg_roles g ON g.oid = x.grantee
		WHERE ` + a.cond + ` AND ` + cond + ` AND o.oid >= $1 AND (o.oid, x.ord, x.grantee) > ($1, $2, $3)`
	if grantee {
		q += ` AND x.grantee = $6`
	}
	return q + ` ORDER BY 2, 3, 4 LIMIT $5`
}

// grantRows pages the direct grants of the source's objects in database db.
func (ss *session) grantRows(a aclSource, db string, who uint32) keyQuery[association] {
	sql := a.sql(ss.s, who != 0)
	return func(ctx context.Context, after key, limit int) ([]row[association], error) {
		args := []any{after.A, int64(after.B), after.C, a.privs, limit}
		if who != 0 {
			args = append(args, who)
		}
		return collect(ctx, ss, db, sql, args, func(rows pgx.Rows) (row[association], error) {
			var dbOID, oid, grantee uint32
			var ord int64
			var priv string
			err := rows.Scan(&dbOID, &oid, &ord, &grantee, &priv)
			o := object{Kind: a.kind, DB: dbOID, OID: oid}
			if a.kind == ResourceTypeDatabase {
				o = object{Kind: a.kind, DB: oid}
			}
			return row[association]{key: key{A: oid, B: uint32(ord), C: grantee}, entry: association{
				AccountID: u32(grantee), IntegrationSpecificEntitlementID: privilegeEntitlementID(o, priv), IntegrationSpecificResourceID: o.id(),
			}}, err
		})
	}
}

// accountCond is the account filter on pg_roles (alias a), or none when
// the listing is of one account (who not 0): an account asked for by id is
// listed even when the settings leave it out of list_accounts.
func accountCond(s Settings, a string, who uint32) string {
	if who != 0 {
		return "true"
	}
	return s.accountFilter(a)
}

// associationPhases are the phases of the association listings: role
// memberships, then grants on databases, schemas, tables, sequences and
// functions as the settings expose them; who, when not 0, keeps one account's.
func (ss *session) associationPhases(size int, who uint32) []paginate.Phase[association] {
	phases := []paginate.Phase[association]{keyset(size, ss.membershipRows(who))}
	if ss.s.kind(KindDatabases) {
		phases = append(phases, keyset(size, ss.grantRows(databaseACL, ss.s.Database, who)))
	}
	phases = append(phases, perDatabase(ss, KindSchemas, size, func(db string) keyQuery[association] { return ss.grantRows(schemaACL, db, who) })...)
	phases = append(phases, perDatabase(ss, KindTables, size, func(db string) keyQuery[association] { return ss.grantRows(tableACL, db, who) })...)
	phases = append(phases, perDatabase(ss, KindSequences, size, func(db string) keyQuery[association] { return ss.grantRows(sequenceACL, db, who) })...)
	phases = append(phases, perDatabase(ss, KindFunctions, size, func(db string) keyQuery[association] { return ss.grantRows(functionACL, db, who) })...)
	return phases
}

func findEntitlementAssociations(ctx context.Context, req toolkit.FindEntitlementAssociationsRequest) (toolkit.FindEntitlementAssociationsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	defer ss.close()
	out, p, err := page(ctx, ss.scope(toolkit.CapFindEntitlementAssociations.Name(), ""), req.Page, ss.associationPhases(pageSize(req.Page), 0)...)
	if err != nil {
		return toolkit.FindEntitlementAssociationsResponse{}, err
	}
	return toolkit.FindEntitlementAssociationsResponse{Response: out, Page: p}, nil
}

func getAccountEntitlementAssociations(ctx context.Context, req toolkit.GetAccountEntitlementAssociationsRequest) (toolkit.GetAccountEntitlementAssociationsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	defer ss.close()
	r, err := ss.roleByID(ctx, req.Request.AccountID)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	scope := ss.scope(toolkit.CapGetAccountEntitlementAssociations.Name(), strconv.FormatUint(uint64(r.OID), 10))
	phases := ss.associationPhases(pageSize(req.Page), r.OID)
	out, p, err := page(ctx, scope, req.Page, phases...)
	if err != nil {
		return toolkit.GetAccountEntitlementAssociationsResponse{}, err
	}
	return toolkit.GetAccountEntitlementAssociationsResponse{Response: out, Page: p}, nil
}
