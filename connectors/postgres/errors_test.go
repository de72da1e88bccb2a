package postgres_test

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// TestErrors checks the error codes: SQLSTATE classes, network failures,
// unknown ids and bad settings.
func TestErrors(t *testing.T) {
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("errors"))
	reader := f.prefix + "reader"
	srv.Exec(t, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'reader-password'", q(reader)))
	super := superTarget(t, nil)
	wrongPassword := super
	wrongPassword.password = "not-the-password"
	plain := target{srv: srv, user: reader, password: "reader-password"}
	unknownDB := superTarget(t, map[string]any{"database": "no such db"})
	refused := superTarget(t, map[string]any{"port": closedPort(t)})
	tlsRequired := superTarget(t, map[string]any{"sslmode": "require"})
	db := fmt.Sprintf("db:%d", f.dbOID)
	sch := fmt.Sprintf("schema:%d:%d", f.dbOID, f.schemaOID)
	alice := id(f.users[0])
	cases := []struct {
		name    string
		tg      target
		capName string
		request map[string]any
		code    toolkit.ErrorCode
		want    []string
	}{
		{"wrong password", wrongPassword, "validate_credentials", nil, "unauthorized", []string{"password authentication failed", "28P01"}},
		{"unknown database", unknownDB, "list_accounts", nil, "not_found", []string{`"no such db"`, "3D000"}},
		{"connection refused", refused, "validate_credentials", nil, "api_error", []string{errs.MessageConnectFailed}},
		{"server without TLS", tlsRequired, "validate_credentials", nil, "api_error", []string{"TLS"}},
		{"grant without admin option", plain, "assign_entitlement", change(alice, "", "role_member", fmt.Sprintf("role:%d", f.groups[0])), "permission_denied", []string{"42501"}},
		{"create without CREATEROLE", plain, "create_account", map[string]any{"username": f.prefix + "nope", "entitlements": []any{}}, "permission_denied", []string{"42501"}},
		{"unknown account", super, "get_account", map[string]any{"account_id": "4000000000"}, "not_found", []string{"4000000000"}},
		{"account id not an OID", super, "get_account", map[string]any{"account_id": "alice"}, "not_found", []string{"alice"}},
		{"leading zero", super, "get_account", map[string]any{"account_id": "0" + alice}, "not_found", nil},
		{"unknown role entitlement", super, "assign_entitlement", change(alice, "", "role_member", "role:4000000000"), "not_found", []string{"4000000000"}},
		{"role on a resource", super, "assign_entitlement", change(alice, db, "role_member", fmt.Sprintf("role:%d", f.groups[0])), "not_found", nil},
		{"unknown privilege", super, "assign_entitlement", change(alice, db, "database_privilege", db+":SELECT"), "not_found", []string{"SELECT"}},
		{"privilege on another resource", super, "assign_entitlement", change(alice, "db:1", "database_privilege", db+":CONNECT"), "not_found", nil},
		{"database not inspected", super, "assign_entitlement", change(alice, sch, "schema_privilege", sch+":USAGE"), "bad_request", []string{f.db, "extra_databases"}},
		{"bad object kind", superTarget(t, map[string]any{"object_kinds": []string{"users"}}), "list_resources", nil, "bad_request", []string{"users"}},
		{"bad CA", superTarget(t, map[string]any{"ca_certificate": "not a certificate"}), "validate_credentials", nil, "bad_request", []string{"ca_certificate"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := c.request
			if req == nil {
				req = map[string]any{}
			}
			c.tg.fail(t, c.capName, req, c.code, c.want...)
		})
	}
}

// TestCallDeadline stops a statement that waits on a lock (a role row
// another transaction is changing) when the call's budget runs out.
func TestCallDeadline(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("deadline"))
	conn := srv.Connect(t, "postgres")
	ctx := context.Background()
	tx, err := conn.Begin(ctx)
	is.NoErr(err)
	defer tx.Rollback(ctx)
	_, err = tx.Exec(ctx, "ALTER ROLE "+q(f.prefix+"alice")+" CONNECTION LIMIT 5")
	is.NoErr(err)
	t.Setenv(toolkit.EnvMaxCallDuration, "2s")
	start := time.Now()
	superTarget(t, nil).fail(t, "deactivate_account", map[string]any{"account_id": id(f.users[0])}, "api_error", "Call budget exceeded")
	is.True(time.Since(start) < 10*time.Second)
}

// TestCallBudget counts every connection and query against the call's
// request budget: list_accounts is one connection and one query.
func TestCallBudget(t *testing.T) {
	tg := superTarget(t, nil)
	for _, c := range []struct {
		limit string
		fail  bool
	}{{"1", true}, {"2", false}} {
		t.Run(c.limit, func(t *testing.T) {
			t.Setenv(toolkit.EnvMaxUpstreamRequests, c.limit)
			if c.fail {
				tg.fail(t, "list_accounts", map[string]any{}, "api_error", "Call budget exceeded", "upstream requests")
				return
			}
			tg.ok(t, "list_accounts", map[string]any{}, nil)
		})
	}
}
