package postgres_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
)

// TestSSLCertMode checks each sslcertmode against a server that asks for
// client certificates (pgtest.StartClientCert), one with TLS that does not
// (pgtest.StartTLS) and one without TLS.
func TestSSLCertMode(t *testing.T) {
	certSrv, c := pgtest.StartClientCert(t)
	tlsSrv, _ := pgtest.StartTLS(t)
	plain := pgtest.Shared(t)
	pair := func(more ...string) map[string]any {
		m := map[string]any{"client_certificate": c.Cert, "client_key": c.Key}
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i]] = more[i+1]
		}
		return m
	}
	cases := []struct {
		name     string
		srv      *pgtest.Server
		user     string
		password string
		settings map[string]any
		code     toolkit.ErrorCode // "" for success
		want     []string
	}{
		{"allow (the default)", certSrv, pgtest.CertUser, "", pair("sslmode", "require"), "", nil},
		{"allow", certSrv, pgtest.CertUser, "", pair("sslmode", "require", "sslcertmode", "allow"), "", nil},
		{"require, the server asks", certSrv, pgtest.CertUser, "", pair("sslmode", "verify-full", "ca_certificate", c.CAPEM, "sslcertmode", "require"), "", nil},
		{"require, the server asks, prefer", certSrv, pgtest.CertUser, "", pair("sslcertmode", "require"), "", nil},
		{"require, a server that does not ask", tlsSrv, pgtest.Superuser, pgtest.SuperPassword, pair("sslmode", "require", "sslcertmode", "require"),
			"api_error", []string{"sslcertmode is require", "server did not request an SSL certificate"}},
		{"require, prefer on a server without TLS: no plain retry accepted", plain, pgtest.Superuser, pgtest.SuperPassword, pair("sslcertmode", "require"),
			"api_error", []string{"sslcertmode is require", "server did not request an SSL certificate"}},
		{"allow, a server that does not ask", tlsSrv, pgtest.Superuser, pgtest.SuperPassword, pair("sslmode", "require"), "", nil},
		{"disable: the certificate is not sent", certSrv, pgtest.CertUser, "", pair("sslmode", "require", "sslcertmode", "disable"),
			"unauthorized", []string{"certificate", "28000"}},
		{"disable, a role with a password", certSrv, pgtest.Superuser, pgtest.SuperPassword, pair("sslmode", "require", "sslcertmode", "disable"), "", nil},
		{"disable with sslmode disable", plain, pgtest.Superuser, pgtest.SuperPassword, pair("sslmode", "disable", "sslcertmode", "disable"), "", nil},
		{"disable still checks the key", certSrv, pgtest.CertUser, "", map[string]any{"client_certificate": c.Cert, "client_key": c.RSAKey, "sslcertmode": "disable"},
			"bad_request", []string{"client_key is not the private key"}},
		{"require without a certificate", certSrv, pgtest.CertUser, "", map[string]any{"sslmode": "require", "sslcertmode": "require"},
			"bad_request", []string{"sslcertmode require needs a client certificate"}},
		{"an unknown mode", certSrv, pgtest.CertUser, "", pair("sslcertmode", "always"),
			"bad_request", []string{"sslcertmode"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tg := target{srv: tc.srv, user: tc.user, password: tc.password, settings: tc.settings}
			if tc.code == "" {
				tg.ok(t, "validate_credentials", map[string]any{}, nil)
				return
			}
			env := tg.fail(t, "validate_credentials", map[string]any{}, tc.code, tc.want...)
			t.Log(env.Error.Message)
		})
	}
}
