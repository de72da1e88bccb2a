package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// ident quotes an identifier with the driver's rules (always in double
// quotes, inner quotes doubled, NUL refused by checkName).
func ident(parts ...string) string { return pgx.Identifier(parts).Sanitize() }

// quoteLiteral quotes a string constant as an escape string (E'…'), valid
// whatever standard_conforming_strings says: backslashes and quotes doubled.
func quoteLiteral(s string) string {
	return "E'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}

// passwordClause is the PASSWORD clause for password: a SCRAM-SHA-256
// verifier computed here for printable ASCII passwords (the password
// itself never reaches the server), else the password as a quoted literal
// (the server hashes it, with its own normalisation of non-ASCII text).
func passwordClause(password string) (string, error) {
	if strings.ContainsRune(password, 0) {
		return "", errs.New(errs.BadRequest, "create_account: the password contains a NUL character, which PostgreSQL cannot store.")
	}
	for _, r := range password {
		if r < 0x20 || r > 0x7e {
			return " PASSWORD " + quoteLiteral(password), nil
		}
	}
	v, err := scramVerifier(password)
	if err != nil {
		return "", err
	}
	return " PASSWORD " + quoteLiteral(v), nil
}

// checkName refuses a role name PostgreSQL would not keep as given: empty,
// with NUL, or longer than 63 bytes (the server would truncate it).
func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errs.New(errs.BadRequest, "create_account needs a username: the new role's name.")
	case strings.ContainsRune(name, 0):
		return errs.New(errs.BadRequest, "create_account: the username contains a NUL character.")
	case len(name) > 63:
		return errs.Newf(errs.BadRequest, "create_account: the username is %d bytes long; PostgreSQL role names have at most 63.", len(name))
	}
	return nil
}

// ---- entitlements -----------------------------------------------------------------------

// privilegeTarget is an object as GRANT names it ("DATABASE x", "SCHEMA
// x", "TABLE s.t", "SEQUENCE s.q", "ROUTINE s.f(types)"), the database
// whose connection grants on it, and the query that tells whether grantee
// $2 holds privilege $3 on it directly.
type privilegeTarget struct {
	clause string
	db     string
	held   string
}

// relationTargets are the kinds of object read by their schema's and
// their own name: the query of the two by OID, GRANT's keyword, and the
// object's ACL.
var relationTargets = map[string]struct {
	sql, keyword string
	acl          aclSource
}{
	ResourceTypeSchema: {"SELECT nspname, '' FROM pg_namespace WHERE oid = $1", "SCHEMA", schemaACL},
	ResourceTypeTable: {"SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1 AND " +
		listedTable, "TABLE", tableACL},
	ResourceTypeSequence: {"SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1 AND " +
		listedSequence, "SEQUENCE", sequenceACL},
}

// target resolves o by OID: names are read from the catalogs, never taken
// from the caller.
func (ss *session) target(ctx context.Context, o object) (privilegeTarget, error) {
	if o.Kind == ResourceTypeDatabase {
		name, err := ss.anyDatabaseName(ctx, o.DB)
		if err != nil {
			return privilegeTarget{}, err
		}
		return privilegeTarget{clause: "DATABASE " + ident(name), db: ss.s.Database, held: heldSQL(databaseACL)}, nil
	}
	db, err := ss.databaseName(ctx, o.DB)
	if err != nil {
		return privilegeTarget{}, err
	}
	if o.Kind == ResourceTypeFunction {
		clause, err := ss.functionClause(ctx, db, o)
		return privilegeTarget{clause: clause, db: db, held: heldSQL(functionACL)}, err
	}
	rt := relationTargets[o.Kind]
	// names are read as parts (schema, object) so that a dot in a name stays in it
	names, err := collect(ctx, ss, db, rt.sql, []any{o.OID}, func(rows pgx.Rows) ([2]string, error) {
		var p [2]string
		err := rows.Scan(&p[0], &p[1])
		return p, err
	})
	if err != nil {
		return privilegeTarget{}, err
	}
	if len(names) == 0 {
		return privilegeTarget{}, errs.Newf(errs.NotFound, "PostgreSQL: the %s %q does not exist in the database %q.", o.Kind, o.id(), db)
	}
	name := ident(names[0][0], names[0][1])
	if o.Kind == ResourceTypeSchema {
		name = ident(names[0][0])
	}
	return privilegeTarget{clause: rt.keyword + " " + name, db: db, held: heldSQL(rt.acl)}, nil
}

