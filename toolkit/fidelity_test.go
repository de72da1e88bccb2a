package toolkit_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/mock"
	"github.com/lumosgo/lumos/toolkit"
)

// seen is what a probe handler was given.
type seen struct {
	Token          string
	Credentials    int
	IncludeRawData bool
	Page           *toolkit.Page
	Settings       demoSettings
	Entitlements   []string
}

// probe is a connector whose handlers report what they were given, as the
// unique tenant id of validate_credentials and as one account per
// entitlement type of create_account.
func probe(maxPageSize int) *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "probe", Version: "1", Auth: toolkit.AuthToken, Settings: demoSettings{}, MaxPageSize: maxPageSize})
	report := func(s seen) (toolkit.ValidateCredentialsResponse, error) {
		b, err := json.Marshal(s)
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: string(b)}}, err
	}
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(_ context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		s, err := toolkit.DecodeSettings[demoSettings](req.Settings)
		if err != nil {
			return toolkit.ValidateCredentialsResponse{}, err
		}
		return report(seen{Token: req.Auth.Token.Token, IncludeRawData: req.IncludeRawData, Page: req.Page, Settings: s})
	})
	toolkit.Handle(in, toolkit.CapCreateAccount, func(_ context.Context, req toolkit.CreateAccountRequest) (toolkit.CreateAccountResponse, error) {
		var types []string
		for _, e := range req.Request.Entitlements {
			types = append(types, e.EntitlementType)
		}
		return toolkit.CreateAccountResponse{Response: toolkit.CreatedAccount{ID: toolkit.Ptr(strings.Join(types, ",")), Status: toolkit.AccountStatusActive}}, nil
	})
	return in
}

// probeSeen dispatches validate_credentials and returns what the handler
// saw, or the error message.
func probeSeen(t *testing.T, in *toolkit.Integration, body string) (seen, string) {
	t.Helper()
	doc := in.Dispatch(context.Background(), "validate_credentials", []byte(body))
	var env struct {
		IsError  bool                         `json:"is_error"`
		Error    toolkit.Error                `json:"error"`
		Response toolkit.ValidatedCredentials `json:"response"`
	}
	if err := json.Unmarshal(doc, &env); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	if env.IsError {
		return seen{}, env.Error.Message
	}
	var s seen
	if err := json.Unmarshal([]byte(env.Response.UniqueTenantID), &s); err != nil {
		t.Fatalf("%v: %s", err, doc)
	}
	return s, ""
}

func TestKeysAreCaseSensitive(t *testing.T) {
	const settings = `"settings":{"base_url":"u","org":"acme"}`
	good := seen{Token: "t0k", Settings: demoSettings{BaseURL: "u", Org: "acme", Limit: 25}}
	with := func(f func(*seen)) seen { s := good; f(&s); return s }
	tests := []struct {
		name, body string
		want       seen
		message    string // the error instead, if any
	}{
		{"exact keys", `{"request":{},` + okAuth + `,` + settings + `}`, good, ""},
		// the envelope
		{"REQUEST is not request", `{"REQUEST":{},` + okAuth + `,` + settings + `}`, seen{}, "Invalid request - request: field required"},
		{"AUTH is not auth", `{"request":{},"AUTH":{"token":{"token":"t0k"}},` + settings + `}`, seen{}, "Missing auth/credentials in request"},
		{"Credentials is not credentials", `{"request":{},"Credentials":[{"id":"x","token":{"token":"t0k"}}],` + settings + `}`, seen{}, "Missing auth/credentials in request"},
		{"SETTINGS is not settings", `{"request":{},` + okAuth + `,"SETTINGS":{"base_url":"u","org":"acme"}}`, seen{}, "No settings passed on request: probe requires demoSettings"},
		{"Unicode folding is not matching either", `{"request":{},` + okAuth + `,"ſettings":{"base_url":"u","org":"acme"}}`, seen{}, "No settings passed on request: probe requires demoSettings"},
		{"an escaped exact key is the key", `{"request":{},"\u0061uth":{"token":{"token":"t0k"}},` + settings + `}`, good, ""},
		{"an escaped other-case key is not", `{"request":{},"\u0041UTH":{"token":{"token":"t0k"}},` + settings + `}`, seen{}, "Missing auth/credentials in request"},
		{"Include_Raw_Data is ignored", `{"request":{},` + okAuth + `,` + settings + `,"Include_Raw_Data":true}`, good, ""},
		{"PAGE is ignored", `{"request":{},` + okAuth + `,` + settings + `,"PAGE":{"size":5}}`, good, ""},
		// duplicates differing only in case: the exact key wins, wherever it is
		{"auth then AUTH", `{"request":{},` + okAuth + `,"AUTH":{"token":{"token":"evil"}},` + settings + `}`, good, ""},
		{"AUTH then auth", `{"request":{},"AUTH":{"token":{"token":"evil"}},` + okAuth + `,` + settings + `}`, good, ""},
		{"page size then SIZE", `{"request":{},` + okAuth + `,` + settings + `,"page":{"size":5,"SIZE":7,"Token":"x"}}`, with(func(s *seen) { s.Page = &toolkit.Page{Size: 5} }), ""},
		{"org then ORG", `{"request":{},` + okAuth + `,"settings":{"base_url":"u","org":"acme","ORG":"evil"}}`, good, ""},
		// inside the credentials
		{"TOKEN is not token", `{"request":{},"auth":{"TOKEN":{"token":"t0k"}},` + settings + `}`, seen{}, "Missing 'token' auth in request"},
		{"a credential's Token is not token", `{"request":{},"auth":{"token":{"Token":"t0k"}},` + settings + `}`, seen{}, "Invalid request - auth.token.token: field required"},
		{"token then Token", `{"request":{},"auth":{"token":{"token":"t0k","Token":"evil"}},` + settings + `}`, good, ""},
		// settings, as the pipeline checks them and as handlers decode them
		{"BASE_URL is not base_url", `{"request":{},` + okAuth + `,"settings":{"BASE_URL":"u","org":"acme"}}`, seen{}, "Invalid settings passed on request. Missing required settings: Base URL"},
		{"LIMIT is not limit", `{"request":{},` + okAuth + `,"settings":{"base_url":"u","org":"acme","LIMIT":9}}`, good, ""},
	}
	in := probe(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			got, message := probeSeen(t, in, tt.body)
			is.Equal(message, tt.message)
			is.Equal(got, tt.want)
		})
	}
}

