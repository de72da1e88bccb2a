package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/paginate"
)

// Constant SQL shared by the catalog queries.
const (
	// userSchema is the condition on pg_namespace (alias n) of the schemas
	// listed: not pg_catalog, pg_toast, temporary schemas or information_schema.
	userSchema = `n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'`
	// listedTable is the condition on pg_class (alias c) of the relations
	// listed as tables: tables, partitioned tables, views, materialized
	// views and foreign tables.
	listedTable = `c.relkind IN ('r', 'p', 'v', 'm', 'f')`
	// currentDB is the OID of the connection's database.
	currentDB = `(SELECT oid FROM pg_database WHERE datname = current_database())`
)

// relkinds names pg_class.relkind values in extra_data.
var relkinds = map[string]string{"r": "table", "p": "partitioned table", "v": "view", "m": "materialized view", "f": "foreign table"}

// databaseResources pages the databases by OID.
func (ss *session) databaseResources(ctx context.Context, after key, limit int) ([]row[toolkit.FoundResourceData], error) {
	sql := `SELECT d.oid, d.datname, pg_get_userbyid(d.datdba) FROM pg_database d
		WHERE NOT d.datistemplate AND d.oid > $1 ORDER BY d.oid LIMIT $2`
	return collect(ctx, ss, ss.s.Database, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundResourceData], error) {
		var oid uint32
		var name, owner string
		err := rows.Scan(&oid, &name, &owner)
		o := object{Kind: ResourceTypeDatabase, DB: oid}
		return row[toolkit.FoundResourceData]{key: key{A: oid}, entry: toolkit.FoundResourceData{
			IntegrationSpecificID: o.id(), Label: name, ResourceType: ResourceTypeDatabase,
			ExtraData: map[string]string{"database": name, "owner": owner},
		}}, err
	})
}

// schemaResources pages the schemas of database db by OID.
func (ss *session) schemaResources(db string) keyQuery[toolkit.FoundResourceData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundResourceData], error) {
		sql := `SELECT ` + currentDB + `, current_database(), n.oid, n.nspname, pg_get_userbyid(n.nspowner) FROM pg_namespace n
			WHERE ` + userSchema + ` AND n.oid > $1 ORDER BY n.oid LIMIT $2`
		return collect(ctx, ss, db, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundResourceData], error) {
			var dbOID, oid uint32
			var dbName, name, owner string
			err := rows.Scan(&dbOID, &dbName, &oid, &name, &owner)
			o := object{Kind: ResourceTypeSchema, DB: dbOID, OID: oid}
			return row[toolkit.FoundResourceData]{key: key{A: oid}, entry: toolkit.FoundResourceData{
				IntegrationSpecificID: o.id(), Label: dbName + "." + name, ResourceType: ResourceTypeSchema,
				ExtraData: map[string]string{"database": dbName, "schema": name, "owner": owner},
			}}, err
		})
	}
}

// tableResources pages the tables of database db by OID.
func (ss *session) tableResources(db string) keyQuery[toolkit.FoundResourceData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundResourceData], error) {
		sql := `SELECT ` + currentDB + `, current_database(), c.oid, n.nspname, c.relname, c.relkind::text, pg_get_userbyid(c.relowner)
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE ` + listedTable + ` AND ` + userSchema + ` AND c.oid > $1 ORDER BY c.oid LIMIT $2`
		return collect(ctx, ss, db, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundResourceData], error) {
			var dbOID, oid uint32
			var dbName, schema, name, kind, owner string
			err := rows.Scan(&dbOID, &dbName, &oid, &schema, &name, &kind, &owner)
			o := object{Kind: ResourceTypeTable, DB: dbOID, OID: oid}
			return row[toolkit.FoundResourceData]{key: key{A: oid}, entry: toolkit.FoundResourceData{
				IntegrationSpecificID: o.id(), Label: dbName + "." + schema + "." + name, ResourceType: ResourceTypeTable,
				ExtraData: map[string]string{"database": dbName, "schema": schema, "table": name, "kind": relkinds[kind], "owner": owner},
			}}, err
		})
	}
}