// heldSQL is the query of whether grantee $2 holds privilege $3 on the
// source's object $1 directly (any grantor), with the grantors' names.
func heldSQL(a aclSource) string {
	return `SELECT COALESCE(string_agg(DISTINCT pg_get_userbyid(e.grantor), ', '), '') FROM ` + a.from + `,
		aclexplode(COALESCE(` + a.acl + `, acldefault('` + a.aclType + `', ` + a.owner + `))) e
		WHERE o.oid = $1 AND e.grantee = $2 AND e.privilege_type = $3 HAVING count(*) > 0`
}

// anyDatabaseName is the name of the database with OID oid, inspected or not.
func (ss *session) anyDatabaseName(ctx context.Context, oid uint32) (string, error) {
	names, err := collect(ctx, ss, ss.s.Database, "SELECT datname FROM pg_database WHERE oid = $1", []any{oid}, scanOne[string])
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "", errs.Newf(errs.NotFound, "PostgreSQL: no database has the OID %d.", oid)
	}
	return names[0], nil
}

// roleName is the name of the role with OID oid; not_found naming what
// when there is none.
func (ss *session) roleName(ctx context.Context, oid uint32, what string) (string, error) {
	names, err := collect(ctx, ss, ss.s.Database, "SELECT rolname FROM pg_roles WHERE oid = $1", []any{oid}, scanOne[string])
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "", errs.Newf(errs.NotFound, "PostgreSQL: no role has the OID %d (%s).", oid, what)
	}
	return names[0], nil
}

