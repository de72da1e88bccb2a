package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/lumosgo/lumos/connectors/postgres"
	"github.com/lumosgo/lumos/connectors/postgres/pgtest"
	"github.com/lumosgo/lumos/toolkit"
)

func TestMain(m *testing.M) {
	code := m.Run()
	pgtest.StopShared()
	os.Exit(code)
}

// target is the connector pointed at the shared server as one role.
type target struct {
	srv      *pgtest.Server
	user     string
	password string
	settings map[string]any
	logs     *syncBuffer // every call's log records, when set
}

// superTarget is the connector connecting as the superuser, with settings.
func superTarget(t testing.TB, settings map[string]any) target {
	t.Helper()
	return target{srv: pgtest.Shared(t), user: pgtest.Superuser, password: pgtest.SuperPassword, settings: settings}
}

// envelope is a decoded connector answer.
type envelope struct {
	Response         json.RawMessage           `json:"response"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            toolkit.Error             `json:"error"`
}

// request is the JSON document of a call.
func (tg target) request(request any, page *toolkit.Page) []byte {
	settings := map[string]any{"host": tg.srv.Host, "port": tg.srv.Port}
	for k, v := range tg.settings {
		settings[k] = v
	}
	doc := map[string]any{"auth": map[string]any{"basic": map[string]any{"username": tg.user, "password": tg.password}},
		"request": request, "settings": settings}
	if page != nil {
		doc["page"] = page
	}
	body, _ := json.Marshal(doc)
	return body
}

// raw runs one capability through the whole pipeline and returns the answer.
func (tg target) raw(capName string, request any, page *toolkit.Page) []byte {
	logger := slog.New(slog.DiscardHandler)
	if tg.logs != nil {
		logger = slog.New(slog.NewJSONHandler(tg.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return postgres.Integration().Dispatch(toolkit.WithLogger(context.Background(), logger), capName, tg.request(request, page))
}

// call runs one capability and decodes its answer.
func (tg target) call(t testing.TB, capName string, request any, page *toolkit.Page) envelope {
	t.Helper()
	out := tg.raw(capName, request, page)
	var env envelope
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("%s: undecodable answer %s: %v", capName, out, err)
	}
	return env
}

// ok runs a capability and fails the test on an error answer.
func (tg target) ok(t testing.TB, capName string, request any, page *toolkit.Page) envelope {
	t.Helper()
	env := tg.call(t, capName, request, page)
	if env.IsError {
		t.Fatalf("%s %v: unexpected error %s: %s", capName, request, env.Error.ErrorCode, env.Error.Message)
	}
	return env
}

// fail runs a capability and checks its error code and that the message
// holds every want.
func (tg target) fail(t testing.TB, capName string, request any, code toolkit.ErrorCode, want ...string) envelope {
	t.Helper()
	env := tg.call(t, capName, request, nil)
	if !env.IsError {
		t.Fatalf("%s: want error %s, got %s", capName, code, env.Response)
	}
	if env.Error.ErrorCode != code {
		t.Fatalf("%s: error code %s, want %s (message %q)", capName, env.Error.ErrorCode, code, env.Error.Message)
	}
	for _, w := range want {
		if !strings.Contains(env.Error.Message, w) {
			t.Fatalf("%s: message %q lacks %q", capName, env.Error.Message, w)
		}
	}
	return env
}

// drain lists a paged capability to the end at page size size.
func drain[T any](t testing.TB, tg target, capName string, request any, size int) []T {
	t.Helper()
	var items []T
	page := &toolkit.Page{Size: size}
	for calls := 0; ; calls++ {
		env := tg.ok(t, capName, request, page)
		var got []T
		if err := json.Unmarshal(env.Response, &got); err != nil {
			t.Fatalf("%s: %v", capName, err)
		}
		if len(got) > size {
			t.Fatalf("%s: %d items on a page of %d", capName, len(got), size)
		}
		items = append(items, got...)
		if env.Page == nil {
			return items
		}
		if calls > 100_000 {
			t.Fatalf("%s: the listing does not end", capName)
		}
		page = env.Page
	}
}

// account is a listed account as the tests read it.
type account struct {
	ID         string         `json:"integration_specific_id"`
	Username   string         `json:"username"`
	UserStatus string         `json:"user_status"`
	ExtraData  map[string]any `json:"extra_data"`
}

// resource is a listed resource.
type resource struct {
	ID    string            `json:"integration_specific_id"`
	Label string            `json:"label"`
	Type  string            `json:"resource_type"`
	Extra map[string]string `json:"extra_data"`
}

// entitlement is a listed entitlement.
type entitlement struct {
	Type       string `json:"entitlement_type"`
	ID         string `json:"integration_specific_id"`
	ResourceID string `json:"integration_specific_resource_id"`
	Label      string `json:"label"`
}

// association is a listed association.
type association struct {
	AccountID     string `json:"account_id"`
	EntitlementID string `json:"integration_specific_entitlement_id"`
	ResourceID    string `json:"integration_specific_resource_id"`
}

func (a association) String() string {
	return a.AccountID + " " + a.EntitlementID + " @" + a.ResourceID
}

// oidOf reads one OID (or any one value) with the superuser in database db.
func oidOf(t testing.TB, srv *pgtest.Server, db, sql string, args ...any) uint32 {
	t.Helper()
	conn := srv.Connect(t, db)
	var oid uint32
	if err := conn.QueryRow(context.Background(), sql, args...).Scan(&oid); err != nil {
		t.Fatalf("%s %v: %v", sql, args, err)
	}
	return oid
}

// roleOID is the OID of the role named name.
func roleOID(t testing.TB, srv *pgtest.Server, name string) uint32 {
	t.Helper()
	return oidOf(t, srv, "postgres", "SELECT oid FROM pg_roles WHERE rolname = $1", name)
}

// q quotes identifiers for the tests' own SQL.
func q(parts ...string) string { return pgx.Identifier(parts).Sanitize() }

// ql quotes a string constant for the tests' own SQL.
func ql(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// syncBuffer is a buffer safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

var fixtureN int

// uniq is a fresh name prefix for one test's objects.
func uniq(base string) string {
	fixtureN++
	return fmt.Sprintf("%s%d_", base, fixtureN)
}
