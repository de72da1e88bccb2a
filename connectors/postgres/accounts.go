package postgres

import (
	"context"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// roleColumns are the columns of pg_roles (alias r) a role is read from, in
// role.scan's order. valid_until is ISO 8601 (or infinity), "" when unset.
const roleColumns = `r.oid, r.rolname, r.rolcanlogin, r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb,
	r.rolreplication, r.rolbypassrls, r.rolconnlimit,
	COALESCE(CASE WHEN isfinite(r.rolvaliduntil) THEN to_json(r.rolvaliduntil)#>>'{}' ELSE r.rolvaliduntil::text END, ''),
	COALESCE(r.rolvaliduntil < now(), false)`

// role is one row of pg_roles.
type role struct {
	OID                                       uint32
	Name                                      string
	CanLogin, Super, Inherit, CreateRole      bool
	CreateDB, Replication, BypassRLS, Expired bool
	ConnLimit                                 int32
	ValidUntil                                string
}

func scanRole(rows pgx.Rows) (role, error) {
	var r role
	err := rows.Scan(&r.OID, &r.Name, &r.CanLogin, &r.Super, &r.Inherit, &r.CreateRole, &r.CreateDB,
		&r.Replication, &r.BypassRLS, &r.ConnLimit, &r.ValidUntil, &r.Expired)
	return r, err
}

// status is SUSPENDED for a role that cannot log in, INACTIVE for one
// whose password expired (valid until in the past), else ACTIVE.
func (r role) status() toolkit.AccountStatus {
	switch {
	case !r.CanLogin:
		return toolkit.AccountStatusSuspended
	case r.Expired:
		return toolkit.AccountStatusInactive
	}
	return toolkit.AccountStatusActive
}

// account is the Lumos account of a role.
func (r role) account() toolkit.FoundAccountData {
	extra := map[string]any{
		"can_login": r.CanLogin, "superuser": r.Super, "inherit": r.Inherit, "create_role": r.CreateRole,
		"create_db": r.CreateDB, "replication": r.Replication, "bypass_rls": r.BypassRLS, "connection_limit": r.ConnLimit,
	}
	if r.ValidUntil != "" {
		extra["valid_until"] = r.ValidUntil
	}
	kind := toolkit.AccountTypeUser
	if strings.HasPrefix(r.Name, "pg_") {
		kind = toolkit.AccountTypeService
	}
	return toolkit.FoundAccountData{
		IntegrationSpecificID: u32(r.OID),
		Username:              toolkit.Ptr(r.Name),
		UserStatus:            toolkit.Ptr(r.status()),
		AccountType:           toolkit.Ptr(kind),
		ExtraData:             extra,
	}
}

// accountFilter is the condition on pg_roles (alias a) of the roles that
// are accounts: no pg_ role unless include_system_roles, no role without
// LOGIN unless list_nologin_roles. It is made of constant SQL only.
func (s Settings) accountFilter(a string) string {
	var parts []string
	if !s.IncludeSystemRoles {
		parts = append(parts, a+".rolname !~ '^pg_'")
	}
	if !s.ListNoLoginRoles {
		parts = append(parts, a+".rolcanlogin")
	}
	if len(parts) == 0 {
		return "true"
	}
	return strings.Join(parts, " AND ")
}

// systemFilter is the condition on pg_roles (alias a) that leaves out pg_
// roles unless include_system_roles.
func (s Settings) systemFilter(a string) string {
	if s.IncludeSystemRoles {
		return "true"
	}
	return a + ".rolname !~ '^pg_'"
}

// accountRows pages the accounts by OID.
func (ss *session) accountRows(ctx context.Context, after key, limit int) ([]row[toolkit.FoundAccountData], error) {
	sql := "SELECT " + roleColumns + " FROM pg_roles r WHERE r.oid > $1 AND " + ss.s.accountFilter("r") + " ORDER BY r.oid LIMIT $2"
	return collect(ctx, ss, ss.s.Database, sql, []any{after.A, limit}, func(rows pgx.Rows) (row[toolkit.FoundAccountData], error) {
		r, err := scanRole(rows)
		return row[toolkit.FoundAccountData]{entry: r.account(), key: key{A: r.OID}}, err
	})
}

func listAccounts(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	defer ss.close()
	accounts, p, err := page(ctx, ss.scope(toolkit.CapListAccounts.Name(), ""), req.Page, keyset(pageSize(req.Page), ss.accountRows))
	if err != nil {
		return toolkit.ListAccountsResponse{}, err
	}
	return toolkit.ListAccountsResponse{Response: accounts, Page: p}, nil
}

// roleByID reads the role whose OID is the account id; not_found when
// there is none.
func (ss *session) roleByID(ctx context.Context, id string) (role, error) {
	oid, ok := parseOID(id)
	if !ok {
		return role{}, errs.Newf(errs.NotFound, "Unknown account id %q: accounts are role OIDs such as \"16384\".", id)
	}
	roles, err := collect(ctx, ss, ss.s.Database, "SELECT "+roleColumns+" FROM pg_roles r WHERE r.oid = $1", []any{oid}, scanRole)
	if err != nil {
		return role{}, err
	}
	if len(roles) == 0 {
		return role{}, errs.Newf(errs.NotFound, "PostgreSQL: no role has the OID %s (account %q).", id, id)
	}
	return roles[0], nil
}

// membershipsSQL reads the OIDs of the roles a role ($1) is a direct
// member of (true), and of the roles whose privileges it gets through
// them (false): each role on the way, the member included, has INHERIT.
const membershipsSQL = `WITH RECURSIVE up(roleid, depth, flows) AS (
	SELECT m.roleid, 1, r.rolinherit AND x.rolinherit FROM pg_auth_members m
		JOIN pg_roles r ON r.oid = m.member JOIN pg_roles x ON x.oid = m.roleid WHERE m.member = $1
	UNION
	SELECT m.roleid, up.depth + 1, up.flows AND y.rolinherit FROM up JOIN pg_auth_members m ON m.member = up.roleid
		JOIN pg_roles y ON y.oid = m.roleid WHERE up.flows AND up.depth < 64
)
SELECT roleid, min(depth) = 1 FROM up WHERE roleid <> $1 GROUP BY roleid ORDER BY roleid`

func getAccount(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
	ss, err := newSession(ctx, req)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	defer ss.close()
	r, err := ss.roleByID(ctx, req.Request.AccountID)
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	type member struct {
		oid    uint32
		direct bool
	}
	ms, err := collect(ctx, ss, ss.s.Database, membershipsSQL, []any{r.OID}, func(rows pgx.Rows) (member, error) {
		var m member
		err := rows.Scan(&m.oid, &m.direct)
		return m, err
	})
	if err != nil {
		return toolkit.GetAccountResponse{}, err
	}
	a := r.account()
	direct, inherited := []string{}, []string{}
	for _, m := range ms {
		if m.direct {
			direct = append(direct, roleEntitlementID(m.oid))
		} else {
			inherited = append(inherited, roleEntitlementID(m.oid))
		}
	}
	a.ExtraData["member_of"] = direct
	a.ExtraData["inherited_member_of"] = inherited
	return toolkit.GetAccountResponse{Response: a}, nil
}