func TestKeysAreCaseSensitiveInPayloads(t *testing.T) {
	tests := []struct {
		name, request, want string
	}{
		{"exact", `{"entitlements":[{"entitlement_type":"role","integration_specific_id":"a"}]}`, "role"},
		{"a list item's key differing in case is ignored", `{"entitlements":[{"entitlement_type":"role","integration_specific_id":"a","ENTITLEMENT_TYPE":"evil"}]}`, "role"},
		{"in every item", `{"entitlements":[{"Entitlement_Type":"evil","entitlement_type":"a","integration_specific_id":"a"},{"entitlement_type":"b","integration_specific_id":"b","entitlement_typE":"evil"}]}`, "a,b"},
		{"a payload key differing in case is ignored", `{"ENTITLEMENTS":[{"entitlement_type":"evil","integration_specific_id":"a"}]}`, ""},
		{"a required key only in another case is missing", `{"entitlements":[{"ENTITLEMENT_TYPE":"role","integration_specific_id":"a"}]}`, "Invalid request - request.entitlements.0.entitlement_type: field required"},
	}
	in := probe(0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			body := `{"request":` + tt.request + `,` + okAuth + `,"settings":{"base_url":"u","org":"acme"}}`
			doc := in.Dispatch(context.Background(), "create_account", []byte(body))
			var env struct {
				Error    *toolkit.Error         `json:"error"`
				Response toolkit.CreatedAccount `json:"response"`
			}
			is.NoErr(json.Unmarshal(doc, &env))
			if env.Error != nil {
				is.Equal(env.Error.Message, tt.want)
				return
			}
			is.Equal(*env.Response.ID, tt.want)
		})
	}
}

