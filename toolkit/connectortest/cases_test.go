package connectortest_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lumosgo/lumos/toolkit"
	"github.com/lumosgo/lumos/toolkit/connectortest"
)

// auth and settings of the example's requests.
const (
	exampleAuth = `"auth":{"token":{"token":"tok-123456"}}`
	bearer      = "Bearer tok-123456"
)

func exampleRequest(payload string) string {
	return `{` + exampleAuth + `,"request":` + payload + `,"settings":{"org":"acme"}}`
}

// validateCalls are the two calls of a successful validate_credentials.
func validateCalls() []connectortest.Call {
	return []connectortest.Call{
		{Method: "GET", Path: "/user", Header: map[string]string{"Authorization": bearer},
			Response: connectortest.Reply{Body: `{"login":"ada"}`}},
		{Method: "GET", Path: "/orgs/acme", Response: connectortest.Reply{Body: map[string]any{"id": 42}}},
	}
}

// exampleCases are cases that pass, from a Go table.
func exampleCases() []connectortest.Case {
	return []connectortest.Case{
		{
			Name:       "validate: two calls, tenant from the organisation",
			Capability: toolkit.CapValidateCredentials.Name(),
			Request:    exampleRequest(`{}`),
			Calls:      validateCalls(),
			Response:   `{"response":{"valid":true,"unique_tenant_id":"org-42"}}`,
		},
		{
			Name:       "list_accounts: a first page with a next link",
			Capability: toolkit.CapListAccounts.Name(),
			Request:    `{` + exampleAuth + `,"request":{},"page":{"size":2},"settings":{"org":"acme"}}`,
			Calls: []connectortest.Call{{Method: "GET", Path: "/orgs/acme/members?per_page=2",
				Response: connectortest.Reply{
					Header: map[string]string{"Link": `<{{base_url}}/orgs/acme/members?per_page=2&page=2>; rel="next"`},
					Body:   `[{"id":1,"login":"ada","email":"ada@example.com"},{"id":2,"login":"bob","email":null}]`,
				}}},
			Response: `{"response":[
				{"integration_specific_id":"1","username":"ada","email":"ada@example.com","user_status":"ACTIVE",
				 "given_name":null,"family_name":null,"extra_data":null,"custom_attributes":null,"account_type":null},
				{"integration_specific_id":"2","username":"bob","email":null,"user_status":"ACTIVE",
				 "given_name":null,"family_name":null,"extra_data":null,"custom_attributes":null,"account_type":null}],
				"page":{"token":"{{any}}","size":2.0}}`, // numbers compare by value
		},
		{
			Name:       "list_accounts: the last page, from a token naming the server",
			Capability: toolkit.CapListAccounts.Name(),
			Request: func(base string) any {
				page, err := examplePages.Resume("", exampleFirstPage(exampleSettings{Org: "acme"}, 2))
				if err != nil {
					panic(err)
				}
				token, err := page.Next(base + "/orgs/acme/members?page=2&per_page=2")
				if err != nil {
					panic(err)
				}
				return map[string]any{
					"auth": map[string]any{"token": map[string]any{"token": "tok-123456"}}, "request": map[string]any{},
					"page": toolkit.Page{Token: token, Size: 2}, "settings": map[string]any{"org": "acme"},
				}
			},
			Calls: []connectortest.Call{{Method: "GET", Path: "/orgs/acme/members?per_page=2&page=2", // query in another order
				Response: connectortest.Reply{Body: `[{"id":3,"login":"cy"}]`}}},
			Response: toolkit.ListAccountsResponse{Response: []toolkit.FoundAccountData{{
				IntegrationSpecificID: "3", Username: toolkit.Ptr("cy"), UserStatus: toolkit.Ptr(toolkit.AccountStatusActive)}}},
		},
		{
			Name:       "validate: a 401 is unauthorized, with the URL in the message",
			Capability: toolkit.CapValidateCredentials.Name(),
			Request:    exampleRequest(`{}`),
			Calls: []connectortest.Call{{Method: "GET", Path: "/user",
				Response: connectortest.Reply{Status: 401, Body: `{"message":"Bad credentials"}`}}},
			Error: &connectortest.ExpectedError{Code: "unauthorized", StatusCode: 401,
				Message: `[401][{{base_url}}/user] {"message":"Bad credentials"}`},
		},
		{
			Name:       "assign: the request body, then created",
			Capability: toolkit.CapAssignEntitlement.Name(),
			Request: exampleRequest(`{"account_integration_specific_id":"ada","resource_integration_specific_id":"core",` +
				`"resource_type":"team","entitlement_type":"member","entitlement_integration_specific_id":"member"}`),
			Calls: []connectortest.Call{{Method: "PUT", Path: "/teams/core/memberships/ada", Body: map[string]any{"role": "member"},
				Response: connectortest.Reply{Body: `{"state":"active","created":true}`}}},
			Response: `{"response":{"assigned":true},"execution_summary":{"effect":{"kind":"created"},
				"request_fingerprint":"{{any}}","is_idempotent":true,"description":null,"caught_errors":null}}`,
		},
		{
			Name:       "pipeline errors need no upstream call",
			Capability: toolkit.CapListAccounts.Name(),
			Request:    `{"request":{},"settings":{}}`,
			Error:      &connectortest.ExpectedError{Code: "bad_request", Message: "Missing auth/credentials in request"},
		},
		{
			Name:       "raw JSON that is not an object is sent as it is",
			Capability: toolkit.CapListAccounts.Name(),
			Request:    `[`,
			Error:      &connectortest.ExpectedError{Code: "bad_request"},
		},
	}
}