// changeEntitlement grants or revokes a role membership or a privilege.
// What is held is read first, so a grant already there (or a revoke of
// what is not held directly) is a noop; a revoke that leaves a grant made
// by another role fails, naming the grantors.
func changeEntitlement(ctx context.Context, ch toolkit.EntitlementChange) (toolkit.Effect, error) {
	ss, err := newSession(ctx, ch.Request)
	if err != nil {
		return toolkit.Effect{}, err
	}
	defer ss.close()
	ref := ch.Request.Request
	e, err := parseEntitlementID(ref.EntitlementID, ref.ResourceID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	member, ok := parseOID(ref.AccountID)
	if !ok {
		return toolkit.Effect{}, errs.Newf(errs.NotFound, "Unknown account id %q: accounts are role OIDs such as \"16384\".", ref.AccountID)
	}
	memberName, err := ss.roleName(ctx, member, "account "+ref.AccountID)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if e.Role != 0 {
		return ss.changeMembership(ctx, e.Role, member, memberName, ch.Grant)
	}
	return ss.changePrivilege(ctx, e, member, memberName, ch.Grant)
}

// changeMembership grants or revokes membership of role in member.
func (ss *session) changeMembership(ctx context.Context, roleOID, member uint32, memberName string, grant bool) (toolkit.Effect, error) {
	roleName, err := ss.roleName(ctx, roleOID, "entitlement "+roleEntitlementID(roleOID))
	if err != nil {
		return toolkit.Effect{}, err
	}
	held := func() (string, bool, error) {
		g, err := collect(ctx, ss, ss.s.Database, `SELECT COALESCE(string_agg(DISTINCT pg_get_userbyid(grantor), ', '), '') FROM pg_auth_members
			WHERE roleid = $1 AND member = $2 HAVING count(*) > 0`, []any{roleOID, member}, scanOne[string])
		if err != nil || len(g) == 0 {
			return "", false, err
		}
		return g[0], true, nil
	}
	_, has, err := held()
	if err != nil {
		return toolkit.Effect{}, err
	}
	if has == grant {
		return toolkit.Noop(), nil
	}
	if grant {
		if err := ss.exec(ctx, ss.s.Database, "GRANT "+ident(roleName)+" TO "+ident(memberName)); err != nil {
			return toolkit.Effect{}, err
		}
		return toolkit.Created(), nil
	}
	if err := ss.exec(ctx, ss.s.Database, "REVOKE "+ident(roleName)+" FROM "+ident(memberName)); err != nil {
		return toolkit.Effect{}, err
	}
	if grantors, still, err := held(); err != nil || still {
		return toolkit.Effect{}, errors.Join(err, stillHeld("membership of "+roleName, memberName, grantors))
	}
	return toolkit.Deleted(), nil
}

// stillHeld is the error of a revoke that left grants made by other roles.
func stillHeld(what, member, grantors string) error {
	if grantors == "" {
		return nil
	}
	return errs.Newf(errs.PermissionDenied, "PostgreSQL: %q still holds the %s after REVOKE: it was granted by %s; revoke it as that role (or a superuser).", member, what, grantors)
}

// changePrivilege grants or revokes privilege e on its object to member.
func (ss *session) changePrivilege(ctx context.Context, e entitlement, member uint32, memberName string, grant bool) (toolkit.Effect, error) {
	t, err := ss.target(ctx, e.Object)
	if err != nil {
		return toolkit.Effect{}, err
	}
	objOID := e.Object.OID
	if e.Object.Kind == ResourceTypeDatabase {
		objOID = e.Object.DB
	}
	held := func() (string, bool, error) {
		g, err := collect(ctx, ss, t.db, t.held, []any{objOID, member, e.Privilege}, scanOne[string])
		if err != nil || len(g) == 0 {
			return "", false, err
		}
		return g[0], true, nil
	}
	_, has, err := held()
	if err != nil {
		return toolkit.Effect{}, err
	}
	if has == grant {
		return toolkit.Noop(), nil
	}
	// the privilege is one of a fixed list (parseEntitlementID), never the caller's text
	if grant {
		if err := ss.exec(ctx, t.db, "GRANT "+e.Privilege+" ON "+t.clause+" TO "+ident(memberName)); err != nil {
			return toolkit.Effect{}, err
		}
		return toolkit.Created(), nil
	}
	if err := ss.exec(ctx, t.db, "REVOKE "+e.Privilege+" ON "+t.clause+" FROM "+ident(memberName)); err != nil {
		return toolkit.Effect{}, err
	}
	if grantors, still, err := held(); err != nil || still {
		return toolkit.Effect{}, errors.Join(err, stillHeld(e.Privilege+" privilege on "+t.clause, memberName, grantors))
	}
	return toolkit.Deleted(), nil
}

// ---- accounts ------------------------------------------------------------------------

func createAccount(ctx context.Context, req toolkit.Request[CreateAccountPayload]) (toolkit.Response[toolkit.CreatedAccount], error) {
	p := req.Request
	if p.Password != nil {
		toolkit.AddSecret(ctx, *p.Password)
	}
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	defer ss.close()
	name := ""
	if p.Username != nil {
		name = *p.Username
	}
	if err := checkName(name); err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	login, status := "LOGIN", toolkit.AccountStatusActive
	if p.UserStatus != nil {
		switch strings.ToUpper(strings.TrimSpace(*p.UserStatus)) {
		case "", string(toolkit.AccountStatusActive):
		case string(toolkit.AccountStatusSuspended), string(toolkit.AccountStatusInactive):
			login, status = "NOLOGIN", toolkit.AccountStatusSuspended
		default:
			return toolkit.Response[toolkit.CreatedAccount]{}, errs.Newf(errs.BadRequest, "create_account: user_status %q is not supported (ACTIVE or SUSPENDED).", *p.UserStatus)
		}
	}
	entitlements := make([]entitlement, len(p.Entitlements))
	for i, e := range p.Entitlements {
		rid := ""
		if e.IntegrationSpecificResourceID != nil {
			rid = *e.IntegrationSpecificResourceID
		}
		if entitlements[i], err = parseEntitlementID(e.IntegrationSpecificID, rid); err != nil {
			return toolkit.Response[toolkit.CreatedAccount]{}, err
		}
	}
	stmt := "CREATE ROLE " + ident(name) + " " + login
	if p.Password != nil {
		clause, err := passwordClause(*p.Password)
		if err != nil {
			return toolkit.Response[toolkit.CreatedAccount]{}, err
		}
		stmt += clause
	}
	if err := ss.exec(ctx, ss.s.Database, stmt); err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, scrubStatement(err)
	}
	oids, err := collect(ctx, ss, ss.s.Database, "SELECT oid FROM pg_roles WHERE rolname = $1", []any{name}, scanOne[uint32])
	if err != nil || len(oids) == 0 {
		return toolkit.Response[toolkit.CreatedAccount]{}, errors.Join(err, errs.Newf(errs.APIError, "PostgreSQL: the role %q was created but cannot be read back.", name))
	}
	for _, e := range entitlements {
		var err error
		if e.Role != 0 {
			_, err = ss.changeMembership(ctx, e.Role, oids[0], name, true)
		} else {
			_, err = ss.changePrivilege(ctx, e, oids[0], name, true)
		}
		if err != nil {
			return toolkit.Response[toolkit.CreatedAccount]{}, fmt.Errorf("the role %q (account %d) was created, but granting its entitlements failed: %w", name, oids[0], err)
		}
	}
	fingerprinted := p
	fingerprinted.Password = nil // not even a hash of the password leaves the call
	sum, err := toolkit.Summarize(fingerprinted, toolkit.Created(), false)
	if err != nil {
		return toolkit.Response[toolkit.CreatedAccount]{}, err
	}
	return toolkit.Response[toolkit.CreatedAccount]{Response: toolkit.CreatedAccount{ID: toolkit.Ptr(u32(oids[0])), Status: status, Created: true}, ExecutionSummary: sum}, nil
}

