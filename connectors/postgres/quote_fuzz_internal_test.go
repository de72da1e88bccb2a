package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/matryer/is"

	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
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
		{"0", "\x0f", " "},
		{"h", "dbname=other user=root", "postgres://root@evil/db"},
		{"h", "a\x00b", "u"},
		{" h ", "\n\r\t\v\f", "é\xff"},
	} {
		f.Add(seed[0], seed[1], seed[2])
	}
	base := mustConfig(f, "db.example.test", "postgres", "lumos")
	f.Fuzz(func(t *testing.T, host, db, user string) {
		if strings.TrimSpace(user) == "" {
			return // newSession refuses a blank user name (pgx would pick the OS user)
		}
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

// FuzzParseIDs reads any resource id, entitlement id and page position:
// what parseResourceID accepts is its object's one canonical id; what
// parseEntitlementID accepts names a privilege that exists on its object
// (or a role) and its id reads back as the same entitlement; what
// parsePosition accepts writes back as a position that reads the same.
func FuzzParseIDs(f *testing.F) {
	for _, seed := range [][2]string{
		{"db:16384:CONNECT", "db:16384"}, {"schema:16384:2200:usage", "schema:16384:2200"}, {"table:5:16390:Select", "table:5:16390"},
		{"db:1:temp", "db:1"}, {"role:10", ""}, {"role:010", ""}, {"role:4294967296", ""}, {"db:0:CONNECT", "db:0"},
		{"db:+1:CONNECT", "db:+1"}, {"schema:1::USAGE", "schema:1:"}, {"table:1:2:3:SELECT", "table:1:2:3"}, {":", ""},
		{"db:16384:CONNECT", "db:16385"}, {"db:1:ſelect", "db:1"}, {"10/0/0/0/", "100/16384/2200/0/SELECT"}, {"0/1/2/3/x", "10001/1/2/3/x"},
		{"10/-1/0/0/", "+10/4294967295/0/0/a/b"},
		{"sequence:16384:16500:usage", "sequence:16384:16500"}, {"function:16384:16501:EXECUTE", "function:16384:16501"},
		{"function:1:2:SELECT", "function:1:2"}, {"sequence:1:2:EXECUTE", "sequence:1:2"}, {"function:1:2(int4):EXECUTE", "function:1:2(int4)"},
		{`function:1:"f"(integer):EXECUTE`, `function:1:"f"(integer)`}, {"function:1:2:EXECUTE", "sequence:1:2"}, {"function:1:2", "function:1"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, id, resourceID string) {
		if o, err := parseResourceID(resourceID); err == nil && o.id() != resourceID {
			t.Fatalf("resource id %q read as %+v, whose id is %q", resourceID, o, o.id())
		}
		if e, err := parseEntitlementID(id, resourceID); err == nil {
			again := roleEntitlementID(e.Role)
			if e.Role == 0 {
				if !slices.Contains(e.Object.privileges(), e.Privilege) {
					t.Fatalf("entitlement %q read as %+v, a privilege its object does not have", id, e)
				}
				again = privilegeEntitlementID(e.Object, e.Privilege)
			}
			if e2, err := parseEntitlementID(again, resourceID); err != nil || e2 != e {
				t.Fatalf("entitlement %q on %q read as %+v, written back as %q, which reads as %+v, %v", id, resourceID, e, again, e2, err)
			}
		} else if code, _ := errs.CodeOf(err); code != errs.NotFound {
			t.Fatalf("entitlement %q on %q refused with %v, want not_found", id, resourceID, err)
		}
		for _, at := range []string{id, resourceID} {
			n, k, err := parsePosition(at)
			if err != nil {
				continue
			}
			if n < 1 || n > MaxPageSize {
				t.Fatalf("position %q gives the page size %d", at, n)
			}
			if n2, k2, err := parsePosition(position(n, k)); err != nil || n2 != n || k2 != k {
				t.Fatalf("position %q read as %d, %+v, written as %q, reads as %d, %+v, %v", at, n, k, position(n, k), n2, k2, err)
			}
		}
	})
}

// TestQuoteLiteralServer: PostgreSQL's own lexer reads quoteLiteral's
// constants back as the text, with standard_conforming_strings on and off,
// and so agrees with unquoteEscapeLiteral, FuzzQuoteLiteral's reading.
func TestQuoteLiteralServer(t *testing.T) {
	conn := pgtest.Shared(t).Connect(t, "postgres")
	ctx := context.Background()
	texts := []string{"", "hunter2", "it's", `back\slash`, `\'; DROP ROLE postgres; --`, `'`, `\`, `\\'`, "''", `E'\x41'`,
		"\\\n", "naïve €", "$$", `\u0041\101\x41`, "tab\tand\r\nnewline", "\x7f\x01", "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2Vydg=="}
	for _, conforming := range []string{"on", "off"} {
		if _, err := conn.Exec(ctx, "SET standard_conforming_strings = "+conforming, pgx.QueryExecModeSimpleProtocol); err != nil {
			t.Fatal(err)
		}
		for _, text := range texts {
			t.Run(conforming+"/"+text, func(t *testing.T) {
				is := is.New(t)
				var got string
				err := conn.QueryRow(ctx, "SELECT "+quoteLiteral(text)+"::text", pgx.QueryExecModeDescribeExec).Scan(&got)
				is.NoErr(err)
				is.Equal(got, text)
				read, end, ok := unquoteEscapeLiteral(quoteLiteral(text))
				is.True(ok)
				is.Equal(end, len(quoteLiteral(text)))
				is.Equal(read, got)
			})
		}
	}
}