// perDatabase is one phase per inspected database, made by phase, for the
// object kind k when the settings expose it.
func perDatabase[E any](ss *session, k string, size int, phase func(db string) keyQuery[E]) []paginate.Phase[E] {
	if !ss.s.kind(k) {
		return nil
	}
	var out []paginate.Phase[E]
	for _, db := range ss.s.databases() {
		out = append(out, keyset(size, phase(db)))
	}
	return out
}

func listResources(ctx context.Context, req toolkit.ListResourcesRequest) (toolkit.ListResourcesResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	defer ss.close()
	size := pageSize(req.Page)
	cluster := paginate.Static[toolkit.FoundResourceData]{Entries: func(context.Context) ([]toolkit.FoundResourceData, error) {
		return []toolkit.FoundResourceData{{IntegrationSpecificID: "", Label: "PostgreSQL " + hostPort(ss.s), ResourceType: ResourceTypeCluster,
			ExtraData: map[string]string{"host": ss.s.Host}}}, nil
	}}
	phases := []paginate.Phase[toolkit.FoundResourceData]{cluster}
	if ss.s.kind(KindDatabases) {
		phases = append(phases, keyset(size, ss.databaseResources))
	}
	phases = append(phases, perDatabase(ss, KindSchemas, size, ss.schemaResources)...)
	phases = append(phases, perDatabase(ss, KindTables, size, ss.tableResources)...)
	phases = append(phases, perDatabase(ss, KindSequences, size, ss.sequenceResources)...)
	phases = append(phases, perDatabase(ss, KindFunctions, size, ss.functionResources)...)
	out, p, err := page(ctx, ss.scope(toolkit.CapListResources.Name(), ""), req.Page, phases...)
	if err != nil {
		return toolkit.ListResourcesResponse{}, err
	}
	return toolkit.ListResourcesResponse{Response: out, Page: p}, nil
}

// ---- entitlements ---------------------------------------------------------------------

// groupRole is the condition on pg_roles (alias r) of the roles listed as
// role_member entitlements: roles that cannot log in, and roles with members.
const groupRole = `(NOT r.rolcanlogin OR EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid))`

// roleEntitlements pages the group roles by OID.
func (ss *session) roleEntitlements(ctx context.Context, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
	sql := `SELECT r.oid, r.rolname, r.rolcanlogin FROM pg_roles r WHERE r.oid > $1 AND ` + ss.s.systemFilter("r") + ` AND ` + groupRole +
		` ORDER BY r.oid LIMIT $2`
	return collect(ctx, ss, ss.s.Database, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundEntitlementData], error) {
		var oid uint32
		var name string
		var login bool
		err := rows.Scan(&oid, &name, &login)
		return row[toolkit.FoundEntitlementData]{key: key{A: oid}, entry: toolkit.FoundEntitlementData{
			EntitlementType: EntitlementTypeRoleMember, IntegrationSpecificID: roleEntitlementID(oid), IntegrationSpecificResourceID: "",
			Label: name, IsAssignable: toolkit.Ptr(true), Description: toolkit.Ptr("Member of the role " + name),
			ExtraData: map[string]any{"role": name, "role_can_login": login},
		}}, err
	})
}

// privilegeEntitlement is the entitlement of privilege priv on o, whose
// label is name.
func privilegeEntitlement(o object, priv, name string) toolkit.FoundEntitlementData {
	return toolkit.FoundEntitlementData{
		EntitlementType: o.entitlementType(), IntegrationSpecificID: privilegeEntitlementID(o, priv), IntegrationSpecificResourceID: o.id(),
		Label: priv + " on " + name, IsAssignable: toolkit.Ptr(true), Description: toolkit.Ptr(priv + " privilege on the " + o.Kind + " " + name),
		ExtraData: map[string]any{"privilege": priv, "object": name},
	}
}