// scrubStatement keeps a failed CREATE ROLE's server error but drops the
// parts that may quote the statement (its position and internal query).
func scrubStatement(err error) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		clean := *pe
		clean.InternalQuery, clean.Position, clean.InternalPosition, clean.Where = "", 0, 0, ""
		return &clean
	}
	return err
}

// setLogin gives the account's role LOGIN or NOLOGIN, unless it has it.
func setLogin(ctx context.Context, ss *session, id string, login bool) (toolkit.Effect, error) {
	r, err := ss.roleByID(ctx, id)
	if err != nil {
		return toolkit.Effect{}, err
	}
	if r.CanLogin == login {
		return toolkit.Noop(), nil
	}
	option := "NOLOGIN"
	if login {
		option = "LOGIN"
	}
	if err := ss.exec(ctx, ss.s.Database, "ALTER ROLE "+ident(r.Name)+" "+option); err != nil {
		return toolkit.Effect{}, err
	}
	return toolkit.Updated(), nil
}

// changeActivation turns the account on (activate_account) or off
// (deactivate_account).
func changeActivation(ctx context.Context, c toolkit.AccountActivation) (toolkit.Effect, toolkit.AccountStatus, error) {
	ss, err := newSession(ctx, c.Request)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	defer ss.close()
	eff, err := setLogin(ctx, ss, c.Request.Request.AccountID, c.Activate)
	if err != nil {
		return toolkit.Effect{}, "", err
	}
	if c.Activate {
		return eff, toolkit.AccountStatusActive, nil
	}
	return eff, toolkit.AccountStatusSuspended, nil
}

// maxDependents is how many dependent objects a refused delete names.
const maxDependents = 20

// dependentsSQL lists what a role ($1) owns or holds privileges on, from
// pg_shdepend: the database (its OID, 0 for shared objects), what the
// dependency is, and the object as pg_describe_object names it when it is
// shared or in the connection's database ("" otherwise).
const dependentsSQL = `SELECT d.dbid, COALESCE(db.datname, ''),
	CASE d.deptype WHEN 'o' THEN 'owner of' WHEN 'a' THEN 'privileges on' WHEN 'r' THEN 'named in the policy' ELSE 'depended on by' END,
	CASE WHEN d.dbid = 0 OR d.dbid = ` + currentDB + ` THEN COALESCE(pg_describe_object(d.classid, d.objid, d.objsubid), '') ELSE '' END
FROM pg_shdepend d LEFT JOIN pg_database db ON db.oid = d.dbid
WHERE d.refclassid = 'pg_authid'::regclass AND d.refobjid = $1 AND d.deptype IN ('o', 'a', 'r', 'i', 'p')
ORDER BY d.dbid, d.deptype, d.classid, d.objid LIMIT ` + "101"

// dependent is one row of dependentsSQL.
type dependent struct {
	dbOID       uint32
	db, how, on string
}

