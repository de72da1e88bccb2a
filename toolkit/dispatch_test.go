package toolkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/matryer/is"

	"github.com/lumosgo/lumos/errs"
	"github.com/lumosgo/lumos/toolkit"
)

type demoSettings struct {
	BaseURL string `json:"base_url" required:"true" title:"Base URL" description:"Where the API lives."`
	Org     string `json:"org" required:"true" description:"The organization."`
	Limit   int    `json:"limit" default:"25" description:"Items per call."`
	Verbose bool   `json:"verbose" description:"Say more."`
}

// demo is a connector whose handlers show what the pipeline did.
func demo() *toolkit.Integration {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "demo", Version: "0.1.0", Auth: toolkit.AuthToken, Settings: demoSettings{}})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(_ context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		s, err := toolkit.DecodeSettings[demoSettings](req.Settings)
		if err != nil {
			return toolkit.ValidateCredentialsResponse{}, err
		}
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: s.Org + "/" + req.Auth.Token.Token}}, nil
	})
	toolkit.Handle(in, toolkit.CapListAccounts, func(_ context.Context, req toolkit.ListAccountsRequest) (toolkit.ListAccountsResponse, error) {
		return toolkit.ListAccountsResponse{}, nil // nil list: must be written as []
	})
	toolkit.Handle(in, toolkit.CapGetAccount, func(ctx context.Context, req toolkit.GetAccountRequest) (toolkit.GetAccountResponse, error) {
		switch req.Request.AccountID {
		case "connector-error":
			return toolkit.GetAccountResponse{}, &errs.Error{Message: "gone", Code: errs.NotFound, AppErrorCode: "E404"}
		case "wrapped":
			return toolkit.GetAccountResponse{}, errors.Join(errors.New("context"), errs.New(errs.RateLimit, "slow down"))
		case "plain":
			return toolkit.GetAccountResponse{}, errors.New("boom")
		case "panic":
			var m map[string]int
			//lint:ignore SA5000 the handler panics on purpose, with a runtime error
			m["x"]++ // nil map write
		case "unencodable":
			return toolkit.GetAccountResponse{Response: toolkit.FoundAccountData{ExtraData: map[string]any{"f": func() {}}}}, nil
		}
		return toolkit.GetAccountResponse{Response: toolkit.FoundAccountData{IntegrationSpecificID: req.Request.AccountID,
			Email: toolkit.Ptr("a<b>&c@example.com"), UserStatus: toolkit.Ptr(toolkit.AccountStatusActive)}}, nil
	})
	toolkit.Handle(in, toolkit.CapGetLastActivity, func(_ context.Context, req toolkit.GetLastActivityRequest) (toolkit.GetLastActivityResponse, error) {
		return toolkit.GetLastActivityResponse{Response: []toolkit.LastActivityData{}}, nil
	})
	return in
}

const okAuth = `"auth":{"token":{"token":"t0k"}}`
const okSettings = `"settings":{"base_url":"https://x","org":"acme"}`

func errorOf(t *testing.T, doc []byte) toolkit.Error {
	t.Helper()
	var env struct {
		IsError bool          `json:"is_error"`
		Error   toolkit.Error `json:"error"`
	}
	if err := json.Unmarshal(doc, &env); err != nil || !env.IsError {
		t.Fatalf("not an error envelope: %s", doc)
	}
	return env.Error
}

