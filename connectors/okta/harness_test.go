package okta_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lumosgo/lumos/connectors/okta"
	"github.com/lumosgo/lumos/connectors/okta/oktafake"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/httpclient"
)

const (
	apiToken      = "00okta-api-token-0123456789abcdef"
	readOnlyToken = "00okta-read-only-token-0123456789"
	clientID      = "0oaserviceapp000001"
)

// sleeps counts the waits the clients asked for (never slept).
var sleeps atomic.Int64

func TestMain(m *testing.M) {
	okta.SetHTTPOptions(func(o *httpclient.Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error { sleeps.Add(1); return ctx.Err() }
	})
	os.Exit(m.Run())
}

// env is a fake org and the connector's request around it.
type env struct {
	t        testing.TB
	f        *oktafake.Fake
	settings map[string]any
	creds    []any
	roles    []string // custom role ids seedOrg made
	sets     []string // resource set ids seedOrg made
}

// newEnv starts a validated fake with the API tokens and returns an env
// using the full-rights token.
func newEnv(t testing.TB, settings map[string]any) *env {
	t.Helper()
	f := oktafake.NewForTest(t)
	f.AddToken(apiToken)
	f.AddReadOnlyToken(readOnlyToken)
	s := map[string]any{"base_url": f.URL()}
	for k, v := range settings {
		s[k] = v
	}
	return &env{t: t, f: f, settings: s, creds: tokenCreds(apiToken)}
}

// newPlainEnv is newEnv without the validator (for big drains).
func newPlainEnv(t testing.TB) *env {
	t.Helper()
	f := oktafake.New()
	t.Cleanup(f.Close)
	f.AddToken(apiToken)
	return &env{t: t, f: f, settings: map[string]any{"base_url": f.URL()}, creds: tokenCreds(apiToken)}
}

func tokenCreds(tok string) []any {
	return []any{map[string]any{"id": okta.CredentialAPIToken, "token": map[string]any{"token": tok}}}
}

// newKey makes an RSA key and its PKCS#8 PEM.
func newKey(t testing.TB) (*rsa.PrivateKey, string) {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func appCreds(id, pemKey string) []any {
	return []any{map[string]any{"id": okta.CredentialServiceApp, "key_pair": map[string]any{"key_identifier": id, "private_key": pemKey}}}
}

// envelope is a decoded connector answer.
type envelope struct {
	Response         json.RawMessage           `json:"response"`
	Page             *toolkit.Page             `json:"page"`
	ExecutionSummary *toolkit.ExecutionSummary `json:"execution_summary"`
	IsError          bool                      `json:"is_error"`
	Error            toolkit.Error             `json:"error"`
	raw              []byte
}

// call runs a capability through the connector's whole pipeline.
func (e *env) call(capName string, request any, page *toolkit.Page) envelope {
	e.t.Helper()
	doc := map[string]any{"credentials": e.creds, "request": request, "settings": e.settings}
	if page != nil {
		doc["page"] = page
	}
	body, err := json.Marshal(doc)
	if err != nil {
		e.t.Fatal(err)
	}
	out := okta.Integration().Dispatch(toolkit.WithLogger(context.Background(), slog.New(slog.DiscardHandler)), capName, body)
	var env envelope
	if err := json.Unmarshal(out, &env); err != nil {
		e.t.Fatalf("%s: undecodable answer %s: %v", capName, out, err)
	}
	env.raw = out
	return env
}

// ok runs a capability and fails the test on an error.
func (e *env) ok(capName string, request any, page *toolkit.Page) envelope {
	e.t.Helper()
	env := e.call(capName, request, page)
	if env.IsError {
		e.t.Fatalf("%s: unexpected error %s: %s", capName, env.Error.ErrorCode, env.Error.Message)
	}
	return env
}

// fail runs a capability and checks the error code and message parts.
func (e *env) fail(capName string, request any, code toolkit.ErrorCode, want ...string) envelope {
	e.t.Helper()
	env := e.call(capName, request, nil)
	if !env.IsError {
		e.t.Fatalf("%s: want error %s, got %s", capName, code, env.Response)
	}
	if env.Error.ErrorCode != code {
		e.t.Fatalf("%s: error code %s, want %s (message %q)", capName, env.Error.ErrorCode, code, env.Error.Message)
	}
	for _, w := range want {
		if !strings.Contains(env.Error.Message, w) {
			e.t.Fatalf("%s: message %q lacks %q", capName, env.Error.Message, w)
		}
	}
	return env
}

// drain lists a paged capability to the end at page size size.
func drain[T any](e *env, capName string, size int) (items []T, calls int) {
	e.t.Helper()
	page := &toolkit.Page{Size: size}
	for {
		env := e.ok(capName, map[string]any{}, page)
		calls++
		var got []T
		if err := json.Unmarshal(env.Response, &got); err != nil {
			e.t.Fatalf("%s: %v", capName, err)
		}
		items = append(items, got...)
		if env.Page == nil {
			return items, calls
		}
		if calls > 100_000 {
			e.t.Fatalf("%s: the listing does not end", capName)
		}
		page = env.Page
	}
}

// effect is the kind of an answer's execution summary.
func effect(t testing.TB, env envelope) toolkit.EffectKind {
	t.Helper()
	if env.ExecutionSummary == nil {
		t.Fatalf("no execution summary in %s", env.raw)
	}
	return env.ExecutionSummary.Effect.Kind
}

// account is the part of an account the tests read.
type account struct {
	ID         string         `json:"integration_specific_id"`
	Email      *string        `json:"email"`
	Username   *string        `json:"username"`
	GivenName  *string        `json:"given_name"`
	FamilyName *string        `json:"family_name"`
	Status     string         `json:"user_status"`
	Extra      map[string]any `json:"extra_data"`
}

// association is one entitlement association.
type association struct {
	AccountID     string `json:"account_id"`
	EntitlementID string `json:"integration_specific_entitlement_id"`
	ResourceID    string `json:"integration_specific_resource_id"`
}

func (a association) String() string { return a.AccountID + "|" + a.EntitlementID + "|" + a.ResourceID }
