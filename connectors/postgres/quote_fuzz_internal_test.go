package postgres

import (
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/errs"
)

// unquoteEscapeLiteral reads an escape string constant (E'…') as
// PostgreSQL's lexer does, for the escapes quoteLiteral may write (a
// doubled backslash, a backslash before a quote, a doubled quote): it
// returns the value and where the constant ends (the index after its
// closing quote), or ok false when lit does not start one, holds another
// escape or never ends.
func unquoteEscapeLiteral(lit string) (value string, end int, ok bool) {
	if !strings.HasPrefix(lit, "E'") {
		return "", 0, false
	}
	var b strings.Builder
	for i := 2; i < len(lit); i++ {
		switch c := lit[i]; {
		case c == '\'' && i+1 < len(lit) && lit[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\'':
			return b.String(), i + 1, true
		case c == '\\' && i+1 < len(lit) && (lit[i+1] == '\\' || lit[i+1] == '\''):
			b.WriteByte(lit[i+1])
			i++
		case c == '\\':
			return "", 0, false // \n, \x41, \u0041, \101, …: an escape quoteLiteral never means
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

// FuzzQuoteLiteral quotes any text: the constant starts with E', ends only
// at its last byte (nothing in the text closes it early, so nothing after
// it is SQL) and reads back as the text.
func FuzzQuoteLiteral(f *testing.F) {
	for _, seed := range []string{"", "hunter2", "it's", `back\slash`, `\'; DROP ROLE postgres; --`, `'`, `\`, `\\'`,
		"''", `E'\x41'`, "\\\n", "naïve €", "\xff\xfe", "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vydg==", "$$", "a\x00b"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lit := quoteLiteral(s)
		got, end, ok := unquoteEscapeLiteral(lit)
		if !ok || end != len(lit) || got != s {
			t.Fatalf("quoteLiteral(%q) = %s, which reads as %q (ok %v) ending at %d of %d", s, lit, got, ok, end, len(lit))
		}
	})
}

// FuzzQuoteKV builds the connection configuration from any host, database
// and user name: the host is refused by the settings or reaches pgx
// intact, the database and user always do (unless they hold a NUL, which
// is refused as a bad request), and no value adds, drops or changes any
// other connection parameter (sslmode, port, options, …).
func FuzzQuoteKV(f *testing.F) {
	for _, seed := range [][3]string{
		{"db.example.test", "postgres", "lumos_reader"},
		{"127.0.0.1", "my db", "o'brien"},
		{"::1", `C:\data`, `x\`},
		{"h", "' sslmode=require options='-c search_path=evil", "u' host=attacker.test"},
		{"h\tsslmode=require", "d\\' port=1", "\\"},
		{"h", "", "u"},
		{"h", "dbname=other user=root", "postgres://root@evil/db"},
		{"h", "a\x00b", "u"},
		{" h ", "\n\r\t\v\f", "é\xff"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	base := mustConfig(f, "db.example.test", "postgres", "lumos")
	f.Fuzz(func(t *testing.T, host, db, user string) {
		raw, err := json.Marshal(map[string]any{"host": host, "database": db, "sslmode": SSLDisable})
		if err != nil {
			t.Fatal(err)
		}
		s, err := decodeSettings(raw)
		if err != nil {
			s, err = decodeSettings([]byte(fmt.Sprintf(`{"host":"db.example.test","database":%s,"sslmode":"disable"}`, mustJSON(t, db))))
			if err != nil {
				t.Fatalf("settings with the database %q refused: %v", db, err)
			}
		}
		ss := &session{s: s, user: user}
		cfg, err := ss.config(s.Database)
		if strings.ContainsRune(s.Host+s.Database+user, 0) {
			if code, _ := errs.CodeOf(err); err == nil || code != errs.BadRequest {
				t.Fatalf("host %q, database %q, user %q with a NUL: %v, want a bad request", s.Host, s.Database, user, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("host %q, database %q, user %q refused: %v", s.Host, s.Database, user, err)
		}
		if cfg.Host != s.Host || cfg.Database != s.Database || cfg.User != user {
			t.Fatalf("host %q, database %q, user %q reach pgx as %q, %q, %q", s.Host, s.Database, user, cfg.Host, cfg.Database, cfg.User)
		}
		if cfg.Port != 5432 || cfg.TLSConfig != nil || len(cfg.Fallbacks) != 0 || cfg.ConnectTimeout != base.ConnectTimeout ||
			!maps.Equal(cfg.RuntimeParams, base.RuntimeParams) {
			t.Fatalf("host %q, database %q, user %q change other parameters: port %d, TLS %v, %d fallbacks, timeout %s, runtime %v (want %v)",
				s.Host, s.Database, user, cfg.Port, cfg.TLSConfig != nil, len(cfg.Fallbacks), cfg.ConnectTimeout, cfg.RuntimeParams, base.RuntimeParams)
		}
	})
}

// mustConfig is the connection configuration of plain settings.
func mustConfig(tb testing.TB, host, db, user string) *pgx.ConnConfig {
	tb.Helper()
	s, err := decodeSettings([]byte(`{"host":` + mustJSON(tb, host) + `,"database":` + mustJSON(tb, db) + `,"sslmode":"disable"}`))
	if err != nil {
		tb.Fatal(err)
	}
	cfg, err := (&session{s: s, user: user}).config(db)
	if err != nil {
		tb.Fatal(err)
	}
	return cfg
}

// mustJSON is v as a JSON string.
func mustJSON(tb testing.TB, v string) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