func TestDispatchPipelineErrors(t *testing.T) {
	in := demo()
	tests := []struct {
		name, capability, body string
		code                   errs.ErrorCode
		message                string
	}{
		{"unknown capability", "list_everything", `{}`, errs.NotImplemented, "Capability 'list_everything' is not implemented."},
		{"unregistered standard capability", "list_resources", `{}`, errs.NotImplemented, "Capability 'list_resources' is not implemented."},
		{"malformed json", "get_account", `{"request":`, errs.BadRequest, "Invalid request - invalid JSON: unexpected end of JSON input"},
		{"trailing garbage", "get_account", `{"request":{}} x`, errs.BadRequest, "Invalid request - invalid JSON at byte 16: invalid character 'x' after top-level value"},
		{"not an object", "get_account", `[1,2]`, errs.BadRequest, "Invalid request - expected a JSON object, got array"},
		{"null body", "get_account", `null`, errs.BadRequest, "Invalid request - expected a JSON object, got null"},
		{"empty body", "get_account", ``, errs.BadRequest, "Invalid request - invalid JSON: unexpected end of JSON input"},
		{"NaN", "get_account", `{"request":{"account_id":NaN}}`, errs.BadRequest, "Invalid request - invalid JSON at byte 26: invalid character 'N' looking for beginning of value"},
		{"missing request", "get_account", `{` + okAuth + `}`, errs.BadRequest, "Invalid request - request: field required"},
		{"null request", "get_account", `{"request":null}`, errs.BadRequest, "Invalid request - request: field required"},
		{"missing payload field", "get_account", `{"request":{}}`, errs.BadRequest, "Invalid request - request.account_id: field required"},
		{"wrong payload type", "get_account", `{"request":{"account_id":7}}`, errs.BadRequest, "Invalid request - request.account_id: expected string, got number"},
		{"string for bool", "get_account", `{"request":{"account_id":"a"},"include_raw_data":"true"}`, errs.BadRequest, "Invalid request - include_raw_data: expected boolean, got string"},
		{"float page size", "get_account", `{"request":{"account_id":"a"},"page":{"size":1.5}}`, errs.BadRequest, "Invalid request - page.size: expected integer, got number"},
		{"settings not an object", "get_account", `{"request":{"account_id":"a"},"settings":"x"}`, errs.BadRequest, "Invalid request - settings: expected object, got string"},
		{"incomplete nested credential", "get_account", `{"request":{"account_id":"a"},"auth":{"token":{}}}`, errs.BadRequest, "Invalid request - auth.token.token: field required"},
		{"list item wrong type", "get_last_activity", `{"request":{"account_ids":[1]}}`, errs.BadRequest, "Invalid request - request.account_ids: expected string, got number"},
		{"invalid UTF-8", "get_account", "{\"request\":{\"account_id\":\"\xff\"}}", errs.BadRequest, "Invalid request - the request is not valid UTF-8"},
		{"deep nesting", "get_account", `{"request":{"account_id":"a"},"x":` + strings.Repeat("[", 129) + strings.Repeat("]", 129) + `}`, errs.BadRequest,
			"Invalid request - objects and arrays are nested deeper than the limit of 128 levels"},
		{"brackets in strings do not count", "get_account", `{"request":{"account_id":"` + strings.Repeat("[", 300) + `"}}`, errs.BadRequest, "Missing auth/credentials in request"},
		{"huge page token", "get_account", `{"request":{"account_id":"a"},"page":{"token":"` + strings.Repeat("A", 4097) + `"}}`, errs.InvalidPageToken,
			"Invalid page token: it is 4097 bytes long; the limit is 4096. Start the listing again without a page token."},
		{"no auth", "get_account", `{"request":{"account_id":"a"}}`, errs.BadRequest, "Missing auth/credentials in request"},
		{"null auth", "get_account", `{"request":{"account_id":"a"},"auth":null}`, errs.BadRequest, "Missing auth/credentials in request"},
		{"wrong auth kind", "get_account", `{"request":{"account_id":"a"},"auth":{"basic":{"username":"u","password":"p"}}}`, errs.BadRequest, "Missing 'token' auth in request"},
		{"empty auth", "get_account", `{"request":{"account_id":"a"},"auth":{}}`, errs.BadRequest, "Missing 'token' auth in request"},
		{"auth and credentials", "get_account", `{"request":{"account_id":"a"},` + okAuth + `,"credentials":[]}`, errs.BadRequest,
			"Cannot pass credentials and auth in the same request, if you've meant to make this connector multi-auth compatible, please remove the auth field."},
		{"empty credentials", "get_account", `{"request":{"account_id":"a"},"credentials":[]}`, errs.BadRequest, "Missing credentials in request"},
		{"credential without id", "get_account", `{"request":{"account_id":"a"},"credentials":[{"token":{"token":"x"}}]}`, errs.BadRequest, "Missing ID in credential at index 0"},
		{"undeclared credential", "get_account", `{"request":{"account_id":"a"},"credentials":[{"id":"api","token":{"token":"x"}}]}`, errs.BadRequest, "Credential with id 'api' not expected"},
		{"no settings", "get_account", `{"request":{"account_id":"a"},` + okAuth + `}`, errs.BadRequest, "No settings passed on request: demo requires demoSettings"},
		{"null settings", "get_account", `{"request":{"account_id":"a"},` + okAuth + `,"settings":null}`, errs.BadRequest, "No settings passed on request: demo requires demoSettings"},
		{"missing settings", "get_account", `{"request":{"account_id":"a"},` + okAuth + `,"settings":{}}`, errs.BadRequest,
			"Invalid settings passed on request. Missing required settings: Base URL, org"},
		{"settings wrong type", "get_account", `{"request":{"account_id":"a"},` + okAuth + `,"settings":{"base_url":"u","org":"o","limit":"9"}}`, errs.BadRequest,
			"Invalid settings passed on request. Invalid values: limit: expected integer, got string"},
		{"connector error", "get_account", `{"request":{"account_id":"connector-error"},` + okAuth + `,` + okSettings + `}`, errs.NotFound, "gone"},
		{"wrapped connector error", "get_account", `{"request":{"account_id":"wrapped"},` + okAuth + `,` + okSettings + `}`, errs.RateLimit, "slow down"},
		{"plain error", "get_account", `{"request":{"account_id":"plain"},` + okAuth + `,` + okSettings + `}`, errs.UnexpectedError, "boom"},
		{"panic", "get_account", `{"request":{"account_id":"panic"},` + okAuth + `,` + okSettings + `}`, errs.UnexpectedError,
			"The capability failed unexpectedly: panic: assignment to entry in nil map"},
		{"unencodable response", "get_account", `{"request":{"account_id":"unencodable"},` + okAuth + `,` + okSettings + `}`, errs.InvalidResponse,
			"Unexpected response from executed capability: json: unsupported type: func()"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			e := errorOf(t, in.Dispatch(context.Background(), tt.capability, []byte(tt.body)))
			is.Equal(e.Message, tt.message)
			is.Equal(e.ErrorCode, tt.code)
			is.Equal(e.AppID, "demo")
		})
	}
}