func TestPageSizeIsAHint(t *testing.T) {
	tests := []struct {
		name     string
		max      int    // the connector's declared maximum
		page     string // the request's page
		wantSize int    // the size the handler sees
		message  string // or the error
	}{
		{"a size within the limits", 0, `{"size":7}`, 7, ""},
		{"no size", 0, `{"token":"t"}`, 0, ""},
		{"null size", 0, `{"size":null}`, 0, ""},
		{"zero", 0, `{"size":0}`, 0, ""},
		{"negative: the connector's default", 0, `{"size":-5}`, 0, ""},
		{"2^31: the toolkit's maximum", 0, `{"size":2147483648}`, toolkit.MaxPageSize, ""},
		{"1000000000: the connector's maximum", 50, `{"size":1000000000}`, 50, ""},
		{"1e9, an integer written as a float", 50, `{"size":1e9}`, 50, ""},
		{"2.0", 0, `{"size":2.0}`, 2, ""},
		{"250e-2 is no integer", 0, `{"size":250e-2}`, 0, "Invalid request - page.size: expected integer, got number"},
		{"2500e-2", 0, `{"size":2500e-2}`, 25, ""},
		{"0.07e2", 0, `{"size":0.07e2}`, 7, ""},
		{"-0", 0, `{"size":-0}`, 0, ""},
		{"0e999999999999", 0, `{"size":0e999999999999}`, 0, ""},
		{"int64's largest", 50, `{"size":9223372036854775807}`, 50, ""},
		{"just beyond int64", 50, `{"size":9223372036854775808}`, 50, ""},
		{"beyond int64", 50, `{"size":123456789012345678901234567890}`, 50, ""},
		{"far beyond", 50, `{"size":1e400}`, 50, ""},
		{"far below", 50, `{"size":-1e400}`, 0, ""},
		{"beyond int64, negative", 50, `{"size":-123456789012345678901234567890}`, 0, ""},
		{"a declared maximum above the toolkit's is the toolkit's", 1 << 40, `{"size":2147483648}`, toolkit.MaxPageSize, ""},
		{"a fraction is no integer", 0, `{"size":1.5}`, 0, "Invalid request - page.size: expected integer, got number"},
		{"a tiny fraction is no integer", 0, `{"size":1e-400}`, 0, "Invalid request - page.size: expected integer, got number"},
		{"a string is no integer", 0, `{"size":"10"}`, 0, "Invalid request - page.size: expected integer, got string"},
		{"an object is no integer", 0, `{"size":{}}`, 0, "Invalid request - page.size: expected integer, got object"},
		{"a boolean is no integer", 0, `{"size":true}`, 0, "Invalid request - page.size: expected integer, got boolean"},
		{"a token must be a string", 0, `{"token":5}`, 0, "Invalid request - page.token: expected string, got number"},
		{"a page must be an object", 0, `"x"`, 0, "Invalid request - page: expected object, got string"},
		{"a page must not be a list", 0, `[1]`, 0, "Invalid request - page: expected object, got array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			body := `{"request":{},` + okAuth + `,"settings":{"base_url":"u","org":"acme"},"page":` + tt.page + `}`
			got, message := probeSeen(t, probe(tt.max), body)
			is.Equal(message, tt.message)
			if tt.message == "" {
				is.True(got.Page != nil)
				is.Equal(got.Page.Size, tt.wantSize)
			}
		})
	}
}

// The mock serves a whole page, never an error, whatever size is asked for.
func TestMockPageSizeHint(t *testing.T) {
	for _, size := range []string{"2147483648", "-5", "1e9", "0", "10001"} {
		t.Run(size, func(t *testing.T) {
			is := is.New(t)
			body := `{"auth":{"basic":{"username":"u","password":"p"}},"request":{},"settings":{"host":"h","tenant_size":20000},"page":{"size":` + size + `}}`
			doc := mock.Integration().Dispatch(context.Background(), "list_accounts", []byte(body))
			var env struct {
				IsError  bool              `json:"is_error"`
				Response []json.RawMessage `json:"response"`
				Page     *toolkit.Page     `json:"page"`
			}
			is.NoErr(json.Unmarshal(doc, &env))
			is.True(!env.IsError)
			want := map[string]int{"-5": mock.DefaultPageSize, "0": mock.DefaultPageSize}[size]
			if want == 0 {
				want = mock.MaxPageSize
			}
			is.Equal(len(env.Response), want)
			is.Equal(env.Page.Size, want) // the next page announces the size served
		})
	}
}

func TestMissingSettingsNamedAsUpstreamNamesThem(t *testing.T) {
	tests := []struct {
		name string
		in   *toolkit.Integration
		body string
		want string
	}{
		// upstream names a missing field by its explicit title, else by its key
		{"a title tag, then a key", demo(), `{"request":{"account_id":"a"},` + okAuth + `,"settings":{}}`,
			"Invalid settings passed on request. Missing required settings: Base URL, org"},
		{"the mock's host", mock.Integration(), `{"auth":{"basic":{"username":"u","password":"p"}},"request":{},"settings":{}}`,
			"Invalid settings passed on request. Missing required settings: host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			capability := "get_account"
			if tt.in == mock.Integration() {
				capability = "validate_credentials"
			}
			e := errorOf(t, tt.in.Dispatch(context.Background(), capability, []byte(tt.body)))
			is.Equal(e.ErrorCode, errs.BadRequest)
			is.Equal(e.Message, tt.want)
		})
	}
}

// A declared maximum below zero is a mistake of the connector's author.
func TestNegativeMaxPageSizeRefused(t *testing.T) {
	is := is.New(t)
	defer func() {
		r := recover()
		is.True(r != nil)
		is.True(strings.Contains(fmt.Sprint(r), "MaxPageSize"))
	}()
	toolkit.NewIntegration(toolkit.Declaration{AppID: "neg", Version: "1", Auth: toolkit.AuthToken, MaxPageSize: -1})
}
