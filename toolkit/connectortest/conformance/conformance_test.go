package conformance_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest/conformance"
)

const basicAuth = `{"auth":{"basic":{"username":"u","password":"p"}}}`

// newConnector declares a connector with validate_credentials and the given
// list_accounts handler.
func newConnector(t *testing.T, appID string, list func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error)) *toolkit.Integration {
	t.Helper()
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: appID, Version: "1.0.0", Auth: toolkit.AuthBasic})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(context.Context, toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: appID}}, nil
	})
	if list != nil {
		toolkit.Handle(in, toolkit.CapListAccounts, list)
	}
	return in
}

// endless lists accounts forever: every page has new ids and a new token.
func endless(perPage int) func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
	return func(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		n := 0
		if req.Page != nil && req.Page.Token != "" {
			var err error
			if n, err = strconv.Atoi(req.Page.Token); err != nil {
				return toolkit.ListAccountsResponse{}, errs.New(errs.InvalidPageToken, "bad token")
			}
		}
		var out toolkit.ListAccountsResponse
		for i := range perPage {
			out.Response = append(out.Response, toolkit.FoundAccountData{IntegrationSpecificID: "u" + strconv.Itoa(n*perPage+i)})
		}
		out.Page = &toolkit.Page{Token: strconv.Itoa(n + 1)}
		return out, nil
	}
}

func result(t *testing.T, r conformance.Report, name string) conformance.Result {
	t.Helper()
	res, ok := r.Result(name)
	if !ok {
		t.Fatalf("no check %q in the report:\n%s", name, r.Text())
	}
	return res
}

// An endless listing stops at MaxItems, reported as a note, not a failure.
func TestDrainStopsAtMaxItems(t *testing.T) {
	in := newConnector(t, "endless", endless(10))
	r := conformance.Check(context.Background(), in, conformance.Options{Request: basicAuth, MaxItems: 35})
	res := result(t, r, "list_accounts: drain")
	if res.Status != conformance.Pass || !strings.HasPrefix(res.Summary, "40 items in 4 pages, not to the end") ||
		len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "stopped after 40 items (the MaxItems bound)") {
		t.Errorf("drain: %+v", res)
	}
	if !strings.Contains(r.Text(), "at most 35 items and 1000 pages per listing") {
		t.Errorf("the limits are not reported:\n%s", r.Text())
	}
}

// Empty pages with new tokens forever stop at MaxPages.
func TestDrainStopsAtMaxPages(t *testing.T) {
	in := newConnector(t, "empty-pages", endless(0))
	r := conformance.Check(context.Background(), in, conformance.Options{Request: basicAuth, MaxPages: 7})
	res := result(t, r, "list_accounts: drain")
	if res.Status != conformance.Pass || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "stopped after 7 pages (the MaxPages bound)") {
		t.Errorf("drain: %+v", res)
	}
}

// When the time budget is spent, the listing stops and later checks are
// skipped, all of it reported.
func TestTimeBudget(t *testing.T) {
	slow := func(ctx context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		select {
		case <-time.After(20 * time.Millisecond):
		case <-ctx.Done():
			return toolkit.ListAccountsResponse{}, ctx.Err()
		}
		return endless(1)(ctx, req)
	}
	in := newConnector(t, "slow", slow)
	// The schema checks are skipped: under -race on a busy machine they alone
	// can spend the budget before the listing starts.
	r := conformance.Check(context.Background(), in, conformance.Options{Request: basicAuth, Timeout: 300 * time.Millisecond,
		Skip: []string{"info", "schemas", "app_info"}})
	if !r.BudgetSpent {
		t.Errorf("BudgetSpent is false:\n%s", r.Text())
	}
	res := result(t, r, "list_accounts: drain")
	if len(res.Notes) == 0 || !strings.Contains(strings.Join(res.Notes, " "), "the time budget of 300ms is spent") {
		t.Errorf("drain: %+v", res)
	}
	if h := result(t, r, "hostile envelopes"); h.Status != conformance.Skip || !strings.Contains(h.Summary, "not run: the time budget of 300ms is spent") {
		t.Errorf("hostile envelopes: %+v", h)
	}
	if !strings.Contains(r.Text(), "time budget 300ms (spent: some checks did not run)") {
		t.Errorf("the text report does not say the budget was spent:\n%s", r.Text())
	}
}