func TestDispatchErrorEnvelopeShape(t *testing.T) {
	is := is.New(t)
	in := demo()
	got := string(in.Dispatch(context.Background(), "list_everything", []byte(`{}`)))
	is.Equal(got, `{"is_error":true,"error":{"message":"Capability 'list_everything' is not implemented.","status_code":null,"app_error_code":null,"error_code":"not_implemented","app_id":"demo","raised_by":null,"raised_in":null},"raw_data":null,"page":null}`)

	body := `{"request":{"account_id":"connector-error"},` + okAuth + `,` + okSettings + `}`
	e := errorOf(t, in.Dispatch(context.Background(), "get_account", []byte(body)))
	is.Equal(*e.AppErrorCode, "E404")
	is.Equal(*e.RaisedBy, "errs.Error")
	is.Equal(*e.RaisedIn, "toolkit_test:get_account") // the package of the handler and the capability

	body = `{"request":{"account_id":"panic"},` + okAuth + `,` + okSettings + `}`
	e = errorOf(t, in.Dispatch(context.Background(), "get_account", []byte(body)))
	is.Equal(*e.RaisedBy, "panic")
	is.True(!strings.Contains(e.Message, "goroutine")) // no stack trace in the envelope

	e = errorOf(t, in.Dispatch(context.Background(), "get_account", []byte(`{"request":{}}`)))
	is.Equal(e.RaisedBy, nil) // pipeline errors name no raiser, as upstream
	is.Equal(e.RaisedIn, nil)
}

func TestDispatchSuccess(t *testing.T) {
	is := is.New(t)
	in := demo()
	ctx := context.Background()

	got := string(in.Dispatch(ctx, "validate_credentials", []byte(`{"request":{},`+okAuth+`,`+okSettings+`,"unknown_key":{"ignored":true}}`)))
	is.Equal(got, `{"response":{"valid":true,"unique_tenant_id":"acme/t0k"},"raw_data":null,"page":null,"execution_summary":null}`)

	got = string(in.Dispatch(ctx, "list_accounts", []byte(`{"request":{},`+okAuth+`,`+okSettings+`}`)))
	is.Equal(got, `{"response":[],"raw_data":null,"page":null,"execution_summary":null}`) // nil list written as []

	got = string(in.Dispatch(ctx, "get_account", []byte(`{"request":{"account_id":"ü"},`+okAuth+`,`+okSettings+`}`)))
	is.Equal(got, `{"response":{"integration_specific_id":"ü","email":"a<b>&c@example.com","given_name":null,"family_name":null,"username":null,"user_status":"ACTIVE","extra_data":null,"custom_attributes":null,"account_type":null},"raw_data":null,"page":null,"execution_summary":null}`)
}

