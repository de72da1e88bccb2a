package postgres_test

import (
	"testing"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
)

// TestTLS connects to a server with TLS in each sslmode, with the right CA,
// another CA, and a host name the certificate does not name.
func TestTLS(t *testing.T) {
	srv, certs := pgtest.StartTLS(t)
	plain := pgtest.Shared(t) // a server without TLS
	cases := []struct {
		name     string
		srv      *pgtest.Server
		settings map[string]any
		fail     string // "" for success, else a part of the message
	}{
		{"prefer on a TLS server", srv, map[string]any{"sslmode": "prefer"}, ""},
		{"prefer on a plain server", plain, map[string]any{"sslmode": "prefer"}, ""},
		{"require without CA", srv, map[string]any{"sslmode": "require"}, ""},
		{"require with the right CA", srv, map[string]any{"sslmode": "require", "ca_certificate": certs.CAPEM}, ""},
		{"require with another CA", srv, map[string]any{"sslmode": "require", "ca_certificate": certs.OtherCAPEM}, "TLS"},
		{"verify-ca with the right CA", srv, map[string]any{"sslmode": "verify-ca", "ca_certificate": certs.CAPEM}, ""},
		{"verify-ca with another CA", srv, map[string]any{"sslmode": "verify-ca", "ca_certificate": certs.OtherCAPEM}, "TLS"},
		{"verify-ca with the system CAs", srv, map[string]any{"sslmode": "verify-ca"}, "TLS"},
		{"verify-full by IP", srv, map[string]any{"sslmode": "verify-full", "ca_certificate": certs.CAPEM}, ""},
		{"verify-full by name", srv, map[string]any{"sslmode": "verify-full", "ca_certificate": certs.CAPEM, "host": "localhost"}, ""},
		{"verify-full with another CA", srv, map[string]any{"sslmode": "verify-full", "ca_certificate": certs.OtherCAPEM}, "TLS"},
		{"verify-ca on a plain server", plain, map[string]any{"sslmode": "verify-ca", "ca_certificate": certs.CAPEM}, "TLS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := target{srv: c.srv, user: pgtest.Superuser, password: pgtest.SuperPassword, settings: c.settings}
			if c.fail == "" {
				tg.ok(t, "validate_credentials", map[string]any{}, nil)
				return
			}
			tg.fail(t, "validate_credentials", map[string]any{}, "api_error", c.fail)
		})
	}
}