// dependents describes what the role still owns or has privileges on, in
// every database (objects of databases other than the connection's are
// described through their own connection when they are inspected, else
// counted); "" when nothing.
func (ss *session) dependents(ctx context.Context, r role) (string, error) {
	scan := func(rows pgx.Rows) (dependent, error) {
		var d dependent
		err := rows.Scan(&d.dbOID, &d.db, &d.how, &d.on)
		return d, err
	}
	deps, err := collect(ctx, ss, ss.s.Database, dependentsSQL, []any{r.OID}, scan)
	if err != nil || len(deps) == 0 {
		return "", err
	}
	elsewhere := map[string]int{}
	var named []string
	for _, d := range deps {
		switch {
		case d.on != "" && d.dbOID == 0:
			named = append(named, d.how+" "+d.on)
		case d.on != "":
			named = append(named, d.how+" "+d.on+" in the database "+d.db)
		default:
			elsewhere[d.db]++
		}
	}
	for _, db := range ss.s.ExtraDatabases {
		if elsewhere[db] == 0 {
			continue
		}
		more, err := collect(ctx, ss, db, dependentsSQL, []any{r.OID}, scan)
		if err != nil {
			return "", err
		}
		for _, d := range more {
			if d.db == db && d.on != "" {
				named = append(named, d.how+" "+d.on+" in the database "+d.db)
			}
		}
		delete(elsewhere, db)
	}
	for db, n := range elsewhere {
		named = append(named, fmt.Sprintf("%d object(s) in the database %s", n, db))
	}
	if len(named) > maxDependents {
		named = append(named[:maxDependents], fmt.Sprintf("and %d more", len(named)-maxDependents))
	}
	return strings.Join(named, "; "), nil
}

func deleteAccount(ctx context.Context, req toolkit.DeleteAccountRequest) (toolkit.DeleteAccountResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	defer ss.close()
	eff := toolkit.Deleted()
	r, err := ss.roleByID(ctx, req.Request.AccountID)
	var ce *errs.Error
	switch {
	case errors.As(err, &ce) && ce.Code == errs.NotFound:
		eff = toolkit.Noop()
	case err != nil:
		return toolkit.DeleteAccountResponse{}, err
	default:
		deps, err := ss.dependents(ctx, r)
		if err != nil {
			return toolkit.DeleteAccountResponse{}, err
		}
		if deps != "" {
			return toolkit.DeleteAccountResponse{}, errs.Newf(errs.BadRequest,
				"PostgreSQL: the role %q cannot be dropped, it is still %s. Reassign or drop these first (REASSIGN OWNED BY / DROP OWNED BY in each database).", r.Name, deps)
		}
		if err := ss.exec(ctx, ss.s.Database, "DROP ROLE "+ident(r.Name)); err != nil {
			return toolkit.DeleteAccountResponse{}, err
		}
	}
	sum, err := toolkit.Summarize(req.Request, eff, true)
	if err != nil {
		return toolkit.DeleteAccountResponse{}, err
	}
	return toolkit.DeleteAccountResponse{Response: toolkit.DeletedAccount{Status: toolkit.AccountStatusDeleted, Deleted: true}, ExecutionSummary: sum}, nil
}

// ---- validate_credentials --------------------------------------------------------------------

func validateCredentials(ctx context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	defer ss.close()
	for _, db := range ss.s.databases() {
		if _, err := ss.conn(ctx, db); err != nil {
			return toolkit.ValidateCredentialsResponse{}, err
		}
	}
	if _, err := collect(ctx, ss, ss.s.Database, "SELECT oid FROM pg_roles LIMIT 1", nil, scanOne[uint32]); err != nil {
		return toolkit.ValidateCredentialsResponse{}, err
	}
	tenant := "pg:" + hostPort(ss.s)
	ids, err := collect(ctx, ss, ss.s.Database, "SELECT system_identifier::text FROM pg_control_system()", nil, scanOne[string])
	var pe *pgconn.PgError
	switch {
	case err == nil && len(ids) == 1:
		tenant = "pg:" + ids[0]
	case errors.As(err, &pe) && pe.Code == "42501":
		toolkit.Logger(ctx).Debug("pg_control_system() may not be executed; the tenant id is host:port")
		// the failed statement ended nothing: no transaction is open
	case err != nil:
		return toolkit.ValidateCredentialsResponse{}, err
	}
	return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: tenant}}, nil
}
