// Package scimsuite runs the SCIM connector's server-facing checks against
// any SCIM 2.0 server: the Go fake (scimfake) in this module's tests, and
// real servers started by other test packages. It seeds what it needs
// through the server's own API and leaves what it created deleted.
package scimsuite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/connectors/scim"
	"github.com/lumosgo/lumos/toolkit"
)

// Target is a SCIM server under test.
type Target struct {
	// BaseURL is the SCIM root, e.g. http://127.0.0.1:8080/scim/v2.
	BaseURL string
	// Token is a bearer token the server accepts.
	Token string
	// Settings are extra connector settings (dialect switches).
	Settings map[string]any
	// Prefix starts every userName and group name the suite creates, so
	// runs against a shared server do not collide.
	Prefix string
	// Credentials, when set, are the connector's credentials instead of the
	// token credential carrying Token (Token still seeds groups directly).
	Credentials []any
}

// Envelope is a decoded connector answer.
type Envelope struct {
	Response         json.RawMessage           `json:"response"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            toolkit.Error             `json:"error"`
}

// Call runs one capability through the connector's whole pipeline, with
// the target's settings (base_url and Settings) and credentials.
func (tg Target) Call(t testing.TB, capName string, request any, page *toolkit.Page) Envelope {
	t.Helper()
	settings := map[string]any{"base_url": tg.BaseURL}
	for k, v := range tg.Settings {
		settings[k] = v
	}
	creds := tg.Credentials
	if creds == nil {
		creds = []any{map[string]any{"id": scim.CredentialToken, "token": map[string]any{"token": tg.Token}}}
	}
	doc := map[string]any{"credentials": creds, "request": request, "settings": settings}
	if page != nil {
		doc["page"] = page
	}
	body, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	out := scim.Integration().Dispatch(toolkit.WithLogger(context.Background(), slog.New(slog.DiscardHandler)), capName, body)
	var env Envelope
	if err := json.Unmarshal(out, &env); err != nil {
		t.Fatalf("%s: undecodable answer %s: %v", capName, out, err)
	}
	return env
}

// OK runs a capability and fails the test on an error envelope.
func (tg Target) OK(t testing.TB, capName string, request any, page *toolkit.Page) Envelope {
	t.Helper()
	env := tg.Call(t, capName, request, page)
	if env.IsError {
		t.Fatalf("%s: unexpected error %s: %s", capName, env.Error.ErrorCode, env.Error.Message)
	}
	return env
}

// Fail runs a capability and checks its error code and that the message
// contains every want.
func (tg Target) Fail(t testing.TB, capName string, request any, code toolkit.ErrorCode, want ...string) {
	t.Helper()
	env := tg.Call(t, capName, request, nil)
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
}

// Drain lists a paged capability to the end at page size size and returns
// every item and the number of calls.
func Drain[T any](t testing.TB, tg Target, capName string, size int) (items []T, calls int) {
	t.Helper()
	page := &toolkit.Page{Size: size}
	for {
		env := tg.OK(t, capName, map[string]any{}, page)
		calls++
		var got []T
		if err := json.Unmarshal(env.Response, &got); err != nil {
			t.Fatalf("%s: %v", capName, err)
		}
		items = append(items, got...)
		if env.Page == nil {
			return items, calls
		}
		if calls > 100_000 {
			t.Fatalf("%s: the listing does not end", capName)
		}
		page = env.Page
	}
}

// Effect is the kind of an answer's execution summary.
func Effect(t testing.TB, env Envelope) toolkit.EffectKind {
	t.Helper()
	if env.ExecutionSummary == nil {
		t.Fatalf("no execution summary in %s", env.Response)
	}
	return env.ExecutionSummary.Effect.Kind
}

// CreateGroup creates a group through the server's API (the connector
// creates no groups) and returns its id.
func (tg Target) CreateGroup(t testing.TB, name string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:Group"}, "displayName": name})
	req, err := http.NewRequest(http.MethodPost, strings.TrimRight(tg.BaseURL, "/")+"/Groups", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tg.Token)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var g struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&g); err != nil || resp.StatusCode/100 != 2 || g.ID == "" {
		t.Fatalf("creating group %q: status %d, %v", name, resp.StatusCode, err)
	}
	return g.ID
}

// Account is a listed Account as the suite reads it.
type Account struct {
	ID         string         `json:"integration_specific_id"`
	Username   string         `json:"username"`
	Email      string         `json:"email"`
	GivenName  string         `json:"given_name"`
	FamilyName string         `json:"family_name"`
	UserStatus string         `json:"user_status"`
	ExtraData  map[string]any `json:"extra_data"`
}

// Association is a listed membership as the suite reads it.
type Association struct {
	AccountID     string `json:"account_id"`
	EntitlementID string `json:"integration_specific_entitlement_id"`
	ResourceID    string `json:"integration_specific_resource_id"`
}

// grant is the assign/unassign payload of a group membership.
func grant(acc, group string) map[string]any {
	return map[string]any{"account_integration_specific_id": acc, "resource_integration_specific_id": "", "resource_type": scim.ResourceTypeTenant,
		"entitlement_type": scim.EntitlementTypeGroupMember, "entitlement_integration_specific_id": group}
}

// Run is the server-facing table: validate, create (and a duplicate),
// list and get, update (with a noop repeat and a taken userName), group membership round trip with noops, deactivate and
// activate, delete (twice), and not_found for unknown ids.
func Run(t *testing.T, tg Target) {
	t.Run("validate_credentials", func(t *testing.T) { checkValidate(t, tg) })
	var ids []string
	t.Run("create_account", func(t *testing.T) { ids = checkCreate(t, tg) })
	if len(ids) != 3 {
		t.Fatal("create_account failed; the rest needs its users")
	}
	t.Run("list_accounts", func(t *testing.T) { checkList(t, tg, ids) })
	t.Run("get_account", func(t *testing.T) { checkGet(t, tg, ids[0]) })
	t.Run("update_account", func(t *testing.T) { checkUpdate(t, tg, ids[0], tg.Prefix+"user1") })
	group := tg.CreateGroup(t, tg.Prefix+"group")
	t.Run("membership", func(t *testing.T) { checkMembership(t, tg, ids[1], group) })
	t.Run("deactivate_activate", func(t *testing.T) { checkActivation(t, tg, ids[2]) })
	t.Run("delete_account", func(t *testing.T) { checkDelete(t, tg, ids) })
}

func checkValidate(t *testing.T, tg Target) {
	env := tg.OK(t, "validate_credentials", map[string]any{}, nil)
	var v toolkit.ValidatedCredentials
	_ = json.Unmarshal(env.Response, &v)
	if !v.Valid || v.UniqueTenantID != strings.ToLower(strings.TrimRight(tg.BaseURL, "/")) {
		t.Fatalf("validate_credentials: %s", env.Response)
	}
}

func checkCreate(t *testing.T, tg Target) []string {
	var ids []string
	for i := range 3 {
		name := fmt.Sprintf("%suser%d", tg.Prefix, i)
		env := tg.OK(t, "create_account", map[string]any{"username": name, "email": name + "@example.com",
			"given_name": "Given", "family_name": fmt.Sprint("Family", i), "entitlements": []any{}}, nil)
		var c toolkit.CreatedAccount
		_ = json.Unmarshal(env.Response, &c)
		if c.ID == nil || *c.ID == "" || c.Status != toolkit.AccountStatusActive || Effect(t, env) != toolkit.EffectCreated {
			t.Fatalf("create_account: %s", env.Response)
		}
		ids = append(ids, *c.ID)
	}
	tg.Fail(t, "create_account", map[string]any{"username": tg.Prefix + "user0", "entitlements": []any{}}, "bad_request", "uniqueness")
	return ids
}

func checkList(t *testing.T, tg Target, ids []string) {
	for _, size := range []int{1, 2, 100} {
		accs, _ := Drain[Account](t, tg, "list_accounts", size)
		seen := map[string]int{}
		for _, a := range accs {
			seen[a.ID]++
		}
		for _, id := range ids {
			if seen[id] != 1 {
				t.Fatalf("size %d: Account %s listed %d times", size, id, seen[id])
			}
		}
	}
}

func checkGet(t *testing.T, tg Target, id string) {
	var a Account
	_ = json.Unmarshal(tg.OK(t, "get_account", map[string]any{"account_id": id}, nil).Response, &a)
	p := tg.Prefix
	if a.ID != id || a.Username != p+"user0" || a.Email != p+"user0@example.com" || a.GivenName != "Given" || a.UserStatus != "ACTIVE" {
		t.Fatalf("get_account: %+v", a)
	}
	tg.Fail(t, "get_account", map[string]any{"account_id": "no-such-user-" + p}, "not_found")
}

func checkMembership(t *testing.T, tg Target, id, group string) {
	steps := []struct {
		capName string
		effect  toolkit.EffectKind
	}{
		{"assign_entitlement", toolkit.EffectCreated},
		{"assign_entitlement", toolkit.EffectNoop},
	}
	for _, s := range steps {
		if e := Effect(t, tg.OK(t, s.capName, grant(id, group), nil)); e != s.effect {
			t.Fatalf("%s: effect %s, want %s", s.capName, e, s.effect)
		}
	}
	var as []Association
	_ = json.Unmarshal(tg.OK(t, "get_account_entitlement_associations", map[string]any{"account_id": id}, nil).Response, &as)
	if len(as) != 1 || as[0].EntitlementID != group || as[0].AccountID != id {
		t.Fatalf("associations of %s: %+v", id, as)
	}
	all, _ := Drain[Association](t, tg, "find_entitlement_associations", 1)
	found := 0
	for _, a := range all {
		if a.EntitlementID == group {
			found++
		}
	}
	if found != 1 {
		t.Fatalf("find_entitlement_associations: group %s held %d times", group, found)
	}
	steps = []struct {
		capName string
		effect  toolkit.EffectKind
	}{
		{"unassign_entitlement", toolkit.EffectDeleted},
		{"unassign_entitlement", toolkit.EffectNoop},
	}
	for _, s := range steps {
		if e := Effect(t, tg.OK(t, s.capName, grant(id, group), nil)); e != s.effect {
			t.Fatalf("%s: effect %s, want %s", s.capName, e, s.effect)
		}
	}
	tg.Fail(t, "assign_entitlement", grant(id, "no-such-group-"+tg.Prefix), "not_found")
}

func checkActivation(t *testing.T, tg Target, id string) {
	status := func() string {
		var a Account
		_ = json.Unmarshal(tg.OK(t, "get_account", map[string]any{"account_id": id}, nil).Response, &a)
		return a.UserStatus
	}
	steps := []struct {
		capName string
		effect  toolkit.EffectKind
		status  string
	}{
		{"deactivate_account", toolkit.EffectUpdated, "SUSPENDED"},
		{"deactivate_account", toolkit.EffectNoop, "SUSPENDED"},
		{"activate_account", toolkit.EffectUpdated, "ACTIVE"},
		{"activate_account", toolkit.EffectNoop, "ACTIVE"},
	}
	for _, s := range steps {
		if e := Effect(t, tg.OK(t, s.capName, map[string]any{"account_id": id}, nil)); e != s.effect || status() != s.status {
			t.Fatalf("%s: effect %s, status %s; want %s, %s", s.capName, e, status(), s.effect, s.status)
		}
	}
}

func checkDelete(t *testing.T, tg Target, ids []string) {
	for _, id := range ids {
		if Effect(t, tg.OK(t, "delete_account", map[string]any{"account_id": id}, nil)) != toolkit.EffectDeleted {
			t.Fatalf("delete %s did not delete", id)
		}
		if Effect(t, tg.OK(t, "delete_account", map[string]any{"account_id": id}, nil)) != toolkit.EffectNoop {
			t.Fatalf("repeated delete of %s is not a noop", id)
		}
	}
	tg.Fail(t, "get_account", map[string]any{"account_id": ids[0]}, "not_found")
}

// checkUpdate changes the user's names, email and active, repeats it (a
// noop), renames it, and tries another user's userName (bad_request) and an
// unknown id (not_found); it leaves the user as it found it.
func checkUpdate(t *testing.T, tg Target, id, takenName string) {
	get := func() Account {
		var a Account
		_ = json.Unmarshal(tg.OK(t, "get_account", map[string]any{"account_id": id}, nil).Response, &a)
		return a
	}
	orig := get()
	p := tg.Prefix
	steps := []struct {
		name   string
		update map[string]any
		effect toolkit.EffectKind
		check  func(a Account) bool
	}{
		{"names_email", map[string]any{"given_name": "Grace", "family_name": "Hopper", "display_name": "Grace H", "email": p + "grace@example.com"},
			toolkit.EffectUpdated, func(a Account) bool {
				return a.GivenName == "Grace" && a.FamilyName == "Hopper" && a.Email == p+"grace@example.com" && a.ExtraData["display_name"] == "Grace H"
			}},
		{"repeat", map[string]any{"given_name": "Grace", "family_name": "Hopper", "email": p + "grace@example.com"},
			toolkit.EffectNoop, func(a Account) bool { return a.GivenName == "Grace" }},
		{"rename", map[string]any{"username": p + "renamed"}, toolkit.EffectUpdated, func(a Account) bool { return a.Username == p+"renamed" }},
		{"suspend", map[string]any{"active": false}, toolkit.EffectUpdated, func(a Account) bool { return a.UserStatus == "SUSPENDED" }},
		{"restore", map[string]any{"username": orig.Username, "email": orig.Email, "given_name": orig.GivenName, "family_name": orig.FamilyName, "active": true},
			toolkit.EffectUpdated, func(a Account) bool {
				return a.Username == orig.Username && a.Email == orig.Email && a.FamilyName == orig.FamilyName && a.UserStatus == "ACTIVE"
			}},
		{"no_fields", map[string]any{}, toolkit.EffectNoop, func(a Account) bool { return a.Username == orig.Username }},
	}
	for _, s := range steps {
		s.update["id"] = id
		env := tg.OK(t, "update_account", s.update, nil)
		if e := Effect(t, env); e != s.effect {
			t.Fatalf("%s: effect %s, want %s", s.name, e, s.effect)
		}
		if a := get(); !s.check(a) {
			t.Fatalf("%s: Account after update: %+v", s.name, a)
		}
	}
	tg.Fail(t, "update_account", map[string]any{"id": id, "username": takenName}, "bad_request", "uniqueness")
	tg.Fail(t, "update_account", map[string]any{"id": "no-such-user-" + p, "given_name": "X"}, "not_found")
}

// ClientCredentials runs handle_client_credentials_request for the
// oauth_client_credentials credential with the target's settings (which
// carry token_url) and returns the credential to send, its access token
// the one the grant issued.
func (tg Target) ClientCredentials(t testing.TB, clientID, clientSecret string) []any {
	t.Helper()
	env := tg.OK(t, "handle_client_credentials_request", map[string]any{"credential_id": scim.CredentialOAuthClientCredentials,
		"client_id": clientID, "client_secret": clientSecret, "scopes": []string{}}, nil)
	var c toolkit.OAuthCredentials
	if err := json.Unmarshal(env.Response, &c); err != nil || c.AccessToken == "" {
		t.Fatalf("handle_client_credentials_request: %s (%v)", env.Response, err)
	}
	return []any{map[string]any{"id": scim.CredentialOAuthClientCredentials, "oauth_client_credentials": map[string]any{
		"access_token": c.AccessToken, "client_id": clientID, "client_secret": clientSecret, "scopes": []string{}}}}
}