// privilegeRows pages (object, privilege) pairs keyed by the object's OID
// and the privilege's position in privs. sql selects the database OID,
// the object OID and its label from a FROM clause joined with
// "unnest($3::text[]) WITH ORDINALITY p(priv, ord)", with conditions on
// (oid, ord) > ($1, $2) and LIMIT $4.
func privilegeRows(ctx context.Context, ss *session, db, kind string, privs []string, sql string, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
	return collect(ctx, ss, db, sql, []any{after.A, int64(after.B), privs, limit}, func(rows pgx.Rows) (row[toolkit.FoundEntitlementData], error) {
		var dbOID, oid uint32
		var ord int64
		var name, priv string
		err := rows.Scan(&dbOID, &oid, &name, &priv, &ord)
		o := object{Kind: kind, DB: dbOID, OID: oid}
		if kind == ResourceTypeDatabase {
			o = object{Kind: kind, DB: oid}
		}
		return row[toolkit.FoundEntitlementData]{key: key{A: oid, B: uint32(ord)}, entry: privilegeEntitlement(o, priv, name)}, err
	})
}

func (ss *session) databaseEntitlements(ctx context.Context, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
	sql := `SELECT d.oid, d.oid, d.datname, p.priv, p.ord FROM pg_database d CROSS JOIN unnest($3::text[]) WITH ORDINALITY p(priv, ord)
		WHERE NOT d.datistemplate AND d.oid >= $1 AND (d.oid, p.ord) > ($1, $2) ORDER BY d.oid, p.ord LIMIT $4`
	return privilegeRows(ctx, ss, ss.s.Database, ResourceTypeDatabase, databasePrivileges, sql, after, limit)
}

func (ss *session) schemaEntitlements(db string) keyQuery[toolkit.FoundEntitlementData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
		sql := `SELECT ` + currentDB + `, n.oid, current_database() || '.' || n.nspname, p.priv, p.ord
			FROM pg_namespace n CROSS JOIN unnest($3::text[]) WITH ORDINALITY p(priv, ord)
			WHERE ` + userSchema + ` AND n.oid >= $1 AND (n.oid, p.ord) > ($1, $2) ORDER BY n.oid, p.ord LIMIT $4`
		return privilegeRows(ctx, ss, db, ResourceTypeSchema, schemaPrivileges, sql, after, limit)
	}
}

func (ss *session) tableEntitlements(db string) keyQuery[toolkit.FoundEntitlementData] {
	return func(ctx context.Context, after key, limit int) ([]row[toolkit.FoundEntitlementData], error) {
		sql := `SELECT ` + currentDB + `, c.oid, current_database() || '.' || n.nspname || '.' || c.relname, p.priv, p.ord
			FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN unnest($3::text[]) WITH ORDINALITY p(priv, ord)
			WHERE ` + listedTable + ` AND ` + userSchema + ` AND c.oid >= $1 AND (c.oid, p.ord) > ($1, $2) ORDER BY c.oid, p.ord LIMIT $4`
		return privilegeRows(ctx, ss, db, ResourceTypeTable, tablePrivileges, sql, after, limit)
	}
}

func listEntitlements(ctx context.Context, req toolkit.ListEntitlementsRequest) (toolkit.ListEntitlementsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	defer ss.close()
	size := pageSize(req.Page)
	phases := []paginate.Phase[toolkit.FoundEntitlementData]{keyset(size, ss.roleEntitlements)}
	if ss.s.kind(KindDatabases) {
		phases = append(phases, keyset(size, ss.databaseEntitlements))
	}
	phases = append(phases, perDatabase(ss, KindSchemas, size, ss.schemaEntitlements)...)
	phases = append(phases, perDatabase(ss, KindTables, size, ss.tableEntitlements)...)
	phases = append(phases, perDatabase(ss, KindSequences, size, ss.sequenceEntitlements)...)
	phases = append(phases, perDatabase(ss, KindFunctions, size, ss.functionEntitlements)...)
	out, p, err := page(ctx, ss.scope(toolkit.CapListEntitlements.Name(), ""), req.Page, phases...)
	if err != nil {
		return toolkit.ListEntitlementsResponse{}, err
	}
	return toolkit.ListEntitlementsResponse{Response: out, Page: p}, nil
}