// A handler that ignores its context is abandoned after CallTimeout.
func TestCallTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hung := func(context.Context, toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		<-release
		return toolkit.ListAccountsResponse{}, nil
	}
	in := newConnector(t, "hung", hung)
	r := conformance.Check(context.Background(), in, conformance.Options{Request: basicAuth, CallTimeout: 50 * time.Millisecond,
		Skip: []string{"hostile envelopes"}})
	res := result(t, r, "list_accounts: drain")
	if res.Status != conformance.Fail || len(res.Problems) != 1 || res.Problems[0] != "page 1: no answer within the call timeout of 50ms" {
		t.Errorf("drain: %+v", res)
	}
	if h := result(t, r, "hostile envelopes"); h.Status != conformance.Skip || h.Summary != "skipped by Options.Skip" {
		t.Errorf("hostile envelopes: %+v", h)
	}
}

func TestSkipByCapability(t *testing.T) {
	in := newConnector(t, "skipper", endless(1))
	r := conformance.Check(context.Background(), in, conformance.Options{Request: basicAuth, Skip: []string{"list_accounts", "writes"}})
	for _, name := range []string{"list_accounts: drain", "list_accounts: tampered token", "writes: assign_entitlement twice"} {
		if res := result(t, r, name); res.Status != conformance.Skip {
			t.Errorf("%s: %+v", name, res)
		}
	}
}

func TestBadRequestOption(t *testing.T) {
	in := newConnector(t, "bad-request", nil)
	for _, req := range []any{`{"auth":`, `[1]`, json.RawMessage(`null`), func() {}} {
		r := conformance.Check(context.Background(), in, conformance.Options{Request: req})
		if r.OK() || len(r.Checks) != 1 || r.Checks[0].Name != "request" {
			t.Errorf("Request %v: %s", req, r.Text())
		}
	}
}

// A missing credential fails validate_credentials and the reads, not the
// checks that need none.
func TestWithoutCredentials(t *testing.T) {
	in := newConnector(t, "no-creds", endless(1))
	r := conformance.Check(context.Background(), in, conformance.Options{Request: `{}`, MaxItems: 3})
	if res := result(t, r, "validate_credentials"); res.Status != conformance.Fail ||
		res.Summary != "validate_credentials failed: bad_request: Missing auth/credentials in request" {
		t.Errorf("validate_credentials: %+v", res)
	}
	for _, name := range []string{"info", "schemas", "app_info", "hostile envelopes"} {
		if res := result(t, r, name); res.Status != conformance.Pass {
			t.Errorf("%s: %+v", name, res)
		}
	}
}

// The answers are searched for the request's secrets. The toolkit masks
// them, so a leak is staged: a secret key added after the connector read
// its list.
func TestSecretsCheck(t *testing.T) {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "leaky", Version: "1.0.0", Auth: toolkit.AuthBasic})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(_ context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		var s struct {
			Shout string `json:"shout"`
		}
		_ = json.Unmarshal(req.Settings, &s)
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: s.Shout}}, nil
	})
	quiet := toolkit.WithLogger(context.Background(), slog.New(slog.DiscardHandler))
	in.Dispatch(quiet, "validate_credentials", []byte(`{"request":{}}`)) // the connector's secret keys are now fixed
	t.Setenv("LUMOS_ADDITIONAL_REDACTED_LOG_KEYS", "motto")
	r := conformance.Check(context.Background(), in, conformance.Options{
		Request: `{"auth":{"basic":{"username":"u","password":"p"}},"settings":{"motto":"open sesame","shout":"open sesame"}}`})
	res := result(t, r, "secrets")
	if res.Status != conformance.Fail || len(res.Problems) == 0 || res.Problems[0] != "validate_credentials: the answer carries a secret of the request" {
		t.Errorf("secrets: %+v", res)
	}
	r = conformance.Check(context.Background(), in, conformance.Options{
		Request: `{"auth":{"basic":{"username":"u","password":"p"}},"settings":{"motto":"open sesame","shout":"hello world"}}`})
	if res := result(t, r, "secrets"); res.Status != conformance.Pass || !strings.HasPrefix(res.Summary, "no secret of the request in ") {
		t.Errorf("secrets: %+v", res)
	}
}

