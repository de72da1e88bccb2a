package ldap_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/lumosgo/lumos/connectors/ldap"
	"github.com/lumosgo/lumos/connectors/ldap/ldaptest"
	"github.com/lumosgo/lumos/toolkit"
)

// envelope is a decoded connector answer.
type envelope struct {
	Response         json.RawMessage           `json:"response"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            toolkit.Error             `json:"error"`
}

// target is a directory under test: a server and the connector settings.
type target struct {
	srv      *ldaptest.Server
	settings map[string]any
	user     string
	password string
	logs     *syncBuffer // every log record of every call
	outputs  *syncBuffer // every answer
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start starts a slapd seeded with ldif for one test and returns its target
// with the openldap flavor's settings plus extra.
func start(t testing.TB, o ldaptest.Options, extra map[string]any) *target {
	t.Helper()
	srv, err := ldaptest.Start(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	settings := map[string]any{"url": srv.URL, "base_dn": ldaptest.BaseDN, "users_base_dn": ldaptest.PeopleDN, "groups_base_dn": ldaptest.GroupsDN}
	for k, v := range extra {
		settings[k] = v
	}
	return &target{srv: srv, settings: settings, user: ldaptest.AdminDN, password: srv.AdminPassword, logs: &syncBuffer{}, outputs: &syncBuffer{}}
}

// with is a copy of the target with settings changed (nil deletes).
func (tg *target) with(changes map[string]any) *target {
	c := *tg
	c.settings = map[string]any{}
	for k, v := range tg.settings {
		c.settings[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(c.settings, k)
		} else {
			c.settings[k] = v
		}
	}
	return &c
}

// request is the request document of a call.
func (tg *target) request(payload any, page *toolkit.Page) map[string]any {
	doc := map[string]any{
		"credentials": []any{map[string]any{"id": "basic", "basic": map[string]any{"username": tg.user, "password": tg.password}}},
		"request":     payload, "settings": tg.settings,
	}
	if page != nil {
		doc["page"] = page
	}
	return doc
}

// call runs one capability through the whole pipeline.
func (tg *target) call(t testing.TB, capName string, payload any, page *toolkit.Page) envelope {
	t.Helper()
	body, err := json.Marshal(tg.request(payload, page))
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(tg.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	out := ldap.Integration().Dispatch(toolkit.WithLogger(context.Background(), logger), capName, body)
	_, _ = tg.outputs.Write(append(out, '\n'))
	var env envelope
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("%s: undecodable answer %s: %v", capName, out, err)
	}
	return env
}

// ok runs a capability and fails the test on an error envelope.
func (tg *target) ok(t testing.TB, capName string, payload any, page *toolkit.Page, into any) envelope {
	t.Helper()
	env := tg.call(t, capName, payload, page)
	if env.IsError {
		t.Fatalf("%s: unexpected error %s: %s", capName, env.Error.ErrorCode, env.Error.Message)
	}
	if into != nil {
		if err := json.Unmarshal(env.Response, into); err != nil {
			t.Fatalf("%s: %v in %s", capName, err, env.Response)
		}
	}
	return env
}

// fail runs a capability that must fail with code, its message containing want.
func (tg *target) fail(t testing.TB, capName string, payload any, code toolkit.ErrorCode, want string) {
	t.Helper()
	env := tg.call(t, capName, payload, nil)
	if !env.IsError {
		t.Fatalf("%s: succeeded, want %s: %s", capName, code, env.Response)
	}
	if env.Error.ErrorCode != code || !strings.Contains(env.Error.Message, want) {
		t.Fatalf("%s: got %s %q, want %s containing %q", capName, env.Error.ErrorCode, env.Error.Message, code, want)
	}
}

// drain lists a capability to the end at page size size and returns every
// item, failing on an error or on more than limit calls.
func drain[T any](t testing.TB, tg *target, capName string, size int) []T {
	t.Helper()
	var all []T
	var p *toolkit.Page
	if size > 0 {
		p = &toolkit.Page{Size: size}
	}
	for calls := 0; ; calls++ {
		if calls > 100_000 {
			t.Fatalf("%s: no end after %d calls", capName, calls)
		}
		var items []T
		env := tg.ok(t, capName, map[string]any{}, p, &items)
		if size > 0 && len(items) > size {
			t.Fatalf("%s: %d items on a page of %d", capName, len(items), size)
		}
		all = append(all, items...)
		if env.Page == nil {
			return all
		}
		p = env.Page
	}
}

// account is the part of an account the tests read.
type account struct {
	ID         string         `json:"integration_specific_id"`
	Username   string         `json:"username"`
	Email      string         `json:"email"`
	UserStatus string         `json:"user_status"`
	ExtraData  map[string]any `json:"extra_data"`
}

// entitlement is the part of an entitlement the tests read.
type entitlement struct {
	ID    string `json:"integration_specific_id"`
	Label string `json:"label"`
}

// association is one membership.
type association struct {
	AccountID     string `json:"account_id"`
	EntitlementID string `json:"integration_specific_entitlement_id"`
}

// usernames are the sorted usernames of accounts, failing on a duplicate id.
func usernames(t testing.TB, as []account) []string {
	t.Helper()
	seen := map[string]bool{}
	var out []string
	for _, a := range as {
		if seen[a.ID] {
			t.Fatalf("account id %s listed twice", a.ID)
		}
		seen[a.ID] = true
		out = append(out, a.Username)
	}
	sort.Strings(out)
	return out
}

// errorCode is a wire error code.
func errorCode(s string) toolkit.ErrorCode { return toolkit.ErrorCode(s) }