func TestRunCasesFromGoTable(t *testing.T) {
	connectortest.RunCases(t, example, "base_url", exampleCases())
}

func TestRunCasesWithAnInjectorFunc(t *testing.T) {
	var seen string
	inject := func(settings map[string]any, u string) {
		seen = u
		settings["base_url"] = u + "/"
		settings["org"] = "acme"
	}
	c := exampleCases()[0]
	c.Request = `{` + exampleAuth + `,"request":{}}` // no settings: the injector makes them
	connectortest.RunCases(t, example, inject, []connectortest.Case{c})
	if !strings.HasPrefix(seen, "http://127.0.0.1:") {
		t.Errorf("the injector got %q, want the loopback server's URL", seen)
	}
}

func TestRunCasesFromTestdata(t *testing.T) {
	cases, err := connectortest.LoadCases(filepath.Join("testdata", "cases"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 4 {
		t.Fatalf("loaded %d cases, want 4", len(cases))
	}
	if cases[0].Name != "assign_noop" {
		t.Errorf("first case is named %q, want the file name assign_noop", cases[0].Name)
	}
	connectortest.RunCases(t, example, "base_url", cases)
}

// Each kind of mismatch fails the case with a readable account of it.
func TestRunCasesReportsMismatches(t *testing.T) {
	validate := exampleCases()[0]
	assign := exampleCases()[4]
	tests := []struct {
		name      string
		change    func(c *connectortest.Case)
		base      connectortest.Case
		fragments []string
	}{
		{"missing call", func(c *connectortest.Case) {
			c.Calls = append(c.Calls, connectortest.Call{Method: "GET", Path: "/orgs/acme/teams"})
		}, validate, []string{
			"upstream calls differ (- expected, + made)",
			"- GET /orgs/acme/teams",
			"missing call: expected call 3, GET /orgs/acme/teams, was never made",
		}},
		{"extra call", func(c *connectortest.Case) {
			c.Calls = c.Calls[:1]
			c.Response = nil
			c.Error = &connectortest.ExpectedError{Code: "api_error"}
		}, validate, []string{
			"+ GET /orgs/acme",
			"unexpected call 2: GET /orgs/acme (no expected call matches it; the harness answered 500)",
		}},
		{"out of order", func(c *connectortest.Case) {
			c.Calls[0], c.Calls[1] = c.Calls[1], c.Calls[0]
		}, validate, []string{
			"+ GET /user\n    GET /orgs/acme\n  - GET /user",
			"out of order: call 1 was GET /user, expected as call 2",
		}},
		{"query differs", func(c *connectortest.Case) {
			c.Calls[0].Path = "/user?fields=login"
		}, validate, []string{"- GET /user?fields=login", "+ GET /user", "unexpected call 1: GET /user"}},
		{"header differs", func(c *connectortest.Case) {
			c.Calls[0].Header = map[string]string{"Authorization": "Bearer other"}
		}, validate, []string{`call 1 (GET /user): request header Authorization is "Bearer tok-123456", want "Bearer other"`}},
		{"body differs", func(c *connectortest.Case) {
			c.Calls[0].Body = `{"role":"maintainer"}`
		}, assign, []string{
			"call 1 (PUT /teams/core/memberships/ada): request body differs (- expected, + sent)",
			`-   "role": "maintainer"`, `+   "role": "member"`,
		}},
		{"text body differs", func(c *connectortest.Case) {
			c.Calls[0].Body = "role=member"
		}, assign, []string{"request body differs:\n  want: \"role=member\"\n  got:  \"{\\\"role\\\":\\\"member\\\"}\""}},
		{"form body differs", func(c *connectortest.Case) {
			c.Calls[0].Body = url.Values{"role": {"member"}}
		}, assign, []string{"request form differs"}},
		{"body matcher func", func(c *connectortest.Case) {
			c.Calls[0].Body = func(b []byte) error { return os.ErrInvalid }
		}, assign, []string{"request body: invalid argument"}},
		{"response differs", func(c *connectortest.Case) {
			c.Response = `{"response":{"valid":true,"unique_tenant_id":"org-43"}}`
		}, validate, []string{
			"the answer differs (- expected, + got)",
			`-     "unique_tenant_id": "org-43",`,
			`+     "unique_tenant_id": "org-42",`,
		}},
		{"a top-level key left out must be null", func(c *connectortest.Case) {
			c.Response = `{"response":{"assigned":true}}`
		}, assign, []string{`+   "execution_summary": {`}},
		{"success where an error is expected", func(c *connectortest.Case) {
			c.Response, c.Error = nil, &connectortest.ExpectedError{Code: "not_found"}
		}, validate, []string{"want an error envelope with error_code not_found, got a success"}},
		{"another error code", func(c *connectortest.Case) {
			c.Calls = c.Calls[:1]
			c.Calls[0].Response = connectortest.Reply{Status: 404, Body: "gone"}
			c.Response, c.Error = nil, &connectortest.ExpectedError{Code: "unauthorized", Message: "nope", StatusCode: 401}
		}, validate, []string{
			"error_code is not_found, want unauthorized",
			"error message differs:\n  want: nope\n  got:  [404][http://127.0.0.1:",
			"error status_code is 404, want 401",
			"connector logs and trace:", "http GET http://127.0.0.1:",
		}},
		{"an error where a success is expected", func(c *connectortest.Case) {
			c.Calls[0].Response.Status = 500
			c.Calls = c.Calls[:1]
			c.Response = nil
		}, validate, []string{"want a success, got an error envelope", `"error_code": "api_error"`}},
		{"both response and error", func(c *connectortest.Case) {
			c.Error = &connectortest.ExpectedError{Code: "not_found"}
		}, validate, []string{"set Response or Error, not both"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.base
			c.Calls = append([]connectortest.Call(nil), c.Calls...)
			tt.change(&c)
			r := record(t, func(tb testing.TB) { connectortest.RunCases(tb, example, "base_url", []connectortest.Case{c}) })
			r.mustFail(t, append(tt.fragments, "case \""+c.Name+"\"")...)
		})
	}
}

// With a testing.TB that is not a *testing.T, cases run in turn and a
// passing case records nothing.
func TestRunCasesWithAnotherTB(t *testing.T) {
	r := record(t, func(tb testing.TB) { connectortest.RunCases(tb, example, "base_url", exampleCases()) })
	r.mustPass(t)
}

func TestLoadCasesRejectsBadFiles(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"unknown key", `{"capability":"list_accounts","reqest":{}}`, `unknown field "reqest"`},
		{"no capability", `{"request":{}}`, `"capability" is missing`},
		{"both answers", `{"capability":"x","response":{},"error":{"error_code":"not_found"}}`, `set "response" or "error", not both`},
		{"error without code", `{"capability":"x","error":{"message":"m"}}`, `"error" needs an "error_code"`},
		{"call without path", `{"capability":"x","calls":[{"method":"GET"}]}`, "call 1 needs a method and a path"},
		{"not JSON", `{"capability":`, "not a case"},
		{"two documents", `{"capability":"x"} {}`, "data after the case object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "case.json")
			if err := os.WriteFile(path, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := connectortest.LoadCases(dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("LoadCases error = %v, want one naming %s and saying %q", err, path, tt.want)
			}
		})
	}
	if _, err := connectortest.LoadCases(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.json case file") {
		t.Errorf("an empty folder: error = %v", err)
	}
	if _, err := connectortest.LoadCases(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing folder: no error")
	}
}

// The case file format is the Case type's JSON form.
func TestCaseRoundTripsThroughJSON(t *testing.T) {
	c := connectortest.Case{Name: "n", Capability: toolkit.CapListAccounts.Name(), Request: map[string]any{"request": map[string]any{}},
		Calls: []connectortest.Call{{Method: "GET", Path: "/x", Response: connectortest.Reply{Status: 204}}},
		Error: &connectortest.ExpectedError{Code: "not_found"}}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"n","capability":"list_accounts","request":{"request":{}},"calls":[{"method":"GET","path":"/x","response":{"status":204}}],"error":{"error_code":"not_found"}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}
