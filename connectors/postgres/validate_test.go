package postgres_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres"
	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
	"github.com/lumosgo/lumos/toolkit/connectortest/hostile"
)

// TestValidate reads the tenant id from pg_control_system(), and falls
// back to host:port for a role that may not execute it.
func TestValidate(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	prefix := uniq("validate")
	srv.Exec(t, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'reader-password'", q(prefix+"reader")))
	sysid := query1[string](t, srv, "postgres", "SELECT system_identifier::text FROM pg_control_system()")
	reader := target{srv: srv, user: prefix + "reader", password: "reader-password"}
	tenant := func(tg target) string {
		var v toolkit.ValidatedCredentials
		is.NoErr(json.Unmarshal(tg.ok(t, "validate_credentials", map[string]any{}, nil).Response, &v))
		is.True(v.Valid)
		return v.UniqueTenantID
	}
	is.Equal(tenant(superTarget(t, nil)), "pg:"+sysid)
	is.Equal(tenant(reader), "pg:"+sysid)
	srv.Exec(t, "postgres", "REVOKE EXECUTE ON FUNCTION pg_control_system() FROM PUBLIC")
	t.Cleanup(func() { srv.Exec(t, "postgres", "GRANT EXECUTE ON FUNCTION pg_control_system() TO PUBLIC") })
	is.Equal(tenant(reader), fmt.Sprintf("pg:127.0.0.1:%d", srv.Port))
	is.Equal(tenant(superTarget(t, nil)), "pg:"+sysid)
}

// TestReadsWithoutSuperuser drains every listing as a plain LOGIN role
// with no privilege at all: the catalogs are readable by every role.
func TestReadsWithoutSuperuser(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("plain"))
	srv.Exec(t, "postgres", fmt.Sprintf("CREATE ROLE %s LOGIN PASSWORD 'plain-password'", q(f.prefix+"plain")))
	settings := map[string]any{"extra_databases": []string{f.db}, "object_kinds": allKinds}
	plain := target{srv: srv, user: f.prefix + "plain", password: "plain-password", settings: settings}
	super := superTarget(t, settings)
	for _, capName := range []string{"list_accounts", "list_resources", "list_entitlements", "find_entitlement_associations"} {
		is.Equal(fmt.Sprint(drain[map[string]any](t, plain, capName, map[string]any{}, 100)),
			fmt.Sprint(drain[map[string]any](t, super, capName, map[string]any{}, 100))) // same answer as the superuser's
	}
}

// TestConformance runs the toolkit's conformance suite, writes included,
// against the real server.
func TestConformance(t *testing.T) {
	srv := pgtest.Shared(t)
	f := seed(t, srv, uniq("conformance"))
	connectortest.Conformance(t, postgres.Integration(), connectortest.Options{
		Request: map[string]any{"auth": map[string]any{"basic": map[string]any{"username": pgtest.Superuser, "password": pgtest.SuperPassword}},
			"settings": map[string]any{"host": srv.Host, "port": srv.Port, "extra_databases": []string{f.db}, "object_kinds": allKinds}},
		AllowWrites: true,
		PageSize:    7,
	})
}

// TestSecretsNeverLeak makes calls carrying passwords (the credential's,
// a wrong one, create_account's on both of its paths, and failing
// creates) with every log record captured at DEBUG and the server logging
// every statement of the connecting role: no spelling of any password is
// in an answer, a log record or the server's log.
func TestSecretsNeverLeak(t *testing.T) {
	is := is.New(t)
	srv := pgtest.Shared(t)
	prefix := uniq("leak")
	admin, adminPassword := prefix+"admin", "Adm1n-secret-leak-check-91"
	srv.Exec(t, "postgres", fmt.Sprintf("CREATE ROLE %s SUPERUSER LOGIN PASSWORD %s; ALTER ROLE %s SET log_statement = 'all'", q(admin), ql(adminPassword), q(admin)))
	logs := &syncBuffer{}
	tg := target{srv: srv, user: admin, password: adminPassword, logs: logs}
	wrong := tg
	wrong.password = "Wr0ng-secret-leak-check-92"
	ascii, unicode := "Ascii-secret-leak-check-93'\\", "Ünï-secret-leak-check-94'\\"
	var answers []string
	for _, c := range []struct {
		tg      target
		capName string
		request map[string]any
	}{
		{tg, "validate_credentials", map[string]any{}},
		{wrong, "validate_credentials", map[string]any{}},
		{wrong, "create_account", map[string]any{"username": prefix + "a", "password": ascii, "entitlements": []any{}}},
		{tg, "create_account", map[string]any{"username": prefix + "a", "password": ascii, "entitlements": []any{}}},
		{tg, "create_account", map[string]any{"username": prefix + "a", "password": ascii, "entitlements": []any{}}}, // already exists
		{tg, "create_account", map[string]any{"username": prefix + "u", "password": unicode, "entitlements": []any{}}},
		{tg, "create_account", map[string]any{"username": prefix + "u", "password": unicode, "entitlements": []any{}}}, // already exists
		{tg, "create_account", map[string]any{"username": prefix + "n", "password": "nul\x00-secret-leak-check-95", "entitlements": []any{}}},
	} {
		answers = append(answers, string(c.tg.raw(c.capName, c.request, nil)))
	}
	is.True(strings.Contains(answers[4], "already exists")) // the failures did happen
	is.True(strings.Contains(answers[6], "already exists"))
	is.NoErr(canLogin(srv, prefix+"a", ascii, "postgres"))
	is.NoErr(canLogin(srv, prefix+"u", unicode, "postgres"))
	serverLog := pgtest.ReadLog(t, srv)
	is.True(strings.Contains(serverLog, "SCRAM-SHA-256$4096:")) // the server saw the verifier only
	where := map[string]string{"answers": strings.Join(answers, "\n"), "log records": logs.String(), "server log": serverLog}
	for _, secret := range []string{adminPassword, wrong.password, ascii, "nul\x00-secret-leak-check-95", "-secret-leak-check-95"} {
		for _, sp := range hostile.Spellings {
			for name, text := range where {
				if strings.Contains(text, hostile.Spell(secret, sp)) {
					t.Errorf("%s spelled %s is in the %s", secret, sp, name)
				}
			}
		}
	}
	// the non-ASCII password is sent as a literal: it is masked in what the connector writes
	for _, sp := range hostile.Spellings {
		is.True(!strings.Contains(where["answers"]+where["log records"], hostile.Spell(unicode, sp)))
	}
}