func TestStructuralOpenAPIProblems(t *testing.T) {
	caps := []toolkit.CapabilityName{"app_info", "list_accounts"}
	good := map[string]any{
		"openapi": "3.0.0",
		"info":    map[string]any{"title": "t", "version": "1", "x-capabilities": []any{"list_accounts", "app_info"}},
		"paths": map[string]any{
			"/app_info":      map[string]any{"post": map[string]any{"operationId": "app_info", "responses": map[string]any{}}},
			"/list_accounts": map[string]any{"post": map[string]any{"operationId": "list_accounts", "responses": map[string]any{"200": map[string]any{"$ref": "#/components/responses/ok"}}}},
		},
		"components": map[string]any{"responses": map[string]any{"ok": map[string]any{"description": "ok"}}},
	}
	if p := conformance.StructuralOpenAPIProblems(good, caps); len(p) != 0 {
		t.Errorf("a good document has problems: %q", p)
	}
	bad := map[string]any{
		"openapi": "2.0",
		"info":    map[string]any{"title": "", "x-capabilities": []any{"app_info"}},
		"paths": map[string]any{
			"/app_info": map[string]any{"post": map[string]any{"operationId": "x"}},
			"/other":    map[string]any{"get": map[string]any{"operationId": "x", "responses": map[string]any{"200": map[string]any{"$ref": "#/components/schemas/Nope"}}}},
		},
		"components": []any{},
	}
	want := []string{
		`$ref "#/components/schemas/Nope" does not resolve`,
		"components is not an object",
		"info.title is missing or empty",
		"info.version is missing or empty",
		"info.x-capabilities is [app_info], want the registered capabilities [app_info list_accounts]",
		"openapi is 2.0, want a 3.x version",
		`operationId "x" is used by `,
		`path "/other" is not a registered capability`,
		`paths has no /list_accounts for capability list_accounts`,
		`paths["/app_info"].post has no responses object`,
		`paths["/app_info"].post.operationId is x, want "app_info"`,
	}
	got := strings.Join(conformance.StructuralOpenAPIProblems(bad, caps), "\n")
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("no problem %q in:\n%s", w, got)
		}
	}
}

// The report reads as one line per check and round-trips through JSON.
func TestReportFormats(t *testing.T) {
	in := newConnector(t, "formats", endless(2))
	r := conformance.Check(context.Background(), in, conformance.Options{Request: basicAuth, MaxItems: 4})
	text := r.Text()
	for _, want := range []string{
		"Conformance of formats 1.0.0\n",
		"PASS  info ", "PASS  list_accounts: drain ", "      note: stopped after 4 items",
		"SKIP  writes: assign_entitlement twice ", "writes are not allowed (Options.AllowWrites, --allow-writes)",
		"PASS: 11 checks, 9 passed, 0 failed, 2 skipped in ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the text report lacks %q:\n%s", want, text)
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back conformance.Report
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Text() != text {
		t.Errorf("the report changed through JSON:\n%s\nwas\n%s", back.Text(), text)
	}
	if !strings.Contains(string(b), `"status":"pass"`) || !strings.Contains(string(b), `"time_budget":"5m0s"`) {
		t.Errorf("JSON: %s", b)
	}
}