func TestDispatchRejectsOversizedRequest(t *testing.T) {
	is := is.New(t)
	body := make([]byte, toolkit.MaxRequestBytes+1)
	e := errorOf(t, demo().Dispatch(context.Background(), "get_account", body))
	is.Equal(e.ErrorCode, errs.BadRequest)
	is.True(strings.Contains(e.Message, "limit"))
}

func TestDispatchMultiCredentials(t *testing.T) {
	in := toolkit.NewIntegration(toolkit.Declaration{AppID: "multi", Version: "1", Credentials: []toolkit.CredentialConfig{
		{ID: "api", Type: toolkit.AuthToken},
		{ID: "admin", Type: toolkit.AuthBasic, Optional: true},
	}})
	toolkit.Handle(in, toolkit.CapValidateCredentials, func(_ context.Context, req toolkit.ValidateCredentialsRequest) (toolkit.ValidateCredentialsResponse, error) {
		return toolkit.ValidateCredentialsResponse{Response: toolkit.ValidatedCredentials{Valid: true, UniqueTenantID: *req.Credentials[0].ID}}, nil
	})
	tests := []struct {
		name, body, message string
	}{
		{"ok", `{"request":{},"credentials":[{"id":"api","token":{"token":"x"}}]}`, ""},
		{"optional given", `{"request":{},"credentials":[{"id":"api","token":{"token":"x"}},{"id":"admin","basic":{"username":"u","password":"p"}}]}`, ""},
		{"required kind missing", `{"request":{},"credentials":[{"id":"api"}]}`, "Missing 'token' credential in request"},
		{"required credential absent", `{"request":{},"credentials":[{"id":"admin","basic":{"username":"u","password":"p"}}]}`, "Missing 'token' credential in request"},
		{"auth naming one declared kind", `{"request":{},"auth":{"token":{"token":"x"}}}`, ""}, // read as the "api" credential
		{"auth of an undeclared kind", `{"request":{},"auth":{"oauth":{"access_token":"x"}}}`, "Missing credentials in request"},
		{"auth of two kinds", `{"request":{},"auth":{"token":{"token":"x"},"basic":{"username":"u","password":"p"}}}`, "Missing credentials in request"},
		{"auth of the optional kind only", `{"request":{},"auth":{"basic":{"username":"u","password":"p"}}}`, "Missing 'token' credential in request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			is := is.New(t)
			doc := in.Dispatch(context.Background(), "validate_credentials", []byte(tt.body))
			if tt.message == "" {
				is.Equal(string(doc), `{"response":{"valid":true,"unique_tenant_id":"api"},"raw_data":null,"page":null,"execution_summary":null}`)
				return
			}
			is.Equal(errorOf(t, doc).Message, tt.message)
		})
	}
}

func TestDecodeSettings(t *testing.T) {
	is := is.New(t)
	s, err := toolkit.DecodeSettings[demoSettings](json.RawMessage(`{"base_url":"u","org":"o"}`))
	is.NoErr(err)
	is.Equal(s, demoSettings{BaseURL: "u", Org: "o", Limit: 25}) // default applied
	s, err = toolkit.DecodeSettings[demoSettings](json.RawMessage(`{"base_url":"u","org":"o","limit":3,"verbose":true}`))
	is.NoErr(err)
	is.Equal(s, demoSettings{BaseURL: "u", Org: "o", Limit: 3, Verbose: true})
	_, err = toolkit.DecodeSettings[demoSettings](json.RawMessage(`{"org":"o"}`))
	code, _ := errs.CodeOf(err)
	is.Equal(code, errs.BadRequest)
	is.Equal(err.Error(), "Invalid request settings: base_url: field required")
}
